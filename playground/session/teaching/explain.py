"""The step-through in words: one sentence per stage, with the actual numbers.

Reads a :class:`~.stepthrough.StepThrough` (numbers the engine computed) and
writes, for every stage, a sentence such as
``δ₁ = (ŷ₁ − y₁)·σ'(z₁) = (0.7514 − 0.01)·0.1868 = 0.1385`` and one line per unit,
weight and bias for tables and tooltips. Nothing here computes a value the
sentence states as a result: those come from the trace. Only the intermediate
factors written out (``1 − ŷ``, the terms of a sum) are the trace's own numbers
shown side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from playground.engine.backend import to_host
from playground.engine.optimizers import SGD, Optimizer

from .text import factor, num, sub, vector

if TYPE_CHECKING:
    from .stepthrough import LayerStep, StepThrough

MAX_TERMS = 6  # terms of a sum written out before "+ …"
SYMBOLS = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "LReLU", "identity": ""}
CLASS_LOSSES = ("softmax_cross_entropy", "categorical_cross_entropy")


@dataclass
class Stage:
    """One step of the walk: what happens, in one sentence with the actual numbers.

    ``kind`` is ``"forward"``, ``"loss"``, ``"backward"`` or ``"update"``; ``layer``
    indexes :attr:`StepThrough.layers` (``None`` for the loss and the update);
    ``details`` has one line per unit, weight or bias, for a table or tooltips.
    """

    kind: str
    layer: int | None
    title: str
    text: str
    details: list[str] = field(default_factory=list)
    node_ids: list[str] = field(default_factory=list)  # what to highlight on the canvas



# -- the stages ----------------------------------------------------------------------
def build_stages(trace: StepThrough, loss, optimizer: Optimizer, digits: int = 4) -> list[Stage]:
    """Forward layer 1 … n, the loss, backward layer n … 1, the update."""
    n = len(trace.layers)
    loss_text, grad_terms = describe_loss(loss, trace, digits)
    stages = [_forward_stage(trace, k, digits) for k in range(n)]
    stages.append(Stage("loss", None, f"Loss ({trace.loss_name})", loss_text,
                        node_ids=trace.layers[-1].node_ids))
    for k in range(n - 1, -1, -1):
        stages.append(_backward_stage(trace, k, grad_terms, digits))
    stages.append(_update_stage(trace, optimizer, digits))
    return stages


def _symbol(layer: LayerStep) -> str:
    return SYMBOLS.get(layer.activation, layer.activation)


def _net_input_line(layer: LayerStep, j: int, d: int) -> str:
    terms = [f"{factor(layer.inputs[i], d)}·{factor(layer.weights[i, j], d)}"
             for i in range(layer.inputs.size)]
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS - 1] + [f"… ({len(terms)} terms)"]
    if layer.bias is not None:
        terms.insert(0, num(layer.bias[j], d))
    return f"z{sub(j + 1)} = {' + '.join(terms)} = {num(layer.z[j], d)}"


def _activation_line(layer: LayerStep, j: int, d: int) -> str:
    s = sub(j + 1)
    if layer.activation == "identity":
        return f"h{s} = z{s} = {num(layer.h[j], d)}"
    if layer.activation == "softmax":
        return f"h{s} = softmax(z){s} = {num(layer.h[j], d)}"
    return f"h{s} = {_symbol(layer)}({num(layer.z[j], d)}) = {num(layer.h[j], d)}"


def _forward_stage(trace: StepThrough, k: int, d: int) -> Stage:
    layer = trace.layers[k]
    source = "the sample's inputs x" if k == 0 else f"the outputs of layer {k} as inputs x"
    lines = [f"unit {j + 1}: {_net_input_line(layer, j, d)}, {_activation_line(layer, j, d)}"
             for j in range(layer.units)]
    applies = ("has no activation (h = z)" if layer.activation == "identity"
               else f"applies {layer.activation}")
    text = (f"Layer {layer.index} takes {source}; each unit adds its bias to the weighted sum of the "
            f"inputs and {applies}: {_net_input_line(layer, 0, d)}, {_activation_line(layer, 0, d)}")
    if layer.units > 1:
        text += (f" (all {layer.units} units: z = {vector(layer.z, d)}, "
                 f"h = {vector(layer.h, d)})")
    title = f"Forward: layer {layer.index} ({' → '.join(layer.node_ids)})"
    return Stage("forward", k, title, text + ".", lines, layer.node_ids)


def _grouped(expr: str) -> str:
    """``[2·(0.5 − 1)/2]`` so a quotient reads right as a factor."""
    return f"[{expr}]" if "/" in expr else expr


def _delta_line(trace: StepThrough, k: int, j: int, grad_terms, d: int) -> str:
    """δⱼ for one unit, e.g. ``δ₁ = (ŷ₁ − y₁)·σ'(z₁) = (0.7514 − 0.01)·0.1868 = 0.1385``."""
    layer = trace.layers[k]
    s = sub(j + 1)
    delta = num(layer.delta[j], d)
    f = _symbol(layer)
    if k == len(trace.layers) - 1:
        sym, value = grad_terms[j]
        if layer.activation == "identity":
            return f"δ{s} = ∂L/∂ŷ{s} = {sym} = {value} = {delta}"
        if layer.activation == "softmax":
            return (f"∂L/∂ŷ{s} = {sym} = {value}; softmax mixes its units: "
                    f"δ{s} = h{s}·(∂L/∂h{s} − Σₖ hₖ·∂L/∂hₖ) = {delta}")
        return (f"δ{s} = {_grouped(sym)}·{f}'(z{s}) = {_grouped(value)}·{factor(layer.slope[j], d)} "
                f"= {delta}")
    nxt = trace.layers[k + 1]
    terms = [f"{factor(nxt.weights[j, m], d)}·{factor(nxt.delta[m], d)}" for m in range(nxt.units)]
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS - 1] + [f"… ({len(terms)} terms)"]
    incoming = (f"∂L/∂h{s} = Σₖ w{s}ₖ·δₖ (layer {nxt.index}) = {' + '.join(terms)} "
                f"= {num(layer.grad_h[j], d)}")
    if layer.activation == "identity":
        return f"{incoming}, so δ{s} = ∂L/∂h{s} = {delta}"
    if layer.activation == "softmax":
        return f"{incoming}; softmax mixes its units: δ{s} = h{s}·(∂L/∂h{s} − Σₖ hₖ·∂L/∂hₖ) = {delta}"
    return (f"{incoming}, so δ{s} = ∂L/∂h{s}·{f}'(z{s}) = {factor(layer.grad_h[j], d)}·"
            f"{factor(layer.slope[j], d)} = {delta}")


