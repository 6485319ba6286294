"""A ready-made slide: the network and one or two plots under a title, and training animations.

``compose_slide(title, network, [boundary_plot, loss_plot])`` returns a
1920×1080 ``QImage`` (or any size, e.g. :func:`slide_size` ``(10, 5.625, dpi=300)``)
on a white background: a title band, the network diagram on the left and the
plots stacked on the right, each in a thin frame with a caption. Every size
(margins, fonts, frame) is a fraction of the slide height, so a 300-dpi print
looks like the 1080p projector version.

Widgets are grabbed with :func:`playground.ui.export.grab_image` at the scale
that fills their place on the slide, so text and lines are drawn sharp at that
size rather than stretched pixels; ready ``QImage`` pieces are scaled smoothly.

Animations: :class:`FrameRecorder` captures a widget each epoch, and the frames
are saved as an **animated GIF** (:func:`gif_bytes` / :func:`save_gif`, written
with Pillow: plays everywhere, PowerPoint and Keynote included) or as an
**animated PNG** (:func:`apng_bytes` / :func:`save_apng`: full colour, plays in
web browsers; a viewer that does not know APNG shows the first frame). APNG is
PNG plus three chunk types (``acTL`` frame count, ``fcTL`` frame size and delay,
``fdAT`` = ``IDAT`` with a sequence number), so we let Qt encode each frame
as a PNG and only re-pack its chunks. A GIF holds 256 colours: every frame is
mapped onto one palette made from a few frames, so colours do not flicker and
pixels that stay the same (axes, labels) cost nothing in later frames.
"""

from __future__ import annotations

import io
import math
import struct
import zlib
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import is_dataclass, replace
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PIL import Image
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from .export import Background, _background_colour, grab_image, image_to_png

SLIDE_SIZE = (1920, 1080)  # 16:9 full HD
INCH_PER_METRE = 39.37007874

# proportions of the slide height
MARGIN = 0.035
TITLE_FONT = 0.055
SUBTITLE_FONT = 0.030
CAPTION_FONT = 0.026
GAP = 0.025
FRAME_COLOUR = "#c8ccd0"
WIDE_NETWORK = 2.5  # a network wider than this (width / height) goes on top, full width
TEXT_COLOUR = "#202428"
MUTED_COLOUR = "#5a6068"

Piece = QWidget | QImage


def slide_size(width_in: float, height_in: float, dpi: float = 300) -> tuple[int, int]:
    """Pixels of a ``width_in × height_in`` inch picture at ``dpi`` (a 10 × 5.625 in slide → 3000 × 1688)."""
    return round(width_in * dpi), round(height_in * dpi)


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(6, round(px)))
    font.setBold(bold)
    return font


