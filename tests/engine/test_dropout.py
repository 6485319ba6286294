import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.gradcheck import check_layer
from playground.engine.layers.dense import Dense
from playground.engine.layers.dropout import DropConnect, Dropout


def build(layer, shape, backend, seed=0):
    layer.build([shape], backend.xp, backend.dtype, np.random.default_rng(seed))
    return layer


# -- Dropout ----------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5,), (2, 3, 3)])
def test_dropout_gradients_match_finite_differences(backend64, shape):
    # check_layer reseeds the noise before every forward, so each evaluation drops the same units
    errors = check_layer(Dropout(0.4), [shape], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_dropout_rate_half_doubles_survivors_and_keeps_the_mean(backend):
    # p = 0.5: a survivor is scaled by 1/(1 − 0.5) = 2, a dropped one is 0.
    # E[y] = 0.5·0 + 0.5·2·x = x, so over 200 000 entries of x = 1 the mean is ≈ 1
    # (std of the mean = 1/√200000 ≈ 0.002) and about half the entries are 0.
    layer = build(Dropout(0.5), (1000,), backend)
    y = to_host(layer.forward(backend.xp.ones((200, 1000), dtype=backend.dtype)))
    assert set(np.unique(y)) == {0.0, 2.0}
    assert abs(y.mean() - 1.0) < 0.01
    assert abs((y == 0).mean() - 0.5) < 0.01
    assert y.dtype == backend.dtype


def test_dropout_backward_uses_the_forward_mask(backend):
    layer = build(Dropout(0.25), (50,), backend)
    y = layer.forward(backend.xp.ones((4, 50), dtype=backend.dtype))
    dx = layer.backward(backend.xp.ones((4, 50), dtype=backend.dtype))
    # x = 1 and δ = 1, so both are the mask: 0 or 1/(1 − 0.25) = 4/3
    np.testing.assert_allclose(to_host(dx), to_host(y))
    np.testing.assert_allclose(np.unique(to_host(dx)), [0.0, 4 / 3], rtol=1e-6)


def test_dropout_is_identity_in_evaluation_mode(backend):
    layer = build(Dropout(0.9), (6,), backend)
    layer.train(False)
    x = backend.asarray(np.arange(12).reshape(2, 6))
    np.testing.assert_array_equal(to_host(layer.forward(x)), to_host(x))
    dy = backend.asarray(np.ones((2, 6)))
    np.testing.assert_array_equal(to_host(layer.backward(dy)), to_host(dy))


def test_dropout_masks_are_reproducible_after_reseed(backend):
    layer = build(Dropout(0.5), (30,), backend)
    x = backend.xp.ones((3, 30), dtype=backend.dtype)
    layer.reseed(42)
    first = to_host(layer.forward(x)).copy()
    second = to_host(layer.forward(x)).copy()
    layer.reseed(42)
    again = to_host(layer.forward(x))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)  # a new mask every batch


def test_dropout_rate_zero_is_identity(backend):
    layer = build(Dropout(0.0), (4,), backend)
    x = backend.asarray(np.ones((2, 4)))
    np.testing.assert_array_equal(to_host(layer.forward(x)), 1.0)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rejects_rates_outside_zero_to_one(rate):
    with pytest.raises(ValueError, match="drop rate"):
        Dropout(rate)


# -- DropConnect ------------------------------------------------------------------

def test_dropconnect_gradients_match_finite_differences(backend64):
    errors = check_layer(DropConnect(4, rate=0.5), [(3,)], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_dropconnect_by_hand(backend):
    # W = [[1, 2], [3, 4]], b = 0, x = [1, 1], mask M = [[2, 0], [0, 2]] (p = 0.5: kept → ×2)
    # W̃ = W ⊙ M = [[2, 0], [0, 8]] → y = x W̃ = [2, 8]
    # with δ = [1, 1]: ∂L/∂W = (xᵀ δ) ⊙ M = [[2, 0], [0, 2]], ∂L/∂x = δ W̃ᵀ = [2, 8]
    layer = build(DropConnect(2, rate=0.5), (2,), backend)
    layer.params["W"].data = backend.asarray([[1, 2], [3, 4]])

    class FixedNoise:
        def random_sample(self, shape):
            return backend.asarray([[0.9, 0.1], [0.2, 0.7]])  # ≥ 0.5 survives

    layer.noise = FixedNoise()
    y = layer.forward(backend.asarray([[1, 1]]))
    np.testing.assert_allclose(to_host(y), [[2, 8]])
    dx = layer.backward(backend.asarray([[1, 1]]))
    np.testing.assert_allclose(to_host(layer.params["W"].grad), [[2, 0], [0, 2]])
    np.testing.assert_allclose(to_host(dx), [[2, 8]])


def test_dropconnect_in_evaluation_mode_is_a_dense_layer(backend):
    dc = build(DropConnect(3, rate=0.7), (4,), backend, seed=5)
    dense = build(Dense(3), (4,), backend, seed=5)
    dc.train(False)
    x = backend.asarray(np.random.default_rng(1).normal(size=(5, 4)))
    np.testing.assert_allclose(to_host(dc.forward(x)), to_host(dense.forward(x)), rtol=1e-6)
    assert dc.count_params((4,)) == dense.count_params((4,)) == (15, 0)
