import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.gradcheck import check_layer
from playground.engine.layer import ShapeError
from playground.engine.layers.batchnorm import BatchNorm
from playground.engine.layers.dense import Dense
from playground.engine.network import Network


def build(layer, shape, backend):
    layer.build([shape], backend.xp, backend.dtype, np.random.default_rng(0))
    return layer


class RandomGammaBeta(BatchNorm):
    """BatchNorm starting from random γ, β: γ = 1, β = 0 would hide mistakes in how γ enters ∂L/∂x."""

    def create_params(self, in_shape):
        super().create_params(in_shape)
        for p in self.params.values():
            p.data = self.xp.asarray(self.rng.normal(size=p.data.shape), dtype=self.dtype)


@pytest.mark.parametrize("shape, batch", [((4,), 5), ((2, 3, 3), 3)])
def test_batchnorm_training_gradients_match_finite_differences(backend64, shape, batch):
    layer = RandomGammaBeta()
    x = backend64.asarray(np.random.default_rng(1).normal(2.0, 3.0, size=(batch, *shape)))
    errors = check_layer(layer, [shape], backend=backend64, inputs=[x])
    assert layer.training
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("shape", [(4,), (2, 3, 3)])
def test_batchnorm_evaluation_gradients_match_finite_differences(backend64, shape):
    layer = RandomGammaBeta()
    layer.train(False)
    errors = check_layer(layer, [shape], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_batchnorm_by_hand_vectors(backend):
    # one feature, batch [1, 3]: μ = 2, σ² = ((1−2)² + (3−2)²)/2 = 1
    # x̂ = (x − 2)/√(1 + 1e-5) = ∓0.999995; with γ = 1, β = 0, y = x̂ ≈ [-1, 1]
    layer = build(BatchNorm(), (1,), backend)
    y = to_host(layer.forward(backend.asarray([[1.0], [3.0]])))
    np.testing.assert_allclose(y, [[-1], [1]], atol=1e-5)
    assert abs(y[1, 0] - 1 / np.sqrt(1 + 1e-5)) < 1e-6
    # running statistics after one step, momentum 0.9: mean 0.9·0 + 0.1·2 = 0.2,
    # unbiased variance 2/(2−1)·1 = 2 → var 0.9·1 + 0.1·2 = 1.1
    np.testing.assert_allclose(to_host(layer.buffers["running_mean"]), [0.2], rtol=1e-6)
    np.testing.assert_allclose(to_host(layer.buffers["running_var"]), [1.1], rtol=1e-6)


def test_batchnorm_by_hand_images_per_channel(backend):
    # one image, 2 channels of 1×2 pixels; statistics per channel over batch and pixels:
    # channel 0: [1, 3] → μ 2, σ² 1 → [-1, 1];  channel 1: [5, 5] → σ² 0 → x̂ = 0 → y = β = 0.5
    layer = build(BatchNorm(), (2, 1, 2), backend)
    layer.params["beta"].data = backend.asarray([0.0, 0.5])
    x = backend.asarray([[[[1.0, 3.0]], [[5.0, 5.0]]]])
    y = to_host(layer.forward(x))
    np.testing.assert_allclose(y, [[[[-1, 1]], [[0.5, 0.5]]]], atol=1e-5)


def test_batchnorm_gamma_beta_scale_and_shift(backend):
    # batch [1, 3] → x̂ ≈ [-1, 1]; γ = 2, β = 10 → y ≈ [8, 12]
    layer = build(BatchNorm(), (1,), backend)
    layer.params["gamma"].data = backend.asarray([2.0])
    layer.params["beta"].data = backend.asarray([10.0])
    np.testing.assert_allclose(to_host(layer.forward(backend.asarray([[1.0], [3.0]]))), [[8], [12]], atol=1e-4)


def test_batchnorm_evaluation_uses_running_statistics(backend):
    # running mean 1, var 4 → y = (x − 1)/√(4 + 1e-5) ≈ (x − 1)/2: x = 5 → 2, x = −1 → −1,
    # independent of the rest of the batch; running statistics are left alone
    layer = build(BatchNorm(), (1,), backend)
    layer.buffers["running_mean"] = backend.asarray([1.0])
    layer.buffers["running_var"] = backend.asarray([4.0])
    layer.train(False)
    np.testing.assert_allclose(to_host(layer.forward(backend.asarray([[5.0], [-1.0]]))), [[2], [-1]], atol=1e-5)
    np.testing.assert_allclose(to_host(layer.forward(backend.asarray([[5.0]]))), [[2]], atol=1e-5)
    np.testing.assert_allclose(to_host(layer.buffers["running_mean"]), [1.0])


@pytest.mark.parametrize("shape", [(3,), (3, 4, 4)])
def test_batchnorm_running_statistics_converge_to_the_data(backend, shape):
    # data with mean [−2, 0, 5] and std [0.5, 1, 3] per feature/channel; after 150 batches
    # with momentum 0.9 the running mean/var forget their start (0.9¹⁵⁰ ≈ 1e-7)
    mean, std = np.array([-2.0, 0.0, 5.0]), np.array([0.5, 1.0, 3.0])
    axes = (1,) if len(shape) == 1 else (1, 1, 1)
    mean_b, std_b = mean.reshape(1, 3, *axes[1:]), std.reshape(1, 3, *axes[1:])
    rng = np.random.default_rng(0)
    layer = build(BatchNorm(), shape, backend)
    for _ in range(150):
        x = rng.normal(size=(32, *shape)) * std_b + mean_b
        layer.forward(backend.asarray(x))
    # the running mean averages ≈ 19 batch means: its spread is ≈ 0.04·std for batches of 32
    assert np.all(np.abs(to_host(layer.buffers["running_mean"]) - mean) < 0.15 * std)
    np.testing.assert_allclose(to_host(layer.buffers["running_var"]), std**2, rtol=0.15)


def test_batchnorm_param_counts_and_buffers(backend):
    layer = BatchNorm()
    assert layer.count_params((8,)) == (16, 16)          # γ, β trainable; running mean, var not
    assert layer.count_params((6, 5, 5)) == (12, 12)     # one of each per channel
    build(layer, (6, 5, 5), backend)
    assert set(layer.params) == {"gamma", "beta"}
    assert all(not p.decay for p in layer.params.values())
    np.testing.assert_array_equal(to_host(layer.params["gamma"].data), np.ones(6))
    np.testing.assert_array_equal(to_host(layer.buffers["running_var"]), np.ones(6))


def test_batchnorm_buffers_travel_in_the_state_dict(backend):
    net = Network.sequential((3,), [Dense(3), BatchNorm()]).build(backend)
    net.forward(backend.asarray(np.random.default_rng(0).normal(5.0, 1.0, size=(16, 3))))
    state = net.state_dict()
    assert {"batchnorm2.running_mean", "batchnorm2.running_var", "batchnorm2.gamma"} <= set(state)
    other = Network.sequential((3,), [Dense(3), BatchNorm()]).build(backend, seed=9)
    other.load_state_dict(state)
    np.testing.assert_array_equal(to_host(other.nodes["batchnorm2"].layer.buffers["running_mean"]),
                                  state["batchnorm2.running_mean"])


def test_batchnorm_keeps_float32(backend):
    layer = build(BatchNorm(), (2, 3, 3), backend)
    y = layer.forward(backend.asarray(np.ones((2, 2, 3, 3))))
    assert y.dtype == backend.dtype == np.float32
    assert layer.buffers["running_var"].dtype == np.float32
    assert layer.backward(y).dtype == np.float32


def test_batchnorm_rejects_sequences_with_plain_message():
    with pytest.raises(ShapeError, match=r"\(F,\) or an image \(C, H, W\).*\(5, 3\)"):
        BatchNorm().output_shape((5, 3))


@pytest.mark.parametrize("kw", [{"momentum": 1.0}, {"momentum": -0.1}, {"eps": 0.0}])
def test_batchnorm_rejects_bad_settings(kw):
    with pytest.raises(ValueError):
        BatchNorm(**kw)
