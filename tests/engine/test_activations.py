import math
import warnings

import numpy as np
import pytest

from playground.engine.activations import ACTIVATIONS, ALIASES, get_activation, sigmoid
from playground.engine.backend import to_host
from playground.engine.gradcheck import check_layer, check_network
from playground.engine.layer import ShapeError
from playground.engine.layers.activation import Activation, Maxout, PReLU
from playground.engine.layers.dense import Dense
from playground.engine.network import Network

NAMES = list(ACTIVATIONS)
# non-default parameters, so the parameters themselves are checked too
OTHER_PARAMS = {"binary_step": {"threshold": 0.3}, "bipolar_step": {"threshold": -0.2},
                "sigmoid": {"steepness": 2.5}, "bipolar_sigmoid": {"steepness": 0.7},
                "leaky_relu": {"slope": 0.2}, "elu": {"alpha": 0.5}, "silu": {"beta": 1.7}}


def away_from_kinks(fn, shape, seed=0, gap=0.05):
    """Random inputs in [−3, 3] with no value within ``gap`` of a point where f' jumps."""
    x = np.random.default_rng(seed).uniform(-3, 3, size=shape)
    for k in fn.kinks():
        near = np.abs(x - k) < gap
        x[near] += 2 * gap
    return x


def run(fn, x, backend):
    xb = backend.asarray(x)
    y = fn.forward(xb)
    return xb, y


# -- gradient checks --------------------------------------------------------
@pytest.mark.parametrize("params", [False, True], ids=["defaults", "other_params"])
@pytest.mark.parametrize("name", NAMES)
def test_activation_layer_gradients(name, params, backend64):
    layer = Activation(name, **(OTHER_PARAMS.get(name, {}) if params else {}))
    shape = (3, 5)
    x = backend64.asarray(away_from_kinks(layer.function, shape))
    errors = check_layer(layer, [shape[1:]], backend=backend64, inputs=[x])
    assert max(errors.values()) < 1e-7, errors


def test_softmax_gradient_on_sequences(backend64):
    # per-sample shape (time, features): softmax over the features of each step
    errors = check_layer(Activation("softmax"), [(4, 3)], backend=backend64)
    assert errors["input0"] < 1e-7, errors


@pytest.mark.parametrize("name", [n for n in NAMES if ACTIVATIONS[n].elementwise])
def test_derivative_matches_forward_and_backward(name):
    # derivative() (the gallery) must agree with finite differences of forward()
    # and with the fast backward(x, y, dy) that reuses the output
    fn = get_activation(name, **OTHER_PARAMS.get(name, {}))
    x = away_from_kinks(fn, (200,), seed=1)
    h = 1e-6
    numeric = (fn.forward(x + h) - fn.forward(x - h)) / (2 * h)
    np.testing.assert_allclose(fn.derivative(x), numeric, atol=1e-7)
    dy = np.random.default_rng(2).normal(size=x.shape)
    np.testing.assert_allclose(fn.backward(x, fn.forward(x), dy), fn.derivative(x) * dy, atol=1e-12)


# -- numbers worked by hand ---------------------------------------------------
def test_sigmoid_by_hand(backend):
    fn = get_activation("sigmoid")
    # σ(0) = 1/(1+1) = 0.5, σ'(0) = 0.5·0.5 = 0.25; σ(ln 3) = 1/(1 + 1/3) = 0.75
    x, y = run(fn, np.array([0.0, math.log(3)]), backend)
    np.testing.assert_allclose(to_host(y), [0.5, 0.75], rtol=1e-6)
    np.testing.assert_allclose(to_host(fn.derivative(x)), [0.25, 0.1875], rtol=1e-6)  # 0.75·0.25
    # steepness λ = 2: σ'(0) = λ·0.5·0.5 = 0.5; σ(ln 3 / 2) = 0.75 again
    steep = get_activation("sigmoid", steepness=2.0)
    x, y = run(steep, np.array([0.0, math.log(3) / 2]), backend)
    np.testing.assert_allclose(to_host(y), [0.5, 0.75], rtol=1e-6)
    np.testing.assert_allclose(to_host(steep.derivative(x)), [0.5, 0.375], rtol=1e-6)


