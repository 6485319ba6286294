"""LossPlot and MetricPlot: the curves get exactly the history's points."""

import numpy as np
import pytest

from playground.ui.plots import LossPlot, MetricPlot
from tests.ui import fakes


def test_loss_curves_receive_train_val_and_penalty_points(qtbot):
    history = fakes.training_history(n=12)
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.refresh(history)
    for curve, series in (("train", "train_loss"), ("val", "val_loss"), ("term_l2", "term_l2")):
        x, y = plot.curve(curve).getData()
        hx, hy = history.series(series)
        np.testing.assert_allclose(x, hx)
        np.testing.assert_allclose(y, hy)
    assert len(plot.curve("val").getData()[0]) == 4  # validation every third report


def test_loss_curve_grows_when_reports_arrive(qtbot):
    history = fakes.history_of(fakes.report(10, train_loss=0.9))
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.refresh(history)
    history.append(fakes.report(20, train_loss=0.7))
    plot.refresh(history)
    assert list(plot.curve("train").getData()[1]) == [0.9, 0.7]
    assert "val" not in plot.curves  # no validation yet: no empty curve in the legend


def test_log_checkbox_switches_the_y_axis_mode(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.refresh(fakes.training_history(n=5))
    axis = plot.plot_item.getAxis("left")
    assert axis.logMode is False
    plot.log_checkbox.setChecked(True)  # as a click would
    assert axis.logMode is True
    assert plot.curve("train").opts["logMode"][1] is True
    plot.set_log_y(False)
    assert axis.logMode is False and not plot.log_checkbox.isChecked()


def test_long_curves_are_downsampled_and_clipped(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.refresh(fakes.training_history(n=3))
    opts = plot.curve("train").opts
    assert opts["autoDownsample"] and opts["clipToView"]


def test_penalty_curves_are_optional(qtbot):
    plot = LossPlot(show_terms=False)
    qtbot.addWidget(plot)
    plot.refresh(fakes.training_history(n=3))
    assert set(plot.curves.curves) == {"train", "val"}


def test_new_run_without_validation_removes_the_old_val_curve(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.refresh(fakes.training_history(n=3))
    plot.refresh(fakes.history_of(fakes.report(1, train_loss=0.3)))
    assert set(plot.curves.curves) == {"train"}


def test_metric_plot_shows_accuracy_on_a_fixed_0_to_1_axis(qtbot):
    history = fakes.training_history(n=9)
    plot = MetricPlot()
    qtbot.addWidget(plot)
    plot.refresh(history)
    np.testing.assert_allclose(plot.curve("train").getData()[1], history.series("train_accuracy")[1])
    np.testing.assert_allclose(plot.curve("val").getData()[1], history.series("val_accuracy")[1])
    low, high = plot.plot_item.getViewBox().viewRange()[1]
    assert low == pytest.approx(-0.05) and high == pytest.approx(1.05)


def test_metric_combo_lists_metrics_and_switches(qtbot):
    history = fakes.history_of(
        fakes.report(1, train_metrics={"accuracy": 0.5, "f1": 0.4}, val_metrics={"f1": 0.3}),
        fakes.report(2, train_metrics={"accuracy": 0.6, "f1": 0.5}, val_metrics={"f1": 0.35}))
    plot = MetricPlot()
    qtbot.addWidget(plot)
    plot.refresh(history)
    assert [plot.combo.itemText(i) for i in range(plot.combo.count())] == ["accuracy", "f1"]
    assert "val" not in plot.curves  # no val accuracy in this history
    plot.combo.setCurrentText("f1")
    assert plot.metric_name == "f1"
    assert list(plot.curve("val").getData()[1]) == [0.3, 0.35]
    assert plot.plot_item.getAxis("left").labelText == "f1"


def test_title_can_be_hidden_when_a_dock_shows_the_name(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    title = plot.plot_item.titleLabel
    assert title.isVisible() and title.text == "Loss"
    plot.set_title_visible(False)
    assert not title.isVisible()
