"""Training in a child process, so the window never competes with it for Python's GIL.

Why a process and not a thread: the engine makes many small NumPy calls, and
NumPy drops and retakes the GIL around many of them. CPython hands a waiting
thread the GIL only when the holder has not retaken it for a whole switch
interval (5 ms), so a training thread that keeps retaking it starves the GUI
thread: measured here, a 4 ms plot redraw took 60 ms with a training thread
running, and on tiny data the window froze for seconds. A child process has
its own interpreter; training and drawing run side by side on two cores.

The child is forked from a *forkserver* (a clean process that imported the
engine once), so starting a run costs milliseconds and the child never
inherits the window's Qt state. The parent builds the same run first (it
needs the data for the plots and gets the results back into it), then sends
the child everything needed to train exactly that run: the project, the
loaded dataset and the initial weights.

Messages are pickled tuples over two one-way pipes:

* parent → child: ``("pause",)``, ``("resume",)``, ``("step",)``, ``("stop",)``,
  ``("lr", value)``, ``("pace", epochs per second or None)``
* child → parent: ``("report", Report)``, ``("state", Outcome)`` (after a pause or a
  single step: the weights so far, so the window can save them or an edit can end the run),
  ``("done", Outcome)``, ``("failed", text)``
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .jobs import ChildProcess
from .report import Report  # noqa: F401  (what report messages carry)

REPORT_EVERY_S = 0.05  # at full speed, a report at most this often (the window draws ~30 times a second)


@dataclass
class Job:
    """What the child needs to train the run the parent built."""

    project_bytes: bytes  # the project as a .nnpg file (fileio.project_to_bytes)
    backend: str
    dataset: Any  # the loaded Dataset, pickled (the child does not read files again)
    initial_state: dict[str, np.ndarray]  # the weights to start from (fresh, stored or trained)
    paused: bool = False
    learning_rate: float | None = None
    optimizer_state: dict[str, Any] | None = None  # going on from trained weights: the optimizer's moments
    start_epoch: int = 0  # … and the counters the run goes on from
    start_iteration: int = 0
    target_epochs: int | None = None  # the epoch count to stop at (the settings' by default)
    epochs_per_s: float | None = None  # the speed to watch it at (None: as fast as it goes)


@dataclass
class Outcome:
    """How the child's run ended: its message and the state to copy back into the parent's run."""

    message: str
    epoch: int
    iteration: int
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    optimizer_state: dict[str, Any] | None = None


def readable_error(exc: BaseException) -> str:
    """One plain sentence for the window; the traceback goes to the log only."""
    from .jobs import readable_error as in_words

    return f"Training failed: {in_words(exc)}"


# -----------------------------------------------------------------------------
# the child
# -----------------------------------------------------------------------------
def serve(job: Job, commands, replies) -> None:
    """The child's main function: build the run, train it, obey commands, report."""
    try:
        from .jobs import limit_blas_threads

        limit_blas_threads()
        trainer = _build_trainer(job)
        _train(trainer, job.paused, commands, replies, Pace(job.epochs_per_s))
        replies.send(("done", _outcome(trainer)))
    except (EOFError, BrokenPipeError):
        pass  # the window went away: nothing to tell
    except Exception as exc:  # noqa: BLE001 - every failure becomes a readable message
        traceback.print_exc()
        replies.send(("failed", readable_error(exc)))
    finally:
        replies.close()


def _build_trainer(job: Job):
    from playground.model.fileio import project_from_bytes

    from .compile import build_run

    project = project_from_bytes(job.project_bytes)
    run = build_run(project, backend=job.backend, dataset=job.dataset, epochs=job.target_epochs,
                    start_epoch=job.start_epoch, start_iteration=job.start_iteration)
    run.net.load_state_dict(job.initial_state)
    run.trainer.start_weights = job.initial_state
    if job.optimizer_state is not None:
        resume_optimizer(run.trainer.optimizer, job.optimizer_state)
    if job.learning_rate is not None:
        run.trainer.set_learning_rate(job.learning_rate)
    return run.trainer


