"""Confusion matrix: how often each true class (row) was predicted as each class (column).

The diagonal holds the correct predictions; a bright off-diagonal cell names
the pair of classes the network mixes up. Counts are written in the cells.
``report.samples["confusion"]`` is ``(k, k)``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ..theme import Theme, current_theme
from .base import KEEP, HistoryPlot, set_plot_title
from .colors import BLUE, hex_to_rgb
from .image_panel import add_image_plot, show_rgba

MAX_TEXT_CLASSES = 20  # beyond this the numbers would not fit in the cells


def confusion_rgba(matrix: np.ndarray) -> np.ndarray:
    """White (0) → the playground blue (largest count), ``(k, k)`` → ``(k, k, 4)`` uint8."""
    m = np.asarray(matrix, dtype=float)
    t = m / m.max() if m.max() > 0 else np.zeros_like(m)
    rgb = 255.0 + (hex_to_rgb(BLUE) - 255.0) * t[..., None]
    rgba = np.empty(m.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = np.round(rgb).astype(np.uint8)
    rgba[..., 3] = 255
    return rgba


def format_count(value: float) -> str:
    return str(int(round(value))) if float(value).is_integer() else f"{value:.2f}"


class ConfusionMatrixView(HistoryPlot):
    """A k×k image with the count in every cell; ``texts[i][j]`` are the cell labels."""

    title = "Confusion matrix"

    def __init__(self, parent: QWidget | None = None, class_names: list[str] | None = None):
        super().__init__(parent)
        self.class_names = class_names
        self.plot_widget, self.image = add_image_plot(self, axes=True)
        item = self.plot_widget.getPlotItem()
        item.getAxis("bottom").setLabel("predicted class")
        item.getAxis("left").setLabel("true class")
        self.apply_theme(current_theme())
        self.layout_.addWidget(self.plot_widget, 1)
        self.matrix: np.ndarray | None = None
        self.rgba: np.ndarray | None = None
        self.texts: list[list[pg.TextItem]] = []
        self._texts_theme: Theme | None = None

    def redraw(self, history) -> None:
        matrix = self.newest(history, lambda report: report.samples.get("confusion"))
        if matrix is KEEP:
            return
        if matrix is None:
            self._clear_texts()
            self.image.clear()
            self.matrix = self.rgba = None
            set_plot_title(self.plot_widget, "Confusion matrix")
            return
        self.matrix = np.asarray(matrix, dtype=float)
        self.rgba = confusion_rgba(self.matrix)
        show_rgba(self.plot_widget, self.image, self.rgba)
        k = len(self.matrix)
        names = [self._name(c) for c in range(k)]
        ticks = [[(c + 0.5, names[c]) for c in range(k)], []]
        item = self.plot_widget.getPlotItem()
        item.getAxis("bottom").setTicks(ticks)
        item.getAxis("left").setTicks(ticks)
        total = self.matrix.sum()
        accuracy = np.trace(self.matrix) / total if total > 0 else 0.0
        set_plot_title(self.plot_widget, f"Confusion matrix (accuracy {accuracy:.1%})")
        if k <= MAX_TEXT_CLASSES:
            self._show_counts(current_theme())
        else:
            self._clear_texts()

    def _name(self, c: int) -> str:
        if self.class_names and c < len(self.class_names):
            return str(self.class_names[c])
        return str(c)

    def _clear_texts(self) -> None:
        item = self.plot_widget.getPlotItem()
        for row in self.texts:
            for text in row:
                item.removeItem(text)
        self.texts = []

    def _show_counts(self, theme: Theme) -> None:
        """Write the counts into the cells, reusing the text items (making ~100 new ones per
        redraw was most of the window's time while training on ten classes)."""
        k = len(self.matrix)
        if len(self.texts) != k or self._texts_theme is not theme:
            self._clear_texts()
            self._add_texts(k, theme)
        peak = self.matrix.max() if self.matrix.max() > 0 else 1.0
        for i, row in enumerate(self.texts):
            for j, text in enumerate(row):
                value = self.matrix[i, j]
                label, colour = format_count(value), "#ffffff" if value / peak > 0.5 else "#1a1a1a"
                if text.toPlainText() != label or text.color.name() != colour:
                    text.setText(label, color=colour)

    def _add_texts(self, k: int, theme: Theme) -> None:
        item = self.plot_widget.getPlotItem()
        size = theme.label_pt if k <= 6 else max(8, theme.tick_pt - (k - 6))
        font = theme.tick_font()
        font.setPointSize(size)
        font.setBold(True)
        for i in range(k):
            row = []
            for j in range(k):
                text = pg.TextItem("", anchor=(0.5, 0.5))
                text.setFont(font)
                text.setPos(j + 0.5, i + 0.5)
                item.addItem(text)
                row.append(text)
            self.texts.append(row)
        self._texts_theme = theme

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if getattr(self, "texts", None) and self.matrix is not None:
            self._show_counts(theme)
