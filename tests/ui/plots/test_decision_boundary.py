"""DecisionBoundaryPlot: grid colours, orientation and the data points on top."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from playground.session.report import DecisionGrid
from playground.ui.export import image_to_array
from playground.ui.plots import DecisionBoundaryPlot
from playground.ui.plots.colors import BLUE, ORANGE, hex_to_rgb
from playground.ui.plots.decision_boundary import class_indices, grid_rgba
from tests.ui import fakes
from tests.ui.helpers import settle


def plot_with(qtbot, grid):
    plot = DecisionBoundaryPlot()
    qtbot.addWidget(plot)
    plot.refresh(fakes.history_of(fakes.report(1, decision_grid=grid)))
    return plot


def test_binary_grid_image_has_grid_shape_and_class_colours(qtbot):
    grid = fakes.binary_grid(n=40)
    plot = plot_with(qtbot, grid)
    assert plot.rgba.shape == (40, 40, 4)
    assert plot.image.image.shape == (40, 40, 4)
    # class 1 (p → 1, top of the plane) is blue, class 0 (bottom) is orange
    top, bottom = plot.rgba[-1, 20, :3].astype(int), plot.rgba[0, 20, :3].astype(int)
    assert np.abs(top - hex_to_rgb(BLUE)).max() < 20
    assert np.abs(bottom - hex_to_rgb(ORANGE)).max() < 20


def test_grid_is_drawn_on_its_extent_with_row_0_at_the_bottom(show):
    # row 0 (y = ymin) is class 0 → orange; row 1 (y = ymax) is class 1 → blue
    grid = DecisionGrid(values=np.array([[0.0, 0.0], [1.0, 1.0]]), extent=(-2.0, 6.0, 1.0, 3.0))
    plot = show(DecisionBoundaryPlot())
    plot.refresh(fakes.history_of(fakes.report(1, decision_grid=grid)))
    settle()
    rect = plot.image.mapRectToParent(plot.image.boundingRect())
    assert (rect.left(), rect.right(), rect.top(), rect.bottom()) == pytest.approx((-2, 6, 1, 3))
    pw, vb = plot.plot_widget, plot.plot_item.getViewBox()
    pixels = image_to_array(pw.grab().toImage())

    def colour_at(x, y):
        p = pw.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
        return pixels[p.y(), p.x(), :3].astype(int)

    assert np.abs(colour_at(2.0, 1.5) - hex_to_rgb(ORANGE)).max() < 10
    assert np.abs(colour_at(2.0, 2.5) - hex_to_rgb(BLUE)).max() < 10


def test_multiclass_grid_gives_each_class_its_own_colour(qtbot):
    grid = fakes.multiclass_grid(k=3, n=30)
    plot = plot_with(qtbot, grid)
    assert plot.rgba.shape == (30, 30, 4)
    winners = grid.values.argmax(axis=-1)
    confident = grid.values.max(axis=-1) > 0.95
    means = [plot.rgba[(winners == c) & confident][:, :3].mean(axis=0) for c in range(3)]
    for a in range(3):
        for b in range(a + 1, 3):
            assert np.abs(means[a] - means[b]).max() > 60  # clearly different colours


def test_single_column_softmax_is_treated_as_one_output():
    assert grid_rgba(np.full((3, 4, 1), 0.5)).shape == (3, 4, 4)
    with pytest.raises(ValueError, match="decision grid"):
        grid_rgba(np.zeros(5))


def test_class_indices_from_labels_one_hot_and_signs():
    np.testing.assert_array_equal(class_indices(np.array([0, 2, 1])), [0, 2, 1])
    np.testing.assert_array_equal(class_indices(np.array([[0, 1], [1, 0]])), [1, 0])
    np.testing.assert_array_equal(class_indices(np.array([-1.0, 1.0])), [0, 1])
    assert class_indices(np.array([0.3, 1.7])) is None  # regression targets


def test_points_are_coloured_by_class_train_filled_test_outlined(qtbot):
    plot = plot_with(qtbot, fakes.binary_grid())
    x, y = fakes.two_moons(40)
    plot.set_points(x[:30], y[:30], x[30:], y[30:])
    train = plot.train_scatter.data
    assert len(train) == 30
    fills = {tuple(b.color().getRgb()[:3]) for b in train["brush"]}
    assert fills == {tuple(hex_to_rgb(ORANGE).astype(int)), tuple(hex_to_rgb(BLUE).astype(int))}
    test = plot.test_scatter.data
    assert len(test) == 10
    assert plot.test_scatter.opts["brush"].color().alpha() == 0  # rings, not discs
    rings = {p.color().name() for p in test["pen"]}
    assert rings <= {ORANGE, BLUE}
    assert "class 0" in plot.caption.text() and "test" in plot.caption.text()


def test_regression_targets_use_the_diverging_colours(qtbot):
    plot = plot_with(qtbot, DecisionGrid(values=np.zeros((4, 4)) - 2.0, extent=(0, 1, 0, 1)))
    plot.set_points(np.array([[0.1, 0.1], [0.9, 0.9]]), np.array([-3.3, 3.3]))
    colours = [b.color().name() for b in plot.train_scatter.data["brush"]]
    assert colours == [ORANGE, BLUE]


def test_no_grid_clears_the_image(qtbot):
    plot = plot_with(qtbot, fakes.binary_grid())
    plot.refresh(fakes.history_of(fakes.report(2)))
    assert plot.rgba is None
