"""What both exporters need: the network in data-flow order, its shapes, the data and the loss.

:func:`make_plan` checks the project the way the compiler does (the dataset
loads, the graph has no errors) and gathers everything a script generator
needs into a :class:`Plan`, so the PyTorch and NumPy generators only decide
how to *write* each piece.
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from playground.data.dataset import Dataset
from playground.model.analysis import errors_only, infer_shapes, validate_graph
from playground.model.catalog import get_loss_spec, loss_config
from playground.model.graph import Node
from playground.model.project import Project

from ..compile import CompileError, _is_reconstruction, _wants_standardizing, input_shapes_for, load_data

Shape = tuple[int, ...]
CLASSIFICATION = ("binary", "multiclass")  # tasks with an accuracy (as the trainer reports it)
RESERVED = {"x", "self", "torch", "nn", "np", "F", "math", "copy", "net", "model", "loss", "output",
            "target", "batch", "epoch", "main"}


class ExportError(ValueError):
    """The project cannot be exported as a script; the message names the layer or setting and why."""


@dataclass
class Plan:
    """A project, checked and laid out for code generation."""

    project: Project
    dataset: Dataset
    input_id: str
    exit_id: str  # the layer that feeds the Output node
    order: list[str]  # the layers that feed the output, branch by branch (Input and Output left out)
    engine_order: list[str]  # every layer in the app's compile order (the order seeds the weights)
    shapes: dict[str, Shape]  # per-sample output shape of every node
    sources: dict[str, list[str]]  # node id → the ids feeding it, in port order
    task: str  # binary | multiclass | multilabel | regression | sequence | reconstruction
    reconstruction: bool
    standardize: bool
    loss: str  # the catalog's loss name (on the Output node)
    loss_engine: tuple[str, dict[str, Any]]  # (engine loss name, keyword arguments)
    epochs: int
    names: dict[str, str] = field(default_factory=dict)  # node id → Python name

    def node(self, node_id: str) -> Node:
        return self.project.graph.node(node_id)

    def in_shapes(self, node_id: str) -> list[Shape]:
        return [self.shapes[s] for s in self.sources[node_id]]

    @property
    def settings(self):
        return self.project.settings

    @property
    def has_accuracy(self) -> bool:
        return self.task in CLASSIFICATION

    @property
    def threshold(self) -> float:
        """Where a single output unit switches from class 0 to class 1 (0 for logits)."""
        return 0.0 if self.loss == "bce_logits" else 0.5


def make_plan(project: Project, epochs: int | None = None) -> Plan:
    """Check ``project`` and lay it out; raise :class:`ExportError` naming what is wrong."""
    try:
        dataset = load_data(project)
    except CompileError as exc:
        raise ExportError(f"The dataset cannot be loaded: {exc}") from None
    graph = project.graph
    inputs, outputs = graph.nodes_of_kind("input"), graph.nodes_of_kind("output")
    if len(inputs) != 1:
        raise ExportError(f"Export needs exactly one Input node, found {len(inputs)}")
    if len(outputs) != 1 or not graph.inputs_of(outputs[0].id):
        raise ExportError("Export needs one Output node with the last layer connected to it")
    shapes_in = input_shapes_for(project, dataset)
    problems = errors_only(validate_graph(graph, shapes_in))
    if problems:
        raise ExportError("Fix the network first: " + "; ".join(str(p) for p in problems[:3]))
    analysis = infer_shapes(graph, shapes_in)
    output = outputs[0]
    exit_id = graph.inputs_of(output.id)[0]
    used = [n for n in analysis.order if n != output.id and graph.reaches(n, output.id)]
    reconstruction = _is_reconstruction(project, dataset, shapes_in)
    plan = Plan(
        project=project, dataset=dataset, input_id=inputs[0].id, exit_id=exit_id,
        order=branch_order(graph, inputs[0].id, set(used)),
        engine_order=[n for n in graph.topological_order() if n not in (inputs[0].id, output.id)],
        shapes={n: tuple(analysis.shape(n)) for n in analysis.order if analysis.shape(n) is not None},
        sources={n: graph.inputs_of(n) for n in graph.nodes},
        task="reconstruction" if reconstruction else dataset.task,
        reconstruction=reconstruction,
        standardize=dataset.task != "reconstruction" and _wants_standardizing(project.dataset.name or ""),
        loss=output.params.get("loss", "mse"), loss_engine=loss_config(output.params),
        epochs=int(epochs or project.settings.epochs))
    plan.names = python_names([plan.input_id, *plan.engine_order])
    return plan


def weights_owner(plan: Plan, node_id: str) -> str:
    """The node whose weights ``node_id`` uses: itself, or the layer it shares weights with."""
    return plan.node(node_id).params.get("share_weights_with") or node_id


def branch_order(graph, start: str, keep: set[str]) -> list[str]:
    """The nodes of ``keep`` after ``start`` in a data-flow order that finishes one branch before
    the next (depth first), so a parallel block reads as a sequence of straight pieces."""
    indegree = {n: sum(1 for s in graph.inputs_of(n) if s in keep) for n in keep}
    children = {n: [e.target for e in graph.edges_out_of(n) if e.target in keep] for n in keep}
    rank = {n: i for i, n in enumerate(graph.nodes)}
    stack, order = [start], []
    while stack:
        node = stack.pop()
        if node != start:
            order.append(node)
        ready = []
        for child in children[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
        stack.extend(sorted(ready, key=rank.get, reverse=True))  # the first-made child comes next
    return order


def python_names(node_ids: list[str]) -> dict[str, str]:
    """A valid, unique Python identifier for every node id (``"dense-1"`` → ``"dense_1"``)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for node_id in node_ids:
        name = re.sub(r"\W", "_", node_id)
        if keyword.iskeyword(name) or name in RESERVED or not name.isidentifier():
            name += "_"
        base, n = name, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        names[node_id] = name
    return names


