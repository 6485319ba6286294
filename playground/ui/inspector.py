"""The inspector: the selected layer's parameters as proper widgets, built from the catalog.

Each :class:`~playground.model.params.ParamSpec` of the layer's catalog entry
becomes an editor (:func:`playground.ui.editors.make_editor`): spin boxes with
the spec's range, combo boxes for activations/initializers/padding, check
boxes; the help text is the tooltip. A short description, the output shape and
the parameter count sit above the form.

Edits do not touch the graph: they call the canvas scene's ``set_param(node_id, name,
value)`` (an undoable ``SetParam`` command that is refused while training runs). When the
graph changes by other means (undo, redo), the editors follow its ``param_changed`` signal.

A layer with learned parameters also gets "Freeze this layer" (transfer learning): the box
changes the document's frozen layers through :meth:`playground.ui.edits.Edits.set_frozen`
(one tick, one undo step) and follows the document's ``frozen_changed``. It is greyed out
while training runs (not paused) or when a classroom lock keeps students from changing
``hooks.frozen``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout,
                               QWidget)

from playground.model.catalog import get_spec
from playground.model.errors import ModelError

from .editors import Editor, make_editor, same_value
from .edits import LOCKED_TIP
from .scrolling import fill_with_scroll


# settings that only matter for some values of another one (kept in the model, hidden here)
USED_WHEN = {
    "huber_delta": lambda p: p.get("loss", "huber") == "huber",
    "mse_form": lambda p: p.get("loss", "mse") == "mse",
    "target": lambda p: p.get("penalty", "kl") == "kl",
}
FROZEN_PATH = "hooks.frozen"
FREEZE_TEXT = "Freeze this layer (its weights do not train)"
FREEZE_HELP = ("Transfer learning: keep what an earlier training learned here and train only the layers "
               "after it.")
FREEZE_BUSY_TIP = "Training is running — pause it to freeze or unfreeze a layer"


class _ClickLabel(QLabel):
    """A check box's word-wrapped text: clicking it toggles the box, as a check box's own text does."""

    def __init__(self, text: str, box: QCheckBox):
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setBuddy(box)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.box.isEnabled() and self.rect().contains(
                event.position().toPoint()):
            self.box.toggle()
        super().mouseReleaseEvent(event)


def _check_row(text: str) -> tuple[QWidget, QCheckBox, QLabel]:
    """A check box whose text wraps in a narrow dock (a QCheckBox's own text never wraps)."""
    row = QWidget()
    box = QCheckBox()
    box.setAccessibleName(text)
    label = _ClickLabel(text, box)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
    layout.addWidget(label, 1)
    return row, box, label


# ----------------------------------------------------------------------------
# the inspector widget
# ----------------------------------------------------------------------------
class InspectorWidget(QWidget):
    """Shows one node: title, what it does, its output shape and its parameters."""

    message = Signal(str)  # a refused value, in plain words

    def __init__(self, document, edits, run, scene, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.edits, self.run = document, edits, run
        self.scene = scene  # the canvas scene: undoable set_param, and each card's shape and parameter count
        self.graph = None
        self.node_id: str | None = None
        self.editors: dict[str, Editor] = {}
        self._locked_reason = ""

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: palette(placeholder-text);")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.freeze_row, self.freeze_box, self.freeze_label = _check_row(FREEZE_TEXT)
        self.freeze_box.setObjectName("freeze_box")
        self.freeze_box.toggled.connect(self._on_freeze_toggled)
        self.freeze_help = QLabel(FREEZE_HELP)
        self.freeze_help.setWordWrap(True)
        self.freeze_help.setStyleSheet("color: palette(placeholder-text);")
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setContentsMargins(0, 6, 0, 0)

        content = QWidget()
        column = QVBoxLayout(content)
        for w in (self.title, self.subtitle, self.description, self.details, self.freeze_row, self.freeze_help,
                  self.form_host):
            column.addWidget(w)
        column.addStretch(1)
        fill_with_scroll(self, content)
        document.replaced.connect(self._on_replaced)
        document.frozen_changed.connect(self.refresh_frozen)
        document.locks_changed.connect(self.refresh_frozen)
        run.state_changed.connect(self.refresh_frozen)
        self._on_replaced()

    # -- the model ------------------------------------------------------------
    def info_for(self, node_id: str):
        return self.scene.infos.get(node_id)

    def _on_replaced(self, *_args) -> None:
        self.set_graph(self.document.graph)

    def set_graph(self, graph) -> None:
        if self.graph is not None:
            self.graph.param_changed.disconnect(self._on_param_changed)
            self.graph.node_removed.disconnect(self._on_node_removed)
            self.graph.changed.disconnect(self.refresh_details)
        self.graph = graph
        if graph is not None:
            graph.param_changed.connect(self._on_param_changed)
            graph.node_removed.connect(self._on_node_removed)
            graph.changed.connect(self.refresh_details)
        self.show_node(None)

    def show_selection(self, node_ids: list[str]) -> None:
        """Follow the canvas selection: one node is shown; none or several clear the view."""
        if len(node_ids) == 1:
            self.show_node(node_ids[0])
        else:
            self.show_node(None, several=len(node_ids))

    def show_node(self, node_id: str | None, several: int = 0) -> None:
        self._clear_form()
        self.node_id = node_id if (self.graph is not None and node_id in self.graph) else None
        if self.node_id is None:
            self.title.setText("Inspector")
            self.subtitle.setText("")
            self.description.setText(f"{several} layers selected. Select one layer to see its settings."
                                     if several else "Select a layer on the canvas to see and change its "
                                     "settings.")
            self.details.setText("")
            self.refresh_frozen()
            return
        node = self.graph.node(self.node_id)
        spec = get_spec(node.kind)
        self.title.setText(spec.title)
        self.subtitle.setText(f"{node.id}  ·  {spec.group}")
        self.description.setText(spec.help)
        for pspec in spec.params:
            editor = make_editor(pspec, node.params.get(pspec.name))
            editor.committed.connect(lambda value, name=pspec.name: self._commit(name, value))
            label = QLabel(pspec.label)
            label.setToolTip(pspec.help)
            self.form.addRow(label, editor.widget)
            self.editors[pspec.name] = editor
        if not spec.params:
            self.form.addRow(QLabel("This layer has no settings."))
        self._apply_enabled()
        self.refresh_details()

    def _clear_form(self) -> None:
        self.editors = {}
        while self.form.rowCount():
            self.form.removeRow(0)

    def refresh_details(self) -> None:
        """Output shape, parameter count and the node's problem, from the canvas's shape inference."""
        if self.node_id is None:
            self.details.setText("")
            return
        self.refresh_frozen()
        info = self.info_for(self.node_id)
        if info is None:
            self.details.setText("")
            return
        from playground.ui.canvas.summary import fmt_count, fmt_shape

        lines = [f"Output shape <b>{fmt_shape(info.shape)}</b> · {fmt_count(info.params)}"]
        if info.problem:
            lines.append(f"<span style='color:#d62728'>⚠ {info.problem}</span>")
        elif info.hint:
            lines.append(f"<i>{info.hint}</i>")
        self.details.setText("<br>".join(lines))

    # -- edits ------------------------------------------------------------------
    def _commit(self, name: str, value: Any) -> None:
        if self.node_id is None:
            return
        node_id = self.node_id
        if isinstance(value, str) and self.editors[name].spec.type == "shape":
            self.message.emit(f"{name}: type whole numbers separated by commas, e.g. 1, 28, 28")
            self._show_model_value(name)
            return
        try:
            ok = self.scene.set_param(node_id, name, value)
        except ModelError as exc:  # a setter that raises instead of reporting
            self.message.emit(str(exc))
            ok = False
        if not ok:  # refused (locked, or out of range): show what the model really holds
            self._show_model_value(name)
        self._apply_enabled()

    def _show_model_value(self, name: str) -> None:
        if self.node_id is not None and name in self.editors and self.node_id in self.graph:
            self.editors[name].set_value(self.graph.node(self.node_id).params.get(name))

    def _on_param_changed(self, node_id: str, name: str, value: Any) -> None:
        if node_id == self.node_id and name in self.editors:
            editor = self.editors[name]
            if not same_value(editor.value(), value):
                editor.set_value(value)
            self._apply_enabled()

    def _on_node_removed(self, node) -> None:
        if node.id == self.node_id:
            self.show_node(None)

    # -- locking ------------------------------------------------------------------
    def set_locked(self, locked: bool, reason: str = "") -> None:
        """Read-only while training runs; the reason is the editors' tooltip."""
        self._locked_reason = reason if locked else ""
        self._apply_enabled()

    def _apply_enabled(self) -> None:
        """Lock while training; hide settings the current choice does not use (Huber δ without Huber)."""
        locked = bool(self._locked_reason)
        node = self.graph.node(self.node_id) if self.node_id is not None else None
        params = node.params if node is not None else {}
        for name, editor in self.editors.items():
            enabled = not locked
            if name == "shape" and node is not None and node.kind == "input":
                enabled = enabled and not params.get("from_dataset", False)
            editor.widget.setEnabled(enabled)
            used = USED_WHEN.get(name, lambda p: True)(params)
            self.form.setRowVisible(editor.widget, used)
        self.form_host.setToolTip(self._locked_reason)
        self.refresh_frozen()

    # -- freezing (transfer learning) ------------------------------------------------
    def _project(self):
        return self.document.project

    def _has_parameters(self, node_id: str) -> bool:
        info = self.info_for(node_id)
        return bool(info is not None and (info.params or 0) > 0)

    def freeze_refusal(self) -> str:
        """Why the freeze box cannot be changed now (empty when it can)."""
        project = self._project()
        if self.run.running:
            return FREEZE_BUSY_TIP
        if not project.may_change(FROZEN_PATH):
            return LOCKED_TIP
        return ""

    def refresh_frozen(self, *_args) -> None:
        """Show the box for layers with learned parameters (or already frozen), ticked when frozen."""
        project = self._project()
        frozen = project is not None and self.node_id is not None and self.node_id in project.settings.hooks.frozen
        shown = project is not None and self.node_id is not None and (frozen or self._has_parameters(self.node_id))
        self.freeze_row.setVisible(shown)
        self.freeze_help.setVisible(shown)
        if not shown:
            return
        if self.freeze_box.isChecked() != frozen:
            self.freeze_box.blockSignals(True)
            self.freeze_box.setChecked(frozen)
            self.freeze_box.blockSignals(False)
        refusal = self.freeze_refusal()
        for widget in (self.freeze_box, self.freeze_label):
            widget.setEnabled(not refusal)
            widget.setToolTip(refusal or FREEZE_HELP)

    def _on_freeze_toggled(self, checked: bool) -> None:
        self.set_frozen(self.node_id, checked)

    def set_frozen(self, node_id: str | None, frozen: bool) -> bool:
        """Freeze or unfreeze ``node_id`` as one undo step; ``False`` (and why, as a message) if refused."""
        project = self._project()
        refusal = self.freeze_refusal()
        if node_id is None or project is None:
            return False
        if (node_id in project.settings.hooks.frozen) == frozen:
            return True
        if refusal:
            self.message.emit(f"Frozen layers: {refusal[0].lower()}{refusal[1:]}")
            self.refresh_frozen()
            return False
        done = self.edits.set_frozen(node_id, frozen)
        self.refresh_frozen()
        return done
