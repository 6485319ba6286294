"""The real main window, offscreen: docks, menus, drag and drop, inspector, undo, training,
files, title, status bar, layout memory, theme, export and a screenshot."""

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from playground.model.autosave import write_recovery
from playground.model.fileio import load_project
from playground.ui import theme
from playground.ui.export import image_to_array
from playground.ui.main_window import MainWindow
from tests.ui.test_panels import xor_project

BUTTONS = QMessageBox.StandardButton


@pytest.fixture
def qsettings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def answers(monkeypatch):
    """What the (monkeypatched) dialogs answer; ``asked``/``warned`` record what they were asked."""
    state = {"question": BUTTONS.Discard, "asked": [], "warned": [], "save_path": None}

    def question(parent, title, text, *args, **kwargs):
        state["asked"].append(text)
        return state["question"]

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *a, **k: state["warned"].append(text) or BUTTONS.Ok))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (str(state["save_path"]) if state["save_path"] else "", "")))
    return state


@pytest.fixture
def make_window(qtbot, qapp, tmp_path, qsettings, answers):
    theme.apply_theme("light", qapp)
    windows = []

    def make(settings=None):
        window = MainWindow(settings=settings or qsettings, recovery_dir=tmp_path / "recovery",
                            autosave_ms=3_600_000)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.dataset_panel.dataset is not None, timeout=10000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.forget_changes()
        window.close()
    theme.apply_theme("light", qapp)


@pytest.fixture
def window(make_window):
    return make_window()


def load_xor(window, epochs=15):
    window.set_project(xor_project(epochs=epochs), None)
    window.dataset_panel.wait_idle()
    window.canvas.zoom_fit()


def train_to_end(window, qtbot, timeout=30000, action=None):
    """Press Play (or ``action``) and wait until that run has finished."""
    states = []
    window.run.state_changed.connect(states.append)
    (action or window.controller.play)()
    qtbot.waitUntil(lambda: "training" in states and window.run.state == "finished", timeout=timeout)
    window.run.state_changed.disconnect(states.append)


def curve_points(plot, name: str) -> int:
    """How many points curve ``name`` of ``plot`` has drawn (0 before it exists)."""
    try:
        x, _ = plot.curve(name).getData()
    except KeyError:
        return 0
    return 0 if x is None else len(x)


def drag_event(cls, at: QPointF, *args):
    try:
        return cls(at, *args)  # PySide6 ≥ 6.12
    except TypeError:
        return cls(at.toPoint(), *args)


def drop_from_palette(window, kind: str, at: QPointF) -> bool:
    """Drag ``kind`` out of the palette and drop it at viewport point ``at``."""
    mime = window.palette_panel.mime_for(kind)
    viewport = window.canvas.viewport()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = drag_event(QDragEnterEvent, at, *args)
    QApplication.sendEvent(viewport, enter)
    QApplication.sendEvent(viewport, drag_event(QDragMoveEvent, at, *args))
    drop = QDropEvent(at, *args)
    QApplication.sendEvent(viewport, drop)
    return enter.isAccepted() and drop.isAccepted()


# ----------------------------------------------------------------------------
def test_window_opens_with_all_docks_menus_and_an_empty_network(window):
    assert set(window.docks) == {"palette", "dataset", "training", "inspector", "settings", "plots"}
    assert all(not d.isHidden() for d in window.docks.values() if d.objectName() != "dock_settings")
    assert [n.kind for n in window.project.graph] == ["input", "output"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "&Training", "&Teach", "&Help"]
    acts = window.menu_actions
    assert acts["save"].shortcut().matches(QKeySequence("Ctrl+S")) == QKeySequence.SequenceMatch.ExactMatch
    assert acts["open"].shortcut() == QKeySequence("Ctrl+O")
    assert QKeySequence("Ctrl+Z") in acts["undo"].shortcuts()
    assert acts["play"].shortcut() == QKeySequence("F5")
    for name in ("new", "save_as", "redo", "delete", "select_all", "zoom_in", "zoom_out", "zoom_fit", "quit"):
        assert acts[name].shortcuts(), name


def test_title_shows_the_file_and_a_star_when_unsaved(window):
    assert window.windowTitle() == "Untitled[*] — Network Playground"
    assert not window.isWindowModified()
    window.canvas.add_layer_at_center("dense")
    assert window.isWindowModified()
    window.menu_actions["undo"].trigger()
    assert not window.isWindowModified()  # back to the saved state: no star


