"""StepThroughView: the tables show exactly the engine's numbers, stage by stage."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.engine.backend import numpy_backend
from playground.engine.layers.activation import Activation
from playground.engine.layers.dense import Dense
from playground.engine.losses import MSE
from playground.engine.network import Network
from playground.session.compile import build_run
from playground.session.teaching.stepthrough import step_through
from playground.session.teaching.text import num
from playground.ui.teaching import CanvasValues, StepThroughView
from playground.ui.teaching.common import VALUE_ROLE, column_of, column_values
from tests.ui.test_main_window import answers, load_xor, make_window, qsettings  # noqa: F401  (fixtures)


def col(table, header):
    return np.array(column_values(table, column_of(table, header)))


def classic_net():
    """The classic 2-2-1 sigmoid example (inputs 0.05, 0.10; target 0.01).

    Hidden W = [[0.15, 0.25], [0.20, 0.30]], b = 0.35; output W = [[0.40], [0.45]], b = 0.60.
    """
    net = Network.sequential((2,), [Dense(2), Activation("sigmoid"), Dense(1), Activation("sigmoid")])
    net.build(numpy_backend(np.float64))
    net.load_state_dict({"dense1.W": np.array([[0.15, 0.25], [0.20, 0.30]]), "dense1.b": np.array([0.35, 0.35]),
                         "dense3.W": np.array([[0.40], [0.45]]), "dense3.b": np.array([0.60])})
    return net


def test_xor_tables_equal_the_session_trace_at_every_stage(qtbot, show, example):
    view = show(StepThroughView(example("xor")), 1200, 800)
    trace = view.trace
    assert [s.kind for s in trace.stages] == ["forward", "forward", "loss", "backward", "backward", "update"]
    for index, stage in enumerate(trace.stages):
        view.show_stage(index)
        assert view.title.text() == stage.title and view.explanation.text() == stage.text
        units, weights = view.units_table, view.weights_table
        if stage.kind == "forward":
            layer = trace.layers[stage.layer]
            np.testing.assert_array_equal(col(units, "net input z"), layer.z)
            np.testing.assert_array_equal(col(units, "activation h"), layer.h)
            np.testing.assert_array_equal(col(weights, "weight wᵢⱼ"), layer.weights.ravel())
        elif stage.kind == "loss":
            np.testing.assert_array_equal(col(units, "prediction ŷ"), trace.output)
            np.testing.assert_array_equal(col(units, "target y"), trace.target)
            np.testing.assert_array_equal(col(units, "∂L/∂ŷ"), trace.loss_grad)
            assert not view.weights_box.isVisibleTo(view)
        elif stage.kind == "backward":
            layer = trace.layers[stage.layer]
            np.testing.assert_array_equal(col(units, "δ = ∂L/∂z"), layer.delta)
            np.testing.assert_array_equal(col(units, "f′(z)"), layer.slope)
            grads = col(weights, "gradient ∂L/∂w")
            np.testing.assert_array_equal(grads[:layer.grad_weights.size], layer.grad_weights.ravel())
            np.testing.assert_array_equal(grads[layer.grad_weights.size:], layer.grad_bias)
        else:
            after = np.concatenate([np.concatenate([l.new_weights.ravel(), l.new_bias]) for l in trace.layers])
            np.testing.assert_array_equal(col(weights, "after"), after)
            assert weights.rowCount() == len(stage.details)  # one row per worked-out line


def test_xor_first_layer_equals_the_engine_networks_own_forward_pass(qtbot, show, example):
    project = example("xor")
    view = show(StepThroughView(project, sample=3))
    run = build_run(project, backend="numpy", epochs=1)  # the same seed: the same weights
    x = run.data.x_train[3:4]
    run.net.forward(run.net.backend.asarray(x))
    view.show_stage(0)
    z, h = col(view.units_table, "net input z"), col(view.units_table, "activation h")
    np.testing.assert_allclose(z, run.net.node_output("dense_1", 0), rtol=1e-5, atol=1e-6)  # float32 engine
    np.testing.assert_allclose(h, run.net.node_output("tanh_1", 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(col(view.weights_table, "weight wᵢⱼ"),
                               run.net.named_parameters()["dense_1.W"].data.ravel(), rtol=1e-7)
    assert view.sample_spin.value() == 4 and view.sample_index == 3  # shown counting from 1


def test_classic_worked_example_reproduces_the_hand_numbers(qtbot, show):
    # by hand (see tests/session/teaching/test_stepthrough.py): z_h = (0.3775, 0.3925),
    # h = (0.593269992, 0.596884378), ŷ = 0.751365070, L = ½(ŷ − 0.01)² = 0.274811083,
    # δ_o = 0.138498562, δ_h = (0.013367920, 0.014996075), w5 ← 0.40 − 0.5·0.082167041 = 0.358916480
    view = show(StepThroughView())
    assert view.set_network(classic_net(), MSE("half_sum"), [0.05, 0.10], [0.01], lr=0.5)
    close = {"rtol": 1e-6}
    np.testing.assert_allclose(col(view.units_table, "net input z"), [0.3775, 0.3925], **close)
    np.testing.assert_allclose(col(view.units_table, "activation h"), [0.593269992, 0.596884378], **close)
    assert view.units_table.item(0, column_of(view.units_table, "net input z")).text() == "0.3775"
    view.show_stage(2)
    np.testing.assert_allclose(col(view.units_table, "prediction ŷ"), [0.751365070], **close)
    assert "0.2748" in view.explanation.text()  # L with 4 digits in the sentence
    view.show_stage(3)  # backward, output layer
    np.testing.assert_allclose(col(view.units_table, "δ = ∂L/∂z"), [0.138498562], **close)
    view.show_stage(4)  # backward, hidden layer
    np.testing.assert_allclose(col(view.units_table, "δ = ∂L/∂z"), [0.013367920, 0.014996075], **close)
    view.show_stage(5)
    after = dict(zip([view.weights_table.item(r, 0).text() for r in range(view.weights_table.rowCount())],
                     col(view.weights_table, "after")))
    assert after["dense3.w₁₁"] == pytest.approx(0.358916480, rel=1e-6)
    assert after["dense1.b₂"] == pytest.approx(0.342501962, rel=1e-6)


def test_next_and_back_buttons_walk_the_stages_and_tell_the_canvas(qtbot, show, example):
    view = show(StepThroughView(example("xor")))
    seen: list[CanvasValues] = []
    view.canvas_values.connect(seen.append)
    assert not view.back_button.isEnabled()
    for _ in range(len(view.trace.stages) + 2):  # clicking past the end stays at the end
        qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert view.stage == len(view.trace.stages) - 1 and not view.next_button.isEnabled()
    assert [v.stage for v in seen] == list(range(1, len(view.trace.stages)))
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert view.stage == len(view.trace.stages) - 2
    assert view.counter.text() == f"{view.stage + 1} / {len(view.trace.stages)}"
    # what the canvas gets: the stage's nodes, the numbers so far, edge colours in show_weights' format
    last = seen[-1]
    stage = view.trace.stages[view.stage]
    assert last.highlight == stage.node_ids and last.kind == "backward"
    assert "δ =" in last.node_text["dense_1"] and "z =" in last.node_text["dense_1"]
    layer = view.trace.layers[0]
    assert last.weight_stats["dense_1.W"]["mean"] == pytest.approx(float(np.mean(layer.weights)))
    first = view.values_for_canvas(0)
    assert "dense_2" not in first.node_text and first.highlight == ["dense_1", "tanh_1"]


def test_plain_sgd_option_makes_the_update_w_minus_eta_g(qtbot, show, example):
    view = show(StepThroughView(example("xor")))
    view.optimizer_combo.setCurrentIndex(1)  # plain SGD with the project's learning rate
    view.show_stage(len(view.trace.stages) - 1)
    eta = view.trace.learning_rate
    table = view.weights_table
    before, grad, after = col(table, "before"), col(table, "gradient"), col(table, "after")
    np.testing.assert_allclose(after, before - eta * grad, rtol=1e-12, atol=1e-15)
    assert "w ← w − η·∂L/∂w" in view.explanation.text()


def test_changing_the_sample_recomputes_with_that_sample(qtbot, show, example):
    project = example("xor")
    view = show(StepThroughView(project))
    view.set_sample(7)
    run = build_run(project, backend="numpy", epochs=1)
    expected = step_through(run.net, run.loss, run.data.x_train[7], run.data.y_train[7], run.trainer.optimizer)
    np.testing.assert_array_equal(view.trace.x, expected.x)
    view.show_stage(0)
    np.testing.assert_array_equal(col(view.units_table, "net input z"), expected.layers[0].z)


def test_a_big_network_is_refused_in_plain_words(qtbot, show, example):
    view = show(StepThroughView(example("spirals")))  # 32 + 32 + 1 units
    assert view.trace is None
    assert "50 units" in view.error and "65 (dense_1: 32" in view.error
    assert view.explanation.text() == view.error
    assert not view.next_button.isEnabled() and not view.units_table.isVisibleTo(view)


def test_cells_keep_the_exact_value_and_show_four_digits(qtbot, example):
    view = StepThroughView(example("xor"))
    qtbot.addWidget(view)
    item = view.units_table.item(0, column_of(view.units_table, "net input z"))
    value = item.data(VALUE_ROLE)
    assert value == view.trace.layers[0].z[0]
    assert item.text() == num(value, 4)
    assert item.toolTip() == view.trace.stages[0].details[0]  # the unit's calculation, written out
    bias = view.units_table.item(0, column_of(view.units_table, "bias b"))
    assert bias.toolTip() == repr(bias.data(VALUE_ROLE))  # cells without a sentence show the exact value
    assert num(-0.29623, 4) == "−0.2962"  # typographic minus, 4 significant digits


# -- the numbers on the canvas ---------------------------------------------------------------------------------
def classic_canvas(qtbot):
    """A canvas whose node ids are the classic net's engine ids (input, dense1, activation2, …)."""
    from PySide6.QtGui import QUndoStack

    from playground.model.graph import Graph
    from playground.ui.canvas import CanvasView

    graph = Graph()
    nodes = [("input", "input", {"shape": (2,), "from_dataset": False}), ("dense1", "dense", {"units": 2}),
             ("activation2", "sigmoid", {}), ("dense3", "dense", {"units": 1}), ("activation4", "sigmoid", {}),
             ("output", "output", {"loss": "mse", "mse_form": "half_sum"})]
    for i, (node_id, kind, params) in enumerate(nodes):
        graph.add_node(kind, i * 300, 0, params=params, node_id=node_id)
    for (a, *_), (b, *_) in zip(nodes, nodes[1:]):
        graph.connect(a, b)
    canvas = CanvasView(graph, QUndoStack())
    qtbot.addWidget(canvas)
    canvas.resize(1500, 500)
    canvas.show()
    qtbot.waitExposed(canvas)
    return canvas


