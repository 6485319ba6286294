"""Light and dark themes for the whole app: Qt palette, plot colours and sizes.

A theme is plain data (:class:`Theme`). :func:`apply_theme` sets it app-wide:
the Qt palette for ordinary widgets, pyqtgraph's default background and
foreground for plots made later, and a ``changed`` signal that plots made
earlier listen to (:func:`theme_notifier`), so every plot restyles itself
at once.

Sizes live here too, because the app is shown on a lecture projector: ticks,
axis labels and legends are large, and curves are thick, so the back row can
read them. Change ``tick_pt``/``label_pt``/``line_width`` (``dataclasses.replace``)
for a bigger or smaller "presentation mode".
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    """Colours (``#rrggbb``) and sizes (points, pixels) of one look."""

    name: str
    # Qt palette roles
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    disabled_text: str
    # plots
    plot_background: str
    plot_foreground: str
    grid_alpha: float
    series: tuple[str, ...]  # colour cycle for curves (one per layer, train/val, ...)
    warning_background: str
    warning_text: str
    # sizes readable at lecture distance
    tick_pt: int = 13
    label_pt: int = 15
    title_pt: int = 16
    legend_pt: int = 13
    line_width: float = 3.0

    @property
    def is_dark(self) -> bool:
        return QColor(self.plot_background).lightness() < 128

    def tick_font(self) -> QFont:
        font = QFont()
        font.setPointSize(self.tick_pt)
        return font

    def series_color(self, i: int) -> str:
        return self.series[i % len(self.series)]


LIGHT = Theme(
    name="light",
    window="#efefef",
    window_text="#1a1a1a",
    base="#ffffff",
    alternate_base="#f5f5f5",
    text="#1a1a1a",
    button="#e6e6e6",
    button_text="#1a1a1a",
    highlight="#0877bd",
    highlighted_text="#ffffff",
    disabled_text="#8a8a8a",
    plot_background="#ffffff",
    plot_foreground="#222222",
    grid_alpha=0.25,
    # strong colours that stay visible on white (tab10, darkest first)
    series=("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"),
    warning_background="#fde2c8",
    warning_text="#7a2e00",
)

DARK = Theme(
    name="dark",
    window="#2b2b2b",
    window_text="#e8e8e8",
    base="#1e1e1e",
    alternate_base="#262626",
    text="#e8e8e8",
    button="#3a3a3a",
    button_text="#e8e8e8",
    highlight="#3d9be0",
    highlighted_text="#ffffff",
    disabled_text="#7a7a7a",
    plot_background="#161616",
    plot_foreground="#dddddd",
    grid_alpha=0.3,
    # the same hues, lighter, so they stand out on near-black
    series=("#5aaef0", "#ffa24d", "#5ed35e", "#ff6b6b", "#c39bf0",
            "#d29a87", "#ff9ee0", "#bdbdbd", "#e0e04a", "#4fe0f0"),
    warning_background="#5a2a00",
    warning_text="#ffd9b3",
)

THEMES: dict[str, Theme] = {LIGHT.name: LIGHT, DARK.name: DARK}

_current: Theme = LIGHT


class ThemeNotifier(QObject):
    """Emits ``changed(theme)`` after :func:`apply_theme`; plots connect to it."""

    changed = Signal(object)


_notifier: ThemeNotifier | None = None


def theme_notifier() -> ThemeNotifier:
    """The one app-wide notifier (made on first use, so importing needs no QApplication)."""
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier()
    return _notifier


def current_theme() -> Theme:
    """The theme last applied (:data:`LIGHT` until :func:`apply_theme` is called)."""
    return _current


def make_palette(theme: Theme) -> QPalette:
    """A QPalette with every role the app's widgets use, for active and disabled states."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.window_text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.alternate_base,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.button,
        QPalette.ColorRole.ButtonText: theme.button_text,
        QPalette.ColorRole.Highlight: theme.highlight,
        QPalette.ColorRole.HighlightedText: theme.highlighted_text,
        QPalette.ColorRole.ToolTipBase: theme.base,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.disabled_text,
        QPalette.ColorRole.Link: theme.highlight,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.disabled_text))
    return pal


def apply_theme(theme: Theme | str, app: QApplication | None = None,
                use_fusion: bool = True) -> Theme:
    """Make ``theme`` (or its name, ``"light"``/``"dark"``) the app's look.

    Sets the app palette (with the Fusion style, which follows palettes on every
    platform; native styles may ignore a dark palette), pyqtgraph's defaults
    for plots created later, and tells existing plots through
    :func:`theme_notifier`.
    """
    global _current
    if isinstance(theme, str):
        try:
            theme = THEMES[theme]
        except KeyError:
            raise ValueError(f"Unknown theme {theme!r}; choose one of {sorted(THEMES)}.") from None
    app = app or QApplication.instance()
    if app is not None:
        if use_fusion and app.style().name().lower() != "fusion":  # a new style re-polishes every widget
            app.setStyle("Fusion")
        app.setPalette(make_palette(theme))
    pg.setConfigOptions(background=theme.plot_background, foreground=theme.plot_foreground)
    _current = theme
    theme_notifier().changed.emit(theme)
    return theme
