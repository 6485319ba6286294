"""The template gallery: every template wires up without problems and trains to a sensible result."""

import numpy as np
import pytest

from playground.data import load_dataset
from playground.model.analysis import errors_only, infer_shapes, validate_graph
from playground.model.builder import chain
from playground.model.fileio import load_project, save_project
from playground.model.graph import Graph
from playground.model.templates import GALLERY_GROUPS, TEMPLATES, gallery, get_template, template_project
from playground.session.compile import build_run
from playground.session.probes import evaluate

# What a quick training run in a test must reach (the gallery's own settings train longer and better).
# key → (dataset option overrides, samples kept (None = all), epochs, measure, threshold)
#   "accuracy": validation accuracy at least threshold (chance is 1/classes);
#   "loss": validation loss at most threshold × the untrained network's validation loss.
QUICK = {
    "logistic_regression": ({"n": 200}, None, 10, "accuracy", 0.9),
    "mlp": ({"n": 200}, None, 40, "accuracy", 0.85),
    "siamese": ({"n": 3000}, None, 10, "accuracy", 0.8),  # same digit or not: chance is 0.5
    "lenet5": ({"n": 400}, None, 3, "accuracy", 0.5),
    "alexnet": ({"n": 400}, None, 5, "accuracy", 0.4),
    "vgg_block": ({}, 500, 3, "accuracy", 0.5),
    "inception": ({}, 500, 3, "accuracy", 0.5),
    "resnet_block": ({}, 500, 3, "accuracy", 0.5),
    "mobilenet_block": ({}, 500, 5, "accuracy", 0.4),
    "autoencoder": ({}, 600, 8, "loss", 0.5),
    "sparse_autoencoder": ({}, 600, 8, "loss", 0.5),
    "denoising_autoencoder": ({}, 600, 8, "loss", 0.5),
    "contractive_autoencoder": ({}, 600, 8, "loss", 0.5),
    "conv_autoencoder": ({}, 400, 5, "loss", 0.5),
    "vae": ({}, 600, 8, "loss", 0.6),
    "simple_rnn": ({"n": 400}, None, 10, "accuracy", 0.75),
    "lstm": ({"n": 300}, None, 12, "accuracy", 0.45),
    "gru": ({"n": 300}, None, 6, "loss", 0.3),
    "stacked_lstm": ({"n": 300}, None, 5, "loss", 0.5),
    "encoder_decoder": ({"n": 300}, None, 8, "loss", 0.5),
}


def small_dataset(template, options, keep):
    ds = load_dataset(template.dataset.name, **{**template.dataset.options, **options})
    if keep is not None:
        ds = ds.subset(np.random.default_rng(0).permutation(len(ds))[:keep])
    return ds


def test_every_template_has_a_quick_training_test():
    assert set(QUICK) | {"perceptron"} == set(TEMPLATES)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_template_inserts_into_an_empty_graph_without_problems(key):
    template = get_template(key)
    ds = load_dataset(template.dataset.name, **{**template.dataset.options, **QUICK.get(key, ({},))[0]})
    assert tuple(ds.input_shape) == template.input_shape
    g = Graph()
    ids = template.build(g, 100, 50)
    assert ids == list(g.nodes) and len(set(ids)) == len(ids)
    first, last = g.node(ids[0]), g.node(ids[-1])
    assert first.kind == "input" and last.kind == "output" and last.params["loss"] == template.loss
    assert (first.x, first.y) == (100, 50)
    shapes = {first.id: tuple(ds.input_shape)}
    reconstruction = template.group == "Autoencoders"
    target = tuple(ds.input_shape) if reconstruction else tuple(ds.y_float().shape[1:])
    assert validate_graph(g, shapes, target) == []  # no errors and no warnings
    # every node takes part: the output depends on all of them
    assert all(g.reaches(n, last.id) for n in ids)


def test_paragraphs_titles_and_groups():
    assert [group for group, _ in gallery()] == list(GALLERY_GROUPS)
    listed = [t.key for _, ts in gallery() for t in ts]
    assert sorted(listed) == sorted(TEMPLATES)
    titles = [t.title for t in TEMPLATES.values()]
    assert len(set(titles)) == len(titles)
    for t in TEMPLATES.values():
        assert "\n" not in t.paragraph and 250 <= len(t.paragraph) <= 900, t.key  # one paragraph
        assert t.describe()["dataset"]["name"] == t.dataset.name
    with pytest.raises(KeyError, match="Unknown template 'transformer'"):
        get_template("transformer")


