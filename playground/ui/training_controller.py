"""Runs the open project's training in a child process; writes what comes back into the models.

The controller is the only writer of the :class:`~playground.session.run_state.RunModel`
and of the document's trained results; every view renders from those two.

* **Play** builds the run on a worker thread (loading data and compiling can take a moment),
  then trains it in a child process (:mod:`playground.session.remote`). It goes on from the
  project's trained weights and optimizer state, with the counters and curves continuing;
  layers whose shape no longer fits (a resized layer, other data) start fresh, and the run
  model's message says which. Without trained weights it starts from the stored initial
  weights, or from the seed's.
* **Pause** and **Step** leave the run alive in the child, which sends its weights back, so
  Save stores them and an edit of the network may follow (it ends the run: Play goes on).
* **Reset** is the one way back to the start: it forgets the trained weights, optimizer
  state and curves, and either keeps the stored initial weights (the same run again) or
  draws new ones.
* The learning-rate setting is one value: changed during a run (in any field, or by undo)
  it goes to the child at once.

A reader thread waits on the child's pipe; at most one "reports are ready" event waits
in the GUI's queue at a time, and the GUI takes every waiting report at once, so a
window that falls behind never works through a backlog.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, Signal

from playground.model.document import STRUCTURE_SIGNALS, Document
from playground.session.jobs import can_travel
from playground.session.not_finite import explain_not_finite
from playground.session.remote import Job, Outcome, TrainingProcess
from playground.session.report import Report
from playground.session.run_state import (FINISHED, PAUSED, PREPARING, TRAINING, UNTRAINED, RunData, RunModel,
                                         run_data_of)

LIVE_SETTINGS = ("optimizer.lr",)  # settings a running child takes over at once


def _picklable(dataset):
    """The loaded dataset if it can travel to the child, else ``None`` (the child loads it again)."""
    return dataset if can_travel(dataset) else None


def run_data(run) -> RunData:
    """What the plots draw of a compiled run: its points (2-D data), task and class names."""
    data = run.data
    return run_data_of(data.task, data.grid_extent is not None, data.x_train, data.y_train, data.x_val,
                       data.y_val, getattr(run.dataset, "class_names", None))


def explain_build_error(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"Cannot start training: {text}"


class _Relay(QObject):
    """Lives on the GUI thread; worker threads emit through it (Qt queues the calls)."""

    reports_ready = Signal(object)  # the relay whose reports are waiting
    state = Signal(object, object)  # relay, Outcome (paused or stepped: the weights so far)
    done = Signal(object, object)  # relay, Outcome
    failed = Signal(object, str)  # relay, message
    built = Signal(int, object, str, str)  # request number, Run or None, error text, purpose


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
            elif kind == "state":
                self.relay.state.emit(self.relay, payload[0])
            else:
                (self.relay.done if kind == "done" else self.relay.failed).emit(self.relay, payload[0])
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
    """Play, pause, step, stop and reset the open project's training."""

    status = Signal(str)  # a passing note for the status bar

    def __init__(self, document: Document, run: RunModel, parent: QObject | None = None):
        super().__init__(parent)
        self.document, self.run = document, run
        self._process: TrainingProcess | None = None
        self._reader: _Reader | None = None
        self._relay: _Relay | None = None  # the child's messages come through it
        self._builder = _Relay(self)  # builds finish through this one
        self._builder.built.connect(self._on_built)
        self._request = 0  # builds that finish after a newer request are ignored
        self._note = ""  # what the student should know about how the run started (layers that start fresh)
        self._storing = False  # the document's results change because of this controller
        self._graph = None
        document.replaced.connect(self._on_replaced)
        document.setting_changed.connect(self._on_setting_changed)
        document.dataset_changed.connect(self._on_network_or_data_changed)
        document.frozen_changed.connect(self._on_network_or_data_changed)
        document.results_changed.connect(self._on_results_changed)
        run.speed_changed.connect(self._on_speed_changed)
        self._watch_graph()

    # -- commands ---------------------------------------------------------------
    def play(self) -> None:
        if self.run.state == PAUSED and self._process is not None:
            self._process.send("resume")
            self.run.set_state(TRAINING)
        elif self.run.state in (UNTRAINED, FINISHED, PAUSED):
            self._build("play")

    def pause(self) -> None:
        if self.run.state == TRAINING and self._process is not None:
            self._process.send("pause")
            self.run.set_state(PAUSED)

    def step(self) -> None:
        """Train one mini-batch, then pause (starting a paused run when there is none)."""
        if self.run.state == PAUSED and self._process is not None:
            self._process.send("step")
        elif self.run.state == TRAINING:
            self.pause()
        elif self.run.state in (UNTRAINED, FINISHED, PAUSED):
            self._build("step")

    def stop(self) -> None:
        if self.run.state == PREPARING:
            self._request += 1  # the build still running is ignored when it ends
            self._settle()
        elif self._process is not None:
            self._process.send("stop")

    def reset(self, new_weights: bool = False) -> None:
        """Back to the start: forget trained weights, optimizer state and curves. The next Play starts
        from the stored initial weights (the same run again), or from new ones with ``new_weights``."""
        self._end_process()
        self._request += 1
        self.document.clear_results(keep_initial=not new_weights)
        self.run.clear(trained=False)
        kept = self.document.project.initial_weights is not None
        self.status.emit("Reset: the next run starts from the same initial weights as the last one."
                         if kept else "Reset: the next run starts from new initial weights.")

    def set_speed(self, steps: int) -> None:
        """Faster (+1) or slower (−1): the presentation keys + and −."""
        self.run.step_speed(steps)

    def shutdown(self) -> None:
        """Stop the child and forget it (closing the window)."""
        self._request += 1
        self._end_process()

    # -- building a run off the GUI thread ---------------------------------------------------
    def _build(self, purpose: str) -> None:
        from playground.ui.autosave import snapshot_project

        self._request += 1
        copy = snapshot_project(self.document.project)
        copy.drop_stale_references()
        if purpose != "picture":
            self._end_process()
            self.run.set_state(PREPARING)
            self.status.emit("Preparing the data and the network…")
        counters = self.run.counters if copy.trained else None
        threading.Thread(target=self._build_worker, args=(self._request, copy, counters, purpose), daemon=True,
                         name="playground-compile").start()

    def _build_worker(self, number: int, project, counters, purpose: str) -> None:
        from playground.session.compile import build_run

        try:
            if counters is None:
                run = build_run(project)
            else:
                target = self.run.next_target(project.settings.epochs) if purpose != "picture" else counters.epoch
                run = build_run(project, epochs=target, start_epoch=counters.epoch,
                                start_iteration=counters.iteration)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a readable message
            if not isinstance(exc, ValueError):  # a CompileError is the student's to fix: no traceback
                traceback.print_exc()
            self._builder.built.emit(number, None, explain_build_error(exc), purpose)
            return
        self._builder.built.emit(number, run, "", purpose)

    def _on_built(self, number: int, run, error: str, purpose: str) -> None:
        if number != self._request:
            return  # stopped, reset or replaced while building
        if run is None:
            if purpose != "picture":
                self._settle()
                self.run.set_message(error, error=True)
            return
        fresh = self._start_weights(run)
        self.run.set_data(run_data(run))
        if purpose == "picture":
            self.run.show(run.trainer.picture())
            return
        refusal = explain_not_finite(None, run.net.state_dict())  # NaN or absurd weights: say so, do not train
        if refusal:
            self._settle()
            self.run.set_message(f"Cannot start training: {refusal}", error=True)
            return
        self._start(run, fresh, paused=purpose == "step")

    def _start_weights(self, run) -> list[str]:
        """Load the trained weights into the compiled network where they fit; return the layers that
        start fresh."""
        from playground.session.compile import load_matching_weights

        weights = self.document.project.weights
        return load_matching_weights(run.net, weights) if weights is not None else []

    def _start(self, run, fresh: list[str], paused: bool) -> None:
        from playground.model.fileio import project_to_bytes

        project, trainer = run.project, run.trainer
        going_on = project.trained
        start = run.net.state_dict()
        if not going_on:  # a run from the start: its initial weights are recorded (replay, Reset)
            self.document.set_results(None, None, initial_weights=start)
        job = Job(project_to_bytes(project), run.backend.name, _picklable(run.dataset), start, paused,
                  optimizer_state=project.optimizer_state if going_on else None,
                  start_epoch=trainer.epoch, start_iteration=trainer.iteration, target_epochs=trainer.epochs,
                  epochs_per_s=self.run.speed,
                  learning_rate=self.document.settings.optimizer.lr)  # changed while it was preparing
        try:
            process = TrainingProcess(job)
        except Exception as exc:  # noqa: BLE001 - e.g. no process could be started: say so, stay usable
            traceback.print_exc()
            self._settle()
            self.run.set_message(f"Could not start the training process: {exc}", error=True)
            return
        self._process, self._relay = process, self._new_relay()
        self._reader = _Reader(process, self._relay)
        self.run.begin(trainer.epochs, trainer.iterations_total, going_on=going_on)
        if paused:
            self.run.set_state(PAUSED)
            process.send("step")
        self._note = ""
        if going_on and fresh:
            self._note = (f"Went on from the trained weights; {', '.join(fresh)} "
                          f"{'starts' if len(fresh) == 1 else 'start'} with new weights (its shape changed).")
            self.run.set_message(self._note)
        label = getattr(run.backend, "label", "")
        self.status.emit((f"Training on {label}" if label else "Training")
                         + (f" from epoch {trainer.epoch}" if going_on else ""))

    def _new_relay(self) -> _Relay:
        """A relay for one child: messages of a child that was replaced are told apart by it."""
        relay = _Relay(self)
        relay.reports_ready.connect(self._take_reports)
        relay.state.connect(self._on_state)
        relay.done.connect(self._on_done)
        relay.failed.connect(self._on_failed)
        return relay

    # -- messages from the child (GUI thread) ------------------------------------------
    def _take_reports(self, relay=None) -> None:
        if self._reader is None or (relay is not None and relay is not self._relay):
            return  # a run that was reset or replaced meanwhile
        self.run.append(self._reader.take())

    def _on_state(self, relay, outcome: Outcome) -> None:
        if relay is self._relay:
            self._store(outcome)

    def _on_done(self, relay, outcome: Outcome) -> None:
        if relay is not self._relay:
            return
        self._take_reports(relay)  # the last reports come before the end
        self._store(outcome)
        self._end_process()
        self.run.set_state(FINISHED)
        failure = "NaN" in outcome.message or "infinite" in outcome.message
        self.run.set_message(f"{outcome.message} {self._note}".strip(), error=failure)

    def _settle(self) -> None:
        """No run under way: finished if there are trained weights, else untrained."""
        self.run.set_state(FINISHED if self.document.project.trained else UNTRAINED)

    def _on_failed(self, relay, text: str) -> None:
        if relay is not self._relay:
            return
        self._take_reports(relay)
        self._end_process()
        if self.document.project.trained:
            self.run.set_state(FINISHED)
        else:
            self.run.clear()  # a first run that failed leaves no weights: its curves go too
        self.run.set_message(text, error=True)

    def _store(self, outcome: Outcome) -> None:
        self._storing = True
        try:
            self.document.set_results(outcome.weights, outcome.optimizer_state, history=self.run.history.to_dict())
        finally:
            self._storing = False

    def _end_process(self) -> None:
        process, relay, reader = self._process, self._relay, self._reader
        self._process = self._reader = self._relay = None  # whatever the old child still sends is stale
        if process is not None:
            process.close()
        if reader is not None:
            reader.thread.join(2.0)  # it ends with the child's pipe; only then may its relay go
        if relay is not None and (reader is None or not reader.thread.is_alive()):
            relay.deleteLater()
        if self.run.busy:
            self._settle()

    # -- the document changed -------------------------------------------------------------------
    def _on_replaced(self, project) -> None:
        self.shutdown()
        self._watch_graph()
        self.run.restore(project.history, project.trained)
        self.run.set_data(None)  # the window pictures the weights once the project's data has loaded

    def show_current_weights(self) -> None:
        """Picture what the stored weights do (decision boundary, unit maps, edge colours)."""
        if self.document.project.trained and not self.run.busy:
            self._build("picture")

    def _watch_graph(self) -> None:
        if self._graph is not None:
            for name in STRUCTURE_SIGNALS:
                getattr(self._graph, name).disconnect(self._on_network_or_data_changed)
        self._graph = self.document.graph
        for name in STRUCTURE_SIGNALS:
            getattr(self._graph, name).connect(self._on_network_or_data_changed)

    def _abandon_paused(self, what: str) -> None:
        """A paused run cannot take this change: it ends here (the document holds the weights it had
        when it paused, with the change), and Play goes on from them with the change."""
        self._end_process()
        self.status.emit(f"The paused run ended because {what} changed; Play goes on from the current "
                         "weights with the change.")

    def _on_results_changed(self) -> None:
        if self.run.state == PAUSED and not self._storing:
            self._abandon_paused("a weight")  # edited by hand: the child would overwrite the edit

    def _on_network_or_data_changed(self, *_args) -> None:
        """A paused run whose network, data or frozen layers changed cannot go on: it ends, and Play
        goes on from the current weights."""
        if self.run.state == PAUSED and self._process is not None:
            self._abandon_paused("the network or the data")
        elif not self.run.busy and self.document.project.trained:
            self.status.emit("The trained weights stay: Play goes on from them, and layers whose shape "
                             "no longer fits start with new weights.")

    def _on_speed_changed(self, speed) -> None:
        if self._process is not None:
            self._process.send("pace", speed)

    def _on_setting_changed(self, path: str, value) -> None:
        if not self.run.busy:
            return
        if path in LIVE_SETTINGS:
            if self._process is not None:  # while preparing, the job takes the setting as it is then
                self._process.send("lr", float(value))
            self.status.emit(f"Learning rate set to {value:g} (live)")
        elif self.run.state == PAUSED and self._process is not None:
            self._abandon_paused("a training setting")
        else:
            self.status.emit("This setting takes effect at the next Play (this run keeps the old value).")
