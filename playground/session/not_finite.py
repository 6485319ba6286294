"""When numbers stop being numbers: NaN or infinite values in the data or the weights.

A loss that becomes NaN usually means a learning rate too high — but not when the data
already holds NaN, or the run started from NaN or absurdly large weights. Then the
message must name that cause, or the student lowers the learning rate for nothing.

* :func:`explain_not_finite` — the cause in the data or the starting weights, as one
  sentence, or ``None`` when they are fine (then the learning rate is the likely cause);
* :func:`not_finite_weights` — which weights hold NaN or infinite values (the command line
  does not save those over a good file);
* :func:`safe_histogram` — a histogram that works for any finite values (``np.histogram``
  fails with "Too many bins" when the range overflows float32, as for weights near 3e38).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

HUGE_WEIGHT = 1e15  # a weight this large overflows float32 as soon as it is squared or summed a few times


def first_bad(values: Any) -> tuple[int, float] | None:
    """``(flat index, value)`` of the first NaN or infinite value, or ``None`` (also for non-float arrays)."""
    a = np.asarray(values)
    if a.dtype.kind not in "fc" or a.size == 0:
        return None
    bad = ~np.isfinite(a)
    if not bad.any():
        return None
    i = int(np.argmax(bad.reshape(-1)))
    return i, float(a.reshape(-1)[i].real)


def _sample(a: np.ndarray, flat_index: int) -> int:
    per_sample = int(np.prod(a.shape[1:])) if a.ndim > 1 else 1
    return flat_index // max(1, per_sample) + 1


def _describe(value: float) -> str:
    return "NaN (not a number)" if np.isnan(value) else ("an infinite value" if np.isinf(value) else f"{value:.3g}")


def explain_not_finite(data: Any, weights: Mapping[str, Any] | None = None) -> str | None:
    """Why the loss became NaN or infinite, when the cause is in the data or the starting weights.

    ``data`` has ``x_train``/``y_train`` (and optionally ``x_val``/``y_val``), like the trainer's
    ``TrainData``, or ``x``/``y`` like a ``Dataset``. ``weights`` are the weights the run started
    from (name → array), e.g. ``Run.initial_weights``. Returns one sentence for the student, or
    ``None`` when data and weights are all finite and of sane size.
    """
    parts = (("training inputs", "x_train"), ("training targets", "y_train"),
             ("validation inputs", "x_val"), ("validation targets", "y_val"),
             ("inputs", "x"), ("targets", "y"))
    for label, attr in parts:
        values = getattr(data, attr, None) if data is not None else None
        if values is None:
            continue
        a = np.asarray(values)
        found = first_bad(a)
        if found is not None:
            index, value = found
            return (f"The {label} hold {_describe(value)} (sample {_sample(a, index)}): a network cannot learn "
                    "from them, and the loss becomes NaN at once. Fix or remove those samples in the data "
                    "file; a lower learning rate will not help.")
    for name, values in (weights or {}).items():
        a = np.asarray(values)
        found = first_bad(a)
        if found is not None:
            return (f"The starting weights {name} hold {_describe(found[1])}: every output computed from them "
                    "is NaN. Press Reset (or train without the stored initial weights) to start from new "
                    "weights.")
        if a.dtype.kind in "fc" and a.size:
            largest = float(np.max(np.abs(a.astype(np.float64))))
            if largest > HUGE_WEIGHT:
                return (f"The starting weights {name} are as large as {largest:.3g}: the network's numbers "
                        "overflow after a few operations. Press Reset to start from new weights.")
    return None


def not_finite_weights(weights: Mapping[str, Any] | None) -> list[str]:
    """Names of the weights that hold NaN or infinite values (empty when all are finite)."""
    return [name for name, values in (weights or {}).items() if first_bad(values) is not None]


def safe_histogram(values: Any, bins: int = 30) -> tuple[np.ndarray, np.ndarray] | None:
    """``(counts, edges)`` of finite values, computed in float64 so a huge range cannot overflow;
    ``None`` for empty, non-finite or unmeasurable values (nothing to draw)."""
    a = np.asarray(values, dtype=np.float64).reshape(-1)
    if a.size == 0 or not np.isfinite(a).all():
        return None
    low, high = float(a.min()), float(a.max())
    with np.errstate(over="ignore"):
        if not np.isfinite(high - low):
            return None
    return np.histogram(a, bins=bins, range=(low, high) if high > low else None)
