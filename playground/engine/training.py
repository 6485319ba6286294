"""One training step: forward, loss, backward, update — the one loop every trainer runs.

The whole of learning in four lines; kept lean because it is the hot loop of
every training run (and of ``scripts/bench_engine.py``). :func:`backprop` is the
first three (the gradients without the update: diagnostics, gradient checks);
:func:`train_step` adds the update. A caller that wants to see inside a step
(the predictions for its metrics, the step-through's numbers) passes ``watch``:
it is called with the predictions and ``∂L/∂ŷ`` after the backward pass and
before the update, when every ``p.grad`` holds what backpropagation gave and
every ``p.data`` still the weights it was computed for. Gradients a layer
receives in its own backward are recorded by :func:`record_incoming_gradients`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def backprop(net, loss, *inputs, target) -> tuple[Any, Any, Any]:
    """Forward and backward on one batch; every parameter's ``grad`` is filled, no weight changes.

    Returns ``(loss value, predictions ŷ, ∂L/∂ŷ)``; the value is the loss function's
    alone (without the extra terms in ``net.loss_terms``), as the backend's scalar.
    """
    y = net.forward(*inputs)                 # forward: predictions for the batch
    value = loss.forward(y, target)          # how wrong they are
    dy = loss.backward()                     # ∂L/∂ŷ
    net.backward(dy)                         # ∂L/∂w for every parameter, by the chain rule
    return value, y, dy


def train_step(net, loss, optimizer, *inputs, target,
               watch: Callable[[Any, Any], None] | None = None) -> float:
    """Train ``net`` on one batch and return the loss before the update.

    The returned value includes the extra terms layers add (sparsity, KL,
    contractive: ``net.total_penalty()``); their gradients are already part of
    those layers' backward passes. ``watch(ŷ, ∂L/∂ŷ)``, if given, sees the step
    between backpropagation and the update.
    """
    value, y, dy = backprop(net, loss, *inputs, target=target)
    if watch is not None:
        watch(y, dy)
    optimizer.step()                         # w ← w − η·(what the optimizer makes of ∂L/∂w)
    if net.loss_terms:
        value = value + net.total_penalty()
    return float(value)


def record_incoming_gradients(net, node_ids: Iterable[str]) -> dict[str, Any]:
    """Make these nodes' layers remember the gradient their ``backward`` receives (∂L/∂output).

    Returns the dict that fills as :func:`backprop` runs: node id → that gradient (the
    array the layer got, not a copy). For teaching views on a throw-away copy of a
    network: the layers' ``backward`` are wrapped for good.
    """
    seen: dict[str, Any] = {}
    for node_id in node_ids:
        layer = net.nodes[node_id].layer
        original = layer.backward

        def backward(dy, _id=node_id, _original=original):
            seen[_id] = dy
            return _original(dy)

        layer.backward = backward  # an instance attribute: Network.backward calls it
    return seen
