"""The layer palette: every catalog entry, grouped, with an icon, a search box and drag-and-drop.

Dragging an entry starts a ``QDrag`` whose mime data carries only the layer
kind (``application/x-playground-layer``); the canvas creates the node where it
is dropped. Double-click (or Enter) asks the window to add the layer at the
centre of the canvas (:attr:`PaletteWidget.add_requested`).

Icons are small glyphs drawn with QPainter, one per group, in the group's
accent colour (the same colour as the stripe on a node card), so no image
files are needed and they stay crisp at any screen scale.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QMimeData, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from playground.model.catalog import LayerSpec, palette

LAYER_MIME = "application/x-playground-layer"
KIND_ROLE = Qt.ItemDataRole.UserRole
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
ICON_SIZE = 22

GROUP_COLOURS = {  # kept equal to playground.ui.canvas.items.style.GROUP_COLOURS
    "Core": "#1f77b4", "Activations": "#2ca02c", "Convolution": "#9467bd", "Pooling": "#8c564b",
    "Recurrent": "#17becf", "Regularization": "#bcbd22", "Merge": "#e377c2", "Autoencoder": "#ff7f0e",
    "Output": "#7f7f7f",
}
try:  # one source of truth when the canvas style is there
    from playground.ui.canvas.items.style import GROUP_COLOURS as _CANVAS_COLOURS

    GROUP_COLOURS.update(_CANVAS_COLOURS)
except ImportError:  # pragma: no cover - the canvas is optional for the palette
    pass


# ----------------------------------------------------------------------------
# icons
# ----------------------------------------------------------------------------
def _glyph_core(p: QPainter, c: QColor) -> None:
    """A tiny fully connected layer: 3 dots → 2 dots, every pair joined."""
    left = [QPointF(5, 4 + 7 * i) for i in range(3)]
    right = [QPointF(17, 7.5 + 7 * i) for i in range(2)]
    p.setPen(QPen(c, 1.0))
    for a in left:
        for b in right:
            p.drawLine(a, b)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    for q in left + right:
        p.drawEllipse(q, 2.4, 2.4)


def _glyph_activation(p: QPainter, c: QColor) -> None:
    """An S-shaped sigmoid curve over a faint axis."""
    p.setPen(QPen(QColor(c.red(), c.green(), c.blue(), 90), 1.0))
    p.drawLine(QPointF(2, 11), QPointF(20, 11))
    path = QPainterPath()
    for i in range(41):
        x = 2 + 18 * i / 40
        y = 19 - 16 / (1 + math.exp(-(x - 11) * 0.7))
        path.moveTo(x, y) if i == 0 else path.lineTo(x, y)
    p.setPen(QPen(c, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawPath(path)


def _glyph_conv(p: QPainter, c: QColor) -> None:
    """A 4×4 image grid with a highlighted 2×2 filter window."""
    p.setPen(QPen(c, 1.0))
    for i in range(5):
        p.drawLine(QPointF(3 + 4 * i, 3), QPointF(3 + 4 * i, 19))
        p.drawLine(QPointF(3, 3 + 4 * i), QPointF(19, 3 + 4 * i))
    p.setBrush(QColor(c.red(), c.green(), c.blue(), 150))
    p.setPen(QPen(c, 2.0))
    p.drawRect(QRectF(7, 7, 8, 8))


def _glyph_pool(p: QPainter, c: QColor) -> None:
    """Four small squares funnelling into one."""
    p.setPen(QPen(c, 1.2))
    p.setBrush(QColor(c.red(), c.green(), c.blue(), 70))
    for dx in (0, 5):
        for dy in (0, 5):
            p.drawRect(QRectF(2 + dx, 6 + dy, 4.5, 4.5))
    p.drawLine(QPointF(13, 11), QPointF(15, 11))
    p.setBrush(c)
    p.drawRect(QRectF(15.5, 8, 5, 5))


def _glyph_recurrent(p: QPainter, c: QColor) -> None:
    """A cell with a loop arrow: the state fed back in."""
    p.setPen(QPen(c, 1.8))
    p.setBrush(QColor(c.red(), c.green(), c.blue(), 60))
    p.drawRoundedRect(QRectF(5, 9, 12, 10), 2, 2)
    p.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(14, 9))
    path.cubicTo(QPointF(14, 1), QPointF(8, 1), QPointF(8, 8))
    p.drawPath(path)
    p.setBrush(c)
    arrow = QPainterPath(QPointF(5.5, 6))
    arrow.lineTo(QPointF(10.5, 6))
    arrow.lineTo(QPointF(8, 9.5))
    arrow.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.drawPath(arrow)


def _glyph_regularization(p: QPainter, c: QColor) -> None:
    """A row of units with one crossed out (dropout)."""
    p.setPen(QPen(c, 1.4))
    p.setBrush(c)
    centres = [QPointF(5, 6), QPointF(16, 6), QPointF(5, 16), QPointF(16, 16)]
    for i, q in enumerate(centres):
        p.setBrush(c if i != 1 else Qt.BrushStyle.NoBrush)
        p.drawEllipse(q, 3.3, 3.3)
    p.setPen(QPen(QColor("#d62728"), 1.8))
    p.drawLine(QPointF(12, 2), QPointF(20, 10))
    p.drawLine(QPointF(20, 2), QPointF(12, 10))


def _glyph_merge(p: QPainter, c: QColor) -> None:
    """Two streams joining into one."""
    p.setPen(QPen(c, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.setBrush(Qt.BrushStyle.NoBrush)
    top = QPainterPath(QPointF(2, 4))
    top.cubicTo(QPointF(9, 4), QPointF(9, 11), QPointF(14, 11))
    bottom = QPainterPath(QPointF(2, 18))
    bottom.cubicTo(QPointF(9, 18), QPointF(9, 11), QPointF(14, 11))
    p.drawPath(top)
    p.drawPath(bottom)
    p.drawLine(QPointF(14, 11), QPointF(20, 11))
    p.setBrush(c)
    p.drawEllipse(QPointF(14, 11), 2.5, 2.5)


def _glyph_autoencoder(p: QPainter, c: QColor) -> None:
    """The bow-tie of an encoder narrowing to a code and widening again."""
    path = QPainterPath(QPointF(2, 3))
    for x, y in ((10, 8), (12, 8), (20, 3), (20, 19), (12, 14), (10, 14), (2, 19)):
        path.lineTo(x, y)
    path.closeSubpath()
    p.setPen(QPen(c, 1.4))
    p.setBrush(QColor(c.red(), c.green(), c.blue(), 110))
    p.drawPath(path)


def _glyph_output(p: QPainter, c: QColor) -> None:
    """A target: where the prediction meets the label."""
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(c, 1.8))
    p.drawEllipse(QPointF(11, 11), 8, 8)
    p.drawEllipse(QPointF(11, 11), 4.5, 4.5)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawEllipse(QPointF(11, 11), 1.8, 1.8)


GLYPHS = {
    "Core": _glyph_core, "Activations": _glyph_activation, "Convolution": _glyph_conv,
    "Pooling": _glyph_pool, "Recurrent": _glyph_recurrent, "Regularization": _glyph_regularization,
    "Merge": _glyph_merge, "Autoencoder": _glyph_autoencoder, "Output": _glyph_output,
}


def group_pixmap(group: str, size: int = ICON_SIZE, scale: float = 1.0, enabled: bool = True) -> QPixmap:
    """The glyph of ``group`` on a transparent ``size × size`` pixmap drawn at ``scale`` (device pixels)."""
    pm = QPixmap(round(size * scale), round(size * scale))
    pm.setDevicePixelRatio(scale)
    pm.fill(Qt.GlobalColor.transparent)
    colour = QColor(GROUP_COLOURS.get(group, "#7f7f7f"))
    if not enabled:
        colour = QColor(150, 150, 150)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 22.0, size / 22.0)  # glyphs are drawn on a 22-unit grid
    GLYPHS.get(group, _glyph_core)(p, colour)
    p.end()
    return pm


_ICON_CACHE: dict[tuple[str, bool], QIcon] = {}


def group_icon(group: str, enabled: bool = True) -> QIcon:
    """A QIcon with 1×, 2× and 3× pixmaps, so it is sharp on high-DPI screens."""
    key = (group, enabled)
    if key not in _ICON_CACHE:
        icon = QIcon()
        for scale in (1.0, 2.0, 3.0):
            icon.addPixmap(group_pixmap(group, ICON_SIZE, scale, enabled))
        _ICON_CACHE[key] = icon
    return _ICON_CACHE[key]


# ----------------------------------------------------------------------------
# the widget
# ----------------------------------------------------------------------------
def _tooltip(spec: LayerSpec, available: bool) -> str:
    lines = [f"<b>{spec.title}</b> <span style='color:gray'>({spec.group})</span>", spec.help]
    if spec.params:
        lines.append("Parameters: " + ", ".join(p.label for p in spec.params))
    if not available:
        lines.append("<i>Not available yet: its engine module is missing in this build.</i>")
    else:
        lines.append("<i>Drag onto the canvas, or double-click to add it in the middle.</i>")
    return "<p>" + "</p><p>".join(lines) + "</p>"


class _LayerTree(QTreeWidget):
    """A tree whose drags carry the layer kind as :data:`LAYER_MIME`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setIndentation(12)
        self.setUniformRowHeights(True)
        self.setAnimated(True)

    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME]

    def mimeData(self, items) -> QMimeData:
        data = QMimeData()
        kinds = [item.data(0, KIND_ROLE) for item in items if item.data(0, KIND_ROLE)]
        if kinds:
            data.setData(LAYER_MIME, kinds[0].encode("utf-8"))
            data.setText(kinds[0])
        return data

    def startDrag(self, actions) -> None:
        item = self.currentItem()
        kind = item.data(0, KIND_ROLE) if item is not None else None
        if not kind or not (item.flags() & Qt.ItemFlag.ItemIsDragEnabled):
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        group = item.parent().data(0, GROUP_ROLE) if item.parent() else "Core"
        drag.setPixmap(group_pixmap(group, 32, self.devicePixelRatioF()))
        drag.setHotSpot(drag.pixmap().rect().center() / self.devicePixelRatioF())
        drag.exec(Qt.DropAction.CopyAction)


