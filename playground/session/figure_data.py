"""What a lecture figure shows, read from the models: no Qt, no widgets.

A :class:`FigureData` is a snapshot of the open project and its current run —
the layer graph with its shapes, the trained weights, the metric history, the
latest report (decision grid, confusion matrix, activations, weight histograms,
samples) and the data the plots draw on. The figure renderer
(:mod:`playground.ui.figures`) draws only from it, so a slide always shows the
current run and never a widget's state.

Two ways to get one:

- :func:`from_models` in the window: the :class:`~playground.model.document.Document`
  and the :class:`~playground.session.run_state.RunModel` as they are now;
- :func:`from_project` headless (``playground figure``): the project file's
  trained weights are loaded into a fresh network and pictured once
  (:meth:`Trainer.picture`), the curves come from its stored history.

:func:`available_panels` says which panels have something to show;
:func:`default_panels` and :func:`default_style` pick what suits the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from playground.model.graph import Graph
from playground.model.project import Project

from .history import MetricHistory
from .report import Report
from .run_state import RunData

Shape = tuple[int, ...]

# every panel a slide can hold, in the order the composer lists them
PANELS = ("network", "boundary", "loss", "accuracy", "confusion", "feature_maps", "weights",
          "predictions", "latent", "reconstructions")
PANEL_TITLES = {"network": "Network", "boundary": "Decision boundary", "loss": "Loss",
                "accuracy": "Accuracy", "confusion": "Confusion matrix", "feature_maps": "Feature maps",
                "weights": "Weight histograms", "predictions": "Predictions", "latent": "Latent space",
                "reconstructions": "Reconstructions"}
STYLES = ("cards", "neurons", "blocks")
NEURON_LIMIT = 32  # widest layer the neuron diagram is the default for


@dataclass
class FigureData:
    """Everything a slide draws, read once from the models."""

    title: str
    graph: Graph
    shapes: dict[str, Shape | None] = field(default_factory=dict)  # node id → per-sample output shape
    params: dict[str, int] = field(default_factory=dict)  # node id → trainable values
    weights: dict[str, np.ndarray] = field(default_factory=dict)  # "dense_1.W" → array (trained)
    history: MetricHistory = field(default_factory=MetricHistory)
    report: Report | None = None  # the newest picture of the current weights
    data: RunData | None = None
    task: str | None = None

    @property
    def order(self) -> list[str]:
        """Node ids in data-flow order (nodes on a loop last)."""
        try:
            order = self.graph.topological_order()
        except Exception:  # noqa: BLE001 - a half-edited graph still gets a figure
            order = []
        return order + [n.id for n in self.graph if n.id not in order]


def _analyse(graph: Graph, input_shapes) -> tuple[dict[str, Shape | None], dict[str, int]]:
    from playground.model.analysis import infer_shapes

    try:
        result = infer_shapes(graph, input_shapes)
    except Exception:  # noqa: BLE001 - shapes are a nicety; the figure still draws the layers
        return {}, {}
    return ({k: info.shape for k, info in result.nodes.items()},
            {k: info.trainable for k, info in result.nodes.items()})


def run_data_of(dataset) -> RunData | None:
    """What the plots draw of a loaded dataset: its 2-D points and class names."""
    if dataset is None:
        return None
    plane = bool(dataset.is_plane)
    return RunData(task=dataset.task, plane=plane, images=dataset.x.ndim == 4,
                   x_train=np.asarray(dataset.x[:, :2]) if plane else None,
                   y_train=np.asarray(dataset.y) if plane else None,
                   class_names=[str(n) for n in (getattr(dataset, "class_names", None) or ())])


def title_of(project: Project, path: str | Path | None = None) -> str:
    return project.title or (Path(path).stem if path else "Untitled network")


def from_project(project: Project, path: str | Path | None = None) -> FigureData:
    """A figure of a project file: its trained weights pictured once, its stored curves.

    Without a usable dataset or trained weights the figure still has the network
    and whatever curves the file holds.
    """
    from .compile import (
        CompileError,
        build_run,
        input_shapes_for,
        load_data,
        load_matching_weights,
    )

    history = MetricHistory.from_dict(project.history) if project.history else MetricHistory()
    dataset, report, task = None, None, None
    try:
        dataset = load_data(project)
    except CompileError:
        pass
    shapes, params = _analyse(project.graph, input_shapes_for(project, dataset) if dataset is not None else None)
    if dataset is not None:
        task = dataset.task
        try:
            run = build_run(project, backend="numpy", dataset=dataset)
            if project.weights:
                load_matching_weights(run.net, project.weights)
                report = run.trainer.picture()
            task = run.data.task
        except (CompileError, ValueError, KeyError):
            report = None
    history.latest = report
    return FigureData(title=title_of(project, path), graph=project.graph, shapes=shapes, params=params,
                      weights=dict(project.weights or {}), history=history, report=report,
                      data=run_data_of(dataset), task=task)


def from_models(document, run, path: str | Path | None = None, input_shapes=None) -> FigureData:
    """A figure of the window's open project and its current run (``document``, ``run``)."""
    project = document.project
    shapes, params = _analyse(project.graph, input_shapes)
    data = run.data
    task = data.task if data is not None else None
    report = run.history.latest
    return FigureData(title=title_of(project, path), graph=project.graph, shapes=shapes, params=params,
                      weights=dict(project.weights or {}), history=run.history, report=report,
                      data=data, task=task)


