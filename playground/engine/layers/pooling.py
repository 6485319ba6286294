"""Pooling: summarize each k×k window of every feature map by one number.

Pooling has no parameters. It shrinks the maps (``⌊(n + 2p − k)/s⌋ + 1`` per
axis; the stride defaults to the window size, so windows do not overlap) and
makes the output less sensitive to small shifts.

How it is computed: :meth:`Windows.slabs` copies the image into ``k·k``
*slabs*, slab ``(i, j)`` holding the pixel at offset ``(i, j)`` of every
window. A window's max or sum is then an element-wise max or sum over the
slabs, with no loop over pixels. The backward pass builds one gradient slab
per offset and :meth:`Windows.unslab` puts them back where they came from.

Padding: max pooling pads with −∞ (a pad is never the max); average pooling
pads with zeros and always divides by ``k·k`` (PyTorch's default
``count_include_pad=True``).
"""

from __future__ import annotations

from typing import Any

from ..im2col import Windows, check_padding, image_shape, pair
from ..layer import Layer, ShapeError


class _Pool(Layer):
    """Window size, stride (default: the window size) and padding; the geometry."""

    def __init__(self, pool_size=2, stride=None, padding: Any = 0, name: str | None = None):
        super().__init__(name)
        self.pool_size = pair(pool_size, "pool size")
        self.stride = self.pool_size if stride is None else pair(stride, "stride")
        check_padding(padding)
        self.padding = tuple(padding) if isinstance(padding, list) else padding
        self.windows: Windows | None = None

    def make_windows(self, in_shape) -> Windows:
        win = Windows(in_shape, self.pool_size, self.stride, self.padding, name=self.name)
        top, bottom, left, right = win.pads
        if max(top, bottom) >= win.kh or max(left, right) >= win.kw:
            raise ShapeError(self, f"padding {win.pads[0] if len(set(win.pads)) == 1 else win.pads} must be "
                                   f"smaller than the {win.kh}×{win.kw} window (a window of only padding "
                                   "has nothing to pool): use less padding")
        return win

    def output_shape(self, in_shape):
        win = self.make_windows(in_shape)
        return (win.channels, win.out_h, win.out_w)

    def build(self, input_shapes, xp, dtype, rng):
        self.windows = self.make_windows(input_shapes[0])
        return super().build(input_shapes, xp, dtype, rng)

    def config(self):
        return {"pool_size": self.pool_size, "stride": self.stride, "padding": self.padding}


class MaxPool2D(_Pool):
    """``y = max`` of each window. Backward: the whole gradient goes to the window's argmax.

    Only the largest input changes the output, so only it gets ``∂L/∂y``; the
    others get 0. On ties the first maximum (row by row) takes it, as in PyTorch.
    """

    kind = "max_pool2d"

    def forward(self, x):
        self.slabs = self.windows.slabs(x, fill=-float("inf"))  # (k·k, N, C, OH, OW)
        self.y = self.slabs.max(axis=0)
        return self.y

    def backward(self, dy):
        winner = self.slabs == self.y                 # True where a window's maximum sits
        taken = winner[0].copy()
        for o in range(1, self.windows.taps):         # keep only the first maximum of each window
            winner[o] &= ~taken
            taken |= winner[o]
        return self.windows.unslab(winner, times=dy)  # ∂L/∂x = δ at the argmax, 0 elsewhere


class SumPool2D(_Pool):
    """``y = Σ`` of each window; every input of the window gets the full ``∂L/∂y``."""

    kind = "sum_pool2d"

    def scale(self) -> float:
        """The factor applied to each window's sum (1 here, 1/k² for the average)."""
        return 1.0

    def forward(self, x):
        y = self.windows.slabs(x).sum(axis=0)        # zero padding
        if self.scale() != 1.0:
            y *= self.scale()
        return y

    def backward(self, dy):
        g = dy * self.scale() if self.scale() != 1.0 else dy
        slabs = self.xp.broadcast_to(g, (self.windows.taps, *g.shape))  # the same δ at every offset
        return self.windows.unslab(slabs)


class AvgPool2D(SumPool2D):
    """``y = (1/k²)·Σ`` of each window (padding counts as zeros); each input gets ``δ/k²``."""

    kind = "avg_pool2d"

    def scale(self) -> float:
        return 1.0 / (self.pool_size[0] * self.pool_size[1])


class _GlobalPool(Layer):
    """One number per channel: ``(C, H, W) → (C,)``."""

    def output_shape(self, in_shape):
        return (image_shape(self, in_shape)[0],)


class GlobalAvgPool2D(_GlobalPool):
    """``y_c = mean`` of feature map ``c``; backward spreads ``δ_c / (H·W)`` evenly."""

    kind = "global_avg_pool2d"

    def forward(self, x):
        n, c, h, w = x.shape
        self.in_shape = x.shape
        return x.reshape(n, c, h * w).mean(axis=2)

    def backward(self, dy):
        h, w = self.in_shape[2:]
        dx = self.xp.empty(self.in_shape, dtype=dy.dtype)
        dx[...] = (dy / (h * w))[:, :, None, None]
        return dx


class GlobalMaxPool2D(_GlobalPool):
    """``y_c = max`` of feature map ``c``; backward sends ``δ_c`` to that one pixel."""

    kind = "global_max_pool2d"

    def forward(self, x):
        n, c, h, w = x.shape
        self.in_shape = x.shape
        flat = x.reshape(n, c, h * w)
        self.argmax = flat.argmax(axis=2)             # (N, C): the first maximum of each map
        return flat.max(axis=2)

    def backward(self, dy):
        h, w = self.in_shape[2:]
        onehot = self.xp.arange(h * w) == self.argmax[:, :, None]   # (N, C, H·W)
        return (onehot * dy[:, :, None]).reshape(self.in_shape)
