"""A slide of 1–4 panels under a title, drawn once onto a QPainter and written as PNG, SVG or PDF.

:func:`paint_slide` draws in slide units (1920 × 1080, see :mod:`.style`) onto
any painter. The three writers only choose the device:

- PNG: a ``QImage`` of exactly 1×, 2× or 3× 1920 × 1080 with the painter scaled,
  carrying its resolution in the file (144 dpi × scale, so it is a 13.333 in
  slide at any scale; or the ``dpi`` asked for, e.g. 300 for print);
- SVG: ``QSvgGenerator`` (text stays text, lines stay lines), 13.333 × 7.5 in;
- PDF: ``QPdfWriter``, one 13.333 × 7.5 in page, vector.

Qt's own generators do the job here, so we do not depend on matplotlib (about
40 MB with its dependencies, and its figures would need our layer diagrams drawn
a second time in its API).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
)
from PySide6.QtGui import QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator

from playground.session.figure_data import (
    PANEL_TITLES,
    PANELS,
    STYLES,
    FigureData,
    default_panels,
    default_style,
)

from .axes import ALIGN_LEFT, draw_text, line_height, text_width
from .network import columns_of, draw_network, merged_groups
from .plots import PAINTERS
from .style import (
    HEADING_PT,
    LABEL_PT,
    SLIDE_DPI,
    SLIDE_H,
    SLIDE_W,
    SVG_FALLBACK,
    TITLE_PT,
    FigureTheme,
    font,
    pt,
    theme_named,
)

LAYOUTS = ("auto", "row", "column", "grid", "left", "top")
LAYOUT_TITLES = {"auto": "Automatic", "row": "Side by side", "column": "Stacked", "grid": "Grid (2 × 2)",
                 "left": "First panel large, left", "top": "First panel large, on top"}
FORMATS = (".png", ".svg", ".pdf")
SCALES = (1, 2, 3)
INCH_PER_METRE = 39.37007874
MARGIN = 48.0
GAP = 40.0


@dataclass
class SlideSpec:
    """What a slide shows: panels (1–4, in order), layout, title, caption, network style, theme."""

    panels: list[str] = field(default_factory=lambda: ["network", "loss"])
    layout: str = "auto"
    title: str = ""
    caption: str = ""
    style: str = "cards"
    theme: str = "light"
    font_scale: float = 1.0  # presentation mode draws larger

    def check(self) -> None:
        if not 1 <= len(self.panels) <= 4:
            raise ValueError(f"A slide holds 1 to 4 panels; got {len(self.panels)}.")
        unknown = [p for p in self.panels if p not in PANELS]
        if unknown:
            raise ValueError(f"Unknown panel {unknown[0]!r}; choose from {', '.join(PANELS)}.")
        if self.layout not in LAYOUTS:
            raise ValueError(f"Unknown layout {self.layout!r}; choose from {', '.join(LAYOUTS)}.")
        if self.style not in STYLES:
            raise ValueError(f"Unknown network style {self.style!r}; choose from {', '.join(STYLES)}.")
        theme_named(self.theme)


def spec_for(data: FigureData, panels: list[str] | None = None, style: str | None = None, **options) -> SlideSpec:
    """A spec with the panels and the network style that suit ``data`` unless given."""
    spec = SlideSpec(panels=list(panels) if panels else default_panels(data), style=style or default_style(data),
                     **options)
    if not spec.title:
        spec.title = data.title
    spec.check()
    return spec


# ----------------------------------------------------------------------------------------------
# layout
# ----------------------------------------------------------------------------------------------
def _split(box: QRectF, n: int, vertical: bool, gap: float, first: float | None = None) -> list[QRectF]:
    """``n`` boxes side by side (or stacked); ``first`` gives the first one that share of the length."""
    length = (box.height() if vertical else box.width()) - gap * (n - 1)
    sizes = [length / n] * n
    if first is not None and n > 1:
        sizes = [length * first] + [length * (1 - first) / (n - 1)] * (n - 1)
    out, at = [], box.top() if vertical else box.left()
    for size in sizes:
        out.append(QRectF(box.left(), at, box.width(), size) if vertical else QRectF(at, box.top(), size, box.height()))
        at += size + gap
    return out


def _is_wide(data: FigureData, spec: SlideSpec) -> bool:
    """A long chain of layers: the network wants the full width."""
    if spec.panels[0] != "network":
        return False
    groups = merged_groups(data) if spec.style in ("blocks", "neurons") else None
    return len(columns_of(data, groups)) >= 5


def panel_rects(content: QRectF, data: FigureData, spec: SlideSpec) -> list[QRectF]:
    n, layout = len(spec.panels), spec.layout
    if layout == "auto":
        wide = _is_wide(data, spec)
        if n == 1:
            return [content]
        if n == 2:
            layout = "column" if wide else "left"
        elif n == 3:
            layout = "top" if wide else "left"
        else:
            layout = "top" if wide else "grid"
    if n == 1:
        return [content]
    if layout == "row":
        return _split(content, n, False, GAP)
    if layout == "column":
        return _split(content, n, True, GAP, first=0.5 if n == 2 else None)
    if layout == "grid":
        rows = _split(content, 2, True, GAP) if n > 2 else [content]
        top = _split(rows[0], 2, False, GAP)
        bottom = _split(rows[1], n - 2, False, GAP) if n > 2 else []
        return (top + bottom)[:n]
    if layout == "left":  # the second panel (the task's main picture) gets the larger share on the right
        left, right = _split(content, 2, False, GAP, first=0.5)
        return [left] + _split(right, n - 1, True, GAP, first=0.58 if n == 3 else None)
    # "top": the first panel over the full width, the others in a row below
    top, below = _split(content, 2, True, GAP, first=0.5)
    return [top] + _split(below, n - 1, False, GAP)


# ----------------------------------------------------------------------------------------------
# painting
# ----------------------------------------------------------------------------------------------
def _heading(data: FigureData, panel: str) -> str:
    if panel == "network":
        total = sum(data.params.values())
        return f"Network · {total:,} weights" if total else "Network"
    return PANEL_TITLES[panel]


def paint_panel(p: QPainter, rect: QRectF, data: FigureData, panel: str, spec: SlideSpec, theme: FigureTheme,
                heading: bool = True) -> float:
    """One panel (heading + picture) in ``rect``; returns the smallest label size used (points)."""
    s = spec.font_scale
    if heading:
        f = font(HEADING_PT, True, s)
        lh = line_height(f)
        draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), lh), _heading(data, panel), f, theme.text,
                  ALIGN_LEFT)
        rect = rect.adjusted(0, lh + pt(6), 0, 0)
    p.save()
    try:
        if panel == "network":
            return draw_network(p, rect, data, theme, spec.style, s)
        PAINTERS[panel](p, rect, data, theme, s)
        return LABEL_PT * s
    finally:
        p.restore()


def paint_slide(p: QPainter, data: FigureData, spec: SlideSpec, size: tuple[float, float] = (SLIDE_W, SLIDE_H)
                ) -> float:
    """The whole slide in ``size`` slide units; returns the smallest label size used (points)."""
    spec.check()
    theme = theme_named(spec.theme)
    width, height = size
    s = spec.font_scale
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.fillRect(QRectF(0, 0, width, height), theme.background)
    top = MARGIN * 0.8
    if spec.title:
        f = font(TITLE_PT, True, s)
        lh = line_height(f)
        draw_text(p, QRectF(MARGIN, top, width - 2 * MARGIN, lh), spec.title, f, theme.text, ALIGN_LEFT)
        top += lh + GAP * 0.6
    bottom = height - MARGIN * 0.8
    if spec.caption:
        f = font(LABEL_PT + 2, False, s)
        lines = 1 if text_width(f, spec.caption) <= width - 2 * MARGIN else 2
        h = line_height(f) * lines
        p.setFont(f)
        p.setPen(theme.muted)
        p.drawText(QRectF(MARGIN, bottom - h, width - 2 * MARGIN, h),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap),
                   spec.caption)
        bottom -= h + GAP * 0.6
    content = QRectF(MARGIN, top, width - 2 * MARGIN, bottom - top)
    smallest = LABEL_PT * s
    for panel, rect in zip(spec.panels, panel_rects(content, data, spec)):
        smallest = min(smallest, paint_panel(p, rect, data, panel, spec, theme))
    return smallest


# ----------------------------------------------------------------------------------------------
# devices
# ----------------------------------------------------------------------------------------------
def render_image(data: FigureData, spec: SlideSpec, scale: int = 1, dpi: float | None = None) -> QImage:
    """The slide as an image of exactly ``scale`` × 1920 × 1080 pixels, with its dpi in the image."""
    if scale not in SCALES:
        raise ValueError(f"scale must be 1, 2 or 3; got {scale}")
    image = QImage(SLIDE_W * scale, SLIDE_H * scale, QImage.Format.Format_ARGB32_Premultiplied)
    dots = round((dpi or SLIDE_DPI * scale) * INCH_PER_METRE)
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    image.fill(theme_named(spec.theme).background)
    p = QPainter(image)
    try:
        p.scale(scale, scale)
        paint_slide(p, data, spec)
    finally:
        p.end()
    return image


def png_bytes(data: FigureData, spec: SlideSpec, scale: int = 1, dpi: float | None = None) -> bytes:
    image = render_image(data, spec, scale, dpi).convertToFormat(QImage.Format.Format_RGB32)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode the slide as PNG")
    return bytes(buffer.data())


def svg_bytes(data: FigureData, spec: SlideSpec) -> bytes:
    """The slide as SVG: 1920 × 1080 user units on a 13.333 × 7.5 in page, text as text."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(SLIDE_W, SLIDE_H))
    generator.setViewBox(QRect(0, 0, SLIDE_W, SLIDE_H))
    generator.setResolution(SLIDE_DPI)
    generator.setTitle(spec.title or data.title)
    generator.setDescription("Network Playground slide")
    p = QPainter(generator)
    try:
        paint_slide(p, data, spec)
    finally:
        p.end()
    text = bytes(buffer.data()).decode("utf-8")
    # a viewer without the font we drew with still shows a sans-serif face of the same size
    text = _add_fallback_fonts(text)
    return text.encode("utf-8")


