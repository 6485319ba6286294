"""Shape and parameter exercises worked on paper, checked from shapes alone (no data, no arrays).

Output size per axis: ⌊(n + 2p − f)/s⌋ + 1.   Conv parameters: (f·f·c_in + 1)·c_out.
"""

import numpy as np
import pytest

from playground.engine.im2col import Windows, output_length, resolve_padding, same_padding
from playground.engine.layer import ShapeError
from playground.engine.layers.conv import Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D
from playground.engine.layers.locally_connected import LocallyConnected2D
from playground.engine.layers.pooling import AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D, SumPool2D
from playground.engine.layers.upsample import Upsample2D
from playground.engine.network import Network


def summary_of(input_shape, layers):
    """``[(kind, shape, trainable params), …]`` of a plain stack, from shapes alone."""
    net = Network.sequential(input_shape, layers)
    return [(row["kind"], row["shape"], row["trainable"]) for row in net.summary()[1:]]


def test_lenet5_sizes_and_parameters():
    # 28 −conv5→ 28−5+1 = 24 −pool2→ 12 −conv5→ 12−5+1 = 8 −pool2→ 4;  16·4·4 = 256 features
    # conv1: (5·5·1 + 1)·6 = 156      conv2: (5·5·6 + 1)·16 = 2416
    # dense: (256+1)·120 = 30840, (120+1)·84 = 10164, (84+1)·10 = 850
    from playground.engine.layers.dense import Dense
    from playground.engine.layers.shape import Flatten

    rows = summary_of((1, 28, 28), [Conv2D(6, 5), MaxPool2D(2), Conv2D(16, 5), MaxPool2D(2), Flatten(),
                                    Dense(120), Dense(84), Dense(10)])
    assert rows == [("conv2d", (6, 24, 24), 156), ("max_pool2d", (6, 12, 12), 0),
                    ("conv2d", (16, 8, 8), 2416), ("max_pool2d", (16, 4, 4), 0), ("flatten", (256,), 0),
                    ("dense", (120,), 30840), ("dense", (84,), 10164), ("dense", (10,), 850)]
    net = Network.sequential((1, 28, 28), [Conv2D(6, 5), MaxPool2D(2), Conv2D(16, 5), MaxPool2D(2)])
    assert net.count_params() == (156 + 2416, 0)


def test_a_28x28_conv_pool_stack():
    # 28 −conv3 same→ 28 −pool2→ 14 −conv3 valid→ 12 −pool2→ 6 −conv3 s2 p1→ ⌊(6+2−3)/2⌋+1 = 3
    # params: (9·1+1)·8 = 80, (9·8+1)·16 = 1168, (9·16+1)·32 = 4640
    rows = summary_of((1, 28, 28), [Conv2D(8, 3, padding="same"), MaxPool2D(2), Conv2D(16, 3), MaxPool2D(2),
                                    Conv2D(32, 3, stride=2, padding=1), GlobalAvgPool2D()])
    assert [r[1] for r in rows] == [(8, 28, 28), (8, 14, 14), (16, 12, 12), (16, 6, 6), (32, 3, 3), (32,)]
    assert [r[2] for r in rows] == [80, 0, 1168, 0, 4640, 0]


def test_strided_padded_conv():
    # n = 7, f = 3, s = 2, p = 1:  ⌊(7 + 2 − 3)/2⌋ + 1 = ⌊6/2⌋ + 1 = 4
    assert output_length(7, 3, 2, pad_total=2) == 4
    assert Conv2D(1, 3, stride=2, padding=1).output_shape((1, 7, 7)) == (1, 4, 4)


@pytest.mark.parametrize("n,f", [(5, 3), (8, 5), (6, 1), (7, 4)])
def test_same_padding_keeps_the_size_at_stride_1(n, f):
    # stride 1 "same": p_total = f − 1 (odd f: (f−1)/2 each side) → n + f − 1 − f + 1 = n
    assert Conv2D(2, f, padding="same").output_shape((3, n, n + 1)) == (2, n, n + 1)


