"""The loop a student lives in, in the real window: build, train, look, change, go on, save, reopen.

After every step the views are compared with the models they render from: nothing a view
shows may come from an earlier project, run or state.
"""

import subprocess
import time
import sys
import textwrap

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from tests.ui.test_main_window import (answers, curve_points, load_xor, make_window, qsettings,  # noqa: F401
                                      train_to_end)


@pytest.fixture
def win(make_window):  # noqa: F811 - the fixture imported above
    return make_window()


def assert_views_follow_the_models(window, qtbot):
    """What each view shows comes from the current document and run."""
    run, project = window.run, window.project
    for plot in window.plots.plots():  # what each plot shows when its tab is opened
        plot.refresh(run.history)
    n_train = len(run.history.series("train_loss")[0])
    qtbot.waitUntil(lambda: curve_points(window.plots.loss, "train") == n_train, timeout=3000)
    c = run.counters
    assert window.training.epoch_label.text().startswith(f"Epoch {c.epoch} / ")
    assert window.training.state_label.text() == run.state_text()
    assert window.status_info.state_label.text().strip() == run.state_text()
    assert window.training.lr_spin.value() == pytest.approx(project.settings.optimizer.lr)
    assert window.settings_panel.editors["optimizer.lr"].value() == pytest.approx(project.settings.optimizer.lr)
    assert window.banner.isVisible() == bool(run.error and run.message)
    names = list(run.data.class_names) if run.data is not None and run.data.class_names else None
    assert window.plots.boundary._class_names == names
    assert window.plots.confusion.class_names == names
    if run.history.latest is None or run.history.latest.samples.get("confusion") is None:
        title = window.plots.confusion.plot_widget.getPlotItem().titleLabel.text
        assert "accuracy" not in title  # no accuracy of an earlier run
    points = window.plots.boundary._points[0]
    if run.data is None or not run.data.plane:
        assert points is None or window.docks["plots"].isHidden() or not run.data
    else:
        assert points is not None and len(points) == len(run.data.x_train)
    name = window.path.rsplit("/", 1)[-1] if window.path else (project.title or "Untitled")
    assert window.windowTitle().startswith(name)
    assert [n.id for n in project.graph] == sorted(window.canvas.canvas_scene.node_items, key=[
        n.id for n in project.graph].index)


def wait_data(window, qtbot, dataset: str):
    window.dataset_panel.wait_idle()
    qtbot.waitUntil(lambda: window.run.data is not None and window.dataset_panel.dataset is not None
                    and window.dataset_panel.dataset.name == dataset, timeout=10000)


def test_a_scripted_session_leaves_nothing_of_earlier_states_in_any_view(win, answers, qtbot, tmp_path):  # noqa: F811
    window = win
    # train A: digits (10 classes), so the confusion matrix and its title are filled
    assert window.open_file("resources/examples/digits_mlp.nnpg")
    window.edits.set_setting("epochs", 2)
    wait_data(window, qtbot, window.project.dataset.name)
    train_to_end(window, qtbot, timeout=60000)
    assert_views_follow_the_models(window, qtbot)
    assert "accuracy" in window.plots.confusion.plot_widget.getPlotItem().titleLabel.text
    saved_a = tmp_path / "a.nnpg"
    assert window.save_to(str(saved_a))

    # open B: XOR, untrained: no curve, no title, no class names of the digits
    assert window.open_file("resources/examples/xor.nnpg")
    wait_data(window, qtbot, "xor")
    assert window.run.state == "untrained" and window.run.history.latest is None
    assert_views_follow_the_models(window, qtbot)

    # template C, then preset D, undo and redo
    from playground.ui.teach_menu import TemplateDialog

    dialog = TemplateDialog(window)
    assert dialog.open_template("perceptron")
    window.dataset_panel.wait_idle()
    qtbot.waitUntil(lambda: window.run.data is not None, timeout=10000)
    assert_views_follow_the_models(window, qtbot)
    assert window.presets.apply("lr_too_high")
    assert_views_follow_the_models(window, qtbot)
    window.menu_actions["undo"].trigger()
    assert_views_follow_the_models(window, qtbot)
    window.menu_actions["redo"].trigger()
    assert_views_follow_the_models(window, qtbot)

    # switch the dataset: the plots follow the new data
    window.dataset_panel.choose("moons")
    wait_data(window, qtbot, "moons")
    assert_views_follow_the_models(window, qtbot)

    # reopen A: trained again, with its curves, counters and pictures
    assert window.open_file(str(saved_a))
    qtbot.waitUntil(lambda: window.run.history.latest is not None
                    and window.run.history.latest.samples.get("confusion") is not None, timeout=10000)
    assert window.run.state == "finished" and window.run.counters.epoch == 2
    assert_views_follow_the_models(window, qtbot)


