"""Issue 10, the first five minutes: the start page, Help, number fields that say what is wrong,
the loss that follows the task, and every small thing a new user tripped over."""

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTextBrowser

from playground.data.registry import dataset_info
from playground.model.settings import DatasetRef
from playground.model.templates import gallery
from playground.ui import theme
from playground.ui.dataset_panel import option_editor, rich_description
from playground.ui.editors import make_editor
from playground.ui.export import image_to_array
from playground.ui.main_window import MainWindow
from playground.ui.start_page import EXAMPLES_DIR, course_entries, thumbnail
from playground.ui.teach_menu import TemplateDialog
from playground.ui.tour import STEPS, shortcut_rows
from tests.ui.helpers import settle

BUTTONS = QMessageBox.StandardButton
XOR = str(EXAMPLES_DIR / "xor.nnpg")


@pytest.fixture
def window(qtbot, qapp, tmp_path, monkeypatch):
    theme.apply_theme("light", qapp)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: BUTTONS.Discard))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings, recovery_dir=tmp_path / "recovery", autosave_ms=3_600_000)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.dataset_panel.dataset is not None, timeout=10000)
    yield w
    w.controller.shutdown()
    w.forget_changes()


def loss_of(w):
    return w.project.output_node().params["loss"]


# -- the start page -----------------------------------------------------------------------------
def test_start_page_lists_examples_and_templates_in_the_order_of_the_course(window):
    sections = course_entries()
    titles = [t for t, _ in sections]
    order = ["Perceptron", "Multilayer", "Regularization", "Convolutional", "Recurrent", "Autoencoders"]
    positions = [next(i for i, t in enumerate(titles) if word in t) for word in order]
    assert positions == sorted(positions)
    keys = {(e.kind, e.key) for _, entries in sections for e in entries}
    assert {("example", p.stem) for p in EXAMPLES_DIR.glob("*.nnpg")} <= keys
    assert {("template", t.key) for _, ts in gallery() for t in ts} <= keys
    assert all(e.line and len(e.line) <= 110 for _, entries in sections for e in entries)  # one line each
    page = window.start_page
    assert not page.isVisible()  # a window made for a project (or a test) shows no start page
    window.menu_actions["new_from"].trigger()
    assert page.isVisible() and page.geometry().width() > window.width() * 0.9
    assert len(page.cards) == len(keys)


def test_card_pictures_show_the_network(window):
    entry = window.start_page.card("example", "xor").entry
    pixels = image_to_array(thumbnail(entry))
    assert pixels.shape[:2] == (112, 216)
    assert (np.abs(pixels[..., :3].astype(int) - pixels[0, 0, :3]).sum(axis=-1) > 60).mean() > 0.03  # not blank
    assert thumbnail(entry) is thumbnail(entry)  # drawn once


def test_opening_an_example_from_the_start_page_leaves_nothing_of_the_old_project(window, qtbot):
    window.canvas.canvas_scene.add_node("dense", 200, 0)
    window.start_page.show_page()
    card = window.start_page.card("example", "xor")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert window.path == str(Path(XOR).resolve()) or Path(window.path).name == "xor.nnpg"
    assert not window.start_page.isVisible()
    assert window.project.title == "XOR" and not window.undo_stack.count()
    assert not window.isWindowModified()  # a freshly opened file is not unsaved
    assert Path(XOR).resolve().as_posix() in [Path(f).as_posix() for f in window.recent.files()]


def test_blank_network_and_templates_from_the_start_page(window, qtbot):
    page = window.start_page
    page.show_page()
    assert page.open_entry(page.card("template", "mlp").entry)
    assert window.path is None and window.project.title and not page.isVisible()
    page.show_page()
    qtbot.mouseClick(page.blank_button, Qt.MouseButton.LeftButton)
    assert sorted(n.kind for n in window.project.graph) == ["input", "output"] and not page.isVisible()
    page.show_page()
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert not page.isVisible()


