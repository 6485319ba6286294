import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.gradcheck import check_layer
from playground.engine.im2col import Windows, weight_grad
from playground.engine.layers.conv import Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D
from playground.engine.network import Network


def build(layer, in_shape, backend, seed=0):
    layer.build([in_shape], backend.xp, backend.dtype, np.random.default_rng(seed))
    return layer


def set_params(layer, backend, **values):
    for key, value in values.items():
        layer.params[key].data = backend.asarray(value)


def naive_conv2d(x, W, b, stride=1, padding=0, dilation=1):
    """The definition, one output number at a time: y[n,f,r,c] = b_f + Σ_{c',i,j} W[f,c',i,j]·x_pad[…]."""
    n, c_in, h, w = x.shape
    f, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out_h = (h + 2 * padding - ((kh - 1) * dilation + 1)) // stride + 1
    out_w = (w + 2 * padding - ((kw - 1) * dilation + 1)) // stride + 1
    y = np.zeros((n, f, out_h, out_w))
    for s in range(n):
        for k in range(f):
            for r in range(out_h):
                for col in range(out_w):
                    total = b[k]
                    for ch in range(c_in):
                        for i in range(kh):
                            for j in range(kw):
                                total += W[k, ch, i, j] * xp[s, ch, r * stride + i * dilation,
                                                             col * stride + j * dilation]
                    y[s, k, r, col] = total
    return y


# -- gradient checks (float64, central differences) ----------------------------------------------
CONV_CONFIGS = [
    {"filters": 3, "kernel_size": 3},                                          # valid, stride 1
    {"filters": 3, "kernel_size": 3, "stride": 2, "padding": 1},               # strided, explicit padding
    {"filters": 2, "kernel_size": 3, "padding": "same", "dilation": 2},        # dilated, same
    {"filters": 2, "kernel_size": 2, "stride": 2, "padding": "same", "use_bias": False},  # asymmetric pad
    {"filters": 2, "kernel_size": (3, 2), "padding": (1, 0)},                  # rectangular kernel
    {"filters": 4, "kernel_size": 1},                                          # 1×1
]


