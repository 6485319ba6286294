"""Compare analytic gradients with central finite differences.

Used by the tests for every layer, activation and loss, and by the app's
"check gradients" button. Work in float64: in float32 the differences drown in
rounding. Random layers are reseeded before every forward so each evaluation
uses the same mask or noise.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .backend import Backend, array_module, get_backend, to_host
from .layer import Layer


def relative_error(analytic, numeric) -> float:
    """``‖a − n‖ / (‖a‖ + ‖n‖)``, 0 when both are zero (robust where values are tiny)."""
    a, n = to_host(analytic).astype(np.float64), to_host(numeric).astype(np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


def numeric_gradient(f: Callable[[], float], x, eps: float = 1e-6, max_entries: int | None = None,
                     rng: np.random.Generator | None = None):
    """Central differences of scalar ``f()`` with respect to array ``x`` (changed in place).

    With ``max_entries`` only a random subset of entries is probed; the others are NaN.
    """
    grad = np.full(x.shape, np.nan)
    flat = x.reshape(-1)  # a view: writing to it changes x
    indices = np.arange(flat.size)
    if max_entries is not None and flat.size > max_entries:
        indices = (rng or np.random.default_rng(0)).choice(flat.size, max_entries, replace=False)
    for i in indices:
        old = float(flat[i])
        flat[i] = old + eps
        plus = f()
        flat[i] = old - eps
        minus = f()
        flat[i] = old
        grad.reshape(-1)[i] = (plus - minus) / (2 * eps)
    return grad


def _compare(analytic, numeric) -> float:
    mask = ~np.isnan(numeric)
    return relative_error(to_host(analytic)[mask], numeric[mask])


def check_layer(layer: Layer, input_shapes: list[tuple[int, ...]], batch: int = 3, seed: int = 0,
                backend: Backend | None = None, eps: float = 1e-6,
                inputs: list[Any] | None = None) -> dict[str, float]:
    """Relative error of every input and parameter gradient of ``layer``.

    The scalar is ``L = Σ y·R`` for a fixed random ``R``, so ``∂L/∂y = R``.
    Returns ``{"input0": err, …, "W": err, …}``; penalties the layer adds are
    included in ``L``.
    """
    backend = (backend or get_backend("numpy")).with_dtype(np.float64)
    xp = backend.xp
    rng = np.random.default_rng(seed)
    layer.build(list(input_shapes), xp, np.float64, np.random.default_rng(seed))
    if inputs is None:
        inputs = [xp.asarray(rng.normal(size=(batch, *s))) for s in input_shapes]
    noise_seed = seed + 1

    def run():
        layer.reseed(noise_seed)
        return layer.forward(*inputs) if layer.num_inputs != 1 else layer.forward(inputs[0])

    y = run()
    weights = xp.asarray(rng.normal(size=y.shape))

    def scalar() -> float:
        out = run()
        extra = layer.penalty if getattr(layer, "penalty_name", None) and layer.penalty is not None else 0.0
        return float((out * weights).sum() + extra)

    scalar()  # sets the caches for backward
    dx = layer.backward(weights)
    dxs = list(dx) if layer.num_inputs != 1 else [dx]
    analytic = {f"input{i}": to_host(d).copy() for i, d in enumerate(dxs)}
    analytic.update({k: to_host(p.grad).copy() for k, p in layer.params.items()})
    errors = {}
    for i, x in enumerate(inputs):
        errors[f"input{i}"] = _compare(analytic[f"input{i}"], _numeric(scalar, x, eps, xp))
    for key, p in layer.params.items():
        errors[key] = _compare(analytic[key], _numeric(scalar, p.data, eps, xp))
    return errors


def _numeric(f, x, eps, xp):
    """Finite differences for a NumPy or CuPy array (CuPy probes a host copy)."""
    if xp is np:
        return numeric_gradient(f, x, eps)
    host = to_host(x).copy()
    grad = np.zeros_like(host)
    flat = host.reshape(-1)
    for i in range(flat.size):
        for sign in (1, -1):
            flat[i] += sign * eps
            x[...] = xp.asarray(host)
            value = f()
            grad.reshape(-1)[i] += sign * value / (2 * eps)
            flat[i] -= sign * eps
    x[...] = xp.asarray(host)
    return grad


def check_loss(loss, y, t, eps: float = 1e-6) -> float:
    """Relative error of ``loss.backward()`` against finite differences in ``y``."""
    xp = array_module(y)
    loss.forward(y, t)
    analytic = to_host(loss.backward()).copy()
    numeric = _numeric(lambda: float(loss.forward(y, t)), y, eps, xp)
    return relative_error(analytic, numeric)


def check_network(net, loss, inputs: list[Any], target, eps: float = 1e-6,
                  max_entries: int | None = 20, seed: int = 0) -> dict[str, float]:
    """Worst relative error per parameter of a whole network (the "check gradients" button).

    The network should be built in float64. Random layers are reseeded before
    each evaluation. Probes at most ``max_entries`` entries per parameter.
    """
    rng = np.random.default_rng(seed)

    def total() -> float:
        for node in net.nodes.values():
            node.layer.reseed(seed + 7)
        y = net.forward(*inputs)
        return float(loss.forward(y, target) + net.total_penalty())

    total()
    net.backward(loss.backward())
    errors = {}
    for name, p in net.named_parameters().items():
        analytic = to_host(p.grad).copy()
        if net.backend.xp is np:
            numeric = numeric_gradient(total, p.data, eps, max_entries, rng)
        else:
            numeric = _numeric(total, p.data, eps, net.backend.xp)
        errors[name] = _compare(analytic, numeric)
    return errors
