"""A themed PlotWidget that shows one RGBA mosaic with square pixels, row 0 on top."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from .base import HistoryPlot


def add_image_plot(owner: HistoryPlot, *, title: str | None = None,
                   axes: bool = False) -> tuple[pg.PlotWidget, pg.ImageItem]:
    """A plot for pictures: y points down like an image, aspect ratio locked,
    axes hidden unless ``axes`` (the confusion matrix labels its rows and columns)."""
    pw = owner.add_plot_widget("", "", legend=False, title=title)
    pw._np_grid = False
    item = pw.getPlotItem()
    item.showGrid(x=False, y=False)
    item.setMouseEnabled(x=False, y=False)
    item.hideButtons()
    vb = item.getViewBox()
    vb.invertY(True)
    vb.setAspectLocked(True)
    if not axes:
        item.hideAxis("left")
        item.hideAxis("bottom")
    image = pg.ImageItem(axisOrder="row-major")
    item.addItem(image)
    return pw, image


def show_rgba(pw: pg.PlotWidget, image: pg.ImageItem, rgba: np.ndarray) -> None:
    """Draw ``(H, W, 4)`` uint8 pixels at x ∈ [0, W], y ∈ [0, H] and fit the view."""
    image.setImage(rgba, autoLevels=False, levels=(0, 255))
    h, w = rgba.shape[:2]
    pw.getPlotItem().getViewBox().setRange(xRange=(0, w), yRange=(0, h), padding=0.02)
