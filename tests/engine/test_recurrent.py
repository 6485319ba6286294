import numpy as np
import pytest

from playground.engine.backend import numpy_backend, to_host
from playground.engine.gradcheck import check_layer, check_network
from playground.engine.layer import ShapeError
from playground.engine.layers.dense import Dense
from playground.engine.layers.recurrent import GRU, LSTM, SequenceDense, SimpleRNN
from playground.engine.losses import MSE, BinaryCrossEntropy
from playground.engine.network import Network
from playground.engine.optimizers import Adam
from playground.engine.training import train_step

RECURRENT = [SimpleRNN, LSTM, GRU]


def built(layer, in_shape, backend):
    layer.build([in_shape], backend.xp, backend.dtype, np.random.default_rng(0))
    return layer


def set_params(layer, backend, **values):
    for key, value in values.items():
        shape = layer.params[key].data.shape
        layer.params[key].data = backend.asarray(np.asarray(value, dtype=float).reshape(shape))


# -- gradients --------------------------------------------------------------------------
@pytest.mark.parametrize("cls", RECURRENT)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_recurrent_gradients_match_finite_differences(cls, return_sequences, backend64):
    # 4 time steps, 2 features, 3 units: every weight, bias and input entry is probed
    errors = check_layer(cls(3, return_sequences=return_sequences), [(4, 2)], backend=backend64)
    assert max(errors.values()) < 1e-6, errors


def test_sequence_dense_gradients(backend64):
    errors = check_layer(SequenceDense(3), [(4, 2)], backend=backend64)
    assert max(errors.values()) < 1e-7, errors


def test_stacked_network_gradients(backend64):
    # a deep RNN: LSTM (full sequence) → GRU (full sequence) → SequenceDense, many-to-many
    net = Network()
    net.add_input("x", (5, 2))
    net.add("lstm", LSTM(3, return_sequences=True), "x")
    net.add("gru", GRU(4, return_sequences=True), "lstm")
    net.add("out", SequenceDense(2), "gru")
    net.build(backend64, seed=3)
    rng = np.random.default_rng(1)
    x = backend64.asarray(rng.normal(size=(3, 5, 2)))
    t = backend64.asarray(rng.normal(size=(3, 5, 2)))
    errors = check_network(net, MSE(), [x], t, max_entries=None)
    assert max(errors.values()) < 1e-6, errors


# -- numbers worked by hand ----------------------------------------------------------------
def test_simple_rnn_two_steps_by_hand(backend64):
    # one unit, one feature: W_xh = 0.5, W_hh = 0.8, b = 0.1, x = (1, 2), h_0 = 0
    #   h_1 = tanh(0.5·1 + 0.8·0 + 0.1)     = tanh(0.6)    = 0.5370496
    #   h_2 = tanh(0.5·2 + 0.8·0.5370496 + 0.1) = tanh(1.5296397) = 0.9103629
    # backward with L = h_2 (∂L/∂h_2 = 1):
    #   dz_2 = 1 − h_2² = 0.1712394;  ∂L/∂h_1 = 0.8·dz_2 = 0.1369915
    #   dz_1 = 0.1369915·(1 − h_1²) = 0.0974801
    #   ∂L/∂W_xh = dz_1·1 + dz_2·2 = 0.4399589;  ∂L/∂W_hh = dz_1·h_0 + dz_2·h_1 = 0.0919640
    #   ∂L/∂b = dz_1 + dz_2 = 0.2687195;  ∂L/∂x = (0.5·dz_1, 0.5·dz_2) = (0.0487401, 0.0856197)
    rnn = built(SimpleRNN(1), (2, 1), backend64)
    set_params(rnn, backend64, W_xh=0.5, W_hh=0.8, b=0.1)
    x = backend64.asarray([[[1.0], [2.0]]])
    np.testing.assert_allclose(to_host(rnn.forward(x)), [[0.9103629]], atol=1e-7)
    dx = rnn.backward(backend64.asarray([[1.0]]))
    np.testing.assert_allclose(to_host(dx).ravel(), [0.0487401, 0.0856197], atol=1e-7)
    np.testing.assert_allclose(to_host(rnn.params["W_xh"].grad).ravel(), [0.4399589], atol=1e-7)
    np.testing.assert_allclose(to_host(rnn.params["W_hh"].grad).ravel(), [0.0919640], atol=1e-7)
    np.testing.assert_allclose(to_host(rnn.params["b"].grad).ravel(), [0.2687195], atol=1e-7)
    # ‖∂L/∂h_t‖ per step: (0.1369915, 1)
    np.testing.assert_allclose(rnn.step_grad_norms, [0.1369915, 1.0], atol=1e-7)

    seq = built(SimpleRNN(1, return_sequences=True), (2, 1), backend64)
    set_params(seq, backend64, W_xh=0.5, W_hh=0.8, b=0.1)
    np.testing.assert_allclose(to_host(seq.forward(x)).ravel(), [0.5370496, 0.9103629], atol=1e-7)


