"""The canvas scene: graphics items that follow a :class:`~playground.model.graph.Graph`.

The scene listens to the model's signals and adds, updates and removes its
items; after every change it runs shape inference again (cheap: shapes only)
and refreshes each card's shape, parameter count and problem. Edits the
student makes with the mouse or keys become undo commands pushed on the
``QUndoStack`` it was given; when the model refuses one, the scene emits
``message(str)`` with the model's reason and nothing changes.

Signals
-------
``message(str)``
    Why an edit was refused, or how to do it, in plain words (the view shows it
    on the canvas for a few seconds and passes it to the status bar).
``notice(str)``
    A short confirmation for the status bar only ("Connected dense_1 → relu_1").
``node_activated(str)``
    A node was double-clicked (the inspector can focus it).
``weights_requested(str, int, QPointF)``
    The student asked to see a layer's weights: double-clicked an edge into it (unit
    ``-1``), or a unit's heatmap on a card (that unit's index); the scene position of
    the click, so the editor can open next to it. ``weight_editor.WeightEditing`` answers.
``lock_changed(bool, str)``
    Editing was locked (with the reason) or unlocked.
``graph_replaced()``
    :meth:`set_graph` showed another graph (File → Open, New).

While the backpropagation step-through is open, :meth:`CanvasScene.show_step_values`
writes its numbers on the cards and over the edges (:mod:`.items.step_values`).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterable, Mapping

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPalette, QTransform, QUndoStack
from PySide6.QtWidgets import QApplication, QGraphicsScene

from playground.model.graph import Edge, Graph

from . import commands
from .interactions import SNAP_DISTANCE, ConnectInteraction, MoveTracker
from .items.edge import EdgeItem
from .items.node import NodeItem
from .items.port import PortItem
from .items.step_values import StepLabelItem
from .items.style import CanvasStyle
from .items.unit_maps import MapPopupItem, UnitMapsItem, unit_images
from .layout import layered_positions
from .summary import NodeInfo, analyse

GRID = 24.0  # spacing of the background dots


class CanvasScene(QGraphicsScene):
    """Items for one graph; every edit goes through an undo command."""

    message = Signal(str)
    notice = Signal(str)
    node_activated = Signal(str)
    weights_requested = Signal(str, int, QPointF)
    graph_replaced = Signal()
    lock_changed = Signal(bool, str)

    def __init__(self, graph: Graph, undo_stack: QUndoStack, parent=None):
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.style = CanvasStyle.from_palette(QApplication.palette())
        self.graph: Graph | None = None
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: dict[Edge, EdgeItem] = {}
        self.infos: dict[str, NodeInfo] = {}
        self.frozen: set[str] = set()  # node ids marked frozen on their cards (transfer learning)
        self.locked = False
        self.lock_reason = ""
        self.moves_allowed = True
        self.analysis_count = 0  # how often shape inference ran (tests)
        self.input_shapes: dict[str, tuple[int, ...]] = {}
        self.target_shape: tuple[int, ...] | None = None
        self._interaction: ConnectInteraction | None = None
        self._move = MoveTracker(self)
        self._weights: Any = None
        self._unit_grid: Any = None
        self._step_labels: dict[Edge, StepLabelItem] = {}
        self._step_shown = False
        self._structure_changed = False
        self._routing_timer = QTimer(self)
        self._routing_timer.setSingleShot(True)
        self._routing_timer.setInterval(0)
        self._routing_timer.timeout.connect(self.adjust_edges)
        self.map_popup = MapPopupItem()
        self.addItem(self.map_popup)
        # The model outlives canvases (File → New keeps it while the window rebuilds);
        # when Qt deletes this scene, stop listening, or the model's next edit would
        # call into a deleted object. ``_unlink`` is a plain function for that reason.
        self._link: dict[str, Any] = {}
        self.destroyed.connect(partial(_unlink, self._link))
        self.set_graph(graph)

    # ------------------------------------------------------------------
    # the model
    # ------------------------------------------------------------------
    _SIGNALS = ("node_added", "node_removed", "node_moved", "param_changed", "edge_added",
                "edge_removed", "changed")

    def set_graph(self, graph: Graph) -> None:
        """Show another graph (after File → Open); items are rebuilt from it."""
        _unlink(self._link)
        self._cancel_interaction()
        self.clear_step_values()
        for item in list(self.edge_items.values()):
            self._drop_edge_item(item)
        for item in list(self.node_items.values()):
            self.removeItem(item)
        self.node_items.clear()
        self.infos = {}
        self._weights, self._unit_grid = None, None
        self.graph = graph
        for node in graph:
            self._on_node_added(node)
        for edge in graph.edges:
            self._on_edge_added(edge)
        handlers = {name: getattr(self, f"_on_{name}") for name in self._SIGNALS}
        for name, handler in handlers.items():
            getattr(graph, name).connect(handler)
        self._link.update(graph=graph, handlers=handlers)
        self._structure_changed = False
        self.refresh_analysis()
        self.graph_replaced.emit()

    def set_dataset_shapes(self, input_shapes: Mapping[str, tuple[int, ...]] | None = None,
                           target_shape: tuple[int, ...] | None = None) -> None:
        """The chosen dataset's per-sample shapes: ``{input node id: shape}`` for Input nodes
        that follow the dataset, and the targets' shape (checked against the Output)."""
        self.input_shapes = dict(input_shapes or {})
        self.target_shape = tuple(target_shape) if target_shape is not None else None
        self.refresh_analysis()

    def _on_node_added(self, node) -> None:
        self._structure_changed = True
        item = NodeItem(node, self.style)
        item.set_locked(not self.moves_allowed)
        item.set_frozen(node.id in self.frozen)
        item.set_port_count(self.graph.port_count(node.id))
        self.node_items[node.id] = item
        self.addItem(item)
        self.request_edge_routing()

    def _on_node_removed(self, node) -> None:
        self._structure_changed = True
        item = self.node_items.pop(node.id, None)
        if item is not None:
            for edge_item in list(item.edges):
                self._drop_edge_item(edge_item)
            self.removeItem(item)
        self.infos.pop(node.id, None)

    def _on_node_moved(self, node_id: str, x: float, y: float) -> None:
        item = self.node_items.get(node_id)
        if item is not None and (item.x(), item.y()) != (x, y):
            item.setPos(x, y)

    def _on_param_changed(self, node_id: str, name: str, value: Any) -> None:
        self._structure_changed = True
        item = self.node_items.get(node_id)
        if item is not None:
            item.set_node(self.graph.node(node_id))

    def _on_edge_added(self, edge: Edge) -> None:
        self._structure_changed = True
        source, target = self.node_items.get(edge.source), self.node_items.get(edge.target)
        if source is None or target is None:
            return
        target.set_port_count(self.graph.port_count(edge.target))
        item = EdgeItem(edge, source, target, self.style)
        self.edge_items[edge] = item
        self.addItem(item)
        item.adjust()  # now that it is in the scene it can see the cards to go round
        self._update_port_states(edge)

    def _on_edge_removed(self, edge: Edge) -> None:
        self._structure_changed = True
        item = self.edge_items.get(edge)
        if item is not None:
            self._drop_edge_item(item)
        target = self.node_items.get(edge.target)
        if target is not None and edge.target in self.graph:
            target.set_port_count(self.graph.port_count(edge.target))
        self._update_port_states(edge)

    def request_edge_routing(self) -> None:
        """Re-route every edge once control returns to the event loop (cards moved or
        changed size; many such changes in one edit cost one re-route)."""
        if not self._routing_timer.isActive():
            self._routing_timer.start()

    def adjust_edges(self) -> None:
        """Re-route every edge now (an edge may have to go round a card)."""
        self._routing_timer.stop()
        cards = {item: item.sceneBoundingRect() for item in self.node_items.values()}
        for item in self.edge_items.values():
            item.adjust(cards)
        self._place_step_labels(cards)

    def _drop_edge_item(self, item: EdgeItem) -> None:
        label = self._step_labels.pop(item.edge, None)
        if label is not None and label.scene() is self:
            self.removeItem(label)
        item.detach()
        self.edge_items.pop(item.edge, None)
        if item.scene() is self:
            self.removeItem(item)

    def _update_port_states(self, edge: Edge) -> None:
        for node_id in (edge.source, edge.target):
            item = self.node_items.get(node_id)
            if item is None or node_id not in self.graph:
                continue
            for port in item.input_ports:
                port.set_connected(self.graph.edge_at(node_id, port.index) is not None)
            if item.output_port is not None:
                item.output_port.set_connected(bool(self.graph.edges_out_of(node_id)))

    def _on_changed(self) -> None:
        self.refresh_analysis()
        if self._structure_changed:
            # trained weights and unit maps belong to the network as it was trained;
            # once layers, wiring or settings change they would mislead (moving does not count)
            self._structure_changed = False
            if self._weights:
                self.clear_weights()
            if self._unit_grid is not None:
                self.clear_unit_maps()
            if self._step_shown:
                self.clear_step_values()

    def refresh_analysis(self) -> None:
        """Run shape inference over the whole graph and update every card."""
        self.analysis_count += 1
        try:
            infos = analyse(self.graph, self.input_shapes, self.target_shape)
        except Exception as exc:  # noqa: BLE001 - the canvas must stay usable
            infos = {n.id: NodeInfo(problem=f"Shapes could not be worked out: {exc}") for n in self.graph}
        self.infos = infos
        for node_id, item in self.node_items.items():
            item.set_info(infos.get(node_id, NodeInfo()))
        for edge, item in self.edge_items.items():
            target = infos.get(edge.target)
            item.set_has_weights(bool(target is not None and target.params))

    # ------------------------------------------------------------------
    # looks
    # ------------------------------------------------------------------
    def set_style(self, style: CanvasStyle) -> None:
        self.style = style
        for item in self.node_items.values():
            item.set_style(style)
        for item in self.edge_items.values():
            item.set_style(style)
        for label in self._step_labels.values():
            label.set_style(style)
        self.update()

    def set_frozen(self, node_ids: Iterable[str]) -> None:
        """Mark the cards of frozen layers (the project's ``settings.hooks.frozen``; the window
        calls this after every settings change, undo and redo, and for a new project)."""
        self.frozen = set(node_ids)
        for node_id, item in self.node_items.items():
            item.set_frozen(node_id in self.frozen)

    def set_palette_style(self, palette: QPalette) -> None:
        self.set_style(CanvasStyle.from_palette(palette))

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, self.style.background)
        scale = painter.worldTransform().m11()
        if scale < 0.45:
            return  # dots would turn into a grey haze
        painter.setPen(self.style.grid)
        left = int(rect.left() // GRID) * GRID
        top = int(rect.top() // GRID) * GRID
        points = []
        y = top
        while y < rect.bottom():
            x = left
            while x < rect.right():
                points.append(QPointF(x, y))
                x += GRID
            y += GRID
        painter.drawPoints(points)

    # ------------------------------------------------------------------
    # lookups
    # ------------------------------------------------------------------
    def selected_node_items(self) -> list[NodeItem]:
        return [i for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_node_ids(self) -> list[str]:
        """Selected node ids in the graph's order (Qt's selection order is arbitrary)."""
        chosen = {i.node_id for i in self.selected_node_items()}
        return [n.id for n in self.graph if n.id in chosen]

    def selected_edges(self) -> list[Edge]:
        return [i.edge for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_nodes(self, node_ids: Iterable[str]) -> None:
        wanted = set(node_ids)
        self.clearSelection()
        for node_id in wanted:
            item = self.node_items.get(node_id)
            if item is not None:
                item.setSelected(True)

    def select_all(self) -> None:
        for item in list(self.node_items.values()) + list(self.edge_items.values()):
            item.setSelected(True)

    def port_at(self, pos: QPointF, want_output: bool | None = None) -> PortItem | None:
        """The port nearest ``pos`` within a few pixels (of the wanted kind), or ``None``."""
        best, best_d = None, SNAP_DISTANCE
        for item in self.node_items.values():
            if not item.sceneBoundingRect().adjusted(-30, -30, 30, 30).contains(pos):
                continue
            for port in item.ports():
                if want_output is not None and port.is_output != want_output:
                    continue
                d = (port.scenePos() - pos).manhattanLength()
                if d < best_d:
                    best, best_d = port, d
        return best

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
            parent = item.parentItem()
            while parent is not None:
                if isinstance(parent, NodeItem):
                    return parent
                parent = parent.parentItem()
        return None

    def nodes_rect(self) -> QRectF:
        rect = QRectF()
        for item in self.node_items.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    # ------------------------------------------------------------------
    # edits: every one is an undo command
    # ------------------------------------------------------------------
    def refuse_if_locked(self) -> bool:
        """``True`` (and the reason shown) when editing is locked, e.g. during training."""
        if self.locked:
            self.message.emit(self.lock_reason or "The network cannot be changed right now")
        return self.locked

    def push(self, command: commands.GraphCommand) -> bool:
        """Push ``command`` unless locked or refused by the model; show the reason if not."""
        moving = self.moves_allowed and isinstance(command, commands.MoveNodes)
        if not moving and self.refuse_if_locked():
            return False
        reason = commands.try_push(self.undo_stack, command)
        if reason:
            self.message.emit(reason)
            return False
        return True

    def add_node(self, kind: str, x: float, y: float, params: Mapping[str, Any] | None = None) -> str | None:
        """Add a layer at ``(x, y)`` (its top-left corner); return its id (selected), or ``None``."""
        command = commands.AddNode(self.graph, kind, round(x), round(y), params)
        if not self.push(command):
            return None
        self.select_nodes([command.node_id])
        return command.node_id

    def connect_nodes(self, source: str, target: str, port: int | None = None) -> bool:
        return self.push(commands.Connect(self.graph, source, target, port))

    def disconnect_edge(self, edge: Edge) -> bool:
        return self.push(commands.Disconnect(self.graph, edge))

    def set_param(self, node_id: str, name: str, value: Any) -> bool:
        return self.push(commands.SetParam(self.graph, node_id, name, value))

    def move_nodes(self, moves: Mapping[str, tuple[tuple[float, float], tuple[float, float]]],
                   text: str | None = None) -> bool:
        ok = self.push(commands.MoveNodes(self.graph, moves, text))
        if not ok:  # put the cards back where the model has them
            for node_id in moves:
                if node_id in self.graph and node_id in self.node_items:
                    node = self.graph.node(node_id)
                    self.node_items[node_id].setPos(node.x, node.y)
        return ok

    def delete_selection(self) -> bool:
        """Delete the selected nodes (with their edges) and selected edges: one undo step."""
        node_ids, edges = self.selected_node_ids(), self.selected_edges()
        if not node_ids and not edges:
            return False
        return self.push(commands.RemoveNodes(self.graph, node_ids, edges))

    def copy_selection(self) -> dict[str, Any] | None:
        """The selected nodes and the edges among them as plain data, or ``None``."""
        node_ids = self.selected_node_ids()
        if not node_ids:
            return None
        return self.graph.extract(node_ids)

    def paste(self, data: Mapping[str, Any], dx: float = 40.0, dy: float = 40.0) -> list[str]:
        """Insert copied data shifted by ``(dx, dy)``; the new nodes become the selection."""
        if not data or not data.get("nodes"):
            return []
        command = commands.Paste(self.graph, data, dx, dy)
        if not self.push(command):
            return []
        self.select_nodes(command.node_ids)
        return list(command.node_ids)

    def auto_layout(self) -> bool:
        """Arrange all nodes left to right by depth (one undo step)."""
        if not self.node_items:
            return False
        sizes = {i.node_id: (i.card_rect().width(), i.card_rect().height()) for i in self.node_items.values()}
        rect = self.nodes_rect()
        origin = (rect.left(), rect.center().y()) if rect.isValid() else (0.0, 0.0)
        targets = layered_positions(self.graph, sizes, origin=(round(origin[0]), round(origin[1])))
        moves = {}
        for node_id, new in targets.items():
            node = self.graph.node(node_id)
            if (node.x, node.y) != new:
                moves[node_id] = ((node.x, node.y), new)
        if not moves:
            return True
        return self.move_nodes(moves, text="Auto-layout")

    # ------------------------------------------------------------------
    # locked mode (training)
    # ------------------------------------------------------------------
    def set_locked(self, locked: bool, reason: str = "", allow_moves: bool = False) -> None:
        """Refuse structural edits (adding, wiring, deleting, parameters) with ``reason``; with
        ``allow_moves`` cards can still be dragged about (while training)."""
        self.locked = bool(locked)
        self.lock_reason = reason if locked else ""
        self.moves_allowed = bool(allow_moves) or not locked
        if locked:
            self._cancel_interaction()
        for item in self.node_items.values():
            item.set_locked(not self.moves_allowed)
        self.update()
        self.lock_changed.emit(self.locked, self.lock_reason)

    # ------------------------------------------------------------------
    # trained values: edge weights and unit maps
    # ------------------------------------------------------------------
    def show_weights(self, report_or_stats: Any) -> None:
        """Colour edges by the sign of the mean weight and size them by mean |w|.

        Accepts a session ``Report`` (its ``weight_stats``) or the stats dict
        itself: ``{"dense_1.W": {"mean": …, "abs_mean": …}, …}``. An edge into a
        layer with a weight matrix (Dense: ``W``; recurrent: ``W_xh``) shows that
        matrix, because the matrix multiplies what arrives over that edge.
        Edges into layers without weights stay neutral. ``None`` clears.
        """
        stats = getattr(report_or_stats, "weight_stats", report_or_stats)
        self._weights = stats
        self._colour_edges(stats)

    @property
    def weights_shown(self) -> bool:
        """Whether the edges show trained weights (colour and width) now."""
        return bool(self._weights)

    def _colour_edges(self, stats: Mapping[str, Mapping[str, float]] | None) -> None:
        if not stats:
            for item in self.edge_items.values():
                item.set_weight(None)
            return
        found = {}
        for edge, item in self.edge_items.items():
            found[edge] = _weight_entry(stats, edge.target)
        largest = max((abs(v[1].get("abs_mean", abs(v[1].get("mean", 0.0)))) for v in found.values() if v),
                      default=0.0)
        for edge, item in self.edge_items.items():
            entry = found[edge]
            if entry is None:
                item.set_weight(None)
                continue
            name, s = entry
            mean = float(s.get("mean", 0.0))
            magnitude = float(s.get("abs_mean", abs(mean)))
            scale = magnitude / largest if largest > 0 else 0.0
            text = f"{name}: mean {mean:+.3g}, mean |w| {magnitude:.3g}"
            item.set_weight(mean, scale, text)

    def clear_weights(self) -> None:
        self.show_weights(None)

    def show_unit_maps(self, decision_grid: Any) -> None:
        """Tiny heatmaps of each unit inside the nodes of ``decision_grid.units``; ``None`` clears."""
        self._unit_grid = decision_grid
        units = getattr(decision_grid, "units", None) or {}
        for node_id, item in self.node_items.items():
            values = units.get(node_id)
            if values is None:
                item.set_unit_maps(None)
            else:
                item.set_unit_maps(unit_images(values), total=len(values))
        self.map_popup.hide_popup()

    def clear_unit_maps(self) -> None:
        self.show_unit_maps(None)

    # ------------------------------------------------------------------
    # the backpropagation step-through's numbers
    # ------------------------------------------------------------------
    def show_step_values(self, values: Any) -> None:
        """Write one stage of the step-through on the canvas (``None`` clears).

        ``values`` is a ``teaching.stepthrough_view.CanvasValues`` (read by attribute
        only): ``highlight`` (cards of the current stage, which glow), ``node_values``
        (card → quantities with ``label``, ``values``, ``fresh``), ``edge_values`` (Dense
        node → the matrix shown over the edge into it) and ``weight_stats`` (the edges'
        colour and width, as in :meth:`show_weights`). Nodes the values do not name are
        left blank; the trained-weight colours come back with :meth:`clear_step_values`.
        """
        if values is None:
            self.clear_step_values()
            return
        highlight = set(getattr(values, "highlight", ()) or ())
        node_values = getattr(values, "node_values", {}) or {}
        for node_id, item in self.node_items.items():
            item.set_step_values(node_values.get(node_id), node_id in highlight)
        edge_values = getattr(values, "edge_values", {}) or {}
        for edge, item in self.edge_items.items():
            quantity = edge_values.get(edge.target)
            label = self._step_labels.get(edge)
            if quantity is None:
                if label is not None:
                    self.removeItem(self._step_labels.pop(edge))
                continue
            if label is None:
                label = self._step_labels[edge] = StepLabelItem(item, self.style)
                self.addItem(label)
            label.set_values(quantity.label, quantity.values, bool(getattr(quantity, "fresh", False)))
        self._colour_edges(getattr(values, "weight_stats", None) or self._weights)
        self._step_shown = True
        self._place_step_labels()
        self.request_edge_routing()  # cards changed height: ports moved

    def clear_step_values(self) -> None:
        """Remove the step-through's numbers; edges show the trained weights again (if any)."""
        if not self._step_shown:
            return
        self._step_shown = False
        for item in self.node_items.values():
            item.set_step_values(None)
        for label in self._step_labels.values():
            if label.scene() is self:
                self.removeItem(label)
        self._step_labels.clear()
        self._colour_edges(self._weights)
        self.request_edge_routing()

    @property
    def step_values_shown(self) -> bool:
        return self._step_shown

    def step_label(self, edge: Edge) -> StepLabelItem | None:
        """The matrix label over ``edge`` while the step-through shows one (tests, screenshots)."""
        return self._step_labels.get(edge)

    def _place_step_labels(self, cards: dict | None = None) -> None:
        """Each label above the two cards its edge joins, over the middle of the edge."""
        if not self._step_labels:
            return
        for edge, label in self._step_labels.items():
            item = self.edge_items.get(edge)
            if item is None:
                continue
            rects = [cards[n] if cards else n.sceneBoundingRect() for n in (item.source_item, item.target_item)]
            label.place(item.path().pointAtPercent(0.5), min(r.top() for r in rects))

    # ------------------------------------------------------------------
    # mouse
    # ------------------------------------------------------------------
    def _cancel_interaction(self) -> None:
        if self._interaction is not None:
            self._interaction.finish()
            self._interaction = None

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            port = self.port_at(event.scenePos())
            if port is not None and isinstance(self.itemAt(event.scenePos(), self._view_transform()),
                                               (PortItem, NodeItem, type(None))):
                event.accept()
                if not self.refuse_if_locked():
                    self._interaction = ConnectInteraction(self, port)
                return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self.moves_allowed:
            self._move.press()

    def mouseMoveEvent(self, event) -> None:
        if self._interaction is not None:
            self._interaction.mouse_move(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._interaction is not None and event.button() == Qt.MouseButton.LeftButton:
            interaction, self._interaction = self._interaction, None
            interaction.mouse_release(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._move.release()

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._request_weights(event.scenePos()):
            event.accept()
            return
        node = self.node_at(event.scenePos())
        if node is not None:
            self.node_activated.emit(node.node_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _request_weights(self, pos: QPointF) -> bool:
        """A double-click on an edge or on a unit's heatmap asks for the weights there."""
        item = self.itemAt(pos, self._view_transform())
        if isinstance(item, EdgeItem):
            self.weights_requested.emit(item.edge.target, -1, pos)
            return True
        if isinstance(item, UnitMapsItem):
            index = item.index_at(item.mapFromScene(pos))
            if index is not None:
                self.weights_requested.emit(item.node_item.node_id, index, pos)
                return True
        return False

    def _view_transform(self):
        views = self.views()
        return views[0].transform() if views else QTransform()

    def cancel_gesture(self) -> None:
        """Escape: drop a connection being dragged."""
        self._cancel_interaction()


def _unlink(link: dict[str, Any]) -> None:
    """Disconnect a scene's handlers from the graph it followed."""
    graph, handlers = link.pop("graph", None), link.pop("handlers", {})
    if graph is None:
        return
    for name, handler in handlers.items():
        getattr(graph, name).disconnect(handler)


def _weight_entry(stats: Mapping[str, Mapping[str, float]], node_id: str):
    """``(name, stats)`` of the weight matrix of ``node_id`` (``W`` first, then ``W_*``), or ``None``."""
    preferred = f"{node_id}.W"
    if preferred in stats:
        return preferred, stats[preferred]
    for name in sorted(stats):
        head, _, param = name.rpartition(".")
        if head == node_id and param.startswith("W"):
            return name, stats[name]
    return None
