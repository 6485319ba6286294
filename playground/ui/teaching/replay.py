"""Replay training: train the recorded run again and show whether it came out bit for bit the same.

A lecture demo prepared at home must give the same curve on the lecture-hall
machine. The project file holds the recording (initial weights, settings and seed,
curves, final weights and optimizer state); this window trains it again in a child
process (:func:`playground.session.replay.replay`, through
:func:`playground.session.teaching.jobs.replay`), draws the new curve
over the recorded one (grey and wide underneath: a faithful replay runs along its
middle) and says either "Identical to the recording" or the first iteration
where the two runs part, with both numbers.

Use: ``ReplayView(project, parent=None)``, then :meth:`start`; ``finished(result)``
is emitted with the :class:`~playground.session.replay.ReplayResult`.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.session.history import MetricHistory
from playground.session.replay import (
    ReplayError,
    ReplayProgress,
    ReplayResult,
    check_replayable,
)
from playground.session.teaching import jobs

from ..plots.loss import LossPlot
from ..theme import current_theme
from .common import BackgroundTask, heading, paragraph, set_font_size

SAME_COLOUR = ("#c8efc8", "#14501a")  # background, text: readable in both themes
DIFFERENT_COLOUR = ("#f6c6c6", "#6e1010")
NEUTRAL_COLOUR = ("#e4e4e4", "#1a1a1a")

EXPLANATION = ("Trains the network again from the initial weights stored in the project, with its settings "
               "and seed, and compares every recorded number exactly (==, not approximately). On the same "
               "backend a replay must reproduce the recording bit for bit.")


class ReplayView(QWidget):
    """The replayed loss over the recorded one, a progress bar and the verdict."""

    finished = Signal(object)  # ReplayResult (also after a failure: None)

    def __init__(self, project, parent: QWidget | None = None, backend: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Replay training")
        self.project = project
        self.backend = backend
        self.result: ReplayResult | None = None
        self.error = ""
        self.task = BackgroundTask(self)
        self.task.progress.connect(self._on_progress)
        self.task.done.connect(self._on_done)
        self.task.failed.connect(self._on_failed)
        self._build_ui()
        self._show_recording()

    # -- widgets ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.title = heading("Replay the recorded run")
        self.explanation = paragraph(EXPLANATION, size="tick")
        self.recording_label = paragraph(size="tick")
        self.plot = LossPlot(show_terms=False)
        self.plot.set_title_visible(False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.verdict = paragraph()
        self.verdict.setMargin(8)
        self.replay_button = QPushButton("Replay again")
        self.replay_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.task.cancel)
        set_font_size([self.replay_button, self.stop_button, self.progress])
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.replay_button)
        column = QVBoxLayout(self)
        for widget in (self.title, self.explanation, self.recording_label):
            column.addWidget(widget)
        column.addWidget(self.plot, 1)
        column.addLayout(buttons)
        column.addWidget(self.verdict)
        self.parting_line = pg.InfiniteLine(angle=90, movable=False)
        self.parting_line.setZValue(20)
        self._update_buttons()
        self.resize(1000, 720)

    def _show_recording(self) -> None:
        history = self.project.history or {}
        self.plot.set_recorded(history)
        points = history.get("train_loss") or []
        if not points:
            self.recording_label.setText("")
            return
        s = self.project.settings
        start = ("from the stored initial weights" if self.project.initial_weights is not None
                 else "from the seed's weights (no initial weights stored)")
        self.recording_label.setText(
            f"Recorded run: {int(points[-1][0]):,} iterations. Replayed {start} with the project's settings: "
            f"{s.optimizer.name}, lr {s.optimizer.lr:g}, batch {s.batch_size}, seed {s.seed}.")

    # -- running ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.task.running

    def start(self) -> bool:
        """Replay in a child process; False (with the reason shown) if there is nothing to replay."""
        self.result, self.error = None, ""
        self._hide_parting_line()
        self._show_recording()
        try:
            check_replayable(self.project)
        except ReplayError as exc:
            self._fail(str(exc))
            return False
        total = int(max(x for x, _ in self.project.history["train_loss"]))
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(0)
        self.progress.setFormat("Replaying… %v / %m iterations")
        self._set_verdict("Replaying the recorded run…", NEUTRAL_COLOUR)
        self.plot.refresh(MetricHistory())
        self.task.start_on_project(jobs.replay, self.project, self.backend)
        self._update_buttons()
        return True

    def _on_progress(self, step: ReplayProgress) -> None:
        self.progress.setValue(step.iteration)
        self.plot.refresh(MetricHistory.from_dict(step.points))

    def _on_done(self, result: ReplayResult) -> None:
        self.result = result
        self.plot.refresh(result.replayed)
        self.progress.setFormat("%v / %m iterations")
        text = result.message()
        if result.notes:
            text += " " + " ".join(result.notes)
        if result.identical:
            self._set_verdict("✓ " + text, SAME_COLOUR)
        elif result.cancelled:
            self._set_verdict(text, NEUTRAL_COLOUR)
        else:
            self._set_verdict("✗ " + text + " Runs part ways when a setting, the data, the backend or a "
                              "library version changed since the recording.", DIFFERENT_COLOUR)
            if result.difference is not None:
                self._show_parting_line(result.difference.iteration)
        self._update_buttons()
        self.finished.emit(result)

    def _on_failed(self, text: str) -> None:
        self._fail(f"The replay could not run: {text}")

    def _fail(self, text: str) -> None:
        self.error = text
        self._set_verdict(text, DIFFERENT_COLOUR)
        self._update_buttons()
        self.finished.emit(None)

    # -- display ------------------------------------------------------------------------------
    def _set_verdict(self, text: str, colours: tuple[str, str]) -> None:
        background, foreground = colours
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; "
                                   "font-weight: bold; border-radius: 4px; }")
        self._fit_verdict()

    def _fit_verdict(self) -> None:
        """Room for every wrapped line (a box layout sizes a wrapping label for one line only)."""
        margins = self.layout().contentsMargins()
        width = max(self.contentsRect().width() - margins.left() - margins.right(), 200)
        self.verdict.setMinimumHeight(max(0, self.verdict.heightForWidth(width)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_verdict()

    def _show_parting_line(self, iteration: int) -> None:
        theme = current_theme()
        self.parting_line.setPen(pg.mkPen(theme.series_color(3), width=2, style=Qt.PenStyle.DashLine))
        self.parting_line.setPos(iteration)
        if self.parting_line.scene() is None:
            self.plot.plot_item.addItem(self.parting_line)

    def _hide_parting_line(self) -> None:
        if self.parting_line.scene() is not None:
            self.plot.plot_item.removeItem(self.parting_line)

    def _update_buttons(self) -> None:
        self.stop_button.setEnabled(self.running)
        self.replay_button.setEnabled(not self.running)

    def closeEvent(self, event) -> None:
        self.task.shutdown()
        super().closeEvent(event)
