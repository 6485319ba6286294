"""Metrics on host NumPy arrays, returning Python floats.

Every function takes ``(output, target)`` in that order, like the losses:
``output`` is what the network produced, ``target`` what it should have.
Pass device arrays through ``backend.to_host`` first.

How outputs and targets become class labels (:func:`to_labels`):

* ``(N, K)`` with ``K > 1``: the class with the largest score (works for
  probabilities, logits and one-hot targets alike);
* ``(N, 1)`` or ``(N,)`` floats: a yes/no unit, class 1 where the value is at
  least ``threshold`` (0.5 for a sigmoid probability; use 0.0 for a logit);
* ``(N,)`` integers: already class labels.
"""

from __future__ import annotations

import numpy as np


def to_labels(a, threshold: float = 0.5) -> np.ndarray:
    """Class labels (integers, shape ``(N,)``) from scores, one-hot rows or labels."""
    a = np.asarray(a)
    if a.ndim == 2 and a.shape[1] > 1:
        return a.argmax(axis=1)
    a = a.reshape(len(a), -1)[:, 0] if a.ndim == 2 else a
    if a.ndim != 1:
        raise ValueError(f"Expected class scores (N, K), one output (N, 1) or labels (N,), "
                         f"got shape {a.shape}")
    if a.dtype.kind in "iub":
        return a.astype(np.int64)
    return (a >= threshold).astype(np.int64)


def _pair(output, target, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    predicted, actual = to_labels(output, threshold), to_labels(target, 0.5)
    if predicted.shape != actual.shape:
        raise ValueError(f"{predicted.shape[0]} outputs but {actual.shape[0]} targets")
    return predicted, actual


def accuracy(output, target, threshold: float = 0.5) -> float:
    """Fraction of samples whose predicted class equals the target class."""
    predicted, actual = _pair(output, target, threshold)
    return float((predicted == actual).mean()) if predicted.size else 0.0


def confusion_matrix(output, target, num_classes: int | None = None, threshold: float = 0.5) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of true class ``i`` predicted as class ``j``.

    Rows are the true classes, columns the predictions (as in scikit-learn).
    ``num_classes`` defaults to the number of output units (at least 2), else the
    largest label seen plus one.
    """
    predicted, actual = _pair(output, target, threshold)
    seen = int(max(predicted.max(initial=0), actual.max(initial=0))) + 1
    if num_classes is None:
        out = np.asarray(output)
        units = out.shape[1] if out.ndim == 2 and out.shape[1] > 1 else 2 if out.dtype.kind == "f" else 1
        num_classes = max(units, seen)
    elif seen > num_classes or min(predicted.min(initial=0), actual.min(initial=0)) < 0:
        raise ValueError(f"Class labels must lie in 0…{num_classes - 1}, but {seen - 1} occurs")
    counts = np.bincount(actual * num_classes + predicted, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def _per_class(output, target, threshold, average):
    """True positives, predicted counts and actual counts per class, for the F-scores."""
    if average not in ("macro", "binary"):
        raise ValueError(f"average must be 'macro' or 'binary', got {average!r}")
    predicted, actual = _pair(output, target, threshold)
    matrix = confusion_matrix(predicted, actual, num_classes=int(max(predicted.max(initial=0),
                                                                      actual.max(initial=0))) + 1)
    tp = np.diag(matrix).astype(np.float64)
    predicted_count = matrix.sum(axis=0).astype(np.float64)
    actual_count = matrix.sum(axis=1).astype(np.float64)
    present = (predicted_count + actual_count) > 0  # classes that appear at all
    if average == "binary":
        present = np.zeros_like(present)
        present[1:2] = True  # the positive class only
    return tp[present], predicted_count[present], actual_count[present]


def _ratio(num, den) -> np.ndarray:
    """``num/den`` with 0 where ``den`` is 0 (a class never predicted has precision 0)."""
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def precision(output, target, average: str = "macro", threshold: float = 0.5) -> float:
    """Of the samples predicted as class c, the fraction that are c: ``TP/(TP + FP)``.

    ``average="macro"``: the mean over the classes that occur in targets or predictions;
    ``"binary"``: class 1 only.
    """
    tp, predicted_count, _ = _per_class(output, target, threshold, average)
    return float(_ratio(tp, predicted_count).mean()) if tp.size else 0.0


def recall(output, target, average: str = "macro", threshold: float = 0.5) -> float:
    """Of the samples of class c, the fraction found: ``TP/(TP + FN)``."""
    tp, _, actual_count = _per_class(output, target, threshold, average)
    return float(_ratio(tp, actual_count).mean()) if tp.size else 0.0


def f1(output, target, average: str = "macro", threshold: float = 0.5) -> float:
    """Harmonic mean of precision and recall per class, ``2TP/(2TP + FP + FN)``, then averaged."""
    tp, predicted_count, actual_count = _per_class(output, target, threshold, average)
    return float(_ratio(2 * tp, predicted_count + actual_count).mean()) if tp.size else 0.0


def mean_absolute_error(output, target) -> float:
    """``1/(N·K) Σ |y − t|``."""
    output, target = np.asarray(output, dtype=np.float64), np.asarray(target, dtype=np.float64)
    return float(np.abs(output - target.reshape(output.shape)).mean())


def r2(output, target) -> float:
    """Coefficient of determination ``1 − Σ(t − y)² / Σ(t − t̄)²``, averaged over outputs.

    1 is a perfect fit, 0 is no better than always predicting the mean, below 0 is
    worse. A constant target gives 1 if predicted exactly, else 0 (as scikit-learn).
    """
    y = np.asarray(output, dtype=np.float64)
    t = np.asarray(target, dtype=np.float64).reshape(y.shape)
    y, t = y.reshape(len(y), -1), t.reshape(len(t), -1)
    residual = ((t - y) ** 2).sum(axis=0)
    spread = ((t - t.mean(axis=0)) ** 2).sum(axis=0)
    scores = np.where(spread > 0, 1.0 - residual / np.where(spread > 0, spread, 1.0),
                      np.where(residual == 0, 1.0, 0.0))
    return float(scores.mean())


METRICS = {
    "accuracy": accuracy,
    "precision": precision,
    "recall": recall,
    "f1": f1,
    "mae": mean_absolute_error,
    "r2": r2,
}
