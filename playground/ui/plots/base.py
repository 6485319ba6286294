"""What every live plot shares: redraw-on-version, theme following, big styling.

A plot never receives reports. The :class:`~playground.ui.plots.refresher.PlotRefresher`
calls ``plot.refresh(history)`` about 30 times a second; :meth:`HistoryPlot.refresh`
returns at once unless the history changed since the last redraw (its
``version`` bumped, or it is another history), and only then calls the
subclass's :meth:`HistoryPlot.redraw`. Training can report 200 times a
second and the GUI still draws at most 30 frames.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..theme import Theme, current_theme, theme_notifier

KEEP = object()  # HistoryPlot.newest(): "no new data, keep the picture"
MARKERS_BELOW = 50  # curves with fewer points also draw dots, so 1–2 points are visible
TEXT_FILL_LIMITS = [(0, 0.6), (2, 0.4), (4, 0.25), (6, 0.15)]  # pyqtgraph: 0.8 … 0.2

# legend corner → (itemPos, parentPos, offset) for LegendItem.anchor
CORNERS = {
    "top-right": ((1, 0), (1, 0), (-10, 10)),
    "top-left": ((0, 0), (0, 0), (10, 10)),
    "bottom-right": ((1, 1), (1, 1), (-10, -10)),
    "bottom-left": ((0, 1), (0, 1), (10, -10)),
}


class LectureAxis(pg.AxisItem):
    """An axis whose log scale labels only 1, 2 and 5 within a decade.

    pyqtgraph labels every minor tick (2, 3, … 9) of a log axis, which with
    lecture-size fonts piles the labels on top of each other. It also rescales
    small values into a "(x0.001)" unit, which puzzles students: switched off.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        strings = super().tickStrings(values, scale, spacing)
        if not self.logMode or spacing is not None:  # spacing None = log minor ticks
            return strings
        mantissas = np.round(10.0 ** (np.asarray(values, dtype=float) % 1.0)).astype(int)
        return [s if m in (1, 2, 5) else "" for s, m in zip(strings, mantissas)]