def test_body_alone_wires_after_an_existing_layer_with_fresh_ids():
    g = Graph()
    inp, hidden = chain(g, [("input", {"shape": [1, 8, 8]}), ("conv2d", {"filters": 4, "padding": "same"})])
    first = get_template("resnet_block").build(g, 400, 0, ends=False)
    second = get_template("mlp").build(g, 400, 400)  # auto: the graph has an Input already, no Output
    assert not set(first) & set(second)
    assert g.nodes_of_kind("input") == [g.node(inp)]
    assert g.node(first[0]).kind == "conv2d" and g.node(first[0]).x == 400
    assert g.node(first[-1]).kind == "dense" and g.node(second[0]).kind == "dense"
    assert g.node(second[-1]).kind == "output"  # auto: no Output yet, so the second one gets it
    assert g.inputs_of(first[0]) == []
    g.connect(hidden, first[0])
    g.connect(first[-1], second[0])
    problems = validate_graph(g)
    assert errors_only(problems) == [], problems
    assert infer_shapes(g).shape(second[-1]) == (1,)


def test_build_with_both_ends_present_adds_only_the_body():
    g = Graph()
    chain(g, [("input", {"shape": [2]}), ("dense", {"units": 1}), ("output", {})])
    before = set(g.nodes)
    ids = get_template("mlp").build(g)
    assert [g.node(i).kind for i in ids] == ["dense", "tanh", "dense", "tanh", "dense", "sigmoid"]
    assert set(g.nodes) == before | set(ids)


def test_a_template_insertion_is_one_change():
    g = Graph()
    changes = []
    g.changed.connect(lambda: changes.append(1))
    get_template("inception").build(g)
    assert changes == [1]


def test_template_project_round_trips_through_a_file(tmp_path):
    project = template_project("vae")
    assert project.title == "Variational autoencoder" and project.dataset.name == "digits8"
    assert project.settings.optimizer.lr == 2e-3 and project.settings.batch_size == 64
    save_project(project, tmp_path / "vae.nnpg")
    again = load_project(tmp_path / "vae.nnpg")
    assert again.graph == project.graph
    assert again.description == get_template("vae").paragraph
    assert again.settings.to_dict() == project.settings.to_dict()
    assert again.dataset.to_dict() == project.dataset.to_dict()


def test_the_perceptron_cannot_learn_by_gradient_descent():
    """The binary step's derivative is 0: every gradient is 0, nothing moves, the loss stays flat."""
    run = build_run(template_project("perceptron"), backend="numpy", epochs=3)
    before = run.net.state_dict()
    d = run.data
    loss0, metrics0 = evaluate(run.net, run.loss, d.x_val, d.y_val, d.task)
    reports = list(run.trainer.steps())
    for name, value in run.net.state_dict().items():
        np.testing.assert_array_equal(value, before[name])
    # all-zero weights: step(0) = 1 for every point, so half (the class-0 half) are wrong: MSE = 0.5
    assert loss0 == reports[-1].val_loss == 0.5
    assert metrics0["accuracy"] == reports[-1].val_metrics["accuracy"] == 0.5


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(QUICK))
def test_template_trains_to_a_sensible_result(key):
    options, keep, epochs, measure, threshold = QUICK[key]
    template = get_template(key)
    project = template_project(key)
    project.dataset.options.update(options)
    run = build_run(project, backend="numpy", epochs=epochs, dataset=small_dataset(template, options, keep))
    d = run.data
    loss0, _ = evaluate(run.net, run.loss, d.x_val, d.y_val, d.task)
    last = list(run.trainer.steps())[-1]
    assert last.done and "Finished" in last.message, last.message
    if measure == "accuracy":
        assert last.val_metrics["accuracy"] >= threshold, (loss0, last.val_loss, last.val_metrics)
    else:
        assert last.val_loss <= threshold * loss0, (loss0, last.val_loss)
