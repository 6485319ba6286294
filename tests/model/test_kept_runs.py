"""Runs kept for Compare runs travel in the project file: round trip, older files without them,
and hand-edited or damaged entries that give a clear ProjectFileError."""

import io
import json
import math
import zipfile

import numpy as np
import pytest

from playground.model.errors import ProjectError, ProjectFileError
from playground.model.fileio import (
    load_project,
    project_from_bytes,
    project_to_bytes,
    save_project,
)
from playground.model.project import KeptRun, Project

from .helpers import make_project

FAST = {"train_loss": [[10.0, 0.9], [20.0, 0.5], [30.0, math.nan]], "val_loss": [[20.0, 0.6]]}
SLOW = {"train_loss": [[10.0, 0.95], [20.0, 0.9]]}


def with_kept_runs() -> Project:
    project = make_project()
    project.kept_runs = [KeptRun("run 1: adam lr 0.1", "adam lr 0.1 · batch 32 · 50 epochs · seed 0", FAST),
                         KeptRun("run 2: adam lr 0.001", "adam lr 0.001 · batch 32 · 50 epochs · seed 0", SLOW)]
    return project


def members_of(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buffer.getvalue()


def edited(project: Project, edit) -> bytes:
    """The project's file with project.json changed by ``edit(data)``."""
    members = members_of(project_to_bytes(project))
    data = json.loads(members["project.json"])
    edit(data)
    members["project.json"] = json.dumps(data).encode()
    return rezip(members)


def test_kept_runs_round_trip_exactly(tmp_path):
    project = with_kept_runs()
    opened = load_project(save_project(project, tmp_path / "kept.nnpg"))
    assert [r.label for r in opened.kept_runs] == ["run 1: adam lr 0.1", "run 2: adam lr 0.001"]
    assert [r.summary for r in opened.kept_runs] == [r.summary for r in project.kept_runs]
    for mine, theirs in zip(project.kept_runs, opened.kept_runs):
        assert json.dumps(theirs.history) == json.dumps(mine.history)  # exact floats, NaN kept
    data = json.loads(members_of(project_to_bytes(project))["project.json"])
    assert data["kept_runs"][0]["history"]["train_loss"] == {"$array": "kept_runs/0/0"}


def test_a_project_without_kept_runs_writes_no_field_and_older_files_open(tmp_path):
    project = make_project()
    data = json.loads(members_of(project_to_bytes(project))["project.json"])
    assert "kept_runs" not in data  # such a file reads the same in versions before kept runs
    opened = project_from_bytes(project_to_bytes(project))
    assert opened.kept_runs == []
    older = edited(with_kept_runs(), lambda d: d.pop("kept_runs"))
    with pytest.raises(ProjectFileError, match="does not mention"):  # arrays nobody names: damaged
        project_from_bytes(older)
    assert project_from_bytes(edited(project, lambda d: d.update(kept_runs=None))).kept_runs == []


@pytest.mark.parametrize("edit, expected", [
    (lambda d: d.update(kept_runs={"a": 1}), "'kept_runs' must be a list"),
    (lambda d: d["kept_runs"][1].pop("summary"), "kept run 2 must be"),
    (lambda d: d["kept_runs"][0].update(extra=1), "kept run 1 must be"),
    (lambda d: d["kept_runs"][0].update(label=7), "kept run 1 needs a text label"),
    (lambda d: d["kept_runs"][1].update(label="run 1: adam lr 0.1"), "used twice"),
    (lambda d: d["kept_runs"][0].update(label="  "), "label must be text"),
    (lambda d: d["kept_runs"][0].update(history=[1, 2]), "'history' must map series"),
    (lambda d: d["kept_runs"][0]["history"].update(train_loss=[[1, 2]]), r"must be \{\"\$array\""),
    (lambda d: d["kept_runs"][0]["history"].update(train_loss={"$array": "kept_runs/9/9"}), "missing"),
    (lambda d: d["kept_runs"][1]["history"].update(train_loss={"$array": "kept_runs/0/0"}), "used twice"),
])
def test_hand_edited_kept_runs_give_a_clear_error(edit, expected):
    with pytest.raises(ProjectFileError, match=expected) as info:
        project_from_bytes(edited(with_kept_runs(), edit))
    assert "Traceback" not in str(info.value)


def test_a_kept_run_array_of_the_wrong_shape_is_refused():
    members = members_of(project_to_bytes(with_kept_runs()))
    with np.load(io.BytesIO(members["weights.npz"])) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["kept_runs/1/0"] = np.arange(3.0)  # not [iteration, value] pairs
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    members["weights.npz"] = buffer.getvalue()
    with pytest.raises(ProjectFileError, match=r"kept run 'run 2: adam lr 0.001'.*iteration, value"):
        project_from_bytes(rezip(members))


def test_the_model_checks_kept_runs_before_saving(tmp_path):
    project = make_project()
    project.kept_runs = [KeptRun("a", "", {"train_loss": [[1.0, "x"]]})]
    with pytest.raises(ProjectError, match="kept run 'a'"):
        project.validate()
    project.kept_runs = ["not a run"]
    with pytest.raises(ProjectFileError, match="kept run 1 must be a KeptRun"):
        save_project(project, tmp_path / "bad.nnpg")
    assert not (tmp_path / "bad.nnpg").exists()