def _fit(image_w: float, image_h: float, box: QRect) -> QRect:
    """The largest rectangle of the image's aspect ratio centred in ``box``."""
    scale = min(box.width() / max(image_w, 1), box.height() / max(image_h, 1))
    w, h = round(image_w * scale), round(image_h * scale)
    return QRect(box.x() + (box.width() - w) // 2, box.y() + (box.height() - h) // 2, w, h)


def render_piece(piece: Piece, box: QRect, background: Background = "white") -> QImage:
    """``piece`` as an image that fits ``box`` (device pixels, aspect ratio kept).

    A widget is redrawn at the needed scale (sharp text); an image is resampled.
    """
    if isinstance(piece, QGraphicsView) and not isinstance(piece, pg.GraphicsView):
        return render_scene(piece.scene(), box, background)
    if isinstance(piece, QWidget):
        size = piece.size()
        target = _fit(size.width(), size.height(), box)
        image = grab_image(piece, target.width() / max(size.width(), 1), background)
    else:
        target = _fit(piece.width(), piece.height(), box)
        image = piece.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    image = image.copy()
    image.setDevicePixelRatio(1.0)  # draw it pixel for pixel
    return image


def render_scene(scene: QGraphicsScene, box: QRect, background: Background = "white",
                 max_zoom: float = 2.5, margin: float = 20.0) -> QImage:
    """All items of a graphics scene (the network canvas) drawn to fit ``box``.

    Renders the scene itself, not the view: no scroll bars, no empty canvas
    around the network, and vector-sharp at any size. ``max_zoom`` keeps a
    two-node network from being blown up to poster size.
    """
    source = visible_bounds(scene).adjusted(-margin, -margin, margin, margin)
    scale = min(box.width() / max(source.width(), 1), box.height() / max(source.height(), 1), max_zoom)
    image = QImage(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    colour = _background_colour(background)
    image.fill(colour if colour is not None else QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    saved = scene.backgroundBrush(), getattr(scene, "style", None)
    scene.setBackgroundBrush(QBrush(Qt.BrushStyle.NoBrush))  # the slide's background shows through
    if is_dataclass(saved[1]) and hasattr(saved[1], "background"):
        # the canvas scene paints its own theme colour and dot grid: make both invisible
        clear = QColor(0, 0, 0, 0)
        scene.style = replace(saved[1], background=clear, **({"grid": clear} if hasattr(saved[1], "grid") else {}))
    try:
        scene.render(painter, QRectF(image.rect()), source)
    finally:
        scene.setBackgroundBrush(saved[0])
        if saved[1] is not None:
            scene.style = saved[1]
        painter.end()
    return image


def visible_bounds(scene: QGraphicsScene) -> QRectF:
    """What the scene shows (Qt's itemsBoundingRect counts hidden items too, e.g. the heatmap popup)."""
    rect = QRectF()
    for item in scene.items():
        if item.isVisible():
            rect = rect.united(item.sceneBoundingRect())
    return rect


def scene_image(scene: QGraphicsScene, scale: float = 2.0, background: Background = "white",
                margin: float = 20.0) -> QImage:
    """The scene's items alone (the network without the empty canvas around it) at ``scale`` ×."""
    source = visible_bounds(scene).adjusted(-margin, -margin, margin, margin)
    box = QRect(0, 0, math.ceil(source.width() * scale), math.ceil(source.height() * scale))
    return render_scene(scene, box, background, max_zoom=scale, margin=margin)


def _draw_panel(painter: QPainter, piece: Piece, rect: QRect, caption: str, unit: float,
                background: Background) -> None:
    """A thin frame with an optional caption above the piece."""
    pad = round(0.6 * GAP * unit)
    inner = rect.adjusted(pad, pad, -pad, -pad)
    if caption:
        painter.setFont(_font(CAPTION_FONT * unit, bold=True))
        painter.setPen(QColor(MUTED_COLOUR))
        line = round(CAPTION_FONT * unit * 1.5)
        painter.drawText(QRect(inner.x(), inner.y(), inner.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, caption)
        inner = inner.adjusted(0, line, 0, 0)
    image = render_piece(piece, inner, background)
    painter.drawImage(_fit(image.width(), image.height(), inner).topLeft(), image)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(FRAME_COLOUR), max(1.0, 0.002 * unit)))
    radius = 0.008 * unit
    painter.drawRoundedRect(QRectF(rect), radius, radius)


def compose_slide(title: str, network: Piece | None, plots: list[Piece] = (), *,
                  captions: list[str] | None = None, subtitle: str = "",
                  size: tuple[int, int] = SLIDE_SIZE, dpi: float | None = None,
                  background: Background = "white") -> QImage:
    """The slide as a ``QImage`` of ``size`` pixels.

    ``network`` (the canvas, or its image) takes the left ~55 %; ``plots``
    (one or two: decision boundary or feature maps, loss curve) are stacked on
    the right. A long, flat network goes on top instead, plots side by side below. ``captions`` label network then plots (default: "Network",
    then nothing). ``dpi`` is only stored in the image (PNG ``pHYs``) so
    documents place it at the right physical size; pick ``size`` with
    :func:`slide_size`. ``background`` as in :mod:`playground.ui.export`.
    """
    plots = list(plots)
    if network is None and not plots:
        raise ValueError("A slide needs at least the network or one plot.")
    if len(plots) > 2:
        raise ValueError(f"A slide holds at most two plots beside the network (got {len(plots)}); "
                         "make a second slide for the others.")
    width, height = size
    unit = float(height)
    colour = _background_colour(background)
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(colour if colour is not None else QColor("white"))
    if dpi:
        image.setDotsPerMeterX(round(dpi * INCH_PER_METRE))
        image.setDotsPerMeterY(round(dpi * INCH_PER_METRE))
    pieces = ([network] if network is not None else []) + plots
    names = list(captions) if captions is not None else (["Network"] if network is not None else [])
    names += [""] * (len(pieces) - len(names))

    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    try:
        top = _draw_title(painter, title, subtitle, width, unit)
        margin, gap = round(MARGIN * unit), round(GAP * unit)
        content = QRect(margin, top, width - 2 * margin, height - top - margin)
        wide = network is not None and _aspect(network) > WIDE_NETWORK
        rects = _layout(content, network is not None, len(plots), gap, wide)
        for piece, rect, caption in zip(pieces, rects, names):
            _draw_panel(painter, piece, rect, caption, unit, background)
    finally:
        painter.end()
    return image


def _draw_title(painter: QPainter, title: str, subtitle: str, width: int, unit: float) -> int:
    """Title (and subtitle) at the top; returns the y where the content starts."""
    margin = round(MARGIN * unit)
    y = margin
    painter.setPen(QColor(TEXT_COLOUR))
    painter.setFont(_font(TITLE_FONT * unit, bold=True))
    line = round(TITLE_FONT * unit * 1.35)
    painter.drawText(QRect(margin, y, width - 2 * margin, line), Qt.AlignmentFlag.AlignLeft
                     | Qt.AlignmentFlag.AlignVCenter, title)
    y += line
    if subtitle:
        painter.setPen(QColor(MUTED_COLOUR))
        painter.setFont(_font(SUBTITLE_FONT * unit))
        line = round(SUBTITLE_FONT * unit * 1.5)
        painter.drawText(QRect(margin, y, width - 2 * margin, line), Qt.AlignmentFlag.AlignLeft
                         | Qt.AlignmentFlag.AlignVCenter, subtitle)
        y += line
    return y + round(GAP * unit)


def _aspect(piece: Piece) -> float:
    """Width / height of what will be drawn (the network's items for a canvas view)."""
    if isinstance(piece, QGraphicsView) and not isinstance(piece, pg.GraphicsView):
        rect = visible_bounds(piece.scene())
        return rect.width() / max(rect.height(), 1.0)
    size = piece.size()
    return size.width() / max(size.height(), 1)


def _layout(content: QRect, has_network: bool, n_plots: int, gap: int, wide: bool = False) -> list[QRect]:
    """Rectangles: network left (55 %), plots stacked in the right column.

    A ``wide`` network (a long chain of layers) gets the top 40 % over the full
    width instead, with the plots side by side below it, so its labels stay big.
    """
    if not has_network:
        return _split(content, n_plots, gap, vertical=False)
    if n_plots == 0:
        return [content]
    if wide:
        top_h = round((content.height() - gap) * 0.4)
        top = QRect(content.x(), content.y(), content.width(), top_h)
        below = QRect(content.x(), top.bottom() + 1 + gap, content.width(), content.height() - top_h - gap)
        return [top] + _split(below, n_plots, gap, vertical=False)
    left_w = round((content.width() - gap) * 0.55)
    left = QRect(content.x(), content.y(), left_w, content.height())
    right = QRect(left.right() + 1 + gap, content.y(), content.width() - left_w - gap, content.height())
    return [left] + _split(right, n_plots, gap, vertical=True)


def _split(box: QRect, n: int, gap: int, vertical: bool) -> list[QRect]:
    """``n`` equal boxes side by side (or stacked) with ``gap`` between them."""
    if vertical:
        h = (box.height() - gap * (n - 1)) // n
        return [QRect(box.x(), box.y() + i * (h + gap), box.width(), h) for i in range(n)]
    w = (box.width() - gap * (n - 1)) // n
    return [QRect(box.x() + i * (w + gap), box.y(), w, box.height()) for i in range(n)]


# --- animation: frames over epochs → animated PNG --------------------------------------
_ENCODER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playground-frames")


class _Frames(Sequence):
    """PNG-encoded frames (being encoded on a worker thread) that read as ``QImage``s; counting
    them decodes nothing."""

    def __init__(self, encoded: list[Future]):
        self._encoded = encoded

    def __len__(self) -> int:
        return len(self._encoded)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [QImage.fromData(f.result(), "PNG") for f in self._encoded[index]]
        return QImage.fromData(self._encoded[index].result(), "PNG")

    def __add__(self, other) -> list:
        return list(self) + list(other)


class FrameRecorder:
    """Captures ``widget`` as a frame each time :meth:`capture` is called (e.g. every epoch).

    Keeps at most ``max_frames`` (the oldest are thinned out: every second one
    is dropped) so a long run stays a small file. Frames are kept PNG-compressed: 120
    raw frames of the plots dock held ~300 MB (the window grew from 333 to 674 MB in the
    first minutes of a run); plots compress some 30-fold.
    """

    def __init__(self, widget: QWidget, scale: float = 1.0, background: Background = "white",
                 max_frames: int = 120):
        self.widget, self.scale, self.background, self.max_frames = widget, scale, background, max_frames
        self._encoded: list[Future] = []  # PNG bytes, encoded off the GUI thread (Qt releases the GIL)

    def __len__(self) -> int:
        return len(self._encoded)

    @property
    def frames(self) -> "_Frames":
        """The frames, each decoded when it is read (for writing the animation)."""
        return _Frames(list(self._encoded))

    def capture(self) -> QImage:
        from .export import image_to_png

        frame = grab_image(self.widget, self.scale, self.background)
        self._encoded.append(_ENCODER.submit(image_to_png, frame.copy(), True))
        if len(self._encoded) > self.max_frames:
            self._encoded = self._encoded[::2]
        return frame


def _chunks(png: bytes):
    """``(type, data)`` of each chunk of a PNG file."""
    pos = 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind = png[pos + 4:pos + 8]
        yield kind, png[pos + 8:pos + 8 + length]
        pos += 12 + length


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _check_frames(frames: list[QImage]) -> None:
    if not frames:
        raise ValueError("No frames to animate: capture at least one.")
    size = frames[0].size()
    if any(f.size() != size for f in frames):
        raise ValueError("All frames of an animation must have the same size; "
                         "capture the same widget without resizing it.")


def apng_bytes(frames: list[QImage], delay_ms: int = 200, loops: int = 0) -> bytes:
    """Frames (all the same size) → an animated PNG; ``loops=0`` repeats forever."""
    _check_frames(frames)
    out = [PNG_SIGNATURE]
    seq = 0
    header = None
    for i, frame in enumerate(frames):
        png = image_to_png(frame.convertToFormat(QImage.Format.Format_ARGB32))  # same colour type every frame
        chunks = list(_chunks(png))
        ihdr = next(d for k, d in chunks if k == b"IHDR")
        if header is None:
            header = ihdr
            out += [_chunk(b"IHDR", ihdr), _chunk(b"acTL", struct.pack(">II", len(frames), loops))]
        elif ihdr != header:
            raise RuntimeError("Qt encoded the frames with different PNG headers; cannot animate them.")
        w, h = struct.unpack(">II", ihdr[:8])
        # fcTL: sequence, width, height, x, y, delay = num/den seconds, dispose none, blend source
        out.append(_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, w, h, 0, 0, delay_ms, 1000, 0, 0)))
        seq += 1
        for kind, data in chunks:
            if kind != b"IDAT":
                continue
            if i == 0:
                out.append(_chunk(b"IDAT", data))  # the first frame doubles as the still image
            else:
                out.append(_chunk(b"fdAT", struct.pack(">I", seq) + data))
                seq += 1
    out.append(_chunk(b"IEND", b""))
    return b"".join(out)


