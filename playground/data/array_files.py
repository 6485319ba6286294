"""Read arrays the user saved: NumPy ``.npz`` archives and IDX files (the MNIST format).

Images come out as ``(n, 1, H, W)`` float32 in [0, 1] when stored as bytes.
An archive or IDX set without labels becomes a reconstruction dataset
(the inputs are their own targets), for autoencoders.
"""

from __future__ import annotations

import math
import zlib
from pathlib import Path

import numpy as np

from .bounded import GiB, MAX_ARRAYS, gunzip, open_regular, read_npz, read_regular, size_text
from .dataset import MAX_CLASSES, Dataset, check_finite
from .errors import DatasetError, require_path
from .registry import Option, register

MAX_FILE_BYTES = 2 * GiB  # a data file on disk
MAX_INFLATED_BYTES = 2 * GiB  # the arrays of a data file once unpacked
MAX_IDX_DIMS = 4  # (n,) labels, (n, H, W) or (n, C, H, W) images
NPZ_TASKS = ("auto", "classification", "regression", "multilabel", "reconstruction")


# --- .npz -------------------------------------------------------------------------
@register("npz", "NumPy archive (.npz)", group="Your files", task="multiclass",
          options=[Option("path", "path", "", help="a .npz file with arrays named x and y (or X and y)"),
                   Option("task", "choice", "auto", choices=NPZ_TASKS,
                          help="auto: whole-number y → classes, other numbers → regression, "
                               "no y → reconstruction")])
