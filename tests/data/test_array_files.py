import gzip

import numpy as np
import pytest

from playground.data import DatasetError, load_dataset, load_idx, load_npz, read_idx

from ._files import idx_bytes


# --- npz -------------------------------------------------------------------------
def test_npz_with_integer_labels(tmp_path):
    path = tmp_path / "set.npz"
    np.savez(path, x=np.random.default_rng(0).random((6, 3)), y=np.array([0, 2, 1, 0, 2, 1]))
    ds = load_npz(path)
    assert ds.task == "multiclass" and ds.num_classes == 3 and ds.x.dtype == np.float32


def test_npz_capital_keys_regression_and_byte_images(tmp_path):
    path = tmp_path / "set.npz"
    np.savez(path, X=np.full((4, 5, 5), 255, np.uint8), Y=np.array([0.5, 1.5, 2.0, 3.0]))
    ds = load_dataset("npz", path=str(path))
    assert ds.x.shape == (4, 1, 5, 5) and ds.x.max() == 1.0  # bytes → [0, 1], one channel
    assert ds.task == "regression" and ds.y.shape == (4, 1)


def test_npz_channels_last_images_and_no_labels(tmp_path):
    path = tmp_path / "set.npz"
    np.savez(path, x=np.zeros((3, 8, 8, 3), np.uint8))
    ds = load_npz(path)
    assert ds.x.shape == (3, 3, 8, 8) and ds.task == "reconstruction"


def test_npz_multilabel_when_asked(tmp_path):
    path = tmp_path / "set.npz"
    np.savez(path, x=np.zeros((3, 2)), y=np.array([[1, 0], [1, 1], [0, 0]]))
    assert load_npz(path, task="multilabel").num_classes == 2


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"images": np.zeros((2, 2)), "labels": np.zeros(2)},
         "no array named 'x' or 'X' \\(the inputs\\); arrays found: 'images', 'labels'"),
        ({"x": np.zeros((3, 2)), "y": np.zeros(4, int)}, "'x' has 3 samples but 'y' has 4"),
        ({"x": np.zeros((3, 2)), "y": np.array([0, -1, 1])}, "must be 0 or more, found -1"),
        ({"x": np.array([[np.nan, 1.0]]), "y": np.array([1])}, "NaN or infinite"),
        ({"x": np.array(["a", "b"]), "y": np.array([1, 0])}, "must hold numbers"),
        ({"x": np.array([[1.0], [2.0]], dtype=object), "y": np.array([1, 0])}, "Python objects"),
    ],
)
def test_bad_npz_files(tmp_path, arrays, message):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(DatasetError, match=message):
        load_npz(path)


def test_not_an_npz(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("hello")
    with pytest.raises(DatasetError, match="notes.npz is not a .npz archive"):
        load_npz(text)
    single = tmp_path / "one.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(DatasetError, match="single .npy array"):
        load_npz(single)
    with pytest.raises(DatasetError, match="no file at"):
        load_npz(tmp_path / "missing.npz")


# --- IDX -------------------------------------------------------------------------
def _mnist_like(tmp_path, n=5, gzipped=False):
    images = np.random.default_rng(0).integers(0, 256, (n, 4, 3), dtype=np.uint8)
    labels = np.arange(n, dtype=np.uint8) % 3
    suffix = ".gz" if gzipped else ""
    (tmp_path / f"img{suffix}").write_bytes(idx_bytes(images, gzipped))
    (tmp_path / f"lab{suffix}").write_bytes(idx_bytes(labels, gzipped))
    return images, labels, tmp_path / f"img{suffix}", tmp_path / f"lab{suffix}"


@pytest.mark.parametrize("gzipped", [False, True])
def test_idx_images_and_labels(tmp_path, gzipped):
    images, labels, img, lab = _mnist_like(tmp_path, gzipped=gzipped)
    np.testing.assert_array_equal(read_idx(img), images)
    ds = load_idx(img, lab)
    assert ds.x.shape == (5, 1, 4, 3) and ds.task == "multiclass" and ds.num_classes == 3
    np.testing.assert_allclose(ds.x[:, 0], images / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(ds.y, labels)


def test_idx_other_types_and_no_labels(tmp_path):
    values = np.arange(6, dtype=np.float32).reshape(2, 3) / 2
    path = tmp_path / "floats.idx"
    path.write_bytes(idx_bytes(values))
    np.testing.assert_array_equal(read_idx(path), values)
    ints = tmp_path / "ints.idx"
    ints.write_bytes(idx_bytes(np.array([[-5, 70000]], dtype=np.int32)))
    np.testing.assert_array_equal(read_idx(ints), [[-5, 70000]])
    ds = load_dataset("idx", images=str(path))
    assert ds.task == "reconstruction" and ds.x.shape == (2, 3)


def test_idx_wrong_magic_number(tmp_path):
    path = tmp_path / "photo.idx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    with pytest.raises(DatasetError, match="not an IDX file: it starts with the magic number 89 50 4e 47"):
        read_idx(path)


def test_idx_truncated_and_mismatched(tmp_path):
    _, _, img, lab = _mnist_like(tmp_path)
    cut = tmp_path / "cut"
    cut.write_bytes(img.read_bytes()[:-5])
    with pytest.raises(DatasetError, match="cut short: its header promises 60 values"):
        read_idx(cut)
    other = tmp_path / "lab7"
    other.write_bytes(idx_bytes(np.zeros(7, np.uint8)))
    with pytest.raises(DatasetError, match="img has 5 images but lab7 has 7 labels"):
        load_idx(img, other)
    with pytest.raises(DatasetError, match="like a labels file"):
        load_idx(lab)
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(b"12345678")[:12])
    with pytest.raises(DatasetError, match="looks gzipped but cannot be unpacked"):
        read_idx(broken)
