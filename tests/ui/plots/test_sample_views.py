"""Views of report.activations and report.samples: feature maps, reconstructions,
latent space, predictions, confusion matrix."""

import numpy as np
import pytest

from playground.ui.plots import (ConfusionMatrixView, FeatureMapGrid, LatentScatter,
                                 PredictionPlot, ReconstructionView)
from playground.ui.plots.colors import BLUE, hex_to_rgb
from playground.ui.plots.confusion import confusion_rgba, format_count
from playground.ui.plots.prediction import pick_mode
from tests.ui import fakes


def refreshed(qtbot, plot, *reports):
    qtbot.addWidget(plot)
    plot.refresh(fakes.history_of(*reports))
    return plot


# -- feature maps -------------------------------------------------------------
def test_feature_map_combo_lists_only_image_shaped_activations(qtbot):
    plot = refreshed(qtbot, FeatureMapGrid(), fakes.conv_report(channels=8, size=12))
    nodes = [plot.combo.itemData(i) for i in range(plot.combo.count())]
    assert nodes == ["conv_1", "pool_1"]  # dense_1 (a vector) is not a feature map
    assert plot.shape == (8, 12, 12)
    # 8 maps → 3×3 grid of 12×12 tiles with 1-pixel gaps
    assert plot.rgba.shape == (3 * 13 - 1, 3 * 13 - 1, 4)
    plot.set_node("pool_1")
    assert plot.shape == (8, 6, 6)


def test_each_feature_map_is_stretched_to_its_own_range(qtbot):
    maps = np.stack([np.array([[0.0, 1.0]]), np.array([[0.0, 0.001]])])  # (2, 1, 2)
    plot = refreshed(qtbot, FeatureMapGrid(colormap="grey"),
                     fakes.report(1, activations={"c": maps}))
    # tiles side by side: [a0 a1] gap [b0 b1]; both ramps reach full brightness
    assert plot.rgba[0, 1, 0] == 255 and plot.rgba[0, 4, 0] == 255


def test_feature_maps_beyond_the_limit_are_left_out(qtbot):
    plot = refreshed(qtbot, FeatureMapGrid(max_maps=4),
                     fakes.conv_report(channels=10, size=8))
    assert plot.rgba.shape[:2] == (2 * 9 - 1, 2 * 9 - 1)  # 4 maps: 2×2
    assert "first 4 shown" in plot.plot_widget.getPlotItem().titleLabel.text


# -- reconstructions -------------------------------------------------------------
def test_reconstruction_rows_share_one_grey_scale(qtbot):
    inputs = np.ones((3, 1, 4, 4))
    outputs = np.full((3, 16), 0.5)  # flat, as a Dense decoder gives it
    plot = refreshed(qtbot, ReconstructionView(),
                     fakes.report(1, samples={"inputs": inputs, "outputs": outputs}))
    assert plot.rows == ["input", "reconstruction"]
    assert plot.rgba.shape == (2 * 4 + 1, 3 * 4 + 2, 4)
    assert plot.rgba[0, 0, 0] == 255  # input = brightest
    assert plot.rgba[5, 0, 0] == 0  # output 0.5 on a shared 0.5…1 range → black, not stretched


def test_denoising_autoencoder_shows_the_clean_targets(qtbot):
    rng = np.random.default_rng(0)
    clean = rng.random((2, 1, 5, 5))
    noisy = clean + 0.3 * rng.standard_normal(clean.shape)
    plot = refreshed(qtbot, ReconstructionView(), fakes.report(
        1, samples={"inputs": noisy, "outputs": clean, "targets": clean}))
    assert plot.rows == ["input", "reconstruction", "clean target"]


def test_reconstruction_without_samples_is_empty(qtbot):
    plot = refreshed(qtbot, ReconstructionView(), fakes.report(1))
    assert plot.rgba is None


# -- latent space --------------------------------------------------------------------
def test_latent_scatter_has_one_coloured_group_per_class(qtbot):
    report = fakes.autoencoder_report(k=4)
    plot = refreshed(qtbot, LatentScatter(), report)
    assert sorted(plot.scatters) == [0, 1, 2, 3]
    labels = report.samples["labels"]
    for c, scatter in plot.scatters.items():
        assert len(scatter.data) == np.sum(labels == c)
    colours = {s.opts["brush"].color().name() for s in plot.scatters.values()}
    assert len(colours) == 4
    names = [label.text for _, label in plot.plot_widget.getPlotItem().legend.items]
    assert names == ["class 0", "class 1", "class 2", "class 3"]


def test_latent_scatter_without_labels_and_with_1d_code(qtbot):
    plot = refreshed(qtbot, LatentScatter(),
                     fakes.report(1, samples={"latent": np.arange(5.0)[:, None]}))
    (scatter,) = plot.scatters.values()
    pos = np.column_stack(scatter.getData())
    np.testing.assert_array_equal(pos, np.column_stack([np.arange(5.0), np.zeros(5)]))