def test_lstm_two_steps_by_hand(backend64):
    # one unit; blocks i, f, o, g. W_xh = (1, 1, 1, 1), W_hh = 0, b = 0; x = (1, 0)
    # step 1: i = f = o = σ(1) = 0.7310586, g = tanh(1) = 0.7615942
    #         c_1 = f·0 + i·g = 0.5567699,  h_1 = o·tanh(c_1) = 0.7310586·0.5055769 = 0.3696064
    # step 2: x = 0 and W_hh = 0, so every pre-activation is 0: i = f = o = 0.5, g = 0
    #         c_2 = 0.5·c_1 + 0.5·0 = 0.2783850 (the forget gate keeps half), h_2 = 0.5·tanh(c_2) = 0.1357048
    lstm = built(LSTM(1, return_sequences=True), (2, 1), backend64)
    set_params(lstm, backend64, W_xh=[1, 1, 1, 1], W_hh=[0, 0, 0, 0], b=[0, 0, 0, 0])
    h = lstm.forward(backend64.asarray([[[1.0], [0.0]]]))
    np.testing.assert_allclose(to_host(h).ravel(), [0.3696064, 0.1357048], atol=1e-7)
    np.testing.assert_allclose(to_host(lstm.cs[1:]).ravel(), [0.5567699, 0.2783850], atol=1e-7)


def test_lstm_forget_gate_bias_starts_at_one(backend):
    lstm = built(LSTM(3), (4, 2), backend)
    np.testing.assert_array_equal(to_host(lstm.params["b"].data), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])


def test_gru_reset_after_by_hand(backend64):
    # one unit; blocks r, z, n. W_xh = (1, 1, 1), W_hh = (0, 0, 1), b = 0, b_hn = 0.5; x = (1, 0), h_0 = 0
    # step 1: u = h_0 W_hh = 0;  r = z = σ(1) = 0.7310586
    #         n = tanh(1 + r·(0 + 0.5)) = tanh(1.3655293) = 0.8776693;  h_1 = (1 − z)·n + z·0 = 0.2360416
    # step 2: u = h_1 W_hh = (0, 0, 0.2360416);  r = z = σ(0) = 0.5
    #         reset AFTER the product: n = tanh(0 + r·(u_n + b_hn)) = tanh(0.3680208) = 0.3522593
    #         h_2 = 0.5·n + 0.5·h_1 = 0.2941505
    #         (resetting before the product, tanh((r·h_1)·1 + 0.5), would give h_2 = 0.3928951)
    gru = built(GRU(1, return_sequences=True), (2, 1), backend64)
    set_params(gru, backend64, W_xh=[1, 1, 1], W_hh=[0, 0, 1], b=[0, 0, 0], b_hn=0.5)
    h = gru.forward(backend64.asarray([[[1.0], [0.0]]]))
    np.testing.assert_allclose(to_host(h).ravel(), [0.2360416, 0.2941505], atol=1e-7)


