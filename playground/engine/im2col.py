"""Sliding windows over images: sizes, padding, im2col and col2im.

A convolution slides a ``kh×kw`` window over a padded ``(C, H, W)`` image with
stride ``s`` and dilation ``d`` (gaps between the taps). Along one axis the
output has

    out = ⌊(n + p_before + p_after − ((k − 1)·d + 1)) / s⌋ + 1

positions (the course's ``⌊(n + 2p − f)/s⌋ + 1`` when both sides get ``p`` and
``d = 1``). :class:`Windows` holds this geometry once per layer and does the
two array tricks every convolution layer needs:

* **im2col**: copy every window into a column of a ``(C·kh·kw, P)`` matrix
  (``P`` columns for the whole batch), so the convolution of the whole batch
  is *one* matrix product ``Y = W2 · cols`` with ``W2`` of shape
  ``(filters, C·kh·kw)`` and ``Y`` of shape ``(filters, P)``.
* **col2im**: the way back for the gradient: every column is added onto the
  pixels its window covers (windows overlap, so contributions add up).

Both are vectorized: one strided copy for im2col, and for col2im one array
addition per kernel offset ``(i, j)`` (``kh·kw`` of them, never a loop over
pixels or samples), as in Chainer and DeZero. :meth:`Windows.to_image` and
:meth:`Windows.from_image` turn the ``(filters, P)`` grid into
``(N, filters, OH, OW)`` images and back.

**Stride 1: the batch as one strip.** With stride 1 we lay the batch's
images side by side in one long strip, neighbours sharing their zero border,
and flatten the strip row by row. Shifting the window by ``(i, j)`` is then
shifting that one long row by ``i·width + j``: every kernel offset's columns
are one *contiguous* slice covering the whole batch, which copies and adds
far faster than many short image rows. The price: the product also computes
junk positions (windows that straddle two images or the end of a row).
:meth:`Windows.to_image` drops them, and :meth:`Windows.from_image` puts zeros
there on the way back, so they add nothing to any gradient. Strided windows
use the plain ("exact") layout: one column per sample and output position,
``P = N·OH·OW``.

Padding ``"same"`` follows the TensorFlow convention: the output has
``⌈n / s⌉`` positions (the input size at stride 1), and the padding this needs,
``max((out − 1)·s + k_eff − n, 0)``, is split with the smaller half before
(top/left) and the larger half after (bottom/right).
"""

from __future__ import annotations

from math import isqrt
from typing import Any

from .backend import array_module as _xp
from .layer import Shape, ShapeError

Pads = tuple[int, int, int, int]  # (top, bottom, left, right)


