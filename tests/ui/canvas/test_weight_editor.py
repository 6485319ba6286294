"""The weight editor: double-click an edge (or a unit's heatmap), see the layer's weights, edit
one through the undo stack — and the next training run really starts from it."""

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLineEdit

from playground.engine.training import train_step
from playground.model.project import Project
from playground.model.settings import DatasetRef
from playground.session.compile import build_run
from playground.session.report import DecisionGrid
from playground.session.teaching.text import num
from playground.ui.autosave import snapshot_project
from playground.ui.canvas import CanvasView
from tests.ui.helpers import Models
from playground.ui.canvas.weight_editor import MAX_EDITABLE, WeightEditing, parse_number, weight_stats
from tests.ui.canvas.helpers import mouse
from tests.ui.test_main_window import answers, load_xor, make_window, qsettings  # noqa: F401  (fixtures)

REASON = "Training is running — stop it to edit the network"


def project_with(kinds, n_inputs=2):
    """Input (``n_inputs`` features of its own) → the given ``(kind, params)`` layers, in a row; XOR data."""
    project = Project(dataset=DatasetRef(name="xor", options={}))
    graph = project.graph
    ids = [graph.add_node("input", 0, 0, params={"shape": (n_inputs,), "from_dataset": False}).id]
    for i, (kind, params) in enumerate(kinds, start=1):
        ids.append(graph.add_node(kind, 280 * i, 0, params=params).id)
    for a, b in zip(ids, ids[1:]):
        graph.connect(a, b)
    return project


@pytest.fixture
def editing(qtbot):
    """``editing(project) -> (canvas, WeightEditing)``: a shown canvas on the project's graph.

    The editor and the canvas refer to each other (a reference cycle), so the canvas is
    deleted here at the end, not whenever Python's collector finds the cycle — which could be
    in the middle of painting the next test's canvas."""
    canvases = []

    def make(project):
        models = Models(project)
        canvas = CanvasView(project.graph, models.undo_stack)
        canvases.append(canvas)
        canvas.resize(1400, 500)
        canvas.show()
        qtbot.waitExposed(canvas)
        canvas.set_dataset_shapes({n.id: tuple(n.params["shape"]) for n in project.graph.nodes_of_kind("input")})
        canvas.zoom_fit()
        return canvas, WeightEditing(canvas, models.document, models.edits, models.run, parent=canvas)

    yield make
    for canvas in canvases:
        canvas.close()
        shiboken6.delete(canvas)


def double_click(canvas, scene_pos):
    for kind in (QMouseEvent.Type.MouseButtonPress, QMouseEvent.Type.MouseButtonRelease,
                 QMouseEvent.Type.MouseButtonDblClick, QMouseEvent.Type.MouseButtonRelease):
        mouse(canvas, kind, scene_pos)


def edge_middle(canvas, target):
    scene = canvas.canvas_scene
    (edge,) = [e for e in scene.edge_items if e.target == target]
    return scene.edge_items[edge].path().pointAtPercent(0.5)


def type_into(qtbot, editor, row, column, text):
    """Open a cell's editor (as a double-click or F2 does), type ``text``, press Enter."""
    table = editor.table
    index = editor.model.index(row, column)
    table.setCurrentIndex(index)
    table.edit(index)
    (line,) = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    line.selectAll()
    if text.isascii():
        qtbot.keyClicks(line, text)
    else:  # QTest types ASCII only; "−" arrives as from an input method
        line.insert(text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shiboken6.isValid(line) or not line.isVisible())  # committed a moment later


def engine_weights(project, name):
    run = build_run(snapshot_project(project), backend="numpy")  # what Play builds (on a copy)
    return run, run.net.named_parameters()[name].data


