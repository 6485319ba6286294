"""Transfer learning in the real window: freeze a layer from the inspector, see it on the canvas,
undo it, train with it frozen, delete it."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from playground.ui.inspector import FREEZE_HELP, FREEZE_TEXT
from playground.ui.settings_panel import LOCKED_TIP
from tests.ui.test_main_window import train_to_end, answers, load_xor, make_window, qsettings  # noqa: F401

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def win(make_window):  # noqa: F811 - the fixture imported above
    """The real main window."""
    return make_window()


def click_card(win, qtbot, node_id: str) -> None:
    """Click a card on the canvas, as a student selects a layer."""
    view = win.canvas
    item = view.node_item(node_id)
    where = view.mapFromScene(item.mapToScene(item.card_rect().center()))
    qtbot.mouseClick(view.viewport(), LEFT, pos=where)
    assert win.inspector.node_id == node_id


def tick_freeze(win, qtbot) -> None:
    box = win.inspector.freeze_box
    assert box.isVisible() and box.isEnabled()
    qtbot.mouseClick(box, LEFT, pos=QPoint(box.width() // 2, box.height() // 2))


def test_the_box_freezes_the_selected_dense_and_undo_takes_it_back(win, qtbot):
    load_xor(win, epochs=3)
    win.undo_stack.setClean()
    click_card(win, qtbot, "dense_1")
    inspector, card = win.inspector, win.canvas.node_item("dense_1")
    assert inspector.freeze_label.text() == FREEZE_TEXT and inspector.freeze_help.text() == FREEZE_HELP
    assert inspector.freeze_help.isVisible() and not inspector.freeze_box.isChecked()
    assert "❄ frozen" not in card.text()

    tick_freeze(win, qtbot)
    assert win.project.settings.hooks.frozen == ["dense_1"]
    assert inspector.freeze_box.isChecked() and card.frozen and "❄ frozen" in card.text()
    assert win.isWindowModified() and win.undo_stack.count() == 1
    assert win.undo_stack.undoText() == "Freeze dense_1"

    win.menu_actions["undo"].trigger()
    assert win.project.settings.hooks.frozen == []
    assert not inspector.freeze_box.isChecked() and not card.frozen and "❄ frozen" not in card.text()
    assert not win.isWindowModified()

    win.menu_actions["redo"].trigger()
    assert win.project.settings.hooks.frozen == ["dense_1"] and card.frozen and inspector.freeze_box.isChecked()
    # another layer is its own undo step: Ctrl+Z unfreezes only that one
    click_card(win, qtbot, "dense_2")
    assert not inspector.freeze_box.isChecked()
    qtbot.mouseClick(inspector.freeze_label, LEFT)  # the text ticks the box too
    assert win.project.settings.hooks.frozen == ["dense_1", "dense_2"]
    win.menu_actions["undo"].trigger()
    assert win.project.settings.hooks.frozen == ["dense_1"]
    assert card.frozen and not win.canvas.node_item("dense_2").frozen


def test_only_layers_with_weights_offer_the_box(win, qtbot):
    load_xor(win)
    click_card(win, qtbot, "tanh_1")
    assert not win.inspector.freeze_box.isVisible() and not win.inspector.freeze_help.isVisible()
    click_card(win, qtbot, "dense_2")
    assert win.inspector.freeze_box.isVisible()


def test_a_classroom_lock_on_frozen_layers_greys_the_box_out(win, qtbot):
    load_xor(win)
    win.classroom.lock(["optimizer.lr"], [])
    win.canvas.canvas_scene.select_nodes(["dense_1"])
    box = win.inspector.freeze_box
    assert box.isVisible() and not box.isEnabled() and box.toolTip() == LOCKED_TIP
    assert not win.inspector.set_frozen("dense_1", True)
    assert win.project.settings.hooks.frozen == [] and win.undo_stack.count() == 0
    # the lecturer may let students choose the frozen layers while the network itself stays locked
    win.classroom.lock(["hooks.frozen"], [])
    assert win.canvas.locked and box.isEnabled()
    tick_freeze(win, qtbot)
    assert win.project.settings.hooks.frozen == ["dense_1"]


def test_a_frozen_layer_keeps_its_initial_weights_while_the_rest_trains(win, qtbot):
    load_xor(win, epochs=3)
    click_card(win, qtbot, "dense_1")
    tick_freeze(win, qtbot)
    win.menu_actions["play"].trigger()
    qtbot.waitUntil(lambda: win.run.state == "training", timeout=10000)
    assert not win.inspector.freeze_box.isEnabled()  # no freezing while it trains
    qtbot.waitUntil(lambda: win.run.state == "finished", timeout=30000)
    assert win.inspector.freeze_box.isEnabled()
    start, trained = win.project.initial_weights, win.project.weights
    for name in ("dense_1.W", "dense_1.b"):
        np.testing.assert_array_equal(trained[name], start[name])
    assert not np.array_equal(trained["dense_2.W"], start["dense_2.W"])
    assert win.canvas.node_item("dense_1").frozen  # still marked after the run


def test_deleting_a_frozen_layer_does_not_break_training_and_undo_brings_it_back_frozen(win, qtbot):
    load_xor(win, epochs=2)
    click_card(win, qtbot, "dense_1")
    tick_freeze(win, qtbot)
    scene = win.canvas.canvas_scene
    assert scene.delete_selection() and "dense_1" not in win.project.graph
    win.menu_actions["undo"].trigger()
    assert win.canvas.node_item("dense_1").frozen  # back, and still frozen
    win.menu_actions["redo"].trigger()
    new = scene.add_node("dense", 260, 200, {"units": 8})  # rewire a fresh layer in its place
    assert scene.connect_nodes("input_1", new) and scene.connect_nodes(new, "tanh_1")
    assert not win.canvas.node_item(new).frozen
    train_to_end(win, qtbot)
    assert not win.banner.isVisible()
    assert f"{new}.W" in win.project.weights and not any(k.startswith("dense_1.") for k in win.project.weights)