def test_bipolar_sigmoid_and_tanh_by_hand(backend):
    bip = get_activation("bipolar_sigmoid")
    # 2/(1 + e^(−ln 3)) − 1 = 2·0.75 − 1 = 0.5; f'(0) = λ/2 · (1+0)(1−0) = 0.5
    x, y = run(bip, np.array([0.0, math.log(3)]), backend)
    np.testing.assert_allclose(to_host(y), [0.0, 0.5], atol=1e-7)
    np.testing.assert_allclose(to_host(bip.derivative(x)), [0.5, 0.375], rtol=1e-6)  # ½·1.5·0.5
    # λ = 2 gives tanh exactly
    x = backend.asarray(np.linspace(-3, 3, 13))
    np.testing.assert_allclose(to_host(get_activation("bipolar_sigmoid", steepness=2).forward(x)),
                               np.tanh(np.linspace(-3, 3, 13)), rtol=1e-6, atol=1e-7)
    # tanh(ln 2) = (2 − ½)/(2 + ½) = 0.6, tanh' = 1 − 0.36 = 0.64
    tanh = get_activation("tanh")
    x, y = run(tanh, np.array([0.0, math.log(2)]), backend)
    np.testing.assert_allclose(to_host(y), [0.0, 0.6], atol=1e-7)
    np.testing.assert_allclose(to_host(tanh.backward(x, y, backend.asarray([2.0, 1.0]))), [2.0, 0.64],
                               rtol=1e-6)


def test_relu_family_by_hand(backend):
    x = np.array([-2.0, -0.5, 0.0, 1.5])
    relu = get_activation("relu")
    xb, y = run(relu, x, backend)
    np.testing.assert_array_equal(to_host(y), [0, 0, 0, 1.5])
    np.testing.assert_array_equal(to_host(relu.derivative(xb)), [0, 0, 0, 1])  # f'(0) taken as 0
    leaky = get_activation("leaky_relu", slope=0.1)
    xb, y = run(leaky, x, backend)
    np.testing.assert_allclose(to_host(y), [-0.2, -0.05, 0, 1.5], rtol=1e-6)  # 0.1·(−2) = −0.2
    np.testing.assert_allclose(to_host(leaky.derivative(xb)), [0.1, 0.1, 0.1, 1], rtol=1e-6)
    elu = get_activation("elu", alpha=2.0)
    xb, y = run(elu, np.array([-1.0, 0.0, 3.0]), backend)
    # 2·(e^−1 − 1) = 2·(0.367879 − 1) = −1.264241; f'(−1) = 2e^−1 = 0.735759
    np.testing.assert_allclose(to_host(y), [-1.2642411, 0, 3], rtol=1e-6)
    np.testing.assert_allclose(to_host(elu.derivative(xb)), [0.7357589, 2, 1], rtol=1e-6)


