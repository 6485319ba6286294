"""The latent code of an autoencoder as a 2-D scatter coloured by class.

``report.samples["latent"]`` is ``(n, d)``; the first two dimensions are drawn
(a 1-D code is spread along x). With ``samples["labels"]`` each class gets a
colour and a legend entry, so students see digits cluster without ever being
told the labels.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ..theme import Theme, current_theme
from .base import KEEP, HistoryPlot
from .colors import auto_range, class_colors, diverging_rgba
from .decision_boundary import class_indices


class LatentScatter(HistoryPlot):
    """One ``ScatterPlotItem`` per class in ``scatters`` (key: class index, or -1 unlabelled)."""

    title = "Latent space"

    def __init__(self, parent: QWidget | None = None, class_names: list[str] | None = None):
        super().__init__(parent)
        self.class_names = class_names
        self.plot_widget = self.add_plot_widget("latent z₁", "latent z₂")
        self.plot_item = self.plot_widget.getPlotItem()
        self.layout_.addWidget(self.plot_widget, 1)
        self.scatters: dict[int, pg.ScatterPlotItem] = {}
        self._last: tuple[np.ndarray, np.ndarray | None] | None = None

    def redraw(self, history) -> None:
        samples = self.newest(history, lambda report: report.samples if (
            "latent" in report.samples) else None)
        if samples is KEEP:
            return
        if samples is None:
            self._clear()
            self._last = None
            return
        latent = samples["latent"]
        z = np.asarray(latent, dtype=float).reshape(len(latent), -1)
        if z.shape[1] == 1:
            z = np.column_stack([z[:, 0], np.zeros(len(z))])
        labels = samples.get("labels")
        self._last = (z[:, :2], None if labels is None else np.asarray(labels))
        self._draw(current_theme())

    def _clear(self) -> None:
        for scatter in self.scatters.values():
            self.plot_item.removeItem(scatter)
        self.scatters.clear()

    def _draw(self, theme: Theme) -> None:
        self._clear()
        if self._last is None:
            return
        z, labels = self._last
        idx = class_indices(labels) if labels is not None else None
        edge = pg.mkPen("#202020" if not theme.is_dark else "#f0f0f0", width=0.8)
        if idx is not None:
            k = max(2, int(idx.max()) + 1 if idx.size else 2)
            colours = class_colors(k)
            for c in range(k):
                mask = idx == c
                if mask.any():
                    name = (self.class_names[c] if self.class_names and c < len(self.class_names)
                            else f"class {c}")
                    self._add(c, z[mask], name, brush=pg.mkBrush(colours[c]), pen=edge)
        elif labels is not None:  # continuous values: the playground's diverging colours
            values = labels.astype(float).reshape(len(labels))
            rgba = diverging_rgba(values, *auto_range(values))
            self._add(-1, z, None, brush=[pg.mkBrush(*c) for c in rgba], pen=edge)
        else:
            self._add(-1, z, None, brush=pg.mkBrush(theme.series_color(0)), pen=edge)

    def _add(self, key: int, pos: np.ndarray, name: str | None, brush, pen) -> None:
        scatter = pg.ScatterPlotItem(pos=pos, size=9, brush=brush, pen=pen, name=name)
        self.scatters[key] = scatter
        self.plot_item.addItem(scatter)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if hasattr(self, "_last"):
            self._draw(theme)