def pair(value: Any, what: str) -> tuple[int, int]:
    """``3 → (3, 3)``; ``(3, 5) → (3, 5)``; checks for positive whole numbers."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{what} must be one number or two (height, width), got {value!r}")
        a, b = value
    else:
        a = b = value
    if int(a) != a or int(b) != b or a < 1 or b < 1:
        raise ValueError(f"{what} must be a whole number ≥ 1 (or two of them), got {value!r}")
    return int(a), int(b)


def check_padding(padding: Any) -> None:
    """Raise ``ValueError`` unless ``padding`` is "valid", "same", p ≥ 0 or (ph, pw)."""
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f'padding must be "valid", "same", a number or (ph, pw), got {padding!r}')
        return
    values = padding if isinstance(padding, (tuple, list)) else (padding,)
    if len(values) not in (1, 2) or any(int(v) != v or v < 0 for v in values):
        raise ValueError(f"padding must be a whole number ≥ 0 or two of them (ph, pw), got {padding!r}")


def same_padding(n: int, k_eff: int, s: int) -> tuple[int, int]:
    """TensorFlow "same": output ⌈n/s⌉; the padding it needs, smaller half first."""
    out = -(-n // s)
    total = max((out - 1) * s + k_eff - n, 0)
    return total // 2, total - total // 2


def resolve_padding(padding: Any, size: tuple[int, int], kernel: tuple[int, int],
                    stride: tuple[int, int], dilation: tuple[int, int] = (1, 1)) -> Pads:
    """Turn ``"valid"``, ``"same"``, ``p`` or ``(ph, pw)`` into ``(top, bottom, left, right)``."""
    check_padding(padding)
    if padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":
        k_eff = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
        top, bottom = same_padding(size[0], k_eff[0], stride[0])
        left, right = same_padding(size[1], k_eff[1], stride[1])
        return top, bottom, left, right
    ph, pw = (padding, padding) if not isinstance(padding, (tuple, list)) else padding
    return int(ph), int(ph), int(pw), int(pw)


def output_length(n: int, k: int, s: int = 1, pad_total: int = 0, d: int = 1) -> int:
    """⌊(n + pad_total − ((k − 1)·d + 1)) / s⌋ + 1 positions along one axis."""
    return (n + pad_total - ((k - 1) * d + 1)) // s + 1


def image_shape(layer: Any, shape: Shape) -> tuple[int, int, int]:
    """Check that a per-sample shape is an image ``(C, H, W)``; say how to fix it if not."""
    if len(shape) != 3:
        side = isqrt(shape[0]) if len(shape) == 1 else 0
        hint = (f"add a Reshape layer (e.g. to (1, {side}, {side}))" if side and side * side == shape[0]
                else "add a Reshape layer to (channels, height, width)")
        raise ShapeError(layer, f"expects an image (channels, height, width) per sample, "
                                f"got {tuple(shape)}: {hint}")
    c, h, w = (int(v) for v in shape)
    return c, h, w


def weight_grad(delta, cols, block: int = 4096):
    """``δ · colsᵀ``: the weight gradient ``(F, K)`` of a product ``y = W · cols``.

    Mathematically one matrix product summed over all ``P`` columns. We
    compute it as ``Σ_blocks (cols_b · δ_bᵀ)ᵀ`` over blocks of ``block``
    columns: the same sum, but both blocks stay in the CPU cache, which made
    OpenBLAS 2–4× faster on the long, thin matrices of a convolution.
    """
    total = cols[:, :block] @ delta[:, :block].T
    for start in range(block, cols.shape[1], block):
        total += cols[:, start:start + block] @ delta[:, start:start + block].T
    return total.T


def _fmt(hw: tuple[int, int]) -> str:
    return f"{hw[0]}×{hw[1]}"


class Windows:
    """The windows a conv or pooling layer slides over ``(C, H, W)`` images.

    Made once per layer from shapes alone (no data), so it also answers shape
    questions: ``out_h``, ``out_w``, ``pads``. ``layout`` chooses the column
    matrices' layout, ``"strip"`` or ``"exact"`` (see the module docstring);
    by default stride 1 uses the strip. Raises :class:`ShapeError` (named after ``name``) when the
    window does not fit in the padded image.
    """

    def __init__(self, in_shape: Shape, kernel: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, name: str = "layer", layout: str | None = None,
                 pads: Pads | None = None):
        self.channels, self.height, self.width = image_shape(name, in_shape)
        self.kh, self.kw = pair(kernel, "kernel size")
        self.sh, self.sw = pair(stride, "stride")
        self.dh, self.dw = pair(dilation, "dilation")
        self.pads = pads if pads is not None else resolve_padding(
            padding, (self.height, self.width), (self.kh, self.kw), (self.sh, self.sw), (self.dh, self.dw))
        top, bottom, left, right = self.pads
        self.padded_h = self.height + top + bottom
        self.padded_w = self.width + left + right
        span = ((self.kh - 1) * self.dh + 1, (self.kw - 1) * self.dw + 1)
        if span[0] > self.padded_h or span[1] > self.padded_w:
            what = f"kernel {_fmt((self.kh, self.kw))}"
            if (self.dh, self.dw) != (1, 1):
                what += f" with dilation {_fmt((self.dh, self.dw))} spans {_fmt(span)} and"
            pad_text = f"{top}" if len(set(self.pads)) == 1 else f"{self.pads} (top, bottom, left, right)"
            raise ShapeError(name, f"{what} is larger than the {_fmt((self.height, self.width))} input "
                                   f"(with padding {pad_text}): use padding or a smaller kernel")
        self.out_h = (self.padded_h - span[0]) // self.sh + 1
        self.out_w = (self.padded_w - span[1]) // self.sw + 1
        self.layout = layout or ("strip" if (self.sh, self.sw) == (1, 1) else "exact")
        if self.layout not in ("strip", "exact"):
            raise ValueError(f'layout must be "strip" or "exact", got {layout!r}')
        if self.layout == "strip" and (self.sh, self.sw) != (1, 1):
            raise ValueError("the strip layout works only with stride 1")
        self.taps = self.kh * self.kw
        # the strip: image n's pixels start at column left + n·slot. A slot holds the image, one
        # shared border and all OW outputs; `extra` spare slots at the end keep the last image's
        # right border (and so its windows) inside the strip
        self.slot = self.width + max(left, right, left + right - span[1] + 1)
        self.extra = -(-max(left + self.width + right - self.slot, 0) // self.slot)
        self._work: dict[str, Any] = {}

    def columns(self, n: int) -> int:
        """``P``: the number of columns of ``cols`` (and of the output grid) for ``n`` samples."""
        if self.layout == "strip":
            return self.out_h * (n + self.extra) * self.slot
        return n * self.out_h * self.out_w

    def batch_size(self, columns: int) -> int:
        """The number of samples ``n`` with ``columns(n) == columns``."""
        if self.layout == "strip":
            return columns // (self.out_h * self.slot) - self.extra
        return columns // (self.out_h * self.out_w)

    def workspace(self, name: str, shape: tuple[int, ...], like, zeros: bool = False):
        """A scratch array kept from step to step (same batch size → same memory).

        Reusing the large column matrices saves allocating (and the operating
        system zero-filling) several megabytes per step. Only for arrays that
        stay inside the layer: its outputs and input gradients are always new.
        ``zeros``: a new array starts as zeros (else its values are undefined).
        """
        buf = self._work.get(name)
        if buf is None or buf.shape != shape or buf.dtype != like.dtype or type(buf) is not type(like):
            buf = (_xp(like).zeros if zeros else _xp(like).empty)(shape, dtype=like.dtype)
            self._work[name] = buf
        return buf

    # -- shapes -------------------------------------------------------------
    @property
    def out_shape(self) -> tuple[int, int]:
        return self.out_h, self.out_w

    @property
    def padded(self) -> bool:
        return any(self.pads)

    def tap(self, i: int, j: int) -> tuple[slice, slice]:
        """Rows and columns of the padded image that kernel offset ``(i, j)`` touches, one per output."""
        r0, c0 = i * self.dh, j * self.dw
        return (slice(r0, r0 + self.sh * (self.out_h - 1) + 1, self.sh),
                slice(c0, c0 + self.sw * (self.out_w - 1) + 1, self.sw))

    # -- padding --------------------------------------------------------------
    def pad(self, x, value: float = 0.0):
        """A C-contiguous ``(N, C, Hp, Wp)`` copy of ``x`` with ``value`` around it (no copy if no padding)."""
        xp = _xp(x)
        if not self.padded:
            return xp.ascontiguousarray(x)
        top, _, left, _ = self.pads
        n, c = x.shape[:2]
        if value == 0:
            out = xp.zeros((n, c, self.padded_h, self.padded_w), dtype=x.dtype)
        else:
            out = xp.full((n, c, self.padded_h, self.padded_w), value, dtype=x.dtype)
        out[:, :, top:top + self.height, left:left + self.width] = x
        return out

    def crop(self, x_pad):
        """The inside of a padded ``(N, C, Hp, Wp)`` array: the inverse of :meth:`pad` (a view)."""
        if not self.padded:
            return x_pad
        top, _, left, _ = self.pads
        return x_pad[:, :, top:top + self.height, left:left + self.width]

    # -- im2col / col2im ------------------------------------------------------
    def window_view(self, x_pad):
        """A no-copy view ``(C, kh, kw, N, OH, OW)`` of all windows of a contiguous padded batch.

        Entry ``[c, i, j, n, oh, ow]`` is pixel ``(oh·s + i·d, ow·s + j·d)`` of
        channel ``c`` of padded image ``n``.
        """
        s_n, s_c, s_h, s_w = x_pad.strides
        n, c = x_pad.shape[:2]
        return _xp(x_pad).lib.stride_tricks.as_strided(
            x_pad, shape=(c, self.kh, self.kw, n, self.out_h, self.out_w),
            strides=(s_c, self.dh * s_h, self.dw * s_w, s_n, self.sh * s_h, self.sw * s_w))

    def im2col(self, x):
        """``(N, C, H, W) → (C·kh·kw, P)``: one column per window (sample and output position).

        Rows are ordered ``(c, i, j)`` like ``W.reshape(filters, C·kh·kw)``, so a
        convolution is ``W2 @ cols``. The columns are kept from step to step.
        """
        n, c = x.shape[:2]
        if self.layout == "strip":  # offset (i, j): the slice [i·d·width + j·d, … + P) of the flat strip
            strip = self._strip(x)
            s_c, s_h, s_w = strip.strides
            view = _xp(x).lib.stride_tricks.as_strided(
                strip, shape=(c, self.kh, self.kw, self.columns(n)),
                strides=(s_c, self.dh * s_h, self.dw * s_w, s_w))
        else:
            view = self.window_view(self.pad(x))
        cols = self.workspace("cols", (c * self.taps, self.columns(n)), x)
        cols.reshape(view.shape)[...] = view  # copy every window into its column
        return cols

    def col2im(self, cols):
        """The adjoint of :meth:`im2col`: add every column back onto the pixels of its window.

        ``cols`` is ``(C·kh·kw, P)`` (or, in the exact layout, any
        ``(C, kh, kw, N, OH, OW)`` view). Returns ``(N, C, H, W)``. One addition
        per kernel offset; overlapping windows add up, as the chain rule wants.
        """
        c = self.channels
        if cols.ndim == 6:  # (C, kh, kw, N, OH, OW), exact layout
            n, blocks = cols.shape[3], cols
        else:
            n, blocks = self.batch_size(cols.shape[1]), cols.reshape(c, self.kh, self.kw, -1)
        acc = self.new_gradient(n, cols)
        for i in range(self.kh):
            for j in range(self.kw):
                self.add_block(acc, i, j, blocks[:, i, j])
        return self.gradient_image(acc, n)

    # -- one kernel offset at a time ----------------------------------------------
    # im2col's rows for kernel offset (i, j) form a (C, P) block: row c is channel c
    # shifted by (i, j). A depthwise convolution needs only these blocks, one at a time.
    def block_source(self, x):
        """What :meth:`block` reads: the flattened strip, or the padded batch (exact layout)."""
        if self.layout == "strip":
            return self._strip(x).reshape(x.shape[1], -1)
        return self.pad(x)

    def block(self, source, i: int, j: int, n: int):
        """The ``(C, P)`` rows of ``im2col(x)`` for kernel offset ``(i, j)`` (a view for the strip)."""
        if self.layout == "strip":
            start = i * self.dh * (n + self.extra) * self.slot + j * self.dw
            return source[:, start:start + self.columns(n)]
        return self.window_view(source)[:, i, j].reshape(source.shape[1], -1)

    def new_gradient(self, n: int, like):
        """A zero accumulator for :meth:`add_block` (a strip, or a padded batch)."""
        xp = _xp(like)
        if self.layout == "strip":
            width = (n + self.extra) * self.slot
            return xp.zeros((self.channels, (self.padded_h + 1) * width), dtype=like.dtype)
        return xp.zeros((n, self.channels, self.padded_h, self.padded_w), dtype=like.dtype)

    def add_block(self, acc, i: int, j: int, block) -> None:
        """Add a ``(C, P)`` block (or exact ``(C, N, OH, OW)``) onto the pixels that offset ``(i, j)`` read."""
        if self.layout == "strip":
            n = acc.shape[1] // ((self.padded_h + 1) * self.slot) - self.extra
            start = i * self.dh * (n + self.extra) * self.slot + j * self.dw
            acc[:, start:start + self.columns(n)] += block
        else:
            rows, columns = self.tap(i, j)
            n = acc.shape[0]
            images = block.reshape(self.channels, n, self.out_h, self.out_w).transpose(1, 0, 2, 3)
            acc[:, :, rows, columns] += images

    def gradient_image(self, acc, n: int):
        """The ``(N, C, H, W)`` input gradient from an accumulator of :meth:`add_block`."""
        if self.layout == "strip":
            strip = acc.reshape(self.channels, self.padded_h + 1, -1)
            return _xp(acc).ascontiguousarray(self._images_in_strip(strip, n))
        return self.crop(acc)

    def _images_in_strip(self, strip, n: int):
        """The ``(N, C, H, W)`` pixels inside a ``(C, Hp + 1, width)`` strip (a view)."""
        top, left = self.pads[0], self.pads[2]
        slots = strip.reshape(strip.shape[0], self.padded_h + 1, n + self.extra, self.slot)
        return slots[:, top:top + self.height, :n, left:left + self.width].transpose(2, 0, 1, 3)

    def _strip(self, x):
        """The batch side by side in a kept ``(C, Hp + 1, width)`` strip with zero borders.

        One spare zero row at the bottom: the windows of the last output row
        read a little past the strip (for junk columns only). The borders are
        zeroed once; each step only overwrites the pixels.
        """
        n, c = x.shape[:2]
        shape = (c, self.padded_h + 1, (n + self.extra) * self.slot)
        strip = self.workspace("strip", shape, x, zeros=True)
        self._images_in_strip(strip, n)[...] = x
        return strip

    # -- output grid <-> image ------------------------------------------------
    def _image_view(self, grid):
        """The ``(F, P)`` grid seen as ``(N, F, OH, OW)`` images, skipping junk columns (no copy)."""
        f, n = grid.shape[0], self.batch_size(grid.shape[1])
        if self.layout == "strip":
            slots = grid.reshape(f, self.out_h, n + self.extra, self.slot)
            return slots[:, :, :n, :self.out_w].transpose(2, 0, 1, 3)
        return grid.reshape(f, n, self.out_h, self.out_w).transpose(1, 0, 2, 3)

    def to_image(self, grid):
        """``(F, P) → (N, F, OH, OW)``: a contiguous copy without the junk columns."""
        return _xp(grid).ascontiguousarray(self._image_view(grid))

    def from_image(self, y):
        """``(N, F, OH, OW) → (F, P)``, the inverse of :meth:`to_image`; junk columns are 0."""
        n, f = y.shape[:2]
        xp = _xp(y)
        grid = (xp.zeros if self.layout == "strip" else xp.empty)((f, self.columns(n)), dtype=y.dtype)
        self._image_view(grid)[...] = y
        return grid

    # -- pooling helpers ------------------------------------------------------
    @property
    def overlapping(self) -> bool:
        """Do neighbouring windows share pixels (stride smaller than the window)?"""
        return (self.sh < (self.kh - 1) * self.dh + 1) or (self.sw < (self.kw - 1) * self.dw + 1)

    def slabs(self, x, fill: float = 0.0):
        """``(N, C, H, W) → (kh·kw, N, C, OH, OW)``: one contiguous slab per kernel offset.

        Slab ``o = i·kw + j`` holds the pixel at offset ``(i, j)`` of every
        window, so reducing a window (max, sum) is an element-wise operation
        over ``kh·kw`` slabs. Padding is filled with ``fill``.
        """
        view = self.window_view(self.pad(x, fill)).transpose(1, 2, 3, 0, 4, 5)  # (kh, kw, N, C, OH, OW)
        n, c = x.shape[:2]
        slabs = self.workspace("slabs", (self.taps, n, c, self.out_h, self.out_w), x)
        slabs.reshape(view.shape)[...] = view
        return slabs

    def unslab(self, slabs, times=None):
        """The adjoint of :meth:`slabs`: put (or add, where windows overlap) each slab back.

        With ``times`` (an ``(N, C, OH, OW)`` array) slab ``o`` is first
        multiplied by it, written straight into place with no temporary.
        """
        xp = _xp(slabs)
        n, c = slabs.shape[1:3]
        dtype = slabs.dtype if times is None else times.dtype
        dx = xp.zeros((n, c, self.padded_h, self.padded_w), dtype=dtype)
        for o in range(self.taps):
            rows, columns = self.tap(*divmod(o, self.kw))
            target = dx[:, :, rows, columns]
            if self.overlapping:
                target += slabs[o] if times is None else slabs[o] * times
            elif times is None:
                target[...] = slabs[o]
            else:
                xp.multiply(slabs[o], times, out=target)
        return self.crop(dx)