def test_drag_from_palette_edit_in_inspector_undo_redo(window):
    assert drop_from_palette(window, "dense", QPointF(300, 200))
    graph = window.project.graph
    dense = next(n.id for n in graph if n.kind == "dense")
    assert window.inspector.node_id == dense  # the new layer is selected and inspected
    window.canvas.canvas_scene.connect_nodes("input_1", dense)
    spin = window.inspector.editors["units"].widget
    spin.setValue(16)
    item = window.canvas.node_item(dense)
    assert "16 units" in item.text() and "→ (16,)" in item.text()
    undo, redo = window.menu_actions["undo"], window.menu_actions["redo"]
    undo.trigger()
    assert graph.node(dense).params["units"] == 8 and "8 units" in item.text() and spin.value() == 8
    redo.trigger()
    assert "16 units" in item.text()
    undo.trigger(), undo.trigger(), undo.trigger()
    assert [n.kind for n in graph] == ["input", "output"]
    redo.trigger()
    assert dense in graph


def test_status_bar_says_backend_parameters_and_state(window, qtbot):
    load_xor(window)
    qtbot.waitUntil(lambda: "Checking" not in window.status_info.backend_label.text(), timeout=10000)
    assert "NumPy" in window.status_info.backend_label.text() or "CuPy on" in window.status_info.backend_label.text()
    assert window.status_info.backend_label.toolTip()
    assert window.status_info.params_label.text().strip() == "33 parameters"  # 2·8 + 8 + 8·1 + 1
    assert window.status_info.state_label.text().strip() == "Ready"


def test_training_an_example_locks_the_canvas_and_draws_curves(window, qtbot):
    load_xor(window, epochs=25)
    states = []
    window.run.state_changed.connect(states.append)
    window.menu_actions["play"].trigger()
    qtbot.waitUntil(lambda: window.run.state in ("training", "finished"), timeout=20000)
    if window.run.state == "training":
        assert window.canvas.locked and "Training is running" in window.canvas.canvas_scene.lock_reason
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=30000)
    assert "training" in states and not window.canvas.locked
    qtbot.waitUntil(lambda: curve_points(window.plots.loss, "train") >= 25, timeout=5000)
    x, y = window.plots.loss.curve("train").getData()
    assert y[-1] < y[0]  # it learned
    assert window.project.weights and "dense_1.W" in window.project.weights
    assert window.isWindowModified()  # trained weights are unsaved work
    assert window.status_info.state_label.text().strip() == "Finished"
    qtbot.waitUntil(lambda: bool(window.canvas.node_item("dense_1").unit_maps.images), timeout=3000)  # heatmaps


def test_reset_forgets_the_trained_results(window, qtbot, tmp_path):
    load_xor(window, epochs=3)
    train_to_end(window, qtbot)
    assert window.project.trained and window.project.history
    assert window.save_to(str(tmp_path / "trained.nnpg")) and not window.isWindowModified()
    window.menu_actions["reset_training"].trigger()
    assert not window.project.trained and window.project.history is None
    assert window.isWindowModified() and window.run.state == "untrained"
    assert window.run.history.latest is None
    qtbot.waitUntil(lambda: curve_points(window.plots.loss, "train") == 0, timeout=3000)
    assert not window.canvas.node_item("dense_1").unit_maps.images


def test_learning_rate_box_changes_the_setting_when_idle(window):
    load_xor(window)
    window.training.lr_spin.setValue(0.2)
    assert window.project.settings.optimizer.lr == pytest.approx(0.2)
    assert window.settings_panel.editors["optimizer.lr"].value() == pytest.approx(0.2)
    window.menu_actions["undo"].trigger()
    assert window.training.lr_spin.value() == pytest.approx(0.05)


def test_a_training_error_shows_in_a_banner_not_a_crash(window, qtbot):
    project = xor_project()
    project.dataset = None
    window.set_project(project, None)
    window.controller.play()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10000)
    assert "Choose a dataset" in window.banner.label.text()
    assert "Choose a dataset" in window.statusBar().currentMessage()
    assert window.run.state == "untrained"


def test_save_reopen_and_compare(window, make_window, answers, qtbot, tmp_path):
    load_xor(window, epochs=5)
    train_to_end(window, qtbot)
    answers["save_path"] = tmp_path / "xor"
    assert window.menu_actions["save"].trigger() is None and (tmp_path / "xor.nnpg").exists()
    assert window.windowTitle() == "xor.nnpg[*] — Network Playground" and not window.isWindowModified()
    saved = load_project(tmp_path / "xor.nnpg")
    assert saved.thumbnail is not None
    other = make_window()
    assert other.open_file(str(tmp_path / "xor.nnpg"))
    assert other.project.graph == window.project.graph
    assert other.project.settings.to_dict() == window.project.settings.to_dict()
    assert other.project.dataset.to_dict() == window.project.dataset.to_dict()
    for name, array in window.project.weights.items():
        np.testing.assert_array_equal(other.project.weights[name], array)
    assert other.recent.files()[0].endswith("xor.nnpg")
    # the stored curves are shown again
    qtbot.waitUntil(lambda: curve_points(other.plots.loss, "train") > 0, timeout=5000)