def test_double_clicking_an_edge_shows_the_weights_the_next_run_starts_from(qtbot, editing):
    project = project_with([("dense", {"units": 3}), ("tanh", {}), ("dense", {"units": 1}),
                                 ("sigmoid", {}), ("output", {"loss": "bce"})])
    canvas, weights = editing(project)
    double_click(canvas, edge_middle(canvas, "dense_1"))
    editor = weights.editor
    assert editor is not None and editor.isVisible() and editor.windowTitle() == "Weights into dense_1"
    model = editor.model
    assert (model.rowCount(), model.columnCount()) == (2 + 1, 3)  # x₁, x₂ and the bias row; 3 units
    _run, expected = engine_weights(project, "dense_1.W")  # not trained: the seed's initial weights
    np.testing.assert_array_equal(model.matrix, expected)
    assert model.data(model.index(1, 2)) == num(expected[1, 2], 4)
    assert model.headerData(2, Qt.Orientation.Vertical) == "bias b"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "unit 1"
    assert "Not trained yet" in editor.source.text()
    assert project.initial_weights is None and project.weights is None  # looking changes nothing


def test_an_edited_weight_reaches_the_engine_and_the_output_changes_as_by_hand(qtbot, editing):
    project = project_with([("dense", {"units": 1}), ("output", {"loss": "mse"})])
    project.settings.optimizer.name, project.settings.optimizer.lr = "sgd", 0.1
    canvas, weights = editing(project)
    double_click(canvas, edge_middle(canvas, "dense_1"))
    editor = weights.editor
    type_into(qtbot, editor, 0, 0, "0.5")
    type_into(qtbot, editor, 1, 0, "−0.25")  # the typographic minus the tables show is understood
    type_into(qtbot, editor, 2, 0, "0,1")  # the bias row; a decimal comma too
    assert canvas.undo_stack.count() == 3 and canvas.undo_stack.undoText() == "Set b₁ of dense_1 to 0.1"
    assert editor.model.data(editor.model.index(1, 0)) == "−0.25"
    run, w = engine_weights(project, "dense_1.W")
    np.testing.assert_array_equal(w, np.array([[0.5], [-0.25]], dtype=np.float32))
    # by hand: z = b + x₁·w₁ + x₂·w₂ = 0.1 + 1·0.5 + 2·(−0.25) = 0.1
    out = run.net.forward(run.net.backend.asarray(np.array([[1.0, 2.0]], dtype=np.float32)))
    assert float(out[0, 0]) == pytest.approx(0.1, rel=1e-6)
    # and the first training step starts from them: plain SGD, MSE (mean), one sample:
    # ∂L/∂W = x·2(ŷ − y), so W ← W − η·x·2(ŷ − y) with ŷ = 0.1 + x₁·0.5 + x₂·(−0.25)
    x, y = run.data.x_train[:1], run.data.y_train[:1]
    y_hat = 0.1 + x[0, 0] * 0.5 - x[0, 1] * 0.25
    xp = run.net.backend
    train_step(run.net, run.loss, run.trainer.optimizer, xp.asarray(x), target=xp.asarray(y))
    expected = np.array([0.5, -0.25]) - 0.1 * x[0] * 2 * (y_hat - float(y[0, 0]))
    np.testing.assert_allclose(run.net.named_parameters()["dense_1.W"].data[:, 0], expected, rtol=1e-5)

    for _ in range(3):  # undo, one value at a time: back to the seed's weights
        canvas.undo_stack.undo()
    fresh = build_run(Project(graph=project.graph, dataset=project.dataset), backend="numpy")
    np.testing.assert_array_equal(engine_weights(project, "dense_1.W")[1],
                                  fresh.net.named_parameters()["dense_1.W"].data)
    assert editor.model.data(editor.model.index(0, 0)) == num(fresh.net.named_parameters()["dense_1.W"].data[0, 0], 4)


