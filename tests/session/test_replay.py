"""Bit-exact replay: a run trained and saved to .nnpg, opened in a fresh project and replayed,
reproduces every recorded number exactly (==); a changed setting is found at its first iteration."""

import math
from pathlib import Path

import numpy as np
import pytest

from playground.model.fileio import load_project, save_project
from playground.model.project import Project
from playground.model.settings import DatasetRef
from playground.session.compile import CompileError, build_run, store_results
from playground.session.history import MetricHistory
from playground.session.replay import (
    Difference,
    ReplayError,
    first_difference,
    replay,
    summary_points,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def xor_with_dropout(epochs: int = 8, lr: float = 0.05, optimizer: str = "adam") -> Project:
    """Input(2) → Dense 8 → tanh → Dropout 0.2 → Dense 1 → sigmoid → Output (BCE): shuffling,
    dropout masks, a validation split and Adam's moments all have to replay the same."""
    project = Project(dataset=DatasetRef(name="xor", options={"n": 120, "noise": 0.1}))
    g = project.graph
    ids = [g.add_node("input", 0, 0).id, g.add_node("dense", 200, 0, {"units": 8}).id,
           g.add_node("tanh", 400, 0).id, g.add_node("dropout", 600, 0, {"rate": 0.2}).id,
           g.add_node("dense", 800, 0, {"units": 1}).id, g.add_node("sigmoid", 1000, 0).id,
           g.add_node("output", 1200, 0, {"loss": "bce"}).id]
    for a, b in zip(ids, ids[1:]):
        g.connect(a, b)
    s = project.settings
    s.epochs, s.batch_size, s.seed, s.backend = epochs, 16, 3, "numpy"
    s.optimizer.name, s.optimizer.lr = optimizer, lr
    return project


def train_and_save(project: Project, path, report_every_s: float = 0.05, epochs: int | None = None) -> Project:
    """Train with the trainer's own (clock-driven) reports, store the run, save, and open it fresh."""
    run = build_run(project, epochs=epochs)
    run.trainer.report_every_s = report_every_s
    history = MetricHistory()
    for report in run.trainer.steps():
        history.append(report)
    store_results(project, run, history.to_dict())
    save_project(project, path)
    return load_project(path)


def test_a_saved_run_replays_identically_in_a_fresh_project(tmp_path):
    project = xor_with_dropout()
    before = build_run(project).net.state_dict()
    opened = train_and_save(project, tmp_path / "xor.nnpg")
    assert opened is not project and opened.history == project.history
    for name, value in before.items():  # the recording starts from the weights before training
        np.testing.assert_array_equal(opened.initial_weights[name], value)
    assert opened.optimizer_state["t"] == 8 * 6 and opened.optimizer_state["name"] == "adam"

    result = replay(opened)
    assert result.identical, result.message()
    assert result.message().startswith("Identical to the recording")
    assert result.difference is None and result.weights_differ is None and not result.optimizer_differs
    replayed = result.replayed.to_dict()
    for name in ("train_loss", "val_loss", "train_accuracy", "val_accuracy"):
        assert replayed[name] == opened.history[name]  # ==, not approximately
    assert len(replayed["val_loss"]) == 8


@pytest.mark.parametrize("name, epochs", [("xor", 3), ("denoising_autoencoder", 1)])  # noise layers too
def test_a_bundled_example_replays_identically(name, epochs, tmp_path):
    """A lecture demo: an example trained headless, saved, opened fresh and replayed."""
    project = load_project(EXAMPLES / f"{name}.nnpg")
    project.settings.backend = "numpy"
    opened = train_and_save(project, tmp_path / f"{name}.nnpg", epochs=epochs)
    result = replay(opened)
    assert result.identical, result.message()
    assert result.replayed.to_dict()["train_loss"] == opened.history["train_loss"]
    assert result.replayed.to_dict()["val_loss"] == opened.history["val_loss"]


def test_summaries_at_odd_iterations_replay_too(tmp_path):
    """The window summarizes when its clock says so, or when the student steps one batch and stops
    mid-epoch: the replay summarizes at exactly those iterations."""
    project = xor_with_dropout(epochs=4)
    run = build_run(project)
    history = MetricHistory()
    for n in range(1, 19):  # 6 batches an epoch; stop in the middle of the fourth epoch
        run.trainer.run_batch()
        if n in (1, 2, 5, 6, 11, 12, 18):
            history.append(run.trainer.report())
    store_results(project, run, history.to_dict())
    opened = load_project(save_project(project, tmp_path / "stepped.nnpg"))
    assert sorted(summary_points(opened.history)) == [1, 2, 5, 6, 11, 12, 18]

    result = replay(opened)
    assert result.identical, result.message()
    assert result.replayed.to_dict()["train_loss"] == opened.history["train_loss"]
    assert result.replayed.latest.iteration == 18  # it stopped where the recording stopped


def test_reports_every_batch_replay_identically(tmp_path):
    opened = train_and_save(xor_with_dropout(epochs=3, optimizer="sgd"), tmp_path / "sgd.nnpg",
                            report_every_s=0)
    assert len(opened.history["train_loss"]) == 18
    result = replay(opened)
    assert result.identical, result.message()
    assert result.replayed.to_dict()["lr"] == opened.history["lr"]


def test_a_changed_setting_is_found_at_its_first_iteration(tmp_path):
    opened = train_and_save(xor_with_dropout(), tmp_path / "xor.nnpg")
    opened.settings.optimizer.lr = 0.06  # the same run, another learning rate
    result = replay(opened)
    assert not result.identical
    first = result.difference
    assert first.series in ("train_loss", "lr") and first.iteration == opened.history["train_loss"][0][0]
    assert first.replayed is not None and first.replayed != first.recorded
    assert result.first_different_iteration == first.iteration
    assert f"iteration {first.iteration}" in result.message() and "differs" in result.message()


def test_final_weights_are_compared_too(tmp_path):
    opened = train_and_save(xor_with_dropout(epochs=3), tmp_path / "xor.nnpg")
    name = min(opened.weights)
    opened.weights[name] = opened.weights[name] + np.float32(1e-6)
    result = replay(opened)
    assert result.difference is None and result.weights_differ == name
    assert not result.identical and "final weights differ" in result.message()


def test_a_run_trained_longer_than_its_settings_replays(tmp_path):
    """``playground train --epochs 5`` on a project whose settings say 3."""
    opened = train_and_save(xor_with_dropout(epochs=3), tmp_path / "longer.nnpg", epochs=5)
    assert max(summary_points(opened.history)) == 5 * 6
    result = replay(opened)
    assert result.identical, result.message()


def test_cancelling_stops_between_batches(tmp_path):
    opened = train_and_save(xor_with_dropout(epochs=3), tmp_path / "xor.nnpg")
    calls = []
    result = replay(opened, cancelled=lambda: calls.append(1) or len(calls) > 4)
    assert result.cancelled and not result.identical
    assert result.replayed.latest is None or result.replayed.latest.iteration <= 4
    assert "stopped" in result.message().lower()


def test_progress_ends_at_the_last_recorded_iteration(tmp_path):
    opened = train_and_save(xor_with_dropout(epochs=2), tmp_path / "xor.nnpg")
    seen = []
    replay(opened, progress=seen.append)
    assert seen[-1].iteration == seen[-1].total == 12
    assert seen[-1].points["train_loss"] == opened.history["train_loss"]


def test_nothing_recorded_says_what_to_do():
    with pytest.raises(ReplayError, match="Train it"):
        replay(xor_with_dropout())


def test_build_run_starts_from_the_stored_initial_weights():
    project = xor_with_dropout()
    seeded = build_run(project).net.state_dict()
    project.initial_weights = {k: v + np.float32(0.5) for k, v in seeded.items()}
    run = build_run(project)
    for name, value in run.net.state_dict().items():
        np.testing.assert_array_equal(value, project.initial_weights[name])
    np.testing.assert_array_equal(run.initial_weights[name], project.initial_weights[name])


def test_initial_weights_that_no_longer_fit_give_a_plain_message():
    project = xor_with_dropout()
    project.initial_weights = build_run(project).net.state_dict()
    dense = next(n for n in project.graph.nodes_of_kind("dense"))
    project.graph.set_param(dense.id, "units", 5)
    with pytest.raises(CompileError, match="initial weights do not fit.*Reset"):
        build_run(project)


def test_first_difference_is_the_earliest_and_nan_equals_nan():
    recorded = {"train_loss": [[1, 0.5], [2, math.nan], [3, 0.25]], "val_loss": [[2, 0.7]]}
    assert first_difference(recorded, {"train_loss": [[1, 0.5], [2, math.nan], [3, 0.25]],
                                       "val_loss": [[2, 0.7]]}) is None
    assert first_difference(recorded, {"train_loss": [[1, 0.5], [2, math.nan], [3, 0.26]],
                                       "val_loss": [[2, 0.71]]}) == Difference(2, "val_loss", 0.7, 0.71)
    missing = first_difference(recorded, {"train_loss": [[1, 0.5]], "val_loss": [[2, 0.7]]})
    assert missing.iteration == 2 and missing.series == "train_loss" and missing.replayed is None