def test_a_bad_file_shows_the_reason_and_nothing_is_lost(window, answers, tmp_path):
    bad = tmp_path / "broken.nnpg"
    bad.write_bytes(b"this is not a project")
    window.canvas.add_layer_at_center("dense")
    graph = window.project.graph
    answers["question"] = BUTTONS.Discard
    assert not window.open_file(str(bad))
    assert answers["warned"] and answers["warned"][0].startswith("Cannot open broken.nnpg.")
    assert window.project.graph is graph and len(graph) == 3  # the current network is untouched
    assert window.isWindowModified()


def test_closing_with_unsaved_changes_asks(window, answers):
    window.canvas.add_layer_at_center("relu")
    answers["question"] = BUTTONS.Cancel
    assert not window.close() and window.isVisible()
    assert "Save the changes" in answers["asked"][-1]
    answers["question"] = BUTTONS.Discard
    assert window.close()


def test_new_project_asks_before_dropping_changes(window, answers):
    window.canvas.add_layer_at_center("relu")
    answers["question"] = BUTTONS.Cancel
    window.menu_actions["new"].trigger()
    assert len(window.project.graph) == 3
    answers["question"] = BUTTONS.Discard
    window.menu_actions["new"].trigger()
    assert [n.kind for n in window.project.graph] == ["input", "output"] and not window.isWindowModified()


def test_layout_is_remembered(make_window, qsettings):
    first = make_window()
    first.docks["plots"].hide()
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.docks["palette"])
    first.close()
    second = make_window(qsettings)
    assert second.docks["plots"].isHidden()
    assert second.dockWidgetArea(second.docks["palette"]) == Qt.DockWidgetArea.RightDockWidgetArea
    second.reset_layout()
    assert not second.docks["plots"].isHidden()
    assert second.dockWidgetArea(second.docks["palette"]) == Qt.DockWidgetArea.LeftDockWidgetArea


def test_theme_toggle_is_remembered(window, qsettings, qtbot):
    window.menu_actions["dark_theme"].setChecked(True)
    assert theme.current_theme().name == "dark" and qsettings.value("ui/theme") == "dark"
    qtbot.waitUntil(lambda: window.canvas.palette().window().color().lightness() < 128, timeout=2000)
    window.menu_actions["dark_theme"].setChecked(False)
    assert theme.current_theme().name == "light"


def test_export_network_png_at_2x_and_svg(window, answers, tmp_path):
    load_xor(window)
    viewport = window.canvas.viewport()
    answers["save_path"] = tmp_path / "net.png"
    path = window.exporter.save_png("Network diagram", viewport, 2)
    image = QImage(path)
    assert (image.width(), image.height()) == (viewport.width() * 2, viewport.height() * 2)
    answers["save_path"] = tmp_path / "loss.svg"
    svg = Path(window.exporter.save_svg("Loss", window.plots.loss)).read_text()
    assert "<svg" in svg and "iteration" in svg
    names = [name for name, _ in window.exporter.targets()]
    assert names[0] == "Network diagram" and names[-1] == "Whole window" and "Loss" in names


def test_recovery_copy_is_offered_and_restored(window, answers, qtbot, tmp_path):
    project = xor_project()
    project.title = "Lab 3"
    crashed = write_recovery(project, tmp_path / "recovery", None, session="crashed")
    answers["question"] = BUTTONS.Yes
    assert window.offer_recovery()
    assert "never saved" in answers["asked"][-1]
    assert window.project.title == "Lab 3" and len(window.project.graph) == 6 and window.isWindowModified()
    with qtbot.waitSignal(window.autosaver.saved, timeout=10000) as blocker:
        window.autosaver.save_now()
    assert not crashed.exists() and Path(blocker.args[0]).exists()  # one copy per document, never two


def test_autosave_writes_a_recovery_copy_and_save_removes_it(window, answers, qtbot, tmp_path):
    window.canvas.add_layer_at_center("dense")
    with qtbot.waitSignal(window.autosaver.saved, timeout=10000) as blocker:
        assert window.autosaver.save_now()
    assert os.path.exists(blocker.args[0])
    answers["save_path"] = tmp_path / "kept.nnpg"
    assert window.save()
    assert not os.path.exists(blocker.args[0])


def test_screenshot_of_the_window_with_a_trained_example(window, qtbot, tmp_path):
    load_xor(window, epochs=20)
    train_to_end(window, qtbot)
    qtbot.wait(200)
    image = window.grab().toImage()
    out = Path(os.environ.get("PLAYGROUND_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    assert image.save(str(out / "window_xor.png"))
    assert image_to_array(image).std() > 20  # a real picture, not a blank window