# ---------------------------------------------------------------------------------
# what suits the project
# ---------------------------------------------------------------------------------
def has_curve(data: FigureData, name: str) -> bool:
    return len(data.history.series(name)[0]) > 0


def available_panels(data: FigureData) -> list[str]:
    """Panels that have something to show now (the network always does)."""
    r = data.report
    samples = r.samples if r is not None else {}
    out = ["network"]
    if (r is not None and r.decision_grid is not None) or (data.data is not None and data.data.plane):
        out.append("boundary")  # before training: the data points alone
    out.append("loss")  # an untrained project shows an empty axis that says so
    if has_curve(data, "train_accuracy") or has_curve(data, "val_accuracy"):
        out.append("accuracy")
    if samples.get("confusion") is not None:
        out.append("confusion")
    if r is not None and feature_map_layers(data):
        out.append("feature_maps")
    if r is not None and r.weight_histograms:
        out.append("weights")
    if samples.get("predictions") is not None:
        out.append("predictions")
    if samples.get("latent") is not None:
        out.append("latent")
    if samples.get("outputs") is not None:
        out.append("reconstructions")
    return out


def default_panels(data: FigureData) -> list[str]:
    """The panels that suit the project: the network, the task's main picture and the loss."""
    have = available_panels(data)
    main = [p for p in ("boundary", "feature_maps", "predictions", "latent") if p in have][:1]
    second = []
    if "feature_maps" in main and "confusion" in have:
        second = ["confusion"]
    elif "latent" in main and "reconstructions" in have:
        second = ["reconstructions"]
    elif not main and "confusion" in have:
        main = ["confusion"]
    return ["network"] + main + second + ["loss"]


def main_panel(data: FigureData) -> str:
    """The task's main picture, chosen by the data (so it is there before training too)."""
    run = data.data
    if run is not None and run.plane:
        return "boundary"
    have = available_panels(data)
    for panel in ("feature_maps", "latent", "predictions", "confusion"):
        if panel in have:
            return panel
    if data.task == "reconstruction":
        return "reconstructions"
    return "accuracy" if data.task in ("binary", "multiclass") else "predictions"


def feature_map_layers(data: FigureData) -> list[str]:
    """Layers whose activations are image stacks ``(channels, h, w)``, in data-flow order."""
    acts = data.report.activations if data.report is not None else {}
    out = []
    for node_id in data.order:
        a = acts.get(node_id)
        if a is not None and np.ndim(a) == 3 and min(np.shape(a)[1:]) >= 2:
            out.append(node_id)
    return out


def is_chain(graph: Graph) -> bool:
    return all(len(graph.edges_into(n.id)) <= 1 and len(graph.edges_out_of(n.id)) <= 1 for n in graph)


def default_style(data: FigureData) -> str:
    """Blocks for networks of images, neurons for small dense chains, cards otherwise."""
    shapes = [s for s in data.shapes.values() if s is not None]
    if any(len(s) == 3 for s in shapes):
        return "blocks"
    if shapes and all(len(s) == 1 and s[0] <= NEURON_LIMIT for s in shapes) and is_chain(data.graph):
        return "neurons"
    return "cards"


def class_indices(y, limit: int = 32) -> np.ndarray | None:
    """Class index per point if ``y`` holds class labels (fewer than ``limit`` classes), else ``None``
    (regression values). One-hot rows → argmax; labels −1/+1 → 0/1; small non-negative integers as
    they are. The live plots and the figures colour points by it."""
    if y is None:
        return None
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    y = y.reshape(len(y))
    if y.size == 0:
        return np.zeros(0, dtype=int)
    if not np.all(np.isfinite(y)) or not np.allclose(y, np.round(y)):
        return None
    labels = np.round(y).astype(int)
    if set(np.unique(labels)) <= {-1, 1}:
        return (labels + 1) // 2
    return labels if labels.min() >= 0 and labels.max() < limit else None
