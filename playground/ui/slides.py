"""Pictures of the canvas for the clipboard, and training animations.

:func:`scene_image` draws the network's cards and wires alone (no empty canvas around
them) at any scale, vector-sharp. Slides are drawn from the models by
:mod:`playground.ui.figures`, never grabbed from widgets.

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
from PIL import Image
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene, QWidget

from .export import Background, _background_colour, grab_image, image_to_png

SLIDE_SIZE = (1920, 1080)  # 16:9 full HD


def _fit(image_w: float, image_h: float, box: QRect) -> QRect:
    """The largest rectangle of the image's aspect ratio centred in ``box``."""
    scale = min(box.width() / max(image_w, 1), box.height() / max(image_h, 1))
    w, h = round(image_w * scale), round(image_h * scale)
    return QRect(box.x() + (box.width() - w) // 2, box.y() + (box.height() - h) // 2, w, h)


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
