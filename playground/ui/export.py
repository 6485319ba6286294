"""Export any widget (a plot, the canvas, a whole dock) as PNG or SVG, or copy it.

Functions return the picture (``QImage`` or ``bytes``) and write a file only
when asked (the napari way), so the same code serves "Save as…", "Copy" and
tests. Everything goes through ``QWidget.render``:

- PNG: render into a ``QImage`` of ``scale ×`` the widget's size with
  ``devicePixelRatio = scale``, so text and lines are drawn sharp at 2× or 3×
  for slides, not scaled-up pixels;
- SVG: render into a ``QSvgGenerator`` (pyqtgraph's own SVGExporter breaks on
  PySide6 ≥ 6.11; see "Known facts about the toolchain" in ARCHITECTURE.md).

``background``: ``None`` keeps the on-screen look; ``"white"`` paints white
behind everything, plot areas included; ``"transparent"`` leaves the
background out (slides with their own colour). Text keeps the current
theme's colours, so use the light theme for a white slide.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QPoint, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPen, QRegion
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget


SCALES = (1, 2, 3)  # the sizes offered in the UI: screen, slide, poster

Background = str | QColor | None


def _background_colour(background: Background) -> QColor | None:
    """``None`` → keep the widget's own; otherwise the colour to paint behind it."""
    if background is None:
        return None
    if isinstance(background, QColor):
        return background
    if background == "transparent":
        return QColor(0, 0, 0, 0)
    colour = QColor(background)
    if not colour.isValid():
        raise ValueError(f"Unknown background {background!r}: use None, 'white', "
                         "'transparent' or a colour name like '#ffffff'.")
    return colour


class _PlotBackgrounds:
    """Temporarily give every pyqtgraph view inside ``widget`` another background."""

    def __init__(self, widget: QWidget, colour: QColor | None):
        views = widget.findChildren(pg.GraphicsView)
        if isinstance(widget, pg.GraphicsView):
            views.append(widget)
        self.saved = [(v, v.backgroundBrush()) for v in views] if colour is not None else []
        self.colour = colour

    def __enter__(self):
        brush = QBrush(Qt.BrushStyle.NoBrush) if self.colour is not None and \
            self.colour.alpha() == 0 else QBrush(self.colour) if self.colour is not None else None
        for view, _ in self.saved:
            view.setBackgroundBrush(brush)
        return self

    def __exit__(self, *exc):
        for view, brush in self.saved:
            view.setBackgroundBrush(brush)


class _ThickerLines:
    """Temporarily multiply the width of pyqtgraph's curves and axes by ``scale``.

    pyqtgraph draws with cosmetic pens, whose width is in device pixels and
    ignores the image's device-pixel ratio: without this a 3 px curve would
    come out 1.5 px wide (relative to the text) in a 2× export.
    """

    def __init__(self, widget: QWidget, scale: float):
        self.items = []
        if scale == 1:
            return
        views = widget.findChildren(pg.GraphicsView)
        if isinstance(widget, pg.GraphicsView):
            views.append(widget)
        for view in views:
            for item in view.scene().items() if view.scene() is not None else ():
                pen = self._pen_of(item)
                if pen is not None and pen.style() != Qt.PenStyle.NoPen:
                    self.items.append((item, QPen(pen)))
        self.scale = scale

    @staticmethod
    def _pen_of(item) -> QPen | None:
        """The pen to widen, for the items whose pens we can set back afterwards."""
        if isinstance(item, pg.PlotDataItem):  # owns its curve's pen and re-applies it
            return pg.mkPen(item.opts["pen"]) if item.opts.get("pen") is not None else None
        if isinstance(item, pg.PlotCurveItem) and not isinstance(item.parentItem(), pg.PlotDataItem):
            return item.opts["pen"]
        if isinstance(item, pg.AxisItem):
            return item.pen()
        return None

    def __enter__(self):
        for item, pen in self.items:
            wider = QPen(pen)
            wider.setWidthF(max(pen.widthF(), 1.0) * self.scale)
            item.setPen(wider)
        return self

    def __exit__(self, *exc):
        for item, pen in self.items:
            item.setPen(pen)


def _render(widget: QWidget, painter: QPainter, colour: QColor | None) -> None:
    """Paint ``widget`` (and its children) with ``painter``, over ``colour`` if given."""
    widget.ensurePolished()
    if widget.layout() is not None:
        widget.layout().activate()
    flags = QWidget.RenderFlag.DrawChildren
    if colour is None:
        flags |= QWidget.RenderFlag.DrawWindowBackground
    else:
        painter.fillRect(QRect(QPoint(0, 0), widget.size()), colour)
    with _PlotBackgrounds(widget, colour):
        # QWidget.render explicitly: QGraphicsView (so a bare PlotWidget) overloads
        # render() with its scene-rendering signature
        QWidget.render(widget, painter, QPoint(0, 0), QRegion(), flags)


