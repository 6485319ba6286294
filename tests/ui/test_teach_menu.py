"""The Teach menu of the real main window: every tool opens with the current project, runs can be
kept for comparison, and the template gallery builds the chosen template."""

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QWidget

from playground.model.templates import get_template, template_project
from playground.ui.teach_menu import TemplateDialog
from playground.ui.teaching import (
    ActivationGallery,
    CompareRunsView,
    DiagnosticsPanel,
    GradientCheckDialog,
    LossLandscapeView,
    OptimizerRaceView,
    StepThroughView,
    SweepDialog,
)
from tests.ui.test_main_window import train_to_end, answers, load_xor, make_window, qsettings  # noqa: F401  (fixtures)


@pytest.fixture
def win(make_window):  # noqa: F811
    """The real main window, shown offscreen (the fixture of test_main_window)."""
    return make_window()


@pytest.fixture
def said(answers):  # noqa: F811
    """What the monkeypatched message boxes answer and were asked."""
    return answers


OPENS = [("activation_gallery", ActivationGallery, False), ("step_through", StepThroughView, True),
         ("loss_landscape", LossLandscapeView, True), ("optimizer_race", OptimizerRaceView, False),
         ("compare_runs", CompareRunsView, False), ("sweep", SweepDialog, True),
         ("gradient_check", GradientCheckDialog, True), ("diagnostics", DiagnosticsPanel, False),
         ("new_from_template", TemplateDialog, False)]


def opened(window, cls):
    found = [w for w in window.teach.windows.values() if isinstance(w, cls)]
    assert len(found) == 1, f"expected one {cls.__name__}, found {found}"
    return found[0]


@pytest.mark.parametrize("name, cls, uses_project", OPENS, ids=[o[0] for o in OPENS])
def test_each_action_opens_its_tool_once_with_the_current_project(win, qtbot, name, cls, uses_project):
    window = win
    load_xor(window)
    window.menu_actions[name].trigger()
    tool = opened(window, cls)
    assert tool.isVisible() and tool.isWindow() and tool.parent() is window  # non-modal, owned by the window
    assert not (isinstance(tool, QDialog) and tool.isModal())
    if uses_project:
        assert tool.project is window.project
    window.menu_actions[name].trigger()  # again: the same window, not a second one
    assert opened(window, cls) is tool
    if cls is StepThroughView:
        assert tool.trace is not None and not tool.error  # it compiled and stepped XOR
    if cls is GradientCheckDialog:
        qtbot.waitUntil(lambda: tool.checks is not None or bool(tool.error), timeout=20000)
        assert tool.checks and not tool.error
    tool.close()


def test_project_tools_follow_a_new_project(win):
    window = win
    load_xor(window)
    window.menu_actions["step_through"].trigger()
    window.menu_actions["sweep"].trigger()
    first_sweep = opened(window, SweepDialog)
    load_xor(window, epochs=3)  # another project object
    window.menu_actions["step_through"].trigger()
    window.menu_actions["sweep"].trigger()
    assert opened(window, StepThroughView).project is window.project
    sweep = next(w for w in window.teach.windows.values() if isinstance(w, SweepDialog))
    assert sweep is not first_sweep and sweep.project is window.project
    sweep.close()


def test_keep_this_run_adds_the_trained_history_to_compare_runs(win, qtbot):
    window = win
    load_xor(window, epochs=3)
    assert window.teach.keep_run() is None  # nothing trained yet: nothing kept
    train_to_end(window, qtbot)
    window.menu_actions["keep_run"].trigger()
    compare = opened(window, CompareRunsView)
    assert list(compare.runs) == [f"run 1: {window.project.settings.optimizer.name} lr 0.05"]
    label = next(iter(compare.runs))
    kept = compare.runs[label]
    live = window.run.history
    assert kept is not live  # a copy: the next run does not overwrite it
    x, y = kept.series("train_loss")
    _, ly = live.series("train_loss")
    assert len(y) > 0 and list(y) == list(ly)
    assert len(compare.curve(label, "train").getData()[0]) == len(x)
    window.teach.keep_run()
    assert list(compare.runs)[1].startswith("run 2: ")


def test_diagnostics_follows_the_window_history(win, qtbot):
    window = win
    load_xor(window, epochs=2)
    window.menu_actions["diagnostics"].trigger()
    panel = opened(window, DiagnosticsPanel)
    assert panel in window.refresher.plots
    train_to_end(window, qtbot)
    qtbot.waitUntil(lambda: "iteration" in panel.headline.text(), timeout=5000)


def test_new_from_template_builds_the_chosen_template(win, said):
    window = win
    window.menu_actions["new_from_template"].trigger()
    dialog = opened(window, TemplateDialog)
    assert dialog.tree.topLevelItemCount() >= 4
    dialog.select("mlp")
    assert dialog.paragraph.text() == get_template("mlp").paragraph
    window.mark_modified()
    said["question"] = said["question"].__class__.Cancel
    assert not dialog.open_template("mlp")  # cancelled at the unsaved-changes question
    said["question"] = said["question"].__class__.Discard
    dialog.open_button.click()
    assert len(said["asked"]) == 2
    expected = template_project("mlp")
    assert window.path is None and window.project.title == expected.title
    kinds = sorted(n.kind for n in window.project.graph)
    assert kinds == sorted(n.kind for n in expected.graph)
    assert window.project.dataset.name == expected.dataset.name


def test_insert_template_is_one_undoable_edit(win):
    window = win
    load_xor(window)
    before = len(window.project.graph)
    dialog = window.teach.templates()
    ids = dialog.insert_template("resnet_block")
    assert ids and len(window.project.graph) == before + len(ids)
    assert not any(window.project.graph.node(i).kind in ("input", "output") for i in ids)
    window.menu_actions["undo"].trigger()
    assert len(window.project.graph) == before


def test_screenshot_with_step_through_open(win, qtbot, tmp_path):
    window = win
    load_xor(window)
    window.menu_actions["step_through"].trigger()
    view = opened(window, StepThroughView)
    view.resize(1000, 640)
    view.next_stage()
    view.next_stage()
    qtbot.wait(100)
    out = Path(os.environ.get("PLAYGROUND_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    bar = window.menuBar()
    window.teach_menu.popup(bar.mapToGlobal(bar.actionGeometry(window.teach_menu.menuAction()).bottomLeft()))
    qtbot.wait(50)
    shot = window.grab()
    painter_target = shot.toImage()
    from PySide6.QtGui import QPainter
    p = QPainter(painter_target)
    p.drawPixmap(300, 160, view.grab())
    menu_pos = window.teach_menu.pos() - window.mapToGlobal(window.rect().topLeft())
    p.drawPixmap(menu_pos, window.teach_menu.grab())
    p.end()
    assert painter_target.save(str(out / "teach_menu.png"))
    window.teach_menu.hide()
    assert isinstance(view, QWidget)
