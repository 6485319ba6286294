"""Project files (``.nnpg``): a zip of readable JSON and NumPy arrays, never pickle.

Inside the zip::

    project.json    indented JSON: {"app": "network-playground", "format_version": 1, …}
    weights.npz     every array (np.savez; read back with allow_pickle=False):
                      weights/<name>, initial_weights/<name>, optimizer_state/<i>, history/<i>,
                      kept_runs/<run>/<i> (runs kept for Compare runs; the key is left out when none)
    thumbnail.png   optional picture of the canvas

Loading has four stages, each turning any failure into one
:class:`ProjectFileError` with a plain message, so a bad file changes nothing:

1. **read** the container: zip → JSON text, arrays, thumbnail bytes;
2. **parse** the JSON into plain data and check the app and format version;
3. **migrate** the plain data up to :data:`FORMAT_VERSION`, one registered
   step at a time (:data:`MIGRATIONS`: ``n → n + 1``);
4. **build** the live objects (graph, settings, project), which check every value.

Saving writes a temporary file in the same folder, flushes and fsyncs it, then
``os.replace``-s it over the old file, so a failed save leaves the old file whole.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import secrets
import stat
import struct
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from .. import __version__
from ..data import bounded
from .errors import ModelError, ProjectFileError
from .graph import Graph
from .project import PNG_SIGNATURE, KeptRun, Project, check_hidden, check_history, check_locks
from .settings import DatasetRef, TrainingSettings

APP_ID = "network-playground"
APP_NAME = "Network Playground"
FORMAT_VERSION = 1
EXTENSION = ".nnpg"
PROJECT_JSON = "project.json"
WEIGHTS_NPZ = "weights.npz"
THUMBNAIL_PNG = "thumbnail.png"
MAX_FILE_BYTES = 2 * 2**30  # a project file on disk
MAX_JSON_BYTES = 64 * 2**20
MAX_MEMBER_BYTES = 2 * 2**30  # weights.npz once unpacked, all arrays together
MAX_THUMBNAIL_BYTES = 16 * 2**20
MAX_THUMBNAIL_PIXELS = 4096 * 4096
MAX_MEMBERS = 64  # zip members of a project (three are ours; a recovery copy adds one)
MAX_ARRAYS = 65_536  # arrays in weights.npz (weights, initial weights, optimizer state, history)
MAX_NODES = 10_000  # layers in one network
MAX_EDGES = 40_000
MAX_NUMBER_DIGITS = 40  # a whole number in project.json (2**64 has 20 digits)
STALE_TEMP_SECONDS = 3600  # where temp files cannot be locked: how old an orphan must be to be removed
ARRAY_GROUPS = ("weights", "initial_weights", "optimizer_state", "history", "kept_runs")
TOP_KEYS = {"app", "format_version", "saved_with", "title", "description", "graph", "settings", "dataset",
            "lecturer", "weights", "initial_weights", "optimizer_state", "history", "kept_runs"}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same project gives the same bytes

# Errors that reading a damaged zip or .npy can raise from the standard library / NumPy.
_CONTAINER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                     RuntimeError, struct.error, OverflowError, KeyError, IndexError, TypeError,
                     UnicodeDecodeError, MemoryError)

# ----------------------------------------------------------------------------
# migrations
# ----------------------------------------------------------------------------
Migration = Callable[[dict], dict]
MIGRATIONS: dict[int, Migration] = {}
"""``{n: function}``: turns plain data of format ``n`` into format ``n + 1``.

When the format changes, raise :data:`FORMAT_VERSION` and register a step::

    @migration(1)
    def _v1_to_v2(data):
        ...  # rename keys, add defaults; return the new dict
