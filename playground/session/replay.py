"""Replay a recorded run bit for bit and say whether it came out the same.

A trained project holds its recording (see :func:`~playground.session.compile.store_results`):
the initial weights the run started from, the settings and seed (of the weights,
the shuffling, the data split and every noise layer), the metric history, the final
weights and the optimizer's final state. :func:`replay` builds the run again —
``build_run`` starts from the stored initial weights — and trains it batch by batch.

The recorded curves are means over the batches between two summaries, and the
window summarized when its clock said so (and at every epoch end). The replay
therefore summarizes at exactly the recorded iterations, one
:meth:`Trainer.report` per recorded point, so every recorded number can be
compared with ``==``: on the same backend (NumPy here and NumPy there) they must
be identical, not merely close. The first point that is not says where the runs
parted (a changed setting, other data, another backend or library version).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from playground.model.project import Project

from .compile import Run, build_run
from .history import MetricHistory

PROGRESS_EVERY_S = 0.1  # how often ``progress`` hears about the replay


class ReplayError(ValueError):
    """The project holds nothing to replay; the message says what to do."""


@dataclass(frozen=True)
class Difference:
    """The first recorded point the replay did not reproduce exactly."""

    iteration: int
    series: str  # "train_loss", "val_loss", "lr", "grad_norm/dense_1", …
    recorded: float
    replayed: float | None  # None: the replay has no point there (it stopped earlier)

    def describe(self) -> str:
        got = "nothing (it stopped earlier)" if self.replayed is None else f"{self.replayed!r}"
        return (f"The replay differs from the recording at iteration {self.iteration:,}: "
                f"the {series_words(self.series)} was {self.recorded!r} in the recording, the replay gave {got}.")


def series_words(name: str) -> str:
    """``"val_loss"`` → ``"validation loss"``, ``"grad_norm/dense_1"`` → ``"gradient norm of dense_1"``."""
    if name.startswith("grad_norm/"):
        return f"gradient norm of {name.split('/', 1)[1]}"
    if name.startswith("term_"):
        return f"{name[5:]} penalty"
    if name == "lr":
        return "learning rate"
    for prefix, words in (("train_", "training"), ("val_", "validation")):
        if name.startswith(prefix):
            return f"{words} {name[len(prefix):]}"
    return name


@dataclass(frozen=True)
class ReplayProgress:
    iteration: int
    total: int  # the recording's last iteration
    points: dict[str, list[list[float]]]  # the replay's history so far (plain data)


@dataclass
class ReplayResult:
    recorded: dict[str, list[list[float]]]
    replayed: MetricHistory
    backend: str  # the label of the backend the replay ran on ("NumPy (CPU)")
    difference: Difference | None = None
    weights_differ: str | None = None  # the first final weight that differs (curves alike), or None
    optimizer_differs: bool = False
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)  # what was not stored and so not compared

    @property
    def identical(self) -> bool:
        return (not self.cancelled and self.difference is None and self.weights_differ is None
                and not self.optimizer_differs)

    @property
    def first_different_iteration(self) -> int | None:
        return self.difference.iteration if self.difference is not None else None

    def message(self) -> str:
        """The verdict in one or two plain sentences."""
        if self.cancelled:
            return "Replay stopped before the end: nothing to compare yet."
        if self.difference is not None:
            return self.difference.describe()
        if self.weights_differ is not None:
            return (f"The curves are identical to the recording, but the final weights differ "
                    f"({self.weights_differ}).")
        if self.optimizer_differs:
            return "The curves and weights are identical to the recording, but the optimizer's final state differs."
        count = sum(len(points) for points in self.recorded.values())
        return (f"Identical to the recording: all {count:,} recorded numbers ({len(self.recorded)} curves) "
                f"came out exactly the same on {self.backend}.")


# ----------------------------------------------------------------------------
# what was recorded
# ----------------------------------------------------------------------------
def check_replayable(project: Project) -> None:
    """Raise :class:`ReplayError` unless ``project`` holds a recorded run."""
    if not project.history or not project.history.get("train_loss"):
        raise ReplayError("Nothing to replay: this project holds no recorded run. Train it (F5), "
                          "then replay — or open a project that was saved after training.")


def summary_points(history: Mapping[str, list]) -> Counter:
    """Iteration → how many summaries the recording made there (its ``train_loss`` points)."""
    return Counter(int(x) for x, _ in history.get("train_loss", ()))


# ----------------------------------------------------------------------------
# replaying
# ----------------------------------------------------------------------------
def replay(project: Project, backend: Any = None, *,
           progress: Callable[[ReplayProgress], None] | None = None,
           cancelled: Callable[[], bool] | None = None) -> ReplayResult:
    """Train ``project`` again from its stored initial weights and compare with its recording.

    ``backend`` defaults to the project's setting. ``progress`` hears about the replay
    now and then; ``cancelled()`` is asked between batches. The project is not changed.
    """
    check_replayable(project)
    recorded = {name: [list(map(float, p)) for p in points] for name, points in project.history.items()}
    recorded = {name: points for name, points in recorded.items() if name not in EVENT_SERIES}
    went_on = first_went_on(project.history)
    if went_on is not None:  # a later Play went on from trained weights: replay the run up to there
        recorded = {name: [p for p in points if p[0] <= went_on] for name, points in recorded.items()}
        recorded = {name: points for name, points in recorded.items() if points}
    marks = summary_points(recorded)
    last = max(marks)
    run = _build_long_enough(project, backend, last)
    history, stopped = _train_like_the_recording(run, marks, last, progress, cancelled)
    result = ReplayResult(recorded, history, getattr(run.backend, "label", str(run.backend)),
                          cancelled=stopped)
    if project.initial_weights is None:
        result.notes.append("The project holds no initial weights: the replay started from the "
                            "weights the seed gives.")
    if went_on is not None:
        result.notes.append(f"The run went on from its trained weights at iteration {int(went_on):,} (Play after "
                            "it had finished): the replay reproduces it up to there.")
    if stopped:
        return result
    result.difference = first_difference(recorded, history.to_dict())
    if result.difference is None and went_on is None:  # the final state is of the run that went on
        _compare_final_state(project, run, result)
    return result


WENT_ON = "went_on"
EVENT_SERIES = (WENT_ON, "target_epochs")  # where runs went on and what they aimed at: not replayed


def first_went_on(history: Mapping[str, list]) -> float | None:
    """The first iteration where the recording went on from trained weights, or None."""
    points = history.get(WENT_ON) or []
    return min(float(x) for x, _ in points) if points else None


def _build_long_enough(project: Project, backend: Any, last: int) -> Run:
    """The run, with enough epochs to reach the recording's last iteration (``playground train
    --epochs`` may have trained longer than the settings say)."""
    run = build_run(project, backend=backend)
    per_epoch = run.trainer.batches_per_epoch
    if run.trainer.iterations_total >= last:
        return run
    return build_run(project, backend=run.backend, epochs=math.ceil(last / per_epoch), dataset=run.dataset)


def _train_like_the_recording(run: Run, marks: Counter, last: int, progress, cancelled
                              ) -> tuple[MetricHistory, bool]:
    """Batch by batch up to ``last``, summarizing where the recording did; ``(history, cancelled)``."""
    trainer, history = run.trainer, MetricHistory()

    def summarize() -> None:
        for _ in range(marks.get(trainer.iteration, 0)):
            history.append(trainer.report())

    summarize()  # a run stopped before its first batch still made a (NaN) point
    told = time.perf_counter()
    while trainer.iteration < last and not trainer.finished:
        if cancelled is not None and cancelled():
            return history, True
        trainer.run_batch()
        summarize()
        if progress is not None and time.perf_counter() - told >= PROGRESS_EVERY_S:
            told = time.perf_counter()
            progress(ReplayProgress(trainer.iteration, last, history.to_dict()))
    if progress is not None:
        progress(ReplayProgress(trainer.iteration, last, history.to_dict()))
    return history, False


# ----------------------------------------------------------------------------
# comparing
# ----------------------------------------------------------------------------
def same_number(a: float, b: float) -> bool:
    """Exactly equal (NaN equals NaN: a run that diverged must diverge the same way)."""
    return a == b or (math.isnan(a) and math.isnan(b))


def first_difference(recorded: Mapping[str, list], replayed: Mapping[str, list]) -> Difference | None:
    """The earliest recorded point (lowest iteration) the replay does not match exactly.

    The replay may hold more points than the recording (it summarizes with full reports
    where the window kept only the scalars of an epoch); only recorded points are compared.
    """
    found: Difference | None = None
    for name, points in recorded.items():
        by_iteration: dict[float, list[float]] = {}
        for x, y in replayed.get(name, ()):
            by_iteration.setdefault(float(x), []).append(float(y))
        seen: Counter = Counter()
        for x, y in points:
            x, y = float(x), float(y)
            values = by_iteration.get(x, [])
            got = values[seen[x]] if seen[x] < len(values) else None
            seen[x] += 1
            if got is None or not same_number(y, got):
                if found is None or x < found.iteration:
                    found = Difference(int(x), name, y, got)
                break
    return found


def first_different_array(recorded: Mapping[str, np.ndarray], replayed: Mapping[str, np.ndarray]) -> str | None:
    """The name of the first array that is missing or not bit-identical (NaN equals NaN)."""
    for name in sorted(set(recorded) | set(replayed)):
        a, b = recorded.get(name), replayed.get(name)
        if a is None or b is None:
            return f"{name} is missing"
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
            return name
    return None


def _compare_final_state(project: Project, run: Run, result: ReplayResult) -> None:
    if project.weights is not None:
        result.weights_differ = first_different_array(project.weights, run.net.state_dict())
    else:
        result.notes.append("The project holds no trained weights, so only the curves were compared.")
    stored = project.optimizer_state
    state_dict = getattr(run.trainer.optimizer, "state_dict", None)
    if stored is not None and state_dict is not None:
        result.optimizer_differs = not _same_tree(stored, state_dict())


def _same_tree(a: Any, b: Any) -> bool:
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return (isinstance(a, Mapping) and isinstance(b, Mapping) and set(a) == set(b)
                and all(_same_tree(a[k], b[k]) for k in a))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return first_different_array({"x": np.asarray(a)}, {"x": np.asarray(b)}) is None
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and same_number(float(a), float(b))
    return a == b


__all__ = ["Difference", "ReplayError", "ReplayProgress", "ReplayResult", "check_replayable",
           "first_difference", "replay", "summary_points"]
