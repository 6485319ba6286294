import math

import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.hooks import HOOKS, L1, L2, ClipByNorm, ClipByValue, Freeze, get_hook
from playground.engine.layer import Parameter
from playground.engine.layers.dense import Dense
from playground.engine.network import Network
from playground.engine.optimizers import (
    OPTIMIZERS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    RMSProp,
    get_optimizer,
)


def param(backend, values, name="layer.W", decay=True) -> Parameter:
    return Parameter(name, backend.asarray(values), decay=decay)


def step_with(opt, p, grad, backend):
    p.grad = backend.asarray(grad)
    opt.step()
    return to_host(p.data).copy()


# -- each rule, first steps by hand --------------------------------------------------------
def test_sgd_by_hand(backend):
    # w ← w − η g: (1, −2) − 0.1·(0.5, 0.25) = (0.95, −2.025)
    p = param(backend, [1.0, -2.0])
    opt = SGD([p], lr=0.1)
    np.testing.assert_allclose(step_with(opt, p, [0.5, 0.25], backend), [0.95, -2.025], rtol=1e-6)


def test_sgd_momentum_two_steps_by_hand(backend):
    p = param(backend, [1.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    # step 1: v = −0.1·1 = −0.1; w = 1 − 0.1 = 0.9
    np.testing.assert_allclose(step_with(opt, p, [1.0], backend), [0.9], rtol=1e-6)
    # step 2: v = 0.9·(−0.1) − 0.1·2 = −0.29; w = 0.9 − 0.29 = 0.61
    np.testing.assert_allclose(step_with(opt, p, [2.0], backend), [0.61], rtol=1e-6)


def test_nesterov_two_steps_by_hand(backend):
    p = param(backend, [1.0])
    opt = SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    # step 1: v = −0.1; w = 1 + 0.9·(−0.1) − 0.1·1 = 0.81
    np.testing.assert_allclose(step_with(opt, p, [1.0], backend), [0.81], rtol=1e-6)
    # step 2: v = 0.9·(−0.1) − 0.1·2 = −0.29; w = 0.81 + 0.9·(−0.29) − 0.2 = 0.349
    np.testing.assert_allclose(step_with(opt, p, [2.0], backend), [0.349], rtol=1e-5)


def test_adagrad_two_steps_by_hand(backend):
    p = param(backend, [1.0, 1.0])
    opt = Adagrad([p], lr=0.1)
    # step 1: G = g² = (4, 0.01); w −= 0.1·g/√G = 0.1·sign(g) → (0.9, 1.1)
    np.testing.assert_allclose(step_with(opt, p, [2.0, -0.1], backend), [0.9, 1.1], rtol=1e-6)
    # step 2 with g = (2, −0.1) again: G = (8, 0.02); step = 0.1·g/√G = 0.1/√2·sign(g)
    np.testing.assert_allclose(step_with(opt, p, [2.0, -0.1], backend),
                               [0.9 - 0.1 / math.sqrt(2), 1.1 + 0.1 / math.sqrt(2)], rtol=1e-6)


def test_rmsprop_first_step_by_hand(backend):
    p = param(backend, [1.0])
    opt = RMSProp([p], lr=0.01, rho=0.9)
    # E = 0.1·g² = 0.4 for g = 2; w −= 0.01·2/√0.4 = 0.0316228
    np.testing.assert_allclose(step_with(opt, p, [2.0], backend), [1 - 0.02 / math.sqrt(0.4)], rtol=1e-6)


def test_adadelta_first_step_by_hand(backend64):
    p = param(backend64, [1.0])
    opt = Adadelta([p], lr=1.0, rho=0.9, eps=1e-6)
    # E = 0.1·4 = 0.4; Δ = √(0 + 1e-6)/√(0.4 + 1e-6)·2 = 0.00316227…; D = 0.1·Δ²
    delta = math.sqrt(1e-6) / math.sqrt(0.4 + 1e-6) * 2
    np.testing.assert_allclose(step_with(opt, p, [2.0], backend64), [1 - delta], rtol=1e-12)
    np.testing.assert_allclose(to_host(opt.param_state[p]["mean_sq_step"]), [0.1 * delta ** 2])


def test_adam_first_step_is_lr_times_sign(backend):
    p = param(backend, [1.0, 1.0, 1.0])
    opt = Adam([p], lr=0.01)
    # m̂ = g, v̂ = g² after bias correction → step = η·g/(|g| + ε) ≈ η·sign(g), whatever |g|
    np.testing.assert_allclose(step_with(opt, p, [3.0, -0.02, 1e-3], backend), [0.99, 1.01, 0.99], rtol=1e-6)


def test_adam_second_step_by_hand(backend64):
    p = param(backend64, [0.0])
    opt = Adam([p], lr=0.1, eps=0.0)
    step_with(opt, p, [1.0], backend64)  # w = −0.1
    # step 2 with g = 3: m = 0.9·0.1 + 0.1·3 = 0.39;   v = 0.999·0.001 + 0.001·9 = 0.009999
    # m̂ = 0.39/(1 − 0.81) = 2.0526;  v̂ = 0.009999/(1 − 0.998001) = 5.002;  step = 0.1·2.0526/2.2365
    m_hat, v_hat = 0.39 / 0.19, 0.009999 / 0.001999
    np.testing.assert_allclose(step_with(opt, p, [3.0], backend64), [-0.1 - 0.1 * m_hat / math.sqrt(v_hat)],
                               rtol=1e-12)


def test_adamw_decays_weights_not_biases(backend):
    w = param(backend, [1.0], "d.W")
    b = param(backend, [1.0], "d.b", decay=False)
    opt = AdamW([b, w], lr=0.1, weight_decay=0.5)
    w.grad, b.grad = backend.asarray([1.0]), backend.asarray([1.0])
    opt.step()
    # weight: 1·(1 − 0.1·0.5) − 0.1·sign(1) = 0.85; bias: 1 − 0.1 = 0.9
    np.testing.assert_allclose(to_host(w.data), [0.85], rtol=1e-6)
    np.testing.assert_allclose(to_host(b.data), [0.9], rtol=1e-6)


# -- agreement with PyTorch over several steps ----------------------------------------------------
TORCH_PAIRS = [
    ("sgd", {"lr": 0.1}, "SGD", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "momentum": 0.9}, "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("adagrad", {"lr": 0.1}, "Adagrad", {"lr": 0.1, "eps": 1e-10}),
    ("rmsprop", {"lr": 0.01, "rho": 0.9}, "RMSprop", {"lr": 0.01, "alpha": 0.9}),
    ("adadelta", {"lr": 1.0, "rho": 0.9}, "Adadelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-6}),
    ("adam", {"lr": 0.01}, "Adam", {"lr": 0.01}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.1}, "AdamW", {"lr": 0.01, "weight_decay": 0.1}),
]


@pytest.mark.slow  # the first torch.optim optimizer imports torch._dynamo: ~5 s once
@pytest.mark.parametrize("ours,our_kw,theirs,their_kw", TORCH_PAIRS,
                         ids=[f"{p[0]}-{'-'.join(p[1])}" for p in TORCH_PAIRS])
def test_matches_pytorch_for_five_steps(ours, our_kw, theirs, their_kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) for _ in range(5)]
    p = Parameter("d.W", w0.copy())
    opt = get_optimizer(ours, [p], **our_kw)
    tp = torch.nn.Parameter(torch.tensor(w0))
    topt = getattr(torch.optim, theirs)([tp], **their_kw)
    for g in grads:
        p.grad = g.copy()
        opt.step()
        tp.grad = torch.tensor(g)
        topt.step()
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-10, atol=1e-12)


