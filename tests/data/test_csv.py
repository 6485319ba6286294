import numpy as np
import pytest

from playground.data import DatasetError, load_csv, load_dataset


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


ROWS = "\n".join(f"{i},{i * 0.5},{'cat' if i % 2 else 'dog'}" for i in range(6))


def test_text_target_becomes_sorted_classes(tmp_path):
    ds = load_csv(_write(tmp_path, "size,weight,animal\n" + ROWS))
    assert ds.task == "binary" and ds.class_names == ("cat", "dog")
    assert ds.x.shape == (6, 2) and ds.feature_names == ("size", "weight")
    np.testing.assert_array_equal(ds.y, [1, 0, 1, 0, 1, 0])
    assert ds.extent is not None  # two inputs: a decision-boundary plane


def test_numeric_target_by_name_is_regression(tmp_path):
    ds = load_csv(_write(tmp_path, "a;b;c\n" + ROWS.replace(",", ";").replace("cat", "1").replace("dog", "2")),
                  target="b")
    assert ds.task == "regression" and ds.feature_names == ("a", "c")
    np.testing.assert_allclose(ds.y[:, 0], np.arange(6) * 0.5)
    assert ds.extent is not None


def test_few_whole_numbers_are_classes_unless_told(tmp_path):
    path = _write(tmp_path, "x,label\n" + "\n".join(f"{i},{i % 3 * 5}" for i in range(9)))
    ds = load_csv(path)
    assert ds.task == "multiclass" and ds.class_names == ("0", "5", "10")
    assert load_csv(path, task="regression").task == "regression"


def test_registered_loader_and_tabs(tmp_path):
    path = _write(tmp_path, "x\ty\n" + "\n".join(f"{i}\t{i * 2.5}" for i in range(5)))
    ds = load_dataset("csv", path=str(path))
    assert ds.task == "regression" and len(ds) == 5 and ds.extent is None


@pytest.mark.parametrize(
    "text, options, message",
    [
        ("a,b\n" + "\n".join(f"{i},{i}" for i in range(6)), {"target": "price"},
         "data.csv has no column 'price'; its columns are 'a', 'b'"),
        ("a,b,c\n1,2,3\n4,,6\n" + "7,8,9\n" * 4, {}, "column 'b' has no value on line 3"),
        ("a,b,c\n1,2,3\n4,NA,6\n" + "7,8,9\n" * 4, {}, "column 'b' has no value on line 3 \\('NA'\\)"),
        ("a,b,c\n1,2,3\n4,5,6\n7,eight,9\n" + "7,8,9\n" * 3, {},
         "column 'b' must hold numbers, but line 4 has 'eight'"),
        ("a,b\n1,2\n3,4\n", {}, "has 2 data rows; at least 5 are needed"),
        ("a,b\n1,2\n3,4,5\n" + "1,2\n" * 5, {}, "line 3 has 3 values but the header names 2 columns"),
        ("a,a\n" + "1,2\n" * 6, {}, "two columns are named 'a'"),
        ("a,,c\n" + "1,2,3\n" * 6, {}, "column 2 has no name"),
        ("only\n" + "1\n" * 6, {}, "at least one input and a target"),
        ("", {}, "data.csv is empty"),
        ("a,b\n" + "1,x\n" * 6, {"task": "regression"}, "column 'b' must hold numbers, but line 2 has 'x'"),
        ("a,b\n" + "1,3\n" * 6, {"task": "classification"}, "holds only one class"),
    ],
)
def test_bad_csv_files_name_column_and_line(tmp_path, text, options, message):
    with pytest.raises(DatasetError, match=message):
        load_csv(_write(tmp_path, text), **options)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(DatasetError, match="no file at"):
        load_csv(tmp_path / "nope.csv")
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(DatasetError, match="not a text \\(UTF-8\\) file"):
        load_csv(path)
