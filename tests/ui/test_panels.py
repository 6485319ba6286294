"""Panels of the main window on their own: training settings, dataset, training controls,
recent files, autosave and the command line of the app."""

import os
import time

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QLineEdit, QMenu

from playground.model.autosave import list_recovery
from playground.model.project import Project
from playground.model.settings import DatasetRef
from playground.ui.app import parse_args
from playground.ui.autosave import Autosaver, call_off_thread, pending_recoveries, snapshot_project
from playground.ui.dataset_panel import DatasetPanel
from playground.ui.recent import MAX_RECENT, RecentFiles
from playground.ui.settings_panel import SettingsPanel
from playground.ui.training_panel import TrainingPanel
from tests.ui.helpers import Models


def xor_project(epochs: int = 20, lr: float = 0.05, dataset: str | None = "xor") -> Project:
    """Input(2) → Dense 8 → tanh → Dense 1 → sigmoid → Output (binary cross-entropy)."""
    project = Project(dataset=DatasetRef(name=dataset, options={"n": 200, "noise": 0.1}) if dataset else None)
    g = project.graph
    ids = [g.add_node("input", 0, 0).id, g.add_node("dense", 260, 0, {"units": 8}).id,
           g.add_node("tanh", 520, 0).id, g.add_node("dense", 780, 0, {"units": 1}).id,
           g.add_node("sigmoid", 1040, 0).id, g.add_node("output", 1300, 0, {"loss": "bce"}).id]
    for a, b in zip(ids, ids[1:], strict=False):
        g.connect(a, b)
    project.settings.epochs = epochs
    project.settings.optimizer.lr = lr
    project.settings.batch_size = 16
    return project


# ----------------------------------------------------------------------------
# training settings
# ----------------------------------------------------------------------------
class GraphEdits:
    """The canvas scene's undoable set_param, as the settings panel uses it (recorded)."""

    def __init__(self):
        self.calls = []

    def set_param(self, node, name, value):
        self.calls.append((node, name, value))
        return True


@pytest.fixture
def settings_panel(qtbot):
    models = Models(xor_project())
    panel = SettingsPanel(models.document, models.edits, GraphEdits())
    qtbot.addWidget(panel)
    panel.show()
    return panel, models.project, models.undo_stack, models


def test_every_setting_has_an_editor_showing_the_project_value(settings_panel):
    panel, project, *_ = settings_panel
    from playground.model.settings import TrainingSettings

    wanted = set(TrainingSettings.setting_paths()) - {"hooks.frozen"}
    assert set(panel.editors) == wanted
    for path, editor in panel.editors.items():
        assert editor.value() == pytest.approx(project.settings.get(path)) \
            if isinstance(editor.value(), float) else editor.value() == project.settings.get(path), path


def test_a_setting_edit_is_one_undoable_step(settings_panel):
    panel, project, stack, _ = settings_panel
    lr = panel.editors["optimizer.lr"].widget
    lr.setValue(0.2)
    lr.setValue(0.3)
    assert project.settings.optimizer.lr == pytest.approx(0.3)
    assert stack.count() == 1 and not stack.isClean()
    stack.undo()
    assert project.settings.optimizer.lr == pytest.approx(0.05)
    assert lr.value() == pytest.approx(0.05)  # the widget follows undo
    panel.editors["batch_size"].widget.setValue(64)
    assert project.settings.batch_size == 64 and stack.undoText() == "Set Batch size"


def test_a_setting_changed_elsewhere_shows_in_the_field(settings_panel):
    panel, project, stack, models = settings_panel
    models.edits.set_setting("optimizer.lr", 0.5)  # e.g. the Training panel's field, or a preset
    assert panel.editors["optimizer.lr"].value() == pytest.approx(0.5)
    models.document.replace(xor_project(lr=0.007))  # another project: nothing of the old one stays
    assert panel.editors["optimizer.lr"].value() == pytest.approx(0.007)


