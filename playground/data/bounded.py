"""Bounded reading: every file the app opens is read through here, with limits checked first.

A student opens files from classmates, e-mail and the web. Whatever the bytes, reading one
must end quickly with either the data or one plain sentence. So:

* only ordinary files are opened: a folder, a named pipe (FIFO), a device such as
  ``/dev/zero`` (also behind a symlink) or a socket is refused from its ``os.stat``, before
  any ``open`` — and the file is opened non-blocking and checked again, so nothing can wait
  forever;
* sizes are checked before reading (the size on disk) and while inflating (a zip member's
  declared size, and its actual size as it is inflated; gzip is inflated in steps with a cap);
* counts are limited (arrays in an archive, dimensions) and the numbers are in the message;
* ``.npy`` headers are checked (plain numbers only, a shape that matches the stored bytes)
  before any array is made; no pickle, ever.

Every function takes ``error``, a callable that turns a sentence into the caller's documented
exception (:class:`~playground.data.errors.DatasetError` for data files,
:class:`~playground.model.errors.ProjectFileError` for projects), and ``name``, how the file
is called in that sentence. No Qt here: the model, the data package and the command line
share it.
"""

from __future__ import annotations

import ast
import io
import math
import os
import re
import stat
import zipfile
import zlib
from typing import Callable

import numpy as np

Fail = Callable[[str], Exception]
_TECHNICAL = re.compile(r"\b\w*(Error|Exception)\b|Errno|Error -\d|0x[0-9a-f]+")  # texts not meant for students

KiB, MiB, GiB = 2**10, 2**20, 2**30
CHUNK = 1 * MiB
MAX_ARRAYS = 256  # arrays in a data .npz (x, y and a few more)
MAX_NPY_HEADER = 4096  # bytes of an .npy header (NumPy writes 128 for ordinary arrays)
MAX_NDIM = 8
MAX_IMAGE_PIXELS = 4096 * 4096  # one image (about 16.8 million pixels); Pillow's own limit is 89 million
NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float (no objects, strings, records, complex)

_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError, OverflowError, KeyError, IndexError, TypeError,
                UnicodeDecodeError, MemoryError)


def size_text(n: float) -> str:
    """``1,024 bytes``, ``12.5 MB``, ``2.0 GB`` (powers of 2, as file managers on Linux show)."""
    if n < 10 * KiB:
        return f"{int(n):,} bytes"
    for unit, size in (("GB", GiB), ("MB", MiB), ("KB", KiB)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n):,} bytes"  # pragma: no cover


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file saved on disk"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file saved on disk"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file saved on disk"
    return "not an ordinary file"


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or "it cannot be opened"


