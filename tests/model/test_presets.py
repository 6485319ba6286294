"""Presets of known-good and known-bad settings: each changes exactly what it says, fits the project
it is made for, and (trained headless on XOR for a few epochs) shows the effect its sentence promises."""

import dataclasses
import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from playground.model.fileio import load_project
from playground.model.presets import (
    LEARNING_RATES,
    KindChange,
    ParamChange,
    PresetError,
    SettingChange,
    apply_preset,
    get_preset,
    hidden_activations,
    presets_for,
    replace_kind,
)
from playground.model.project import Project
from playground.model.settings import OPTIMIZER_NAMES, DatasetRef

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
KEYS = ["lr_too_high", "lr_too_low", "lr_just_right", "sigmoid_deep", "constant_init", "no_regularization", "l2",
        "batch_one"]


def xor() -> Project:
    return load_project(EXAMPLES / "xor.nnpg")


def deep_tanh(depth: int = 4, units: int = 8) -> Project:
    """XOR through ``depth`` Dense+tanh layers: deep enough for vanishing gradients with sigmoids."""
    project = Project(dataset=DatasetRef(name="xor", options={"n": 200}))
    g = project.graph
    ids = [g.add_node("input").id]
    for _ in range(depth):
        ids += [g.add_node("dense", params={"units": units}).id, g.add_node("tanh").id]
    ids += [g.add_node("dense", params={"units": 1}).id, g.add_node("sigmoid").id,
            g.add_node("output", params={"loss": "bce"}).id]
    for a, b in itertools.pairwise(ids):
        g.connect(a, b)
    project.settings.batch_size = 16
    return project


def flat_settings(project: Project) -> dict:
    out = {}

    def walk(data, prefix):
        for key, value in data.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                out[f"{prefix}{key}"] = value

    walk(project.settings.to_dict(), "")
    return out


def graph_state(project: Project) -> dict:
    return {n.id: (n.kind, dict(n.params)) for n in project.graph}


# -- what each preset changes ---------------------------------------------------------------
def test_every_preset_is_listed_once_with_a_sentence_to_watch():
    for project in (xor(), deep_tanh()):
        presets = presets_for(project)
        assert [p.key for p in presets] == KEYS
        for preset in presets:
            assert preset.title and preset.group and preset.quality in ("good", "bad", "compare")
            assert len(preset.observe) > 40 and preset.observe.endswith(".")


@pytest.mark.parametrize("key", KEYS)
def test_applying_a_preset_changes_exactly_its_stated_changes(key):
    project = deep_tanh() if key == "sigmoid_deep" else xor()
    preset = get_preset(project, key)
    assert not preset.unavailable and preset.changes
    settings_before, graph_before = flat_settings(project), graph_state(project)
    apply_preset(project, preset)
    settings_after, graph_after = flat_settings(project), graph_state(project)

    changed_settings = {k for k in settings_before if settings_before[k] != settings_after[k]}
    stated = {c.path: c.value for c in preset.changes if isinstance(c, SettingChange)}
    assert changed_settings <= set(stated)  # a stated value may equal the old one (L1 was already 0)
    assert all(settings_after[path] == value for path, value in stated.items())

    params = [c for c in preset.changes if isinstance(c, ParamChange)]
    kinds = [c for c in preset.changes if isinstance(c, KindChange)]
    if not kinds:
        assert graph_after.keys() == graph_before.keys()
        changed = {(n, name) for n in graph_before for name in graph_before[n][1]
                   if graph_before[n][1][name] != graph_after[n][1][name]}
        assert changed == {(c.node_id, c.name) for c in params if graph_before[c.node_id][1][c.name] != c.value}
        assert all(graph_after[c.node_id][1][c.name] == c.value for c in params)
    else:  # the replaced nodes are gone, the same number of sigmoids took their place, nothing else moved
        replaced = {c.node_id for c in kinds}
        assert not replaced & graph_after.keys()
        kept = {n: s for n, s in graph_before.items() if n not in replaced}
        assert {n: graph_after[n] for n in kept} == kept
        new = set(graph_after) - set(graph_before)
        assert len(new) == len(replaced) and all(graph_after[n][0] == "sigmoid" for n in new)


def test_learning_rates_fit_the_optimizer():
    assert set(LEARNING_RATES) == set(OPTIMIZER_NAMES)
    project = xor()
    assert get_preset(project, "lr_too_high").title == "Learning rate too high (3)"  # xor.nnpg uses Adam
    assert get_preset(project, "lr_just_right").changes == (SettingChange("optimizer.lr", 0.03),)
    project.settings.optimizer.name = "sgd"
    assert get_preset(project, "lr_too_high").changes == (SettingChange("optimizer.lr", 10.0),)
    for name in OPTIMIZER_NAMES:
        high, low, good = LEARNING_RATES[name]
        assert low < good and (high is None or good < high)


def test_presets_that_do_not_fit_say_why_and_change_nothing():
    project = xor()  # one hidden activation: not a deep net
    sigmoid = get_preset(project, "sigmoid_deep")
    assert "at least two hidden activation layers" in sigmoid.unavailable
    before = graph_state(project)
    with pytest.raises(PresetError, match="does not fit this project"):
        apply_preset(project, sigmoid)
    assert graph_state(project) == before
    project.settings.optimizer.name = "adadelta"
    assert "Adadelta scales its own steps" in get_preset(project, "lr_too_high").unavailable
    bare = Project()
    bare.graph.add_node("input")
    assert get_preset(bare, "constant_init").unavailable


