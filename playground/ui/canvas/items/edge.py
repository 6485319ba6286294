"""A connection: a smooth cubic curve from an output port to an input port.

Without weights it is drawn in a neutral colour. After :meth:`EdgeItem.set_weight`
it is coloured like the browser playground (orange for a negative mean weight,
blue for a positive one) and its width grows with the weights' magnitude.
Clicking selects it; the Delete key removes it (through a command). An edge into a
layer with weights (``has_weights``, set by the scene) is where those weights act:
double-clicking it opens the weight editor (``CanvasScene.weights_requested``).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyle, QStyleOptionGraphicsItem

from .style import NEGATIVE, PORT_RADIUS, POSITIVE

BASE_WIDTH = 2.5
MIN_WEIGHT_WIDTH = 1.5
MAX_WEIGHT_WIDTH = 9.0
ARROW = 9.0


CLEARANCE = 22.0  # how far a detour passes from the cards it goes round


def curve(p1: QPointF, p2: QPointF) -> QPainterPath:
    """A horizontal S-curve from ``p1`` (an output, leaving to the right) to ``p2`` (an input)."""
    dx = max(40.0, abs(p2.x() - p1.x()) * 0.5)
    path = QPainterPath(p1)
    path.cubicTo(QPointF(p1.x() + dx, p1.y()), QPointF(p2.x() - dx, p2.y()), p2)
    return path


def _hits(path: QPainterPath, rects: list[QRectF]) -> list[QRectF]:
    stroker = QPainterPathStroker()
    stroker.setWidth(4.0)
    stroke = None
    bounds = path.boundingRect().adjusted(-2, -2, 2, 2)
    hit = []
    for rect in rects:
        if not bounds.intersects(rect):
            continue
        stroke = stroke or stroker.createStroke(path)
        if stroke.intersects(rect):
            hit.append(rect)
    return hit


def _clear_level(p1: QPointF, p2: QPointF, rects: list[QRectF], upwards: bool) -> float:
    """The height of a horizontal run between ``p1.x`` and ``p2.x`` that misses every card."""
    left, right = p1.x(), p2.x()
    low, high = min(p1.y(), p2.y()), max(p1.y(), p2.y())
    level = low if upwards else high
    for _ in range(len(rects) + 1):
        band_top, band_bottom = (level - CLEARANCE, high) if upwards else (low, level + CLEARANCE)
        blocking = [r for r in rects if r.right() > left and r.left() < right
                    and r.bottom() > band_top and r.top() < band_bottom]
        new = (min(r.top() for r in blocking) - CLEARANCE if upwards
               else max(r.bottom() for r in blocking) + CLEARANCE) if blocking else level
        if new == level:
            break
        level = new
    return level


def route(p1: QPointF, p2: QPointF, obstacles: list[QRectF] = ()) -> QPainterPath:
    """The edge's path: the S-curve, or, if that would pass behind other cards (a skip
    connection over a chain), a bridge that leaves ``p1``, runs above or below the
    cards (whichever is the smaller detour) and comes down into ``p2``."""
    path = curve(p1, p2)
    if not obstacles or p2.x() - p1.x() < 120 or not _hits(path, list(obstacles)):
        return path
    rects = list(obstacles)
    up, down = _clear_level(p1, p2, rects, True), _clear_level(p1, p2, rects, False)
    middle = (p1.y() + p2.y()) / 2
    level = up if abs(middle - up) <= abs(down - middle) else down
    bend = min(60.0, (p2.x() - p1.x()) / 3)
    a, b = QPointF(p1.x() + bend, level), QPointF(p2.x() - bend, level)
    path = QPainterPath(p1)
    path.cubicTo(QPointF(p1.x() + bend * 0.6, p1.y()), QPointF(p1.x() + bend * 0.4, level), a)
    path.lineTo(b)
    path.cubicTo(QPointF(p2.x() - bend * 0.4, level), QPointF(p2.x() - bend * 0.6, p2.y()), p2)
    return path


class EdgeItem(QGraphicsItem):
    """The curve of one model edge ``source → target[port]``."""

    def __init__(self, edge, source_item, target_item, style):
        super().__init__()
        self.edge = edge
        self.source_item = source_item
        self.target_item = target_item
        self.style = style
        self.weight: float | None = None  # signed summary of the weights on this edge
        self.weight_text = ""
        self.has_weights = False  # the target layer has a weight matrix (double-click edits it)
        self.width_scale = 0.0  # 0 … 1 relative magnitude among the shown edges
        self.hovered = False
        self._path = QPainterPath()
        self._tip = QPointF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(0)
        source_item.edges.add(self)
        target_item.edges.add(self)
        self.adjust()

    def detach(self) -> None:
        """Forget the nodes (before removal from the scene)."""
        self.source_item.edges.discard(self)
        self.target_item.edges.discard(self)

    # -- geometry -----------------------------------------------------------
    def end_points(self) -> tuple[QPointF, QPointF]:
        out = self.source_item.output_port
        port = self.target_item.input_port(self.edge.port)
        p1 = out.scenePos() if out is not None else self.source_item.sceneBoundingRect().center()
        p2 = port.scenePos() if port is not None else self.target_item.scenePos()
        return p1, p2

    def adjust(self, cards: dict | None = None) -> None:
        """Follow the ports (after a move, a port-count change or a relayout).

        ``cards`` (``{node item: scene rect}``) saves working the rects out again
        when the scene re-routes every edge at once.
        """
        p1, p2 = self.end_points()
        self.prepareGeometryChange()
        # the arrow's tip touches the rim of the input port; the curve stops inside the arrow
        self._tip = QPointF(p2.x() - PORT_RADIUS, p2.y())
        self._path = route(p1, QPointF(self._tip.x() - ARROW * 0.7, p2.y()), self._obstacles(cards))
        self.update()

    def _obstacles(self, cards: dict | None = None) -> list[QRectF]:
        """The cards of every other node (in scene coordinates), which the curve should not hide behind."""
        if cards is None:
            scene = self.scene()
            if scene is None or not hasattr(scene, "node_items"):
                return []
            cards = {item: item.sceneBoundingRect() for item in scene.node_items.values()}
        return [rect for item, rect in cards.items()
                if item is not self.source_item and item is not self.target_item]

    def path(self) -> QPainterPath:
        return self._path

    def boundingRect(self) -> QRectF:
        m = MAX_WEIGHT_WIDTH + ARROW
        return self._path.boundingRect().adjusted(-m, -m, m, m)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(14.0)  # easy to click
        return stroker.createStroke(self._path)

    # -- weights ------------------------------------------------------------
    def set_weight(self, weight: float | None, width_scale: float = 0.0, text: str = "") -> None:
        """Colour by the sign of ``weight`` and set the width from ``width_scale`` (0 … 1)."""
        self.weight = weight
        self.width_scale = max(0.0, min(1.0, float(width_scale)))
        self.weight_text = text
        self.prepareGeometryChange()
        self._update_tooltip()
        self.update()

    def set_has_weights(self, has_weights: bool) -> None:
        if has_weights != self.has_weights:
            self.has_weights = has_weights
            self._update_tooltip()

    def pen_width(self) -> float:
        if self.weight is None:
            return BASE_WIDTH
        return MIN_WEIGHT_WIDTH + (MAX_WEIGHT_WIDTH - MIN_WEIGHT_WIDTH) * self.width_scale

    def colour(self) -> QColor:
        if self.weight is None:
            return self.style.edge
        return QColor(NEGATIVE if self.weight < 0 else POSITIVE)

    def _update_tooltip(self) -> None:
        e = self.edge
        tip = f"{e.source} → {e.target}"
        if self.target_item.input_port(e.port) is not None and len(self.target_item.input_ports) > 1:
            tip += f" (input '{self.target_item.input_port(e.port).name}')"
        if self.weight_text:
            tip += f"\n{self.weight_text}"
        if self.has_weights:
            tip += f"\nDouble-click to see and edit the weights of {e.target}"
        tip += "\nClick to select, Delete to remove"
        self.setToolTip(tip)

    def set_style(self, style) -> None:
        self.style = style
        self.update()

    # -- painting -----------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.pen_width() + (1.0 if self.hovered else 0.0)
        colour = self.colour()
        if selected:  # a halo in the selection colour under the curve
            halo = QPen(self.style.highlight, width + 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            painter.setPen(halo)
            painter.drawPath(self._path)
        painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        self._paint_arrow(painter, colour)

    def _paint_arrow(self, painter: QPainter, colour: QColor) -> None:
        tip = self._tip
        size = ARROW + self.pen_width() * 0.6
        arrow = QPolygonF([tip, QPointF(tip.x() - size, tip.y() - size * 0.55),
                           QPointF(tip.x() - size, tip.y() + size * 0.55)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(arrow)

    # -- hover --------------------------------------------------------------
    def hoverEnterEvent(self, event) -> None:
        self.hovered = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self.hovered = False
        self.update()
