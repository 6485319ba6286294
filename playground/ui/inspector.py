"""The inspector: the selected layer's parameters as proper widgets, built from the catalog.

Each :class:`~playground.model.params.ParamSpec` of the layer's catalog entry
becomes an editor (:func:`playground.ui.editors.make_editor`): spin boxes with
the spec's range, combo boxes for activations/initializers/padding, check
boxes; the help text is the tooltip. A short description, the output shape and
the parameter count sit above the form.

Edits do not touch the graph: they call ``set_param(node_id, name, value)``,
which the window points at the canvas (an undoable ``SetParam`` command that
is refused while training runs). When the graph changes by other means (undo,
redo), the editors follow its ``param_changed`` signal.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from playground.model.catalog import get_spec
from playground.model.errors import ModelError

from .editors import Editor, make_editor, same_value


# settings that only matter for some values of another one (kept in the model, hidden here)
USED_WHEN = {
    "huber_delta": lambda p: p.get("loss", "huber") == "huber",
    "mse_form": lambda p: p.get("loss", "mse") == "mse",
    "target": lambda p: p.get("penalty", "kl") == "kl",
}


# ----------------------------------------------------------------------------
# the inspector widget
# ----------------------------------------------------------------------------
class InspectorWidget(QWidget):
    """Shows one node: title, what it does, its output shape and its parameters."""

    message = Signal(str)  # a refused value, in plain words

    def __init__(self, set_param: Callable[[str, str, Any], bool] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.set_param = set_param
        self.info_for: Callable[[str], Any] | None = None  # node id → canvas NodeInfo
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
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setContentsMargins(0, 6, 0, 0)

        content = QWidget()
        column = QVBoxLayout(content)
        for w in (self.title, self.subtitle, self.description, self.details, self.form_host):
            column.addWidget(w)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.show_node(None)

    # -- the model ------------------------------------------------------------
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
        if self.node_id is None or self.info_for is None:
            self.details.setText("")
            return
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
        if self.node_id is None or self.set_param is None:
            return
        node_id = self.node_id
        if isinstance(value, str) and self.editors[name].spec.type == "shape":
            self.message.emit(f"{name}: type whole numbers separated by commas, e.g. 1, 28, 28")
            self._show_model_value(name)
            return
        try:
            ok = self.set_param(node_id, name, value)
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
