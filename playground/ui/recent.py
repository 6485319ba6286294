"""Recently opened project files, remembered in QSettings and shown in File ▸ Open Recent.

The list lives under the key ``recent/files`` (newest first, at most
:data:`MAX_RECENT`). Files that no longer exist stay listed until the student
picks one; then the window says the file is gone and it is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QMenu

MAX_RECENT = 10
KEY = "recent/files"


def _normalise(path: "str | Path") -> str:
    return str(Path(path).expanduser().resolve())


class RecentFiles(QObject):
    """The list of recent files; ``changed`` fires after every edit of it."""

    changed = Signal()

    def __init__(self, settings: QSettings | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._settings = settings

    def settings(self) -> QSettings:
        return self._settings if self._settings is not None else QSettings()

    def files(self) -> list[str]:
        value = self.settings().value(KEY, [])
        if isinstance(value, str):  # QSettings gives a plain string for a one-item list
            value = [value]
        return [str(v) for v in (value or []) if v][:MAX_RECENT]

    def _store(self, files: list[str]) -> None:
        self.settings().setValue(KEY, files[:MAX_RECENT])
        self.changed.emit()

    def add(self, path: "str | Path") -> None:
        """Put ``path`` first (moving it up if it was listed already)."""
        path = _normalise(path)
        self._store([path] + [f for f in self.files() if f != path])

    def remove(self, path: "str | Path") -> None:
        path = _normalise(path)
        self._store([f for f in self.files() if f != path])

    def clear(self) -> None:
        self._store([])

    def fill_menu(self, menu: QMenu, open_file: Callable[[str], object]) -> None:
        """Rebuild ``menu``: one entry per file (``&1 name — folder``) and "Clear Recent Files"."""
        menu.clear()
        files = self.files()
        for i, path in enumerate(files, start=1):
            p = Path(path)
            prefix = f"&{i} " if i < 10 else ""
            action = menu.addAction(f"{prefix}{p.name}    —    {p.parent}")
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(lambda _checked=False, f=path: open_file(f))
        if not files:
            empty = menu.addAction("No recent files")
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear Recent Files")
        clear.setEnabled(bool(files))
        clear.triggered.connect(self.clear)
