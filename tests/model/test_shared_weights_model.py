"""Shared weights in the document: the 'Share weights with' parameter, its checks, copy/paste and files."""

import pytest

from playground.model.analysis import errors_only, infer_shapes, validate_graph
from playground.model.catalog import get_spec
from playground.model.errors import InvalidParamError
from playground.model.fileio import load_project, save_project
from playground.model.graph import Graph
from playground.model.project import Project
from playground.model.settings import DatasetRef
from playground.model.templates import get_template, template_project


def pair(second=("dense", {"units": 4}), first=("dense", {"units": 4}), features=(3, 3)) -> Graph:
    """Two Inputs, one layer on each, joined by |a − b|; the second layer shares the first one's weights."""
    g = Graph()
    a_in = g.add_node("input", params={"shape": [features[0]], "from_dataset": False}).id
    b_in = g.add_node("input", params={"shape": [features[1]], "from_dataset": False}).id
    a = g.add_node(first[0], params=first[1]).id
    b = g.add_node(second[0], params={"share_weights_with": a, **second[1]}).id
    g.connect(a_in, a)
    g.connect(b_in, b)
    diff = g.add_node("abs_difference").id
    g.connect(a, diff)
    g.connect(b, diff)
    out = g.add_node("output").id
    g.connect(diff, out)
    return g


def problems_of(g: Graph, node_id: str) -> list[str]:
    return infer_shapes(g).nodes[node_id].problems


# -- the parameter ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["dense", "conv2d"])
def test_dense_and_conv2d_can_share_weights_and_default_to_their_own(kind):
    spec = get_spec(kind)
    param = spec.param("share_weights_with")
    assert spec.defaults()["share_weights_with"] is None and param.label == "Share weights with"
    assert "share_weights_with" not in spec.layer_kwargs(spec.defaults())  # the compiler ties them, not the layer
    assert spec.coerce("share_weights_with", " dense_1 ") == "dense_1"
    assert spec.coerce("share_weights_with", "") is None


@pytest.mark.parametrize("bad", [3, "1dense", "dense 1", ["dense_1"]])
def test_a_bad_node_reference_is_refused_in_plain_words(bad):
    with pytest.raises(InvalidParamError, match="Dense share_weights_with must be the id of a layer, such as dense_1"):
        get_spec("dense").coerce("share_weights_with", bad)


# -- analysis: counted once, wrong sharing explained -------------------------------------------

def test_a_sharing_layer_counts_no_parameters_of_its_own():
    g = pair()
    a = infer_shapes(g)
    assert a.nodes["dense_1"].trainable == 3 * 4 + 4 and a.nodes["dense_2"].trainable == 0
    assert a.trainable == 16
    assert validate_graph(g) == []


def test_sharing_with_a_missing_layer_says_what_to_do():
    g = pair()
    g.set_param("dense_2", "share_weights_with", "dense_9")
    assert problems_of(g, "dense_2") == [
        ("Dense shares weights with dense_9, but there is no layer dense_9: name another Dense layer, or clear "
         "'Share weights with' on dense_2")]
    assert errors_only(validate_graph(g))  # training cannot start


def test_sharing_with_itself_is_a_problem():
    g = pair()
    g.set_param("dense_2", "share_weights_with", "dense_2")
    assert "cannot share weights with itself" in problems_of(g, "dense_2")[0]


def test_sharing_needs_the_same_kind():
    g = pair(first=("conv2d", {}))
    assert problems_of(g, "dense_1") == [
        ("Dense shares weights with conv2d_1, but that is a Conv2D layer: only two Dense layers can share "
         "weights; name one, or clear 'Share weights with' on dense_1")]


def test_sharing_needs_weights_of_the_same_shapes():
    g = pair(features=(3, 5))
    assert problems_of(g, "dense_2") == [
        ("Dense shares weights with dense_1, but needs weights W (5, 4), b (4,) where dense_1 has W (3, 4), "
         "b (4,): give both the same settings and inputs of the same shape")]
    g = pair(second=("dense", {"units": 4, "use_bias": False}))
    assert "needs weights W (3, 4) where dense_1 has W (3, 4), b (4,)" in problems_of(g, "dense_2")[0]


def test_a_chain_of_sharing_names_the_real_owner():
    g = pair()
    third = g.add_node("dense", params={"units": 4, "share_weights_with": "dense_2"}).id
    g.connect("input_2", third)
    assert problems_of(g, third) == [("Dense shares weights with dense_2, which itself uses the weights of "
                                      "dense_1: share with dense_1 directly")]


# -- copy/paste and templates: references follow the copies ----------------------------------

def test_pasting_a_pair_ties_the_copy_to_the_copied_owner():
    g = pair()
    mapping = g.insert(g.extract(["dense_1", "dense_2"]), dx=50)
    assert mapping == {"dense_1": "dense_3", "dense_2": "dense_4"}
    assert g.node("dense_4").params["share_weights_with"] == "dense_3"


def test_pasting_only_the_sharing_layer_keeps_sharing_with_the_original():
    g = pair()
    mapping = g.insert(g.extract(["dense_2"]), dx=50)
    assert g.node(mapping["dense_2"]).params["share_weights_with"] == "dense_1"


def test_the_siamese_template_ties_its_towers_even_in_a_graph_that_has_dense_1_already():
    g = Graph()
    g.add_node("dense", params={"units": 7})  # takes the id dense_1
    ids = get_template("siamese").build(g, 0, 0)
    dense = [i for i in ids if g.node(i).kind == "dense"]
    assert dense == ["dense_2", "dense_3", "dense_4", "dense_5", "dense_6"]
    assert [g.node(i).params["share_weights_with"] for i in dense] == [None, None, "dense_2", "dense_3", None]
    slices = [i for i in ids if g.node(i).kind == "slice"]
    assert [g.inputs_of(s) for s in slices] == [[ids[0]], [ids[0]]]  # the Input feeds both towers


def test_the_siamese_template_counts_its_tower_once():
    project = template_project("siamese")
    analysis = infer_shapes(project.graph, {"input_1": (1, 8, 16)})
    # one tower: 64·32 + 32 + 32·16 + 16 = 2,608; the head: 16 + 1 = 17
    assert analysis.trainable == 2608 + 17


# -- files --------------------------------------------------------------------------------------

def test_sharing_round_trips_through_a_project_file(tmp_path):
    project = Project(title="pair")
    project.graph = pair()
    project.dataset = DatasetRef(name="digit_pairs", options={"n": 100})
    save_project(project, tmp_path / "pair.nnpg")
    again = load_project(tmp_path / "pair.nnpg")
    assert again.graph == project.graph
    assert again.graph.node("dense_2").params["share_weights_with"] == "dense_1"
    assert again.graph.node("dense_1").params["share_weights_with"] is None
