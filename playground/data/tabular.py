"""Small real datasets that ship with scikit-learn (no download needed).

scikit-learn is imported inside each loader, so importing this package stays
fast. Tables keep their original units; standardize the split before training.
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .registry import Option, register


def _sklearn(name: str):
    from sklearn import datasets  # slow import: only when a table is loaded

    return getattr(datasets, name)()


def _table(name: str, bunch, description: str) -> Dataset:
    classes = tuple(str(c) for c in bunch.target_names)
    task = "binary" if len(classes) == 2 else "multiclass"
    return Dataset(
        bunch.data, bunch.target.astype(np.int64), task, name=name, class_names=classes,
        feature_names=tuple(str(f) for f in bunch.feature_names), description=description,
    )


@register("digits8", "Handwritten digits 8×8", group="Images", task="multiclass",
          options=[Option("as_images", "bool", True,
                          help="images of shape (1, 8, 8) for conv layers; off: 64 flat pixels")])
def digits8(as_images: bool = True) -> Dataset:
    """1,797 real handwritten digits (scikit-learn), 8×8 pixels scaled to [0, 1]."""
    bunch = _sklearn("load_digits")
    x = bunch.data.astype(np.float32) / 16.0  # pixel values are counts 0..16
    x = x.reshape(-1, 1, 8, 8) if as_images else x
    names = () if as_images else tuple(f"pixel {r},{c}" for r in range(8) for c in range(8))
    return Dataset(
        x, bunch.target.astype(np.int64), "multiclass", name="digits8",
        class_names=tuple(str(d) for d in range(10)), feature_names=names,
        description="1,797 handwritten digits from UCI, 8×8 pixels",
    )


@register("iris", "Iris flowers", group="Tabular", task="multiclass")
def iris() -> Dataset:
    """150 iris flowers, 4 measurements (cm), 3 species."""
    return _table("iris", _sklearn("load_iris"), "150 flowers, 4 measurements, 3 species")


@register("breast_cancer", "Breast cancer", group="Tabular", task="binary")
def breast_cancer() -> Dataset:
    """569 tumour samples, 30 cell-nucleus measurements, malignant or benign."""
    return _table("breast_cancer", _sklearn("load_breast_cancer"), "569 tumours, 30 features, malignant/benign")


@register("wine", "Wine", group="Tabular", task="multiclass")
def wine() -> Dataset:
    """178 wines, 13 chemical measurements, 3 cultivars."""
    return _table("wine", _sklearn("load_wine"), "178 wines, 13 chemical measurements, 3 cultivars")