"""


def migration(from_version: int) -> Callable[[Migration], Migration]:
    """Register a step from ``from_version`` to ``from_version + 1``."""

    def register(fn: Migration) -> Migration:
        if from_version in MIGRATIONS:
            raise ValueError(f"a migration from format {from_version} is already registered")
        MIGRATIONS[from_version] = fn
        return fn

    return register


def migrate(data: dict, migrations: Mapping[int, Migration] | None = None,
            target: int = FORMAT_VERSION) -> dict:
    """Bring plain project data up to ``target``; raise :class:`ProjectFileError` if it cannot.

    The input is not modified (each step gets a deep copy).
    """
    migrations = MIGRATIONS if migrations is None else migrations
    version = format_version_of(data, target)
    data = json.loads(json.dumps(data))  # a deep, plain copy
    while version < target:
        step = migrations.get(version)
        if step is None:
            raise ProjectFileError(f"This project uses file format {version}, which this version of "
                                   f"{APP_NAME} cannot convert (no conversion from format {version}).")
        try:
            data = step(data)
        except ProjectFileError:
            raise
        except Exception as exc:
            raise ProjectFileError(f"The project could not be converted from file format {version} "
                                   f"to {version + 1}: {exc}") from exc
        if not isinstance(data, dict):
            raise ProjectFileError(f"Converting from file format {version} gave no project data.")
        version += 1
        data["format_version"] = version
    return data


def format_version_of(data: Any, newest: int = FORMAT_VERSION) -> int:
    """The file's format version; refuses newer files with the message students will see."""
    if not isinstance(data, dict):
        raise ProjectFileError("project.json does not hold a project (expected a JSON object {…}).")
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ProjectFileError(f"project.json has no valid format_version (got {_short(version)}); "
                               "the file was damaged or edited by hand.")
    if version > newest:
        raise ProjectFileError(f"This project was saved by a newer version (format {version}); this app "
                               f"reads up to format {newest}. Update {APP_NAME} to open it.")
    return version


# ----------------------------------------------------------------------------
# project → plain data → bytes
# ----------------------------------------------------------------------------
def project_to_data(project: Project) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """``(JSON data, arrays for weights.npz)``. Checks the project first."""
    project.validate()
    arrays: dict[str, np.ndarray] = {}
    data: dict[str, Any] = {
        "app": APP_ID,
        "format_version": FORMAT_VERSION,
        "saved_with": __version__,
        "title": project.title,
        "description": project.description,
        "graph": project.graph.to_dict(),
        "settings": project.settings.to_dict(),
        "dataset": project.dataset.to_dict() if project.dataset is not None else None,
        "lecturer": _lecturer_data(project),
    }
    for group in ("weights", "initial_weights"):
        weights = getattr(project, group)
        if weights is None:
            data[group] = None
        else:
            data[group] = sorted(weights)
            for name in data[group]:
                arrays[f"{group}/{name}"] = np.asarray(weights[name])
    counter = [0]
    data["optimizer_state"] = (None if project.optimizer_state is None else
                               _encode_tree(project.optimizer_state, "optimizer_state", arrays, counter))
    if project.history is None:
        data["history"] = None
    else:
        data["history"] = {}
        for i, (name, points) in enumerate(project.history.items()):
            key = f"history/{i}"
            arrays[key] = np.asarray(points, dtype=np.float64).reshape(-1, 2)
            data["history"][name] = {"$array": key}
    if project.kept_runs:  # left out when none, so such files read the same as before runs were kept
        data["kept_runs"] = _kept_runs_data(project.kept_runs, arrays)
    return data, arrays


