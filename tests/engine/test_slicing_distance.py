"""Slice (one part of each sample) and AbsDifference (|a − b|): the pieces of a Siamese pair."""

import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.gradcheck import check_layer
from playground.engine.layer import ShapeError
from playground.engine.layers.distance import AbsDifference
from playground.engine.layers.slicing import Slice


def build(layer, shapes, backend):
    layer.build(list(shapes), backend.xp, backend.dtype, np.random.default_rng(0))
    return layer


# -- Slice ----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape, start, stop, axis", [((6,), 1, 4, 0), ((1, 4, 8), 4, 8, 2), ((3, 5), 0, 2, 0)])
def test_slice_gradients_match_finite_differences(backend64, shape, start, stop, axis):
    errors = check_layer(Slice(start, stop, axis=axis), [shape], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_slice_by_hand(backend):
    # one sample [[1, 2, 3, 4], [5, 6, 7, 8]] (shape (2, 4)); axis 1, positions 2..3 → [[3, 4], [7, 8]]
    layer = build(Slice(2, 4, axis=1), [(2, 4)], backend)
    x = backend.asarray([[[1, 2, 3, 4], [5, 6, 7, 8]]])
    np.testing.assert_allclose(to_host(layer.forward(x)), [[[3, 4], [7, 8]]])
    # the kept positions get the gradient back, the cut-off ones 0
    dx = layer.backward(backend.asarray([[[0.5, -1], [2, 3]]]))
    np.testing.assert_allclose(to_host(dx), [[[0, 0, 0.5, -1], [0, 0, 2, 3]]])


def test_slice_shapes():
    assert Slice(0, 8, axis=2).output_shape((1, 8, 16)) == (1, 8, 8)
    assert Slice(64, 128).output_shape((128,)) == (64,)


def test_slice_errors_say_what_to_change():
    with pytest.raises(ShapeError, match=r"slice: keeps positions 4 to 9 of axis 0, but the input \(8,\) has only 8 "
                                         r"there \(0 to 7\); make stop at most 8"):
        Slice(4, 10).output_shape((8,))
    with pytest.raises(ShapeError, match=r"cuts along axis 1, but the input \(8,\) has only axes 0 to 0"):
        Slice(0, 2, axis=1).output_shape((8,))
    with pytest.raises(ValueError, match="stop .3. must be after start .3."):
        Slice(3, 3)
    with pytest.raises(ValueError, match="count from 0"):
        Slice(-1, 3)


# -- AbsDifference ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(4,), (2, 3, 3)])
def test_abs_difference_gradients_match_finite_differences(backend64, shape):
    errors = check_layer(AbsDifference(), [shape, shape], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_abs_difference_by_hand(backend):
    # a = [1, 5, −2], b = [3, 1, −2]: a − b = [−2, 4, 0], |a − b| = [2, 4, 0]
    layer = build(AbsDifference(), [(3,), (3,)], backend)
    y = layer.forward(backend.asarray([[1, 5, -2]]), backend.asarray([[3, 1, -2]]))
    np.testing.assert_allclose(to_host(y), [[2, 4, 0]])
    # ∂L/∂a = δ·sign(a − b) = [1, 1, 1]·[−1, 1, 0]; ∂L/∂b is its negative
    da, db = layer.backward(backend.asarray([[1.0, 1.0, 1.0]]))
    np.testing.assert_allclose(to_host(da), [[-1, 1, 0]])
    np.testing.assert_allclose(to_host(db), [[1, -1, 0]])


def test_abs_difference_needs_equal_shapes():
    with pytest.raises(ShapeError, match=r"abs_difference: .*same shape, but got \(4,\) and \(5,\)"):
        AbsDifference().output_shape((4,), (5,))
