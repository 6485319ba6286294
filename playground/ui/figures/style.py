"""Sizes, fonts and colours of lecture figures.

Every figure is drawn in *slide units*: a slide is 1920 × 1080 units, the size of
a 16:9 PowerPoint slide (13.333 × 7.5 in) at 144 dpi, so one point is two units
(:data:`UNITS_PER_PT`). The smallest text anywhere is 18 pt (36 units), the
usual minimum for projected slides; titles are larger. PNG exports scale the
painter (1×, 2×, 3×), SVG and PDF keep the units as they are, so a figure
looks the same in every format.

Colours are colour-blind safe: the browser playground's orange/blue pair for
negative/positive values and binary classes, Okabe & Ito's eight colours for
categories (with distinct dashes for the two loss curves, so they differ in
more than hue), and a single-hue blue ramp for counts. Two themes: dark on
light (the default, for printed notes and bright rooms) and light on dark.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QFontDatabase

SLIDE_W, SLIDE_H = 1920, 1080
SLIDE_DPI = 144  # 1920 units = 13.333 in: a PowerPoint 16:9 slide
UNITS_PER_PT = SLIDE_DPI / 72  # 2 units a point
MIN_PT = 18.0  # no text on a slide is smaller than this
LABEL_PT = 18.0  # axis ticks, legends, card lines
HEADING_PT = 21.0  # a panel's heading, a card's title
TITLE_PT = 32.0  # the slide's title

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
NEGATIVE = "#f59322"  # the playground's orange: negative values, class 0
POSITIVE = "#0877bd"  # the playground's blue: positive values, class 1
FAMILIES = ("DejaVu Sans", "Helvetica", "Arial", "Liberation Sans", "Noto Sans")
SVG_FALLBACK = "Helvetica, Arial, sans-serif"  # added after the family in SVG text


@dataclass(frozen=True)
class FigureTheme:
    name: str
    background: QColor
    text: QColor
    muted: QColor
    grid: QColor
    frame: QColor
    card: QColor
    card_border: QColor
    train: QColor  # training curve
    val: QColor  # validation curve
    empty: QColor  # the sequential ramp's low end (count 0)
    dark: bool

    def category(self, i: int) -> QColor:
        """The ``i``-th category colour (black becomes white on the dark theme)."""
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        if colour == "#000000" and self.dark:
            colour = "#ffffff"
        return QColor(colour)

    def classes(self, k: int) -> list[QColor]:
        """Colours of ``k`` classes: orange/blue for two (as the decision boundary), else Okabe–Ito
        (tenth and later classes repeat the cycle in a lighter shade)."""
        if k <= 2:
            return [QColor(NEGATIVE), QColor(POSITIVE)][:max(k, 1)]
        out = []
        for i in range(k):
            colour = self.category(i)
            out.append(colour.lighter(150) if i >= len(OKABE_ITO) else colour)
        return out


LIGHT = FigureTheme("light", QColor("#ffffff"), QColor("#1b1f24"), QColor("#4c535c"), QColor("#e3e6ea"),
                    QColor("#c9ced4"), QColor("#f6f7f9"), QColor("#aeb5bd"), QColor("#0072B2"),
                    QColor("#D55E00"), QColor("#f7fbff"), False)
DARK = FigureTheme("dark", QColor("#15181d"), QColor("#f2f4f7"), QColor("#b8c0c9"), QColor("#30363e"),
                   QColor("#49515b"), QColor("#232830"), QColor("#5d6670"), QColor("#56B4E9"),
                   QColor("#E69F00"), QColor("#1c2530"), True)
THEMES = {"light": LIGHT, "dark": DARK}


def theme_named(name: str) -> FigureTheme:
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown figure theme {name!r}; choose light or dark") from None


_family: str | None = None


def family() -> str:
    """The first installed sans-serif family of :data:`FAMILIES` (asked once)."""
    global _family
    if _family is None:
        installed = set(QFontDatabase.families())
        _family = next((f for f in FAMILIES if f in installed), QFont().family())
    return _family


def font(pt: float, bold: bool = False, scale: float = 1.0) -> QFont:
    """A font of ``pt`` points on the slide (× ``scale``), sized in slide units so any
    painter transform (PNG 2×, PDF) keeps it in proportion."""
    f = QFont(family())
    f.setPixelSize(max(1, round(pt * UNITS_PER_PT * scale)))
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)  # same widths at every scale
    return f


def pt(points: float) -> float:
    """Slide units of ``points``."""
    return points * UNITS_PER_PT
