import numpy as np
import pytest
from sklearn import metrics as sk

from playground.engine.metrics import (
    METRICS,
    accuracy,
    confusion_matrix,
    f1,
    mean_absolute_error,
    precision,
    r2,
    recall,
    to_labels,
)

PROBS = np.array([[0.7, 0.2, 0.1],   # predicts 0
                  [0.1, 0.8, 0.1],   # predicts 1
                  [0.3, 0.3, 0.4],   # predicts 2
                  [0.6, 0.3, 0.1]])  # predicts 0
LABELS = np.array([0, 1, 1, 0])


def test_accuracy_from_probabilities_logits_and_one_hot():
    # predictions (0, 1, 2, 0) vs (0, 1, 1, 0): 3 of 4 right
    assert accuracy(PROBS, LABELS) == 0.75
    assert accuracy(np.log(PROBS), LABELS) == 0.75           # logits: the same argmax
    assert accuracy(PROBS, np.eye(3)[LABELS]) == 0.75        # one-hot targets


def test_binary_accuracy_thresholds_one_unit_outputs():
    probs = np.array([[0.9], [0.4], [0.5], [0.1]])            # → 1, 0, 1, 0 (0.5 counts as yes)
    targets = np.array([[1.0], [1.0], [1.0], [0.0]])
    assert accuracy(probs, targets) == 0.75
    assert accuracy(probs.ravel(), np.array([1, 1, 1, 0])) == 0.75
    logits = np.array([[2.0], [-0.4], [0.0], [-3.0]])
    assert accuracy(logits, targets, threshold=0.0) == 0.75


def test_to_labels():
    np.testing.assert_array_equal(to_labels(PROBS), [0, 1, 2, 0])
    np.testing.assert_array_equal(to_labels(np.array([[0.2], [0.7]])), [0, 1])
    np.testing.assert_array_equal(to_labels(np.array([3, 1])), [3, 1])
    with pytest.raises(ValueError, match="Expected class scores"):
        to_labels(np.zeros((2, 2, 2)))


def test_confusion_matrix_by_hand():
    # rows: true class, columns: predicted. true 0 → predicted 0 twice; true 1 → 1 once, 2 once
    expected = [[2, 0, 0],
                [0, 1, 1],
                [0, 0, 0]]
    np.testing.assert_array_equal(confusion_matrix(PROBS, LABELS), expected)
    assert confusion_matrix(np.array([[0.9], [0.2]]), np.array([1, 1])).shape == (2, 2)
    with pytest.raises(ValueError, match="Class labels must lie in 0…1"):
        confusion_matrix(PROBS, LABELS, num_classes=2)


def test_precision_recall_f1_by_hand():
    # per class (0, 1, 2): TP = (2, 1, 0); predicted = (2, 1, 1); actual = (2, 2, 0)
    # precision = (1, 1, 0) → 2/3; recall = (1, ½, —) over classes seen: (1, ½, 0) → ½
    # F1 = 2TP/(pred + actual) = (1, 2/3, 0) → 5/9
    assert precision(PROBS, LABELS) == pytest.approx(2 / 3)
    assert recall(PROBS, LABELS) == pytest.approx(0.5)
    assert f1(PROBS, LABELS) == pytest.approx(5 / 9)


def test_macro_average_skips_classes_that_never_occur():
    # 3 output units, but class 1 is neither predicted nor present: average over classes 0 and 2
    scores = np.eye(3)[[0, 2, 2, 0]]                 # predicts 0, 2, 2, 0
    labels = np.array([0, 2, 0, 0])
    # class 0: TP 2 of 2 predicted → precision 1; class 2: TP 1 of 2 predicted → ½ → mean ¾
    assert precision(scores, labels) == pytest.approx(0.75)
    # recall: class 0 finds 2 of 3, class 2 finds 1 of 1 → (⅔ + 1)/2 = ⅚
    assert recall(scores, labels) == pytest.approx(5 / 6)


@pytest.mark.parametrize("seed", range(3))
def test_classification_metrics_match_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(40, 4))
    labels = rng.integers(0, 4, size=40)
    pred = scores.argmax(axis=1)
    assert accuracy(scores, labels) == pytest.approx(sk.accuracy_score(labels, pred))
    for ours, theirs in [(precision, sk.precision_score), (recall, sk.recall_score), (f1, sk.f1_score)]:
        assert ours(scores, labels) == pytest.approx(theirs(labels, pred, average="macro", zero_division=0))
    np.testing.assert_array_equal(confusion_matrix(scores, labels), sk.confusion_matrix(labels, pred))
    binary = rng.uniform(size=(30, 1))
    truth = rng.integers(0, 2, size=30)
    assert precision(binary, truth, average="binary") == pytest.approx(
        sk.precision_score(truth, (binary[:, 0] >= 0.5).astype(int)))


def test_regression_metrics():
    y = np.array([[2.5], [0.0], [2.0], [8.0]])
    t = np.array([[3.0], [-0.5], [2.0], [7.0]])
    # |d| = (0.5, 0.5, 0, 1) → 0.5
    assert mean_absolute_error(y, t) == pytest.approx(0.5)
    # SS_res = 0.25 + 0.25 + 0 + 1 = 1.5; mean t = 2.875, SS_tot = 29.1875 → 1 − 1.5/29.1875 = 0.94861
    assert r2(y, t) == pytest.approx(1 - 1.5 / 29.1875)
    assert r2(y, t) == pytest.approx(sk.r2_score(t, y))
    two = np.array([[1.0, 2.0], [2.0, 5.0], [3.0, 1.0]])
    assert r2(two * 0.9, two) == pytest.approx(sk.r2_score(two, two * 0.9))
    assert r2(np.ones(3), np.ones(3)) == 1.0 and r2(np.zeros(3), np.ones(3)) == 0.0


def test_registry():
    assert set(METRICS) == {"accuracy", "precision", "recall", "f1", "mae", "r2"}
    assert all(isinstance(METRICS[name](PROBS, LABELS), float) for name in ("accuracy", "f1"))
