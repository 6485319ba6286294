"""Parameter descriptions: what a layer setting is, what values it takes, and the check.

A :class:`ParamSpec` is plain data the inspector turns into a widget (spin box,
check box, combo box, shape field) and the model uses to refuse bad values with a
message a student can act on. Values stay JSON-friendly: shapes are tuples here
and lists in a file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .errors import InvalidParamError

PARAM_TYPES = ("int", "float", "bool", "choice", "shape", "node")
NODE_REF = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")  # the graph's node id rule
MAX_SHAPE_AXES = 4


@dataclass(frozen=True)
class ParamSpec:
    """One setting of a layer kind.

    ``type`` is one of ``int``, ``float``, ``bool``, ``choice``, ``shape`` (a tuple
    of whole numbers, e.g. an input shape ``(1, 28, 28)``), ``node`` (the id of
    another node, e.g. the layer whose weights this one shares; empty text is
    None). ``minimum``/``maximum`` bound numbers (and each entry of a shape);
    ``exclusive_max`` makes the upper bound open (a drop rate is below 1).
    ``optional`` allows ``None`` (e.g. a pooling stride that defaults to the pool
    size). ``arg`` is the engine constructor's keyword when it differs from
    ``name``; ``to_layer=False`` keeps a setting in the model only (such as
    whether an Input takes its shape from the dataset).
    """

    name: str
    type: str
    default: Any
    help: str = ""
    title: str = ""
    minimum: float | None = None
    maximum: float | None = None
    exclusive_min: bool = False
    exclusive_max: bool = False
    choices: tuple[str, ...] = ()
    optional: bool = False
    arg: str | None = None
    to_layer: bool = True
    allow_minus_one: bool = False  # shapes: one axis may be -1 (Reshape works it out)

    def __post_init__(self):
        if self.type not in PARAM_TYPES:
            raise ValueError(f"unknown parameter type {self.type!r}")
        if self.type == "choice" and self.default not in self.choices:
            raise ValueError(f"{self.name}: default {self.default!r} is not one of {self.choices}")

    @property
    def label(self) -> str:
        return self.title or self.name.replace("_", " ").capitalize()

    # ------------------------------------------------------------------
    def coerce(self, value: Any, owner: str = "") -> Any:
        """Return ``value`` in canonical form, or raise :class:`InvalidParamError`.

        ints stay ints (a bool is not a number here), floats accept whole numbers,
        shapes become tuples of ints. ``owner`` (e.g. ``"Dense"``) starts the message.
        """
        where = f"{owner} {self.name}".strip()
        if value is None:
            if self.optional:
                return None
            raise InvalidParamError(f"{where}: a value is needed")
        check = getattr(self, f"_coerce_{self.type}")
        return check(value, where)

    def _coerce_int(self, value, where):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                value = int(value)
            else:
                raise InvalidParamError(f"{where} must be a whole number, got {value!r}")
        self._check_range(value, where)
        return int(value)

    def _coerce_float(self, value, where):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidParamError(f"{where} must be a number, got {value!r}")
        try:
            value = float(value)
        except OverflowError:
            raise InvalidParamError(f"{where} is far too large, got {value!r}") from None
        if not math.isfinite(value):
            raise InvalidParamError(f"{where} must be a finite number, got {value!r}")
        self._check_range(value, where)
        return value

    def _coerce_bool(self, value, where):
        if not isinstance(value, bool):
            raise InvalidParamError(f"{where} must be true or false, got {value!r}")
        return value

    def _coerce_choice(self, value, where):
        if not isinstance(value, str) or value not in self.choices:
            options = ", ".join(self.choices)
            raise InvalidParamError(f"{where} must be one of {options}; got {value!r}")
        return value

    def _coerce_shape(self, value, where):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise InvalidParamError(f"{where} must be a list of whole numbers such as [1, 28, 28], "
                                    f"got {value!r}")
        if not 1 <= len(value) <= MAX_SHAPE_AXES:
            raise InvalidParamError(f"{where} needs 1 to {MAX_SHAPE_AXES} axes, got {len(value)}")
        out = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, int):
                raise InvalidParamError(f"{where} must contain whole numbers only, got {value!r}")
            if self.allow_minus_one and v == -1:
                out.append(-1)
                continue
            self._check_range(v, where, entry=True)
            out.append(int(v))
        if out.count(-1) > 1:
            raise InvalidParamError(f"{where}: only one axis can be -1 (worked out from the others)")
        return tuple(out)

    def _coerce_node(self, value, where):
        """A node id such as ``"dense_1"`` (whether that node exists is the analysis's concern)."""
        if isinstance(value, str) and not value.strip() and self.optional:
            return None
        if not isinstance(value, str) or not NODE_REF.match(value.strip()):
            raise InvalidParamError(f"{where} must be the id of a layer, such as dense_1, got {value!r}")
        return value.strip()

    def _check_range(self, value, where, entry: bool = False) -> None:
        what = f"each entry of {where}" if entry else where
        lo, hi = self.minimum, self.maximum
        if lo is not None and (value < lo or (self.exclusive_min and value == lo)):
            relation = "above" if self.exclusive_min else "at least"
            raise InvalidParamError(f"{what} must be {relation} {_num(lo)}, got {_num(value)}")
        if hi is not None and (value > hi or (self.exclusive_max and value == hi)):
            relation = "below" if self.exclusive_max else "at most"
            raise InvalidParamError(f"{what} must be {relation} {_num(hi)}, got {_num(value)}")

    # ------------------------------------------------------------------
    def to_json(self, value: Any) -> Any:
        """The value as JSON data (tuples become lists)."""
        return list(value) if isinstance(value, tuple) else value

    def describe(self) -> dict[str, Any]:
        """Plain data for the inspector or documentation."""
        return {"name": self.name, "title": self.label, "type": self.type,
                "default": self.to_json(self.default), "help": self.help, "min": self.minimum,
                "max": self.maximum, "choices": list(self.choices), "optional": self.optional}


def _num(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)
