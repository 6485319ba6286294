import pytest

from playground.model.analysis import ERROR, WARNING, errors_only, infer_shapes, validate_graph
from playground.model.graph import Graph


def build(spec, shape=(2,), loss="mse"):
    """A graph from ``[(kind, params), …]`` as a chain between an Input and an Output."""
    g = Graph()
    prev = g.add_node("input", params={"shape": list(shape), "from_dataset": False}).id
    for kind, params in spec:
        node = g.add_node(kind, params=params)
        g.connect(prev, node.id)
        prev = node.id
    out = g.add_node("output", params={"loss": loss})
    g.connect(prev, out.id)
    return g


def messages(problems, level=None):
    return [str(p) for p in problems if level is None or p.level == level]


def test_shapes_and_parameter_counts_of_a_small_mlp():
    g = build([("dense", {"units": 3}), ("relu", {}), ("dense", {"units": 1}), ("sigmoid", {})], loss="bce")
    a = infer_shapes(g)
    assert a.shape("dense_1") == (3,) and a.shape("dense_2") == (1,) and a.shape("output_1") == (1,)
    # 2 inputs → 3 units: 2·3 weights + 3 biases = 9; 3 → 1: 3 + 1 = 4
    assert (a.nodes["dense_1"].trainable, a.nodes["dense_2"].trainable) == (9, 4)
    assert (a.trainable, a.non_trainable) == (13, 0)
    assert validate_graph(g) == []


def test_batchnorm_counts_running_statistics_as_non_trainable():
    g = build([("dense", {"units": 4}), ("batchnorm", {}), ("dense", {"units": 1})])
    a = infer_shapes(g)
    assert (a.nodes["batchnorm_1"].trainable, a.nodes["batchnorm_1"].non_trainable) == (8, 8)  # γ, β; μ, σ²


def test_dense_on_an_image_says_add_flatten_and_downstream_stays_quiet():
    g = build([("dense", {"units": 10}), ("dense", {"units": 2})], shape=(16, 4, 4))
    a = infer_shapes(g)
    assert a.nodes["dense_1"].problems == [
        "Dense expects a flat vector per sample, but got shape (16, 4, 4); add a Flatten layer before it"]
    assert a.shape("dense_1") is None
    assert a.nodes["dense_2"].problems == []  # the cause is upstream; one message, not a cascade
    g2 = build([("flatten", {}), ("dense", {"units": 10})], shape=(16, 4, 4))
    assert infer_shapes(g2).shape("dense_1") == (10,)


def test_input_takes_the_dataset_shape_when_it_follows_the_dataset():
    g = Graph()
    inp = g.add_node("input", params={"shape": [2], "from_dataset": True})
    assert infer_shapes(g, {inp.id: (1, 8, 8)}).shape(inp.id) == (1, 8, 8)
    g.set_param(inp.id, "from_dataset", False)
    assert infer_shapes(g, {inp.id: (1, 8, 8)}).shape(inp.id) == (2,)


def test_missing_inputs_are_named():
    g = Graph()
    g.add_node("dense")
    add = g.add_node("add")
    src = g.add_node("input")
    g.connect(src.id, add.id)
    a = infer_shapes(g)
    assert a.nodes["dense_1"].problems == ["Dense needs an input: connect a layer to it"]
    assert "connect another branch" in a.nodes[add.id].problems[0]


def test_add_with_mismatched_shapes_names_both_shapes():
    g = Graph()
    x = g.add_node("input", params={"shape": [4], "from_dataset": False}).id
    a = g.add_node("dense", params={"units": 3}).id
    b = g.add_node("dense", params={"units": 5}).id
    add = g.add_node("add").id
    for src, dst in ((x, a), (x, b), (a, add), (b, add)):
        g.connect(src, dst)
    problem = infer_shapes(g).nodes[add].problems[0]
    assert problem.startswith("Add ") and "(3,)" in problem and "(5,)" in problem


def test_unavailable_engine_module_becomes_a_message(monkeypatch):
    from playground.model import catalog

    def missing(module, name):
        raise ModuleNotFoundError(f"No module named {module!r}")

    monkeypatch.setattr(catalog, "_engine_class", missing)
    g = build([("dense", {})])
    assert "not available in this version" in infer_shapes(g).nodes["dense_1"].problems[0]


def test_inference_never_raises_even_if_a_layer_misbehaves(monkeypatch):
    from playground.engine.layers.dense import Dense

    def boom(self, *shapes):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(Dense, "output_shape", boom)
    g = build([("dense", {})])
    problems = infer_shapes(g).nodes["dense_1"].problems
    assert problems and "bug" in problems[0]
    assert validate_graph(g)  # reported, not raised