def _kept_runs_data(runs: list[KeptRun], arrays: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """``[{"label", "summary", "history": {series: {"$array": "kept_runs/<run>/<i>"}}}, …]``."""
    out = []
    for r, run in enumerate(runs):
        series = {}
        for i, (name, points) in enumerate(run.history.items()):
            key = f"kept_runs/{r}/{i}"
            arrays[key] = np.asarray(points, dtype=np.float64).reshape(-1, 2)
            series[name] = {"$array": key}
        out.append({"label": run.label, "summary": run.summary, "history": series})
    return out


def _lecturer_data(project: Project) -> dict[str, Any] | None:
    """``{"student_editable": [...] or null, "hidden": [...]}``; ``"hidden"`` only when something is
    hidden, so a file that only locks settings reads the same as before hiding existed."""
    if not project.classroom:
        return None
    locks = list(project.student_editable) if project.student_editable is not None else None
    data: dict[str, Any] = {"student_editable": locks}
    if project.hidden_controls:
        data["hidden"] = list(project.hidden_controls)
    return data


_SCALAR = r"(?:-?[0-9][0-9.eE+\-]*|true|false|null|NaN|-?Infinity)"
_SHORT_LIST = re.compile(r"\[\n\s*(" + _SCALAR + r"(?:,\n\s*" + _SCALAR + r")*)\n\s*\]")


def dumps_readable(data: Any) -> str:
    """Indented JSON, with lists of plain numbers on one line (``"shape": [1, 28, 28]``).

    Only lists spread over several lines are joined; JSON strings never contain a
    raw newline, so text values cannot be touched.
    """
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _SHORT_LIST.sub(lambda m: "[" + ", ".join(p.strip() for p in m.group(1).split(",")) + "]", text)


def _encode_tree(tree: Any, prefix: str, arrays: dict, counter: list[int]) -> Any:
    """Replace arrays in a nested mapping by ``{"$array": key}`` and collect them."""
    if isinstance(tree, Mapping):
        return {key: _encode_tree(value, prefix, arrays, counter) for key, value in tree.items()}
    if isinstance(tree, np.ndarray):
        key = f"{prefix}/{counter[0]}"
        counter[0] += 1
        arrays[key] = tree
        return {"$array": key}
    if isinstance(tree, np.generic):
        return tree.item()
    return tree


def project_members(project: Project) -> dict[str, bytes]:
    """The zip members of a project file, as bytes (everything is checked and encoded first)."""
    data, arrays = project_to_data(project)
    check_plain_json(data)  # what could not be opened again is not saved (e.g. a lone surrogate in a title)
    members = {PROJECT_JSON: dumps_readable(data).encode("utf-8")}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    members[WEIGHTS_NPZ] = buffer.getvalue()
    if project.thumbnail is not None:
        members[THUMBNAIL_PNG] = bytes(project.thumbnail)
    return members


def _write_zip(fileobj, members: Mapping[str, bytes]) -> None:
    with zipfile.ZipFile(fileobj, "w") as zf:
        for name, payload in members.items():
            _write_member(zf, name, payload)


def _write_member(zf: zipfile.ZipFile, name: str, payload: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_STORED if name == THUMBNAIL_PNG else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, payload)


def project_to_bytes(project: Project) -> bytes:
    buffer = io.BytesIO()
    _write_zip(buffer, project_members(project))
    return buffer.getvalue()


# ----------------------------------------------------------------------------
# saving
# ----------------------------------------------------------------------------
def save_project(project: Project, path: "str | os.PathLike", extra_members: Mapping[str, bytes] | None = None
                 ) -> Path:
    """Write ``project`` to ``path`` atomically; raise :class:`ProjectFileError` on failure.

    Stale references (frozen or trained nodes that were deleted) are dropped first.
    On any failure the old file at ``path`` is left exactly as it was.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()  # replace the file the link points to, not the link
    try:
        project.drop_stale_references()
        members = project_members(project)
    except ModelError as exc:
        raise ProjectFileError(f"The project is not consistent: {exc}", path, action="save") from exc
    members.update(extra_members or {})
    atomic_write(path, lambda f: _write_zip(f, members))
    return path


def atomic_write(path: Path, write: Callable[[Any], None]) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, fsync, then replace ``path``.

    The temporary file is locked while it is written (where the system has ``flock``), so
    :func:`remove_stale_temps` — run first, on the same folder — removes only those of saves
    that were interrupted (a killed process, a power cut), never one being written.
    """
    directory = path.parent
    remove_stale_temps(directory)
    tmp = None
    lock = None
    try:
        fd, tmp = _create_temp(directory, path.name)
        lock = _hold_lock(fd)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
    except BaseException as exc:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, ProjectFileError) or not isinstance(exc, Exception):
            raise
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        raise ProjectFileError(f"The file could not be written ({reason}); the previous version, if any, "
                               "is unchanged.", path, action="save") from exc
    finally:
        if lock is not None:
            os.close(lock)
    _fsync_directory(directory)