def save_apng(frames: list[QImage], path: str | Path, delay_ms: int = 200, loops: int = 0) -> bytes:
    """Write the frames to ``path`` (use the ``.png`` or ``.apng`` extension) and return the bytes."""
    data = apng_bytes(frames, delay_ms, loops)
    Path(path).write_bytes(data)
    return data


def apng_frames(data: bytes) -> list[QImage]:
    """Decode an animated PNG written by :func:`apng_bytes` back into its frames (for tests)."""
    chunks = list(_chunks(data))
    ihdr = next(d for k, d in chunks if k == b"IHDR")
    frames, current = [], None
    for kind, chunk in chunks:
        if kind == b"fcTL":
            if current is not None:
                frames.append(current)
            current = []
        elif kind == b"IDAT" and current is not None:
            current.append(chunk)
        elif kind == b"fdAT":
            current.append(chunk[4:])
    if current is not None:
        frames.append(current)
    images = []
    for parts in frames:
        png = PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + b"".join(_chunk(b"IDAT", p) for p in parts) \
            + _chunk(b"IEND", b"")
        images.append(QImage.fromData(png, "PNG"))
    return images



# --- animation as GIF (Pillow) ---------------------------------------------------------
GIF_DELAY_MS = 200  # 5 frames a second: an epoch is readable, 120 frames play in 24 s
GIF_HOLD_MS = 2000  # the last frame (the trained state) stays a while before the loop restarts
GIF_MAX_WIDTH = SLIDE_SIZE[0]  # wider frames are scaled down to the slide's width
GIF_COLOURS = 255  # one of the 256 palette entries stays free to mark unchanged pixels
PALETTE_SAMPLES = 4  # frames the shared palette is made from (first, …, last)


