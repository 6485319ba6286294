"""Pairs of 8×8 digits side by side, labelled same (1) or different (0)."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from playground.data import dataset_info, load_dataset, split_dataset
from playground.data.pairs import make_pairs


@pytest.fixture(scope="module")
def digits():
    bunch = load_digits()
    return (bunch.data / 16.0).astype(np.float32).reshape(-1, 8, 8), bunch.target


def labels_of(images, digits):
    """The digit each image shows, found by looking the image up among the originals."""
    originals, targets = digits
    flat = originals.reshape(len(originals), -1)
    return np.array([targets[np.flatnonzero((flat == img.reshape(-1)).all(axis=1))[0]] for img in images])


def test_pairs_are_balanced_and_labelled_right(digits):
    left, right, same = make_pairs(201, seed=3)
    assert left.shape == right.shape == (201, 8, 8) and same.dtype == np.int64
    assert same.sum() == 100  # ⌊201/2⌋ "same" pairs, the rest "different"
    np.testing.assert_array_equal(labels_of(left, digits) == labels_of(right, digits), same == 1)
    # a "same" pair shows two different images of that digit, never one image twice
    assert not any(np.array_equal(a, b) for a, b in zip(left[same == 1], right[same == 1]))


def test_images_put_the_left_digit_beside_the_right_one():
    ds = load_dataset("digit_pairs", n=40, seed=1)
    left, right, same = make_pairs(40, seed=1)
    assert ds.x.shape == (40, 1, 8, 16) and ds.task == "binary"
    np.testing.assert_array_equal(ds.x[:, 0, :, :8], left)
    np.testing.assert_array_equal(ds.x[:, 0, :, 8:], right)
    np.testing.assert_array_equal(ds.y, same)
    assert ds.class_names == ("different", "same")
    assert 0.0 <= ds.x.min() and ds.x.max() <= 1.0


def test_flat_pairs_hold_the_left_digit_first():
    ds = load_dataset("digit_pairs", n=20, as_images=False)
    left, right, _ = make_pairs(20, seed=0)
    assert ds.x.shape == (20, 128) and len(ds.feature_names) == 128
    np.testing.assert_array_equal(ds.x[:, :64], left.reshape(20, 64))
    np.testing.assert_array_equal(ds.x[:, 64:], right.reshape(20, 64))
    assert ds.feature_names[0] == "left pixel 0,0" and ds.feature_names[64] == "right pixel 0,0"


def test_listed_with_the_images_and_split_like_any_dataset():
    info = dataset_info("digit_pairs")
    assert info.group == "Images" and info.task == "binary"
    split = split_dataset(load_dataset("digit_pairs", n=100), val=0.2, test=0.0, seed=0)
    assert len(split.train) == 80 and len(split.val) == 20
