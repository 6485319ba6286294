"""Training settings: loss, optimizer and its hyperparameters, schedule, batch size, epochs,
regularization, gradient clipping, seed, backend, validation split, early stopping.

Every field renders the document's :class:`~playground.model.settings.TrainingSettings`
and follows its ``setting_changed`` event; an edit goes through
:meth:`playground.ui.edits.Edits.set_setting` (one undo step), like every other field
that shows a setting (the learning rate in the Training panel, presets).
The widgets come from the same :class:`~playground.model.params.ParamSpec`
descriptions that check the values (:func:`playground.ui.editors.make_editor`).
Only the hyperparameters the chosen optimizer and schedule use are shown.

The loss belongs to the Output node on the canvas (one place to choose it); the
loss box here edits that node through the canvas's ``SetParam`` command.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from playground.model.catalog import LOSSES, get_spec
from playground.model.settings import OPTIMIZER_ARGS, TrainingSettings

from .editors import Editor, make_editor, same_value
from .edits import LABELS, LOCKED_TIP, lock_widget
from .scrolling import fill_with_scroll

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
# the panel
# ----------------------------------------------------------------------------
class SettingsPanel(QWidget):
    """The form of training settings for one project."""


    def __init__(self, document, edits, graph_edits, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.edits = document, edits
        self.graph_edits = graph_edits  # the canvas scene: its set_param is the undoable SetParam
        self._graph = None
        self.editors: dict[str, Editor] = {}
        self.rows: dict[str, tuple[QLabel, QWidget]] = {}
        self.hide_locked = False  # classroom: hide locked settings instead of greying them out

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self._loss_box())
        for title, paths in SECTIONS:
            column.addWidget(self._section(title, paths))
        column.addStretch(1)
        fill_with_scroll(self, content)
        document.replaced.connect(self._on_replaced)
        document.setting_changed.connect(self.refresh)
        document.locks_changed.connect(self.apply_locks)
        self._on_replaced()

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
            spec = TrainingSettings.spec_at(path)
            editor = make_editor(spec, defaults.get(path), name=path.rsplit(".", 1)[-1])
            editor.committed.connect(lambda value, p=path: self.commit(p, value))
            label = QLabel(LABELS.get(path, path))
            label.setToolTip(spec.help)
            form.addRow(label, editor.widget)
            self.editors[path] = editor
            self.rows[path] = (label, editor.widget)
        return box

    # -- rendering ---------------------------------------------------------------
    @property
    def project(self):
        return self.document.project

    def _on_replaced(self, *_args) -> None:
        if self._graph is not None:
            self._graph.changed.disconnect(self.refresh_loss)
        self._graph = self.document.graph
        self._graph.changed.connect(self.refresh_loss)  # the loss lives on the Output node
        self.apply_locks()

    def refresh(self, *_args) -> None:
        """Show the document's values (after any change, undo or redo, or another project)."""
        settings = self.project.settings
        for path, editor in self.editors.items():
            value = settings.get(path)
            if not same_value(editor.value(), value):
                editor.set_value(value)
        self.refresh_loss()
        self._update_visibility()

    def refresh_loss(self) -> None:
        node = self.project.output_node()
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
    def apply_locks(self, *_args) -> None:
        """Grey out (or, if the lecturer chose so, hide) the settings the classroom locks keep
        students from changing, with the reason as tooltip; then show the values."""
        self.hide_locked = self.project.hides("locked_settings")
        for path, (label, widget) in self.rows.items():
            locked = self.is_locked(path)
            lock_widget(widget, not locked)
            lock_widget(label, True, LOCKED_TIP)  # the label stays readable …
            label.setToolTip(LOCKED_TIP if locked else label.property("free_tip"))  # … and says why
        loss = self.loss_editor.widget
        lock_widget(loss, True)
        loss.setToolTip(LOCKED_TIP if self.is_locked("graph") else loss.property("free_tip"))
        loss.parentWidget().setVisible(not (self.hide_locked and self.is_locked("graph")))
        self.refresh()

    def is_locked(self, path: str) -> bool:
        """Whether classroom locks keep students from changing ``path`` (``"optimizer.lr"``, ``"graph"``)."""
        return not self.project.may_change(path)

    # -- edits ------------------------------------------------------------------
    def commit(self, path: str, value: Any) -> bool:
        """Change ``path`` (one undo step); on refusal the field shows the setting again."""
        done = self.edits.set_setting(path, value)
        if not done:
            self.editors[path].set_value(self.project.settings.get(path))
        return done

    def _commit_loss(self, value: Any) -> None:
        node = self.project.output_node()
        if node is not None and not self.graph_edits.set_param(node.id, "loss", value):
            self.refresh_loss()
