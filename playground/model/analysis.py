"""What the canvas shows about a graph without running it: shapes, parameter counts, problems.

:func:`infer_shapes` walks the graph in data-flow order and asks each engine
layer for its ``output_shape`` and ``count_params`` — shapes only, no arrays —
so it is cheap enough to run after every edit. It never raises: a wrong wiring
becomes a plain message on that node, e.g.

    Dense expects a flat vector per sample, but got shape (16, 4, 4); add a Flatten layer before it

:func:`validate_graph` adds whole-graph checks: a missing Input or Output,
nodes that do not take part, a loss that does not fit the output layer, and
(when the dataset is known) outputs that do not match the targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .catalog import LOSSES, LayerSpec, get_spec
from .graph import Graph

Shape = tuple[int, ...]

ERROR = "error"      # training cannot start
WARNING = "warning"  # training can start, but probably not as meant


@dataclass
class NodeInfo:
    """What inference found out about one node."""

    shape: Shape | None = None  # per-sample output shape; None if unknown
    input_shapes: list[Shape] = field(default_factory=list)
    trainable: int = 0
    non_trainable: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.shape is not None and not self.problems


@dataclass
class GraphAnalysis:
    nodes: dict[str, NodeInfo]
    order: list[str]  # data-flow order (nodes on a loop are left out)

    @property
    def trainable(self) -> int:
        return sum(info.trainable for info in self.nodes.values())

    @property
    def non_trainable(self) -> int:
        return sum(info.non_trainable for info in self.nodes.values())

    def shape(self, node_id: str) -> Shape | None:
        info = self.nodes.get(node_id)
        return info.shape if info else None

    def problems(self) -> dict[str, list[str]]:
        """``{node id: [message, …]}`` for the nodes that have problems."""
        return {n: list(info.problems) for n, info in self.nodes.items() if info.problems}


@dataclass(frozen=True)
class Problem:
    """One finding of :func:`validate_graph`; ``node_id`` is None for whole-graph problems."""

    message: str
    node_id: str | None = None
    level: str = ERROR

    def __str__(self) -> str:
        return self.message if self.node_id is None else f"{self.node_id}: {self.message}"


def _shape_text(shapes) -> str:
    return ", ".join(str(tuple(s)) for s in shapes)


def _units(shape: Shape) -> int | None:
    return shape[-1] if shape else None


# ----------------------------------------------------------------------------
# shape inference
# ----------------------------------------------------------------------------
def input_shape_of(graph: Graph, node_id: str,
                   input_shapes: Mapping[str, Shape] | None = None) -> Shape:
    """The shape an Input node gives: the dataset's when it follows the dataset, else its own."""
    node = graph.node(node_id)
    if node.params.get("from_dataset") and input_shapes and node_id in input_shapes:
        return tuple(int(s) for s in input_shapes[node_id])
    return tuple(node.params["shape"])


def infer_shapes(graph: Graph, input_shapes: Mapping[str, Shape] | None = None) -> GraphAnalysis:
    """Per-node output shapes, parameter counts and problems. Never raises.

    ``input_shapes`` gives the dataset's per-sample shape for Input nodes whose
    ``from_dataset`` is on (``{node id: shape}``); otherwise an Input uses its
    own ``shape`` parameter.
    """
    order = graph.topological_order()
    infos = {node_id: NodeInfo() for node_id in graph.nodes}
    for node_id in graph.nodes:
        if node_id not in order:
            infos[node_id].problems.append("is part of a loop: data must flow one way; remove one of "
                                           "the connections that go round in a circle")
    for node_id in order:
        try:
            _infer_node(graph, node_id, infos, input_shapes)
        except Exception as exc:  # the canvas must never crash on a half-built graph
            infos[node_id].shape = None
            infos[node_id].problems.append(f"could not work out the shape: {exc}")
    for node_id in order:
        if graph.node(node_id).params.get(SHARE):
            _check_shared_weights(graph, node_id, infos)
    return GraphAnalysis(infos, order)


def _infer_node(graph: Graph, node_id: str, infos: dict[str, NodeInfo],
                input_shapes: Mapping[str, Shape] | None) -> None:
    node = graph.node(node_id)
    spec, info = node.spec, infos[node_id]
    if node.kind == "input":
        info.shape = input_shape_of(graph, node_id, input_shapes)
        return
    edges = graph.edges_into(node_id)
    missing = _missing_ports(spec, [e.port for e in edges])
    if missing:
        info.problems.append(missing)
        return
    in_shapes = [infos[e.source].shape for e in edges]
    if any(s is None for s in in_shapes):
        return  # the problem is upstream and already shown there
    info.input_shapes = list(in_shapes)
    if node.kind == "output":
        info.shape = in_shapes[0]
        return
    layer = _make_layer(spec, node.params, info)
    if layer is None:
        return
    try:
        info.shape = tuple(int(s) for s in layer.output_shape(*in_shapes))
    except Exception as exc:
        detail = getattr(exc, "detail", None)
        if detail is not None:  # an engine ShapeError, already in plain words
            info.problems.append(f"{spec.title} {detail}")
        else:
            info.problems.append(f"{spec.title} cannot take input shape {_shape_text(in_shapes)}: {exc}")
        return
    try:
        info.trainable, info.non_trainable = (int(n) for n in layer.count_params(*in_shapes))
    except Exception as exc:
        info.problems.append(f"{spec.title}: could not count the parameters ({exc})")