def test_play_after_finished_goes_on_from_the_trained_weights(win, qtbot):
    window = win
    load_xor(window, epochs=4)
    train_to_end(window, qtbot)
    c = window.run.counters
    epoch, iteration, points = c.epoch, c.iteration, len(window.run.history.series("train_loss")[0])
    trained = {k: v.copy() for k, v in window.project.weights.items()}
    initial = window.project.initial_weights
    assert epoch == 4 and window.training.play_button.text() == "Go on"
    assert window.training.epoch_label.text() == "Epoch 4 / 8"
    train_to_end(window, qtbot)
    c = window.run.counters
    assert c.epoch == 8 and c.iteration == 2 * iteration
    assert len(window.run.history.series("train_loss")[0]) == 2 * points  # the curve goes on
    for name, array in initial.items():  # the recorded start stays
        np.testing.assert_array_equal(window.project.initial_weights[name], array)
    assert not np.array_equal(window.project.weights["dense_1.W"], trained["dense_1.W"])
    # Reset is the one way back to the start (the same initial weights)
    window.menu_actions["reset_training"].trigger()
    assert window.run.counters.epoch == 0 and not window.project.trained
    np.testing.assert_array_equal(window.project.initial_weights["dense_1.W"], initial["dense_1.W"])
    window.menu_actions["reset_new_weights"].trigger()
    assert window.project.initial_weights is None


def test_a_trained_project_reopens_trained_and_goes_on(win, make_window, qtbot, tmp_path):  # noqa: F811
    load_xor(win, epochs=30)
    train_to_end(win, qtbot)
    trained_loss = win.run.history.latest.train_loss
    path = tmp_path / "xor_trained.nnpg"
    assert win.save_to(str(path))

    other = make_window()
    assert other.open_file(str(path))
    assert other.run.state == "finished" and not other.isWindowModified()
    assert other.run.counters.epoch == 30 and other.training.epoch_label.text() == "Epoch 30 / 60"
    qtbot.waitUntil(lambda: curve_points(other.plots.loss, "train") == 30, timeout=5000)
    qtbot.waitUntil(lambda: other.run.history.latest is not None
                    and other.run.history.latest.decision_grid is not None, timeout=10000)  # the boundary
    qtbot.waitUntil(lambda: bool(other.canvas.node_item("dense_1").unit_maps.images), timeout=5000)  # heatmaps
    assert not other.isWindowModified()  # picturing the weights changes nothing
    other.controller.step()
    qtbot.waitUntil(lambda: other.run.counters.iteration == win.run.counters.iteration + 1, timeout=20000)
    assert other.run.history.latest.train_loss < 2 * trained_loss + 0.05  # not the untrained ~0.7
    assert len(other.run.history.series("train_loss")[0]) == 31  # the curve goes on
    other.controller.stop()
    qtbot.waitUntil(lambda: other.run.state == "finished", timeout=10000)


def test_transfer_learning_keeps_frozen_layers_trained_values(win, qtbot):
    window = win
    load_xor(window, epochs=5)
    train_to_end(window, qtbot)
    first = {k: v.copy() for k, v in window.project.weights.items()}
    window.dataset_panel.choose("circle")  # other data with a compatible input (two numbers)
    wait_data(window, qtbot, "circle")
    assert window.project.trained  # switching data keeps the trained weights
    assert window.edits.set_frozen("dense_1", True)
    train_to_end(window, qtbot)
    after = window.project.weights
    np.testing.assert_array_equal(after["dense_1.W"], first["dense_1.W"])  # frozen: the trained values
    np.testing.assert_array_equal(after["dense_1.b"], first["dense_1.b"])
    assert not np.array_equal(after["dense_2.W"], first["dense_2.W"])  # the top was fine-tuned
    assert window.run.counters.epoch == 10


