"""Runs a :class:`~playground.session.trainer.Trainer` on a worker thread.

The worker pulls reports from ``trainer.steps()`` and queues them; the GUI thread
appends them to a :class:`MetricHistory` and the plots redraw on their own timer.
At most one "reports are ready" event waits in the GUI's queue at a time: when the
window falls behind, it takes every waiting report at once (all go into the
history; the views see the newest) instead of working through a backlog of
events that would starve its timers and freeze it.
Commands (pause, resume, step one batch, stop) go to the worker through a
queue, so the worker never busy-waits while paused. Reports hold only plain
floats and host arrays: no device array crosses the thread boundary.
"""

from __future__ import annotations

import queue
import threading
import traceback

from PySide6.QtCore import QObject, QThread, Signal, Slot

from playground.session.history import MetricHistory
from playground.session.report import Report
from playground.session.trainer import Trainer

IDLE, RUNNING, PAUSED, FINISHED = "idle", "running", "paused", "finished"


def readable_error(exc: BaseException) -> str:
    """One plain sentence for the window; the traceback goes to the log only."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, (ValueError, KeyError, RuntimeError)):
        return f"Training failed: {text}"
    return f"Training failed ({type(exc).__name__}): {text}"


class _Worker(QObject):
    reports_ready = Signal()  # emitted when the first report lands in an empty ``pending``
    stopped = Signal(str)
    failed = Signal(str)

    def __init__(self, trainer: Trainer, start_paused: bool):
        super().__init__()
        self.trainer = trainer
        self.commands: "queue.Queue[str]" = queue.Queue()
        self.paused = threading.Event()
        if start_paused:
            self.paused.set()
        self._pending: list[Report] = []
        self._lock = threading.Lock()

    def emit_report(self, report: Report) -> None:
        with self._lock:
            self._pending.append(report)
            first = len(self._pending) == 1
        if first:
            self.reports_ready.emit()

    def take_reports(self) -> list[Report]:
        """Every report made since the last call (called on the GUI thread)."""
        with self._lock:
            reports, self._pending = self._pending, []
        return reports

    @Slot()
    def run(self) -> None:
        try:
            self._loop()
        except Exception as exc:  # shown in the window, never a crash
            traceback.print_exc()
            self.failed.emit(readable_error(exc))
            return
        self.stopped.emit(self.trainer.message)

    def _loop(self) -> None:
        steps = self.trainer.steps()
        while not self.trainer.finished:
            if self.paused.is_set() or not self.commands.empty():
                command = self.commands.get()
                if command == "stop":
                    self.trainer.stop()
                    self.trainer.finished = True
                    self.trainer.message = self.trainer.message or f"Stopped at iteration {self.trainer.iteration}."
                    self.emit_report(self.trainer.report())
                    return
                if command == "step":
                    self.trainer.run_batch()
                    self.emit_report(self.trainer.report())
                continue  # "resume" or "pause" just re-check the state
            try:
                self.emit_report(next(steps))
            except StopIteration:
                return


class TrainingController(QObject):
    """Start, pause, resume, step and stop training; keeps the metric history."""

    state_changed = Signal(str)
    report_received = Signal(object)
    message = Signal(str)  # why training stopped, or what went wrong

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.history = MetricHistory()
        self.state = IDLE
        self.trainer: Trainer | None = None
        self._thread: QThread | None = None
        self._worker: _Worker | None = None

    # -- commands ---------------------------------------------------------------
    def start(self, trainer: Trainer, paused: bool = False) -> None:
        """Train ``trainer`` on a new worker thread (``paused`` to begin with single steps)."""
        self.shutdown()
        self.trainer = trainer
        self.history.clear()
        self._thread = QThread()
        self._worker = _Worker(trainer, paused)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.reports_ready.connect(self._take_reports)
        self._worker.stopped.connect(self._on_stopped)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        self._set_state(PAUSED if paused else RUNNING)

    def pause(self) -> None:
        if self.state == RUNNING and self._worker:
            self._worker.paused.set()
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self.state == PAUSED and self._worker:
            self._worker.paused.clear()
            self._worker.commands.put("resume")
            self._set_state(RUNNING)

    def step(self) -> None:
        """Train one mini-batch while paused."""
        if self.state == PAUSED and self._worker:
            self._worker.commands.put("step")

    def stop(self) -> None:
        if self._worker and self.state in (RUNNING, PAUSED):
            self._worker.paused.set()
            self._worker.commands.put("stop")

    def set_learning_rate(self, lr: float) -> None:
        if self.trainer is not None:
            self.trainer.set_learning_rate(lr)  # read by the worker between batches

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the worker and wait for its thread (on close or before a new run)."""
        if self._thread is None:
            return
        if self.state in (RUNNING, PAUSED):
            self.stop()
        self._thread.quit()
        self._thread.wait(timeout_ms)
        self._thread = None
        self._worker = None

    @property
    def busy(self) -> bool:
        return self.state in (RUNNING, PAUSED)

    # -- worker signals (GUI thread) ------------------------------------------------
    def _take_reports(self) -> None:
        if self._worker is None or self.sender() is not self._worker:
            return  # a run that was reset or replaced meanwhile
        reports = self._worker.take_reports()
        for report in reports:
            self.history.append(report)
        if reports:
            self.report_received.emit(reports[-1])

    def _on_stopped(self, text: str) -> None:
        self._finish(text)

    def _on_failed(self, text: str) -> None:
        self._finish(text)

    def _finish(self, text: str) -> None:
        if self._thread is not None:
            self._thread.quit()
        self._set_state(FINISHED)
        if text:
            self.message.emit(text)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)
