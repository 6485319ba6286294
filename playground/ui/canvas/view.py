"""The canvas widget: a QGraphicsView with zoom, pan, drops from the palette and edit actions.

Put it in the main window::

    canvas = CanvasView(graph, undo_stack)
    canvas.message.connect(window.statusBar().showMessage)
    edit_menu.addActions([canvas.edit_actions[n] for n in ("cut", "copy", "paste", "delete", "select_all")])

The palette starts a drag whose mime data has type :data:`LAYER_MIME` and the
layer kind as UTF-8 text; dropping adds that layer where it lands. A
double-click in the palette calls :meth:`CanvasView.add_layer_at_center`.

Keys: Delete/Backspace delete the selection, Ctrl+C/X/V copy, cut and paste,
Ctrl+A selects all, Ctrl+L lays the network out, Ctrl+= / Ctrl+- / Ctrl+0
zoom in, out and to fit, Escape cancels a connection being dragged. Pan with
the middle mouse button, with Space + drag, or with the scrollbars; zoom
with Ctrl + wheel. Double-clicking an edge into a layer with weights, or a unit's
heatmap, emits ``weights_requested(node id, unit or −1, global point)`` (the
window's ``weight_editor.WeightEditing`` opens the editor there).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPainter, QUndoStack
from PySide6.QtWidgets import QFrame, QGraphicsView, QHBoxLayout, QLabel, QPushButton

from playground.model.catalog import get_spec
from playground.model.errors import GraphEditError
from playground.model.graph import Graph

from .items.style import NODE_WIDTH, CanvasStyle
from .scene import CanvasScene

LAYER_MIME = "application/x-playground-layer"
GRAPH_MIME = "application/x-playground-graph"

MIN_ZOOM, MAX_ZOOM, FIT_MAX_ZOOM = 0.15, 4.0, 1.5
ZOOM_STEP = 1.2
TOAST_MS = 4000
PASTE_OFFSET = 40.0


class LockBar(QFrame):
    """The banner over the canvas while training runs: why the network cannot change, and a
    button that stops the run so it can."""

    stop_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lock_bar")
        self.label = QLabel()
        self.button = QPushButton()
        self.button.setObjectName("stop_and_edit")
        self.button.clicked.connect(self.stop_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lock_bar { background: palette(base); border: 2px solid #d62728; border-radius: 8px; }"
                           "#lock_bar QLabel { font-weight: 600; }")
        self.hide()

    def show_lock(self, reason: str, stop_text: str) -> None:
        self.label.setText(reason)
        self.button.setText(stop_text)
        self.setVisible(bool(reason))


class CanvasView(QGraphicsView):
    """Shows a :class:`CanvasScene`; owns the edit actions, zoom, pan and drops."""

    message = Signal(str)  # for the status bar: refusals (also shown on the canvas) and confirmations
    node_activated = Signal(str)  # a card was double-clicked
    selection_changed = Signal(list)  # selected node ids, in graph order
    weights_requested = Signal(str, int, QPoint)  # node id, unit (−1: the whole layer), global position

    stop_requested = Signal()  # "Stop and edit" on the lock banner while training

    def __init__(self, graph: Graph, undo_stack: QUndoStack | None = None, parent=None):
        super().__init__(parent)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.canvas_scene = CanvasScene(graph, self.undo_stack, self)
        self.setScene(self.canvas_scene)
        self.canvas_scene.set_palette_style(self.palette())
        self.canvas_scene.message.connect(self._on_message)
        self.canvas_scene.notice.connect(self.message)
        self.canvas_scene.node_activated.connect(self.node_activated)
        self.canvas_scene.weights_requested.connect(self._on_weights_requested)
        self.canvas_scene.selectionChanged.connect(self._on_selection_changed)
        self.canvas_scene.changed.connect(self._grow_scene_rect)

        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self._pan_from: QPointF | None = None
        self._space_down = False
        self._clipboard: dict[str, Any] | None = None
        self._paste_count = 0
        self._toast = ""
        self._toast_timer = QTimer(self)
        self._toast_timer.setSingleShot(True)
        self._toast_timer.timeout.connect(self._clear_toast)
        self.edit_actions: dict[str, QAction] = {}
        self._make_actions()
        self._grow_scene_rect()
        self.lock_bar = LockBar(self.viewport())
        self.lock_bar.stop_requested.connect(self.stop_requested)
        self.lock_bar.stop_requested.connect(self.setFocus)  # the student goes on editing here

    # ------------------------------------------------------------------
    # convenience
    # ------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        return self.canvas_scene.graph

    def set_graph(self, graph: Graph) -> None:
        self.canvas_scene.set_graph(graph)
        self.zoom_fit()

    def selected_node_ids(self) -> list[str]:
        return self.canvas_scene.selected_node_ids()

    def node_item(self, node_id: str):
        return self.canvas_scene.node_items.get(node_id)

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def _make_actions(self) -> None:
        specs = [
            ("delete", "Delete", [QKeySequence.StandardKey.Delete, QKeySequence(Qt.Key.Key_Backspace)],
             self.delete_selected),
            ("cut", "Cut", [QKeySequence.StandardKey.Cut], self.cut),
            ("copy", "Copy", [QKeySequence.StandardKey.Copy], self.copy),
            ("paste", "Paste", [QKeySequence.StandardKey.Paste], self.paste),
            ("select_all", "Select all", [QKeySequence.StandardKey.SelectAll], self.select_all),
            ("auto_layout", "Arrange layers", [QKeySequence("Ctrl+L")], self.auto_layout),
            ("zoom_in", "Zoom in", [QKeySequence.StandardKey.ZoomIn, QKeySequence("Ctrl+=")], self.zoom_in),
            ("zoom_out", "Zoom out", [QKeySequence.StandardKey.ZoomOut], self.zoom_out),
            ("zoom_fit", "Fit network in view", [QKeySequence("Ctrl+0")], self.zoom_fit),
            ("zoom_reset", "Actual size", [QKeySequence("Ctrl+1")], self.reset_zoom),
        ]
        for name, text, keys, slot in specs:
            action = QAction(text, self)
            shortcuts = []
            for key in keys:
                shortcuts.extend(QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                                 else [key])
            action.setShortcuts(shortcuts)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.edit_actions[name] = action

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.canvas_scene.cancel_gesture()
            self.canvas_scene.clearSelection()
            event.accept()
            return
        # the same keys as the actions, for when no shortcut map is active (tests, embedded use)
        for name, action in self.edit_actions.items():
            if any(event.keyCombination().toCombined() == seq[0].toCombined()
                   for seq in action.shortcuts() if seq.count() == 1):
                if action.isEnabled():
                    action.trigger()
                else:  # an edit key while training: say why nothing happens
                    self.canvas_scene.refuse_if_locked()
                event.accept()
                return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            if self._pan_from is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------------
    # edits
    # ------------------------------------------------------------------
    def delete_selected(self) -> bool:
        return self.canvas_scene.delete_selection()

    def copy(self) -> bool:
        data = self.canvas_scene.copy_selection()
        if data is None:
            return False
        self._clipboard = data
        self._paste_count = 0
        mime = QMimeData()
        payload = json.dumps(data)
        mime.setData(GRAPH_MIME, QByteArray(payload.encode("utf-8")))
        mime.setText(payload)
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setMimeData(mime)
        count = len(data["nodes"])
        self.message.emit(f"Copied {count} layer{'s' if count != 1 else ''}")
        return True

    def cut(self) -> bool:
        if self.canvas_scene.refuse_if_locked():
            return False
        return self.copy() and self.delete_selected()

    def _clipboard_data(self) -> dict[str, Any] | None:
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData() if clipboard is not None else None
        if mime is not None and mime.hasFormat(GRAPH_MIME):
            try:
                return json.loads(bytes(mime.data(GRAPH_MIME)).decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                return self._clipboard
        return self._clipboard

    def paste(self) -> list[str]:
        data = self._clipboard_data()
        if not data:
            self.message.emit("Nothing to paste: select layers and copy them first (Ctrl+C)")
            return []
        self._paste_count += 1
        offset = PASTE_OFFSET * self._paste_count
        try:
            return self.canvas_scene.paste(data, offset, offset)
        except GraphEditError as exc:  # damaged clipboard data
            self.message.emit(str(exc))
            return []

    def select_all(self) -> None:
        self.canvas_scene.select_all()

    def auto_layout(self) -> bool:
        ok = self.canvas_scene.auto_layout()
        if ok:
            self.zoom_fit()
        return ok

    def add_layer_at(self, kind: str, scene_pos: QPointF) -> str | None:
        """Add ``kind`` with its card centred on ``scene_pos``."""
        return self.canvas_scene.add_node(kind, scene_pos.x() - NODE_WIDTH / 2, scene_pos.y() - 40)

    def add_layer_at_center(self, kind: str) -> str | None:
        """Add ``kind`` in the middle of what is visible (a double-click in the palette).

        If a card is already there, the new one is put a little lower right, so
        adding several layers in a row never stacks them exactly.
        """
        centre = self.mapToScene(self.viewport().rect().center())
        x, y = centre.x() - NODE_WIDTH / 2, centre.y() - 40
        taken = [(n.x, n.y) for n in self.graph]
        while any(abs(x - tx) < 20 and abs(y - ty) < 20 for tx, ty in taken):
            x, y = x + 30, y + 30
        return self.canvas_scene.add_node(kind, x, y)

    # ------------------------------------------------------------------
    # locked mode, trained values
    # ------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.canvas_scene.locked

    def set_locked(self, locked: bool, reason: str = "", allow_moves: bool = False,
                   stop_text: str = "") -> None:
        """Refuse structural edits (with ``reason`` shown); with ``allow_moves`` cards can still be
        moved (while training). ``stop_text`` adds a button to the banner ("Stop and edit") that
        emits :attr:`stop_requested`."""
        was = self.canvas_scene.lock_reason
        self.canvas_scene.set_locked(locked, reason or "Stop training to change the network", allow_moves)
        if not locked and was and self._toast == was:
            self._clear_toast()  # "training is running" no longer holds once it stopped
        for name in ("delete", "cut", "paste"):
            self.edit_actions[name].setEnabled(not locked)
        self.edit_actions["auto_layout"].setEnabled(not locked or allow_moves)
        self.lock_bar.show_lock(reason if locked and stop_text else "", stop_text)
        self._place_lock_bar()
        self.viewport().update()

    def _place_lock_bar(self) -> None:
        bar = self.lock_bar
        if bar.isVisible():
            bar.adjustSize()
            width = min(bar.sizeHint().width(), self.viewport().width() - 24)
            bar.setGeometry((self.viewport().width() - width) // 2, 10, width, bar.sizeHint().height())

    def set_dataset_shapes(self, input_shapes=None, target_shape=None) -> None:
        """See :meth:`CanvasScene.set_dataset_shapes`."""
        self.canvas_scene.set_dataset_shapes(input_shapes, target_shape)

    def set_param(self, node_id: str, name: str, value: Any) -> bool:
        """Set a parameter through an undoable ``SetParam`` (the inspector calls this);
        consecutive edits of one value merge into one undo step. Returns whether it was
        accepted; if not, ``message`` says why."""
        return self.canvas_scene.set_param(node_id, name, value)

    def show_weights(self, report_or_stats: Any) -> None:
        self.canvas_scene.show_weights(report_or_stats)

    def clear_weights(self) -> None:
        self.canvas_scene.clear_weights()

    def show_unit_maps(self, decision_grid: Any) -> None:
        self.canvas_scene.show_unit_maps(decision_grid)

    def clear_unit_maps(self) -> None:
        self.canvas_scene.clear_unit_maps()

    def show_step_values(self, values: Any) -> None:
        """See :meth:`CanvasScene.show_step_values` (the step-through's numbers on the canvas)."""
        self.canvas_scene.show_step_values(values)

    def clear_step_values(self) -> None:
        self.canvas_scene.clear_step_values()

    def _on_weights_requested(self, node_id: str, unit: int, scene_pos: QPointF) -> None:
        point = self.viewport().mapToGlobal(self.mapFromScene(scene_pos))
        self.weights_requested.emit(node_id, unit, point)

    # ------------------------------------------------------------------
    # messages: to the window's status bar, and briefly on the canvas itself
    # ------------------------------------------------------------------
    def _on_message(self, text: str) -> None:
        self.show_toast(text)
        self.message.emit(text)

    def show_toast(self, text: str) -> None:
        """Show ``text`` at the bottom of the canvas for a few seconds (seen on a projector)."""
        self._toast = text
        self._toast_timer.start(TOAST_MS)
        self.viewport().update()

    def _clear_toast(self) -> None:
        self._toast = ""
        self.viewport().update()

    @property
    def toast(self) -> str:
        return self._toast

    def _on_selection_changed(self) -> None:
        try:
            ids = self.canvas_scene.selected_node_ids()
        except RuntimeError:  # the scene is being destroyed
            return
        self.selection_changed.emit(ids)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        scene = self.canvas_scene
        lines = []
        if scene.locked and not self.lock_bar.isVisible():
            lines.append(("banner", scene.lock_reason))
        if self._toast:
            lines.append(("toast", self._toast))
        if not lines:
            return
        painter.save()
        painter.resetTransform()  # viewport coordinates
        style: CanvasStyle = scene.style
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(style.banner_font)
        fm = painter.fontMetrics()
        view_rect = self.viewport().rect()
        for kind, text in lines:
            text = fm.elidedText(text, Qt.TextElideMode.ElideRight, view_rect.width() - 60)
            w, h = fm.horizontalAdvance(text) + 28, fm.height() + 14
            x = (view_rect.width() - w) / 2
            y = 12 if kind == "banner" else view_rect.height() - h - 16
            box = QRectF(x, y, w, h)
            if kind == "banner":
                painter.setBrush(style.error_card)
                painter.setPen(style.error)
            else:
                painter.setBrush(style.text)
                painter.setPen(style.text)
            painter.drawRoundedRect(box, 8, 8)
            painter.setPen(style.text if kind == "banner" else style.card)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    # ------------------------------------------------------------------
    # zoom and pan
    # ------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self.scale(factor / self.zoom(), factor / self.zoom())
        self._grow_scene_rect()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def zoom_fit(self) -> None:
        """Show the whole network (never larger than 150 %, so one node is not huge)."""
        rect = self.canvas_scene.nodes_rect()
        if not rect.isValid() or rect.isEmpty():
            self.reset_zoom()
            return
        rect = rect.adjusted(-40, -40, 40, 40)
        self._grow_scene_rect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > FIT_MAX_ZOOM or self.zoom() < MIN_ZOOM:
            self.set_zoom(min(self.zoom(), FIT_MAX_ZOOM))
        self.centerOn(rect.center())

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.set_zoom(self.zoom() * ZOOM_STEP ** steps)
            event.accept()
            return
        super().wheelEvent(event)

    def _grow_scene_rect(self, extra: Any = None) -> None:
        """Let the scrollbars reach a margin around every node (the rect only grows)."""
        view = self.mapToScene(self.viewport().rect()).boundingRect()
        rect = self.canvas_scene.nodes_rect()
        if isinstance(extra, QRectF):
            rect = rect.united(extra)
        margin_w, margin_h = view.width(), view.height()
        wanted = rect.adjusted(-margin_w, -margin_h, margin_w, margin_h) if rect.isValid() else view
        current = self.sceneRect()
        if not current.contains(wanted):
            self.setSceneRect(current.united(wanted))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._grow_scene_rect()
        self._place_lock_bar()

    def mousePressEvent(self, event) -> None:
        pan = event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self._space_down)
        if pan:
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            h, v = self.horizontalScrollBar(), self.verticalScrollBar()
            h.setValue(h.value() - round(delta.x()))
            v.setValue(v.value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton,
                                                              Qt.MouseButton.LeftButton):
            self._pan_from = None
            if self._space_down:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # ------------------------------------------------------------------
    # drops from the palette
    # ------------------------------------------------------------------
    @staticmethod
    def _layer_kind(mime: QMimeData | None) -> str | None:
        if mime is None or not mime.hasFormat(LAYER_MIME):
            return None
        try:
            return bytes(mime.data(LAYER_MIME)).decode("utf-8").strip()
        except UnicodeDecodeError:
            return None

    # Only palette layers are dropped on the canvas; no item takes drops, so
    # other drags (files, text) are ignored here rather than handed to the scene.
    def dragEnterEvent(self, event) -> None:
        if self._layer_kind(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self._layer_kind(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        event.accept()

    def dropEvent(self, event) -> None:
        kind = self._layer_kind(event.mimeData())
        if kind is None:
            event.ignore()
            return
        event.acceptProposedAction()
        try:
            get_spec(kind)
        except GraphEditError as exc:
            self._on_message(str(exc))
            return
        pos = self.mapToScene(event.position().toPoint())
        node_id = self.add_layer_at(kind, pos)
        if node_id is not None:
            self.setFocus()

    # ------------------------------------------------------------------
    # theme
    # ------------------------------------------------------------------
    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                            QEvent.Type.StyleChange):
            self.canvas_scene.set_palette_style(self.palette())
            self.viewport().update()
