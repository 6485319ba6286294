"""CompareRunsView: one colour per run, train solid and validation dashed, exactly the histories' points."""

import numpy as np
from PySide6.QtCore import Qt

from playground.ui.teaching import CompareRunsView
from tests.ui import fakes


def test_every_run_gets_its_train_and_validation_points(qtbot, show):
    view = show(CompareRunsView())
    runs = {"lr = 0.01": fakes.training_history(n=12, seed=0), "lr = 0.1": fakes.training_history(n=9, seed=1)}
    view.set_runs(runs)
    for label, history in runs.items():
        for which in ("train", "val"):
            x, y = view.curve(label, which).getData()
            hx, hy = history.series(f"{which}_loss")
            np.testing.assert_array_equal(x, hx)
            np.testing.assert_array_equal(y, hy)
    first, second = view.curve("lr = 0.01"), view.curve("lr = 0.1")
    assert first.opts["pen"].color() != second.opts["pen"].color()
    assert view.curve("lr = 0.1", "val").opts["pen"].style() == Qt.PenStyle.DashLine
    assert view.curve("lr = 0.1", "val").opts["pen"].color() == second.opts["pen"].color()
    labels = [label.text for _, label in view.plot_item.legend.items]
    assert labels == ["lr = 0.01", "lr = 0.1"]  # one legend entry per run


def test_live_histories_grow_and_only_changed_views_redraw(qtbot):
    view = CompareRunsView()
    qtbot.addWidget(view)
    history = fakes.history_of(fakes.report(10, train_loss=0.9))
    view.add_run("live", history)
    assert not view.refresh()  # nothing new
    history.append(fakes.report(20, train_loss=0.5))
    assert view.refresh()
    assert list(view.curve("live").getData()[1]) == [0.9, 0.5]


def test_validation_checkbox_and_removing_runs(qtbot):
    view = CompareRunsView()
    qtbot.addWidget(view)
    view.add_run("a", fakes.training_history(n=6, seed=0))
    view.add_run("b", fakes.training_history(n=6, seed=1))
    view.val_checkbox.setChecked(False)
    assert set(view.curves.curves) == {"a/train", "b/train"}
    view.remove_run("a")
    assert set(view.curves.curves) == {"b/train"}
    view.log_checkbox.setChecked(True)
    assert view.plot_item.getAxis("left").logMode
