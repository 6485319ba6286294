"""2-D point datasets in the spirit of the browser "neural network playground".

All points lie in the square ``[-6, 6]²`` (the plot extent), so the extra input
features such as ``sin x`` are meaningful before standardization.
Classification labels are 0/1 (or 0..k−1); ``noise`` in [0, 1] jitters the
points (classification) or the target values (regression), so classes start to
overlap as it grows. Every generator takes a ``seed`` and gives the same
points for the same options.
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .errors import DatasetError
from .registry import Option, register

EXTENT = (-6.0, 6.0, -6.0, 6.0)
RADIUS = 5.0  # the data fill a disc or square of this size; the extent adds a margin

# Extra input features computed from the two coordinates (x, y) of a point.
FEATURES = {
    "x²": lambda x, y: x * x,
    "y²": lambda x, y: y * y,
    "xy": lambda x, y: x * y,
    "sin x": lambda x, y: np.sin(x),
    "sin y": lambda x, y: np.sin(y),
}
_ALIASES = {
    "x^2": "x²", "x2": "x²", "xx": "x²", "x*x": "x²",
    "y^2": "y²", "y2": "y²", "yy": "y²", "y*y": "y²",
    "x*y": "xy", "x y": "xy",
    "sinx": "sin x", "sin(x)": "sin x",
    "siny": "sin y", "sin(y)": "sin y",
}


def feature_name(name: str) -> str:
    """The canonical name of an extra feature (accepts ``x^2``, ``sin(x)``, …)."""
    key = str(name).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in FEATURES:
        raise DatasetError(f"unknown input feature {name!r}; choose from {', '.join(FEATURES)}")
    return key


def add_features(points: np.ndarray, names=()) -> np.ndarray:
    """Points ``(n, 2)`` → ``(n, 2 + len(names))``: x, y, then each named feature."""
    points = np.asarray(points, dtype=np.float32)
    if points.ndim != 2 or points.shape[1] != 2:
        raise DatasetError(f"expected points of shape (n, 2), got {points.shape}")
    x, y = points[:, 0], points[:, 1]
    extra = [FEATURES[feature_name(f)](x, y) for f in names]
    return np.column_stack([x, y, *extra]).astype(np.float32, copy=False)


def _plane(name, points, y, task, features, class_names=(), description="") -> Dataset:
    names = tuple(feature_name(f) for f in features)
    return Dataset(
        add_features(points, names),
        y,
        task,
        name=name,
        class_names=class_names,
        feature_names=("x", "y", *names),
        extent=EXTENT,
        derived_features=names,
        description=description,
    )


def _jitter(rng, points, noise) -> np.ndarray:
    """Move each point by uniform noise of up to ``noise × RADIUS / 2`` per axis."""
    return points + rng.uniform(-1, 1, points.shape) * (noise * RADIUS / 2)


def _balanced_labels(n: int, k: int, rng) -> np.ndarray:
    """``n`` labels 0..k−1 whose counts differ by at most one, in random order."""
    return rng.permutation(np.arange(n) % k)


# --- options shared by the 2-D sets -------------------------------------------
def _n(default=400):
    return Option("n", "int", default, (10, 20000), "number of points", label="Points")


def _noise(default=0.0):
    return Option("noise", "float", default, (0.0, 1.0), "how much the points are jittered (0 = clean)")


_SEED = Option("seed", "int", 0, (0, 2**31 - 1), "random seed: same seed, same data")
_FEATURES = Option(
    "features", "multichoice", (), help="extra inputs computed from x and y",
    choices=tuple(FEATURES), label="Extra features", aliases=_ALIASES,
)


def _classification_options(noise=0.0):
    return [_n(), _noise(noise), _SEED, _FEATURES]


# --- classification -------------------------------------------------------------
@register("circle", "Circle", group="2-D classification", task="binary",
          options=_classification_options())
def circle(n=400, noise=0.0, seed=0, features=()) -> Dataset:
    """A blue disc inside an orange ring: not separable by a straight line."""
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, 2, rng)
    inner = rng.uniform(0, 0.5 * RADIUS, n)  # class 1: the disc
    outer = rng.uniform(0.7 * RADIUS, RADIUS, n)  # class 0: the ring
    r = np.where(y == 1, inner, outer)
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return _plane("circle", _jitter(rng, points, noise), y, "binary", features, ("ring", "disc"))


@register("xor", "Exclusive or", group="2-D classification", task="binary",
          options=_classification_options())
def xor(n=400, noise=0.0, seed=0, features=()) -> Dataset:
    """Four quadrants: class 1 where x and y have the same sign (needs a hidden layer)."""
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, 2, rng)
    pad = 0.3  # keep points off the axes so clean data has a margin
    mag = rng.uniform(pad, RADIUS, (n, 2))
    sx = rng.choice([-1.0, 1.0], n)
    sy = np.where(y == 1, sx, -sx)  # same signs ⇔ class 1
    points = mag * np.column_stack([sx, sy])
    return _plane("xor", _jitter(rng, points, noise), y, "binary", features, ("different signs", "same signs"))


@register("gaussian", "Gaussian clusters", group="2-D classification", task="binary",
          options=[_n(), Option("classes", "int", 2, (2, 8), "number of clusters, one per class"),
                   _noise(0.1), _SEED, _FEATURES])
def gaussian(n=400, classes=2, noise=0.1, seed=0, features=()) -> Dataset:
    """Round clusters of points, one per class; noise widens them until they overlap.

    Two clusters sit at (2, 2) and (−2, −2); more clusters sit evenly on a circle
    of radius 3. The spread is σ = 0.4 + 2·noise.
    """
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, classes, rng)
    if classes == 2:
        centers = np.array([[-2.0, -2.0], [2.0, 2.0]])
    else:
        angle = 2 * np.pi * np.arange(classes) / classes + np.pi / 4
        centers = 3.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    points = centers[y] + rng.normal(0, 0.4 + 2 * noise, (n, 2))
    task = "binary" if classes == 2 else "multiclass"
    return _plane("gaussian", points, y, task, features, tuple(f"cluster {i}" for i in range(classes)))


@register("spiral", "Spirals", group="2-D classification", task="binary",
          options=[_n(), Option("classes", "int", 2, (2, 5), "number of spiral arms, one per class"),
                   Option("turns", "float", 1.75, (0.5, 4.0), "how many times each arm winds round"),
                   _noise(), _SEED, _FEATURES])
def spiral(n=400, classes=2, turns=1.75, noise=0.0, seed=0, features=()) -> Dataset:
    """Interleaved spiral arms, the hardest of the 2-D sets.

    A point at fraction t ∈ [0, 1] along arm j has radius ``5 t`` and angle
    ``2π (turns · t + j / classes)``.
    """
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, classes, rng)
    t = rng.uniform(0, 1, n)
    angle = 2 * np.pi * (turns * t + y / classes)
    r = RADIUS * t
    points = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    task = "binary" if classes == 2 else "multiclass"
    return _plane("spiral", _jitter(rng, points, noise), y, task, features,
                  tuple(f"arm {i}" for i in range(classes)))


@register("moons", "Two moons", group="2-D classification", task="binary",
          options=_classification_options(0.1))
def moons(n=400, noise=0.1, seed=0, features=()) -> Dataset:
    """Two interlocking half circles (radius 2.5): an upper one (class 0) and a lower one."""
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, 2, rng)
    a = rng.uniform(0, np.pi, n)
    r = RADIUS / 2
    upper = np.column_stack([r * np.cos(a) - r / 2, r * np.sin(a) - r / 4])
    lower = np.column_stack([r / 2 - r * np.cos(a), r / 4 - r * np.sin(a)])
    points = np.where((y == 1)[:, None], lower, upper)
    return _plane("moons", _jitter(rng, points, noise), y, "binary", features, ("upper", "lower"))


@register("regions", "Overlapping regions (multi-label)", group="2-D classification",
          task="multilabel", options=_classification_options())
def regions(n=400, noise=0.0, seed=0, features=()) -> Dataset:
    """Each point has three yes/no labels at once: inside the circle r < 3.5, right half, above the diagonal."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-RADIUS, RADIUS, (n, 2))
    x, yy = points[:, 0], points[:, 1]
    labels = np.column_stack([np.hypot(x, yy) < 3.5, x > 0, yy > x]).astype(np.float32)
    return _plane("regions", _jitter(rng, points, noise), labels, "multilabel", features,
                  ("inside circle", "right half", "above diagonal"))


