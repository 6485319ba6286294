import io
import json
import os
import zipfile

import numpy as np
import pytest

from playground.model import fileio
from playground.model.autosave import (discard_recovery, list_recovery, recovery_key, restore_recovery,
                                       write_recovery)
from playground.model.errors import ProjectFileError
from playground.model.fileio import (FORMAT_VERSION, load_project, migrate, project_from_bytes,
                                     project_to_bytes, save_project)
from playground.model.project import Project

from .helpers import engine_network, make_project


def assert_same_arrays(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape, k
        assert a[k].tobytes() == b[k].tobytes(), k  # bit for bit, NaN included


def assert_same_project(p, q):
    assert q.graph == p.graph
    assert q.settings == p.settings
    assert q.dataset == p.dataset
    assert (q.title, q.description) == (p.title, p.description)
    assert q.student_editable == p.student_editable
    assert q.thumbnail == p.thumbnail
    for attr in ("weights", "initial_weights"):
        if getattr(p, attr) is None:
            assert getattr(q, attr) is None
        else:
            assert_same_arrays(getattr(p, attr), getattr(q, attr))
    if p.optimizer_state is None:
        assert q.optimizer_state is None
    else:
        state_p, state_q = p.optimizer_state, q.optimizer_state
        assert {k: v for k, v in state_p.items() if k != "state"} == {k: v for k, v in state_q.items() if k != "state"}
        for name in state_p["state"]:
            assert_same_arrays(state_p["state"][name], state_q["state"][name])
    if p.history is None:
        assert q.history is None
    else:
        assert json.dumps(q.history) == json.dumps(p.history)  # NaN-aware, exact floats


def write_zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)


