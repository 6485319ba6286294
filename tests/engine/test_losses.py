import math

import numpy as np
import pytest

from playground.engine.backend import to_host
from playground.engine.gradcheck import check_loss
from playground.engine.losses import (
    LOSSES,
    MAE,
    MAPE,
    MSE,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    Huber,
    MultiLabelBCE,
    SoftmaxCrossEntropy,
    get_loss,
)


def _cases(rng):
    """(loss, y, t) for every loss, with ``y`` away from kinks and clipping limits."""
    y = rng.normal(size=(4, 3))
    t = rng.normal(size=(4, 3))
    probs = rng.uniform(0.1, 0.9, size=(4, 3))
    multi_hot = (rng.uniform(size=(4, 3)) > 0.5).astype(float)
    labels = np.array([0, 2, 1, 1])
    one_hot = np.eye(3)[labels]
    soft = rng.dirichlet(np.ones(3), size=4)  # rows that sum to 1 (label smoothing)
    simplex = probs / probs.sum(axis=1, keepdims=True)
    return [
        ("mse_mean", MSE(), y, t),
        ("mse_half_sum", MSE(form="half_sum"), y, t),
        ("mae", MAE(), y, t),
        ("huber", Huber(delta=0.7), y, t),
        ("mape", MAPE(), y, t + np.sign(t) * 0.5),
        ("bce_probs", BinaryCrossEntropy(), probs, multi_hot),
        ("bce_probs_soft_targets", BinaryCrossEntropy(), probs, rng.uniform(size=(4, 3))),
        ("bce_logits", BinaryCrossEntropy(from_logits=True), 3 * y, multi_hot),
        ("multilabel_bce", MultiLabelBCE(), 3 * y, multi_hot),
        ("softmax_ce_one_hot", SoftmaxCrossEntropy(), 3 * y, one_hot),
        ("softmax_ce_labels", SoftmaxCrossEntropy(), 3 * y, labels),
        ("softmax_ce_soft", SoftmaxCrossEntropy(), 3 * y, soft),
        ("categorical_ce_one_hot", CategoricalCrossEntropy(), simplex, one_hot),
        ("categorical_ce_labels", CategoricalCrossEntropy(), simplex, labels),
    ]


CASE_IDS = [case[0] for case in _cases(np.random.default_rng(0))]


@pytest.mark.parametrize("case", range(len(CASE_IDS)), ids=CASE_IDS)
def test_loss_gradients_match_finite_differences(case, backend64):
    _, loss, y, t = _cases(np.random.default_rng(1))[case]
    xp = backend64.xp
    t = xp.asarray(t) if t.dtype.kind == "i" else backend64.asarray(t)
    assert check_loss(loss, backend64.asarray(y), t) < 1e-7


def test_softmax_ce_on_sequences_counts_every_position(backend64):
    # (N, T, K) logits with (N, T) labels: every time step is a sample
    rng = np.random.default_rng(2)
    y = backend64.asarray(rng.normal(size=(2, 3, 4)))
    labels = backend64.xp.asarray(rng.integers(0, 4, size=(2, 3)))
    loss = SoftmaxCrossEntropy()
    assert check_loss(loss, y, labels) < 1e-7
    flat = SoftmaxCrossEntropy().forward(y.reshape(6, 4), labels.reshape(6))
    assert float(loss.forward(y, labels)) == pytest.approx(float(flat))


# -- values by hand ---------------------------------------------------------------------
def test_mse_both_forms_by_hand(backend):
    # two samples, one output: y = (1, 3), t = (0, 1) → errors d = (1, 2), d² = (1, 4)
    y, t = backend.asarray([[1.0], [3.0]]), backend.asarray([[0.0], [1.0]])
    mean = MSE()                      # (1 + 4) / 2 = 2.5;       ∂L/∂y = 2d/2 = (1, 2)
    assert float(mean.forward(y, t)) == pytest.approx(2.5)
    np.testing.assert_allclose(to_host(mean.backward()), [[1.0], [2.0]])
    half = MSE(form="half_sum")       # (½·1 + ½·4) / 2 = 1.25;  ∂L/∂y = d/2 = (0.5, 1)
    assert float(half.forward(y, t)) == pytest.approx(1.25)
    np.testing.assert_allclose(to_host(half.backward()), [[0.5], [1.0]])