def test_a_resized_layer_starts_fresh_and_the_student_is_told(win, qtbot):
    window = win
    load_xor(window, epochs=3)
    train_to_end(window, qtbot)
    kept = window.project.weights["dense_1.W"].copy()
    window.canvas.canvas_scene.set_param("dense_1", "units", 6)  # dense_1.W (2×6), dense_2.W (6×1) change
    train_to_end(window, qtbot)
    assert "dense_1" in window.run.message and "new weights" in window.run.message
    assert window.project.weights["dense_1.W"].shape == (2, 6) and kept.shape == (2, 8)


def test_one_learning_rate_everywhere_live_and_undone_during_the_run(win, qtbot):
    window = win
    load_xor(window, epochs=100000)
    window.controller.play()
    qtbot.waitUntil(lambda: window.run.state == "training" and window.run.history.latest is not None,
                    timeout=20000)
    try:
        window.training.lr_editor.widget.setValue(0.5)  # the Training panel's field
        assert window.project.settings.optimizer.lr == pytest.approx(0.5)
        assert window.settings_panel.editors["optimizer.lr"].value() == pytest.approx(0.5)
        qtbot.waitUntil(lambda: window.run.counters.learning_rate == pytest.approx(0.5), timeout=10000)
        assert window.undo_stack.count() == 1
        window.menu_actions["undo"].trigger()  # undo during the run applies the old value live
        assert window.training.lr_spin.value() == pytest.approx(0.05)
        assert window.settings_panel.editors["optimizer.lr"].value() == pytest.approx(0.05)
        qtbot.waitUntil(lambda: window.run.counters.learning_rate == pytest.approx(0.05), timeout=10000)
        window.settings_panel.editors["batch_size"].widget.setValue(8)
        assert "next Play" in window.statusBar().currentMessage()  # a setting for the next run says so
    finally:
        window.controller.stop()
        qtbot.waitUntil(lambda: window.run.state == "finished", timeout=10000)


def test_cards_move_while_training_and_stop_and_edit_ends_the_run(win, qtbot):
    window = win
    load_xor(window, epochs=100000)
    window.controller.play()
    qtbot.waitUntil(lambda: window.run.state == "training", timeout=20000)
    scene, view = window.canvas.canvas_scene, window.canvas
    node = window.project.graph.node("dense_1")
    x0, y0 = node.x, node.y
    assert scene.move_nodes({"dense_1": ((x0, y0), (x0 + 60, y0 + 20))})
    assert window.project.graph.node("dense_1").x == x0 + 60
    assert window.run.state == "training"  # moving a card does not disturb the run
    # a real drag of a card with the mouse
    item = view.node_item("tanh_1")
    start = view.mapFromScene(item.mapToScene(item.card_rect().center()))
    before = window.project.graph.node("tanh_1").x
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(view.viewport(), start + QPoint(10 * step, 0))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(50, 0))
    assert window.project.graph.node("tanh_1").x > before
    # structural edits are refused with one sentence and a button
    assert not scene.set_param("dense_1", "units", 4)
    assert window.project.graph.node("dense_1").params["units"] == 8
    bar = view.lock_bar
    assert bar.isVisible() and "Training is running" in bar.label.text() and bar.button.text() == "Stop and edit"
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=10000)
    assert not bar.isVisible() and scene.set_param("dense_1", "units", 4)


