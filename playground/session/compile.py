"""Compile a project (the document) into a run (engine objects and data).

This is the one bridge from ``model`` to ``engine``: the graph becomes a
:class:`Network`, the Output node's loss an engine loss, the settings an
optimizer with its hooks and a schedule, and the dataset reference a split of
host arrays. Problems come back as one :class:`CompileError` in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.data import DatasetError, load_dataset, split_dataset
from playground.data.dataset import Dataset
from playground.engine.backend import Backend, get_backend
from playground.engine.hooks import get_hook
from playground.engine.layer import ShapeError
from playground.engine.network import GraphError, Network
from playground.engine.optimizers import get_optimizer
from playground.engine.schedules import get_schedule
from playground.model.analysis import errors_only, validate_graph
from playground.model.catalog import build_loss
from playground.model.project import Project

from .trainer import EarlyStopping, TrainData, Trainer

STANDARDIZED_GROUPS = ("Tabular", "Your files")


class CompileError(ValueError):
    """The project cannot be trained as it is; the message says why and what to do."""


@dataclass
class Run:
    project: Project
    backend: Backend
    net: Network
    loss: Any
    trainer: Trainer
    dataset: Dataset
    data: TrainData
    initial_weights: dict[str, np.ndarray] | None = None  # host copies from before the first batch


def load_data(project: Project) -> Dataset:
    """Load the dataset the project names (a registry name, or a user file)."""
    ref = project.dataset
    if ref is None or (ref.name is None and ref.path is None):
        raise CompileError("Choose a dataset first (Dataset panel).")
    options = dict(ref.options)
    if ref.path is not None:
        options.setdefault("path", ref.path)
    try:
        return load_dataset(ref.name or "csv", **options)
    except DatasetError as exc:
        raise CompileError(str(exc)) from None


def input_shapes_for(project: Project, dataset: Dataset | None) -> dict[str, tuple[int, ...]]:
    """Input node id → per-sample shape (from the dataset when the node says so)."""
    shapes = {}
    for node in project.graph.nodes_of_kind("input"):
        if node.params.get("from_dataset", True) and dataset is not None:
            shapes[node.id] = tuple(dataset.input_shape)
        else:
            shapes[node.id] = tuple(node.params["shape"])
    return shapes


def build_network(project: Project, backend: Backend, input_shapes: dict[str, tuple[int, ...]],
                  seed: int = 0) -> Network:
    """The engine network for the project's graph (the Output node marks the output)."""
    graph = project.graph
    output = project.output_node()
    if output is None:
        raise CompileError("The network has no Output node: add one and connect the last layer to it.")
    net = Network()
    for node_id in graph.topological_order():
        node = graph.node(node_id)
        if node.kind == "output":
            continue
        if node.kind == "input":
            net.add_input(node_id, input_shapes[node_id])
            continue
        net.add(node_id, node.spec.build(node.params), graph.inputs_of(node_id),
                shares_with=node.params.get("share_weights_with"))
    sources = graph.inputs_of(output.id)
    if not sources:
        raise CompileError("Nothing is connected to the Output node.")
    net.set_output(sources[0])
    try:
        return net.build(backend, seed=seed)
    except (ShapeError, GraphError) as exc:
        raise CompileError(str(exc)) from None


def _check_graph(project: Project, input_shapes, target_shape) -> None:
    problems = errors_only(validate_graph(project.graph, input_shapes, target_shape))
    if problems:
        raise CompileError("; ".join(str(p) for p in problems[:3]))


def _is_reconstruction(project: Project, dataset: Dataset, input_shapes) -> bool:
    """An autoencoder: the output has the input's shape but the dataset has other targets."""
    from playground.model.analysis import infer_shapes

    output = project.output_node()
    analysis = infer_shapes(project.graph, input_shapes)
    sources = project.graph.inputs_of(output.id) if output else []
    out_shape = analysis.shape(sources[0]) if sources else None
    return (dataset.task != "reconstruction" and out_shape == tuple(dataset.input_shape)
            and out_shape != tuple(dataset.y_float().shape[1:]))


def prepare_data(project: Project, dataset: Dataset, reconstruction: bool) -> TrainData:
    """Split (seeded), standardize where it helps, and hand out host arrays."""
    settings = project.settings
    split = split_dataset(dataset, val=settings.validation_split, test=0.0, seed=settings.seed)
    group = getattr(project.dataset, "name", "") or ""
    if dataset.task != "reconstruction" and _wants_standardizing(group):
        split = split.standardized(inputs=True)
    train, val = split.train, split.val
    labels_val = val.y if val.task in ("binary", "multiclass") else None
    if reconstruction:
        train, val = train.as_reconstruction(), val.as_reconstruction()
    return TrainData(
        x_train=train.x, y_train=train.y_float(), x_val=val.x, y_val=val.y_float(),
        task=train.task, labels_val=labels_val,
        grid_extent=tuple(dataset.extent) if dataset.is_plane else None,
        grid_transform=split.plane_inputs if dataset.is_plane else None)


def _wants_standardizing(dataset_name: str) -> bool:
    from playground.data import dataset_info

    try:
        return dataset_info(dataset_name).group in STANDARDIZED_GROUPS
    except Exception:
        return True  # user files: standardize


def latent_node_of(net: Network) -> str | None:
    """The bottleneck of an autoencoder: a Sampling node's μ, else the narrowest vector layer."""
    for node in net.nodes.values():
        if node.layer.kind == "sampling":
            return node.inputs[0]
    order = [n for n in net.order if n not in net.input_ids and n != net.output_id]
    vectors = [n for n in order if net.nodes[n].shape and len(net.nodes[n].shape) == 1]
    return min(vectors, key=lambda n: net.nodes[n].shape[0]) if vectors else None