def test_only_the_chosen_optimizers_hyperparameters_are_shown(settings_panel):
    panel, project, *_ = settings_panel

    def shown(path):
        return not panel.rows[path][1].isHidden()

    assert project.settings.optimizer.name == "adam"
    assert shown("optimizer.beta1") and not shown("optimizer.momentum")
    combo = panel.editors["optimizer.name"].widget
    combo.setCurrentIndex(combo.findData("sgd"))
    assert project.settings.optimizer.name == "sgd"
    assert shown("optimizer.momentum") and shown("optimizer.nesterov") and not shown("optimizer.beta1")
    assert not shown("early_stopping.patience")
    panel.editors["early_stopping.enabled"].widget.setChecked(True)
    assert shown("early_stopping.patience")


def test_a_refused_combination_is_explained_and_changes_nothing(settings_panel, qtbot):
    panel, project, stack, models = settings_panel
    combo = panel.editors["optimizer.name"].widget
    combo.setCurrentIndex(combo.findData("sgd"))
    count = stack.count()
    with qtbot.waitSignal(models.edits.message) as blocker:
        panel.editors["optimizer.nesterov"].widget.setChecked(True)  # needs momentum > 0
    assert "momentum" in blocker.args[0]
    assert project.settings.optimizer.nesterov is False and stack.count() == count
    assert panel.editors["optimizer.nesterov"].widget.isChecked() is False


def test_optional_settings_read_off_at_zero(settings_panel):
    panel, project, *_ = settings_panel
    clip = panel.editors["hooks.clip_norm"].widget
    assert clip.text() == "off" and project.settings.hooks.clip_norm is None
    clip.setValue(1.5)
    assert project.settings.hooks.clip_norm == pytest.approx(1.5)
    clip.setValue(0.0)
    assert project.settings.hooks.clip_norm is None


def test_the_loss_box_edits_the_output_node(settings_panel):
    panel, project, *_ = settings_panel
    combo = panel.loss_editor.widget
    combo.setCurrentIndex(combo.findData("mse"))
    assert panel.graph_edits.calls == [("output_1", "loss", "mse")]
    project.graph.set_param("output_1", "loss", "bce_logits")  # changed elsewhere (the inspector)
    assert combo.currentData() == "bce_logits" and "sigmoid built in" in panel.loss_note.text()


# ----------------------------------------------------------------------------
# dataset
# ----------------------------------------------------------------------------
@pytest.fixture
def dataset_panel(qtbot):
    models = Models(xor_project())
    panel = DatasetPanel(models.document, models.edits)
    qtbot.addWidget(panel)
    panel.refresh()
    panel.show()
    qtbot.waitUntil(lambda: panel.dataset is not None, timeout=10000)
    yield panel, models.project, models.undo_stack, models
    panel.wait_idle()


def test_dataset_choice_is_undoable_and_previewed(dataset_panel, qtbot):
    panel, project, stack, _ = dataset_panel
    assert panel.preview.kind == "points" and panel.dataset.name == "xor"
    assert "Noise" in [panel.form.itemAt(i, panel.form.ItemRole.LabelRole).widget().text()
                       for i in range(panel.form.rowCount())]
    with qtbot.waitSignal(panel.dataset_loaded, timeout=10000) as blocker:
        panel.choose("digits8")
    assert project.dataset.name == "digits8" and blocker.args[0].x.shape[1:] == (1, 8, 8)
    assert panel.preview.kind == "images"
    stack.undo()
    assert project.dataset.name == "xor"
    qtbot.waitUntil(lambda: panel.combo.currentData() == "xor" and panel.dataset.name == "xor", timeout=10000)


def test_option_changes_are_stored_after_a_short_pause(dataset_panel, qtbot):
    panel, project, *_ = dataset_panel
    panel.editors["noise"].widget.setValue(0.3)
    panel.editors["n"].widget.setValue(100)
    qtbot.waitUntil(lambda: project.dataset.options.get("n") == 100, timeout=3000)
    assert project.dataset.options["noise"] == pytest.approx(0.3)
    qtbot.waitUntil(lambda: panel.dataset is not None and len(panel.dataset) == 100, timeout=10000)
    boxes = panel.editors["features"].widget.findChildren(QCheckBox)
    assert [b.text() for b in boxes] == ["x²", "y²", "xy", "sin x", "sin y"]
    boxes[0].setChecked(True)  # x²: a third input column
    qtbot.waitUntil(lambda: panel.dataset is not None and panel.dataset.x.shape[1] == 3, timeout=10000)


