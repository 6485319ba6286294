"""Plain-words notes on what the instruments show: vanishing, exploding, dead, symmetric.

Inputs are the plain data a report already carries, so the notes can be made on
the GUI thread without touching the network:

* ``grad_norms``: node id → ‖∂L/∂θ‖ of that node's parameters, in network order
  (``Report.grad_norms``, ``Network.grad_norms()``);
* ``weights``: parameter name → host array (``Network.state_dict()``); Dense
  weights are ``(inputs, units)`` (column j = unit j's incoming weights), conv
  weights ``(filters, …)``;
* ``activations``: node id → that node's output for a whole batch,
  ``(batch, units…)`` (a report keeps one sample only, which cannot show a dead unit).

The rules::

    vanishing   ‖g‖ < 1e-6 in a layer (runs of such layers are named together)
    shrinking   ‖g‖ of the first layer < 1e-3 · the largest ‖g‖ (a warning sign before vanishing)
    exploding   ‖g‖ > 1e3, or not a finite number
    dead units  a unit whose output is 0 for every sample of the batch (ReLU that never fires)
    symmetry    two or more units of a layer with identical incoming weights and bias:
                they compute the same output and get the same gradient, so they stay identical.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from playground.engine.backend import to_host
from playground.engine.layers.activation import Activation
from playground.engine.network import Network
from playground.engine.training import backprop

from .text import num, sci, span

VANISHING = 1e-6
EXPLODING = 1e3
SHRINKING = 1e-3
DEAD_KINDS = ("relu",)  # activations whose units can die (output exactly 0 for all inputs)


@dataclass
class Note:
    kind: str                 # "vanishing" | "shrinking" | "exploding" | "dead_units" | "symmetry"
    layers: list[str]         # node ids the note is about (to highlight on the canvas)
    text: str
    severity: str = "warning"  # "warning" or "info"
    values: dict[str, float] = field(default_factory=dict)  # the numbers behind the note


# -- gradients --------------------------------------------------------------------------
def _runs(names: list[str], flagged: set[str]) -> list[list[str]]:
    """Consecutive runs (in network order) of the flagged names."""
    runs, current = [], []
    for name in names:
        if name in flagged:
            current.append(name)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def gradient_notes(grad_norms: dict[str, float], vanishing: float = VANISHING,
                   exploding: float = EXPLODING) -> list[Note]:
    """Vanishing, shrinking and exploding gradients from per-layer norms (in network order)."""
    names = list(grad_norms)
    norms = {k: float(v) for k, v in grad_norms.items()}
    notes = []
    bad = {k for k, v in norms.items() if not math.isfinite(v)}
    big = {k for k, v in norms.items() if math.isfinite(v) and v > exploding}
    small = {k for k, v in norms.items() if 0 < v < vanishing}
    zero = {k for k, v in norms.items() if v == 0}
    if bad:
        layers = [k for k in names if k in bad]
        notes.append(Note("exploding", layers, f"Gradients are not finite numbers in {', '.join(layers)}: "
                          "training has diverged. Try a lower learning rate or gradient clipping.",
                          values={k: norms[k] for k in layers}))
    for run in _runs(names, big):
        notes.append(Note("exploding", run, f"Exploding gradients (norm > {sci(exploding)} in {span(run)}): "
                          "try a lower learning rate or gradient clipping.",
                          values={k: norms[k] for k in run}))
    for run in _runs(names, small):
        notes.append(Note("vanishing", run, f"Vanishing gradients in {span(run)} (norm < {sci(vanishing)}): "
                          "these layers barely learn. Try ReLU, He initialization, batch norm or skip "
                          "connections.", values={k: norms[k] for k in run}))
    for run in _runs(names, zero):
        notes.append(Note("vanishing", run, f"No gradient at all reaches {span(run)} (norm 0): the units "
                          "above are dead or their activation has zero slope (steps), so these weights "
                          "cannot learn.", values={k: 0.0 for k in run}))
    finite = [v for v in norms.values() if math.isfinite(v)]
    if len(names) >= 2 and not small and not zero and not bad and finite and max(finite) > 0:
        first, top = norms[names[0]], max(finite)
        top_name = max((k for k in names if math.isfinite(norms[k])), key=norms.get)
        if math.isfinite(first) and first < SHRINKING * top:
            notes.append(Note("shrinking", [names[0], top_name],
                              f"The gradient norm shrinks from {num(top, 3)} in {top_name} to {num(first, 3)} "
                              f"in {names[0]} (a factor of {num(top / max(first, 1e-300), 2)}): the first "
                              "layers learn much more slowly, a first sign of vanishing gradients.",
                              severity="info", values={names[0]: first, top_name: top}))
    return notes


# -- dead units ----------------------------------------------------------------------------
def dead_fractions(activations: dict[str, np.ndarray]) -> dict[str, float]:
    """Per node, the fraction of units whose output is 0 for every sample of the batch."""
    fractions = {}
    for node_id, a in activations.items():
        a = np.asarray(to_host(a))
        flat = a.reshape(a.shape[0], -1)
        fractions[node_id] = float(np.mean(np.all(flat == 0, axis=0))) if flat.size else 0.0
    return fractions


def dead_unit_notes(activations: dict[str, np.ndarray]) -> list[Note]:
    notes = []
    for node_id, fraction in dead_fractions(activations).items():
        if fraction == 0:
            continue
        units = int(np.prod(np.asarray(activations[node_id]).shape[1:]))
        dead = round(fraction * units)
        severity = "warning" if fraction >= 0.5 else "info"
        notes.append(Note("dead_units", [node_id],
                          f"{node_id}: {dead} of {units} units ({fraction:.0%}) are dead — their output is 0 "
                          "for every sample of the batch, so no gradient reaches their weights and they stop "
                          "learning. Try a lower learning rate, He initialization, a smaller negative bias or "
                          "Leaky ReLU.", severity=severity, values={node_id: fraction}))
    return notes


# -- symmetry --------------------------------------------------------------------------------
def _unit_rows(weight: np.ndarray, bias: np.ndarray | None) -> np.ndarray | None:
    """One row per unit: its incoming weights (and bias). ``None`` for shapes we do not know."""
    if weight.ndim == 2:      # Dense: (inputs, units)
        rows = weight.T
    elif weight.ndim == 4:    # convolution: (filters, channels, kh, kw)
        rows = weight.reshape(weight.shape[0], -1)
    else:
        return None
    if bias is not None and bias.shape == (rows.shape[0],):
        rows = np.column_stack([rows, bias])
    return rows


def symmetric_units(weights: dict[str, np.ndarray], tolerance: float = 1e-6) -> dict[str, list[list[int]]]:
    """Per layer, groups (0-based unit indices) of units with identical weights and bias.

    Two units count as identical when every incoming weight agrees to within
    ``tolerance`` times the layer's largest weight.
    """
    groups: dict[str, list[list[int]]] = {}
    for name, w in weights.items():
        layer, _, key = name.rpartition(".")
        if key != "W":
            continue
        bias = weights.get(f"{layer}.b")
        rows = _unit_rows(np.asarray(to_host(w), dtype=np.float64),
                          None if bias is None else np.asarray(to_host(bias), dtype=np.float64))
        if rows is None or rows.shape[0] < 2:
            continue
        scale = float(np.max(np.abs(rows))) or 1.0
        keys = np.round(rows / (scale * tolerance))
        _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        found = [np.flatnonzero(inverse == g).tolist() for g in np.flatnonzero(counts > 1)]
        if found:
            groups[layer] = sorted(found)
    return groups


def symmetry_notes(weights: dict[str, np.ndarray]) -> list[Note]:
    notes = []
    for layer, groups in symmetric_units(weights).items():
        w = np.asarray(weights[f"{layer}.W"])
        units = w.shape[1] if w.ndim == 2 else w.shape[0]
        if len(groups) == 1 and len(groups[0]) == units:
            who = f"all {units} units have"
        else:
            who = "; ".join("units " + ", ".join(str(i + 1) for i in g) for g in groups) + " have"
        notes.append(Note("symmetry", [layer], f"{layer}: {who} identical weights — they will learn the same "
                          "thing (symmetry). Use a random initializer.",
                          values={"groups": float(len(groups))}))
    return notes


# -- all together -------------------------------------------------------------------------------
def diagnose(grad_norms: dict[str, float] | None = None, weights: dict[str, np.ndarray] | None = None,
             activations: dict[str, np.ndarray] | None = None, *, vanishing: float = VANISHING,
             exploding: float = EXPLODING) -> list[Note]:
    """Every note the given data supports (leave out what you do not have)."""
    notes = []
    if grad_norms:
        notes += gradient_notes(grad_norms, vanishing, exploding)
    if activations:
        notes += dead_unit_notes(activations)
    if weights:
        notes += symmetry_notes(weights)
    return notes


def diagnose_report(report, weights: dict[str, np.ndarray] | None = None) -> list[Note]:
    """Notes from a :class:`~playground.session.report.Report` (its gradient norms) and optional weights."""
    return diagnose(report.grad_norms, weights)


def dead_candidates(net: Network) -> list[str]:
    """Activation nodes whose units can die (ReLU)."""
    return [node_id for node_id in net.order
            if isinstance(net.nodes[node_id].layer, Activation)
            and net.nodes[node_id].layer.activation in DEAD_KINDS]


def diagnose_network(net: Network, loss, x, target, **thresholds) -> list[Note]:
    """Run one batch forward and backward through ``net`` (evaluation mode) and diagnose it.

    The weights do not change; the network's cached outputs and gradients are
    overwritten (call it between training steps, not during one).
    """
    was_training = net.training
    net.train(False)
    try:
        target = np.asarray(target)
        t = net.backend.asarray(target) if target.dtype.kind == "f" else net.backend.xp.asarray(target)
        backprop(net, loss, net.backend.asarray(np.asarray(x)), target=t)  # the training step without the update
        activations = {n: net.node_output(n) for n in dead_candidates(net)}
        return diagnose(net.grad_norms(), net.state_dict(), activations, **thresholds)
    finally:
        net.train(was_training)
