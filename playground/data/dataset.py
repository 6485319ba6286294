"""The :class:`Dataset` value: host arrays plus what the app needs to know about them.

Conventions (per sample, without the batch axis):

====================  ==============================  ======================================
task                  ``y``                           typical output layer and loss
====================  ==============================  ======================================
``binary``            int64 labels ``(n,)`` in {0,1}   1 sigmoid unit, binary cross-entropy
``multiclass``        int64 labels ``(n,)`` in 0..k−1  k units, softmax cross-entropy
``regression``        float32 ``(n, outputs)``          linear units, MSE
``multilabel``        float32 multi-hot ``(n, k)``      k sigmoid units, multi-label BCE
``reconstruction``    float32, same shape as ``x``      autoencoder output, MSE
``sequence``          float32 ``(n, T, outputs)``       recurrent layer returning sequences
====================  ==============================  ======================================

``x`` is always float32: ``(n, features)`` for tables and 2-D points,
``(n, C, H, W)`` for images, ``(n, T, features)`` for sequences.
:meth:`Dataset.y_float` turns class labels into the float targets a loss
wants (a 0/1 column for binary, one-hot rows for multiclass).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .errors import DatasetError

MAX_CLASSES = 1000  # classes of one dataset (an output layer of one unit per class)
TASKS = ("binary", "multiclass", "regression", "multilabel", "reconstruction", "sequence")
CLASSIFICATION_TASKS = ("binary", "multiclass")


def check_finite(array, where: str) -> None:
    """Refuse NaN or infinite values, naming the first one: ``'x.csv' holds inf at sample 3``."""
    from .bounded import first_not_finite

    found = first_not_finite(array)
    if found is not None:
        index, value = found
        at = f"sample {index[0] + 1}" + (f", position {index[1:]}" if len(index) > 2 else
                                         f", value {index[1] + 1}" if len(index) == 2 else "")
        raise DatasetError(f"{where} holds {value} (not a number) at {at}; networks cannot learn from NaN or "
                           "infinite values: fill in or remove those samples")


def one_hot(labels, num_classes: int) -> np.ndarray:
    """Integer labels ``(n,)`` → float32 rows ``(n, num_classes)`` with a single 1.

    Row i is all zeros except column ``labels[i]``: label 2 of 4 → ``[0, 0, 1, 0]``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise DatasetError(
            f"one-hot encoding needs a 1-D array of integer class labels, got {labels.dtype} "
            f"with shape {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise DatasetError(
            f"class labels must lie in 0..{num_classes - 1}, found {labels.min()}..{labels.max()}"
        )
    out = np.zeros((labels.shape[0], num_classes), dtype=np.float32)
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs ``x`` and targets ``y`` (host NumPy arrays) with their meaning.

    ``class_names`` names each class (binary/multiclass) or each label (multilabel);
    ``feature_names`` names the input columns of table-like data.
    ``extent = (xmin, xmax, ymin, ymax)`` is set for data that lives on a 2-D
    plane, for decision-boundary plots; ``derived_features`` lists the extra
    inputs computed from that plane (e.g. ``("x²", "sin x")``), so the app can
    turn grid points into network inputs with :meth:`plane_inputs`.
    """

    x: np.ndarray
    y: np.ndarray
    task: str
    name: str = ""
    class_names: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()
    extent: tuple[float, float, float, float] | None = None
    derived_features: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self):
        if self.task not in TASKS:
            raise DatasetError(f"unknown task {self.task!r}; choose one of {', '.join(TASKS)}")
        x = np.asarray(self.x)
        if x.ndim < 2:
            raise DatasetError(f"x must have shape (samples, ...per-sample shape), got shape {x.shape}")
        if not np.issubdtype(x.dtype, np.number) and x.dtype != np.bool_:
            raise DatasetError(f"x must be numeric, got dtype {x.dtype}")
        x32 = np.asarray(x, dtype=np.float32)
        y = x32 if self.y is self.x else np.asarray(self.y)  # autoencoders: y stays the same array as x
        object.__setattr__(self, "x", x32)
        object.__setattr__(self, "y", self._checked_targets(y))
        object.__setattr__(self, "class_names", tuple(str(c) for c in self.class_names))
        object.__setattr__(self, "feature_names", tuple(str(f) for f in self.feature_names))
        object.__setattr__(self, "derived_features", tuple(self.derived_features))
        if self.extent is not None:
            object.__setattr__(self, "extent", tuple(float(v) for v in self.extent))

    def _checked_targets(self, y: np.ndarray) -> np.ndarray:
        n = self.x.shape[0]
        if y.shape[:1] != (n,):
            raise DatasetError(f"x has {n} samples but y has shape {y.shape}; they must match")
        if self.task in CLASSIFICATION_TASKS:
            if y.ndim != 1 or not (np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_):
                raise DatasetError(
                    f"a {self.task} task needs integer class labels of shape (n,), "
                    f"got {y.dtype} with shape {y.shape}"
                )
            y = y.astype(np.int64, copy=False)
            if not self.class_names:
                k = 2 if self.task == "binary" or not y.size else int(y.max()) + 1
                if k > MAX_CLASSES:
                    raise DatasetError(f"class labels go up to {k - 1:,}; at most {MAX_CLASSES:,} classes "
                                       "(numbered 0, 1, 2, …) are supported")
                object.__setattr__(self, "class_names", tuple(str(i) for i in range(k)))
            k = len(self.class_names)
            if y.size and (y.min() < 0 or y.max() >= k):
                raise DatasetError(f"class labels must lie in 0..{k - 1}, found {y.min()}..{y.max()}")
            if self.task == "binary" and k != 2:
                raise DatasetError(f"a binary task has 2 classes, got {k} ({', '.join(self.class_names)})")
            return y
        if not np.issubdtype(y.dtype, np.number) and y.dtype != np.bool_:
            raise DatasetError(f"targets must be numeric, got dtype {y.dtype}")
        if y.ndim == 1:
            y = y[:, None]
        if self.task == "multilabel" and y.ndim != 2:
            raise DatasetError(f"multi-label targets have shape (n, labels), got {y.shape}")
        if self.task == "multilabel" and not self.class_names:
            object.__setattr__(self, "class_names", tuple(f"label {i}" for i in range(y.shape[1])))
        if self.task == "reconstruction" and y.shape != self.x.shape:
            raise DatasetError(f"reconstruction targets must have the shape of x {self.x.shape}, got {y.shape}")
        if self.task == "sequence" and y.ndim != 3:
            raise DatasetError(f"sequence targets have shape (n, T, outputs), got {y.shape}")
        return np.asarray(y, dtype=np.float32)

    # --- what the app reads -------------------------------------------------
    def __len__(self) -> int:
        return int(self.x.shape[0])

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one sample: ``(features,)``, ``(C, H, W)`` or ``(T, features)``."""
        return tuple(int(s) for s in self.x.shape[1:])

    @property
    def target_shape(self) -> tuple[int, ...]:
        """Shape of one stored target (``()`` for class labels)."""
        return tuple(int(s) for s in self.y.shape[1:])

    @property
    def num_classes(self) -> int:
        """Classes (binary/multiclass) or labels (multilabel); 0 for other tasks."""
        if self.task in CLASSIFICATION_TASKS:
            return len(self.class_names)
        if self.task == "multilabel":
            return int(self.y.shape[1])
        return 0

    @property
    def num_outputs(self) -> int:
        """Output units a network needs: 1 for binary, k for multiclass, else target width."""
        if self.task == "binary":
            return 1
        if self.task == "multiclass":
            return self.num_classes
        return int(np.prod(self.y.shape[1:]))

    @property
    def is_classification(self) -> bool:
        return self.task in CLASSIFICATION_TASKS

    @property
    def is_plane(self) -> bool:
        """True when samples are points on a 2-D plane (decision-boundary plots apply)."""
        return self.extent is not None

    def y_float(self) -> np.ndarray:
        """Targets as float32 for a loss: binary → ``(n, 1)`` 0/1, multiclass → one-hot."""
        if self.task == "binary":
            return self.y.astype(np.float32)[:, None]
        if self.task == "multiclass":
            return one_hot(self.y, self.num_classes)
        return self.y

    def class_counts(self) -> np.ndarray:
        """Samples per class (binary/multiclass) or positives per label (multilabel)."""
        if self.task in CLASSIFICATION_TASKS:
            return np.bincount(self.y, minlength=self.num_classes)
        if self.task == "multilabel":
            return self.y.sum(axis=0).astype(np.int64)
        raise DatasetError(f"a {self.task} dataset has no classes to count")

    def plane_inputs(self, points) -> np.ndarray:
        """Points ``(m, 2)`` on the plane → network inputs (with the derived features)."""
        from .toy2d import add_features  # local: toy2d imports this module

        if self.extent is None:
            raise DatasetError(f"dataset {self.name!r} does not live on a 2-D plane")
        return add_features(np.asarray(points, dtype=np.float32), self.derived_features)

    # --- new datasets from this one ------------------------------------------
    def subset(self, indices) -> "Dataset":
        """The samples at ``indices`` (an index array or a boolean mask), in that order."""
        x = self.x[indices]
        return replace(self, x=x, y=x if self.task == "reconstruction" else self.y[indices])

    def with_targets(self, y, task: str, class_names=()) -> "Dataset":
        """Same inputs, other targets (e.g. regression of a different column)."""
        return replace(self, y=y, task=task, class_names=tuple(class_names))

    def as_reconstruction(self) -> "Dataset":
        """The inputs as their own targets, for autoencoders (``y`` is ``x``, no copy)."""
        return replace(self, y=self.x, task="reconstruction", class_names=())

    def describe(self) -> str:
        """One line for the UI: ``"circle: 400 samples, input (2,), binary (2 classes)"``."""
        what = self.task
        if self.num_classes:
            what += f" ({self.num_classes} {'labels' if self.task == 'multilabel' else 'classes'})"
        return f"{self.name or 'dataset'}: {len(self)} samples, input {self.input_shape}, {what}"
