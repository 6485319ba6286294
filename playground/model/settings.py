"""Training settings and the dataset reference: plain dataclasses with checks.

Every field is described by a :class:`~playground.model.params.ParamSpec` in
its metadata (type, default, range, choices, help), so the same description
serves the settings panel, the checks and the file format. ``to_dict`` gives
plain JSON data; ``from_dict`` is strict (unknown keys and wrong types raise
:class:`SettingsError` naming the setting, e.g. ``optimizer.lr``).

The loss is not here: it belongs to the Output node on the canvas (see
``catalog.LOSSES`` and :meth:`Project.loss`), so there is only one place to
choose it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Mapping

from .errors import InvalidParamError, SettingsError
from .params import ParamSpec

OPTIMIZER_NAMES = ("sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamw")
# the hyperparameters each optimizer takes (engine keyword names)
OPTIMIZER_ARGS: dict[str, tuple[str, ...]] = {
    "sgd": ("lr", "momentum", "nesterov"),
    "adagrad": ("lr", "eps"),
    "adadelta": ("lr", "rho", "eps"),
    "rmsprop": ("lr", "rho", "eps"),
    "adam": ("lr", "beta1", "beta2", "eps"),
    "adamw": ("lr", "beta1", "beta2", "eps", "weight_decay"),
}
SCHEDULE_NAMES = ("constant", "step", "exponential", "cosine")
BACKENDS = ("auto", "numpy", "cupy")


def _setting(type_: str, default: Any, help: str, **kw) -> Any:
    """A dataclass field whose metadata holds the ParamSpec that checks it."""
    spec = ParamSpec("", type_, default, help, **kw)
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"spec": spec})
    return field(default=default, metadata={"spec": spec})


def _nested(cls) -> Any:
    return field(default_factory=cls, metadata={"nested": cls})


# ----------------------------------------------------------------------------
# generic check / to_dict / from_dict for these dataclasses
# ----------------------------------------------------------------------------
class _Settings:
    """Mixin: strict checks and plain-data conversion driven by field metadata."""

    def validate(self, prefix: str = "") -> None:
        """Raise :class:`SettingsError` naming the first bad setting; values are normalized."""
        for f in fields(self):
            path = f"{prefix}{f.name}"
            value = getattr(self, f.name)
            if "nested" in f.metadata:
                if not isinstance(value, f.metadata["nested"]):
                    raise SettingsError(f"{path} must be {f.metadata['nested'].__name__} settings")
                value.validate(prefix=path + ".")
            elif "spec" in f.metadata:
                setattr(self, f.name, _check(f.metadata["spec"], value, path))
        self._check_together(prefix)

    def _check_together(self, prefix: str) -> None:
        """Checks across fields (overridden where needed)."""

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if is_dataclass(value):
                value = value.to_dict()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, (list, dict)):
                value = _plain_copy(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Any, prefix: str = ""):
        """Build and check; missing keys take their defaults, unknown keys are refused."""
        where = prefix.rstrip(".") or "settings"
        if not isinstance(data, Mapping):
            raise SettingsError(f"{where} must be a mapping of setting → value, got {_short(data)}")
        known = {f.name: f for f in fields(cls)}
        unknown = [str(k) for k in data if k not in known]
        if unknown:
            raise SettingsError(f"{where} has unknown setting(s) {', '.join(map(repr, sorted(unknown)))}; "
                                f"known: {', '.join(known)}")
        kwargs = {}
        for name, value in data.items():
            f = known[name]
            if "nested" in f.metadata:
                value = f.metadata["nested"].from_dict(value, prefix=f"{prefix}{name}.")
            kwargs[name] = value
        obj = cls(**kwargs)
        obj.validate(prefix)
        return obj

    @classmethod
    def setting_paths(cls, prefix: str = "") -> list[str]:
        """Dotted names of every setting, e.g. ``["optimizer.name", "optimizer.lr", …]``."""
        paths = []
        for f in fields(cls):
            if "nested" in f.metadata:
                paths += f.metadata["nested"].setting_paths(f"{prefix}{f.name}.")
            else:
                paths.append(f"{prefix}{f.name}")
        return paths

    @classmethod
    def spec_of(cls, name: str) -> ParamSpec:
        """The ParamSpec of a (non-nested) field, for the settings panel."""
        for f in fields(cls):
            if f.name == name and "spec" in f.metadata:
                return f.metadata["spec"]
        raise KeyError(name)


def _check(spec: ParamSpec, value: Any, path: str) -> Any:
    try:
        return spec.coerce(value, owner=path)
    except InvalidParamError as exc:
        raise SettingsError(str(exc)) from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _plain_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_copy(v) for v in value]
    return value


# ----------------------------------------------------------------------------
# settings
# ----------------------------------------------------------------------------
@dataclass
class OptimizerSettings(_Settings):
    """The optimizer and its hyperparameters; :meth:`kwargs` picks the ones it takes."""

    name: str = _setting("choice", "adam", "How the weights move along the gradient.",
                         choices=OPTIMIZER_NAMES)
    lr: float = _setting("float", 0.01, "Learning rate η: the step size w ← w − η·∂L/∂w.",
                         minimum=0.0, exclusive_min=True, maximum=100.0)
    momentum: float = _setting("float", 0.0, "SGD momentum μ: keeps a velocity v ← μv − ηg.",
                               minimum=0.0, maximum=1.0, exclusive_max=True)
    nesterov: bool = _setting("bool", False, "SGD: Nesterov's look-ahead (needs momentum > 0).")
    rho: float = _setting("float", 0.9, "RMSProp/Adadelta: decay ρ of the running mean of g².",
                          minimum=0.0, maximum=1.0, exclusive_max=True)
    beta1: float = _setting("float", 0.9, "Adam β₁: decay of the first moment (mean of g).",
                            minimum=0.0, maximum=1.0, exclusive_max=True)
    beta2: float = _setting("float", 0.999, "Adam β₂: decay of the second moment (mean of g²).",
                            minimum=0.0, maximum=1.0, exclusive_max=True)
    eps: float | None = _setting("float", None, "ε in the denominator; empty = the optimizer's default.",
                                 minimum=0.0, exclusive_min=True, maximum=1.0, optional=True)
    weight_decay: float = _setting("float", 0.01, "AdamW: decoupled weight decay λ (w ← w − ηλw).",
                                   minimum=0.0, maximum=1.0)

    def _check_together(self, prefix: str) -> None:
        if self.name == "sgd" and self.nesterov and self.momentum == 0.0:
            raise SettingsError(f"{prefix}nesterov needs a momentum above 0 (set {prefix}momentum, "
                                "e.g. 0.9, or turn Nesterov off)")

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``engine.optimizers.get_optimizer(name, params, **kwargs)``."""
        out = {arg: getattr(self, arg) for arg in OPTIMIZER_ARGS[self.name]}
        if out.get("eps", 0) is None:
            del out["eps"]
        return out


