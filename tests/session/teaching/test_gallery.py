import numpy as np
import pytest

from playground.engine.activations import ACTIVATIONS, get_activation
from playground.session.teaching.gallery import activation_curve, break_at_kinks, default_grid, gallery


def test_every_activation_is_in_the_gallery_with_its_text():
    curves = gallery()
    assert [c.name for c in curves] == list(ACTIVATIONS)
    for c in curves:
        assert c.x.shape == c.y.shape == c.dy.shape == (401,)
        assert c.title and c.formula and c.derivative_formula and c.range and c.note
        assert np.all(np.isfinite(c.y)) and np.all(np.isfinite(c.dy))


def test_curves_are_the_engines_functions():
    x = default_grid()
    for name, fn in ACTIVATIONS.items():
        c = activation_curve(name, x)
        if fn.elementwise:
            np.testing.assert_array_equal(c.y, fn.forward(x))
            np.testing.assert_array_equal(c.dy, fn.derivative(x))


@pytest.mark.parametrize("name", [n for n, f in ACTIVATIONS.items() if f.has_gradient])
def test_derivative_curves_match_finite_differences_away_from_kinks(name):
    c = activation_curve(name)
    h = 1e-5
    fn = get_activation(name)
    numeric = (fn.curve(c.x + h)[0] - fn.curve(c.x - h)[0]) / (2 * h)
    away = np.ones_like(c.x, dtype=bool)
    for k in c.kinks:
        away &= np.abs(c.x - k) > 0.05
    np.testing.assert_allclose(c.dy[away], numeric[away], atol=1e-5)


def test_slider_parameters_change_the_curve():
    # σ(λx) with λ = 2 at x = 0.5 is σ(1) = 0.731059; its slope λσ(1 − σ) = 2·0.731059·0.268941 = 0.393224
    c = activation_curve("sigmoid", np.array([0.5]), steepness=2.0)
    np.testing.assert_allclose(c.y, [0.731059], rtol=1e-6)
    np.testing.assert_allclose(c.dy, [0.393224], rtol=1e-5)
    assert c.params == {"steepness": 2.0} and c.param_specs["steepness"].default == 1.0
    # leaky ReLU with a = 0.2 at x = −2: −0.4, slope 0.2
    c = activation_curve("leaky_relu", np.array([-2.0]), slope=0.2)
    np.testing.assert_allclose([c.y[0], c.dy[0]], [-0.4, 0.2])
    curves = {c.name: c for c in gallery(np.array([-1.0]), params={"elu": {"alpha": 2.0}})}
    np.testing.assert_allclose(curves["elu"].y, [2.0 * (np.exp(-1.0) - 1)])
    with pytest.raises(ValueError, match="steepness must be greater than 0"):
        activation_curve("sigmoid", steepness=0.0)


def test_kinks_break_the_derivative_line_and_steps_say_they_cannot_learn():
    relu = activation_curve("relu")
    assert relu.kinks == (0.0,)
    broken = break_at_kinks(relu)
    assert np.isnan(broken[200]) and np.isnan(broken).sum() == 1  # x = 0 is the middle grid point
    step = activation_curve("binary_step", threshold=0.5)
    assert not step.has_gradient and step.kinks == (0.5,) and not step.dy.any()
    softmax = activation_curve("softmax")
    assert not softmax.elementwise
