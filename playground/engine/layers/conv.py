"""Convolution layers on NCHW images (per sample ``(C, H, W)``).

A convolution slides ``F`` filters of size ``C×k×k`` over the image; each
filter gives one feature map. The same weights are used at every position
(parameter sharing), so a conv layer has ``(k·k·C + 1)·F`` parameters however
large the image is.

All layers here turn the sliding windows into one matrix product with
:class:`~playground.engine.im2col.Windows`::

    cols = im2col(x)          (C·k·k, P)   one column per window: each sample, each position
    y    = W2 · cols + b      (F, P)       W2 = W.reshape(F, C·k·k)

and the backward pass is the same product read the other way::

    ∂L/∂W2   = δ · colsᵀ                  (δ = ∂L/∂y on the same grid, (F, P))
    ∂L/∂b    = Σ over the columns of δ
    ∂L/∂cols = W2ᵀ · δ,   ∂L/∂x = col2im(∂L/∂cols)

One product for the whole batch: the sum over samples in ``∂L/∂W2`` is part
of the matrix product.

Sizes: ``⌊(n + 2p − ((k − 1)·d + 1))/s⌋ + 1`` per axis. ``padding="same"``
follows TensorFlow: the output is ``⌈n/s⌉`` (the input size at stride 1) and
odd total padding puts the extra row/column at the bottom/right.
"""

from __future__ import annotations

from typing import Any

from ..im2col import Windows, check_padding, image_shape, pair, resolve_padding, weight_grad
from ..initializers import get_initializer
from ..layer import Layer, ShapeError


class _Conv(Layer):
    """Shared bookkeeping: kernel, stride, padding, dilation and the window geometry."""

    def __init__(self, kernel_size, stride, padding, dilation, use_bias, init, bias_init, name):
        super().__init__(name)
        self.kernel_size = pair(kernel_size, "kernel size")
        self.stride = pair(stride, "stride")
        self.dilation = pair(dilation, "dilation")
        check_padding(padding)
        self.padding = tuple(padding) if isinstance(padding, list) else padding
        self.use_bias = bool(use_bias)
        self.init = init
        self.bias_init = bias_init
        self.windows: Windows | None = None

    def make_windows(self, in_shape) -> Windows:
        return Windows(in_shape, self.kernel_size, self.stride, self.padding, self.dilation, name=self.name)

    def build(self, input_shapes, xp, dtype, rng):
        self.windows = self.make_windows(input_shapes[0])
        return super().build(input_shapes, xp, dtype, rng)

    def output_shape(self, in_shape):
        win = self.make_windows(in_shape)
        return (self.out_channels(in_shape), win.out_h, win.out_w)

    def out_channels(self, in_shape) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def _weights(self, key: str, shape, fan_in: int, fan_out: int) -> None:
        self.add_param(key, get_initializer(self.init)(shape, fan_in, fan_out, self.rng))

    def _bias(self, units: int, fan_in: int) -> None:
        if self.use_bias:
            bias = get_initializer(self.bias_init)((units,), fan_in, units, self.rng)
            self.add_param("b", bias, decay=False)

    def _bias_grad(self, delta) -> None:
        """∂L/∂b_f = Σ over samples and positions of δ_f: a row sum of the ``(F, P)`` grid."""
        if self.use_bias:
            self.params["b"].grad = delta.sum(axis=1)

    def config(self) -> dict[str, Any]:
        return {"kernel_size": self.kernel_size, "stride": self.stride, "padding": self.padding,
                "dilation": self.dilation, "use_bias": self.use_bias, "init": self.init}


