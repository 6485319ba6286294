"""Points a student painted by hand: stored as text in the project, loaded as a dataset.

The painter widget (``playground.ui.point_painter``) edits them; this module
keeps them loadable without any window (headless training, a reopened file).
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .errors import DatasetError
from .registry import Option, register
from .toy2d import EXTENT

MAX_CLASSES = 10
NAME = "painted"
# four points, one per quadrant (XOR): what "painted" loads with its default option
DEFAULT_POINTS = "-3,3,0;3,-3,0;3,3,1;-3,-3,1"


# --- points <-> text (what a project file stores) -----------------------------------
def encode_points(x: np.ndarray, y: np.ndarray) -> str:
    """Points ``(n, 2)`` and labels ``(n,)`` → ``"x,y,c;…"`` (3 decimals: 0.001 of a 12-unit plane)."""
    return ";".join(f"{a:.3f},{b:.3f},{int(c)}" for (a, b), c in zip(np.asarray(x), np.asarray(y)))


def decode_points(text: str) -> tuple[np.ndarray, np.ndarray]:
    """``"x,y,c;…"`` → float32 points ``(n, 2)`` and int64 labels ``(n,)``."""
    rows = [r for r in text.replace(" ", "").split(";") if r]
    try:
        values = np.array([[float(v) for v in r.split(",")] for r in rows], dtype=np.float64)
    except ValueError:
        raise DatasetError(f"painted points must look like 'x,y,class;x,y,class', got {text[:40]!r}") from None
    if values.size and (values.ndim != 2 or values.shape[1] != 3):
        raise DatasetError("each painted point needs three numbers: x, y and its class")
    values = values.reshape(-1, 3)
    return values[:, :2].astype(np.float32), values[:, 2].astype(np.int64)


def make_dataset(x: np.ndarray, y: np.ndarray, classes: int = 2) -> Dataset:
    """Painted points → a classification :class:`Dataset` on the toy plane."""
    if len(x) == 0:
        raise DatasetError("no points painted yet: click on the plane to add some")
    classes = max(int(classes), int(y.max()) + 1, 2)
    return Dataset(
        x=x, y=y, task="binary" if classes == 2 else "multiclass", name=NAME,
        class_names=tuple(f"class {c}" for c in range(classes)), feature_names=("x", "y"),
        extent=EXTENT, description="points you painted",
    )


@register(NAME, "Painted points", group="2-D classification", task="binary",
          description="Points you painted by hand (click to add, drag to paint).",
          options=[Option("points", "str", DEFAULT_POINTS, help="x,y,class;… of each point"),
                   Option("classes", "int", 2, (2, MAX_CLASSES), "number of classes")])
def painted(points: str = DEFAULT_POINTS, classes: int = 2) -> Dataset:
    return make_dataset(*decode_points(points), classes=classes)
