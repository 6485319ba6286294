"""Locally connected layer: a convolution *without* parameter sharing.

Like :class:`~playground.engine.layers.conv.Conv2D`, each output looks at one
``C×kh×kw`` window; unlike it, every output position ``p`` has its own filters
``W_p``. That is the contrast the course draws: for ``P = OH·OW`` positions a
conv layer has ``(kh·kw·C + 1)·F`` parameters, a locally connected one
``P·(kh·kw·C + 1)·F`` — it can learn position-specific features (faces:
eyes at the top) but needs far more data.

``W`` has shape ``(P, C·kh·kw, F)`` (Keras' layout, position-major), ``b``
``(F, OH, OW)``. With the windows as columns ``cols_p`` of shape ``(N, C·k·k)``::

    y_p    = cols_p · W_p + b_p          one small matrix product per position
    ∂L/∂W_p = cols_pᵀ · δ_p,   ∂L/∂cols_p = δ_p · W_pᵀ,   ∂L/∂x = col2im(…)
"""

from __future__ import annotations

from typing import Any

from ..im2col import Windows, image_shape
from ..initializers import get_initializer
from .conv import _Conv


class LocallyConnected2D(_Conv):
    kind = "locally_connected2d"

    def __init__(self, filters: int, kernel_size=3, stride=1, padding: Any = "valid", use_bias: bool = True,
                 init="he_uniform", bias_init="zeros", name: str | None = None):
        if int(filters) != filters or filters < 1:
            raise ValueError(f"LocallyConnected2D needs at least 1 filter, got {filters!r}")
        super().__init__(kernel_size, stride, padding, 1, use_bias, init, bias_init, name)
        self.filters = int(filters)

    def make_windows(self, in_shape) -> Windows:
        # the exact layout: one column per real output position (each has its own weights)
        return Windows(in_shape, self.kernel_size, self.stride, self.padding, self.dilation, name=self.name,
                       layout="exact")

    def out_channels(self, in_shape) -> int:
        return self.filters

    def param_shapes(self, in_shape):
        c = image_shape(self, in_shape)[0]
        win = self.make_windows(in_shape)
        positions = win.out_h * win.out_w
        shapes = {"W": (positions, c * win.taps, self.filters)}
        if self.use_bias:
            shapes["b"] = (self.filters, win.out_h, win.out_w)
        return shapes

    def create_params(self, in_shape):
        shapes = self.param_shapes(in_shape)
        fan_in = shapes["W"][1]
        self.add_param("W", get_initializer(self.init)(shapes["W"], fan_in, self.filters, self.rng))
        if self.use_bias:
            bias = get_initializer(self.bias_init)(shapes["b"], fan_in, self.filters, self.rng)
            self.add_param("b", bias, decay=False)

    def forward(self, x):
        win = self.windows
        n = x.shape[0]
        view = win.window_view(win.pad(x))                          # (C, kh, kw, N, OH, OW), no copy
        positions = win.out_h * win.out_w
        self.cols = self.xp.ascontiguousarray(view.transpose(4, 5, 3, 0, 1, 2)).reshape(positions, n, -1)
        y = self.cols @ self.params["W"].data                       # (P, N, F): y_p = cols_p · W_p
        y = y.transpose(1, 2, 0).reshape(n, self.filters, win.out_h, win.out_w)
        if self.use_bias:
            y += self.params["b"].data
        return y

    def backward(self, dy):
        win = self.windows
        n = dy.shape[0]
        positions = win.out_h * win.out_w
        delta = self.xp.ascontiguousarray(dy.reshape(n, self.filters, positions).transpose(2, 0, 1))  # (P, N, F)
        W = self.params["W"].data
        self.params["W"].grad = self.cols.transpose(0, 2, 1) @ delta  # ∂L/∂W_p = cols_pᵀ · δ_p
        if self.use_bias:
            self.params["b"].grad = dy.sum(axis=0)                   # ∂L/∂b_p = Σ_n δ_p
        dcols = delta @ W.transpose(0, 2, 1)                          # (P, N, C·k·k)
        c = win.channels
        dcols6 = dcols.reshape(win.out_h, win.out_w, n, c, win.kh, win.kw).transpose(3, 4, 5, 2, 0, 1)
        return win.col2im(dcols6)

    def config(self):
        return {"filters": self.filters, "kernel_size": self.kernel_size, "stride": self.stride,
                "padding": self.padding, "use_bias": self.use_bias, "init": self.init}
