"""Turn sample arrays into pictures: shape guessing, scaling and tiling.

Plain NumPy (no Qt), so it is tested on its own. Images are row-major
``(H, W)`` grey or ``(H, W, 3)`` colour; tiles go into one RGBA mosaic that a
single ``ImageItem`` draws, which is much cheaper than one item per tile.
"""

from __future__ import annotations

import math

import numpy as np

from .colors import sequential_rgba


def as_images(batch: np.ndarray) -> np.ndarray:
    """Interpret a batch of samples as images.

    Accepts ``(n, H, W)``, ``(n, C, H, W)`` (NCHW, C = 1 or 3; other C show the
    first channel), ``(n, H, W, 3)`` and flat ``(n, D)`` where D is a square
    (64 → 8×8, 784 → 28×28); other flat lengths become a ``1 × D`` strip.
    Returns ``(n, H, W)`` or ``(n, H, W, 3)`` float.
    """
    a = np.asarray(batch, dtype=float)
    if a.ndim == 1:
        a = a[None]
    if a.ndim == 2:
        n, d = a.shape
        side = math.isqrt(d)
        return a.reshape(n, side, side) if side * side == d else a.reshape(n, 1, d)
    if a.ndim == 3:
        return a
    if a.ndim == 4:
        if a.shape[1] == 3:
            return np.moveaxis(a, 1, -1)  # NCHW colour → NHWC
        if a.shape[-1] == 3 and a.shape[1] != 1:
            return a
        return a[:, 0]
    raise ValueError(f"Cannot show an array of shape {a.shape} as images; "
                     "expected (n, H, W), (n, C, H, W) or flat (n, D).")


def to_rgba(images: np.ndarray, lo: float | None = None, hi: float | None = None,
            colormap: str = "grey", per_image: bool = False) -> np.ndarray:
    """Scale images to colours: ``(n, H, W[, 3])`` → ``(n, H, W, 4)`` uint8.

    One range ``[lo, hi]`` for the whole batch by default (so a faint
    reconstruction looks faint next to its input); ``per_image=True`` stretches
    each image to its own range (feature maps, where the pattern matters).
    """
    imgs = np.asarray(images, dtype=float)
    colour = imgs.ndim == 4 and imgs.shape[-1] == 3
    axes = tuple(range(1, imgs.ndim))
    if per_image:
        low = np.nanmin(imgs, axis=axes, keepdims=True)
        high = np.nanmax(imgs, axis=axes, keepdims=True)
    else:
        low = np.nanmin(imgs) if lo is None else lo
        high = np.nanmax(imgs) if hi is None else hi
    span = np.where(high > low, high - low, 1.0)
    t = np.clip((imgs - low) / span, 0.0, 1.0)
    if colour:
        rgba = np.empty(imgs.shape[:-1] + (4,), dtype=np.uint8)
        rgba[..., :3] = np.round(t * 255).astype(np.uint8)
        rgba[..., 3] = 255
        return rgba
    if colormap == "grey":
        g = np.round(t * 255).astype(np.uint8)
        rgba = np.empty(imgs.shape + (4,), dtype=np.uint8)
        rgba[..., 0] = rgba[..., 1] = rgba[..., 2] = g
        rgba[..., 3] = 255
        return rgba
    return sequential_rgba(t, 0.0, 1.0, colormap)


def grid_shape(n: int, cols: int | None = None) -> tuple[int, int]:
    """Rows and columns for ``n`` tiles, as square as possible unless ``cols`` is given."""
    cols = cols or max(1, math.ceil(math.sqrt(n)))
    return max(1, math.ceil(n / cols)), cols


def mosaic(tiles: np.ndarray, cols: int | None = None, pad: int = 1) -> np.ndarray:
    """Tile ``(n, h, w, 4)`` RGBA images into one ``(rows·(h+pad)−pad, …, 4)`` image.

    Padding and empty cells are transparent, so the plot background shows
    between tiles. Tile ``i`` sits at row ``i // cols``, column ``i % cols``.
    """
    n, h, w, _ = tiles.shape
    rows, cols = grid_shape(n, cols)
    out = np.zeros((rows * (h + pad) - pad, cols * (w + pad) - pad, 4), dtype=np.uint8)
    for i in range(n):  # a handful of tiles: a loop over tiles, not pixels
        r, c = divmod(i, cols)
        out[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = tiles[i]
    return out


def tile_origin(i: int, cols: int, h: int, w: int, pad: int = 1) -> tuple[int, int]:
    """Top-left ``(x, y)`` pixel of tile ``i`` in a :func:`mosaic`."""
    r, c = divmod(i, cols)
    return c * (w + pad), r * (h + pad)
