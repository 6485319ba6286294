"""A sweep: train the project once per value of one setting and compare the runs.

Choose a setting (learning rate, batch size, optimizer, momentum, L2 strength, seed) and
a list of values; *Run* trains one fresh copy of the project per value in a child process
(:func:`playground.session.teaching.jobs.sweep`), so the window stays responsive
and *Stop* works at any time. While it runs, each run's loss curves grow in the lower
plot (a :class:`~playground.ui.teaching.compare_runs.CompareRunsView`); at the end the
upper plot shows the final training and validation loss against the value (log x for the
learning rate and batch size) — the "too low crawls, too high diverges, best in between"
picture from real runs. Runs that diverged are marked with a red ×.

Use: ``SweepDialog(project, parent=None, setting="optimizer.lr", values=None, epochs=None)``
— ``exec()`` or ``show()`` it; ``start()`` runs the sweep as the *Run* button does.
The project itself is never changed (each run trains a copy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from playground.session.history import MetricHistory
from playground.session.teaching import jobs
from playground.session.teaching import sweep as sweep_module
from playground.session.teaching.sweep import SweepResult
from playground.session.teaching.text import num

from ..plots.base import HistoryPlot, make_pen, set_plot_title
from ..theme import Theme, current_theme
from .common import BackgroundTask, paragraph, plain_axes, set_font_size
from .compare_runs import CompareRunsView


@dataclass(frozen=True)
class SweepSetting:
    """One setting a sweep can vary: its dotted path in ``TrainingSettings`` and how to show it."""

    key: str          # "optimizer.lr"
    title: str        # "Learning rate"
    kind: str         # "float", "int" or "choice"
    short: str        # the legend's name: "lr"
    defaults: str     # the values offered first
    log_x: bool = False
    choices: tuple[str, ...] = ()


SETTINGS: dict[str, SweepSetting] = {s.key: s for s in (
    SweepSetting("optimizer.lr", "Learning rate", "float", "lr", "0.0001, 0.001, 0.01, 0.1, 1", log_x=True),
    SweepSetting("batch_size", "Batch size", "int", "batch", "1, 8, 32, 128", log_x=True),
    SweepSetting("optimizer.name", "Optimizer", "choice", "optimizer", "sgd, rmsprop, adam",
                 choices=("sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamw")),
    SweepSetting("optimizer.momentum", "Momentum (with SGD)", "float", "momentum", "0, 0.5, 0.9, 0.99"),
    SweepSetting("hooks.l2", "L2 strength", "float", "L2", "0, 0.0001, 0.001, 0.01"),
    SweepSetting("seed", "Seed (initial weights)", "int", "seed", "0, 1, 2, 3"),
)}
MAX_VALUES = 12
REDRAW_MS = 100  # live curves redraw 10 times a second, never per report


def parse_values(text: str, setting: SweepSetting) -> list:
    """``"0.001, 0.01 0.1"`` → ``[0.001, 0.01, 0.1]`` (names for a choice); plain-words errors."""
    parts = [p for p in text.replace(";", ",").replace(",", " ").split() if p]
    if not parts:
        raise ValueError(f"Enter the values of {setting.title.lower()} to try, e.g. {setting.defaults}.")
    if len(parts) > MAX_VALUES:
        raise ValueError(f"{len(parts)} values is a long wait; try at most {MAX_VALUES}.")
    values = []
    for part in parts:
        if setting.kind == "choice":
            if part.lower() not in setting.choices:
                raise ValueError(f"{part!r} is not a {setting.title.lower()}; choose from "
                                 f"{', '.join(setting.choices)}.")
            values.append(part.lower())
            continue
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"{part!r} is not a number (write e.g. 0.01 or 1e-3).") from None
        if setting.kind == "int":
            if value != int(value):
                raise ValueError(f"{setting.title} takes whole numbers; {part} is not one.")
            value = int(value)
        values.append(value)
    if len(set(values)) != len(values):
        raise ValueError("A value appears twice in the list; each run needs its own value.")
    return values


def project_with(project, setting: SweepSetting, value):
    """A copy of ``project`` with one setting changed (the original is untouched); checked."""
    return sweep_module.project_with(project, setting.key, value)


def value_label(setting: SweepSetting, value) -> str:
    return f"{setting.short} = {value:g}" if isinstance(value, (int, float)) else f"{setting.short} = {value}"


class FinalLossPlot(HistoryPlot):
    """Final training and validation loss against the swept value; diverged runs as red ×."""

    title = "Final loss"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot_widget = self.add_plot_widget("value", "final loss")
        self.plot_item = self.plot_widget.getPlotItem()
        self.curves = self.add_curve_set(self.plot_widget)
        plain_axes(self.plot_widget)
        self.diverged = pg.ScatterPlotItem(size=16, symbol="x", pxMode=True)
        self.plot_item.addItem(self.diverged)
        self.layout_.addWidget(self.plot_widget, 1)
        self.x: np.ndarray | None = None
        self.clear_result()

    def clear_result(self) -> None:
        """Empty plot (a sweep is running or none has run yet)."""
        self.curves.remove_except(set())
        self.plot_item.legend.removeItem(self.diverged)
        self.diverged.clear()
        self.plot_item.legend.setVisible(False)  # an empty legend is a stray little box
        set_plot_title(self.plot_widget, "Final loss (when the sweep ends)")

    def show_result(self, result: SweepResult, setting: SweepSetting) -> None:
        set_plot_title(self.plot_widget, "Final loss")
        self.plot_item.legend.setVisible(True)
        values = result.values
        numeric = setting.kind != "choice"
        x = np.asarray(values, dtype=float) if numeric else np.arange(len(values), dtype=float)
        log = numeric and setting.log_x and bool(np.all(x > 0))
        self.plot_item.setLogMode(x=log, y=False)
        axis = self.plot_item.getAxis("bottom")
        axis.setLabel(setting.title, **axis.labelStyle)
        axis.setTicks(None if numeric else [[(float(i), str(v)) for i, v in enumerate(values)]])
        self.x = x
        self.curves.remove_except(set())
        train, val = result.final_losses("train"), result.final_losses("val")
        for name, y, label in (("train", train, "train"), ("val", val, "validation")):
            if np.any(np.isfinite(y)):
                item = self.curves.set_data(name, x, y, label=label, colour_index=0 if name == "train" else 1)
                item.setData(x, y, connect="finite")  # a diverged run (NaN) leaves a gap
        bad = np.array([run.diverged for run in result.runs], dtype=bool)
        finite = np.concatenate([train[np.isfinite(train)], val[np.isfinite(val)]])
        top = float(finite.max()) * 1.05 if finite.size else 1.0
        legend = self.plot_item.legend
        legend.removeItem(self.diverged)
        if bad.any():
            self.diverged.setData(x=x[bad], y=np.full(int(bad.sum()), top))
            legend.addItem(self.diverged, "diverged")
        else:
            self.diverged.clear()
        self._style(current_theme())
        self.plot_item.enableAutoRange()
        self.place_legends()

    def _style(self, theme: Theme) -> None:
        self.diverged.setPen(make_pen("#d62728", theme, width=3))
        self.diverged.setBrush(pg.mkBrush("#d62728"))

    def redraw(self, history) -> None:  # not driven by training reports
        pass

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if hasattr(self, "diverged"):
            self._style(theme)


class SweepDialog(QDialog):
    """Choose a setting and values, run a sweep in a child process, compare the runs.

    ``result`` is the last :class:`SweepResult` (``None`` while running); ``live`` maps run
    labels to the histories filled while training; ``compare`` and ``final_plot`` are the
    two plots; ``task`` the :class:`~playground.ui.teaching.common.BackgroundTask`.
    """

    def __init__(self, project, parent: QWidget | None = None, setting: str = "optimizer.lr",
                 values: str | None = None, epochs: int | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sweep a setting")
        self.project = project
        self.result: SweepResult | None = None
        self.live: dict[str, MetricHistory] = {}
        self.reports_received = 0
        self._labels: list[str] = []
        self._values: list = []
        self.task = BackgroundTask(self)
        self.task.progress.connect(self._on_progress)
        self.task.done.connect(self._on_done)
        self.task.failed.connect(self._on_failed)
        self.redraw_timer = QTimer(self)  # plots redraw on a timer, never per report
        self.redraw_timer.setInterval(REDRAW_MS)
        self.redraw_timer.timeout.connect(self._redraw_live)
        self._last_progress = ""

        self.setting_combo = QComboBox()
        for key, s in SETTINGS.items():
            self.setting_combo.addItem(s.title, key)
        self.values_edit = QLineEdit()
        self.values_edit.setToolTip("Values separated by commas or spaces, e.g. 0.001, 0.01, 0.1")
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 100000)
        self.epochs_spin.setSuffix(" epochs each")
        self.run_button = QPushButton("Run")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        row = QHBoxLayout()
        for w in (QLabel("Vary"), self.setting_combo, QLabel("over"), self.values_edit, self.epochs_spin,
                  self.run_button, self.stop_button):
            row.addWidget(w, 1 if w is self.values_edit else 0)
        set_font_size([row.itemAt(i).widget() for i in range(row.count())], "tick")
        self.status = paragraph(size="tick")

        self.final_plot = FinalLossPlot()
        self.compare = CompareRunsView()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.final_plot)
        splitter.addWidget(self.compare)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

        self.setting_combo.currentIndexChanged.connect(self._on_setting)
        self.run_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        index = self.setting_combo.findData(setting)
        self.setting_combo.setCurrentIndex(max(0, index))
        self._on_setting()
        if values is not None:
            self.values_edit.setText(values)
        default_epochs = min(int(project.settings.epochs), 30) if project is not None else 10
        self.epochs_spin.setValue(int(epochs) if epochs else default_epochs)
        self.status.setText("Each value trains a fresh copy of the project from the same start; "
                            "the project itself does not change.")

    # -- public ---------------------------------------------------------------------------------
    @property
    def setting(self) -> SweepSetting:
        return SETTINGS[self.setting_combo.currentData()]

    @property
    def running(self) -> bool:
        return self.task.running

    def start(self) -> bool:
        """Start the sweep in a child process; False (with the reason shown) if the values are wrong."""
        setting = self.setting
        try:
            values = parse_values(self.values_edit.text(), setting)
            for value in values:  # check every value before training anything
                project_with(self.project, setting, value)
        except Exception as exc:  # noqa: BLE001 - a plain-words message
            self.status.setText(str(exc))
            return False
        self.result = None
        self.reports_received = 0
        self._values = values
        self._labels = [value_label(setting, v) for v in values]
        self.live = {}
        self.compare.clear()
        self.final_plot.clear_result()
        self._set_running(True)
        self.status.setText(f"Training {len(values)} runs of {self.epochs_spin.value()} epochs …")
        self.task.start_on_project(jobs.sweep, self.project, setting.key, values, self.epochs_spin.value(),
                                   self._labels)
        return True

    def stop(self) -> None:
        """Stop after the current report; the runs so far are kept and shown."""
        self.task.cancel()
        self.status.setText("Stopping …")

    def done(self, code: int) -> None:  # closing the dialog (Esc, Close, accept/reject)
        self.task.shutdown()
        super().done(code)

    def closeEvent(self, event) -> None:
        self.task.shutdown()
        super().closeEvent(event)

    # -- slots ---------------------------------------------------------------------------------------
    def _on_setting(self, *_args) -> None:
        self.values_edit.setText(self.setting.defaults)

    def _set_running(self, running: bool) -> None:
        if running:
            self._last_progress = ""
            self.redraw_timer.start()
        else:
            self.redraw_timer.stop()
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        for w in (self.setting_combo, self.values_edit, self.epochs_spin):
            w.setEnabled(not running)

    def _on_progress(self, item) -> None:
        index, report = item
        label = self._labels[index]
        history = self.live.get(label)
        if history is None:
            history = self.live[label] = MetricHistory()
            self.compare.add_run(label, history)
        history.append(report)
        self.reports_received += 1
        self._last_progress = (f"Run {index + 1} of {len(self._labels)} ({label}): epoch {report.epoch} of "
                               f"{self.epochs_spin.value()}, loss {num(report.train_loss, 3)}")

    def _redraw_live(self) -> None:
        self.compare.refresh()
        if self._last_progress and self.running:
            self.status.setText(self._last_progress)

    def _on_done(self, result: SweepResult) -> None:
        self.result = result
        self._set_running(False)
        self.compare.set_runs([(run.label, run.history) for run in result.runs])
        if result.runs:
            self.final_plot.show_result(result, self.setting)
        self.status.setText(summary(result, len(self._values)))

    def _on_failed(self, text: str) -> None:
        self._set_running(False)
        self.status.setText(f"The sweep failed: {text}")


def summary(result: SweepResult, planned: int) -> str:
    """One or two sentences: the best value, the diverged ones, whether it was stopped."""
    runs = result.runs
    if not runs:
        return "The sweep was stopped before the first run finished."
    parts = []
    try:
        best = result.best()
        which = "validation" if best.final_val_loss is not None else "training"
        loss = best.final_val_loss if best.final_val_loss is not None else best.final_train_loss
        parts.append(f"Lowest final {which} loss: {best.label} ({num(loss, 3)}).")
    except ValueError as exc:
        parts.append(str(exc) + ".")
    diverged = [run.label for run in runs if run.diverged]
    if diverged:
        parts.append(f"Diverged (loss became NaN or infinite): {', '.join(diverged)}.")
    if len(runs) < planned:
        parts.append(f"Stopped after {len(runs)} of {planned} runs.")
    return " ".join(parts)