def variables(plan: Plan) -> dict[str, str]:
    """Which variable holds each node's value in a readable forward pass (node id → name).

    A value used only by the very next layer, when that layer has one input, lives in
    ``x`` (``x = self.dense_1(x)``), and so does the last layer's; a value used later,
    by several layers or by a merge (a skip connection, the branches of an Inception
    block, μ and log σ² of a VAE) gets the node's own name.
    """
    sequence = [plan.input_id, *plan.order]
    consumers: dict[str, list[str]] = {n: [] for n in sequence}
    for target in plan.order:
        for source in plan.sources[target]:
            consumers[source].append(target)
    values: dict[str, str] = {}
    for i, node_id in enumerate(sequence):
        after = sequence[i + 1] if i + 1 < len(sequence) else None
        used_by = consumers[node_id]
        passed_on = after is not None and used_by == [after] and len(plan.sources[after]) == 1
        last = node_id == plan.exit_id and not used_by
        values[node_id] = "x" if passed_on or last else plan.names[node_id]
    return values


# ----------------------------------------------------------------------------
# text helpers shared by the generators
# ----------------------------------------------------------------------------
def q(text: str) -> str:
    """A string literal in double quotes (the style of the generated scripts)."""
    return json.dumps(text, ensure_ascii=False)


def literal(value: Any, tuples: bool = True) -> str:
    """A Python literal for a JSON-like value: double-quoted strings, tuples for shapes."""
    if isinstance(value, str):
        return q(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{q(str(k))}: {literal(v, tuples)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        items = ", ".join(literal(v, tuples) for v in value)
        if not tuples:
            return f"[{items}]"
        return f"({items},)" if len(value) == 1 else f"({items})"
    return repr(value)


def call_args(kwargs: dict[str, Any]) -> str:
    """``a=1, b="x"`` (keywords that are not identifiers go through ``**{...}``)."""
    plain = {k: v for k, v in kwargs.items() if k.isidentifier() and not keyword.iskeyword(k)}
    odd = {k: v for k, v in kwargs.items() if k not in plain}
    parts = [f"{k}={literal(v, tuples=isinstance(v, tuple))}" for k, v in plain.items()]
    if odd:
        parts.append(f"**{literal(odd, tuples=False)}")
    return ", ".join(parts)


def shape_text(shape: Shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def docstring_lines(project: Project, what: str, plan: Plan) -> list[str]:
    """The module docstring: project title, its description, what the script does and how to run it."""
    title = project.title.replace('"""', "'''")
    lines = ['"""' + f"{title} — {what} exported from Network Playground.", ""]
    if project.description.strip():
        for paragraph in project.description.replace('"""', "'''").strip().split("\n"):
            lines += textwrap.wrap(paragraph, 96) or [""]
        lines.append("")
    ref = project.dataset
    data = ref.name if ref.name else f"the file {ref.path}"
    lines += textwrap.wrap(
        f"The data is loaded with the playground package's own loader (load_dataset({q(data)}) and "
        f"split_dataset with seed {plan.settings.seed}), so it is the app's data, split the same way"
        + (" and standardized with the training part's mean and standard deviation" if plan.standardize else "")
        + ". Run it where the playground package can be imported, e.g. from the repository folder.", 96)
    training = (f"Training: {plan.epochs} epochs, batches of {plan.settings.batch_size}, "
                f"{plan.settings.optimizer.name} with learning rate {plan.settings.optimizer.lr:g}, "
                f"loss {get_loss_spec(plan.loss).title.lower()}.")
    lines += ["", training, '"""']
    return lines


def data_function(plan: Plan) -> list[str]:
    """``def load_data()`` returning host arrays ``x_train, y_train, x_val, y_val`` (float32)."""
    ref = plan.project.dataset
    options = dict(ref.options)
    if ref.path is not None:
        options.setdefault("path", ref.path)
    args = call_args(options)
    name = ref.name or "csv"
    lines = ["def load_data():",
             '    """The app\'s data: the same loader and options, split (and scaled) the same way."""',
             f"    dataset = load_dataset({q(name)}{', ' + args if args else ''})",
             "    split = split_dataset(dataset, val=VALIDATION_SPLIT, test=0.0, seed=SEED)"]
    if plan.standardize:
        lines.append("    split = split.standardized()  # inputs scaled by the training part's mean and std")
    lines.append("    train, val = split.train, split.val")
    if plan.reconstruction:
        lines += ["    # an autoencoder: the network learns to give back its input, so the targets are the inputs",
                  "    return train.x, train.x, val.x, val.x"]
    else:
        lines.append("    return train.x, train.y_float(), val.x, val.y_float()  # classes as 0/1 or one-hot rows")
    return lines


def constants(plan: Plan) -> list[str]:
    s = plan.settings
    return [f"SEED = {s.seed}",
            f"EPOCHS = {plan.epochs}",
            f"BATCH_SIZE = {s.batch_size}",
            f"LEARNING_RATE = {s.optimizer.lr!r}",
            f"VALIDATION_SPLIT = {s.validation_split!r}"]


def schedule_config(plan: Plan) -> dict[str, Any] | None:
    """The learning-rate schedule as ``{"name": …, **kwargs}``; None for a constant rate."""
    s = plan.settings
    n_train = len(plan.dataset) - round(s.validation_split * len(plan.dataset))
    per_epoch = -(-n_train // max(1, s.batch_size))
    total = plan.epochs if s.schedule.unit == "epoch" else plan.epochs * per_epoch
    config = s.schedule.config(s.optimizer.lr, total_default=total)
    return None if config["name"] == "constant" else config


__all__ = [
    "CLASSIFICATION",
    "ExportError",
    "Plan",
    "branch_order",
    "call_args",
    "constants",
    "data_function",
    "docstring_lines",
    "literal",
    "make_plan",
    "python_names",
    "q",
    "schedule_config",
    "shape_text",
    "variables",
]
