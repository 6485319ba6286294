"""The snapshot that autosave and training work on carries every field of the project."""

import dataclasses

from playground.model.fileio import load_project, project_to_bytes
from playground.model.project import KeptRun
from playground.ui.autosave import snapshot_project
from tests.session.test_examples import EXAMPLES


def test_a_snapshot_saves_exactly_what_the_project_saves():
    project = load_project(EXAMPLES / "xor.nnpg")
    project.kept_runs = [KeptRun("lr 0.1", "adam, lr 0.1", {"train_loss": [[1.0, 0.5], [2.0, 0.25]]})]
    project.hidden_controls = ["palette"]
    for field in dataclasses.fields(project):  # a new field must not be forgotten by the snapshot
        assert hasattr(snapshot_project(project), field.name)
    assert project_to_bytes(snapshot_project(project)) == project_to_bytes(project)
