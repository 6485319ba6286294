"""DecisionBoundaryPlot: grid colours, orientation and the data points on top."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from playground.session.report import DecisionGrid
from playground.ui.export import image_to_array
from playground.ui.plots import DecisionBoundaryPlot
from playground.ui.plots.colors import BLUE, ORANGE, hex_to_rgb
from playground.ui.plots.decision_boundary import (OKABE_ITO, REGION_PALENESS, class_indices, data_view,
                                                   grid_rgba)
from tests.ui import fakes
from tests.ui.helpers import settle


def pale(colour: str) -> np.ndarray:
    """``colour`` as the regions show it (lightened so the points read on top)."""
    rgb = hex_to_rgb(colour)
    return rgb + (255 - rgb) * REGION_PALENESS


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
    assert np.abs(top - pale(BLUE)).max() < 20
    assert np.abs(bottom - pale(ORANGE)).max() < 20


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

    assert np.abs(colour_at(2.0, 1.5) - pale(ORANGE)).max() < 10
    assert np.abs(colour_at(2.0, 2.5) - pale(BLUE)).max() < 10


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


def test_points_are_small_with_thin_outlines_and_test_points_are_triangles(qtbot):
    plot = plot_with(qtbot, fakes.binary_grid())
    x, y = fakes.two_moons(40)
    plot.set_points(x[:30], y[:30], x[30:], y[30:])
    train = plot.train_scatter.data
    assert len(train) == 30
    fills = {tuple(b.color().getRgb()[:3]) for b in train["brush"]}
    assert fills == {tuple(hex_to_rgb(ORANGE).astype(int)), tuple(hex_to_rgb(BLUE).astype(int))}
    assert plot.train_scatter.opts["size"] == 7 and plot.train_scatter.opts["symbol"] == "o"
    test = plot.test_scatter.data
    assert len(test) == 10
    assert plot.test_scatter.opts["symbol"] == "t"  # told apart by shape, filled with the class colour
    assert {b.color().name() for b in test["brush"]} <= {ORANGE, BLUE}
    pen = plot.train_scatter.opts["pen"]
    assert pen.widthF() <= 1.0 and pen.color().lightness() < 100  # a thin dark outline, no white rim
    assert "class 0" in plot.caption.text() and "test" in plot.caption.text()


def test_the_legend_names_the_datasets_own_classes(qtbot):
    plot = plot_with(qtbot, fakes.binary_grid())
    x, y = fakes.two_moons(20)
    plot.set_points(x, y)
    plot.set_class_names(["ring", "disc"])
    text = plot.caption.text()
    assert "ring" in text and "disc" in text and "class 0" not in text


def test_axes_fit_the_data_with_equal_aspect_not_the_grid(show):
    # data in 0…1, a grid over ±15: the axes show the data, not a dot in the middle
    plot = show(DecisionBoundaryPlot())
    plot.resize(500, 500)
    grid = DecisionGrid(values=np.zeros((10, 10)), extent=(-15.0, 15.0, -15.0, 15.0))
    plot.refresh(fakes.history_of(fakes.report(1, decision_grid=grid)))
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (50, 2))
    plot.set_points(x, (x[:, 0] > x[:, 1]).astype(int))
    settle()
    (x0, x1), (y0, y1) = plot.plot_item.getViewBox().viewRange()
    assert -0.5 < x0 < 0 and 1 < x1 < 1.5 and -0.5 < y0 < 0 and 1 < y1 < 1.5
    assert plot.plot_item.getViewBox().state["aspectLocked"]
    assert data_view([x]) == pytest.approx((-0.08, 1.08, -0.08, 1.08), abs=0.05)


def test_three_classes_use_colour_blind_safe_colours(qtbot):
    plot = plot_with(qtbot, fakes.multiclass_grid(k=3, n=10))
    x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    plot.set_points(x, np.array([0, 1, 2]))
    assert [b.color().name().lower() for b in plot.train_scatter.data["brush"]] == \
        [c.lower() for c in OKABE_ITO[:3]]


def test_regression_targets_use_the_diverging_colours(qtbot):
    plot = plot_with(qtbot, DecisionGrid(values=np.zeros((4, 4)) - 2.0, extent=(0, 1, 0, 1)))
    plot.set_points(np.array([[0.1, 0.1], [0.9, 0.9]]), np.array([-3.3, 3.3]))
    colours = [b.color().name() for b in plot.train_scatter.data["brush"]]
    assert colours == [ORANGE, BLUE]


def test_no_grid_clears_the_image(qtbot):
    plot = plot_with(qtbot, fakes.binary_grid())
    plot.refresh(fakes.history_of(fakes.report(2)))
    assert plot.rgba is None
