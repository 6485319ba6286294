"""Backpropagation, one sample and one training step, unit by unit.

For a small stack of Dense and Activation layers (up to ~50 units) this runs
ONE sample through ONE training step and records, for every layer ``k`` and
unit ``j``::

    net input      zⱼ = bⱼ + Σᵢ xᵢ·wᵢⱼ          (x: the layer's inputs)
    activation     hⱼ = f(zⱼ)
    loss           L(ŷ, y)                      (ŷ: the last layer's h)
    error term     δⱼ = ∂L/∂zⱼ = ∂L/∂hⱼ · f'(zⱼ)
                   ∂L/∂hⱼ = ∂L/∂ŷⱼ at the output, Σₖ wⱼₖ·δₖ (next layer) below it
    gradients      ∂L/∂wᵢⱼ = xᵢ·δⱼ,   ∂L/∂bⱼ = δⱼ
    update         w ← w − η·∂L/∂w   (or whatever the optimizer does)

The numbers are not computed by a second implementation: the network is copied
to float64 and the *engine* trains it one step with the one training loop
(:func:`playground.engine.training.train_step`) — its forward caches give z and h,
the gradient each layer's ``backward`` receives gives ∂L/∂h and δ
(:func:`~playground.engine.training.record_incoming_gradients`), the parameters'
``grad`` seen between backpropagation and the update give the weight gradients,
and the real optimizer's ``step`` gives the new values. The original network is
left untouched.

The result is plain data (host NumPy arrays in dataclasses) plus a list of
:class:`~.explain.Stage` objects — forward layer 1, forward layer 2, …, loss,
backward layer n, …, backward layer 1, update — each with one sentence that
uses the actual numbers (written by :mod:`.explain`), so a window can walk
through them one at a time.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from playground.engine.backend import numpy_backend, to_host
from playground.engine.layers.activation import Activation
from playground.engine.layers.dense import Dense
from playground.engine.network import Input, Network
from playground.engine.optimizers import SGD, Optimizer, get_optimizer
from playground.engine.training import record_incoming_gradients, train_step

from .explain import CLASS_LOSSES, Stage, build_stages

MAX_UNITS = 50


class StepThroughError(ValueError):
    """The network cannot be stepped through; the message says why and what to do."""


@dataclass
class LayerStep:
    """One layer of neurons: a Dense node and the Activation node after it (if any).

    Vectors have one entry per unit (``units``) or per input (``inputs``);
    matrices are ``(inputs, units)`` like the engine's ``W``: row ``i`` holds the
    weights leaving input ``i``, column ``j`` those arriving at unit ``j``.
    """

    index: int                  # 1, 2, … from the input side
    dense_id: str
    activation_id: str | None
    activation: str             # "sigmoid", … ("identity" when no Activation follows)
    activation_params: dict     # e.g. {"steepness": 1.0}
    inputs: np.ndarray          # x: what the layer receives (the previous layer's h)
    weights: np.ndarray         # W before the update, (inputs, units)
    bias: np.ndarray | None     # b before the update
    z: np.ndarray               # net input
    h: np.ndarray               # activation f(z)
    grad_h: np.ndarray          # ∂L/∂h
    slope: np.ndarray           # f'(z) (for softmax: the diagonal of its Jacobian)
    delta: np.ndarray           # δ = ∂L/∂z
    grad_weights: np.ndarray    # ∂L/∂W = x ⊗ δ
    grad_bias: np.ndarray | None
    new_weights: np.ndarray     # W after the optimizer step
    new_bias: np.ndarray | None
    frozen: bool = False        # frozen layers keep their weights (transfer learning)

    @property
    def units(self) -> int:
        return int(self.z.size)

    @property
    def node_ids(self) -> list[str]:
        return [self.dense_id] + ([self.activation_id] if self.activation_id else [])


@dataclass
class StepThrough:
    x: np.ndarray            # the sample, (inputs,)
    target: np.ndarray       # its target, (outputs,) (one-hot for class labels)
    output: np.ndarray       # ŷ, the network's output before the update
    loss: float              # L before the update
    loss_name: str
    loss_grad: np.ndarray    # ∂L/∂ŷ
    layers: list[LayerStep]
    stages: list[Stage]
    optimizer: str           # e.g. "SGD(lr=0.5, momentum=0.0, nesterov=False)"
    learning_rate: float


# -- which networks qualify ----------------------------------------------------------
def neuron_layers(net: Network, max_units: int = MAX_UNITS) -> list[tuple[str, str | None]]:
    """``[(dense id, activation id or None), …]`` from the input to the output.

    Raises :class:`StepThroughError` in plain words for networks the step-through
    cannot show: branches or merges, layers other than Dense and Activation,
    batch norm and dropout (they need a whole batch or randomness), or more than
    ``max_units`` units.
    """
    path = _path_to_output(net)
    groups: list[list] = []
    for node_id in path:
        layer = net.nodes[node_id].layer
        _check_supported(node_id, layer)
        if isinstance(layer, Dense):
            groups.append([node_id, None])
        elif not groups:
            raise StepThroughError(f"{node_id} applies an activation straight to the inputs; the "
                                   "step-through expects every Activation to follow a Dense layer.")
        elif groups[-1][1] is not None:
            raise StepThroughError(f"{groups[-1][1]} and {node_id} are two activations in a row; "
                                   "keep one activation after each Dense layer to step through.")
        else:
            groups[-1][1] = node_id
    if not groups:
        raise StepThroughError("The network has no Dense layer, so there are no weights to follow.")
    sizes = {d: net.nodes[d].layer.units for d, _ in groups}
    total = sum(sizes.values())
    if total > max_units:
        listing = ", ".join(f"{d}: {n}" for d, n in sizes.items())
        raise StepThroughError(f"The step-through shows every unit and weight, which stays readable up "
                               f"to {max_units} units; this network has {total} ({listing}). "
                               "Try it on a smaller network.")
    return [(d, a) for d, a in groups]


def _path_to_output(net: Network) -> list[str]:
    """Node ids from the first layer after the input to the output, following single inputs."""
    if net.output_id is None:
        raise StepThroughError("The network has no output yet.")
    path, node_id = [], net.output_id
    while not isinstance(net.nodes[node_id].layer, Input):
        inputs = net.nodes[node_id].inputs
        if len(inputs) != 1:
            raise StepThroughError(f"{node_id} takes {len(inputs)} inputs; the step-through follows a "
                                   "plain stack of layers (one input each), without branches or merges.")
        path.append(node_id)
        node_id = inputs[0]
    return path[::-1]


def _check_supported(node_id: str, layer) -> None:
    kind = layer.kind
    if kind == "batchnorm":
        raise StepThroughError(f"{node_id} is a batch-normalization layer: it normalizes each feature "
                               "over a whole batch, so its numbers do not exist for one sample alone. "
                               "Step through the network without batch norm.")
    if kind in ("dropout", "dropconnect"):
        raise StepThroughError(f"{node_id} is a dropout layer: it switches parts of the network off at "
                               "random, so one step would not show the network's own numbers. Remove "
                               "it to step through.")
    if kind not in ("dense", "activation") or type(layer) not in (Dense, Activation):
        raise StepThroughError(f"{node_id} is a {kind} layer; the step-through shows stacks of Dense "
                               "and Activation layers only.")


# -- running the engine ----------------------------------------------------------------
def float64_copy(net: Network) -> Network:
    """A copy of ``net`` on NumPy in float64 (same weights, buffers and graph).

    Runs of the copy do not touch the original; float64 keeps the rounding of the
    teaching numbers far below the digits shown.
    """
    memo: dict = {id(m): m for m in (net.backend.xp, *(n.layer.xp for n in net.nodes.values()))}
    memo.update({id(n.layer.noise): None for n in net.nodes.values()})  # made anew below
    twin = copy.deepcopy(net, memo=memo)  # array modules are shared, not copied
    twin.backend = numpy_backend(np.float64)
    for node in twin.nodes.values():
        layer = node.layer
        layer.xp, layer.dtype = np, np.float64
        for p in layer.params.values():
            p.data = np.array(to_host(p.data), dtype=np.float64)
            p.grad = np.zeros_like(p.data)
        for key, value in layer.buffers.items():
            layer.buffers[key] = np.array(to_host(value), dtype=np.float64)
        layer.reseed(0)
    return twin


def _twin_optimizer(optimizer, twin: Network, lr: float) -> Optimizer:
    """The optimizer for the copy: the same kind, settings, hooks and moment buffers."""
    params = twin.parameters()
    if optimizer is None:
        return SGD(params, lr=lr)
    if isinstance(optimizer, str):
        return get_optimizer(optimizer, params, lr=lr)
    by_name = {p.name: p for p in params}
    mine = [by_name[p.name] for p in optimizer.params if p.name in by_name]
    clone = type(optimizer)(mine, **optimizer.config())
    for hook in optimizer.hooks:
        clone.add_hook(copy.deepcopy(hook))
    saved = optimizer.state_dict()
    saved["state"] = {k: v for k, v in saved["state"].items() if k in by_name}
    clone.load_state_dict(saved)
    return clone


def _batch_of_one(loss, x, target) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, target for the engine, target to show)`` with a batch axis of 1."""
    xb = np.asarray(x, dtype=np.float64).reshape(1, -1)
    t = np.asarray(target)
    if getattr(loss, "name", "") in CLASS_LOSSES and t.ndim == 0:
        return xb, t.reshape(1).astype(np.int64), t  # a class label; shown one-hot later
    t = t.astype(np.float64).reshape(1, -1)
    return xb, t, t[0]


