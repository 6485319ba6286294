"""Editors for parameters and settings: one widget per :class:`~playground.model.params.ParamSpec`.

:func:`make_editor` turns a spec into a widget and wraps it in an
:class:`Editor` with one signal, ``committed(value)``: whole numbers become a
``QSpinBox`` with the spec's range, numbers a :class:`NumberSpinBox` (reads and
shows ``1e-05``), choices a ``QComboBox`` with readable titles, yes/no a
``QCheckBox``, shapes a line like ``1, 28, 28``. Optional values ("empty = the
pool size") show a word such as *auto* at the bottom of the range. The help
text and the range are the tooltip, and "What's this?" (Shift+F1) shows the help.
The inspector, the training settings and the dataset options all use these, so every
panel behaves the same.

Number fields never silently revert: a value outside the allowed range stays in the
field, outlined red, with an inline message under it that gives the allowed range
("Must be at least 1 — allowed 1 to 100,000"), and it is not committed. The arrows stay
inside the allowed range. :meth:`Editor.set_warning` adds a quiet note for an allowed
but unusual value (the rule lives in :mod:`playground.model.guidance`).
"""

from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (QAbstractSpinBox, QBoxLayout, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout,
                               QLabel, QLineEdit, QSpinBox, QWidget)

from playground.model.catalog import LOSSES
from playground.model.errors import InvalidParamError
from playground.model.params import ParamSpec

INT_LIMIT = 2**31 - 1
FLOAT_LIMIT = 1e12
OPTIONAL_WORDS = {"stride": "= pool size", "eps": "default", "total": "whole run", "clip_norm": "off",
                  "clip_value": "off"}


CHOICE_TITLES = {
    "sgd": "SGD", "adagrad": "Adagrad", "adadelta": "Adadelta", "rmsprop": "RMSProp", "adam": "Adam",
    "adamw": "AdamW", "numpy": "NumPy (CPU)", "cupy": "CuPy (GPU)",
    "l1": "L1", "kl": "KL divergence", "half_sum": "½ Σ (hand derivations)", "mean": "Mean",
}
# a choice whose title depends on the setting: "auto" of a CSV's task is not about the GPU
NAMED_CHOICE_TITLES = {("task", "auto"): "Auto (from the targets)",
                       ("backend", "auto"): "Auto (GPU when it works)"}
ERROR_COLOUR = "#d62728"
WARNING_STYLE = "color: palette(placeholder-text); font-style: italic;"


def choice_title(name: str, choice: str) -> str:
    """What a combo box shows for ``choice`` (loss titles, otherwise words instead of snake_case)."""
    if name == "loss" and choice in LOSSES:
        return LOSSES[choice].title
    if (name, choice) in NAMED_CHOICE_TITLES:
        return NAMED_CHOICE_TITLES[(name, choice)]
    if choice == "auto":
        return "Auto"
    if choice in CHOICE_TITLES:
        return CHOICE_TITLES[choice]
    words = choice.replace("_", " ")
    return words[:1].upper() + words[1:]


class _SoftRange:
    """A spin box that takes any number typed but whose arrows stay in the allowed range.

    The widget's own range is wide, so Qt never reverts or clamps a typed value; the
    :class:`Editor` checks it against the spec and says what is wrong.
    """

    allowed: tuple[float, float] | None = None

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        super().stepBy(steps)
        if self.allowed is not None:
            lo, hi = self.allowed
            if self.value() < lo and not self.specialValueText():
                self.setValue(lo)
            elif self.value() > hi:
                self.setValue(hi)

    def stepEnabled(self):  # noqa: N802 - Qt's name
        flags = super().stepEnabled()
        if self.allowed is not None:
            lo, hi = self.allowed
            step = QAbstractSpinBox.StepEnabledFlag
            if self.value() >= hi:
                flags &= ~step.StepUpEnabled
            if self.value() <= lo and not self.specialValueText():
                flags &= ~step.StepDownEnabled
        return flags


class IntSpinBox(_SoftRange, QSpinBox):
    """A whole-number field with a soft range (see :class:`_SoftRange`)."""


