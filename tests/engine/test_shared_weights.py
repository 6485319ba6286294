"""Weight sharing: two nodes that use the very same parameters (a Siamese pair)."""

import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.gradcheck import check_network
from playground.engine.layer import ShapeError
from playground.engine.layers.activation import Activation
from playground.engine.layers.conv import Conv2D
from playground.engine.layers.dense import Dense
from playground.engine.layers.distance import AbsDifference
from playground.engine.layers.merge import Add, Concatenate
from playground.engine.layers.shape import Flatten
from playground.engine.layers.slicing import Slice
from playground.engine.losses import MSE
from playground.engine.network import GraphError, Network
from playground.engine.optimizers import SGD, Adam
from playground.engine.training import train_step


def siamese(tower=(4, 3), shared=True) -> Network:
    """Two inputs of 3 features → the same Dense(4) tanh Dense(3) tower each → |a − b| → Dense(1)."""
    net = Network()
    net.add_input("left", (3,))
    net.add_input("right", (3,))
    for side in ("left", "right"):
        owner = None if side == "left" or not shared else "left"
        net.add(f"{side}_d1", Dense(tower[0]), side, shares_with=owner and "left_d1")
        net.add(f"{side}_act", Activation("tanh"), f"{side}_d1")
        net.add(f"{side}_d2", Dense(tower[1]), f"{side}_act", shares_with=owner and "left_d2")
    net.add("diff", AbsDifference(), ["left_d2", "right_d2"])
    net.add("head", Dense(1), "diff")
    return net


def batch(xp, rng, n=5, features=3):
    return xp.asarray(rng.normal(size=(n, features)))


# -- the hand-worked example ------------------------------------------------------------

def test_gradients_of_both_uses_add_up_by_hand(backend):
    # y = x₁·W + x₂·W with x = [1, 2 | 3, 4] cut into x₁ = [1, 2] and x₂ = [3, 4], W = [[0.5], [−1]]:
    #   y = (1·0.5 + 2·(−1)) + (3·0.5 + 4·(−1)) = −1.5 + −2.5 = −4
    # with ∂L/∂y = 1:  ∂L/∂W = x₁ᵀ·1 + x₂ᵀ·1 = [[1 + 3], [2 + 4]] = [[4], [6]]
    net = Network()
    net.add_input("x", (4,))
    net.add("x1", Slice(0, 2), "x")
    net.add("x2", Slice(2, 4), "x")
    net.add("a", Dense(1, use_bias=False), "x1")
    net.add("b", Dense(1, use_bias=False), "x2", shares_with="a")
    net.add("y", Add(), ["a", "b"])
    net.build(backend)
    net.nodes["a"].layer.params["W"].data[...] = backend.asarray([[0.5], [-1.0]])
    y = net.forward(backend.asarray([[1.0, 2.0, 3.0, 4.0]]))
    np.testing.assert_allclose(to_host(y), [[-4.0]])
    net.backward(backend.asarray([[1.0]]))
    (W,) = net.parameters()
    np.testing.assert_allclose(to_host(W.grad), [[4.0], [6.0]])
    # a second pass gives the same gradient: the sum starts afresh, it does not pile up over steps
    net.forward(backend.asarray([[1.0, 2.0, 3.0, 4.0]]))
    net.backward(backend.asarray([[1.0]]))
    np.testing.assert_allclose(to_host(W.grad), [[4.0], [6.0]])


# -- gradient checks (float64) ----------------------------------------------------------

def test_siamese_pair_gradients_match_finite_differences(backend64):
    rng = np.random.default_rng(0)
    net = siamese().build(backend64, seed=3)
    xp = backend64.xp
    errors = check_network(net, MSE(), [batch(xp, rng), batch(xp, rng)], xp.asarray(rng.normal(size=(5, 1))),
                           max_entries=None)
    assert set(errors) == {"left_d1.W", "left_d1.b", "left_d2.W", "left_d2.b", "head.W", "head.b"}
    # the last shared bias cancels in |(h₁W + b) − (h₂W + b)|: its true gradient is 0, so the relative
    # error compares two round-off noises; check that both towers' contributions cancel instead
    assert float(abs(to_host(net.nodes["left_d2"].layer.params["b"].grad)).max()) < 1e-12
    del errors["left_d2.b"]
    assert max(errors.values()) < 1e-6, errors


