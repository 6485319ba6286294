"""A function of two variables as a shaded image with contour lines (for the landscape and the race).

The shading runs from dark (low) to light (high) in greys, so the coloured optimizer
paths drawn on top stay the most visible thing in the picture; contour lines at
evenly spaced quantiles of the values show valleys and ridges at every height.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from ..theme import Theme

CONTOURS = 12


def shade(values: np.ndarray, theme: Theme) -> np.ndarray:
    """``(m, n)`` values → ``(m, n, 4)`` uint8 greys: low dark, high light (NaN transparent)."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    t = np.clip((values - lo) / (hi - lo if hi > lo else 1.0), 0.0, 1.0)
    low, high = (np.array([70.0, 70.0, 70.0]), np.array([150.0, 150.0, 150.0])) if theme.is_dark \
        else (np.array([150.0, 160.0, 175.0]), np.array([252.0, 252.0, 252.0]))
    rgb = low + (high - low) * np.nan_to_num(t)[..., None]
    rgba = np.empty(values.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = np.round(rgb).astype(np.uint8)
    rgba[..., 3] = np.where(np.isfinite(values), 255, 0)
    return rgba


def contour_levels(values: np.ndarray, count: int = CONTOURS) -> np.ndarray:
    """``count`` heights at evenly spaced quantiles (dense where most of the surface is)."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return np.zeros(0)
    levels = np.quantile(finite, np.linspace(0.02, 0.98, count))
    return np.unique(levels)


class ContourImage:
    """An ``ImageItem`` plus ``IsocurveItem`` children in one plot, redrawn by :meth:`set_data`.

    ``values[j, i]`` is the function at ``x = xs[i]``, ``y = ys[j]`` (row 0 at the bottom).
    """

    def __init__(self, plot_item: pg.PlotItem):
        self.plot_item = plot_item
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        plot_item.addItem(self.image)
        self.isocurves: list[pg.IsocurveItem] = []
        self.values: np.ndarray | None = None
        self.extent: tuple[float, float, float, float] | None = None

    def set_data(self, xs: np.ndarray, ys: np.ndarray, values: np.ndarray, theme: Theme) -> None:
        self.values = np.asarray(values, dtype=float)
        xmin, xmax, ymin, ymax = float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])
        self.extent = (xmin, xmax, ymin, ymax)
        self.image.setImage(shade(self.values, theme), autoLevels=False, levels=(0, 255))
        self.image.setRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        for curve in self.isocurves:
            curve.setParentItem(None)
            if curve.scene() is not None:
                curve.scene().removeItem(curve)
        self.isocurves = []
        data = np.nan_to_num(self.values, nan=np.nanmax(self.values) if np.isfinite(self.values).any() else 0.0)
        for level in contour_levels(self.values):
            curve = pg.IsocurveItem(data=data, level=float(level), pen=self._pen(theme), axisOrder="row-major")
            curve.setParentItem(self.image)  # image pixels → plot coordinates
            curve.setZValue(-10)
            self.isocurves.append(curve)

    def restyle(self, theme: Theme) -> None:
        if self.values is None:
            return
        self.image.setImage(shade(self.values, theme), autoLevels=False, levels=(0, 255))
        for curve in self.isocurves:
            curve.setPen(self._pen(theme))

    @staticmethod
    def _pen(theme: Theme):
        colour = pg.mkColor(theme.plot_foreground)
        colour.setAlpha(90)
        return pg.mkPen(colour, width=1.2)
