import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.gradcheck import check_layer, check_network
from playground.engine.layer import ShapeError
from playground.engine.layers.batchnorm import BatchNorm
from playground.engine.layers.dense import Dense
from playground.engine.layers.dropout import Dropout
from playground.engine.layers.merge import Add, Concatenate
from playground.engine.layers.shape import Flatten, Permute, Reshape
from playground.engine.losses_base import Loss
from playground.engine.network import Network


class HalfSumSquares(Loss):
    """A tiny local loss for these tests: L = ½ Σ (y − t)², so ∂L/∂y = y − t (a 0-d array, as losses return)."""

    name = "half_sum_squares"

    def forward(self, y, t):
        self.diff = y - t
        return 0.5 * (self.diff * self.diff).sum()

    def backward(self):
        return self.diff


def build(layer, shapes, backend):
    layer.build(list(shapes), backend.xp, backend.dtype, np.random.default_rng(0))
    return layer


# -- Add ------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3])
def test_add_gradients_match_finite_differences(backend64, n):
    errors = check_layer(Add(), [(2, 3)] * n, backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_add_by_hand(backend):
    # [1, 2] + [10, 20] + [100, 200] = [111, 222]; each input gets the whole gradient back
    layer = build(Add(), [(2,)] * 3, backend)
    xs = [backend.asarray([[1, 2]]), backend.asarray([[10, 20]]), backend.asarray([[100, 200]])]
    np.testing.assert_allclose(to_host(layer.forward(*xs)), [[111, 222]])
    np.testing.assert_allclose(to_host(xs[0]), [[1, 2]])  # inputs are not changed in place
    grads = layer.backward(backend.asarray([[0.5, -1]]))
    assert len(grads) == 3
    for g in grads:
        np.testing.assert_allclose(to_host(g), [[0.5, -1]])


def test_add_shape_error_names_all_shapes():
    with pytest.raises(ShapeError, match=r"add: .*same shape.*\(3,\), \(3,\), \(4,\)"):
        Add().output_shape((3,), (3,), (4,))


def test_add_needs_two_inputs():
    with pytest.raises(ShapeError, match="at least two inputs"):
        Add().output_shape((3,))
    net = Network()
    net.add_input("x", (3,))
    net.add("sum", Add(), ["x"])
    with pytest.raises(ShapeError, match="sum: needs at least two inputs"):
        net.build()


# -- Concatenate ------------------------------------------------------------------------

@pytest.mark.parametrize("shapes", [[(2,), (3,)], [(1, 2, 2), (2, 2, 2), (1, 2, 2)]])
def test_concatenate_gradients_match_finite_differences(backend64, shapes):
    errors = check_layer(Concatenate(), shapes, backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_concatenate_by_hand(backend):
    # features [1, 2] and [3] → [1, 2, 3]; the gradient [a, b, c] is cut back into [a, b] and [c]
    layer = build(Concatenate(), [(2,), (1,)], backend)
    y = layer.forward(backend.asarray([[1, 2], [4, 5]]), backend.asarray([[3], [6]]))
    np.testing.assert_allclose(to_host(y), [[1, 2, 3], [4, 5, 6]])
    g1, g2 = layer.backward(backend.asarray([[10, 20, 30], [40, 50, 60]]))
    np.testing.assert_allclose(to_host(g1), [[10, 20], [40, 50]])
    np.testing.assert_allclose(to_host(g2), [[30], [60]])


def test_concatenate_shapes():
    assert Concatenate().output_shape((3,), (5,)) == (8,)
    assert Concatenate().output_shape((16, 8, 8), (32, 8, 8), (4, 8, 8)) == (52, 8, 8)


@pytest.mark.parametrize("shapes", [[(16, 8, 8), (32, 6, 6)], [(3,), (3, 1, 1)]])
def test_concatenate_shape_error_names_all_shapes(shapes):
    text = ", ".join(str(s) for s in shapes).replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(ShapeError, match=r"concatenate: .*other axis must match.*" + text):
        Concatenate().output_shape(*shapes)


# -- Flatten, Reshape, Permute ----------------------------------------------------------

@pytest.mark.parametrize("layer, shape", [(Flatten(), (2, 3, 2)), (Reshape((3, -1)), (2, 3)),
                                          (Permute((2, 0, 1)), (2, 3, 4))])
def test_shape_layers_gradients_match_finite_differences(backend64, layer, shape):
    errors = check_layer(layer, [shape], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_flatten_by_hand(backend):
    # one sample of shape (2, 1, 2): [[[1, 2]], [[3, 4]]] → row-major [1, 2, 3, 4]
    layer = build(Flatten(), [(2, 1, 2)], backend)
    assert layer.output_shape((2, 1, 2)) == (4,)
    x = backend.asarray(np.arange(1, 5).reshape(1, 2, 1, 2))
    np.testing.assert_array_equal(to_host(layer.forward(x)), [[1, 2, 3, 4]])
    assert layer.backward(backend.asarray([[1, 2, 3, 4]])).shape == (1, 2, 1, 2)


def test_reshape_shapes_and_minus_one():
    assert Reshape((1, 28, 28)).output_shape((784,)) == (1, 28, 28)
    assert Reshape((-1, 4)).output_shape((2, 6)) == (3, 4)
    assert Reshape((-1,)).output_shape((2, 3, 4)) == (24,)


def test_reshape_by_hand(backend):
    # (6,) → (2, 3): [0 … 5] becomes rows [0, 1, 2] and [3, 4, 5]
    layer = build(Reshape((2, -1)), [(6,)], backend)
    y = layer.forward(backend.asarray(np.arange(12).reshape(2, 6)))
    np.testing.assert_array_equal(to_host(y)[1], [[6, 7, 8], [9, 10, 11]])
    assert layer.backward(y).shape == (2, 6)


@pytest.mark.parametrize("target, shape, message", [
    ((5,), (3, 4), r"\(3, 4\) \(12 values\) into \(5,\) \(5 values\)"),
    ((-1, 5), (3, 4), "12 is not a multiple of 5"),
])
def test_reshape_rejects_a_different_number_of_values(target, shape, message):
    with pytest.raises(ShapeError, match=message):
        Reshape(target).output_shape(shape)


@pytest.mark.parametrize("target", [(-1, -1), (0, 4), (-2, 3), ()])
def test_reshape_rejects_bad_targets(target):
    with pytest.raises(ValueError):
        Reshape(target)


def test_permute_by_hand(backend):
    # (C, H, W) = (2, 1, 3) → axes (1, 2, 0) → (H, W, C) = (1, 3, 2): pixel (0, j) holds [c0[j], c1[j]]
    layer = build(Permute((1, 2, 0)), [(2, 1, 3)], backend)
    assert layer.output_shape((2, 1, 3)) == (1, 3, 2)
    x = backend.asarray([[[[1, 2, 3]], [[4, 5, 6]]]])
    y = layer.forward(x)
    np.testing.assert_array_equal(to_host(y), [[[[1, 4], [2, 5], [3, 6]]]])
    np.testing.assert_array_equal(to_host(layer.backward(y)), to_host(x))  # backward undoes it


def test_permute_errors():
    with pytest.raises(ValueError, match="reordering"):
        Permute((0, 2))
    with pytest.raises(ShapeError, match=r"reorders 2 axes .* shape \(2, 3, 4\) with 3 axes"):
        Permute((1, 0)).output_shape((2, 3, 4))


# -- networks -------------------------------------------------------------------------

def skip_network():
    """x → Dense(4) → Add(x, ·) → Dense(1): a residual block and a readout."""
    net = Network()
    net.add_input("x", (4,))
    net.add("dense", Dense(4), "x")
    net.add("skip", Add(), ["x", "dense"])
    net.add("out", Dense(1), "skip")
    return net


def test_skip_connection_network_gradients_match_finite_differences(backend64):
    net = skip_network().build(backend64, seed=1)
    rng = np.random.default_rng(0)
    x = backend64.asarray(rng.normal(size=(5, 4)))
    t = backend64.asarray(rng.normal(size=(5, 1)))
    errors = check_network(net, HalfSumSquares(), [x], t)
    assert set(errors) == {"dense.W", "dense.b", "out.W", "out.b"}
    assert max(errors.values()) < 1e-7, errors


def test_skip_connection_passes_the_gradient_straight_through(backend64):
    # y = x + xW + b with W = 0, b = 0 is y = x, so ∂L/∂x = ∂L/∂y (plus δWᵀ = 0)
    net = Network()
    net.add_input("x", (2,))
    net.add("dense", Dense(2, init="zeros"), "x")
    net.add("skip", Add(), ["x", "dense"])
    net.build(backend64)
    x = backend64.asarray([[1.0, -2.0]])
    np.testing.assert_allclose(to_host(net.forward(x)), [[1, -2]])
    (dx,) = net.backward(backend64.asarray([[3.0, 4.0]]))
    np.testing.assert_allclose(to_host(dx), [[3, 4]])


def test_skip_connection_network_trains(backend):
    # learn t = 2x₀ − x₁ + x₂ with plain gradient descent on ½Σ(y − t)²/N
    net = skip_network().build(backend, seed=0)
    rng = np.random.default_rng(0)
    x_host = rng.normal(size=(64, 4))
    x = backend.asarray(x_host)
    t = backend.asarray(x_host @ np.array([[2.0], [-1.0], [1.0], [0.0]]))
    loss = HalfSumSquares()
    first = None
    for _ in range(200):
        value = float(loss(net.forward(x), t)) / 64
        first = value if first is None else first
        net.backward(loss.backward() / 64)
        for p in net.parameters():
            p.data -= 0.05 * p.grad
    assert value < 0.01 * first, (first, value)


def test_branching_network_with_every_layer_gradchecks(backend64):
    # x(2,3,3) ─ BatchNorm ─ Permute ─ Flatten ─┐
    #      └──── Reshape(-1) ─ Dropout ─────────┴─ Concatenate(36) ─ Dense(2)
    net = Network()
    net.add_input("x", (2, 3, 3))
    net.add("bn", BatchNorm(), "x")
    net.add("perm", Permute((1, 2, 0)), "bn")
    net.add("flat", Flatten(), "perm")
    net.add("reshape", Reshape((-1,)), "x")
    net.add("drop", Dropout(0.3), "reshape")
    net.add("cat", Concatenate(), ["flat", "drop"])
    net.add("out", Dense(2), "cat")
    assert net.infer_shapes()["cat"] == (36,)
    net.build(backend64, seed=2)
    rng = np.random.default_rng(1)
    x = backend64.asarray(rng.normal(size=(4, 2, 3, 3)))
    t = backend64.asarray(rng.normal(size=(4, 2)))
    errors = check_network(net, HalfSumSquares(), [x], t)
    assert max(errors.values()) < 1e-6, errors
    assert net.count_params() == (4 + 36 * 2 + 2, 4)
