import copy

import numpy as np
import pytest

from playground.engine.backend import numpy_backend, to_host
from playground.engine.layers.activation import Activation
from playground.engine.layers.batchnorm import BatchNorm
from playground.engine.layers.dense import Dense
from playground.engine.layers.dropout import Dropout
from playground.engine.layers.merge import Add
from playground.engine.losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy
from playground.engine.network import Network
from playground.engine.optimizers import SGD, Adam
from playground.engine.training import train_step
from playground.session.teaching.stepthrough import StepThroughError, step_through

F64 = numpy_backend(np.float64)


def net_with(layers, weights, n_in=2):
    net = Network.sequential((n_in,), layers).build(F64)
    net.load_state_dict({k: np.asarray(v, dtype=np.float64) for k, v in weights.items()})
    return net


def classic_net():
    """The classic worked example (inputs 0.05, 0.10), cut down to one output unit.

    Hidden: w₁ = 0.15 (x₁→h₁), w₂ = 0.20 (x₂→h₁), w₃ = 0.25 (x₁→h₂), w₄ = 0.30 (x₂→h₂), b = 0.35.
    Output: w₅ = 0.40 (h₁→o), w₆ = 0.45 (h₂→o), b = 0.60. W has one row per input.
    """
    return net_with([Dense(2), Activation("sigmoid"), Dense(1), Activation("sigmoid")],
                    {"dense1.W": [[0.15, 0.25], [0.20, 0.30]], "dense1.b": [0.35, 0.35],
                     "dense3.W": [[0.40], [0.45]], "dense3.b": [0.60]})


