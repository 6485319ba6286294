"""The point painter: clicks add points of the chosen class, drags paint many, undo/clear, Dataset."""

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from playground.data import DatasetError, load_dataset
from playground.ui.export import grab_image, image_to_array
from playground.ui.point_painter import PointPainter, decode_points, encode_points
from tests.ui.helpers import settle


def _pos(painter, x, y) -> QPoint:
    return painter.data_to_viewport(x, y).toPoint()


def _click(painter, x, y):
    QTest.mouseClick(painter.plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     _pos(painter, x, y))


def _drag(painter, start, end, moves=10):
    vp = painter.plot.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _pos(painter, *start))
    for t in np.linspace(0, 1, moves + 1)[1:]:
        x, y = np.add(start, t * np.subtract(end, start))
        QTest.mouseMove(vp, _pos(painter, x, y))  # QTest sends moves with the pressed button held
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _pos(painter, *end))


@pytest.fixture
def painter(show):
    return show(PointPainter(), 640, 560)


def test_click_adds_point_of_chosen_class_at_data_position(painter):
    _click(painter, 2.0, -3.0)
    painter.set_current_class(1)
    _click(painter, -4.0, 1.0)
    x, y = painter.points()
    assert y.tolist() == [0, 1]
    # one screen pixel is 12 / ~560 ≈ 0.02 data units
    np.testing.assert_allclose(x, [[2.0, -3.0], [-4.0, 1.0]], atol=0.1)


def test_drag_paints_several_points_along_the_stroke_and_undo_removes_the_stroke(painter):
    _click(painter, 0.0, 0.0)
    painter.set_current_class(1)
    _drag(painter, (-4.0, -4.0), (4.0, -4.0))
    x, y = painter.points()
    # 8 units at a step of 0.35 → 22 steps × 2 points, plus the press point
    assert len(y) == 1 + 1 + 22 * 2
    assert (y[1:] == 1).all()
    painted = x[1:]
    assert painted[:, 0].min() < -3.5 and painted[:, 0].max() > 3.5  # along the whole stroke
    assert np.abs(painted[:, 1] + 4.0).max() <= painter.brush + 0.1  # within the brush of the line
    painter.undo()
    assert painter.points()[1].tolist() == [0]  # the whole drag is one stroke
    painter.clear()
    assert len(painter.points()[1]) == 0


def test_dataset_shapes_and_labels_binary_and_multiclass(painter):
    with pytest.raises(DatasetError, match="no points"):
        painter.dataset()
    for c, (x, y) in enumerate([(-3, 3), (3, 3)]):
        painter.set_current_class(c)
        _click(painter, x, y)
    ds = painter.dataset()
    assert ds.task == "binary" and ds.x.shape == (2, 2) and ds.x.dtype == np.float32
    assert ds.y.tolist() == [0, 1] and ds.is_plane and ds.num_outputs == 1

    painter.set_num_classes(3)
    painter.set_current_class(2)
    _click(painter, 0, -3)
    ds = painter.dataset()
    assert ds.task == "multiclass" and ds.num_classes == 3 and ds.y.tolist() == [0, 1, 2]
    assert ds.y_float().shape == (3, 3)
    painter.set_num_classes(2)  # class-2 points go with their class
    assert painter.points()[1].tolist() == [0, 1]


def test_registry_round_trip_reloads_the_same_points(painter):
    painter.add_points([[1.25, -2.5], [0.5, 0.5]], label=1)
    painter.add_points([[-1.0, 3.0]], label=0)
    ds = load_dataset("painted", **painter.options())
    np.testing.assert_allclose(ds.x, painter.points()[0], atol=1e-3)
    assert ds.y.tolist() == [1, 1, 0]
    x, y = decode_points(encode_points(ds.x, ds.y))
    assert x.shape == (3, 2) and y.tolist() == [1, 1, 0]
    assert len(load_dataset("painted")) == 4  # the default: four XOR corners


def test_painted_points_show_in_class_colours(painter):
    painter.set_current_class(0)
    _drag(painter, (-4, 2), (4, 2))
    painter.set_current_class(1)
    _drag(painter, (-4, -2), (4, -2))
    settle()
    Path("/tmp/shots").mkdir(exist_ok=True)
    image = grab_image(painter, 1.0, "white")
    image.save("/tmp/shots/painter.png")
    rgba = image_to_array(image).astype(int)
    orange = (np.abs(rgba[..., :3] - [245, 147, 34]).sum(-1) < 30).sum()
    blue = (np.abs(rgba[..., :3] - [8, 119, 189]).sum(-1) < 30).sum()
    assert orange > 200 and blue > 200