class HistoryPlot(QWidget):
    """Base class of the live plots: a QWidget redrawn from a ``MetricHistory``.

    Subclasses build their widgets in ``__init__``, register pyqtgraph plots
    with :meth:`add_plot_widget` (so they get themed), and implement
    :meth:`redraw`. ``node_names`` maps node ids to the names students gave the
    layers; plots show those where they exist.
    """

    title = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._seen_history = None
        self._seen_version: int | None = None
        self._data_history = None  # the history the shown heavy data came from (newest())
        self._data_value = None  # the heavy data object drawn last (the history carries it forward)
        self.redraw_count = 0  # how many times redraw() ran (tests, profiling)
        self.node_names: dict[str, str] = {}
        self.class_names: list[str] | None = None
        self._plot_widgets: list[pg.PlotWidget] = []
        self._curve_sets: list[CurveSet] = []
        self._controls: list[QWidget] = []
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        self.layout_.setSpacing(4)
        theme_notifier().changed.connect(self.apply_theme)

    # -- refresh protocol -------------------------------------------------
    def refresh(self, history) -> bool:
        """Redraw from ``history`` if it changed since the last call; return whether it did."""
        if history is self._seen_history and history.version == self._seen_version:
            return False
        self._seen_history, self._seen_version = history, history.version
        self.redraw(history)
        self.redraw_count += 1
        self.place_legends()
        return True

    def redraw(self, history) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def newest(self, history, get):
        """This plot's data from the newest report: ``get(report)``.

        Heavy data (decision grids, activations, samples) may come only every
        few reports. When the newest report has none, return :data:`KEEP` if
        something of this history is drawn (keep showing it), or ``None`` when
        there is nothing to show (history cleared, a new history, no data yet).
        """
        report = history.latest
        value = None if report is None else get(report)
        if value is not None:
            if value is self._data_value and history is self._data_history:
                return KEEP  # carried forward from an earlier report: already drawn
            self._data_history, self._data_value = history, value
            return value
        if report is not None and history is self._data_history:
            return KEEP
        self._data_history = self._data_value = None
        return None

    def invalidate(self) -> None:
        """Forget what was drawn, so the next :meth:`refresh` redraws (e.g. after a setting change)."""
        self._seen_version = None

    def _on_control_changed(self, *_args) -> None:
        """Slot for combos and checkboxes: redraw with the new choice.

        (Connect bound methods, never lambdas that capture ``self``: such a
        closure keeps the widget in a reference cycle that Python's garbage
        collector later breaks by deleting the QObject under Qt's feet.)
        """
        self.redraw_now()

    def redraw_now(self) -> None:
        """Redraw from the last history at once (used when a control changes)."""
        if self._seen_history is not None:
            self.redraw(self._seen_history)
            self.redraw_count += 1

    def place_legends(self) -> None:
        """Move each legend to the corner where it hides the fewest data points."""
        for pw in self._plot_widgets:
            place_legend(pw)

    # -- names --------------------------------------------------------------
    def set_node_names(self, names: dict[str, str]) -> None:
        """Show ``names[node]`` instead of raw node ids (e.g. ``{"n3": "hidden 1"}``)."""
        self.node_names = dict(names)
        self.invalidate()

    def set_class_names(self, names: list[str] | None) -> None:
        """The dataset's own class names (``None``: "class 0", "class 1", …)."""
        self.class_names = list(names) if names else None
        self.invalidate()

    def node_label(self, node: str) -> str:
        return self.node_names.get(node, node)

    # -- building blocks ----------------------------------------------------
    def add_plot_widget(self, x_label: str, y_label: str, *, legend: bool = True,
                        title: str | None = None) -> pg.PlotWidget:
        """A themed PlotWidget with large axis labels, a grid and (optionally) a legend."""
        pw = pg.PlotWidget(axisItems={"left": LectureAxis("left"),
                                      "bottom": LectureAxis("bottom")})
        item = pw.getPlotItem()
        item.setMenuEnabled(True)
        item.showGrid(x=True, y=True)
        item.setDownsampling(auto=True, mode="peak")  # long runs stay cheap to draw
        item.setClipToView(True)
        item.getAxis("bottom").setLabel(x_label)
        item.getAxis("left").setLabel(y_label)
        pw._np_title = title if title is not None else self.title  # remembered for restyling
        if legend:
            item.addLegend(offset=(-10, 10))
        self._plot_widgets.append(pw)
        style_plot_widget(pw, current_theme())
        return pw

    def add_curve_set(self, plot_widget: pg.PlotWidget) -> "CurveSet":
        curves = CurveSet(plot_widget.getPlotItem())
        self._curve_sets.append(curves)
        return curves

    def add_header(self, *widgets: QWidget) -> QHBoxLayout:
        """A row of controls (checkbox, combo) above the plot, in a readable font."""
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for w in widgets:
            row.addWidget(w)
            self._controls.append(w)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self._style_controls(current_theme())
        return row

    def _style_controls(self, theme: Theme) -> None:
        for w in self._controls:
            font = QFont(w.font())
            font.setPointSize(theme.tick_pt)
            w.setFont(font)

    def set_title_visible(self, visible: bool) -> None:
        """Hide the in-plot titles when a dock already shows the name."""
        for pw in self._plot_widgets:
            pw._np_title_visible = visible
            style_plot_widget(pw, current_theme())

    # -- theme --------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        """Restyle for ``theme``; subclasses extend this for their own items."""
        for pw in self._plot_widgets:
            style_plot_widget(pw, theme)
        for curves in self._curve_sets:
            curves.restyle(theme)
        self._style_controls(theme)


