import pytest

from playground.model.errors import (CycleError, DuplicateEdgeError, DuplicateNodeError, GraphEditError,
                                     InvalidParamError, ModelError, PortTakenError, UnknownEdgeError,
                                     UnknownKindError, UnknownNodeError, UnknownParamError, UnknownPortError)
from playground.model.graph import Edge, Graph


def chain(*kinds):
    """input → kinds… → output, ids in order; returns (graph, ids)."""
    g = Graph()
    ids = [g.add_node("input", params={"shape": [2]}).id]
    for kind in kinds:
        ids.append(g.add_node(kind).id)
        g.connect(ids[-2], ids[-1])
    ids.append(g.add_node("output").id)
    g.connect(ids[-2], ids[-1])
    return g, ids


class Recorder:
    """Collects every signal of a graph as (name, args) in the order they fire."""

    def __init__(self, graph):
        self.events = []
        for name in ("node_added", "node_removed", "node_moved", "param_changed", "edge_added",
                     "edge_removed", "changed"):
            getattr(graph, name).connect(self._make(name))

    def _make(self, name):
        def slot(*args):
            self.events.append((name, args))
        return slot

    def names(self):
        return [name for name, _ in self.events]


# -- ids, nodes ----------------------------------------------------------------
def test_ids_are_kind_and_number_and_never_reused_after_delete():
    g = Graph()
    a, b = g.add_node("dense"), g.add_node("dense")
    assert (a.id, b.id) == ("dense_1", "dense_2")
    g.remove_node("dense_2")
    assert g.add_node("dense").id == "dense_3"  # dense_2 is not handed out again
    assert g.add_node("relu").id == "relu_1"


def test_add_node_fills_defaults_and_checks_params():
    g = Graph()
    node = g.add_node("dense", 10, -5, {"units": 4})
    assert node.params == {"units": 4, "use_bias": True, "init": "glorot_uniform", "share_weights_with": None}
    assert (node.x, node.y) == (10.0, -5.0)
    with pytest.raises(InvalidParamError, match="units must be at least 1"):
        g.add_node("dense", params={"units": 0})
    with pytest.raises(UnknownParamError, match="no parameter 'unitz'"):
        g.add_node("dense", params={"unitz": 3})
    with pytest.raises(UnknownKindError):
        g.add_node("transformer")
    assert len(g) == 1  # the refused adds left nothing behind


def test_explicit_id_for_undo_and_duplicates_refused():
    g = Graph()
    g.add_node("dense", node_id="dense_7")
    with pytest.raises(DuplicateNodeError):
        g.add_node("dense", node_id="dense_7")
    with pytest.raises(GraphEditError, match="must start with a letter"):
        g.add_node("dense", node_id="has.dot")
    assert g.add_node("dense").id == "dense_8"  # the counter follows explicit ids


def test_set_param_checks_and_returns_old_value():
    g, ids = chain("dense")
    assert g.set_param(ids[1], "units", 5) == 8
    assert g.node(ids[1]).params["units"] == 5
    with pytest.raises(InvalidParamError, match="whole number"):
        g.set_param(ids[1], "units", "many")
    with pytest.raises(InvalidParamError, match="one of"):
        g.set_param(ids[1], "init", "random")
    with pytest.raises(UnknownNodeError):
        g.set_param("nope_1", "units", 3)
    assert g.node(ids[1]).params["units"] == 5


def test_set_params_is_all_or_nothing():
    g, ids = chain("dense")
    with pytest.raises(InvalidParamError):
        g.set_params(ids[1], {"units": 3, "use_bias": "yes"})
    assert g.node(ids[1]).params["units"] == 8
    assert g.set_params(ids[1], {"units": 3, "use_bias": False}) == {"units": 8, "use_bias": True}


def test_shape_params_become_tuples_and_json_lists():
    g = Graph()
    node = g.add_node("input", params={"shape": [1, 28, 28]})
    assert node.params["shape"] == (1, 28, 28)
    assert node.to_dict()["params"]["shape"] == [1, 28, 28]
    with pytest.raises(InvalidParamError):
        g.set_param(node.id, "shape", [1, 0])
    with pytest.raises(InvalidParamError):
        g.set_param(node.id, "shape", "28x28")


# -- edges -------------------------------------------------------------------------
def test_connect_uses_first_free_port_and_orders_inputs_by_port():
    g = Graph()
    a, b, add = g.add_node("dense"), g.add_node("dense"), g.add_node("add")
    g.connect(b.id, add.id, 1)
    assert g.connect(a.id, add.id).port == 0
    assert g.inputs_of(add.id) == [a.id, b.id]
    assert g.port_count(add.id) == 3  # two used, one free to drop a third branch on