SHARE = "share_weights_with"  # the node parameter that ties a layer to another layer's weights


def _check_shared_weights(graph: Graph, node_id: str, infos: dict[str, NodeInfo]) -> None:
    """A layer that uses another layer's weights: the other one must exist, be of the same kind, own
    its weights and need weights of the same shapes. Its parameters are counted once, by the owner."""
    node, info = graph.node(node_id), infos[node_id]
    info.trainable = 0
    owner_id = node.params[SHARE]
    clear = f"or clear 'Share weights with' on {node_id}"
    if owner_id == node_id:
        info.problems.append(f"{node.title} cannot share weights with itself: name another {node.title} "
                             f"layer, {clear}")
        return
    if owner_id not in graph:
        info.problems.append(f"{node.title} shares weights with {owner_id}, but there is no layer {owner_id}: "
                             f"name another {node.title} layer, {clear}")
        return
    owner = graph.node(owner_id)
    if owner.kind != node.kind:
        info.problems.append(f"{node.title} shares weights with {owner_id}, but that is a {owner.title} layer: "
                             f"only two {node.title} layers can share weights; name one, {clear}")
        return
    if owner.params.get(SHARE):
        info.problems.append(f"{node.title} shares weights with {owner_id}, which itself uses the weights of "
                             f"{owner.params[SHARE]}: share with {owner.params[SHARE]} directly")
        return
    mine, theirs = _weight_shapes(node, info), _weight_shapes(owner, infos[owner_id])
    if mine is not None and theirs is not None and mine != theirs:
        info.problems.append(f"{node.title} shares weights with {owner_id}, but needs weights {_weights_text(mine)} "
                             f"where {owner_id} has {_weights_text(theirs)}: give both the same settings and "
                             "inputs of the same shape")


def _weight_shapes(node, info: NodeInfo) -> dict[str, Shape] | None:
    """The shapes of a layer's weights for its current inputs (None while they are unknown)."""
    if info.shape is None or not info.input_shapes:
        return None
    try:
        return {k: tuple(v) for k, v in node.spec.build(node.params).param_shapes(*info.input_shapes).items()}
    except Exception:  # its own problem is already on its card
        return None


def _weights_text(shapes: Mapping[str, Shape]) -> str:
    return ", ".join(f"{name} {shape}" for name, shape in shapes.items())


def _missing_ports(spec: LayerSpec, ports: list[int]) -> str | None:
    """A message if required input ports are empty."""
    if spec.variable_inputs:
        if len(ports) < spec.min_inputs:
            have = "nothing is" if not ports else f"only {len(ports)} is"
            return (f"{spec.title} joins {spec.min_inputs} or more inputs, but {have} connected: "
                    "connect another branch")
        return None
    empty = [spec.inputs[p] for p in range(len(spec.inputs)) if p not in ports]
    if not empty:
        return None
    if len(spec.inputs) == 1:
        return f"{spec.title} needs an input: connect a layer to it"
    names = " and ".join(repr(name) for name in empty)
    return f"{spec.title} needs its {names} input{'s' if len(empty) > 1 else ''} connected"


def _make_layer(spec: LayerSpec, params: Mapping[str, Any], info: NodeInfo):
    try:
        return spec.build(params)
    except ImportError:
        info.problems.append(f"{spec.title} is not available in this version: the engine module "
                             f"{spec.module} is missing")
    except Exception as exc:
        info.problems.append(f"{spec.title}: {exc}")
    return None


# ----------------------------------------------------------------------------
# whole-graph validation
# ----------------------------------------------------------------------------
def validate_graph(graph: Graph, input_shapes: Mapping[str, Shape] | None = None,
                   target_shape: Shape | None = None,
                   analysis: GraphAnalysis | None = None) -> list[Problem]:
    """Everything that stops (errors) or spoils (warnings) training, in plain words. Never raises.

    ``target_shape`` is the per-sample shape of the dataset's targets, when known
    (``()`` or ``(1,)`` for class numbers).
    """
    try:
        return _validate(graph, input_shapes, target_shape, analysis)
    except Exception as exc:  # pragma: no cover - a safety net, like infer_shapes
        return [Problem(f"The network could not be checked: {exc}")]