def test_same_padding_at_stride_2_is_ceil_and_tensorflow_split():
    # out = ⌈n/s⌉; total pad = (out − 1)·s + f − n, the smaller half before (TensorFlow)
    # n=5, f=2, s=2: out 3, total (3−1)·2 + 2 − 5 = 1 → (0 before, 1 after)
    # n=7, f=3, s=2: out 4, total 3·2 + 3 − 7 = 2 → (1, 1)
    # n=8, f=3, s=2: out 4, total 3·2 + 3 − 8 = 1 → (0, 1)
    assert same_padding(5, 2, 2) == (0, 1)
    assert same_padding(7, 3, 2) == (1, 1)
    assert same_padding(8, 3, 2) == (0, 1)
    assert Conv2D(1, 3, stride=2, padding="same").output_shape((1, 8, 7)) == (1, 4, 4)
    assert resolve_padding("same", (8, 7), (3, 3), (2, 2)) == (0, 1, 1, 1)


def test_one_by_one_conv_changes_channels():
    # 64 → 16 channels, size kept; params (1·1·64 + 1)·16 = 1040
    layer = Conv2D(16, 1)
    assert layer.output_shape((64, 7, 7)) == (16, 7, 7)
    assert layer.count_params((64, 7, 7)) == (1040, 0)
    assert layer.param_shapes((64, 7, 7)) == {"W": (16, 64, 1, 1), "b": (16,)}


def test_dilation_widens_the_kernel():
    # 3×3 with dilation 2 spans (3−1)·2 + 1 = 5 pixels: 9 → 9 − 5 + 1 = 5
    assert Conv2D(1, 3, dilation=2).output_shape((1, 9, 9)) == (1, 5, 5)


def test_parameter_shapes_of_every_conv_kind():
    shape = (3, 8, 8)
    # depthwise: one 3×3 filter per channel, multiplier 2 → 3·2 maps; (9 + 1)·6 = 60 params
    assert DepthwiseConv2D(3, depth_multiplier=2).param_shapes(shape) == {"W": (3, 2, 3, 3), "b": (6,)}
    assert DepthwiseConv2D(3, depth_multiplier=2).count_params(shape) == (60, 0)
    assert DepthwiseConv2D(3, depth_multiplier=2, padding="same").output_shape(shape) == (6, 8, 8)
    # separable 3 → 8: 3·3·3 (depthwise) + 3·8 (pointwise) + 8 (bias) = 59,
    # against Conv2D's (3·3·3 + 1)·8 = 224
    sep = SeparableConv2D(8, 3)
    assert sep.param_shapes(shape) == {"depthwise": (3, 1, 3, 3), "pointwise": (8, 3), "b": (8,)}
    assert sep.count_params(shape) == (59, 0) and Conv2D(8, 3).count_params(shape) == (224, 0)
    # transposed: (n − 1)·s − 2p + k = 7·2 − 2 + 3 = 15; W is (C_in, filters, k, k)
    up = Conv2DTranspose(4, 3, stride=2, padding=1)
    assert up.output_shape(shape) == (4, 15, 15)
    assert up.param_shapes(shape) == {"W": (3, 4, 3, 3), "b": (4,)}
    assert Conv2DTranspose(4, 4, stride=2, padding="same").output_shape(shape) == (4, 16, 16)
    # locally connected 3×3 → 6×6 positions, each with its own 27·2 weights: 36·27·2 + 2·36 = 2016
    lc = LocallyConnected2D(2, 3)
    assert lc.output_shape(shape) == (2, 6, 6)
    assert lc.param_shapes(shape) == {"W": (36, 27, 2), "b": (2, 6, 6)}
    assert lc.count_params(shape) == (2016, 0)