def test_one_dense_used_twice_in_a_row_matches_finite_differences(backend64):
    """y = tanh(tanh(x·W + b)·W + b): the same W at two depths (like an unrolled recurrence)."""
    rng = np.random.default_rng(1)
    net = Network()
    net.add_input("x", (4,))
    net.add("first", Dense(4), "x")
    net.add("act1", Activation("tanh"), "first")
    net.add("second", Dense(4), "act1", shares_with="first")
    net.add("act2", Activation("tanh"), "second")
    net.build(backend64, seed=0)
    xp = backend64.xp
    errors = check_network(net, MSE(), [batch(xp, rng, 6, 4)], xp.asarray(rng.normal(size=(6, 4))),
                           max_entries=None)
    assert set(errors) == {"first.W", "first.b"}
    assert max(errors.values()) < 1e-6, errors


def test_shared_convolution_matches_finite_differences(backend64):
    rng = np.random.default_rng(2)
    net = Network()
    net.add_input("x", (1, 4, 8))
    net.add("left", Slice(0, 4, axis=2), "x")
    net.add("right", Slice(4, 8, axis=2), "x")
    net.add("conv_l", Conv2D(2, 3, padding="same"), "left")
    net.add("conv_r", Conv2D(2, 3, padding="same"), "right", shares_with="conv_l")
    net.add("join", Concatenate(), ["conv_l", "conv_r"])
    net.add("flat", Flatten(), "join")
    net.build(backend64, seed=0)
    xp = backend64.xp
    x = xp.asarray(rng.normal(size=(2, 1, 4, 8)))
    errors = check_network(net, MSE(), [x], xp.asarray(rng.normal(size=(2, 64))), max_entries=None)
    assert set(errors) == {"conv_l.W", "conv_l.b"}
    assert max(errors.values()) < 1e-6, errors


# -- one parameter: listed, counted, updated and saved once -------------------------------

def test_shared_parameters_are_the_same_objects_and_listed_once(backend):
    net = siamese().build(backend)
    left, right = net.nodes["left_d1"].layer, net.nodes["right_d1"].layer
    assert left.params["W"] is right.params["W"] and left.params["b"] is right.params["b"]
    assert list(net.named_parameters()) == ["left_d1.W", "left_d1.b", "left_d2.W", "left_d2.b", "head.W",
                                            "head.b"]
    # 3·4 + 4 + 4·3 + 3 + 3·1 + 1 = 35, not 35 + 31 for a second tower
    assert sum(p.size for p in net.parameters()) == 35
    assert net.count_params() == (35, 0)
    rows = {row["id"]: row for row in net.summary()}
    assert rows["right_d1"]["trainable"] == 0 and rows["right_d1"]["shares_with"] == "left_d1"
    assert rows["left_d1"]["trainable"] == 16 and rows["left_d1"]["shares_with"] is None
    unshared = siamese(shared=False).build(backend)
    assert unshared.count_params() == (35 + 31, 0)


def test_both_towers_stay_identical_while_training(backend):
    rng = np.random.default_rng(0)
    net = siamese().build(backend, seed=1)
    optimizer = Adam(net.parameters(), lr=0.05)
    assert optimizer.flat_data is None or optimizer.flat_data.size == 35
    xp = backend.xp
    x1, x2, t = batch(xp, rng, 16), batch(xp, rng, 16), xp.asarray(rng.random(size=(16, 1)))
    before = to_host(net.nodes["left_d1"].layer.params["W"].data).copy()
    losses = [train_step(net, MSE(), optimizer, x1, x2, target=t) for _ in range(30)]
    assert optimizer.flat_data.size == 35  # one flat vector holds each shared weight once
    assert losses[-1] < losses[0]
    left, right = net.nodes["left_d1"].layer, net.nodes["right_d1"].layer
    assert not np.allclose(to_host(left.params["W"].data), before)
    np.testing.assert_array_equal(to_host(left.params["W"].data), to_host(right.params["W"].data))
    # the same input on both sides gives the same embedding, so |a − b| = 0
    net.forward(x1, x1)
    assert float(abs(to_host(net.node_output("diff"))).max()) == 0.0


