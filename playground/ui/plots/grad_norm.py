"""Gradient norm per layer, on a log axis: the instrument for vanishing and exploding gradients.

Each curve is ``‖∂L/∂θ‖`` of one layer's parameters over iterations (series
``grad_norm/<node>``). In a deep sigmoid stack the curves fan out, the
early layers orders of magnitude below the late ones (vanishing); with a
too-large learning rate they shoot up (exploding). A banner names the
layers in plain words when the latest norm leaves a healthy band.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ..theme import Theme
from .base import HistoryPlot, WarningLabel

PREFIX = "grad_norm/"
VANISHING = 1e-6  # below this a layer has, in practice, stopped learning
EXPLODING = 1e3  # above this one step can throw the weights far away
LOG_FLOOR = 1e-30  # a norm of exactly 0 is drawn here (log10(0) is −∞)


def _join(names: list[str]) -> str:
    """``["a"]`` → ``a``; ``["a", "b", "c"]`` → ``a, b and c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def gradient_warning(norms: dict[str, float], vanishing: float = VANISHING,
                     exploding: float = EXPLODING) -> str:
    """Plain-words warning for the latest norm of each layer, or ``""`` if all are healthy."""
    small = [name for name, v in norms.items() if math.isfinite(v) and v < vanishing]
    large = [name for name, v in norms.items() if math.isfinite(v) and v > exploding]
    broken = [name for name, v in norms.items() if not math.isfinite(v)]
    parts = []
    if small:
        parts.append(
            f"Vanishing gradients in {_layers(small)}: gradient norm below {_num(vanishing)}, "
            f"so {'it has' if len(small) == 1 else 'they have'} almost stopped learning. "
            "Try ReLU, He initialization, batch normalization or skip connections.")
    if large:
        parts.append(
            f"Exploding gradients in {_layers(large)}: gradient norm above {_num(exploding)}, "
            "so one step can throw the weights far off. "
            "Try a smaller learning rate, gradient clipping or batch normalization.")
    if broken:
        parts.append(
            f"Broken gradients in {_layers(broken)}: the gradient is infinite or NaN, so "
            "training has diverged. Lower the learning rate and restart.")
    return "\n".join(parts)


def _num(v: float) -> str:
    """1e-06 → ``1e-6``, 1000.0 → ``1000``: short, like on the slides."""
    return f"{v:g}".replace("e-0", "e-").replace("e+0", "e")


def _layers(names: list[str]) -> str:
    return ("layer " if len(names) == 1 else "layers ") + _join(names)


class GradNormPlot(HistoryPlot):
    """One curve per layer (``curve(node)``), log y, and a warning banner."""

    title = "Gradient norm per layer"

    def __init__(self, parent: QWidget | None = None, vanishing: float = VANISHING,
                 exploding: float = EXPLODING):
        super().__init__(parent)
        self.vanishing, self.exploding = vanishing, exploding
        self.warning = WarningLabel()
        self.layout_.addWidget(self.warning)
        self.plot_widget = self.add_plot_widget("iteration", "gradient norm")
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.setLogMode(x=False, y=True)
        self.curves = self.add_curve_set(self.plot_widget)
        self.layout_.addWidget(self.plot_widget, 1)

    def curve(self, node: str) -> pg.PlotDataItem:
        return self.curves.get(node)

    def warning_text(self) -> str:
        return self.warning.text() if self.warning.isVisibleTo(self) else ""

    def latest_norms(self, history) -> dict[str, float]:
        """Last value of every ``grad_norm/<node>`` series, keyed by the layer's shown name."""
        latest = {}
        for series in history.names(PREFIX):
            _, y = history.series(series)
            if len(y):
                latest[self.node_label(series[len(PREFIX):])] = float(y[-1])
        return latest

    def redraw(self, history) -> None:
        shown = set()
        for i, series in enumerate(history.names(PREFIX)):
            node = series[len(PREFIX):]
            x, y = history.series(series)
            if len(x):
                y = np.where(y > 0, y, LOG_FLOOR)  # keep zeros on a log axis
                self.curves.set_data(node, x, y, label=self.node_label(node), colour_index=i)
                shown.add(node)
        self.curves.remove_except(shown)
        self.warning.show_text(
            gradient_warning(self.latest_norms(history), self.vanishing, self.exploding))

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.warning.apply_theme(theme)
