"""LossLandscapeView: the shaded slice and the path drawn are the session's."""

import numpy as np
import pytest

from playground.engine.layers.activation import Activation
from playground.engine.layers.dense import Dense
from playground.engine.losses import BinaryCrossEntropy
from playground.engine.network import Network
from playground.engine.optimizers import SGD
from playground.engine.training import train_step
from playground.session.teaching.landscape import (
    current_weights,
    loss_slice,
    pca_directions,
    project_path,
)
from playground.ui.teaching import LossLandscapeView
from playground.ui.teaching.landscape_view import landscape_of


def trained_xor(steps=15):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(64, 2)).astype(np.float32)
    t = (x[:, :1] * x[:, 1:] > 0).astype(np.float32)
    net = Network.sequential((2,), [Dense(6), Activation("tanh"), Dense(1), Activation("sigmoid")]).build(seed=0)
    loss, opt = BinaryCrossEntropy(), SGD(net.parameters(), lr=0.5)
    snapshots = [net.state_dict()]
    for _ in range(steps):
        train_step(net, loss, opt, x, target=t)
        snapshots.append(net.state_dict())
    return net, loss, x, t, snapshots


def test_path_and_slice_drawn_equal_the_sessions_computation(qtbot, show):
    net, loss, x, t, snapshots = trained_xor()
    view = show(LossLandscapeView(), 700, 600)
    land = view.compute(net, loss, x, t, snapshots, resolution=9)
    # the same plane, computed straight from the session functions
    center = current_weights(net)
    dirs, share = pca_directions(snapshots, center)
    path = project_path(snapshots, center, dirs)
    np.testing.assert_allclose(land.path, path)
    px, py = view.path_item.getData()
    np.testing.assert_array_equal(np.column_stack([px, py]), land.path)
    np.testing.assert_allclose(px[-1], 0.0, atol=1e-9)  # the path ends at the centre (the weights now)
    extent = 1.3 * np.max(np.abs(path))
    expected = loss_slice(net, loss, x, t, dirs, extent=extent, resolution=9)
    np.testing.assert_allclose(land.slice.losses, expected.losses, rtol=1e-6)
    np.testing.assert_allclose(view.contour.values, np.log10(expected.losses), rtol=1e-6)
    sx, sy = view.start_marker.getData()
    assert (sx[0], sy[0]) == (px[0], py[0])
    assert f"{share[0]:.0%}" in view.caption.text()


def test_random_directions_are_filter_normalized_and_one_unit_wide(qtbot, show):
    net, loss, x, t, snapshots = trained_xor(steps=3)
    view = show(LossLandscapeView())
    land = view.compute(net, loss, x, t, snapshots, directions="random", resolution=5)
    assert land.slice.alphas[0] == -1.0 and land.slice.alphas[-1] == 1.0
    assert "random" in view.caption.text()
    px, _ = view.path_item.getData()
    assert len(px) == len(snapshots)


def test_pca_without_a_path_is_refused_in_plain_words():
    net, loss, x, t, _ = trained_xor(steps=0)
    with pytest.raises(ValueError, match="train first"):
        landscape_of(net, loss, x, t, None, directions="pca")


def test_compute_button_trains_the_project_in_a_child_process(qtbot, show, example):
    project = example("xor")
    view = show(LossLandscapeView(project), 700, 600)
    view.epochs_spin.setValue(3)
    view.resolution_spin.setValue(7)
    messages = []
    view.task.progress.connect(messages.append)
    view.compute_button.click()
    assert view.busy and not view.compute_button.isEnabled() and view.task.where == "process"
    qtbot.waitUntil(lambda: view.landscape is not None, timeout=20000)
    assert view.compute_button.isEnabled()
    assert any("Training" in m for m in messages) and any("grid" in m for m in messages)
    assert view.landscape.slice.losses.shape == (7, 7)
    assert len(view.path_item.getData()[0]) == len(view.landscape.path) > 2
    assert project.weights is None  # the project itself was not trained


def test_cancel_ends_the_training_early_and_draws_the_path_so_far(qtbot, show, example):
    view = show(LossLandscapeView(example("xor")), 700, 600)
    view.epochs_spin.setValue(5000)
    view.resolution_spin.setValue(5)
    messages = []
    view.task.progress.connect(messages.append)
    view.start()
    qtbot.waitUntil(lambda: any(m.startswith("Training:") for m in messages), timeout=20000)
    view.task.cancel()
    qtbot.waitUntil(lambda: view.landscape is not None, timeout=20000)
    assert 2 <= len(view.landscape.path) < 80  # stopped long before the 5000 epochs' snapshots
    assert view.compute_button.isEnabled()


def test_a_project_that_cannot_train_says_why(qtbot, show, example):
    project = example("xor")
    project.dataset = None
    view = show(LossLandscapeView(project), 700, 600)
    with qtbot.waitSignal(view.task.failed, timeout=20000):
        view.start()
    assert view.status.text().startswith("Could not compute the landscape: Choose a dataset first")
    assert view.compute_button.isEnabled() and view.landscape is None