def test_a_bad_dataset_file_is_a_message_not_a_crash(dataset_panel, qtbot, tmp_path):
    panel, *_ = dataset_panel
    with qtbot.waitSignal(panel.message, timeout=10000) as blocker:
        panel.choose("csv")
        panel.editors["path"].widget.findChild(QLineEdit).setText(str(tmp_path / "missing.csv"))
        panel._commit_options()
    assert blocker.args[0]
    assert panel.dataset is None and panel.preview.kind == "empty"


def test_canvas_shapes_follow_the_dataset_and_spare_autoencoders():
    from playground.data import load_dataset
    from playground.ui.dataset_panel import canvas_shapes

    project = xor_project()
    xor = load_dataset("xor", n=50)
    assert canvas_shapes(xor, project) == ({"input_1": (2,)}, (1,))
    assert canvas_shapes(None, project) == ({}, None)
    project.graph.set_param("dense_2", "units", 2)  # output (2,) = input (2,): an autoencoder
    assert canvas_shapes(xor, project) == ({"input_1": (2,)}, None)
    project.graph.set_param("input_1", "from_dataset", False)
    assert canvas_shapes(load_dataset("iris"), project)[0] == {}


# ----------------------------------------------------------------------------
# training controls
# ----------------------------------------------------------------------------
@pytest.fixture
def training(qtbot):
    models = Models(xor_project(), controller=True)
    panel = TrainingPanel(models.document, models.run, models.controller, models.edits)
    qtbot.addWidget(panel)
    panel.models = models
    yield panel
    models.controller.shutdown()


def finished(run):
    return lambda: run.state == "finished"


def test_play_trains_to_the_end(training, qtbot):
    models = training.models
    models.document.replace(xor_project(epochs=5))
    states = []
    models.run.state_changed.connect(states.append)
    models.controller.play()
    qtbot.waitUntil(finished(models.run), timeout=20000)
    assert states[0] == "preparing" and "training" in states and states[-1] == "finished"
    assert training.progress.value() == 1000
    assert training.epoch_label.text() == "Epoch 5 / 10"  # Play would go on to 10
    assert training.play_button.text() == "Go on"
    assert len(models.run.history.series("train_loss")[0]) >= 5
    assert models.project.trained and models.project.initial_weights is not None


def test_stop_ends_the_run_early_and_says_so(training, qtbot):
    models = training.models
    models.document.replace(xor_project(epochs=5000))
    models.controller.play()
    qtbot.waitUntil(lambda: models.run.state == "training" and models.run.history.latest is not None,
                    timeout=20000)
    assert training.stop_button.isEnabled() and not training.play_button.isEnabled()
    models.controller.stop()
    qtbot.waitUntil(finished(models.run), timeout=10000)
    assert training.state_label.text() == "Stopped" and training.progress.value() < 1000


def test_step_trains_one_batch_and_pauses(training, qtbot):
    models = training.models
    models.controller.step()
    qtbot.waitUntil(lambda: models.run.history.latest is not None, timeout=20000)
    assert models.run.state == "paused" and models.run.history.latest.iteration == 1
    qtbot.waitUntil(lambda: models.project.trained, timeout=5000)  # the paused run sent its weights
    models.controller.step()
    qtbot.waitUntil(lambda: models.run.history.latest.iteration == 2, timeout=5000)
    models.controller.reset()
    assert models.run.state == "untrained" and models.run.history.latest is None
    assert not models.project.trained and models.project.initial_weights is not None
    assert training.play_button.isEnabled() and not training.stop_button.isEnabled()


def test_problems_come_back_as_readable_errors(training, qtbot):
    models = training.models
    models.document.replace(xor_project(dataset=None))
    with qtbot.waitSignal(models.run.message_changed, timeout=10000) as blocker:
        models.controller.play()
    assert blocker.args[0].startswith("Cannot start training: Choose a dataset") and blocker.args[1]
    assert models.run.state == "untrained"