class PaletteWidget(QWidget):
    """Search box over a grouped tree of layers."""

    add_requested = Signal(str)  # a layer kind to add at the canvas centre

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search layers…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.set_filter)
        self.tree = _LayerTree()
        self.tree.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._populate()

    def _populate(self) -> None:
        bold = self.tree.font()
        bold.setBold(True)
        for group, specs in palette():
            top = QTreeWidgetItem([group])
            top.setFont(0, bold)
            top.setIcon(0, group_icon(group))
            top.setData(0, GROUP_ROLE, group)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            self._groups[group] = top
            for spec in specs:
                available = spec.available()
                item = QTreeWidgetItem([spec.title])
                item.setIcon(0, group_icon(group, available))
                item.setData(0, KIND_ROLE, spec.kind)
                item.setToolTip(0, _tooltip(spec, available))
                item.setData(0, SEARCH_ROLE, f"{spec.title} {spec.kind} {group} {spec.help}".lower())
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if available:
                    flags |= Qt.ItemFlag.ItemIsDragEnabled
                else:
                    item.setForeground(0, QColor(150, 150, 150))
                item.setFlags(flags)
                top.addChild(item)
                self._items[spec.kind] = item
            top.setExpanded(True)

    # -- queries (tests, window) -------------------------------------------
    def item_for(self, kind: str) -> QTreeWidgetItem:
        return self._items[kind]

    def groups(self) -> list[str]:
        return list(self._groups)

    def visible_kinds(self) -> list[str]:
        return [k for k, item in self._items.items() if not item.isHidden()]

    def mime_for(self, kind: str) -> QMimeData:
        """The mime data a drag of ``kind`` carries (what tests drop on the canvas)."""
        return self.tree.mimeData([self._items[kind]])

    # -- behaviour --------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        """Show only layers whose title, kind, group or help mentions every word of ``text``."""
        words = text.lower().split()
        for top in self._groups.values():
            shown = 0
            for i in range(top.childCount()):
                item = top.child(i)
                haystack = item.data(0, SEARCH_ROLE)
                match = all(w in haystack for w in words)
                item.setHidden(not match)
                shown += match
            top.setHidden(shown == 0)
            if words and shown:
                top.setExpanded(True)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        kind = item.data(0, KIND_ROLE)
        if kind and item.flags() & Qt.ItemFlag.ItemIsDragEnabled:
            self.add_requested.emit(kind)