# -- packing, freezing, state -------------------------------------------------------------------
def test_all_parameters_update_and_biases_come_after_weights(backend):
    net = Network.sequential((2,), [Dense(3), Dense(1)]).build(backend, seed=0)
    params = net.parameters()
    before = [to_host(p.data).copy() for p in params]
    for p in params:
        p.grad = p.data * 0 + 1
    opt = SGD(params, lr=0.5)
    opt.step()
    for p, old in zip(params, before):
        np.testing.assert_allclose(to_host(p.data), old - 0.5, rtol=1e-6)
    assert opt.n_decay == 2 * 3 + 3 * 1  # the two W's come first in the flat vector
    assert [p.name for p in opt._trainable] == ["dense1.W", "dense2.W", "dense1.b", "dense2.b"]


def test_frozen_parameters_do_not_move(backend):
    a, b = param(backend, [1.0], "a.W"), param(backend, [1.0], "b.W")
    b.frozen = True
    opt = SGD([a, b], lr=0.1)
    a.grad = b.grad = backend.asarray([1.0])
    opt.step()
    assert to_host(a.data)[0] == pytest.approx(0.9) and to_host(b.data)[0] == 1.0
    b.frozen = False  # noticed at the next step
    opt.step()
    assert to_host(a.data)[0] == pytest.approx(0.8) and to_host(b.data)[0] == pytest.approx(0.9)


