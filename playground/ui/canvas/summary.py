"""What a node card says: key parameters in words, output shape and parameter count.

Pure functions, no Qt: :func:`param_summary` turns a node's parameters into a
short line a student reads at a glance ("16 filters 3×3, same");
:func:`analyse` runs shape inference over the whole graph and returns one
:class:`NodeInfo` per node (output shape, parameter count, the problem in plain
words). Shape inference is cheap (shapes only, no arrays), so the scene calls
it again after every change to the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

from playground.model.analysis import ERROR, infer_shapes, validate_graph
from playground.model.catalog import get_loss_spec, get_spec

Shape = tuple[int, ...]


@dataclass(frozen=True)
class NodeInfo:
    """What shape inference found out about one node.

    ``shape`` is the per-sample output shape (``None`` when unknown: not yet
    connected, or something upstream is wrong); ``params`` counts the learned
    values (``None`` when unknown); ``problem`` is a plain-words reason the node
    cannot work as wired (``None`` when fine); ``warning`` is something that
    probably is not meant (a loss that expects a Sigmoid before it); ``hint`` is a
    gentle note that is not an error ("Dense needs an input: connect a layer to it").
    """

    shape: Shape | None = None
    params: int | None = None
    problem: str | None = None
    hint: str | None = None
    warning: str | None = None


# ----------------------------------------------------------------------------
# numbers and shapes in words
# ----------------------------------------------------------------------------
def fmt_number(value: Any) -> str:
    """``0.5`` → ``"0.5"``, ``1e-05`` → ``"1e-05"``, ``3`` → ``"3"``."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def fmt_shape(shape: Shape | None) -> str:
    """``(16, 8, 8)`` → ``"(16, 8, 8)"``; ``(2,)`` → ``"(2,)"``; unknown → ``"?"``."""
    if shape is None:
        return "?"
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(s) for s in shape) + ")"


def fmt_count(count: int | None) -> str:
    """``160`` → ``"160 params"``, ``12345`` → ``"12,345 params"``, ``1`` → ``"1 param"``."""
    if count is None:
        return "? params"
    return f"{count:,} param" + ("" if count == 1 else "s")


# ----------------------------------------------------------------------------
# key parameters per kind
# ----------------------------------------------------------------------------
def _units(p: Mapping[str, Any]) -> list[str]:
    parts = [f"{p['units']} units" if p.get("units") != 1 else "1 unit"]
    if p.get("use_bias") is False:
        parts.append("no bias")
    init = p.get("init")
    if init and init != "glorot_uniform":
        parts.append(f"{init} init")
    return parts


def _window(p: Mapping[str, Any], size_key: str) -> str:
    k = p[size_key]
    return f"{k}×{k}"


def _stride_etc(p: Mapping[str, Any]) -> list[str]:
    parts = []
    if p.get("stride", 1) not in (1, None):
        parts.append(f"stride {p['stride']}")
    if p.get("dilation", 1) != 1:
        parts.append(f"dilation {p['dilation']}")
    if p.get("use_bias") is False:
        parts.append("no bias")
    return parts


def _conv(p):
    head = f"{p['filters']} filter{'s' if p['filters'] != 1 else ''} {_window(p, 'kernel_size')}"
    padding = p.get("padding")
    first = f"{head}, {padding}" if isinstance(padding, str) else head
    return [first] + _stride_etc(p)


def _conv_transpose(p):
    parts = [f"{p['filters']} filters {_window(p, 'kernel_size')}"]
    if p.get("stride", 1) != 1:
        parts.append(f"stride {p['stride']}")
    if p.get("padding", 0):
        parts.append(f"crop {p['padding']}")
    return parts


def _depthwise(p):
    parts = [f"{_window(p, 'kernel_size')} per channel"]
    if p.get("depth_multiplier", 1) != 1:
        parts.append(f"×{p['depth_multiplier']}")
    parts.append(p.get("padding", "valid"))
    return parts + _stride_etc(p)


def _pool(p):
    parts = [_window(p, "pool_size")]
    stride = p.get("stride")
    if stride is not None and stride != p["pool_size"]:
        parts.append(f"stride {stride}")
    if p.get("padding"):
        parts.append(f"pad {p['padding']}")
    return parts


def _recurrent(p):
    parts = [f"{p['units']} units"]
    parts.append("every step" if p.get("return_sequences") else "last step")
    return parts


def _slice(p):
    """"columns 0 … 7": the positions kept (axes 1 and 2 are an image's rows and columns)."""
    axis = {1: "rows", 2: "columns"}.get(p["axis"], f"axis {p['axis']}:")
    return [f"{axis} {p['start']} … {p['stop'] - 1}"]


def _output(p):
    spec = get_loss_spec(p.get("loss", "mse"))
    parts = [spec.title]
    if spec.name == "huber":
        parts.append(f"δ = {fmt_number(p.get('huber_delta', 1.0))}")
    if spec.name == "mse" and p.get("mse_form") == "half_sum":
        parts.append("½Σ form")
    return parts


def _sparsity(p):
    if p.get("penalty") == "kl":
        return [f"KL to ρ = {fmt_number(p['target'])}", f"β = {fmt_number(p['weight'])}"]
    return [f"L1, λ = {fmt_number(p['weight'])}"]


