import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.gradcheck import check_layer
from playground.engine.layer import ShapeError
from playground.engine.layers.dense import Dense
from playground.engine.network import GraphError, Network


def test_dense_gradients_match_finite_differences(backend64):
    errors = check_layer(Dense(4), [(3,)], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_dense_forward_by_hand(backend):
    # 2 inputs → 3 units: W is 2×3, one row per input
    layer = Dense(3)
    layer.build([(2,)], backend.xp, backend.dtype, np.random.default_rng(0))
    layer.params["W"].data = backend.asarray([[1, 2, 3], [4, 5, 6]])
    layer.params["b"].data = backend.asarray([0.5, 0, -1])
    y = layer.forward(backend.asarray([[1, 1], [2, 0]]))
    np.testing.assert_allclose(to_host(y), [[5.5, 7, 8], [2.5, 4, 5]])


def test_dense_rejects_images_with_plain_message():
    with pytest.raises(ShapeError, match="add a Flatten layer"):
        Network.sequential((1, 8, 8), [Dense(3)]).build()


def test_cycle_is_reported():
    net = Network()
    net.add_input("x", (2,))
    net.add("a", Dense(2), "x")
    net.add("b", Dense(2), "a")
    net.nodes["a"].inputs.append("b")
    with pytest.raises(GraphError, match="cycle"):
        net.build()


def test_state_dict_round_trip(tmp_path, backend):
    net = Network.sequential((2,), [Dense(3), Dense(1)]).build(backend, seed=1)
    path = tmp_path / "w.npz"
    net.save_npz(path)
    other = Network.sequential((2,), [Dense(3), Dense(1)]).build(backend, seed=2)
    other.load_npz(path)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v, other.state_dict()[k])


def test_two_penalties_of_the_same_kind_add_up(backend):
    from playground.engine.layers.autoencoder import SparsityPenalty

    net = Network()
    net.add_input("x", (3,))
    net.add("s1", SparsityPenalty("l1", weight=1.0), "x")
    net.add("s2", SparsityPenalty("l1", weight=2.0), "s1")
    net.build(backend)
    x = backend.asarray([[1, -2, 3]])
    net.forward(x)
    # L1 sparsity = weight · mean over batch of Σ|a|: 1·6 + 2·6
    assert float(net.total_penalty()) == 18.0


def test_first_layer_skips_the_input_gradient_unless_asked(backend):
    def run(input_gradients):
        net = Network.sequential((3,), [Dense(4), Dense(2)])
        net.input_gradients = input_gradients
        net.build(backend, seed=0)
        net.forward(backend.asarray(np.ones((5, 3))))
        (dx,) = net.backward(backend.asarray(np.ones((5, 2))))
        return dx, {k: to_host(p.grad) for k, p in net.named_parameters().items()}

    skipped, grads = run(False)
    dx, grads_full = run(True)
    assert skipped is None and dx.shape == (5, 3)
    for name in grads:
        np.testing.assert_array_equal(grads[name], grads_full[name])
