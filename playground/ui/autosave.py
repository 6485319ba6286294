"""Keeping the student's work safe: autosave for crash recovery, and slow file work off the GUI thread.

- :func:`snapshot_project` copies a project cheaply on the GUI thread (graph
  and settings copied; weight arrays shared, they are never changed in place),
  so a worker thread can write it while the student keeps editing.
- :class:`Autosaver` writes a recovery copy (``playground.model.autosave``) a few
  seconds after the last edit (:meth:`Autosaver.poke`, debounced: a burst of edits is
  one write), and every minute as a backstop while the document has unsaved changes.
  The write runs on a worker thread; a write asked for while the previous one is busy
  runs when it finishes, so a big project never freezes the window and no edit is
  left out. Temporary files of autosaves that were interrupted are removed at start.
- :func:`call_off_thread` runs a slow call (loading or saving a big project)
  on a worker thread while the GUI keeps painting, and returns its result or
  raises its exception.
- :func:`read_project` / :func:`write_project` open and save, big projects off
  the GUI thread;
- :func:`pending_recoveries` lists recovery copies worth offering at start-up:
  those newer than the file they stand for (or of a project never saved);
  :func:`ask_to_restore` offers the newest in a dialog.
"""

from __future__ import annotations

import copy
import os
import threading
import uuid
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from playground.model import autosave as recovery
from playground.model.errors import ProjectFileError
from playground.model.fileio import load_project, remove_stale_temps, save_project
from playground.model.project import Project

AUTOSAVE_MS = 60_000  # the backstop: a write at least this often while there are unsaved changes
DEBOUNCE_MS = 3_000  # a write this long after the last edit
BIG_BYTES = 8 * 2**20  # projects bigger than this are read and written off the GUI thread


