"""Runs a training run in a child process and brings its reports to the GUI thread.

The child (:mod:`playground.session.remote`) trains the run the training panel
built; a reader thread here waits on its pipe and queues the reports; the GUI
thread appends them to a :class:`MetricHistory` and the plots redraw on their
own timer. At most one "reports are ready" event waits in the GUI's queue at a
time: when the window falls behind, it takes every waiting report at once (all
go into the history; the views see the newest) instead of working through a
backlog of events that would starve its timers and freeze it.

Commands (pause, resume, step one batch, stop, learning rate) go to the child
through its command pipe. When the run ends, the child's final weights and
optimizer state are copied into the parent's run, so saving the project stores
what was trained.
"""

from __future__ import annotations

import pickle
import threading

from PySide6.QtCore import QObject, Signal

from playground.session.history import MetricHistory
from playground.session.remote import Job, Outcome, TrainingProcess
from playground.session.report import Report

IDLE, RUNNING, PAUSED, FINISHED = "idle", "running", "paused", "finished"


def _picklable(dataset):
    """The loaded dataset if it can travel to the child, else ``None`` (the child loads it again)."""
    try:
        pickle.dumps(dataset)
    except Exception:  # noqa: BLE001 - e.g. a generator holding a lambda
        return None
    return dataset


class _Relay(QObject):
    """Lives on the GUI thread; the reader thread emits through it (Qt queues the calls)."""

    reports_ready = Signal(object)  # the relay whose reports are waiting
    done = Signal(object, object)  # relay, Outcome
    failed = Signal(object, str)  # relay, message


class _Reader:
    """Waits on the child's pipe on a plain thread and hands its messages to the GUI thread."""

    def __init__(self, process: TrainingProcess, relay: _Relay):
        self.process, self.relay = process, relay
        self._pending: list[Report] = []
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True, name="playground-training-reader")
        self.thread.start()

    def _read(self) -> None:
        while True:
            kind, *payload = self.process.receive()
            if kind == "report":
                self._queue(payload[0])
                continue
            if kind == "done":
                self.relay.done.emit(self.relay, payload[0])
            else:
                self.relay.failed.emit(self.relay, payload[0])
            return

    def _queue(self, report: Report) -> None:
        with self._lock:
            self._pending.append(report)
            first = len(self._pending) == 1
        if first:
            self.relay.reports_ready.emit(self.relay)

    def take(self) -> list[Report]:
        """Every report received since the last call (GUI thread)."""
        with self._lock:
            reports, self._pending = self._pending, []
        return reports


class TrainingController(QObject):
    """Start, pause, resume, step and stop training; keeps the metric history."""

    state_changed = Signal(str)
    report_received = Signal(object)
    message = Signal(str)  # why training stopped, or what went wrong

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.history = MetricHistory()
        self.state = IDLE
        self.run = None
        self.trainer = None  # the parent's copy of the run's trainer: the end of the run is copied into it
        self._process: TrainingProcess | None = None
        self._reader: _Reader | None = None
        self._relay: _Relay | None = None

    # -- commands ---------------------------------------------------------------
    def start(self, run, paused: bool = False) -> None:
        """Train ``run`` (from ``build_run``) in a child process; ``paused`` to begin with single steps."""
        from playground.model.fileio import project_to_bytes

        self.shutdown()
        self.run, self.trainer = run, run.trainer
        self.history.clear()
        job = Job(project_to_bytes(run.project), run.backend.name, _picklable(run.dataset),
                  dict(run.net.state_dict()), paused, float(run.trainer.optimizer.lr))
        self._relay = relay = _Relay()
        relay.reports_ready.connect(self._take_reports)
        relay.done.connect(self._on_done)
        relay.failed.connect(self._on_failed)
        self._process = TrainingProcess(job)
        self._reader = _Reader(self._process, relay)
        self._set_state(PAUSED if paused else RUNNING)

    def pause(self) -> None:
        if self.state == RUNNING and self._process:
            self._process.send("pause")
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self.state == PAUSED and self._process:
            self._process.send("resume")
            self._set_state(RUNNING)

    def step(self) -> None:
        """Train one mini-batch while paused."""
        if self.state == PAUSED and self._process:
            self._process.send("step")

    def stop(self) -> None:
        if self._process and self.state in (RUNNING, PAUSED):
            self._process.send("stop")

    def set_learning_rate(self, lr: float) -> None:
        if self.trainer is not None:
            self.trainer.set_learning_rate(lr)
        if self._process is not None:
            self._process.send("lr", float(lr))

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the child and forget it (on close, Reset or before a new run)."""
        if self._process is None:
            return
        process, self._process, self._reader, self._relay = self._process, None, None, None
        process.close(timeout_ms / 1000)
        if self.state in (RUNNING, PAUSED):
            self._set_state(IDLE)  # forgotten, not finished: nothing of it is stored

    @property
    def busy(self) -> bool:
        return self.state in (RUNNING, PAUSED)

    # -- messages from the child (GUI thread) ------------------------------------------
    def _take_reports(self, relay=None) -> None:
        if self._reader is None or (relay is not None and relay is not self._relay):
            return  # a run that was reset or replaced meanwhile
        reports = self._reader.take()
        for report in reports:
            self.history.append(report)
        if reports:
            self.report_received.emit(reports[-1])

    def _on_done(self, relay, outcome: Outcome) -> None:
        if relay is not self._relay:
            return
        self._take_reports(relay)  # the last reports come before the end
        self._copy_back(outcome)
        self._finish(outcome.message)

    def _on_failed(self, relay, text: str) -> None:
        if relay is not self._relay:
            return
        self._take_reports(relay)
        self._finish(text)

    def _copy_back(self, outcome: Outcome) -> None:
        """The trained weights and optimizer state into the parent's run (what Save stores)."""
        run = self.run
        run.net.load_state_dict(outcome.weights)
        if outcome.optimizer_state is not None:
            run.trainer.optimizer.load_state_dict(outcome.optimizer_state)
        trainer = run.trainer
        trainer.epoch, trainer.iteration, trainer.message = outcome.epoch, outcome.iteration, outcome.message
        trainer.finished = True

    def _finish(self, text: str) -> None:
        process, self._process, self._reader, self._relay = self._process, None, None, None
        if process is not None:
            process.close()
        self._set_state(FINISHED)
        if text:
            self.message.emit(text)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)
