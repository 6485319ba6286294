"""Upsampling: make feature maps ``scale`` times larger, with no parameters.

* ``nearest`` repeats every pixel into an ``sh×sw`` block. Backward: each
  input pixel collects the sum of the gradient over its block.
* ``bilinear`` interpolates between the four nearest input pixels, with
  half-pixel centres (PyTorch's ``align_corners=False``, TensorFlow 2's
  ``resize``): output pixel ``o`` sits at input coordinate
  ``(o + 0.5)/scale − 0.5`` (clamped at the borders). Interpolation along one
  axis is a fixed matrix ``A`` (two non-zeros per row), so

      y = A_h · x · A_wᵀ,        ∂L/∂x = A_hᵀ · δ · A_w.
"""

from __future__ import annotations

import numpy as np

from ..im2col import image_shape, pair
from ..layer import Layer

MODES = ("nearest", "bilinear")


def bilinear_matrix(n_in: int, scale: int) -> np.ndarray:
    """``(n_in·scale, n_in)`` linear-interpolation weights, half-pixel centres.

    Row ``o`` has weight ``1 − λ`` at ``i0`` and ``λ`` at ``i0 + 1`` where
    ``src = max((o + 0.5)/scale − 0.5, 0)``, ``i0 = ⌊src⌋``, ``λ = src − i0``
    (at the last pixel both weights land on it).
    """
    n_out = n_in * scale
    src = np.maximum((np.arange(n_out) + 0.5) / scale - 0.5, 0.0)
    i0 = np.floor(src).astype(int)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = src - i0
    A = np.zeros((n_out, n_in))
    np.add.at(A, (np.arange(n_out), i0), 1.0 - lam)
    np.add.at(A, (np.arange(n_out), i1), lam)
    return A


class Upsample2D(Layer):
    """``(C, H, W) → (C, H·sh, W·sw)`` by ``nearest`` repetition or ``bilinear`` interpolation."""

    kind = "upsample2d"

    def __init__(self, scale=2, mode: str = "nearest", name: str | None = None):
        super().__init__(name)
        self.scale = pair(scale, "scale")
        if mode not in MODES:
            raise ValueError(f"Upsample2D mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.mode = mode

    def output_shape(self, in_shape):
        c, h, w = image_shape(self, in_shape)
        return (c, h * self.scale[0], w * self.scale[1])

    def create_params(self, in_shape):
        """No parameters; bilinear mode makes its two interpolation matrices once."""
        if self.mode == "bilinear":
            _, h, w = in_shape
            self.A_h = self.xp.asarray(bilinear_matrix(h, self.scale[0]), dtype=self.dtype)
            self.A_w = self.xp.asarray(bilinear_matrix(w, self.scale[1]), dtype=self.dtype)

    def forward(self, x):
        sh, sw = self.scale
        if self.mode == "nearest":
            return self.xp.repeat(self.xp.repeat(x, sh, axis=2), sw, axis=3)
        n, c, h, w = x.shape
        rows = (x.reshape(-1, w) @ self.A_w.T).reshape(n, c, h, -1)   # along the width: x · A_wᵀ
        return self.A_h @ rows                                         # along the height: A_h · …

    def backward(self, dy):
        sh, sw = self.scale
        n, c, H, W = dy.shape
        h, w = H // sh, W // sw
        if self.mode == "nearest":
            blocks = dy.reshape(n, c, h, sh, W)
            rows = blocks[:, :, :, 0]
            for i in range(1, sh):                  # add the sh rows of each block …
                rows = rows + blocks[:, :, :, i]
            cols = rows.reshape(n, c, h, w, sw)
            dx = cols[..., 0]
            for j in range(1, sw):                  # … then its sw columns
                dx = dx + cols[..., j]
            return dx
        rows = self.A_h.T @ dy                                          # (N, C, h, W)
        return (rows.reshape(-1, W) @ self.A_w).reshape(n, c, h, w)

    def config(self):
        return {"scale": self.scale, "mode": self.mode}