def _validate(graph, input_shapes, target_shape, analysis) -> list[Problem]:
    analysis = analysis or infer_shapes(graph, input_shapes)
    problems = [Problem(msg, node_id) for node_id, msgs in analysis.problems().items() for msg in msgs]
    inputs = graph.nodes_of_kind("input")
    outputs = graph.nodes_of_kind("output")
    if not inputs:
        problems.append(Problem("The network has no Input node: drag an Input from the Core group and "
                                "connect it to the first layer"))
    if not outputs:
        problems.append(Problem("The network has no Output node: drag an Output from the Output group "
                                "and connect the last layer to it"))
    for extra in outputs[1:]:
        problems.append(Problem(f"Only one Output node is allowed (there is already {outputs[0].id}): "
                                f"remove {extra.id}", extra.id))
    if outputs:
        problems += _check_reachability(graph, outputs[0].id)
        problems += _check_loss(graph, outputs[0].id, analysis, target_shape)
    return problems


def _check_reachability(graph: Graph, output_id: str) -> list[Problem]:
    """Nodes whose result never reaches the Output do not take part in training."""
    feeds_output = {n for n in graph.nodes if graph.reaches(n, output_id)}
    problems = []
    for node in graph:
        if node.id in feeds_output or node.kind == "output":
            continue
        if node.kind == "input":
            problems.append(Problem("This Input is not connected to the Output: connect it through the "
                                    "layers, or remove it", node.id))
        else:
            problems.append(Problem(f"{node.title} is not connected to the Output, so it takes no part in "
                                    "training: connect it, or remove it", node.id, WARNING))
    return problems


def _check_loss(graph: Graph, output_id: str, analysis: GraphAnalysis,
                target_shape: Shape | None) -> list[Problem]:
    output = graph.node(output_id)
    loss = LOSSES.get(output.params.get("loss"))
    shape = analysis.shape(output_id)
    if loss is None or shape is None:
        return []
    sources = graph.inputs_of(output_id)
    before = graph.node(sources[0]) if sources else None
    problems: list[Problem] = []
    units = _units(shape)
    if loss.name in ("softmax_cross_entropy", "categorical_cross_entropy") and units == 1:
        problems.append(Problem(
            f"{loss.title} needs one output unit per class, but the output has 1 unit: use binary "
            "cross-entropy for a single output unit, or give the output layer 2+ units", output_id))
    if before is not None:
        problems += _check_activation_fits(loss, before, output_id)
    if target_shape is not None:
        problems += _check_targets(loss, shape, tuple(target_shape), output_id)
    return problems


def _check_activation_fits(loss, before, output_id: str) -> list[Problem]:
    """The layer right before the Output must give what the loss expects."""
    kind, name = before.kind, f"{before.id} ({before.title})"
    if loss.expects == "probabilities" and kind != loss.after:
        wanted = get_spec(loss.after).title
        if kind in ("sigmoid", "softmax"):
            fix = ("choose binary cross-entropy" if kind == "sigmoid" else "choose categorical "
                   "cross-entropy")
            return [Problem(f"{loss.title} expects probabilities from a {wanted}, but {name} is a "
                            f"{before.title}: {fix}, or change the activation", output_id, WARNING)]
        logits = "Binary cross-entropy (from logits)" if loss.after == "sigmoid" else "Softmax cross-entropy"
        return [Problem(f"{loss.title} expects probabilities from a {wanted}, but {name} gives raw scores: "
                        f"add a {wanted} before the Output, or choose {logits!r}", output_id, WARNING)]
    if loss.expects == "logits" and kind in ("sigmoid", "softmax"):
        prob_loss = "Binary cross-entropy" if kind == "sigmoid" else "Categorical cross-entropy"
        return [Problem(f"{loss.title} applies the {kind} itself, but {name} already applies one: remove "
                        f"the {before.title} layer, or choose {prob_loss!r}", output_id, WARNING)]
    return []


def _check_targets(loss, shape: Shape, target: Shape, output_id: str) -> list[Problem]:
    """Compare the output with the dataset's targets (per sample)."""
    class_labels = target in ((), (1,))
    if loss.name in ("softmax_cross_entropy", "categorical_cross_entropy") and class_labels:
        return []  # class numbers: any number of units ≥ 2 can work
    if shape == target or (shape == (1,) and target == ()):
        return []  # one number per sample, with or without the trailing axis
    units = _units(shape)
    fix = ""
    if len(target) == 1 and len(shape) == 1:
        fix = f": give the last layer {target[0]} unit{'s' if target[0] != 1 else ''}"
    elif len(target) != len(shape):
        fix = ": add a Flatten or Reshape before the Output, or change the last layer"
    return [Problem(f"The network's output has shape {shape} per sample ({units} unit{'' if units == 1 else 's'}), "
                    f"but the targets "
                    f"have shape {target}{fix}", output_id)]


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == ERROR]


__all__ = ["ERROR", "WARNING", "GraphAnalysis", "NodeInfo", "Problem", "errors_only", "infer_shapes",
           "input_shape_of", "validate_graph"]
