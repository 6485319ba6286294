"""Sweep one setting over a list of values and compare the runs.

``make_trainer(value)`` builds a fresh :class:`~playground.session.trainer.Trainer`
for each value (a new network from the same seed, the optimizer with that
learning rate, …). Each run trains to completion headless; we keep its whole
metric history (for "compare runs" overlays: one curve per value, with a
legend) and its final training and validation loss (for "final loss vs
value"). The picture a learning-rate sweep should give: too low crawls, too
high oscillates or diverges, the best lies in between.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.session import probes
from playground.session.history import MetricHistory
from playground.session.report import Report
from playground.session.trainer import Trainer


@dataclass
class SweepRun:
    value: Any
    label: str                     # for the legend, e.g. "lr = 0.1"
    final_train_loss: float        # on the whole training set after the run (NaN if it diverged)
    final_val_loss: float | None   # on the validation set (None without one)
    diverged: bool                 # the loss became NaN or infinite
    message: str                   # the trainer's last word ("Finished 20 epochs.", "Training stopped: …")
    iterations: int
    history: MetricHistory

    def curve(self, name: str = "train_loss") -> tuple[np.ndarray, np.ndarray]:
        """``(iterations, values)`` of one series of this run."""
        return self.history.series(name)


@dataclass
class SweepResult:
    setting: str
    runs: list[SweepRun]

    @property
    def values(self) -> list[Any]:
        return [run.value for run in self.runs]

    def final_losses(self, which: str = "train") -> np.ndarray:
        """Final loss per value (NaN for diverged runs or a missing validation set)."""
        out = []
        for run in self.runs:
            loss = run.final_train_loss if which == "train" else run.final_val_loss
            out.append(np.nan if loss is None else loss)
        return np.asarray(out, dtype=np.float64)

    def best(self, which: str | None = None) -> SweepRun:
        """The run with the lowest final loss (validation when every run has one)."""
        if which is None:
            which = "val" if all(r.final_val_loss is not None for r in self.runs) else "train"
        losses = self.final_losses(which)
        if np.all(np.isnan(losses)):
            raise ValueError("Every run of the sweep diverged; there is no best value")
        return self.runs[int(np.nanargmin(losses))]

    def overlay(self, name: str = "train_loss") -> list[tuple[str, np.ndarray, np.ndarray]]:
        """``(label, iterations, values)`` per run, for one plot with a legend."""
        return [(run.label, *run.curve(name)) for run in self.runs]


def project_with(project, key: str, value):
    """A copy of ``project`` with the setting at dotted path ``key`` set to ``value`` (checked).

    The original is untouched; the copy has no trained weights, optimizer state or
    history (each value trains afresh). A new seed also means new initial weights;
    momentum is an SGD setting, so sweeping it switches the optimizer to SGD.
    """
    settings = copy.deepcopy(project.settings)
    section, _, name = key.rpartition(".")
    target = getattr(settings, section) if section else settings
    setattr(target, name, value)
    if key == "optimizer.momentum":
        settings.optimizer.name = "sgd"
    settings.validate()
    changes = {"settings": settings, "weights": None, "optimizer_state": None, "history": None}
    if key == "seed":
        changes["initial_weights"] = None
    return dataclasses.replace(project, **changes)


def _final_loss(trainer: Trainer, x, t) -> float:
    """Mean loss of the trained network over a whole data set (evaluation mode)."""
    threshold = getattr(trainer, "_threshold", 0.5)
    with np.errstate(over="ignore", invalid="ignore"):
        loss, _ = probes.evaluate(trainer.net, trainer.loss, x, t, trainer.data.task, threshold)
    return loss


def run_to_completion(trainer: Trainer, on_report: Callable[[Report], None] | None = None,
                      should_stop: Callable[[], bool] | None = None) -> tuple[MetricHistory, Report | None]:
    """Drive ``trainer.steps()`` to the end, collecting every report into a history."""
    history, last = MetricHistory(), None
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported, not warned about
        for report in trainer.steps():
            history.append(report)
            last = report
            if on_report is not None:
                on_report(report)
            if should_stop is not None and should_stop():
                trainer.stop()
    return history, last


def sweep(make_trainer: Callable[[Any], Trainer], values: Iterable[Any], *, setting: str = "value",
          label: Callable[[Any], str] | None = None,
          on_report: Callable[[int, Report], None] | None = None,
          should_stop: Callable[[], bool] | None = None) -> SweepResult:
    """Train one run per value; ``on_report(run index, report)`` follows the progress.

    ``should_stop()`` is asked after every report; when it says yes the current
    run stops and no further runs start.
    """
    label = label or (lambda v: f"{setting} = {v:g}" if isinstance(v, (int, float)) else f"{setting} = {v}")
    runs = []
    for index, value in enumerate(values):
        trainer = make_trainer(value)
        history, _ = run_to_completion(
            trainer, None if on_report is None else (lambda r, i=index: on_report(i, r)), should_stop)
        data = trainer.data
        train = _final_loss(trainer, data.x_train, data.y_train)
        val = _final_loss(trainer, data.x_val, data.y_val) \
            if data.x_val is not None and len(data.x_val) else None
        diverged = not math.isfinite(train)  # a diverged run leaves NaN or ∞ in its weights
        if diverged:
            train = float("nan")
            val = None if val is None else float("nan")
        runs.append(SweepRun(value, label(value), train, val, diverged, trainer.message,
                             trainer.iteration, history))
        if should_stop is not None and should_stop():
            break
    return SweepResult(setting, runs)