def resume_optimizer(optimizer, state: dict[str, Any]) -> bool:
    """Go on with the optimizer's moments and step count where they still fit the network (same
    optimizer, same parameters); otherwise it starts fresh. Return whether they were taken over."""
    shapes = {p.name: tuple(p.data.shape) for p in optimizer.params}
    saved = state.get("state") if state.get("name") == optimizer.name else None
    fits = isinstance(saved, dict) and all(
        name in shapes and all(np.shape(v) == shapes[name] for v in buffers.values())
        for name, buffers in saved.items())
    if fits:
        optimizer.load_state_dict(state)
    return fits


class Pace:
    """At most ``epochs_per_s`` epochs a second (``None``: as fast as it goes), so a student can
    watch the boundary move; the run waits between epochs, listening for commands meanwhile."""

    def __init__(self, epochs_per_s: float | None = None):
        self.set(epochs_per_s)

    def set(self, epochs_per_s: float | None) -> None:
        self.epochs_per_s = float(epochs_per_s) if epochs_per_s else None
        self._start: tuple[float, int] | None = None

    def restart(self) -> None:
        """After a pause: count from now, do not catch up."""
        self._start = None

    def wait_s(self, epoch: int) -> float:
        """How long to wait before training on past ``epoch`` epochs."""
        if self.epochs_per_s is None:
            return 0.0
        now = time.monotonic()
        if self._start is None:
            self._start = (now, epoch)
            return 0.0
        t0, e0 = self._start
        return max(0.0, t0 + (epoch - e0) / self.epochs_per_s - now)


def _train(trainer, paused: bool, commands, replies, pace: Pace | None = None) -> None:
    """Reports from ``trainer.steps()``; between them, the commands from the window."""
    steps = trainer.steps()
    pace = pace or Pace()
    _report_every_epoch(trainer, pace)
    while not trainer.finished:
        wait = 0.0 if paused else pace.wait_s(trainer.epoch)
        if paused or commands.poll(wait):
            command, *args = commands.recv()  # blocks while paused
            if command == "stop":
                _stop(trainer, replies)
                return
            if command == "step":
                trainer.run_batch()
                replies.send(("report", trainer.report()))
                if not trainer.finished:
                    replies.send(("state", _outcome(trainer)))
            elif command == "lr":
                trainer.set_learning_rate(float(args[0]))
            elif command == "pace":
                pace.set(args[0])
                _report_every_epoch(trainer, pace)
            else:
                paused = command == "pause"
                pace.restart()
                if paused:
                    replies.send(("state", _outcome(trainer)))
            continue
        try:
            replies.send(("report", next(steps)))
        except StopIteration:
            return


def _report_every_epoch(trainer, pace: Pace) -> None:
    """Watched slowly, every epoch's picture is sent; at full speed at most every 50 ms."""
    trainer.report_every_s = 0.0 if pace.epochs_per_s else REPORT_EVERY_S
    trainer.long_epoch_s = REPORT_EVERY_S


def _stop(trainer, replies) -> None:
    trainer.stop()
    trainer.finished = True
    trainer.message = trainer.message or f"Stopped at iteration {trainer.iteration}."
    replies.send(("report", trainer.report()))


def _outcome(trainer) -> Outcome:
    return Outcome(trainer.message, trainer.epoch, trainer.iteration,
                   {k: np.asarray(v) for k, v in trainer.net.state_dict().items()},
                   trainer.optimizer.state_dict())


# -----------------------------------------------------------------------------
# the parent
# -----------------------------------------------------------------------------
class TrainingProcess(ChildProcess):
    """The parent's handle on one child training run.

    >>> process = TrainingProcess(job)      # doctest: +SKIP
    >>> process.receive()                   # ("report", Report) … ("done", Outcome)
    """

    ended_text = "The training process ended unexpectedly"
    stop_message = ("stop",)

    def __init__(self, job: Job):
        super().__init__(serve, (job,), "playground-training")

    def send(self, command: str, *args) -> None:
        """A command for the child; ignored once it has gone."""
        self._send((command, *args))

    def close(self, timeout_s: float = 5.0) -> None:
        """Ask the child to stop, wait for it, and make sure it is gone."""
        super().close(timeout_s)
