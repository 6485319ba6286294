"""Every example project loads, compiles, trains headless to its stated quality, and round-trips."""

from pathlib import Path

import numpy as np
import pytest

from playground.model.fileio import load_project, save_project
from playground.session.cli import run_command
from playground.session.compile import build_run, store_results
from playground.session.probes import predict_host

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"

# name → (quality measure, threshold, epochs override for test speed or None)
QUALITY = {
    "logistic_regression": ("accuracy", 0.95, None),
    "xor": ("accuracy", 0.95, None),
    "spirals": ("accuracy", 0.95, None),
    "circle_l2": ("accuracy", 0.95, None),
    "digits_mlp": ("accuracy", 0.95, None),
    "digits_cnn": ("accuracy", 0.95, None),
    "lenet5": ("accuracy", 0.90, None),
    "resnet_block": ("accuracy", 0.93, None),
    "autoencoder": ("reconstruction", 1 / 2, None),
    "denoising_autoencoder": ("reconstruction", 1 / 2, None),
    "vae": ("reconstruction", 0.7, None),
    "lstm_sine": ("mse", 0.02, None),
}


def test_every_bundled_example_has_a_quality_test():
    assert {p.stem for p in EXAMPLES.glob("*.nnpg")} == set(QUALITY)


def _relative_reconstruction_error(run) -> float:
    """Mean squared reconstruction error on validation data / the data's variance."""
    x = run.data.x_val
    y = predict_host(run.net, x)
    return float(((y - x) ** 2).mean() / ((x - x.mean(axis=0)) ** 2).mean())


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(QUALITY))
def test_example_trains_to_its_stated_quality(name, tmp_path):
    measure, threshold, epochs = QUALITY[name]
    project = load_project(EXAMPLES / f"{name}.nnpg")
    run = build_run(project, backend="numpy", epochs=epochs)
    last = list(run.trainer.steps())[-1]
    assert "NaN" not in last.message
    if measure == "accuracy":
        assert last.val_metrics["accuracy"] >= threshold, last
    elif measure == "reconstruction":
        assert _relative_reconstruction_error(run) < threshold
    else:
        assert last.val_loss < threshold
    # results round-trip bit-exactly through the project file
    store_results(project, run)
    path = tmp_path / f"{name}.nnpg"
    save_project(project, path)
    reopened = load_project(path)
    assert reopened.settings.to_dict() == project.settings.to_dict()
    assert set(reopened.weights) == set(project.weights)
    for key, value in project.weights.items():
        np.testing.assert_array_equal(reopened.weights[key], value)
    again = build_run(reopened, backend="numpy")
    again.net.load_state_dict(reopened.weights)
    np.testing.assert_array_equal(predict_host(again.net, run.data.x_val[:20]),
                                  predict_host(run.net, run.data.x_val[:20]))


def test_cli_trains_and_saves(tmp_path, capsys):
    out = tmp_path / "xor_trained.nnpg"
    code = run_command(["train", str(EXAMPLES / "xor.nnpg"), "--epochs", "5", "--out", str(out),
                        "--backend", "numpy"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "Training XOR on NumPy" in printed and "Finished 5 epochs" in printed
    assert "validation accuracy" in printed
    project = load_project(out)
    assert project.weights and len(project.history["train_loss"]) >= 5


def test_cli_info_prints_the_layer_table(capsys):
    assert run_command(["info", str(EXAMPLES / "lenet5.nnpg")]) == 0
    printed = capsys.readouterr().out
    # LeNet-5 worked on paper: conv1 (5·5·1+1)·6 = 156, conv2 (5·5·6+1)·16 = 2416,
    # dense 256·120+120 = 30840, 120·84+84 = 10164, 84·10+10 = 850 → 44426 in all
    assert "(6, 24, 24)" in printed and "(16, 4, 4)" in printed
    assert "156" in printed and "2,416" in printed
    assert "Total: 44,426 trainable parameters" in printed


def test_cli_reports_a_bad_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "broken.nnpg"
    bad.write_bytes(b"not a zip at all")
    assert run_command(["train", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("playground:") and "Traceback" not in err