def card(canvas, node_id):
    return canvas.canvas_scene.node_items[node_id]


def edge_into(canvas, node_id):
    scene = canvas.canvas_scene
    (edge,) = [e for e in scene.edge_items if e.target == node_id]
    return scene.edge_items[edge], scene.step_label(edge)


def test_the_canvas_shows_the_hand_numbers_of_the_classic_example_stage_by_stage(qtbot, show):
    canvas = classic_canvas(qtbot)
    view = show(StepThroughView())
    view.canvas_values.connect(canvas.show_step_values)
    view.canvas_cleared.connect(canvas.clear_step_values)
    assert view.set_network(classic_net(), MSE("half_sum"), [0.05, 0.10], [0.01], lr=0.5)
    # forward, layer 1: z = b + Σ x·w = (0.3775, 0.3925), h = σ(z); the weights over the edge into dense1
    assert card(canvas, "dense1").step_text() == ["b = 0.35, 0.35", "z = 0.3775, 0.3925"]
    assert card(canvas, "activation2").step_text() == ["h = 0.5933, 0.5969"]
    assert card(canvas, "dense1").step_highlight and card(canvas, "activation2").step_highlight
    assert not card(canvas, "dense3").step_highlight and card(canvas, "dense3").step_text() == ["b = 0.6"]
    edge, label = edge_into(canvas, "dense1")
    assert label.text().splitlines() == ["W  (2×2)", "0.15  0.25", "0.2  0.3"]
    assert edge.weight is not None and edge.weight > 0  # coloured by the weights' sign …
    thin, thick = edge.pen_width(), edge_into(canvas, "dense3")[0].pen_width()
    assert thick > thin  # … and sized by their magnitude: mean |w| 0.425 into dense3, 0.225 into dense1

    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)  # forward, layer 2
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)  # the loss
    assert card(canvas, "activation4").step_text() == ["h = 0.7514", "L = 0.2748"]
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)  # backward, output layer
    assert card(canvas, "dense3").step_text() == ["b = 0.6", "z = 1.106", "δ = 0.1385"]
    assert edge_into(canvas, "dense3")[1].text().splitlines() == ["∂L/∂W  (2×1)", "0.08217", "0.08267"]
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)  # backward, hidden layer
    assert card(canvas, "dense1").step_text()[-1] == "δ = 0.01337, 0.015"
    assert card(canvas, "activation2").step_text() == ["h = 0.5933, 0.5969", "∂L/∂h = 0.0554, 0.06232"]
    assert edge_into(canvas, "dense1")[1].text().splitlines()[1:] == ["0.0006684  0.0007498", "0.001337  0.0015"]
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)  # the update: w5 ← 0.40 − 0.5·0.08217
    assert edge_into(canvas, "dense3")[1].text().splitlines() == ["W after the step  (2×1)", "0.3589", "0.4087"]
    assert card(canvas, "dense3").step_text()[0] == "b′ = 0.5308"
    assert card(canvas, "dense1").step_text()[0] == "b′ = 0.3433, 0.3425"

    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)  # walking back takes the numbers back
    assert card(canvas, "dense3").step_text()[0] == "b = 0.6"
    assert edge_into(canvas, "dense3")[1].text().splitlines()[0] == "∂L/∂W  (2×1)"

    view.close()  # closing the view clears the canvas
    assert not canvas.canvas_scene.step_values_shown
    assert all(not item.step_text() and not item.step_highlight for item in canvas.canvas_scene.node_items.values())
    assert edge_into(canvas, "dense1")[1] is None and edge_into(canvas, "dense1")[0].weight is None