def _gradient_lines(layer: LayerStep, d: int) -> list[str]:
    lines = []
    for i in range(layer.inputs.size):
        for j in range(layer.units):
            s = sub(i + 1, j + 1)
            lines.append(f"∂L/∂w{s} = x{sub(i + 1)}·δ{sub(j + 1)} = {factor(layer.inputs[i], d)}·"
                         f"{factor(layer.delta[j], d)} = {num(layer.grad_weights[i, j], d)}")
    if layer.grad_bias is not None:
        for j in range(layer.units):
            lines.append(f"∂L/∂b{sub(j + 1)} = δ{sub(j + 1)} = {num(layer.grad_bias[j], d)}")
    return lines


def _backward_stage(trace: StepThrough, k: int, grad_terms, d: int) -> Stage:
    layer = trace.layers[k]
    deltas = [_delta_line(trace, k, j, grad_terms, d) for j in range(layer.units)]
    grads = _gradient_lines(layer, d)
    where = "the output layer" if k == len(trace.layers) - 1 else f"layer {layer.index}"
    text = f"Error terms of {where} by the chain rule: {deltas[0]}; then {grads[0]}"
    if layer.units > 1:
        text += f" (all δ = {vector(layer.delta, d)})"
    note = _cancel_note(trace, k, d)
    title = f"Backward: layer {layer.index} ({' → '.join(layer.node_ids)})"
    return Stage("backward", k, title, text + "." + note, deltas + grads, layer.node_ids)


def _cancel_note(trace: StepThrough, k: int, d: int) -> str:
    """Sigmoid with binary cross-entropy: the σ' cancels and δ = ŷ − y (worth saying)."""
    layer = trace.layers[k]
    if not (k == len(trace.layers) - 1 and trace.loss_name == "bce" and layer.activation == "sigmoid"
            and layer.activation_params.get("steepness") == 1.0):
        return ""
    if layer.units == 1:
        y, t = trace.output[0], trace.target[0]
        return (f" With a sigmoid output and cross-entropy the σ' cancels: δ = ŷ − y = {num(y, d)} − "
                f"{factor(t, d)} = {num(layer.delta[0], d)}.")
    return f" With a sigmoid output and cross-entropy the σ' cancels: δₖ = (ŷₖ − yₖ)/{layer.units}."


def _update_stage(trace: StepThrough, optimizer: Optimizer, d: int) -> Stage:
    plain_sgd = type(optimizer) is SGD and optimizer.momentum == 0.0 and not optimizer.hooks
    eta = num(trace.learning_rate, d)
    lines = []
    for layer in trace.layers:
        entries = [("W", (i, j), layer.weights[i, j], layer.grad_weights[i, j], layer.new_weights[i, j])
                   for i in range(layer.inputs.size) for j in range(layer.units)]
        if layer.bias is not None:
            entries += [("b", (j,), layer.bias[j], layer.grad_bias[j], layer.new_bias[j])
                        for j in range(layer.units)]
        for key, index, old, grad, new in entries:
            label = f"{layer.dense_id}.{key.lower()}{sub(*(i + 1 for i in index))}"  # dense1.w₁₂, dense1.b₂
            if layer.frozen:
                lines.append(f"{label} = {num(old, d)} (frozen: not updated)")
            elif plain_sgd:
                lines.append(f"{label} = {num(old, d)} − {eta}·{factor(grad, d)} = {num(new, d)}")
            else:
                lines.append(f"{label}: {num(old, d)} → {num(new, d)} (change {num(new - old, d)})")
    if plain_sgd:
        text = (f"Every weight and bias moves against its gradient, w ← w − η·∂L/∂w with η = {eta}: "
                f"{lines[0]}")
    else:
        hooks = f" after the hooks {', '.join(repr(h) for h in optimizer.hooks)}" if optimizer.hooks else ""
        text = f"The optimizer {trace.optimizer} updates every weight and bias{hooks}: {lines[0]}"
    nodes = [n for layer in trace.layers for n in layer.node_ids]
    return Stage("update", None, "Update", text + ".", lines, nodes)


