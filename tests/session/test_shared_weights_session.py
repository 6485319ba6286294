"""A project whose layers share weights compiles to one set of weights, trains it, saves it once and exports it."""

import re

import numpy as np
import pytest

from playground.data import load_dataset
from playground.model.templates import template_project
from playground.session.compile import CompileError, build_run, store_results
from playground.session.export_code import to_numpy, to_pytorch


@pytest.fixture(scope="module")
def pairs():
    return load_dataset("digit_pairs", n=200)


def siamese(n=200):
    project = template_project("siamese")
    project.dataset.options["n"] = n
    return project


def test_the_compiled_towers_use_the_very_same_parameters(pairs):
    run = build_run(siamese(), backend="numpy", epochs=1, dataset=pairs)
    net = run.net
    assert net.nodes["dense_3"].shares_with == "dense_1" and net.nodes["dense_4"].shares_with == "dense_2"
    for left, right in (("dense_1", "dense_3"), ("dense_2", "dense_4")):
        for key in ("W", "b"):
            assert net.nodes[left].layer.params[key] is net.nodes[right].layer.params[key]
    assert sorted(net.named_parameters()) == ["dense_1.W", "dense_1.b", "dense_2.W", "dense_2.b", "dense_5.W",
                                              "dense_5.b"]
    assert run.trainer.optimizer.params == net.parameters()


def test_training_moves_one_set_of_weights_and_the_project_stores_it_once(pairs):
    project = siamese()
    run = build_run(project, backend="numpy", epochs=2, dataset=pairs)
    before = run.net.state_dict()
    last = list(run.trainer.steps())[-1]
    assert last.done
    after = run.net.state_dict()
    assert not np.allclose(before["dense_1.W"], after["dense_1.W"])
    store_results(project, run)
    assert "dense_3.W" not in project.weights and "dense_1.W" in project.weights
    # the stored weights load back into a new run: both towers get them
    project.initial_weights = dict(project.weights)
    again = build_run(project, backend="numpy", epochs=1, dataset=pairs)
    np.testing.assert_array_equal(again.net.nodes["dense_3"].layer.params["W"].data, after["dense_1.W"])


def test_freezing_the_sharing_layer_freezes_the_shared_weights(pairs):
    project = siamese()
    project.settings.hooks.frozen = ["dense_3"]  # the right tower's first layer: its weights are dense_1's
    run = build_run(project, backend="numpy", epochs=1, dataset=pairs)
    before = run.net.state_dict()
    list(run.trainer.steps())
    after = run.net.state_dict()
    np.testing.assert_array_equal(before["dense_1.W"], after["dense_1.W"])
    assert not np.array_equal(before["dense_2.W"], after["dense_2.W"])


def test_wrong_sharing_stops_the_compile_with_the_reason(pairs):
    project = siamese()
    project.graph.set_param("dense_4", "share_weights_with", "dense_1")  # 32 → 16 cannot use 64 → 32 weights
    with pytest.raises(CompileError, match=r"dense_4: Dense shares weights with dense_1, but needs weights "
                                           r"W \(32, 16\), b \(16,\) where dense_1 has W \(64, 32\), b \(32,\)"):
        build_run(project, backend="numpy", epochs=1, dataset=pairs)


def test_the_exported_scripts_reuse_the_shared_layers():
    project = siamese()
    project.settings.hooks.frozen = ["dense_3"]
    torch_text = to_pytorch(project)
    init = torch_text[torch_text.index("    def __init__"):torch_text.index("    def forward")]
    forward = torch_text[torch_text.index("    def forward"):torch_text.index("        return")]
    assert "self.dense_1 =" in init and "self.dense_3 =" not in init and "self.dense_4 =" not in init
    assert len(re.findall(r"= self\.dense_1\(x\)", forward)) == 2  # one module, called by both towers
    assert "dense_4 = self.dense_2(x)  # the same module (shared weights) as Dense dense_2" in forward
    assert "x = torch.abs(dense_2 - dense_4)" in forward
    assert "model.dense_1.requires_grad_(False)" in torch_text  # freezing dense_3 freezes dense_1's module
    numpy_text = to_numpy(project)
    assert 'net.add("dense_3", Dense(32), "flatten_2", shares_with="dense_1")' in numpy_text
    assert 'net.add("slice_2", Slice(8, 16, axis=2), "input_1")' in numpy_text
