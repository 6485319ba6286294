"""The model's output over the input plane, with the data points on top.

Like the browser playground: for one output (a probability, a tanh value or a
regression value) the plane is painted orange (low / class 0) through pale
grey (undecided) to blue (high / class 1) — a pair colour-blind readers tell apart
— and the probability is the shading: the surer the network, the deeper the colour.
For a softmax over k classes each pixel mixes the class colours (Okabe–Ito, a
colour-blind-safe set) by probability, ``Σ_c p_c · colour_c``, so confident regions
show a clean colour and the boundaries a blend. The regions are lightened so the
points read on top. Points are small with a thin dark outline: training points are
discs, test points triangles, coloured by class (or by value for regression); the
caption names the dataset's own classes. The axes fit the data (not the grid), with
equal aspect.

``DecisionGrid.values[i, j]`` is the output at ``x = linspace(xmin, xmax, nx)[j]``,
``y = linspace(ymin, ymax, ny)[i]``: row 0 is the bottom of the plot.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QWidget

from playground.session.figure_data import class_indices as shared_class_indices

from ..theme import Theme, current_theme
from .base import KEEP, HistoryPlot
from .colors import auto_range, blend_classes, class_colors, diverging_rgba

MAX_CLASSES = 10
# Okabe & Ito's colour-blind-safe colours, for three or more classes
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
             "#999999", "#8C564B")
REGION_PALENESS = 0.25  # the regions are mixed this much with white, so the points read on top
POINT_SIZE = 7
TEST_SIZE = 9
DATA_MARGIN = 0.08  # of the data's span on each side


def region_colours(k: int) -> list[str]:
    """Colours of ``k`` classes: the playground's orange/blue for two, Okabe–Ito for more."""
    return class_colors(k) if k <= 2 else [OKABE_ITO[i % len(OKABE_ITO)] for i in range(k)]


def data_view(points: list, margin: float = DATA_MARGIN) -> tuple[float, float, float, float] | None:
    """``(xmin, xmax, ymin, ymax)`` around every point of the ``(n, 2)`` arrays in ``points``, with a margin."""
    arrays = [np.asarray(p, dtype=float)[:, :2] for p in points if p is not None and len(p)]
    if not arrays:
        return None
    xy = np.concatenate(arrays)
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    if not len(xy):
        return None
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1e-6)
    pad = span * margin
    span_max = float(np.max(span))
    pad = np.maximum(pad, 0.02 * span_max)
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


