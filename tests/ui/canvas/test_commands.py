"""Undo commands over the graph model, without any view."""

import pytest
from PySide6.QtGui import QUndoStack

from playground.model.graph import Edge, Graph
from playground.ui.canvas.commands import (AddNode, Connect, Disconnect, MoveNodes, Paste, RemoveNodes,
                                           SetParam, try_push)

from .helpers import chain


def _content(graph):
    """The graph's data with nodes sorted by id (undo re-adds a node at the end of the order)."""
    data = graph.to_dict()
    return sorted(data["nodes"], key=lambda n: n["id"]), data["edges"]


@pytest.fixture
def stack(qapp):
    return QUndoStack()


def test_add_node_undo_redo_keeps_the_id(stack):
    graph = Graph()
    command = AddNode(graph, "dense", 10, 20, {"units": 4})
    assert try_push(stack, command) is None
    node_id = command.node_id
    assert graph.node(node_id).params["units"] == 4 and (graph.node(node_id).x, graph.node(node_id).y) == (10, 20)
    stack.undo()
    assert node_id not in graph
    stack.redo()
    assert node_id in graph and stack.count() == 1


def test_refused_command_is_not_pushed_and_returns_the_reason(stack):
    graph, ids = chain(("input", "dense"))
    reason = try_push(stack, Connect(graph, ids[1], ids[0]))  # into an Input
    assert reason and "takes no inputs" in reason
    reason = try_push(stack, Connect(graph, ids[0], ids[1]))  # already connected
    assert reason and "already connected" in reason
    assert stack.count() == 0 and len(graph.edges) == 1


def test_remove_nodes_restores_nodes_edges_and_ports(stack):
    graph = Graph()
    a, b, add, out = (graph.add_node(k, i * 100.0, 0).id for i, k in enumerate(("input", "dense", "add", "output")))
    graph.connect(a, b)
    graph.connect(b, add, 1)
    graph.connect(a, add, 0)
    graph.connect(add, out)
    before = _content(graph)
    assert try_push(stack, RemoveNodes(graph, [b])) is None
    assert b not in graph and len(graph.edges) == 2
    stack.undo()
    assert _content(graph) == before  # same ids, params, positions, edges on the same ports
    stack.redo()
    assert b not in graph


def test_remove_nodes_and_separate_edges_is_one_step(stack):
    graph, ids = chain(("input", "dense", "relu", "output"))
    edge = Edge(ids[2], ids[3], 0)
    assert try_push(stack, RemoveNodes(graph, [ids[0]], [edge])) is None
    assert stack.count() == 1 and graph.edges == [Edge(ids[1], ids[2], 0)]
    stack.undo()
    assert len(graph.edges) == 3 and ids[0] in graph


def test_move_nodes_is_one_step_for_many_nodes(stack):
    graph, ids = chain(("input", "dense"))
    moves = {ids[0]: ((0.0, 0.0), (5.0, 6.0)), ids[1]: ((260.0, 0.0), (300.0, 50.0))}
    assert try_push(stack, MoveNodes(graph, moves)) is None
    assert (graph.node(ids[1]).x, graph.node(ids[1]).y) == (300.0, 50.0)
    stack.undo()
    assert [(graph.node(n).x, graph.node(n).y) for n in ids] == [(0.0, 0.0), (260.0, 0.0)]


def test_connect_and_disconnect(stack):
    graph, ids = chain(("input", "dense"))
    graph.disconnect(graph.edges[0])
    command = Connect(graph, ids[0], ids[1])
    assert try_push(stack, command) is None and command.edge == Edge(ids[0], ids[1], 0)
    assert try_push(stack, Disconnect(graph, command.edge)) is None and graph.edges == []
    stack.undo()
    assert graph.edges == [command.edge]
    stack.undo()
    assert graph.edges == []
    stack.redo()
    assert graph.edges == [command.edge]


def test_set_param_merges_consecutive_edits_of_one_value(stack):
    graph, ids = chain(("input", "dense"))
    for units in (9, 10, 16):
        assert try_push(stack, SetParam(graph, ids[1], "units", units)) is None
    assert stack.count() == 1
    stack.undo()
    assert graph.node(ids[1]).params["units"] == 8
    stack.redo()
    assert graph.node(ids[1]).params["units"] == 16
    try_push(stack, SetParam(graph, ids[1], "use_bias", False))  # another param: a new step
    assert stack.count() == 2


def test_set_param_back_to_the_start_leaves_no_step(stack):
    graph, ids = chain(("input", "dense"))
    try_push(stack, SetParam(graph, ids[1], "units", 9))
    try_push(stack, SetParam(graph, ids[1], "units", 8))
    assert stack.count() == 0 and graph.node(ids[1]).params["units"] == 8


def test_set_param_refuses_bad_values(stack):
    graph, ids = chain(("input", "dense"))
    reason = try_push(stack, SetParam(graph, ids[1], "units", 0))
    assert reason and "at least 1" in reason and stack.count() == 0


def test_paste_gets_fresh_ids_and_redo_reuses_them(stack):
    graph, ids = chain(("input", "dense", "relu"))
    data = graph.extract(ids[1:])
    command = Paste(graph, data, 40, 40)
    assert try_push(stack, command) is None
    new = command.node_ids
    assert len(new) == 2 and not set(new) & set(ids)
    assert Edge(new[0], new[1], 0) in graph.edges
    assert graph.node(new[0]).x == graph.node(ids[1]).x + 40
    stack.undo()
    assert len(graph) == 3
    stack.redo()
    assert set(new) <= set(graph.nodes) and Edge(new[0], new[1], 0) in graph.edges
