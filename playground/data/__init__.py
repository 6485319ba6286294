"""Datasets: generators, bundled real data, user files, splits and transforms.

Host NumPy arrays only; no Qt and no engine internals. The app works with:

* :class:`Dataset` — ``x``, ``y``, ``task`` and names, shapes, extent;
* the registry — :func:`list_datasets` (names, groups, typed options for the
  settings panel) and :func:`load_dataset` ``(name, **options)``;
* :func:`split_dataset` → :class:`Split` (train / val / test), then
  ``split.standardized()`` (statistics from train only; ``split.x_scaler`` keeps
  mean and std, ``split.plane_inputs(grid)`` prepares decision-boundary grids);
* :class:`Augmenter` for training image batches;
* readers for user files: :func:`load_csv`, :func:`load_npz`, :func:`load_idx`,
  :func:`read_idx`, :func:`load_image_folder`, :func:`read_image`.

Every failure raises :class:`DatasetError` with a message fit to show a student.
"""

# isort: off
# Importing these modules registers their datasets; the order is the order the UI lists them in.
from . import toy2d, tabular, images28, pairs, sequences, csv_file, array_files, image_folder, painted  # noqa: F401
# isort: on
from .array_files import load_idx, load_npz, read_idx
from .augment import AUGMENT_OPTIONS, Augmenter
from .csv_file import load_csv
from .dataset import CLASSIFICATION_TASKS, TASKS, Dataset, one_hot
from .errors import DatasetError
from .image_files import read_image
from .image_folder import load_image_folder
from .registry import GROUPS, DatasetInfo, Option, dataset_info, list_datasets, load_dataset, register
from .split import Split, Standardizer, batch_indices, split_dataset
from .toy2d import FEATURES, add_features

__all__ = [
    "AUGMENT_OPTIONS",
    "CLASSIFICATION_TASKS",
    "FEATURES",
    "GROUPS",
    "TASKS",
    "Augmenter",
    "Dataset",
    "DatasetError",
    "DatasetInfo",
    "Option",
    "Split",
    "Standardizer",
    "add_features",
    "batch_indices",
    "dataset_info",
    "list_datasets",
    "load_csv",
    "load_dataset",
    "load_idx",
    "load_image_folder",
    "load_npz",
    "one_hot",
    "read_idx",
    "read_image",
    "register",
    "split_dataset",
]