def grid_rgba(values: np.ndarray, value_range: tuple[float, float] | None = None) -> np.ndarray:
    """Colours of a decision grid: ``(ny, nx)`` → diverging map, ``(ny, nx, k)`` → class blend.

    A ``(ny, nx, 1)`` grid is treated as ``(ny, nx)``. Returns ``(ny, nx, 4)`` uint8.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 3 and values.shape[-1] == 1:
        values = values[..., 0]
    if values.ndim == 2:
        lo, hi = value_range or auto_range(values)
        rgba = diverging_rgba(values, lo, hi).copy()
        rgb = rgba[..., :3].astype(np.float32)
        rgba[..., :3] = np.round(rgb + (255.0 - rgb) * REGION_PALENESS).astype(np.uint8)
        return rgba
    if values.ndim == 3:
        return blend_classes(values, region_colours(values.shape[-1]))
    raise ValueError(f"A decision grid must be (ny, nx) or (ny, nx, classes); got {values.shape}.")


def class_indices(y: np.ndarray | None) -> np.ndarray | None:
    """Class index per point (the rule of :func:`playground.session.figure_data.class_indices`), for
    at most :data:`MAX_CLASSES` classes (the live plots' colours)."""
    return shared_class_indices(y, limit=MAX_CLASSES)


class DecisionBoundaryPlot(HistoryPlot):
    """Decision regions from ``history.latest.decision_grid`` plus the points from :meth:`set_points`.

    ``rgba`` is the last grid image drawn (``(ny, nx, 4)``); ``value_range`` fixes
    the single-output colour range (``None``: 0–1 for probabilities, −1–1 for
    tanh outputs, symmetric otherwise).
    """

    title = "Decision boundary"

    def __init__(self, parent: QWidget | None = None,
                 value_range: tuple[float, float] | None = None):
        super().__init__(parent)
        self.value_range = value_range
        self.plot_widget = self.add_plot_widget("x₁", "x₂", legend=False, title="")
        self.plot_widget.setMinimumSize(260, 260)  # the centre of 2-D work: never a stamp
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.setAspectLocked(True)
        self.plot_item.showGrid(x=False, y=False)
        self.plot_widget._np_grid = False
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.plot_item.addItem(self.image)
        self.train_scatter = pg.ScatterPlotItem(size=POINT_SIZE, pxMode=True, symbol="o")
        self.test_scatter = pg.ScatterPlotItem(size=TEST_SIZE, pxMode=True, symbol="t")
        self.plot_item.addItem(self.train_scatter)
        self.plot_item.addItem(self.test_scatter)
        self.layout_.addWidget(self.plot_widget, 1)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setWordWrap(True)
        self._controls.append(self.caption)
        self.layout_.addWidget(self.caption)
        self.rgba: np.ndarray | None = None
        self.extent: tuple[float, float, float, float] | None = None
        self._points = (None, None, None, None)
        self._class_names: list[str] | None = None
        self.view: tuple[float, float, float, float] | None = None  # the data's box the axes show
        self.apply_theme(current_theme())

    # -- data ------------------------------------------------------------
    def set_points(self, x_train, y_train, x_test=None, y_test=None) -> None:
        """The dataset drawn on top: ``x`` is ``(n, 2)``, ``y`` labels, one-hot or values."""
        self._points = tuple(None if a is None else np.asarray(a) for a in
                             (x_train, y_train, x_test, y_test))
        self._draw_points(current_theme())
        self._fit_view()

    def _fit_view(self) -> None:
        """Axes fitted to the data (equal aspect); without data, to the grid."""
        view = data_view([self._points[0], self._points[2]])
        if view is None and self.extent is not None:
            view = self.extent
        if view is not None and view != self.view:
            self.view = view
            xmin, xmax, ymin, ymax = view
            self.plot_item.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)

    def set_class_names(self, names: list[str] | None) -> None:
        self._class_names = list(names) if names else None
        self._draw_points(current_theme())

    def redraw(self, history) -> None:
        grid = self.newest(history, lambda report: report.decision_grid)
        if grid is KEEP:
            return
        if grid is None:
            self.image.clear()
            self.rgba, self.extent = None, None
            return
        self.rgba = grid_rgba(grid.values, self.value_range)
        xmin, xmax, ymin, ymax = (float(v) for v in grid.extent)
        self.image.setImage(self.rgba, autoLevels=False, levels=(0, 255))
        self.image.setRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        if self.extent != (xmin, xmax, ymin, ymax):
            self.extent = (xmin, xmax, ymin, ymax)
            self._fit_view()

    # -- drawing the points ----------------------------------------------
    def _point_colours(self, y) -> list[str] | None:
        idx = class_indices(y)
        if y is None:
            return None
        if idx is not None:
            k = max(2, int(self._n_classes()))
            colours = region_colours(k)
            return [colours[i % len(colours)] for i in idx]
        values = np.asarray(y, dtype=float).reshape(len(y))
        lo, hi = self.value_range or auto_range(self._all_targets())
        rgba = diverging_rgba(values, lo, hi)
        return ["#%02x%02x%02x" % tuple(c[:3]) for c in rgba]

    def _n_classes(self) -> int:
        grid = self._seen_history.latest.decision_grid if (
            self._seen_history is not None and self._seen_history.latest is not None) else None
        if grid is not None and np.ndim(grid.values) == 3 and np.shape(grid.values)[-1] > 1:
            return np.shape(grid.values)[-1]
        ks = [class_indices(y) for y in (self._points[1], self._points[3]) if y is not None]
        return max((int(k.max()) + 1 for k in ks if k is not None and k.size), default=2)

    def _all_targets(self) -> np.ndarray:
        ys = [np.asarray(y, dtype=float).ravel() for y in (self._points[1], self._points[3])
              if y is not None]
        return np.concatenate(ys) if ys else np.zeros(0)

    def _draw_points(self, theme: Theme) -> None:
        x_train, y_train, x_test, y_test = self._points
        # a thin outline that reads on every region colour (dark on light themes, light on dark)
        edge = pg.mkPen(255, 255, 255, 200, width=0.8) if theme.is_dark else pg.mkPen(30, 30, 30, 190, width=0.8)
        for scatter, x, y, symbol, size in ((self.train_scatter, x_train, y_train, "o", POINT_SIZE),
                                            (self.test_scatter, x_test, y_test, "t", TEST_SIZE)):
            if x is None or len(x) == 0:
                scatter.clear()
                continue
            colours = self._point_colours(y) or [theme.series_color(0)] * len(x)
            scatter.setData(pos=x[:, :2], brush=[pg.mkBrush(c) for c in colours], pen=edge, size=size,
                            symbol=symbol)
        self._update_caption(theme)

    def _update_caption(self, theme: Theme) -> None:
        y = self._points[1] if self._points[1] is not None else self._points[3]
        parts = ["● train", "▲ test"] if self._points[2] is not None and len(self._points[2]) else ["● data"]
        idx = class_indices(y) if y is not None else None
        if y is not None and idx is not None:
            k = max(2, self._n_classes())
            names = self._class_names or [f"class {c}" for c in range(k)]
            for c, colour in enumerate(region_colours(k)):
                name = names[c] if c < len(names) else f"class {c}"
                parts.append(f'<span style="color:{colour}">■</span> {name}')
        elif y is not None:
            parts.append(f'<span style="color:{class_colors(2)[0]}">■</span> low '
                         f'<span style="color:{class_colors(2)[1]}">■</span> high')
        self.caption.setText("&nbsp;&nbsp;&nbsp;".join(parts))
        self.caption.setVisible(y is not None)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if hasattr(self, "_points"):
            self._draw_points(theme)
