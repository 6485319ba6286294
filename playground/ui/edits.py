"""The one way the window changes the document: undoable commands over its methods.

Every field that edits a training setting, the dataset, the frozen layers or a
weight calls :class:`Edits`; it checks the classroom locks, lets the model
refuse a bad value (the reason goes to ``message``), and pushes one command on
the undo stack. The commands only call :class:`~playground.model.document.Document`
methods, so undo and redo announce their change exactly like the first edit did,
and every view that shows the value follows — during a run too (the training
controller sends a changed learning rate to the run at once).

Graph edits have their own commands (:mod:`playground.ui.canvas.commands`), which
call the graph's methods the same way.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from playground.model.document import Document
from playground.model.errors import ModelError, SettingsError
from playground.model.settings import DatasetRef
from playground.session.teaching.text import num, sub

SET_SETTING_ID = 4301
SET_DATASET_ID = 4302
LOCKED_TIP = "Locked by your lecturer"

LABELS = {
    "optimizer.name": "Optimizer", "optimizer.lr": "Learning rate η", "optimizer.momentum": "Momentum μ",
    "optimizer.nesterov": "Nesterov", "optimizer.rho": "Decay ρ", "optimizer.beta1": "β₁",
    "optimizer.beta2": "β₂", "optimizer.eps": "ε", "optimizer.weight_decay": "Weight decay λ",
    "schedule.name": "Schedule", "schedule.unit": "Counts", "schedule.step_size": "Step every",
    "schedule.gamma": "Factor γ", "schedule.total": "Length", "schedule.min_lr": "Final rate",
    "schedule.warmup_steps": "Warm-up steps",
    "batch_size": "Batch size", "epochs": "Epochs", "validation_split": "Validation split", "seed": "Seed",
    "backend": "Backend",
    "hooks.l1": "L1 strength λ₁", "hooks.l2": "L2 strength λ₂", "hooks.clip_norm": "Clip gradient norm",
    "hooks.clip_value": "Clip gradient value", "hooks.frozen": "Frozen layers",
    "early_stopping.enabled": "Stop early", "early_stopping.patience": "Patience (epochs)",
    "early_stopping.min_delta": "Min. improvement", "early_stopping.restore_best": "Restore best weights",
}


def label_of(path: str) -> str:
    return LABELS.get(path, path)


def lock_widget(widget, allowed: bool, reason: str = LOCKED_TIP) -> None:
    """Enable ``widget`` or grey it out with ``reason`` as tooltip (its own tooltip comes back later)."""
    if widget.property("free_tip") is None:
        widget.setProperty("free_tip", widget.toolTip())
    widget.setEnabled(allowed)
    widget.setToolTip(widget.property("free_tip") if allowed else reason)


class SetSetting(QUndoCommand):
    """Change one training setting; consecutive changes of the same setting merge into one step."""

    def __init__(self, document: Document, path: str, old: Any, new: Any):
        super().__init__(f"Set {label_of(path)}")
        self.document, self.path, self.old, self.new = document, path, old, new

    def id(self) -> int:
        return SET_SETTING_ID

    def redo(self) -> None:
        self.document.set_setting(self.path, self.new)

    def undo(self) -> None:
        self.document.set_setting(self.path, self.old)  # a value that was valid before is valid again

    def mergeWith(self, other) -> bool:
        if not isinstance(other, SetSetting) or other.path != self.path or other.document is not self.document:
            return False
        self.new = other.new
        if self.new == self.old:
            self.setObsolete(True)
        return True


class SetFrozen(QUndoCommand):
    """Freeze or unfreeze one layer: one undo step, never merged."""

    def __init__(self, document: Document, node_id: str, frozen: bool):
        super().__init__(f"{'Freeze' if frozen else 'Unfreeze'} {node_id}")
        self.document = document
        self.old = list(document.settings.hooks.frozen)
        self.new = [n for n in self.old if n != node_id] + ([node_id] if frozen else [])

    def redo(self) -> None:
        self.document.set_frozen(self.new)

    def undo(self) -> None:
        self.document.set_frozen(self.old)


class SetDataset(QUndoCommand):
    """Choose another dataset or change its options; quick changes of one dataset merge."""

    def __init__(self, document: Document, new: DatasetRef | None):
        super().__init__("Change dataset" if new is None else f"Dataset {new.label}")
        self.document = document
        self.old = copy.deepcopy(document.project.dataset)
        self.new = copy.deepcopy(new)

    def id(self) -> int:
        return SET_DATASET_ID

    def redo(self) -> None:
        self.document.set_dataset(copy.deepcopy(self.new))

    def undo(self) -> None:
        self.document.set_dataset(copy.deepcopy(self.old))

    def mergeWith(self, other) -> bool:
        same = (isinstance(other, SetDataset) and other.document is self.document and self.new is not None
                and other.new is not None and other.new.name == self.new.name)
        if same:
            self.new = other.new
        return same


class SetWeight(QUndoCommand):
    """Set one weight or bias by hand (``"dense_1.W"``, ``(0, 2)``): trained weights when there are
    any (Play goes on from them), else the initial weights the next run starts from."""

    def __init__(self, document: Document, name: str, index: tuple[int, ...], value: float, base=None):
        node_id, _, param = name.rpartition(".")
        symbol = ("w" if param.startswith("W") else param) + sub(*(int(i) + 1 for i in index))
        super().__init__(f"Set {symbol} of {node_id} to {num(value, 4)}")
        self.document, self.name, self.index, self.value, self.base = document, name, tuple(index), value, base
        self.old: float | None = None

    def redo(self) -> None:
        try:
            self.old = self.document.set_weight(self.name, self.index, self.value, self.base)
        except ModelError:
            self.setObsolete(True)  # the network changed since: there is nothing to set
            return
        self._generation = self.document.results_generation

    def undo(self) -> None:
        if self.document.results_generation != self._generation:
            self.setObsolete(True)  # a run, Reset or a new network replaced the weights: nothing is left
            return
        try:
            self.document.set_weight(self.name, self.index, self.old)
        except ModelError:
            self.setObsolete(True)


class Edits(QObject):
    """Checks, then pushes one command; a refusal is a plain sentence on ``message``."""

    message = Signal(str)

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.document, self.undo_stack = document, undo_stack

    def locked(self, what: str) -> bool:
        """Whether the classroom locks keep students from changing ``what`` (``"optimizer.lr"``, ``"graph"``)."""
        return not self.document.project.may_change(what)

    def set_setting(self, path: str, value: Any) -> bool:
        """Change setting ``path`` as one undo step; ``False`` (and why, on ``message``) if refused."""
        if self.locked(path):
            self.message.emit(f"{label_of(path)}: {LOCKED_TIP.lower()}")
            return False
        trial = copy.deepcopy(self.document.settings)
        try:
            old = trial.put(path, value)
        except SettingsError as exc:
            self.message.emit(str(exc))
            return False
        new = trial.get(path)
        if new != old:
            self.undo_stack.push(SetSetting(self.document, path, old, new))
        return True

    def set_frozen(self, node_id: str, frozen: bool) -> bool:
        if self.locked("hooks.frozen"):
            self.message.emit(f"Frozen layers: {LOCKED_TIP.lower()}")
            return False
        if (node_id in self.document.settings.hooks.frozen) != frozen:
            self.undo_stack.push(SetFrozen(self.document, node_id, frozen))
        return True

    def set_dataset(self, ref: DatasetRef | None) -> bool:
        if self.locked("dataset"):
            self.message.emit(f"Dataset: {LOCKED_TIP.lower()}")
            return False
        try:
            if ref is not None:
                copy.deepcopy(ref).validate()
        except ModelError as exc:
            self.message.emit(str(exc))
            return False
        self.undo_stack.push(SetDataset(self.document, ref))
        return True

    def set_weight(self, name: str, index: tuple[int, ...], value: float, base=None) -> bool:
        command = SetWeight(self.document, name, index, value, base)
        self.undo_stack.push(command)
        if command.isObsolete():
            self.message.emit(f"{name} has no entry {list(index)} any more.")
            return False
        return True