def default_recovery_dir() -> Path:
    """``<AppDataLocation>/recovery`` (per user, per app)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".network-playground") / "recovery"


def snapshot_project(project: Project) -> Project:
    """An independent copy to save or compile on another thread (weights shared, not copied)."""
    return Project(
        graph=project.graph.copy(), settings=copy.deepcopy(project.settings),
        dataset=copy.deepcopy(project.dataset), title=project.title, description=project.description,
        weights=dict(project.weights) if project.weights is not None else None,
        initial_weights=dict(project.initial_weights) if project.initial_weights is not None else None,
        optimizer_state=project.optimizer_state, history=copy.deepcopy(project.history),
        student_editable=list(project.student_editable) if project.student_editable is not None else None,
        thumbnail=project.thumbnail, hidden_controls=list(project.hidden_controls),
        kept_runs=list(project.kept_runs))


def call_off_thread(fn: Callable[..., Any], *args, **kwargs) -> Any:
    """Run ``fn(*args, **kwargs)`` on a worker thread; keep the GUI responsive until it returns.

    Returns the result or raises the exception ``fn`` raised (on the calling thread).
    """
    box: dict[str, Any] = {}

    def work():
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    thread = threading.Thread(target=work, name="playground-file-io", daemon=True)
    thread.start()
    while thread.is_alive():  # paint and run timers, but take no clicks or keys meanwhile
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 20)
        thread.join(0.02)
    if "error" in box:
        raise box["error"]
    return box.get("result")


def read_project(path: "str | Path") -> Project:
    """Load a project file; a big one on a worker thread. Raises :class:`ProjectFileError`."""
    path = Path(path)
    big = path.is_file() and path.stat().st_size > BIG_BYTES
    return call_off_thread(load_project, path) if big else load_project(path)


def write_project(project: Project, path: "str | Path") -> None:
    """Save atomically; a project with big weights on a worker thread. Raises :class:`ProjectFileError`."""
    size = sum(a.nbytes for a in (project.weights or {}).values())
    size += sum(a.nbytes for a in (project.initial_weights or {}).values())
    call_off_thread(save_project, project, path) if size > BIG_BYTES else save_project(project, path)


def ask_to_restore(parent, recovery_dir: "str | Path") -> tuple[Project, str | None, Path] | None:
    """Offer the newest pending recovery copy in a dialog.

    Returns ``(project, original path or None, recovery copy path)`` when the
    student restores it; a refused copy is deleted.
    """
    offers = pending_recoveries(recovery_dir)
    if not offers:
        return None
    entry = offers[0]
    what = Path(entry.original_path).name if entry.original_path else f"“{entry.title}” (never saved)"
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(parent, "Restore unsaved work?", f"Network Playground closed before {what} "
                                  "was saved. Restore the automatic copy?", buttons.Yes | buttons.No, buttons.Yes)
    if answer != buttons.Yes:
        recovery.discard_recovery(entry.path)
        return None
    try:
        project, original = recovery.restore_recovery(entry.path)
    except ProjectFileError as exc:
        QMessageBox.warning(parent, "Cannot restore", str(exc))
        return None
    return project, original, entry.path


def pending_recoveries(recovery_dir: "str | Path") -> list[recovery.RecoveryFile]:
    """Recovery copies to offer: undamaged, and newer than their original file (or never saved)."""
    offers = []
    for entry in recovery.list_recovery(recovery_dir):
        if entry.problem:
            continue
        if entry.original_path is not None:
            try:
                if os.path.getmtime(entry.original_path) >= entry.saved_at:
                    continue  # the file was saved after this copy: nothing to recover
            except OSError:
                pass  # the original is gone: the copy is all there is
        offers.append(entry)
    return offers


class Autosaver(QObject):
    """Write a recovery copy of the document ``debounce_ms`` after the last edit (call :meth:`poke`
    on every edit), and every ``interval_ms`` while it has unsaved changes.

    ``snapshot()`` is called on the GUI thread and returns ``(project copy,
    original path or None)`` when there is something to save, else ``None``.
    ``saved(path)`` or ``failed(message)`` report each write (on the GUI thread).
    """

    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, snapshot: Callable[[], tuple[Project, str | None] | None],
                 recovery_dir: "str | Path | None" = None, interval_ms: int = AUTOSAVE_MS,
                 parent: QObject | None = None, debounce_ms: int = DEBOUNCE_MS):
        super().__init__(parent)
        self.snapshot = snapshot
        self.recovery_dir = Path(recovery_dir) if recovery_dir is not None else default_recovery_dir()
        self.session = uuid.uuid4().hex[:12]  # names the copy of a never-saved project
        self.last_path: Path | None = None
        self._adopted: Path | None = None  # a restored copy from an earlier session
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pending = False  # a write was asked for while one was busy
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(debounce_ms)
        self.debounce.timeout.connect(self.save_now)
        self._done = _Result(self)
        self._done.result.connect(self._on_result)
        remove_stale_temps(self.recovery_dir)  # left by autosaves of a session that was killed

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.debounce.stop()
        self.wait()

    def poke(self) -> None:
        """The document changed: write a recovery copy ``debounce_ms`` after the last such call
        (a burst of edits — a drag, typing — gives one write). Call on the GUI thread."""
        self.debounce.start()

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def save_now(self) -> bool:
        """Start a background write if there are unsaved changes and no write is running
        (if one is, this write follows when it finishes)."""
        if self.busy:
            self._pending = True
            return False
        self._pending = False
        taken = self.snapshot()
        if taken is None:
            return False
        project, original = taken
        self._thread = threading.Thread(target=self._write, args=(project, original),
                                        name="playground-autosave", daemon=True)
        self._thread.start()
        return True

    def _write(self, project: Project, original: str | None) -> None:
        try:
            with self._lock:
                path = recovery.write_recovery(project, self.recovery_dir, original, session=self.session)
        except ProjectFileError as exc:
            self._done.result.emit("", str(exc))
        except Exception as exc:  # noqa: BLE001 - autosave must never crash the app
            self._done.result.emit("", f"Autosave failed: {exc}")
        else:
            self._done.result.emit(str(path), "")

    def _on_result(self, path: str, error: str) -> None:
        if error:
            self.failed.emit(error)
        else:
            self.last_path = Path(path)
            if self._adopted is not None and self._adopted != self.last_path:
                recovery.discard_recovery(self._adopted)  # the new copy replaces the restored one
            self._adopted = None
            self.saved.emit(path)
        if self._pending:  # edits came in during that write: write them too
            self.wait(5.0)  # the worker emitted as its last step; it is ending
            self.save_now()

    def wait(self, timeout_s: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout_s)

    def discard(self) -> None:
        """Delete this document's recovery copy (after a normal save or close)."""
        self.debounce.stop()
        self._pending = False
        self.wait()
        with self._lock:
            for path in (self.last_path, self._adopted):
                if path is not None:
                    recovery.discard_recovery(path)
            self.last_path = self._adopted = None

    def adopt(self, path: "str | Path") -> None:
        """Take over a restored recovery copy: it is replaced by the next write, removed on save."""
        self._adopted = Path(path)


class _Result(QObject):
    result = Signal(str, str)  # recovery path, error text