def test_diverging_training_reports_the_cause(training, qtbot):
    # a linear network with MSE and plain SGD at η = 1 blows up within the first epoch
    project = Project(dataset=DatasetRef(name="xor", options={"n": 200}))
    g = project.graph
    ids = [g.add_node("input").id, g.add_node("dense", params={"units": 8}).id,
           g.add_node("dense", params={"units": 1}).id, g.add_node("output", params={"loss": "mse"}).id]
    for a, b in zip(ids, ids[1:], strict=False):
        g.connect(a, b)
    project.settings.optimizer.name, project.settings.optimizer.lr, project.settings.epochs = "sgd", 1.0, 20
    models = training.models
    models.document.replace(project)
    models.controller.play()
    qtbot.waitUntil(finished(models.run), timeout=20000)
    assert models.run.error and "the loss became" in models.run.message and "learning rate" in models.run.message


# ----------------------------------------------------------------------------
# recent files, autosave, command line
# ----------------------------------------------------------------------------
def test_recent_files_newest_first_and_bounded(tmp_path, qtbot):
    recent = RecentFiles(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    for i in range(MAX_RECENT + 3):
        recent.add(tmp_path / f"p{i}.nnpg")
    files = recent.files()
    assert len(files) == MAX_RECENT and files[0].endswith(f"p{MAX_RECENT + 2}.nnpg")
    recent.add(tmp_path / "p5.nnpg")
    assert recent.files()[0].endswith("p5.nnpg") and len(recent.files()) == MAX_RECENT
    opened = []
    menu = QMenu()
    recent.fill_menu(menu, opened.append)
    menu.actions()[0].trigger()
    assert opened == [recent.files()[0]]
    recent.remove(tmp_path / "p5.nnpg")
    assert not any(f.endswith("p5.nnpg") for f in recent.files())
    recent.clear()
    assert recent.files() == []


def test_autosave_writes_in_the_background_and_discards(tmp_path, qtbot):
    project = xor_project()
    project.weights = {"dense_1.W": np.ones((2, 8), np.float32)}
    modified = [True]
    saver = Autosaver(lambda: (snapshot_project(project), None) if modified[0] else None, tmp_path / "rec",
                      interval_ms=10)
    with qtbot.waitSignal(saver.saved, timeout=10000) as blocker:
        assert saver.save_now()
    path = blocker.args[0]
    assert os.path.exists(path) and [r.title for r in list_recovery(tmp_path / "rec")] == ["Untitled"]
    assert [e.path for e in pending_recoveries(tmp_path / "rec")] == [saver.last_path]
    modified[0] = False
    assert not saver.save_now()  # nothing unsaved: nothing written
    saver.discard()
    assert not os.path.exists(path)


def test_recovery_older_than_its_file_is_not_offered(tmp_path, qtbot):
    from playground.model.autosave import write_recovery

    original = tmp_path / "lab.nnpg"
    original.write_bytes(b"x")
    write_recovery(xor_project(), tmp_path / "rec", original)
    assert len(pending_recoveries(tmp_path / "rec")) == 1
    later = time.time() + 60
    os.utime(original, (later, later))  # saved again after the copy was made
    assert pending_recoveries(tmp_path / "rec") == []


def test_call_off_thread_returns_or_raises(qtbot):
    assert call_off_thread(sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        call_off_thread(lambda: 1 / 0)


def test_snapshot_is_independent():
    project = xor_project()
    copy = snapshot_project(project)
    copy.graph.set_param("dense_1", "units", 3)
    copy.settings.epochs = 1
    assert project.graph.node("dense_1").params["units"] == 8 and project.settings.epochs == 20


def test_command_line_arguments():
    assert parse_args([]) == (None, None)
    assert parse_args(["lab.nnpg"]) == ("lab.nnpg", None)
    assert parse_args(["a.nnpg", "b.nnpg"])[1].startswith("Open one project")
    assert "Unknown option" in parse_args(["--frobnicate"])[1]


def test_a_training_process_that_cannot_start_is_a_message(training, qtbot, monkeypatch):
    import playground.ui.training_controller as controller_module

    def refuse(job):
        raise OSError("no more processes")

    monkeypatch.setattr(controller_module, "TrainingProcess", refuse)
    models = training.models
    models.document.replace(xor_project(epochs=2))
    with qtbot.waitSignal(models.run.message_changed, timeout=20000) as blocker:
        models.controller.play()
    assert blocker.args[0] == "Could not start the training process: no more processes"
    assert models.run.state == "untrained" and training.play_button.isEnabled()
