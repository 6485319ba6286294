"""The activations of a convolutional layer for one sample, one small image per channel.

``report.activations[node]`` is one sample's output, ``(C, H, W)`` for conv
and pooling layers. Each channel is stretched to its own range, because the
point is where a filter responds (an edge, a stroke), not how strongly
compared with the others. Channels run left to right, top to bottom.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QWidget

from .base import KEEP, HistoryPlot, LayerCombo, set_plot_title
from .image_panel import add_image_plot, show_rgba
from .images import mosaic, to_rgba


def is_feature_map(array) -> bool:
    """True for one sample's ``(C, H, W)`` output (or a single ``(H, W)`` map)."""
    a = np.asarray(array)
    return a.ndim == 3 or (a.ndim == 2 and min(a.shape) > 1)


def feature_maps_of_dict(activations: dict) -> dict[str, np.ndarray]:
    return {node: a for node, a in activations.items() if is_feature_map(a)}


def feature_maps_of(report) -> dict[str, np.ndarray] | None:
    """The report's image-shaped activations by node, or ``None`` if it has none."""
    return feature_maps_of_dict(report.activations) or None


def _activations_with_maps(report):
    """The report's activations dict itself when it holds any feature map."""
    return report.activations if feature_maps_of_dict(report.activations) else None


class FeatureMapGrid(HistoryPlot):
    """Grid of the chosen layer's channels; ``rgba`` holds the last mosaic drawn."""

    title = "Feature maps"

    def __init__(self, parent: QWidget | None = None, max_maps: int = 32,
                 colormap: str = "viridis"):
        super().__init__(parent)
        self.max_maps = max_maps
        self.colormap = colormap
        self.combo = LayerCombo(self._on_control_changed)
        self.add_header(QLabel("Layer:"), self.combo)
        self.plot_widget, self.image = add_image_plot(self)
        self.layout_.addWidget(self.plot_widget, 1)
        self.rgba: np.ndarray | None = None
        self.shape: tuple[int, ...] | None = None
        self.maps: dict[str, np.ndarray] = {}

    def current_node(self) -> str | None:
        return self.combo.current_node()

    def set_node(self, node: str) -> None:
        self.combo.set_node(node)

    def redraw(self, history) -> None:
        # compare the report's own activations dict, so one carried forward is not redrawn
        activations = self.newest(history, _activations_with_maps)
        if activations is KEEP:
            return
        self.maps = feature_maps_of_dict(activations or {})
        self.combo.set_nodes(list(self.maps), self.node_label)
        self.redraw_now()

    def redraw_now(self) -> None:  # the combo changed: draw another layer's maps
        node = self.current_node()
        self._draw(node, self.maps.get(node))

    def _draw(self, node: str | None, maps) -> None:
        if maps is None:
            self.image.clear()
            self.rgba, self.shape = None, None
            return
        maps = np.asarray(maps, dtype=float)
        if maps.ndim == 2:
            maps = maps[None]
        self.shape = maps.shape
        c, h, w = maps.shape
        shown = maps[: self.max_maps]
        tiles = to_rgba(shown, colormap=self.colormap, per_image=True)
        self.rgba = mosaic(tiles, pad=max(1, min(h, w) // 8))
        show_rgba(self.plot_widget, self.image, self.rgba)
        more = f", first {len(shown)} shown" if c > len(shown) else ""
        set_plot_title(self.plot_widget, f"{self.node_label(node)}: {c} maps of {h}×{w}{more}")