def test_classic_2_2_1_sigmoid_net_by_hand():
    # Forward, σ(z) = 1/(1 + e^−z):
    #   z_h1 = 0.35 + 0.05·0.15 + 0.10·0.20 = 0.3775      h1 = σ(0.3775) = 0.593269992
    #   z_h2 = 0.35 + 0.05·0.25 + 0.10·0.30 = 0.3925      h2 = σ(0.3925) = 0.596884378
    #   z_o  = 0.60 + 0.40·0.593269992 + 0.45·0.596884378 = 1.105905967   ŷ = σ(z_o) = 0.751365070
    # Loss (½ form): L = ½(0.751365070 − 0.01)² = 0.274811083
    # Backward:
    #   δ_o  = (ŷ − y)·ŷ(1 − ŷ) = 0.741365070·0.186815602 = 0.138498562
    #   ∂L/∂w5 = h1·δ_o = 0.082167041,  ∂L/∂w6 = h2·δ_o = 0.082667628,  ∂L/∂b_o = 0.138498562
    #   ∂L/∂h1 = 0.40·δ_o = 0.055399425;  σ'(z_h1) = 0.593269992·0.406730008 = 0.241300709
    #   δ_h1 = 0.055399425·0.241300709 = 0.013367920
    #   ∂L/∂h2 = 0.45·δ_o = 0.062324353;  σ'(z_h2) = 0.596884378·0.403115622 = 0.240613417
    #   δ_h2 = 0.062324353·0.240613417 = 0.014996075
    #   ∂L/∂w1 = x1·δ_h1 = 0.05·0.013367920 = 0.000668396,  ∂L/∂w2 = 0.10·δ_h1 = 0.001336792
    #   ∂L/∂w3 = x1·δ_h2 = 0.000749804,  ∂L/∂w4 = 0.10·δ_h2 = 0.001499608
    # SGD, η = 0.5:
    #   w5 = 0.40 − 0.5·0.082167041 = 0.358916480   w6 = 0.45 − 0.5·0.082667628 = 0.408666186
    #   b_o = 0.60 − 0.5·0.138498562 = 0.530750719
    #   w1 = 0.15 − 0.5·0.000668396 = 0.149665802   w2 = 0.20 − 0.5·0.001336792 = 0.199331604
    #   w3 = 0.25 − 0.5·0.000749804 = 0.249625098   w4 = 0.30 − 0.5·0.001499608 = 0.299250196
    #   b_h1 = 0.35 − 0.5·0.013367920 = 0.343316040  b_h2 = 0.35 − 0.5·0.014996075 = 0.342501962
    trace = step_through(classic_net(), MSE("half_sum"), [0.05, 0.10], [0.01], lr=0.5)
    hidden, out = trace.layers
    close = dict(rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(hidden.z, [0.3775, 0.3925], **close)
    np.testing.assert_allclose(hidden.h, [0.593269992, 0.596884378], **close)
    np.testing.assert_allclose(out.z, [1.105905967], **close)
    np.testing.assert_allclose(trace.output, [0.751365070], **close)
    assert trace.loss == pytest.approx(0.274811083, rel=1e-6)
    np.testing.assert_allclose(out.slope, [0.186815602], **close)
    np.testing.assert_allclose(out.delta, [0.138498562], **close)
    np.testing.assert_allclose(out.grad_weights, [[0.082167041], [0.082667628]], **close)
    np.testing.assert_allclose(out.grad_bias, [0.138498562], **close)
    np.testing.assert_allclose(hidden.grad_h, [0.055399425, 0.062324353], **close)
    np.testing.assert_allclose(hidden.slope, [0.241300709, 0.240613417], **close)
    np.testing.assert_allclose(hidden.delta, [0.013367920, 0.014996075], **close)
    np.testing.assert_allclose(hidden.grad_weights, [[0.000668396, 0.000749804],
                                                     [0.001336792, 0.001499608]], **close)
    np.testing.assert_allclose(out.new_weights, [[0.358916480], [0.408666186]], **close)
    np.testing.assert_allclose(out.new_bias, [0.530750719], **close)
    np.testing.assert_allclose(hidden.new_weights, [[0.149665802, 0.249625098],
                                                    [0.199331604, 0.299250196]], **close)
    np.testing.assert_allclose(hidden.new_bias, [0.343316040, 0.342501962], **close)


def test_classic_example_stages_explain_with_the_actual_numbers():
    trace = step_through(classic_net(), MSE("half_sum"), [0.05, 0.10], [0.01], lr=0.5)
    assert [(s.kind, s.layer) for s in trace.stages] == [
        ("forward", 0), ("forward", 1), ("loss", None), ("backward", 1), ("backward", 0), ("update", None)]
    forward1, forward2, loss, back2, back1, update = trace.stages
    assert "z₁ = 0.35 + 0.05·0.15 + 0.1·0.2 = 0.3775" in forward1.text
    assert "h₁ = σ(0.3775) = 0.5933" in forward1.text
    assert forward1.node_ids == ["dense1", "activation2"]
    assert "L = ½(ŷ − y)² = ½(0.7514 − 0.01)² = 0.2748" in loss.text
    assert "δ₁ = (ŷ₁ − y₁)·σ'(z₁) = (0.7514 − 0.01)·0.1868 = 0.1385" in back2.text
    assert "∂L/∂w₁₁ = x₁·δ₁ = 0.5933·0.1385 = 0.08217" in back2.details
    assert "δ₁ = ∂L/∂h₁·σ'(z₁) = 0.0554·0.2413 = 0.01337" in back1.text
    assert "dense3.w₁₁ = 0.4 − 0.5·0.08217 = 0.3589" in update.details
    assert len(update.details) == 6 + 3  # every weight and bias of both layers
    for stage in trace.stages:
        assert stage.text.endswith(".") and stage.title


def test_logistic_regression_with_bce_by_hand():
    # z = 0.1 + 1·0.5 + 2·(−0.25) = 0.1;  p = σ(0.1) = 0.524979187
    # L = −[1·log p + 0·log(1 − p)] = −log 0.524979187 = 0.644396660
    # δ = ∂L/∂p · σ'(z) = (p − 1)/(p(1 − p)) · p(1 − p) = p − 1 = −0.475020813
    # ∂L/∂w = x·δ = (−0.475020813, −0.950041626);  ∂L/∂b = −0.475020813
    # SGD η = 0.1: w = (0.5 + 0.0475020813, −0.25 + 0.0950041626) = (0.547502081, −0.154995837)
    #              b = 0.1 + 0.0475020813 = 0.147502081
    net = net_with([Dense(1), Activation("sigmoid")], {"dense1.W": [[0.5], [-0.25]], "dense1.b": [0.1]})
    trace = step_through(net, BinaryCrossEntropy(), [1.0, 2.0], [1.0], lr=0.1)
    (unit,) = trace.layers
    close = dict(rtol=1e-8)
    np.testing.assert_allclose(unit.z, [0.1], **close)
    np.testing.assert_allclose(unit.h, [0.524979187], **close)
    assert trace.loss == pytest.approx(0.644396660, rel=1e-8)
    np.testing.assert_allclose(unit.delta, [-0.475020813], **close)
    np.testing.assert_allclose(unit.grad_weights, [[-0.475020813], [-0.950041626]], **close)
    np.testing.assert_allclose(unit.grad_bias, [-0.475020813], **close)
    np.testing.assert_allclose(unit.new_weights, [[0.547502081], [-0.154995837]], **close)
    np.testing.assert_allclose(unit.new_bias, [0.147502081], **close)
    back = trace.stages[2]
    assert "σ' cancels: δ = ŷ − y = 0.525 − 1 = −0.475" in back.text
    assert "−log 0.525" not in trace.stages[1].text  # the BCE sentence names both terms
    assert "1·log 0.525 + 0·log 0.475" in trace.stages[1].text


def test_2_2_2_relu_net_with_mse_by_hand():
    # x = (1, 2). Hidden W = [[0.5, −0.5], [0.25, 0.1]], b = 0:
    #   z = (0.5 + 0.5, −0.5 + 0.2) = (1.0, −0.3),  h = ReLU(z) = (1.0, 0)
    # Output W = [[1, −1], [0.5, 2]], b = (0.1, 0.2), no activation:
    #   ŷ = (1.0 + 0 + 0.1, −1.0 + 0 + 0.2) = (1.1, −0.8);  y = (1, 0)
    # MSE (mean over the K = 2 outputs): L = ((0.1)² + (−0.8)²)/2 = 0.325
    #   δ_out = ∂L/∂ŷ = 2(ŷ − y)/2 = (0.1, −0.8)
    #   ∂L/∂W_out = h ⊗ δ = [[0.1, −0.8], [0, 0]],  ∂L/∂b_out = (0.1, −0.8)
    #   ∂L/∂h = W_out·δ = (1·0.1 + (−1)(−0.8), 0.5·0.1 + 2·(−0.8)) = (0.9, −1.55)
    #   ReLU'(z) = (1, 0)  →  δ_hidden = (0.9, 0)   (the second unit is off: no gradient)
    #   ∂L/∂W_hidden = x ⊗ δ = [[0.9, 0], [1.8, 0]],  ∂L/∂b_hidden = (0.9, 0)
    # SGD η = 0.1: W_hidden = [[0.41, −0.5], [0.07, 0.1]], b_hidden = (−0.09, 0)
    #              W_out = [[0.99, −0.92], [0.5, 2.0]],     b_out = (0.09, 0.28)
    net = net_with([Dense(2), Activation("relu"), Dense(2)],
                   {"dense1.W": [[0.5, -0.5], [0.25, 0.1]], "dense1.b": [0, 0],
                    "dense3.W": [[1.0, -1.0], [0.5, 2.0]], "dense3.b": [0.1, 0.2]})
    trace = step_through(net, MSE(), [1.0, 2.0], [1.0, 0.0], lr=0.1)
    hidden, out = trace.layers
    close = dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hidden.z, [1.0, -0.3], **close)
    np.testing.assert_allclose(hidden.h, [1.0, 0.0], **close)
    np.testing.assert_allclose(trace.output, [1.1, -0.8], **close)
    assert trace.loss == pytest.approx(0.325, rel=1e-12)
    np.testing.assert_allclose(out.delta, [0.1, -0.8], **close)
    np.testing.assert_allclose(out.grad_weights, [[0.1, -0.8], [0, 0]], **close)
    np.testing.assert_allclose(hidden.grad_h, [0.9, -1.55], **close)
    np.testing.assert_allclose(hidden.slope, [1.0, 0.0], **close)
    np.testing.assert_allclose(hidden.delta, [0.9, 0.0], **close)
    np.testing.assert_allclose(hidden.grad_weights, [[0.9, 0], [1.8, 0]], **close)
    np.testing.assert_allclose(hidden.grad_bias, [0.9, 0], **close)
    np.testing.assert_allclose(hidden.new_weights, [[0.41, -0.5], [0.07, 0.1]], **close)
    np.testing.assert_allclose(hidden.new_bias, [-0.09, 0.0], **close)
    np.testing.assert_allclose(out.new_weights, [[0.99, -0.92], [0.5, 2.0]], **close)
    np.testing.assert_allclose(out.new_bias, [0.09, 0.28], **close)
    assert out.activation == "identity" and out.activation_id is None
    back_out, back_hidden = trace.stages[3], trace.stages[4]
    assert "δ₁ = ∂L/∂ŷ₁ = 2(ŷ₁ − y₁)/2 = 2·(1.1 − 1)/2 = 0.1" in back_out.text
    assert ("∂L/∂h₂ = Σₖ w₂ₖ·δₖ (layer 2) = 0.5·0.1 + 2·(−0.8) = −1.55, so δ₂ = ∂L/∂h₂·ReLU'(z₂) "
            "= (−1.55)·0 = 0") in back_hidden.details
    assert "L = (1/2) Σₖ (ŷₖ − yₖ)² = [(1.1 − 1)² + (−0.8 − 0)²]/2 = 0.325" in trace.stages[2].text


