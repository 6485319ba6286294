"""Named datasets with typed options: what the training settings panel lists.

Each loader is registered under a short name with the options it takes::

    @register("circle", "Circle", group="2-D classification", task="binary",
              options=[Option("n", "int", 400, (20, 5000), "number of points"), ...])
    def circle(n=400, noise=0.0, seed=0): ...

The app lists :func:`list_datasets` (grouped, with each option's name, type,
default, range or choices and help text), stores ``(name, options)`` in the
project, and calls :func:`load_dataset` to make the data again — every
generator is seeded, so the same options give the same arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from .bounded import text_problem
from .errors import DatasetError

MAX_TEXT = 4096  # characters of a text or path option

OPTION_TYPES = ("int", "float", "bool", "choice", "multichoice", "str", "path")
GROUPS = (
    "2-D classification",
    "2-D regression",
    "Tabular",
    "Images",
    "Sequences",
    "Your files",
)


@dataclass(frozen=True)
class Option:
    """One loader argument as the UI shows it.

    ``type`` is one of ``int``, ``float``, ``bool``, ``choice`` (one of ``choices``),
    ``multichoice`` (a tuple of ``choices``), ``str``, ``path`` (a file or folder).
    ``range`` is ``(low, high)`` inclusive for numbers; ``label`` is the UI caption;
    ``aliases`` maps other spellings of a choice (lower case) to the choice itself.
    """

    name: str
    type: str
    default: Any
    range: tuple[float, float] | None = None
    help: str = ""
    choices: tuple[str, ...] = ()
    label: str = ""
    aliases: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # other spellings

    def __post_init__(self):
        if self.type not in OPTION_TYPES:
            raise ValueError(f"option {self.name!r}: unknown type {self.type!r}")
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())

    def check(self, value: Any, dataset: str = "") -> Any:
        """Return ``value`` converted to this option's type, or raise :class:`DatasetError`."""
        where = f"option {self.name!r}" + (f" of dataset {dataset!r}" if dataset else "")
        kind = self.type
        try:
            if kind == "int":
                if isinstance(value, bool) or not math.isfinite(float(value)) or float(value) != int(float(value)):
                    raise ValueError
                value = int(value) if isinstance(value, int) else int(float(value))
            elif kind == "float":
                if isinstance(value, bool) or not math.isfinite(float(value)):
                    raise ValueError
                value = float(value)
            elif kind == "bool":
                if not isinstance(value, (bool, int)) or value not in (0, 1):
                    raise ValueError
                value = bool(value)
            elif kind in ("str", "path", "choice"):
                if not isinstance(value, str) or text_problem(value) or len(value) > MAX_TEXT:
                    raise ValueError
                value = self._canonical(value) if kind == "choice" else value
            elif kind == "multichoice":
                value = (value,) if isinstance(value, str) else tuple(value)
                if len(value) > len(self.choices) or not all(isinstance(v, str) for v in value):
                    raise ValueError
                value = tuple(self._canonical(v) for v in value)
        except (TypeError, ValueError, OverflowError):
            raise DatasetError(f"{where} must be {_a(kind)}, got {_shown(value)}") from None
        if self.range is not None and kind in ("int", "float"):
            low, high = self.range
            if not low <= value <= high:
                raise DatasetError(f"{where} must lie between {low} and {high}, got {value}")
        if kind == "choice" and value not in self.choices:
            raise DatasetError(f"{where} must be one of {', '.join(self.choices)}; got {value!r}")
        if kind == "multichoice":
            unknown = [v for v in value if v not in self.choices]
            if unknown:
                raise DatasetError(
                    f"{where}: unknown {', '.join(map(repr, unknown))}; choose from {', '.join(self.choices)}"
                )
        return value

    def _canonical(self, value):
        """The listed choice ``value`` stands for: itself, a case-insensitive match, or an alias."""
        key = str(value).strip().lower()
        if value in self.choices:
            return value
        match = next((c for c in self.choices if c.lower() == key), None)
        return match or self.aliases.get(key, value)

    def to_dict(self) -> dict:
        """Plain data (for a UI form or JSON)."""
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "default": list(self.default) if isinstance(self.default, tuple) else self.default,
            "range": list(self.range) if self.range else None,
            "choices": list(self.choices),
            "help": self.help,
        }


def _shown(value: Any) -> str:
    """``repr`` of a value for a message, short and always printable (lone surrogates escaped)."""
    text = ascii(value) if isinstance(value, str) and text_problem(value) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _a(kind: str) -> str:
    return {
        "int": "a whole number",
        "float": "a number",
        "bool": "true or false",
        "choice": "one of the listed choices",
        "multichoice": "a list of choices",
        "str": "text",
        "path": "a file or folder path (text)",
    }[kind]


@dataclass(frozen=True)
class DatasetInfo:
    """A registered dataset: its name, where the UI lists it, its options and loader."""

    name: str
    title: str
    group: str
    task: str  # the usual task; the loaded Dataset carries the real one (a CSV decides itself)
    description: str
    options: tuple[Option, ...]
    loader: Callable[..., Any] = field(repr=False)

    def option(self, name: str) -> Option:
        for opt in self.options:
            if opt.name == name:
                return opt
        raise DatasetError(
            f"dataset {self.name!r} has no option {name!r}; its options are "
            f"{', '.join(o.name for o in self.options) or '(none)'}"
        )

    def defaults(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}

    def resolve(self, options: dict[str, Any]) -> dict[str, Any]:
        """Defaults overlaid with ``options``, each checked and converted."""
        values = self.defaults()
        for name, value in options.items():
            values[name] = self.option(name).check(value, self.name)
        return values

    def load(self, **options):
        return self.loader(**self.resolve(options))

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "group": self.group,
            "task": self.task,
            "description": self.description,
            "options": [o.to_dict() for o in self.options],
        }


_REGISTRY: dict[str, DatasetInfo] = {}


def register(name: str, title: str, *, group: str, task: str, description: str = "", options=()):
    """Decorator: list ``loader`` under ``name`` with its options."""
    if group not in GROUPS:
        raise ValueError(f"unknown dataset group {group!r}")

    def decorate(loader):
        if name in _REGISTRY:
            raise ValueError(f"dataset {name!r} is registered twice")
        doc = description or (loader.__doc__ or "").strip().split("\n")[0]
        _REGISTRY[name] = DatasetInfo(name, title, group, task, doc, tuple(options), loader)
        return loader

    return decorate


def list_datasets(group: str | None = None) -> list[DatasetInfo]:
    """Registered datasets in UI order (by group, then registration order)."""
    infos = [i for i in _REGISTRY.values() if group is None or i.group == group]
    return sorted(infos, key=lambda i: GROUPS.index(i.group))


def dataset_info(name: str) -> DatasetInfo:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise DatasetError(
            f"unknown dataset {name!r}; available: {', '.join(sorted(_REGISTRY))}"
        ) from None


def load_dataset(name: str, **options):
    """Make the dataset ``name`` with ``options`` (checked against its declared options)."""
    return dataset_info(name).load(**options)
