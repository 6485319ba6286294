"""Train / validation / test splits, standardization fitted on train only, batches.

Standardization uses the training part's statistics for all three parts: the
validation and test sets must look like new data the model has never seen,
so nothing about them may leak into preprocessing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .dataset import CLASSIFICATION_TASKS, Dataset
from .errors import DatasetError


@dataclass(frozen=True)
class Standardizer:
    """``z = (v − mean) / std``, with mean and std measured on training data.

    ``mean`` and ``std`` have the per-sample shape with size-1 axes where
    statistics were pooled: per feature ``(d,)`` for tables, per channel
    ``(C, 1, 1)`` for images, per feature ``(1, F)`` for sequences. A constant
    feature gets std 1 (so it maps to 0 instead of dividing by zero).
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, values: np.ndarray, pool_axes: tuple[int, ...] | None = None) -> "Standardizer":
        """Measure mean and std over the batch axis and ``pool_axes`` (sample axes, 1-based).

        By default: tables ``(n, d)`` per feature; sequences ``(n, T, F)`` pool time;
        images ``(n, C, H, W)`` pool height and width (one mean per channel).
        """
        values = np.asarray(values, dtype=np.float64)
        if pool_axes is None:
            pool_axes = {2: (), 3: (1,), 4: (2, 3)}.get(values.ndim, tuple(range(1, values.ndim)))
        axes = (0, *pool_axes)
        mean = values.mean(axis=axes, keepdims=True)[0]
        std = values.std(axis=axes, keepdims=True)[0]
        std = np.where(std > 1e-12, std, 1.0)
        return cls(mean.astype(np.float32), std.astype(np.float32))

    def transform(self, values) -> np.ndarray:
        return ((np.asarray(values, dtype=np.float32) - self.mean) / self.std).astype(np.float32, copy=False)

    def inverse_transform(self, values) -> np.ndarray:
        return (np.asarray(values, dtype=np.float32) * self.std + self.mean).astype(np.float32, copy=False)

    def to_dict(self) -> dict:
        """Plain data for the project file."""
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, data: dict) -> "Standardizer":
        return cls(np.asarray(data["mean"], dtype=np.float32), np.asarray(data["std"], dtype=np.float32))


@dataclass(frozen=True)
class Split:
    """The three parts of one dataset, plus the standardizers applied to them (if any)."""

    train: Dataset
    val: Dataset
    test: Dataset
    x_scaler: Standardizer | None = None
    y_scaler: Standardizer | None = None  # regression targets only

    @property
    def parts(self) -> dict[str, Dataset]:
        return {"train": self.train, "val": self.val, "test": self.test}

    def standardized(self, inputs: bool = True, targets: bool = False) -> "Split":
        """A new split with inputs (and optionally regression targets) standardized by train stats."""
        if self.x_scaler is not None or self.y_scaler is not None:
            raise DatasetError("this split is already standardized")
        x_scaler = Standardizer.fit(self.train.x) if inputs else None
        y_scaler = None
        if targets:
            if self.train.task not in ("regression", "sequence"):
                raise DatasetError(f"only regression targets can be standardized, not {self.train.task}")
            y_scaler = Standardizer.fit(self.train.y)

        def apply(part: Dataset) -> Dataset:
            x = x_scaler.transform(part.x) if x_scaler else part.x
            y = y_scaler.transform(part.y) if y_scaler else part.y
            return replace(part, x=x, y=x if part.task == "reconstruction" else y)

        return Split(apply(self.train), apply(self.val), apply(self.test), x_scaler, y_scaler)

    def plane_inputs(self, points) -> np.ndarray:
        """Grid points ``(m, 2)`` on the data plane → what the network takes (features, scaling)."""
        inputs = self.train.plane_inputs(points)
        return self.x_scaler.transform(inputs) if self.x_scaler else inputs


def split_dataset(
    dataset: Dataset, val: float = 0.15, test: float = 0.15, seed: int = 0, stratify: bool = True
) -> Split:
    """Shuffle (seeded) and cut into train / validation / test by the given fractions.

    Part sizes are ``round(fraction × n)``. With ``stratify`` (class labels only)
    all three parts keep the class balance of the whole, to within one sample per
    class. A part may be empty when its fraction is 0; train must not be.
    """
    n = len(dataset)
    if not (0 <= val < 1 and 0 <= test < 1 and val + test < 1):
        raise DatasetError(
            f"validation ({val}) and test ({test}) fractions must be ≥ 0 and add up to less than 1"
        )
    rng = np.random.default_rng(seed)
    if stratify and dataset.task in CLASSIFICATION_TASKS:
        order = _stratified_order(dataset.y, dataset.num_classes, rng)
    else:
        order = rng.permutation(n)
    n_val, n_test = int(round(val * n)), int(round(test * n))
    val_idx, test_idx = order[:n_val], order[n_val : n_val + n_test]
    train = rng.permutation(order[n_val + n_test :])
    if len(train) == 0:
        raise DatasetError(f"{n} samples are too few to split; the training part would be empty")
    return Split(dataset.subset(train), dataset.subset(val_idx), dataset.subset(test_idx))


def _stratified_order(labels: np.ndarray, num_classes: int, rng) -> np.ndarray:
    """A shuffled order in which every stretch holds the classes in their overall proportions.

    The i-th of m shuffled samples of a class gets the key ``(i + u) / m`` (u one random
    offset per class); sorting by key interleaves the classes evenly, so any cut of
    the order keeps the class balance to within one sample per class.
    """
    key = np.empty(len(labels))
    for c in range(num_classes):
        members = rng.permutation(np.flatnonzero(labels == c))
        key[members] = (np.arange(len(members)) + rng.random()) / max(len(members), 1)
    return np.argsort(key, kind="stable")


def batch_indices(n: int, batch_size: int, rng: np.random.Generator | None = None, drop_last: bool = False):
    """Yield index arrays of one epoch's mini-batches, shuffled when ``rng`` is given."""
    if batch_size < 1:
        raise DatasetError(f"batch size must be at least 1, got {batch_size}")
    order = rng.permutation(n) if rng is not None else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start : start + batch_size]