# --- regression -----------------------------------------------------------------
def _regression_options():
    return [_n(), _noise(), _SEED, _FEATURES]


@register("plane", "Plane", group="2-D regression", task="regression", options=_regression_options())
def plane(n=400, noise=0.0, seed=0, features=()) -> Dataset:
    """Target ``(x + y) / 10`` (in [−1, 1]), plus Gaussian noise of σ = noise / 2: a linear fit suffices."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-RADIUS, RADIUS, (n, 2))
    target = points.sum(axis=1) / (2 * RADIUS) + rng.normal(0, noise / 2, n)
    return _plane("plane", points, target[:, None], "regression", features)


# (center x, center y, height) of the bumps in the multi-Gaussian surface
_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


@register("multi_gaussian", "Multi-Gaussian surface", group="2-D regression", task="regression",
          options=_regression_options())
def multi_gaussian(n=400, noise=0.0, seed=0, features=()) -> Dataset:
    """Target: a sum of six Gaussian bumps of height ±1 (σ = 1.6), plus noise of σ = noise / 2."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-RADIUS, RADIUS, (n, 2))
    d2 = ((points[:, None, :] - _BUMPS[None, :, :2]) ** 2).sum(axis=2)  # (n, bumps)
    target = (np.exp(-d2 / (2 * 1.6**2)) * _BUMPS[:, 2]).sum(axis=1)
    target = target + rng.normal(0, noise / 2, n)
    return _plane("multi_gaussian", points, target[:, None], "regression", features)