# -- predictions ---------------------------------------------------------------------
def test_pick_mode_from_shapes():
    assert pick_mode(np.zeros((9, 1)), np.zeros(9)) == "function"
    assert pick_mode(np.zeros((9, 20, 1)), np.zeros((9, 5))) == "sequence"
    assert pick_mode(np.zeros((9, 4)), np.zeros(9)) == "scatter"


def test_function_mode_draws_targets_and_the_sorted_prediction(qtbot):
    report = fakes.regression_report(n=30)
    plot = refreshed(qtbot, PredictionPlot(), report)
    assert plot.mode_shown == "function"
    x, y = plot.curve("prediction").getData()
    assert np.all(np.diff(x) >= 0)  # a line drawn left to right, not a zig-zag
    assert len(plot.curve("target").getData()[0]) == 30
    assert plot.plot_item.getAxis("bottom").labelText == "input x"


def test_sequence_mode_puts_the_forecast_after_the_series(qtbot):
    plot = refreshed(qtbot, PredictionPlot(), fakes.sequence_report(t=30, horizon=10))
    assert plot.mode_shown == "sequence"
    assert list(plot.curve("series").getData()[0]) == list(range(30))
    assert list(plot.curve("forecast").getData()[0]) == list(range(30, 40))
    assert list(plot.curve("target").getData()[0]) == list(range(30, 40))


def test_scatter_mode_has_the_ideal_diagonal(qtbot):
    report = fakes.report(1, samples={"inputs": np.zeros((3, 4)), "targets": np.array([1.0, 2, 3]),
                                      "outputs": np.array([1.5, 2, 2.5])})
    plot = refreshed(qtbot, PredictionPlot(), report)
    assert plot.mode_shown == "scatter"
    np.testing.assert_array_equal(plot.curve("samples").getData()[1], [1.5, 2, 2.5])
    x, y = plot.curve("ideal").getData()
    np.testing.assert_array_equal(x, y)


def test_prediction_mode_is_checked():
    with pytest.raises(ValueError, match="mode must be one of"):
        PredictionPlot(mode="bars")


# -- confusion matrix ------------------------------------------------------------------
def test_confusion_matrix_cells_show_counts_and_accuracy(qtbot):
    m = np.array([[5, 1], [2, 12]])
    plot = refreshed(qtbot, ConfusionMatrixView(class_names=["cat", "dog"]),
                     fakes.report(1, samples={"confusion": m}))
    assert [[t.textItem.toPlainText() for t in row] for row in plot.texts] == [["5", "1"],
                                                                              ["2", "12"]]
    assert plot.rgba.shape == (2, 2, 4)
    assert "accuracy 85.0%" in plot.plot_widget.getPlotItem().titleLabel.text  # 17 of 20
    ticks = plot.plot_widget.getPlotItem().getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == ["cat", "dog"]


def test_confusion_colours_run_from_white_to_blue():
    rgba = confusion_rgba(np.array([[0, 10], [5, 10]]))
    np.testing.assert_array_equal(rgba[0, 0, :3], [255, 255, 255])
    np.testing.assert_array_equal(rgba[0, 1, :3], hex_to_rgb(BLUE))
    assert format_count(3.0) == "3" and format_count(0.25) == "0.25"


# -- heavy data that comes only every few reports ------------------------------------------
@pytest.mark.parametrize("make_plot, heavy, attr", [
    (ConfusionMatrixView, lambda: fakes.confusion_report(1), "rgba"),
    (ReconstructionView, lambda: fakes.autoencoder_report(1), "rgba"),
    (FeatureMapGrid, lambda: fakes.conv_report(1), "rgba"),
])
def test_a_report_without_the_data_keeps_the_picture(qtbot, make_plot, heavy, attr):
    history = fakes.history_of(heavy())
    plot = refreshed(qtbot, make_plot())
    plot.refresh(history)
    drawn = getattr(plot, attr)
    assert drawn is not None
    history.append(fakes.report(2))  # a light report: loss only
    plot.refresh(history)
    assert getattr(plot, attr) is drawn
    history.clear()  # a new run: now the picture goes
    plot.refresh(history)
    assert getattr(plot, attr) is None


def test_a_new_history_without_the_data_clears_the_picture(qtbot):
    plot = refreshed(qtbot, ConfusionMatrixView(), fakes.confusion_report(1))
    plot.refresh(fakes.history_of(fakes.report(1)))
    assert plot.matrix is None


def test_feature_map_layer_can_be_switched_between_heavy_reports(qtbot):
    history = fakes.history_of(fakes.conv_report(1, channels=4, size=8))
    plot = refreshed(qtbot, FeatureMapGrid())
    plot.refresh(history)
    history.append(fakes.report(2))
    plot.refresh(history)
    plot.set_node("pool_1")
    assert plot.shape == (4, 4, 4)
