"""Screenshots of the canvas for looking at (and a smoke test that they render).

    QT_QPA_PLATFORM=offscreen python -m tests.ui.canvas.screenshots [/tmp/shots]

Writes ``canvas_*.png``: a small classifier in the light and dark themes, one
with wiring mistakes, a convolutional network, a connection being dragged,
the training look (locked, coloured weights, unit maps, one enlarged), the
backpropagation step-through's numbers on the cards and edges, and the weight
editor opened from an edge.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtGui import QMouseEvent, QUndoStack  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.model.graph import Graph  # noqa: E402
from playground.session.report import DecisionGrid  # noqa: E402
from playground.ui import theme  # noqa: E402
from playground.ui.canvas import CanvasView  # noqa: E402
from tests.ui.canvas.helpers import LEFT, NONE, mouse  # noqa: E402

SIZE = (1280, 460)


def classifier() -> tuple[Graph, list[str]]:
    """input (2) → dense 8 → relu → dense 1 → sigmoid → output (binary cross-entropy)."""
    graph = Graph()
    kinds = [("input", {}), ("dense", {"units": 8}), ("relu", {}), ("dense", {"units": 1}),
             ("sigmoid", {}), ("output", {"loss": "bce"})]
    ids = [graph.add_node(k, 0, 0, params=p).id for k, p in kinds]
    for a, b in zip(ids, ids[1:]):
        graph.connect(a, b)
    return graph, ids


def with_errors() -> tuple[Graph, list[str]]:
    """A Conv2D fed a flat vector, a loss that wants a Sigmoid, and a layer not wired yet."""
    graph = Graph()
    kinds = [("input", {}), ("conv2d", {"filters": 16, "padding": "same"}), ("flatten", {}),
             ("dense", {"units": 1}), ("output", {"loss": "bce"})]
    ids = [graph.add_node(k, 0, 0, params=p).id for k, p in kinds]
    for a, b in zip(ids, ids[1:]):
        graph.connect(a, b)
    ids.append(graph.add_node("dropout", 0, 0).id)
    return graph, ids


def convnet() -> tuple[Graph, list[str]]:
    graph = Graph()
    kinds = [("input", {"shape": (1, 8, 8), "from_dataset": False}),
             ("conv2d", {"filters": 16, "padding": "same"}), ("relu", {}), ("max_pool2d", {}),
             ("flatten", {}), ("dense", {"units": 10}), ("output", {"loss": "softmax_cross_entropy"})]
    ids = [graph.add_node(k, 0, 0, params=p).id for k, p in kinds]
    for a, b in zip(ids, ids[1:]):
        graph.connect(a, b)
    return graph, ids


def residual() -> tuple[Graph, list[str]]:
    """A residual block: two branches joined by Add (shows the extra free port)."""
    graph = Graph()
    i = graph.add_node("input", 0, 0, params={"shape": (8,), "from_dataset": False}).id
    d1 = graph.add_node("dense", 0, -50).id
    r = graph.add_node("relu", 0, -50).id
    d2 = graph.add_node("dense", 0, -50).id
    add = graph.add_node("add", 0, 0).id
    out = graph.add_node("output", 0, 0).id
    for a, b in ((i, d1), (d1, r), (r, d2), (d2, add), (i, add), (add, out)):
        graph.connect(a, b)
    return graph, [i, d1, r, d2, add, out]


def unit_grid(node_ids: list[str], counts: list[int], n: int = 24) -> DecisionGrid:
    yy, xx = np.mgrid[-1:1:n * 1j, -1:1:n * 1j]
    rng = np.random.default_rng(0)
    units = {}
    for node_id, count in zip(node_ids, counts):
        maps = []
        for _ in range(count):
            w = rng.normal(size=3)
            maps.append(np.tanh(2.5 * (w[0] * xx + w[1] * yy + 0.4 * w[2] + 0.8 * xx * yy * w[2])))
        units[node_id] = np.stack(maps)
    return DecisionGrid(values=np.zeros((n, n)), extent=(-1, 1, -1, 1), units=units)


def settle(app) -> None:
    for _ in range(3):
        app.processEvents()
        QTest.qWait(5)


def make(app, graph, size=SIZE) -> CanvasView:
    view = CanvasView(graph, QUndoStack())
    view.resize(*size)
    view.show()
    settle(app)
    view.auto_layout()
    view.undo_stack.clear()
    settle(app)
    return view


def shoot(out: str | Path = "/tmp/shots") -> list[Path]:
    """Write the screenshots into ``out``; return their paths."""
    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(view, name):
        settle(app)
        path = folder / f"canvas_{name}.png"
        view.grab().save(str(path))
        written.append(path)
        view.close()

    for theme_name in ("light", "dark"):
        theme.apply_theme(theme_name, app)
        save(make(app, classifier()[0]), f"network_{theme_name}")
        graph, ids = with_errors()
        view = make(app, graph)
        view.canvas_scene.select_nodes([ids[3]])
        view.show_toast("Connecting dense_1 → input_1 would make a loop; data must flow one way")
        save(view, "error" if theme_name == "light" else "error_dark")
    theme.apply_theme("light", app)

    save(make(app, convnet()[0], (1500, 420)), "convnet")
    save(make(app, residual()[0], (1300, 520)), "residual")

    # a connection being dragged onto a port that refuses it
    graph, ids = classifier()
    graph.disconnect(graph.edges_into(ids[2])[0])
    view = make(app, graph)
    scene = view.canvas_scene
    start = scene.node_items[ids[1]].output_port.scenePos()
    mouse(view, QMouseEvent.Type.MouseButtonPress, start)
    target = scene.node_items[ids[0]].output_port.scenePos() + QPointF(60, 80)
    mouse(view, QMouseEvent.Type.MouseMove, target, button=NONE, buttons=LEFT)
    save(view, "connecting")

    # training: locked, weights on the edges, unit maps, one enlarged
    graph, ids = classifier()
    graph.set_param(ids[1], "units", 6)
    view = make(app, graph, (1280, 520))
    view.set_locked(True, "Training is running — pause or stop it to change the network")
    view.show_weights({f"{ids[1]}.W": {"mean": -0.31, "abs_mean": 0.9},
                       f"{ids[3]}.W": {"mean": 0.12, "abs_mean": 0.35}})
    view.show_unit_maps(unit_grid([ids[1], ids[2]], [6, 6]))
    view.zoom_fit()
    settle(app)
    maps = view.canvas_scene.node_items[ids[2]].unit_maps
    mouse(view, QMouseEvent.Type.MouseMove, maps.mapToScene(maps.map_rect(2).center()), button=NONE, buttons=NONE)
    save(view, "training")

    view = step_values_view(app)
    save(view, "step_values")
    editor, view = weight_editor(app)
    settle(app)
    path = folder / "canvas_weight_editor.png"
    editor.grab().save(str(path))
    written.append(path)
    editor.close()
    view.close()
    return written


def step_values_view(app) -> CanvasView:
    """The classic 2-2-1 sigmoid example at "backward, hidden layer": δ, ∂L/∂h and ∂L/∂W on the canvas."""
    from playground.engine.losses import MSE
    from playground.ui.teaching import StepThroughView
    from tests.ui.teaching.test_stepthrough_view import classic_net

    graph = Graph()
    nodes = [("input", "input", {"shape": (2,), "from_dataset": False}), ("dense1", "dense", {"units": 2}),
             ("activation2", "sigmoid", {}), ("dense3", "dense", {"units": 1}), ("activation4", "sigmoid", {}),
             ("output", "output", {"loss": "mse", "mse_form": "half_sum"})]
    for i, (node_id, kind, params) in enumerate(nodes):
        graph.add_node(kind, i * 280, 0, params=params, node_id=node_id)
    for (a, *_), (b, *_) in zip(nodes, nodes[1:]):
        graph.connect(a, b)
    view = CanvasView(graph, QUndoStack())
    view.resize(1500, 480)
    view.show()
    step = StepThroughView()
    step.canvas_values.connect(view.show_step_values)
    step.set_network(classic_net(), MSE("half_sum"), [0.05, 0.10], [0.01], lr=0.5)
    step.show_stage(4)
    settle(app)
    view.zoom_fit()
    return view


def weight_editor(app):
    """The editor of dense_1 (2 inputs × 6 units), opened by double-clicking the edge into it."""
    from playground.model.project import Project
    from playground.ui.canvas.weight_editor import WeightEditing

    graph, ids = classifier()
    graph.set_param(ids[1], "units", 6)
    graph.set_param(ids[0], "from_dataset", False)  # no dataset here: the input's own shape (2,)
    project = Project(graph=graph)
    view = make(app, graph)
    view.set_dataset_shapes({ids[0]: (2,)})
    from playground.model.document import Document
    from playground.session.run_state import RunModel
    from playground.ui.edits import Edits

    document = Document(project)
    editing = WeightEditing(view, document, Edits(document, view.undo_stack, view), RunModel(), parent=view)
    editor = editing.open(ids[1], -1, view.viewport().mapToGlobal(view.viewport().rect().center()))
    editor.set_value(1, 2, -1.5)
    editor.resize(max(editor.width(), 640), editor.height())
    return editor, view


if __name__ == "__main__":
    paths = shoot(*sys.argv[1:])
    print("\n".join(str(p) for p in paths))
