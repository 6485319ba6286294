"""Colours shared by the plots: class colours and the playground's diverging map.

The browser TensorFlow Playground paints negative/class-0 regions orange and
positive/class-1 regions blue, with a pale grey in between; we use the same
so students who know it feel at home. Everything here is NumPy in, RGBA
``uint8`` out, so it is easy to test without Qt.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

ORANGE = "#f59322"  # negative values, class 0 of a binary problem
MIDDLE = "#e8eaeb"  # value at the centre of the range (undecided)
BLUE = "#0877bd"  # positive values, class 1 of a binary problem

# categorical colours for three or more classes (tab10)
CATEGORICAL = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
               "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def hex_to_rgb(colour: str) -> np.ndarray:
    """``"#f59322"`` → ``array([245, 147, 34])`` (float)."""
    colour = colour.lstrip("#")
    return np.array([int(colour[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)


def class_colors(k: int) -> list[str]:
    """``k`` distinguishable colours: orange/blue for two classes (like the
    browser playground), the tab10 cycle for more."""
    if k <= 2:
        return [ORANGE, BLUE][:max(k, 1)] if k > 0 else []
    return [CATEGORICAL[i % len(CATEGORICAL)] for i in range(k)]


DIVERGING_STEPS = 510  # even, so the middle colour is a step of its own


@lru_cache(maxsize=1)
def _diverging_table() -> np.ndarray:
    """``(DIVERGING_STEPS + 1, 3)`` uint8: orange → pale grey → blue, piecewise linear in RGB."""
    t = np.linspace(0.0, 1.0, DIVERGING_STEPS + 1)[:, None]
    low, mid, high = hex_to_rgb(ORANGE), hex_to_rgb(MIDDLE), hex_to_rgb(BLUE)
    rgb = np.where(t < 0.5, low + (mid - low) * (t * 2), mid + (high - mid) * (t * 2 - 1))
    return np.round(rgb).astype(np.uint8)


def diverging_rgba(values: np.ndarray, lo: float, hi: float, alpha: int = 255) -> np.ndarray:
    """Map values onto orange (``lo``) → pale grey (middle) → blue (``hi``).

    Piecewise linear in RGB, like the playground's d3 scale, read from a table
    of 511 colours (a lookup is ~10× faster than computing each pixel, and the
    canvas colours thousands of pixels several times a second while training).
    Returns ``values.shape + (4,)`` uint8; NaN becomes transparent.
    """
    values = np.asarray(values, dtype=np.float32)
    span = hi - lo if hi > lo else 1.0
    steps = np.clip((values - np.float32(lo)) * np.float32(DIVERGING_STEPS / span), 0, DIVERGING_STEPS)
    missing = np.isnan(steps)
    index = np.rint(np.where(missing, 0, steps)).astype(np.intp)
    rgba = np.empty(values.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = _diverging_table()[index]
    rgba[..., 3] = alpha
    rgba[..., 3][missing] = 0
    return rgba


def blend_classes(probs: np.ndarray, colours: list[str] | None = None,
                  paleness: float = 0.35) -> np.ndarray:
    """Blend class colours by probability: ``rgb = Σ_c p_c · colour_c``.

    ``probs`` has shape ``(..., k)``; each pixel gets the mixture of its class
    colours (a confident pixel shows its class, a torn one a muddy mix), then
    mixed with white by ``paleness`` so data points drawn on top stay visible.
    Returns ``probs.shape[:-1] + (4,)`` uint8.
    """
    probs = np.asarray(probs, dtype=float)
    k = probs.shape[-1]
    colours = colours or class_colors(k)
    table = np.stack([hex_to_rgb(c) for c in colours[:k]])  # (k, 3)
    total = probs.sum(axis=-1, keepdims=True)
    weights = probs / np.where(total > 0, total, 1.0)
    rgb = weights @ table
    rgb = rgb * (1 - paleness) + 255.0 * paleness
    rgba = np.empty(probs.shape[:-1] + (4,), dtype=np.uint8)
    rgba[..., :3] = np.round(np.clip(rgb, 0, 255)).astype(np.uint8)
    rgba[..., 3] = 255
    return rgba


def auto_range(values: np.ndarray) -> tuple[float, float]:
    """The value range a single-output grid is shown over.

    Probabilities (all in [0, 1]) → (0, 1), centre 0.5; tanh-like outputs
    (in [-1, 1]) → (-1, 1); anything else (regression) → symmetric around 0.
    """
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return 0.0, 1.0
    vmin, vmax = float(finite.min()), float(finite.max())
    if vmin >= 0.0 and vmax <= 1.0:
        return 0.0, 1.0
    if vmin >= -1.0 and vmax <= 1.0:
        return -1.0, 1.0
    m = max(abs(vmin), abs(vmax))
    return -m, m


def sequential_rgba(values: np.ndarray, lo: float | None = None, hi: float | None = None,
                    colormap: str = "viridis") -> np.ndarray:
    """Map values through a perceptual colormap (viridis by default), NaN → transparent."""
    import pyqtgraph as pg  # plots need it anyway; kept local so the rest is Qt-free

    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if lo is None and finite.size else (0.0 if lo is None else lo)
    hi = float(finite.max()) if hi is None and finite.size else (1.0 if hi is None else hi)
    span = hi - lo if hi > lo else 1.0
    t = np.clip((values - lo) / span, 0.0, 1.0)
    lut = pg.colormap.get(colormap).getLookupTable(nPts=256, alpha=True)  # (256, 4) uint8
    rgba = lut[np.nan_to_num(t * 255).astype(np.intp)]
    rgba[np.isnan(values), 3] = 0
    return rgba
