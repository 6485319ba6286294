"""Crash recovery: recovery copies of open projects in a per-user folder.

The UI decides where the folder is (e.g. ``QStandardPaths.AppDataLocation /
"recovery"``) and passes it in; nothing here knows about Qt. A recovery copy is
an ordinary ``.nnpg`` file written atomically, with one extra member,
``recovery.json``, saying which file it stands for and when it was written.
One copy per open project: writing again replaces it.

At start-up the app calls :func:`list_recovery`; for each entry it offers to
restore (:func:`restore_recovery`) or discard (:func:`discard_recovery`).
After a normal save or close it discards the copy.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..data import bounded
from .errors import ProjectFileError
from .fileio import EXTENSION, load_project, remove_stale_temps, save_project
from .project import Project

RECOVERY_JSON = "recovery.json"
MAX_META_BYTES = 64 * 2**10
_SAFE = re.compile(r"[^A-Za-z0-9_\-]+")


@dataclass(frozen=True)
class RecoveryFile:
    """One recovery copy found on disk."""

    path: Path
    title: str
    original_path: str | None  # the file it was opened from; None for an unsaved project
    saved_at: float  # seconds since the epoch
    problem: str | None = None  # why it cannot be restored (damaged), if so


def recovery_key(original_path: "str | Path | None" = None, session: str | None = None) -> str:
    """A file-name-safe key: from the project's file path, else from ``session`` (e.g. a window id)."""
    if original_path is not None:
        resolved = str(Path(original_path).expanduser().resolve())
        stem = _SAFE.sub("-", Path(original_path).stem)[:40].strip("-") or "project"
        return f"{stem}-{hashlib.sha1(resolved.encode('utf-8')).hexdigest()[:10]}"
    return "untitled-" + (_SAFE.sub("-", session)[:40] if session else "0")


def write_recovery(project: Project, recovery_dir: "str | Path", original_path: "str | Path | None" = None,
                   session: str | None = None) -> Path:
    """Write (or replace) the recovery copy of ``project``; return its path."""
    recovery_dir = Path(recovery_dir)
    try:
        recovery_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectFileError(f"The recovery folder cannot be created ({exc.strerror or exc}).",
                               recovery_dir, action="save") from exc
    path = recovery_dir / (recovery_key(original_path, session) + EXTENSION)
    meta = {"original_path": str(original_path) if original_path is not None else None,
            "saved_at": time.time(), "title": project.title}
    save_project(project, path, extra_members={RECOVERY_JSON: json.dumps(meta, indent=2).encode("utf-8")})
    return path


def _read_meta(path: Path) -> dict:
    def refuse(message: str) -> ValueError:
        return ValueError(message)

    with bounded.open_regular(path, 2**31, refuse, path.name, "recovery copy") as f, zipfile.ZipFile(f) as zf:
        payload = bounded.read_member(zf, zf.getinfo(RECOVERY_JSON), MAX_META_BYTES, refuse, RECOVERY_JSON)
        meta = json.loads(payload.decode("utf-8"))
    if not isinstance(meta, dict):
        raise ValueError("recovery.json is not an object")
    return meta


def list_recovery(recovery_dir: "str | Path") -> list[RecoveryFile]:
    """Recovery copies in the folder, newest first; damaged ones are listed with a ``problem``.

    Temporary files of autosaves that were interrupted (the app was killed while writing) are
    removed first.
    """
    recovery_dir = Path(recovery_dir)
    if not recovery_dir.is_dir():
        return []
    remove_stale_temps(recovery_dir)
    found = []
    for path in recovery_dir.glob(f"*{EXTENSION}"):
        if path.name.startswith("."):
            continue  # a temporary file of an interrupted write
        try:
            meta = _read_meta(path)
            original = meta.get("original_path")
            found.append(RecoveryFile(path, str(meta.get("title", "Untitled")),
                                      original if isinstance(original, str) else None,
                                      float(meta.get("saved_at", path.stat().st_mtime))))
        except Exception as exc:  # listing must not fail because one copy is damaged
            try:
                mtime = path.stat().st_mtime
            except OSError:
                mtime = 0.0
            found.append(RecoveryFile(path, path.stem, None, mtime, f"damaged ({_plain(exc)})"))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


def _plain(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else "unreadable"


def restore_recovery(path: "str | Path") -> tuple[Project, str | None]:
    """Open a recovery copy: ``(project, original path or None)``. Raises :class:`ProjectFileError`."""
    project = load_project(path)
    try:
        original = _read_meta(Path(path)).get("original_path")
    except Exception:
        original = None
    return project, original if isinstance(original, str) else None


def discard_recovery(path: "str | Path") -> None:
    """Delete a recovery copy (missing is fine)."""
    Path(path).unlink(missing_ok=True)
