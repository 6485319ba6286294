"""Shared fixtures. Qt runs offscreen; engine tests run on every usable backend."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

# pytest -n 2 on 2 cores: threaded BLAS in each worker would oversubscribe the
# machine (measured 2.4x slower training under load), so each worker uses one.
threadpool_limits(1)

from playground.engine.backend import cupy_status, get_backend

BACKENDS = ["numpy", "cupy"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    """A float32 backend: NumPy always, CuPy only where a GPU works (skipped otherwise)."""
    if request.param == "cupy":
        cupy, reason = cupy_status()
        if cupy is None:
            pytest.skip(reason)
    return get_backend(request.param)


@pytest.fixture
def backend64(backend):
    """The same backend in float64, for gradient checks."""
    return backend.with_dtype(np.float64)


@pytest.fixture
def xp(backend):
    return backend.xp
