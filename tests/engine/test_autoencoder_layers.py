import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.gradcheck import check_layer, check_network, numeric_gradient
from playground.engine.layer import ShapeError
from playground.engine.layers.autoencoder import (ContractiveDense, GaussianNoise, MaskingNoise, Sampling,
                                                  SparsityPenalty)
from playground.engine.layers.dense import Dense
from playground.engine.losses import MSE
from playground.engine.network import Network


def built(layer, shapes, backend, seed=0):
    layer.build(list(shapes), backend.xp, backend.dtype, np.random.default_rng(seed))
    return layer


def in_unit_interval(shape, seed=0):
    """Activations of a sigmoid code: strictly between 0 and 1 (what the KL penalty needs)."""
    return np.random.default_rng(seed).uniform(0.05, 0.95, size=shape)


# -- gradients (check_layer puts the penalty into L and replays the same noise) ---------------
@pytest.mark.parametrize("make", [
    lambda: GaussianNoise(0.5),
    lambda: MaskingNoise(0.4),
    lambda: SparsityPenalty("l1", weight=0.3),
    lambda: ContractiveDense(3, weight=0.8),
], ids=["gaussian", "masking", "sparsity_l1", "contractive"])
def test_single_input_gradients(make, backend64):
    errors = check_layer(make(), [(5,)], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_sparsity_kl_gradients(backend64):
    x = backend64.asarray(in_unit_interval((6, 5)))
    errors = check_layer(SparsityPenalty("kl", weight=0.7, target=0.1), [(5,)], backend=backend64, inputs=[x])
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("training", [True, False])
def test_sampling_gradients(training, backend64):
    layer = Sampling(beta=0.7)
    layer.train(training)
    errors = check_layer(layer, [(3,), (3,)], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("make, inputs", [
    (lambda: SparsityPenalty("l1", weight=0.3), lambda: np.random.default_rng(2).normal(size=(4, 5))),
    (lambda: SparsityPenalty("kl", weight=0.3, target=0.2), lambda: in_unit_interval((4, 5), 2)),
    (lambda: ContractiveDense(3, weight=0.5), lambda: np.random.default_rng(2).normal(size=(4, 5))),
], ids=["l1", "kl", "contractive"])
def test_penalty_gradient_alone(make, inputs, backend64):
    # with ∂L/∂y = 0 backward returns the gradient of the penalty alone: compare it with
    # finite differences of the penalty, so a missing or wrong penalty term cannot hide
    if backend64.name != "numpy":
        pytest.skip("finite differences of the penalty alone are probed on NumPy")
    layer = built(make(), [(5,)], backend64)
    x = inputs()

    def penalty():
        layer.forward(x)
        return float(layer.penalty)

    no_data_grad = np.zeros((4,) + layer.output_shape((5,)))
    penalty()
    dx = layer.backward(no_data_grad)
    grads = {key: p.grad.copy() for key, p in layer.params.items()}
    np.testing.assert_allclose(dx, numeric_gradient(penalty, x), atol=1e-8)
    for key, p in layer.params.items():
        np.testing.assert_allclose(grads[key], numeric_gradient(penalty, p.data), atol=1e-8, err_msg=key)


# -- numbers worked by hand --------------------------------------------------------------------------
def test_sparsity_l1_value_by_hand(backend):
    # a = [[0.5, −1], [2, 0]]: Σ|a| per sample = 1.5 and 2, mean over the batch 1.75; × weight 0.1 = 0.175
    layer = built(SparsityPenalty("l1", weight=0.1), [(2,)], backend)
    a = backend.asarray([[0.5, -1.0], [2.0, 0.0]])
    assert layer.forward(a) is a                                   # identity on the activations
    assert float(layer.penalty) == pytest.approx(0.175, rel=1e-6)
    # gradient of the penalty: weight·sign(a)/B = ±0.05 (0 where a = 0), added to ∂L/∂y
    dx = layer.backward(backend.asarray([[1.0, 1.0], [1.0, 1.0]]))
    np.testing.assert_allclose(to_host(dx), [[1.05, 0.95], [1.05, 1.0]], rtol=1e-6)


def test_sparsity_kl_value_by_hand(backend):
    # one unit with activations 0.1 and 0.3: ρ̂ = 0.2; target ρ = 0.1
    # KL = 0.1·ln(0.1/0.2) + 0.9·ln(0.9/0.8) = −0.0693147 + 0.1060047 = 0.0366900; × weight 2 = 0.0733800
    layer = built(SparsityPenalty("kl", weight=2.0, target=0.1), [(1,)], backend)
    layer.forward(backend.asarray([[0.1], [0.3]]))
    assert float(layer.penalty) == pytest.approx(0.07338, rel=1e-4)
    # at ρ̂ = ρ the penalty and its gradient vanish
    layer.forward(backend.asarray([[0.05], [0.15]]))
    assert float(layer.penalty) == pytest.approx(0.0, abs=1e-6)


def test_sparsity_kl_clips_values_outside_zero_one(backend):
    layer = built(SparsityPenalty("kl", weight=1.0, target=0.05), [(2,)], backend)
    layer.forward(backend.asarray([[0.0, 1.5], [0.0, 2.0]]))      # not sigmoid outputs
    assert np.isfinite(float(layer.penalty))
    dx = to_host(layer.backward(backend.xp.zeros((2, 2), dtype=backend.dtype)))
    np.testing.assert_array_equal(dx, 0.0)                         # flat where the clip acts


def test_contractive_penalty_by_hand(backend):
    # one input, one unit, W = 2, b = 0, x = 0: h = σ(0) = 0.5, s = h(1 − h) = 0.25
    # J = s·W = 0.5, ‖J‖_F² = 0.25; weight 0.4 → penalty 0.1
    layer = built(ContractiveDense(1, weight=0.4), [(1,)], backend)
    layer.params["W"].data = backend.asarray([[2.0]])
    h = layer.forward(backend.asarray([[0.0]]))
    assert float(to_host(h)[0, 0]) == pytest.approx(0.5)
    assert float(layer.penalty) == pytest.approx(0.1, rel=1e-6)


def test_contractive_penalty_is_the_jacobian_norm(backend64):
    # ‖J‖_F² from the Jacobian itself (finite differences of h in x), averaged over the batch
    layer = built(ContractiveDense(3, weight=1.0), [(4,)], backend64)
    x = np.random.default_rng(0).normal(size=(2, 4))
    layer.forward(backend64.asarray(x))
    frob = []
    for b in range(2):
        J = np.stack([(to_host(layer.forward(backend64.asarray(x[b:b + 1] + e)))
                       - to_host(layer.forward(backend64.asarray(x[b:b + 1] - e))))[0] / 2e-6
                      for e in np.eye(4) * 1e-6], axis=1)
        frob.append((J ** 2).sum())
    layer.forward(backend64.asarray(x))
    assert float(layer.penalty) == pytest.approx(np.mean(frob), rel=1e-6)


@pytest.mark.parametrize("beta", [1.0, 0.3])
def test_sampling_kl_by_hand(beta, backend):
    layer = built(Sampling(beta=beta), [(1,), (1,)], backend)
    zeros = backend.xp.zeros((4, 1), dtype=backend.dtype)
    # μ = 0, log σ² = 0: N(0, 1) is the prior, KL = ½(1 + 0 − 1 − 0) = 0
    layer.forward(zeros, zeros)
    assert float(layer.penalty) == pytest.approx(0.0, abs=1e-7)
    # μ = 1, log σ² = 0: KL = ½(1 + 1 − 1 − 0) = 0.5 per sample, so 0.5·β averaged over the batch
    layer.forward(zeros + 1.0, zeros)
    assert float(layer.penalty) == pytest.approx(0.5 * beta, rel=1e-6)


def test_sampling_reparameterization(backend):
    layer = built(Sampling(), [(2,), (2,)], backend)
    n = 20000
    mu = backend.asarray(np.tile([1.0, -2.0], (n, 1)))
    logvar = backend.asarray(np.tile([0.0, np.log(0.25)], (n, 1)))       # σ = 1 and 0.5
    z = to_host(layer.forward(mu, logvar))
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.03)
    np.testing.assert_allclose(z.std(axis=0), [1.0, 0.5], atol=0.03)
    layer.train(False)                                                    # evaluation: z = μ
    np.testing.assert_array_equal(to_host(layer.forward(mu, logvar)), to_host(mu))


def test_sampling_needs_equal_shapes():
    with pytest.raises(ShapeError, match="same shape"):
        Sampling().output_shape((2,), (3,))


# -- noise layers ------------------------------------------------------------------------------
def test_noise_layers_corrupt_only_while_training(backend):
    x = backend.xp.ones((400, 50), dtype=backend.dtype)
    gauss = built(GaussianNoise(0.3), [(50,)], backend)
    y = to_host(gauss.forward(x))
    assert y.dtype == backend.dtype and abs(y.std() - 0.3) < 0.01 and abs(y.mean() - 1.0) < 0.01
    np.testing.assert_array_equal(to_host(gauss.backward(x)), 1.0)       # identity backward
    masking = built(MaskingNoise(0.25), [(50,)], backend)
    y = to_host(masking.forward(x))
    assert set(np.unique(y)) == {0.0, 1.0}                                 # no rescaling, unlike dropout
    assert abs((y == 0).mean() - 0.25) < 0.01
    np.testing.assert_array_equal(to_host(masking.backward(x)), y)        # masked entries get no gradient
    for layer in (gauss, masking):
        layer.train(False)
        assert layer.forward(x) is x
        assert layer.backward(x) is x


def test_noise_is_reproducible_after_reseed(backend):
    layer = built(GaussianNoise(1.0), [(3,)], backend)
    x = backend.xp.zeros((2, 3), dtype=backend.dtype)
    layer.reseed(5)
    first = to_host(layer.forward(x)).copy()
    layer.reseed(5)
    np.testing.assert_array_equal(to_host(layer.forward(x)), first)


@pytest.mark.parametrize("make", [lambda: GaussianNoise(-1), lambda: MaskingNoise(1.0),
                                  lambda: SparsityPenalty("l2"), lambda: SparsityPenalty("kl", target=0.0),
                                  lambda: ContractiveDense(0), lambda: Sampling(beta=-0.1)])
def test_bad_settings_are_refused(make):
    with pytest.raises(ValueError):
        make()


# -- in a network -------------------------------------------------------------------------------------
def vae(latent=2):
    net = Network()
    net.add_input("x", (4,))
    net.add("enc", Dense(3), "x")
    net.add("mu", Dense(latent), "enc")
    net.add("logvar", Dense(latent), "enc")
    net.add("z", Sampling(beta=0.5), ["mu", "logvar"])
    net.add("dec", Dense(4), "z")
    return net


def test_vae_network_gradients_include_the_kl_term(backend64):
    net = vae().build(backend64, seed=1)
    x = backend64.asarray(np.random.default_rng(0).normal(size=(5, 4)))
    errors = check_network(net, MSE(), [x], x, max_entries=None)
    assert max(errors.values()) < 1e-6, errors
    assert set(net.loss_terms) == {"kl"} and float(net.total_penalty()) > 0


def test_sparse_contractive_denoising_autoencoder_gradients(backend64):
    net = Network.sequential((6,), [GaussianNoise(0.2), ContractiveDense(4, weight=0.5),
                                    SparsityPenalty("kl", weight=0.3, target=0.1), Dense(6)])
    net.build(backend64, seed=2)
    x = backend64.asarray(np.random.default_rng(0).normal(size=(5, 6)))
    errors = check_network(net, MSE(), [x], x, max_entries=None)
    assert max(errors.values()) < 1e-6, errors
    assert set(net.loss_terms) == {"contractive", "sparsity"}
    # the penalties are scalars on the backend, part of the total loss
    assert all(getattr(v, "shape", None) == () for v in net.loss_terms.values())
