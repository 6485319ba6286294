"""The loss landscape: a 2-D slice of the loss around the weights, with the optimizer's path on it.

A network has far too many weights to draw its loss surface, so we draw a plane through
the final weights (:mod:`playground.session.teaching.landscape`): either along the two
directions in which training moved the weights most (principal components of the path —
the path then shows well), or along two random filter-normalized directions (Li et al.
2018; the path is then nearly invisible, which is itself a lesson: in thousands of
dimensions two random directions miss almost every move). The loss over the plane is
shaded dark (low) to light (high) with contour lines; the path is drawn on top, from a
ring (the start) to a star (the end, at the centre).

:func:`~playground.session.teaching.landscape.landscape_of` does the computation and
:func:`~playground.session.teaching.landscape.train_with_snapshots` trains a compiled run and
keeps the weights every few steps (both without Qt). The view runs both in a child process
for a project (:meth:`LossLandscapeView.start`, :func:`playground.session.teaching.jobs.landscape`)
or shows a ready :class:`Landscape` (:meth:`LossLandscapeView.show_landscape`).

Use: ``LossLandscapeView(project=None, parent=None)`` — *Compute* trains a copy of the
project (the epochs box, NumPy backend) and draws the landscape of the result.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox, QWidget

from playground.session.teaching import jobs
from playground.session.teaching.landscape import (  # noqa: F401  (re-exported: the view's vocabulary)
    MAX_SAMPLES,
    MAX_SNAPSHOTS,
    PATH_MARGIN,
    PCA,
    RANDOM,
    Landscape,
    landscape_of,
    train_with_snapshots,
)
from playground.session.teaching.text import num

from ..plots.base import HistoryPlot, make_pen, set_plot_title
from ..theme import Theme, current_theme
from .common import BackgroundTask, paragraph, plain_axes
from .contour import ContourImage


class LossLandscapeView(HistoryPlot):
    """Shaded loss slice with contour lines and the optimizer's path.

    ``landscape`` is the :class:`Landscape` drawn; ``path_item`` the path's pyqtgraph curve
    (``getData()`` = ``landscape.path`` columns); ``contour.values`` the shaded log-losses.
    """

    title = ""

    def __init__(self, project=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Loss landscape")
        self.project = project
        self.landscape: Landscape | None = None
        self.task = BackgroundTask(self)
        self.task.progress.connect(self._on_progress)
        self.task.done.connect(self._on_done)
        self.task.failed.connect(self._on_failed)

        self.directions_combo = QComboBox()
        self.directions_combo.addItem("along the training path (PCA)", PCA)
        self.directions_combo.addItem("two random directions", RANDOM)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 10000)
        self.epochs_spin.setPrefix("train ")
        self.epochs_spin.setSuffix(" epochs")
        self.resolution_spin = QSpinBox()
        self.resolution_spin.setRange(5, 101)
        self.resolution_spin.setValue(25)
        self.resolution_spin.setPrefix("grid ")
        self.compute_button = QPushButton("Compute")
        self.add_header(QLabel("Plane:"), self.directions_combo, self.epochs_spin, self.resolution_spin,
                        self.compute_button)
        self.status = paragraph(size="tick")
        self.layout_.addWidget(self.status)

        self.plot_widget = self.add_plot_widget("α (direction 1)", "β (direction 2)", legend=True,
                                                title="Loss around the final weights")
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.showGrid(x=False, y=False)
        self.plot_widget._np_grid = False
        self.contour = ContourImage(self.plot_item)
        plain_axes(self.plot_widget)
        self.path_item = pg.PlotDataItem(name="optimizer path", symbol="o", symbolSize=6, antialias=True)
        self.path_item.setZValue(10)
        self.start_marker = pg.ScatterPlotItem(size=18, symbol="o", pxMode=True, name="start")
        self.end_marker = pg.ScatterPlotItem(size=22, symbol="star", pxMode=True, name="end (the weights now)")
        for item in (self.path_item, self.start_marker, self.end_marker):
            item.setZValue(10)
            self.plot_item.addItem(item)
        self.layout_.addWidget(self.plot_widget, 1)
        self.caption = paragraph(size="tick")
        self.layout_.addWidget(self.caption)

        self.compute_button.clicked.connect(self.start)
        self.apply_theme(current_theme())
        self.set_project(project)

    # -- public --------------------------------------------------------------------------------
    def set_project(self, project) -> None:
        """The project whose landscape *Compute* draws (``None``: nothing to compute)."""
        self.project = project
        if project is not None:
            self.epochs_spin.setValue(max(1, min(int(project.settings.epochs), 200)))
            self.status.setText("Compute trains a copy of the project and draws the loss around the "
                                "weights it ends with, with the path that led there.")
        else:
            self.status.setText("Open a project to see its loss landscape.")
        self.compute_button.setEnabled(project is not None)

    def start(self) -> None:
        """Train a copy of the project and compute the landscape in a child process."""
        if self.project is None:
            return
        project, epochs = self.project, self.epochs_spin.value()
        directions, resolution = self.directions_combo.currentData(), self.resolution_spin.value()
        self.compute_button.setEnabled(False)
        self.status.setText("Preparing the data and the network …")
        self.task.start_on_project(jobs.landscape, project, epochs, directions, resolution)

    @property
    def busy(self) -> bool:
        return self.task.running

    def show_landscape(self, landscape: Landscape) -> None:
        """Draw a computed :class:`Landscape`."""
        self.landscape = landscape
        self._draw(current_theme())

    def compute(self, net, loss, x, target, snapshots=None, **options) -> Landscape:
        """:func:`landscape_of` on the GUI thread, then draw it (small networks, tests)."""
        result = landscape_of(net, loss, x, target, snapshots, **options)
        self.show_landscape(result)
        return result

    def redraw(self, history) -> None:  # not driven by training reports
        pass

    def closeEvent(self, event) -> None:
        self.task.shutdown()
        super().closeEvent(event)

    # -- background task ----------------------------------------------------------------------------
    def _on_progress(self, text: str) -> None:
        self.status.setText(text)

    def _on_done(self, landscape: Landscape) -> None:
        self.compute_button.setEnabled(True)
        self.show_landscape(landscape)

    def _on_failed(self, text: str) -> None:
        self.compute_button.setEnabled(True)
        self.status.setText(f"Could not compute the landscape: {text}")

    # -- drawing ---------------------------------------------------------------------------------------
    def _draw(self, theme: Theme) -> None:
        land = self.landscape
        if land is None:
            return
        s = land.slice
        self.contour.set_data(s.alphas, s.betas, land.log_losses, theme)
        path = land.path
        if path is not None and len(path):
            self.path_item.setData(path[:, 0], path[:, 1])
            self.start_marker.setData([path[0, 0]], [path[0, 1]])
            self.end_marker.setData([path[-1, 0]], [path[-1, 1]])
        else:
            self.path_item.setData([], [])
            self.start_marker.clear()
            self.end_marker.setData([0.0], [0.0])  # the centre: the weights now
        a, b = float(s.alphas[-1]), float(s.betas[-1])
        self.plot_item.getViewBox().disableAutoRange()
        self.plot_item.setRange(xRange=(-a, a), yRange=(-b, b), padding=0)
        self._style_path(theme)
        set_plot_title(self.plot_widget, f"Loss around the final weights (there: {num(s.center_loss, 4)})")
        self.caption.setText(self._caption())
        self.status.setText(self._status())
        self.place_legends()

    def _caption(self) -> str:
        land = self.landscape
        losses = land.slice.losses[np.isfinite(land.slice.losses)]
        low, high = (num(losses.min(), 3), num(losses.max(), 3)) if losses.size else ("?", "?")
        shading = f"Dark = low loss, light = high (log scale, {low} … {high})."
        if land.directions == PCA and land.share is not None:
            return (f"The plane runs along the two directions the weights moved most during training "
                    f"({land.share[0]:.0%} and {land.share[1]:.0%} of the movement). {shading}")
        return ("The plane runs along two random directions, each unit's part scaled to that unit's weights "
                "(filter normalization). A training path barely shows here: in many dimensions two random "
                f"directions miss almost all of its movement. {shading}")

    def _status(self) -> str:
        land = self.landscape
        path = land.path
        if path is None or not len(path):
            return f"Loss at the centre: {num(land.slice.center_loss, 4)}."
        return (f"The path has {len(path)} points, from the start (ring) to the weights now (star, at the "
                f"centre); the loss there is {num(land.slice.center_loss, 4)}.")

    def _style_path(self, theme: Theme) -> None:
        colour = theme.series_color(3)  # red: stands out on greys
        self.path_item.setPen(make_pen(colour, theme))
        self.path_item.setSymbolBrush(colour)
        self.path_item.setSymbolPen(None)
        fg = theme.plot_foreground
        self.start_marker.setPen(pg.mkPen(fg, width=3))
        self.start_marker.setBrush(pg.mkBrush(0, 0, 0, 0))
        self.end_marker.setPen(pg.mkPen(fg, width=1.5))
        self.end_marker.setBrush(pg.mkBrush("#ffd700"))

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if not hasattr(self, "path_item"):
            return
        self._style_path(theme)
        if self.landscape is not None:
            self.contour.restyle(theme)
