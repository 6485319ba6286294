"""OptimizerRaceView: the drawn paths and loss curves are the session race's."""

import numpy as np
from PySide6.QtCore import Qt

from playground.session.teaching.race import PROBLEMS, race
from playground.ui.teaching import OptimizerRaceView


def test_paths_and_losses_drawn_equal_the_sessions_race(qtbot, show):
    view = show(OptimizerRaceView(problem="ravine"), 1200, 650)
    expected = race("ravine")
    assert list(view.path_items) == [r.name for r in expected.racers]
    for racer in expected.racers:
        x, y = view.path_items[racer.name].getData()
        np.testing.assert_array_equal(np.column_stack([x, y]), racer.path)
        steps, losses = view.loss_curves.get(racer.name).getOriginalDataset()
        np.testing.assert_array_equal(losses, racer.losses)
        np.testing.assert_array_equal(steps, np.arange(len(racer.losses)))
    np.testing.assert_array_equal(view.contour.values, expected.values)  # ravine: no log shading


def test_choosing_a_problem_in_the_combo_races_on_it(qtbot, show):
    view = show(OptimizerRaceView())
    view.problem_combo.setCurrentIndex(view.problem_combo.findData("rosenbrock"))
    assert view.result.problem.name == "rosenbrock"
    assert view.steps_spin.value() == PROBLEMS["rosenbrock"].steps
    # many decades: the shading is log(f − min + 1) of the same grid
    np.testing.assert_allclose(view.contour.values,
                               np.log10(view.result.values - view.result.values.min() + 1.0))
    adam = view.result.racer("Adam")
    x, _ = view.path_items["Adam"].getData()
    np.testing.assert_array_equal(x, adam.path[:, 0])
    assert view.loss_item.getAxis("left").logMode  # positive values: log axis


def test_saddle_started_on_the_ridge_gets_stuck(qtbot, show):
    view = show(OptimizerRaceView(problem="saddle"))
    result = view.run_race(start=(1.0, 0.0))
    for racer in result.racers:
        x, y = view.path_items[racer.name].getData()
        assert x[0] == 1.0 and np.all(y == 0.0)  # no gradient in y on y = 0: nobody escapes
    assert "(1, 0)" not in view.summary.text()  # they moved along x, towards the saddle point
    view.reset_button.click()
    assert view.start_point is None and view.result.racers[0].path[0, 1] == PROBLEMS["saddle"].start[1]


def test_racers_that_fly_off_are_named_in_the_legend(qtbot, show):
    view = show(OptimizerRaceView(problem="saddle"))
    gone = [r for r in view.result.racers if r.left_at is not None]
    assert gone  # momentum picks up speed downhill in y and leaves the plot
    labels = [label.text for _, label in view.loss_item.legend.items]
    assert any(f"flew off at step {gone[0].left_at}" in text for text in labels)


def test_clicking_on_the_plot_starts_the_race_there(qtbot, show):
    view = show(OptimizerRaceView(problem="two_valleys"), 1000, 600)
    vb = view.contour_item.getViewBox()
    scene_point = vb.mapViewToScene(vb.mapToView(vb.boundingRect().center()))
    widget_point = view.contour_widget.mapFromScene(scene_point)
    qtbot.mouseClick(view.contour_widget.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)
    assert view.start_point is not None
    x, y = view.path_items["SGD"].getData()
    np.testing.assert_allclose([x[0], y[0]], view.start_point)
    xmin, xmax, ymin, ymax = PROBLEMS["two_valleys"].extent
    assert xmin < x[0] < xmax and ymin < y[0] < ymax
