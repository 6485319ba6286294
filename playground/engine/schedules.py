"""Learning-rate schedules: ``schedule(iteration, epoch) -> lr``.

``iteration`` counts batches from 0 over the whole run, ``epoch`` counts passes
over the data from 0. A trainer sets ``optimizer.lr = schedule(iteration, epoch)``
before each step. Schedules that decay "every so often" say whether they count
epochs or iterations with ``unit`` (``"epoch"`` or ``"iteration"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

UNITS = ("epoch", "iteration")


class Schedule:
    name: ClassVar[str] = "schedule"

    def __call__(self, iteration: int, epoch: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def config(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


def _check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(f"unit must be 'epoch' or 'iteration', got {unit!r}")
    return unit


def _count(unit: str, iteration: int, epoch: int) -> int:
    return epoch if unit == "epoch" else iteration


class Constant(Schedule):
    """The same learning rate throughout: ``lr``."""

    name = "constant"

    def __init__(self, lr: float = 0.01):
        self.lr = float(lr)

    def __call__(self, iteration, epoch):
        return self.lr

    def config(self):
        return {"lr": self.lr}


class StepDecay(Schedule):
    """Multiply by ``gamma`` every ``step_size`` epochs (or iterations): ``lr·γ^⌊n/step_size⌋``."""

    name = "step"

    def __init__(self, lr: float = 0.01, step_size: int = 10, gamma: float = 0.1, unit: str = "epoch"):
        if step_size < 1:
            raise ValueError(f"StepDecay step_size must be at least 1, got {step_size}")
        self.lr, self.step_size, self.gamma = float(lr), int(step_size), float(gamma)
        self.unit = _check_unit(unit)

    def __call__(self, iteration, epoch):
        return self.lr * self.gamma ** (_count(self.unit, iteration, epoch) // self.step_size)

    def config(self):
        return {"lr": self.lr, "step_size": self.step_size, "gamma": self.gamma, "unit": self.unit}


class Exponential(Schedule):
    """Shrink smoothly: ``lr·γⁿ`` after ``n`` epochs (or iterations)."""

    name = "exponential"

    def __init__(self, lr: float = 0.01, gamma: float = 0.95, unit: str = "epoch"):
        self.lr, self.gamma = float(lr), float(gamma)
        self.unit = _check_unit(unit)

    def __call__(self, iteration, epoch):
        return self.lr * self.gamma ** _count(self.unit, iteration, epoch)

    def config(self):
        return {"lr": self.lr, "gamma": self.gamma, "unit": self.unit}


class Cosine(Schedule):
    """Half a cosine from ``lr`` down to ``min_lr`` over ``total`` iterations (or epochs).

    ``lr_n = min_lr + (lr − min_lr)·(1 + cos(π·n/total))/2``; stays at ``min_lr`` after ``total``.
    """

    name = "cosine"

    def __init__(self, lr: float = 0.01, total: int = 1000, min_lr: float = 0.0, unit: str = "iteration"):
        if total < 1:
            raise ValueError(f"Cosine total must be at least 1, got {total}")
        self.lr, self.total, self.min_lr = float(lr), int(total), float(min_lr)
        self.unit = _check_unit(unit)

    def __call__(self, iteration, epoch):
        n = min(_count(self.unit, iteration, epoch), self.total)
        return self.min_lr + (self.lr - self.min_lr) * 0.5 * (1.0 + math.cos(math.pi * n / self.total))

    def config(self):
        return {"lr": self.lr, "total": self.total, "min_lr": self.min_lr, "unit": self.unit}


class Warmup(Schedule):
    """Ramp up linearly over the first ``steps`` iterations, then follow ``then``.

    During warm-up ``lr = then(iteration, epoch)·(iteration + 1)/steps``, so the first
    step uses ``1/steps`` of the rate and iteration ``steps − 1`` the full rate.
    ``then`` sees the true iteration and epoch (it is not shifted by the warm-up);
    a number means a constant rate.
    """

    name = "warmup"

    def __init__(self, steps: int = 100, then: Schedule | Callable[[int, int], float] | float = 0.01):
        if steps < 1:
            raise ValueError(f"Warmup steps must be at least 1, got {steps}")
        self.steps = int(steps)
        self.then = Constant(then) if isinstance(then, (int, float)) else then

    def __call__(self, iteration, epoch):
        lr = self.then(iteration, epoch)
        if iteration < self.steps:
            return lr * (iteration + 1) / self.steps
        return lr

    def config(self):
        return {"steps": self.steps, "then": self.then}


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls for cls in (Constant, StepDecay, Exponential, Cosine, Warmup)
}


def get_schedule(name: str, **kwargs) -> Schedule:
    """Make a schedule by name, e.g. ``get_schedule("cosine", lr=0.1, total=500)``.

    For ``"warmup"``, ``then`` may be a schedule, a number, or a dict
    ``{"name": …, **kwargs}`` naming the schedule that follows.
    """
    key = name.lower()
    if key not in SCHEDULES:
        raise ValueError(f"Unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
    then = kwargs.get("then")
    if key == "warmup" and isinstance(then, dict):
        spec = dict(then)
        kwargs["then"] = get_schedule(spec.pop("name"), **spec)
    return SCHEDULES[key](**kwargs)
