"""The run of the open project, as a model with events: what every training view renders from.

A :class:`RunModel` holds what a run is *doing* and what came of it so far that
is not the weights (those live in the project, see
:class:`~playground.model.document.Document`): the state, the counters, the
metric history, the message the last run ended with, and the data the plots
draw on (points of a 2-D dataset, class names). Views never keep copies of any
of it; they subscribe and render.

States: ``untrained`` (no trained weights), ``preparing`` (Play pressed, data
and network being built), ``training``, ``paused``, ``finished`` (trained
weights exist; Play trains on from them).

Events (psygnal, no Qt): ``state_changed(state)``, ``reported(Report)`` (a new
report or a picture of the current weights), ``data_changed(RunData | None)``,
``message_changed(text, is_error)``, ``speed_changed(epochs per second | None)`` and
``cleared()`` (history and counters gone: Reset, another project).

The speed is how fast a run may go: 2-D points train hundreds of epochs a second, too fast
to see the boundary form, so they are watched at :data:`WATCHABLE_SPEED` epochs a second
unless the student picks another speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from psygnal import Signal

from .history import MetricHistory
from .report import Report

UNTRAINED, PREPARING, TRAINING, PAUSED, FINISHED = "untrained", "preparing", "training", "paused", "finished"
STATES = (UNTRAINED, PREPARING, TRAINING, PAUSED, FINISHED)
BUSY = (PREPARING, TRAINING, PAUSED)
STATE_TEXT = {UNTRAINED: "Ready", PREPARING: "Preparing…", TRAINING: "Training", PAUSED: "Paused",
              FINISHED: "Finished"}
# how fast a run may go, in epochs per second (None: as fast as the machine can)
SPEEDS: tuple[float | None, ...] = (1, 2, 5, 10, 20, 50, 100, None)
WATCHABLE_SPEED = 20  # small 2-D data: the boundary and unit maps move smoothly, every epoch drawn


def speed_text(speed: float | None) -> str:
    return "as fast as possible" if speed is None else f"{speed:g} epoch{'s' if speed != 1 else ''} a second"


def default_speed(data: "RunData | None") -> float | None:
    """Watchable for 2-D points (they train hundreds of epochs a second), full speed otherwise."""
    return WATCHABLE_SPEED if data is not None and data.plane else None


@dataclass
class RunData:
    """What the plots draw besides the history: the data of the open project (host arrays)."""

    task: str | None = None
    plane: bool = False  # 2-D points: a decision boundary is drawn
    images: bool = False
    x_train: np.ndarray | None = None  # for 2-D data: the points (first two columns)
    y_train: np.ndarray | None = None
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    class_names: list[str] = field(default_factory=list)


def run_data_of(task: str | None, plane: bool, x_train, y_train, x_val=None, y_val=None,
                class_names=()) -> RunData:
    """What the plots draw of some data: for 2-D points the points (first two columns), and the
    task, whether they are images, and the class names."""
    return RunData(task=task, plane=plane, images=np.ndim(x_train) == 4,
                   x_train=x_train[:, :2] if plane else None, y_train=y_train if plane else None,
                   x_test=x_val[:, :2] if plane and x_val is not None else None,
                   y_test=y_val if plane and x_val is not None else None,
                   class_names=[str(n) for n in (class_names or ())])


@dataclass
class Counters:
    epoch: int = 0  # epochs finished
    iteration: int = 0  # batches trained
    target_epochs: int = 0  # where the run (or the one Play starts) stops
    iterations_total: int = 0
    learning_rate: float | None = None  # the rate the last batch used (a schedule moves it)


def counters_from_history(history: MetricHistory) -> Counters:
    """Epoch and iteration of a stored run (a reopened project), read from its curves."""
    iterations, _ = history.series("train_loss")
    _, epochs = history.series("epoch")
    counters = Counters()
    if len(epochs):
        counters.epoch = int(epochs[-1])
    if len(iterations):
        counters.iteration = int(iterations[-1])
    _, targets = history.series("target_epochs")
    counters.target_epochs = int(targets[-1]) if len(targets) else counters.epoch  # a run stopped early
    counters.iterations_total = counters.iteration
    return counters


class RunModel:
    """State, counters, history and plot data of the open project's run."""

    state_changed = Signal(str)
    reported = Signal(object)  # Report
    data_changed = Signal(object)  # RunData | None
    message_changed = Signal(str, bool)  # text, is_error
    speed_changed = Signal(object)  # epochs per second, or None
    cleared = Signal()

    def __init__(self):
        self.state = UNTRAINED
        self.history = MetricHistory()
        self.counters = Counters()
        self.data: RunData | None = None
        self.message = ""
        self.error = False
        self.speed: float | None = None
        self.speed_chosen = False  # the student picked a speed: it no longer follows the data

    # -- questions --------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.state in BUSY

    @property
    def running(self) -> bool:
        """Training without a pause (or about to): the network's structure must not change now."""
        return self.state in (PREPARING, TRAINING)

    @property
    def cut_short(self) -> bool:
        """Finished before the epochs it was started for (stopped, early stopping, NaN)."""
        c = self.counters
        return self.state == FINISHED and c.epoch < c.target_epochs

    def state_text(self) -> str:
        return "Stopped" if self.cut_short else STATE_TEXT[self.state]

    def next_target(self, epochs: int) -> int:
        """The epoch count Play trains to: on to the target of a run cut short, else ``epochs`` more."""
        c = self.counters
        return c.target_epochs if c.epoch < c.target_epochs else c.epoch + int(epochs)

    # -- changes ------------------------------------------------------------------
    def set_state(self, state: str) -> None:
        if state not in STATES:
            raise ValueError(f"unknown run state {state!r}")
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def begin(self, target_epochs: int, iterations_total: int, going_on: bool = False) -> None:
        """A run starts (or, ``going_on`` from trained weights, goes on) towards ``target_epochs``;
        history and counters continue."""
        if going_on:
            self.history.mark("went_on", self.counters.iteration, self.counters.epoch)
        self.history.mark("target_epochs", self.counters.iteration, target_epochs)  # kept with the curves
        self.counters.target_epochs = int(target_epochs)
        self.counters.iterations_total = int(iterations_total)
        self.set_message("")
        self.set_state(TRAINING)

    def append(self, reports: list[Report]) -> None:
        """Reports from the training process, oldest first (the history keeps them all)."""
        for report in reports:
            self.history.append(report)
            c = self.counters
            c.epoch, c.iteration = report.epoch, report.iteration
            c.iterations_total, c.learning_rate = report.iterations_total, report.learning_rate
        if reports:
            self.reported.emit(reports[-1])

    def show(self, report: Report) -> None:
        """A picture of the current weights (decision grid, weight statistics) without new curve points:
        a reopened project, or weights edited by hand."""
        self.history.show(report)
        self.reported.emit(report)

    def set_data(self, data: RunData | None) -> None:
        self.data = data
        if not self.speed_chosen:
            self._set_speed(default_speed(data))
        self.data_changed.emit(data)

    def set_speed(self, speed: float | None) -> None:
        """The student's choice of speed (one of :data:`SPEEDS`)."""
        if speed not in SPEEDS:
            raise ValueError(f"speed must be one of {SPEEDS}, got {speed!r}")
        self.speed_chosen = True
        self._set_speed(speed)

    def step_speed(self, steps: int) -> None:
        """Faster (``steps`` > 0) or slower along :data:`SPEEDS` (the + and − keys)."""
        i = SPEEDS.index(self.speed) if self.speed in SPEEDS else len(SPEEDS) - 1
        self.set_speed(SPEEDS[min(len(SPEEDS) - 1, max(0, i + steps))])

    def _set_speed(self, speed: float | None) -> None:
        if speed != self.speed:
            self.speed = speed
            self.speed_changed.emit(speed)

    def set_message(self, text: str, error: bool = False) -> None:
        if (text, error) != (self.message, self.error):
            self.message, self.error = text, error
            self.message_changed.emit(text, error)

    def clear(self, trained: bool = False) -> None:
        """Forget the history and counters (Reset); ``trained`` if the weights stay trained."""
        self.history.clear()
        self.counters = Counters()
        self.set_message("")
        self.set_state(FINISHED if trained else UNTRAINED)
        self.cleared.emit()

    def restore(self, history: dict | None, trained: bool) -> None:
        """Take over a stored run (a project opened from a file): its curves, counters and state."""
        self.history.replace(MetricHistory.from_dict(history) if history else MetricHistory())
        self.counters = counters_from_history(self.history)
        self.set_message("")
        self.set_state(FINISHED if trained else UNTRAINED)
        self.cleared.emit()
