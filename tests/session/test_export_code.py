"""Exported scripts run outside the app and train: PyTorch (CPU) and our own engine."""

import ast
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from playground.engine.backend import get_backend
from playground.model.analysis import infer_shapes
from playground.model.builder import chain
from playground.model.fileio import load_project
from playground.model.project import Project
from playground.model.settings import DatasetRef
from playground.model.templates import TEMPLATES, template_project
from playground.session.compile import build_network, build_run, input_shapes_for, load_data
from playground.session.export_code import ExportError, export_script, to_numpy, to_pytorch

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"
FINAL_ACCURACY = re.compile(r"^final validation accuracy: ([0-9.]+)$", re.MULTILINE)
FINAL_LOSS = re.compile(r"^final validation loss: ([0-9.]+)$", re.MULTILINE)


def example(name: str) -> Project:
    return load_project(EXAMPLES / f"{name}.nnpg")


def run_script(text: str, tmp_path: Path, name: str = "exported.py") -> str:
    """Run a generated script in a fresh Python (as a student would) and return what it printed."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, str(path)], check=False, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def load_module(text: str, name: str = "exported") -> types.ModuleType:
    """Import a generated script without running ``main()`` (its training is behind the main guard)."""
    module = types.ModuleType(name)
    exec(compile(text, f"<{name}>", "exec"), module.__dict__)
    return module


def small(project: Project) -> Project:
    """Fewer generated samples, so loading the data for shapes is quick."""
    if "n" in project.dataset.options:
        project.dataset.options["n"] = min(project.dataset.options["n"], 200)
    return project


@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


# ----------------------------------------------------------------------------
# the generated PyTorch scripts train (subprocess, CPU)
# ----------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("name, epochs, threshold", [("xor", 30, 0.9), ("digits_mlp", 5, 0.85),
                                                     ("digits_cnn", 3, 0.8)])
def test_pytorch_script_trains_the_example(name, epochs, threshold, tmp_path, torch):
    project = example(name)
    text = to_pytorch(project, epochs=epochs)
    assert text.startswith(f'"""{project.title} — a PyTorch script exported from Network Playground.')
    out = run_script(text, tmp_path)
    assert len(re.findall(r"^epoch +\d+/\d+: loss [0-9.]+", out, re.MULTILINE)) == epochs
    accuracy = float(FINAL_ACCURACY.search(out).group(1))
    assert accuracy >= threshold, out


@pytest.mark.slow
def test_numpy_script_reproduces_the_apps_run_of_xor(tmp_path):
    """Same data, same seeded weights, same batches: the script prints the app's own numbers."""
    project = example("xor")
    out = run_script(to_numpy(project, epochs=20), tmp_path)
    accuracy = float(FINAL_ACCURACY.search(out).group(1))
    assert accuracy >= 0.9, out
    last = list(build_run(project, backend="numpy", epochs=20).trainer.steps())[-1]
    assert float(FINAL_LOSS.search(out).group(1)) == pytest.approx(last.val_loss, abs=2e-4)
    assert accuracy == pytest.approx(last.val_metrics["accuracy"])


# ----------------------------------------------------------------------------
# every template and example: the scripts build the same network
# ----------------------------------------------------------------------------
PROJECTS = {f"template:{key}": (lambda key=key: template_project(key)) for key in TEMPLATES}
PROJECTS.update({f"example:{p.stem}": (lambda p=p: load_project(p)) for p in sorted(EXAMPLES.glob("*.nnpg"))})
EXTRA_TORCH_BIASES = {"simple_rnn": 1, "gru": 2, "lstm": 4}  # PyTorch keeps b_ih and b_hh: units × this more


def engine_counts(project: Project) -> int:
    """Trainable parameters by the app's count (plus the second recurrent bias PyTorch keeps)."""
    dataset = load_data(project)
    analysis = infer_shapes(project.graph, input_shapes_for(project, dataset))
    extra = sum(EXTRA_TORCH_BIASES.get(n.kind, 0) * n.params.get("units", 0) for n in project.graph)
    return analysis.trainable + extra


@pytest.mark.parametrize("which", sorted(PROJECTS))
def test_pytorch_model_matches_the_network(which, torch):
    project = small(PROJECTS[which]())
    text = to_pytorch(project)
    ast.parse(text)
    module = load_module(text)
    model = module.Net()
    expected = engine_counts(project)
    assert sum(p.numel() for p in model.parameters()) == expected
    dataset = load_data(project)
    run_shapes = infer_shapes(project.graph, input_shapes_for(project, dataset))
    exit_id = project.graph.inputs_of(project.output_node().id)[0]
    x = torch.as_tensor(dataset.x[:5], dtype=torch.float32)
    model.train()
    y = model(x)
    assert tuple(y.shape) == (5, *run_shapes.shape(exit_id))
    loss = y.float().pow(2).mean() + (model.penalty() if hasattr(model, "penalty") else 0.0)
    loss.backward()  # gradients reach every trainable parameter
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)


@pytest.mark.parametrize("which", sorted(PROJECTS))
def test_numpy_script_builds_the_apps_network_with_the_same_starting_weights(which):
    project = small(PROJECTS[which]())
    text = to_numpy(project)
    module = load_module(text)
    net = module.build_network(get_backend("numpy"))
    dataset = load_data(project)
    app = build_network(project, get_backend("numpy"), input_shapes_for(project, dataset),
                        seed=project.settings.seed)
    mine, theirs = net.state_dict(), app.state_dict()
    assert set(mine) == set(theirs)
    for key, value in theirs.items():
        np.testing.assert_array_equal(mine[key], value, err_msg=key)


