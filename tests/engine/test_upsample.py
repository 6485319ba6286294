import numpy as np
import pytest

from playground.engine.backend import get_backend, to_host
from playground.engine.gradcheck import check_layer
from playground.engine.layers.upsample import Upsample2D, bilinear_matrix


def run(layer, x, backend, dy=None):
    layer.build([x.shape[1:]], backend.xp, backend.dtype, np.random.default_rng(0))
    y = layer.forward(backend.asarray(x))
    dx = layer.backward(backend.asarray(np.ones(y.shape) if dy is None else dy))
    return to_host(y), to_host(dx)


@pytest.mark.parametrize("layer,shape", [
    (Upsample2D(2), (2, 3, 4)),
    (Upsample2D((3, 1)), (1, 2, 3)),
    (Upsample2D(2, "bilinear"), (2, 3, 4)),
    (Upsample2D((2, 3), "bilinear"), (1, 4, 2)),
], ids=repr)
def test_upsample_gradients(backend64, layer, shape):
    errors = check_layer(layer, [shape], backend=backend64)
    assert errors["input0"] < 1e-7, errors


def test_nearest_by_hand(backend):
    # every pixel becomes a 2×2 block; backward: each pixel collects the 4 gradients of its block
    x = np.array([[[[1, 2], [3, 4]]]], dtype=float)
    dy = np.arange(16, dtype=float).reshape(1, 1, 4, 4)
    y, dx = run(Upsample2D(2), x, backend, dy)
    np.testing.assert_array_equal(y[0, 0], [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    # block sums: 0+1+4+5 = 10, 2+3+6+7 = 18, 8+9+12+13 = 42, 10+11+14+15 = 50
    np.testing.assert_array_equal(dx[0, 0], [[10, 18], [42, 50]])


def test_bilinear_by_hand(backend):
    # one row [0, 4] widened ×2, half-pixel centres: output o sits at src = (o + ½)/2 − ½
    #   o=0: −¼ → clamped to 0 → 0;   o=1: ¼ → ¾·0 + ¼·4 = 1
    #   o=2: ¾ → ¼·0 + ¾·4 = 3;       o=3: 1¼ → past the last pixel → 4
    y, dx = run(Upsample2D((1, 2), "bilinear"), np.array([[[[0.0, 4.0]]]]), backend)
    np.testing.assert_allclose(y[0, 0], [[0, 1, 3, 4]])
    # backward with δ = 1: pixel 0 collects 1 + ¾ + ¼ = 2, pixel 1 collects ¼ + ¾ + 1 = 2
    np.testing.assert_allclose(dx[0, 0], [[2, 2]])


def test_interpolation_rows_sum_to_one():
    A = bilinear_matrix(5, 3)
    assert A.shape == (15, 5)
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    assert ((A != 0).sum(axis=1) <= 2).all()


@pytest.mark.parametrize("scale", [2, 3])
def test_matches_torch_interpolate(scale):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    b64 = get_backend("numpy", np.float64)
    for mode, kwargs in (("nearest", {}), ("bilinear", {"align_corners": False})):
        y, _ = run(Upsample2D(scale, mode), x, b64)
        expected = torch.nn.functional.interpolate(torch.tensor(x), scale_factor=scale, mode=mode, **kwargs)
        np.testing.assert_allclose(y, expected.numpy(), atol=1e-12)


def test_float32_stays_float32(backend):
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 4))
    for mode in ("nearest", "bilinear"):
        y, dx = run(Upsample2D(2, mode), x, backend)
        assert y.dtype == np.float32 and dx.dtype == np.float32 and dx.shape == x.shape
