import numpy as np
import pytest

from playground.data import Dataset, DatasetError, one_hot


def test_one_hot_by_hand():
    # label 2 of 4 → [0, 0, 1, 0]; label 0 → [1, 0, 0, 0]
    out = one_hot(np.array([2, 0]), 4)
    np.testing.assert_array_equal(out, [[0, 0, 1, 0], [1, 0, 0, 0]])
    assert out.dtype == np.float32


def test_one_hot_rejects_labels_out_of_range():
    with pytest.raises(DatasetError, match=r"0\.\.2"):
        one_hot(np.array([0, 3]), 3)
    with pytest.raises(DatasetError, match="integer class labels"):
        one_hot(np.array([0.5]), 3)


def test_classification_dataset_converts_and_describes():
    ds = Dataset(np.ones((4, 2), np.float64), np.array([0, 1, 2, 1]), "multiclass", name="toy")
    assert ds.x.dtype == np.float32 and ds.y.dtype == np.int64
    assert ds.num_classes == 3 and ds.class_names == ("0", "1", "2")
    assert ds.input_shape == (2,) and ds.target_shape == () and ds.num_outputs == 3
    np.testing.assert_array_equal(ds.class_counts(), [1, 2, 1])
    np.testing.assert_array_equal(ds.y_float()[1], [0, 1, 0])
    assert ds.describe() == "toy: 4 samples, input (2,), multiclass (3 classes)"


def test_binary_targets_as_float_column():
    ds = Dataset(np.zeros((3, 2)), np.array([1, 0, 1]), "binary")
    assert ds.num_outputs == 1
    np.testing.assert_array_equal(ds.y_float(), [[1], [0], [1]])


def test_regression_targets_become_columns():
    ds = Dataset(np.zeros((3, 2)), np.array([0.5, 1.5, 2.5]), "regression")
    assert ds.y.shape == (3, 1) and ds.y.dtype == np.float32 and ds.num_classes == 0


@pytest.mark.parametrize(
    "x, y, task, message",
    [
        (np.zeros((3, 2)), np.zeros(4, int), "binary", "3 samples but y has shape"),
        (np.zeros((3, 2)), np.array([0, 1, 2]), "binary", "binary task has 2 classes|must lie in 0..1"),
        (np.zeros((3, 2)), np.array([0.0, 1.0, 1.0]), "multiclass", "integer class labels"),
        (np.zeros((3, 2)), np.array([0, 1, 1]), "clustering", "unknown task"),
        (np.zeros(3), np.zeros(3), "regression", "per-sample shape"),
        (np.array([["a"], ["b"]]), np.zeros(2), "regression", "numeric"),
        (np.zeros((2, 3)), np.zeros((2, 2)), "reconstruction", "shape of x"),
    ],
)
def test_bad_datasets_are_refused_in_plain_words(x, y, task, message):
    with pytest.raises(DatasetError, match=message):
        Dataset(x, y, task)


def test_class_names_must_cover_labels():
    with pytest.raises(DatasetError, match=r"0\.\.1"):
        Dataset(np.zeros((2, 1)), np.array([0, 2]), "multiclass", class_names=("a", "b"))


def test_subset_and_reconstruction():
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    ds = Dataset(x, np.array([0, 1, 0, 1, 0]), "binary")
    sub = ds.subset(np.array([3, 1]))
    np.testing.assert_array_equal(sub.x, [[6, 7], [2, 3]])
    np.testing.assert_array_equal(sub.y, [1, 1])
    auto = ds.as_reconstruction()
    assert auto.task == "reconstruction" and auto.y is auto.x and auto.num_outputs == 2
    part = auto.subset([0, 2])
    assert part.y is part.x and part.y.shape == (2, 2)
    x64 = np.zeros((3, 2))
    assert Dataset(x64, x64, "reconstruction").y.dtype == np.float32


def test_empty_part_is_allowed():
    ds = Dataset(np.zeros((0, 2)), np.zeros(0, np.int64), "binary")
    assert len(ds) == 0 and ds.num_classes == 2


def test_plane_inputs_need_a_plane():
    ds = Dataset(np.zeros((2, 2)), np.zeros(2), "regression")
    with pytest.raises(DatasetError, match="2-D plane"):
        ds.plane_inputs(np.zeros((1, 2)))