def test_skip_connections_and_branches_get_their_own_variables():
    text = to_pytorch(small(template_project("resnet_block")))
    forward = text[text.index("    def forward"):text.index("        return")]
    # the stem's output is used twice (the branch and the shortcut): it gets a name
    assert re.search(r"relu_1 = self\.relu_1\(x\)", forward)
    assert re.search(r"x = relu_1 \+ batchnorm_3", forward) or re.search(r"x = relu_1 \+ \w+", forward)
    inception = to_pytorch(template_project("inception"))
    assert "torch.cat([relu_2, relu_4, relu_6, relu_7], dim=1)" in inception


# ----------------------------------------------------------------------------
# settings make it into the script
# ----------------------------------------------------------------------------
def tuned_xor() -> Project:
    project = example("xor")
    s = project.settings
    s.optimizer.name, s.optimizer.momentum, s.optimizer.nesterov, s.optimizer.lr = "sgd", 0.9, True, 0.1
    s.hooks.l2, s.hooks.l1, s.hooks.clip_norm, s.hooks.clip_value = 1e-4, 1e-5, 5.0, 1.0
    s.hooks.frozen = ["dense_2"]
    s.schedule.name, s.schedule.warmup_steps, s.schedule.unit = "cosine", 5, "iteration"
    s.early_stopping.enabled, s.early_stopping.patience = True, 2
    return project


def test_pytorch_script_carries_hooks_schedule_and_early_stopping(torch, capsys):
    text = to_pytorch(tuned_xor(), epochs=4)
    for piece in ("torch.optim.SGD(trainable, lr=LEARNING_RATE, momentum=0.9, nesterov=True)",
                  "L2 = 0.0001", "L1 = 1e-05", "nn.utils.clip_grad_norm_(trainable, CLIP_NORM)",
                  "nn.utils.clip_grad_value_(trainable, CLIP_VALUE)", "model.dense_2.requires_grad_(False)",
                  "def learning_rate(iteration, epoch):", "math.cos", "if iteration < 5:", "PATIENCE = 2"):
        assert piece in text, piece
    module = load_module(text)
    module.main()
    printed = capsys.readouterr().out
    assert FINAL_ACCURACY.search(printed)


def test_numpy_script_carries_hooks_and_schedule(capsys):
    text = to_numpy(tuned_xor(), epochs=3)
    assert 'get_hook("freeze", patterns=["dense_2.*"])' in text
    assert 'get_schedule("warmup", steps=5, then={"name": "cosine"' in text
    module = load_module(text)
    module.main()
    assert FINAL_ACCURACY.search(capsys.readouterr().out)


def test_adamw_decays_weights_only_and_other_losses(torch, capsys):
    project = example("digits_mlp")
    project.settings.optimizer.name = "adamw"
    project.graph.set_param(project.output_node().id, "loss", "softmax_cross_entropy")
    text = to_pytorch(project, epochs=1)
    assert '"weight_decay": 0.01' in text and '"weight_decay": 0.0' in text
    regression = example("lstm_sine")
    regression.dataset.options["n"] = 100
    regression.graph.set_param(regression.output_node().id, "loss", "huber")
    module = load_module(to_pytorch(regression, epochs=1))
    module.main()
    printed = capsys.readouterr().out
    assert FINAL_LOSS.search(printed) and not FINAL_ACCURACY.search(printed)  # no accuracy for regression


def test_standardized_tabular_data_is_said_and_done():
    project = Project(title="Iris")
    project.dataset = DatasetRef(name="iris")
    chain(project.graph, ["input", ("dense", {"units": 3}), ("output", {"loss": "softmax_cross_entropy"})])
    for text in (to_pytorch(project), to_numpy(project)):
        assert "split = split.standardized()" in text
        assert "standardized with the training part's mean and standard deviation" in " ".join(text.split())


# ----------------------------------------------------------------------------
# what cannot be exported says so
# ----------------------------------------------------------------------------
def test_an_unsupported_layer_is_named():
    project = example("xor")
    g = project.graph
    dense = g.nodes_of_kind("dense")[0].id
    g.remove_node(dense)
    extra = g.add_node("dropconnect", params={"units": 8})
    g.connect("input_1", extra.id)
    g.connect(extra.id, "tanh_1")
    with pytest.raises(ExportError, match=r"dropconnect_1 \(DropConnect\) cannot be exported to PyTorch"):
        to_pytorch(project)
    assert "DropConnect(8" in to_numpy(project)  # our engine has it


def test_a_broken_network_is_refused_in_plain_words():
    project = example("xor")
    project.graph.remove_node("tanh_1")
    with pytest.raises(ExportError, match="Fix the network first: dense_2: Dense needs an input"):
        to_pytorch(project)


def test_export_script_writes_a_file(tmp_path):
    path = export_script(example("xor"), tmp_path / "xor.py", "numpy", epochs=2)
    assert path.read_text(encoding="utf-8").startswith('"""XOR')
    with pytest.raises(ExportError, match="Unknown script flavour 'jax'"):
        export_script(example("xor"), tmp_path / "x.py", "jax")
