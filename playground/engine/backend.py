"""Array backend: NumPy everywhere, CuPy where a GPU really works.

This is the only module that imports ``cupy``. Everything else asks a
:class:`Backend` for ``xp`` (the array module) so one code path serves both.
The reason a GPU is not usable is kept, so the UI can say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

CHOICES = ("auto", "numpy", "cupy")


class BackendError(RuntimeError):
    """Raised when a backend that was asked for by name cannot be used."""


@dataclass(frozen=True)
class Backend:
    """A device as a small object: a name, its array module and a dtype."""

    name: str
    xp: Any
    dtype: Any = np.float32
    device_name: str = "CPU"
    note: str = ""  # why this backend was chosen, e.g. "GPU unavailable: …"

    @property
    def label(self) -> str:
        """What the status bar shows: "NumPy" or "CuPy on <GPU name>"."""
        return "NumPy" if self.name == "numpy" else f"CuPy on {self.device_name}"

    def with_dtype(self, dtype) -> "Backend":
        return Backend(self.name, self.xp, np.dtype(dtype).type, self.device_name, self.note)

    def asarray(self, a, dtype=None):
        """Move host data to this backend as ``dtype`` (the backend's by default)."""
        return self.xp.asarray(a, dtype=dtype or self.dtype)


@lru_cache(maxsize=1)
def cupy_status() -> tuple[Any, str]:
    """Return ``(cupy module or None, reason)``; the reason explains a missing GPU.

    Importing CuPy succeeds without a GPU, so we allocate and run a tiny kernel
    to find out whether it really works.
    """
    try:
        import cupy
    except ImportError:
        return None, "GPU unavailable: CuPy is not installed (pip install '.[gpu]')"
    except Exception as exc:  # a broken install can raise anything on import
        return None, f"GPU unavailable: CuPy failed to import ({_first_line(exc)})"
    try:
        probe = cupy.arange(4, dtype=cupy.float32)
        float((probe * 2).sum())
        props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
        name = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    except Exception as exc:  # CUDARuntimeError, CompileException, driver errors …
        return None, f"GPU unavailable: {_first_line(exc)}"
    return cupy, name


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def get_backend(choice: str = "auto", dtype=np.float32) -> Backend:
    """Return the backend for ``choice`` (``auto``, ``numpy`` or ``cupy``).

    ``auto`` takes CuPy only when it really runs, else NumPy with the reason
    kept in ``note``. Asking for ``cupy`` explicitly raises :class:`BackendError`
    with that reason when no GPU is usable.
    """
    if choice not in CHOICES:
        raise BackendError(f"Unknown backend {choice!r}: choose one of {', '.join(CHOICES)}")
    dtype = np.dtype(dtype).type
    if choice == "numpy":
        return Backend("numpy", np, dtype, note="NumPy chosen")
    cupy, detail = cupy_status()
    if cupy is not None:
        return Backend("cupy", cupy, dtype, device_name=detail, note=f"CuPy on {detail}")
    if choice == "cupy":
        raise BackendError(detail)
    return Backend("numpy", np, dtype, note=detail)


def numpy_backend(dtype=np.float32) -> Backend:
    return get_backend("numpy", dtype)


def to_host(a) -> np.ndarray:
    """Copy an array from any backend to a NumPy array (no copy for NumPy)."""
    if isinstance(a, np.ndarray):
        return a
    get = getattr(a, "get", None)
    return np.asarray(get() if get is not None else a)


def array_module(a):
    """The array module (``numpy`` or ``cupy``) that ``a`` belongs to."""
    if isinstance(a, (np.ndarray, np.generic, int, float)):
        return np
    cupy, _ = cupy_status()
    return cupy if cupy is not None else np