def test_the_canvas_numbers_equal_the_engines_for_every_unit(qtbot, show):
    """Every value on the cards is the trace's value with 4 significant digits (tooltip: all digits)."""
    canvas = classic_canvas(qtbot)
    view = show(StepThroughView())
    view.canvas_values.connect(canvas.show_step_values)
    view.set_network(classic_net(), MSE("half_sum"), [0.05, 0.10], [0.01], lr=0.5)
    view.show_stage(4)
    hidden = view.trace.layers[0]
    shown = card(canvas, "dense1").step_text()
    assert shown[1] == "z = " + ", ".join(num(v, 4) for v in hidden.z)
    assert shown[2] == "δ = " + ", ".join(num(v, 4) for v in hidden.delta)
    assert f"{hidden.delta[0]:.10g}" in card(canvas, "dense1").toolTip()


def test_a_graph_edit_clears_the_numbers(qtbot, show):
    canvas = classic_canvas(qtbot)
    view = show(StepThroughView())
    view.canvas_values.connect(canvas.show_step_values)
    view.set_network(classic_net(), MSE("half_sum"), [0.05, 0.10], [0.01], lr=0.5)
    assert canvas.canvas_scene.step_values_shown
    canvas.canvas_scene.set_param("dense1", "units", 3)  # the numbers belong to the network as it was
    assert not canvas.canvas_scene.step_values_shown and not card(canvas, "dense1").step_text()


