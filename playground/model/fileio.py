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
import os
import re
import secrets
import struct
import zipfile
import zlib
from math import prod
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from .. import __version__
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
MAX_JSON_BYTES = 64 * 2**20
MAX_MEMBER_BYTES = 2 * 2**30
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
    """Call ``write(file)`` on a temporary file beside ``path``, fsync, then replace ``path``."""
    directory = path.parent
    tmp = None
    try:
        fd, tmp = _create_temp(directory, path.name)
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
    _fsync_directory(directory)


def _create_temp(directory: Path, name: str) -> tuple[int, str]:
    """Create a new hidden file in ``directory`` (permissions follow the umask, like a normal file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")


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
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ProjectFileError(f"The file could not be read ({reason}).", path) from exc
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
        thumbnail = _read_member(zf, by_name[THUMBNAIL_PNG], MAX_MEMBER_BYTES)
        if not thumbnail.startswith(PNG_SIGNATURE):
            raise ProjectFileError(f"The file is damaged: {THUMBNAIL_PNG} is not a PNG image.")
    members[THUMBNAIL_PNG] = thumbnail
    return members


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise ProjectFileError(f"The file is damaged: {info.filename} claims to be {info.file_size} bytes, "
                               "far more than a project holds.")
    try:
        payload = zf.read(info)
    except _CONTAINER_ERRORS as exc:
        raise ProjectFileError(f"The file is damaged: {info.filename} cannot be read ({_reason(exc)}).") from exc
    if len(payload) != info.file_size:
        raise ProjectFileError(f"The file is damaged: {info.filename} is incomplete.")
    return payload


def read_npz(payload: bytes) -> dict[str, np.ndarray]:
    """Read weights.npz safely: check each array's header (numeric type, size that fits the data)
    before NumPy reads it with ``allow_pickle=False``."""
    if not payload.startswith(b"PK"):
        raise ProjectFileError(f"The file is damaged: {WEIGHTS_NPZ} is not an array archive.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(payload))
        infos = zf.infolist()
        for info in infos:
            _check_npy_header(zf, info)
        with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
            keys = list(npz.files)
            if len(set(keys)) != len(keys):
                raise ProjectFileError(f"The file is damaged: {WEIGHTS_NPZ} names an array twice.")
            return {key: npz[key] for key in keys}
    except ProjectFileError:
        raise
    except _CONTAINER_ERRORS as exc:
        raise ProjectFileError(f"The file is damaged: {WEIGHTS_NPZ} cannot be read ({_reason(exc)}).") from exc


def _check_npy_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    name = info.filename
    if not name.endswith(".npy"):
        raise ProjectFileError(f"The file is damaged: {WEIGHTS_NPZ} holds {name!r}, which is not an array.")
    if info.file_size > MAX_MEMBER_BYTES:
        raise ProjectFileError(f"The file is damaged: array {name[:-4]!r} is impossibly large.")
    with zf.open(info) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ProjectFileError(f"The file is damaged: array {name[:-4]!r} has an unknown layout.")
        header_end = f.tell()
    if dtype.hasobject or dtype.kind not in "biufc" or dtype.fields is not None:
        raise ProjectFileError(f"The file is damaged or unsafe: array {name[:-4]!r} is not numeric "
                               f"(type {dtype}).")
    expected = prod(shape) * dtype.itemsize
    if header_end + expected != info.file_size:
        raise ProjectFileError(f"The file is damaged: array {name[:-4]!r} should hold {expected} bytes of "
                               f"data for shape {shape}, but the stored data does not match.")


def parse_json(payload: bytes) -> dict:
    """Stage 2: JSON text → plain data; check it is ours."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProjectFileError(f"project.json is not UTF-8 text (byte {exc.start}); the file is damaged.") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectFileError(f"project.json is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                               f"{exc.msg}); it was damaged or edited by hand incorrectly.") from exc
    except (ValueError, RecursionError) as exc:
        raise ProjectFileError(f"project.json cannot be read ({_reason(exc)}).") from exc
    if not isinstance(data, dict):
        raise ProjectFileError("project.json does not hold a project (expected a JSON object {…}).")
    app = data.get("app")
    if app != APP_ID:
        raise ProjectFileError(f"The file was not saved by {APP_NAME} (project.json names the app "
                               f"{_short(app)}, expected {APP_ID!r}).")
    format_version_of(data)
    return data


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
    project.validate()
    return project


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
