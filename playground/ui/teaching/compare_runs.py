"""Compare runs: the loss curves of several runs of a project in one plot, with a legend.

Each run is a label and a :class:`~playground.session.history.MetricHistory` (a finished
run's or a live one's). Its training loss is a solid line and its validation loss a
dashed line in the same colour, so "learning rate too high / too low / just right" or
"dropout on / off" reads off one picture made from real runs.

Use: ``CompareRunsView(parent=None)``, then ``add_run("lr = 0.1", history)`` for each run
(``set_runs([(label, history), …])`` replaces them all). ``refresh()`` redraws the runs
whose history grew — a :class:`~playground.ui.plots.PlotRefresher` can drive it like any
plot (the history it passes is ignored).

Runs kept in a project (:class:`~playground.model.project.KeptRun`: label, settings in
words, curves) are shown with ``set_kept_runs(project.kept_runs)``; the list beside the
plot names each run in its colour with its settings, and *Remove* emits
``run_removed(label)`` so the owner can drop it from the project too.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.session.history import MetricHistory

from ..plots.base import HistoryPlot
from ..theme import current_theme
from .common import lecture_font, plain_axes

LABEL_ROLE = Qt.ItemDataRole.UserRole


def settings_summary(project) -> str:
    """The settings that tell runs apart, in words: ``"adam, lr 0.01 · batch 32 · 50 epochs · seed 0"``."""
    s = project.settings
    parts = [f"{s.optimizer.name}, lr {s.optimizer.lr:g}"]
    if s.optimizer.name == "sgd" and s.optimizer.momentum:
        parts[0] += f", momentum {s.optimizer.momentum:g}" + (" (Nesterov)" if s.optimizer.nesterov else "")
    parts += [f"batch {s.batch_size}", f"{s.epochs} epochs", f"seed {s.seed}"]
    if s.schedule.name != "constant":
        parts.append(f"{s.schedule.name} schedule")
    hooks = s.hooks
    parts += [f"{name} {value:g}" for name, value in (("L1", hooks.l1), ("L2", hooks.l2)) if value]
    if hooks.clip_norm is not None:
        parts.append(f"clip norm {hooks.clip_norm:g}")
    if hooks.clip_value is not None:
        parts.append(f"clip value {hooks.clip_value:g}")
    if s.early_stopping.enabled:
        parts.append("early stopping")
    return " · ".join(parts)


class CompareRunsView(HistoryPlot):
    """Train (solid) and validation (dashed) loss of every run, one colour per run.

    ``runs`` maps labels to histories, in the order added; ``curve(label, "train")`` /
    ``curve(label, "val")`` give the pyqtgraph curves.
    """

    title = "Compare runs"
    run_removed = Signal(str)  # the label of a run the student removed from the list

    def __init__(self, parent: QWidget | None = None, series: str = "loss"):
        super().__init__(parent)
        self.setWindowTitle("Compare runs")
        self.series = series  # "loss" → train_loss / val_loss; "accuracy" → train_accuracy / …
        self.runs: dict[str, object] = {}
        self.summaries: dict[str, str] = {}  # label → the run's settings in words
        self.project = None  # the project whose kept runs are shown (set by the Teach menu)
        self._versions: dict[str, int | None] = {}
        self.val_checkbox = QCheckBox("Validation (dashed)")
        self.val_checkbox.setChecked(True)
        self.log_checkbox = QCheckBox("Log scale")
        self.add_header(self.val_checkbox, self.log_checkbox)
        self.plot_widget = self.add_plot_widget("iteration", series)
        self.plot_item = self.plot_widget.getPlotItem()
        self.curves = self.add_curve_set(self.plot_widget)
        plain_axes(self.plot_widget)
        row = QHBoxLayout()
        row.addWidget(self.plot_widget, 1)
        row.addLayout(self._make_run_list())
        self.layout_.addLayout(row, 1)
        self.val_checkbox.toggled.connect(self._on_control_changed)
        self.log_checkbox.toggled.connect(self.set_log_y)

    def _make_run_list(self) -> QVBoxLayout:
        self.run_list = QListWidget()
        self.run_list.setFont(lecture_font("tick"))
        self.run_list.setWordWrap(True)
        self.run_list.setSpacing(5)
        self.run_list.setIconSize(QSize(18, 18))
        self.run_list.setMinimumWidth(240)
        self.run_list.setMaximumWidth(340)
        self.run_list.setToolTip("The kept runs in their colours, with the settings that made them")
        self.remove_button = QPushButton("Remove run")
        self.remove_button.setFont(lecture_font("tick"))
        self.remove_button.setToolTip("Take the selected run out of the comparison (and out of the project)")
        self.remove_button.clicked.connect(self._remove_selected)
        self.run_list.currentItemChanged.connect(self._update_remove_button)
        column = QVBoxLayout()
        column.addWidget(self.run_list, 1)
        column.addWidget(self.remove_button)
        self._update_remove_button()
        return column

    # -- runs -----------------------------------------------------------------------------
    def add_run(self, label: str, history, summary: str = "") -> None:
        """Add (or replace) the run ``label``; its colour is its position in the list."""
        self.runs[label] = history
        self.summaries[label] = summary
        self._versions[label] = None
        self.refresh()
        self._fill_run_list()

    def set_runs(self, runs, summaries: dict[str, str] | None = None) -> None:
        """Show exactly ``runs``: ``[(label, history), …]`` or a dict."""
        items = list(runs.items()) if isinstance(runs, dict) else list(runs)
        self.runs = {}
        self._versions = {}
        self.summaries = {label: (summaries or {}).get(label, "") for label, _ in items}
        self.curves.remove_except(set())
        for label, history in items:
            self.runs[label] = history
            self._versions[label] = None
        self.refresh()
        self._fill_run_list()

    def set_kept_runs(self, kept_runs) -> None:
        """Show the runs kept in a project (:class:`~playground.model.project.KeptRun` objects)."""
        self.set_runs([(run.label, MetricHistory.from_dict(run.history)) for run in kept_runs],
                      {run.label: run.summary for run in kept_runs})

    def remove_run(self, label: str) -> None:
        self.runs.pop(label, None)
        self._versions.pop(label, None)
        self.set_runs(list(self.runs.items()), self.summaries)  # colours follow the new order

    def listed_runs(self) -> list[str]:
        """The labels the run list shows, top to bottom."""
        return [self.run_list.item(i).data(LABEL_ROLE) for i in range(self.run_list.count())]

    def _fill_run_list(self) -> None:
        theme = current_theme()
        self.run_list.clear()
        for index, label in enumerate(self.runs):
            summary = self.summaries.get(label, "")
            item = QListWidgetItem(f"{label}\n{_unbroken(summary)}" if summary else label)
            item.setData(LABEL_ROLE, label)
            item.setIcon(_swatch(theme.series_color(index)))
            item.setToolTip(summary or label)
            self.run_list.addItem(item)
        self._update_remove_button()

    def _remove_selected(self) -> None:
        item = self.run_list.currentItem()
        if item is None:
            return
        label = item.data(LABEL_ROLE)
        self.remove_run(label)
        self.run_removed.emit(label)

    def _update_remove_button(self, *_args) -> None:
        self.remove_button.setEnabled(self.run_list.currentItem() is not None)

    def apply_theme(self, theme) -> None:
        super().apply_theme(theme)
        if hasattr(self, "run_list"):
            self._fill_run_list()  # the swatches follow the curves' colours

    def clear(self) -> None:
        self.set_runs([])

    def curve(self, label: str, which: str = "train") -> pg.PlotDataItem:
        """The curve of run ``label``: ``which`` is ``"train"`` or ``"val"`` (KeyError before data)."""
        return self.curves.get(f"{label}/{which}")

    # -- drawing ---------------------------------------------------------------------------
    def refresh(self, history=None) -> bool:
        """Redraw if any run's history changed since the last redraw; return whether it did."""
        versions = {label: h.version for label, h in self.runs.items()}
        if versions == self._versions and self.curves.curves:
            return False
        self._versions = versions
        self.redraw(None)
        self.redraw_count += 1
        self.place_legends()
        return True

    def redraw_now(self) -> None:
        self.redraw(None)
        self.redraw_count += 1
        self.place_legends()

    def redraw(self, history) -> None:
        shown = set()
        show_val = self.val_checkbox.isChecked()
        for index, (label, run) in enumerate(self.runs.items()):
            for which, dashed in (("train", False), ("val", True)):
                if which == "val" and not show_val:
                    continue
                x, y = run.series(f"{which}_{self.series}")
                if len(x):
                    name = f"{label}/{which}"
                    new = name not in self.curves
                    item = self.curves.set_data(name, x, y, label=label, colour_index=index, dashed=dashed)
                    if new and dashed and self.plot_item.legend is not None:
                        self.plot_item.legend.removeItem(item)  # one legend entry per run
                    shown.add(name)
        self.curves.remove_except(shown)

    def set_log_y(self, on: bool) -> None:
        """Loss on a logarithmic axis (differences between good runs show up)."""
        if self.log_checkbox.isChecked() != on:
            self.log_checkbox.setChecked(on)
            return
        self.plot_item.setLogMode(x=False, y=on)
        self.plot_item.enableAutoRange()


def _unbroken(summary: str) -> str:
    """Lines break only between the parts of a summary ("3 epochs" stays on one line)."""
    return "\u00a0· ".join(part.replace(" ", "\u00a0") for part in summary.split(" · "))


def _swatch(colour: str, size: int = 18) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)
