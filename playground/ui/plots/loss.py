"""Training and validation loss over iterations, the first plot students read.

Two curves tell the story of generalization: both falling = learning; train
falling while validation rises = overfitting; both high = underfitting.
Penalty terms (L1/L2, KL of a VAE, sparsity) are drawn dashed so students
see how much of the loss is the regularizer. A log scale shows the slow
tail of training that a linear axis flattens. A recorded run (``set_recorded``)
lies underneath as a wide grey dashed band, so a replay that reproduces it
runs exactly along its middle.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QWidget

from ..theme import Theme, current_theme
from .base import HistoryPlot, make_pen

RECORDED_SERIES = (("train_loss", "recorded"), ("val_loss", "recorded validation"))


class LossPlot(HistoryPlot):
    """Curves ``train`` (series ``train_loss``), ``val`` (``val_loss``) and
    ``term_<name>`` (``term_<name>``, dashed), with a *Log scale* checkbox."""

    title = "Loss"

    def __init__(self, parent: QWidget | None = None, show_terms: bool = True):
        super().__init__(parent)
        self.show_terms = show_terms
        self.log_checkbox = QCheckBox("Log scale")
        self.log_checkbox.toggled.connect(self.set_log_y)
        self.add_header(self.log_checkbox)
        self.plot_widget = self.add_plot_widget("iteration", "loss")
        self.plot_item = self.plot_widget.getPlotItem()
        self.curves = self.add_curve_set(self.plot_widget)
        self.layout_.addWidget(self.plot_widget, 1)
        self.recorded: dict[str, pg.PlotDataItem] = {}  # series → the recorded run's curve

    def curve(self, name: str) -> pg.PlotDataItem:
        """The curve ``"train"``, ``"val"`` or ``"term_<penalty>"`` (KeyError before data)."""
        return self.curves.get(name)

    def set_recorded(self, history) -> None:
        """Draw a recorded run's train and validation loss (a ``MetricHistory``, plain
        ``{series: [[iteration, value], …]}`` data, or ``None`` to remove it) under the live curves:
        grey and wide, dashed ("recorded") and dotted ("recorded validation")."""
        for item in self.recorded.values():
            self.plot_item.removeItem(item)
        self.recorded = {}
        if history is None:
            return
        points = history.to_dict() if hasattr(history, "to_dict") else history
        for series, label in RECORDED_SERIES:
            pairs = np.asarray(points.get(series, []), dtype=float).reshape(-1, 2)
            if not len(pairs):
                continue
            item = pg.PlotDataItem(pairs[:, 0], pairs[:, 1], name=label, antialias=True)
            item.setZValue(-10)  # under the replay's curves
            self.recorded[series] = item
            self.plot_item.addItem(item)
        self._style_recorded(current_theme())
        self.place_legends()

    def _style_recorded(self, theme: Theme) -> None:
        grey = pg.mkColor(theme.plot_foreground)  # see-through: light grey on white, mid grey on black
        grey.setAlpha(130)
        for series, item in self.recorded.items():
            pen = make_pen(grey, theme, dashed=True, width=theme.line_width * 2.5)
            if series == "val_loss":
                pen.setStyle(Qt.PenStyle.DotLine)
            item.setPen(pen)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if getattr(self, "recorded", None):
            self._style_recorded(theme)

    def set_log_y(self, on: bool) -> None:
        """Show the loss on a logarithmic axis (every factor of 10 gets the same room)."""
        if self.log_checkbox.isChecked() != on:
            self.log_checkbox.setChecked(on)  # re-enters through toggled
            return
        self.plot_item.setLogMode(x=False, y=on)
        self.plot_item.enableAutoRange()

    def redraw(self, history) -> None:
        shown = set()
        for name, series, label, colour, dashed in self._series(history):
            x, y = history.series(series)
            if len(x):
                self.curves.set_data(name, x, y, label=label, colour_index=colour, dashed=dashed)
                shown.add(name)
        self.curves.remove_except(shown)

    def _series(self, history):
        yield "train", "train_loss", "train", 0, False
        yield "val", "val_loss", "validation", 1, False
        if self.show_terms:
            for i, series in enumerate(history.names("term_")):
                penalty = series[len("term_"):]
                yield series, series, f"{penalty} penalty", 2 + i, True
