"""GradientCheckDialog: per-layer worst errors from check_network, green below 1e-5, red above."""

import numpy as np
import pytest
from PySide6.QtGui import QColor

from playground.engine.layers.dense import Dense
from playground.ui.teaching import GradientCheckDialog
from playground.ui.teaching.common import FAIL_COLOUR, PASS_COLOUR, VALUE_ROLE
from playground.ui.teaching.gradcheck_dialog import (
    LayerCheck,
    check_project,
    group_by_layer,
)


def rows(dialog):
    table = dialog.table
    return [(table.item(r, 0).text(), table.item(r, 2).data(VALUE_ROLE), table.item(r, 3).background().color())
            for r in range(table.rowCount())]


def test_a_correct_network_passes_in_green(qtbot, show, example):
    dialog = show(GradientCheckDialog(example("circle_l2")), 800, 450)
    qtbot.waitUntil(lambda: dialog.checks is not None, timeout=20000)
    assert dialog.task.where == "process"  # checked in a child process, not on a thread of the window
    shown = rows(dialog)
    assert [name for name, _, _ in shown] == ["dense_1", "dense_2", "dense_3"]
    for (name, worst, colour), check in zip(shown, dialog.checks):
        assert worst == check.worst < 1e-5
        assert colour == QColor(PASS_COLOUR)
    assert dialog.summary.text().startswith("✓ All 3 layers agree")


def test_a_wrong_backward_pass_is_caught_in_red(qtbot, show, example, monkeypatch):
    original = Dense.backward

    def wrong_backward(self, dy):  # a classic bug: the weight gradient off by 10 %
        dx = original(self, dy)
        self.params["W"].grad = 1.1 * self.params["W"].grad
        return dx

    monkeypatch.setattr(Dense, "backward", wrong_backward)  # in this process: the check runs here
    dialog = show(GradientCheckDialog(example("logistic_regression"), autostart=False))
    dialog.show_checks(check_project(dialog.project, dialog.batch_size))
    (name, worst, colour), = rows(dialog)
    # relative error of 1.1g against g: 0.1‖g‖ / 2.1‖g‖ ≈ 0.048
    assert name == "dense_1" and worst == pytest.approx(0.1 / 2.1, rel=1e-3)
    assert colour == QColor(FAIL_COLOUR)
    assert dialog.summary.text().startswith("✗ 1 of 1 layers disagree")


def test_errors_are_grouped_per_layer_with_the_worst_parameter():
    checks = group_by_layer({"dense_1.W": 1e-9, "dense_1.b": 3e-8, "conv_2.W": 2e-3})
    assert [(c.layer, c.worst) for c in checks] == [("dense_1", 3e-8), ("conv_2", 2e-3)]
    assert checks[0].passed() and not checks[1].passed()
    assert not LayerCheck("x", {"W": float("nan")}).passed()


def test_check_project_uses_the_trained_weights_in_float64(example):
    project = example("logistic_regression")
    project.weights = {"dense_1.W": np.array([[2.0], [-1.0]], dtype=np.float32),
                       "dense_1.b": np.array([0.5], dtype=np.float32)}
    checks = check_project(project, batch_size=4)
    assert len(checks) == 1 and checks[0].worst < 1e-7  # float64 differences are this close


def test_an_uncompilable_project_says_why(qtbot, show, example):
    project = example("xor")
    project.dataset = None
    dialog = show(GradientCheckDialog(project))
    qtbot.waitUntil(lambda: bool(dialog.error), timeout=20000)
    assert "dataset" in dialog.summary.text().lower() and dialog.checks is None
