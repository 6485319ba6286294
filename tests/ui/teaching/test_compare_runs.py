"""CompareRunsView: one colour per run, train solid and validation dashed, exactly the histories' points."""

import numpy as np
from PySide6.QtCore import Qt

from playground.ui.teaching import CompareRunsView
from tests.ui import fakes
from tests.ui.test_main_window import train_to_end, answers, make_window, qsettings  # noqa: F401  (fixtures)


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


# ----------------------------------------------------------------------------
# runs kept in the project
# ----------------------------------------------------------------------------
def kept(label, seed, summary):
    from playground.model.project import KeptRun

    return KeptRun(label, summary, fakes.training_history(n=10, seed=seed).to_dict())


def test_kept_runs_are_listed_in_their_colours_with_their_settings(qtbot, show):
    view = show(CompareRunsView(), 900, 480)
    runs = [kept("run 1: adam lr 0.1", 0, "adam, lr 0.1 · batch 16"), kept("run 2: sgd lr 1", 1, "sgd, lr 1")]
    view.set_kept_runs(runs)
    assert view.listed_runs() == ["run 1: adam lr 0.1", "run 2: sgd lr 1"]
    for row, run in enumerate(runs):
        item = view.run_list.item(row)
        assert item.text().replace("\u00a0", " ") == f"{run.label}\n{run.summary}"
        swatch = item.icon().pixmap(18, 18).toImage().pixelColor(9, 9)
        assert swatch == view.curve(run.label).opts["pen"].color()
        x, y = view.curve(run.label).getData()
        assert [list(p) for p in zip(x, y)] == run.history["train_loss"]


def test_remove_run_takes_the_selected_run_out_and_says_which(qtbot, show):
    view = show(CompareRunsView(), 900, 480)
    view.set_kept_runs([kept("a", 0, "first"), kept("b", 1, "second")])
    assert not view.remove_button.isEnabled()  # nothing selected
    view.run_list.setCurrentRow(0)
    with qtbot.waitSignal(view.run_removed) as removed:
        qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    assert removed.args == ["a"]
    assert view.listed_runs() == ["b"] and set(view.curves.curves) == {"b/train", "b/val"}
    assert view.summaries == {"b": "second"}


def test_kept_runs_survive_saving_and_reopening_the_project(make_window, qtbot, tmp_path):  # noqa: F811
    """Keep two runs in the window, save, open the file again: the comparison is back, curves and all."""
    import os
    from pathlib import Path

    from tests.ui.helpers import settle
    from tests.ui.test_main_window import load_xor

    window = make_window()
    load_xor(window, epochs=3)
    kept_curves = {}
    for lr in (0.05, 0.5):
        assert window.settings_panel.commit("optimizer.lr", lr)
        window.controller.reset()  # each run from the same initial weights (Play would go on)
        train_to_end(window, qtbot)
        window.menu_actions["keep_run"].trigger()
        kept_curves[window.project.kept_runs[-1].label] = window.run.history.series("train_loss")
    labels = ["run 1: adam lr 0.05", "run 2: adam lr 0.5"]
    assert [run.label for run in window.project.kept_runs] == labels
    assert window.modified
    path = tmp_path / "compare.nnpg"
    assert window.save_to(str(path))
    window.teach.windows["compare"].close()
    load_xor(window)  # something else in between
    assert window.project.kept_runs == []
    assert window.open_file(str(path))

    window.menu_actions["compare_runs"].trigger()
    view = window.teach.windows["compare"]
    assert view.isVisible() and view.listed_runs() == labels
    assert "adam, lr 0.5 · batch 16 · 3 epochs · seed 0" in view.run_list.item(1).text().replace("\u00a0", " ")
    for label in labels:
        x, y = view.curve(label, "train").getData()
        np.testing.assert_array_equal(x, kept_curves[label][0])
        np.testing.assert_array_equal(y, kept_curves[label][1])
        assert len(view.curve(label, "val").getData()[0]) == 3  # one validation point per epoch
    view.resize(1000, 560)
    settle(5)
    out = Path(os.environ.get("PLAYGROUND_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(out / "compare_reopened.png"))

    assert not window.modified
    view.run_list.setCurrentRow(0)
    view.remove_button.click()  # removing a run changes the project
    assert [run.label for run in window.project.kept_runs] == labels[1:] and window.modified
    view.close()
