import math

import numpy as np
import pytest

from playground.engine.backend import get_backend
from playground.engine.layers.activation import Activation
from playground.engine.layers.dense import Dense
from playground.engine.losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy
from playground.engine.network import Network
from playground.engine.optimizers import SGD, Adam
from playground.session.history import MetricHistory
from playground.session.trainer import EarlyStopping, TrainData, Trainer


def xor_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype(np.float32)
    y = ((x[:, 0] * x[:, 1]) > 0).astype(np.float32)[:, None]
    return x, y


def xor_trainer(lr=0.1, epochs=60, seed=0, **kw):
    x, y = xor_data()
    net = Network.sequential((2,), [Dense(8), Activation("tanh"), Dense(1), Activation("sigmoid")])
    net.build(get_backend("numpy"), seed=seed)
    data = TrainData(x[:150], y[:150], x[150:], y[150:], task="binary", grid_extent=(-1, 1, -1, 1))
    return Trainer(net, BinaryCrossEntropy(), Adam(net.parameters(), lr=lr), data,
                   batch_size=10, epochs=epochs, seed=seed, **kw)


def test_trains_xor_and_reports_everything_the_plots_need():
    trainer = xor_trainer()
    history = MetricHistory()
    reports = list(trainer.steps())
    for r in reports:
        history.append(r)
    last = reports[-1]
    assert last.done and "Finished 60 epochs" in last.message
    assert last.val_metrics["accuracy"] >= 0.95
    assert last.train_loss < reports[0].train_loss
    assert set(last.grad_norms) == {"dense1", "dense3"}
    assert last.activations["activation2"].shape == (8,)
    assert last.decision_grid.values.shape == (50, 50)
    assert 0 <= last.decision_grid.values.min() and last.decision_grid.values.max() <= 1
    assert last.decision_grid.units["activation2"].shape == (8, 50, 50)
    assert last.samples["confusion"].sum() == 50
    assert len(history.series("val_loss")[0]) == 60  # one validation point per epoch
    assert "grad_norm/dense1" in history.names("grad_norm/")


def test_fast_epochs_are_reported_together_yet_every_epoch_keeps_its_points():
    """Hundreds of epochs a second must not become hundreds of reports (the window would drown);
    the epochs between two reports travel with the next one, so the curves lose nothing."""
    every = MetricHistory()
    for r in xor_trainer(epochs=12, report_every_s=0).steps():
        every.append(r)
    reports = list(xor_trainer(epochs=12, report_every_s=3600).steps())
    assert len(reports) == 2  # the first epoch end (shown at once), then the end of training
    assert reports[0].epoch == 1 and reports[0].epoch_end and reports[-1].done
    assert len(reports[-1].earlier) == 10  # epochs 2..11; epoch 12 is the last report itself
    together = MetricHistory()
    for r in reports:
        together.append(r)
    for name in ("val_loss", "val_accuracy"):  # evaluated at each epoch end: the same points
        x_every, y_every = every.series(name)
        x_together, y_together = together.series(name)
        assert len(x_together) == 12, name
        np.testing.assert_allclose(y_together, y_every[np.isin(x_every, x_together)], rtol=1e-6, err_msg=name)
    for name in ("train_loss", "train_accuracy"):  # per batch vs per epoch: 15 equal batches an epoch
        per_epoch = every.series(name)[1].reshape(12, 15).mean(axis=1)
        np.testing.assert_allclose(together.series(name)[1], per_epoch, rtol=1e-5, err_msg=name)


def test_a_report_between_epoch_ends_does_not_claim_one():
    trainer = xor_trainer(epochs=3, report_every_s=3600)
    reports = list(trainer.steps())
    assert [r.epoch_end for r in reports] == [True, True]
    assert reports[-1].earlier[0].iteration == 30  # 150 samples / batch 10 = 15 batches per epoch


def test_same_seed_same_curve():
    a = [r.train_loss for r in xor_trainer(epochs=3, report_every_s=0).steps()]
    b = [r.train_loss for r in xor_trainer(epochs=3, report_every_s=0).steps()]
    assert a == b


def test_diverging_regression_stops_with_a_message_naming_the_cause():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [3.0]])).astype(np.float32)
    net = Network.sequential((3,), [Dense(1)]).build(get_backend("numpy"))
    trainer = Trainer(net, MSE(), SGD(net.parameters(), lr=50.0), TrainData(x, y, task="regression"),
                      batch_size=10, epochs=100)
    last = list(trainer.steps())[-1]
    assert last.done and trainer.epoch < 100
    assert "learning rate (50)" in last.message
    assert "NaN" in last.message or "infinite" in last.message


def test_stop_and_live_learning_rate():
    trainer = xor_trainer(epochs=1000, report_every_s=0)
    gen = trainer.steps()
    next(gen)
    trainer.set_learning_rate(0.01)
    report = next(gen)
    assert math.isclose(report.learning_rate, 0.01, rel_tol=1e-6)
    trainer.stop()
    rest = list(gen)
    assert rest[-1].done and "Stopped" in rest[-1].message


def test_single_batch_step_while_paused():
    trainer = xor_trainer()
    trainer.run_batch()
    report = trainer.report()
    assert report.iteration == 1 and math.isfinite(report.train_loss)


def test_early_stopping_restores_best_weights():
    x, y = xor_data()
    net = Network.sequential((2,), [Dense(64), Activation("relu"), Dense(1), Activation("sigmoid")])
    net.build(get_backend("numpy"), seed=0)
    # validation labels are noise: validation loss soon stops improving
    rng = np.random.default_rng(1)
    data = TrainData(x[:40], y[:40], x[40:], rng.integers(0, 2, size=(160, 1)).astype(np.float32))
    trainer = Trainer(net, BinaryCrossEntropy(), Adam(net.parameters(), lr=0.05), data, batch_size=8,
                      epochs=500, early_stopping=EarlyStopping(patience=3))
    last = list(trainer.steps())[-1]
    assert "Early stopping" in last.message and trainer.epoch < 500


def test_multiclass_softmax_grid_has_one_channel_per_class():
    rng = np.random.default_rng(0)
    centers = np.array([[0, 1], [1, -1], [-1, -1]])
    labels = rng.integers(0, 3, 300)
    x = (centers[labels] + 0.2 * rng.normal(size=(300, 2))).astype(np.float32)
    net = Network.sequential((2,), [Dense(3)]).build(get_backend("numpy"))
    data = TrainData(x[:200], labels[:200], x[200:], labels[200:], task="multiclass", grid_extent=(-2, 2, -2, 2))
    trainer = Trainer(net, SoftmaxCrossEntropy(), Adam(net.parameters(), lr=0.05), data, batch_size=20, epochs=20)
    last = list(trainer.steps())[-1]
    assert last.val_metrics["accuracy"] > 0.9
    grid = last.decision_grid.values
    assert grid.shape == (50, 50, 3)
    np.testing.assert_allclose(grid.sum(axis=-1), 1, rtol=1e-5)


def test_diverging_hidden_layers_still_get_the_plain_message():
    # Input → Dense 8 → Dense 1, MSE, SGD at η = 10: weights become NaN; the report must still build
    x, y = xor_data()
    net = Network.sequential((2,), [Dense(8), Dense(1)]).build(get_backend("numpy"))
    trainer = Trainer(net, MSE(), SGD(net.parameters(), lr=10.0), TrainData(x, y, task="regression"),
                      batch_size=10, epochs=50)
    last = list(trainer.steps())[-1]
    assert "learning rate (10)" in last.message
