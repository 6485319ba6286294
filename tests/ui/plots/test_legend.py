"""Legends move out of the way of the data; log axes label only 1, 2 and 5."""

import numpy as np

from playground.ui.plots import LossPlot, MetricPlot
from playground.ui.plots.base import LectureAxis, legend_corner_counts
from tests.ui import fakes


def test_rising_curves_push_the_legend_to_the_bottom_right(show):
    plot = show(MetricPlot())
    plot.refresh(fakes.training_history(n=30))
    counts = legend_corner_counts(plot.plot_item)
    assert counts["top-right"] > 0  # accuracy ends high on the right
    assert plot.plot_item.legend._np_corner == min(counts, key=counts.get)
    assert plot.plot_item.legend._np_corner != "top-right"


def test_falling_curves_keep_the_legend_top_right(show):
    history = fakes.history_of(*[fakes.report(i, train_loss=float(np.exp(-i / 10)))
                                 for i in range(1, 60)])
    plot = show(LossPlot())
    plot.refresh(history)
    assert plot.plot_item.legend._np_corner == "top-right"


def test_log_axis_labels_only_1_2_and_5_within_a_decade():
    axis = LectureAxis("left")
    axis.setLogMode(False, True)
    values = list(np.log10([0.2, 0.3, 0.5, 0.7, 2, 3, 5]))
    strings = axis.tickStrings(values, 1.0, None)  # spacing None: the minor log ticks
    assert [s != "" for s in strings] == [True, False, True, False, True, False, True]
    assert all(s != "" for s in axis.tickStrings([0.0, 1.0], 1.0, 1.0))  # decades keep theirs