def step_through(net: Network, loss, x, target, optimizer=None, *, lr: float = 0.1,
                 max_units: int = MAX_UNITS, digits: int = 4) -> StepThrough:
    """Run one sample ``x`` with ``target`` through one training step of ``net``.

    ``optimizer`` is ``None`` (plain SGD with ``lr``), a name (``"adam"``, with
    ``lr``) or a live :class:`Optimizer` of ``net``, whose kind, settings, hooks
    and moment buffers are copied (then ``lr`` is ignored). ``target`` may be a
    class label for the softmax/categorical cross-entropies. ``net`` itself is
    not changed. Raises :class:`StepThroughError` for networks it cannot show.
    """
    groups = neuron_layers(net, max_units)
    twin = float64_copy(net)
    loss = copy.deepcopy(loss)
    opt = _twin_optimizer(optimizer, twin, lr)
    received = record_incoming_gradients(twin, [n for g in groups for n in g if n])
    xb, tb, shown_target = _batch_of_one(loss, x, target)

    named = twin.named_parameters()
    seen: dict = {}

    def watch(y, dy):  # after backpropagation, before the update
        seen["before"] = {name: p.data.copy() for name, p in named.items()}
        seen["grads"] = {name: p.grad.copy() for name, p in named.items()}
        seen["dy"] = np.array(dy)

    value = train_step(twin, loss, opt, xb, target=tb, watch=watch)  # the engine's one training step
    before, grads, dy = seen["before"], seen["grads"], seen["dy"]
    after = {name: np.array(p.data) for name, p in named.items()}
    incoming = {node_id: np.array(g[0], dtype=np.float64) for node_id, g in received.items()}

    layers = []
    for index, (dense_id, act_id) in enumerate(groups, start=1):
        layers.append(_layer_step(twin, index, dense_id, act_id, incoming, before, grads, after))
    output = layers[-1].h
    if shown_target.ndim == 0:  # a class label: show it one-hot
        shown_target = np.eye(output.size)[int(shown_target)]
    result = StepThrough(x=xb[0], target=np.asarray(shown_target, dtype=np.float64), output=output,
                         loss=value, loss_name=getattr(loss, "name", type(loss).__name__),
                         loss_grad=np.array(dy[0]), layers=layers, stages=[],
                         optimizer=repr(opt), learning_rate=float(opt.lr))
    result.stages = build_stages(result, loss, opt, digits)
    return result


