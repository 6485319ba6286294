"""Replay training: through the Teach menu of the real window, a run trained in the window, saved and
reopened replays bit for bit; the view draws the recording grey underneath and names the first
iteration where a changed run parts from it."""

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.model.fileio import load_project, save_project
from playground.session.compile import build_run, store_results
from playground.session.history import MetricHistory
from playground.ui.teaching.replay import ReplayView
from tests.ui.helpers import settle
from tests.ui.test_main_window import train_to_end, answers, load_xor, make_window, qsettings  # noqa: F401  (fixtures)

SHOTS = os.environ.get("PLAYGROUND_SHOTS")


@pytest.fixture
def win(make_window):  # noqa: F811
    return make_window()


def shot(widget, tmp_path, name: str) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    settle(5)  # the layout makes room for the verdict's wrapped lines
    assert widget.grab().save(str(path))
    return path


def curve_data(view, name):
    x, y = view.plot.curve(name).getData()
    return list(x), list(y)


def recorded_xor(tmp_path, epochs=4):
    """A small XOR project trained headless, saved and opened again (what a lecturer brings along)."""
    from tests.ui.test_panels import xor_project

    project = xor_project(epochs=epochs)
    project.settings.backend = "numpy"
    run = build_run(project)
    history = MetricHistory()
    for report in run.trainer.steps():
        history.append(report)
    store_results(project, run, history.to_dict())
    return load_project(save_project(project, tmp_path / "xor.nnpg"))


def test_the_menu_action_replays_a_run_trained_saved_and_reopened_in_the_window(win, qtbot, tmp_path):
    window = win
    load_xor(window, epochs=5)
    window.project.settings.backend = "numpy"
    train_to_end(window, qtbot)
    assert window.project.initial_weights is not None and window.project.optimizer_state is not None
    path = tmp_path / "lecture.nnpg"
    assert window.save_to(str(path))
    assert window.open_file(str(path))  # a fresh project object, read from the file
    assert window.project.initial_weights is not None

    window.menu_actions["replay"].trigger()
    view = window.teach.windows["replay"]
    assert isinstance(view, ReplayView) and view.isVisible() and view.project is window.project
    qtbot.waitUntil(lambda: view.result is not None or bool(view.error), timeout=30000)
    assert not view.error
    assert view.result.identical, view.result.message()
    assert view.verdict.text().startswith("✓ Identical to the recording")
    recorded = window.project.history["train_loss"]
    rx, ry = (list(v) for v in np.asarray(recorded).T)
    x, y = view.plot.recorded["train_loss"].getData()
    assert (list(x), list(y)) == (rx, ry)  # the recording, grey underneath
    assert curve_data(view, "train") == (rx, ry)  # the replay, exactly on top of it
    pen = view.plot.recorded["train_loss"].opts["pen"]
    assert pen.style() == Qt.PenStyle.DashLine and pen.widthF() > view.plot.curve("train").opts["pen"].widthF()
    legend = [label.text for _, label in view.plot.plot_item.legend.items]
    assert "recorded" in legend and "train" in legend
    assert not window.modified  # replaying changes nothing in the project
    view.resize(1000, 720)
    qtbot.wait(50)
    shot(view, tmp_path, "replay_identical.png")
    view.close()


def test_a_changed_setting_shows_where_the_runs_part(qtbot, tmp_path):
    project = recorded_xor(tmp_path)
    project.settings.optimizer.lr = 0.08  # not what the recording used
    view = ReplayView(project)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.finished, timeout=30000) as done:
        assert view.start()
    result = done.args[0]
    first = result.difference
    assert first is not None and not result.identical
    assert f"iteration {first.iteration:,}" in view.verdict.text() and view.verdict.text().startswith("✗")
    assert view.parting_line.scene() is not None and view.parting_line.value() == first.iteration
    assert curve_data(view, "train")[1] != [v for _, v in project.history["train_loss"]]
    shot(view, tmp_path, "replay_differs.png")
    view.close()


def test_stop_ends_the_replay_early(qtbot, tmp_path):
    project = recorded_xor(tmp_path, epochs=60)
    view = ReplayView(project)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.finished, timeout=30000) as done:
        view.start()
        assert view.stop_button.isEnabled() and not view.replay_button.isEnabled()
        view.stop_button.click()
    assert done.args[0].cancelled and "stopped" in view.verdict.text().lower()
    assert view.replay_button.isEnabled() and not view.stop_button.isEnabled()
    assert view.task.where == "process"


def test_a_replay_that_cannot_train_says_why(qtbot, tmp_path):
    project = recorded_xor(tmp_path)
    project.dataset = None  # the recording is there, the data is not
    view = ReplayView(project)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.finished, timeout=30000) as done:
        assert view.start()
    assert done.args[0] is None
    assert view.error.startswith("The replay could not run: Choose a dataset first")
    assert view.replay_button.isEnabled() and not view.stop_button.isEnabled()


def test_nothing_recorded_is_said_in_plain_words(win, qtbot):
    window = win
    load_xor(window)
    window.menu_actions["replay"].trigger()
    view = window.teach.windows["replay"]
    assert view.error.startswith("Nothing to replay") and view.verdict.text() == view.error
    assert not view.running
    view.close()


def test_a_changed_network_or_seed_forgets_the_stored_initial_weights(win, qtbot):
    """The next Play must start from the new layer's or seed's weights, not the last run's."""
    window = win
    load_xor(window, epochs=2)
    train_to_end(window, qtbot)
    project = window.project
    node = next(n for n in project.graph if n.kind == "dense")
    assert window.canvas.canvas_scene.move_nodes({node.id: ((node.x, node.y), (node.x + 40, node.y))})
    assert project.initial_weights is not None  # moving a card changes nothing
    assert window.settings_panel.commit("optimizer.lr", 0.2)
    assert project.initial_weights is not None  # another learning rate: the same start
    assert window.settings_panel.commit("seed", 7)
    assert project.initial_weights is None
    window.menu_actions["undo"].trigger()
    train_to_end(window, qtbot)  # Play goes on from the trained weights: still no recorded start
    assert project.initial_weights is None and project.trained
    window.controller.reset()  # back to the start: the next run records where it starts
    train_to_end(window, qtbot)
    assert project.initial_weights is not None
    window.canvas.canvas_scene.set_param(node.id, "units", 6)
    assert project.initial_weights is None


def test_the_loss_plot_draws_a_recording_under_the_live_curves_and_follows_the_theme(qtbot, qapp):
    from playground.ui import theme
    from playground.ui.plots.loss import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.set_recorded({"train_loss": [[10.0, 0.9], [20.0, 0.4]], "val_loss": [[20.0, 0.5]], "lr": [[10.0, 0.1]]})
    assert set(plot.recorded) == {"train_loss", "val_loss"}
    assert plot.recorded["val_loss"].opts["pen"].style() == Qt.PenStyle.DotLine
    assert all(item.zValue() < 0 for item in plot.recorded.values())
    light = plot.recorded["train_loss"].opts["pen"].color()
    try:
        theme.apply_theme("dark", qapp)
        assert plot.recorded["train_loss"].opts["pen"].color() != light
    finally:
        theme.apply_theme("light", qapp)
    plot.set_recorded(None)
    assert plot.recorded == {} and plot.plot_item.legend.items == []
