"""The rules that guide a first-time student: the loss a task calls for, unusual values."""

from playground.model.guidance import LossFollower, loss_for_task, unusual_setting
from playground.model.settings import TrainingSettings


def test_the_loss_follows_the_task():
    assert loss_for_task("binary") == "bce"
    assert loss_for_task("multiclass") == "softmax_cross_entropy"
    assert loss_for_task("regression") == "mse"
    assert loss_for_task("reconstruction") == "mse"
    assert loss_for_task(None) is None and loss_for_task("weird") is None


def test_a_loss_the_student_picked_stays_theirs():
    follower = LossFollower()
    follower.reset([("out", "mse")], "binary")  # the default: nobody picked it
    assert follower.changes([("out", "mse")], "binary") == [("out", "bce")]
    assert follower.changes([("out", "bce")], "multiclass") == [("out", "softmax_cross_entropy")]
    follower.picked("out")
    assert follower.changes([("out", "bce")], "regression") == []


def test_an_opened_project_follows_only_where_its_loss_fits_its_task():
    follower = LossFollower()
    follower.reset([("a", "bce"), ("b", "huber")], "binary")
    assert follower.follows("a") and not follower.follows("b")  # huber was somebody's choice
    assert follower.changes([("a", "bce"), ("b", "huber")], "regression") == [("a", "mse")]


def test_unusual_values_get_a_quiet_warning():
    settings = TrainingSettings()
    settings.optimizer.name = "sgd"
    assert "above 1" in unusual_setting("optimizer.lr", 100.0, settings)
    assert unusual_setting("optimizer.lr", 0.5, settings) == ""
    assert "320" in unusual_setting("batch_size", 1000, settings, samples=320)
    assert unusual_setting("batch_size", 32, settings, samples=320) == ""
    assert unusual_setting("batch_size", 1000, settings, samples=None) == ""
