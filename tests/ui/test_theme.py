"""Themes: app palette, pyqtgraph defaults, and live plots follow a switch."""

import sys

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from playground.ui import theme
from playground.ui.export import grab_image, image_to_array
from playground.ui.plots import GradNormPlot, LossPlot
from tests.ui import fakes


@pytest.fixture
def restore_look(qapp):
    """Put the app's palette, style and pyqtgraph defaults back after the test."""
    palette, style = QApplication.palette(), qapp.style().name()
    options = {k: pg.getConfigOption(k) for k in ("background", "foreground")}
    yield
    theme.apply_theme(theme.LIGHT, qapp, use_fusion=False)
    qapp.setPalette(palette)
    qapp.setStyle(style)
    pg.setConfigOptions(**options)


def test_switching_theme_changes_palette_and_plot_defaults(qapp, restore_look):
    theme.apply_theme("dark")
    assert theme.current_theme() is theme.DARK
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    assert window.name() == theme.DARK.window
    assert pg.getConfigOption("background") == theme.DARK.plot_background
    theme.apply_theme(theme.LIGHT)
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == theme.LIGHT.window


def test_existing_plots_follow_a_theme_switch(show, restore_look):
    plot = show(LossPlot(), 400, 300)
    before = image_to_array(grab_image(plot.plot_widget))[-3, -3, :3].copy()
    np.testing.assert_array_equal(before, pg.mkColor(theme.LIGHT.plot_background).getRgb()[:3])
    theme.apply_theme("dark")
    assert plot.plot_widget.backgroundBrush().color().name() == theme.DARK.plot_background
    after = image_to_array(grab_image(plot.plot_widget))[-3, -3, :3]
    np.testing.assert_array_equal(after, pg.mkColor(theme.DARK.plot_background).getRgb()[:3])
    axis = plot.plot_item.getAxis("left")
    assert axis.textPen().color().name() == theme.DARK.plot_foreground


def test_curves_and_warning_banner_are_recoloured(qtbot, restore_look):
    plot = GradNormPlot()
    qtbot.addWidget(plot)
    plot.refresh(fakes.training_history(n=3, vanish="dense_1"))
    theme.apply_theme("dark")
    assert plot.curve("dense_1").opts["pen"].color().name() == theme.DARK.series[0]
    assert theme.DARK.warning_background in plot.warning.styleSheet()


def test_plots_made_after_a_switch_start_in_the_new_theme(qtbot, restore_look):
    theme.apply_theme("dark")
    plot = LossPlot()
    qtbot.addWidget(plot)
    assert plot.plot_widget.backgroundBrush().color().name() == theme.DARK.plot_background


def test_deleted_plots_do_not_break_a_theme_switch(qtbot, restore_look):
    import shiboken6

    plot = LossPlot()
    shiboken6.delete(plot)
    survivor = LossPlot()
    qtbot.addWidget(survivor)
    theme.apply_theme("dark")
    assert survivor.plot_widget.backgroundBrush().color().name() == theme.DARK.plot_background


def test_unknown_theme_name_is_explained(qapp):
    with pytest.raises(ValueError, match="choose one of"):
        theme.apply_theme("sepia")


def test_themes_are_readable_at_lecture_distance():
    for t in theme.THEMES.values():
        assert t.tick_pt >= 12 and t.label_pt >= 14 and t.line_width >= 2.5
        assert t.is_dark == (t.name == "dark")