class NumberSpinBox(_SoftRange, QDoubleSpinBox):
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
    """One parameter's widget; ``committed(value)`` fires when the student changed it to an allowed value.

    ``problem`` is the inline message shown now (``""`` when none); ``level`` is
    ``"error"`` (the value is refused and stays visible) or ``"warning"`` (allowed
    but unusual). ``allowed`` is the number range the spec allows, or ``None``.
    """

    committed = Signal(object)

    def __init__(self, spec: ParamSpec, widget: QWidget, get: Callable[[], Any], put: Callable[[Any], None],
                 check: bool = False):
        super().__init__(widget)
        self.spec, self.widget = spec, widget
        self._get, self._put = get, put
        self._check = check  # numbers: check the range here (the widget's own range is wide)
        self.allowed: tuple[float, float] | None = None
        self.error = ""
        self.warning = ""
        self.message: QLabel | None = None  # the inline message, made when first needed

    @property
    def problem(self) -> str:
        return self.error or self.warning

    @property
    def level(self) -> str:
        return "error" if self.error else ("warning" if self.warning else "")

    def value(self) -> Any:
        return self._get()

    def set_value(self, value: Any) -> None:
        """Show ``value`` without committing it (a refused value shown before is replaced)."""
        self.widget.blockSignals(True)
        try:
            self._put(value)
        finally:
            self.widget.blockSignals(False)
        self._set_error("")

    def commit(self, *_args) -> None:
        value = self.value()
        if self._check:
            try:
                self.spec.coerce(value)
            except InvalidParamError as exc:
                self._set_error(refusal_text(self.spec, str(exc)))
                return
        self._set_error("")
        self.committed.emit(value)

    def set_warning(self, text: str) -> None:
        """A quiet note for an allowed but unusual value (``""`` removes it)."""
        self.warning = text or ""
        self._show_message()

    def _set_error(self, text: str) -> None:
        self.error = text
        self.widget.setStyleSheet(f"border: 1px solid {ERROR_COLOUR}; border-radius: 2px;" if text else "")
        self._show_message()

    def _show_message(self) -> None:
        text = self.problem
        if not text and self.message is None:
            return
        label = self._message_label()
        label.setText(text)
        label.setStyleSheet(f"color: {ERROR_COLOUR};" if self.error else WARNING_STYLE)
        label.setVisible(bool(text) and not self.widget.isHidden())

    def _message_label(self) -> QLabel:
        """The label under the field: a row of its own in a form, or after the field in a box layout."""
        if self.message is not None:
            return self.message
        label = QLabel()
        label.setWordWrap(True)
        label.setObjectName("field_message")
        label.setAccessibleName("problem with this value")
        self.message = label
        parent = self.widget.parentWidget()
        layout = _layout_holding(parent.layout(), self.widget) if parent is not None else None
        if isinstance(layout, QFormLayout):
            row, _role = layout.getWidgetPosition(self.widget)
            layout.insertRow(row + 1, "", label)
        elif isinstance(layout, QBoxLayout):
            layout.insertWidget(layout.indexOf(self.widget) + 1, label)
        else:  # not laid out yet (a test, a dialog being built): float under the field
            label.setParent(self.widget)
            label.setWindowFlags(Qt.WindowType.ToolTip)
        self.widget.destroyed.connect(lambda *_: self._drop_label())
        return label

    def _drop_label(self) -> None:
        label, self.message = self.message, None
        try:
            if label is not None:
                label.deleteLater()
        except RuntimeError:  # deleted with its parent already
            pass


def _layout_holding(layout, widget):
    """The layout (``layout`` or one nested in it) whose direct item is ``widget``."""
    if layout is None:
        return None
    if layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        child = layout.itemAt(i).layout()
        found = _layout_holding(child, widget)
        if found is not None:
            return found
    return None