def test_editing_trained_weights_makes_them_where_play_goes_on_and_undo_takes_it_back(qtbot, editing):
    project = project_with([("dense", {"units": 2}), ("sigmoid", {}), ("output", {"loss": "mse"})])
    run = build_run(project, backend="numpy")
    trained = {k: v + 1.0 for k, v in run.net.state_dict().items()}  # pretend training moved every weight
    project.weights, project.initial_weights = trained, run.net.state_dict()
    project.history = {"train_loss": [[1.0, 0.5]]}
    canvas, weights = editing(project)
    canvas.show_weights(weight_stats(trained))  # the edges show the trained weights, as after a run
    edge = canvas.canvas_scene.edge_items[next(e for e in canvas.canvas_scene.edge_items if e.target == "dense_1")]
    mean_before = edge.weight
    editor = weights.open("dense_1")
    np.testing.assert_array_equal(editor.model.matrix, trained["dense_1.W"])
    assert "trained weights" in editor.source.text()
    assert editor.set_value(0, 1, 3.25) is None
    assert edge.weight == pytest.approx(float(project.weights["dense_1.W"].mean()))  # the edge follows
    assert edge.weight != pytest.approx(mean_before)
    assert project.weights["dense_1.W"][0, 1] == 3.25  # Play goes on from what is shown
    assert project.history == {"train_loss": [[1.0, 0.5]]}  # the curves go on too
    assert trained["dense_1.W"][0, 1] != 3.25  # copied on write: the old arrays are untouched
    canvas.undo_stack.undo()
    assert project.weights["dense_1.W"][0, 1] == trained["dense_1.W"][0, 1]
    assert editor.model.value(0, 1) == trained["dense_1.W"][0, 1]


