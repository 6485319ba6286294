import numpy as np
import pytest

from playground.engine.backend import get_backend, to_host
from playground.engine.gradcheck import check_layer
from playground.engine.layers.conv import Conv2D
from playground.engine.layers.locally_connected import LocallyConnected2D


def build(layer, in_shape, backend):
    layer.build([in_shape], backend.xp, backend.dtype, np.random.default_rng(0))
    return layer


@pytest.mark.parametrize("layer,shape", [
    (LocallyConnected2D(3, 3), (2, 5, 5)),
    (LocallyConnected2D(2, 2, stride=2, padding=1, use_bias=False), (2, 4, 5)),
    (LocallyConnected2D(2, (1, 3)), (1, 3, 4)),
], ids=repr)
def test_locally_connected_gradients(backend64, layer, shape):
    errors = check_layer(layer, [shape], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_parameter_count_shows_no_sharing():
    # 1×8×8 input, 4 filters 3×3 → 6×6 = 36 positions
    # Conv2D shares one set of filters:           (3·3·1 + 1)·4 = 40
    # LocallyConnected2D has one set per position: 36·(3·3·1 + 1)·4 = 1440
    assert Conv2D(4, 3).count_params((1, 8, 8)) == (40, 0)
    assert LocallyConnected2D(4, 3).count_params((1, 8, 8)) == (1440, 0)
    assert LocallyConnected2D(4, 3).output_shape((1, 8, 8)) == Conv2D(4, 3).output_shape((1, 8, 8))


def test_equals_conv_when_every_position_has_the_same_filters(backend):
    # copy the conv filters to all 36 positions: the outputs must agree exactly
    conv = build(Conv2D(4, 3, stride=1), (2, 8, 8), backend)
    lc = build(LocallyConnected2D(4, 3), (2, 8, 8), backend)
    W = to_host(conv.params["W"].data).reshape(4, -1).T         # (C·k·k, F)
    lc.params["W"].data = backend.asarray(np.broadcast_to(W, (36, *W.shape)).copy())
    b = np.random.default_rng(1).normal(size=4)
    conv.params["b"].data = backend.asarray(b)
    lc.params["b"].data = backend.asarray(np.broadcast_to(b[:, None, None], (4, 6, 6)).copy())
    x = backend.asarray(np.random.default_rng(2).normal(size=(3, 2, 8, 8)))
    np.testing.assert_allclose(to_host(lc.forward(x)), to_host(conv.forward(x)), rtol=1e-5, atol=1e-5)


def test_each_position_uses_its_own_filter_by_hand(backend):
    # 1×2×3 input, 1×2 kernel, 1 filter → 2×2 positions; position p has weights [p, 1]
    #   x = 1 2 3   → windows (1,2) (2,3) / (4,5) (5,6)
    #       4 5 6
    #   y_p = p·left + right:  0·1+2 = 2,  1·2+3 = 5,  2·4+5 = 13,  3·5+6 = 21
    layer = build(LocallyConnected2D(1, (1, 2), use_bias=False), (1, 2, 3), backend)
    layer.params["W"].data = backend.asarray(np.array([[[p], [1]] for p in range(4)]))
    x = backend.asarray(np.arange(1, 7).reshape(1, 1, 2, 3))
    y = layer.forward(x)
    np.testing.assert_allclose(to_host(y)[0, 0], [[2, 5], [13, 21]])
    # backward with δ = 1: ∂L/∂W_p = its window; ∂L/∂x adds each position's weights onto its window:
    #   p0 puts (0, 1) on x00, x01;  p1 puts (1, 1) on x01, x02  → top row    0, 1+1, 1
    #   p2 puts (2, 1) on x10, x11;  p3 puts (3, 1) on x11, x12  → bottom row 2, 1+3, 1
    dx = layer.backward(backend.asarray(np.ones((1, 1, 2, 2))))
    np.testing.assert_allclose(to_host(layer.params["W"].grad)[:, :, 0], [[1, 2], [2, 3], [4, 5], [5, 6]])
    np.testing.assert_allclose(to_host(dx)[0, 0], [[0, 1 + 1, 1], [2, 1 + 3, 1]])


def test_matches_a_direct_loop():
    rng = np.random.default_rng(3)
    b64 = get_backend("numpy", np.float64)
    layer = build(LocallyConnected2D(3, 2, stride=2, padding=1), (2, 5, 4), b64)
    layer.params["b"].data = rng.normal(size=layer.params["b"].data.shape)
    x = rng.normal(size=(2, 2, 5, 4))
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    W, b = layer.params["W"].data, layer.params["b"].data
    out_h, out_w = b.shape[1:]
    expected = np.zeros((2, 3, out_h, out_w))
    for n in range(2):
        for r in range(out_h):
            for c in range(out_w):
                window = xp[n, :, 2 * r:2 * r + 2, 2 * c:2 * c + 2].reshape(-1)  # ordered (c, i, j)
                expected[n, :, r, c] = window @ W[r * out_w + c] + b[:, r, c]
    np.testing.assert_allclose(layer.forward(x), expected, atol=1e-12)
