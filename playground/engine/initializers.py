"""Weight initializers, all seeded through a NumPy ``Generator``.

Values are drawn on the host in float64 and moved to the backend by the layer,
so a run starts from the same weights on NumPy and on CuPy.

``fan_in``/``fan_out`` follow the usual convention: for a Dense layer the
number of inputs and units; for a convolution, ``c_in·k·k`` and ``c_out·k·k``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

Initializer = Callable[[tuple[int, ...], int, int, np.random.Generator], np.ndarray]


def zeros(shape, fan_in, fan_out, rng):
    """All zeros: every unit in a layer computes and learns the same thing."""
    return np.zeros(shape)


def ones(shape, fan_in, fan_out, rng):
    return np.ones(shape)


def constant(value: float = 0.5) -> Initializer:
    """All weights equal: shows the symmetry problem (units never differ)."""

    def init(shape, fan_in, fan_out, rng):
        return np.full(shape, float(value))

    return init


def uniform(limit: float = 0.05) -> Initializer:
    def init(shape, fan_in, fan_out, rng):
        return rng.uniform(-limit, limit, size=shape)

    return init


def normal(std: float = 0.05) -> Initializer:
    def init(shape, fan_in, fan_out, rng):
        return rng.normal(0.0, std, size=shape)

    return init


def glorot_uniform(shape, fan_in, fan_out, rng):
    """Xavier/Glorot: keeps variance across sigmoid/tanh layers. U(±√(6/(in+out)))."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def glorot_normal(shape, fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=shape)


def he_uniform(shape, fan_in, fan_out, rng):
    """He/Kaiming: for ReLU, whose half-zero output halves the variance. U(±√(6/in))."""
    return rng.uniform(-np.sqrt(6.0 / fan_in), np.sqrt(6.0 / fan_in), size=shape)


def he_normal(shape, fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "ones": ones,
    "constant": constant(0.5),
    "uniform": uniform(0.05),
    "normal": normal(0.05),
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
}
ALIASES = {"xavier_uniform": "glorot_uniform", "xavier_normal": "glorot_normal"}


def get_initializer(name_or_fn: "str | Initializer") -> Initializer:
    """Look an initializer up by name (``"he_normal"``) or pass a callable through."""
    if callable(name_or_fn):
        return name_or_fn
    name = ALIASES.get(name_or_fn, name_or_fn)
    try:
        return INITIALIZERS[name]
    except KeyError:
        known = ", ".join(sorted(INITIALIZERS))
        raise ValueError(f"Unknown initializer {name_or_fn!r}; known: {known}") from None
