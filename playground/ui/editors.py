"""Editors for parameters and settings: one widget per :class:`~playground.model.params.ParamSpec`.

:func:`make_editor` turns a spec into a widget and wraps it in an
:class:`Editor` with one signal, ``committed(value)``: whole numbers become a
``QSpinBox`` with the spec's range, numbers a :class:`NumberSpinBox` (reads and
shows ``1e-05``), choices a ``QComboBox`` with readable titles, yes/no a
``QCheckBox``, shapes a line like ``1, 28, 28``. Optional values ("empty = the
pool size") show a word such as *auto* at the bottom of the range. The help
text and the range are the tooltip. The inspector, the training settings and
the dataset options all use these, so every panel behaves the same.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from playground.model.catalog import LOSSES
from playground.model.params import ParamSpec

INT_LIMIT = 2**31 - 1
FLOAT_LIMIT = 1e12
OPTIONAL_WORDS = {"stride": "= pool size", "eps": "default", "total": "whole run", "clip_norm": "off",
                  "clip_value": "off"}


CHOICE_TITLES = {
    "sgd": "SGD", "adagrad": "Adagrad", "adadelta": "Adadelta", "rmsprop": "RMSProp", "adam": "Adam",
    "adamw": "AdamW", "auto": "Auto (GPU when it works)", "numpy": "NumPy (CPU)", "cupy": "CuPy (GPU)",
    "l1": "L1", "kl": "KL divergence", "half_sum": "½ Σ (hand derivations)", "mean": "Mean",
}


def choice_title(name: str, choice: str) -> str:
    """What a combo box shows for ``choice`` (loss titles, otherwise words instead of snake_case)."""
    if name == "loss" and choice in LOSSES:
        return LOSSES[choice].title
    if choice in CHOICE_TITLES:
        return CHOICE_TITLES[choice]
    words = choice.replace("_", " ")
    return words[:1].upper() + words[1:]


class NumberSpinBox(QDoubleSpinBox):
    """A double spin box that shows ``0.001`` or ``1e-05`` (no fixed decimals) and reads both."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDecimals(12)
        self.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)

    def textFromValue(self, value: float) -> str:
        return f"{value:.10g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        stripped = text.strip().replace(",", ".")
        if self.specialValueText() and text == self.specialValueText():
            return QValidator.State.Acceptable, text, pos
        if stripped in ("", "-", "+", ".", "-.") or stripped.lower().endswith(("e", "e-", "e+")):
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            return QValidator.State.Invalid, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos


class Editor(QObject):
    """One parameter's widget; ``committed(value)`` fires when the student changed it."""

    committed = Signal(object)

    def __init__(self, spec: ParamSpec, widget: QWidget, get: Callable[[], Any], put: Callable[[Any], None]):
        super().__init__(widget)
        self.spec, self.widget = spec, widget
        self._get, self._put = get, put

    def value(self) -> Any:
        return self._get()

    def set_value(self, value: Any) -> None:
        """Show ``value`` without committing it."""
        self.widget.blockSignals(True)
        try:
            self._put(value)
        finally:
            self.widget.blockSignals(False)

    def commit(self, *_args) -> None:
        self.committed.emit(self.value())


def _bounds(spec: ParamSpec, limit: float, step: float) -> tuple[float, float]:
    lo = -limit if spec.minimum is None else spec.minimum + (step if spec.exclusive_min else 0)
    hi = limit if spec.maximum is None else spec.maximum - (step if spec.exclusive_max else 0)
    return lo, hi


def _int_editor(spec: ParamSpec, value: Any, name: str) -> Editor:
    box = QSpinBox()
    box.setKeyboardTracking(False)
    lo, hi = _bounds(spec, INT_LIMIT - 1, 1)
    lo, hi = int(max(lo, -INT_LIMIT + 1)), int(min(hi, INT_LIMIT - 1))
    none_value = lo - 1 if spec.optional else None
    box.setRange(none_value if spec.optional else lo, hi)
    if spec.optional:
        box.setSpecialValueText(OPTIONAL_WORDS.get(name, "none"))

    def get():
        v = box.value()
        return None if spec.optional and v == none_value else v

    def put(v):
        box.setValue(none_value if v is None else int(v))

    editor = Editor(spec, box, get, put)
    editor.set_value(value)
    box.valueChanged.connect(editor.commit)
    return editor


