"""Histogram of one layer's weights: now, over a faded copy from the start of the run.

Students see initialization (a narrow Xavier/He bell), L1 pulling weights to
exactly zero (a spike at 0), L2 shrinking the spread, and exploding weights
running off the axis. ``report.weight_histograms[node]`` is ``(counts, edges)``
as from ``np.histogram`` (``len(edges) == len(counts) + 1``). The history
keeps only the latest report, so the plot remembers the first histogram it
saw of each layer itself, and forgets it when a new run starts.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QWidget

from ..theme import Theme, current_theme
from .base import HistoryPlot, LayerCombo


def as_counts_edges(pair) -> tuple[np.ndarray, np.ndarray]:
    """``(counts, edges)`` in either order → ``(counts, edges)`` with one more edge than counts."""
    a, b = (np.asarray(v, dtype=float).ravel() for v in pair)
    if len(a) == len(b) + 1:
        a, b = b, a
    if len(b) != len(a) + 1:
        raise ValueError(f"A weight histogram needs counts and bin edges (one more edge than "
                         f"counts); got arrays of length {len(a)} and {len(b)}.")
    return a, b


class WeightHistogramPlot(HistoryPlot):
    """Latest histogram (filled) and the first one of the run (faded) for the chosen layer.

    ``curve("latest")`` and ``curve("first")`` are step curves; ``snapshots``
    maps node → ``{"first": (iteration, counts, edges), "latest": (...)}``.
    """

    title = "Weight histogram"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.combo = LayerCombo(self._on_control_changed)
        self.add_header(QLabel("Layer:"), self.combo)
        self.plot_widget = self.add_plot_widget("weight value", "count")
        self.plot_item = self.plot_widget.getPlotItem()
        self.first = pg.PlotDataItem(stepMode="center", fillLevel=0, antialias=True)
        self.latest = pg.PlotDataItem(stepMode="center", fillLevel=0, antialias=True)
        self.plot_item.addItem(self.first)
        self.plot_item.addItem(self.latest)
        for item in (self.first, self.latest):  # a few dozen bins: draw them all
            item.setDownsampling(ds=1, auto=False)
            item.setClipToView(False)
        self.layout_.addWidget(self.plot_widget, 1)
        self.snapshots: dict[str, dict[str, tuple[int, np.ndarray, np.ndarray]]] = {}
        self._last_iteration = -1
        self._style_items(current_theme())

    def curve(self, which: str) -> pg.PlotDataItem:
        """``"latest"`` or ``"first"``."""
        return {"latest": self.latest, "first": self.first}[which]

    def current_node(self) -> str | None:
        return self.combo.current_node()

    def set_node(self, node: str) -> None:
        self.combo.set_node(node)

    def redraw(self, history) -> None:
        self._collect(history.latest)
        self.combo.set_nodes(list(self.snapshots), self.node_label)
        self._draw(self.current_node())

    def redraw_now(self) -> None:  # the combo changed: no new data, just draw another layer
        self._draw(self.current_node())

    def _collect(self, report) -> None:
        if report is None or report.iteration < self._last_iteration:
            self.snapshots.clear()  # history cleared or a new run started
        if report is None:
            self._last_iteration = -1
            return
        self._last_iteration = report.iteration
        for node, pair in report.weight_histograms.items():
            counts, edges = as_counts_edges(pair)
            snap = (report.iteration, counts, edges)
            entry = self.snapshots.setdefault(node, {"first": snap})
            entry["latest"] = snap

    def _draw(self, node: str | None) -> None:
        legend = self.plot_item.legend
        legend.clear()
        entry = self.snapshots.get(node) if node is not None else None
        if entry is None:
            self.first.setData([], [])
            self.latest.setData([], [])
            return
        it0, c0, e0 = entry["first"]
        it1, c1, e1 = entry["latest"]
        if it0 == it1:
            self.first.setData([], [])
        else:
            self.first.setData(e0, c0)
            legend.addItem(self.first, f"iteration {it0} (start)")
        self.latest.setData(e1, c1)
        legend.addItem(self.latest, f"iteration {it1} (now)")

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self._style_items(theme)

    def _style_items(self, theme: Theme) -> None:
        now = pg.mkColor(theme.series_color(0))
        fill = pg.mkColor(now)
        fill.setAlpha(150)
        self.latest.setPen(pg.mkPen(now, width=theme.line_width))
        self.latest.setBrush(fill)
        old = pg.mkColor(theme.plot_foreground)
        old.setAlpha(110)
        old_fill = pg.mkColor(theme.plot_foreground)
        old_fill.setAlpha(35)
        self.first.setPen(pg.mkPen(old, width=theme.line_width - 1))
        self.first.setBrush(old_fill)
