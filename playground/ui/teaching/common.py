"""What the teaching windows share: lecture-size text, number cells, a background task.

* :func:`lecture_font` / :func:`heading` / :func:`paragraph` — text big enough for the back row
  (sizes from the current :class:`~playground.ui.theme.Theme`);
* :func:`number_item` — a table cell that shows a number with 4 significant digits (the
  way the explanations write it, ``−0.05301``) and keeps the exact value under
  :data:`VALUE_ROLE`, so tests and copy-paste get the engine's number, not the rounded text;
* :class:`BackgroundTask` — runs one slow function (a sweep, a gradient check, training for the
  loss landscape) on a ``QThread`` and hands its progress and result to the GUI thread as
  signals, so the window never freezes.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from playground.session.teaching.text import num

from ..theme import current_theme

VALUE_ROLE = Qt.ItemDataRole.UserRole  # the exact float behind a number cell
DIGITS = 4

PASS_COLOUR = "#c8efc8"  # pale green / red backgrounds with dark text: readable in both themes
FAIL_COLOUR = "#f6c6c6"
CELL_TEXT = "#1a1a1a"


# -- text ---------------------------------------------------------------------------------
def lecture_font(size: str = "label", bold: bool = False) -> QFont:
    """A font of the theme's ``"tick"``, ``"label"`` or ``"title"`` size (points)."""
    theme = current_theme()
    font = QFont()
    font.setPointSize({"tick": theme.tick_pt, "label": theme.label_pt, "title": theme.title_pt}[size])
    font.setBold(bold)
    return font