class Conv2D(_Conv):
    """``filters`` feature maps from ``filters`` learned ``C×kh×kw`` filters.

    ``W`` has shape ``(filters, C, kh, kw)`` and ``b`` shape ``(filters,)``.
    Initialized He-uniform with ``fan_in = C·kh·kw`` (suits ReLU). A 1×1
    convolution (``kernel_size=1``) mixes channels at every pixel, e.g.
    64 → 16 channels with ``(1·1·64 + 1)·16 = 1040`` parameters.
    """

    kind = "conv2d"

    def __init__(self, filters: int, kernel_size=3, stride=1, padding: Any = "valid", dilation=1,
                 use_bias: bool = True, init="he_uniform", bias_init="zeros", name: str | None = None):
        super().__init__(kernel_size, stride, padding, dilation, use_bias, init, bias_init, name)
        if int(filters) != filters or filters < 1:
            raise ValueError(f"Conv2D needs at least 1 filter, got {filters!r}")
        self.filters = int(filters)

    def out_channels(self, in_shape):
        return self.filters

    def param_shapes(self, in_shape):
        c = image_shape(self, in_shape)[0]
        shapes = {"W": (self.filters, c, *self.kernel_size)}
        if self.use_bias:
            shapes["b"] = (self.filters,)
        return shapes

    def create_params(self, in_shape):
        c = in_shape[0]
        kk = self.kernel_size[0] * self.kernel_size[1]
        self._weights("W", (self.filters, c, *self.kernel_size), c * kk, self.filters * kk)
        self._bias(self.filters, c * kk)

    def forward(self, x):
        self.cols = self.windows.im2col(x)                       # (C·k·k, P)
        W = self.params["W"].data.reshape(self.filters, -1)      # (F, C·k·k)
        y = W @ self.cols                                        # (F, P): each filter · each window
        if self.use_bias:
            y += self.params["b"].data[:, None]
        return self.windows.to_image(y)                          # (N, F, OH, OW)

    def backward(self, dy):
        delta = self.windows.from_image(dy)                      # (F, P)
        W = self.params["W"].data.reshape(self.filters, -1)
        self.params["W"].grad = weight_grad(delta, self.cols).reshape(self.params["W"].data.shape)  # δ·colsᵀ
        self._bias_grad(delta)
        if not self.input_grad_needed:  # first layer: skip the costly col2im
            return None
        dcols = self.windows.workspace("dcols", self.cols.shape, delta)
        return self.windows.col2im(self.xp.matmul(W.T, delta, out=dcols))  # ∂L/∂x = col2im(W2ᵀ · δ)

    def config(self):
        return {"filters": self.filters, **super().config()}


class DepthwiseConv2D(_Conv):
    """One (or ``depth_multiplier``) filter(s) per input channel; channels are not mixed.

    Output channel ``c·m + j`` is input channel ``c`` convolved with its own
    ``j``-th filter (the order of PyTorch's ``groups=C``). ``W`` has shape
    ``(C, m, kh, kw)``, so ``(kh·kw + 1)·C·m`` parameters; ``fan_in = kh·kw``.
    """

    kind = "depthwise_conv2d"

    def __init__(self, kernel_size=3, depth_multiplier: int = 1, stride=1, padding: Any = "valid",
                 dilation=1, use_bias: bool = True, init="he_uniform", bias_init="zeros",
                 name: str | None = None):
        super().__init__(kernel_size, stride, padding, dilation, use_bias, init, bias_init, name)
        if int(depth_multiplier) != depth_multiplier or depth_multiplier < 1:
            raise ValueError(f"depth_multiplier must be a whole number ≥ 1, got {depth_multiplier!r}")
        self.depth_multiplier = int(depth_multiplier)

    def out_channels(self, in_shape):
        return image_shape(self, in_shape)[0] * self.depth_multiplier

    def _depthwise_shape(self, in_shape):
        return (image_shape(self, in_shape)[0], self.depth_multiplier, *self.kernel_size)

    def param_shapes(self, in_shape):
        shapes = {"W": self._depthwise_shape(in_shape)}
        if self.use_bias:
            shapes["b"] = (self.out_channels(in_shape),)
        return shapes

    def create_params(self, in_shape):
        kk = self.kernel_size[0] * self.kernel_size[1]
        self._weights("W", self._depthwise_shape(in_shape), kk, self.depth_multiplier * kk)
        self._bias(self.out_channels(in_shape), kk)

    # the depthwise product, shared with SeparableConv2D
    def _depthwise(self, x, W):
        """``(N, C, H, W) → (C·m, P)``: ``y_{c,j} = Σ_(a,b) W[c, j, a, b] · (channel c shifted by (a, b))``.

        Each channel meets only its own filters, so instead of one big im2col
        matrix we add up the ``kh·kw`` shifted copies of the channels (each a
        ``(C, P)`` block of im2col), weighted per channel.
        """
        win, m = self.windows, self.depth_multiplier
        n, c = x.shape[:2]
        self.source = win.block_source(x)
        W3 = W.reshape(c, m, win.taps)
        y = self.xp.zeros((c, m, win.columns(n)), dtype=x.dtype)
        for t in range(win.taps):
            shifted = win.block(self.source, *divmod(t, win.kw), n)        # (C, P)
            y += W3[:, :, t, None] * shifted[:, None, :]
        return y.reshape(c * m, -1)

    def _depthwise_backward(self, delta, W):
        """From ``δ`` on the depthwise output grid ``(C·m, P)``: ``(∂L/∂W, ∂L/∂x)``."""
        win, m, xp = self.windows, self.depth_multiplier, self.xp
        c = self.windows.channels
        n = win.batch_size(delta.shape[1])
        delta = delta.reshape(c, m, -1)                                   # (C, m, P)
        W3 = W.reshape(c, m, win.taps)
        dW = xp.empty(W3.shape, dtype=delta.dtype)
        acc = win.new_gradient(n, delta)
        for t in range(win.taps):
            i, j = divmod(t, win.kw)
            shifted = win.block(self.source, i, j, n)
            dW[:, :, t] = (delta @ shifted[:, :, None])[:, :, 0]          # Σ_p δ · shifted input
            win.add_block(acc, i, j, xp.einsum("cj,cjp->cp", W3[:, :, t], delta))  # W · δ, shifted back
        return dW.reshape(W.shape), win.gradient_image(acc, n)

    def forward(self, x):
        y = self._depthwise(x, self.params["W"].data)
        if self.use_bias:
            y += self.params["b"].data[:, None]
        return self.windows.to_image(y)

    def backward(self, dy):
        delta = self.windows.from_image(dy)
        self.params["W"].grad, dx = self._depthwise_backward(delta, self.params["W"].data)
        self._bias_grad(delta)
        return dx

    def config(self):
        return {"depth_multiplier": self.depth_multiplier, **super().config()}


