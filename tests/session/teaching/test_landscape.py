import time

import numpy as np
import pytest

from playground.engine.backend import numpy_backend, to_host
from playground.engine.layers.activation import Activation
from playground.engine.layers.dense import Dense
from playground.engine.losses import MSE, BinaryCrossEntropy
from playground.engine.network import Network
from playground.engine.optimizers import SGD
from playground.engine.training import train_step
from playground.session.teaching.landscape import (
    filter_normalize,
    loss_slice,
    pca_directions,
    project_path,
    random_directions,
)


def xor_batch(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype(np.float32)
    return x, (x[:, :1] * x[:, 1:] > 0).astype(np.float32)


def mlp(seed=0, backend=None):
    return Network.sequential((2,), [Dense(16), Activation("tanh"), Dense(16), Activation("tanh"),
                                     Dense(1), Activation("sigmoid")]).build(backend, seed=seed)


def test_filter_normalization_by_hand():
    # W has columns (3, 4) and (0, 2), norms 5 and 2; direction columns (1, 0) and (0, −1), norms 1 and 1
    # → scaled to the weights' column norms: (5, 0) and (0, −2)
    w = np.array([[3.0, 0.0], [4.0, 2.0]])
    d = np.array([[1.0, 0.0], [0.0, -1.0]])
    np.testing.assert_allclose(filter_normalize(d, w), [[5.0, 0.0], [0.0, -2.0]])


def test_random_directions_are_filter_normalized_with_no_bias_direction():
    net = mlp()
    d1, d2 = random_directions(net, seed=1)
    for name, p in net.named_parameters().items():
        w = to_host(p.data).astype(np.float64)
        if name.endswith(".b"):
            assert not d1[name].any() and not d2[name].any()
        else:  # every unit (column) moves by exactly its own size
            np.testing.assert_allclose(np.linalg.norm(d1[name], axis=0), np.linalg.norm(w, axis=0), rtol=1e-9)
    assert not np.allclose(d1["dense1.W"], d2["dense1.W"])


def test_slice_uses_the_real_network_and_restores_its_weights(backend):
    net = mlp(backend=backend)
    x, t = xor_batch()
    before = net.state_dict()
    s = loss_slice(net, BinaryCrossEntropy(), x, t, resolution=5, extent=0.5, seed=2)
    assert s.losses.shape == (5, 5)
    for k, v in before.items():
        np.testing.assert_array_equal(net.state_dict()[k], v)
    loss = BinaryCrossEntropy()
    assert s.losses[2, 2] == pytest.approx(s.center_loss, rel=1e-6)  # α = β = 0 is the centre
    assert s.center_loss == pytest.approx(float(loss.forward(net.predict(backend.asarray(x)),
                                                             backend.asarray(t))), rel=1e-6)
    # one off-centre point by hand: θ = θ₀ + α d₁ + β d₂ with α = 0.5 (i = 4), β = −0.25 (j = 1)
    d1, d2 = s.directions
    moved = Network.sequential((2,), [Dense(16), Activation("tanh"), Dense(16), Activation("tanh"),
                                      Dense(1), Activation("sigmoid")]).build(numpy_backend(np.float64))
    moved.load_state_dict({k: v + 0.5 * d1[k] - 0.25 * d2[k] for k, v in s.center.items()})
    expected = float(loss.forward(moved.predict(x.astype(np.float64)), t.astype(np.float64)))
    assert s.losses[1, 4] == pytest.approx(expected, rel=1e-5)


def test_trained_minimum_of_a_convex_problem_is_the_lowest_point_of_the_slice():
    # linear regression with MSE is convex: at the least-squares weights every direction goes up
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 3))
    t = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.normal(size=(100, 1))
    net = Network.sequential((3,), [Dense(1)]).build(numpy_backend(np.float64))
    solution, *_ = np.linalg.lstsq(np.column_stack([x, np.ones(100)]), t, rcond=None)
    net.load_state_dict({"dense1.W": solution[:3], "dense1.b": solution[3]})
    s = loss_slice(net, MSE(), x, t, resolution=9)
    assert s.losses.min() == s.losses[4, 4] == pytest.approx(s.center_loss)
    assert s.losses[0, 0] > s.center_loss


def test_25_by_25_slice_of_a_small_mlp_is_fast():
    net = mlp()
    x, t = xor_batch()
    start = time.perf_counter()
    s = loss_slice(net, BinaryCrossEntropy(), x, t, resolution=25)
    elapsed = time.perf_counter() - start
    assert s.losses.shape == (25, 25) and np.all(np.isfinite(s.losses))
    assert elapsed < 1.5, f"a 25×25 slice took {elapsed:.2f} s"


def test_path_projection_recovers_known_coordinates_and_follows_training():
    net = mlp()
    x, t = xor_batch()
    d1, d2 = random_directions(net, seed=0)
    center = {k: v.astype(np.float64) for k, v in net.state_dict().items()}
    coords = [(0.0, 0.0), (0.3, -0.1), (-1.0, 2.0)]
    snapshots = [{k: center[k] + a * d1[k] + b * d2[k] for k in center} for a, b in coords]
    np.testing.assert_allclose(project_path(snapshots, center, (d1, d2)), coords, atol=1e-9)

    # a real training path, seen along its own principal directions
    opt = SGD(net.parameters(), lr=0.5)
    path = [net.state_dict()]
    for _ in range(20):
        train_step(net, BinaryCrossEntropy(), opt, x, target=t)
        path.append(net.state_dict())
    final = path[-1]
    (p1, p2), share = pca_directions(path, final)
    assert share[0] > 0.5 and share.sum() <= 1 + 1e-9
    xy = project_path(path, final, (p1, p2))
    np.testing.assert_allclose(xy[-1], [0.0, 0.0], atol=1e-9)  # the path ends at the centre
    assert np.linalg.norm(xy[0]) > 0.1                           # and started away from it