def test_mse_mean_averages_over_outputs_too(backend):
    # 1 sample, 2 outputs: d = (1, −2) → mean form (1 + 4)/2 = 2.5; half_sum ½(1 + 4)/1 = 2.5
    y, t = backend.asarray([[1.0, 0.0]]), backend.asarray([[0.0, 2.0]])
    assert float(MSE().forward(y, t)) == pytest.approx(2.5)
    assert float(MSE("half_sum").forward(y, t)) == pytest.approx(2.5)
    y3, t3 = backend.asarray([[1.0, 0.0, 0.0]]), backend.asarray([[0.0, 2.0, 0.0]])
    assert float(MSE().forward(y3, t3)) == pytest.approx(5 / 3)      # Σd²/(N·K) = 5/3
    assert float(MSE("half_sum").forward(y3, t3)) == pytest.approx(2.5)  # ½Σd²/N


def test_bce_by_hand(backend):
    # p = 0.8 for a positive sample: −ln 0.8 = 0.2231; for a negative one: −ln 0.2 = 1.6094
    loss = BinaryCrossEntropy()
    assert float(loss.forward(backend.asarray([[0.8]]), backend.asarray([[1.0]]))) == pytest.approx(
        -math.log(0.8), rel=1e-6)
    # ∂L/∂p = (p − t)/(p(1 − p)) = −0.2/0.16 = −1.25 (= −1/p)
    np.testing.assert_allclose(to_host(loss.backward()), [[-1.25]], rtol=1e-5)
    both = loss.forward(backend.asarray([[0.8], [0.8]]), backend.asarray([[1.0], [0.0]]))
    assert float(both) == pytest.approx((-math.log(0.8) - math.log(0.2)) / 2, rel=1e-6)


def test_bce_clips_probabilities_to_stay_finite(backend):
    loss = BinaryCrossEntropy()
    value = float(loss.forward(backend.asarray([[0.0], [1.0]]), backend.asarray([[1.0], [0.0]])))
    assert math.isfinite(value) and value > 10  # −ln(1e-7) ≈ 16.1 each
    grad = to_host(loss.backward())
    assert np.all(np.isfinite(grad)) and grad[0, 0] < 0 < grad[1, 0]  # still pushes the right way


def test_bce_from_logits_by_hand_and_stable(backend):
    loss = BinaryCrossEntropy(from_logits=True)
    # z = 0 → σ = ½ → −ln ½ = ln 2; ∂L/∂z = σ(z) − t = −½
    assert float(loss.forward(backend.asarray([[0.0]]), backend.asarray([[1.0]]))) == pytest.approx(math.log(2))
    np.testing.assert_allclose(to_host(loss.backward()), [[-0.5]])
    # z = ±100: exp(100) would overflow float32; the stable form gives 100 and 0 exactly
    z = backend.asarray([[100.0], [-100.0]])
    value = float(loss.forward(z, backend.asarray([[0.0], [0.0]])))
    assert value == pytest.approx(50.0)  # (100 + 0)/2
    np.testing.assert_allclose(to_host(loss.backward()), [[0.5], [0.0]], atol=1e-7)


def test_bce_from_logits_equals_bce_of_sigmoid(backend64):
    rng = np.random.default_rng(3)
    z = rng.normal(size=(5, 2))
    t = (rng.uniform(size=(5, 2)) > 0.5).astype(float)
    p = 1 / (1 + np.exp(-z))
    a = float(BinaryCrossEntropy(from_logits=True).forward(backend64.asarray(z), backend64.asarray(t)))
    b = float(BinaryCrossEntropy().forward(backend64.asarray(p), backend64.asarray(t)))
    assert a == pytest.approx(b, rel=1e-9)
    assert float(MultiLabelBCE().forward(backend64.asarray(z), backend64.asarray(t))) == pytest.approx(a)


def test_softmax_ce_by_hand(backend):
    # z = (0, ln 2, 0) → e^z = (1, 2, 1) → p = (¼, ½, ¼); class 1 → L = −ln ½ = ln 2
    z = backend.asarray([[0.0, math.log(2.0), 0.0]])
    for target in (backend.xp.asarray([1]), backend.asarray([[0.0, 1.0, 0.0]])):
        loss = SoftmaxCrossEntropy()
        assert float(loss.forward(z, target)) == pytest.approx(math.log(2.0), rel=1e-6)
        # ∂L/∂z = (p − onehot)/N = (¼, −½, ¼)
        np.testing.assert_allclose(to_host(loss.backward()), [[0.25, -0.5, 0.25]], rtol=1e-6)


def test_softmax_ce_large_logits_do_not_overflow(backend):
    loss = SoftmaxCrossEntropy()
    z = backend.asarray([[1000.0, 0.0], [0.0, 1000.0]])
    value = float(loss.forward(z, backend.xp.asarray([0, 0])))
    assert value == pytest.approx(500.0)  # sample 1: 0; sample 2: −log softmax = 1000
    assert np.all(np.isfinite(to_host(loss.backward())))