class SeparableConv2D(DepthwiseConv2D):
    """Depthwise convolution, then a 1×1 convolution mixing the channels (MobileNet).

    One layer with two weights: ``depthwise`` ``(C, m, kh, kw)`` and
    ``pointwise`` ``(filters, C·m)``, plus ``b`` ``(filters,)`` after the
    pointwise step. Parameters ``kh·kw·C·m + C·m·filters + filters``, far fewer
    than Conv2D's ``(kh·kw·C + 1)·filters``.
    """

    kind = "separable_conv2d"

    def __init__(self, filters: int, kernel_size=3, stride=1, padding: Any = "valid", dilation=1,
                 depth_multiplier: int = 1, use_bias: bool = True, init="he_uniform", bias_init="zeros",
                 name: str | None = None):
        super().__init__(kernel_size, depth_multiplier, stride, padding, dilation, use_bias, init,
                         bias_init, name)
        if int(filters) != filters or filters < 1:
            raise ValueError(f"SeparableConv2D needs at least 1 filter, got {filters!r}")
        self.filters = int(filters)

    def out_channels(self, in_shape):
        return self.filters

    def param_shapes(self, in_shape):
        mid = image_shape(self, in_shape)[0] * self.depth_multiplier
        shapes = {"depthwise": self._depthwise_shape(in_shape), "pointwise": (self.filters, mid)}
        if self.use_bias:
            shapes["b"] = (self.filters,)
        return shapes

    def create_params(self, in_shape):
        kk = self.kernel_size[0] * self.kernel_size[1]
        mid = in_shape[0] * self.depth_multiplier
        self._weights("depthwise", self._depthwise_shape(in_shape), kk, self.depth_multiplier * kk)
        self._weights("pointwise", (self.filters, mid), mid, self.filters)
        self._bias(self.filters, mid)

    def forward(self, x):
        self.z = self._depthwise(x, self.params["depthwise"].data)  # (C·m, P) depthwise maps
        y = self.params["pointwise"].data @ self.z                  # (F, P): 1×1 conv = matrix product
        if self.use_bias:
            y += self.params["b"].data[:, None]
        return self.windows.to_image(y)

    def backward(self, dy):
        delta = self.windows.from_image(dy)                         # (F, P)
        Wp = self.params["pointwise"].data
        self.params["pointwise"].grad = weight_grad(delta, self.z)  # δ · zᵀ
        self._bias_grad(delta)
        dz = Wp.T @ delta                                           # back through the 1×1 step
        self.params["depthwise"].grad, dx = self._depthwise_backward(dz, self.params["depthwise"].data)
        return dx

    def config(self):
        return {"filters": self.filters, **super().config()}


