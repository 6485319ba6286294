"""Presets: known-good and known-bad settings, each with a sentence on what to watch.

A :class:`Preset` is a short list of changes to a project — training settings by
dotted path (``"optimizer.lr"``), parameters of nodes (every Dense layer's
initializer) or the kind of a node (a hidden tanh becomes a sigmoid) — plus the
sentence a student reads while training: *"the loss jumps and may explode"*.
:func:`presets_for` builds the list that fits one project (learning rates that are
too high for Adam are not too high for Adadelta; a preset about hidden layers needs
hidden layers). :func:`apply_preset` applies one directly (headless, tests); the
window applies the same changes through its undo commands, one undo step per preset.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .catalog import get_spec, kinds_in_group
from .errors import ModelError
from .graph import Graph
from .project import Project

# (too high, too low, just right) learning rates for each optimizer, tried on XOR and the circle.
# Adadelta scales its own steps: even the largest rate allowed (100) trains well, so it has no "too high".
LEARNING_RATES: dict[str, tuple[float | None, float, float]] = {
    "sgd": (10.0, 1e-5, 0.1),
    "adagrad": (10.0, 1e-5, 0.1),
    "adadelta": (None, 1e-4, 1.0),
    "rmsprop": (3.0, 1e-5, 0.01),
    "adam": (3.0, 1e-5, 0.03),
    "adamw": (3.0, 1e-5, 0.03),
}
# hidden activations the sigmoid preset replaces (same shape in and out, no weights of their own)
NOT_REPLACED = {"sigmoid", "softmax", "maxout", "prelu"}
L2_STRENGTH = 0.01


class PresetError(ModelError):
    """A preset that does not fit the project (named in plain words)."""


@dataclass(frozen=True)
class SettingChange:
    """Set the training setting ``path`` (``"optimizer.lr"``) to ``value``."""

    path: str
    value: Any

    @property
    def lock_target(self) -> str:
        return self.path

    def describe(self) -> str:
        return f"{self.path} = {self.value:g}" if isinstance(self.value, float) else f"{self.path} = {self.value}"


@dataclass(frozen=True)
class ParamChange:
    """Set parameter ``name`` of node ``node_id`` to ``value``."""

    node_id: str
    name: str
    value: Any
    lock_target = "graph"

    def describe(self) -> str:
        return f"{self.node_id}.{self.name} = {self.value}"


@dataclass(frozen=True)
class KindChange:
    """Replace node ``node_id`` by a node of ``kind`` at the same place with the same connections."""

    node_id: str
    kind: str
    lock_target = "graph"

    def describe(self) -> str:
        return f"{self.node_id} → {self.kind}"


Change = SettingChange | ParamChange | KindChange


@dataclass(frozen=True)
class Preset:
    key: str
    group: str  # the menu section: "Learning rate", "Initialization", …
    title: str  # "Learning rate too high (1)"
    observe: str  # what to watch while it trains
    quality: str  # "good", "bad" or "compare"
    changes: tuple[Change, ...] = ()
    unavailable: str = ""  # why it does not fit this project ("it needs …"); "" when it does

    @property
    def lock_targets(self) -> list[str]:
        """What a lecturer must leave open for students to use this preset."""
        return list(dict.fromkeys(c.lock_target for c in self.changes))

    def locked_for(self, project: Project) -> list[str]:
        """The lock targets this preset touches that students of ``project`` may not change."""
        return [t for t in self.lock_targets if not project.may_change(t)]

    def describe(self) -> str:
        """The changes in one line, e.g. ``"optimizer.lr = 1"``."""
        return "; ".join(c.describe() for c in self.changes)


# ----------------------------------------------------------------------------
# the presets of a project
# ----------------------------------------------------------------------------
def presets_for(project: Project) -> list[Preset]:
    """Every preset, fitted to ``project`` (those that cannot apply say why in ``unavailable``)."""
    return [*_learning_rate_presets(project), _sigmoid_preset(project), _constant_init_preset(project),
            *_regularization_presets(), _batch_one_preset()]


def get_preset(project: Project, key: str) -> Preset:
    for preset in presets_for(project):
        if preset.key == key:
            return preset
    raise KeyError(key)


def _learning_rate_presets(project: Project) -> list[Preset]:
    optimizer = project.settings.optimizer.name
    high, low, good = LEARNING_RATES[optimizer]
    name = {"sgd": "SGD", "adamw": "AdamW", "rmsprop": "RMSProp"}.get(optimizer, optimizer.capitalize())
    group = f"Learning rate ({name})"
    return [
        Preset("lr_too_high", group, f"Learning rate too high ({high:g})" if high else "Learning rate too high",
               "The steps overshoot the minimum: the loss jumps up and down, ends higher than with a good "
               "rate and may explode to NaN (training then stops and says so).",
               "bad", (SettingChange("optimizer.lr", high),) if high else (),
               "" if high else "Adadelta scales its own steps, so no rate is too high for it (choose SGD "
               "or Adam)"),
        Preset("lr_too_low", group, f"Learning rate too low ({low:g})",
               "The steps are tiny: the loss barely moves and after all the epochs it is still close to "
               "where it started.",
               "bad", (SettingChange("optimizer.lr", low),)),
        Preset("lr_just_right", group, f"Just right ({good:g})",
               "The loss falls quickly and smoothly, then levels off low. Keep each run (Teach ▸ Keep this "
               "run) and compare the three curves.",
               "good", (SettingChange("optimizer.lr", good),)),
    ]


def hidden_activations(graph: Graph) -> list[str]:
    """Activation nodes inside the network (not the last one before the Output), in graph order."""
    last = {source for out in graph.nodes_of_kind("output") for source in graph.inputs_of(out.id)}
    activations = set(kinds_in_group("Activations"))
    return [n.id for n in graph if n.kind in activations and n.id not in last]


def _sigmoid_preset(project: Project) -> Preset:
    hidden = hidden_activations(project.graph)
    replace = [n for n in hidden if project.graph.node(n).kind not in NOT_REPLACED]
    unavailable = ""
    if len(hidden) < 2:
        unavailable = ("it needs at least two hidden activation layers (try the Spirals example or the MLP "
                       "template)")
    elif not replace:
        unavailable = "the hidden layers are already sigmoids: train and watch the gradient-norm plot"
    return Preset("sigmoid_deep", "Vanishing gradients", "Sigmoid deep net: vanishing gradients",
                  "Every hidden activation is now a sigmoid (its slope is at most 0.25). Watch the gradient-"
                  "norm plot: the norms shrink layer by layer towards the input, so the first layers hardly "
                  "learn and the loss stays flat for a long time.",
                  "bad", tuple(KindChange(n, "sigmoid") for n in replace), unavailable)


def _constant_init_preset(project: Project) -> Preset:
    nodes = [n.id for n in project.graph if any(p.name == "init" for p in get_spec(n.kind).params)]
    return Preset("constant_init", "Initialization", "Constant initialization: symmetric units",
                  "Every weight starts at 0.5, so all units of a layer compute the same thing, get the same "
                  "gradient and stay copies of each other: a layer acts like one unit. Diagnostics reports "
                  "symmetric units, and curved data such as XOR cannot be fitted.",
                  "bad", tuple(ParamChange(n, "init", "constant") for n in nodes),
                  "" if nodes else "it needs a layer with weights (Dense, convolution…)")


def _regularization_presets() -> list[Preset]:
    return [
        Preset("no_regularization", "Regularization", "No regularization (L1 = L2 = 0)",
               "Nothing holds the weights back: with enough units the training loss keeps falling while the "
               "validation loss levels off or turns up (overfitting), and the weights can grow large.",
               "compare", (SettingChange("hooks.l1", 0.0), SettingChange("hooks.l2", 0.0))),
        Preset("l2", "Regularization", f"L2 weight decay (λ₂ = {L2_STRENGTH:g})",
               "Every step pulls the weights towards 0: the weight histograms stay narrow, the decision "
               "boundary gets smoother and the gap between training and validation loss shrinks; the "
               "training loss ends a little higher than without it.",
               "good", (SettingChange("hooks.l2", L2_STRENGTH),)),
    ]


def _batch_one_preset() -> Preset:
    return Preset("batch_one", "Batch size", "Stochastic gradient descent (batch size 1)",
                  "One sample per step: many more, noisier steps per epoch. The loss curve zig-zags, and an "
                  "epoch takes longer than with mini-batches.",
                  "compare", (SettingChange("batch_size", 1),))


# ----------------------------------------------------------------------------
# applying (headless: the window does the same through undo commands)
# ----------------------------------------------------------------------------
def check_preset(project: Project, preset: Preset) -> None:
    """Raise :class:`PresetError` if ``preset`` cannot be applied to ``project`` (tried on a copy)."""
    if preset.unavailable:
        raise PresetError(f"“{preset.title}” does not fit this project: {preset.unavailable}.")
    settings, graph = copy.deepcopy(project.settings), project.graph.copy()
    try:
        for change in preset.changes:
            _apply(settings, graph, change)
        settings.validate()
    except ModelError as exc:
        raise PresetError(f"“{preset.title}” cannot be applied: {exc}") from exc


def apply_preset(project: Project, preset: Preset) -> None:
    """Apply every change of ``preset`` to ``project``; on any refusal nothing changes.

    Raises :class:`PresetError` (unavailable, or a change the model refuses).
    """
    check_preset(project, preset)
    for change in preset.changes:  # the trial worked: now on the real project
        _apply(project.settings, project.graph, change)


def _apply(settings, graph: Graph, change: Change) -> None:
    if isinstance(change, SettingChange):
        set_setting(settings, change.path, change.value)
    elif isinstance(change, ParamChange):
        graph.set_param(change.node_id, change.name, change.value)
    else:
        replace_kind(graph, change.node_id, change.kind)


def set_setting(settings, path: str, value: Any) -> Any:
    """Set dotted setting ``path`` (checked against its spec); return the old value."""
    return settings.put(path, value)


def replace_kind(graph: Graph, node_id: str, kind: str, new_id: str | None = None,
                 params: dict[str, Any] | None = None) -> str:
    """Put a ``kind`` node where ``node_id`` is, with the same connections; return its id.

    ``new_id`` and ``params`` are for undo (putting the old node back as it was).
    """
    node = graph.node(node_id)
    new_id = new_id or graph.new_id(kind)
    with graph.batch():
        _, edges = graph.remove_node(node_id)
        graph.add_node(kind, node.x, node.y, params=params, node_id=new_id)
        for e in edges:
            graph.connect(new_id if e.source == node_id else e.source,
                          new_id if e.target == node_id else e.target, e.port)
    return new_id


__all__ = [
    "LEARNING_RATES",
    "Change",
    "KindChange",
    "ParamChange",
    "Preset",
    "PresetError",
    "SettingChange",
    "apply_preset",
    "check_preset",
    "get_preset",
    "hidden_activations",
    "presets_for",
    "replace_kind",
    "set_setting",
]