TEMP_NAME = re.compile(r"^\..+\.nnpg\.[0-9a-f]{8}\.tmp$")
"""``.NAME.nnpg.<8 hex digits>.tmp``: the temporary file of a save (see :func:`_create_temp`)."""


def _create_temp(directory: Path, name: str) -> tuple[int, str]:
    """Create a new hidden file in ``directory`` (permissions follow the umask, like a normal file),
    locked for writing where the system allows (see :func:`remove_stale_temps`)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        _lock(fd)
        return fd, tmp
    raise FileExistsError(f"no free temporary name in {directory}")


def _lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: stale files are recognised by their age instead
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _hold_lock(fd: int) -> int | None:
    """A second descriptor of the locked temp file, so the lock outlives closing the file until
    ``os.replace`` is done (flock belongs to the open file, shared by both descriptors)."""
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return None
    return os.dup(fd)


def remove_stale_temps(directory: "str | os.PathLike") -> int:
    """Remove the temporary files that interrupted saves left in ``directory``; return how many.

    A temp file is stale when no process holds its lock (the writer was killed: the system
    released the lock with it) and it is a few seconds old; where locks are not available,
    when it is older than :data:`STALE_TEMP_SECONDS`. Other files are never touched.
    """
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        if not TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < 2.0:
                continue
            if _temp_in_use(entry.path, now - info.st_mtime):
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def _temp_in_use(path: str, age: float) -> bool:
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return age < STALE_TEMP_SECONDS
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        return not _lock(fd)
    finally:
        os.close(fd)  # releases the lock taken to test it


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------
# loading
# ----------------------------------------------------------------------------
def load_project(path: "str | os.PathLike") -> Project:
    """Open a ``.nnpg`` file; any problem raises one :class:`ProjectFileError`."""
    path = Path(path)
    raw = bounded.read_regular(path, MAX_FILE_BYTES, lambda m: ProjectFileError(f"The file could not be read: {m}.",
                                                                              path), path.name, "project")
    return project_from_bytes(raw, path)


def project_from_bytes(raw: bytes, path: "str | os.PathLike | None" = None) -> Project:
    """Stages 1–4 on the bytes of a project file; ``path`` only names the file in messages."""
    try:
        members = read_container(raw)
        data = parse_json(members[PROJECT_JSON])
        data = migrate(data)
        return build_project(data, members)
    except ProjectFileError as exc:
        raise ProjectFileError(exc.detail, path, unexpected=exc.unexpected) from exc.__cause__
    except ModelError as exc:
        raise ProjectFileError(f"The project file was edited by hand incorrectly or is damaged: {exc}",
                               path) from exc
    except RecursionError as exc:
        raise ProjectFileError("project.json is nested too deeply to be a project.", path) from exc
    except Exception as exc:  # the last safety net: a bad file must never crash the app
        raise ProjectFileError(f"The file could not be read as a project ({type(exc).__name__}: {exc}).",
                               path, unexpected=True) from exc


def read_container(raw: bytes) -> dict[str, Any]:
    """Stage 1: the zip's members; arrays are read from weights.npz with allow_pickle=False."""
    if not isinstance(raw, (bytes, bytearray)):
        raise ProjectFileError("The data is not a file's contents.")
    if not raw.startswith(b"PK"):
        raise ProjectFileError(f"The file is not a {APP_NAME} project (it is not a zip archive, so it "
                               "is neither an .nnpg file nor a complete one).")
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except _CONTAINER_ERRORS as exc:
        raise ProjectFileError(f"The file is damaged or incomplete: it is not a readable zip archive "
                               f"({_reason(exc)}).") from exc
    if len(infos) > MAX_MEMBERS:
        raise ProjectFileError(f"The file is not a {APP_NAME} project: it holds {len(infos):,} files inside, a "
                               f"project holds at most {MAX_MEMBERS}.")
    names = [info.filename for info in infos]
    for wanted in (PROJECT_JSON, WEIGHTS_NPZ, THUMBNAIL_PNG):
        if names.count(wanted) > 1:
            raise ProjectFileError(f"The file is damaged: {wanted} appears more than once.")
    if PROJECT_JSON not in names:
        raise ProjectFileError(f"The file is a zip archive but not a {APP_NAME} project: it has no "
                               f"{PROJECT_JSON} inside.")
    by_name = {info.filename: info for info in infos}
    members: dict[str, Any] = {PROJECT_JSON: _read_member(zf, by_name[PROJECT_JSON], MAX_JSON_BYTES)}
    members["arrays"] = (read_npz(_read_member(zf, by_name[WEIGHTS_NPZ], MAX_MEMBER_BYTES))
                         if WEIGHTS_NPZ in by_name else {})
    thumbnail = None
    if THUMBNAIL_PNG in by_name:
        thumbnail = bytes(_read_member(zf, by_name[THUMBNAIL_PNG], MAX_THUMBNAIL_BYTES))
        if not thumbnail.startswith(PNG_SIGNATURE):
            raise ProjectFileError(f"The file is damaged: {THUMBNAIL_PNG} is not a PNG image.")
        size = bounded.png_size(thumbnail)
        if size is not None:  # a picture that claims to be huge is refused before anything decodes it
            bounded.check_pixels(*size, _damaged, THUMBNAIL_PNG, MAX_THUMBNAIL_PIXELS)
    members[THUMBNAIL_PNG] = thumbnail
    return members


