"""The open project as a model with events: the one source of truth every view renders from.

A :class:`Document` holds one :class:`~playground.model.project.Project` at a
time and is the only way to change it (undo commands call its methods). Each
change is checked first — a refused value raises the model's specific error and
changes nothing — and then announced:

``replaced(Project)``
    Another project (New, Open, a template, a recovered copy). Views drop
    everything they showed and render the new one.
``setting_changed(path, value)``
    One training setting (``"optimizer.lr"``), whichever field the student used.
``dataset_changed(DatasetRef | None)``
``frozen_changed(list[str])``
    The layers kept fixed while training (transfer learning).
``results_changed()``
    Trained weights, the initial weights or the optimizer state were replaced
    (a run ended or paused, Reset, a weight edited by hand).
``locks_changed()``
    The lecturer's classroom locks.
``changed()``
    After any of the above and after every graph edit: titles, autosave, banners.

The graph keeps its own fine-grained events (:mod:`playground.model.graph`);
the document re-announces them as ``changed``.

The initial weights (where the recorded run started) belong to one network,
seed and dataset; a change to any of them drops them, so the next Play starts
from weights drawn for the new network (the trained weights stay: Play keeps
those whose shapes still fit).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Iterable

import numpy as np
from psygnal import Signal

from .errors import ProjectError
from .project import Project
from .settings import DatasetRef

STRUCTURE_SIGNALS = ("node_added", "node_removed", "param_changed", "edge_added", "edge_removed")


def initial_weights_key(project: Project) -> str:
    """What initial weights depend on — the layers and their wiring (not where they sit on the
    canvas), the seed and the data — as text to compare."""
    graph = project.graph.to_dict()
    nodes = [{k: v for k, v in node.items() if k not in ("x", "y")} for node in graph["nodes"]]
    dataset = project.dataset.to_dict() if project.dataset is not None else None
    return json.dumps([nodes, graph["edges"], project.settings.seed, dataset], sort_keys=True, default=str)


class Document:
    """The open project and every way to change it."""

    replaced = Signal(object)
    setting_changed = Signal(str, object)
    dataset_changed = Signal(object)
    frozen_changed = Signal(object)
    results_changed = Signal()
    locks_changed = Signal()
    changed = Signal()

    def __init__(self, project: Project | None = None):
        self.project = project if project is not None else Project()
        self.results_generation = 0  # counts runs' results and resets (not weights edited by hand)
        self.results_unsaved = False  # a run or Reset changed the results since the file was read or saved
        self._initial_key = initial_weights_key(self.project)
        self._watch(self.project)

    # -- the whole project --------------------------------------------------------
    @property
    def graph(self):
        return self.project.graph

    @property
    def settings(self):
        return self.project.settings

    def replace(self, project: Project) -> None:
        """Open another project; every view follows ``replaced``."""
        self._unwatch(self.project)
        self.project = project
        self.results_generation += 1
        self.results_unsaved = False
        self._initial_key = initial_weights_key(project)
        self._watch(project)
        self.replaced.emit(project)
        self.changed.emit()

    def _watch(self, project: Project) -> None:
        project.graph.changed.connect(self._on_graph_changed)

    def _unwatch(self, project: Project) -> None:
        project.graph.changed.disconnect(self._on_graph_changed)

    def _on_graph_changed(self) -> None:
        self._forget_stale_initial_weights()
        self.changed.emit()

    # -- settings, data, frozen layers ----------------------------------------------
    def setting(self, path: str) -> Any:
        return self.project.settings.get(path)

    def set_setting(self, path: str, value: Any) -> Any:
        """Set dotted setting ``path``; return the old value (raises ``SettingsError`` when refused)."""
        old = self.project.settings.put(path, value)
        new = self.project.settings.get(path)
        if new != old:
            if path == "seed":
                self._forget_stale_initial_weights()
            self.setting_changed.emit(path, new)
            self.changed.emit()
        return old

    def set_dataset(self, ref: DatasetRef | None) -> DatasetRef | None:
        """Train on other data (or other options of it); return the old reference."""
        if ref is not None:
            ref.validate()
        old = self.project.dataset
        self.project.dataset = copy.deepcopy(ref)
        if (old.to_dict() if old else None) != (ref.to_dict() if ref else None):
            self._forget_stale_initial_weights()
            self.dataset_changed.emit(self.project.dataset)
            self.changed.emit()
        return old

    def set_frozen(self, node_ids: Iterable[str]) -> list[str]:
        """Keep ``node_ids`` fixed while training; return the old list."""
        hooks = self.project.settings.hooks
        old, new = list(hooks.frozen), list(dict.fromkeys(node_ids))
        if new != old:
            hooks.frozen = new
            self.frozen_changed.emit(new)
            self.changed.emit()
        return old

    def set_locks(self, student_editable: list[str] | None, hidden_controls: list[str]) -> None:
        self.project.student_editable = student_editable
        self.project.hidden_controls = list(hidden_controls)
        self.project.validate()
        self.locks_changed.emit()
        self.changed.emit()

    # -- results --------------------------------------------------------------------------
    def set_results(self, weights: dict[str, np.ndarray] | None, optimizer_state: dict | None = None,
                    initial_weights: dict[str, np.ndarray] | None = None, history: dict | None = None) -> None:
        """What a run left: weights, optimizer state and its curves (``MetricHistory.to_dict``); the
        initial weights when it started from them. Arrays of layers deleted meanwhile are dropped."""
        p = self.project
        p.weights = None if weights is None else {k: np.asarray(v) for k, v in weights.items()}
        p.optimizer_state = optimizer_state
        if history is not None:
            p.history = history
        self.results_generation += 1
        self.results_unsaved = True
        if initial_weights is not None:
            p.initial_weights = {k: np.asarray(v) for k, v in initial_weights.items()}
            self._initial_key = initial_weights_key(p)
        p.drop_stale_references()
        self.results_changed.emit()
        self.changed.emit()

    def clear_results(self, keep_initial: bool = True) -> None:
        """Reset: forget the trained weights and optimizer state (and the initial ones unless kept)."""
        p = self.project
        had = p.weights is not None or p.history or (not keep_initial and p.initial_weights)
        p.weights = p.optimizer_state = p.history = None
        if not keep_initial:
            p.initial_weights = None
        self.results_generation += 1
        if had:
            self.results_unsaved = True
            self.results_changed.emit()
            self.changed.emit()

    def set_weight(self, name: str, index: tuple[int, ...], value: float,
                   base: dict[str, np.ndarray] | None = None) -> float:
        """One weight edited by hand; return the old value. The edit goes into the trained weights if
        there are any (Play goes on from them), else into the initial weights the next Play starts
        from (``base``, the weights the seed gives, when none are stored yet)."""
        p = self.project
        attr = "weights" if p.weights is not None else "initial_weights"
        arrays = getattr(p, attr) if getattr(p, attr) is not None else dict(base or {})
        index = tuple(int(i) for i in index)
        current = arrays.get(name)
        if current is None or len(index) != current.ndim or not all(0 <= i < n for i, n in zip(index, current.shape)):
            raise ProjectError(f"there is no weight {name}{list(index)} in this network")
        array = np.array(current, copy=True)
        old = float(array[index])
        array[index] = value
        setattr(p, attr, {**arrays, name: array})  # copied on write: a snapshot may share the old arrays
        if attr == "initial_weights":
            self._initial_key = initial_weights_key(p)
        self.results_changed.emit()
        self.changed.emit()
        return old

    def _forget_stale_initial_weights(self) -> None:
        if self.project.initial_weights is None:
            return
        if initial_weights_key(self.project) != self._initial_key:
            self.project.initial_weights = None
            self.results_generation += 1  # an edit of those weights is gone: its undo has nothing to undo
            self.results_changed.emit()
