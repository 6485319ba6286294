"""Classroom mode in the real main window: a lecturer ticks what students may change and what they do
not see, the window greys out, hides and explains, the saved file opens the same way, and the lecturer
can unlock it again."""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from playground.model.fileio import load_project
from playground.model.project import LOCK_TARGETS, Project
from playground.model.settings import TrainingSettings
from playground.ui.classroom import CANVAS_REASON, classroom_summary
from playground.ui.edits import LOCKED_TIP
from playground.ui.main_window import TRAINING_LOCK
from playground.ui.teaching.classroom_dialog import ClassroomDialog
from tests.ui.test_main_window import answers, load_xor, make_window, qsettings  # noqa: F401  (fixtures)
from tests.ui.test_panels import xor_project

CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked
RUN_PATHS = ["batch_size", "epochs", "validation_split", "seed", "backend"]


@pytest.fixture
def win(make_window):  # noqa: F811
    window = make_window()
    load_xor(window)
    return window


def lock(window, qtbot, allow=("epochs",), hide=("palette", "gradient_check")) -> ClassroomDialog:
    """Teach ▸ Classroom lock…, tick ``allow`` (the learning rate is ticked already) and ``hide``, press Lock."""
    window.menu_actions["classroom_lock"].trigger()
    dialog = window.classroom.dialog
    qtbot.waitExposed(dialog)
    for target in allow:
        dialog.item_for(target).setCheckState(0, CHECKED)
    for name in hide:
        dialog.hide_boxes[name].click()
    qtbot.mouseClick(dialog.lock_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    return dialog


def button(dialog, text):
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def editor(window, path):
    return window.settings_panel.editors[path].widget


def assert_locked_like_the_lecturer_chose(window):
    """Only the learning rate and the epochs open; network and dataset locked; palette and gradient check hidden."""
    for path in ("optimizer.lr", "epochs"):
        assert editor(window, path).isEnabled(), path
    for path in ("optimizer.name", "batch_size", "hooks.l2", "seed"):
        assert not editor(window, path).isEnabled(), path
        assert editor(window, path).toolTip() == LOCKED_TIP
    assert not window.settings_panel.loss_editor.widget.isEnabled()  # the loss belongs to the network
    assert window.training.lr_spin.isEnabled()
    assert not window.dataset_panel.combo.isEnabled() and window.dataset_panel.combo.toolTip() == LOCKED_TIP
    assert window.canvas.locked and window.canvas.canvas_scene.lock_reason == CANVAS_REASON
    assert window.docks["palette"].isHidden() and not window.docks["palette"].toggleViewAction().isVisible()
    assert not window.menu_actions["gradient_check"].isVisible()
    assert window.menu_actions["diagnostics"].isVisible()
    assert window.classroom.banner.isVisible()
    assert ("only the learning rate η and the number of epochs can be changed"
            in window.classroom.banner.text)


def assert_everything_open(window):
    for path in ("optimizer.lr", "optimizer.name", "batch_size", "hooks.l2"):
        assert editor(window, path).isEnabled(), path
    assert editor(window, "optimizer.name").toolTip() != LOCKED_TIP
    assert window.settings_panel.loss_editor.widget.isEnabled() and window.dataset_panel.combo.isEnabled()
    assert not window.canvas.locked and window.palette_panel.isEnabled()
    assert not window.docks["palette"].isHidden() and window.docks["palette"].toggleViewAction().isVisible()
    assert window.menu_actions["gradient_check"].isVisible()
    assert not window.classroom.banner.isVisible()


# -- the lecturer's dialog ----------------------------------------------------------------------
def test_dialog_offers_every_lock_target_and_starts_with_the_learning_rate(win, qtbot):
    win.menu_actions["classroom_lock"].trigger()
    dialog = win.classroom.dialog
    qtbot.waitExposed(dialog)
    assert dialog.student_editable() == ["optimizer.lr"] and dialog.hidden() == []
    for path in TrainingSettings.setting_paths() + ["graph", "dataset"]:
        assert dialog.item_for(path).childCount() == 0, path
    for section in ("optimizer", "schedule", "hooks", "early_stopping"):
        assert dialog.item_for(section).childCount() > 1, section
    assert dialog.item_for("Optimizer").checkState(0) == Qt.CheckState.PartiallyChecked
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "not a security feature" in labels

    button(dialog, "Allow all").click()
    everything = dialog.student_editable()
    assert everything == ["graph", "dataset", "optimizer", "schedule", *RUN_PATHS, "hooks", "early_stopping"]
    assert set(everything) <= LOCK_TARGETS
    rule = Project(student_editable=everything)
    assert all(rule.may_change(t) for t in LOCK_TARGETS)
    button(dialog, "Allow nothing").click()
    assert dialog.student_editable() == []
    dialog.item_for("hooks.l2").setCheckState(0, CHECKED)
    dialog.item_for("graph").setCheckState(0, CHECKED)
    assert dialog.student_editable() == ["graph", "hooks.l2"]
    dialog.reject()
    assert win.project.student_editable is None  # cancelled: nothing stored


def test_dialog_shows_the_projects_own_locks():
    dialog = ClassroomDialog(["hooks", "epochs"], ["presets"])
    assert dialog.student_editable() == ["epochs", "hooks"]
    assert dialog.item_for("hooks.clip_norm").checkState(0) == CHECKED
    assert dialog.item_for("optimizer.lr").checkState(0) == UNCHECKED
    assert dialog.hidden() == ["presets"]
    dialog.deleteLater()


def test_dialog_offers_only_what_the_window_can_hide(win):
    assert {"palette", "dataset_panel", "locked_settings", "presets", "gradient_check", "code_export"} <= set(
        win.classroom.hideable())
    available = [name for name in win.classroom.hideable() if name != "code_export"]  # as a window without it
    dialog = ClassroomDialog(None, ["code_export", "palette"], available=available)
    assert "code_export" not in dialog.hide_boxes and dialog.hide_boxes["palette"].isChecked()
    dialog.hide_boxes["palette"].click()
    assert dialog.hidden() == ["code_export"]  # kept as the file had it, not dropped unseen
    dialog.deleteLater()


def test_hiding_the_code_export_takes_the_scripts_out_of_the_export_menu(win, qtbot):
    def script_entries():
        win.exporter.fill_menu(win.export_menu)
        return [a.text() for a in win.export_menu.actions() if a.text().endswith("script…")
                or a.text().startswith("NumPy script")]

    assert script_entries() == ["PyTorch script…", "NumPy script (our engine)…"]
    lock(win, qtbot, hide=("code_export",))
    assert script_entries() == []


# -- locking and what students see ----------------------------------------------------------------
def test_locking_greys_out_hides_and_explains(win, qtbot):
    lock(win, qtbot)
    assert win.project.student_editable == ["optimizer.lr", "epochs"]
    assert win.project.hidden_controls == ["palette", "gradient_check"]
    assert win.isWindowModified()  # saved like any other change
    assert_locked_like_the_lecturer_chose(win)

    scene = win.canvas.canvas_scene
    scene.select_nodes(["dense_1"])
    assert not win.canvas.delete_selected()
    assert "dense_1" in win.project.graph
    assert CANVAS_REASON in win.canvas.toast  # the reason, where the student looked
    assert not win.inspector.editors["units"].widget.isEnabled()
    assert win.canvas.add_layer_at_center("dense") is None


def test_locked_settings_refuse_edits_and_open_ones_stay_undoable(win, qtbot):
    lock(win, qtbot)
    messages = []
    win.edits.message.connect(messages.append)
    assert not win.settings_panel.commit("optimizer.momentum", 0.5)
    assert win.project.settings.optimizer.momentum == 0.0 and "locked by your lecturer" in messages[-1]
    editor(win, "optimizer.lr").setValue(0.2)
    assert win.project.settings.optimizer.lr == pytest.approx(0.2)
    win.menu_actions["undo"].trigger()
    assert win.project.settings.optimizer.lr == pytest.approx(0.05)


def test_students_open_exactly_the_saved_classroom_project(win, make_window, qtbot, tmp_path):  # noqa: F811
    lock(win, qtbot)
    path = tmp_path / "week3.nnpg"
    assert win.save_to(str(path))
    assert load_project(path).hidden_controls == ["palette", "gradient_check"]

    student = make_window()
    assert student.open_file(str(path))
    assert_locked_like_the_lecturer_chose(student)
    student.set_project(xor_project(), None)  # another, ordinary project: everything comes back
    assert_everything_open(student)


def test_the_canvas_stays_locked_when_training_ends(win, qtbot):
    lock(win, qtbot)
    assert win.canvas.locked and win.canvas.canvas_scene.lock_reason == CANVAS_REASON
    states = []
    win.run.state_changed.connect(states.append)
    win.controller.play()  # a real run: students may train a locked project
    qtbot.waitUntil(lambda: "training" in states, timeout=30000)
    assert win.canvas.canvas_scene.lock_reason == CANVAS_REASON  # the classroom lock is the stronger
    assert not win.canvas.canvas_scene.moves_allowed
    qtbot.waitUntil(lambda: win.run.state == "finished", timeout=30000)
    assert win.canvas.locked and win.canvas.canvas_scene.lock_reason == CANVAS_REASON
    assert TRAINING_LOCK not in win.canvas.canvas_scene.lock_reason


def test_hiding_locked_settings_leaves_only_what_students_may_change(win, qtbot):
    lock(win, qtbot, allow=(), hide=("locked_settings",))
    panel = win.settings_panel
    label, widget = panel.rows["optimizer.lr"]
    assert not widget.isHidden() and not label.isHidden()
    assert panel.rows["optimizer.name"][1].isHidden() and panel.rows["epochs"][1].isHidden()
    assert label.parentWidget().isVisible() or not win.docks["settings"].isVisible()
    assert panel.rows["epochs"][0].parentWidget().isHidden()  # the whole "Run" section had nothing left
    assert panel.loss_editor.widget.parentWidget().isHidden()  # the loss: part of the locked network
    assert not win.docks["palette"].isHidden()  # only what was asked is hidden


def test_a_bad_lock_is_refused_in_plain_words(win):
    win.classroom.lock(["optimizer.lrr"], [])
    assert win.project.student_editable is None and not win.canvas.locked
    assert win.banner.isVisible() and "unknown setting(s) 'optimizer.lrr'" in win.banner.label.text()


def test_reset_layout_keeps_hidden_panels_hidden(win, qtbot):
    lock(win, qtbot)
    win.reset_layout()
    assert win.docks["palette"].isHidden() and not win.docks["dataset"].isHidden()


def test_unlock_asks_once_then_everything_is_open_again(win, qtbot, answers):  # noqa: F811
    lock(win, qtbot)
    answers["question"] = QMessageBox.StandardButton.Cancel
    assert not win.classroom.ask_unlock()
    assert win.project.classroom
    answers["question"] = QMessageBox.StandardButton.Yes
    win.undo_stack.setClean()
    win.menu_actions["classroom_unlock"].trigger()
    assert "not a security feature" in answers["asked"][-1]
    assert win.project.student_editable is None and win.project.hidden_controls == []
    assert win.isWindowModified()
    assert_everything_open(win)
    assert not win.menu_actions["classroom_unlock"].isEnabled()
    win.menu_actions["classroom_lock"].trigger()  # the dialog remembers what the lecturer had chosen
    assert win.classroom.dialog.student_editable() == ["optimizer.lr", "epochs"]
    assert win.classroom.dialog.hidden() == ["palette", "gradient_check"]
    win.classroom.dialog.reject()


@pytest.mark.parametrize("locks, hidden, expected", [
    (["optimizer.lr"], [], "only the learning rate η can be changed. The network is locked."),
    (["graph", "hooks"], [], "only the network and regularization and clipping can be changed."),
    ([], [], "nothing can be changed"),
    (None, ["palette"], "your lecturer hid some tools"),
])
def test_banner_sentence(locks, hidden, expected):
    assert expected in classroom_summary(Project(student_editable=locks, hidden_controls=hidden))


def test_screenshots(win, qtbot, tmp_path):
    """The lock dialog and a locked window, to look at (``PLAYGROUND_SHOTS=folder`` keeps them)."""
    out = Path(os.environ.get("PLAYGROUND_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    win.menu_actions["classroom_lock"].trigger()
    dialog = win.classroom.dialog
    qtbot.waitExposed(dialog)
    dialog.item_for("epochs").setCheckState(0, CHECKED)
    dialog.hide_boxes["palette"].click()
    assert dialog.grab().save(str(out / "classroom_dialog.png"))
    qtbot.mouseClick(dialog.lock_button, Qt.MouseButton.LeftButton)
    win.docks["settings"].raise_()
    win.canvas.zoom_fit()
    assert win.classroom.banner.isVisible()
    assert win.grab().save(str(out / "classroom_window.png"))