def test_replaced_data_is_repacked_and_moments_kept(backend):
    net = Network.sequential((2,), [Dense(2)]).build(backend, seed=0)
    opt = SGD(net.parameters(), lr=0.1, momentum=0.5)
    for p in net.parameters():
        p.grad = p.data * 0 + 1
    opt.step()                                  # v = −0.1 everywhere
    weights = {k: np.zeros_like(v) for k, v in net.state_dict().items()}
    net.load_state_dict(weights)                # new arrays: the optimizer must notice
    opt.step()                                  # v = 0.5·(−0.1) − 0.1 = −0.15
    for p in net.parameters():
        np.testing.assert_allclose(to_host(p.data), -0.15, rtol=1e-6)


def test_state_dict_replays_bit_exactly(backend):
    def make():
        net = Network.sequential((3,), [Dense(4), Dense(2)]).build(backend, seed=3)
        return net, Adam(net.parameters(), lr=0.05)

    rng = np.random.default_rng(5)
    grads = [[rng.normal(size=s) for s in [(3, 4), (4,), (4, 2), (2,)]] for _ in range(5)]

    def run(net, opt, steps):
        for gs in steps:
            for p, g in zip(net.parameters(), gs):
                p.grad = backend.asarray(g)
            opt.step()

    net, opt = make()
    run(net, opt, grads[:3])
    weights, state = net.state_dict(), opt.state_dict()
    assert set(state["state"]) == {"dense1.W", "dense1.b", "dense2.W", "dense2.b"}
    assert all(isinstance(v, np.ndarray) for s in state["state"].values() for v in s.values())
    run(net, opt, grads[3:])
    expected = net.state_dict()

    net2, opt2 = make()
    net2.load_state_dict(weights)
    opt2.load_state_dict(state)
    run(net2, opt2, grads[3:])
    for k, v in net2.state_dict().items():
        np.testing.assert_array_equal(v, expected[k])


def test_load_state_dict_rejects_unknown_names():
    opt = SGD([Parameter("a.W", np.zeros(2))], lr=0.1, momentum=0.9)
    with pytest.raises(KeyError, match="b.W"):
        opt.load_state_dict({"t": 1, "lr": 0.1, "state": {"b.W": {"velocity": np.zeros(2)}}})


def test_lr_is_settable(backend):
    p = param(backend, [1.0])
    opt = SGD([p], lr=0.1)
    opt.lr = 0.5
    np.testing.assert_allclose(step_with(opt, p, [1.0], backend), [0.5])


def test_registry_and_errors():
    assert set(OPTIMIZERS) == {"sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamw"}
    p = Parameter("a.W", np.zeros(2))
    assert isinstance(get_optimizer("Adam", [p], lr=0.1), Adam)
    assert repr(SGD([p], lr=0.1, momentum=0.9)) == "SGD(lr=0.1, momentum=0.9, nesterov=False)"
    with pytest.raises(ValueError, match="Unknown optimizer"):
        get_optimizer("lbfgs", [p])
    with pytest.raises(ValueError, match="Nesterov needs a momentum"):
        SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="share one dtype"):
        q = Parameter("b.W", np.zeros(2, dtype=np.float32))
        SGD([p, q], lr=0.1).step()


# -- hooks ----------------------------------------------------------------------------------------
def test_l1_adds_lambda_sign_w_to_weights_only(backend):
    w = param(backend, [0.5, -2.0], "d.W")
    b = param(backend, [3.0], "d.b", decay=False)
    opt = SGD([w, b], lr=1.0, hooks=[L1(0.1)])
    w.grad, b.grad = backend.asarray([0.0, 0.0]), backend.asarray([0.0])
    opt.step()
    # g = 0 + 0.1·sign(w) = (0.1, −0.1) → w = (0.4, −1.9); the bias has no penalty
    np.testing.assert_allclose(to_host(w.data), [0.4, -1.9], rtol=1e-6)
    assert to_host(b.data)[0] == 3.0
    assert L1(0.1).penalty([w, b]) == pytest.approx(0.1 * (0.4 + 1.9), rel=1e-6)


