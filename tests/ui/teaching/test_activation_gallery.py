"""ActivationGallery: the plotted curves are the engine's, and the sliders change them."""

import numpy as np
import pytest

from playground.engine.activations import ACTIVATIONS
from playground.session.teaching.gallery import activation_curve, break_at_kinks
from playground.ui.teaching import ActivationGallery


def derivative_at(gallery, x0):
    x, dy = gallery.derivative_item.getData()
    return float(dy[np.argmin(np.abs(x - x0))])


def test_steepness_sets_the_sigmoid_derivative_at_zero_to_a_quarter_of_lambda(qtbot, show):
    # σ_λ'(x) = λσ(λx)(1 − σ(λx)); at x = 0, σ = ½, so σ'(0) = λ·½·½ = λ/4
    gallery = show(ActivationGallery(initial="sigmoid"))
    assert derivative_at(gallery, 0.0) == pytest.approx(0.25)
    gallery.controls["steepness"].spin.setValue(2.0)  # as typing in the spin box would
    assert derivative_at(gallery, 0.0) == pytest.approx(0.5)
    gallery.controls["steepness"].slider.setValue(1000)  # the slider's right end: λ = 10
    assert gallery.controls["steepness"].value() == pytest.approx(10.0)
    assert derivative_at(gallery, 0.0) == pytest.approx(2.5)
    assert "λ = 10" in gallery.heading.text()


def test_every_activation_shows_the_engines_curves_and_text(qtbot):
    gallery = ActivationGallery()
    qtbot.addWidget(gallery)
    assert gallery.names() == list(ACTIVATIONS)
    for name in ACTIVATIONS:
        gallery.select(name)
        expected = activation_curve(name)
        x, y = gallery.function_item.getData()
        _, dy = gallery.derivative_item.getData()
        np.testing.assert_array_equal(x, expected.x)
        np.testing.assert_array_equal(y, break_at_kinks(expected, "y"))
        np.testing.assert_array_equal(dy, break_at_kinks(expected, "dy"))
        assert set(gallery.controls) == set(ACTIVATIONS[name].PARAMS)
        text = gallery.text.text()
        assert expected.range.replace("<", "&lt;") in text
        assert expected.derivative_formula.replace("<", "&lt;").replace(">", "&gt;") in text


def test_relu_derivative_has_a_gap_at_the_kink_instead_of_a_vertical_line(qtbot):
    gallery = ActivationGallery(initial="relu")
    qtbot.addWidget(gallery)
    x, dy = gallery.derivative_item.getData()
    assert np.isnan(dy[np.argmin(np.abs(x))])
    assert derivative_at(gallery, -1.0) == 0.0 and derivative_at(gallery, 1.0) == 1.0
    kx, _ = gallery.kink_items.getData()
    assert list(kx) == [0.0]


def test_slope_and_threshold_controls_follow_the_engines_ranges(qtbot):
    gallery = ActivationGallery(initial="leaky_relu")
    qtbot.addWidget(gallery)
    control = gallery.controls["slope"]
    assert (control.spin.minimum(), control.spin.maximum()) == (0.0, 1.0)  # Param(min 0, max 1)
    gallery.set_param("slope", 0.2)
    assert derivative_at(gallery, -2.0) == pytest.approx(0.2)
    assert control.slider.value() == 200  # 0.2 of the way along 0 … 1
    gallery.select("binary_step")
    gallery.set_param("threshold", 1.5)
    x, y = gallery.function_item.getData()
    assert y[np.argmin(np.abs(x - 1.0))] == 0.0 and y[np.argmin(np.abs(x - 2.0))] == 1.0
    assert "No gradient" in gallery.text.text()
    with pytest.raises(ValueError, match="no parameter"):
        gallery.set_param("slope", 0.1)


def test_slider_values_are_remembered_per_activation(qtbot):
    gallery = ActivationGallery(initial="elu")
    qtbot.addWidget(gallery)
    gallery.set_param("alpha", 2.0)
    gallery.select("relu")
    gallery.select("elu")
    assert gallery.params() == {"alpha": 2.0}
    _, y = gallery.function_item.getData()
    assert y[0] == pytest.approx(2.0 * (np.exp(-5.0) - 1.0))  # ELU(−5) = α(e^−5 − 1)


def test_clicking_in_the_list_selects(qtbot):
    gallery = ActivationGallery()
    qtbot.addWidget(gallery)
    seen = []
    gallery.selection_changed.connect(seen.append)
    gallery.list.setCurrentRow(gallery.names().index("tanh"))
    assert gallery.name == "tanh" and seen == ["tanh"]
