"""Read a table from a CSV file: one column is the target, the others are inputs.

The first row names the columns. Input columns must hold numbers. The target
may hold numbers (regression, or class labels) or text (class labels, sorted
alphabetically). Every problem is reported as a :class:`DatasetError` that
names the column and the line of the file (line 1 is the header), e.g.
``'age' has no value on line 7``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .bounded import MiB, read_regular
from .dataset import MAX_CLASSES, Dataset
from .errors import DatasetError, require_path
from .registry import Option, register

MIN_ROWS = 5  # enough for a train / validation / test split
MAX_AUTO_CLASSES = 10  # a whole-number target with at most this many values counts as class labels
MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}
CSV_TASKS = ("auto", "classification", "regression")
MAX_FILE_BYTES = 512 * MiB
MAX_COLUMNS = 10_000
MAX_CELL_CHARS = 10_000  # a number or a class name; longer cells are a wrong file or a wrong delimiter
FLOAT32_MAX = float(np.finfo(np.float32).max)  # the network computes in 32-bit numbers
WHOLE_LIMIT = 2.0**53  # above this a float cannot tell neighbouring whole numbers apart


@register("csv", "CSV file", group="Your files", task="regression",
          options=[Option("path", "path", "", help="a .csv file whose first row names the columns"),
                   Option("target", "str", "", help="the column to predict (empty: the last column)"),
                   Option("task", "choice", "auto", choices=CSV_TASKS,
                          help="auto: text or few whole numbers → classes, otherwise regression")])
def load_csv(path, target: str = "", task: str = "auto") -> Dataset:
    """A table from a CSV file; ``target`` names the column to predict (default: the last)."""
    path = require_path(path, "CSV file")
    header, rows, lines = _read_rows(path)
    if len(header) < 2:
        raise DatasetError(
            f"{path.name}: found {len(header)} column; a table needs at least one input and a target"
        )
    target = target.strip() or header[-1]
    if target not in header:
        raise DatasetError(
            f"{path.name} has no column {target!r}; its columns are {', '.join(map(repr, header))}"
        )
    if task not in CSV_TASKS:
        raise DatasetError(f"task must be one of {', '.join(CSV_TASKS)}, got {task!r}")
    columns = {name: [row[j] for row in rows] for j, name in enumerate(header)}
    for name, cells in columns.items():
        _check_missing(path, name, cells, lines)
    features = [name for name in header if name != target]
    x = np.column_stack([_numbers(path, name, columns[name], lines, target) for name in features])
    y, task, classes = _target(path, target, columns[target], lines, task)
    extent = _extent(x) if x.shape[1] == 2 else None
    return Dataset(x, y, task, name=path.stem, class_names=classes, feature_names=tuple(features),
                   extent=extent, description=f"{len(rows)} rows from {path.name}, target {target!r}")


def _read_rows(path: Path):
    raw = read_regular(path, MAX_FILE_BYTES, DatasetError, path.name, "CSV file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DatasetError(
            f"{path.name} is not a text (UTF-8) file; save it from your spreadsheet as CSV UTF-8"
        ) from None
    del raw
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # a single column or an unusual layout: assume commas
    reader = csv.reader(text.splitlines(), dialect)
    rows, lines = [], []
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise DatasetError(f"{path.name}: line {reader.line_num} has {len(row):,} values; at most "
                                   f"{MAX_COLUMNS:,} columns are read")
            if any(len(cell) > MAX_CELL_CHARS for cell in row):
                raise DatasetError(f"{path.name}: line {reader.line_num} has a value longer than "
                                   f"{MAX_CELL_CHARS:,} characters; is this a CSV table?")
            if any(cell.strip() for cell in row):  # skip blank lines
                rows.append([cell.strip() for cell in row])
                lines.append(reader.line_num)
    except csv.Error as exc:
        reason = (f"a value longer than {csv.field_size_limit():,} characters" if "field larger" in str(exc)
                  else str(exc))
        raise DatasetError(f"{path.name}: line {max(1, reader.line_num)} cannot be read as CSV ({reason})") from None
    if not rows:
        raise DatasetError(f"{path.name} is empty")
    header, data, lines = rows[0], rows[1:], lines[1:]
    for j, name in enumerate(header):
        if not name:
            raise DatasetError(f"{path.name}: column {j + 1} has no name in the header (line 1)")
        if name in header[:j]:
            raise DatasetError(f"{path.name}: two columns are named {name!r}; give each column its own name")
    for row, line in zip(data, lines):
        if len(row) != len(header):
            raise DatasetError(
                f"{path.name}: line {line} has {len(row)} values but the header names {len(header)} columns"
            )
    if len(data) < MIN_ROWS:
        raise DatasetError(
            f"{path.name} has {len(data)} data rows; at least {MIN_ROWS} are needed to train and test"
        )
    return header, data, lines


def _check_missing(path, name, cells, lines):
    for cell, line in zip(cells, lines):
        if cell.lower() in MISSING:
            raise DatasetError(
                f"{path.name}: column {name!r} has no value on line {line}"
                + (f" ({cell!r})" if cell else "")
                + "; fill it in or delete the row"
            )


def _numbers(path, name, cells, lines, target) -> np.ndarray:
    try:
        values = np.array(cells, dtype=np.float64)
    except ValueError:
        values = None
    if values is not None:
        return _finite(path, name, values, cells, lines)
    for cell, line in zip(cells, lines):  # find the first cell that is not a number, for the message
        try:
            float(cell)
        except ValueError:
            raise DatasetError(
                f"{path.name}: column {name!r} must hold numbers, but line {line} has {cell!r}; "
                f"fix the value, delete the column, or make it the target (now {target!r})"
            ) from None
    raise DatasetError(f"{path.name}: column {name!r} could not be read as numbers")  # pragma: no cover


def _finite(path, name, values: np.ndarray, cells, lines) -> np.ndarray:
    """``values`` if every one is a finite number a network can compute with; else name the first bad cell."""
    bad = ~np.isfinite(values) | (np.abs(values) > FLOAT32_MAX)
    if bad.any():
        i = int(np.argmax(bad))
        what = "is not a finite number" if not np.isfinite(values[i]) else \
            f"is too large (the network computes with numbers up to about {FLOAT32_MAX:.3g})"
        raise DatasetError(f"{path.name}: column {name!r} on line {lines[i]} has {cells[i]!r}, which {what}; "
                           "fix the value or delete the row")
    return values


def _target(path, name, cells, lines, task):
    """Targets, task and class names from the target column's cells."""
    try:
        values = np.array(cells, dtype=np.float64)
    except ValueError:
        values = None
    if values is None:  # text: class labels
        if task == "regression":
            _numbers(path, name, cells, lines, name)  # raises, naming the first text cell
        classes, labels = np.unique(np.array(cells), return_inverse=True)
    else:
        _finite(path, name, values, cells, lines)
        whole = bool(np.all(values == np.round(values)) and np.all(np.abs(values) <= WHOLE_LIMIT))
        distinct = np.unique(values)
        is_classes = task == "classification" or (task == "auto" and whole and len(distinct) <= MAX_AUTO_CLASSES)
        if not is_classes:
            return values[:, None], "regression", ()
        classes, labels = np.unique(values.astype(np.int64) if whole else values, return_inverse=True)
    if len(classes) < 2:
        raise DatasetError(f"{path.name}: the target column {name!r} holds only one class ({classes[0]!r})")
    if len(classes) > MAX_CLASSES:
        raise DatasetError(f"{path.name}: the target column {name!r} holds {len(classes):,} different values; "
                           f"at most {MAX_CLASSES:,} classes are supported (choose task regression for numbers)")
    task = "binary" if len(classes) == 2 else "multiclass"
    return labels.astype(np.int64), task, tuple(str(c) for c in classes)


def _extent(x: np.ndarray) -> tuple[float, float, float, float]:
    """The data's bounding box plus 10 % on each side."""
    low, high = x.min(axis=0), x.max(axis=0)
    pad = np.maximum((high - low) * 0.1, 1e-3)
    return (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])
