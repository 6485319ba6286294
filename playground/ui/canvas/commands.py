"""Undo commands: thin wrappers over :class:`playground.model.graph.Graph` methods.

A command only calls model methods; it never touches graphics items (the
scene follows the model's signals). Each edit the student makes is one
command, so one Ctrl+Z undoes one thing: a whole drag of several nodes is one
:class:`MoveNodes`, deleting a selection of nodes and edges is one
:class:`RemoveNodes`.

The model validates and raises a specific ``GraphEditError`` when it refuses an
edit (a cycle, a port that is taken…). :func:`try_push` runs the command once
*before* putting it on the stack, so a refused edit never lands on the stack
and the caller gets the model's message to show::

    reason = try_push(stack, Connect(graph, "dense_1", "relu_1"))
    if reason:
        status_bar.showMessage(reason)

Settings, the dataset, frozen layers and weights change through the document's own
commands (:mod:`playground.ui.edits`).
"""

from __future__ import annotations

import copy
import logging
from typing import Any, Iterable, Mapping

from PySide6.QtGui import QUndoCommand, QUndoStack

from playground.model.catalog import get_spec
from playground.model.errors import GraphEditError, UnknownEdgeError
from playground.model.graph import Edge, Graph

log = logging.getLogger(__name__)

SET_PARAM_ID = 4201  # QUndoCommand.id() of SetParam: consecutive edits of one value merge


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class GraphCommand(QUndoCommand):
    """Base: ``apply()`` does the edit, ``revert()`` undoes it; both call model methods only."""

    def __init__(self, graph: Graph, text: str = ""):
        super().__init__(text)
        self.graph = graph
        self._already_applied = False

    def apply(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def redo(self) -> None:
        if self._already_applied:  # try_push did the first redo itself, to catch refusals
            self._already_applied = False
            return
        self._guard(self.apply)

    def undo(self) -> None:
        self._guard(self.revert)

    def _guard(self, action) -> None:
        # Qt calls redo/undo from C++, where a Python exception would only be printed.
        # A refusal here means the graph was changed behind the stack's back.
        try:
            action()
        except GraphEditError as exc:
            log.warning("%s could not be %s: %s", type(self).__name__,
                        "redone" if action == self.apply else "undone", exc)


def try_push(stack: QUndoStack, command: GraphCommand) -> str | None:
    """Apply ``command``; on success push it on ``stack`` and return ``None``.

    When the model refuses (a ``GraphEditError``), nothing changes, nothing is
    pushed, and the model's plain-words reason is returned.
    """
    try:
        command.apply()
    except GraphEditError as exc:
        return str(exc)
    command._already_applied = True
    stack.push(command)
    return None


# ----------------------------------------------------------------------------
# snapshots of nodes and edges, for delete/undo and paste/redo
# ----------------------------------------------------------------------------
def _snapshot(graph: Graph, node_ids: Iterable[str]) -> tuple[list[dict[str, Any]], list[Edge]]:
    """The nodes (kind, params, position, id) and every edge touching them."""
    ids = list(dict.fromkeys(node_ids))
    nodes = []
    for node_id in ids:
        n = graph.node(node_id)
        nodes.append({"id": n.id, "kind": n.kind, "params": copy.deepcopy(n.params), "x": n.x, "y": n.y})
    wanted = set(ids)
    edges = [e for e in graph.edges if e.source in wanted or e.target in wanted]
    return nodes, edges


def _restore(graph: Graph, nodes: list[dict[str, Any]], edges: Iterable[Edge]) -> None:
    """Put snapshot nodes back with their ids, then their edges on the same ports."""
    with graph.batch():
        for n in nodes:
            graph.add_node(n["kind"], n["x"], n["y"], params=n["params"], node_id=n["id"])
        for e in sorted(edges, key=lambda e: (e.target, e.port)):
            graph.connect(e.source, e.target, e.port)


# ----------------------------------------------------------------------------
# commands
# ----------------------------------------------------------------------------
class AddNode(GraphCommand):
    """Add one layer; ``node_id`` is chosen by the model on the first apply and reused on redo."""

    def __init__(self, graph: Graph, kind: str, x: float = 0.0, y: float = 0.0,
                 params: Mapping[str, Any] | None = None):
        try:
            title = get_spec(kind).title
        except GraphEditError:
            title = str(kind)
        super().__init__(graph, f"Add {title}")
        self.kind, self.x, self.y = kind, x, y
        self.params = dict(params) if params else None
        self.node_id: str | None = None

    @property
    def node_ids(self) -> list[str]:
        return [self.node_id] if self.node_id else []

    def apply(self) -> None:
        node = self.graph.add_node(self.kind, self.x, self.y, params=self.params, node_id=self.node_id)
        self.node_id = node.id

    def revert(self) -> None:
        self.graph.remove_node(self.node_id)


class RemoveNodes(GraphCommand):
    """Delete nodes (with their edges) and any further chosen edges, in one step.

    Undo puts the nodes back with the same ids, parameters and positions, and
    reconnects every edge on its old port.
    """

    def __init__(self, graph: Graph, node_ids: Iterable[str] = (), edges: Iterable[Edge] = ()):
        self.node_ids = list(dict.fromkeys(node_ids))
        wanted = set(self.node_ids)
        # edges chosen on their own (those touching a removed node go with it anyway)
        self.extra_edges = [e for e in dict.fromkeys(edges) if e.source not in wanted and e.target not in wanted]
        parts = []
        if self.node_ids:
            parts.append(_plural(len(self.node_ids), "layer"))
        if self.extra_edges:
            parts.append(_plural(len(self.extra_edges), "connection"))
        super().__init__(graph, "Delete " + " and ".join(parts))
        self._nodes: list[dict[str, Any]] = []
        self._edges: list[Edge] = []

    def apply(self) -> None:
        for edge in self.extra_edges:  # check first: a refused command changes nothing
            if self.graph.edge_at(edge.target, edge.port) != edge:
                raise UnknownEdgeError(f"There is no connection {edge.source} → {edge.target} to remove")
        self._nodes, self._edges = _snapshot(self.graph, self.node_ids)
        with self.graph.batch():
            for edge in self.extra_edges:
                self.graph.disconnect(edge)
            for node_id in self.node_ids:
                self.graph.remove_node(node_id)

    def revert(self) -> None:
        _restore(self.graph, self._nodes, list(self._edges) + self.extra_edges)


class MoveNodes(GraphCommand):
    """Move several nodes at once: ``{id: ((old_x, old_y), (new_x, new_y))}``."""

    def __init__(self, graph: Graph, moves: Mapping[str, tuple[tuple[float, float], tuple[float, float]]],
                 text: str | None = None):
        self.moves = {k: (tuple(old), tuple(new)) for k, (old, new) in moves.items()}
        super().__init__(graph, text or "Move " + _plural(len(self.moves), "layer"))

    def _move_to(self, which: int) -> None:
        with self.graph.batch():
            for node_id, positions in self.moves.items():
                self.graph.move_node(node_id, *positions[which])

    def apply(self) -> None:
        self._move_to(1)

    def revert(self) -> None:
        self._move_to(0)


class Connect(GraphCommand):
    """Connect ``source``'s output to ``target``'s input ``port`` (first free port if ``None``)."""

    def __init__(self, graph: Graph, source: str, target: str, port: int | None = None):
        super().__init__(graph, f"Connect {source} → {target}")
        self.source, self.target, self.port = source, target, port
        self.edge: Edge | None = None

    def apply(self) -> None:
        self.edge = self.graph.connect(self.source, self.target, self.port)
        self.port = self.edge.port  # redo uses the same port

    def revert(self) -> None:
        self.graph.disconnect(self.edge)


class Disconnect(GraphCommand):
    """Remove one connection."""

    def __init__(self, graph: Graph, edge: Edge):
        super().__init__(graph, f"Disconnect {edge.source} → {edge.target}")
        self.edge = edge

    def apply(self) -> None:
        self.graph.disconnect(self.edge)

    def revert(self) -> None:
        self.graph.connect(self.edge.source, self.edge.target, self.edge.port)


_UNSET = object()


class SetParam(GraphCommand):
    """Set one parameter. Consecutive edits of the same parameter merge into one step
    (a spin box stepping 8 → 9 → 10 → 16 is undone at once, back to 8)."""

    def __init__(self, graph: Graph, node_id: str, name: str, value: Any):
        super().__init__(graph, f"Set {name.replace('_', ' ')} of {node_id}")
        self.node_id, self.name, self.new = node_id, name, value
        self.old: Any = _UNSET

    def id(self) -> int:
        return SET_PARAM_ID

    def apply(self) -> None:
        old = self.graph.set_param(self.node_id, self.name, self.new)
        if self.old is _UNSET:
            self.old = old
        self.new = self.graph.node(self.node_id).params[self.name]  # the model's canonical form

    def revert(self) -> None:
        self.graph.set_param(self.node_id, self.name, self.old)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetParam) or (other.node_id, other.name) != (self.node_id, self.name) \
                or other.graph is not self.graph:
            return False
        self.new = other.new
        if self.new == self.old and type(self.new) is type(self.old):
            self.setObsolete(True)  # back where it started: drop the step
        return True


class Paste(GraphCommand):
    """Insert copied nodes (``Graph.extract`` data) with fresh ids, shifted by ``(dx, dy)``."""

    def __init__(self, graph: Graph, data: Mapping[str, Any], dx: float = 0.0, dy: float = 0.0):
        count = len(data.get("nodes", [])) if isinstance(data, Mapping) else 0
        super().__init__(graph, "Paste " + _plural(count, "layer"))
        self.data, self.dx, self.dy = data, dx, dy
        self.node_ids: list[str] = []
        self._nodes: list[dict[str, Any]] | None = None
        self._edges: list[Edge] = []

    def apply(self) -> None:
        if self._nodes is None:  # first time: the model picks fresh ids
            mapping = self.graph.insert(self.data, self.dx, self.dy)
            self.node_ids = list(mapping.values())
            self._nodes, self._edges = _snapshot(self.graph, self.node_ids)
        else:  # redo: the very same ids again
            _restore(self.graph, self._nodes, self._edges)

    def revert(self) -> None:
        with self.graph.batch():
            for node_id in self.node_ids:
                self.graph.remove_node(node_id)
