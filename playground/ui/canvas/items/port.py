"""A port: the small circle on a node's edge where a connection starts or ends.

Input ports sit on the left edge of a node (one per engine input, in order),
the output port on the right. A port only paints itself; dragging from it is
handled by the scene's connect interaction (``interactions.py``).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from .style import PORT_RADIUS

# feedback while a connection is dragged over a port
DROP_NONE, DROP_OK, DROP_BAD = 0, 1, 2


class PortItem(QGraphicsItem):
    """One input or output port of a :class:`~.node.NodeItem` (a child item)."""

    def __init__(self, node_item, is_output: bool, index: int = 0, name: str = ""):
        super().__init__(node_item)
        self.node_item = node_item
        self.is_output = is_output
        self.index = index  # the model's input port number (0 for the output)
        self.name = name or ("output" if is_output else f"input {index + 1}")
        self.connected = False
        self.hovered = False
        self.drop_state = DROP_NONE
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        self.update_tooltip()

    @property
    def node_id(self) -> str:
        return self.node_item.node_id

    def update_tooltip(self) -> None:
        if self.is_output:
            tip = "Output: drag from here to an input port to connect"
        else:
            tip = f"Input '{self.name}': drop a connection here"
        self.setToolTip(tip)

    def set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.update()

    def set_drop_state(self, state: int) -> None:
        if state != self.drop_state:
            self.drop_state = state
            self.update()

    # -- geometry and painting ----------------------------------------------
    def boundingRect(self) -> QRectF:
        r = PORT_RADIUS + 4
        return QRectF(-r, -r, 2 * r, 2 * r)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        r = PORT_RADIUS + 4  # a generous target for the mouse
        path.addEllipse(QPointF(0, 0), r, r)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        style = self.node_item.style
        r = PORT_RADIUS + (2 if self.hovered or self.drop_state != DROP_NONE else 0)
        ring = style.port
        fill = style.edge if self.connected else style.port_fill
        if self.hovered:
            ring = fill = style.highlight
        if self.drop_state == DROP_OK:
            ring, fill = style.ok, style.ok
        elif self.drop_state == DROP_BAD:
            ring, fill = style.error, style.port_fill
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(ring, 2.0))
        painter.setBrush(QBrush(fill))
        painter.drawEllipse(QPointF(0, 0), r, r)

    # -- hover --------------------------------------------------------------
    def hoverEnterEvent(self, event) -> None:
        self.hovered = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.hovered = False
        self.update()
        super().hoverLeaveEvent(event)