def test_numbers_match_the_engines_own_forward_backward_and_step_exactly(backend):
    layers = lambda: [Dense(4), Activation("tanh"), Dense(3), Activation("sigmoid"), Dense(2)]  # noqa: E731
    net = Network.sequential((3,), layers()).build(backend, seed=3)  # float32, on NumPy or CuPy
    x, t = np.array([0.3, -1.2, 0.8]), np.array([0.5, -0.25])
    before = net.state_dict()
    trace = step_through(net, MSE(), x, t, lr=0.05)

    # the engine alone, on a float64 network with the same weights
    ref = Network.sequential((3,), layers()).build(F64, seed=99)
    ref.load_state_dict({k: v.astype(np.float64) for k, v in net.state_dict().items()})
    loss = MSE()
    value = loss.forward(ref.forward(x[None]), t[None])
    ref.backward(loss.backward())
    assert trace.loss == float(value)
    for layer in trace.layers:
        np.testing.assert_array_equal(layer.z, ref.node_output(layer.dense_id, 0))
        if layer.activation_id:
            np.testing.assert_array_equal(layer.h, ref.node_output(layer.activation_id, 0))
        np.testing.assert_array_equal(layer.grad_weights, ref.nodes[layer.dense_id].layer.params["W"].grad)
        np.testing.assert_array_equal(layer.grad_bias, ref.nodes[layer.dense_id].layer.params["b"].grad)
    SGD(ref.parameters(), lr=0.05).step()
    for layer in trace.layers:
        np.testing.assert_array_equal(layer.new_weights, ref.nodes[layer.dense_id].layer.params["W"].data)
        np.testing.assert_array_equal(layer.new_bias, ref.nodes[layer.dense_id].layer.params["b"].data)
    # the chain rule as written in the tables: ∂L/∂W = x ⊗ δ, and δ = ∂L/∂h · f'(z)
    for layer in trace.layers:
        np.testing.assert_allclose(layer.grad_weights, np.outer(layer.inputs, layer.delta), rtol=1e-12)
        np.testing.assert_allclose(layer.delta, layer.grad_h * layer.slope, rtol=1e-12, atol=1e-15)

    # and the float32 network's own training step agrees to float32 precision; it is left unchanged
    assert all(np.array_equal(v, net.state_dict()[k]) for k, v in before.items())
    train_step(net, MSE(), SGD(net.parameters(), lr=0.05), backend.asarray(x[None]),
               target=backend.asarray(t[None]))
    for layer in trace.layers:
        np.testing.assert_allclose(to_host(net.nodes[layer.dense_id].layer.params["W"].data),
                                   layer.new_weights, rtol=1e-5, atol=1e-6)