def test_smooth_relus_by_hand(backend):
    # softplus(0) = ln 2 = 0.693147, softplus'(0) = σ(0) = 0.5; softplus(ln 3) = ln 4
    sp = get_activation("softplus")
    xb, y = run(sp, np.array([0.0, math.log(3)]), backend)
    np.testing.assert_allclose(to_host(y), [math.log(2), math.log(4)], rtol=1e-6)
    np.testing.assert_allclose(to_host(sp.derivative(xb)), [0.5, 0.75], rtol=1e-6)
    # silu(ln 3) = ln 3 · σ(ln 3) = 1.098612 · 0.75 = 0.823959
    # silu'(ln 3) = 0.75 + 1.098612 · 0.75 · 0.25 = 0.955990
    silu = get_activation("swish")
    xb, y = run(silu, np.array([0.0, math.log(3)]), backend)
    np.testing.assert_allclose(to_host(y), [0.0, 0.8239592], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(to_host(silu.derivative(xb)), [0.5, 0.9559898], rtol=1e-6)
    # gelu(1), tanh form: u = 0.7978846·(1 + 0.044715) = 0.8335594, tanh u = 0.6823836,
    # ½·1·(1 + 0.6823836) = 0.8411918 (the exact erf form gives 0.8413447); gelu(−x) = gelu(x) − x
    gelu = get_activation("gelu")
    xb, y = run(gelu, np.array([0.0, 1.0, -1.0]), backend)
    np.testing.assert_allclose(to_host(y), [0.0, 0.8411918, 0.8411918 - 1], rtol=1e-6, atol=1e-7)
    assert abs(to_host(y)[1] - 0.8413447) < 1e-3
    np.testing.assert_allclose(to_host(gelu.derivative(xb))[0], 0.5, rtol=1e-6)  # ½(1 + 0)


def test_ramp_and_steps_by_hand(backend):
    x = np.array([-1.0, 0.0, 0.25, 0.5, 2.0])
    ramp = get_activation("ramp")
    xb, y = run(ramp, x, backend)
    np.testing.assert_array_equal(to_host(y), [0, 0, 0.25, 0.5, 1])
    np.testing.assert_array_equal(to_host(ramp.derivative(xb)), [0, 0, 1, 1, 0])  # 0 at the kinks
    _, y = run(get_activation("binary_step"), x, backend)
    np.testing.assert_array_equal(to_host(y), [0, 1, 1, 1, 1])        # x ≥ 0 → 1
    _, y = run(get_activation("binary_step", threshold=0.5), x, backend)
    np.testing.assert_array_equal(to_host(y), [0, 0, 0, 1, 1])        # x ≥ 0.5 → 1
    _, y = run(get_activation("bipolar_step", threshold=0.3), x, backend)
    np.testing.assert_array_equal(to_host(y), [-1, -1, -1, 1, 1])


def test_softmax_by_hand(backend):
    # e¹, e², e³ = 2.718282, 7.389056, 20.085537; sum 30.192875
    # → 0.0900306, 0.2447285, 0.6652410
    fn = get_activation("softmax")
    x, y = run(fn, np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), backend)
    np.testing.assert_allclose(to_host(y), [[0.0900306, 0.2447285, 0.6652410], [1 / 3] * 3], rtol=1e-6)
    # backward: dy = (1, 0, 0) picks column 0 of the Jacobian: y₀(δᵢ₀ − yᵢ)
    # y₀(1 − y₀) = 0.0819251, −y₀y₁ = −0.0220331, −y₀y₂ = −0.0598920
    dx = fn.backward(x, y, backend.asarray([[1.0, 0, 0], [0, 0, 0]]))
    np.testing.assert_allclose(to_host(dx)[0], [0.0819251, -0.0220331, -0.0598920], rtol=1e-5)
    np.testing.assert_array_equal(to_host(dx)[1], [0, 0, 0])


# -- stability and properties ---------------------------------------------------
def test_softmax_rows_sum_to_one_and_large_inputs_are_stable(backend):
    fn = get_activation("softmax")
    x = np.random.default_rng(0).normal(scale=5, size=(7, 10))
    x[0] = 1000.0
    x[1, :] = [1000.0, 0.0] + [-1000.0] * 8
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = to_host(fn.forward(backend.asarray(x)))
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(y[0], 0.1, rtol=1e-6)
    assert y[1, 0] == 1.0 and np.all(y[1, 1:] < 1e-30)


@pytest.mark.parametrize("name", NAMES)
def test_no_overflow_for_large_inputs(name, backend):
    fn = get_activation(name)
    x = backend.asarray(np.array([[-1000.0, -100.0, -30.0, 0.0, 30.0, 100.0, 1000.0]]))
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y = fn.forward(x)
        d = fn.backward(x, y, x * 0 + 1)
    assert np.all(np.isfinite(to_host(y))) and np.all(np.isfinite(to_host(d)))


def test_sigmoid_saturates_without_warnings(backend):
    # float32: e^1000 would overflow; the exponent is capped at 88, σ(−1000) ≈ 1/e^88 ≈ 6e−39
    x = backend.asarray(np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0]))
    with np.errstate(over="raise"):
        y = to_host(sigmoid(x))
        d = to_host(get_activation("sigmoid").derivative(x))
    assert np.all(y[:2] < 1e-38) and y[2] == 0.5 and y[3] == 1.0 and y[4] == 1.0
    assert np.all(d[[0, 1, 3, 4]] < 1e-38) and d[2] == 0.25


