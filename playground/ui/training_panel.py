"""Training controls: Play, Pause, Step (one batch), Reset, Stop, counters, progress, live learning rate.

Play compiles a snapshot of the project on a worker thread
(``playground.session.compile.build_run``: loading the data and building the
network can take a moment), then hands the run to the
:class:`~playground.ui.training_controller.TrainingController`, which trains
it in a child process. The panel only does cheap work per report (counters,
progress bar); plots redraw on their own timer.

Signals tell the window what to do: ``busy_changed`` (lock the canvas),
``run_started`` (give the plots the data), ``report`` (unit maps, edge
colours), ``run_finished`` (store weights and history in the project),
``error`` (a readable message in a :class:`MessageBanner`) and ``status`` (the status bar).
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QToolButton,
                               QVBoxLayout, QWidget)

from . import theme
from .editors import NumberSpinBox
from .training_controller import FINISHED, IDLE, PAUSED, RUNNING, TrainingController

PREPARING = "preparing"
STATE_TEXT = {IDLE: "Ready", PREPARING: "Preparing…", RUNNING: "Training", PAUSED: "Paused",
              FINISHED: "Finished"}
LOCK_REASON = "Training is running — stop it to edit the network"


def is_failure(text: str) -> bool:
    """Whether a controller message reports a failure (banner) rather than a normal stop."""
    lowered = text.lower()
    return lowered.startswith("training failed") or "nan" in lowered.split() or "infinite" in lowered \
        or "became nan" in lowered


def explain_build_error(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"Cannot start training: {text}"


class _Builder(QObject):
    built = Signal(int, object, str)  # request number, Run or None, error text


class TrainingPanel(QWidget):
    busy_changed = Signal(bool)
    state_changed = Signal(str)
    run_started = Signal(object)
    run_finished = Signal(object)
    results_cleared = Signal()  # the student pressed Reset: trained results are to be forgotten
    report = Signal(object)
    error = Signal(str)
    status = Signal(str)

    def __init__(self, controller: TrainingController | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller or TrainingController(self)
        self.project = None
        self.snapshot: Callable[[Any], Any] | None = None  # project → independent copy (set by the window)
        self.commit_lr: Callable[[float], bool] | None = None  # store the rate in the settings when idle
        self.run = None
        self.state = IDLE
        self._request = 0
        self._after_build = "play"
        self._builder = _Builder(self)
        self._builder.built.connect(self._on_built)
        self.controller.state_changed.connect(self._on_controller_state)
        self.controller.report_received.connect(self._on_report)
        self.controller.message.connect(self._on_message)
        self._build_ui()
        self._update_buttons()

    # -- widgets -----------------------------------------------------------------
    def _button(self, text: str, icon: str, tip: str, slot) -> QToolButton:
        from .actions import draw_icon

        button = QToolButton()
        button.setText(text)
        button.setIcon(draw_icon(icon))
        button.setIconSize(QSize(22, 22))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setToolTip(tip)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.clicked.connect(slot)
        return button

    def _build_ui(self) -> None:
        self.play_button = self._button("Play", "play", "Train (or go on training) (F5)", self.play)
        self.pause_button = self._button("Pause", "pause", "Pause after the current batch (F6)", self.pause)
        self.step_button = self._button("Step", "step", "Train one mini-batch, then pause (F7)", self.step)
        self.reset_button = self._button("Reset", "reset", "Forget the trained weights and curves. (Play after "
                                         "a finished run also starts again from the same initial "
                                         "weights, so runs can be compared and replayed.)", self.reset)
        self.stop_button = self._button("Stop", "stop", "Stop training (Shift+F5)", self.stop)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for b in (self.play_button, self.pause_button, self.step_button, self.stop_button, self.reset_button):
            buttons.addWidget(b)

        self.state_label = QLabel()
        bold = self.state_label.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.state_label.setFont(bold)
        self.epoch_label = QLabel()
        self.iteration_label = QLabel()
        self.loss_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.lr_spin = NumberSpinBox()
        self.lr_spin.setRange(1e-7, 100.0)
        self.lr_spin.setKeyboardTracking(False)
        self.lr_spin.setToolTip("Learning rate η. Change it while training to see the effect at once.")
        self.lr_spin.valueChanged.connect(self._on_lr_edited)

        grid = QGridLayout()
        grid.addWidget(self.state_label, 0, 0)
        grid.addWidget(self.loss_label, 0, 1, alignment=Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.epoch_label, 1, 0)
        grid.addWidget(self.iteration_label, 1, 1, alignment=Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.progress, 2, 0, 1, 2)
        lr_row = QHBoxLayout()
        lr_row.addWidget(QLabel("Learning rate η"))
        lr_row.addWidget(self.lr_spin, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.addLayout(buttons)
        column.addLayout(grid)
        column.addLayout(lr_row)
        column.addStretch(1)
        self._show_counters(None)

    # -- binding ---------------------------------------------------------------------
    def set_project(self, project) -> None:
        """A new document: training stops, results of the old one are forgotten."""
        self.project = project
        self.forget_run()

    def refresh_lr(self) -> None:
        if self.project is not None and self.state in (IDLE, FINISHED):
            self.lr_spin.blockSignals(True)
            self.lr_spin.setValue(self.project.settings.optimizer.lr)
            self.lr_spin.blockSignals(False)

    @property
    def busy(self) -> bool:
        return self.state in (PREPARING, RUNNING, PAUSED)

    # -- commands ------------------------------------------------------------------------
    def play(self) -> None:
        if self.state == PAUSED:
            self.controller.resume()
        elif self.state in (IDLE, FINISHED):
            self._build("play")

    def pause(self) -> None:
        self.controller.pause()

    def step(self) -> None:
        if self.state == PAUSED:
            self.controller.step()
        elif self.state == RUNNING:
            self.controller.pause()
        elif self.state in (IDLE, FINISHED):
            self._build("step")

    def stop(self) -> None:
        if self.state == PREPARING:
            self._request += 1  # the build still running is ignored when it ends
            self._set_state(IDLE)
        else:
            self.controller.stop()

    def reset(self) -> None:
        """Stop and forget this run (the Reset button): the next Play starts from the initial weights."""
        self.forget_run()
        self.results_cleared.emit()

    def forget_run(self) -> None:
        """Stop training and drop the run and its curves (a new document, or Reset)."""
        self._request += 1
        self.controller.shutdown()
        self.controller.history.clear()
        self.run = None
        self._show_counters(None)
        self._set_state(IDLE)
        self.refresh_lr()

    def shutdown(self) -> None:
        """Stop the worker threads (closing the window)."""
        self._request += 1
        self.controller.shutdown()

    # -- building a run off the GUI thread ---------------------------------------------------
    def _build(self, then: str) -> None:
        if self.project is None:
            return
        self._request += 1
        number, self._after_build = self._request, then
        project = self.snapshot(self.project) if self.snapshot else self.project
        self._set_state(PREPARING)
        self.status.emit("Preparing the data and the network…")
        threading.Thread(target=self._build_worker, args=(number, project), daemon=True,
                         name="playground-compile").start()

    def _build_worker(self, number: int, project) -> None:
        try:
            from playground.session.compile import build_run

            run = build_run(project, backend=project.settings.backend)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a readable message
            traceback.print_exc()
            self._builder.built.emit(number, None, explain_build_error(exc))
        else:
            self._builder.built.emit(number, run, "")

    def _on_built(self, number: int, run, error: str) -> None:
        if number != self._request:
            return  # stopped or reset while building
        if run is None:
            self._set_state(FINISHED if self.run is not None else IDLE)  # the last run's results stay
            self.error.emit(error)
            return
        self.run = run
        self.controller.history.clear()
        self.run_started.emit(run)
        paused = self._after_build == "step"
        try:
            self.controller.start(run, paused=paused)
        except Exception as exc:  # noqa: BLE001 - e.g. no process could be started: say so, stay usable
            traceback.print_exc()
            self.run = None
            self._set_state(IDLE)
            self.error.emit(f"Could not start the training process: {exc}")
            return
        if self.lr_spin.value() != run.trainer.optimizer.lr:
            self.controller.set_learning_rate(self.lr_spin.value())
        if paused:
            self.controller.step()
        label = getattr(getattr(run, "backend", None), "label", "")
        self.status.emit(f"Training on {label}" if label else "Training")

    # -- controller signals ------------------------------------------------------------------
    def _on_controller_state(self, state: str) -> None:
        if self.state == IDLE and state == FINISHED:
            return  # the end of a run that was reset
        self._set_state(state)
        if state == FINISHED and self.run is not None:
            self.run_finished.emit(self.run)

    def _on_report(self, report) -> None:
        self._show_counters(report)
        self.report.emit(report)

    def _on_message(self, text: str) -> None:
        if is_failure(text):
            self.error.emit(text)
        self.status.emit(text)

    def _on_lr_edited(self, value: float) -> None:
        if self.state in (RUNNING, PAUSED):
            self.controller.set_learning_rate(value)
            self.status.emit(f"Learning rate set to {value:g} (live)")
        elif self.commit_lr is not None and not self.commit_lr(value):
            self.refresh_lr()

    # -- display ----------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        was_busy = self.busy
        self.state = state
        latest = self.controller.history.latest
        cut_short = state == FINISHED and latest is not None and latest.iteration < latest.iterations_total
        self.state_label.setText("Stopped" if cut_short else STATE_TEXT.get(state, state))
        self._update_buttons()
        self.state_changed.emit(state)
        if was_busy != self.busy:
            self.busy_changed.emit(self.busy)

    def _update_buttons(self) -> None:
        s = self.state
        self.play_button.setEnabled(s in (IDLE, PAUSED, FINISHED))
        self.pause_button.setEnabled(s == RUNNING)
        self.step_button.setEnabled(s in (IDLE, PAUSED, FINISHED))
        self.stop_button.setEnabled(s in (PREPARING, RUNNING, PAUSED))
        self.reset_button.setEnabled(s != PREPARING)

    def _show_counters(self, report) -> None:
        if report is None:
            epochs = self.project.settings.epochs if self.project is not None else 0
            self.epoch_label.setText(f"Epoch 0 / {epochs}")
            self.iteration_label.setText("Iteration 0")
            self.loss_label.setText("")
            self.progress.setValue(0)
            self.progress.setFormat("%p%")
            return
        epochs = getattr(getattr(self.run, "trainer", None), "epochs", None)
        self.epoch_label.setText(f"Epoch {report.epoch}" + (f" / {epochs}" if epochs else ""))
        self.iteration_label.setText(f"Iteration {report.iteration:,} / {report.iterations_total:,}")
        if report.train_loss == report.train_loss:  # not NaN
            self.loss_label.setText(f"Loss {report.train_loss:.4g}")
        total = max(1, report.iterations_total)
        self.progress.setValue(round(1000 * min(1.0, report.iteration / total)))
        if not self.lr_spin.hasFocus():
            self.lr_spin.blockSignals(True)
            self.lr_spin.setValue(report.learning_rate)
            self.lr_spin.blockSignals(False)


class MessageBanner(QFrame):
    """A non-modal message above the canvas (training errors, NaN, shape problems); it stays until closed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Hide this message")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 8, 8)
        row.addWidget(self.label, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        self.restyle()
        self.label.setText("⚠  " + text)
        self.show()

    def restyle(self) -> None:
        t = theme.current_theme()
        self.setStyleSheet(f"MessageBanner {{ background: {t.warning_background}; border-bottom: 2px solid #d62728; }}"
                           f"QLabel {{ color: {t.warning_text}; font-weight: 600; }}")
