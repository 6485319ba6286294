"""The loss landscape: a 2-D slice of the loss around the weights, with the optimizer's path on it.

A network has far too many weights to draw its loss surface, so we draw a plane through
the final weights (:mod:`playground.session.teaching.landscape`): either along the two
directions in which training moved the weights most (principal components of the path —
the path then shows well), or along two random filter-normalized directions (Li et al.
2018; the path is then nearly invisible, which is itself a lesson: in thousands of
dimensions two random directions miss almost every move). The loss over the plane is
shaded dark (low) to light (high) with contour lines; the path is drawn on top, from a
ring (the start) to a star (the end, at the centre).

:func:`landscape_of` does the computation (no Qt: the session's ``loss_slice``,
``pca_directions``/``random_directions`` and ``project_path``); :func:`train_with_snapshots`
trains a compiled run and keeps the weights every few steps. The view runs both on a
background thread for a project (:meth:`LossLandscapeView.start`) or shows a ready
:class:`Landscape` (:meth:`LossLandscapeView.show_landscape`).

Use: ``LossLandscapeView(project=None, parent=None)`` — *Compute* trains a copy of the
project (the epochs box, NumPy backend) and draws the landscape of the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox, QWidget

from playground.session.teaching.landscape import (
    LossSlice,
    current_weights,
    loss_slice,
    pca_directions,
    project_path,
    random_directions,
)
from playground.session.teaching.text import num

from ..plots.base import HistoryPlot, make_pen, set_plot_title
from ..theme import Theme, current_theme
from .common import BackgroundTask, paragraph, plain_axes
from .contour import ContourImage

PCA, RANDOM = "pca", "random"
MAX_SAMPLES = 512      # the slice evaluates the loss on at most this many training samples
MAX_SNAPSHOTS = 80     # weights kept along the path
PATH_MARGIN = 1.3      # the plane extends this far beyond the path


@dataclass
class Landscape:
    """What the view draws: the slice, the path's coordinates on it and how it was made."""

    slice: LossSlice
    path: np.ndarray | None      # (snapshots, 2) coordinates (α, β), or None
    directions: str              # "pca" or "random"
    share: np.ndarray | None     # for PCA: the fraction of the path's movement along each direction

    @property
    def log_losses(self) -> np.ndarray:
        """log₁₀ of the losses (what is shaded): losses span decades around a minimum."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.maximum(self.slice.losses, 1e-12))


def train_with_snapshots(trainer, max_snapshots: int = MAX_SNAPSHOTS, handle=None) -> list[dict]:
    """Train ``trainer`` to the end, keeping ``net.state_dict()`` about ``max_snapshots`` times.

    The first snapshot is the start, the last the end. ``handle`` (a background task's)
    gets progress text and can cancel.
    """
    net = trainer.net
    every = max(1, trainer.iterations_total // max_snapshots)
    snapshots = [net.state_dict()]
    while not trainer.finished:
        trainer.run_batch()
        if trainer.iteration % every == 0 or trainer.finished:
            snapshots.append(net.state_dict())
            if handle is not None:
                handle.report(f"Training: epoch {trainer.epoch + (0 if trainer.finished else 1)} "
                              f"of {trainer.epochs} …")
                if handle.cancelled:
                    break
    return snapshots


def landscape_of(net, loss, x, target, snapshots: list[dict] | None = None, *, directions: str = PCA,
                 resolution: int = 25, extent: float | None = None, seed: int = 0) -> Landscape:
    """The loss on a plane through ``net``'s current weights, and the path of ``snapshots`` on it.

    ``directions="pca"`` (needs at least two snapshots) spans the plane by the path's two
    main directions and sizes it to the path; ``"random"`` by two filter-normalized random
    directions with ``extent`` 1 (move every unit by its own size).
    """
    center = current_weights(net)
    share = None
    if directions == PCA:
        if not snapshots or len(snapshots) < 2:
            raise ValueError("The directions along the path need a path: train first, or choose "
                             "random directions.")
        dirs, share = pca_directions(snapshots, center)
    else:
        dirs = random_directions(net, seed=seed)
    path = project_path(snapshots, center, dirs) if snapshots else None
    if extent is None:
        reach = float(np.max(np.abs(path))) if path is not None and path.size else 0.0
        extent = PATH_MARGIN * reach if directions == PCA and reach > 0 else 1.0
    s = loss_slice(net, loss, x, target, dirs, extent=extent, resolution=resolution, seed=seed)
    return Landscape(s, path, directions, share)


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
        """Train a copy of the project and compute the landscape on a background thread."""
        if self.project is None:
            return
        project, epochs = self.project, self.epochs_spin.value()
        directions, resolution = self.directions_combo.currentData(), self.resolution_spin.value()
        self.compute_button.setEnabled(False)
        self.status.setText("Preparing the data and the network …")
        self.task.start(_ProjectJob(project, epochs, directions, resolution))

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


class _ProjectJob:
    """The background function: compile, train with snapshots, slice (no Qt inside)."""

    def __init__(self, project, epochs: int, directions: str, resolution: int):
        self.project, self.epochs, self.directions, self.resolution = project, epochs, directions, resolution

    def __call__(self, handle) -> Landscape:
        from playground.session.compile import build_run

        run = build_run(self.project, backend="numpy", epochs=self.epochs)
        snapshots = train_with_snapshots(run.trainer, handle=handle)
        handle.report(f"Computing the loss on a {self.resolution} × {self.resolution} grid …")
        x, t = run.data.x_train[:MAX_SAMPLES], run.data.y_train[:MAX_SAMPLES]
        return landscape_of(run.net, run.loss, x, t, snapshots, directions=self.directions,
                            resolution=self.resolution, seed=self.project.settings.seed)

