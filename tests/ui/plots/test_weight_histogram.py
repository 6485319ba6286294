"""WeightHistogramPlot: the latest histogram over the first one of the run."""

import numpy as np
import pytest

from playground.ui.plots import WeightHistogramPlot
from playground.ui.plots.weight_histogram import as_counts_edges
from tests.ui import fakes


def n_points(curve) -> int:
    return 0 if curve.yData is None else len(curve.yData)


def hist_report(iteration, counts, edges=(0.0, 1.0, 2.0, 3.0), node="w"):
    return fakes.report(iteration, weight_histograms={node: (np.array(counts), np.array(edges))})


def test_counts_and_edges_in_either_order():
    counts, edges = as_counts_edges((np.arange(4), np.arange(3)))
    assert len(counts) == 3 and len(edges) == 4


def test_mismatched_histogram_explains_the_shapes():
    with pytest.raises(ValueError, match="one more edge than counts"):
        as_counts_edges((np.arange(3), np.arange(3)))


def test_latest_and_first_histograms(qtbot):
    history = fakes.history_of(hist_report(10, [1, 2, 3]))
    plot = WeightHistogramPlot()
    qtbot.addWidget(plot)
    plot.refresh(history)
    x, y = plot.curve("latest").getData()
    assert list(y) == [1, 2, 3] and list(x) == [0, 1, 2, 3]
    assert n_points(plot.curve("first")) == 0  # one snapshot so far: no faded copy
    history.append(hist_report(20, [3, 2, 1]))
    plot.refresh(history)
    assert list(plot.curve("latest").yData) == [3, 2, 1]
    assert list(plot.curve("first").yData) == [1, 2, 3]
    labels = [label.text for _, label in plot.plot_item.legend.items]
    assert labels == ["iteration 10 (start)", "iteration 20 (now)"]


def test_a_new_run_forgets_the_old_start(qtbot):
    plot = WeightHistogramPlot()
    qtbot.addWidget(plot)
    plot.refresh(fakes.history_of(hist_report(50, [1, 1, 1]), hist_report(60, [2, 2, 2])))
    plot.refresh(fakes.history_of(hist_report(5, [4, 4, 4])))  # iteration went back: new run
    assert plot.snapshots["w"]["first"][0] == 5


def test_layer_combo_switches_the_histogram(qtbot):
    history = fakes.training_history(n=3)
    plot = WeightHistogramPlot()
    qtbot.addWidget(plot)
    plot.refresh(history)
    assert [plot.combo.itemData(i) for i in range(plot.combo.count())] == list(fakes.LAYERS)
    plot.set_node("dense_3")
    assert plot.current_node() == "dense_3"
    expected = history.latest.weight_histograms["dense_3"][0]
    np.testing.assert_array_equal(plot.curve("latest").yData, expected)


def test_no_histograms_draws_nothing(qtbot):
    plot = WeightHistogramPlot()
    qtbot.addWidget(plot)
    plot.refresh(fakes.history_of(fakes.report(1)))
    assert plot.combo.count() == 0
    assert n_points(plot.curve("latest")) == 0