# -- Help -----------------------------------------------------------------------------------------
def test_quick_tour_points_at_each_part_and_can_be_skipped(window, qtbot):
    window.menu_actions["quick_tour"].trigger()
    tour = window.quick_tour
    seen = []
    for _ in STEPS:
        assert tour.isVisible() and tour.highlight.isVisible()
        seen.append(tour.title.text())
        qtbot.mouseClick(tour.next_button, Qt.MouseButton.LeftButton)
    assert not tour.isVisible() and len(seen) == 5
    assert [s[0] for s in STEPS] == ["palette", "canvas", "dataset", "play", "plots"]
    window.menu_actions["quick_tour"].trigger()
    qtbot.mouseClick(tour.skip_button, Qt.MouseButton.LeftButton)
    assert not tour.isVisible() and not tour.highlight.isVisible()


def test_shortcuts_list_and_whats_this_for_layers_and_settings(window):
    rows = dict((what, keys) for keys, what in shortcut_rows(window.menu_actions))
    assert rows["Play"] == "F5" and "Ctrl+Q" in rows["Quit"]
    window.menu_actions["shortcuts"].trigger()
    text = window.shortcuts_dialog.findChild(QTextBrowser).toPlainText()
    assert "F5" in text and "What's this?" in text
    assert window.menu_actions["whats_this"].shortcut() == QKeySequence("Shift+F1")
    item = window.palette_panel.item_for("dense")
    assert "Units" in item.whatsThis(0) and "neurons" in item.whatsThis(0).lower()
    editor = window.settings_panel.editors["batch_size"]
    assert editor.widget.whatsThis() and "<b>" in editor.widget.whatsThis()


def test_no_shortcut_is_ambiguous(window):
    """Ctrl+Q did nothing when Quit had it twice: no key may be on two actions, or twice on one."""
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        keys = [k.toString() for k in action.shortcuts() if not k.isEmpty()]
        assert len(keys) == len(set(keys)), f"{action.text()} has a key twice: {keys}"
        for key in keys:
            assert key not in seen, f"{key} is on both {seen[key]!r} and {action.text()!r}"
            seen[key] = action.text()
    assert "Ctrl+Q" in seen


# -- number fields ---------------------------------------------------------------------------------
def type_into(qtbot, box, text):
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def test_an_out_of_range_value_stays_visible_with_the_allowed_range(window, qtbot):
    window.docks["settings"].raise_()
    editor = window.settings_panel.editors["batch_size"]
    before = window.project.settings.batch_size
    type_into(qtbot, editor.widget, "0")
    assert editor.widget.text() == "0"  # not silently reverted
    assert editor.level == "error" and "at least 1" in editor.problem and "allowed: 1 to" in editor.problem
    assert editor.message is not None and editor.message.isVisible() and editor.message.text() == editor.problem
    assert window.project.settings.batch_size == before  # and not committed
    type_into(qtbot, editor.widget, "16")
    assert window.project.settings.batch_size == 16 and editor.problem == ""
    lr = window.settings_panel.editors["optimizer.lr"]
    type_into(qtbot, lr.widget, "-0.5")
    assert lr.widget.text() == "-0.5" and "above 0" in lr.problem and window.project.settings.optimizer.lr > 0


def test_an_unusual_value_gets_a_quiet_warning(window, qtbot):
    window.docks["settings"].raise_()
    assert window.edits.set_setting("optimizer.name", "sgd")
    lr = window.settings_panel.editors["optimizer.lr"]
    type_into(qtbot, lr.widget, "100")
    assert window.project.settings.optimizer.lr == 100.0  # allowed …
    assert lr.level == "warning" and "above 1" in lr.problem  # … with a word
    assert window.training_panel.lr_editor.level == "warning"
    batch = window.settings_panel.editors["batch_size"]
    type_into(qtbot, batch.widget, "5000")
    assert window.project.settings.batch_size == 5000 and batch.level == "warning" and "samples" in batch.problem


