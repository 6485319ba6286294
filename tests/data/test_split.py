import numpy as np
import pytest

from playground.data import Dataset, DatasetError, Standardizer, batch_indices, split_dataset, toy2d


def _labelled(n=100, k=4):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    return Dataset(x, np.arange(n) % k, "multiclass")


def test_split_sizes_disjoint_and_complete():
    ds = _labelled(100)
    split = split_dataset(ds, val=0.2, test=0.1, seed=0)
    assert (len(split.train), len(split.val), len(split.test)) == (70, 20, 10)
    ids = np.concatenate([p.x[:, 0] for p in split.parts.values()])
    assert sorted(ids) == sorted(ds.x[:, 0])


def test_stratified_split_keeps_class_balance():
    split = split_dataset(_labelled(200, 4), val=0.2, test=0.2, seed=1)
    for part in split.parts.values():
        counts = part.class_counts()
        assert counts.max() - counts.min() <= 1  # 50 per class → 30 / 10 / 10 each, ±1


def test_split_is_seeded():
    a = split_dataset(_labelled(), seed=5)
    b = split_dataset(_labelled(), seed=5)
    c = split_dataset(_labelled(), seed=6)
    np.testing.assert_array_equal(a.val.x, b.val.x)
    assert not np.array_equal(a.val.x, c.val.x)


def test_stratified_split_of_unbalanced_classes():
    ds = Dataset(np.zeros((100, 1)), (np.arange(100) < 90).astype(int), "binary")  # 10 vs 90
    split = split_dataset(ds, val=0.2, test=0.2, seed=3)
    np.testing.assert_array_equal(split.val.class_counts(), [2, 18])
    np.testing.assert_array_equal(split.test.class_counts(), [2, 18])


def test_bad_fractions():
    with pytest.raises(DatasetError, match="add up to less than 1"):
        split_dataset(_labelled(), val=0.6, test=0.5)


def test_standardizer_by_hand():
    # column 0: values 1, 3 → mean 2, std 1; column 1 constant 5 → std set to 1
    scaler = Standardizer.fit(np.array([[1.0, 5.0], [3.0, 5.0]]))
    np.testing.assert_allclose(scaler.mean, [2, 5])
    np.testing.assert_allclose(scaler.std, [1, 1])
    np.testing.assert_allclose(scaler.transform([[4.0, 6.0]]), [[2.0, 1.0]])
    np.testing.assert_allclose(scaler.inverse_transform([[2.0, 1.0]]), [[4.0, 6.0]])
    again = Standardizer.from_dict(scaler.to_dict())
    np.testing.assert_array_equal(again.mean, scaler.mean)


def test_standardization_uses_train_statistics_only():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, (300, 3)).astype(np.float32)
    x[:, 2] *= 10
    split = split_dataset(Dataset(x, x[:, :1] * 2, "regression"), val=0.2, test=0.2).standardized(targets=True)
    raw = split_dataset(Dataset(x, x[:, :1] * 2, "regression"), val=0.2, test=0.2)
    np.testing.assert_allclose(split.x_scaler.mean, raw.train.x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(split.x_scaler.std, raw.train.x.std(axis=0), rtol=1e-5)
    np.testing.assert_allclose(split.train.x.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(split.train.x.std(axis=0), 1, rtol=1e-4)
    # validation data are scaled with the train numbers, so they are not exactly 0 / 1
    assert np.abs(split.val.x.mean(axis=0)).max() > 1e-3
    np.testing.assert_allclose(split.val.x, (raw.val.x - split.x_scaler.mean) / split.x_scaler.std, rtol=1e-5)
    np.testing.assert_allclose(split.y_scaler.inverse_transform(split.test.y), raw.test.y, rtol=1e-5)


def test_image_and_sequence_statistics_are_per_channel_and_per_feature():
    images = np.random.default_rng(0).random((10, 3, 4, 4))
    assert Standardizer.fit(images).mean.shape == (3, 1, 1)
    sequences = np.random.default_rng(0).random((10, 7, 2))
    assert Standardizer.fit(sequences).std.shape == (1, 2)


def test_plane_inputs_apply_features_and_train_scaling():
    split = split_dataset(toy2d.circle(n=200, features=("x²",)), seed=0).standardized()
    grid = np.array([[0.0, 0.0], [3.0, -1.0]])
    expected = (np.array([[0, 0, 0], [3, -1, 9]]) - split.x_scaler.mean) / split.x_scaler.std
    np.testing.assert_allclose(split.plane_inputs(grid), expected, rtol=1e-5)
    with pytest.raises(DatasetError, match="already standardized"):
        split.standardized()


def test_batches_cover_an_epoch():
    batches = list(batch_indices(10, 4, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches)) == list(range(10))
    assert [len(b) for b in batch_indices(10, 4, drop_last=True)] == [4, 4]
