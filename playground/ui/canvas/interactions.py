"""Mouse gestures that span several events: dragging a new connection, moving nodes.

The scene hands mouse events to the active interaction (the Orange canvas
pattern), so each gesture lives in one small class instead of a long chain of
``if`` statements in the scene:

- :class:`ConnectInteraction` starts on a port; a dashed rubber-band curve
  follows the mouse; the port under the mouse turns green (allowed) or red
  (refused, the model says why); release pushes a ``Connect`` command, or shows
  the model's reason.
- :class:`MoveTracker` remembers where the selected nodes were when the mouse
  went down and, on release, pushes *one* ``MoveNodes`` command for all of them.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsPathItem

from .items.edge import curve
from .items.node import NodeItem
from .items.port import DROP_BAD, DROP_NONE, DROP_OK, PortItem

SNAP_DISTANCE = 18.0  # how close (scene units) the mouse must be to a port to hit it


class ConnectInteraction:
    """Drag from a port to a port of the other kind (output → input, or input → output)."""

    def __init__(self, scene, port: PortItem):
        self.scene = scene
        self.port = port
        self.from_output = port.is_output
        self.hover: PortItem | None = None
        self.hover_reason: str | None = None
        self.line = QGraphicsPathItem()
        pen = QPen(scene.style.highlight, 2.5, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
        self.line.setPen(pen)
        self.line.setZValue(50)
        scene.addItem(self.line)
        self.update_line(port.scenePos())

    # -- geometry ---------------------------------------------------------
    def update_line(self, pos: QPointF) -> None:
        start = self.port.scenePos()
        path = curve(start, pos) if self.from_output else curve(pos, start)
        self.line.setPath(path)

    def _ends(self, target: PortItem | None, node: NodeItem | None) -> tuple[str, str, int | None] | None:
        """``(source, target, port)`` for a release on ``target`` port or ``node`` body."""
        if target is not None:
            if self.from_output:
                return self.port.node_id, target.node_id, target.index
            return target.node_id, self.port.node_id, self.port.index
        if node is not None:
            if self.from_output:  # dropped on a card: the first free input port
                return self.port.node_id, node.node_id, None
            return node.node_id, self.port.node_id, self.port.index
        return None

    def _target_at(self, pos: QPointF) -> tuple[PortItem | None, NodeItem | None]:
        port = self.scene.port_at(pos, want_output=not self.from_output)
        if port is not None and port.node_item is self.port.node_item:
            port = None
        node = None if port is not None else self.scene.node_at(pos)
        if node is self.port.node_item:
            node = None
        return port, node

    # -- events -----------------------------------------------------------
    def mouse_move(self, pos: QPointF) -> None:
        port, node = self._target_at(pos)
        snapped = port.scenePos() if port is not None else pos
        self.update_line(snapped)
        if port is not self.hover:
            if self.hover is not None:
                self.hover.set_drop_state(DROP_NONE)
            self.hover = port
        if port is not None:
            ends = self._ends(port, None)
            self.hover_reason = self.scene.graph.can_connect(*ends)
            port.set_drop_state(DROP_BAD if self.hover_reason else DROP_OK)
        else:
            self.hover_reason = None
        colour = self.scene.style.error if self.hover_reason else self.scene.style.highlight
        pen = self.line.pen()
        pen.setColor(colour)
        self.line.setPen(pen)

    def mouse_release(self, pos: QPointF) -> None:
        port, node = self._target_at(pos)
        self.finish()
        ends = self._ends(port, node)
        if ends is None:
            if (pos - self.port.scenePos()).manhattanLength() > SNAP_DISTANCE:
                what = "an input port" if self.from_output else "an output port"
                self.scene.message.emit(f"Not connected: drop the line on {what} of another layer")
            return
        source, target, index = ends
        if self.scene.connect_nodes(source, target, index):
            self.scene.notice.emit(f"Connected {source} → {target}")

    def finish(self) -> None:
        """Remove the rubber-band line and any port highlight."""
        if self.hover is not None:
            self.hover.set_drop_state(DROP_NONE)
            self.hover = None
        if self.line.scene() is not None:
            self.scene.removeItem(self.line)


class MoveTracker:
    """Turn one drag of the selected nodes into one ``MoveNodes`` command."""

    def __init__(self, scene):
        self.scene = scene
        self.start: dict[str, tuple[float, float]] = {}

    def press(self) -> None:
        graph = self.scene.graph
        self.start = {}
        for item in self.scene.selected_node_items():
            node = graph.node(item.node_id)  # the model's position is the truth
            self.start[item.node_id] = (node.x, node.y)

    def release(self) -> None:
        if not self.start:
            return
        moves = {}
        for node_id, old in self.start.items():
            item = self.scene.node_items.get(node_id)
            if item is None:
                continue
            new = (round(item.x(), 1), round(item.y(), 1))
            if new != old:
                moves[node_id] = (old, new)
        self.start = {}
        if moves:
            self.scene.move_nodes(moves)
