"""GenerativeView: prior samples, latent-grid walk and anomaly tiles drawn from the session's results."""

import os
from pathlib import Path

import numpy as np

from playground.session.compile import build_run
from playground.ui.teaching.generative_view import TOP_ANOMALIES, GenerativeView


def wait_done(qtbot, view):
    qtbot.waitUntil(lambda: view.result is not None or bool(view.error), timeout=60000)
    assert not view.error, view.error


def test_untrained_project_is_trained_briefly_and_tiles_are_drawn(qtbot, show, example):
    project = example("vae")
    assert not project.weights
    view = show(GenerativeView(project), 900, 900)
    wait_done(qtbot, view)
    assert view.result.trained_here
    assert view.prior_grid.tile_count() == 64
    assert view.walk_grid.tile_count() == 64  # 8 × 8
    assert view.top_grid.tile_count() == TOP_ANOMALIES
    assert view.result.prior.shape == (64, 8, 8)
    assert np.all(np.diff(view.result.scores) <= 0)
    assert not project.weights  # the project is not changed
    if os.environ.get("SHOTS"):
        Path("/tmp/shots").mkdir(exist_ok=True)
        view.tabs.setCurrentIndex(1)
        qtbot.wait(100)
        view.grab().save("/tmp/shots/generative.png")
        view.tabs.setCurrentIndex(2)
        qtbot.wait(100)
        view.grab().save("/tmp/shots/generative_anomaly.png")
    view.close()


def test_project_weights_are_used(qtbot, show, example):
    project = example("vae")
    run = build_run(project, "numpy", epochs=1)
    project.weights = run.net.state_dict()
    view = show(GenerativeView(project), 700, 600)
    wait_done(qtbot, view)
    assert not view.result.trained_here
    assert view.walk_grid.tile_count() == 64


def test_cancel_stops_the_brief_training_and_the_pictures_still_come(qtbot, show, example):
    view = show(GenerativeView(example("vae")), 700, 600)
    assert view.task.where == "process"
    view.task.cancel()  # at once: the copy stops after its first report
    wait_done(qtbot, view)
    assert view.result.trained_here and view.walk_grid.tile_count() == 64


def test_a_project_that_cannot_train_says_why(qtbot, show, example):
    project = example("vae")
    project.dataset = None
    view = show(GenerativeView(project), 700, 600)
    qtbot.waitUntil(lambda: bool(view.error), timeout=20000)
    assert view.error.startswith("Choose a dataset first") and view.result is None
    assert view.status.text() == f"Cannot show the generative views: {view.error}"
