"""Training and validation loss over iterations, the first plot students read.

Two curves tell the story of generalization: both falling = learning; train
falling while validation rises = overfitting; both high = underfitting.
Penalty terms (L1/L2, KL of a VAE, sparsity) are drawn dashed so students
see how much of the loss is the regularizer. A log scale shows the slow
tail of training that a linear axis flattens.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QWidget

from .base import HistoryPlot


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

    def curve(self, name: str) -> pg.PlotDataItem:
        """The curve ``"train"``, ``"val"`` or ``"term_<penalty>"`` (KeyError before data)."""
        return self.curves.get(name)

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