def check_regular(path: "str | os.PathLike", limit: int, error: Fail, name: str, what: str = "file") -> int:
    """The size of ``path`` if it is an ordinary file of at most ``limit`` bytes; else ``error``.

    Uses ``os.stat`` (which follows symlinks), so a symlink to ``/dev/zero`` is a device.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"no file at {os.fspath(path)}") from None
    except OSError as exc:
        raise error(f"{name} cannot be read ({_os_reason(exc)})") from None
    except ValueError:  # an embedded NUL byte in the path
        raise error(f"{name} is not a usable file name") from None
    if not stat.S_ISREG(st.st_mode):
        raise error(f"{name} is {_kind(st.st_mode)}; choose an ordinary file")
    if st.st_size > limit:
        raise error(f"{name} is {size_text(st.st_size)}, more than the {size_text(limit)} this app reads "
                    f"as a {what}")
    return st.st_size


def open_regular(path: "str | os.PathLike", limit: int, error: Fail, name: str, what: str = "file"):
    """Open an ordinary file for reading (binary), never blocking; checked as :func:`check_regular`.

    The file is opened with ``O_NONBLOCK`` and checked again with ``fstat``, so a file swapped for
    a pipe between the check and the open cannot make the app wait.
    """
    check_regular(path, limit, error, name, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise error(f"{name} cannot be read ({_os_reason(exc)})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{name} is {_kind(st.st_mode)}; choose an ordinary file")
        if st.st_size > limit:
            raise error(f"{name} is {size_text(st.st_size)}, more than the {size_text(limit)} this app reads "
                        f"as a {what}")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: "str | os.PathLike", limit: int, error: Fail, name: str, what: str = "file") -> bytes:
    """The bytes of an ordinary file of at most ``limit`` bytes (checked before and while reading)."""
    with open_regular(path, limit, error, name, what) as f:
        try:
            # the size the file has, plus one byte to notice growth: read(limit + 1) would reserve the
            # whole limit (2 GiB for a project) up front, which fails where memory is not overcommitted
            size = os.fstat(f.fileno()).st_size
            data = f.read(min(limit, size) + 1)
        except OSError as exc:
            raise error(f"{name} cannot be read ({_os_reason(exc)})") from None
    if len(data) > limit:  # it grew while we read it
        raise error(f"{name} is more than the {size_text(limit)} this app reads as a {what}")
    return data


def gunzip(data: bytes, limit: int, error: Fail, name: str) -> bytes:
    """Inflate gzip data in steps, refusing it as soon as the output passes ``limit`` bytes."""
    out = bytearray()
    rest = data
    try:
        while rest:
            d = zlib.decompressobj(wbits=31)
            chunk = d.decompress(rest, CHUNK)
            while True:
                out += chunk
                if len(out) > limit:
                    raise error(f"{name} unpacks to more than {size_text(limit)}, more than this app reads "
                                "(it may be a 'zip bomb')")
                if d.eof or not (d.unconsumed_tail or chunk):
                    break
                chunk = d.decompress(d.unconsumed_tail, CHUNK)
            if not d.eof:
                raise error(f"{name} looks gzipped but cannot be unpacked (it is cut short)")
            rest = d.unused_data.lstrip(b"\0")  # a second gzip member may follow (as in `cat a.gz b.gz`)
            if rest and not rest.startswith(b"\x1f\x8b"):
                break  # trailing garbage after a complete member, as gzip itself ignores
    except zlib.error:
        raise error(f"{name} looks gzipped but cannot be unpacked (its compressed data is damaged)") from None
    return bytes(out)


def inflate_limited(data: bytes, limit: int, error: Fail, name: str) -> bytes:
    """zlib data (as in a PNG's IDAT) inflated to at most ``limit`` bytes (more is not read)."""
    try:
        d = zlib.decompressobj()
        return d.decompress(data, max(1, limit))
    except zlib.error:
        raise error(f"the {name} data is corrupt (its compressed data is damaged)") from None


# --- zip members and .npy arrays --------------------------------------------------------
def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, error: Fail, where: str) -> bytearray:
    """A zip member's bytes: its declared size checked first, its inflated size checked while reading."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise error(f"{where} is packed with a method this app does not read (zip method "
                    f"{info.compress_type}); save it again with the usual settings")
    if info.flag_bits & 0x1:
        raise error(f"{where} is encrypted")
    if info.file_size > limit:
        raise error(f"{where} claims to be {size_text(info.file_size)}, more than the {size_text(limit)} "
                    "allowed")
    out = bytearray()
    try:
        with zf.open(info) as f:
            while True:
                chunk = f.read(min(CHUNK, info.file_size + 1 - len(out)) or 1)
                if not chunk:
                    break
                out += chunk
                if len(out) > info.file_size:
                    raise error(f"{where} unpacks to more than the {size_text(info.file_size)} it claims")
    except _READ_ERRORS as exc:
        if isinstance(exc, MemoryError):
            raise error(f"{where} is too large to read") from None
        raise error(f"{where} cannot be read ({_reason(exc)})") from None
    if len(out) != info.file_size:
        raise error(f"{where} is incomplete")
    return out


def npy_header(payload: "bytes | bytearray", error: Fail, where: str) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    """``(shape, fortran_order, dtype, data offset)`` of an ``.npy`` payload, checked.

    Only plain numeric types; the stored bytes must match the shape exactly.
    """
    if len(payload) < 10 or bytes(payload[:6]) != b"\x93NUMPY":
        raise error(f"{where} is not a NumPy array (.npy)")
    major = payload[6]
    if major == 1:
        length, start = int.from_bytes(payload[8:10], "little"), 10
    elif major in (2, 3):
        length, start = int.from_bytes(payload[8:12], "little"), 12
    else:
        raise error(f"{where} uses an unknown .npy layout (version {major})")
    if length > MAX_NPY_HEADER or start + length > len(payload):
        raise error(f"{where} has a damaged array header")
    try:
        text = bytes(payload[start:start + length]).decode("utf-8" if major == 3 else "latin1")
        header = ast.literal_eval(text)
        if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
            raise TypeError("wrong keys")
        descr, fortran, shape = header["descr"], header["fortran_order"], header["shape"]
        if not isinstance(descr, str) or not isinstance(fortran, bool) or not isinstance(shape, tuple):
            raise TypeError("wrong types")
        dtype = np.dtype(descr)
    except Exception:  # noqa: BLE001 - any parse failure (tokenizer, syntax, types) is one message
        raise error(f"{where} has a damaged array header") from None
    if dtype.hasobject:
        raise error(f"{where} holds Python objects, which are not loaded for safety; save plain numeric arrays")
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype:
        raise error(f"{where} must hold numbers, got type {dtype}; save plain numeric arrays")
    if len(shape) > MAX_NDIM or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape):
        raise error(f"{where} has an impossible shape {_short(shape)}")
    expected = math.prod(shape) * dtype.itemsize
    offset = start + length
    if offset + expected != len(payload):
        raise error(f"{where} should hold {expected:,} bytes of data for shape {shape}, but the stored data "
                    f"does not match ({len(payload) - offset:,} bytes)")
    return shape, fortran, dtype, offset


def npy_array(payload: "bytes | bytearray", error: Fail, where: str) -> np.ndarray:
    """The array in an ``.npy`` payload (checked by :func:`npy_header`; writable when ``payload`` is a
    bytearray)."""
    shape, fortran, dtype, offset = npy_header(payload, error, where)
    count = math.prod(shape)
    array = np.frombuffer(payload, dtype, count, offset)
    return array.reshape(shape[::-1]).transpose() if fortran else array.reshape(shape)


def read_npz(source, error: Fail, name: str, *, max_arrays: int = MAX_ARRAYS, max_bytes: int = 2 * GiB,
             names: str = "array") -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` archive (``source``: bytes or a binary file), safely.

    The number of arrays and their declared sizes are checked before anything is inflated;
    each is inflated with its declared size as a cap and its header checked.
    """
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    declared = _declared_entries(source)
    if declared is not None and declared > max_arrays:  # refused before the table of contents is parsed
        raise error(f"{name} holds {declared:,} {names}s; at most {max_arrays:,} are read")
    try:
        zf = zipfile.ZipFile(source)
        infos = zf.infolist()
    except _READ_ERRORS as exc:
        raise error(f"{name} is not a readable array archive (.npz) ({_reason(exc)})") from None
    if len(infos) > max_arrays:
        raise error(f"{name} holds {len(infos):,} {names}s; at most {max_arrays:,} are read")
    total = sum(info.file_size for info in infos)
    if total > max_bytes:
        raise error(f"{name} unpacks to {size_text(total)}, more than the {size_text(max_bytes)} allowed")
    arrays: dict[str, np.ndarray] = {}
    for info in infos:
        key = info.filename
        if not key.endswith(".npy"):
            raise error(f"{name} holds {_short(key)}, which is not an array")
        key = key[:-4]
        if key in arrays:
            raise error(f"{name} names the {names} {_short(key)} twice")
        where = f"{names} {_short(key)} in {name}"
        arrays[key] = npy_array(read_member(zf, info, max_bytes, error, where), error, where)
    return arrays