def test_softmax_ce_averages_over_samples_not_classes(backend):
    # two samples with uniform logits over 4 classes: each −ln ¼; mean over 2 samples = ln 4
    z = backend.asarray(np.zeros((2, 4)))
    assert float(SoftmaxCrossEntropy().forward(z, backend.xp.asarray([0, 3]))) == pytest.approx(math.log(4))


def test_categorical_ce_by_hand(backend):
    # p = (0.2, 0.7, 0.1), class 1 → −ln 0.7 = 0.3567; ∂L/∂p = −t/p = (0, −1/0.7, 0)
    p = backend.asarray([[0.2, 0.7, 0.1]])
    for target in (backend.xp.asarray([1]), backend.asarray([[0.0, 1.0, 0.0]])):
        loss = CategoricalCrossEntropy()
        assert float(loss.forward(p, target)) == pytest.approx(-math.log(0.7), rel=1e-6)
        np.testing.assert_allclose(to_host(loss.backward()), [[0.0, -1 / 0.7, 0.0]], rtol=1e-6)


def test_mae_huber_mape_by_hand(backend):
    y, t = backend.asarray([[0.5], [3.0]]), backend.asarray([[0.0], [0.0]])
    mae = MAE()  # (0.5 + 3)/2 = 1.75; ∂ = sign(d)/N = (½, ½)
    assert float(mae.forward(y, t)) == pytest.approx(1.75)
    np.testing.assert_allclose(to_host(mae.backward()), [[0.5], [0.5]])
    huber = Huber(delta=1.0)  # ½·0.5² = 0.125; 1·(3 − ½) = 2.5 → mean 1.3125; ∂ = clip(d)/N = (0.25, 0.5)
    assert float(huber.forward(y, t)) == pytest.approx(1.3125)
    np.testing.assert_allclose(to_host(huber.backward()), [[0.25], [0.5]])
    mape = MAPE()  # |110 − 100|/100 = 10 %, |45 − 50|/50 = 10 % → 10
    assert float(mape.forward(backend.asarray([[110.0], [45.0]]),
                              backend.asarray([[100.0], [50.0]]))) == pytest.approx(10.0)
    # ∂ = 100·sign(d)/|t|/N = (100/100/2, −100/50/2) = (0.5, −1)
    np.testing.assert_allclose(to_host(mape.backward()), [[0.5], [-1.0]], rtol=1e-6)


# -- dtypes, errors, registry ----------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_float32_in_float32_out(name, backend):
    rng = np.random.default_rng(4)
    loss = get_loss(name)
    y = backend.asarray(rng.uniform(0.1, 0.9, size=(3, 2)))
    t = backend.asarray(np.eye(2)[[0, 1, 1]])  # float64 targets are cast to the output's dtype
    value = loss.forward(y, t)
    grad = loss.backward()
    assert grad.dtype == np.float32 and grad.shape == (3, 2)
    assert np.isfinite(float(value))


def test_shape_mismatch_is_explained():
    with pytest.raises(ValueError, match=r"output has shape \(4, 1\).*targets have shape \(4, 2\)"):
        MSE().forward(np.zeros((4, 1)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="one-hot rows of the same shape or as class labels"):
        SoftmaxCrossEntropy().forward(np.zeros((4, 3)), np.zeros((4, 2)))


def test_labels_out_of_range_are_explained():
    with pytest.raises(ValueError, match=r"labels must lie in 0…2 for 3 output units"):
        SoftmaxCrossEntropy().forward(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="0…2"):
        CategoricalCrossEntropy().forward(np.full((2, 3), 1 / 3), np.array([-1, 0]))


def test_registry_and_get_loss():
    assert set(LOSSES) == {"mse", "mae", "huber", "bce", "softmax_cross_entropy",
                           "categorical_cross_entropy", "multilabel_bce", "mape"}
    assert get_loss("mse", form="half_sum").form == "half_sum"
    assert isinstance(get_loss("cross_entropy"), SoftmaxCrossEntropy)
    assert get_loss("huber", delta=2.0).delta == 2.0
    assert repr(get_loss("bce", from_logits=True)) == "BinaryCrossEntropy(from_logits=True)"
    with pytest.raises(ValueError, match="Unknown loss 'nope'"):
        get_loss("nope")
    with pytest.raises(ValueError, match="form must be"):
        MSE(form="sum")