def test_a_refused_change_leaves_the_project_untouched():
    project = xor()
    preset = get_preset(project, "lr_too_high")
    broken = dataclasses.replace(preset, changes=(SettingChange("optimizer.lr", 0.5), SettingChange("epochs", -3)))
    before = flat_settings(project)
    with pytest.raises(PresetError, match="epochs"):
        apply_preset(project, broken)
    assert flat_settings(project) == before


def test_hidden_activations_skip_the_one_before_the_output():
    project = deep_tanh(depth=3)
    assert hidden_activations(project.graph) == ["tanh_1", "tanh_2", "tanh_3"]
    assert [c.node_id for c in get_preset(project, "sigmoid_deep").changes] == ["tanh_1", "tanh_2", "tanh_3"]


def test_replace_kind_keeps_place_and_wiring_and_goes_back_exactly():
    project = deep_tanh(depth=2)
    g = project.graph
    original = g.copy()
    node = g.node("tanh_1")
    new_id = replace_kind(g, "tanh_1", "sigmoid")
    assert "tanh_1" not in g and g.node(new_id).kind == "sigmoid"
    assert (g.node(new_id).x, g.node(new_id).y) == (node.x, node.y)
    assert g.inputs_of(new_id) == ["dense_1"] and g.inputs_of("dense_2") == [new_id]
    replace_kind(g, new_id, "tanh", "tanh_1", {})
    assert same_graph(g, original)


def same_graph(a, b) -> bool:
    """The same nodes (ids, kinds, params, places) and edges, in any order."""
    def key(graph):
        data = graph.to_dict()
        return sorted(map(repr, data["nodes"])), sorted(map(repr, data["edges"]))

    return key(a) == key(b)


def test_presets_name_what_a_lecturer_must_leave_open():
    project = xor()
    project.student_editable = ["optimizer.lr"]
    assert get_preset(project, "lr_too_high").locked_for(project) == []
    assert get_preset(project, "l2").locked_for(project) == ["hooks.l2"]
    assert get_preset(project, "constant_init").locked_for(project) == ["graph"]


# -- the effect a student should see (headless, a few epochs of XOR) --------------------------------
def train(project: Project, key: str | None, epochs: int = 20):
    """Apply preset ``key``, train on NumPy; return (loss before, loss after on the training set, run)."""
    from playground.session import probes
    from playground.session.compile import build_run

    if key is not None:
        apply_preset(project, get_preset(project, key))
    run = build_run(project, backend="numpy", epochs=epochs)

    def loss():
        d = run.data
        return probes.evaluate(run.net, run.loss, d.x_train, d.y_train, d.task, run.trainer._threshold)[0]

    before = loss()
    while not run.trainer.finished:
        run.trainer.run_batch()
    return before, loss(), run


@pytest.mark.parametrize("seed", [0, 1])
def test_learning_rate_presets_show_too_high_too_low_and_just_right(seed):
    results = {}
    for key in ("lr_too_high", "lr_too_low", "lr_just_right"):
        project = xor()
        project.settings.seed = seed
        results[key] = train(project, key)[:2]
    (start, high), (start_low, low), (_, good) = (results[k] for k in ("lr_too_high", "lr_too_low",
                                                                        "lr_just_right"))
    assert good < 0.25 * start  # just right: the loss falls a long way
    assert math.isnan(high) or high > 5 * good  # too high: ends far above just right (or explodes)
    assert abs(start_low - low) < 0.05 * start_low  # too low: moves less than 5 %


def test_constant_initialization_keeps_the_hidden_units_identical():
    _, symmetric_loss, run = train(xor(), "constant_init")
    weights = run.net.state_dict()["dense_1.W"]  # 2 inputs × 8 units: every column the same
    assert np.ptp(weights, axis=1).max() == 0.0
    _, random_loss, run = train(xor(), None)
    assert np.ptp(run.net.state_dict()["dense_1.W"], axis=1).max() > 0.1
    assert symmetric_loss > 3 * random_loss  # one unit's worth of network cannot fit XOR


def test_l2_keeps_the_weights_smaller_than_no_regularization():
    def weight_norm(key):
        _, _, run = train(xor(), key)
        return sum(float((v ** 2).sum()) for name, v in run.net.state_dict().items() if name.endswith(".W"))

    assert weight_norm("l2") < 0.5 * weight_norm("no_regularization")


def test_sigmoid_deep_net_makes_the_first_layers_gradients_vanish():
    from playground.session.compile import build_run

    def first_over_last(key):
        project = deep_tanh()
        if key:
            apply_preset(project, get_preset(project, key))
        run = build_run(project, backend="numpy", epochs=1)
        ratios = []
        for _ in range(10):
            run.trainer.run_batch()
            norms = run.net.grad_norms()
            ratios.append(norms["dense_1"] / norms["dense_5"])
        return float(np.median(ratios))

    assert first_over_last(None) > 0.3  # tanh: the first layer still gets a useful gradient
    assert first_over_last("sigmoid_deep") < 0.05  # sigmoids: it has all but vanished
