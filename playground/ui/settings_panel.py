"""Training settings: loss, optimizer and its hyperparameters, schedule, batch size, epochs,
regularization, gradient clipping, seed, backend, validation split, early stopping.

Every field is bound to the project's :class:`~playground.model.settings.TrainingSettings`
and edited through an undoable :class:`SetSetting` command on the window's undo
stack, so Ctrl+Z takes a setting back and the title shows the unsaved mark.
The widgets come from the same :class:`~playground.model.params.ParamSpec`
descriptions that check the values (:func:`playground.ui.inspector.make_editor`).
Only the hyperparameters the chosen optimizer and schedule use are shown.

:class:`SetDataset` is the dataset panel's command of the same kind.

The loss belongs to the Output node on the canvas (one place to choose it); the
loss box here edits that node through the canvas's ``SetParam`` command.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from playground.model.catalog import LOSSES, get_spec
from playground.model.errors import InvalidParamError, SettingsError
from playground.model.settings import OPTIMIZER_ARGS, DatasetRef, TrainingSettings

from .editors import Editor, make_editor, same_value
from .scrolling import fill_with_scroll

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
    "hooks.clip_value": "Clip gradient value",
    "early_stopping.enabled": "Stop early", "early_stopping.patience": "Patience (epochs)",
    "early_stopping.min_delta": "Min. improvement", "early_stopping.restore_best": "Restore best weights",
}
SECTIONS = (
    ("Optimizer", ("optimizer.name", "optimizer.lr", "optimizer.momentum", "optimizer.nesterov", "optimizer.rho",
                   "optimizer.beta1", "optimizer.beta2", "optimizer.eps", "optimizer.weight_decay")),
    ("Learning-rate schedule", ("schedule.name", "schedule.unit", "schedule.step_size", "schedule.gamma",
                                "schedule.total", "schedule.min_lr", "schedule.warmup_steps")),
    ("Run", ("batch_size", "epochs", "validation_split", "seed", "backend")),
    ("Regularization and clipping", ("hooks.l1", "hooks.l2", "hooks.clip_norm", "hooks.clip_value")),
    ("Early stopping", ("early_stopping.enabled", "early_stopping.patience", "early_stopping.min_delta",
                        "early_stopping.restore_best")),
)
SCHEDULE_FIELDS = {"constant": (), "step": ("unit", "step_size", "gamma"), "exponential": ("unit", "gamma"),
                   "cosine": ("unit", "total", "min_lr")}


# ----------------------------------------------------------------------------
# reading and writing dotted settings
# ----------------------------------------------------------------------------
def _owner(settings: TrainingSettings, path: str) -> tuple[Any, str]:
    obj = settings
    *parents, name = path.split(".")
    for part in parents:
        obj = getattr(obj, part)
    return obj, name


def get_setting(settings: TrainingSettings, path: str) -> Any:
    obj, name = _owner(settings, path)
    return getattr(obj, name)


def spec_of(path: str):
    obj, name = _owner(TrainingSettings(), path)
    return type(obj).spec_of(name)


def put_setting(settings: TrainingSettings, path: str, value: Any) -> Any:
    """Set ``path`` to ``value`` after checking it (alone and with the other settings); return the old value.

    Raises :class:`SettingsError` (and changes nothing) when the value is refused.
    """
    obj, name = _owner(settings, path)
    try:
        value = spec_of(path).coerce(value, owner=path)
    except InvalidParamError as exc:
        raise SettingsError(str(exc)) from None
    old = getattr(obj, name)
    trial = copy.deepcopy(settings)
    setattr(_owner(trial, path)[0], name, value)
    trial.validate()
    setattr(obj, name, value)
    return old


class SetSetting(QUndoCommand):
    """Change one training setting; consecutive changes of the same setting merge into one step."""

    def __init__(self, settings: TrainingSettings, path: str, value: Any,
                 notify: Callable[[str], None] | None = None):
        super().__init__(f"Set {LABELS.get(path, path)}")
        self.settings, self.path, self.new = settings, path, value
        self.notify = notify
        self.old: Any = None
        self._applied_once = False

    def id(self) -> int:
        return SET_SETTING_ID

    def apply_first(self) -> None:
        """Apply before pushing (raises :class:`SettingsError` when refused)."""
        self.old = put_setting(self.settings, self.path, self.new)
        self.new = get_setting(self.settings, self.path)
        self._applied_once = True
        self._notify()

    def redo(self) -> None:
        if self._applied_once:
            self._applied_once = False
            return
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)

    def _set(self, value: Any) -> None:
        obj, name = _owner(self.settings, self.path)
        setattr(obj, name, value)  # a value that was valid before is valid again
        self._notify()

    def _notify(self) -> None:
        if self.notify is not None:
            self.notify(self.path)

    def mergeWith(self, other) -> bool:
        if not isinstance(other, SetSetting) or other.path != self.path or other.settings is not self.settings:
            return False
        self.new = other.new
        if same_value(self.new, self.old):
            self.setObsolete(True)
        return True


class SetDataset(QUndoCommand):
    """Choose another dataset or change its options; quick changes of one dataset merge."""

    def __init__(self, project, new: DatasetRef | None, notify=None):
        super().__init__("Change dataset" if new is None else f"Dataset {new.label}")
        self.project = project
        self.old = copy.deepcopy(project.dataset)
        self.new = copy.deepcopy(new)
        self.notify = notify
        self._skip_first = False

    def id(self) -> int:
        return SET_DATASET_ID

    def apply_first(self) -> None:
        """The first time the panel itself made the change: no notification back to it."""
        self.project.dataset = copy.deepcopy(self.new)
        self._skip_first = True

    def redo(self) -> None:
        if self._skip_first:
            self._skip_first = False
            return
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)

    def _set(self, ref: DatasetRef | None) -> None:
        self.project.dataset = copy.deepcopy(ref)
        if self.notify is not None:
            self.notify()

    def mergeWith(self, other) -> bool:
        same = (isinstance(other, SetDataset) and other.project is self.project and self.new is not None
                and other.new is not None and other.new.name == self.new.name)
        if same:
            self.new = other.new
        return same


# ----------------------------------------------------------------------------
# the panel
# ----------------------------------------------------------------------------
class SettingsPanel(QWidget):
    """The form of training settings for one project."""

    message = Signal(str)  # a refused value, in plain words

    def __init__(self, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.project = None
        self.set_param: Callable[[str, str, Any], bool] | None = None  # the canvas's undoable SetParam
        self.editors: dict[str, Editor] = {}
        self.rows: dict[str, tuple[QLabel, QWidget]] = {}
        self.may_change: Callable[[str], bool] | None = None  # classroom locks (None: all open)
        self.hide_locked = False  # classroom: hide locked settings instead of greying them out

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self._loss_box())
        for title, paths in SECTIONS:
            column.addWidget(self._section(title, paths))
        column.addStretch(1)
        fill_with_scroll(self, content)

    def _loss_box(self) -> QGroupBox:
        box = QGroupBox("Loss")
        form = QFormLayout(box)
        self.loss_editor = make_editor(get_spec("output").param("loss"))
        self.loss_editor.committed.connect(self._commit_loss)
        self.loss_note = QLabel()
        self.loss_note.setWordWrap(True)
        self.loss_note.setStyleSheet("color: palette(placeholder-text);")
        form.addRow("Loss", self.loss_editor.widget)
        form.addRow(self.loss_note)
        return box

    def _section(self, title: str, paths: tuple[str, ...]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        defaults = TrainingSettings()
        for path in paths:
            spec = spec_of(path)
            editor = make_editor(spec, get_setting(defaults, path), name=path.rsplit(".", 1)[-1])
            editor.committed.connect(lambda value, p=path: self.commit(p, value))
            label = QLabel(LABELS.get(path, path))
            label.setToolTip(spec.help)
            form.addRow(label, editor.widget)
            self.editors[path] = editor
            self.rows[path] = (label, editor.widget)
        return box

    # -- binding -----------------------------------------------------------------
    def set_project(self, project) -> None:
        if self.project is not None:
            self.project.graph.changed.disconnect(self.refresh_loss)
        self.project = project
        if project is not None:
            project.graph.changed.connect(self.refresh_loss)  # the loss lives on the Output node
        self.refresh()

    def refresh(self, _path: str | None = None) -> None:
        """Show the project's values (after undo/redo, or a new project)."""
        if self.project is None:
            return
        settings = self.project.settings
        for path, editor in self.editors.items():
            value = get_setting(settings, path)
            if not same_value(editor.value(), value):
                editor.set_value(value)
        self.refresh_loss()
        self._update_visibility()

    def refresh_loss(self) -> None:
        node = self.project.output_node() if self.project is not None else None
        self.loss_editor.widget.setEnabled(node is not None and not self.is_locked("graph"))
        if node is None:
            self.loss_note.setText("Add an Output node to the network to choose the loss.")
            return
        self.loss_editor.set_value(node.params.get("loss"))
        self.loss_note.setText(LOSSES[node.params["loss"]].help)

    def _update_visibility(self) -> None:
        settings = self.project.settings
        shown: dict[QWidget, list[bool]] = {}
        used = {f"optimizer.{arg}" for arg in OPTIMIZER_ARGS[settings.optimizer.name]}
        used |= {"optimizer.name", "optimizer.lr"}
        used |= {f"schedule.{f}" for f in SCHEDULE_FIELDS[settings.schedule.name]}
        used |= {"schedule.name", "schedule.warmup_steps"}
        stop = settings.early_stopping.enabled
        for path, (label, widget) in self.rows.items():
            section = path.split(".")[0]
            if section in ("optimizer", "schedule"):
                visible = path in used
            elif section == "early_stopping":
                visible = path == "early_stopping.enabled" or stop
            else:
                visible = True
            visible = visible and not (self.hide_locked and self.is_locked(path))
            label.setVisible(visible)
            widget.setVisible(visible)
            shown.setdefault(label.parentWidget(), []).append(visible)
        for box, rows_shown in shown.items():  # a section with nothing to show goes too
            box.setVisible(any(rows_shown))

    # -- classroom locks ----------------------------------------------------------------
    def set_locks(self, may_change: Callable[[str], bool] | None, hide_locked: bool = False) -> None:
        """Grey out (or hide) the settings ``may_change(path)`` refuses, with the reason as tooltip."""
        self.may_change, self.hide_locked = may_change, hide_locked
        for path, (label, widget) in self.rows.items():
            if widget.property("free_tip") is None:
                widget.setProperty("free_tip", widget.toolTip())
                label.setProperty("free_tip", label.toolTip())
            locked = self.is_locked(path)
            widget.setEnabled(not locked)
            for w in (label, widget):
                w.setToolTip(LOCKED_TIP if locked else w.property("free_tip"))
        loss = self.loss_editor.widget
        if loss.property("free_tip") is None:
            loss.setProperty("free_tip", loss.toolTip())
        loss.setToolTip(LOCKED_TIP if self.is_locked("graph") else loss.property("free_tip"))
        loss.parentWidget().setVisible(not (hide_locked and self.is_locked("graph")))
        if self.project is not None:
            self.refresh_loss()
            self._update_visibility()

    def is_locked(self, path: str) -> bool:
        """Whether classroom locks keep students from changing ``path`` (``"optimizer.lr"``, ``"graph"``)."""
        return self.may_change is not None and not self.may_change(path)

    # -- edits ------------------------------------------------------------------
    def commit(self, path: str, value: Any) -> bool:
        """Apply ``value`` through an undoable command; on refusal show why and the old value."""
        if self.project is None:
            return False
        if self.is_locked(path):
            self.message.emit(f"{LABELS.get(path, path)}: {LOCKED_TIP.lower()}")
            self.editors[path].set_value(get_setting(self.project.settings, path))
            return False
        command = SetSetting(self.project.settings, path, value, self.refresh)
        try:
            command.apply_first()
        except SettingsError as exc:
            self.message.emit(str(exc))
            self.editors[path].set_value(get_setting(self.project.settings, path))
            return False
        self.undo_stack.push(command)
        return True

    def _commit_loss(self, value: Any) -> None:
        node = self.project.output_node() if self.project is not None else None
        if node is None or self.set_param is None:
            return
        if not self.set_param(node.id, "loss", value):
            self.refresh_loss()
