"""Teach ▸ Presets in the real main window: each preset is one undo step through the panels' own
commands, the sentence on what to watch appears above the canvas, and locks and training refuse it."""

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox  # noqa: F401  (the answers fixture patches it)

from playground.model.presets import get_preset
from tests.model.test_presets import KEYS, deep_tanh, flat_settings, same_graph
from tests.ui.test_main_window import answers, load_xor, make_window, qsettings  # noqa: F401  (fixtures)


@pytest.fixture
def win(make_window):  # noqa: F811
    window = make_window()
    load_xor(window)  # Adam, learning rate 0.05, one hidden tanh
    return window


def menu_action(window, key):
    window.presets.menu.aboutToShow.emit()  # the student opens Teach ▸ Presets
    return window.presets.actions[key]


def test_the_menu_lists_the_presets_that_fit_the_project(win):
    win.presets.menu.aboutToShow.emit()
    assert list(win.presets.actions) == KEYS
    assert win.menu_actions["presets"].menu() is win.presets.menu
    assert win.presets.menu.menuAction() in win.teach_menu.actions()
    high = win.presets.actions["lr_too_high"]
    assert high.text() == "Learning rate too high (3)" and high.isEnabled()
    assert "loss jumps up and down" in high.toolTip() and "optimizer.lr = 3" in high.toolTip()
    sigmoid = win.presets.actions["sigmoid_deep"]  # one hidden layer is not a deep net
    assert not sigmoid.isEnabled() and "at least two hidden activation layers" in sigmoid.toolTip()


def test_a_settings_preset_is_one_undo_step_and_says_what_to_watch(win):
    before = flat_settings(win.project)
    count = win.undo_stack.count()
    menu_action(win, "lr_too_high").trigger()
    after = flat_settings(win.project)
    assert {k for k in before if before[k] != after[k]} == {"optimizer.lr"} and after["optimizer.lr"] == 3.0
    assert win.settings_panel.editors["optimizer.lr"].value() == 3.0  # the panel shows it
    assert win.training.lr_spin.value() == 3.0
    assert win.undo_stack.count() == count + 1 and win.isWindowModified()
    note = win.presets.note
    assert note.isVisible() and "Learning rate too high (3)" in note.text and "loss jumps up and down" in note.text
    assert "Known-bad" in note.text

    win.menu_actions["undo"].trigger()
    assert flat_settings(win.project) == before and not note.isVisible()
    assert win.settings_panel.editors["optimizer.lr"].value() == 0.05
    win.menu_actions["redo"].trigger()
    assert win.project.settings.optimizer.lr == 3.0


def test_two_setting_changes_are_still_one_step(win):
    win.project.settings.hooks.l1 = 0.001
    win.settings_panel.refresh()
    before = flat_settings(win.project)
    menu_action(win, "l2").trigger()
    menu_action(win, "no_regularization").trigger()
    assert win.project.settings.hooks.l1 == 0.0 and win.project.settings.hooks.l2 == 0.0
    assert "overfitting" in win.presets.note.text
    win.menu_actions["undo"].trigger()  # no regularization, both settings at once
    assert win.project.settings.hooks.l1 == 0.001 and win.project.settings.hooks.l2 == 0.01
    win.menu_actions["undo"].trigger()
    assert flat_settings(win.project) == before


def test_network_presets_go_through_the_canvas_and_undo_exactly(win):
    win.set_project(deep_tanh(depth=3), None)
    graph, scene = win.project.graph, win.canvas.canvas_scene
    original = graph.copy()
    menu_action(win, "sigmoid_deep").trigger()
    kinds = [n.kind for n in graph]
    assert kinds.count("sigmoid") == 4 and "tanh" not in kinds
    assert set(scene.node_items) == set(graph.nodes)  # the canvas shows the new cards
    assert "vanishing" in win.presets.note.text.lower() or "gradient-norm plot" in win.presets.note.text
    win.menu_actions["undo"].trigger()
    assert same_graph(graph, original) and set(scene.node_items) == set(graph.nodes)
    win.menu_actions["redo"].trigger()
    assert [n.kind for n in graph].count("sigmoid") == 4

    win.menu_actions["undo"].trigger()
    menu_action(win, "constant_init").trigger()
    assert {n.params["init"] for n in graph if n.kind == "dense"} == {"constant"}
    win.menu_actions["undo"].trigger()
    assert same_graph(graph, original)


def test_locks_and_training_refuse_a_preset_with_the_reason(win, qtbot):
    win.classroom.lock(["optimizer.lr"], [])
    l2 = menu_action(win, "l2")
    assert not l2.isEnabled() and "your lecturer locked (L2 strength λ₂)" in l2.toolTip()
    assert not win.presets.apply("l2") and win.project.settings.hooks.l2 == 0.0
    assert "your lecturer locked" in win.statusBar().currentMessage()
    constant = menu_action(win, "constant_init")
    assert not constant.isEnabled() and "(the network)" in constant.toolTip()  # the network is locked too
    assert win.presets.apply("lr_just_right") and win.project.settings.optimizer.lr == 0.03

    win.classroom.unlock()
    load_xor(win, epochs=5000)
    win.controller.play()
    qtbot.waitUntil(lambda: win.run.busy, timeout=5000)
    try:
        assert not menu_action(win, "lr_too_low").isEnabled()
        assert not win.presets.apply("lr_too_low") and win.project.settings.optimizer.lr == 0.05
        assert "Stop training first" in win.statusBar().currentMessage()
    finally:
        win.controller.stop()
        qtbot.waitUntil(lambda: not win.run.busy, timeout=10000)


def test_hidden_presets_menu(win):
    win.classroom.lock(None, ["presets"])
    assert not win.menu_actions["presets"].isVisible()
    win.classroom.unlock()
    assert win.menu_actions["presets"].isVisible()


def test_screenshot_of_a_preset_note(win, qtbot, tmp_path):
    out = Path(os.environ.get("PLAYGROUND_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    menu_action(win, "lr_too_high").trigger()
    assert get_preset(win.project, "lr_too_high").observe in win.presets.note.label.text()
    win.canvas.zoom_fit()
    qtbot.wait(50)
    assert win.grab().save(str(out / "preset_note.png"))


def test_a_preset_on_a_trained_network_says_to_reset_first(win, qtbot):
    from tests.ui.test_main_window import train_to_end

    load_xor(win, epochs=2)
    train_to_end(win, qtbot)
    assert win.presets.apply("constant_init")
    assert "press Reset, then Play" in win.presets.note.label.text()  # Play would go on from trained weights
