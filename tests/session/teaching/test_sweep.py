import math

import numpy as np
import pytest

from playground.engine.backend import get_backend
from playground.engine.layers.activation import Activation
from playground.engine.layers.dense import Dense
from playground.engine.losses import MSE
from playground.engine.network import Network
from playground.engine.optimizers import SGD
from playground.session.teaching.sweep import sweep
from playground.session.trainer import TrainData, Trainer


def regression_data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(200, 2)).astype(np.float32)
    y = (np.sin(2 * x[:, :1]) + x[:, 1:] ** 2).astype(np.float32)
    return TrainData(x[:150], y[:150], x[150:], y[150:], task="regression")


def make_trainer(lr, epochs=15):
    net = Network.sequential((2,), [Dense(8), Activation("tanh"), Dense(1)]).build(get_backend("numpy"), seed=0)
    return Trainer(net, MSE(), SGD(net.parameters(), lr=lr), regression_data(), batch_size=16,
                   epochs=epochs, report_every_s=0)


def test_learning_rate_sweep_shows_too_low_good_and_too_high():
    result = sweep(make_trainer, [1e-4, 0.1, 10.0], setting="lr")
    low, good, high = result.runs
    start = low.curve("train_loss")[1][0]                # the loss of the first batches
    assert low.final_train_loss > 0.8 * start            # 1e-4 crawls: hardly below where it started
    assert good.final_train_loss < 0.2 * low.final_train_loss
    assert high.diverged and math.isnan(high.final_train_loss)  # 10 blows up
    assert "learning rate (10)" in high.message
    assert result.best() is good and result.best("train") is good
    np.testing.assert_allclose(result.final_losses("train")[:2], [low.final_train_loss, good.final_train_loss])
    assert [label for label, _, _ in result.overlay("val_loss")] == ["lr = 0.0001", "lr = 0.1", "lr = 10"]
    x, y = good.curve("val_loss")
    assert x[-1] == good.iterations == 15 * 10            # 15 epochs of 10 batches
    assert y[-1] == pytest.approx(good.final_val_loss, rel=1e-5)


def test_progress_callback_and_stop():
    seen = []
    result = sweep(make_trainer, [0.1, 0.01, 0.001], setting="lr",
                   on_report=lambda i, r: seen.append(i), should_stop=lambda: len(seen) >= 3)
    assert len(result.runs) == 1 and set(seen) == {0}
    assert result.runs[0].iterations < 15 * 10
    assert "Stopped" in result.runs[0].message