@dataclass
class ScheduleSettings(_Settings):
    """How the learning rate changes during training (starting from ``optimizer.lr``)."""

    name: str = _setting("choice", "constant", "constant, step decay, exponential decay or cosine.",
                         choices=SCHEDULE_NAMES)
    unit: str = _setting("choice", "epoch", "Whether the schedule counts epochs or iterations (batches).",
                         choices=("epoch", "iteration"))
    step_size: int = _setting("int", 10, "Step decay: multiply by γ every this many epochs/iterations.",
                              minimum=1, maximum=10**7)
    gamma: float = _setting("float", 0.5, "Factor γ for step and exponential decay.",
                            minimum=0.0, exclusive_min=True, maximum=1.0)
    total: int | None = _setting("int", None, "Cosine: length of the half cosine; empty = the whole run.",
                                 minimum=1, maximum=10**9, optional=True)
    min_lr: float = _setting("float", 0.0, "Cosine: the learning rate at the end.", minimum=0.0,
                             maximum=100.0)
    warmup_steps: int = _setting("int", 0, "Iterations of linear warm-up at the start (0 = none).",
                                 minimum=0, maximum=10**7)

    def config(self, lr: float, total_default: int = 1000) -> dict[str, Any]:
        """``{"name": …, **kwargs}`` for ``engine.schedules.get_schedule``; warm-up wraps the rest.

        ``total_default`` is the run length in the schedule's unit (for cosine).
        """
        name = self.name
        if name == "constant":
            inner: dict[str, Any] = {"name": "constant", "lr": lr}
        elif name == "step":
            inner = {"name": "step", "lr": lr, "step_size": self.step_size, "gamma": self.gamma,
                     "unit": self.unit}
        elif name == "exponential":
            inner = {"name": "exponential", "lr": lr, "gamma": self.gamma, "unit": self.unit}
        else:
            inner = {"name": "cosine", "lr": lr, "total": self.total or max(1, int(total_default)),
                     "min_lr": self.min_lr, "unit": self.unit}
        if self.warmup_steps:
            return {"name": "warmup", "steps": self.warmup_steps, "then": inner}
        return inner


