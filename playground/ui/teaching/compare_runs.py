"""Compare runs: the loss curves of several runs of a project in one plot, with a legend.

Each run is a label and a :class:`~playground.session.history.MetricHistory` (a finished
run's or a live one's). Its training loss is a solid line and its validation loss a
dashed line in the same colour, so "learning rate too high / too low / just right" or
"dropout on / off" reads off one picture made from real runs.

Use: ``CompareRunsView(parent=None)``, then ``add_run("lr = 0.1", history)`` for each run
(``set_runs([(label, history), …])`` replaces them all). ``refresh()`` redraws the runs
whose history grew — a :class:`~playground.ui.plots.PlotRefresher` can drive it like any
plot (the history it passes is ignored).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QWidget

from ..plots.base import HistoryPlot
from .common import plain_axes


class CompareRunsView(HistoryPlot):
    """Train (solid) and validation (dashed) loss of every run, one colour per run.

    ``runs`` maps labels to histories, in the order added; ``curve(label, "train")`` /
    ``curve(label, "val")`` give the pyqtgraph curves.
    """

    title = "Compare runs"

    def __init__(self, parent: QWidget | None = None, series: str = "loss"):
        super().__init__(parent)
        self.setWindowTitle("Compare runs")
        self.series = series  # "loss" → train_loss / val_loss; "accuracy" → train_accuracy / …
        self.runs: dict[str, object] = {}
        self._versions: dict[str, int | None] = {}
        self.val_checkbox = QCheckBox("Validation (dashed)")
        self.val_checkbox.setChecked(True)
        self.log_checkbox = QCheckBox("Log scale")
        self.add_header(self.val_checkbox, self.log_checkbox)
        self.plot_widget = self.add_plot_widget("iteration", series)
        self.plot_item = self.plot_widget.getPlotItem()
        self.curves = self.add_curve_set(self.plot_widget)
        plain_axes(self.plot_widget)
        self.layout_.addWidget(self.plot_widget, 1)
        self.val_checkbox.toggled.connect(self._on_control_changed)
        self.log_checkbox.toggled.connect(self.set_log_y)

    # -- runs -----------------------------------------------------------------------------
    def add_run(self, label: str, history) -> None:
        """Add (or replace) the run ``label``; its colour is its position in the list."""
        self.runs[label] = history
        self._versions[label] = None
        self.refresh()

    def set_runs(self, runs) -> None:
        """Show exactly ``runs``: ``[(label, history), …]`` or a dict."""
        items = list(runs.items()) if isinstance(runs, dict) else list(runs)
        self.runs = {}
        self._versions = {}
        self.curves.remove_except(set())
        for label, history in items:
            self.runs[label] = history
            self._versions[label] = None
        self.refresh()

    def remove_run(self, label: str) -> None:
        self.runs.pop(label, None)
        self._versions.pop(label, None)
        self.set_runs(list(self.runs.items()))  # colours follow the new order

    def clear(self) -> None:
        self.set_runs([])

    def curve(self, label: str, which: str = "train") -> pg.PlotDataItem:
        """The curve of run ``label``: ``which`` is ``"train"`` or ``"val"`` (KeyError before data)."""
        return self.curves.get(f"{label}/{which}")

    # -- drawing ---------------------------------------------------------------------------
    def refresh(self, history=None) -> bool:
        """Redraw if any run's history changed since the last redraw; return whether it did."""
        versions = {label: h.version for label, h in self.runs.items()}
        if versions == self._versions and self.curves.curves:
            return False
        self._versions = versions
        self.redraw(None)
        self.redraw_count += 1
        self.place_legends()
        return True

    def redraw_now(self) -> None:
        self.redraw(None)
        self.redraw_count += 1
        self.place_legends()

    def redraw(self, history) -> None:
        shown = set()
        show_val = self.val_checkbox.isChecked()
        for index, (label, run) in enumerate(self.runs.items()):
            for which, dashed in (("train", False), ("val", True)):
                if which == "val" and not show_val:
                    continue
                x, y = run.series(f"{which}_{self.series}")
                if len(x):
                    name = f"{label}/{which}"
                    new = name not in self.curves
                    item = self.curves.set_data(name, x, y, label=label, colour_index=index, dashed=dashed)
                    if new and dashed and self.plot_item.legend is not None:
                        self.plot_item.legend.removeItem(item)  # one legend entry per run
                    shown.add(name)
        self.curves.remove_except(shown)

    def set_log_y(self, on: bool) -> None:
        """Loss on a logarithmic axis (differences between good runs show up)."""
        if self.log_checkbox.isChecked() != on:
            self.log_checkbox.setChecked(on)
            return
        self.plot_item.setLogMode(x=False, y=on)
        self.plot_item.enableAutoRange()