def test_cycle_is_refused_with_specific_error():
    g, ids = chain("dense", "relu", "dense")
    extra_add = g.add_node("add")
    g.connect(ids[3], extra_add.id)
    with pytest.raises(CycleError, match="loop"):
        g.connect(extra_add.id, ids[1])  # would go round: dense_1 → … → add_1 → dense_1
    with pytest.raises(CycleError, match="cannot feed itself"):
        g.connect(extra_add.id, extra_add.id)


def test_duplicate_edge_port_taken_unknown_port_and_node():
    g = Graph()
    a, b, add = g.add_node("dense"), g.add_node("dense"), g.add_node("add")
    g.connect(a.id, add.id, 0)
    with pytest.raises(DuplicateEdgeError):
        g.connect(a.id, add.id, 1)
    with pytest.raises(PortTakenError, match="already fed by dense_1"):
        g.connect(b.id, add.id, 0)
    with pytest.raises(UnknownPortError):
        g.connect(b.id, a.id, 1)  # Dense has one input port
    with pytest.raises(UnknownPortError):
        g.connect(b.id, add.id, -1)
    with pytest.raises(UnknownNodeError):
        g.connect("ghost", a.id)
    out = g.add_node("output")
    inp = g.add_node("input")
    with pytest.raises(UnknownPortError, match="no output"):
        g.connect(out.id, a.id)
    with pytest.raises(UnknownPortError, match="takes no inputs"):
        g.connect(a.id, inp.id)
    assert g.edges == [Edge(a.id, add.id, 0)]


def test_every_edit_error_is_a_model_error_and_value_error():
    g = Graph()
    for exc_type in (CycleError, DuplicateEdgeError, PortTakenError, UnknownNodeError, UnknownPortError):
        assert issubclass(exc_type, ModelError) and issubclass(exc_type, ValueError)
    with pytest.raises(ModelError):
        g.node("missing")


def test_can_connect_gives_the_reason():
    g, ids = chain("dense")
    assert g.can_connect(ids[2], ids[1]) is not None
    extra = g.add_node("relu")
    assert g.can_connect(ids[1], extra.id) is None


def test_disconnect_and_unknown_edge():
    g, ids = chain("dense")
    edge = g.edges_into(ids[1])[0]
    g.disconnect(edge)
    assert g.inputs_of(ids[1]) == []
    with pytest.raises(UnknownEdgeError):
        g.disconnect(edge)


def test_remove_node_removes_its_edges_and_returns_them_for_undo():
    g, ids = chain("dense", "relu")
    node, edges = g.remove_node(ids[1])
    assert node.id == ids[1]
    assert edges == sorted([Edge(ids[0], ids[1], 0), Edge(ids[1], ids[2], 0)])
    assert all(ids[1] not in (e.source, e.target) for e in g.edges)
    # undo: re-add with the same id and the same edges
    g.add_node(node.kind, node.x, node.y, node.params, node_id=node.id)
    for e in edges:
        g.connect(e.source, e.target, e.port)
    assert g.inputs_of(ids[2]) == [ids[1]]


def test_move_node_returns_old_position_and_refuses_nan():
    g, ids = chain("dense")
    assert g.move_node(ids[1], 5, 6) == (0.0, 0.0)
    assert (g.node(ids[1]).x, g.node(ids[1]).y) == (5.0, 6.0)
    with pytest.raises(GraphEditError):
        g.move_node(ids[1], float("nan"), 0)


def test_topological_order():
    g, ids = chain("dense", "relu")
    order = g.topological_order()
    assert order.index(ids[0]) < order.index(ids[1]) < order.index(ids[2]) < order.index(ids[3])


# -- signals ---------------------------------------------------------------------------
def test_signals_fire_in_order_with_arguments():
    g = Graph()
    rec = Recorder(g)
    a = g.add_node("dense")
    b = g.add_node("relu")
    edge = g.connect(a.id, b.id)
    g.move_node(a.id, 3, 4)
    g.set_param(a.id, "units", 2)
    assert rec.events == [
        ("node_added", (a,)), ("changed", ()),
        ("node_added", (b,)), ("changed", ()),
        ("edge_added", (edge,)), ("changed", ()),
        ("node_moved", (a.id, 3.0, 4.0)), ("changed", ()),
        ("param_changed", (a.id, "units", 2)), ("changed", ()),
    ]


def test_remove_node_emits_edge_removals_first_and_one_changed():
    g, ids = chain("dense")
    rec = Recorder(g)
    g.remove_node(ids[1])
    assert rec.names() == ["edge_removed", "edge_removed", "node_removed", "changed"]


