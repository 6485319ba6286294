"""Numbers of the backpropagation step-through, drawn on the canvas.

Cards show short vectors (``z = 0.3775, 0.3925``; see :meth:`NodeItem.set_step_values`);
an edge into a Dense layer gets a :class:`StepLabelItem`: a small matrix (its weights,
their gradients, or the weights after the update) in a box above the cards, with a thin
leader line down to the edge, so no card is covered. Numbers have 4 significant digits and
a typographic minus, like the step-through's tables; the tooltip holds every value.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from playground.session.teaching.text import num

from .style import NEGATIVE, POSITIVE, mix

DIGITS = 4
MAX_ROWS = MAX_COLS = 4  # of a matrix on an edge label
LABEL_GAP = 12.0  # between the label and the cards below it
PAD = 6.0
CELL_GAP = 10.0


def value_tokens(values) -> list[str]:
    """Each value as text: ``["0.3775", "−0.3925"]``."""
    return [num(v, DIGITS) for v in np.ravel(np.asarray(values, dtype=float))]


def wrap_values(tokens: list[str], width: float, advance, max_lines: int = 3) -> list[str]:
    """``tokens`` joined by ``", "`` into lines at most ``width`` wide (``advance(text)`` measures);
    when they need more than ``max_lines`` lines, the last token shown says how many are left
    out (``… +24``)."""
    def greedy(shown: list[str]) -> list[str]:
        lines, current = [], ""
        for token in shown:
            trial = f"{current}, {token}" if current else token
            if not current or advance(trial + ",") <= width:
                current = trial
            else:
                lines.append(current + ",")
                current = token
        return lines + ([current] if current else [])

    lines, keep = greedy(tokens), len(tokens)
    while len(lines) > max_lines and keep > 1:
        keep -= 1
        lines = greedy(tokens[:keep] + [f"… +{len(tokens) - keep}"])
    return lines


def exact_text(label: str, values) -> str:
    """Every value with full precision (for tooltips)."""
    flat = np.ravel(np.asarray(values, dtype=float))
    return f"{label} = [" + ", ".join(f"{v:.10g}" for v in flat) + "]"


def matrix_cells(matrix, rows: int = MAX_ROWS, cols: int = MAX_COLS) -> list[list[str]]:
    """The shown part of a matrix as text: at most ``rows`` × ``cols`` numbers, ``⋯``/``⋮`` for the rest."""
    m = np.atleast_2d(np.asarray(matrix, dtype=float))
    cut_rows, cut_cols = m.shape[0] > rows, m.shape[1] > cols
    shown = m[:rows - 1 if cut_rows else rows, :cols - 1 if cut_cols else cols]
    cells = [[num(v, DIGITS) for v in row] + (["⋯"] if cut_cols else []) for row in shown]
    if cut_rows:
        cells.append(["⋮"] * len(cells[0]))
    return cells


def sign_colour(text: str, style) -> QColor:
    """Orange for negative numbers, blue for positive ones (as the edges), darkened to read as text."""
    if text.startswith("−"):
        base = QColor(NEGATIVE)
    elif text in ("0", "⋯", "⋮"):
        return style.muted
    else:
        base = QColor(POSITIVE)
    return mix(base, style.text, 0.1 if style.dark else 0.3)


class StepLabelItem(QGraphicsItem):
    """The matrix carried by one edge at the current stage (``W``, ``∂L/∂W`` or ``W after the step``)."""

    def __init__(self, edge_item, style):
        super().__init__()
        self.edge_item = edge_item
        self.style = style
        self.title = ""
        self.cells: list[list[str]] = []
        self.fresh = False
        self._leader = QPointF()  # where the edge is, in item coordinates
        self._size = (0.0, 0.0)
        self.setZValue(6)  # above edges and cards, below the unit-map popup
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_values(self, label: str, matrix, fresh: bool) -> None:
        m = np.atleast_2d(np.asarray(matrix, dtype=float))
        self.prepareGeometryChange()
        self.title = f"{label}  ({m.shape[0]}×{m.shape[1]})" if m.size > 1 else label
        self.cells = matrix_cells(m)
        self.fresh = fresh
        self.setToolTip(f"{label} of {self.edge_item.edge.target}: rows = inputs, columns = units\n"
                        + "\n".join(exact_text(f"row {i + 1}", row) for i, row in enumerate(m)))
        self._size = self._measure()
        self.update()

    def set_style(self, style) -> None:
        self.prepareGeometryChange()
        self.style = style
        self._size = self._measure()
        self.update()

    def text(self) -> str:
        """The title, then one line per shown row (tests read this)."""
        return "\n".join([self.title] + ["  ".join(row) for row in self.cells])

    # -- geometry -------------------------------------------------------------
    def _fonts(self) -> tuple[QFont, QFont]:
        bold = QFont(self.style.small_font)
        bold.setBold(True)
        return bold, self.style.small_font

    def _column_widths(self) -> list[float]:
        fm = QFontMetricsF(self._fonts()[1])
        columns = max((len(r) for r in self.cells), default=0)
        return [max(fm.horizontalAdvance(r[c]) for r in self.cells if c < len(r)) for c in range(columns)]

    def _measure(self) -> tuple[float, float]:
        bold, body = self._fonts()
        widths = self._column_widths()
        table = sum(widths) + CELL_GAP * max(len(widths) - 1, 0)
        width = max(QFontMetricsF(bold).horizontalAdvance(self.title), table) + 2 * PAD
        height = QFontMetricsF(bold).height() + len(self.cells) * QFontMetricsF(body).height() + 2 * PAD
        return width, height

    def place(self, edge_point: QPointF, cards_top: float) -> None:
        """Centre the box over ``edge_point`` (scene), its bottom ``LABEL_GAP`` above ``cards_top``."""
        width, height = self._size
        self.prepareGeometryChange()
        self.setPos(edge_point.x() - width / 2, min(cards_top - LABEL_GAP, edge_point.y() - LABEL_GAP) - height)
        self._leader = self.mapFromScene(edge_point)

    def box(self) -> QRectF:
        return QRectF(0.0, 0.0, *self._size)

    def boundingRect(self) -> QRectF:
        box = self.box().adjusted(-2, -2, 2, 2)
        return box.united(QRectF(self._leader, self._leader).adjusted(-3, -3, 3, 3))

    # -- painting -------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        s = self.style
        box = self.box()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        leader_pen = QPen(s.highlight if self.fresh else s.muted, 1.2, Qt.PenStyle.DashLine)
        painter.setPen(leader_pen)
        painter.drawLine(QPointF(box.center().x(), box.bottom()), self._leader)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(s.highlight if self.fresh else s.muted)
        painter.drawEllipse(self._leader, 2.5, 2.5)
        painter.setPen(QPen(s.highlight if self.fresh else s.card_border, 2.0 if self.fresh else 1.0))
        painter.setBrush(mix(s.card, s.highlight, 0.10) if self.fresh else s.card)
        painter.drawRoundedRect(box, 6, 6)
        bold, body = self._fonts()
        painter.setFont(bold)
        painter.setPen(s.text)
        title_h = QFontMetricsF(bold).height()
        painter.drawText(QRectF(PAD, PAD, box.width() - 2 * PAD, title_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        painter.setFont(body)
        line_h = QFontMetricsF(body).height()
        widths = self._column_widths()
        y = PAD + title_h
        for row in self.cells:
            x = PAD
            for c, text in enumerate(row):
                painter.setPen(sign_colour(text, s))
                painter.drawText(QRectF(x, y, widths[c], line_h),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
                x += widths[c] + CELL_GAP
            y += line_h
