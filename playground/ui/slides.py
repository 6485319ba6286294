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

Animations: Qt writes no GIF and Pillow is not a dependency, so training is
saved as an **animated PNG** (APNG — plays in current web browsers; a
viewer that does not know APNG shows the first frame as a still image). :class:`FrameRecorder` captures a widget
each epoch, :func:`apng_bytes` / :func:`save_apng` write the frames. APNG is
PNG plus three chunk types (``acTL`` frame count, ``fcTL`` frame size and delay,
``fdAT`` = ``IDAT`` with a sequence number), so we let Qt encode each frame
as a PNG and only re-pack its chunks.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import is_dataclass, replace
from pathlib import Path

import pyqtgraph as pg
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
    source = scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin)
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
        rect = piece.scene().itemsBoundingRect()
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
class FrameRecorder:
    """Captures ``widget`` as a frame each time :meth:`capture` is called (e.g. every epoch).

    Keeps at most ``max_frames`` (the oldest are thinned out: every second one
    is dropped) so a long run stays a small file.
    """

    def __init__(self, widget: QWidget, scale: float = 1.0, background: Background = "white",
                 max_frames: int = 120):
        self.widget, self.scale, self.background, self.max_frames = widget, scale, background, max_frames
        self.frames: list[QImage] = []

    def capture(self) -> QImage:
        frame = grab_image(self.widget, self.scale, self.background)
        self.frames.append(frame)
        if len(self.frames) > self.max_frames:
            self.frames = self.frames[::2]
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


def apng_bytes(frames: list[QImage], delay_ms: int = 200, loops: int = 0) -> bytes:
    """Frames (all the same size) → an animated PNG; ``loops=0`` repeats forever."""
    if not frames:
        raise ValueError("No frames to animate: capture at least one.")
    size = frames[0].size()
    if any(f.size() != size for f in frames):
        raise ValueError("All frames of an animation must have the same size; "
                         "capture the same widget without resizing it.")
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

