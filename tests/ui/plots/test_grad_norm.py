"""GradNormPlot: one log-scale curve per layer and a plain-words warning banner."""

import numpy as np

from playground.ui.plots import GradNormPlot, gradient_warning
from playground.ui.plots.grad_norm import LOG_FLOOR
from tests.ui import fakes


def test_healthy_norms_give_no_warning():
    assert gradient_warning({"dense_1": 0.3, "dense_2": 2e-5}) == ""


def test_vanishing_and_exploding_layers_are_named():
    text = gradient_warning({"a": 1e-7, "b": 1e-9, "c": 5e3, "d": 1.0})
    assert "Vanishing gradients in layers a and b" in text
    assert "Exploding gradients in layer c" in text
    assert " d" not in text.replace("and", "")  # the healthy layer is not named


def test_nan_gradient_is_reported_as_diverged():
    assert "Broken gradients in layer x" in gradient_warning({"x": float("nan")})


def test_thresholds_are_strict_bounds():
    assert gradient_warning({"a": 1e-6, "b": 1e3}) == ""


def test_one_curve_per_layer_on_a_log_axis(qtbot):
    history = fakes.training_history(n=6)
    plot = GradNormPlot()
    qtbot.addWidget(plot)
    plot.refresh(history)
    assert set(plot.curves.curves) == set(fakes.LAYERS)
    # yData: the values given (getData() would return log10 of them on a log axis)
    np.testing.assert_allclose(plot.curve("dense_2").yData, history.series("grad_norm/dense_2")[1])
    assert plot.plot_item.getAxis("left").logMode is True
    assert plot.warning_text() == ""


def test_warning_appears_for_a_vanishing_layer(show):
    plot = show(GradNormPlot())
    plot.refresh(fakes.training_history(n=6, vanish="dense_3"))
    assert plot.warning.isVisible()
    assert "Vanishing gradients in layer dense_3" in plot.warning_text()
    assert "dense_1" not in plot.warning_text()


def test_warning_uses_the_names_students_gave_the_layers(qtbot):
    plot = GradNormPlot()
    qtbot.addWidget(plot)
    plot.set_node_names({"dense_2": "hidden 2"})
    plot.refresh(fakes.training_history(n=3, explode="dense_2"))
    assert "Exploding gradients in layer hidden 2" in plot.warning_text()


def test_warning_goes_away_when_the_gradient_recovers(qtbot):
    history = fakes.history_of(fakes.report(1, grad_norms={"a": 1e-9}))
    plot = GradNormPlot()
    qtbot.addWidget(plot)
    plot.refresh(history)
    assert plot.warning_text()
    history.append(fakes.report(2, grad_norms={"a": 0.1}))
    plot.refresh(history)
    assert plot.warning_text() == ""


def test_zero_norm_is_drawn_at_the_floor_not_lost(qtbot):
    plot = GradNormPlot()
    qtbot.addWidget(plot)
    plot.refresh(fakes.history_of(fakes.report(1, grad_norms={"step": 0.0})))
    assert plot.curve("step").yData[0] == LOG_FLOOR
    assert "Vanishing" in plot.warning_text()