def test_refused_edit_emits_nothing_and_no_op_edits_are_silent():
    g, ids = chain("dense")
    rec = Recorder(g)
    with pytest.raises(CycleError):
        g.connect(ids[1], ids[1])
    with pytest.raises(InvalidParamError):
        g.set_param(ids[1], "units", -1)
    g.set_param(ids[1], "units", 8)  # unchanged
    g.move_node(ids[1], 0, 0)  # unchanged
    assert rec.events == []


def test_batch_emits_changed_once():
    g = Graph()
    rec = Recorder(g)
    with g.batch():
        a = g.add_node("dense")
        b = g.add_node("relu")
        g.connect(a.id, b.id)
    assert rec.names() == ["node_added", "node_added", "edge_added", "changed"]


# -- copy / paste --------------------------------------------------------------------------
def test_extract_and_insert_with_fresh_ids():
    g, ids = chain("dense", "relu")
    g.move_node(ids[1], 100, 50)
    data = g.extract([ids[1], ids[2]])
    assert [n["id"] for n in data["nodes"]] == [ids[1], ids[2]]
    assert data["edges"] == [{"source": ids[1], "target": ids[2], "port": 0}]  # outside edges left out
    rec = Recorder(g)
    mapping = g.insert(data, dx=20, dy=20)
    assert mapping == {"dense_1": "dense_2", "relu_1": "relu_2"}
    assert g.node("dense_2").x == 120.0 and g.node("dense_2").params == g.node("dense_1").params
    assert g.inputs_of("relu_2") == ["dense_2"]
    assert rec.names() == ["node_added", "node_added", "edge_added", "changed"]
    # pasting is independent: editing the copy leaves the original alone
    g.set_param("dense_2", "units", 1)
    assert g.node("dense_1").params["units"] == 8


def test_insert_of_bad_clipboard_changes_nothing():
    g, ids = chain("dense")
    before = g.to_dict()
    bad = {"nodes": [{"id": "a", "kind": "dense"}, {"id": "b", "kind": "dense", "params": {"units": -3}}],
           "edges": []}
    with pytest.raises(InvalidParamError):
        g.insert(bad)
    with pytest.raises(GraphEditError):
        g.insert({"nodes": "not a list"})
    assert g.to_dict() == before


# -- plain data -------------------------------------------------------------------------------
def test_round_trip_through_plain_data():
    g, ids = chain("dense", "tanh", "dense")
    g.set_param(ids[3], "units", 1)
    g.move_node(ids[2], 1.5, -2.25)
    again = Graph.from_dict(g.to_dict())
    assert again == g
    assert again.new_id("dense") == "dense_3"


@pytest.mark.parametrize("mutate, error", [
    (lambda d: d["edges"].append({"source": "dense_1", "target": "input_1", "port": 0}), UnknownPortError),
    (lambda d: d["edges"].append({"source": "output_1", "target": "dense_1", "port": 0}), UnknownPortError),
    (lambda d: d["edges"].append({"source": "dense_1", "target": "output_1", "port": 0}), DuplicateEdgeError),
    (lambda d: d["edges"].append({"source": "ghost", "target": "output_1"}), UnknownNodeError),
    (lambda d: d["nodes"].append(dict(d["nodes"][0])), DuplicateNodeError),
    (lambda d: d["nodes"][1].update(kind="magic"), UnknownKindError),
    (lambda d: d["nodes"][1]["params"].update(units=2.5), InvalidParamError),
    (lambda d: d["nodes"][1].update(x="left"), GraphEditError),
    (lambda d: d["edges"][0].update(port="0"), GraphEditError),
    (lambda d: d["nodes"][1].update(colour="red"), GraphEditError),
])
def test_from_dict_refuses_wrong_data_with_specific_errors(mutate, error):
    g, _ = chain("dense")
    data = g.to_dict()
    mutate(data)
    with pytest.raises(error):
        Graph.from_dict(data)


def test_from_dict_refuses_a_cycle():
    g, ids = chain("dense", "relu")
    data = g.to_dict()
    data["nodes"].append({"id": "add_1", "kind": "add"})
    data["edges"] += [{"source": "relu_1", "target": "add_1", "port": 0},
                      {"source": "add_1", "target": "dense_1", "port": 0}]
    data["edges"] = [e for e in data["edges"] if not (e["target"] == "dense_1" and e["source"] == "input_1")]
    with pytest.raises(CycleError):
        Graph.from_dict(data)


def test_copy_is_independent():
    g, ids = chain("dense")
    other = g.copy()
    other.set_param(ids[1], "units", 1)
    assert g.node(ids[1]).params["units"] == 8
