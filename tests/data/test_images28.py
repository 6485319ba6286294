import time

import numpy as np
import pytest

from playground.data import images28
from playground.data.glyphs import SHAPE_NAMES


def _nearest_centroid_accuracy(train, test) -> float:
    """Classify each test image by the closest class-mean image of the training set."""
    xtr, xte = train.x.reshape(len(train), -1), test.x.reshape(len(test), -1)
    means = np.stack([xtr[train.y == k].mean(axis=0) for k in range(train.num_classes)])
    d2 = (xte**2).sum(1)[:, None] - 2 * xte @ means.T + (means**2).sum(1)[None]
    return float((d2.argmin(axis=1) == test.y).mean())


@pytest.mark.parametrize("make", [images28.digits28, images28.shapes28])
def test_images_shape_range_balance(make):
    ds = make(n=120, seed=0)
    assert ds.x.shape == (120, 1, 28, 28) and ds.x.dtype == np.float32
    assert ds.x.min() >= 0.0 and ds.x.max() <= 1.0
    counts = ds.class_counts()
    assert counts.max() - counts.min() <= 1
    # the drawing is bright on a dark background: a few strokes, mostly background
    ink = (ds.x > 0.5).mean(axis=(1, 2, 3))
    assert 0.03 < ink.min() and ink.max() < 0.6


@pytest.mark.parametrize("make", [images28.digits28, images28.shapes28, images28.shape_collage])
def test_images_repeat_with_seed(make):
    np.testing.assert_array_equal(make(n=30, seed=4).x, make(n=30, seed=4).x)
    assert not np.array_equal(make(n=30, seed=4).x, make(n=30, seed=5).x)


def test_flat_option():
    assert images28.digits28(n=10, as_images=False).x.shape == (10, 784)


def test_generated_digits_are_distinguishable():
    train = images28.digits28(n=2000, seed=0)
    test = images28.digits28(n=1000, seed=1)
    assert _nearest_centroid_accuracy(train, test) > 0.6  # chance is 0.1


@pytest.mark.parametrize("filled", [True, False])
def test_generated_shapes_are_distinguishable(filled):
    train = images28.shapes28(n=1200, seed=0, filled=filled)
    test = images28.shapes28(n=600, seed=1, filled=filled)
    assert train.class_names == SHAPE_NAMES
    assert _nearest_centroid_accuracy(train, test) > 0.6  # chance is 1/6


def test_clean_digit_is_centred_and_symmetric_enough():
    # no jitter at all: a 0 is drawn centred, so it is (almost) mirror-symmetric
    ds = images28.digits28(n=10, noise=0.0, rotation=0, shift=0, scale=0, distortion=0)
    zero = ds.x[ds.y == 0][0, 0]
    np.testing.assert_allclose(zero, zero[:, ::-1], atol=0.15)
    rows, cols = np.nonzero(zero > 0.5)
    assert abs(rows.mean() - 13.5) < 1 and abs(cols.mean() - 13.5) < 1


def test_noise_option_adds_noise():
    clean = images28.shapes28(n=20, noise=0.0)
    noisy = images28.shapes28(n=20, noise=0.3)
    assert (clean.x == 0).mean() > 0.4 > (noisy.x == 0).mean()


def test_collage_labels_match_the_drawing():
    ds = images28.shape_collage(n=200, noise=0.0)
    assert ds.task == "multilabel" and ds.y.shape == (200, len(SHAPE_NAMES))
    assert ds.y.sum(axis=1).min() >= 1  # at least one shape in every image
    ink = ds.x.sum(axis=(1, 2, 3))
    # more kinds of shape present → more ink, on average
    assert ink[ds.y.sum(axis=1) >= 3].mean() > ink[ds.y.sum(axis=1) == 1].mean()


def test_generation_is_fast():
    images28.digits28(n=50)  # build the glyph distance fields once
    start = time.perf_counter()
    images28.digits28(n=5000, seed=3)
    images28.shapes28(n=5000, seed=3)
    assert time.perf_counter() - start < 4.0  # about 0.5 s here; generous for slow CI machines