def refusal_text(spec: ParamSpec, reason: str) -> str:
    """``"Must be at least 1, got 0 — allowed: 1 to 100,000"``: why, and what is allowed."""
    why = reason.split(": ", 1)[-1] if reason.startswith(spec.name) else reason
    if why.startswith(spec.name):
        why = why[len(spec.name):].strip()
    why = why[:1].upper() + why[1:]
    return f"{why} — allowed: {allowed_text(spec)}"


def allowed_text(spec: ParamSpec) -> str:
    """The allowed range in words: ``1 to 100,000``, ``above 0``, ``0 to below 1``."""
    def num(x):
        return f"{x:,g}" if isinstance(x, float) else f"{x:,}"

    lo, hi = spec.minimum, spec.maximum
    if lo is None and hi is None:
        return "any number"
    if hi is None:
        return f"above {num(lo)}" if spec.exclusive_min else f"{num(lo)} or more"
    if lo is None:
        return f"below {num(hi)}" if spec.exclusive_max else f"{num(hi)} or less"
    left = f"above {num(lo)}" if spec.exclusive_min else num(lo)
    right = f"below {num(hi)}" if spec.exclusive_max else num(hi)
    return f"{left} to {right}"


def _bounds(spec: ParamSpec, limit: float, step: float) -> tuple[float, float]:
    lo = -limit if spec.minimum is None else spec.minimum + (step if spec.exclusive_min else 0)
    hi = limit if spec.maximum is None else spec.maximum - (step if spec.exclusive_max else 0)
    return lo, hi


def _int_editor(spec: ParamSpec, value: Any, name: str) -> Editor:
    box = IntSpinBox()
    box.setKeyboardTracking(False)
    lo, hi = _bounds(spec, INT_LIMIT - 1, 1)
    lo, hi = int(max(lo, -INT_LIMIT + 1)), int(min(hi, INT_LIMIT - 1))
    none_value = lo - 1 if spec.optional else None
    # typed values may leave the allowed range (and are then refused in words); "none" stays at the bottom
    box.setRange(none_value if spec.optional else -INT_LIMIT + 1, INT_LIMIT - 1)
    box.allowed = (lo, hi)
    if spec.optional:
        box.setSpecialValueText(OPTIONAL_WORDS.get(name, "none"))

    def get():
        v = box.value()
        return None if spec.optional and v == none_value else v

    def put(v):
        box.setValue(none_value if v is None else int(v))

    editor = Editor(spec, box, get, put, check=True)
    editor.allowed = (lo, hi)
    editor.set_value(value)
    box.valueChanged.connect(editor.commit)
    return editor


def _float_editor(spec: ParamSpec, value: Any, name: str) -> Editor:
    box = NumberSpinBox()
    box.setKeyboardTracking(False)
    lo, hi = _bounds(spec, FLOAT_LIMIT, 1e-9)
    bottom = -FLOAT_LIMIT
    if spec.optional:
        # the lowest value reads "off"/"default": for ranges that start above 0, that is 0 itself
        bottom = spec.minimum if spec.minimum is not None else -FLOAT_LIMIT
        lo = bottom
        box.setSpecialValueText(OPTIONAL_WORDS.get(name, "none"))
    box.setRange(bottom, FLOAT_LIMIT)
    box.allowed = (lo, hi)
    if spec.maximum is not None and spec.maximum <= 1.0 and (spec.minimum or 0) >= 0:
        box.setSingleStep(0.05)

    def get():
        v = box.value()
        return None if spec.optional and v == box.minimum() else v

    def put(v):
        box.setValue(box.minimum() if v is None else float(v))

    editor = Editor(spec, box, get, put, check=True)
    editor.allowed = (lo, hi)
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
    editor.widget.setWhatsThis(whats_this_text(spec.label, tip))
    return editor


def whats_this_text(title: str, help_text: str) -> str:
    """Rich text for Qt's "What's this?" (Shift+F1): the title in bold, then the help."""
    from html import escape

    body = "<br>".join(escape(line) for line in help_text.splitlines() if line.strip())
    return f"<b>{escape(title)}</b><br>{body}" if body else f"<b>{escape(title)}</b>"


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
