"""The activation gallery: every activation and its derivative, with sliders for their parameters.

A list on the left names every activation of the engine; the plot shows ``f`` (solid) and
``f'`` (dashed) of the selected one, and below it the formula, the derivative's formula,
the range and a note on differentiability and typical use. Activations with parameters
(steepness λ, slope a, α, β, threshold q) get a slider and a spin box each; moving one
redraws at once, so students *see* that a steeper sigmoid has a taller derivative
(``σ'(0) = λ/4``) and that ReLU's derivative jumps at 0.

The curves are not computed here: :func:`playground.session.teaching.gallery.activation_curve`
asks the engine's own activation object (``curve(x)``), and the gaps at the kinks come from
``break_at_kinks`` (a derivative that jumps is not joined by a vertical line).

Use: ``ActivationGallery(parent=None, initial="sigmoid")`` — a plain widget; show it as a
window or put it in a dock.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from playground.engine.activations import ACTIVATIONS, Param
from playground.session.teaching.gallery import (
    GalleryCurve,
    activation_curve,
    break_at_kinks,
)

from ..plots.base import HistoryPlot, make_pen
from ..theme import Theme, current_theme
from .common import heading, lecture_font, paragraph, plain_axes, set_font_size

SYMBOLS = {"steepness": "λ", "slope": "a", "alpha": "α", "beta": "β", "threshold": "q"}
# the slider's span when the engine gives no bound (a parameter may still be typed beyond it)
UI_RANGES = {"steepness": (0.1, 10.0), "slope": (0.0, 1.0), "alpha": (0.0, 3.0), "beta": (0.0, 10.0),
             "threshold": (-3.0, 3.0)}
DEFAULT_RANGE = (-5.0, 5.0)
SLIDER_STEPS = 1000
TYPED_LIMIT = 1e3  # the spin box accepts up to this where the engine has no maximum


def param_span(name: str, spec: Param) -> tuple[float, float]:
    """The slider's ``(low, high)`` for a parameter: the UI's span clipped to what the engine allows."""
    low, high = UI_RANGES.get(name, DEFAULT_RANGE)
    if spec.minimum is not None:
        low = max(low, spec.minimum + (0.01 if spec.exclusive_minimum else 0.0))
    if spec.maximum is not None:
        high = min(high, spec.maximum)
    return low, max(high, low + 1e-6)


class ParamControl(QWidget):
    """A slider and a spin box that show the same value of one activation parameter."""

    value_changed = Signal(str, float)

    def __init__(self, name: str, spec: Param, parent: QWidget | None = None):
        super().__init__(parent)
        self.name, self.spec = name, spec
        self.low, self.high = param_span(name, spec)
        symbol = SYMBOLS.get(name, "")
        self.label = QLabel(f"{name} {symbol}".strip())
        self.label.setToolTip(spec.doc)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setToolTip(spec.doc)
        self.spin = QDoubleSpinBox()
        self.spin.setDecimals(3)
        self.spin.setSingleStep(0.1 if self.high - self.low > 2 else 0.01)
        lo = spec.minimum + (0.001 if spec.exclusive_minimum else 0.0) if spec.minimum is not None else -TYPED_LIMIT
        hi = spec.maximum if spec.maximum is not None else TYPED_LIMIT
        self.spin.setRange(lo, hi)
        self.spin.setToolTip(spec.doc)
        set_font_size([self.label, self.spin])
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.slider, 1)
        row.addWidget(self.spin)
        self._syncing = False
        self.slider.valueChanged.connect(self._on_slider)
        self.spin.valueChanged.connect(self._on_spin)
        self.set_value(spec.default)

    def value(self) -> float:
        return float(self.spin.value())

    def set_value(self, value: float) -> None:
        self.spin.setValue(float(value))  # the slider follows through _on_spin

    def _slider_position(self, value: float) -> int:
        t = (value - self.low) / (self.high - self.low)
        return round(min(max(t, 0.0), 1.0) * SLIDER_STEPS)

    def _on_slider(self, position: int) -> None:
        if self._syncing:
            return
        value = self.low + (self.high - self.low) * position / SLIDER_STEPS
        self.spin.setValue(round(value, 3))

    def _on_spin(self, value: float) -> None:
        self._syncing = True
        try:
            self.slider.setValue(self._slider_position(value))
        finally:
            self._syncing = False
        self.value_changed.emit(self.name, float(value))


class ActivationGallery(HistoryPlot):
    """Every activation (list), its ``f`` and ``f'`` (plot), parameters (sliders) and text.

    ``select(name)`` shows one; ``set_param(name, value)`` moves a slider; ``curve`` is the
    :class:`GalleryCurve` drawn; ``function_item`` / ``derivative_item`` are the two
    pyqtgraph curves (``getData()`` gives what is on screen, NaN at kinks).
    ``selection_changed(name)`` fires when another activation is shown.
    """

    title = ""
    selection_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, initial: str = "sigmoid"):
        super().__init__(parent)
        self.setWindowTitle("Activation functions")
        self.curve: GalleryCurve | None = None
        self.controls: dict[str, ParamControl] = {}
        self.values: dict[str, dict[str, float]] = {}  # slider values remembered per activation

        self.list = QListWidget()
        self.list.setFont(lecture_font("tick"))
        for name, fn in ACTIVATIONS.items():
            item = QListWidgetItem(fn.title or name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(fn.formula)
            self.list.addItem(item)
        self.list.setMinimumWidth(self.list.sizeHintForColumn(0) + 24)

        self.heading = heading()
        self.plot_widget = self.add_plot_widget("x", "f(x), f′(x)", legend=True)
        self.plot_item = self.plot_widget.getPlotItem()
        plain_axes(self.plot_widget)
        self.zero_lines = [pg.InfiniteLine(pos=0, angle=a, movable=False) for a in (0, 90)]
        for line in self.zero_lines:
            line.setZValue(-5)
            self.plot_item.addItem(line)
        self.function_item = pg.PlotDataItem(name="f(x)", connect="finite", antialias=True)
        self.derivative_item = pg.PlotDataItem(name="f′(x)", connect="finite", antialias=True)
        self.plot_item.addItem(self.function_item)
        self.plot_item.addItem(self.derivative_item)
        self.kink_items = pg.ScatterPlotItem(size=11, pxMode=True)
        self.plot_item.addItem(self.kink_items)

        self.params_box = QWidget()
        self.params_layout = QVBoxLayout(self.params_box)
        self.params_layout.setContentsMargins(0, 0, 0, 0)
        self.text = paragraph(rich=True, size="tick")

        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(self.plot_widget, 1)
        column.addWidget(self.params_box)
        column.addWidget(self.text)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        self.layout_.addWidget(splitter, 1)

        self.list.currentRowChanged.connect(self._on_row)
        self.apply_theme(current_theme())
        self.select(initial if initial in ACTIVATIONS else next(iter(ACTIVATIONS)))

    # -- public ----------------------------------------------------------------------
    @property
    def name(self) -> str | None:
        return None if self.curve is None else self.curve.name

    def names(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def select(self, name: str) -> None:
        """Show activation ``name`` (``"sigmoid"``, ``"relu"``, …)."""
        if name not in ACTIVATIONS:
            raise ValueError(f"Unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
        row = self.names().index(name)
        if self.list.currentRow() != row:
            self.list.setCurrentRow(row)  # → _on_row
        else:
            self._show(name)

    def set_param(self, name: str, value: float) -> None:
        """Set a parameter of the shown activation, as moving its slider would."""
        if name not in self.controls:
            raise ValueError(f"{self.name} has no parameter {name!r}; it takes "
                             f"{', '.join(self.controls) or 'no parameters'}")
        self.controls[name].set_value(value)

    def params(self) -> dict[str, float]:
        return {name: control.value() for name, control in self.controls.items()}

    def redraw(self, history) -> None:  # not driven by training reports
        pass

    # -- building -----------------------------------------------------------------------
    def _on_row(self, row: int) -> None:
        if row >= 0:
            self._show(self.list.item(row).data(Qt.ItemDataRole.UserRole))

    def _show(self, name: str) -> None:
        self._build_controls(name)
        self._recompute()
        self.selection_changed.emit(name)

    def _build_controls(self, name: str) -> None:
        for control in self.controls.values():
            self.params_layout.removeWidget(control)
            control.deleteLater()
        self.controls = {}
        remembered = self.values.get(name, {})
        for key, spec in ACTIVATIONS[name].PARAMS.items():
            control = ParamControl(key, spec)
            control.set_value(remembered.get(key, spec.default))
            control.value_changed.connect(self._on_param)
            self.controls[key] = control
            self.params_layout.addWidget(control)
        self.params_box.setVisible(bool(self.controls))

    def _on_param(self, key: str, value: float) -> None:
        self._recompute()

    def _recompute(self) -> None:
        name = self.list.currentItem().data(Qt.ItemDataRole.UserRole)
        params = self.params()
        self.values[name] = params
        self.curve = activation_curve(name, **params)
        self._draw()

    # -- drawing ------------------------------------------------------------------------------
    def _draw(self) -> None:
        curve = self.curve
        self.function_item.setData(curve.x, break_at_kinks(curve, "y"))
        self.derivative_item.setData(curve.x, break_at_kinks(curve, "dy"))
        kinks = [k for k in curve.kinks if curve.x[0] <= k <= curve.x[-1]]
        if kinks:  # the value of f at each kink, as a dot: "here f' does not exist"
            ys = np.interp(kinks, curve.x, curve.y)
            self.kink_items.setData(x=kinks, y=ys)
        else:
            self.kink_items.clear()
        self.plot_item.setXRange(float(curve.x[0]), float(curve.x[-1]), padding=0.02)
        self._fit_y(curve)
        params = ", ".join(f"{SYMBOLS.get(k, k)} = {v:g}" for k, v in curve.params.items())
        self.heading.setText(curve.title + (f"   ({params})" if params else ""))
        self.text.setText(self._description(curve))
        self.place_legends()

    def _fit_y(self, curve: GalleryCurve) -> None:
        values = np.concatenate([curve.y, curve.dy])
        values = values[np.isfinite(values)]
        low, high = (float(values.min()), float(values.max())) if values.size else (-1.0, 1.0)
        low, high = min(low, -0.1), max(high, 1.1)
        pad = 0.08 * (high - low)
        self.plot_item.setYRange(low - pad, high + pad, padding=0)

    @staticmethod
    def _description(curve: GalleryCurve) -> str:
        def esc(text: str) -> str:
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        lines = [f"<b>Function:</b> {esc(curve.formula)}",
                 f"<b>Derivative:</b> {esc(curve.derivative_formula)}",
                 f"<b>Range:</b> {esc(curve.range)}"]
        if curve.kinks:
            where = ", ".join(f"x = {k:g}" for k in curve.kinks)
            lines.append(f"<b>Not differentiable at</b> {where} (marked with a dot).")
        if not curve.has_gradient:
            lines.append("<b>No gradient:</b> f′ is 0 everywhere, so gradient descent cannot learn "
                         "through this unit (the perceptron rule can).")
        if not curve.elementwise:
            lines.append("<b>Shown for two classes:</b> softmax acts on a whole vector; here it is "
                         "the first output of softmax([x, 0]) and its diagonal derivative.")
        lines.append(esc(curve.note))
        return "<br>".join(lines)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if not hasattr(self, "derivative_item"):
            return
        self.function_item.setPen(make_pen(theme.series_color(0), theme))
        self.derivative_item.setPen(make_pen(theme.series_color(1), theme, dashed=True))
        grey = pg.mkColor(theme.plot_foreground)
        grey.setAlpha(110)
        for line in self.zero_lines:
            line.setPen(pg.mkPen(grey, width=1.5))
        self.kink_items.setPen(pg.mkPen(theme.series_color(0), width=2))
        self.kink_items.setBrush(pg.mkBrush(theme.plot_background))