def test_live_adam_optimizer_is_copied_with_its_moments():
    net = Network.sequential((2,), [Dense(3), Activation("tanh"), Dense(1)]).build(F64, seed=1)
    opt = Adam(net.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    for _ in range(5):
        xb = rng.normal(size=(8, 2))
        train_step(net, MSE(), opt, xb, target=xb[:, :1] * xb[:, 1:])
    state = copy.deepcopy(opt.state_dict())
    x, t = np.array([0.4, -0.7]), np.array([0.2])
    trace = step_through(net, MSE(), x, t, optimizer=opt)
    fresh = step_through(net, MSE(), x, t, optimizer="adam", lr=0.01)
    assert opt.t == 5 and opt.state_dict()["t"] == state["t"]  # the live optimizer did not move
    train_step(net, MSE(), opt, x[None], target=t[None])       # the real next step
    for layer in trace.layers:
        real = net.nodes[layer.dense_id].layer.params["W"].data
        np.testing.assert_allclose(layer.new_weights, real, rtol=1e-12)
    moved = np.abs(fresh.layers[0].new_weights - trace.layers[0].new_weights).max()
    assert moved > 1e-4  # a fresh Adam (no moments) would have stepped differently
    assert "Adam(lr=0.01" in trace.stages[-1].text and "→" in trace.stages[-1].details[0]


def test_softmax_cross_entropy_with_a_class_label():
    net = Network.sequential((2,), [Dense(3), Activation("tanh"), Dense(3)]).build(F64, seed=0)
    trace = step_through(net, SoftmaxCrossEntropy(), [1.0, 2.0], 2, lr=0.1)
    out = trace.layers[-1]
    np.testing.assert_array_equal(trace.target, [0, 0, 1])
    p = np.exp(out.z - out.z.max())
    p /= p.sum()
    np.testing.assert_allclose(out.delta, p - [0, 0, 1], rtol=1e-12)   # δ = p − y
    assert trace.loss == pytest.approx(-np.log(p[2]), rel=1e-12)
    assert f"−log {p[2]:.4g}" in trace.stages[2].text


@pytest.mark.parametrize("layers, message", [
    ([Dense(3), BatchNorm(), Activation("relu"), Dense(1)], "batch-normalization"),
    ([Dense(3), Activation("relu"), Dropout(0.5), Dense(1)], "dropout"),
    ([Dense(60), Activation("relu"), Dense(1)], "up to 50 units; this network has 61"),
    ([Activation("relu"), Dense(1)], "straight to the inputs"),
    ([Dense(2), Activation("relu"), Activation("tanh")], "two activations in a row"),
])
def test_unsupported_networks_are_refused_in_plain_words(layers, message):
    net = Network.sequential((2,), layers).build()
    with pytest.raises(StepThroughError, match=message):
        step_through(net, MSE(), [0.0, 1.0], [1.0])


def test_branching_network_is_refused():
    net = Network()
    net.add_input("x", (2,))
    net.add("a", Dense(2), "x")
    net.add("b", Dense(2), "x")
    net.add("sum", Add(), ["a", "b"])
    net.build()
    with pytest.raises(StepThroughError, match="plain stack"):
        step_through(net, MSE(), [0.0, 1.0], [1.0, 0.0])


def test_frozen_layer_keeps_its_weights():
    net = classic_net()
    net.freeze(["dense1"])
    trace = step_through(net, MSE("half_sum"), [0.05, 0.10], [0.01], lr=0.5)
    hidden, out = trace.layers
    assert hidden.frozen and not out.frozen
    np.testing.assert_array_equal(hidden.new_weights, hidden.weights)
    assert hidden.grad_weights.any()  # it still gets a gradient, it just does not move
    assert "dense1.w₁₁ = 0.15 (frozen: not updated)" in trace.stages[-1].details
    np.testing.assert_allclose(out.new_weights, [[0.358916480], [0.408666186]], rtol=1e-6)
