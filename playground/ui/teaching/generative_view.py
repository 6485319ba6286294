"""Generative views of an autoencoder: samples from the prior, a latent-grid walk, anomaly scores.

Three tabs, computed by :mod:`playground.session.teaching.generative`:

* *Samples from the prior* — 64 codes ``z ~ N(0, I)`` decoded: new digits the network made up;
* *Latent-grid walk* — an 8×8 grid over the first two latent dimensions (−2.5 … 2.5):
  neighbouring codes give similar pictures, so the grid morphs from one digit to another;
* *Anomaly scores* — the histogram of the per-sample reconstruction error on the validation
  set, and the most anomalous inputs (the ones the autoencoder reconstructs worst).

The first two need a variational autoencoder (a Sampling node); the third works for any
autoencoder. The view uses the project's trained weights when it has them, else it trains a
copy briefly; either way the work runs in a child process
(:func:`playground.session.teaching.jobs.generative`; the project itself is not changed).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from playground.session.teaching import jobs
from playground.session.teaching.generative import (  # noqa: F401  (re-exported)
    GRID_SPAN,
    GRID_STEPS,
    PRIOR_SAMPLES,
    QUICK_EPOCHS,
    TOP_ANOMALIES,
    GenerativeResult,
    compute,
)

from .common import BackgroundTask, heading, paragraph, plain_axes

TILE_PX = 56


def _pixmap(image: np.ndarray, size: int) -> QPixmap:
    """A grey picture (values 0…1, white = 1) scaled up without smoothing."""
    grey = np.ascontiguousarray((np.clip(image, 0, 1) * 255).astype(np.uint8))
    h, w = grey.shape
    qimage = QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage).scaled(size, max(1, size * h // w), Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.FastTransformation)


class ImageGrid(QWidget):
    """Pictures in rows of ``columns``; ``tile_count()`` says how many are shown."""

    def __init__(self, columns: int = 8, parent: QWidget | None = None):
        super().__init__(parent)
        self.columns = columns
        self.grid = QGridLayout(self)
        self.grid.setSpacing(2)
        self.grid.setColumnStretch(columns, 1)  # tiles packed to the left, not spread out

    def set_images(self, images, tooltips: list[str] | None = None) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for i, image in enumerate(images):
            label = QLabel()
            label.setPixmap(_pixmap(image, TILE_PX))
            if tooltips:
                label.setToolTip(tooltips[i])
            self.grid.addWidget(label, i // self.columns, i % self.columns)

    def tile_count(self) -> int:
        return self.grid.count()


class GenerativeView(QWidget):
    """Tabs: samples from the prior, the latent-grid walk, anomaly scores (see the module doc)."""

    def __init__(self, project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.result: GenerativeResult | None = None
        self.error = ""
        self.setWindowTitle("Generative views")
        self.status = paragraph("")
        self.tabs = QTabWidget()
        self.prior_grid, self.walk_grid, self.top_grid = ImageGrid(8), ImageGrid(GRID_STEPS), ImageGrid(8)
        self.tabs.addTab(self._page("Samples from the prior",
                                    "Codes drawn from N(0, I) and decoded: new digits the network made up. "
                                    "The KL term pulled the codes towards N(0, I), so these codes mean something.",
                                    self.prior_grid), "Samples from the prior")
        self.tabs.addTab(self._page("Latent-grid walk",
                                    f"z₁ from −{GRID_SPAN} (left) to {GRID_SPAN} (right), z₂ from −{GRID_SPAN} (top) "
                                    f"to {GRID_SPAN} (bottom), other dimensions 0: nearby codes decode to similar "
                                    "pictures.", self.walk_grid), "Latent-grid walk")
        self.histogram = pg.PlotWidget()
        plain_axes(self.histogram)
        self.histogram.setLabel("bottom", "reconstruction error (MSE per sample)")
        self.histogram.setLabel("left", "samples")
        self.histogram.setMinimumHeight(220)
        anomaly = self._page("Anomaly scores",
                             "How badly each validation input is reconstructed. Inputs unlike the training data "
                             "score high; the most anomalous 16 are below (worst first).", self.histogram)
        anomaly.layout().addWidget(self.top_grid)
        self.tabs.addTab(anomaly, "Anomaly scores")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs)
        self.task = BackgroundTask(self)
        self.task.done.connect(self._show_result)
        self.task.failed.connect(self._show_error)
        self.start()

    @staticmethod
    def _page(title: str, text: str, body: QWidget) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading(title))
        layout.addWidget(paragraph(text))
        layout.addWidget(body)
        layout.addStretch(1)
        return page

    @property
    def busy(self) -> bool:
        return self.task.running

    def start(self) -> None:
        """(Re)compute from the project: trained weights if any, else a brief training of a copy."""
        self.error = ""
        self.status.setText("Using the project's trained weights…" if self.project.weights else
                            f"The project has no trained weights: training a copy for {QUICK_EPOCHS} epochs…")
        self.task.start_on_project(jobs.generative, self.project)

    def _show_result(self, result: GenerativeResult) -> None:
        self.result = result
        text = ("Trained a copy briefly for these pictures (train the project for better ones)."
                if result.trained_here else "Using the project's trained weights.")
        if result.note:
            text += " " + result.note
        self.status.setText(text)
        for grid, images in ((self.prior_grid, result.prior), (self.walk_grid, result.grid)):
            grid.set_images(images if images is not None else [])
        self.tabs.setTabEnabled(0, result.prior is not None)
        self.tabs.setTabEnabled(1, result.grid is not None)
        if result.prior is None:
            self.tabs.setCurrentIndex(2)
        counts, edges = np.histogram(result.scores, bins=30)
        self.histogram.clear()
        self.histogram.addItem(pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], height=counts, brush="#4a90d9"))
        self.top_grid.set_images(result.top, [f"error {s:.4g}" for s in result.scores[:len(result.top)]])

    def _show_error(self, text: str) -> None:
        self.error = text
        self.status.setText(f"Cannot show the generative views: {text}")

    def set_project(self, project) -> None:
        self.project = project
        self.start()

    def closeEvent(self, event) -> None:
        self.task.shutdown()
        super().closeEvent(event)