@pytest.mark.parametrize("config", CONV_CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_conv2d_gradients(backend64, config):
    errors = check_layer(Conv2D(**config), [(2, 5, 6)], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("layer", [
    DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
    DepthwiseConv2D(3, stride=2, use_bias=False),
    SeparableConv2D(3, 3, depth_multiplier=2, padding=1),
    SeparableConv2D(2, 3, stride=2, padding="same"),
    Conv2DTranspose(3, 3, stride=2, padding=1),
    Conv2DTranspose(2, 3),
    Conv2DTranspose(2, 4, stride=2, padding="same", use_bias=False),
], ids=repr)
def test_other_conv_gradients(backend64, layer):
    errors = check_layer(layer, [(2, 5, 4)], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


# -- numbers by hand ------------------------------------------------------------------------
def test_conv2d_forward_and_backward_by_hand(backend):
    # x = 1 2 3    W = 1  2    b = 0.5   (valid, stride 1 → 2×2 output)
    #     4 5 6        0 -1
    #     7 8 9
    # y00 = 1·1 + 2·2 + 4·0 + 5·(−1) + .5 = 0.5     y01 = 2 + 6 + 0 − 6 + .5 = 2.5
    # y10 = 4 + 10 + 0 − 8 + .5 = 6.5              y11 = 5 + 12 + 0 − 9 + .5 = 8.5
    layer = build(Conv2D(1, 2), (1, 3, 3), backend)
    set_params(layer, backend, W=[[[[1, 2], [0, -1]]]], b=[0.5])
    x = backend.asarray(np.arange(1, 10).reshape(1, 1, 3, 3))
    np.testing.assert_allclose(to_host(layer.forward(x))[0, 0], [[0.5, 2.5], [6.5, 8.5]])
    # with δ = 1 everywhere: ∂L/∂W_ij = Σ of the pixels at offset (i, j) of the 4 windows
    #   W00: 1+2+4+5 = 12   W01: 2+3+5+6 = 16   W10: 4+5+7+8 = 24   W11: 5+6+8+9 = 28;  ∂L/∂b = 4
    # ∂L/∂x = every window adds W onto its pixels:
    #   1  1+2        2        =  1  3  2
    #   0+1  −1+0+2+1  −1+2    =  1  2  1
    #   0  −1+0      −1        =  0 -1 -1
    dx = layer.backward(backend.asarray(np.ones((1, 1, 2, 2))))
    np.testing.assert_allclose(to_host(layer.params["W"].grad)[0, 0], [[12, 16], [24, 28]])
    np.testing.assert_allclose(to_host(layer.params["b"].grad), [4])
    np.testing.assert_allclose(to_host(dx)[0, 0], [[1, 3, 2], [1, 2, 1], [0, -1, -1]])


def test_conv2d_transpose_by_hand(backend):
    # each input pixel stamps x·W onto the output; with W = all ones 2×2:
    # stride 2 → blocks do not overlap (it is nearest-neighbour upsampling):
    #   1 1 2 2 / 1 1 2 2 / 3 3 4 4 / 3 3 4 4
    # stride 1 → stamps overlap and add: (n − 1)·1 + 2 = 3 pixels per side
    #   1  1+2  2        1  3  2
    #   1+3  1+2+3+4  2+4  =  4 10  6
    #   3  3+4  4        3  7  4
    x = backend.asarray(np.array([[[[1, 2], [3, 4]]]]))
    up = build(Conv2DTranspose(1, 2, stride=2, use_bias=False), (1, 2, 2), backend)
    set_params(up, backend, W=np.ones((1, 1, 2, 2)))
    np.testing.assert_allclose(to_host(up.forward(x))[0, 0],
                               [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    overlap = build(Conv2DTranspose(1, 2, use_bias=False), (1, 2, 2), backend)
    set_params(overlap, backend, W=np.ones((1, 1, 2, 2)))
    np.testing.assert_allclose(to_host(overlap.forward(x))[0, 0], [[1, 3, 2], [4, 10, 6], [3, 7, 4]])


def test_depthwise_keeps_channels_apart_by_hand(backend):
    # 1×1 depthwise filters, multiplier 2: channel 0 → (2·x0, 3·x0), channel 1 → (−x1, 0·x1)
    layer = build(DepthwiseConv2D(1, depth_multiplier=2, use_bias=False), (2, 2, 2), backend)
    set_params(layer, backend, W=np.array([[2, 3], [-1, 0]]).reshape(2, 2, 1, 1))
    x = np.stack([np.full((2, 2), 1.0), np.full((2, 2), 5.0)])[None]
    y = to_host(layer.forward(backend.asarray(x)))
    np.testing.assert_allclose(y[0, :, 0, 0], [2, 3, -5, 0])


# -- against a direct sum and against PyTorch --------------------------------------------
@pytest.mark.parametrize("kernel,stride,padding,dilation", [
    (3, 1, 0, 1), (3, 2, 1, 1), (3, 1, 2, 2), (3, 3, 1, 1),
    (1, 1, 2, 1), (2, 1, 3, 1),  # padding wider than the kernel: border outputs see only zeros
])
def test_conv2d_matches_naive_loop(kernel, stride, padding, dilation):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 7, 6))
    layer = build(Conv2D(4, kernel, stride=stride, padding=padding, dilation=dilation),
                  (3, 7, 6), _numpy64())
    W, b = layer.params["W"].data, layer.params["b"].data
    b[...] = rng.normal(size=4)
    expected = naive_conv2d(x, W, b, stride, padding, dilation)
    np.testing.assert_allclose(layer.forward(x), expected, atol=1e-12)


def _numpy64():
    from playground.engine.backend import get_backend

    return get_backend("numpy", np.float64)


@pytest.mark.parametrize("stride,padding,dilation", [(1, 1, 1), (2, 0, 1), (2, 1, 2), (1, 0, 1)])
def test_conv2d_matches_torch_forward_and_backward(stride, padding, dilation):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 2, 9, 8))
    layer = build(Conv2D(5, 3, stride=stride, padding=padding, dilation=dilation), (2, 9, 8), _numpy64())
    y = layer.forward(x)
    dy = rng.normal(size=y.shape)
    dx = layer.backward(dy)
    xt = torch.tensor(x, requires_grad=True)
    Wt = torch.tensor(layer.params["W"].data, requires_grad=True)
    bt = torch.tensor(layer.params["b"].data, requires_grad=True)
    yt = torch.nn.functional.conv2d(xt, Wt, bt, stride=stride, padding=padding, dilation=dilation)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, yt.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.params["W"].grad, Wt.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(layer.params["b"].grad, bt.grad.numpy(), atol=1e-10)


def test_depthwise_and_transpose_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 7, 6))
    xt = torch.tensor(x)
    dw = build(DepthwiseConv2D(3, depth_multiplier=2, stride=2, padding=1), (3, 7, 6), _numpy64())
    expected = F.conv2d(xt, torch.tensor(dw.params["W"].data.reshape(6, 1, 3, 3)),
                        torch.tensor(dw.params["b"].data), stride=2, padding=1, groups=3)
    np.testing.assert_allclose(dw.forward(x), expected.numpy(), atol=1e-12)
    up = build(Conv2DTranspose(4, 3, stride=2, padding=1), (3, 7, 6), _numpy64())
    expected = F.conv_transpose2d(xt, torch.tensor(up.params["W"].data), torch.tensor(up.params["b"].data),
                                  stride=2, padding=1)
    np.testing.assert_allclose(up.forward(x), expected.numpy(), atol=1e-12)