def load_npz(path, task: str = "auto") -> Dataset:
    """Inputs and targets from a ``.npz`` archive with keys ``x``/``y`` (or ``X``/``Y``)."""
    path = require_path(path, ".npz file")
    arrays = _read_npz(path)
    x_key = next((k for k in ("x", "X") if k in arrays), None)
    y_key = next((k for k in ("y", "Y") if k in arrays), None)
    if x_key is None:
        found = ", ".join(map(repr, arrays)) or "none"
        raise DatasetError(
            f"{path.name} has no array named 'x' or 'X' (the inputs); arrays found: {found}. "
            f"Save it with np.savez(path, x=inputs, y=targets)"
        )
    x = _as_inputs(arrays[x_key], f"{path.name}[{x_key!r}]")
    if len(x) == 0:
        raise DatasetError(f"{path.name}[{x_key!r}] holds no samples (its shape is {arrays[x_key].shape})")
    if y_key is None or task == "reconstruction":
        return Dataset(x, x, "reconstruction", name=path.stem, description=f"inputs from {path.name}, no labels")
    y = np.asarray(arrays[y_key])
    if y.ndim == 0:
        raise DatasetError(f"{path.name}[{y_key!r}] must hold one target per sample, got a single number")
    if len(y) != len(x):
        raise DatasetError(
            f"{path.name}: {x_key!r} has {len(x)} samples but {y_key!r} has {len(y)}; they must match"
        )
    y, task, classes = _targets(y, task, f"{path.name}[{y_key!r}]")
    return Dataset(x, y, task, name=path.stem, class_names=classes, description=f"arrays from {path.name}")


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of the archive, read through the bounded layer (size, count and header checks)."""
    with open_regular(path, MAX_FILE_BYTES, DatasetError, path.name, "data file") as f:
        start = f.read(6)
        if start == b"\x93NUMPY":
            raise DatasetError(
                f"{path.name} is a single .npy array, not a .npz archive; save with np.savez(path, x=..., y=...)"
            )
        if not start.startswith(b"PK"):
            raise DatasetError(f"{path.name} is not a .npz archive (a .npz file is a zip of arrays made by "
                               "np.savez)")
        f.seek(0)
        return read_npz(f, DatasetError, path.name, max_arrays=MAX_ARRAYS, max_bytes=MAX_INFLATED_BYTES)


def _as_inputs(x: np.ndarray, where: str) -> np.ndarray:
    """Numbers as float32; byte images (n, H, W) or (n, H, W, C) → (n, C, H, W) in [0, 1]."""
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
        raise DatasetError(f"{where} must hold numbers, got dtype {x.dtype}")
    if x.ndim == 0:
        raise DatasetError(f"{where} must be an array of samples, got a single number")
    if x.ndim == 1:
        x = x[:, None]
    if x.dtype == np.uint8:
        if x.ndim == 3:
            x = x[:, None]
        elif x.ndim == 4 and x.shape[-1] in (1, 3, 4) and x.shape[1] not in (1, 3, 4):
            x = x.transpose(0, 3, 1, 2)
        return x.astype(np.float32) / 255.0
    check_finite(x, where)
    with np.errstate(over="ignore"):
        x32 = x.astype(np.float32)
    if x.dtype.kind == "f" and x.dtype.itemsize > 4:
        check_finite(x32, where + " (as 32-bit numbers)")  # 1e300 becomes inf in float32
    return x32


def _targets(y: np.ndarray, task: str, where: str):
    if not (np.issubdtype(y.dtype, np.number) or y.dtype == np.bool_):
        raise DatasetError(f"{where} must hold numbers, got dtype {y.dtype}")
    check_finite(y, where)
    if y.ndim == 2 and y.shape[1] == 1 and task != "multilabel":
        y = y[:, 0]
    whole = np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_
    if task == "auto":
        task = "classification" if whole and y.ndim == 1 else "regression"
    if task == "multilabel":
        if y.ndim != 2 or not np.all((y == 0) | (y == 1)):
            raise DatasetError(
                f"multi-label targets in {where} must be 0/1 columns (n, labels), got shape {y.shape}"
            )
        return y.astype(np.float32), "multilabel", ()
    if task == "regression":
        with np.errstate(over="ignore"):
            y32 = y.astype(np.float32)
        check_finite(y32, where + " (as 32-bit numbers)")
        return y32, "regression", ()
    if y.ndim != 1 or not np.all(y == np.round(y)):
        raise DatasetError(f"class labels in {where} must be whole numbers of shape (n,), got {y.dtype} {y.shape}")
    if y.size == 0:
        raise DatasetError(f"{where} holds no labels")
    low, high = y.min(), y.max()
    if low < 0:
        raise DatasetError(f"class labels in {where} must be 0 or more, found {_number(low)}")
    if high >= MAX_CLASSES:
        raise DatasetError(f"class labels in {where} go up to {_number(high)}; classes are numbered 0, 1, 2, … "
                           f"and at most {MAX_CLASSES:,} classes are supported")
    labels = y.astype(np.int64)
    k = max(int(labels.max()) + 1, 2)
    return labels, "binary" if k == 2 else "multiclass", tuple(str(i) for i in range(k))


def _number(value) -> str:
    value = float(value)
    return f"{value:,.0f}" if abs(value) < 1e15 else f"{value:.3g}"


# --- IDX ----------------------------------------------------------------------------
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path) -> np.ndarray:
    """One IDX file (optionally gzipped) as an array.

    Layout: two zero bytes, a type code (0x08 unsigned byte … 0x0E double),
    the number of dimensions, each dimension as a big-endian 32-bit integer,
    then the values in row-major order.
    """
    path = require_path(path, "IDX file")
    data = read_regular(path, MAX_FILE_BYTES, DatasetError, path.name, "data file")
    if data[:2] == b"\x1f\x8b":  # gzip magic, whatever the file is called
        # read the header first: a bad or huge one is refused before the rest is unpacked
        ndim, count, dtype = _idx_layout(gunzip_head(data, path.name), path.name)
        data = gunzip(data, 4 + 4 * ndim + count * dtype.itemsize + 2**20, DatasetError, path.name)
    ndim, count, dtype = _idx_layout(data, path.name)
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", ndim, 4))
    available = (len(data) - 4 - 4 * ndim) // dtype.itemsize
    if available < count:
        raise DatasetError(
            f"{path.name} is cut short: its header promises {count} values of shape {shape}, found {available}"
        )
    return np.frombuffer(data, dtype, count, 4 + 4 * ndim).reshape(shape).astype(dtype.newbyteorder("="))


def gunzip_head(data: bytes, name: str, size: int = 4 + 4 * 255) -> bytes:
    """The first ``size`` bytes of gzip data (enough for any IDX header), without unpacking the rest."""
    d = zlib.decompressobj(wbits=31)
    try:
        head = d.decompress(data, size)
    except zlib.error:
        raise DatasetError(f"{name} looks gzipped but cannot be unpacked (its compressed data is damaged)") from None
    if len(head) < size and not d.eof:
        raise DatasetError(f"{name} looks gzipped but cannot be unpacked (it is cut short)")
    return head


def _idx_layout(data: bytes, name: str) -> tuple[int, int, np.dtype]:
    """``(ndim, value count, dtype)`` from an IDX header, every field checked."""
    magic = data[:4]
    if len(magic) < 4 or magic[:2] != b"\x00\x00" or magic[2] not in IDX_TYPES or magic[3] == 0:
        raise DatasetError(
            f"{name} is not an IDX file: it starts with the magic number {magic.hex(' ') or '(nothing)'}, "
            f"but IDX files start with 00 00, a type code (08 for bytes) and the number of dimensions "
            f"(e.g. 00 00 08 03 for MNIST images, 00 00 08 01 for labels)"
        )
    ndim = magic[3]
    if ndim > MAX_IDX_DIMS:
        raise DatasetError(f"{name} says its data has {ndim} dimensions; IDX data here has 1 (labels) to "
                           f"{MAX_IDX_DIMS} (images)")
    if len(data) < 4 + 4 * ndim:
        raise DatasetError(f"{name} is cut short inside its header")
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", ndim, 4))
    dtype = np.dtype(IDX_TYPES[magic[2]])
    count = math.prod(shape)
    if count * dtype.itemsize > MAX_INFLATED_BYTES:
        raise DatasetError(f"{name} says it holds {count:,} values of shape {shape} "
                           f"({size_text(count * dtype.itemsize)}), more than the "
                           f"{size_text(MAX_INFLATED_BYTES)} this app reads")
    return ndim, count, dtype


@register("idx", "IDX files (MNIST format)", group="Your files", task="multiclass",
          options=[Option("images", "path", "", help="the images file, e.g. train-images-idx3-ubyte(.gz)"),
                   Option("labels", "path", "", help="the labels file (empty: no labels, for autoencoders)")])
def load_idx(images, labels="") -> Dataset:
    """Images (and labels) from IDX files such as MNIST's ``train-images-idx3-ubyte.gz``."""
    images_path = require_path(images, "IDX images file")
    x = read_idx(images_path)
    if x.ndim == 1:
        raise DatasetError(
            f"{images_path.name} holds one number per sample, like a labels file; choose it as labels"
        )
    if 0 in x.shape:
        raise DatasetError(f"{images_path.name} holds no images (its shape is {x.shape})")
    x = x[:, None] if x.ndim == 3 else x  # (n, H, W) → one channel
    check_finite(x, images_path.name)
    with np.errstate(over="ignore"):
        x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    check_finite(x, images_path.name + " (as 32-bit numbers)")
    name = images_path.name.split(".")[0]
    if not labels:
        return Dataset(x, x, "reconstruction", name=name, description=f"images from {images_path.name}")
    labels_path = require_path(labels, "IDX labels file")
    y = read_idx(labels_path)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise DatasetError(f"{labels_path.name} should hold one whole number per image, but has shape {y.shape}")
    if len(y) != len(x):
        raise DatasetError(f"{images_path.name} has {len(x)} images but {labels_path.name} has {len(y)} labels")
    y, task, classes = _targets(y, "classification", labels_path.name)
    return Dataset(x, y, task, name=name, class_names=classes,
                   description=f"{len(x)} images from {images_path.name}")
