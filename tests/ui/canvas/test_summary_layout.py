"""What the cards say, and where auto-layout puts nodes (no Qt)."""

from playground.model.graph import Graph
from playground.ui.canvas.layout import depths, layered_positions
from playground.ui.canvas.summary import analyse, fmt_count, fmt_shape, param_summary

from .helpers import chain


def test_param_summary_reads_like_a_lecture_slide():
    assert param_summary("conv2d", {"filters": 16, "kernel_size": 3, "stride": 1, "padding": "same",
                                    "dilation": 1, "use_bias": True}) == "16 filters 3×3, same"
    assert param_summary("conv2d", {"filters": 8, "kernel_size": 5, "stride": 2, "padding": "valid",
                                    "dilation": 1, "use_bias": False}) == "8 filters 5×5, valid, stride 2, no bias"
    assert param_summary("dense", {"units": 1, "use_bias": True, "init": "glorot_uniform"}) == "1 unit"
    assert param_summary("dense", {"units": 64, "use_bias": True, "init": "he_normal"}) == "64 units, he_normal init"
    assert param_summary("max_pool2d", {"pool_size": 2, "stride": None, "padding": 0}) == "2×2"
    assert param_summary("dropout", {"rate": 0.5}) == "p = 0.5"
    assert param_summary("lstm", {"units": 32, "return_sequences": True}) == "32 units, every step"
    assert param_summary("sigmoid", {"steepness": 2.0}) == "λ = 2"
    assert param_summary("relu", {}) == ""
    assert param_summary("slice", {"axis": 2, "start": 8, "stop": 16}) == "columns 8 … 15"
    assert param_summary("slice", {"axis": 0, "start": 0, "stop": 4}) == "axis 0: 0 … 3"
    assert param_summary("output", {"loss": "huber", "huber_delta": 0.5, "mse_form": "mean"}) == "Huber, δ = 0.5"


def test_param_summary_never_raises_on_odd_params():
    assert param_summary("conv2d", {}) == ""  # missing values: falls back to the non-defaults (none)
    assert param_summary("no_such_kind", {"x": 1}) == ""


def test_formatting_helpers():
    assert fmt_shape((2,)) == "(2,)"
    assert fmt_shape((16, 8, 8)) == "(16, 8, 8)"
    assert fmt_shape(None) == "?"
    assert fmt_count(1) == "1 param"
    assert fmt_count(12345) == "12,345 params"


def test_analyse_counts_parameters_and_turns_missing_inputs_into_hints():
    graph, ids = chain(("input", "dense", "relu"))
    lone = graph.add_node("dense", 0, 300).id
    infos = analyse(graph)
    # Input (2,) → Dense 8: W is 2×8 = 16 weights, plus 8 biases = 24
    assert infos[ids[1]].shape == (8,) and infos[ids[1]].params == 24
    assert infos[ids[2]].params == 0
    assert infos[lone].problem is None and "needs an input" in infos[lone].hint


def test_analyse_reports_bad_wiring_as_a_problem():
    graph, ids = chain(("input", "conv2d"))
    info = analyse(graph)[ids[1]]
    assert info.shape is None and info.problem


def test_analyse_warns_about_a_loss_that_does_not_fit():
    graph, ids = chain(("input", "dense", "output"), params={2: {"loss": "bce"}})
    info = analyse(graph)[ids[2]]
    assert info.problem is None and "Sigmoid" in info.warning


def test_layout_puts_columns_by_depth_and_keeps_a_chain_straight():
    graph, ids = chain(("input", "dense", "relu", "dense", "output"))
    pos = layered_positions(graph, {n: (200.0, 90.0) for n in ids})
    xs = [pos[n][0] for n in ids]
    assert xs == sorted(xs) and len(set(xs)) == 5
    assert len({pos[n][1] for n in ids}) == 1  # same height: a straight row


def test_layout_uses_the_longest_path_for_branches():
    graph = Graph()
    i = graph.add_node("input").id
    a = graph.add_node("dense", 0, -100).id
    b = graph.add_node("relu", 0, 0).id
    c = graph.add_node("dense", 0, 100).id
    add = graph.add_node("add").id
    graph.connect(i, a)
    graph.connect(a, b)
    graph.connect(i, c)
    graph.connect(b, add)
    graph.connect(c, add)
    d = depths(graph)
    assert d == {i: 0, a: 1, b: 2, c: 1, add: 3}
    pos = layered_positions(graph)
    assert pos[a][0] == pos[c][0] < pos[b][0] < pos[add][0]
    assert pos[a][1] < pos[c][1]  # the student's top-to-bottom order is kept