def test_separable_is_depthwise_then_pointwise():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 3, 6, 6))
    sep = build(SeparableConv2D(5, 3, depth_multiplier=2, padding="same"), (3, 6, 6), _numpy64())
    dw = build(DepthwiseConv2D(3, depth_multiplier=2, padding="same", use_bias=False), (3, 6, 6), _numpy64())
    pw = build(Conv2D(5, 1), (6, 6, 6), _numpy64())
    dw.params["W"].data = sep.params["depthwise"].data
    pw.params["W"].data = sep.params["pointwise"].data.reshape(5, 6, 1, 1)
    pw.params["b"].data = sep.params["b"].data
    np.testing.assert_allclose(sep.forward(x), pw.forward(dw.forward(x)), atol=1e-12)


# -- init, dtype, feature maps ------------------------------------------------------------
def test_he_uniform_init_uses_fan_in_c_k_k(backend):
    # fan_in = c_in·k·k = 8·3·3 = 72 → W ~ U(±√(6/72)) = U(±0.2887); biases start at 0
    layer = build(Conv2D(16, 3), (8, 10, 10), backend)
    W = to_host(layer.params["W"].data)
    limit = np.sqrt(6 / 72)
    assert W.shape == (16, 8, 3, 3) and W.dtype == np.float32
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.9 * limit
    assert abs(W.std() - limit / np.sqrt(3)) < 0.02  # std of U(±a) is a/√3
    assert not to_host(layer.params["b"].data).any()


def test_float32_in_float32_out(backend):
    layer = build(Conv2D(3, 3, padding="same"), (2, 6, 6), backend)
    x = backend.asarray(np.random.default_rng(0).normal(size=(4, 2, 6, 6)))
    y = layer.forward(x)
    dx = layer.backward(y)
    assert y.dtype == np.float32 and dx.dtype == np.float32
    assert layer.params["W"].grad.dtype == np.float32 and layer.params["W"].grad.shape == (3, 2, 3, 3)


def test_network_returns_feature_maps_per_sample(backend):
    net = Network.sequential((1, 8, 8), [Conv2D(4, 3, padding="same"), Conv2D(2, 3)]).build(backend)
    x = backend.asarray(np.random.default_rng(0).normal(size=(5, 1, 8, 8)))
    net.forward(x)
    maps = net.node_output("conv2d1", 3)
    assert isinstance(maps, np.ndarray) and maps.shape == (4, 8, 8)
    assert net.node_output("conv2d2", 0).shape == (2, 6, 6)
    np.testing.assert_array_equal(maps, net.node_output("conv2d1")[3])  # the batch, sample 3


# -- the im2col machinery -------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["strip", "exact"])
@pytest.mark.parametrize("kernel,padding,dilation",
                         [(3, (1, 2), (2, 1)), (2, "same", 1), (3, 0, 1), (1, 0, 1), (1, 2, 1)])
def test_col2im_is_the_adjoint_of_im2col(layout, kernel, padding, dilation):
    # ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for any x and c: col2im is exactly the transpose
    rng = np.random.default_rng(5)
    win = Windows((2, 6, 5), kernel, 1, padding=padding, dilation=dilation, layout=layout)
    x = rng.normal(size=(3, 2, 6, 5))
    cols = win.im2col(x).copy()
    c = rng.normal(size=cols.shape)
    if layout == "strip":  # junk columns never reach the output, so give them no weight
        c *= win.from_image(np.ones((3, 1, win.out_h, win.out_w)))
    np.testing.assert_allclose((cols * c).sum(), (x * win.col2im(c)).sum(), rtol=1e-12)


def test_to_image_and_from_image_round_trip():
    # 5×5 images, padding 1 → in the strip each image takes a slot of 5 + 1 = 6 columns
    # (neighbours share a zero column), plus one spare slot: 3 images → width (3 + 1)·6 = 24,
    # 5 output rows → 120 grid columns, of which 3·25 = 75 are real outputs
    win = Windows((1, 5, 5), 3, padding=1)
    assert (win.slot, win.extra, win.columns(3)) == (6, 1, 120)
    y = np.arange(3 * 2 * 25, dtype=float).reshape(3, 2, 5, 5)
    grid = win.from_image(y)
    assert grid.shape == (2, 120)
    np.testing.assert_array_equal(win.to_image(grid), y)
    assert grid.sum() == y.sum() and np.count_nonzero(grid) == y.size - 1  # junk is 0 (and y has one 0)


def test_weight_grad_sums_blocks_like_one_product():
    rng = np.random.default_rng(6)
    delta, cols = rng.normal(size=(4, 1000)), rng.normal(size=(7, 1000))
    np.testing.assert_allclose(weight_grad(delta, cols, block=128), delta @ cols.T, rtol=1e-12)