def _damaged(message: str) -> ProjectFileError:
    return ProjectFileError(f"The file is damaged: {message}.")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytearray:
    return bounded.read_member(zf, info, limit, _damaged, info.filename)


def read_npz(payload: "bytes | bytearray") -> dict[str, np.ndarray]:
    """Read weights.npz safely: the number of arrays and their sizes are checked before anything is
    unpacked, and each array's header (numeric type, size that fits the data) before it is made."""
    if not bytes(payload[:2]) == b"PK":
        raise ProjectFileError(f"The file is damaged: {WEIGHTS_NPZ} is not an array archive.")
    arrays = bounded.read_npz(payload, _npz_error, WEIGHTS_NPZ, max_arrays=MAX_ARRAYS, max_bytes=MAX_MEMBER_BYTES)
    return arrays


def _npz_error(message: str) -> ProjectFileError:
    return ProjectFileError(f"The file is damaged or unsafe: {message}.")


def parse_json(payload: bytes) -> dict:
    """Stage 2: JSON text → plain data; check it is ours."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProjectFileError(f"project.json is not UTF-8 text (byte {exc.start}); the file is damaged.") from exc
    try:
        data = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ProjectFileError(f"project.json is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                               f"{exc.msg}); it was damaged or edited by hand incorrectly.") from exc
    except (ValueError, RecursionError) as exc:
        raise ProjectFileError(f"project.json cannot be read ({_reason(exc)}).") from exc
    if not isinstance(data, dict):
        raise ProjectFileError("project.json does not hold a project (expected a JSON object {…}).")
    check_plain_json(data)
    app = data.get("app")
    if app != APP_ID:
        raise ProjectFileError(f"The file was not saved by {APP_NAME} (project.json names the app "
                               f"{_short(app)}, expected {APP_ID!r}).")
    format_version_of(data)
    return data


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:
        raise ProjectFileError(f"project.json holds a whole number with {digits:,} digits; no field takes "
                               "numbers that large, so the file was damaged or edited by hand incorrectly.")
    return int(text)


def check_plain_json(data: Any) -> None:
    """Every text in project data is valid Unicode (no lone surrogate such as ``"\\ud800"``, no NUL),
    every number is finite (no NaN, Infinity or 1e999), and the graph is within :data:`MAX_NODES`
    layers. One pass, linear in the size of the data."""
    graph = data.get("graph") if isinstance(data, dict) else None
    if isinstance(graph, dict):
        nodes, edges = graph.get("nodes"), graph.get("edges")
        if isinstance(nodes, list) and len(nodes) > MAX_NODES:
            raise ProjectFileError(f"project.json: the network has {len(nodes):,} layers; at most {MAX_NODES:,} "
                                   "can be opened.")
        if isinstance(edges, list) and len(edges) > MAX_EDGES:
            raise ProjectFileError(f"project.json: the network has {len(edges):,} connections; at most "
                                   f"{MAX_EDGES:,} can be opened.")
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ProjectFileError(f"project.json: {where or 'a number'} is {value} (not a finite number); no "
                                       "field takes that, so the file was damaged or edited by hand incorrectly.")
        elif isinstance(value, str):
            problem = bounded.text_problem(value)
            if problem:
                raise ProjectFileError(f"project.json: {where or 'a text'} holds {problem}; the file was damaged "
                                       "or edited by hand incorrectly.")
        elif isinstance(value, dict):
            for key, item in value.items():
                inner = f"{where}.{key}" if where else str(key)
                problem = bounded.text_problem(key)
                if problem:
                    raise ProjectFileError(f"project.json: a field name in {where or 'the top level'} holds "
                                           f"{problem}; the file was damaged or edited by hand incorrectly.")
                stack.append((item, inner))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(value))


def build_project(data: dict, members: Mapping[str, Any]) -> Project:
    """Stage 4: plain data (already migrated) and arrays → a checked :class:`Project`."""
    unknown = sorted(str(k) for k in data if k not in TOP_KEYS)
    if unknown:
        raise ProjectFileError(f"project.json has unknown field(s) {', '.join(map(repr, unknown))}; it was "
                               "edited by hand incorrectly.")
    arrays: dict[str, np.ndarray] = dict(members.get("arrays") or {})
    used: set[str] = set()
    project = Project(
        graph=_section(data, "graph", Graph.from_dict, required=True),
        settings=_section(data, "settings", TrainingSettings.from_dict, required=True),
        dataset=_section(data, "dataset", DatasetRef.from_dict),
        title=_text(data, "title", "Untitled"),
        description=_text(data, "description", ""),
        thumbnail=members.get(THUMBNAIL_PNG),
    )
    for group in ("weights", "initial_weights"):
        setattr(project, group, _weights_from(data.get(group), group, arrays, used))
    if data.get("optimizer_state") is not None:
        project.optimizer_state = _decode_tree(data["optimizer_state"], "optimizer_state", arrays, used, 0)
    if data.get("history") is not None:
        project.history = _history_from(data["history"], arrays, used)
    if data.get("kept_runs") is not None:
        project.kept_runs = _kept_runs_from(data["kept_runs"], arrays, used)
    lecturer = data.get("lecturer")
    if lecturer is not None:
        if not isinstance(lecturer, dict) or not set(lecturer) <= {"student_editable", "hidden"}:
            raise ProjectFileError("project.json: 'lecturer' must be {\"student_editable\": [...], "
                                   "\"hidden\": [...]}.")
        project.student_editable = _section(lecturer, "student_editable", check_locks)
        project.hidden_controls = _section(lecturer, "hidden", check_hidden) or []
    extra = sorted(set(arrays) - used)
    if extra:
        raise ProjectFileError(f"The file is damaged: {WEIGHTS_NPZ} holds array(s) project.json does not "
                               f"mention: {', '.join(map(repr, extra[:5]))}.")
    check_dataset_options(project.dataset)
    project.validate()
    return project


def check_dataset_options(ref: DatasetRef | None) -> None:
    """The dataset's options checked against what its loader declares (types, ranges, finite numbers),
    so ``"n": "inf"`` is refused when the file is opened rather than when the data is made.

    A dataset this version does not know is left for the training to report.
    """
    if ref is None:
        return
    from ..data import DatasetError, dataset_info

    options = dict(ref.options)
    if ref.path is not None:
        options.setdefault("path", ref.path)
    try:
        info = dataset_info(ref.name or "csv")
    except DatasetError:
        return
    try:
        info.resolve(options)
    except DatasetError as exc:
        raise ProjectFileError(f"project.json, dataset: {exc}.") from exc


def _section(data: dict, key: str, build: Callable[[Any], Any], required: bool = False) -> Any:
    if data.get(key) is None:
        if required:
            raise ProjectFileError(f"project.json has no {key!r} section; it was edited by hand incorrectly.")
        return None
    try:
        return build(data[key])
    except ModelError as exc:
        raise ProjectFileError(f"project.json, {key}: {exc}") from exc


def _text(data: dict, key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ProjectFileError(f"project.json: {key!r} must be text, got {_short(value)}.")
    return value


def _take(arrays: dict, key: str, used: set, where: str) -> np.ndarray:
    if not isinstance(key, str) or key not in arrays:
        raise ProjectFileError(f"The file is damaged: {where} refers to array {_short(key)}, which is "
                               f"missing from {WEIGHTS_NPZ}.")
    if key in used:
        raise ProjectFileError(f"project.json: array {key!r} is used twice.")
    used.add(key)
    return arrays[key]


def _weights_from(names: Any, group: str, arrays: dict, used: set) -> dict[str, np.ndarray] | None:
    if names is None:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ProjectFileError(f"project.json: {group!r} must be a list of weight names.")
    return {name: _take(arrays, f"{group}/{name}", used, f"{group} {name!r}") for name in names}


def _decode_tree(tree: Any, where: str, arrays: dict, used: set, depth: int) -> Any:
    if depth > 8:
        raise ProjectFileError(f"project.json: {where} is nested too deeply.")
    if isinstance(tree, dict):
        if set(tree) == {"$array"}:
            return _take(arrays, tree["$array"], used, where)
        return {key: _decode_tree(value, f"{where}.{key}", arrays, used, depth + 1) for key, value in tree.items()}
    if isinstance(tree, list):
        raise ProjectFileError(f"project.json: {where} must not be a list (arrays are stored in "
                               f"{WEIGHTS_NPZ}).")
    return tree


def _history_from(history: Any, arrays: dict, used: set) -> dict[str, list[list[float]]]:
    if not isinstance(history, dict):
        raise ProjectFileError("project.json: 'history' must map series names to arrays.")
    out = {}
    for name, ref in history.items():
        if not isinstance(ref, dict) or set(ref) != {"$array"}:
            raise ProjectFileError(f"project.json: history[{name!r}] must be {{\"$array\": …}}.")
        out[name] = _take(arrays, ref["$array"], used, f"history {name!r}")
    try:
        return check_history(out)
    except ModelError as exc:
        raise ProjectFileError(f"The file is damaged: {exc}") from exc


KEPT_RUN_KEYS = {"label", "summary", "history"}


def _kept_runs_from(runs: Any, arrays: dict, used: set) -> list[KeptRun]:
    if not isinstance(runs, list):
        raise ProjectFileError("project.json: 'kept_runs' must be a list of runs kept for Compare runs.")
    kept = []
    for i, run in enumerate(runs, 1):
        if not isinstance(run, dict) or set(run) != KEPT_RUN_KEYS:
            raise ProjectFileError(f"project.json: kept run {i} must be {{\"label\": …, \"summary\": …, "
                                   "\"history\": {…}}; it was edited by hand incorrectly.")
        label, history = run["label"], run["history"]
        if not isinstance(label, str) or not isinstance(run["summary"], str):
            raise ProjectFileError(f"project.json: kept run {i} needs a text label and summary.")
        if not isinstance(history, dict):
            raise ProjectFileError(f"project.json: kept run {label!r}: 'history' must map series names "
                                   "to arrays.")
        series = {}
        for name, ref in history.items():
            if not isinstance(ref, dict) or set(ref) != {"$array"}:
                raise ProjectFileError(f"project.json: kept run {label!r}: history[{name!r}] must be "
                                       "{\"$array\": …}.")
            series[name] = _take(arrays, ref["$array"], used, f"kept run {label!r}, series {name!r}")
        kept.append(KeptRun(label, run["summary"], series))
    return kept


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
