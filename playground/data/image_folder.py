"""A folder of images with one sub-folder per class, e.g. ``pets/cat/*.png``, ``pets/dog/*.png``.

Class names are the sub-folder names (sorted). Images must all have the same
size, unless ``size`` is set, which resizes each to ``size × size``. Colour:
``auto`` keeps RGB if any image has colour (grey images are repeated into
three channels), ``gray`` converts colour to brightness, ``rgb`` forces three channels.
The result is ``(n, C, H, W)`` float32 in [0, 1].
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .bounded import GiB, size_text
from .dataset import MAX_CLASSES, Dataset
from .errors import DatasetError, require_path
from .image_files import read_image, resize, supported_suffixes
from .registry import Option, register

COLORS = ("auto", "gray", "rgb")
MAX_IMAGES = 200_000
MAX_PIXEL_BYTES = 2 * GiB  # all images together, as 32-bit numbers
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # brightness weights of R, G, B


@register("image_folder", "Image folder", group="Your files", task="multiclass",
          options=[Option("path", "path", "", help="a folder with one sub-folder of images per class"),
                   Option("size", "int", 0, (0, 512), "resize every image to size × size pixels (0: keep)"),
                   Option("color", "choice", "auto", choices=COLORS, help="keep colour, or convert to grey")])
def load_image_folder(path, size: int = 0, color: str = "auto") -> Dataset:
    """Labelled images from ``path/<class name>/<image files>``."""
    root = require_path(path, "image folder")
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder; choose a folder with one sub-folder of images per class")
    if color not in COLORS:
        raise DatasetError(f"color must be one of {', '.join(COLORS)}, got {color!r}")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise DatasetError(
            f"{root.name} has {len(classes)} sub-folder(s); make one sub-folder per class (at least two), "
            f"each holding that class's images"
        )
    if len(classes) > MAX_CLASSES:
        raise DatasetError(f"{root.name} has {len(classes):,} sub-folders; at most {MAX_CLASSES:,} classes are "
                           "supported")
    files, labels = [], []
    for label, name in enumerate(classes):
        found = _image_files(root / name)
        files += found
        labels += [label] * len(found)
        if len(files) > MAX_IMAGES:
            raise DatasetError(f"{root.name} holds more than {MAX_IMAGES:,} images; use fewer")
    images, total = [], 0
    for f in files:
        image = _sized(read_image(f), size)
        total += image.nbytes
        if total > MAX_PIXEL_BYTES:
            raise DatasetError(f"the images in {root.name} take more than {size_text(MAX_PIXEL_BYTES)} of "
                               "memory; set the size option to make them smaller, or use fewer")
        images.append(image)
    _check_same_size(images, files, root)
    x = _to_channels(images, color)
    return Dataset(x, np.array(labels, dtype=np.int64), "binary" if len(classes) == 2 else "multiclass",
                   name=root.name, class_names=tuple(classes),
                   description=f"{len(files)} images in {len(classes)} folders of {root.name}")


def _image_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    unsupported = [p for p in files if p.suffix.lower() not in supported_suffixes()]
    if unsupported:
        raise DatasetError(
            f"{unsupported[0].relative_to(folder.parent)} is not a supported image file; "
            f"use {', '.join(supported_suffixes())}"
            + ("" if ".jpg" in supported_suffixes() else " (for JPEG, install Pillow or convert to PNG)")
        )
    if not files:
        raise DatasetError(f"the class folder {folder.name!r} holds no images")
    return files


def _sized(image: np.ndarray, size: int) -> np.ndarray:
    return resize(image, size, size) if size else image


def _check_same_size(images, files, root: Path) -> None:
    first = images[0].shape[:2]
    for image, f in zip(images, files):
        if image.shape[:2] != first:
            raise DatasetError(
                f"images differ in size: {files[0].relative_to(root)} is {first[1]}×{first[0]} but "
                f"{f.relative_to(root)} is {image.shape[1]}×{image.shape[0]} pixels; "
                f"set the size option to resize them all"
            )


def _to_channels(images, color: str) -> np.ndarray:
    """List of ``(H, W)`` / ``(H, W, 3)`` → ``(n, C, H, W)`` with one common channel count."""
    any_rgb = any(im.ndim == 3 for im in images)
    if color == "gray" or (color == "auto" and not any_rgb):
        grey = [im @ LUMA if im.ndim == 3 else im for im in images]
        return np.stack(grey)[:, None].astype(np.float32)
    rgb = [im if im.ndim == 3 else np.repeat(im[..., None], 3, axis=2) for im in images]
    return np.stack(rgb).transpose(0, 3, 1, 2).astype(np.float32)
