"""SweepDialog: runs on a worker thread, the GUI keeps ticking, the curves get every run's points."""

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from playground.ui.teaching import SweepDialog
from playground.ui.teaching.sweep_dialog import SETTINGS, parse_values, project_with


class Ticker:
    """Counts timer ticks on the GUI thread: a frozen GUI would not tick."""

    def __init__(self):
        self.ticks = 0
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self):
        self.ticks += 1


def test_sweep_runs_in_the_background_and_fills_the_curves(qtbot, show, example):
    project = example("xor")
    dialog = show(SweepDialog(project, values="0.003, 0.3", epochs=2), 900, 700)
    ticker = Ticker()
    assert dialog.start()
    assert dialog.running and not dialog.run_button.isEnabled()
    assert dialog.task.where == "process"  # trained in a child process, not on a thread of the window
    ticks_at_start = ticker.ticks
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    ticker.timer.stop()
    assert ticker.ticks > ticks_at_start  # the event loop ran while the sweep trained
    assert dialog.reports_received > 0  # progress arrived while it ran
    result = dialog.result
    assert [run.label for run in result.runs] == ["lr = 0.003", "lr = 0.3"]
    for run in result.runs:
        x, y = dialog.compare.curve(run.label).getData()
        hx, hy = run.history.series("train_loss")
        assert len(x) > 0
        np.testing.assert_array_equal(y, hy)
        np.testing.assert_array_equal(x, hx)
    fx, fy = dialog.final_plot.curves.get("train").getOriginalDataset()
    np.testing.assert_array_equal(fx, [0.003, 0.3])
    np.testing.assert_array_equal(fy, result.final_losses("train"))
    assert dialog.final_plot.plot_item.getAxis("bottom").logMode  # learning rate: log x
    assert "Lowest final" in dialog.status.text()
    assert dialog.run_button.isEnabled() and project.settings.optimizer.lr == 0.03  # project unchanged


def test_stop_ends_the_sweep_early(qtbot, show, example):
    dialog = show(SweepDialog(example("xor"), values="0.01, 0.02, 0.03, 0.04", epochs=2000))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.reports_received > 0, timeout=20000)
    dialog.stop_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert len(dialog.result.runs) < 4
    assert "Stopped after" in dialog.status.text()


def test_categorical_sweep_labels_the_axis_with_the_choices(qtbot, show, example):
    dialog = show(SweepDialog(example("logistic_regression"), setting="optimizer.name", values="sgd adam",
                              epochs=1))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    fx, _ = dialog.final_plot.curves.get("train").getOriginalDataset()
    np.testing.assert_array_equal(fx, [0, 1])
    ticks = dialog.final_plot.plot_item.getAxis("bottom")._tickLevels
    assert [label for _, label in ticks[0]] == ["sgd", "adam"]


def test_values_are_parsed_and_checked_in_plain_words():
    lr = SETTINGS["optimizer.lr"]
    assert parse_values("0.001, 0.01 1e-1", lr) == [0.001, 0.01, 0.1]
    assert parse_values("1, 8; 32", SETTINGS["batch_size"]) == [1, 8, 32]
    with pytest.raises(ValueError, match="not a number"):
        parse_values("0.1, fast", lr)
    with pytest.raises(ValueError, match="whole numbers"):
        parse_values("1.5", SETTINGS["batch_size"])
    with pytest.raises(ValueError, match="choose from"):
        parse_values("sgd, lion", SETTINGS["optimizer.name"])
    with pytest.raises(ValueError, match="twice"):
        parse_values("0.1 0.1", lr)


def test_bad_values_are_refused_before_training(qtbot, show, example):
    project = example("xor")
    dialog = show(SweepDialog(project, values="0.1, -1"))
    assert not dialog.start()
    assert not dialog.running and "lr" in dialog.status.text()


def test_project_with_changes_a_copy_only(example):
    project = example("xor")
    copy = project_with(project, SETTINGS["optimizer.momentum"], 0.9)
    assert copy.settings.optimizer.momentum == 0.9 and copy.settings.optimizer.name == "sgd"
    assert project.settings.optimizer.name == "adam" and project.settings.optimizer.momentum == 0.0
    assert project_with(project, SETTINGS["seed"], 3).initial_weights is None


def test_closing_while_running_ends_the_child(qtbot, example):
    dialog = SweepDialog(example("xor"), values="0.01, 0.02, 0.03", epochs=200)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.reports_received > 0, timeout=20000)
    child = dialog.task._run.job
    dialog.close()  # cancels and ends the child: no process outlives the window
    assert not dialog.running and dialog.result is None and not child.alive


def test_a_sweep_that_cannot_train_says_why(qtbot, show, example):
    project = example("xor")
    project.dataset = None
    dialog = show(SweepDialog(project, values="0.01, 0.1", epochs=1))
    with qtbot.waitSignal(dialog.task.failed, timeout=20000):
        assert dialog.start()
    assert dialog.status.text().startswith("The sweep failed: Choose a dataset first")
    assert dialog.run_button.isEnabled() and not dialog.running
