"""Read arrays the user saved: NumPy ``.npz`` archives and IDX files (the MNIST format).

Images come out as ``(n, 1, H, W)`` float32 in [0, 1] when stored as bytes.
An archive or IDX set without labels becomes a reconstruction dataset
(the inputs are their own targets), for autoencoders.
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np

from .dataset import Dataset
from .errors import DatasetError, require_path
from .registry import Option, register

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
    if y_key is None or task == "reconstruction":
        return Dataset(x, x, "reconstruction", name=path.stem, description=f"inputs from {path.name}, no labels")
    y = np.asarray(arrays[y_key])
    if len(y) != len(x):
        raise DatasetError(
            f"{path.name}: {x_key!r} has {len(x)} samples but {y_key!r} has {len(y)}; they must match"
        )
    y, task, classes = _targets(y, task, f"{path.name}[{y_key!r}]")
    return Dataset(x, y, task, name=path.stem, class_names=classes, description=f"arrays from {path.name}")


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with open(path, "rb") as f:
            start = f.read(6)
    except FileNotFoundError:
        raise DatasetError(f"no file at {path}") from None
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from None
    if start == b"\x93NUMPY":
        raise DatasetError(
            f"{path.name} is a single .npy array, not a .npz archive; save with np.savez(path, x=..., y=...)"
        )
    if not start.startswith(b"PK"):
        raise DatasetError(f"{path.name} is not a .npz archive (a .npz file is a zip of arrays made by np.savez)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {k: archive[k] for k in archive.files}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DatasetError(f"{path.name} is not a readable .npz archive ({exc})") from None
    except ValueError:
        raise DatasetError(
            f"{path.name} holds Python objects, which are not loaded for safety; save plain numeric arrays"
        ) from None


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
    if np.issubdtype(x.dtype, np.floating) and not np.all(np.isfinite(x)):
        raise DatasetError(f"{where} contains NaN or infinite values; fill or remove those samples")
    return x.astype(np.float32)


def _targets(y: np.ndarray, task: str, where: str):
    if not (np.issubdtype(y.dtype, np.number) or y.dtype == np.bool_):
        raise DatasetError(f"{where} must hold numbers, got dtype {y.dtype}")
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
        return y.astype(np.float32), "regression", ()
    if y.ndim != 1 or not np.all(y == np.round(y)):
        raise DatasetError(f"class labels in {where} must be whole numbers of shape (n,), got {y.dtype} {y.shape}")
    labels = y.astype(np.int64)
    if labels.min() < 0:
        raise DatasetError(f"class labels in {where} must be 0 or more, found {labels.min()}")
    k = max(int(labels.max()) + 1, 2)
    return labels, "binary" if k == 2 else "multiclass", tuple(str(i) for i in range(k))


# --- IDX ----------------------------------------------------------------------------
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path) -> np.ndarray:
    """One IDX file (optionally gzipped) as an array.

    Layout: two zero bytes, a type code (0x08 unsigned byte … 0x0E double),
    the number of dimensions, each dimension as a big-endian 32-bit integer,
    then the values in row-major order.
    """
    path = require_path(path, "IDX file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"no file at {path}") from None
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from None
    if data[:2] == b"\x1f\x8b":  # gzip magic, whatever the file is called
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise DatasetError(f"{path.name} looks gzipped but cannot be unpacked ({exc})") from None
    magic = data[:4]
    if len(magic) < 4 or magic[:2] != b"\x00\x00" or magic[2] not in IDX_TYPES or magic[3] == 0:
        raise DatasetError(
            f"{path.name} is not an IDX file: it starts with the magic number {magic.hex(' ') or '(nothing)'}, "
            f"but IDX files start with 00 00, a type code (08 for bytes) and the number of dimensions "
            f"(e.g. 00 00 08 03 for MNIST images, 00 00 08 01 for labels)"
        )
    ndim = magic[3]
    if len(data) < 4 + 4 * ndim:
        raise DatasetError(f"{path.name} is cut short inside its header")
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", ndim, 4))
    dtype = np.dtype(IDX_TYPES[magic[2]])
    count = int(np.prod(shape))
    available = (len(data) - 4 - 4 * ndim) // dtype.itemsize
    if available < count:
        raise DatasetError(
            f"{path.name} is cut short: its header promises {count} values of shape {shape}, found {available}"
        )
    return np.frombuffer(data, dtype, count, 4 + 4 * ndim).reshape(shape).astype(dtype.newbyteorder("="))


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
    x = x[:, None] if x.ndim == 3 else x  # (n, H, W) → one channel
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
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