def _layer_step(twin, index, dense_id, act_id, incoming, before, grads, after) -> LayerStep:
    dense = twin.nodes[dense_id].layer
    x = twin.node_output(twin.nodes[dense_id].inputs[0], 0).copy()
    z = twin.node_output(dense_id, 0).copy()
    if act_id is None:
        h, grad_h, slope, name, params = z, incoming[dense_id], np.ones_like(z), "identity", {}
    else:
        function = twin.nodes[act_id].layer.function
        h, grad_h, name = twin.node_output(act_id, 0).copy(), incoming[act_id], function.name
        params = dict(function.params)
        slope = np.asarray(function.derivative(z), dtype=np.float64)  # the engine's f'(z)
    w, b = f"{dense_id}.W", f"{dense_id}.b"
    has_bias = dense.use_bias
    return LayerStep(
        index=index, dense_id=dense_id, activation_id=act_id, activation=name,
        activation_params=params, inputs=x,
        weights=before[w], bias=before[b] if has_bias else None, z=z, h=h, grad_h=grad_h,
        slope=slope, delta=incoming[dense_id], grad_weights=grads[w],
        grad_bias=grads[b] if has_bias else None, new_weights=after[w],
        new_bias=after[b] if has_bias else None, frozen=dense.params["W"].frozen)