class Conv2DTranspose(_Conv):
    """A "deconvolution": the gradient of a convolution, used to upsample in decoders.

    Each input pixel stamps a weighted ``F×kh×kw`` copy of the filters onto
    the output, ``s`` pixels apart; overlapping stamps add up. Output size per
    axis ``(n − 1)·s − 2p + k``; the padding ``p`` is cropped from each side.
    ``padding="same"`` crops ``k − s`` in total so the output is ``n·s``.

    ``W`` has shape ``(C_in, filters, kh, kw)`` (PyTorch's layout). It runs the
    convolution machinery backwards: forward is a conv's input-gradient
    (``col2im(W2ᵀ · x)``), backward is a conv's forward (``W2 · im2col(δ)``).
    Initialized He-uniform with ``fan_in = C_in·kh·kw/(sh·sw)``, the number of
    inputs that reach one output pixel on average.
    """

    kind = "conv2d_transpose"

    def __init__(self, filters: int, kernel_size=3, stride=1, padding: Any = 0, use_bias: bool = True,
                 init="he_uniform", bias_init="zeros", name: str | None = None):
        super().__init__(kernel_size, stride, padding, 1, use_bias, init, bias_init, name)
        if int(filters) != filters or filters < 1:
            raise ValueError(f"Conv2DTranspose needs at least 1 filter, got {filters!r}")
        self.filters = int(filters)

    def _pads(self) -> tuple[int, int, int, int]:
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        if self.padding == "same":
            if kh < sh or kw < sw:
                raise ShapeError(self, f'padding "same" needs a kernel at least as large as the stride '
                                       f"(kernel {kh}×{kw}, stride {sh}×{sw}): use a larger kernel")
            return (kh - sh) // 2, kh - sh - (kh - sh) // 2, (kw - sw) // 2, kw - sw - (kw - sw) // 2
        return resolve_padding(self.padding, (1, 1), self.kernel_size, self.stride)

    def output_size(self, in_shape) -> tuple[int, int]:
        """``(n − 1)·s − p_before − p_after + k`` per axis."""
        _, h, w = image_shape(self, in_shape)
        top, bottom, left, right = self._pads()
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        return (h - 1) * sh - top - bottom + kh, (w - 1) * sw - left - right + kw

    def make_windows(self, in_shape) -> Windows:
        """The geometry of the convolution this layer is the transpose of (output → input)."""
        out_h, out_w = self.output_size(in_shape)
        if out_h < 1 or out_w < 1:
            raise ShapeError(self, f"padding {self.padding} crops away the whole "
                                   f"{(in_shape[1] - 1) * self.stride[0] + self.kernel_size[0]}-pixel output: "
                                   "use less padding")
        return Windows((self.filters, out_h, out_w), self.kernel_size, self.stride, name=self.name,
                       pads=self._pads())

    def output_shape(self, in_shape):
        self.make_windows(in_shape)  # raises ShapeError when the sizes do not work out
        return (self.filters, *self.output_size(in_shape))

    def out_channels(self, in_shape):
        return self.filters

    def param_shapes(self, in_shape):
        c = image_shape(self, in_shape)[0]
        shapes = {"W": (c, self.filters, *self.kernel_size)}
        if self.use_bias:
            shapes["b"] = (self.filters,)
        return shapes

    def create_params(self, in_shape):
        c = in_shape[0]
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        fan_in = max(1, round(c * kh * kw / (sh * sw)))
        self._weights("W", (c, self.filters, kh, kw), fan_in, self.filters * kh * kw)
        self._bias(self.filters, fan_in)

    def forward(self, x):
        self.x_grid = self.windows.from_image(x)                 # (C_in, P)
        W = self.params["W"].data.reshape(x.shape[1], -1)        # (C_in, F·k·k)
        y = self.windows.col2im(W.T @ self.x_grid)               # stamp the filters, add overlaps
        if self.use_bias:
            y += self.params["b"].data[:, None, None]
        return y                                                 # (N, F, H_out, W_out)

    def backward(self, dy):
        cols = self.windows.im2col(dy)                           # (F·k·k, P)
        W = self.params["W"].data.reshape(self.x_grid.shape[0], -1)
        self.params["W"].grad = weight_grad(self.x_grid, cols).reshape(self.params["W"].data.shape)  # x·colsᵀ
        if self.use_bias:                                        # Σ of δ over samples and pixels
            self.params["b"].grad = dy.sum(axis=0).reshape(self.filters, -1).sum(axis=1)
        return self.windows.to_image(W @ cols)                   # a plain convolution of δ

    def config(self):
        return {"filters": self.filters, "kernel_size": self.kernel_size, "stride": self.stride,
                "padding": self.padding, "use_bias": self.use_bias, "init": self.init}