def test_teach_menu_step_through_writes_on_the_window_canvas(qtbot, make_window):  # noqa: F811
    window = make_window()
    load_xor(window)
    window.menu_actions["step_through"].trigger()
    view = window.teach.windows["step_through"]
    trace, scene = view.trace, window.canvas.canvas_scene
    z = ", ".join(num(v, 4) for v in trace.layers[0].z[:2])
    assert any(line.startswith(f"z = {z}") for line in scene.node_items["dense_1"].step_text())
    assert scene.node_items["dense_1"].step_highlight
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert scene.node_items["dense_2"].step_highlight and not scene.node_items["dense_1"].step_highlight
    assert scene.node_items["dense_2"].step_text()[-1] == f"z = {num(trace.layers[1].z[0], 4)}"
    view.close()
    assert not scene.step_values_shown and not scene.node_items["dense_2"].step_text()
    window.menu_actions["step_through"].trigger()  # opened again: the numbers come back
    assert scene.step_values_shown and scene.node_items["dense_2"].step_highlight


def test_an_edit_in_the_window_makes_the_numbers_stale_until_recomputed(qtbot, make_window):  # noqa: F811
    window = make_window()
    load_xor(window)
    window.menu_actions["step_through"].trigger()
    view = window.teach.windows["step_through"]
    scene = window.canvas.canvas_scene
    before = view.trace.layers[1].z[0]
    scene.move_nodes({"dense_2": ((900.0, 0.0), (900.0, 40.0))})  # moving a card changes nothing
    assert not view.stale and scene.step_values_shown
    editing = window.weight_editing.open("dense_2")
    assert editing.set_value(8, 0, 1.5) is None  # the bias of the output unit: 0 → 1.5
    assert view.stale and view.stale_bar.isVisible() and not scene.step_values_shown
    view.next_stage()
    assert not scene.step_values_shown  # out-of-date numbers stay off the canvas
    qtbot.mouseClick(view.recompute_button, Qt.MouseButton.LeftButton)
    assert not view.stale and not view.stale_bar.isVisible() and scene.step_values_shown
    assert view.stage == 1 and view.trace.layers[1].z[0] == pytest.approx(before + 1.5, abs=1e-6)
    assert view.trace.layers[1].bias[0] == 1.5
