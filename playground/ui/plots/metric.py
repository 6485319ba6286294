"""Training and validation accuracy (or another metric) over iterations.

Bounded metrics (accuracy, precision, recall, F1) are drawn on a fixed 0–1
axis: an auto-zoomed axis turns a wobble from 0.97 to 0.98 into a cliff.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from .base import HistoryPlot, set_plot_title

BOUNDED = {"accuracy", "precision", "recall", "f1", "auc"}


class MetricPlot(HistoryPlot):
    """Curves ``train`` (``train_<metric>``) and ``val`` (``val_<metric>``).

    A combo lists every metric the history has; ``metric`` picks the first
    one shown (``"accuracy"`` by default).
    """

    title = "Accuracy"

    def __init__(self, parent: QWidget | None = None, metric: str = "accuracy"):
        super().__init__(parent)
        self.metric_name = metric
        self.combo = QComboBox()
        self.combo.addItem(metric)
        self.combo.currentTextChanged.connect(self.set_metric)
        self.add_header(QLabel("Metric:"), self.combo)
        self.plot_widget = self.add_plot_widget("iteration", metric, title=self._title())
        self.plot_item = self.plot_widget.getPlotItem()
        self.curves = self.add_curve_set(self.plot_widget)
        self.layout_.addWidget(self.plot_widget, 1)
        self._apply_range()

    def curve(self, name: str) -> pg.PlotDataItem:
        """The curve ``"train"`` or ``"val"``."""
        return self.curves.get(name)

    def set_metric(self, metric: str) -> None:
        if not metric or metric == self.metric_name:
            return
        self.metric_name = metric
        if self.combo.currentText() != metric:
            self.combo.setCurrentText(metric)
        self.plot_item.getAxis("left").setLabel(metric)
        set_plot_title(self.plot_widget, self._title())
        self.curves.remove_except(set())
        self._apply_range()
        self.redraw_now()

    def available_metrics(self, history) -> list[str]:
        names = set()
        for prefix in ("train_", "val_"):
            names.update(n[len(prefix):] for n in history.names(prefix))
        names.discard("loss")
        return sorted(names)

    def redraw(self, history) -> None:
        self._update_combo(self.available_metrics(history))
        shown = set()
        for name, label, colour in (("train", "train", 0), ("val", "validation", 1)):
            x, y = history.series(f"{name}_{self.metric_name}")
            if len(x):
                self.curves.set_data(name, x, y, label=label, colour_index=colour)
                shown.add(name)
        self.curves.remove_except(shown)

    def _update_combo(self, metrics: list[str]) -> None:
        current = [self.combo.itemText(i) for i in range(self.combo.count())]
        wanted = sorted(set(metrics) | {self.metric_name})
        if current != wanted:
            self.combo.blockSignals(True)
            self.combo.clear()
            self.combo.addItems(wanted)
            self.combo.setCurrentText(self.metric_name)
            self.combo.blockSignals(False)

    def _title(self) -> str:
        return self.metric_name.replace("_", " ").capitalize()

    def _apply_range(self) -> None:
        if self.metric_name.lower() in BOUNDED:
            self.plot_item.setYRange(-0.05, 1.05, padding=0)
            self.plot_item.enableAutoRange(axis="y", enable=False)
        else:
            self.plot_item.enableAutoRange(axis="y")