@pytest.mark.parametrize("name", NAMES)
def test_float32_stays_float32(name, backend):
    fn = get_activation(name, **OTHER_PARAMS.get(name, {}))
    x = backend.asarray(np.random.default_rng(0).normal(size=(2, 4)))  # float32 backend
    y = fn.forward(x)
    assert y.dtype == np.float32
    assert fn.backward(x, y, x).dtype == np.float32


@pytest.mark.parametrize("name", ["binary_step", "bipolar_step"])
def test_step_functions_have_zero_gradient(name, backend):
    layer = Activation(name)
    layer.build([(4,)], backend.xp, backend.dtype, np.random.default_rng(0))
    x = backend.asarray(np.array([[-2.0, -0.1, 0.1, 3.0]]))
    layer.forward(x)
    dx = to_host(layer.backward(backend.asarray(np.ones((1, 4)))))
    np.testing.assert_array_equal(dx, 0)
    assert not layer.function.has_gradient
    assert "cannot learn" in layer.function.note


def test_gallery_text_and_curves():
    grid = np.linspace(-4, 4, 81)
    for name, fn in ACTIVATIONS.items():
        assert fn.title and fn.formula and fn.derivative_formula and fn.range and fn.note, name
        y, d = fn.curve(grid)
        assert y.shape == d.shape == grid.shape and np.all(np.isfinite(y)) and np.all(np.isfinite(d))
    # softmax shows the two-class case softmax([x, 0])₀, which is σ(x)
    y, d = ACTIVATIONS["softmax"].curve(grid)
    np.testing.assert_allclose(y, sigmoid(grid), rtol=1e-12)
    np.testing.assert_allclose(d, sigmoid(grid) * (1 - sigmoid(grid)), rtol=1e-12)
    assert "tanh approximation" in ACTIVATIONS["gelu"].title
    assert ACTIVATIONS["ramp"].kinks() == (0.0, 1.0)


def test_registry_names_aliases_and_errors():
    assert set(NAMES) == {"identity", "binary_step", "bipolar_step", "ramp", "sigmoid",
                          "bipolar_sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu", "gelu",
                          "softplus", "softmax"}
    for alias, target in ALIASES.items():
        assert get_activation(alias).name == target
    assert get_activation("Sigmoid", steepness=3).params == {"steepness": 3.0}
    assert get_activation("sigmoid").params == {"steepness": 1.0}
    with pytest.raises(ValueError, match="Unknown activation 'sigmoidd'.*sigmoid"):
        get_activation("sigmoidd")
    with pytest.raises(ValueError, match="sigmoid has no parameter 'slope'; it takes steepness"):
        get_activation("sigmoid", slope=0.1)
    with pytest.raises(ValueError, match="steepness must be greater than 0"):
        get_activation("sigmoid", steepness=0)
    with pytest.raises(ValueError, match="slope must be at most 1"):
        get_activation("leaky_relu", slope=2)
    with pytest.raises(ValueError, match="relu has no parameter"):
        Activation("relu", slope=0.1)


def test_activation_layer_config_round_trip():
    layer = Activation("sigmoid", steepness=2.0)
    assert layer.config() == {"kind": "sigmoid", "steepness": 2.0}
    assert layer.activation == "sigmoid" and layer.kind == "activation"
    again = Activation(**layer.config())
    assert again.function == layer.function
    assert repr(layer) == "Activation(kind='sigmoid', steepness=2.0)"
    assert Activation("relu").config() == {"kind": "relu"}


def test_activation_layer_in_a_network(backend64):
    class SumLoss:  # L = Σ y·t, so ∂L/∂y = t
        def forward(self, y, t):
            return float((y * t).sum())

        def backward(self):
            return self.t

    loss = SumLoss()
    net = Network.sequential((3,), [Dense(4), Activation("tanh"), Dense(3),
                                    Activation("softmax")]).build(backend64, seed=0)
    x = backend64.asarray(np.random.default_rng(1).normal(size=(5, 3)))
    loss.t = backend64.asarray(np.random.default_rng(2).normal(size=(5, 3)))
    errors = check_network(net, loss, [x], loss.t)
    assert max(errors.values()) < 1e-7, errors