def test_an_sgd_step_uses_the_summed_gradient(backend):
    net = Network()
    net.add_input("x", (2,))
    net.add("a", Dense(1, use_bias=False), "x")
    net.add("b", Dense(1, use_bias=False), "x", shares_with="a")
    net.add("y", Add(), ["a", "b"])
    net.build(backend)
    (W,) = net.parameters()
    W.data[...] = backend.asarray([[1.0], [1.0]])
    # y = 2·x·W; ∂L/∂y = 1 ⇒ ∂L/∂W = 2·xᵀ = [[2], [4]] for x = [1, 2]; W ← W − 0.1·grad = [[0.8], [0.6]]
    net.forward(backend.asarray([[1.0, 2.0]]))
    net.backward(backend.asarray([[1.0]]))
    SGD(net.parameters(), lr=0.1).step()
    np.testing.assert_allclose(to_host(net.nodes["b"].layer.params["W"].data), [[0.8], [0.6]], rtol=1e-6)


def test_state_dict_saves_shared_weights_once_and_loads_them_into_both(tmp_path, backend):
    net = siamese().build(backend, seed=1)
    state = net.state_dict()
    assert "right_d1.W" not in state and "left_d1.W" in state
    path = tmp_path / "siamese.npz"
    net.save_npz(path)
    other = siamese().build(backend, seed=2)
    other.load_npz(path)
    for side in ("left_d1", "right_d1"):
        np.testing.assert_array_equal(to_host(other.nodes[side].layer.params["W"].data), state["left_d1.W"])
    with pytest.raises(KeyError, match="right_d1.W"):
        other.load_state_dict({**state, "right_d1.W": state["left_d1.W"]})


def test_freezing_either_user_freezes_the_shared_weights(backend):
    net = siamese().build(backend)
    net.freeze(["right_d1"])
    assert net.nodes["left_d1"].layer.params["W"].frozen


def test_rebuilding_ties_the_weights_again(backend):
    net = siamese().build(backend, seed=0)
    net.build(backend, seed=5)
    assert net.nodes["left_d2"].layer.params["W"] is net.nodes["right_d2"].layer.params["W"]
    assert sum(p.size for p in net.parameters()) == 35


# -- wrong sharing: plain messages --------------------------------------------------------

def pair(second, shares_with="a", input_shape=(3,)) -> Network:
    net = Network()
    net.add_input("x", input_shape)
    net.add("a", Dense(4), "x")
    net.add("b", second, "x", shares_with=shares_with)
    return net


def test_sharing_with_an_unknown_node_is_refused():
    with pytest.raises(GraphError, match="b: shares weights with 'nope', which is not a node"):
        pair(Dense(4), "nope").build()


def test_sharing_with_itself_is_refused():
    with pytest.raises(GraphError, match="cannot share weights with itself"):
        pair(Dense(4), "b").build()


def test_sharing_needs_the_same_kind():
    with pytest.raises(GraphError, match="same kind.*b is a activation layer and a a dense layer"):
        pair(Activation("tanh")).build()


def test_sharing_needs_the_same_shapes():
    with pytest.raises(ShapeError, match=r"b: shares weights with a, but it needs weights W \(3, 5\), b \(5,\) "
                                         r"where a has W \(3, 4\), b \(4,\)"):
        pair(Dense(5)).build()


def test_a_chain_of_sharing_names_the_owner():
    net = pair(Dense(4))
    net.add("c", Dense(4), "x", shares_with="b")
    with pytest.raises(GraphError, match="c: shares weights with b, which itself shares the weights of a: "
                                         "let c share with a directly"):
        net.build()