# -- the loss, in words -------------------------------------------------------------------
def describe_loss(loss, trace: StepThrough, d: int = 4) -> tuple[str, list[tuple[str, str]]]:
    """The loss sentence and, per output unit, ``∂L/∂ŷₖ`` as (formula, numbers).

    The probabilities shown for the logit losses come from the engine's loss
    object (its ``sigmoid`` or ``p`` after forward), not from a recomputation.
    """
    y, t, K, value = trace.output, trace.target, trace.output.size, num(trace.loss, d)
    name = trace.loss_name
    per = f"/{K}" if K > 1 else ""
    diffs = [f"({num(y[k], d)} − {factor(t[k], d)})" for k in range(K)]
    if name == "mse":
        squares = " + ".join(f"{diff}²" for diff in diffs[:4]) + (" + …" if K > 4 else "")
        if loss.form == "half_sum":
            formula = "½(ŷ − y)²" if K == 1 else "½ Σₖ (ŷₖ − yₖ)²"
            text = f"L = {formula} = ½{squares if K == 1 else '[' + squares + ']'} = {value}"
            grads = [(f"(ŷ{sub(k + 1)} − y{sub(k + 1)})", diffs[k]) for k in range(K)]
        else:
            formula = "(ŷ − y)²" if K == 1 else f"(1/{K}) Σₖ (ŷₖ − yₖ)²"
            text = f"L = {formula} = {squares if K == 1 else '[' + squares + ']/' + str(K)} = {value}"
            grads = [(f"2(ŷ{sub(k + 1)} − y{sub(k + 1)}){per}", f"2·{diffs[k]}{per}") for k in range(K)]
    elif name == "bce":
        p = np.asarray(to_host(loss.sigmoid))[0] if loss.from_logits else y
        logs = " + ".join(f"{factor(t[k], d)}·log {num(p[k], d)} + {factor(1 - t[k], d)}·log {num(1 - p[k], d)}"
                          for k in range(min(K, 2)))
        start = f"with p = σ(ŷ) = {vector(p, d)}, " if loss.from_logits else ""
        sym_p = "p" if loss.from_logits else "ŷ"
        mean = f"−(1/{K}) Σₖ" if K > 1 else "−"
        text = (f"{start}L = {mean}[y log {sym_p} + (1 − y) log(1 − {sym_p})] = −[{logs}{' + …' if K > 2 else ''}]"
                f"{per} = {value}")
        if loss.from_logits:
            grads = [(f"(p{sub(k + 1)} − y{sub(k + 1)}){per}", f"({num(p[k], d)} − {factor(t[k], d)}){per}")
                     for k in range(K)]
        else:
            grads = [(f"(ŷ{sub(k + 1)} − y{sub(k + 1)})/(ŷ{sub(k + 1)}(1 − ŷ{sub(k + 1)})){per}",
                      f"{diffs[k]}/({num(y[k], d)}·{num(1 - y[k], d)}){per}") for k in range(K)]
    elif name in CLASS_LOSSES:
        fused = name == "softmax_cross_entropy"
        p = np.asarray(to_host(loss.p))[0] if fused else y
        start = f"p = softmax(ŷ) = {vector(p, d)}, " if fused else ""
        hot = np.flatnonzero(t)
        if len(hot) == 1 and t[hot[0]] == 1:
            sum_text = f"−log {num(p[hot[0]], d)}"
        else:
            sum_text = "−(" + " + ".join(f"{factor(t[k], d)}·log {num(p[k], d)}" for k in hot) + ")"
        sym = "p" if fused else "ŷ"
        text = f"{start}L = −Σₖ yₖ log {sym}ₖ = {sum_text} = {value}"
        if fused:
            grads = [(f"(p{sub(k + 1)} − y{sub(k + 1)})", f"({num(p[k], d)} − {factor(t[k], d)})")
                     for k in range(K)]
        else:
            grads = [(f"−y{sub(k + 1)}/ŷ{sub(k + 1)}", f"−{factor(t[k], d)}/{num(y[k], d)}") for k in range(K)]
    else:
        text = f"L = {value} ({name}, comparing ŷ = {vector(y, d)} with y = {vector(t, d)})"
        grads = [(f"∂L/∂ŷ{sub(k + 1)}", factor(trace.loss_grad[k], d)) for k in range(K)]
    text += f"; its gradient, where backpropagation starts, is ∂L/∂ŷ = {vector(trace.loss_grad, d)}."
    return text, grads