def test_arrows_stay_in_the_allowed_range(qtbot):
    from playground.model.catalog import get_spec

    editor = make_editor(get_spec("dense").param("units"), 1)
    qtbot.addWidget(editor.widget)
    editor.widget.stepDown()
    assert editor.value() == 1 and editor.problem == ""


# -- the loss follows the task ----------------------------------------------------------------------
def test_the_loss_follows_the_task_until_the_student_picks_one(window, qtbot):
    assert loss_of(window) == "bce"  # a blank network on the circle (two classes)
    assert not window.isWindowModified() and window.undo_stack.count() == 0
    window.edits.set_dataset(DatasetRef(name="iris", options={}))
    qtbot.waitUntil(lambda: loss_of(window) == "softmax_cross_entropy", timeout=10000)
    window.menu_actions["undo"].trigger()  # the loss change is its own undo step
    assert loss_of(window) == "bce"
    window.menu_actions["redo"].trigger()
    node = window.project.output_node().id
    window.canvas.canvas_scene.set_param(node, "loss", "mae")  # the student picks one
    window.edits.set_dataset(DatasetRef(name="plane", options={}))
    qtbot.waitUntil(lambda: window.dataset_panel.dataset is not None
                    and window.dataset_panel.dataset.task == "regression", timeout=10000)
    qtbot.wait(100)
    assert loss_of(window) == "mae"


# -- the list of what was seen ------------------------------------------------------------------------
def test_a_refused_play_prints_no_traceback(window, qtbot, capfd):
    window.set_project(window.project.__class__(dataset=DatasetRef(name="circle", options={})), None)
    window.project.graph.add_node("input", 0, 0)  # no Output: the network cannot compile
    window.controller.play()
    qtbot.waitUntil(lambda: bool(window.run.error), timeout=10000)
    assert "Traceback" not in capfd.readouterr().err


def test_csv_task_combo_and_backend_combo_say_what_auto_means():
    task = option_editor(dataset_info("csv").option("task"), "auto")
    assert task.widget.currentText() == "Auto (from the targets)"
    from playground.model.settings import TrainingSettings

    backend = make_editor(TrainingSettings.spec_at("backend"), "auto", name="backend")
    assert backend.widget.currentText() == "Auto (GPU when it works)"


def test_dataset_descriptions_show_code_not_markup(window):
    assert rich_description("a ``target`` & <b>") == "a <code>target</code> &amp; &lt;b&gt;"
    window.dataset_panel.choose("csv")
    settle()
    text = window.dataset_panel.description.text()
    assert "``" not in text and "<code>target</code>" in text


def test_step_through_opens_large_with_room_for_its_tables_and_escape_closes_it(window, qtbot):
    window.open_file(XOR)
    view = window.teach.step_through()
    qtbot.waitExposed(view)
    assert view.width() >= 1000 and view.height() >= 700
    assert view.units_table.minimumHeight() >= 6 * view.units_table.verticalHeader().defaultSectionSize()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.isVisible()


def test_the_template_dialog_closes_after_use(window):
    dialog = window.teach.templates()
    assert isinstance(dialog, TemplateDialog) and dialog.isVisible()
    assert dialog.insert_template("mlp") and not dialog.isVisible()
    dialog = window.teach.templates()
    assert dialog.isVisible() and dialog.open_template("perceptron") and not dialog.isVisible()


def test_export_dialogs_start_in_the_projects_folder_then_the_last_used(window, tmp_path, monkeypatch):
    folder = tmp_path / "course"
    folder.mkdir()
    project_file = folder / "mine.nnpg"
    assert window.save_to(str(project_file))
    window.settings.remove("export/folder")
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, start, *a, **k: asked.append(start) or ("", "")))
    window.exporter.save_png("Network diagram", window.canvas.viewport(), 1)
    assert Path(asked[-1]).parent == folder
    window.code_exports._ask("pytorch")
    assert Path(asked[-1]).parent == folder
    other = tmp_path / "slides"
    other.mkdir()
    window.settings.setValue("export/folder", str(other))
    window.exporter.save_png("Network diagram", window.canvas.viewport(), 1)
    assert Path(asked[-1]).parent == other
