import numpy as np
import pytest

from playground.model.errors import ModelError, ProjectError, SettingsError
from playground.model.project import LOCK_TARGETS, Project

from .helpers import make_project


def test_loss_comes_from_the_output_node():
    project = make_project(trained=False)
    assert project.loss() == ("bce", {})
    project.graph.set_param("output_1", "loss", "huber")
    project.graph.set_param("output_1", "huber_delta", 0.5)
    assert project.loss() == ("huber", {"delta": 0.5})
    assert Project().loss() is None


def test_lecturer_locks():
    project = make_project(trained=False)
    assert project.student_editable == ["optimizer.lr", "batch_size", "hooks"]
    assert project.may_change("optimizer.lr") and project.may_change("batch_size")
    assert project.may_change("hooks.l2")  # a whole section is open
    assert not project.may_change("optimizer.name") and not project.may_change("graph")
    project.student_editable = None
    assert project.may_change("graph")
    assert {"optimizer", "optimizer.lr", "graph", "dataset", "hooks.frozen"} <= LOCK_TARGETS


def test_hidden_controls_make_a_classroom_project():
    project = Project()
    assert not project.classroom and not project.hides("palette")
    project.hidden_controls = ["palette", "palette", "presets"]
    project.validate()
    assert project.hidden_controls == ["palette", "presets"]  # each once
    assert project.classroom and project.hides("palette") and project.may_change("graph")
    project.hidden_controls, project.student_editable = [], []
    assert project.classroom and not project.may_change("optimizer.lr")  # everything locked


def test_valid_project_passes():
    make_project().validate()
    Project().validate()


@pytest.mark.parametrize("change, error, message", [
    (lambda p: p.weights.update({"ghost_1.W": np.zeros(2)}), ProjectError, "no node 'ghost_1'"),
    (lambda p: p.weights.update({"dense_1": np.zeros(2)}), ProjectError, "not a weight name"),
    (lambda p: p.weights.update({"dense_1.W": [1, 2]}), ProjectError, "numeric NumPy array"),
    (lambda p: setattr(p, "optimizer_state", {"t": object()}), ProjectError, "optimizer_state.t"),
    (lambda p: setattr(p, "optimizer_state", {"$array": 1}), ProjectError, "not a usable name"),
    (lambda p: setattr(p, "history", {"loss": [[0, 1, 2]]}), ProjectError, "[iteration, value] pairs"),
    (lambda p: setattr(p, "history", {"loss": [[float("nan"), 1]]}), ProjectError, "finite"),
    (lambda p: setattr(p, "student_editable", ["optimizer.lrr"]), ProjectError, "'optimizer.lrr'"),
    (lambda p: setattr(p, "hidden_controls", ["palete"]), ProjectError, "unknown hidden control(s) 'palete'"),
    (lambda p: setattr(p, "hidden_controls", None), ProjectError, "hidden controls must be a list"),
    (lambda p: setattr(p, "thumbnail", b"JFIF"), ProjectError, "PNG"),
    (lambda p: setattr(p, "title", None), ProjectError, "title must be text"),
    (lambda p: p.settings.hooks.frozen.append("nope_1"), ProjectError, "'nope_1'"),
    (lambda p: setattr(p.settings, "epochs", 0), SettingsError, "epochs must be at least 1"),
])
def test_inconsistent_projects_are_refused(change, error, message):
    project = make_project()
    change(project)
    with pytest.raises(error) as info:
        project.validate()
    assert message in str(info.value)
    assert issubclass(error, ModelError)


def test_history_accepts_nan_values_and_arrays():
    project = make_project()
    project.history = {"train_loss": np.array([[0, 1.0], [1, np.nan]])}
    project.validate()
    assert project.history["train_loss"][0] == [0.0, 1.0] and np.isnan(project.history["train_loss"][1][1])


def test_clear_results_and_stale_references():
    project = make_project()
    project.graph.remove_node("dense_2")
    project.drop_stale_references()
    assert not any(k.startswith("dense_2.") for k in project.weights)
    project.clear_results()
    assert not project.trained and project.history is None and project.optimizer_state is None