def build_optimizer(project: Project, net: Network):
    opt = project.settings.optimizer
    hooks = [get_hook(name, **kwargs) for name, kwargs in project.settings.hooks.configs()]
    optimizer = get_optimizer(opt.name, net.parameters(), hooks=hooks, **opt.kwargs())
    # the freeze hook matches parameter names, which are the owner's for shared weights: a frozen layer
    # that shares weights freezes them too (the optimizer notices at its next step)
    net.freeze(n for n in project.settings.hooks.frozen if n in net.nodes and net.nodes[n].shares_with)
    return optimizer


def build_schedule(project: Project, iterations_per_epoch: int):
    settings = project.settings
    unit_total = settings.epochs if settings.schedule.unit == "epoch" else settings.epochs * iterations_per_epoch
    config = settings.schedule.config(settings.optimizer.lr, total_default=unit_total)
    return get_schedule(config.pop("name"), **config)


def build_run(project: Project, backend: "str | Backend | None" = None, epochs: int | None = None,
              dataset: Dataset | None = None, start_epoch: int = 0, start_iteration: int = 0) -> Run:
    """Everything needed to train ``project``; raise :class:`CompileError` if it cannot train.

    ``epochs`` is the epoch count to stop at (the settings' by default); a run that goes on
    from trained weights passes the counters it starts from (``start_epoch``, ``start_iteration``).
    The network starts from the seed's weights, or the project's stored initial weights; the
    caller loads trained weights on top (:func:`load_matching_weights`)."""
    settings = project.settings
    if not isinstance(backend, Backend):
        backend = get_backend(backend or settings.backend)
    dataset = dataset if dataset is not None else load_data(project)
    shapes = input_shapes_for(project, dataset)
    reconstruction = _is_reconstruction(project, dataset, shapes)
    data = prepare_data(project, dataset, reconstruction)
    _check_graph(project, shapes, tuple(data.y_train.shape[1:]))
    net = build_network(project, backend, shapes, seed=settings.seed)
    if project.initial_weights:
        load_initial_weights(net, project.initial_weights)
    initial_weights = net.state_dict()  # host copies: the recording a replay starts from
    loss = build_loss(project.output_node().params)
    optimizer = build_optimizer(project, net)
    per_epoch = -(-len(data.x_train) // max(1, settings.batch_size))
    stopping = settings.early_stopping
    trainer = Trainer(
        net, loss, optimizer, data, batch_size=settings.batch_size,
        epochs=epochs or settings.epochs, seed=settings.seed, schedule=build_schedule(project, per_epoch),
        early_stopping=EarlyStopping(stopping.patience, stopping.min_delta, stopping.restore_best)
        if stopping.enabled else None,
        latent_node=latent_node_of(net) if data.task == "reconstruction" else None,
        start_epoch=start_epoch, start_iteration=start_iteration)
    trainer.start_weights = initial_weights
    return Run(project, backend, net, loss, trainer, dataset, data, initial_weights)


def load_initial_weights(net: Network, weights: dict[str, np.ndarray]) -> None:
    """Start from the project's stored initial weights (a recorded run); say so plainly if they no
    longer fit the network (a layer was added or resized since they were stored)."""
    try:
        net.load_state_dict(weights)
    except (KeyError, ValueError) as exc:
        reason = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        raise CompileError(f"The stored initial weights do not fit the network any more ({reason}). "
                           "Press Reset in the Training panel to start from new weights.") from None


def load_matching_weights(net: Network, weights: dict[str, np.ndarray]) -> list[str]:
    """Load the arrays of ``weights`` whose name and shape still fit ``net``; the rest keep the
    network's own (freshly drawn) values. Return the layers that start fresh, in network order —
    what a student is told after adding a layer, resizing one or switching to other data."""
    current = net.state_dict()
    fitting = {k: np.asarray(v) for k, v in weights.items() if k in current and np.shape(v) == np.shape(current[k])}
    net.load_state_dict({**current, **fitting})
    fresh = {k.split(".", 1)[0] for k in current if k not in fitting}
    return [n for n in net.order if n in fresh]


def summarize(project: Project, dataset: Dataset | None = None) -> list[dict[str, Any]]:
    """The layer table (id, kind, output shape, parameters) from shapes alone."""
    from playground.model.analysis import infer_shapes

    analysis = infer_shapes(project.graph, input_shapes_for(project, dataset))
    rows = []
    for node_id in analysis.order:
        info, node = analysis.nodes[node_id], project.graph.node(node_id)
        rows.append({"id": node_id, "kind": node.kind, "title": node.title, "shape": info.shape,
                     "trainable": info.trainable, "non_trainable": info.non_trainable,
                     "problems": list(info.problems)})
    return rows


def store_results(project: Project, run: Run, history: dict | None = None) -> None:
    """Write the run back into the project: trained weights and (with ``history``) its recording.

    The recording is what makes the run replayable bit for bit
    (:mod:`playground.session.replay`): the initial weights it started from, the
    optimizer's final state (moments, step count) and the metric history.
    """
    project.weights = {k: np.asarray(v) for k, v in run.net.state_dict().items()}
    if run.initial_weights is not None:
        project.initial_weights = run.initial_weights
    state = getattr(run.trainer.optimizer, "state_dict", None)
    project.optimizer_state = state() if state is not None else None
    if history is not None:
        project.history = history