def _declared_entries(f) -> int | None:
    """The entry count in a zip's end record (read from the file's tail), or None if not found."""
    try:
        f.seek(0, io.SEEK_END)
        size = f.tell()
        tail_size = min(size, 22 + 65535)
        f.seek(size - tail_size)
        tail = f.read(tail_size)
        f.seek(0)
    except (OSError, ValueError):
        return None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count = int.from_bytes(tail[at + 10:at + 12], "little")
    if count != 0xFFFF:
        return count
    at64 = tail.rfind(b"PK\x06\x06", 0, at)  # zip64 (over 65,535 entries): its own end record
    if at64 < 0 or at64 + 40 > len(tail):
        return None
    return int.from_bytes(tail[at64 + 32:at64 + 40], "little")


# --- checks on values --------------------------------------------------------------------
def text_problem(value: str) -> str | None:
    """Why ``value`` is not usable text (a lone surrogate such as ``"\\ud800"``, a NUL), or None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"a character that is not valid text (U+{ord(value[exc.start]):04X} at position {exc.start + 1})"
    if "\x00" in value:
        return "a NUL character"
    return None


def first_not_finite(array: np.ndarray) -> tuple[tuple[int, ...], float] | None:
    """``(index, value)`` of the first NaN or infinite value in a float array, or None."""
    array = np.asarray(array)
    if array.dtype.kind not in "fc" or array.size == 0:
        return None
    bad = ~np.isfinite(array)
    if not bad.any():
        return None
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), array.shape))
    return index, float(array[index].real if array.dtype.kind == "c" else array[index])


def png_size(data: "bytes | bytearray") -> tuple[int, int] | None:
    """``(width, height)`` from a PNG's IHDR (without decoding), or None if it is not one."""
    if len(data) < 24 or bytes(data[:8]) != b"\x89PNG\r\n\x1a\n" or bytes(data[12:16]) != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def check_pixels(width: int, height: int, error: Fail, name: str, limit: int = MAX_IMAGE_PIXELS) -> None:
    """Refuse an image whose declared size is empty or over ``limit`` pixels (before decoding)."""
    if width <= 0 or height <= 0:
        raise error(f"{name} says it is {width}×{height} pixels, which is empty")
    if width * height > limit:
        raise error(f"{name} says it is {width:,}×{height:,} pixels, more than the {limit:,} pixels this app "
                    "decodes; make the image smaller")


def _reason(exc: BaseException) -> str:
    """A short reason for a message; zlib's and the zip module's technical texts become plain words."""
    if isinstance(exc, zlib.error):
        return "its compressed data is damaged"
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
        return "its checksum does not match: the data was changed or damaged"
    lines = str(exc).strip().splitlines()
    if not lines or _TECHNICAL.search(lines[0]):
        return "its layout is damaged"
    return lines[0][:160]


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
