from pathlib import Path

import numpy as np
import pytest

from playground.engine.layers.autoencoder import Sampling
from playground.engine.layers.dense import Dense
from playground.engine.network import Network
from playground.model.fileio import load_project
from playground.session.compile import build_run
from playground.session.teaching.generative import (
    anomaly_scores,
    as_images,
    decode,
    decoder_of,
    grid_codes,
    image_shape,
    latent_grid,
    prior_samples,
    reconstruction_errors,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


@pytest.fixture(scope="module")
def vae_run():
    """The VAE example (digits 8×8 → 2-D code → digits), trained for 5 epochs."""
    run = build_run(load_project(EXAMPLES / "vae.nnpg"), "numpy", epochs=5)
    for _ in run.trainer.steps():
        pass
    return run


def tiny_vae(skip=False):
    """input(2) → μ, log σ² (dense 1 each) → sampling → dense 2 [+ the input, with skip]."""
    net = Network()
    net.add_input("x", (2,))
    net.add("mu", Dense(1), "x")
    net.add("logvar", Dense(1), "x")
    net.add("z", Sampling(), ["mu", "logvar"])
    net.add("out", Dense(2), "z")
    if skip:
        from playground.engine.layers.merge import Add
        net.add("sum", Add(), ["out", "x"])
    return net.build(seed=0)


def test_decoder_is_the_nodes_after_sampling(vae_run):
    assert decoder_of(vae_run.net) == ["dense_4", "relu_2", "dense_5"]


def test_decoder_refuses_networks_it_cannot_decode():
    with pytest.raises(ValueError, match="Sampling"):
        decoder_of(Network.sequential((2,), [Dense(2)]).build())
    with pytest.raises(ValueError, match="before the Sampling node"):
        decoder_of(tiny_vae(skip=True))


def test_decode_by_hand():
    # out = z·W + b with W = [[2, −1]], b = (0.5, 0): z = 3 → (6.5, −3); z = −1 → (−1.5, 1)
    net = tiny_vae()
    net.nodes["out"].layer.params["W"].data[...] = [[2.0, -1.0]]
    net.nodes["out"].layer.params["b"].data[...] = [0.5, 0.0]
    np.testing.assert_allclose(decode(net, np.array([[3.0], [-1.0]], np.float32)), [[6.5, -3.0], [-1.5, 1.0]])
    with pytest.raises(ValueError, match="latent points"):
        decode(net, np.zeros((2, 3), np.float32))


def test_decode_of_mu_is_the_networks_eval_output(vae_run):
    net, x = vae_run.net, vae_run.data.x_val[:20]
    net.train(True)
    expected = net.predict(net.backend.asarray(x))  # evaluation: sampling gives z = μ
    mu = net.node_output("dense_2")
    np.testing.assert_array_equal(decode(net, mu), expected)
    assert net.training  # the mode is restored


def test_grid_codes_by_hand():
    # steps 3, span 2: axis (−2, 0, 2); point r·3 + c = (z₁ = axis[c], z₂ = axis[r])
    z = grid_codes(tiny_vae(), steps=3, span=2.0)  # k = 1: only z₁
    np.testing.assert_allclose(z[:, 0], [-2, 0, 2] * 3)


def test_latent_grid_and_prior_samples_shapes(vae_run):
    net = vae_run.net
    grid = latent_grid(net, steps=8, span=2.5)
    assert grid.shape == (64, 64)
    assert np.std(grid, axis=0).max() > 1e-3  # different codes give different pictures
    samples = prior_samples(net, 10, seed=1)
    assert samples.shape == (10, 64)
    np.testing.assert_array_equal(samples, prior_samples(net, 10, seed=1))
    assert not np.array_equal(samples, prior_samples(net, 10, seed=2))
    assert as_images(grid).shape == (64, 8, 8)


def test_reconstruction_error_by_hand():
    # an identity "autoencoder" (W = I, b = 0): x̂ = x; plus b = (1, 3): errors (1² + 3²)/2 = 5 for every sample
    net = Network.sequential((2,), [Dense(2)]).build()
    net.nodes["dense1"].layer.params["W"].data[...] = np.eye(2)
    net.nodes["dense1"].layer.params["b"].data[...] = [1.0, 3.0]
    x = np.array([[0.0, 0.0], [2.0, -1.0]], np.float32)
    np.testing.assert_allclose(reconstruction_errors(net, x), [5.0, 5.0])
    with pytest.raises(ValueError, match="autoencoder"):
        reconstruction_errors(Network.sequential((2,), [Dense(1)]).build(), x)


def test_anomaly_scores_put_noise_above_digits(vae_run):
    net, digits = vae_run.net, vae_run.data.x_val[:100]
    noise = np.random.default_rng(0).random((20, 64)).astype(np.float32)
    x = np.concatenate([digits, noise])
    order, scores = anomaly_scores(net, x)
    assert np.all(np.diff(scores) <= 0)  # most anomalous first
    np.testing.assert_allclose(scores, reconstruction_errors(net, x)[order])
    noisy = order >= len(digits)
    assert scores[noisy].mean() > 2 * scores[~noisy].mean()
    assert noisy[:20].sum() >= 15  # the top of the list is mostly the noise


def test_image_shape():
    assert image_shape((64,)) == (8, 8)
    assert image_shape((784,)) == (28, 28)
    assert image_shape((10,)) == (1, 10)
    assert image_shape((1, 28, 28)) == (28, 28)