SUMMARIES: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "input": lambda p: ["from the dataset" if p.get("from_dataset", True) else "shape typed in"],
    "dense": _units,
    "maxout": lambda p: _units(p) + [f"{p['pieces']} pieces"],
    "dropconnect": lambda p: _units(p) + [f"p = {fmt_number(p['rate'])}"],
    "contractive_dense": lambda p: [f"{p['units']} units", f"λ = {fmt_number(p['weight'])}"],
    "sequence_dense": _units,
    "reshape": lambda p: [f"to {fmt_shape(tuple(p['shape']))}"],
    "permute": lambda p: [f"axes {fmt_shape(tuple(p['axes']))}"],
    "slice": _slice,
    "conv2d": _conv,
    "separable_conv2d": _conv,
    "locally_connected2d": _conv,
    "depthwise_conv2d": _depthwise,
    "conv2d_transpose": _conv_transpose,
    "upsample2d": lambda p: [f"×{p['scale']}", p.get("mode", "nearest")],
    "max_pool2d": _pool,
    "avg_pool2d": _pool,
    "sum_pool2d": _pool,
    "simple_rnn": _recurrent,
    "lstm": _recurrent,
    "gru": _recurrent,
    "dropout": lambda p: [f"p = {fmt_number(p['rate'])}"],
    "masking_noise": lambda p: [f"p = {fmt_number(p['rate'])}"],
    "gaussian_noise": lambda p: [f"σ = {fmt_number(p['std'])}"],
    "batchnorm": lambda p: [f"momentum {fmt_number(p['momentum'])}"],
    "sparsity_penalty": _sparsity,
    "sampling": lambda p: [f"β = {fmt_number(p['beta'])}"],
    "prelu": lambda p: [f"a starts at {fmt_number(p['initial_slope'])}"],
    "output": _output,
}

# short symbols for activation parameters, as the course writes them
_SYMBOLS = {"steepness": "λ", "threshold": "q", "slope": "a", "alpha": "α"}


def _generic(kind: str, params: Mapping[str, Any]) -> list[str]:
    """Parameters that differ from the default, as ``name = value`` (course symbols where known)."""
    try:
        spec = get_spec(kind)
    except Exception:
        return []
    parts = []
    for p in spec.params:
        value = params.get(p.name, p.default)
        if p.name in _SYMBOLS or value != p.default:
            name = _SYMBOLS.get(p.name, p.label.lower())
            shown = fmt_shape(tuple(value)) if isinstance(value, (list, tuple)) else fmt_number(value)
            parts.append(f"{name} = {shown}")
    return parts


def param_summary(kind: str, params: Mapping[str, Any]) -> str:
    """The key parameters of a node in a few words, e.g. ``"16 filters 3×3, same"``.

    Empty for kinds without settings (ReLU). Never raises: a half-edited or
    odd parameter dict falls back to listing the values that differ from the
    defaults.
    """
    fn = SUMMARIES.get(kind)
    try:
        parts = fn(params) if fn is not None else _generic(kind, params)
    except Exception:  # noqa: BLE001 - a label must never crash the canvas
        parts = _generic(kind, params)
    return ", ".join(str(p) for p in parts if p)


# ----------------------------------------------------------------------------
# shape inference over the whole graph (the model's own, so the card says what
# the compiler will say)
# ----------------------------------------------------------------------------
def analyse(graph, input_shapes: Mapping[str, Shape] | None = None,
            target_shape: Shape | None = None) -> dict[str, NodeInfo]:
    """``{node id: NodeInfo}`` for every node of ``graph``, from the model's analysis.

    Three kinds of message, shown differently on the card:

    - a node whose inputs are not all connected gets a *hint* (muted text, not
      red): a student half-way through wiring has done nothing wrong yet;
    - any other problem ``infer_shapes`` finds is a *problem* (red card, "!");
    - ``validate_graph``'s findings about an Output node (a loss that does not
      fit the last layer, outputs that do not match the targets) are problems
      or *warnings* (amber) by their level. Whole-graph findings such as
      "not connected to the Output" are left to the window's check before
      training, or they would paint every card of a half-built network.
    """
    result = infer_shapes(graph, input_shapes)
    infos: dict[str, NodeInfo] = {}
    for node in graph:
        info = result.nodes.get(node.id)
        if info is None:
            infos[node.id] = NodeInfo()
            continue
        problems = list(info.problems)
        hint = None
        if problems and _inputs_missing(graph, node.id):
            hint, problems = problems[0], problems[1:]
        count = info.trainable if info.shape is not None else None
        infos[node.id] = NodeInfo(info.shape, count, "; ".join(problems) or None, hint)
    for finding in validate_graph(graph, input_shapes, target_shape, analysis=result):
        node_id = finding.node_id
        if node_id is None or node_id not in infos or graph.node(node_id).kind != "output":
            continue
        old = infos[node_id]
        text = finding.message
        if finding.level == ERROR:
            problem = f"{old.problem}; {text}" if old.problem else text
            infos[node_id] = replace(old, problem=problem)
        else:
            warning = f"{old.warning}; {text}" if old.warning else text
            infos[node_id] = replace(old, warning=warning)
    return infos


def _inputs_missing(graph, node_id: str) -> bool:
    """Whether some input port the node needs has nothing connected."""
    spec = graph.node(node_id).spec
    ports = {e.port for e in graph.edges_into(node_id)}
    if spec.variable_inputs:
        return len(ports) < spec.min_inputs
    return any(p not in ports for p in range(len(spec.inputs)))
