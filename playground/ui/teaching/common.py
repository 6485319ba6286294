"""What the teaching windows share: lecture-size text, number cells, a background task.

* :func:`lecture_font` / :func:`heading` / :func:`paragraph` — text big enough for the back row
  (sizes from the current :class:`~playground.ui.theme.Theme`);
* :func:`number_item` — a table cell that shows a number with 4 significant digits (the
  way the explanations write it, ``−0.05301``) and keeps the exact value under
  :data:`VALUE_ROLE`, so tests and copy-paste get the engine's number, not the rounded text;
* :class:`BackgroundTask` — runs one slow function (a sweep, a gradient check, training for the
  loss landscape, a replay) in a child process (:mod:`playground.session.jobs`) and hands its
  progress and result to the GUI thread as signals, so the window never freezes and never
  waits for the GIL.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from playground.session.jobs import JobProcess, can_travel, readable_error
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


# -- work off the GUI thread -------------------------------------------------------------------
class _Relay(QObject):
    """Lives on the GUI thread; reader threads emit through it (Qt queues the calls)."""

    ready = Signal(object)  # the run whose messages are waiting


class _Run:
    """One started job: its messages wait in ``pending`` until the GUI thread takes them.

    At most one "messages are waiting" event sits in the GUI's queue per run: a job that
    reports faster than the window draws never floods the event loop.
    """

    def __init__(self, relay: _Relay):
        self.relay = relay
        self.pending: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def put(self, kind: str, payload: Any) -> None:
        with self.lock:
            relay = self.relay
            if relay is None:
                return  # shut down: nobody listens (and the relay may be gone with its window)
            self.pending.append((kind, payload))
            first = len(self.pending) == 1
        if first:
            try:
                relay.ready.emit(self)
            except RuntimeError:  # the window was deleted meanwhile
                pass

    def forget(self) -> None:
        """Drop whatever still comes (the task was shut down)."""
        with self.lock:
            self.relay, self.pending = None, []

    def take(self) -> list[tuple[str, Any]]:
        with self.lock:
            messages, self.pending = self.pending, []
        return messages

    def cancel(self) -> None:
        raise NotImplementedError

    def close(self, timeout_s: float) -> None:
        raise NotImplementedError

    def wait(self, timeout_s: float) -> bool:
        """Until the last message is in (the signals still need the event loop); True if it is."""
        if self.thread is None:
            return True
        self.thread.join(timeout_s)
        return not self.thread.is_alive()


class _ProcessRun(_Run):
    """The job in a child process; a plain reader thread relays its pipe."""

    where = "process"

    def __init__(self, relay: _Relay, function: Callable[..., Any], args: tuple):
        super().__init__(relay)
        self.job = JobProcess(function, *args, name=f"playground-{getattr(function, '__name__', 'job')}")
        self.thread = threading.Thread(target=self._read, daemon=True, name="playground-job-reader")
        self.thread.start()

    def _read(self) -> None:
        while True:
            kind, payload = self.job.receive()
            self.put(kind, payload)
            if kind != "progress":
                self.job.join(5.0)  # the child exits after its last word: reap it here, off the GUI thread
                return

    def cancel(self) -> None:
        self.job.cancel()

    def close(self, timeout_s: float) -> None:
        self.job.close(min(timeout_s, 0.2))  # nothing it still does is wanted: no need to wait long


class _ThreadRun(_Run):
    """A function that cannot travel to a child (a closure) on a plain thread: small work that never trains."""

    where = "thread"

    def __init__(self, relay: _Relay, function: Callable[..., Any], args: tuple):
        super().__init__(relay)
        self._cancel = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(function, args), daemon=True,
                                       name="playground-task")
        self.thread.start()

    @property
    def cancelled(self) -> bool:  # the handle's side
        return self._cancel.is_set()

    def report(self, value: Any) -> None:
        self.put("progress", value)

    def _run(self, function, args) -> None:
        try:
            result = function(self, *args)
        except Exception as exc:  # noqa: BLE001 - shown in the window, never a crash
            traceback.print_exc()
            self.put("failed", readable_error(exc))
        else:
            self.put("done", result)

    def cancel(self) -> None:
        self._cancel.set()

    def close(self, timeout_s: float) -> None:
        self.cancel()
        self.wait(timeout_s)


class _FailedRun(_Run):
    """A job that could not start: its one message says why."""

    where = "none"

    def __init__(self, relay: _Relay, text: str):
        super().__init__(relay)
        self.put("failed", text)

    def cancel(self) -> None:
        pass

    def close(self, timeout_s: float) -> None:
        pass


class BackgroundTask(QObject):
    """Run ``function(handle, *args)`` in a child process; its progress and result arrive as signals.

    >>> task = BackgroundTask(parent=window)               # doctest: +SKIP
    >>> task.progress.connect(window.on_progress)          # handle.report(x) → progress(x)
    >>> task.done.connect(window.on_result)                # the function's return value
    >>> task.failed.connect(window.on_error)               # a plain-words message
    >>> task.start(jobs.sweep, project_bytes, "optimizer.lr", [0.01, 0.1], 5, labels)
    >>> task.start_on_project(jobs.sweep, project, …)     # the same, the project sent as file bytes

    ``function`` is a module-level function without Qt (it runs in a child process of
    :mod:`playground.session.jobs`, so training never takes the GIL from the window);
    its arguments and result are pickled. It may call ``handle.report(value)`` and should
    look at ``handle.cancelled`` now and then. An exception in it, or a child that dies,
    arrives as ``failed(text)``. A function that cannot be pickled (a closure) runs on a
    plain thread instead: keep that for small work that never trains (writing a file).

    Call :meth:`shutdown` before the owner closes: it cancels the job and ends the child.
    Signals of a task that was cancelled and replaced are dropped.
    """

    progress = Signal(object)
    done = Signal(object)
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._relay = _Relay(self)
        # queued even from this thread: a run's first message may come before start() has returned
        self._relay.ready.connect(self._take, Qt.ConnectionType.QueuedConnection)
        self._run: _Run | None = None
        self.where: str | None = None  # where the last job started runs: "process", "thread" or "none"

    @property
    def running(self) -> bool:
        return self._run is not None

    def start(self, function: Callable[..., Any], *args) -> None:
        """Start ``function(handle, *args)`` (an unfinished earlier job is cancelled first)."""
        self.shutdown()
        try:
            kind = _ProcessRun if can_travel(function) else _ThreadRun
            run = kind(self._relay, function, args)
        except Exception as exc:  # noqa: BLE001 - e.g. an argument that cannot be pickled
            traceback.print_exc()
            run = _FailedRun(self._relay, readable_error(exc))
        self._run, self.where = run, run.where
        self.running_changed.emit(True)

    def start_on_project(self, function: Callable[..., Any], project, *args) -> None:
        """:meth:`start` with ``project`` sent as its ``.nnpg`` bytes (a project that cannot be saved fails in words)."""
        from playground.model.fileio import project_to_bytes

        try:
            raw = project_to_bytes(project)
        except Exception as exc:  # noqa: BLE001 - e.g. an invalid setting: the same message as saving gives
            self.shutdown()
            self._run, self.where = _FailedRun(self._relay, readable_error(exc)), "none"
            self.running_changed.emit(True)
            return
        self.start(function, raw, *args)

    def cancel(self) -> None:
        """Ask the function to stop (it sees ``handle.cancelled``); the result still arrives."""
        if self._run is not None:
            self._run.cancel()

    def wait(self, timeout_ms: int = 10000) -> bool:
        """Block until the job's last message is in (tests, closing); True if it is.

        The signals still need the event loop (``qtbot.waitSignal`` or ``processEvents``).
        """
        return self._run.wait(timeout_ms / 1000) if self._run is not None else True

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Cancel, end the job and forget it (its result is not wanted any more).

        A child gets a moment to stop on its own and is then killed; a thread is waited for.
        """
        run, self._run = self._run, None
        if run is None:
            return
        run.forget()
        run.close(timeout_ms / 1000)
        self.running_changed.emit(False)

    def _take(self, run: _Run) -> None:
        if run is not self._run:
            return  # a job that was cancelled and replaced meanwhile
        for kind, payload in run.take():
            if run is not self._run:
                return  # a slot shut the task down or started another one
            if kind == "progress":
                self.progress.emit(payload)
                continue
            self._run = None
            self.running_changed.emit(False)
            (self.done if kind == "done" else self.failed).emit(payload)
            return
