"""A small plotting kit on QPainter: axes with readable ticks, text in boxes, colour ramps.

Everything is measured in slide units (see :mod:`.style`), so the same code
draws a PNG at 3× or an SVG. Ticks are few (3–6) and their labels as large as
any other label: a projected plot needs fewer, bigger numbers, not more.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)

from .style import LABEL_PT, FigureTheme, font, pt

ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter
ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def nice_step(span: float, n: int) -> float:
    raw = span / max(n, 1)
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """Round numbers from ``lo`` to ``hi`` (both included when they are round), about ``n`` steps."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    step = nice_step(hi - lo, n)
    first = math.ceil(lo / step - 1e-9) * step
    ticks, v = [], first
    while v <= hi + step * 1e-9:
        ticks.append(0.0 if abs(v) < step * 1e-9 else v)
        v += step
    return ticks


def nice_range(lo: float, hi: float, n: int = 4) -> tuple[float, float]:
    """``lo``/``hi`` widened to the tick step around them."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return 0.0, 1.0
    if hi <= lo:
        pad = abs(lo) * 0.1 or 1.0
        return lo - pad, hi + pad
    step = nice_step(hi - lo, n)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step


def fmt_tick(v: float, step: float | None = None) -> str:
    """``0.25`` → ``0.25``, ``1e-05`` → ``1e-5``, ``1200`` → ``1200``; a minus sign, not a hyphen."""
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e5 or a < 1e-3:
        mantissa, exp = f"{v:.0e}".split("e")
        text = f"{mantissa}e{int(exp)}"
    elif step is not None and step >= 1 and float(v).is_integer():
        text = str(int(v))
    else:
        decimals = max(0, -math.floor(math.log10(step))) if step else 3
        text = f"{v:.{min(decimals, 4)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def text_width(f: QFont, text: str) -> float:
    return QFontMetricsF(f).horizontalAdvance(text)


def line_height(f: QFont) -> float:
    return QFontMetricsF(f).height()


def draw_text(p: QPainter, rect: QRectF, text: str, f: QFont, colour: QColor,
              align=ALIGN_CENTER, halo: QColor | None = None) -> None:
    """``text`` in ``rect``; ``halo`` draws a thin outline first so text reads over pictures."""
    p.setFont(f)
    if halo is not None:
        p.setPen(halo)
        for dx, dy in ((-2, 0), (2, 0), (0, -2), (0, 2)):
            p.drawText(rect.translated(dx, dy), int(align), text)
    p.setPen(colour)
    p.drawText(rect, int(align), text)


def elide(f: QFont, text: str, width: float) -> str:
    return QFontMetricsF(f).elidedText(text, Qt.TextElideMode.ElideRight, width)


def message(p: QPainter, rect: QRectF, text: str, theme: FigureTheme, scale: float = 1.0) -> None:
    """A plain sentence in the middle of an empty panel ("Train first: no curve yet")."""
    f = font(LABEL_PT, scale=scale)
    p.setFont(f)
    p.setPen(theme.muted)
    p.drawText(rect.adjusted(pt(6), pt(6), -pt(6), -pt(6)), int(ALIGN_CENTER | Qt.TextFlag.TextWordWrap), text)



def line_pen(colour: QColor, width: float, dash=False) -> QPen:
    """A round-capped ``width`` pt line: solid, dashed (``True``) or dotted (``"dot"``)."""
    pen = QPen(colour, pt(width), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    if dash == "dot":
        pen.setStyle(Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([0.1, 1.6])
    elif dash:
        pen.setStyle(Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([2.5, 1.8])
    return pen

class Axes:
    """A plot area inside ``rect`` with a left and a bottom axis, ticks and labels.

    ``equal`` keeps one unit as long on both axes (a decision boundary).
    ``log_y`` spaces the y axis by powers of ten. ``x_ticks``/``y_ticks`` may
    be given as ``[(value, label)]`` (class names on a confusion matrix).
    """

    def __init__(self, p: QPainter, rect: QRectF, theme: FigureTheme, xlim, ylim, xlabel: str = "",
                 ylabel: str = "", *, log_y: bool = False, equal: bool = False, x_ticks=None, y_ticks=None,
                 y_format=None, scale: float = 1.0, grid: bool = True, top_space: float = 0.0):
        self.p, self.theme, self.scale = p, theme, scale
        self.log_y = log_y
        self.xlim = tuple(map(float, xlim))
        self.ylim = tuple(map(float, ylim))
        if log_y:
            self.ylim = (math.log10(max(self.ylim[0], 1e-30)), math.log10(max(self.ylim[1], 1e-30)))
        self.font = font(LABEL_PT, scale=scale)
        self.grid = grid
        self.xlabel, self.ylabel = xlabel, ylabel
        self.x_ticks = x_ticks if x_ticks is not None else self._ticks(self.xlim, None)
        self.y_ticks = y_ticks if y_ticks is not None else self._ticks(self.ylim, y_format, log_y)
        self._layout(rect, xlabel, ylabel, equal, top_space)
        # fewer ticks where their labels would touch (a small panel, big numbers)
        for n in (3, 2, 1):
            changed = False
            if x_ticks is None and self._crowded(self.x_ticks, horizontal=True):
                self.x_ticks, changed = self._ticks(self.xlim, None, n=n), True
            if y_ticks is None and not log_y and self._crowded(self.y_ticks, horizontal=False):
                self.y_ticks, changed = self._ticks(self.ylim, y_format, n=n), True
            if not changed:
                break
            self._layout(rect, xlabel, ylabel, equal, top_space)

    def _crowded(self, ticks, horizontal: bool) -> bool:
        if len(ticks) < 2:
            return False
        if horizontal:
            lo, hi = self.xlim
            span = self.area.width() * (ticks[-1][0] - ticks[0][0]) / ((hi - lo) or 1.0)
            need = max(text_width(self.font, t) for _v, t in ticks) + pt(10)
        else:
            lo, hi = self.ylim
            span = self.area.height() * (ticks[-1][0] - ticks[0][0]) / ((hi - lo) or 1.0)
            need = line_height(self.font) * 1.15
        return span / (len(ticks) - 1) < need

    def _layout(self, rect, xlabel, ylabel, equal, top_space) -> None:
        scale = self.scale
        lh = line_height(self.font)
        gap = pt(4) * scale
        left = max((text_width(self.font, t) for _v, t in self.y_ticks), default=0) + gap * 2
        if ylabel:
            left += lh + gap
        bottom = lh + gap * 2 + (lh + gap if xlabel else 0)
        right = max(text_width(self.font, self.x_ticks[-1][1]) / 2 if self.x_ticks else 0, gap * 2)
        top = max(lh / 2, top_space)
        area = QRectF(rect.left() + left, rect.top() + top, rect.width() - left - right,
                      rect.height() - top - bottom)
        if equal:
            w_units = self.xlim[1] - self.xlim[0]
            h_units = self.ylim[1] - self.ylim[0]
            k = min(area.width() / w_units, area.height() / h_units)
            w, h = w_units * k, h_units * k
            area = QRectF(area.left() + (area.width() - w) / 2, area.top() + (area.height() - h) / 2, w, h)
        self.area = area
        self.outer = rect

    def _ticks(self, lim, fmt, log=False, n: int = 4):
        lo, hi = lim
        if log:
            ticks = [v for v in range(math.floor(lo), math.ceil(hi) + 1) if lo - 1e-9 <= v <= hi + 1e-9]
            if len(ticks) > 6:
                ticks = ticks[::math.ceil(len(ticks) / 5)]
            return [(float(v), fmt_tick(10.0 ** v)) for v in ticks]
        values = nice_ticks(lo, hi, n)
        if n == 1 or len(values) < 2:
            values = [lo, hi]
        step = values[1] - values[0] if len(values) > 1 else None
        return [(v, fmt(v) if fmt else fmt_tick(v, step)) for v in values]

    # -- mapping --------------------------------------------------------------------
    def x(self, v) -> np.ndarray | float:
        lo, hi = self.xlim
        return self.area.left() + (np.asarray(v, float) - lo) / ((hi - lo) or 1.0) * self.area.width()

    def y(self, v) -> np.ndarray | float:
        lo, hi = self.ylim
        v = np.log10(np.maximum(np.asarray(v, float), 1e-30)) if self.log_y else np.asarray(v, float)
        return self.area.bottom() - (v - lo) / ((hi - lo) or 1.0) * self.area.height()

    def point(self, x: float, y: float) -> QPointF:
        return QPointF(float(self.x(x)), float(self.y(y)))

    # -- drawing --------------------------------------------------------------------
    def draw(self) -> None:
        """Grid lines, the two axes, tick labels and axis labels."""
        p, t, a = self.p, self.theme, self.area
        lh = line_height(self.font)
        gap = pt(4) * self.scale
        if self.grid:
            p.setPen(QPen(t.grid, pt(0.75)))
            for v, _ in self.y_ticks:
                yy = float(self.y(10 ** v if self.log_y else v))
                if a.top() - 0.5 <= yy <= a.bottom() + 0.5:
                    p.drawLine(QPointF(a.left(), yy), QPointF(a.right(), yy))
        p.setPen(QPen(t.muted, pt(1.0)))
        p.drawLine(a.bottomLeft(), a.bottomRight())
        p.drawLine(a.bottomLeft(), a.topLeft())
        for v, label in self.x_ticks:
            xx = float(self.x(v))
            if a.left() - 0.5 <= xx <= a.right() + 0.5:
                p.setPen(QPen(t.muted, pt(1.0)))
                p.drawLine(QPointF(xx, a.bottom()), QPointF(xx, a.bottom() + gap))
                w = text_width(self.font, label) + 4
                draw_text(p, QRectF(xx - w / 2, a.bottom() + gap, w, lh), label, self.font, t.text)
        for v, label in self.y_ticks:
            yy = float(self.y(10 ** v if self.log_y else v))
            if a.top() - 0.5 <= yy <= a.bottom() + 0.5:
                p.setPen(QPen(t.muted, pt(1.0)))
                p.drawLine(QPointF(a.left() - gap, yy), QPointF(a.left(), yy))
                w = a.left() - gap * 2 - self.outer.left()
                draw_text(p, QRectF(self.outer.left(), yy - lh / 2, w, lh), label, self.font, t.text, ALIGN_RIGHT)
        if self.xlabel:
            draw_text(p, QRectF(a.left(), a.bottom() + gap * 2 + lh, a.width(), lh), self.xlabel, self.font,
                      t.text)
        if self.ylabel:
            p.save()
            p.translate(self.outer.left(), a.center().y())
            p.rotate(-90)
            draw_text(p, QRectF(-a.height() / 2, 0, a.height(), lh), self.ylabel, self.font, t.text)
            p.restore()

    def curve(self, xs, ys, colour: QColor, width: float = 3.0, dash: bool | str = False) -> None:
        xs, ys = np.asarray(xs, float), np.asarray(ys, float)
        keep = np.isfinite(xs) & np.isfinite(ys) & ((ys > 0) if self.log_y else True)
        xs, ys = xs[keep], ys[keep]
        if len(xs) == 0:
            return
        px, py = self.x(xs), self.y(ys)
        path = QPainterPath(QPointF(px[0], py[0]))
        for a, b in zip(px[1:], py[1:]):
            path.lineTo(a, b)
        pen = line_pen(colour, width, dash)
        self.p.save()
        self.p.setClipRect(self.area.adjusted(-pt(2), -pt(2), pt(2), pt(2)))
        self.p.setPen(pen)
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        if len(xs) == 1:
            self.p.drawEllipse(QPointF(px[0], py[0]), pt(3), pt(3))
        self.p.drawPath(path)
        self.p.restore()


# --- colours of pictures ----------------------------------------------------------------
def _rgb(colour: QColor) -> np.ndarray:
    return np.array([colour.red(), colour.green(), colour.blue()], float)


def ramp(values: np.ndarray, lo: float, hi: float, low: QColor, high: QColor) -> np.ndarray:
    """Values → RGB between two colours, ``(…, 3)`` uint8."""
    t = np.clip((np.asarray(values, float) - lo) / ((hi - lo) or 1.0), 0, 1)[..., None]
    t = np.nan_to_num(t)
    return np.round(_rgb(low) + (_rgb(high) - _rgb(low)) * t).astype(np.uint8)


def diverging(values: np.ndarray, lo: float, hi: float, neg: QColor, mid: QColor, pos: QColor) -> np.ndarray:
    """Values → RGB: ``neg`` at ``lo``, ``mid`` in the middle, ``pos`` at ``hi``."""
    t = np.clip((np.asarray(values, float) - lo) / ((hi - lo) or 1.0), 0, 1)
    t = np.nan_to_num(t, nan=0.5)[..., None]
    a, m, b = _rgb(neg), _rgb(mid), _rgb(pos)
    rgb = np.where(t < 0.5, a + (m - a) * (t * 2), m + (b - m) * (t * 2 - 1))
    return np.round(rgb).astype(np.uint8)


def rgb_image(rgb: np.ndarray) -> QImage:
    """``(h, w, 3)`` uint8 → a ``QImage`` that owns its pixels."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def draw_pixels(p: QPainter, target: QRectF, rgb: np.ndarray, smooth: bool = False, upscale: int = 1) -> None:
    """An ``(h, w, 3)`` picture into ``target``: blocky pixels (feature maps) or, with ``smooth``,
    scaled up ``upscale``× before placing so SVG and PDF viewers show the same soft picture."""
    image = rgb_image(rgb)
    mode = Qt.TransformationMode.SmoothTransformation if smooth else Qt.TransformationMode.FastTransformation
    factor = upscale if smooth else max(1, min(16, math.ceil(256 / max(image.width(), image.height()))))
    image = image.scaled(image.width() * factor, image.height() * factor,
                         Qt.AspectRatioMode.IgnoreAspectRatio, mode)
    p.save()
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
    p.drawImage(target, image)
    p.restore()