def _add_fallback_fonts(svg: str) -> str:
    import re

    return re.sub(r'font-family="([^"]*)"', lambda m: f'font-family="{m.group(1)}, {SVG_FALLBACK}"', svg)


def pdf_bytes(data: FigureData, spec: SlideSpec) -> bytes:
    """The slide as a one-page vector PDF, 13.333 × 7.5 in."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(SLIDE_DPI)
    writer.setPageSize(QPageSize(QSizeF(SLIDE_W / SLIDE_DPI, SLIDE_H / SLIDE_DPI), QPageSize.Unit.Inch,
                                 "Slide 16:9"))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setTitle(spec.title or data.title)
    writer.setCreator("Network Playground")
    p = QPainter(writer)
    try:
        # the page may round to whole points: fit the slide's units onto it exactly
        p.scale(writer.width() / SLIDE_W, writer.height() / SLIDE_H)
        paint_slide(p, data, spec)
    finally:
        p.end()
    buffer.close()
    return bytes(array)


def slide_bytes(data: FigureData, spec: SlideSpec, suffix: str, scale: int = 1, dpi: float | None = None) -> bytes:
    suffix = suffix.lower()
    if suffix == ".png":
        return png_bytes(data, spec, scale, dpi)
    if suffix == ".svg":
        return svg_bytes(data, spec)
    if suffix == ".pdf":
        return pdf_bytes(data, spec)
    raise ValueError(f"A slide is written as .png, .svg or .pdf; got {suffix or 'no extension'}.")


def save_slide(data: FigureData, spec: SlideSpec, path: str | Path, scale: int = 1, dpi: float | None = None) -> bytes:
    """Write the slide to ``path`` (format from the extension) whole or not at all; return the bytes."""
    import os
    import tempfile

    path = Path(path)
    content = slide_bytes(data, spec, path.suffix, scale, dpi)
    handle, temp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=".slide-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as an ordinary new file, not the temp file's 0600
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return content
