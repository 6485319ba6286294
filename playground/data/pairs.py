"""Pairs of handwritten digits side by side: the same digit or not? (for a Siamese network).

Each sample is two 8×8 digits from scikit-learn's digits, the left one and the
right one in one (1, 8, 16) image; the target is 1 when both show the same digit
and 0 otherwise. Half of the pairs are "same" and half "different" (balanced),
so always guessing one answer scores 50%. Pairs are drawn at random (seeded), so
one image may appear in several pairs; a pair never shows one image twice.
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .registry import Option, register

DIGITS = 10
SIDE = 8  # pixels per side of one digit


def _digits_by_class() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(images (n, 8, 8) in [0, 1], table (10, most) of image indices per class, count per class)``."""
    from sklearn.datasets import load_digits  # slow import: only when pairs are made

    bunch = load_digits()
    images = (bunch.data / 16.0).astype(np.float32).reshape(-1, SIDE, SIDE)
    labels = bunch.target
    counts = np.bincount(labels, minlength=DIGITS)
    table = np.zeros((DIGITS, counts.max()), dtype=np.int64)
    for digit in range(DIGITS):
        table[digit, :counts[digit]] = np.flatnonzero(labels == digit)
    return images, table, counts


def _pick(rng: np.random.Generator, table: np.ndarray, counts: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """One random image index of each requested digit."""
    position = (rng.random(len(digits)) * counts[digits]).astype(np.int64)
    return table[digits, position]


def make_pairs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(left images, right images, same)``: n pairs, the first ⌊n/2⌋ of them the same digit, shuffled."""
    images, table, counts = _digits_by_class()
    rng = np.random.default_rng(seed)
    n_same = n // 2
    n_diff = n - n_same
    # same digit: two different images of one digit (an offset of 1 … count−1 from the first)
    digit = rng.integers(DIGITS, size=n_same)
    first = (rng.random(n_same) * counts[digit]).astype(np.int64)
    offset = 1 + (rng.random(n_same) * (counts[digit] - 1)).astype(np.int64)
    same_left, same_right = table[digit, first], table[digit, (first + offset) % counts[digit]]
    # different digits: the right digit is the left one moved on by 1 … 9
    left_digit = rng.integers(DIGITS, size=n_diff)
    right_digit = (left_digit + rng.integers(1, DIGITS, size=n_diff)) % DIGITS
    diff_left, diff_right = _pick(rng, table, counts, left_digit), _pick(rng, table, counts, right_digit)
    left = np.concatenate([same_left, diff_left])
    right = np.concatenate([same_right, diff_right])
    same = np.concatenate([np.ones(n_same, np.int64), np.zeros(n_diff, np.int64)])
    order = rng.permutation(n)
    return images[left[order]], images[right[order]], same[order]


@register("digit_pairs", "Pairs of digits: same or different?", group="Images", task="binary",
          options=[Option("n", "int", 3000, (10, 50_000), "number of pairs (half the same digit, half not)",
                          label="Pairs"),
                   Option("seed", "int", 0, (0, 2**31 - 1), "which random pairs are drawn"),
                   Option("as_images", "bool", True,
                          help="one (1, 8, 16) image per pair, left digit beside right digit; off: 128 "
                               "flat pixels, the left digit's 64 first")])
def digit_pairs(n: int = 3000, seed: int = 0, as_images: bool = True) -> Dataset:
    """Two 8×8 handwritten digits side by side; the target says whether they are the same digit."""
    left, right, same = make_pairs(n, seed)
    x = np.concatenate([left, right], axis=2)[:, None]  # (n, 1, 8, 16): left digit, then right digit
    if not as_images:
        x = np.concatenate([left.reshape(n, -1), right.reshape(n, -1)], axis=1)  # (n, 128)
    names = () if as_images else tuple(f"{side} pixel {r},{c}" for side in ("left", "right")
                                       for r in range(SIDE) for c in range(SIDE))
    return Dataset(x, same, "binary", name="digit_pairs", class_names=("different", "same"),
                   feature_names=names,
                   description=f"{n} pairs of 8×8 handwritten digits side by side, half of them the same digit")
