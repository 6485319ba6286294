"""The canvas with real widgets, offscreen: drops, mouse wiring, moves, keys, undo, zoom, looks."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.model.graph import Edge, Graph
from playground.session.report import DecisionGrid
from playground.ui import theme
from playground.ui.canvas.items.node import NodeItem
from playground.ui.canvas.items.port import DROP_BAD, DROP_NONE, DROP_OK
from playground.ui.canvas.items.style import NEGATIVE, POSITIVE

from .helpers import LEFT, NONE, chain, click, drag, drag_event, drop_layer, mouse


def port_pos(view, node_id, output=True, index=0) -> QPointF:
    item = view.node_item(node_id)
    port = item.output_port if output else item.input_port(index)
    return port.scenePos()


def centre(view, node_id) -> QPointF:
    return view.node_item(node_id).sceneBoundingRect().center()


# ----------------------------------------------------------------------------
# palette drops
# ----------------------------------------------------------------------------
def test_drop_dense_from_the_palette_adds_node_and_item(make_view):
    view = make_view()
    at = QPoint(400, 300)
    assert drop_layer(view, "dense", at)
    (node,) = list(view.graph)
    assert node.kind == "dense"
    item = view.node_item(node.id)
    assert isinstance(item, NodeItem) and item.isSelected()
    # the card is centred on the drop point horizontally, just below it vertically
    drop_scene = view.mapToScene(at)
    assert item.sceneBoundingRect().contains(drop_scene)
    view.undo_stack.undo()
    assert len(view.graph) == 0 and not view.canvas_scene.node_items


def test_drop_of_an_unknown_kind_says_why(make_view, qtbot):
    view = make_view()
    with qtbot.waitSignal(view.message) as signal:
        drop_layer(view, "warp_drive", QPoint(100, 100))
    assert "warp_drive" in signal.args[0] and len(view.graph) == 0


def test_foreign_drags_are_ignored(make_view):
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QDragEnterEvent

    view = make_view()
    mime = QMimeData()
    mime.setText("hello")
    enter = drag_event(QDragEnterEvent, QPoint(10, 10), mime)
    enter.ignore()
    QApplication.sendEvent(view.viewport(), enter)
    assert not enter.isAccepted()


def test_add_layer_at_center_never_stacks_cards(make_view):
    view = make_view()
    a = view.add_layer_at_center("dense")
    b = view.add_layer_at_center("relu")
    na, nb = view.graph.node(a), view.graph.node(b)
    assert (na.x, na.y) != (nb.x, nb.y)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(view.node_item(a).sceneBoundingRect())
    assert view.selected_node_ids() == [b]


# ----------------------------------------------------------------------------
# connecting with the mouse
# ----------------------------------------------------------------------------
def test_connect_by_dragging_from_output_to_input_port(make_view):
    graph = Graph()
    a = graph.add_node("input", 0, 0).id
    b = graph.add_node("dense", 320, 60).id
    view = make_view(graph)
    view.zoom_fit()
    lines = []

    def watch(_pos):  # the rubber-band curve follows the mouse while dragging
        interaction = view.canvas_scene._interaction
        lines.append(interaction is not None and interaction.line.scene() is view.canvas_scene)

    drag(view, port_pos(view, a), port_pos(view, b, output=False), on_move=watch)
    assert all(lines) and lines
    assert graph.edges == [Edge(a, b, 0)]
    assert len(view.canvas_scene.edge_items) == 1
    assert view.canvas_scene._interaction is None  # the rubber band is gone
    assert not any(i for i in view.canvas_scene.items() if i.zValue() == 50)
    assert view.node_item(b).input_port(0).connected
    view.undo_stack.undo()
    assert graph.edges == [] and not view.canvas_scene.edge_items


def test_connect_backwards_from_input_port_and_onto_a_card(make_view):
    graph = Graph()
    a = graph.add_node("input", 0, 0).id
    b = graph.add_node("dense", 320, 0).id
    c = graph.add_node("relu", 640, 0).id
    view = make_view(graph)
    view.zoom_fit()
    drag(view, port_pos(view, b, output=False), port_pos(view, a))  # input → output works too
    drag(view, port_pos(view, b), centre(view, c))  # dropped on the card: first free port
    assert set(graph.edges) == {Edge(a, b, 0), Edge(b, c, 0)}


def test_refused_connection_emits_the_models_reason(make_view, qtbot):
    graph, ids = chain(("input", "dense", "relu"))
    view = make_view(graph)
    view.zoom_fit()
    # relu → dense would make a loop
    with qtbot.waitSignal(view.message) as signal:
        drag(view, port_pos(view, ids[2]), port_pos(view, ids[1], output=False))
    assert "loop" in signal.args[0]
    assert view.toast == signal.args[0]  # also shown on the canvas itself
    # input → relu: relu's only port is taken
    with qtbot.waitSignal(view.message) as signal:
        drag(view, port_pos(view, ids[0]), port_pos(view, ids[2], output=False))
    assert "already fed" in signal.args[0]
    assert len(graph.edges) == 2 and view.undo_stack.count() == 0


def test_hovered_port_turns_green_or_red_before_the_release(make_view):
    graph, ids = chain(("input", "dense", "relu"))
    free = graph.add_node("dense", 520, 250).id
    view = make_view(graph)
    view.zoom_fit()
    scene = view.canvas_scene
    mouse(view, QMouseEvent.Type.MouseButtonPress, port_pos(view, ids[2]))
    mouse(view, QMouseEvent.Type.MouseMove, port_pos(view, ids[1], output=False), button=NONE, buttons=LEFT)
    looping = view.node_item(ids[1]).input_port(0)
    assert looping.drop_state == DROP_BAD and scene._interaction.hover_reason  # relu → dense: a loop
    assert scene._interaction.line.pen().color() == scene.style.error
    mouse(view, QMouseEvent.Type.MouseMove, port_pos(view, free, output=False), button=NONE, buttons=LEFT)
    assert looping.drop_state == DROP_NONE
    assert view.node_item(free).input_port(0).drop_state == DROP_OK
    mouse(view, QMouseEvent.Type.MouseButtonRelease, port_pos(view, free, output=False))
    assert Edge(ids[2], free, 0) in graph.edges
    assert view.node_item(free).input_port(0).drop_state == DROP_NONE


def test_add_shows_one_more_port_as_inputs_arrive(make_view):
    graph = Graph()
    a = graph.add_node("input", 0, 0).id
    b = graph.add_node("input", 0, 200).id
    c = graph.add_node("input", 0, 400).id
    add = graph.add_node("add", 350, 150).id
    view = make_view(graph)
    view.zoom_fit()
    item = view.node_item(add)
    assert len(item.input_ports) == 2
    drag(view, port_pos(view, a), port_pos(view, add, output=False, index=0))
    drag(view, port_pos(view, b), port_pos(view, add, output=False, index=1))
    assert len(item.input_ports) == 3  # n connected + one free
    drag(view, port_pos(view, c), centre(view, add))
    assert [e.port for e in graph.edges_into(add)] == [0, 1, 2] and len(item.input_ports) == 4


# ----------------------------------------------------------------------------
# moving, selecting, deleting
# ----------------------------------------------------------------------------
def test_drag_move_of_a_selection_is_one_undo_step(make_view):
    graph, ids = chain(("input", "dense", "relu"))
    view = make_view(graph)
    view.reset_zoom()
    view.centerOn(centre(view, ids[1]))
    view.canvas_scene.select_nodes(ids[:2])
    start = view.node_item(ids[1]).sceneBoundingRect().center()
    end = start + QPointF(60, 90)
    drag(view, start, end)
    assert (graph.node(ids[1]).x, graph.node(ids[1]).y) == (260 + 60, 90)
    assert (graph.node(ids[0]).x, graph.node(ids[0]).y) == (60, 90)  # moved together
    assert view.undo_stack.count() == 1
    edge_item = next(iter(view.node_item(ids[1]).edges))
    view.undo_stack.undo()
    assert [(graph.node(n).x, graph.node(n).y) for n in ids] == [(0, 0), (260, 0), (520, 0)]
    assert view.node_item(ids[0]).pos() == QPointF(0, 0)
    p1, p2 = edge_item.end_points()  # edges follow their nodes back
    assert p1 == port_pos(view, edge_item.edge.source)


def test_a_click_without_moving_pushes_nothing(make_view):
    graph, ids = chain(("input", "dense"))
    view = make_view(graph)
    view.zoom_fit()
    click(view, centre(view, ids[1]))
    assert view.selected_node_ids() == [ids[1]] and view.undo_stack.count() == 0


def test_rubber_band_selects_several_nodes(make_view):
    graph, ids = chain(("input", "dense", "relu"))
    view = make_view(graph)
    view.zoom_fit()
    r0 = view.node_item(ids[0]).sceneBoundingRect()
    r1 = view.node_item(ids[1]).sceneBoundingRect()
    drag(view, r0.topLeft() - QPointF(20, 20), r1.center() + QPointF(0, 80))
    assert set(view.selected_node_ids()) == set(ids[:2])
    assert view.undo_stack.count() == 0


def test_delete_key_and_undo_restore_node_and_edges(make_view):
    graph, ids = chain()
    view = make_view(graph)
    view.zoom_fit()
    click(view, centre(view, ids[2]))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert ids[2] not in graph and len(graph.edges) == 2
    assert ids[2] not in view.canvas_scene.node_items and len(view.canvas_scene.edge_items) == 2
    view.undo_stack.undo()
    assert ids[2] in graph and Edge(ids[1], ids[2], 0) in graph.edges and Edge(ids[2], ids[3], 0) in graph.edges
    assert len(view.canvas_scene.edge_items) == 4
    assert view.node_item(ids[2]).pos() == QPointF(520, 0)


def test_click_an_edge_selects_it_and_delete_removes_only_it(make_view):
    graph, ids = chain(("input", "dense", "relu"))
    view = make_view(graph)
    view.zoom_fit()
    edge = Edge(ids[1], ids[2], 0)
    item = view.canvas_scene.edge_items[edge]
    middle = item.path().pointAtPercent(0.5)
    click(view, middle)
    assert item.isSelected() and view.selected_node_ids() == []
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert graph.edges == [Edge(ids[0], ids[1], 0)] and len(graph) == 3
    view.undo_stack.undo()
    assert edge in graph.edges


def test_select_all_copy_paste_and_undo(make_view):
    graph, ids = chain(("input", "dense", "relu"))
    view = make_view(graph)
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert set(view.selected_node_ids()) == set(ids)
    view.canvas_scene.select_nodes(ids[1:])
    QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(graph) == 5 and len(graph.edges) == 3
    pasted = view.selected_node_ids()
    assert len(pasted) == 2 and not set(pasted) & set(ids)
    assert graph.node(pasted[0]).x == graph.node(ids[1]).x + 40
    QTest.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # a second paste goes further
    assert len(graph) == 7
    view.undo_stack.undo()
    view.undo_stack.undo()
    assert len(graph) == 3 and len(view.canvas_scene.node_items) == 3


def test_cut_removes_and_paste_brings_back(make_view):
    graph, ids = chain(("input", "dense", "relu"))
    view = make_view(graph)
    view.canvas_scene.select_nodes([ids[2]])
    view.cut()
    assert ids[2] not in graph
    view.paste()
    assert len(graph) == 3 and any(n.kind == "relu" for n in graph)


def test_auto_layout_is_one_step(make_view):
    graph = Graph()
    ids = [graph.add_node(k, x, y).id for k, x, y in
           (("output", 0, 0), ("dense", 500, 300), ("input", 900, -200))]
    graph.connect(ids[2], ids[1])
    graph.connect(ids[1], ids[0])
    view = make_view(graph)
    QTest.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    xs = [graph.node(n).x for n in (ids[2], ids[1], ids[0])]
    assert xs == sorted(xs) and view.undo_stack.count() == 1
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(view.canvas_scene.nodes_rect())
    view.undo_stack.undo()
    assert (graph.node(ids[0]).x, graph.node(ids[0]).y) == (0, 0)


# ----------------------------------------------------------------------------
# what the cards say
# ----------------------------------------------------------------------------
def test_card_shows_shape_and_parameters_and_follows_set_param(make_view):
    graph, ids = chain(("input", "dense", "relu"))
    view = make_view(graph)
    card = view.node_item(ids[1])
    assert "8 units" in card.text() and "→ (8,)" in card.text() and "24 params" in card.text()
    relu = view.node_item(ids[2])
    assert "→ (8,)" in relu.text()
    view.canvas_scene.set_param(ids[1], "units", 16)  # what the inspector does
    # Input (2,) → Dense 16: 2·16 weights + 16 biases = 48
    assert "16 units" in card.text() and "→ (16,)" in card.text() and "48 params" in card.text()
    assert "→ (16,)" in relu.text()  # downstream shapes follow too
    view.undo_stack.undo()
    assert "24 params" in card.text()


def test_bad_wiring_turns_the_node_red_with_the_reason_as_tooltip(make_view):
    graph, ids = chain(("input", "dense"))
    conv = graph.add_node("conv2d", 520, 0).id
    view = make_view(graph)
    view.zoom_fit()
    card = view.node_item(conv)
    assert card.problem is None and card.info.hint  # not connected yet: a hint, not red
    drag(view, port_pos(view, ids[1]), port_pos(view, conv, output=False))
    assert card.problem and "Conv2D" in card.problem
    assert card.toolTip() == card.problem and card.badge_rect() is not None
    # the card is painted red: sample a pixel inside the card, away from text
    image = view.grab().toImage()
    inside = view.mapFromScene(card.mapToScene(QPointF(card.card_rect().width() - 8, card.card_rect().height() - 6)))
    pixel = image.pixelColor(inside * image.devicePixelRatio())
    assert pixel.red() > pixel.green() + 15 and pixel.red() > pixel.blue() + 15
    view.undo_stack.undo()
    assert card.problem is None


def test_loss_mismatch_is_a_warning_on_the_output(make_view):
    graph, ids = chain(("input", "dense", "output"), params={2: {"loss": "bce"}})
    view = make_view(graph)
    card = view.node_item(ids[2])
    assert card.problem is None and card.warning and "Sigmoid" in card.toolTip()


def test_dataset_shapes_reach_the_cards(make_view):
    graph, ids = chain(("input", "dense"))
    view = make_view(graph)
    view.set_dataset_shapes({ids[0]: (5,)})
    assert "→ (5,)" in view.node_item(ids[0]).text()
    assert "48 params" in view.node_item(ids[1]).text()  # 5·8 + 8


# ----------------------------------------------------------------------------
# zoom
# ----------------------------------------------------------------------------
def test_zoom_fit_shows_every_node(make_view):
    graph = Graph()
    for x, y in ((-900, -500), (1500, 800), (0, 0)):
        graph.add_node("dense", x, y)
    view = make_view(graph)
    view.zoom_fit()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(view.canvas_scene.nodes_rect())
    assert view.zoom() < 1.0
    single = make_view(Graph())
    single.add_layer_at_center("dense")
    single.zoom_fit()
    assert single.zoom() <= 1.5 + 1e-9  # one card is not blown up


def test_zoom_in_out_and_ctrl_wheel(make_view):
    view = make_view()
    view.zoom_in()
    assert view.zoom() == pytest.approx(1.2)
    view.zoom_out()
    view.zoom_out()
    assert view.zoom() == pytest.approx(1 / 1.2)
    for _ in range(40):
        view.zoom_out()
    assert view.zoom() == pytest.approx(0.15)
    view.reset_zoom()
    pos = QPointF(200, 200)
    wheel = QWheelEvent(pos, view.viewport().mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120), NONE,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom() == pytest.approx(1.2)


def test_middle_button_pans(make_view):
    graph, ids = chain()
    view = make_view(graph)
    view.reset_zoom()
    before = view.mapToScene(QPoint(0, 0))
    start = view.mapToScene(QPoint(500, 300))
    end = view.mapToScene(QPoint(400, 250))
    mouse(view, QMouseEvent.Type.MouseButtonPress, start, button=Qt.MouseButton.MiddleButton)
    mouse(view, QMouseEvent.Type.MouseMove, end, button=NONE, buttons=Qt.MouseButton.MiddleButton)
    mouse(view, QMouseEvent.Type.MouseButtonRelease, end, button=Qt.MouseButton.MiddleButton)
    after = view.mapToScene(QPoint(0, 0))
    assert after.x() == pytest.approx(before.x() + 100, abs=1) and after.y() == pytest.approx(before.y() + 50, abs=1)
    assert view.undo_stack.count() == 0


# ----------------------------------------------------------------------------
# training: lock, weights, unit maps
# ----------------------------------------------------------------------------
def test_locked_canvas_refuses_edits_with_the_reason(make_view, qtbot):
    graph, ids = chain(("input", "dense", "relu"))
    view = make_view(graph)
    view.zoom_fit()
    view.set_locked(True, "Training is running: pause or stop it to edit")
    with qtbot.waitSignal(view.message) as signal:
        drop_layer(view, "dense", QPoint(300, 300))
    assert "Training is running" in signal.args[0] and len(graph) == 3
    start = centre(view, ids[1])
    drag(view, start, start + QPointF(80, 80))
    assert graph.node(ids[1]).x == 260 and view.node_item(ids[1]).pos() == QPointF(260, 0)
    with qtbot.waitSignal(view.message):
        drag(view, port_pos(view, ids[2]), port_pos(view, ids[1], output=False))
    view.canvas_scene.select_nodes([ids[1]])
    with qtbot.waitSignal(view.message):
        QTest.keyClick(view, Qt.Key.Key_Delete)
    view.delete_selected()
    assert ids[1] in graph and view.undo_stack.count() == 0
    view.set_locked(False)
    view.delete_selected()
    assert ids[1] not in graph


def test_show_weights_colours_edges_by_sign_and_sizes_by_magnitude(make_view):
    graph, ids = chain()
    view = make_view(graph)
    stats = {f"{ids[1]}.W": {"mean": -0.2, "abs_mean": 0.8}, f"{ids[1]}.b": {"mean": 0.0, "abs_mean": 0.0},
             f"{ids[3]}.W": {"mean": 0.1, "abs_mean": 0.2}}
    view.show_weights(stats)
    items = view.canvas_scene.edge_items
    into_first, into_second = items[Edge(ids[0], ids[1], 0)], items[Edge(ids[2], ids[3], 0)]
    assert into_first.colour().name() == NEGATIVE and into_second.colour().name() == POSITIVE
    assert into_first.pen_width() > into_second.pen_width()
    assert items[Edge(ids[1], ids[2], 0)].weight is None  # into a ReLU: no weights there
    assert "mean |w| 0.8" in into_first.toolTip()
    view.clear_weights()
    assert into_first.weight is None


def test_unit_maps_appear_inside_nodes_and_enlarge_on_hover(make_view):
    graph, ids = chain(("input", "dense", "relu", "dense", "output"))
    view = make_view(graph)
    view.reset_zoom()
    ny = nx = 20
    yy, xx = np.mgrid[-1:1:ny * 1j, -1:1:nx * 1j]
    units = np.stack([np.tanh(3 * (np.cos(a) * xx + np.sin(a) * yy)) for a in np.linspace(0, 3, 8)])
    grid = DecisionGrid(values=np.zeros((ny, nx)), extent=(-1, 1, -1, 1), units={ids[2]: units})
    card = view.node_item(ids[2])
    height = card.card_rect().height()
    view.show_unit_maps(grid)
    assert len(card.unit_maps.images) == 8 and card.card_rect().height() > height
    maps = card.unit_maps
    view.centerOn(maps.sceneBoundingRect().center())
    target = maps.mapToScene(maps.map_rect(3).center())
    mouse(view, QMouseEvent.Type.MouseMove, target, button=NONE, buttons=NONE)
    popup = view.canvas_scene.map_popup
    assert popup.isVisible() and "unit 4" in popup.caption
    assert popup.sceneBoundingRect().width() > 100
    mouse(view, QMouseEvent.Type.MouseMove, target + QPointF(0, 200), button=NONE, buttons=NONE)
    assert not popup.isVisible()
    view.show_unit_maps(None)
    assert not card.unit_maps.images and card.card_rect().height() == height
    wide = np.concatenate([units, units])  # 16 units: 8 shown and "+8"
    view.show_unit_maps(DecisionGrid(values=np.zeros((ny, nx)), extent=(-1, 1, -1, 1), units={ids[2]: wide}))
    assert len(card.unit_maps.images) == 8 and card.unit_maps.more_text() == "+8"


# ----------------------------------------------------------------------------
# theme
# ----------------------------------------------------------------------------
def test_canvas_follows_the_dark_theme(make_view, qapp):
    view = make_view()
    light_background = view.canvas_scene.style.background
    theme.apply_theme("dark", qapp)
    QApplication.processEvents()
    style = view.canvas_scene.style
    assert style.dark and style.background.lightness() < light_background.lightness()


# ----------------------------------------------------------------------------
# more behaviour
# ----------------------------------------------------------------------------
def test_skip_connection_goes_round_the_cards_it_jumps_over(make_view, qtbot):
    from .screenshots import residual

    graph, ids = residual()
    view = make_view(graph, size=(1300, 500))
    view.auto_layout()
    qtbot.wait(1)  # edges are re-routed once control returns to the event loop
    skip = view.canvas_scene.edge_items[Edge(ids[0], ids[4], 1)]
    cards = [view.node_item(n).sceneBoundingRect() for n in ids[1:4]]
    assert not any(skip.shape().intersects(rect) for rect in cards)
    p1, p2 = skip.end_points()
    assert skip.path().pointAtPercent(0).toPoint() == p1.toPoint()


def test_escape_cancels_a_connection_being_dragged(make_view):
    graph, ids = chain(("input", "dense"))
    graph.disconnect(graph.edges[0])
    view = make_view(graph)
    view.zoom_fit()
    mouse(view, QMouseEvent.Type.MouseButtonPress, port_pos(view, ids[0]))
    mouse(view, QMouseEvent.Type.MouseMove, centre(view, ids[1]), button=NONE, buttons=LEFT)
    assert view.canvas_scene._interaction is not None
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert view.canvas_scene._interaction is None
    mouse(view, QMouseEvent.Type.MouseButtonRelease, port_pos(view, ids[1], output=False))
    assert graph.edges == []


def test_space_drag_pans_instead_of_moving(make_view):
    graph, ids = chain(("input", "dense"))
    view = make_view(graph)
    view.reset_zoom()
    start = centre(view, ids[1])
    before = view.mapToScene(QPoint(0, 0))
    QTest.keyPress(view, Qt.Key.Key_Space)
    drag(view, start, view.mapToScene(view.mapFromScene(start) - QPoint(50, 0)), steps=1)
    QTest.keyRelease(view, Qt.Key.Key_Space)
    assert view.mapToScene(QPoint(0, 0)).x() == pytest.approx(before.x() + 50, abs=1)
    assert graph.node(ids[1]).x == 260 and view.undo_stack.count() == 0


def test_successful_edits_do_not_pop_up_on_the_canvas(make_view, qtbot):
    graph, ids = chain(("input", "dense"))
    graph.disconnect(graph.edges[0])
    view = make_view(graph)
    view.zoom_fit()
    with qtbot.waitSignal(view.message) as signal:
        drag(view, port_pos(view, ids[0]), port_pos(view, ids[1], output=False))
    assert signal.args[0].startswith("Connected") and view.toast == ""


def test_inspector_edits_go_through_undo_and_bad_values_say_why(make_view, qtbot):
    graph, ids = chain(("input", "dense"))
    view = make_view(graph)
    assert view.set_param(ids[1], "units", 3)
    with qtbot.waitSignal(view.message) as signal:
        assert not view.set_param(ids[1], "units", -2)
    assert "units" in signal.args[0] and graph.node(ids[1]).params["units"] == 3
    view.undo_stack.undo()
    assert graph.node(ids[1]).params["units"] == 8


def test_selection_and_activation_signals(make_view, qtbot):
    graph, ids = chain(("input", "dense"))
    view = make_view(graph)
    view.zoom_fit()
    with qtbot.waitSignal(view.selection_changed) as signal:
        click(view, centre(view, ids[1]))
    assert signal.args[0] == [ids[1]]
    with qtbot.waitSignal(view.node_activated) as signal:
        mouse(view, QMouseEvent.Type.MouseButtonDblClick, centre(view, ids[0]))
    assert signal.args[0] == ids[0]


def test_the_model_outlives_a_deleted_canvas(make_view, qapp):
    from PySide6.QtCore import QEvent

    graph, ids = chain(("input", "dense"))
    view = make_view(graph)
    view.close()
    view.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    graph.add_node("relu")  # must not call into the deleted scene
    assert len(graph) == 3


def test_set_graph_rebuilds_the_items(make_view):
    view = make_view(chain(("input", "dense"))[0])
    other, ids = chain(("input", "dense", "relu", "output"))
    old = view.graph
    view.set_graph(other)
    assert set(view.canvas_scene.node_items) == set(ids) and len(view.canvas_scene.edge_items) == 3
    old.add_node("relu")  # the old graph is no longer followed
    assert len(view.canvas_scene.node_items) == 4


def test_trained_values_are_cleared_when_the_network_changes_but_not_when_moved(make_view):
    graph, ids = chain(("input", "dense", "relu", "dense", "output"))
    view = make_view(graph)
    view.show_weights({f"{ids[1]}.W": {"mean": 0.3, "abs_mean": 0.3}})
    units = np.zeros((2, 5, 5))
    view.show_unit_maps(DecisionGrid(values=np.zeros((5, 5)), extent=(0, 1, 0, 1), units={ids[1]: units}))
    edge = view.canvas_scene.edge_items[Edge(ids[0], ids[1], 0)]
    view.auto_layout()
    assert edge.weight == 0.3 and view.node_item(ids[1]).unit_maps.images
    view.set_param(ids[3], "units", 4)
    assert edge.weight is None and not view.node_item(ids[1]).unit_maps.images
