"""The command line (issue 10, item 6, and issue 11): help, version, numbers checked before any work,
--out checked before training, a closed pipe, Ctrl-C, info without data, NaN never saved."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from playground import __version__
from playground.model.fileio import load_project, save_project
from playground.session.cli import run_command
from playground.session.compile import build_run
from playground.session.not_finite import (
    explain_not_finite,
    safe_histogram,
)

ROOT = Path(__file__).resolve().parents[2]
XOR = ROOT / "resources" / "examples" / "xor.nnpg"


def playground(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "playground", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, check=False, **kwargs)


def test_help_lists_the_commands_and_each_command_has_full_help():
    done = playground("--help")
    assert done.returncode == 0
    assert "train" in done.stdout and "info" in done.stdout and "open the window" in done.stdout
    train = playground("train", "--help")
    assert train.returncode == 0 and "--epochs N" in train.stdout and "--out FILE" in train.stdout
    assert "PROJECT" in playground("info", "--help").stdout


def test_version():
    done = playground("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"playground {__version__}"


@pytest.mark.parametrize("epochs", ["0", "-3", "many", "1e9"])
def test_epochs_are_checked_before_any_work(epochs, capsys):
    with pytest.raises(SystemExit) as done:
        run_command(["train", str(XOR), "--epochs", epochs])
    assert done.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "--epochs" in lines[0]
    assert "at least 1" in lines[0] or "from 1 to" in lines[0]


@pytest.mark.parametrize("out", ["missing/dir/x.nnpg", "."])
def test_an_unusable_out_is_reported_before_training(tmp_path, out, capsys):
    started = time.perf_counter()
    assert run_command(["train", str(XOR), "--out", str(tmp_path / out), "--epochs", "500"]) == 2
    captured = capsys.readouterr()
    assert "Training" not in captured.out  # nothing was trained
    assert captured.err.startswith("playground: cannot save to")
    assert time.perf_counter() - started < 5


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_folder_for_out(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert run_command(["train", str(XOR), "--out", str(folder / "x.nnpg")]) == 2
    finally:
        folder.chmod(0o700)
    assert "not writable" in capsys.readouterr().err


def test_info_into_a_closed_pipe_is_quiet():
    done = subprocess.run(f"{sys.executable} -m playground info {XOR} | head -1", shell=True, capture_output=True,
                          text=True, timeout=120, cwd=ROOT, executable="/bin/bash", check=False)
    assert done.stdout.startswith("XOR")
    assert done.stderr == ""
    status = subprocess.run(f"set -o pipefail; {sys.executable} -m playground info {XOR} | head -c 1 >/dev/null",
                            shell=True, timeout=120, cwd=ROOT, executable="/bin/bash", check=False)
    assert status.returncode == 0


@pytest.mark.skipif(os.name == "nt", reason="SIGINT")
def test_ctrl_c_ends_with_one_line_and_130(tmp_path):
    out = tmp_path / "x.nnpg"
    proc = subprocess.Popen([sys.executable, "-m", "playground", "train", str(XOR), "--epochs", "100000", "--quiet",
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    time.sleep(3.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.strip().splitlines() == [err.strip()] and "interrupted" in err and "Traceback" not in err
    assert not out.exists()


def test_info_says_when_the_data_cannot_be_loaded(tmp_path, capsys):
    project = load_project(XOR)
    project.dataset.path, project.dataset.name = str(tmp_path / "gone.csv"), None
    project.dataset.options = {}
    path = tmp_path / "p.nnpg"
    save_project(project, path)
    assert run_command(["info", str(path)]) == 1
    printed = capsys.readouterr().out
    assert "Data: cannot be loaded: no file at" in printed
    assert "Total:" in printed  # the layer table is still there


def starting_weights(tmp_path, value) -> Path:
    project = load_project(XOR)
    run = build_run(project, backend="numpy")
    project.initial_weights = {k: np.full_like(v, value) for k, v in run.net.state_dict().items()}
    path = tmp_path / "w.nnpg"
    save_project(project, path)
    return path


@pytest.mark.parametrize("value, cause", [(np.nan, "hold NaN"), (3e38, "as large as 3e+38")])
def test_bad_starting_weights_are_named_and_nothing_is_saved(tmp_path, value, cause, capsys):
    path = starting_weights(tmp_path, value)
    before = path.read_bytes()
    out = tmp_path / "out.nnpg"
    assert run_command(["train", str(path), "--epochs", "2", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert cause in err and "Reset" in err and "Too many bins" not in err
    assert not out.exists() and path.read_bytes() == before


def test_weights_that_become_nan_are_not_saved(tmp_path, capsys, monkeypatch):
    """Training that ends with NaN weights (here: made NaN after the last step) never writes them."""
    from playground.session import cli

    real = cli.build_run

    def diverging(*args, **kwargs):
        run = real(*args, **kwargs)
        steps = run.trainer.steps

        def then_nan():
            yield from steps()
            for p in run.net.named_parameters().values():
                p.data[...] = np.nan

        run.trainer.steps = then_nan
        return run

    monkeypatch.setattr(cli, "build_run", diverging)
    out = tmp_path / "out.nnpg"
    assert run_command(["train", str(XOR), "--epochs", "2", "--out", str(out), "--quiet"]) == 1
    assert "Not saved: the weights became NaN" in capsys.readouterr().out
    assert not out.exists()


# --- explaining NaN ---------------------------------------------------------------------------
class Data:
    def __init__(self, **arrays):
        self.__dict__.update(arrays)


def test_explain_not_finite_names_the_data_first():
    x = np.zeros((4, 2), np.float32)
    x[2, 1] = np.nan
    text = explain_not_finite(Data(x_train=x, y_train=np.zeros((4, 1))), {"dense_1.W": np.ones((2, 2))})
    assert "training inputs hold NaN" in text and "sample 3" in text and "learning rate will not help" in text
    y = np.zeros((4, 1))
    y[0] = np.inf
    assert "validation targets hold an infinite value" in explain_not_finite(
        Data(x_train=np.zeros((4, 2)), x_val=np.zeros((4, 2)), y_val=y), None)


def test_explain_not_finite_names_weights_or_nothing():
    data = Data(x_train=np.zeros((4, 2)), y_train=np.zeros((4, 1)))
    assert explain_not_finite(data, {"dense_1.W": np.ones((2, 2))}) is None  # then it is the learning rate
    assert "dense_1.b hold NaN" in explain_not_finite(data, {"dense_1.W": np.ones(2),
                                                             "dense_1.b": np.array([np.nan])})
    assert "as large as" in explain_not_finite(data, {"w": np.full(3, 3e38, np.float32)})


def test_safe_histogram_of_huge_weights():
    counts, edges = safe_histogram(np.array([-3e38, 0, 3e38], np.float32), bins=30)
    assert counts.sum() == 3 and np.isfinite(edges).all()
    assert safe_histogram(np.array([np.nan])) is None and safe_histogram(np.array([])) is None
    assert safe_histogram(np.array([1.7e308, -1.7e308])) is None
    assert safe_histogram(np.ones(5))[0].sum() == 5
