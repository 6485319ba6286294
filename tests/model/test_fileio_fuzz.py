"""Fuzz the project loader: whatever the bytes, it returns a Project or raises ProjectFileError.

For damaged JSON fields we also require that a *specific* check caught the
problem (``unexpected`` is False), not the last-resort safety net.
"""

import copy
import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.model.errors import ProjectFileError
from playground.model.fileio import project_from_bytes, project_to_bytes
from playground.model.project import Project

from .helpers import make_project

FUZZ = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

VALID = project_to_bytes(make_project())
with zipfile.ZipFile(io.BytesIO(VALID)) as _zf:
    MEMBERS = {name: _zf.read(name) for name in _zf.namelist()}
DATA = json.loads(MEMBERS["project.json"])


def load(raw: bytes, *, allow_safety_net: bool = True) -> None:
    try:
        project = project_from_bytes(raw, "fuzz.nnpg")
    except ProjectFileError as exc:
        assert str(exc).startswith("Cannot open fuzz.nnpg. ")
        if not allow_safety_net:
            assert not exc.unexpected, f"only the safety net caught: {exc}"
        return
    assert isinstance(project, Project)


def paths(value, prefix=()):
    """Every key/index path inside the JSON data."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from paths(item, prefix + (i,))


ALL_PATHS = [p for p in paths(DATA) if p]

json_scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
                | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
                | st.sampled_from(["dense", "input_1", "dense_1", "output_1", "$array", "weights/dense_1.W",
                                   "history/0", "optimizer_state/0", "relu", "add", "sgd", "mse", ""]))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8) | st.sampled_from(["$array", "id", "kind"]),
                                             inner, max_size=4), max_leaves=12)


def rezip(data) -> bytes:
    members = dict(MEMBERS)
    members["project.json"] = json.dumps(data).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buffer.getvalue()


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(raw):
    load(raw)


@FUZZ
@given(st.binary(max_size=512))
def test_random_bytes_after_a_zip_signature(raw):
    load(b"PK\x03\x04" + raw)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8),
       st.integers(0, len(VALID)))
def test_random_mutations_of_a_valid_file(changes, cut):
    raw = bytearray(VALID)
    for position, value in changes:
        raw[position] = value
    load(bytes(raw[: max(cut, len(VALID) - 64)]))  # usually whole, sometimes cut short
    load(bytes(raw))


@FUZZ
@given(st.integers(0, len(VALID)))
def test_every_truncation(cut):
    load(VALID[:cut])


@FUZZ
@given(st.sampled_from(ALL_PATHS), json_values)
def test_random_json_values_in_the_fields(path, value):
    data = copy.deepcopy(DATA)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    load(rezip(data), allow_safety_net=False)


@FUZZ
@given(st.sampled_from(ALL_PATHS))
def test_removing_any_field(path):
    data = copy.deepcopy(DATA)
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    load(rezip(data), allow_safety_net=False)


@settings(FUZZ, max_examples=50)
@given(json_values)
def test_random_json_documents(value):
    load(rezip(value), allow_safety_net=False)


@settings(FUZZ, max_examples=50)
@given(st.dictionaries(st.sampled_from(sorted(DATA)), json_values, max_size=6))
def test_random_sections_under_a_valid_header(sections):
    data = {**sections, "app": "network-playground", "format_version": 1}
    load(rezip(data), allow_safety_net=False)


def test_the_unmodified_file_loads():
    assert isinstance(project_from_bytes(VALID), Project)
    assert isinstance(project_from_bytes(rezip(DATA)), Project)


@pytest.mark.parametrize("member", ["weights.npz", "thumbnail.png"])
@FUZZ
@given(raw=st.binary(max_size=256))
def test_random_member_contents(member, raw):
    members = dict(MEMBERS)
    members[member] = raw
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    load(buffer.getvalue(), allow_safety_net=False)