@pytest.mark.parametrize("cls", [LSTM, GRU])
def test_matches_pytorch(cls):
    # the same numbers as torch.nn.LSTM / nn.GRU (torch gate order: LSTM i, f, g, o; GRU r, z, n)
    torch = pytest.importorskip("torch")
    H, F = 4, 3
    x = np.random.default_rng(0).normal(size=(2, 5, F))
    ours = built(cls(H, return_sequences=True), (5, F), numpy_backend(np.float64))
    ref = (torch.nn.LSTM if cls is LSTM else torch.nn.GRU)(F, H, batch_first=True).double()
    w_ih, w_hh = ref.weight_ih_l0.detach().numpy().T, ref.weight_hh_l0.detach().numpy().T
    b_ih, b_hh = ref.bias_ih_l0.detach().numpy(), ref.bias_hh_l0.detach().numpy()
    if cls is LSTM:
        order = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]  # torch i f g o → ours i f o g
        ours.params["W_xh"].data, ours.params["W_hh"].data = w_ih[:, order], w_hh[:, order]
        ours.params["b"].data = (b_ih + b_hh)[order]
    else:
        ours.params["W_xh"].data, ours.params["W_hh"].data = w_ih.copy(), w_hh.copy()
        ours.params["b"].data = np.r_[b_ih[:2 * H] + b_hh[:2 * H], b_ih[2 * H:]]
        ours.params["b_hn"].data = b_hh[2 * H:].copy()
    xt = torch.tensor(x, requires_grad=True)
    yt, _ = ref(xt)
    r = np.random.default_rng(1).normal(size=yt.shape)
    (yt * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(ours.forward(x), yt.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.backward(r), xt.grad.numpy(), atol=1e-12)
    grad_hh = ref.weight_hh_l0.grad.numpy().T
    np.testing.assert_allclose(ours.params["W_hh"].grad, grad_hh[:, order] if cls is LSTM else grad_hh,
                               atol=1e-12)


# -- shapes, parameters, wiring ---------------------------------------------------------------
@pytest.mark.parametrize("cls", RECURRENT)
def test_output_shapes(cls):
    assert cls(7).output_shape((50, 3)) == (7,)
    assert cls(7, return_sequences=True).output_shape((50, 3)) == (50, 7)
    assert SequenceDense(2).output_shape((50, 7)) == (50, 2)


def test_parameter_counts_follow_the_course_formulas():
    # SimpleRNN: h(x + h + 1); LSTM: 4h(x + h + 1); GRU (reset-after): 3h(x + h + 1) + h
    assert SimpleRNN(32).count_params((50, 1)) == (32 * 34, 0)
    assert LSTM(32).count_params((50, 1)) == (4 * 32 * 34, 0)
    assert GRU(32).count_params((50, 1)) == (3 * 32 * 34 + 32, 0)


def test_recurrent_rejects_flat_input_with_plain_message():
    with pytest.raises(ShapeError, match=r"\(time, features\).*Reshape"):
        Network.sequential((50,), [LSTM(4)]).build()
    with pytest.raises(ShapeError, match="flat vector"):
        Network.sequential((50, 1), [LSTM(4, return_sequences=True), Dense(1)]).build()


def test_many_to_one_and_many_to_many_networks(backend):
    x = backend.asarray(np.random.default_rng(0).normal(size=(4, 6, 2)))
    many_to_one = Network.sequential((6, 2), [GRU(5), Dense(1)]).build(backend)
    assert many_to_one.forward(x).shape == (4, 1)
    stacked = Network.sequential((6, 2), [LSTM(5, return_sequences=True), SimpleRNN(3, return_sequences=True),
                                          SequenceDense(1)]).build(backend)
    y = stacked.forward(x)
    assert y.shape == (4, 6, 1) and y.dtype == backend.dtype
    dx = stacked.backward(backend.xp.ones_like(y))[0]
    assert dx.shape == x.shape


def test_float32_matches_float64(backend, backend64):
    x = np.random.default_rng(0).normal(size=(3, 7, 2))
    out = {}
    for b in (backend, backend64):
        layer = built(LSTM(4, return_sequences=True), (7, 2), b)
        out[b.dtype] = to_host(layer.forward(b.asarray(x)))
    np.testing.assert_allclose(out[backend.dtype], out[backend64.dtype], atol=1e-5)


# -- the vanishing-gradient instrument -------------------------------------------------------------
def test_step_grad_norms_shape_and_vanishing(backend):
    # W_hh = 0.5 × orthogonal: every step back multiplies ∂L/∂h by tanh' ≤ 1 and by a matrix
    # of norm 0.5, so ‖∂L/∂h_{t−1}‖ ≤ 0.5 ‖∂L/∂h_t‖ for every sample: smaller toward early steps
    T = 30
    rnn = built(SimpleRNN(8), (T, 3), backend)
    assert rnn.step_grad_norms is None
    rnn.params["W_hh"].data *= 0.5
    x = backend.asarray(np.random.default_rng(0).normal(size=(16, T, 3)))
    rnn.forward(x)
    rnn.backward(backend.xp.ones((16, 8), dtype=backend.dtype))
    norms = rnn.step_grad_norms
    assert isinstance(norms, np.ndarray) and norms.shape == (T,)
    np.testing.assert_allclose(norms[-1], np.sqrt(8))          # ∂L/∂h_T = 1 for all 8 units
    assert np.all(np.diff(norms) > 0)
    assert np.all(norms[:-1] <= 0.5 * norms[1:] * (1 + 1e-5))
    assert norms[0] < 1e-8 * norms[-1]


def test_step_grad_norms_include_every_output_step(backend64):
    # many-to-many: a step's own output gradient counts, e.g. with weights 0 nothing flows in time
    rnn = built(SimpleRNN(2, return_sequences=True), (3, 1), backend64)
    rnn.params["W_hh"].data[...] = 0.0
    rnn.forward(backend64.asarray(np.zeros((1, 3, 1))))
    dy = np.array([[[3.0, 4.0], [0.0, 1.0], [6.0, 8.0]]])      # norms 5, 1, 10
    rnn.backward(backend64.asarray(dy))
    np.testing.assert_allclose(rnn.step_grad_norms, [5.0, 1.0, 10.0])


# -- learning --------------------------------------------------------------------------------------
def test_lstm_learns_to_remember_the_first_value():
    # many-to-one: is the FIRST of 10 random numbers positive? The answer must be carried
    # through 9 more steps. (The sign of the sum is too easy: an untrained LSTM already
    # gets ≈ 90 % of it, since its cell state sums its inputs.)
    rng = np.random.default_rng(0)
    T = 10

    def data(n):
        x = rng.normal(size=(n, T, 1)).astype(np.float32)
        return x, (x[:, 0, 0] > 0).astype(np.float32)[:, None]

    x_train, y_train = data(512)
    x_test, y_test = data(512)
    net = Network.sequential((T, 1), [LSTM(16), Dense(1)]).build(seed=0)
    loss, opt = BinaryCrossEntropy(from_logits=True), Adam(net.parameters(), lr=0.02)

    def accuracy():
        return float(((to_host(net.predict(x_test)) > 0) == (y_test > 0.5)).mean())

    before = accuracy()
    for _ in range(25):
        for i in range(0, 512, 32):
            train_step(net, loss, opt, x_train[i:i + 32], target=y_train[i:i + 32])
    after = accuracy()
    assert before < 0.7 and after > 0.95, (before, after)   # ≈ 0.58 → 0.98 in about 0.3 s


@pytest.mark.parametrize("cls", RECURRENT)
def test_work_arrays_follow_batch_and_sequence_length(cls, backend64):
    # the layer keeps internal work arrays between calls; other shapes in between must not leak
    rng = np.random.default_rng(0)
    x, dy = backend64.asarray(rng.normal(size=(2, 5, 3))), backend64.asarray(rng.normal(size=(2, 4)))
    fresh = built(cls(4), (5, 3), backend64)
    y_fresh, dx_fresh = to_host(fresh.forward(x)).copy(), to_host(fresh.backward(dy)).copy()
    used = built(cls(4), (5, 3), backend64)
    used.forward(backend64.asarray(rng.normal(size=(7, 9, 3))))        # another batch and length
    used.backward(backend64.asarray(rng.normal(size=(7, 4))))
    np.testing.assert_allclose(to_host(used.forward(x)), y_fresh, atol=1e-12)
    np.testing.assert_allclose(to_host(used.backward(dy)), dx_fresh, atol=1e-12)
    for key, p in used.params.items():
        np.testing.assert_allclose(to_host(p.grad), to_host(fresh.params[key].grad), atol=1e-12)
