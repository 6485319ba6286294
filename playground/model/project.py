"""A project: the network, how to train it, on what data, and what came of it.

Trained results are optional: the weights after training, the weights before
(with the seed and settings they make a run replayable bit for bit), the
optimizer's state (moments, step count) and the metric history as plain data.
Arrays are host NumPy arrays keyed by the engine's stable names
(``"dense_1.W"``, ``"batchnorm_2.running_mean"``).

Lecturer locks: ``student_editable`` lists the settings (dotted paths such as
``"optimizer.lr"``, whole sections such as ``"optimizer"``, or ``"graph"`` and
``"dataset"``) that students may change; ``None`` means everything is open.
``hidden_controls`` names parts of the window students do not see (:data:`HIDEABLE_CONTROLS`,
e.g. ``"palette"`` or ``"gradient_check"``); empty means nothing is hidden.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from .catalog import loss_config
from .errors import ProjectError
from .graph import Graph, Node
from .settings import DatasetRef, TrainingSettings

WEIGHT_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9_\-]{0,63})\.([A-Za-z0-9_][A-Za-z0-9_.\-]{0,127})$")
NUMERIC_KINDS = "biufc"  # bool, int, unsigned, float, complex
MAX_TREE_DEPTH = 6
MAX_TEXT = 100_000


def _lock_targets() -> set[str]:
    paths = TrainingSettings.setting_paths()
    sections = {p.split(".")[0] for p in paths if "." in p}
    return set(paths) | sections | {"graph", "dataset"}


LOCK_TARGETS = frozenset(_lock_targets())
# parts of the window a lecturer can hide from students (the UI maps each name to its widgets)
HIDEABLE_CONTROLS = ("palette", "dataset_panel", "locked_settings", "presets", "templates", "step_through",
                     "gradient_check", "diagnostics", "code_export")


@dataclass(eq=False)
class Project:
    graph: Graph = field(default_factory=Graph)
    settings: TrainingSettings = field(default_factory=TrainingSettings)
    dataset: DatasetRef | None = None
    title: str = "Untitled"
    description: str = ""
    weights: dict[str, np.ndarray] | None = None
    initial_weights: dict[str, np.ndarray] | None = None
    optimizer_state: dict[str, Any] | None = None
    history: dict[str, list[list[float]]] | None = None
    student_editable: list[str] | None = None
    thumbnail: bytes | None = None
    hidden_controls: list[str] = field(default_factory=list)
    kept_runs: list[KeptRun] = field(default_factory=list)  # runs kept for Compare runs, in order

    # -- questions ------------------------------------------------------------
    def output_node(self) -> Node | None:
        outputs = self.graph.nodes_of_kind("output")
        return outputs[0] if outputs else None

    def loss(self) -> tuple[str, dict[str, Any]] | None:
        """``(engine loss name, kwargs)`` from the Output node, or None without one."""
        node = self.output_node()
        return loss_config(node.params) if node else None

    def may_change(self, setting: str) -> bool:
        """Whether a student may change ``setting`` (``"optimizer.lr"``, ``"graph"``, …)."""
        if self.student_editable is None:
            return True
        allowed = set(self.student_editable)
        parts = setting.split(".")
        return any(".".join(parts[:i]) in allowed for i in range(1, len(parts) + 1))

    @property
    def classroom(self) -> bool:
        """Whether a lecturer locked settings or hid controls (a classroom project)."""
        return self.student_editable is not None or bool(self.hidden_controls)

    def hides(self, control: str) -> bool:
        """Whether ``control`` (a :data:`HIDEABLE_CONTROLS` name) is hidden from students."""
        return control in self.hidden_controls

    @property
    def trained(self) -> bool:
        return self.weights is not None

    # -- edits ------------------------------------------------------------------
    def clear_results(self) -> None:
        """Forget weights, optimizer state and history (after the network changed)."""
        self.weights = self.initial_weights = self.optimizer_state = self.history = None

    def drop_stale_references(self) -> None:
        """Remove frozen ids and weights of nodes that are no longer in the graph."""
        nodes = self.graph.nodes
        self.settings.hooks.frozen = [n for n in self.settings.hooks.frozen if n in nodes]
        for attr in ("weights", "initial_weights"):
            arrays = getattr(self, attr)
            if arrays:
                setattr(self, attr, {k: v for k, v in arrays.items() if _node_of(k) in nodes})

    # -- checks -----------------------------------------------------------------
    def validate(self) -> None:
        """Raise a :class:`ModelError` naming the first thing that does not fit.

        The graph checks itself as it is edited; this checks what ties the parts
        together. (Whether the network can *train* is :func:`analysis.validate_graph`.)
        """
        if not isinstance(self.graph, Graph):
            raise ProjectError("project graph must be a Graph")
        if not isinstance(self.settings, TrainingSettings):
            raise ProjectError("project settings must be TrainingSettings")
        self.settings.validate()
        if self.dataset is not None:
            if not isinstance(self.dataset, DatasetRef):
                raise ProjectError("project dataset must be a DatasetRef or None")
            self.dataset.validate()
        for key in ("title", "description"):
            value = getattr(self, key)
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise ProjectError(f"{key} must be text (at most {MAX_TEXT} characters)")
        for node_id in self.settings.hooks.frozen:
            if node_id not in self.graph:
                raise ProjectError(f"hooks.frozen names node {node_id!r}, which is not in the network")
        for attr in ("weights", "initial_weights"):
            arrays = getattr(self, attr)
            if arrays is not None:
                setattr(self, attr, check_weights(arrays, self.graph, attr))
        if self.optimizer_state is not None:
            check_tree(self.optimizer_state, "optimizer_state")
        if self.history is not None:
            self.history = check_history(self.history)
        if self.student_editable is not None:
            self.student_editable = check_locks(self.student_editable)
        self.hidden_controls = check_hidden(self.hidden_controls)
        self.kept_runs = check_kept_runs(self.kept_runs)
        if self.thumbnail is not None and not (isinstance(self.thumbnail, bytes)
                                               and self.thumbnail.startswith(PNG_SIGNATURE)):
            raise ProjectError("the thumbnail must be PNG image bytes")


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _node_of(name: str) -> str:
    return name.split(".", 1)[0]


def check_weights(arrays: Any, graph: Graph, what: str = "weights") -> dict[str, np.ndarray]:
    """Names like ``"dense_1.W"`` of nodes in the graph, values numeric NumPy arrays."""
    if not isinstance(arrays, Mapping):
        raise ProjectError(f"{what} must be a mapping of name → array")
    out = {}
    for name, value in arrays.items():
        match = WEIGHT_NAME.match(name) if isinstance(name, str) else None
        if match is None:
            raise ProjectError(f"{what}: {name!r} is not a weight name like 'dense_1.W'")
        if match.group(1) not in graph:
            raise ProjectError(f"{what} holds {name!r}, but there is no node {match.group(1)!r} in the network")
        if not isinstance(value, np.ndarray) or value.dtype.kind not in NUMERIC_KINDS:
            raise ProjectError(f"{what}: {name!r} must be a numeric NumPy array")
        out[name] = value
    return out


def check_tree(tree: Any, where: str, depth: int = 0) -> None:
    """A nested mapping (text keys) whose leaves are numeric arrays or JSON scalars."""
    if depth > MAX_TREE_DEPTH:
        raise ProjectError(f"{where} is nested too deeply")
    if isinstance(tree, Mapping):
        for key, value in tree.items():
            if not isinstance(key, str) or not key or key == "$array":
                raise ProjectError(f"{where} has a key that is not a usable name: {key!r}")
            check_tree(value, f"{where}.{key}", depth + 1)
        return
    if isinstance(tree, np.ndarray):
        if tree.dtype.kind not in NUMERIC_KINDS:
            raise ProjectError(f"{where} must be a numeric array")
        return
    if tree is None or isinstance(tree, (bool, int, str)):
        return
    if isinstance(tree, np.generic) and tree.dtype.kind in NUMERIC_KINDS:
        return  # a NumPy scalar (step count as np.int64): saved as a plain number
    if isinstance(tree, float):
        return  # NaN/inf allowed: a diverged run's state is still worth keeping
    raise ProjectError(f"{where} must be an array, a number, text or a mapping, got {type(tree).__name__}")


def check_history(history: Any) -> dict[str, list[list[float]]]:
    """``{series name: [[iteration, value], …]}`` (the format of ``MetricHistory.to_dict``)."""
    if not isinstance(history, Mapping):
        raise ProjectError("history must be a mapping of series name → list of [iteration, value]")
    out = {}
    for name, points in history.items():
        if not isinstance(name, str) or not name:
            raise ProjectError(f"history: series name {name!r} must be text")
        if isinstance(points, np.ndarray):
            if points.ndim != 2 or (points.size and points.shape[1] != 2) or points.dtype.kind not in "iuf":
                raise ProjectError(f"history[{name!r}] must be a list of [iteration, value] pairs")
            points = points.reshape(-1, 2).tolist()
        if not isinstance(points, (list, tuple)):
            raise ProjectError(f"history[{name!r}] must be a list of [iteration, value] pairs")
        series = []
        for point in points:
            if (not isinstance(point, (list, tuple)) or len(point) != 2
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point)):
                raise ProjectError(f"history[{name!r}] must be a list of [iteration, value] pairs, "
                                   f"found {point!r}")
            x, y = float(point[0]), float(point[1])
            if not math.isfinite(x):
                raise ProjectError(f"history[{name!r}] has an iteration that is not a finite number")
            series.append([x, y])
        out[name] = series
    return out


def check_locks(locks: Any) -> list[str]:
    if not isinstance(locks, (list, tuple)) or not all(isinstance(x, str) for x in locks):
        raise ProjectError("student_editable must be a list of setting names such as 'optimizer.lr'")
    unknown = [x for x in locks if x not in LOCK_TARGETS]
    if unknown:
        raise ProjectError(f"student_editable names unknown setting(s) {', '.join(map(repr, unknown))}; use "
                           "names such as 'optimizer.lr', 'batch_size', 'graph' or 'dataset'")
    return list(dict.fromkeys(locks))


def check_hidden(controls: Any) -> list[str]:
    """Names of :data:`HIDEABLE_CONTROLS`, each once."""
    if not isinstance(controls, (list, tuple)) or not all(isinstance(x, str) for x in controls):
        raise ProjectError("hidden controls must be a list of names such as 'palette'")
    unknown = [x for x in controls if x not in HIDEABLE_CONTROLS]
    if unknown:
        raise ProjectError(f"unknown hidden control(s) {', '.join(map(repr, unknown))}; known: "
                           f"{', '.join(HIDEABLE_CONTROLS)}")
    return list(dict.fromkeys(controls))


MAX_KEPT_RUNS = 200
MAX_LABEL = 200


@dataclass(frozen=True)
class KeptRun:
    """A run kept for *Compare runs*: its label, its settings in words, and its curves
    (``{series name: [[iteration, value], …]}``, as :attr:`Project.history`)."""

    label: str
    summary: str
    history: dict[str, list[list[float]]]


def check_kept_runs(runs: Any) -> list[KeptRun]:
    """A list of :class:`KeptRun` with distinct, non-empty labels and proper histories."""
    if not isinstance(runs, (list, tuple)):
        raise ProjectError("kept runs must be a list")
    if len(runs) > MAX_KEPT_RUNS:
        raise ProjectError(f"at most {MAX_KEPT_RUNS} runs can be kept, found {len(runs)}")
    out, labels = [], set()
    for i, run in enumerate(runs, 1):
        if not isinstance(run, KeptRun):
            raise ProjectError(f"kept run {i} must be a KeptRun (label, summary, history)")
        if not isinstance(run.label, str) or not run.label.strip() or len(run.label) > MAX_LABEL:
            raise ProjectError(f"kept run {i}: the label must be text of 1 to {MAX_LABEL} characters")
        if run.label in labels:
            raise ProjectError(f"kept run {i}: the label {run.label!r} is used twice")
        if not isinstance(run.summary, str) or len(run.summary) > MAX_TEXT:
            raise ProjectError(f"kept run {run.label!r}: the summary must be text")
        try:
            history = check_history(run.history)
        except ProjectError as exc:
            raise ProjectError(f"kept run {run.label!r}: {exc}") from None
        labels.add(run.label)
        out.append(KeptRun(run.label, run.summary, history))
    return out
