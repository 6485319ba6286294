"""Colours, fonts and sizes of the canvas, taken from the widget's QPalette.

Every item paints with a :class:`CanvasStyle`, made from the view's palette, so
the canvas follows the light or dark theme (``playground.ui.theme.apply_theme``
sets the palette; the view rebuilds the style when the palette changes). Fonts
are 11–13 pt so the back row of a lecture hall can read a node.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette

# the browser playground's colours: orange for negative, blue for positive
NEGATIVE = "#f59322"
POSITIVE = "#0877bd"
ERROR = "#d62728"
WARNING = "#c77800"

# a soft accent per palette group, shown as the stripe on a node's left edge
GROUP_COLOURS = {
    "Core": "#1f77b4",
    "Activations": "#2ca02c",
    "Convolution": "#9467bd",
    "Pooling": "#8c564b",
    "Recurrent": "#17becf",
    "Regularization": "#bcbd22",
    "Merge": "#e377c2",
    "Autoencoder": "#ff7f0e",
    "Output": "#7f7f7f",
}

# sizes in scene units (pixels at zoom 1)
NODE_WIDTH = 210.0
NODE_RADIUS = 9.0
PORT_RADIUS = 7.0
PADDING = 10.0
STRIPE = 6.0
UNIT_MAP = 26.0  # one tiny heatmap
UNIT_GAP = 3.0
MAX_UNIT_MAPS = 8


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` blended towards ``b`` by ``t`` (0 = a, 1 = b)."""
    return QColor(round(a.red() + (b.red() - a.red()) * t),
                  round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


@dataclass
class CanvasStyle:
    """Everything the items need to paint themselves in the current theme."""

    background: QColor
    grid: QColor
    card: QColor
    card_border: QColor
    text: QColor
    muted: QColor
    highlight: QColor
    error: QColor
    error_card: QColor
    warning: QColor
    edge: QColor
    port: QColor
    port_fill: QColor
    ok: QColor
    title_font: QFont
    body_font: QFont
    small_font: QFont
    banner_font: QFont
    dark: bool = False

    @classmethod
    def from_palette(cls, palette: QPalette) -> "CanvasStyle":
        base = palette.color(QPalette.ColorRole.Base)
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        dark = base.lightness() < 128
        background = mix(window, base, 0.5) if not dark else mix(window, QColor("black"), 0.25)
        error = QColor("#ff6b6b") if dark else QColor(ERROR)
        return cls(
            background=background,
            grid=mix(background, text, 0.12),
            card=base,
            card_border=mix(base, text, 0.35),
            text=text,
            muted=mix(text, base, 0.38),
            highlight=highlight,
            error=error,
            error_card=mix(base, error, 0.16),
            warning=QColor("#ffb347") if dark else QColor(WARNING),
            edge=mix(base, text, 0.55),
            port=mix(base, text, 0.6),
            port_fill=base,
            ok=QColor("#5ed35e") if dark else QColor("#2ca02c"),
            title_font=_font(13, bold=True),
            body_font=_font(11),
            small_font=_font(11),
            banner_font=_font(13, bold=True),
            dark=dark,
        )

    @staticmethod
    def group_colour(group: str) -> QColor:
        return QColor(GROUP_COLOURS.get(group, "#7f7f7f"))
