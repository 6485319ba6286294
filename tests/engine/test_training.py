import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.layer import Layer
from playground.engine.layers.activation import Activation
from playground.engine.layers.dense import Dense
from playground.engine.losses import MSE, SoftmaxCrossEntropy
from playground.engine.network import Network
from playground.engine.optimizers import SGD, Adam
from playground.engine.training import backprop, record_incoming_gradients, train_step


def test_one_update_of_a_2_2_1_sigmoid_network_by_hand(backend64):
    """The classic worked example: x = (0.35, 0.9), target 0.5, η = 1, no biases, L = ½(y − t)².

    Forward
      hidden net input  z₁ = 0.35·0.1 + 0.9·0.8 = 0.755,   z₂ = 0.35·0.4 + 0.9·0.6 = 0.68
      hidden outputs    h₁ = σ(0.755) = 0.68027,          h₂ = σ(0.68) = 0.66374
      output            z = 0.68027·0.3 + 0.66374·0.9 = 0.80144,  y = σ(z) = 0.69028
      loss              ½(0.69028 − 0.5)² = 0.018104
    Backward
      output delta      δ = (y − t)·y(1 − y) = 0.19028·0.69028·0.30972 = 0.040681
      ∂L/∂W2            (h₁δ, h₂δ) = (0.027674, 0.027002)
      hidden deltas     δ₁ = h₁(1 − h₁)·0.3·δ = 0.0026545,   δ₂ = h₂(1 − h₂)·0.9·δ = 0.0081717
      ∂L/∂W1            xᵢδⱼ = [[0.35·δ₁, 0.35·δ₂], [0.9·δ₁, 0.9·δ₂]]
    Update (η = 1)
      W2 = (0.3 − 0.027674, 0.9 − 0.027002) = (0.27233, 0.87300)
      W1 = [[0.1 − 0.00092907, 0.4 − 0.0028601], [0.8 − 0.0023890, 0.6 − 0.0073545]]
         = [[0.099071, 0.39714], [0.79761, 0.59265]]
    """
    net = Network.sequential((2,), [Dense(2, use_bias=False), Activation("sigmoid"),
                                    Dense(1, use_bias=False), Activation("sigmoid")]).build(backend64)
    w1, w2 = net.nodes["dense1"].layer.params["W"], net.nodes["dense3"].layer.params["W"]
    w1.data = backend64.asarray([[0.1, 0.4], [0.8, 0.6]])  # row = input, column = hidden unit
    w2.data = backend64.asarray([[0.3], [0.9]])
    x, t = backend64.asarray([[0.35, 0.9]]), backend64.asarray([[0.5]])

    loss = train_step(net, MSE(form="half_sum"), SGD(net.parameters(), lr=1.0), x, target=t)

    assert loss == pytest.approx(0.018104, abs=1e-6)
    np.testing.assert_allclose(to_host(net.node_output("dense1")), [[0.755, 0.68]], atol=1e-12)
    np.testing.assert_allclose(to_host(net.node_output("activation4")), [[0.69028]], atol=1e-5)
    np.testing.assert_allclose(to_host(w2.grad), [[0.027674], [0.027002]], atol=1e-6)
    np.testing.assert_allclose(to_host(w2.data), [[0.27233], [0.87300]], atol=1e-5)
    np.testing.assert_allclose(to_host(w1.data), [[0.099071, 0.39714], [0.79761, 0.59265]], atol=1e-5)


class _Penalty(Layer):
    """Identity that adds a fixed extra loss term (like a sparsity penalty)."""

    kind = "penalty"
    penalty_name = "fixed"

    def forward(self, x):
        self.penalty = 0.25
        return x

    def backward(self, dy):
        return dy


def test_train_step_returns_loss_before_update_plus_penalties(backend):
    net = Network.sequential((2,), [Dense(1), _Penalty()]).build(backend, seed=0)
    x, t = backend.asarray([[1.0, 2.0]]), backend.asarray([[0.0]])
    y = float(to_host(net.forward(x))[0, 0])
    value = train_step(net, MSE(), SGD(net.parameters(), lr=0.01), x, target=t)
    assert isinstance(value, float)
    assert value == pytest.approx(y * y + 0.25, rel=1e-5)  # MSE of the old weights + 0.25
    assert float(to_host(net.forward(x))[0, 0]) ** 2 < y * y  # the step reduced the error


def test_training_learns_xor(backend):
    x = backend.asarray([[0, 0], [0, 1], [1, 0], [1, 1]])
    labels = backend.xp.asarray([0, 1, 1, 0])
    net = Network.sequential((2,), [Dense(8), Activation("tanh"), Dense(2)]).build(backend, seed=1)
    loss, opt = SoftmaxCrossEntropy(), Adam(net.parameters(), lr=0.05)
    for _ in range(300):
        value = train_step(net, loss, opt, x, target=labels)
    assert value < 0.05
    np.testing.assert_array_equal(to_host(net.predict(x)).argmax(axis=1), [0, 1, 1, 0])


def test_watch_sees_the_step_between_backpropagation_and_the_update(backend64):
    net = Network.sequential((2,), [Dense(3), Activation("sigmoid"), Dense(1)]).build(backend64, seed=0)
    x, t = backend64.asarray([[0.5, -1.0], [2.0, 0.25]]), backend64.asarray([[1.0], [0.0]])
    w = net.nodes["dense1"].layer.params["W"]
    before = to_host(w.data).copy()
    seen = {}

    def watch(y, dy):
        seen.update(y=to_host(y).copy(), dy=to_host(dy).copy(), w=to_host(w.data).copy(), grad=to_host(w.grad).copy())

    value = train_step(net, MSE(), SGD(net.parameters(), lr=0.1), x, target=t, watch=watch)
    np.testing.assert_array_equal(seen["w"], before)  # not yet updated
    np.testing.assert_allclose(to_host(w.data), before - 0.1 * seen["grad"])  # then updated with that gradient
    np.testing.assert_allclose(value, np.mean((seen["y"] - to_host(t)) ** 2))
    np.testing.assert_allclose(seen["dy"], 2 * (seen["y"] - to_host(t)) / seen["y"].size)


def test_backprop_fills_the_gradients_and_leaves_the_weights(backend64):
    net = Network.sequential((2,), [Dense(2), Activation("tanh"), Dense(1)]).build(backend64, seed=0)
    x, t = backend64.asarray([[0.5, -1.0]]), backend64.asarray([[1.0]])
    weights = {k: v.copy() for k, v in net.state_dict().items()}
    received = record_incoming_gradients(net, ["activation2", "dense3"])
    value, y, dy = backprop(net, MSE(), x, target=t)
    for name, array in net.state_dict().items():
        np.testing.assert_array_equal(array, weights[name])
    assert float(value) == pytest.approx(float(to_host((y - t) ** 2).mean()))
    np.testing.assert_array_equal(to_host(received["dense3"]), to_host(dy))  # the output layer gets ∂L/∂ŷ
    W3 = to_host(net.nodes["dense3"].layer.params["W"].data)
    np.testing.assert_allclose(to_host(received["activation2"]), to_host(dy) @ W3.T)  # ∂L/∂h = δ·Wᵀ
    assert np.any(to_host(net.nodes["dense1"].layer.params["W"].grad) != 0)