def heading(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A bold title line in the theme's title size."""
    label = QLabel(text, parent)
    label.setFont(lecture_font("title", bold=True))
    label.setWordWrap(True)
    return label


def paragraph(text: str = "", parent: QWidget | None = None, size: str = "label",
              rich: bool = False) -> QLabel:
    """A wrapping, selectable block of text (students copy numbers out of it)."""
    label = QLabel(text, parent)
    label.setFont(lecture_font(size))
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def set_font_size(widgets, size: str = "tick") -> None:
    """Give controls (buttons, combos, spin boxes) a readable font."""
    for widget in widgets:
        widget.setFont(lecture_font(size))


def plain_axes(plot_widget) -> None:
    """No "(x0.001)" on the axes: pyqtgraph's SI-prefix scaling puzzles students; ticks say 0.3 instead."""
    item = plot_widget.getPlotItem()
    for name in ("left", "bottom"):
        item.getAxis(name).enableAutoSIPrefix(False)


# -- tables --------------------------------------------------------------------------------
def text_item(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tooltip:
        item.setToolTip(tooltip)
    return item


def number_item(value: float, digits: int = DIGITS, tooltip: str = "") -> QTableWidgetItem:
    """A read-only cell showing ``num(value)``; the exact float is under :data:`VALUE_ROLE`."""
    value = float(value)
    item = text_item(num(value, digits), tooltip or repr(value))
    item.setData(VALUE_ROLE, value)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def colour_cell(item: QTableWidgetItem, background: str) -> None:
    item.setBackground(QColor(background))
    item.setForeground(QColor(CELL_TEXT))


def make_table(parent: QWidget | None = None) -> QTableWidget:
    """A read-only table in the tick font, columns sized to their contents."""
    table = QTableWidget(parent)
    table.setFont(lecture_font("tick"))
    table.horizontalHeader().setFont(lecture_font("tick", bold=True))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(False)
    return table


def fill_table(table: QTableWidget, headers: list[str], rows: list[list[QTableWidgetItem]]) -> None:
    """Replace the table's contents (``rows`` of ready-made items)."""
    table.clearContents()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, item in enumerate(row):
            table.setItem(r, c, item)
    table.resizeRowsToContents()


def column_values(table: QTableWidget, column: int) -> list[float]:
    """The exact numbers of one column (``nan`` for cells without one): for tests and export."""
    values = []
    for row in range(table.rowCount()):
        item = table.item(row, column)
        value = None if item is None else item.data(VALUE_ROLE)
        values.append(float("nan") if value is None else float(value))
    return values


def column_of(table: QTableWidget, header: str) -> int:
    """The index of the column titled ``header`` (ValueError if there is none)."""
    for c in range(table.columnCount()):
        item = table.horizontalHeaderItem(c)
        if item is not None and item.text() == header:
            return c
    raise ValueError(f"no column {header!r}")


def readable_error(exc: BaseException) -> str:
    """One plain sentence for a banner (the traceback goes to the console)."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, (ValueError, KeyError, RuntimeError)):
        return text
    return f"{type(exc).__name__}: {text}"


# -- work off the GUI thread -------------------------------------------------------------------
class TaskHandle:
    """What the background function gets: ``report(value)`` for progress, ``cancelled`` to stop early."""

    def __init__(self, worker: _Worker):
        self._worker = worker

    def report(self, value: Any) -> None:
        """Send ``value`` to the GUI thread (``BackgroundTask.progress``)."""
        self._worker.progress.emit(self._worker.number, value)

    @property
    def cancelled(self) -> bool:
        return self._worker.cancel.is_set()


class _Worker(QObject):
    progress = Signal(int, object)
    finished = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, number: int, function: Callable[[TaskHandle], Any]):
        super().__init__()
        self.number = number
        self.function = function
        self.cancel = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            result = self.function(TaskHandle(self))
        except Exception as exc:  # noqa: BLE001 - shown in the window, never a crash
            traceback.print_exc()
            self.failed.emit(self.number, readable_error(exc))
        else:
            self.finished.emit(self.number, result)


class BackgroundTask(QObject):
    """Run ``function(handle)`` on a ``QThread``; results arrive as signals on the GUI thread.

    >>> task = BackgroundTask(parent=window)           # doctest: +SKIP
    >>> task.progress.connect(window.on_progress)      # handle.report(x) → progress(x)
    >>> task.done.connect(window.on_result)            # the function's return value
    >>> task.failed.connect(window.on_error)           # a plain-words message
    >>> task.start(slow_function)

    ``function`` must not touch widgets (it runs on the worker thread); it may call
    ``handle.report(value)`` and should look at ``handle.cancelled`` now and then.
    Call :meth:`shutdown` before the owner closes: it cancels and waits for the thread.
    Signals of a task that was cancelled and replaced are dropped.
    """

    progress = Signal(object)
    done = Signal(object)
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._number = 0

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, function: Callable[[TaskHandle], Any]) -> None:
        """Start ``function`` on a new thread (an unfinished earlier task is cancelled first)."""
        self.shutdown()
        self._number += 1
        thread = QThread()
        worker = _Worker(self._number, function)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self._thread, self._worker = thread, worker
        thread.start()
        self.running_changed.emit(True)

    def cancel(self) -> None:
        """Ask the function to stop (it sees ``handle.cancelled``); the result still arrives."""
        if self._worker is not None:
            self._worker.cancel.set()

    def wait(self, timeout_ms: int = 10000) -> bool:
        """Block until the thread ends (tests, closing); True if it did."""
        return self._thread.wait(timeout_ms) if self._thread is not None else True

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Cancel, wait for the thread and forget it; its late signals are ignored."""
        if self._thread is None:
            return
        self.cancel()
        self._number += 1  # whatever the old worker still sends is stale
        self._end(timeout_ms)

    def _end(self, timeout_ms: int = 10000) -> None:
        thread = self._thread
        self._thread, self._worker = None, None
        if thread is not None:
            thread.quit()
            thread.wait(timeout_ms)
            self.running_changed.emit(False)

    def _on_progress(self, number: int, value: Any) -> None:
        if number == self._number:
            self.progress.emit(value)

    def _on_finished(self, number: int, result: Any) -> None:
        if number == self._number:
            self._end()
            self.done.emit(result)

    def _on_failed(self, number: int, text: str) -> None:
        if number == self._number:
            self._end()
            self.failed.emit(text)