def grab_image(widget: QWidget, scale: float = 1.0, background: Background = None) -> QImage:
    """The widget as a ``QImage`` of ``scale ×`` its size (drawn sharp, not upscaled)."""
    if scale <= 0:
        raise ValueError(f"scale must be positive (1, 2 or 3 for screen, slide, poster); got {scale}")
    colour = _background_colour(background)
    size = widget.size()
    image = QImage(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(QColor(0, 0, 0, 0) if colour is None else colour)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    try:
        with _ThickerLines(widget, scale):
            _render(widget, painter, colour)
    finally:
        painter.end()
    return image


def image_to_array(image: QImage) -> np.ndarray:
    """``QImage`` → ``(height, width, 4)`` uint8 RGBA array (a copy)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = rgba.height(), rgba.width()
    data = np.frombuffer(rgba.constBits(), dtype=np.uint8, count=rgba.sizeInBytes())
    return data.reshape(h, rgba.bytesPerLine())[:, : w * 4].reshape(h, w, 4).copy()


def image_to_png(image: QImage, fast: bool = False) -> bytes:
    """Encode a ``QImage`` as PNG bytes (``fast``: light compression, for frames kept in memory)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG", 80 if fast else -1):
        raise RuntimeError("Qt could not encode the image as PNG.")
    return bytes(buffer.data())


def png_bytes(widget: QWidget, scale: float = 2.0, background: Background = None) -> bytes:
    """The widget as PNG bytes (2× by default: sharp on a projector)."""
    return image_to_png(grab_image(widget, scale, background))


def save_png(widget: QWidget, path: str | Path, scale: float = 2.0,
             background: Background = None) -> QImage:
    """Write the widget to ``path`` as PNG and return the image."""
    image = grab_image(widget, scale, background)
    Path(path).write_bytes(image_to_png(image))
    return image


def svg_bytes(widget: QWidget, background: Background = None, title: str = "") -> bytes:
    """The widget as an SVG document (vector lines and text, any size on a slide)."""
    colour = _background_colour(background)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(widget.size())
    generator.setViewBox(QRect(QPoint(0, 0), widget.size()))
    generator.setResolution(max(1, widget.logicalDpiX()))
    generator.setTitle(title or widget.windowTitle() or type(widget).__name__)
    generator.setDescription("Exported from Network Playground")
    painter = QPainter(generator)
    try:
        _render(widget, painter, colour)
    finally:
        painter.end()
    return bytes(buffer.data())


def save_svg(widget: QWidget, path: str | Path, background: Background = None,
             title: str = "") -> bytes:
    """Write the widget to ``path`` as SVG and return the document's bytes."""
    data = svg_bytes(widget, background, title)
    Path(path).write_bytes(data)
    return data


def copy_to_clipboard(widget: QWidget, scale: float = 2.0, background: Background = "white",
                      with_svg: bool = True) -> QImage:
    """Put the widget on the clipboard as an image (and SVG for apps that take it).

    White by default: pasting a transparent image into slides or documents
    often shows a black or checkered background.
    """
    image = grab_image(widget, scale, background)
    return copy_image(image, svg_bytes(widget, background) if with_svg else None)


def copy_image(image: QImage, svg: bytes | None = None) -> QImage:
    """Put a ready image (and its SVG, if given) on the clipboard; return the image."""
    mime = QMimeData()
    mime.setImageData(image)
    if svg:
        mime.setData("image/svg+xml", QByteArray(svg))
    QGuiApplication.clipboard().setMimeData(mime)
    return image


def write_text_for(window, path: str | Path, text: str, done: str) -> str | None:
    """Write ``text`` to ``path`` for main window ``window``: ``done`` in the status bar, or the
    error in plain words in its banner. Returns the path, or ``None`` if it could not be written."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        window.show_error(f"Could not write {path}: {exc.strerror or exc}")
        return None
    window.show_status(done)
    return str(path)


def start_folder(window) -> str:
    """Where an export dialog starts: the folder last exported to, else the project's folder, else the
    folder projects were last opened from, else the home folder (only when nothing else is known)."""
    settings = window.settings
    candidates = [settings.value("export/folder", ""),
                  str(Path(window.path).parent) if getattr(window, "path", None) else "",
                  settings.value("files/folder", "")]
    for folder in candidates:
        if folder and Path(str(folder)).is_dir():
            return str(folder)
    return str(Path.home())
