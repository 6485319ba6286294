"""Pure-NumPy helpers: shapes to images, colour maps, mosaics."""

import numpy as np
import pytest

from playground.ui.plots.colors import (BLUE, MIDDLE, ORANGE, auto_range, blend_classes,
                                        class_colors, diverging_rgba, hex_to_rgb)
from playground.ui.plots.images import as_images, grid_shape, mosaic, tile_origin, to_rgba


def test_as_images_understands_common_layouts():
    assert as_images(np.zeros((5, 64))).shape == (5, 8, 8)  # flat 8×8 digits
    assert as_images(np.zeros((5, 1, 28, 28))).shape == (5, 28, 28)  # NCHW grey
    assert as_images(np.zeros((5, 3, 4, 6))).shape == (5, 4, 6, 3)  # NCHW colour
    assert as_images(np.zeros((5, 10))).shape == (5, 1, 10)  # not square: a strip
    with pytest.raises(ValueError, match="as images"):
        as_images(np.zeros((1, 2, 3, 4, 5)))


def test_diverging_map_ends_and_middle():
    rgba = diverging_rgba(np.array([0.0, 0.5, 1.0, np.nan]), 0.0, 1.0)
    np.testing.assert_array_equal(rgba[0, :3], hex_to_rgb(ORANGE))
    np.testing.assert_array_equal(rgba[1, :3], hex_to_rgb(MIDDLE))
    np.testing.assert_array_equal(rgba[2, :3], hex_to_rgb(BLUE))
    assert list(rgba[:, 3]) == [255, 255, 255, 0]  # NaN is transparent


def test_auto_range_recognises_probabilities_tanh_and_regression():
    assert auto_range(np.array([0.1, 0.9])) == (0.0, 1.0)
    assert auto_range(np.array([-0.5, 0.9])) == (-1.0, 1.0)
    assert auto_range(np.array([-3.0, 2.0])) == (-3.0, 3.0)


def test_blend_weights_class_colours_by_probability():
    colours = ["#ff0000", "#0000ff"]
    rgba = blend_classes(np.array([[1.0, 0.0], [0.5, 0.5]]), colours, paleness=0.0)
    np.testing.assert_array_equal(rgba[0, :3], [255, 0, 0])
    # half red, half blue: (127.5, 0, 127.5) rounds to (128, 0, 128)
    np.testing.assert_array_equal(rgba[1, :3], [128, 0, 128])


def test_class_colours_match_the_playground_for_two_classes():
    assert class_colors(2) == [ORANGE, BLUE]
    assert len(set(class_colors(7))) == 7


def test_to_rgba_shared_range_keeps_faint_images_faint():
    imgs = np.stack([np.full((2, 2), 1.0), np.full((2, 2), 0.5)])
    shared = to_rgba(imgs, lo=0.0, hi=1.0)
    assert shared[0, 0, 0, 0] == 255 and shared[1, 0, 0, 0] == 128
    # each image stretched to its own range
    ramp = np.stack([np.array([[0.0, 1.0]]), np.array([[0.0, 0.01]])])
    own = to_rgba(ramp, per_image=True)
    assert own[1, 0, 1, 0] == 255  # the faint ramp stretched to full brightness


def test_mosaic_places_tiles_row_by_row_with_transparent_gaps():
    tiles = np.zeros((5, 2, 3, 4), dtype=np.uint8)
    for i in range(5):
        tiles[i] = i + 1
    out = mosaic(tiles, cols=3, pad=1)
    assert grid_shape(5, 3) == (2, 3)
    assert out.shape == (2 * 3 - 1, 3 * 4 - 1, 4)  # rows·(h+pad)−pad, cols·(w+pad)−pad
    x, y = tile_origin(4, 3, 2, 3)  # tile 4: row 1, column 1
    assert (x, y) == (4, 3)
    assert out[y, x, 0] == 5
    assert out[2, 0, 3] == 0  # the padding row is transparent
