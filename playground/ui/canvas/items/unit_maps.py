"""Tiny heatmaps of each hidden unit over the 2-D input plane, inside a node card.

Like the browser TensorFlow Playground: for a 2-D dataset every unit of a
small layer is drawn as a little picture of its output over the input plane
(orange negative, blue positive). Hovering one shows it large (240 screen pixels at
any zoom) in a popup above everything else, with the unit's number and value range; double-clicking one
opens the weight editor on that unit's column (``CanvasScene.weights_requested``).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from ...plots.colors import auto_range, diverging_rgba
from .style import MAX_UNIT_MAPS, UNIT_GAP, UNIT_MAP

POPUP_SIZE = 240.0  # screen pixels, whatever the zoom


def unit_images(units: np.ndarray, limit: int = MAX_UNIT_MAPS) -> list[QImage]:
    """``(units, ny, nx)`` values → one ``QImage`` per unit (at most ``limit``).

    All units of a layer share one colour range, so a pale unit really is a
    quiet one. Row 0 of the grid is the bottom of the plane (``ymin``), so
    the image is flipped to put +y up, as in the decision-boundary plot.
    """
    units = np.asarray(units, dtype=float)
    if units.ndim != 3 or units.shape[0] == 0:
        return []
    units = units[:limit]
    lo, hi = auto_range(units)
    images = []
    for values in units:
        rgba = np.ascontiguousarray(diverging_rgba(values[::-1], lo, hi))
        ny, nx = rgba.shape[:2]
        image = QImage(rgba.data, nx, ny, 4 * nx, QImage.Format.Format_RGBA8888).copy()
        image.setText("range", f"{float(values.min()):.3g} … {float(values.max()):.3g}")
        images.append(image)
    return images


class UnitMapsItem(QGraphicsItem):
    """A row of tiny unit heatmaps (a child of the node card)."""

    def __init__(self, node_item):
        super().__init__(node_item)
        self.node_item = node_item
        self.images: list[QImage] = []
        self.more = 0  # units not shown (a layer wider than MAX_UNIT_MAPS)
        self.hovered: int | None = None
        self.setAcceptHoverEvents(True)
        self.setToolTip("Hover over a unit to enlarge it; double-click it to see and edit its weights and bias")

    def set_images(self, images: list[QImage], total: int | None = None) -> None:
        """Show ``images``; ``total`` is the layer's unit count when more exist than are shown."""
        self.prepareGeometryChange()
        self.images = list(images)[:MAX_UNIT_MAPS]
        self.more = max(0, (total or 0) - len(self.images))
        self.hovered = None
        self.update()

    def more_text(self) -> str:
        return f"+{self.more}" if self.more else ""

    def width(self) -> float:
        n = len(self.images)
        width = n * UNIT_MAP + max(n - 1, 0) * UNIT_GAP
        if self.more:
            width += UNIT_GAP + 4 + QFontMetricsF(self.node_item.style.small_font).horizontalAdvance(self.more_text())
        return width

    def map_rect(self, i: int) -> QRectF:
        return QRectF(i * (UNIT_MAP + UNIT_GAP), 0.0, UNIT_MAP, UNIT_MAP)

    def index_at(self, pos: QPointF) -> int | None:
        for i in range(len(self.images)):
            if self.map_rect(i).adjusted(-1, -1, 1, 1).contains(pos):
                return i
        return None

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, self.width() + 4, UNIT_MAP + 4)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        style = self.node_item.style
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for i, image in enumerate(self.images):
            rect = self.map_rect(i)
            painter.drawImage(rect, image)
            painter.setPen(QPen(style.highlight if i == self.hovered else style.card_border,
                                2.0 if i == self.hovered else 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
        if self.more:
            left = len(self.images) * (UNIT_MAP + UNIT_GAP) + 4
            painter.setFont(style.small_font)
            painter.setPen(style.muted)
            painter.drawText(QRectF(left, 0, self.width() - left + 2, UNIT_MAP),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.more_text())

    # -- hover: enlarge ----------------------------------------------------
    def hoverMoveEvent(self, event) -> None:
        index = self.index_at(event.pos())
        if index != self.hovered:
            self.hovered = index
            self.update()
            scene = self.scene()
            popup = getattr(scene, "map_popup", None)
            if popup is not None:
                if index is None:
                    popup.hide_popup()
                else:
                    # just above the card, over the hovered map, so the card stays readable
                    centre = self.mapToScene(self.map_rect(index).center())
                    anchor = QPointF(centre.x(), self.node_item.sceneBoundingRect().top())
                    popup.show_image(self.images[index], f"{self.node_item.node_id} · unit {index + 1}",
                                     anchor, self.node_item.style)

    def hoverLeaveEvent(self, event) -> None:
        self.hovered = None
        self.update()
        popup = getattr(self.scene(), "map_popup", None)
        if popup is not None:
            popup.hide_popup()


class MapPopupItem(QGraphicsItem):
    """The enlarged unit map shown above everything while a tiny map is hovered."""

    def __init__(self):
        super().__init__()
        self.image: QImage | None = None
        self.caption = ""
        self.style = None
        self.setZValue(1000)
        self.setVisible(False)
        # as large on screen at any zoom: its origin is the anchor, its size in screen pixels
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def show_image(self, image: QImage, caption: str, anchor: QPointF, style) -> None:
        """Show ``image`` enlarged with its bottom centre at ``anchor`` (scene coordinates)."""
        self.prepareGeometryChange()
        self.image, self.style = image, style
        value_range = image.text("range")
        self.caption = f"{caption}: {value_range}" if value_range else caption
        self.setPos(anchor)
        self.setVisible(True)
        self.update()

    def hide_popup(self) -> None:
        self.setVisible(False)

    def _caption_height(self) -> float:
        return QFontMetricsF(self.style.small_font).height() + 4 if self.style else 18.0

    def _width(self) -> float:
        if self.style is None:
            return POPUP_SIZE + 12
        return max(POPUP_SIZE, QFontMetricsF(self.style.small_font).horizontalAdvance(self.caption)) + 12

    def _height(self) -> float:
        return POPUP_SIZE + self._caption_height() + 12

    def _origin(self) -> QPointF:
        """Top-left of the popup in its own (screen-pixel) coordinates: bottom centre at the anchor."""
        return QPointF(-self._width() / 2, -self._height() - 4)

    def boundingRect(self) -> QRectF:
        o = self._origin()
        return QRectF(o.x() - 2, o.y() - 2, self._width() + 4, self._height() + 6)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if self.image is None or self.style is None:
            return
        s = self.style
        painter.translate(self._origin())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(s.card_border, 1.0))
        painter.setBrush(s.card)
        painter.drawRoundedRect(QRectF(0, 0, self._width(), self._height()), 6, 6)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # crisp cells
        left = (self._width() - POPUP_SIZE) / 2
        painter.drawImage(QRectF(left, 6, POPUP_SIZE, POPUP_SIZE), self.image)
        painter.setFont(s.small_font)
        painter.setPen(s.text)
        painter.drawText(QRectF(6, POPUP_SIZE + 8, self._width() - 12, self._caption_height()),
                         Qt.AlignmentFlag.AlignCenter, self.caption)
        painter.setPen(QColor(0, 0, 0, 0))
