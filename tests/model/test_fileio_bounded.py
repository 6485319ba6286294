"""Issue 11, project files: every bad file of the attack run gets one ProjectFileError, fast and specific
(not the last-resort safety net), and interrupted saves leave nothing behind for long."""

import io
import json
import os
import time
import zipfile

import numpy as np
import pytest

from playground.model import fileio
from playground.model.errors import ProjectFileError
from playground.model.fileio import (
    load_project,
    project_to_bytes,
    remove_stale_temps,
    save_project,
)
from playground.model.graph import Edge, Graph
from playground.model.project import Project
from playground.model.settings import DatasetRef, TrainingSettings

from .helpers import make_project

VALID = project_to_bytes(make_project())


def members_of(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def zipped(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buffer.getvalue()


def with_json(edit) -> bytes:
    members = members_of(VALID)
    data = json.loads(members["project.json"])
    edit(data)
    members["project.json"] = json.dumps(data).encode("utf-8")
    return zipped(members)


def refused(tmp_path, raw: bytes | None, match: str, seconds: float = 3.0, path=None) -> str:
    if path is None:
        path = tmp_path / "lab.nnpg"
        path.write_bytes(raw)
    started = time.perf_counter()
    with pytest.raises(ProjectFileError, match=match) as info:
        load_project(path)
    assert time.perf_counter() - started < seconds
    assert not info.value.unexpected, f"only the safety net caught it: {info.value}"
    return str(info.value)


# --- text and numbers ------------------------------------------------------------------------
@pytest.mark.parametrize("edit, where", [
    (lambda d: d.update(title="Lab \ud800"), "title"),
    (lambda d: d.update(description="\udfff"), "description"),
    (lambda d: d.update(dataset={"path": "data\ud800.csv", "options": {}}), "dataset.path"),
    (lambda d: d["graph"]["nodes"][1]["params"].update({"init\ud800": 1}), "a field name"),
])
def test_a_lone_surrogate_is_refused_at_load(tmp_path, edit, where):
    message = refused(tmp_path, with_json(edit), match="not valid text")
    assert where in message and "UnicodeEncodeError" not in message


def test_a_lone_surrogate_is_never_saved(tmp_path):
    project = make_project()
    project.title = "Lab \ud800"
    with pytest.raises(ProjectFileError, match="title holds a character that is not valid text"):
        save_project(project, tmp_path / "x.nnpg")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("options, match", [
    ({"n": "inf"}, "option 'n' of dataset 'moons' must be a whole number, got 'inf'"),
    ({"n": 1e300}, "option 'n' of dataset 'moons' must lie between"),
    ({"noise": "nan"}, "option 'noise' of dataset 'moons' must be a number"),
    ({"seed": "\ud800"}, "not valid text|must be a whole number"),
])
def test_dataset_options_are_checked_at_load(tmp_path, options, match):
    message = refused(tmp_path, with_json(lambda d: d["dataset"]["options"].update(options)), match=match)
    assert "OverflowError" not in message


def test_a_4000_digit_number_is_refused(tmp_path):
    raw = with_json(lambda d: d["graph"]["nodes"][0].update(x=1))
    members = members_of(raw)
    members["project.json"] = members["project.json"].replace(b'"x": 1', b'"x": ' + b"7" * 4000, 1)
    refused(tmp_path, zipped(members), match="4,000 digits")


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_non_finite_numbers_are_refused_with_their_place(tmp_path, literal):
    raw = with_json(lambda d: d["settings"]["optimizer"].update(lr=0.123))
    members = members_of(raw)
    members["project.json"] = members["project.json"].replace(b"0.123", literal, 1)
    refused(tmp_path, zipped(members), match="settings.optimizer.lr is .*not a finite number")


# --- not ordinary files, huge files -------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_returns_at_once(tmp_path):
    fifo = tmp_path / "lab.nnpg"
    os.mkfifo(fifo)
    refused(tmp_path, None, match="named pipe", seconds=1.0, path=fifo)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_link_to_dev_zero(tmp_path):
    link = tmp_path / "lab.nnpg"
    link.symlink_to("/dev/zero")
    refused(tmp_path, None, match="is a device", seconds=1.0, path=link)


def test_a_sparse_8_gb_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "lab.nnpg"
    with open(path, "wb") as f:
        f.truncate(8 * 2**30)
    refused(tmp_path, None, match=r"8\.0 GB, more than the 2\.0 GB", seconds=1.0, path=path)


def test_a_thumbnail_that_inflates_to_a_lot(tmp_path):
    members = members_of(VALID)
    members["thumbnail.png"] = b"\x89PNG\r\n\x1a\n" + b"\0" * (40 * 2**20)  # 40 MB of zeros, ~40 KB deflated
    raw = zipped(members)
    assert len(raw) < 200_000
    refused(tmp_path, raw, match=r"thumbnail.png claims to be 40\.0 MB, more than the 16\.0 MB", seconds=1.0)


def test_a_thumbnail_claiming_huge_pixels(tmp_path):
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    ihdr = struct.pack(">I", 13) + b"IHDR" + header + struct.pack(">I", zlib.crc32(b"IHDR" + header))
    members = members_of(VALID)
    members["thumbnail.png"] = b"\x89PNG\r\n\x1a\n" + ihdr
    refused(tmp_path, zipped(members), match="100,000×100,000 pixels")


def test_weights_that_unpack_to_more_than_allowed_are_refused_before_unpacking(tmp_path, monkeypatch):
    """The attack's 16 KB weights.npz of 8 × 1 GiB, scaled down: 8 × 4 MiB against a 16 MiB limit."""
    monkeypatch.setattr(fileio, "MAX_MEMBER_BYTES", 16 * 2**20)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{f"weights/w{i}": np.zeros(2**20, np.float32) for i in range(8)})
    members = members_of(VALID)
    members["weights.npz"] = buffer.getvalue()
    raw = zipped(members)
    assert len(raw) < 200_000
    refused(tmp_path, raw, match=r"weights.npz unpacks to 32\.0 MB, more than the 16\.0 MB", seconds=1.0)


def test_100000_tiny_arrays_are_refused_fast(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as zf:
        for i in range(100_000):
            zf.writestr(f"a{i}.npy", b"")
    members = members_of(VALID)
    members["weights.npz"] = inner.getvalue()
    refused(tmp_path, zipped(members), match=r"holds 100,000 arrays; at most 65,536", seconds=0.5)


def test_an_lzma_member_and_a_broken_npy_header_are_specific(tmp_path):
    members = members_of(VALID)
    raw = zipped(members, method=zipfile.ZIP_LZMA)
    refused(tmp_path, raw, match="packed with a method this app does not read")
    npz = members_of(members["weights.npz"])
    name = min(npz)
    npz[name] = npz[name].replace(b"'shape': (", b"'shape': ((", 1)
    members["weights.npz"] = zipped(npz)
    message = refused(tmp_path, zipped(members), match="damaged array header")
    assert "TokenError" not in message and "SyntaxError" not in message


# --- load time linear in the size ----------------------------------------------------------------
def chain_project(layers: int) -> Project:
    g = Graph()
    prev = g.add_node("input", 0, 0, {"shape": [2]}).id
    for i in range(layers):
        node = g.add_node("relu", i, 0).id
        g._edges[(node, 0)] = Edge(prev, node, 0)  # build fast: the test is about loading
        prev = node
    g.connect(prev, g.add_node("output", layers + 1, 0, {"loss": "mse"}).id)
    return Project(g, TrainingSettings(), DatasetRef(name="circle"), title="long")


def test_load_time_grows_linearly_with_the_layers(tmp_path):
    times = {}
    for layers in (1000, 4000):
        path = tmp_path / f"l{layers}.nnpg"
        path.write_bytes(project_to_bytes(chain_project(layers)))
        started = time.perf_counter()
        assert len(load_project(path).graph) == layers + 2
        times[layers] = time.perf_counter() - started
    assert times[4000] < 2.0
    assert times[4000] < 4 * times[1000] * 2.5 + 0.2  # linear, with room for noise (quadratic would be 16×)


def test_too_many_layers_are_refused_with_the_numbers(tmp_path):
    def many(d):
        d["graph"]["nodes"] = [{"id": f"relu_{i}", "kind": "relu"} for i in range(10_001)]

    refused(tmp_path, with_json(many), match="10,001 layers; at most 10,000", seconds=1.0)


def test_a_loop_in_hand_edited_edges_is_still_refused(tmp_path):
    def loop(d):
        d["graph"]["nodes"].append({"id": "add_1", "kind": "add"})
        d["graph"]["edges"] += [{"source": "add_1", "target": "add_1", "port": 1}]

    refused(tmp_path, with_json(loop), match="cannot feed itself|loop")


# --- temp files of interrupted saves -------------------------------------------------------------
def make_stale(folder, name=".lab.nnpg.0badcafe.tmp", age=60.0):
    path = folder / name
    path.write_bytes(b"half a zip")
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_the_next_save_removes_temp_files_of_interrupted_saves(tmp_path):
    stale = [make_stale(tmp_path, f".lab.nnpg.{i:08x}.tmp") for i in range(3)]
    other = make_stale(tmp_path, ".other.nnpg.12345678.tmp")
    keep = [make_stale(tmp_path, "notes.tmp"), make_stale(tmp_path, ".lab.nnpg.nothex00.tmp")]
    save_project(make_project(), tmp_path / "lab.nnpg")
    assert not any(p.exists() for p in stale + [other])  # every project's leftovers in that folder
    assert all(p.exists() for p in keep)  # nothing else is touched
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["lab.nnpg"] + [p.name for p in keep])


@pytest.mark.skipif(os.name == "nt", reason="locks are POSIX flock")
def test_a_temp_file_being_written_is_left_alone(tmp_path):
    fd, tmp = fileio._create_temp(tmp_path, "lab.nnpg")  # another save, still writing (holds its lock)
    try:
        os.utime(tmp, (time.time() - 60, time.time() - 60))
        assert remove_stale_temps(tmp_path) == 0 and os.path.exists(tmp)
    finally:
        os.close(fd)
    assert remove_stale_temps(tmp_path) == 1 and not os.path.exists(tmp)  # the writer is gone


def test_a_fresh_temp_file_is_left_alone(tmp_path):
    fresh = make_stale(tmp_path, age=0.0)
    assert remove_stale_temps(tmp_path) == 0 and fresh.exists()


def test_listing_recovery_copies_removes_interrupted_autosaves(tmp_path):
    from playground.model.autosave import list_recovery, write_recovery

    write_recovery(make_project(), tmp_path, session="w1")
    stale = make_stale(tmp_path, ".untitled-w1.nnpg.0a0b0c0d.tmp")
    assert len(list_recovery(tmp_path)) == 1 and not stale.exists()
