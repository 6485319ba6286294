import numpy as np
import pytest

from playground.engine.backend import get_backend, to_host
from playground.engine.gradcheck import check_layer
from playground.engine.layers.pooling import AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D, SumPool2D

X = np.array([[1, 3, 2, 0],
              [4, 2, 1, 5],
              [0, 1, 3, 3],
              [2, 2, 1, 0]], dtype=float)


def build(layer, in_shape, backend):
    layer.build([in_shape], backend.xp, backend.dtype, np.random.default_rng(0))
    return layer


def run(layer, x, backend, dy=None):
    build(layer, x.shape[1:], backend)
    y = layer.forward(backend.asarray(x))
    dx = layer.backward(backend.asarray(np.ones(y.shape) if dy is None else dy))
    return to_host(y), to_host(dx)


@pytest.mark.parametrize("layer,shape", [
    (MaxPool2D(2), (2, 4, 4)),
    (MaxPool2D(3, stride=2, padding=1), (2, 5, 5)),   # overlapping windows, padding
    (MaxPool2D(2, padding=1), (2, 5, 4)),
    (MaxPool2D(2, stride=3), (1, 7, 7)),              # gaps between windows
    (AvgPool2D(2), (2, 5, 4)),                        # last row left out
    (AvgPool2D(3, stride=1, padding=1), (2, 4, 4)),
    (SumPool2D(2, padding=1), (2, 3, 3)),
    (SumPool2D((2, 3), stride=(1, 2)), (1, 4, 6)),
    (GlobalAvgPool2D(), (3, 4, 5)),
    (GlobalMaxPool2D(), (3, 4, 5)),
], ids=repr)
def test_pooling_gradients(backend64, layer, shape):
    errors = check_layer(layer, [shape], backend=backend64)
    assert errors["input0"] < 1e-7, errors


def test_max_pool_by_hand(backend):
    # windows: [1 3 / 4 2] → 4, [2 0 / 1 5] → 5, [0 1 / 2 2] → 2, [3 3 / 1 0] → 3
    # backward: δ goes to the argmax only; on a tie the first maximum (row by row) wins:
    #   window 3 has 2 at (3,0) and (3,1) → (3,0); window 4 has 3 at (2,2) and (2,3) → (2,2)
    y, dx = run(MaxPool2D(2), X[None, None], backend, dy=np.array([[[[10, 20], [30, 40]]]]))
    np.testing.assert_array_equal(y[0, 0], [[4, 5], [2, 3]])
    expected = np.zeros((4, 4))
    expected[1, 0], expected[1, 3], expected[3, 0], expected[2, 2] = 10, 20, 30, 40
    np.testing.assert_array_equal(dx[0, 0], expected)


def test_average_and_sum_pool_by_hand(backend):
    # sums: 1+3+4+2 = 10, 2+0+1+5 = 8, 0+1+2+2 = 5, 3+3+1+0 = 7; averages ÷ 4
    # backward: every pixel of a window gets δ (sum) or δ/4 (average)
    y, dx = run(SumPool2D(2), X[None, None], backend)
    np.testing.assert_array_equal(y[0, 0], [[10, 8], [5, 7]])
    np.testing.assert_array_equal(dx, np.ones((1, 1, 4, 4)))
    y, dx = run(AvgPool2D(2), X[None, None], backend)
    np.testing.assert_array_equal(y[0, 0], [[2.5, 2], [1.25, 1.75]])
    np.testing.assert_array_equal(dx, np.full((1, 1, 4, 4), 0.25))


def test_overlapping_max_pool_adds_gradients(backend):
    # 3×3 input, 2×2 windows, stride 1: the centre 5 is the max of all four windows → gets 4·δ
    x = np.array([[1, 2, 1], [2, 5, 2], [1, 2, 1]], dtype=float)[None, None]
    y, dx = run(MaxPool2D(2, stride=1), x, backend)
    np.testing.assert_array_equal(y[0, 0], [[5, 5], [5, 5]])
    np.testing.assert_array_equal(dx[0, 0], [[0, 0, 0], [0, 4, 0], [0, 0, 0]])


def test_padding_never_wins_the_max_and_counts_as_zero_in_the_average(backend):
    # all-negative input with padding 1: max pooling pads with −∞, so corners keep −1 …
    x = -np.ones((1, 1, 2, 2))
    y, _ = run(MaxPool2D(2, padding=1), x, backend)
    np.testing.assert_array_equal(y[0, 0], -np.ones((2, 2)))
    # … average pooling pads with 0 and divides by k·k = 4: each window holds one −1 → −0.25
    y, dx = run(AvgPool2D(2, padding=1), x, backend)
    np.testing.assert_array_equal(y[0, 0], np.full((2, 2), -0.25))
    np.testing.assert_array_equal(dx[0, 0], np.full((2, 2), 0.25))


def test_global_pools_by_hand(backend):
    # channel 0 = X: mean 30/16 = 1.875, max 5 at (1, 3); channel 1 = −X: max 0, first at (0, 3)
    x = np.stack([X, -X])[None]
    y, dx = run(GlobalAvgPool2D(), x, backend)
    np.testing.assert_allclose(y, [[1.875, -1.875]])
    np.testing.assert_allclose(dx, np.full((1, 2, 4, 4), 1 / 16))
    y, dx = run(GlobalMaxPool2D(), x, backend, dy=np.array([[2.0, 3.0]]))
    np.testing.assert_array_equal(y, [[5, 0]])
    expected = np.zeros((2, 4, 4))
    expected[0, 1, 3], expected[1, 0, 3] = 2, 3
    np.testing.assert_array_equal(dx[0], expected)


@pytest.mark.parametrize("kernel,stride,padding", [(2, 2, 0), (3, 2, 1), (2, 1, 0), (3, 3, 1)])
def test_matches_torch_including_ties(kernel, stride, padding):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=(2, 3, 7, 6)).astype(float)   # small integers: many ties
    b64 = get_backend("numpy", np.float64)
    dy_shape = MaxPool2D(kernel, stride, padding).output_shape(x.shape[1:])
    dy = rng.normal(size=(2, *dy_shape))
    xt = torch.tensor(x, requires_grad=True)
    F.max_pool2d(xt, kernel, stride, padding).backward(torch.tensor(dy))
    y, dx = run(MaxPool2D(kernel, stride, padding), x, b64, dy)
    np.testing.assert_array_equal(y, F.max_pool2d(torch.tensor(x), kernel, stride, padding).numpy())
    np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-12)
    y, _ = run(AvgPool2D(kernel, stride, padding), x, b64)
    np.testing.assert_allclose(y, F.avg_pool2d(torch.tensor(x), kernel, stride, padding).numpy(), atol=1e-12)


def test_float32_stays_float32(backend):
    x = np.random.default_rng(0).normal(size=(3, 2, 6, 6))
    for layer in (MaxPool2D(2), AvgPool2D(3, 1, 1), GlobalMaxPool2D()):
        y, dx = run(layer, x, backend)
        assert y.dtype == np.float32 and dx.dtype == np.float32 and dx.shape == x.shape