def qimage_to_pil(image: QImage, background: str | QColor = "white"):
    """A ``QImage`` (any format, premultiplied alpha included) → an RGB Pillow image.

    GIF has no partial transparency, so the image is drawn over ``background``
    first: half-transparent pixels (antialiased edges on a transparent export)
    blend into it instead of turning dark. Pixel for pixel, whatever the
    image's device-pixel ratio.
    """
    colour = _background_colour(background)
    flat = QImage(image.width(), image.height(), QImage.Format.Format_RGB888)
    flat.fill(colour if colour is not None and colour.alpha() else QColor("white"))
    painter = QPainter(flat)
    try:
        painter.drawImage(QRectF(flat.rect()), image, QRectF(image.rect()))
    finally:
        painter.end()
    return Image.frombytes("RGB", (flat.width(), flat.height()), bytes(flat.constBits()), "raw", "RGB",
                           flat.bytesPerLine())


def _frames_for_gif(frames: list[QImage], max_width: int, background) -> list:
    """The frames as RGB Pillow images, no wider than ``max_width`` (smoothly scaled down)."""
    _check_frames(frames)
    width, height = frames[0].width(), frames[0].height()
    size = (max_width, max(1, round(height * max_width / width))) if width > max_width else None
    out = []
    for frame in frames:
        picture = qimage_to_pil(frame, background)
        out.append(picture.resize(size, Image.Resampling.LANCZOS) if size else picture)
    return out