def style_plot_widget(pw: pg.PlotWidget, theme: Theme) -> None:
    """Background, axis pens, fonts, labels, title and legend of one plot."""
    pw.setBackground(theme.plot_background)
    item = pw.getPlotItem()
    fg = theme.plot_foreground
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(fg, width=1.5))
        axis.setTextPen(fg)
        axis.setTickFont(theme.tick_font())
        # big fonts need fewer labels, or they collide (log axes especially)
        axis.setStyle(tickTextOffset=6, textFillLimits=TEXT_FILL_LIMITS)
        style = {"color": fg, "font-size": f"{theme.label_pt}pt"}
        if axis.labelText or axis.labelUnits:
            axis.setLabel(axis.labelText, axis.labelUnits, **style)
        else:
            axis.labelStyle = style
    if getattr(pw, "_np_grid", True):
        item.showGrid(x=True, y=True, alpha=theme.grid_alpha)
    _style_title(pw, theme)
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(fg)
        legend.setLabelTextSize(f"{theme.legend_pt}pt")
        bg = pg.mkColor(theme.plot_background)
        bg.setAlpha(200)
        legend.setBrush(bg)
        edge = pg.mkColor(fg)
        edge.setAlpha(90)
        legend.setPen(edge)


def _legend_points(item: pg.PlotItem, max_points: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Data points of every curve in display coordinates (log-mapped if the axis is log);
    lines are resampled along their length so a long segment still counts."""
    xs, ys = [], []
    for data_item in item.listDataItems():
        if not data_item.isVisible():
            continue
        x, y = data_item.getData() if hasattr(data_item, "getData") else (None, None)
        if x is None or len(x) == 0:
            continue
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        has_line = getattr(data_item, "opts", {}).get("pen") is not None and len(x) > 1
        if has_line and len(x) < 200:
            t = np.linspace(0, len(x) - 1, 200)
            x, y = np.interp(t, np.arange(len(x)), x), np.interp(t, np.arange(len(y)), y)
        step = max(1, len(x) // max_points)
        xs.append(x[::step])
        ys.append(y[::step])
    if not xs:
        return np.empty(0), np.empty(0)
    x, y = np.concatenate(xs), np.concatenate(ys)
    ok = np.isfinite(x) & np.isfinite(y)
    return x[ok], y[ok]


def legend_corner_counts(item: pg.PlotItem) -> dict[str, int]:
    """How many data points each legend corner would cover."""
    legend = item.legend
    x, y = _legend_points(item)
    if legend is None or len(x) == 0:
        return {}
    vb = item.getViewBox()
    fx = min(0.9, (legend.width() + 20) / max(vb.width(), 1.0))
    fy = min(0.9, (legend.height() + 20) / max(vb.height(), 1.0))
    span_x = x.max() - x.min() or 1.0
    span_y = y.max() - y.min() or 1.0
    u = (x - x.min()) / span_x  # 0 left … 1 right
    v = (y - y.min()) / span_y  # 0 bottom … 1 top
    right, left, top, bottom = u > 1 - fx, u < fx, v > 1 - fy, v < fy
    return {"top-right": int(np.sum(right & top)), "top-left": int(np.sum(left & top)),
            "bottom-right": int(np.sum(right & bottom)), "bottom-left": int(np.sum(left & bottom))}


def place_legend(pw: pg.PlotWidget) -> str | None:
    """Anchor the legend in the corner with the fewest points (stays put on ties)."""
    item = pw.getPlotItem()
    legend = item.legend
    if legend is None or not legend.items:
        return None
    counts = legend_corner_counts(item)
    current = getattr(legend, "_np_corner", "top-right")
    if counts:
        best = min(CORNERS, key=lambda c: counts[c])  # dict order breaks ties: top-right first
        if counts[best] < counts[current]:
            current = best
    if getattr(legend, "_np_corner", None) != current:
        legend.anchor(*CORNERS[current])
        legend._np_corner = current
    return current


def _style_title(pw: pg.PlotWidget, theme: Theme) -> None:
    item = pw.getPlotItem()
    title = getattr(pw, "_np_title", "")
    if title and getattr(pw, "_np_title_visible", True):
        item.setTitle(title, color=theme.plot_foreground, size=f"{theme.title_pt}pt")
        item.titleLabel.setMaximumHeight(theme.title_pt * 2 + 8)
        item.layout.setRowFixedHeight(0, theme.title_pt * 2 + 8)
    else:
        item.setTitle(None)


def set_plot_title(pw: pg.PlotWidget, text: str) -> None:
    """Change a themed plot's title (kept across theme changes)."""
    pw._np_title = text
    _style_title(pw, current_theme())


def make_pen(colour, theme: Theme, *, dashed: bool = False, width: float | None = None):
    return pg.mkPen(colour, width=width or theme.line_width,
                    style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)


class CurveSet:
    """Named line curves in one PlotItem, each with a legend entry and a theme colour.

    ``set_data(name, x, y, label=..., colour_index=..., dashed=...)`` creates
    the curve on first use; :meth:`restyle` recolours all of them for a new
    theme. Curves with few points also draw dots so single points show.
    """

    def __init__(self, plot_item: pg.PlotItem):
        self.plot_item = plot_item
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._style: dict[str, tuple[int, bool]] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.curves

    def get(self, name: str) -> pg.PlotDataItem:
        return self.curves[name]

    def set_data(self, name: str, x: np.ndarray, y: np.ndarray, *, label: str | None = None,
                 colour_index: int = 0, dashed: bool = False) -> pg.PlotDataItem:
        curve = self.curves.get(name)
        if curve is None:
            curve = pg.PlotDataItem(name=label or name, antialias=True)
            self.curves[name] = curve
            self._style[name] = (colour_index, dashed)
            self._apply_style(name, current_theme())
            self.plot_item.addItem(curve)
        curve.setData(x, y)
        self._set_markers(name, len(x))
        return curve

    def remove_except(self, keep: set[str]) -> None:
        """Drop curves whose series disappeared (a new run with other layers)."""
        for name in [n for n in self.curves if n not in keep]:
            curve = self.curves.pop(name)
            self._style.pop(name, None)
            self.plot_item.removeItem(curve)

    def restyle(self, theme: Theme) -> None:
        for name in self.curves:
            self._apply_style(name, theme)

    def _apply_style(self, name: str, theme: Theme) -> None:
        index, dashed = self._style[name]
        colour = theme.series_color(index)
        curve = self.curves[name]
        curve.setPen(make_pen(colour, theme, dashed=dashed))
        curve.setSymbolBrush(colour)
        curve.setSymbolPen(pg.mkPen(colour))
        curve.setSymbolSize(8)

    def _set_markers(self, name: str, n: int) -> None:
        curve = self.curves[name]
        want = "o" if n < MARKERS_BELOW else None
        if curve.opts.get("symbol") != want:
            curve.setSymbol(want)


class WarningLabel(QLabel):
    """A bold, coloured banner for plain-words warnings; hidden when empty."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()
        self.apply_theme(current_theme())

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def apply_theme(self, theme: Theme) -> None:
        self.setStyleSheet(
            f"QLabel {{ background: {theme.warning_background}; color: {theme.warning_text};"
            f" font-size: {theme.label_pt}pt; font-weight: bold; padding: 6px;"
            " border-radius: 4px; }")


class LayerCombo(QComboBox):
    """The "Layer:" choice of a plot that shows one layer at a time (feature maps, weight histograms)."""

    def __init__(self, on_change, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumContentsLength(12)
        self.currentIndexChanged.connect(on_change)

    def current_node(self) -> str | None:
        return self.currentData()

    def set_node(self, node: str) -> None:
        i = self.findData(node)
        if i >= 0:
            self.setCurrentIndex(i)

    def set_nodes(self, nodes: list[str], label) -> None:
        """Offer ``nodes`` (labelled ``label(node)``), keeping the chosen one; no change signal."""
        if [self.itemData(i) for i in range(self.count())] == nodes:
            for i, node in enumerate(nodes):
                self.setItemText(i, label(node))
            return
        current = self.current_node()
        self.blockSignals(True)
        self.clear()
        for node in nodes:
            self.addItem(label(node), node)
        if current in nodes:
            self.setCurrentIndex(nodes.index(current))
        self.blockSignals(False)
