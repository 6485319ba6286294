"""Predictions against the truth, for regression and forecasting.

Three pictures, picked from the shapes in ``report.samples`` (or forced with
``mode``):

- ``"function"`` — one input feature ``(n, 1)``: targets as dots over x and the
  network's prediction as a line, so students watch a curve being fitted;
- ``"sequence"`` — inputs ``(n, T, F)``: the first sample's series (feature 0)
  over time steps, then its true continuation and the forecast;
- ``"scatter"`` — anything else: prediction against target per sample, with the
  diagonal ``prediction = target`` a perfect model would lie on.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ..theme import Theme, current_theme
from .base import KEEP, HistoryPlot, make_pen, set_plot_title

MODES = ("auto", "function", "sequence", "scatter")
LABELS = {
    "function": ("input x", "output y", "Prediction over the input"),
    "sequence": ("time step", "value", "Series and forecast"),
    "scatter": ("target", "prediction", "Prediction vs target"),
}


def pick_mode(inputs, targets) -> str:
    """Which picture suits these shapes (see the module docstring)."""
    if inputs is not None:
        inputs = np.asarray(inputs)
        if inputs.ndim == 3:
            return "sequence"
        if (inputs.ndim == 1 or (inputs.ndim == 2 and inputs.shape[1] == 1)) and targets is not None:
            return "function"
    return "scatter"


class PredictionPlot(HistoryPlot):
    """Curves by name: ``target``, ``prediction`` (function); ``series``, ``target``,
    ``forecast`` (sequence); ``samples``, ``ideal`` (scatter). ``mode_shown`` says which."""

    title = "Predictions"

    def __init__(self, parent: QWidget | None = None, mode: str = "auto"):
        super().__init__(parent)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.mode_shown: str | None = None
        self.plot_widget = self.add_plot_widget("target", "prediction")
        self.plot_item = self.plot_widget.getPlotItem()
        self.layout_.addWidget(self.plot_widget, 1)
        self.items: dict[str, pg.PlotDataItem] = {}

    def curve(self, name: str) -> pg.PlotDataItem:
        return self.items[name]

    def redraw(self, history) -> None:
        samples = self.newest(history, lambda report: report.samples if (
            "outputs" in report.samples and "targets" in report.samples) else None)
        if samples is KEEP:
            return
        if samples is None:
            self._set_mode(None)
            return
        outputs, targets = samples["outputs"], samples["targets"]
        inputs = samples.get("inputs")
        mode = self.mode if self.mode != "auto" else pick_mode(inputs, targets)
        self._set_mode(mode)
        getattr(self, f"_draw_{mode}")(np.asarray(inputs) if inputs is not None else None,
                                       np.asarray(targets, dtype=float),
                                       np.asarray(outputs, dtype=float))

    # -- the three pictures ---------------------------------------------------
    def _draw_function(self, inputs, targets, outputs) -> None:
        x = np.asarray(inputs, dtype=float).reshape(len(inputs), -1)[:, 0]
        order = np.argsort(x)
        self._item("target", "target", dots=True).setData(x, targets.reshape(len(x), -1)[:, 0])
        self._item("prediction", "prediction", colour=1).setData(
            x[order], outputs.reshape(len(x), -1)[order, 0])

    def _draw_sequence(self, inputs, targets, outputs) -> None:
        series = np.asarray(inputs[0], dtype=float).reshape(inputs.shape[1], -1)[:, 0]
        t_in = len(series)
        truth = targets[0].reshape(-1) if targets.ndim > 1 else targets[:1]
        guess = outputs[0].reshape(-1) if outputs.ndim > 1 else outputs[:1]
        # a many-to-many output as long as the input lines up with it; otherwise it follows it
        start = 0 if len(truth) == t_in and t_in > 1 else t_in
        t_out = np.arange(start, start + len(truth))
        self._item("series", "input series", colour=2).setData(np.arange(t_in), series)
        self._item("target", "true values", dots=True).setData(t_out, truth)
        self._item("forecast", "forecast", colour=1, dashed=True).setData(
            np.arange(start, start + len(guess)), guess)

    def _draw_scatter(self, inputs, targets, outputs) -> None:
        t, p = targets.ravel(), outputs.ravel()
        n = min(len(t), len(p))
        t, p = t[:n], p[:n]
        self._item("samples", "samples", dots=True).setData(t, p)
        if n:
            lo, hi = float(min(t.min(), p.min())), float(max(t.max(), p.max()))
            self._item("ideal", "prediction = target", colour=7, dashed=True).setData([lo, hi], [lo, hi])

    # -- items ----------------------------------------------------------------
    def _set_mode(self, mode: str | None) -> None:
        if mode == self.mode_shown:
            return
        for item in self.items.values():
            self.plot_item.removeItem(item)
        self.items.clear()
        self.mode_shown = mode
        if mode is not None:
            x_label, y_label, title = LABELS[mode]
            self.plot_item.getAxis("bottom").setLabel(x_label)
            self.plot_item.getAxis("left").setLabel(y_label)
            set_plot_title(self.plot_widget, title)

    def _item(self, name: str, label: str, colour: int = 0, dots: bool = False,
              dashed: bool = False) -> pg.PlotDataItem:
        item = self.items.get(name)
        if item is None:
            item = pg.PlotDataItem(name=label, antialias=True)
            item._np_style = (colour, dots, dashed)
            self._style_item(item, current_theme())
            self.items[name] = item
            self.plot_item.addItem(item)
        return item

    def _style_item(self, item: pg.PlotDataItem, theme: Theme) -> None:
        colour_index, dots, dashed = item._np_style
        colour = theme.series_color(colour_index)
        if dots:
            item.setPen(None)
            item.setSymbol("o")
            item.setSymbolSize(9)
            item.setSymbolBrush(colour)
            item.setSymbolPen(pg.mkPen(theme.plot_background, width=1))
        else:
            item.setPen(make_pen(colour, theme, dashed=dashed))

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        for item in getattr(self, "items", {}).values():
            self._style_item(item, theme)
