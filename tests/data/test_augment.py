import time

import numpy as np
import pytest

from playground.data import AUGMENT_OPTIONS, Augmenter, DatasetError
from playground.data.augment import bilinear_sample


def _batch(n=8, c=1, h=9, w=9):
    return np.random.default_rng(0).random((n, c, h, w)).astype(np.float32)


def test_nothing_switched_on_returns_the_batch():
    x = _batch()
    assert not Augmenter().active
    np.testing.assert_array_equal(Augmenter()(x), x)


def test_flip_mirrors_some_images_exactly_and_leaves_input_alone():
    x = _batch(n=40)
    before = x.copy()
    out = Augmenter(flip=True, seed=1)(x)
    np.testing.assert_array_equal(x, before)
    same = np.all(np.isclose(out, x, atol=1e-5), axis=(1, 2, 3))
    mirrored = np.all(np.isclose(out, x[..., ::-1], atol=1e-5), axis=(1, 2, 3))
    assert np.all(same | mirrored) and same.any() and mirrored.any()


def test_bilinear_sample_by_hand():
    # reading at x + 1 shifts the image left by one pixel; the last column reads outside → 0
    img = np.arange(6, dtype=np.float32).reshape(1, 1, 2, 3)  # [[0 1 2] [3 4 5]]
    yy, xx = np.mgrid[0:2, 0:3].astype(np.float32)
    out = bilinear_sample(img, xx[None] + 1, yy[None])
    np.testing.assert_allclose(out[0, 0], [[1, 2, 0], [4, 5, 0]])
    # half a pixel to the right: the mean of neighbours, 0.5 · 0 + 0.5 · 1 = 0.5
    half = bilinear_sample(img, xx[None] + 0.5, yy[None])
    np.testing.assert_allclose(half[0, 0, 0, :2], [0.5, 1.5])


def test_shift_moves_a_dot():
    x = np.zeros((50, 1, 15, 15), np.float32)
    x[:, 0, 7, 7] = 1.0
    out = Augmenter(shift=0.2, seed=0)(x)  # up to 3 pixels each way
    rows = (out[:, 0].sum(axis=2) * np.arange(15)).sum(axis=1) / out[:, 0].sum(axis=(1, 2))
    assert np.abs(rows - 7).max() <= 3.01 and np.abs(rows - 7).max() > 1
    np.testing.assert_allclose(out.sum(axis=(1, 2, 3)), 1.0, atol=1e-5)  # bilinear keeps the total


def test_rotation_keeps_the_centre_and_the_ink():
    x = np.zeros((20, 1, 21, 21), np.float32)
    x[:, 0, 4:17, 9:12] = 1.0  # a vertical bar through the centre
    out = Augmenter(rotate=30, seed=0)(x)
    np.testing.assert_allclose(out[:, 0, 10, 10], 1.0, atol=1e-5)
    np.testing.assert_allclose(out.sum(axis=(1, 2, 3)), x.sum(axis=(1, 2, 3)), rtol=0.08)
    assert not np.allclose(out, x)


def test_seeded_and_different_each_call():
    x = _batch()
    a, b = Augmenter(rotate=20, noise=0.1, seed=3), Augmenter(rotate=20, noise=0.1, seed=3)
    first = a(x)
    np.testing.assert_array_equal(first, b(x))
    assert not np.array_equal(first, a(x))  # the next batch gets new random changes


def test_noise_brightness_contrast_erase():
    x = np.full((400, 1, 8, 8), 0.5, np.float32)
    noisy = Augmenter(noise=0.1, seed=0)(x)
    assert abs(float((noisy - x).std()) - 0.1) < 0.005
    bright = Augmenter(brightness=0.2, seed=0)(x)
    offsets = bright[:, 0, 0, 0] - 0.5
    assert offsets.min() >= -0.2 and offsets.max() <= 0.2 and offsets.std() > 0.05
    erased = Augmenter(erase=0.5, seed=0)(x)
    blanked = (erased == 0).any(axis=(1, 2, 3))
    assert 0.35 < blanked.mean() < 0.65
    contrast = Augmenter(contrast=0.5, seed=0)(x)
    np.testing.assert_allclose(contrast, x)  # a flat image has no contrast to change


def test_options_and_errors():
    assert {o.name for o in AUGMENT_OPTIONS} == {"flip", "rotate", "shift", "zoom", "brightness", "contrast",
                                                 "noise", "erase"}
    assert Augmenter.from_options({"rotate": 10}, seed=2).rotate == 10.0
    with pytest.raises(DatasetError, match="unknown augmentation blur"):
        Augmenter.from_options({"blur": 1})
    with pytest.raises(DatasetError, match="must lie between 0.0 and 45.0"):
        Augmenter(rotate=90)
    with pytest.raises(DatasetError, match=r"image batches \(n, C, H, W\)"):
        Augmenter(noise=0.1)(np.zeros((4, 2)))


def test_augmenting_a_batch_is_fast():
    x = np.random.default_rng(0).random((256, 1, 28, 28)).astype(np.float32)
    aug = Augmenter(flip=True, rotate=15, shift=0.1, zoom=0.1, noise=0.05, erase=0.2)
    start = time.perf_counter()
    for _ in range(5):
        aug(x)
    assert (time.perf_counter() - start) / 5 < 0.25  # about 20 ms here
