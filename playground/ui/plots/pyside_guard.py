"""Work around a PySide6 6.12 bug that crashes Python 3.11 with "deallocating None".

PySide6 6.12.0 (an abi3 wheel that claims Python 3.10+) hands out ``None``
(from void methods such as ``QObject.setObjectName``, ``QPainter.setFont``)
and ``True`` (when pyqtgraph adds items to a scene) without taking a
reference, as if they were immortal. From Python 3.12 on they are, and
nothing happens; on 3.11 every such call lowers the reference count by one,
and after a few thousand calls (a second of live plotting) the interpreter
aborts: ``Fatal Python error: none_dealloc`` (or ``bool_dealloc`` at exit).

:func:`protect_none` measures the leak once and, only if it is there, gives
``None``, ``True``, ``False`` (and the other singletons C code returns the
same way) a huge reserve of references, so their counts never reach zero.
They are never freed anyway, so the extra references cost nothing. The
proper fixes are a PySide6 release without the bug or Python ≥ 3.12.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40  # a trillion leaked references
SINGLETONS = (None, True, False, NotImplemented, Ellipsis)
_applied = False


def none_leak_per_call(calls: int = 64) -> float:
    """How many references to ``None`` one PySide6 void call loses (0 when healthy)."""
    from PySide6.QtCore import QObject

    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(calls):
        obj.setObjectName("probe")
    return (before - sys.getrefcount(None)) / calls


def protect_none() -> bool:
    """Apply the reserve if this PySide6 leaks ``None`` references; return whether it did."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _applied
    if none_leak_per_call() <= 0:
        return False
    for singleton in SINGLETONS:
        # ob_refcnt is the first field of every CPython object (a Py_ssize_t)
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    _applied = True
    return True


protect_none()