def test_an_edit_is_refused_with_the_reason_while_training_runs(qtbot, editing):
    project = project_with([("dense", {"units": 2}), ("output", {"loss": "mse"})])
    canvas, weights = editing(project)
    editor = weights.open("dense_1")
    assert editor.model.flags(editor.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    canvas.set_locked(True, REASON)
    assert editor.notice.isVisible() and REASON in editor.notice.text()
    assert not editor.model.flags(editor.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert editor.set_value(0, 0, 1.0) == REASON
    assert canvas.undo_stack.count() == 0 and project.initial_weights is None and canvas.toast == REASON
    canvas.set_locked(False)
    assert not editor.notice.isVisible() and editor.model.flags(editor.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_typing_something_that_is_not_a_number_says_so(qtbot, editing):
    project = project_with([("dense", {"units": 2}), ("output", {"loss": "mse"})])
    canvas, weights = editing(project)
    editor = weights.open("dense_1")
    type_into(qtbot, editor, 0, 0, "abc")
    assert "“abc” is not a number" in editor.notice.text() and editor.notice.isVisible()
    assert canvas.undo_stack.count() == 0
    assert parse_number(" −1.5e−3 ".replace("e−", "e-")) == -1.5e-3
    with pytest.raises(ValueError, match="finite"):
        parse_number("inf")


def test_double_clicking_a_units_heatmap_opens_its_layer_on_that_units_column(qtbot, editing):
    project = project_with([("dense", {"units": 3}), ("tanh", {}), ("dense", {"units": 1}),
                                 ("output", {"loss": "mse"})])
    canvas, weights = editing(project)
    maps = np.zeros((3, 4, 4))
    canvas.show_unit_maps(DecisionGrid(values=np.zeros((4, 4)), extent=(-1, 1, -1, 1), units={"tanh_1": maps}))
    item = canvas.canvas_scene.node_items["tanh_1"].unit_maps
    double_click(canvas, item.mapToScene(item.map_rect(2).center()))
    editor = weights.editor
    assert editor is not None and editor.isVisible() and editor.node_id == "dense_1"  # tanh_1's units come from it
    selected = {i.column() for i in editor.table.selectionModel().selectedIndexes()}
    assert selected == {2} and editor.table.currentIndex().column() == 2


def test_an_edge_into_a_layer_without_weights_says_where_to_click(qtbot, editing):
    project = project_with([("dense", {"units": 3}), ("tanh", {}), ("output", {"loss": "mse"})])
    canvas, weights = editing(project)
    double_click(canvas, edge_middle(canvas, "tanh_1"))
    assert weights.editor is None or not weights.editor.isVisible()
    assert "tanh_1, which has no weight matrix" in canvas.toast and "Dense layer" in canvas.toast
    tip = canvas.canvas_scene.edge_items[next(e for e in canvas.canvas_scene.edge_items if e.target == "dense_1")]
    assert "Double-click to see and edit the weights of dense_1" in tip.toolTip()


def test_without_a_dataset_it_says_why_there_are_no_weights_yet(qtbot, editing):
    project = project_with([("dense", {"units": 2}), ("output", {"loss": "mse"})])
    project.graph.set_param("input_1", "from_dataset", True)
    canvas, weights = editing(project)
    canvas.set_dataset_shapes({}, None)  # the input follows a dataset that is not loaded
    assert weights.open("dense_1") is None
    assert "choose a dataset" in canvas.toast


def test_a_large_matrix_is_shown_read_only_with_a_heatmap(qtbot, editing):
    project = project_with([("dense", {"units": 3}), ("output", {"loss": "mse"})], n_inputs=MAX_EDITABLE + 8)
    _canvas, weights = editing(project)
    editor = weights.open("dense_1")
    assert editor.model.rowCount() == MAX_EDITABLE + 8 + 1
    assert not editor.model.flags(editor.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert editor.heatmap.isVisible() and not editor.heatmap.pixmap().isNull()
    assert "too large" in editor.set_value(0, 0, 1.0)


def test_undo_after_a_run_replaced_the_weights_drops_the_stale_edit(qtbot):
    project = project_with([("dense", {"units": 2}), ("output", {"loss": "mse"})])
    base = build_run(project, backend="numpy").net.state_dict()
    models = Models(project)
    stack = models.undo_stack
    assert models.edits.set_weight("dense_1.W", (1, 0), 2.0, base=base)
    assert project.initial_weights["dense_1.W"][1, 0] == 2.0 and base["dense_1.W"][1, 0] != 2.0
    stack.undo()
    assert project.initial_weights["dense_1.W"][1, 0] == base["dense_1.W"][1, 0]
    stack.redo()
    run_end = {k: v + 1 for k, v in project.initial_weights.items()}
    models.document.set_results(run_end, None)  # a run stored its own arrays
    stack.undo()  # nothing of the edit is left to undo: it leaves the stack, the run's weights stay
    assert stack.count() == 0 and project.weights["dense_1.W"][1, 0] == 3.0


def test_in_the_window_an_edit_marks_the_project_and_undo_takes_it_back(qtbot, make_window):  # noqa: F811
    window = make_window()
    load_xor(window)
    canvas = window.canvas
    double_click(canvas, edge_middle(canvas, "dense_2"))
    editor = window.weight_editing.editor
    assert editor.isVisible() and editor.node_id == "dense_2" and not window.isWindowModified()
    editor.place_near(QPoint(40, 50))  # next to the click, not over it
    assert (editor.x(), editor.y()) == (56, 66)
    old = float(editor.model.value(3, 0))
    assert editor.set_value(3, 0, -2.0) is None
    assert window.isWindowModified() and window.undo_stack.undoText() == "Set w₄₁ of dense_2 to −2"
    assert editor.model.value(3, 0) == -2.0 and window.project.initial_weights["dense_2.W"][3, 0] == -2.0
    window.menu_actions["undo"].trigger()
    assert editor.model.value(3, 0) == np.float32(old) and not window.isWindowModified()
    window.menu_actions["redo"].trigger()
    qtbot.waitUntil(lambda: window.training.play_button.isEnabled())
    window.controller.play()  # the run starts from the edited starting point
    qtbot.waitUntil(lambda: window.run.state == "training", timeout=10000)
    assert window.project.initial_weights["dense_2.W"][3, 0] == -2.0
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=20000)
    qtbot.waitUntil(lambda: window.project.weights is not None, timeout=10000)
    np.testing.assert_array_equal(editor.model.matrix, window.project.weights["dense_2.W"])  # now the trained ones
    assert "trained weights" in editor.source.text() and not editor.notice.isVisible()