@dataclass
class HookSettings(_Settings):
    """Regularization and gradient hooks, one checkbox each in the UI."""

    l1: float = _setting("float", 0.0, "L1 penalty λΣ|w| (drives weights to exactly 0); 0 = off.",
                         minimum=0.0, maximum=10.0)
    l2: float = _setting("float", 0.0, "L2 penalty λΣw² (weight decay); 0 = off.", minimum=0.0, maximum=10.0)
    clip_norm: float | None = _setting("float", None, "Clip the gradient's total norm to this; empty = off.",
                                       minimum=0.0, exclusive_min=True, maximum=1e6, optional=True)
    clip_value: float | None = _setting("float", None, "Clip every gradient entry to ±this; empty = off.",
                                        minimum=0.0, exclusive_min=True, maximum=1e6, optional=True)
    frozen: list[str] = field(default_factory=list)  # node ids whose parameters do not train

    def validate(self, prefix: str = "") -> None:
        super().validate(prefix)
        if not isinstance(self.frozen, (list, tuple)) or not all(isinstance(n, str) for n in self.frozen):
            raise SettingsError(f"{prefix}frozen must be a list of node ids (text), got {_short(self.frozen)}")
        self.frozen = list(dict.fromkeys(self.frozen))

    def configs(self) -> list[tuple[str, dict[str, Any]]]:
        """``[(engine hook name, kwargs), …]`` for ``engine.hooks.get_hook``; frozen nodes as patterns."""
        out: list[tuple[str, dict[str, Any]]] = []
        if self.l1:
            out.append(("l1", {"strength": self.l1}))
        if self.l2:
            out.append(("l2", {"strength": self.l2}))
        if self.clip_norm is not None:
            out.append(("clip_by_norm", {"max_norm": self.clip_norm}))
        if self.clip_value is not None:
            out.append(("clip_by_value", {"limit": self.clip_value}))
        if self.frozen:
            out.append(("freeze", {"patterns": [f"{node}.*" for node in self.frozen]}))
        return out


@dataclass
class EarlyStoppingSettings(_Settings):
    enabled: bool = _setting("bool", False, "Stop when the validation loss stops improving.")
    patience: int = _setting("int", 10, "Epochs to wait for an improvement.", minimum=1, maximum=10**6)
    min_delta: float = _setting("float", 0.0, "The smallest drop in validation loss that counts.",
                                minimum=0.0, maximum=1e6)
    restore_best: bool = _setting("bool", True, "Go back to the weights of the best epoch when stopping.")


@dataclass
class TrainingSettings(_Settings):
    """Everything about a run except the network and the data (the loss lives on the Output node)."""

    optimizer: OptimizerSettings = _nested(OptimizerSettings)
    schedule: ScheduleSettings = _nested(ScheduleSettings)
    hooks: HookSettings = _nested(HookSettings)
    early_stopping: EarlyStoppingSettings = _nested(EarlyStoppingSettings)
    batch_size: int = _setting("int", 32, "Samples per step (1 = stochastic, all = batch gradient descent).",
                               minimum=1, maximum=1_000_000)
    epochs: int = _setting("int", 50, "Passes over the training data.", minimum=1, maximum=1_000_000)
    seed: int = _setting("int", 0, "Seed for weights, shuffling and noise: the same seed gives the same run.",
                         minimum=0, maximum=2**32 - 1)
    backend: str = _setting("choice", "auto", "auto (GPU when it works), numpy (CPU) or cupy (GPU).",
                            choices=BACKENDS)
    validation_split: float = _setting("float", 0.2, "Fraction of the data held out for validation.",
                                       minimum=0.0, maximum=1.0, exclusive_max=True)

    # -- one way to read and write a setting by its dotted path ("optimizer.lr") -----------
    def _owner(self, path: str) -> tuple[Any, str]:
        obj = self
        *parents, name = path.split(".")
        try:
            for part in parents:
                obj = getattr(obj, part)
            type(obj).spec_of(name)
        except (AttributeError, KeyError):
            raise SettingsError(f"there is no setting {path!r}") from None
        return obj, name

    def get(self, path: str) -> Any:
        """The value of dotted setting ``path``."""
        obj, name = self._owner(path)
        return getattr(obj, name)

    @classmethod
    def spec_at(cls, path: str) -> ParamSpec:
        """The ParamSpec of dotted setting ``path`` (its range, choices and help)."""
        obj, name = cls()._owner(path)
        return type(obj).spec_of(name)

    def put(self, path: str, value: Any) -> Any:
        """Set ``path`` to ``value`` after checking it alone and with the other settings; return the old
        value. Raises :class:`SettingsError` naming the setting, and changes nothing, when refused."""
        obj, name = self._owner(path)
        try:
            value = type(obj).spec_of(name).coerce(value, owner=path)
        except InvalidParamError as exc:
            raise SettingsError(str(exc)) from None
        old = getattr(obj, name)
        setattr(obj, name, value)
        try:
            self.validate()
        except SettingsError:
            setattr(obj, name, old)
            raise
        return old