def test_pooling_and_upsampling_shapes():
    shape = (5, 9, 8)
    assert MaxPool2D(2).output_shape(shape) == (5, 4, 4)               # ⌊9/2⌋, 8/2
    assert AvgPool2D(3, stride=2, padding=1).output_shape(shape) == (5, 5, 4)  # ⌊(9+2−3)/2⌋+1 = 5
    assert SumPool2D(2, padding=1).output_shape(shape) == (5, 5, 5)    # ⌊(9+2−2)/2⌋+1 = 5
    assert GlobalAvgPool2D().output_shape(shape) == (5,) and GlobalMaxPool2D().output_shape(shape) == (5,)
    assert Upsample2D(2).output_shape(shape) == (5, 18, 16)
    assert Upsample2D((3, 1), "bilinear").output_shape(shape) == (5, 27, 8)
    assert all(layer.param_shapes(shape) == {} for layer in (MaxPool2D(2), Upsample2D(2), GlobalAvgPool2D()))


# -- plain-words errors ------------------------------------------------------------------------
def test_kernel_larger_than_input():
    with pytest.raises(ShapeError, match=r"conv2d1: kernel 5×5 is larger than the 3×3 input \(with padding 0\): "
                                         r"use padding or a smaller kernel"):
        Network.sequential((1, 3, 3), [Conv2D(4, 5)]).infer_shapes()
    assert Conv2D(4, 5, padding=1).output_shape((1, 3, 3)) == (4, 1, 1)  # 3 + 2 − 5 + 1


def test_flat_input_asks_for_a_reshape():
    with pytest.raises(ShapeError, match=r"expects an image \(channels, height, width\) per sample, got \(64,\): "
                                         r"add a Reshape layer \(e.g. to \(1, 8, 8\)\)"):
        Network.sequential((64,), [Conv2D(4, 3)]).build()
    for layer in (MaxPool2D(2), GlobalAvgPool2D(), Upsample2D(2), LocallyConnected2D(2, 3),
                  DepthwiseConv2D(3), Conv2DTranspose(2, 3)):
        with pytest.raises(ShapeError, match="Reshape"):
            layer.output_shape((10,))


def test_other_shape_errors_say_what_to_do():
    with pytest.raises(ShapeError, match="dilation 2×2 spans 5×5"):
        Conv2D(1, 3, dilation=2).output_shape((1, 4, 4))
    with pytest.raises(ShapeError, match="smaller than the 2×2 window"):
        MaxPool2D(2, padding=2).output_shape((1, 4, 4))
    with pytest.raises(ShapeError, match="kernel 3×3 is larger than the 2×2 input"):
        MaxPool2D(3).output_shape((1, 2, 2))
    with pytest.raises(ShapeError, match="use less padding"):
        Conv2DTranspose(1, 2, padding=2).output_shape((1, 1, 1))   # (1−1)·1 − 4 + 2 = −2
    with pytest.raises(ShapeError, match="at least as large as the stride"):
        Conv2DTranspose(1, 2, stride=3, padding="same").output_shape((1, 4, 4))


def test_bad_arguments_are_rejected_early():
    with pytest.raises(ValueError, match="padding"):
        Conv2D(4, 3, padding="full")
    with pytest.raises(ValueError, match="padding"):
        Conv2D(4, 3, padding=-1)
    with pytest.raises(ValueError, match="stride"):
        Conv2D(4, 3, stride=0)
    with pytest.raises(ValueError, match="filter"):
        Conv2D(0, 3)
    with pytest.raises(ValueError, match="mode"):
        Upsample2D(2, "cubic")


def test_windows_geometry_matches_the_formula():
    rng = np.random.default_rng(0)
    for _ in range(50):
        n, k, s, p, d = (int(v) for v in (rng.integers(3, 12), rng.integers(1, 4), rng.integers(1, 4),
                                          rng.integers(0, 3), rng.integers(1, 3)))
        if (k - 1) * d + 1 > n + 2 * p:
            continue
        win = Windows((1, n, n), k, s, p, d)
        assert win.out_h == (n + 2 * p - (k - 1) * d - 1) // s + 1