def test_missing_input_and_output():
    g = Graph()
    g.add_node("dense")
    text = messages(validate_graph(g))
    assert any("no Input node" in m for m in text)
    assert any("no Output node" in m for m in text)


def test_only_one_output_allowed():
    g = build([("dense", {"units": 1})])
    extra = g.add_node("output")
    g.connect("dense_1", extra.id)
    assert any("Only one Output" in m and extra.id in m for m in messages(validate_graph(g), ERROR))


def test_disconnected_nodes():
    g = build([("dense", {"units": 1})])
    g.add_node("input")
    stray = g.add_node("relu")
    g.connect("dense_1", stray.id)
    problems = validate_graph(g)
    assert "input_2: This Input is not connected to the Output" in messages(problems, ERROR)[0]
    assert messages(problems, WARNING) == [
        "relu_1: ReLU is not connected to the Output, so it takes no part in training: connect it, or remove it"]


def test_categorical_cross_entropy_on_one_unit():
    g = build([("dense", {"units": 1})], loss="softmax_cross_entropy")
    problems = errors_only(validate_graph(g))
    assert len(problems) == 1
    assert problems[0].node_id == "output_1"
    assert ("use binary cross-entropy for a single output unit, or give the output layer 2+ units"
            in problems[0].message)


@pytest.mark.parametrize("layers, loss, expected", [
    ([("dense", {"units": 1})], "bce", "add a Sigmoid before the Output"),
    ([("dense", {"units": 3}), ("softmax", {})], "softmax_cross_entropy", "remove the Softmax layer"),
    ([("dense", {"units": 1}), ("sigmoid", {})], "bce_logits", "remove the Sigmoid layer"),
    ([("dense", {"units": 3}), ("sigmoid", {})], "categorical_cross_entropy", "choose binary cross-entropy"),
])
def test_loss_and_last_activation_warnings(layers, loss, expected):
    problems = validate_graph(build(layers, loss=loss))
    assert [p.level for p in problems] == [WARNING]
    assert expected in problems[0].message


@pytest.mark.parametrize("layers, loss", [
    ([("dense", {"units": 1}), ("sigmoid", {})], "bce"),
    ([("dense", {"units": 1})], "bce_logits"),
    ([("dense", {"units": 3}), ("softmax", {})], "categorical_cross_entropy"),
    ([("dense", {"units": 3})], "softmax_cross_entropy"),
    ([("dense", {"units": 3})], "multilabel_bce"),
    ([("dense", {"units": 2})], "huber"),
])
def test_fitting_losses_give_no_problems(layers, loss):
    assert validate_graph(build(layers, loss=loss)) == []


def test_targets_that_do_not_match_the_output():
    g = build([("dense", {"units": 2})])
    (problem,) = validate_graph(g, target_shape=(3,))
    assert problem.message == ("The network's output has shape (2,) per sample (2 units), but the targets "
                               "have shape (3,): give the last layer 3 units")
    assert validate_graph(g, target_shape=(2,)) == []
    g1 = build([("dense", {"units": 1})])
    assert validate_graph(g1, target_shape=()) == [] == validate_graph(g1, target_shape=(1,))
    g2 = build([("dense", {"units": 4})], loss="softmax_cross_entropy")
    assert validate_graph(g2, target_shape=()) == []  # integer class labels
    assert validate_graph(g2, target_shape=(3,))  # one-hot with 3 classes but 4 units


def test_a_loop_in_hand_edited_data_is_reported_not_raised():
    g = build([("dense", {"units": 2}), ("relu", {})])
    # force a loop past the checks, as a damaged file might
    from playground.model.graph import Edge

    g._edges[("dense_1", 0)] = Edge("relu_1", "dense_1", 0)
    a = infer_shapes(g)
    assert any("loop" in m for m in a.nodes["dense_1"].problems)


def test_conv_pool_then_dense_says_add_flatten():
    pytest.importorskip("playground.engine.layers.conv")
    pytest.importorskip("playground.engine.layers.pooling")
    g = build([("conv2d", {"filters": 16, "padding": "same"}), ("relu", {}), ("max_pool2d", {}),
               ("dense", {"units": 10})], shape=(1, 8, 8), loss="softmax_cross_entropy")
    a = infer_shapes(g)
    assert a.shape("conv2d_1") == (16, 8, 8) and a.shape("max_pool2d_1") == (16, 4, 4)
    assert a.nodes["conv2d_1"].trainable == (3 * 3 * 1 + 1) * 16  # (f·f·c_in + 1)·c_out = 160
    (problem,) = validate_graph(g)
    assert problem.node_id == "dense_1"
    assert problem.message == ("Dense expects a flat vector per sample, but got shape (16, 4, 4); "
                               "add a Flatten layer before it")