# ----------------------------------------------------------------------------
# dataset reference
# ----------------------------------------------------------------------------
MAX_OPTION_DEPTH = 4


@dataclass
class DatasetRef:
    """Which data to train on: a named dataset (``name``) or a user file (``path``), plus options.

    The options are stored as given (JSON values); the data package checks them
    against the dataset's declared options when it loads.
    """

    name: str | None = None
    path: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def validate(self, prefix: str = "dataset.") -> None:
        if (self.name is None) == (self.path is None):
            raise SettingsError(f"{prefix.rstrip('.')} needs either a dataset name or a file path (exactly one)")
        for key in ("name", "path"):
            value = getattr(self, key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise SettingsError(f"{prefix}{key} must be non-empty text, got {_short(value)}")
            if isinstance(value, str) and ("\x00" in value or len(value) > 4096):
                raise SettingsError(f"{prefix}{key} is not a usable name or path")
        if not isinstance(self.options, Mapping) or not all(isinstance(k, str) for k in self.options):
            raise SettingsError(f"{prefix}options must be a mapping of option name → value")
        for key, value in self.options.items():
            _check_json_value(value, f"{prefix}options.{key}", 0)
        self.options = _plain_copy(dict(self.options))

    @property
    def label(self) -> str:
        if self.name is not None:
            return self.name
        from pathlib import PurePath

        return PurePath(self.path or "").name

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name} if self.name is not None else {"path": self.path}
        out["options"] = _plain_copy(self.options)
        return out

    @classmethod
    def from_dict(cls, data: Any, prefix: str = "dataset.") -> "DatasetRef":
        if not isinstance(data, Mapping):
            raise SettingsError(f"{prefix.rstrip('.')} must be a mapping with a name or path and options")
        unknown = [str(k) for k in data if k not in ("name", "path", "options")]
        if unknown:
            raise SettingsError(f"{prefix.rstrip('.')} has unknown field(s) {', '.join(map(repr, sorted(unknown)))}")
        ref = cls(data.get("name"), data.get("path"), data.get("options", {}))
        ref.validate(prefix)
        return ref


def _check_json_value(value: Any, where: str, depth: int) -> None:
    """Options must be plain JSON values (text, numbers, true/false, null, short lists of them)."""
    if value is None or isinstance(value, (bool, str, int)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**63:
            raise SettingsError(f"{where} is too large a number")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SettingsError(f"{where} must be a finite number, got {value}")
        return
    if isinstance(value, (list, tuple)) and depth < MAX_OPTION_DEPTH:
        for i, item in enumerate(value):
            _check_json_value(item, f"{where}[{i}]", depth + 1)
        return
    raise SettingsError(f"{where} must be text, a number, true/false, or a list of those; got {_short(value)}")


__all__ = ["BACKENDS", "DatasetRef", "EarlyStoppingSettings", "HookSettings", "OPTIMIZER_ARGS",
           "OPTIMIZER_NAMES", "OptimizerSettings", "SCHEDULE_NAMES", "ScheduleSettings", "TrainingSettings"]
