import pytest

from playground.data import load_dataset


@pytest.mark.parametrize(
    "name, shape, task, classes",
    [
        ("iris", (150, 4), "multiclass", 3),
        ("breast_cancer", (569, 30), "binary", 2),
        ("wine", (178, 13), "multiclass", 3),
    ],
)
def test_real_tables(name, shape, task, classes):
    ds = load_dataset(name)
    assert ds.x.shape == shape and ds.task == task and ds.num_classes == classes
    assert len(ds.feature_names) == shape[1]


def test_sklearn_digits_as_images_or_flat():
    images = load_dataset("digits8")
    assert images.x.shape == (1797, 1, 8, 8) and images.num_classes == 10
    assert 0.0 <= images.x.min() and images.x.max() <= 1.0
    flat = load_dataset("digits8", as_images=False)
    assert flat.x.shape == (1797, 64) and flat.feature_names[9] == "pixel 1,1"