def _shared_palette(pictures: list) -> np.ndarray:
    """One adaptive palette (``GIF_COLOURS`` × RGB) from a few frames spread over the run.

    Median cut picks the groups of similar colours; each group is then drawn
    in its commonest real colour rather than the group's average, so a white
    background stays pure white and a curve keeps its exact colour.
    """
    picks = sorted({round(i * (len(pictures) - 1) / max(PALETTE_SAMPLES - 1, 1)) for i in range(PALETTE_SAMPLES)})
    width, height = pictures[0].size
    strip = Image.new("RGB", (width, height * len(picks)))
    for row, index in enumerate(picks):
        strip.paste(pictures[index], (0, row * height))
    groups = np.asarray(strip.quantize(GIF_COLOURS, method=Image.Quantize.MEDIANCUT), dtype=np.int64).ravel()
    return _commonest_colours(_colour_codes(np.asarray(strip)).ravel().astype(np.int64), groups)


def _colour_codes(rgb: np.ndarray) -> np.ndarray:
    """``(…, 3)`` uint8 colours → one int per colour, ``0xRRGGBB``."""
    rgb = rgb.astype(np.int32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _code_colours(codes: np.ndarray) -> np.ndarray:
    return np.stack([codes >> 16, (codes >> 8) & 255, codes & 255], axis=-1)


def _commonest_colours(codes: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each group of pixels, the colour most of them have: ``(n_groups, 3)`` uint8."""
    pairs, counts = np.unique((groups << 24) | codes, return_counts=True)
    pairs = pairs[np.lexsort((counts, pairs >> 24))]  # by group, its commonest colour last
    group = pairs >> 24
    last_of_group = np.r_[group[1:] != group[:-1], True]
    return _code_colours(pairs[last_of_group] & 0xFFFFFF).astype(np.uint8)


class _PaletteMapper:
    """Maps RGB pictures onto a palette, each pixel to the nearest palette colour.

    Pillow's own mapping rounds colours into coarse boxes first (pure white
    can come out light grey); this one is exact and remembers the colours it
    has seen, so later frames (mostly the same colours) cost little.
    """

    def __init__(self, entries: np.ndarray):
        self.entries = entries.astype(np.int32)  # (n, 3)
        self.flat = entries.ravel().tolist()
        self.lut = np.zeros(1 << 24, np.uint8)  # 24-bit colour → palette index
        self.known = np.zeros(1 << 24, bool)

    def __call__(self, picture):
        codes = _colour_codes(np.asarray(picture))
        new = np.unique(codes[~self.known[codes]])
        if new.size:
            self.lut[new] = self._nearest(new)
            self.known[new] = True
        indexed = Image.fromarray(self.lut[codes], "P")
        indexed.putpalette(self.flat)
        return indexed

    def _nearest(self, codes: np.ndarray, chunk: int = 4096) -> np.ndarray:
        colours = _code_colours(codes)
        out = np.empty(len(codes), np.uint8)
        for start in range(0, len(codes), chunk):
            part = colours[start:start + chunk, None, :] - self.entries[None]
            out[start:start + chunk] = (part * part).sum(axis=2).argmin(axis=1)
        return out


def gif_bytes(frames: list[QImage], delay_ms: int = GIF_DELAY_MS, hold_ms: int = GIF_HOLD_MS,
              loops: int = 0, max_width: int = GIF_MAX_WIDTH, background: str | QColor = "white") -> bytes:
    """Frames (all the same size) → an animated GIF that repeats forever (``loops=0``).

    Each frame shows ``delay_ms``; the last one ``hold_ms``. Frames wider than
    ``max_width`` are scaled down. Two identical frames in a row become one
    frame shown twice as long (Pillow merges them).
    """
    pictures = _frames_for_gif(frames, max_width, background)
    to_palette = _PaletteMapper(_shared_palette(pictures))
    indexed = [to_palette(p) for p in pictures]
    durations = [delay_ms] * (len(indexed) - 1) + [max(delay_ms, hold_ms)]
    buffer = io.BytesIO()
    indexed[0].save(buffer, "GIF", save_all=True, append_images=indexed[1:], duration=durations,
                    loop=loops, optimize=True, disposal=1)
    return buffer.getvalue()


def save_gif(frames: list[QImage], path: str | Path, **options) -> bytes:
    """Write the frames to ``path`` as an animated GIF (options as :func:`gif_bytes`); return the bytes."""
    data = gif_bytes(frames, **options)
    Path(path).write_bytes(data)
    return data


def same_size_frames(frames: list[QImage], background: Background = "white") -> list[QImage]:
    """The frames at the last frame's size: one captured before the window was resized is
    scaled to fit and centred on ``background``, so a run stays one animation."""
    if not frames:
        raise ValueError("No frames to animate: capture at least one.")
    size = frames[-1].size()
    colour = _background_colour(background)
    out = []
    for frame in frames:
        if frame.size() == size:
            out.append(frame)
            continue
        fitted = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        fitted.fill(colour if colour is not None else QColor("white"))
        painter = QPainter(fitted)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        try:
            painter.drawImage(QRectF(_fit(frame.width(), frame.height(), fitted.rect())), frame,
                              QRectF(frame.rect()))
        finally:
            painter.end()
        out.append(fitted)
    return out


def save_animation(frames: list[QImage], path: str | Path) -> bytes:
    """GIF for a ``.gif`` path, animated PNG otherwise (``.png``, ``.apng``).

    Safe on a worker thread (only ``QImage`` and ``QPainter`` on images).
    """
    frames = same_size_frames(frames)
    if Path(path).suffix.lower() == ".gif":
        return save_gif(frames, path)
    return save_apng(frames, path)