# -- PReLU ----------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 3)], ids=["flat", "sequence", "image"])
def test_prelu_gradients(shape, backend64):
    layer = PReLU()
    layer.build([shape], backend64.xp, np.float64, np.random.default_rng(0))
    x = away_from_kinks(get_activation("relu"), (3, *shape))
    errors = check_layer(layer, [shape], backend=backend64, inputs=[backend64.asarray(x)])
    assert max(errors.values()) < 1e-7, errors


def test_prelu_slopes_by_hand(backend):
    layer = PReLU()
    layer.build([(2, 1, 2)], backend.xp, backend.dtype, np.random.default_rng(0))
    assert layer.param_shapes((2, 1, 2)) == {"slope": (2,)}  # one slope per channel
    np.testing.assert_array_equal(to_host(layer.params["slope"].data), [0.25, 0.25])
    layer.params["slope"].data = backend.asarray([0.25, 0.5])
    x = backend.asarray(np.array([[[[-2.0, 3.0]], [[-2.0, -4.0]]]]))  # (1, 2, 1, 2)
    y = to_host(layer.forward(x))
    # channel 0: −2·0.25 = −0.5, 3 → 3; channel 1: −2·0.5 = −1, −4·0.5 = −2
    np.testing.assert_allclose(y, [[[[-0.5, 3.0]], [[-1.0, -2.0]]]])
    dx = to_host(layer.backward(backend.asarray(np.ones((1, 2, 1, 2)))))
    np.testing.assert_allclose(dx, [[[[0.25, 1.0]], [[0.5, 0.5]]]])
    # ∂L/∂a_c = Σ dy·min(x, 0): channel 0: −2 (3 is positive); channel 1: −2 − 4 = −6
    np.testing.assert_allclose(to_host(layer.params["slope"].grad), [-2.0, -6.0])
    assert layer.params["slope"].decay is False
    assert PReLU().param_shapes((5,)) == {"slope": (5,)}
    assert PReLU().param_shapes((7, 5)) == {"slope": (5,)}


# -- Maxout ---------------------------------------------------------------------
def test_maxout_gradients(backend64):
    errors = check_layer(Maxout(3, pieces=4), [(5,)], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_maxout_by_hand(backend):
    layer = Maxout(2, pieces=2)
    layer.build([(1,)], backend.xp, backend.dtype, np.random.default_rng(0))
    assert layer.param_shapes((1,)) == {"W": (1, 4), "b": (4,)}
    # unit 0 = max(x, −x) = |x|; unit 1 = max(x, 0) = ReLU (pieces side by side per unit)
    layer.params["W"].data = backend.asarray([[1.0, -1.0, 1.0, 0.0]])
    layer.params["b"].data = backend.asarray([0.0, 0.0, 0.0, 0.0])
    x = backend.asarray(np.array([[-3.0], [2.0]]))
    np.testing.assert_allclose(to_host(layer.forward(x)), [[3.0, 0.0], [2.0, 2.0]])
    dx = layer.backward(backend.asarray(np.array([[1.0, 10.0], [1.0, 10.0]])))
    # x = −3: unit 0's winner is −x (weight −1), unit 1's winner is 0 (weight 0): dx = −1
    # x = 2: winners x and x (weights 1 and 1): dx = 1 + 10 = 11
    np.testing.assert_allclose(to_host(dx), [[-1.0], [11.0]])
    # ∂L/∂W: each winner gets x·dy (whatever its weight): piece (0,0) won at x = 2: 2·1;
    # (0,1) at x = −3: −3·1; (1,0) at x = 2: 2·10; (1,1) at x = −3: −3·10
    np.testing.assert_allclose(to_host(layer.params["W"].grad), [[2.0, -3.0, 20.0, -30.0]])
    np.testing.assert_allclose(to_host(layer.params["b"].grad), [1.0, 1.0, 10.0, 10.0])


def test_maxout_rejects_images_and_bad_sizes():
    with pytest.raises(ShapeError, match="add a Flatten layer"):
        Network.sequential((1, 4, 4), [Maxout(3)]).build()
    with pytest.raises(ValueError, match="at least 1 piece"):
        Maxout(3, pieces=0)
    assert Maxout(3, pieces=2).count_params((4,)) == (4 * 6 + 6, 0)
