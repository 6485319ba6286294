import numpy as np

from playground.session.history import MetricHistory
from playground.session.report import Report


def test_series_per_name_and_version_bumps():
    history = MetricHistory()
    history.append(Report(epoch=0, iteration=5, iterations_total=10, learning_rate=0.1, train_loss=0.5,
                          grad_norms={"dense1": 0.2}, train_metrics={"accuracy": 0.75}))
    history.append(Report(epoch=1, iteration=10, iterations_total=10, learning_rate=0.1, train_loss=0.25,
                          val_loss=0.3))
    x, y = history.series("train_loss")
    np.testing.assert_array_equal(x, [5, 10])
    np.testing.assert_array_equal(y, [0.5, 0.25])
    assert history.series("val_loss")[1].tolist() == [0.3]
    assert history.names("grad_norm/") == ["grad_norm/dense1"]
    assert history.version == 2


def test_epoch_end_samples_survive_a_later_report_without_them():
    history = MetricHistory()
    confusion = np.eye(2, dtype=int)
    history.append(Report(0, 1, 10, 0.1, 0.5, samples={"confusion": confusion}, epoch_end=True))
    history.append(Report(0, 2, 10, 0.1, 0.4))
    assert history.latest.samples["confusion"] is confusion


def test_round_trip_through_plain_data():
    history = MetricHistory()
    history.append(Report(0, 3, 10, 0.1, 0.5, val_loss=0.7))
    again = MetricHistory.from_dict(history.to_dict())
    assert again.series("val_loss")[1].tolist() == [0.7]