def test_after_pause_the_network_may_change_and_play_goes_on(win, qtbot):
    window = win
    load_xor(window, epochs=100000)
    window.controller.step()
    qtbot.waitUntil(lambda: window.run.state == "paused" and window.project.trained, timeout=20000)
    assert not window.canvas.locked
    assert window.canvas.canvas_scene.set_param("dense_1", "units", 4)  # allowed after a step
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=10000)  # the paused run ended
    iteration = window.run.counters.iteration
    window.controller.step()
    qtbot.waitUntil(lambda: window.run.counters.iteration == iteration + 1, timeout=20000)
    qtbot.waitUntil(lambda: window.project.weights["dense_1.W"].shape == (2, 4), timeout=5000)  # sent on pause
    window.controller.stop()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=10000)


def test_quitting_after_training_prints_nothing(tmp_path):
    """A real process: open, train a step, change things, quit — stderr stays empty of tracebacks."""
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QSettings, QTimer
        from playground.ui.app import create_app
        from playground.ui.main_window import MainWindow

        def main():
            app = create_app([])
            settings = QSettings({str(tmp_path / 's.ini')!r}, QSettings.Format.IniFormat)
            window = MainWindow(settings=settings, recovery_dir={str(tmp_path / 'rec')!r})
            window.show()
            window.open_file("resources/examples/xor.nnpg")
            window.edits.set_setting("epochs", 100000)
            window.controller.play()
            def switch():  # another project while the first one trains: its child's messages must not land
                window.forget_changes()
                window.open_file("resources/examples/spirals.nnpg")
                window.controller.step()
            def later():
                window.inspector.show_node("dense_1")
                window.edits.set_frozen("dense_1", True)
                window.forget_changes()
                window.close()
                app.quit()
            QTimer.singleShot(2500, switch)
            QTimer.singleShot(5000, later)
            app.exec()

        if __name__ == "__main__":
            main()
    """)
    path = tmp_path / "quit.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    noise = [line for line in done.stderr.splitlines() if "propagateSizeHints" not in line]
    assert not noise, done.stderr


def test_small_2d_data_trains_at_a_watchable_speed_the_student_can_change(win, qtbot):
    window = win
    load_xor(window, epochs=10)
    wait_data(window, qtbot, "xor")
    panel = window.training
    assert window.run.speed == 20 and panel.speed_label.text() == "20 epochs/s"
    assert window.open_file("resources/examples/digits_mlp.nnpg")
    wait_data(window, qtbot, window.project.dataset.name)
    assert window.run.speed is None and panel.speed_label.text() == "fastest"
    load_xor(window, epochs=10)
    wait_data(window, qtbot, "xor")
    panel.speed_slider.setValue(panel.speed_slider.value() - 1)  # one notch slower: 10 epochs a second
    assert window.run.speed == 10 and window.run.speed_chosen
    started = []
    window.run.state_changed.connect(lambda state: state == "training" and started.append(time.monotonic()))
    train_to_end(window, qtbot)
    assert time.monotonic() - started[0] >= 0.8  # 10 epochs at 10 a second
    assert len(window.run.history.series("train_loss")[0]) == 10  # every epoch drawn
    window.dataset_panel.choose("circle")
    wait_data(window, qtbot, "circle")
    assert window.run.speed == 10  # the student's choice stays


def test_the_refusal_leaves_the_canvas_when_training_ends(win, qtbot):
    window = win
    load_xor(window, epochs=100000)
    window.controller.play()
    qtbot.waitUntil(lambda: window.run.state == "training", timeout=20000)
    assert not window.canvas.canvas_scene.set_param("dense_1", "units", 3)
    assert "Training is running" in window.canvas.toast
    window.controller.stop()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=10000)
    assert window.canvas.toast == "" and not window.canvas.lock_bar.isVisible()


def test_nan_weights_in_a_file_are_refused_with_the_cause_before_training(win, qtbot):
    window = win
    load_xor(window, epochs=2)
    train_to_end(window, qtbot)
    weights = dict(window.project.weights)
    broken = weights["dense_1.W"].copy()
    broken[0, 0] = np.nan
    window.document.set_results({**weights, "dense_1.W": broken}, None)
    window.controller.play()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10000)
    assert "dense_1.W" in window.banner.label.text() and "NaN" in window.banner.label.text()
    assert "learning rate" not in window.banner.label.text() and window.run.state == "finished"


def test_a_run_that_went_on_replays_identically_up_to_where_it_went_on(win, qtbot):
    from playground.session.replay import replay

    window = win
    load_xor(window, epochs=2)
    window.run.set_speed(None)
    train_to_end(window, qtbot)
    first_end = window.run.counters.iteration
    train_to_end(window, qtbot)  # Play after Finished: goes on
    assert window.project.history["went_on"] == [[float(first_end), 2.0]]
    result = replay(window.project, backend="numpy")
    assert result.identical, result.message()
    assert any(f"iteration {first_end:,}" in note for note in result.notes)
    assert result.replayed.latest.iteration == first_end


def test_changes_while_paused_are_kept_when_play_goes_on(win, qtbot):
    """A weight edited, a layer frozen or a setting changed while paused: the paused run ends and
    Play goes on from the document, change included (the old child would have overwritten it)."""
    window = win
    load_xor(window, epochs=100000)
    window.controller.step()
    qtbot.waitUntil(lambda: window.run.state == "paused" and window.project.trained, timeout=20000)
    assert window.edits.set_weight("dense_1.W", (0, 0), 100.0)
    assert window.run.state == "finished"  # the paused run ended
    assert window.edits.set_frozen("dense_1", True)
    window.controller.step()
    qtbot.waitUntil(lambda: window.run.state == "paused" and window.run.counters.iteration == 2, timeout=20000)
    qtbot.waitUntil(lambda: window.project.weights["dense_1.W"][0, 0] == 100.0
                    and window.run.counters.iteration == 2, timeout=5000)
    assert window.project.weights["dense_1.W"][0, 0] == 100.0  # kept, and frozen: not trained away
    window.edits.set_setting("epochs", 3)  # a setting that is no live one: the paused run ends too
    assert window.run.state == "finished"


def test_a_learning_rate_set_while_preparing_is_the_one_the_run_uses(win, qtbot):
    window = win
    load_xor(window, epochs=100000)
    window.controller.play()
    assert window.run.state == "preparing"
    window.edits.set_setting("optimizer.lr", 0.4)
    qtbot.waitUntil(lambda: window.run.counters.learning_rate is not None, timeout=20000)
    assert window.run.counters.learning_rate == pytest.approx(0.4)
    window.controller.stop()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=10000)


def test_a_save_during_a_run_keeps_weights_and_curves_together_and_a_stop_survives_reopening(
        win, make_window, qtbot, tmp_path):  # noqa: F811
    window = win
    load_xor(window, epochs=40)
    window.run.set_speed(10)
    train_to_end(window, qtbot)
    assert window.save_to(str(tmp_path / "a.nnpg")) and not window.isWindowModified()
    window.controller.play()  # goes on: the window is unsaved while it trains
    qtbot.waitUntil(lambda: window.run.state == "training" and window.run.counters.epoch > 41, timeout=20000)
    assert window.isWindowModified()
    assert window.save_to(str(tmp_path / "b.nnpg"))  # mid-run: the weights and curves of the last end
    window.controller.stop()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=10000)
    from playground.model.fileio import load_project

    saved = load_project(tmp_path / "b.nnpg")
    assert saved.trained and saved.history["epoch"][-1][1] == 40  # the curves end where the weights are
    assert window.save_to(str(tmp_path / "c.nnpg"))
    other = make_window()
    assert other.open_file(str(tmp_path / "c.nnpg"))
    assert other.run.state_text() == "Stopped" and other.run.counters.target_epochs == 80


def test_undoing_a_weight_edit_after_the_seed_changed_does_not_fail(win, qtbot):
    window = win
    load_xor(window, epochs=2)
    from playground.ui.canvas.weight_editor import network_weights

    base = network_weights(window.project, window.canvas.canvas_scene.input_shapes).base
    assert window.edits.set_weight("dense_1.W", (0, 0), 5.0, base=base)
    assert window.edits.set_setting("seed", 3)  # the stored initial weights no longer fit: dropped
    window.menu_actions["undo"].trigger()
    window.menu_actions["undo"].trigger()  # nothing of the edit is left: no error
    assert window.project.settings.seed == 0
