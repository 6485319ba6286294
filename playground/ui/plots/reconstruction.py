"""Autoencoder inputs next to their reconstructions.

``report.samples["inputs"]`` and ``["outputs"]`` hold a few samples (images
as ``(n, C, H, W)``, ``(n, H, W)`` or flat ``(n, D)`` with D square). Row one
shows inputs, row two the reconstructions; for a denoising autoencoder,
whose targets differ from its (noisy) inputs, a third row shows the clean
targets. All rows share one grey scale, so a faint or blurry
reconstruction looks faint or blurry instead of being stretched to look fine.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ..theme import Theme
from .base import KEEP, HistoryPlot
from .image_panel import add_image_plot, show_rgba
from .images import as_images, mosaic, to_rgba


class ReconstructionView(HistoryPlot):
    """Rows ``input`` / ``reconstruction`` (/ ``target``) of up to ``max_samples`` images."""

    title = "Inputs and reconstructions"

    def __init__(self, parent: QWidget | None = None, max_samples: int = 8):
        super().__init__(parent)
        self.max_samples = max_samples
        self.plot_widget, self.image = add_image_plot(self)
        item = self.plot_widget.getPlotItem()
        item.showAxis("left")
        self._hide_axis_line()
        self.layout_.addWidget(self.plot_widget, 1)
        self.rgba: np.ndarray | None = None
        self.rows: list[str] = []

    def redraw(self, history) -> None:
        samples = self.newest(history, lambda report: report.samples if (
            "inputs" in report.samples and "outputs" in report.samples) else None)
        if samples is KEEP:
            return
        if samples is None:
            self.image.clear()
            self.rgba, self.rows = None, []
            return
        n = min(self.max_samples, len(samples["inputs"]), len(samples["outputs"]))
        inputs = np.asarray(samples["inputs"][:n], dtype=float)
        rows = [("input", inputs), ("reconstruction", self._like(samples["outputs"][:n], inputs))]
        targets = samples.get("targets")
        if targets is not None and len(targets) >= n:
            targets = self._like(targets[:n], inputs)
            if targets is not None and not np.allclose(targets, inputs):
                rows.append(("clean target", targets))
        rows = [(name, a) for name, a in rows if a is not None]
        images = [as_images(a) for _, a in rows]
        joint = np.concatenate([im.ravel() for im in images])
        lo, hi = float(np.nanmin(joint)), float(np.nanmax(joint))
        tiles = np.concatenate([to_rgba(im, lo, hi) for im in images])
        h = tiles.shape[1]
        pad = max(1, h // 10)
        self.rgba = mosaic(tiles, cols=n, pad=pad)
        self.rows = [name for name, _ in rows]
        show_rgba(self.plot_widget, self.image, self.rgba)
        ticks = [((r * (h + pad) + h / 2), name) for r, name in enumerate(self.rows)]
        self.plot_widget.getPlotItem().getAxis("left").setTicks([ticks, []])

    def _hide_axis_line(self) -> None:
        """Only the row names on the left, no axis line or ticks."""
        axis = self.plot_widget.getPlotItem().getAxis("left")
        axis.setPen(pg.mkPen(None))
        axis.setStyle(tickLength=0)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if hasattr(self, "plot_widget"):
            self._hide_axis_line()

    @staticmethod
    def _like(a, inputs: np.ndarray) -> np.ndarray | None:
        """``a`` reshaped to the inputs' shape if it has as many numbers per sample."""
        a = np.asarray(a, dtype=float)
        if a.shape == inputs.shape:
            return a
        if a[0].size == inputs[0].size:
            return a.reshape(inputs.shape)
        return None
