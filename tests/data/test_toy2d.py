import numpy as np
import pytest

from playground.data import DatasetError, add_features, toy2d

CLASSIFIERS = [toy2d.circle, toy2d.xor, toy2d.gaussian, toy2d.spiral, toy2d.moons]


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_shapes_balance_extent(make):
    ds = make(n=301, seed=3)
    assert ds.x.shape == (301, 2) and ds.y.shape == (301,)
    assert ds.task == "binary" and ds.num_classes == 2
    counts = ds.class_counts()
    assert abs(counts[0] - counts[1]) <= 1  # balanced to within one point
    xmin, xmax, ymin, ymax = ds.extent
    assert np.all((ds.x[:, 0] > xmin) & (ds.x[:, 0] < xmax) & (ds.x[:, 1] > ymin) & (ds.x[:, 1] < ymax))


@pytest.mark.parametrize("make", [*CLASSIFIERS, toy2d.regions, toy2d.plane, toy2d.multi_gaussian])
def test_seed_reproduces_and_changes(make):
    a, b, c = make(n=50, seed=7), make(n=50, seed=7), make(n=50, seed=8)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


def test_clean_circle_separates_by_radius():
    ds = toy2d.circle(n=400, noise=0.0)
    r = np.hypot(ds.x[:, 0], ds.x[:, 1])
    assert r[ds.y == 1].max() <= 2.5 < 3.5 <= r[ds.y == 0].min()


def test_clean_xor_labels_follow_signs():
    ds = toy2d.xor(n=400, noise=0.0)
    np.testing.assert_array_equal(ds.y, (ds.x[:, 0] * ds.x[:, 1] > 0).astype(int))
    assert np.abs(ds.x).min() >= 0.3  # margin around the axes


def test_noise_makes_classes_overlap():
    clean, noisy = toy2d.circle(n=400, noise=0.0), toy2d.circle(n=400, noise=0.8)
    r_clean = np.hypot(*clean.x.T)
    r_noisy = np.hypot(*noisy.x.T)
    assert r_clean[clean.y == 1].max() < r_clean[clean.y == 0].min()
    assert r_noisy[noisy.y == 1].max() > r_noisy[noisy.y == 0].min()


def test_gaussian_and_spiral_with_more_classes():
    ds = toy2d.gaussian(n=300, classes=3, noise=0.0)
    assert ds.task == "multiclass" and ds.num_classes == 3
    np.testing.assert_array_equal(ds.class_counts(), [100, 100, 100])
    # nearest cluster centre recovers the label when clusters are tight
    centers = np.stack([ds.x[ds.y == k].mean(axis=0) for k in range(3)])
    nearest = np.argmin(((ds.x[:, None] - centers[None]) ** 2).sum(-1), axis=1)
    assert (nearest == ds.y).mean() > 0.97
    assert toy2d.spiral(n=90, classes=3).num_classes == 3


def test_regression_targets():
    ds = toy2d.plane(n=100, noise=0.0)
    assert ds.task == "regression" and ds.y.shape == (100, 1)
    np.testing.assert_allclose(ds.y[:, 0], ds.x.sum(axis=1) / 10, atol=1e-6)
    surface = toy2d.multi_gaussian(n=500)
    assert -1.2 < surface.y.min() < -0.5 and 0.5 < surface.y.max() < 1.2


def test_multilabel_regions():
    ds = toy2d.regions(n=200)
    assert ds.task == "multilabel" and ds.y.shape == (200, 3) and ds.num_classes == 3
    np.testing.assert_array_equal(ds.y[:, 1], ds.x[:, 0] > 0)


def test_extra_features_by_hand():
    # point (2, 0.5): x² = 4, y² = 0.25, xy = 1, sin x = sin 2, sin y = sin 0.5
    out = add_features(np.array([[2.0, 0.5]]), ["x^2", "y²", "xy", "sin x", "sin(y)"])
    np.testing.assert_allclose(out, [[2, 0.5, 4, 0.25, 1, np.sin(2), np.sin(0.5)]], rtol=1e-6)
    with pytest.raises(DatasetError, match="unknown input feature 'cos x'"):
        add_features(np.zeros((1, 2)), ["cos x"])


def test_features_follow_the_dataset_to_plane_inputs():
    ds = toy2d.spiral(n=40, features=("x^2", "sin y"))
    assert ds.input_shape == (4,) and ds.feature_names == ("x", "y", "x²", "sin y")
    np.testing.assert_allclose(ds.plane_inputs(ds.x[:, :2]), ds.x, rtol=1e-6)