def _float_editor(spec: ParamSpec, value: Any, name: str) -> Editor:
    box = NumberSpinBox()
    box.setKeyboardTracking(False)
    lo, hi = _bounds(spec, FLOAT_LIMIT, 1e-9)
    if spec.optional:
        # the lowest value reads "off"/"default": for ranges that start above 0, that is 0 itself
        base = spec.minimum if spec.minimum is not None else -FLOAT_LIMIT
        lo = base
        box.setSpecialValueText(OPTIONAL_WORDS.get(name, "none"))
    box.setRange(lo, hi)
    if spec.maximum is not None and spec.maximum <= 1.0 and (spec.minimum or 0) >= 0:
        box.setSingleStep(0.05)

    def get():
        v = box.value()
        return None if spec.optional and v == box.minimum() else v

    def put(v):
        box.setValue(box.minimum() if v is None else float(v))

    editor = Editor(spec, box, get, put)
    editor.set_value(value)
    box.valueChanged.connect(editor.commit)
    return editor


def _bool_editor(spec: ParamSpec, value: Any, name: str) -> Editor:
    box = QCheckBox()
    editor = Editor(spec, box, box.isChecked, lambda v: box.setChecked(bool(v)))
    editor.set_value(value)
    box.toggled.connect(editor.commit)
    return editor


def _choice_editor(spec: ParamSpec, value: Any, name: str) -> Editor:
    box = QComboBox()
    for choice in spec.choices:
        box.addItem(choice_title(name, choice), choice)
        if name == "loss" and choice in LOSSES:
            box.setItemData(box.count() - 1, LOSSES[choice].help, Qt.ItemDataRole.ToolTipRole)

    def put(v):
        i = box.findData(v)
        box.setCurrentIndex(max(i, 0))

    editor = Editor(spec, box, box.currentData, put)
    editor.set_value(value)
    box.currentIndexChanged.connect(editor.commit)
    return editor


def parse_shape(text: str) -> tuple[int, ...] | str:
    """``"1, 28, 28"`` or ``"(1, 28, 28)"`` → ``(1, 28, 28)``; the original text if it is not whole numbers."""
    cleaned = text.strip().strip("()[]").replace("×", ",").replace("x", ",")
    parts = [p for p in cleaned.replace(" ", ",").split(",") if p]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        return text


def _shape_editor(spec: ParamSpec, value: Any, name: str) -> Editor:
    line = QLineEdit()
    line.setPlaceholderText("e.g. 1, 28, 28")

    def put(v):
        line.setText(", ".join(str(int(x)) for x in v) if v else "")

    editor = Editor(spec, line, lambda: parse_shape(line.text()), put)
    editor.set_value(value)
    line.editingFinished.connect(editor.commit)
    return editor


def _node_editor(spec: ParamSpec, value: Any, name: str) -> Editor:
    """Another node's id (e.g. the layer whose weights this one shares); empty = none."""
    line = QLineEdit()
    line.setPlaceholderText("none (e.g. dense_1)")
    editor = Editor(spec, line, lambda: line.text().strip() or None, lambda v: line.setText(v or ""))
    editor.set_value(value)
    line.editingFinished.connect(editor.commit)
    return editor


_MAKERS = {"int": _int_editor, "float": _float_editor, "bool": _bool_editor, "choice": _choice_editor,
           "shape": _shape_editor, "node": _node_editor}


def make_editor(spec: ParamSpec, value: Any = None, name: str | None = None) -> Editor:
    """The widget for ``spec`` showing ``value`` (the default when None and not optional).

    ``name`` is the setting's name when the spec has none (training settings keep
    it in the dataclass field); it picks words such as "off" for optional values.
    """
    if value is None and not spec.optional:
        value = spec.default
    editor = _MAKERS[spec.type](spec, value, name or spec.name)
    tip = spec.help
    if spec.minimum is not None or spec.maximum is not None:
        tip += f"\nRange: {_range_text(spec)}"
    editor.widget.setToolTip(tip)
    return editor


def _range_text(spec: ParamSpec) -> str:
    def num(x):
        return f"{x:g}" if isinstance(x, float) else str(x)

    lo = "−∞" if spec.minimum is None else num(spec.minimum)
    hi = "∞" if spec.maximum is None else num(spec.maximum)
    left = "(" if spec.exclusive_min or spec.minimum is None else "["
    right = ")" if spec.exclusive_max or spec.maximum is None else "]"
    return f"{left}{lo}, {hi}{right}"


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b