def test_l1_drives_a_weight_to_exactly_zero(backend):
    # with no data gradient, steps of η·λ = 0.25 take 0.5 → 0.25 → 0 exactly, and sign(0) = 0 keeps it there
    w = param(backend, [0.5], "d.W")
    opt = SGD([w], lr=0.25, hooks=[L1(1.0)])
    for _ in range(4):
        w.grad = backend.asarray([0.0])
        opt.step()
    assert to_host(w.data)[0] == 0.0


def test_l2_adds_two_lambda_w(backend):
    w = param(backend, [2.0, -1.0], "d.W")
    opt = SGD([w], lr=1.0, hooks=[L2(0.1)])
    w.grad = backend.asarray([0.5, 0.5])
    opt.step()
    # ∂(λΣw²)/∂w = 2λw = (0.4, −0.2); g = (0.9, 0.3) → w = (1.1, −1.3)
    np.testing.assert_allclose(to_host(w.data), [1.1, -1.3], rtol=1e-6)
    assert L2(0.1).penalty([w]) == pytest.approx(0.1 * (1.1 ** 2 + 1.3 ** 2), rel=1e-6)


def test_clip_by_norm_scales_the_global_gradient(backend):
    a, b = param(backend, [0.0], "a.W"), param(backend, [0.0], "b.W")
    clip = ClipByNorm(1.0)
    opt = SGD([a, b], lr=1.0, hooks=[clip])
    a.grad, b.grad = backend.asarray([3.0]), backend.asarray([4.0])
    opt.step()
    # ‖(3, 4)‖ = 5 > 1 → g·1/5 = (0.6, 0.8): the direction is kept
    np.testing.assert_allclose(to_host(a.data), [-0.6], rtol=1e-5)
    np.testing.assert_allclose(to_host(b.data), [-0.8], rtol=1e-5)
    assert float(clip.last_norm) == pytest.approx(5.0)
    a.grad, b.grad = backend.asarray([0.3]), backend.asarray([0.4])  # norm 0.5: unchanged
    opt.step()
    np.testing.assert_allclose(to_host(a.data), [-0.9], rtol=1e-5)


def test_clip_by_value(backend):
    w = param(backend, [0.0, 0.0, 0.0])
    opt = SGD([w], lr=1.0, hooks=[ClipByValue(0.5)])
    w.grad = backend.asarray([2.0, -0.1, -7.0])
    opt.step()
    np.testing.assert_allclose(to_host(w.data), [-0.5, 0.1, 0.5], rtol=1e-6)


def test_hooks_run_in_order(backend):
    def final(hooks):
        w = param(backend, [1.0], "d.W")
        opt = SGD([w], lr=1.0, hooks=hooks)
        w.grad = backend.asarray([0.0])
        opt.step()
        return to_host(w.data)[0]

    # L2 first: g = 2·1·1 = 2, then clipped to 0.5 → 0.5.  Clip first: g = 0 → then L2 adds 2 → −1
    assert final([L2(1.0), ClipByValue(0.5)]) == pytest.approx(0.5)
    assert final([ClipByValue(0.5), L2(1.0)]) == pytest.approx(-1.0)


def test_freeze_by_pattern(backend):
    net = Network.sequential((2,), [Dense(2), Dense(1)]).build(backend, seed=0)
    freeze = Freeze("dense1.*")
    opt = SGD(net.parameters(), lr=0.1, hooks=[freeze])
    assert freeze.frozen == ["dense1.W", "dense1.b"]
    before = net.state_dict()
    for p in net.parameters():
        p.grad = p.data * 0 + 1
    opt.step()
    after = net.state_dict()
    np.testing.assert_array_equal(after["dense1.W"], before["dense1.W"])
    assert not np.array_equal(after["dense2.W"], before["dense2.W"])
    assert Freeze(["a.*", "b.W"], "c.b").patterns == ("a.*", "b.W", "c.b")


def test_hook_registry():
    assert set(HOOKS) == {"l1", "l2", "clip_by_norm", "clip_by_value", "freeze"}
    assert get_hook("l2", strength=0.5).strength == 0.5
    assert get_hook("freeze", "dense1.*").patterns == ("dense1.*",)
    p = Parameter("a.W", np.zeros(1))
    opt = SGD([p], lr=0.1, hooks=["clip_by_norm"])
    assert isinstance(opt.hooks[0], ClipByNorm)
    with pytest.raises(ValueError, match="Unknown optimizer hook"):
        get_hook("dropout")
