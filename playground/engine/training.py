"""One training step: forward, loss, backward, update.

The whole of learning in four lines; kept lean because it is the hot loop of
every training run (and of ``scripts/bench_engine.py``).
"""

from __future__ import annotations


def train_step(net, loss, optimizer, *inputs, target) -> float:
    """Train ``net`` on one batch and return the loss before the update.

    The returned value includes the extra terms layers add (sparsity, KL,
    contractive: ``net.total_penalty()``); their gradients are already part of
    those layers' backward passes.
    """
    y = net.forward(*inputs)                 # forward: predictions for the batch
    value = loss.forward(y, target)          # how wrong they are
    net.backward(loss.backward())            # ∂L/∂w for every parameter, by the chain rule
    optimizer.step()                         # w ← w − η·(what the optimizer makes of ∂L/∂w)
    if net.loss_terms:
        value = value + net.total_penalty()
    return float(value)