def members_of(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def with_json(raw: bytes, edit) -> bytes:
    """The file's bytes after ``edit(data)`` changed project.json."""
    members = members_of(raw)
    data = json.loads(members["project.json"])
    edit(data)
    members["project.json"] = json.dumps(data).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buffer.getvalue()


@pytest.fixture
def saved(tmp_path):
    """A valid trained project saved as lab.nnpg: (path, project, bytes)."""
    project = make_project()
    path = save_project(project, tmp_path / "lab.nnpg")
    return path, project, path.read_bytes()


# -- round trip ---------------------------------------------------------------------------
def test_round_trip_is_bit_exact(saved):
    path, project, _ = saved
    assert_same_project(project, load_project(path))


def test_numpy_scalars_in_optimizer_state_become_plain_numbers(tmp_path):
    project = make_project()
    project.optimizer_state["t"] = np.int64(12)
    project.optimizer_state["lr"] = np.float32(0.25)
    loaded = load_project(save_project(project, tmp_path / "a.nnpg"))
    assert loaded.optimizer_state["t"] == 12 and type(loaded.optimizer_state["t"]) is int
    assert loaded.optimizer_state["lr"] == 0.25


def test_untrained_project_round_trip(tmp_path):
    project = make_project(trained=False)
    project.dataset = None
    project.student_editable = None
    assert_same_project(project, load_project(save_project(project, tmp_path / "a.nnpg")))


def test_same_project_gives_the_same_bytes(saved):
    _, project, raw = saved
    assert project_to_bytes(project) == raw


def test_file_layout_is_readable(saved):
    path, project, raw = saved
    members = members_of(raw)
    assert set(members) == {"project.json", "weights.npz", "thumbnail.png"}
    text = members["project.json"].decode("utf-8")
    data = json.loads(text)
    assert data["app"] == "network-playground" and data["format_version"] == 1
    assert '\n  "graph": {' in text  # indented
    assert '"shape": [2]' in text  # short lists on one line
    assert "Übung" in text  # not escaped
    with np.load(io.BytesIO(members["weights.npz"]), allow_pickle=False) as npz:
        assert "weights/dense_1.W" in npz.files and "initial_weights/batchnorm_1.running_var" in npz.files


def test_loaded_weights_run_the_engine_network_the_same(saved):
    path, project, _ = saved
    loaded = load_project(path)
    a, b = engine_network(project.graph, seed=3), engine_network(loaded.graph, seed=4)
    a.load_state_dict(project.weights)
    b.load_state_dict(loaded.weights)
    x = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    assert np.array_equal(a.predict(x), b.predict(x))


def test_history_plugs_into_metric_history(saved):
    from playground.session.history import MetricHistory

    history = MetricHistory.from_dict(load_project(saved[0]).history)
    xs, ys = history.series("val_accuracy")
    assert list(xs) == [0.0, 1.0] and list(ys) == [0.5, 0.875]


def test_save_drops_references_to_deleted_nodes(tmp_path):
    project = make_project()
    project.graph.remove_node("dense_1")
    loaded = load_project(save_project(project, tmp_path / "a.nnpg"))
    assert loaded.settings.hooks.frozen == []
    assert not any(k.startswith("dense_1.") for k in loaded.weights)


# -- bad files: one clear ProjectFileError, the file untouched ------------------------------
def open_bad(path):
    """Open a bad file; return the error message, checking the file is unchanged."""
    before = path.read_bytes(), os.stat(path).st_mtime_ns
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    assert not info.value.unexpected, info.value  # a specific check caught it, not the safety net
    message = str(info.value)
    assert message.startswith(f"Cannot open {path.name}. ")
    return message


def test_not_a_zip(tmp_path):
    path = tmp_path / "notes.nnpg"
    path.write_text("hello, I am a text file")
    assert "is not a Network Playground project (it is not a zip archive" in open_bad(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.nnpg"
    path.write_bytes(b"")
    assert "not a zip archive" in open_bad(path)


def test_truncated_file(saved):
    path, _, raw = saved
    path.write_bytes(raw[: len(raw) // 2])
    assert "damaged or incomplete" in open_bad(path)


def test_corrupt_bytes_inside_project_json(saved):
    path, _, raw = saved
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        info = zf.getinfo("project.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(raw)
    for i in range(start + 10, start + 20):
        damaged[i] ^= 0xFF
    path.write_bytes(bytes(damaged))
    message = open_bad(path)
    assert "The file is damaged: project.json cannot be read" in message


def test_zip_without_project_json(tmp_path):
    path = tmp_path / "other.nnpg"
    write_zip(path, {"readme.txt": "not ours"})
    assert "it has no project.json inside" in open_bad(path)


def test_newer_format_version(saved):
    path, _, raw = saved
    path.write_bytes(with_json(raw, lambda d: d.update(format_version=7)))
    assert open_bad(path) == (
        "Cannot open lab.nnpg. This project was saved by a newer version (format 7); this app reads up to "
        "format 1. Update Network Playground to open it.")


def test_other_app(saved):
    path, _, raw = saved
    path.write_bytes(with_json(raw, lambda d: d.update(app="other-tool")))
    assert "was not saved by Network Playground" in open_bad(path)


def test_invalid_json(saved):
    path, _, raw = saved
    members = members_of(raw)
    members["project.json"] = members["project.json"].replace(b'"title"', b'"title" "', 1)
    write_zip(path, members)
    assert "project.json is not valid JSON (line" in open_bad(path)


@pytest.mark.parametrize("edit, expected", [
    (lambda d: d["graph"]["nodes"][1]["params"].update(units="lots"), "units must be a whole number"),
    (lambda d: d["graph"]["nodes"][1].update(kind="dense3d"), "Unknown layer kind 'dense3d'"),
    (lambda d: d["graph"]["edges"].append({"source": "ghost_1", "target": "output_1"}), "no node 'ghost_1'"),
    (lambda d: d["settings"]["optimizer"].update(lr=-1), "optimizer.lr must be above 0"),
    (lambda d: d["settings"].update(colour="blue"), "unknown setting(s) 'colour'"),
    (lambda d: d.pop("graph"), "has no 'graph' section"),
    (lambda d: d.pop("format_version"), "no valid format_version"),
    (lambda d: d.update(format_version="1"), "no valid format_version"),
    (lambda d: d.update(title=3), "'title' must be text"),
    (lambda d: d["weights"].append("dense_9.W"), "missing from weights.npz"),
    (lambda d: d["weights"].remove("dense_1.W"), "does not mention: 'weights/dense_1.W'"),
    (lambda d: d.update(lecturer={"student_editable": ["everything"]}), "unknown setting(s) 'everything'"),
    (lambda d: d["settings"]["hooks"].update(frozen=["nope_1"]), "hooks.frozen names node 'nope_1'"),
    (lambda d: d.update(history={"loss": [1, 2]}), "history['loss'] must be {\"$array\": …}"),
    (lambda d: d.update(extra=1), "unknown field(s) 'extra'"),
    (lambda d: d.clear(), "was not saved by Network Playground"),
])
def test_hand_edited_wrong(saved, edit, expected):
    path, _, raw = saved
    path.write_bytes(with_json(raw, edit))
    assert expected in open_bad(path)


def test_pickled_object_array_is_refused(saved):
    path, _, raw = saved
    members = members_of(raw)
    buffer = io.BytesIO()
    with np.load(io.BytesIO(members["weights.npz"]), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["weights/dense_1.W"] = np.array([{"evil": 1}], dtype=object)
    np.savez(buffer, **arrays)
    members["weights.npz"] = buffer.getvalue()
    write_zip(path, members)
    assert "holds Python objects, which are not loaded for safety" in open_bad(path)


def test_array_with_lying_header_is_refused(saved):
    path, _, raw = saved
    members = members_of(raw)
    npz = members_of(members["weights.npz"])
    npz["weights/dense_1.W.npy"] = npz["weights/dense_1.W.npy"].replace(b"(2, 3)", b"(2000000, 3000000)")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        for name, payload in npz.items():
            zf.writestr(name, payload)
    members["weights.npz"] = inner.getvalue()
    write_zip(path, members)
    assert "does not match" in open_bad(path)


def test_bad_thumbnail(saved):
    path, _, raw = saved
    members = members_of(raw)
    members["thumbnail.png"] = b"GIF89a"
    write_zip(path, members)
    assert "thumbnail.png is not a PNG image" in open_bad(path)


def test_missing_file(tmp_path):
    with pytest.raises(ProjectFileError, match="could not be read"):
        load_project(tmp_path / "nope.nnpg")


# -- atomic saving -----------------------------------------------------------------------------
def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_failure_mid_write_leaves_the_old_file_intact(saved, monkeypatch):
    path, project, raw = saved
    real = fileio._write_member
    calls = []

    def fail_on_second(zf, name, payload):
        calls.append(name)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        real(zf, name, payload)

    monkeypatch.setattr(fileio, "_write_member", fail_on_second)
    project.title = "changed"
    with pytest.raises(ProjectFileError, match="Cannot save lab.nnpg. The file could not be written"):
        save_project(project, path)
    assert path.read_bytes() == raw
    assert leftovers(path.parent) == []


def test_failing_replace_leaves_the_old_file_intact(saved, monkeypatch):
    path, project, raw = saved

    def no_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fileio.os, "replace", no_replace)
    with pytest.raises(ProjectFileError, match="Permission denied"):
        save_project(project, path)
    assert path.read_bytes() == raw
    assert leftovers(path.parent) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_directory(saved):
    path, project, raw = saved
    os.chmod(path.parent, 0o500)
    try:
        with pytest.raises(ProjectFileError, match="Cannot save"):
            save_project(project, path)
    finally:
        os.chmod(path.parent, 0o700)
    assert path.read_bytes() == raw


def test_missing_directory(tmp_path):
    with pytest.raises(ProjectFileError, match="Cannot save a.nnpg"):
        save_project(make_project(), tmp_path / "no" / "such" / "a.nnpg")


def test_inconsistent_project_is_not_saved(saved):
    path, project, raw = saved
    project.weights["dense_1.W"] = np.array(["text"])
    with pytest.raises(ProjectFileError, match="not consistent.*numeric"):
        save_project(project, path)
    assert path.read_bytes() == raw


def test_saved_file_permissions_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = save_project(make_project(trained=False), tmp_path / "a.nnpg")
    finally:
        os.umask(old)
    assert os.stat(path).st_mode & 0o777 == 0o644


# -- migrations ------------------------------------------------------------------------------------
def fake_v0(project: Project) -> dict:
    """What a version-0 file looked like (invented for the test): nodes had "type" and "pos",
    the optimizer was a bare name and the learning rate sat at the top."""
    data, _ = fileio.project_to_data(project)
    data["format_version"] = 0
    for node in data["graph"]["nodes"]:
        node["type"] = node.pop("kind")
        node["pos"] = [node.pop("x"), node.pop("y")]
    data["learning_rate"] = data["settings"]["optimizer"]["lr"]
    data["settings"]["optimizer"] = data["settings"]["optimizer"]["name"]
    return data


def v0_to_v1(data):
    for node in data["graph"]["nodes"]:
        node["kind"] = node.pop("type")
        node["x"], node["y"] = node.pop("pos")
    data["settings"]["optimizer"] = {"name": data["settings"]["optimizer"], "lr": data.pop("learning_rate")}
    return data


def test_migration_from_a_fake_version_0(monkeypatch, tmp_path):
    project = make_project(trained=False)
    project.settings.optimizer.momentum = 0.0  # version 0 had no momentum
    v0 = fake_v0(project)
    with pytest.raises(ProjectFileError, match="cannot convert"):
        migrate(v0)  # no migration registered for format 0
    monkeypatch.setattr(fileio, "MIGRATIONS", {0: v0_to_v1})
    v1 = migrate(v0)
    assert v1["format_version"] == 1 and "type" not in v1["graph"]["nodes"][0]
    assert v0["format_version"] == 0 and "type" in v0["graph"]["nodes"][0]  # the input is not modified
    # the whole loader goes through the migration
    path = tmp_path / "old.nnpg"
    write_zip(path, {"project.json": json.dumps(v0), "weights.npz": project_to_bytes_npz()})
    loaded = load_project(path)
    assert loaded.graph == project.graph and loaded.settings == project.settings


def project_to_bytes_npz():
    buffer = io.BytesIO()
    np.savez(buffer)
    return buffer.getvalue()


def test_migrations_run_in_order_up_to_the_target():
    steps = []

    def step(n):
        def run(data):
            steps.append(n)
            data[f"seen_{n}"] = True
            return data
        return run

    out = migrate({"format_version": 0}, {0: step(0), 1: step(1), 2: step(2)}, target=3)
    assert steps == [0, 1, 2] and out["format_version"] == 3


def test_failing_migration_gives_a_file_error():
    def broken(data):
        raise KeyError("nodes")

    with pytest.raises(ProjectFileError, match="could not be converted from file format 0 to 1"):
        migrate({"format_version": 0}, {0: broken}, target=1)


def test_registry_decorator_refuses_two_steps_from_one_version(monkeypatch):
    monkeypatch.setattr(fileio, "MIGRATIONS", {})
    fileio.migration(0)(v0_to_v1)
    with pytest.raises(ValueError):
        fileio.migration(0)(v0_to_v1)
    assert FORMAT_VERSION == 1


# -- bytes API -----------------------------------------------------------------------------------
def test_bytes_round_trip_and_error_without_path():
    project = make_project()
    assert_same_project(project, project_from_bytes(project_to_bytes(project)))
    with pytest.raises(ProjectFileError) as info:
        project_from_bytes(b"junk")
    assert str(info.value).startswith("The file is not a Network Playground project")


# -- autosave / recovery -----------------------------------------------------------------------------
def test_recovery_write_list_restore_discard(tmp_path):
    recovery = tmp_path / "recovery"
    project = make_project()
    original = tmp_path / "lab.nnpg"
    path = write_recovery(project, recovery, original_path=original)
    assert path.parent == recovery and path.name.startswith("lab-")
    assert write_recovery(project, recovery, original_path=original) == path  # replaced, not added
    untitled = write_recovery(make_project(trained=False), recovery, session="window 2")
    assert untitled.name == "untitled-window-2.nnpg"
    found = list_recovery(recovery)
    assert [f.path for f in found] == [untitled, path]  # newest first
    assert found[1].original_path == str(original) and found[1].title == project.title
    restored, original_path = restore_recovery(path)
    assert_same_project(project, restored)
    assert original_path == str(original)
    discard_recovery(path)
    assert [f.path for f in list_recovery(recovery)] == [untitled]


def test_damaged_recovery_file_is_listed_with_a_problem(tmp_path):
    (tmp_path / "broken.nnpg").write_bytes(b"garbage")
    (tmp_path / ".half-written.nnpg.1234.tmp").write_bytes(b"")
    (found,) = list_recovery(tmp_path)
    assert found.problem and found.path.name == "broken.nnpg"
    with pytest.raises(ProjectFileError):
        restore_recovery(found.path)
    assert list_recovery(tmp_path / "missing") == []


def test_recovery_key_is_stable_and_safe(tmp_path):
    a = recovery_key(tmp_path / "My Lab: week 3.nnpg")
    assert a == recovery_key(tmp_path / "My Lab: week 3.nnpg")
    assert a != recovery_key(tmp_path / "other" / "My Lab: week 3.nnpg")
    assert all(c.isalnum() or c in "-_" for c in a)


def test_engine_optimizer_state_round_trips(tmp_path):
    optimizers = pytest.importorskip("playground.engine.optimizers")
    project = make_project()
    net = engine_network(project.graph, seed=0)
    opt = optimizers.get_optimizer("adam", net.parameters(), lr=0.01)
    for p in net.parameters():
        p.grad = np.ones_like(p.data)
    opt.step()
    project.optimizer_state = opt.state_dict()
    loaded = load_project(save_project(project, tmp_path / "a.nnpg"))
    fresh = optimizers.get_optimizer("adam", engine_network(project.graph, seed=0).parameters(), lr=0.5)
    fresh.load_state_dict(loaded.optimizer_state)
    assert fresh.t == opt.t and fresh.lr == opt.lr
    assert json_dumps_state(fresh.state_dict()) == json_dumps_state(opt.state_dict())


def json_dumps_state(state):
    return json.dumps({name: {k: v.tobytes().hex() for k, v in buffers.items()}
                       for name, buffers in state["state"].items()}, sort_keys=True)


# -- classroom: hidden controls (added to the "lecturer" section; absent = nothing hidden) ----------------
def test_hidden_controls_round_trip(tmp_path):
    project = make_project()
    project.hidden_controls = ["palette", "gradient_check"]
    path = save_project(project, tmp_path / "class.nnpg")
    data = json.loads(members_of(path.read_bytes())["project.json"])
    assert data["lecturer"] == {"student_editable": ["optimizer.lr", "batch_size", "hooks"],
                                "hidden": ["palette", "gradient_check"]}
    loaded = load_project(path)
    assert_same_project(project, loaded)
    assert loaded.hidden_controls == ["palette", "gradient_check"] and loaded.classroom


def test_hiding_without_locks_round_trips(tmp_path):
    project = make_project(trained=False)
    project.student_editable, project.hidden_controls = None, ["templates"]
    loaded = load_project(save_project(project, tmp_path / "a.nnpg"))
    assert loaded.student_editable is None and loaded.hidden_controls == ["templates"]
    assert loaded.classroom and loaded.may_change("graph")


def test_files_without_hidden_controls_read_as_before(saved):
    """Older files (locks only, or no lecturer section) open with nothing hidden, and are written the same way."""
    path, project, raw = saved
    data = json.loads(members_of(raw)["project.json"])
    assert data["lecturer"] == {"student_editable": ["optimizer.lr", "batch_size", "hooks"]}  # no "hidden" key
    assert load_project(path).hidden_controls == []
    path.write_bytes(with_json(raw, lambda d: d.pop("lecturer")))
    older = load_project(path)
    assert older.student_editable is None and older.hidden_controls == [] and not older.classroom


@pytest.mark.parametrize("lecturer, expected", [
    ({"student_editable": ["optimizer.lr"], "hidden": ["everything"]}, "unknown hidden control(s) 'everything'"),
    ({"student_editable": ["optimizer.lr"], "hidden": "palette"}, "hidden controls must be a list"),
    ({"student_editable": ["optimizer.lr"], "secret": 1}, "'lecturer' must be"),
])
def test_bad_hidden_controls_are_refused(saved, lecturer, expected):
    path, _, raw = saved
    path.write_bytes(with_json(raw, lambda d: d.update(lecturer=lecturer)))
    assert expected in open_bad(path)
