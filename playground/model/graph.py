"""The graph document: layer nodes on a canvas and the connections between them.

A node has a stable id (``"dense_3"``), a kind from the catalog, a dict of
parameter values and a canvas position. An edge runs from a source node's
output to one input port of a target node; every input port takes at most one
edge, so the port order is the order the engine layer sees its inputs.

Every edit goes through a :class:`Graph` method, which validates first and
raises a specific :class:`~playground.model.errors.GraphEditError` (the graph is
then unchanged), and afterwards emits a psygnal signal, so a Qt canvas can follow
without polling and without the model knowing about Qt::

    graph.node_added.connect(scene.on_node_added)

Signals: ``node_added(Node)``, ``node_removed(Node)``, ``node_moved(id, x, y)``,
``param_changed(id, name, value)``, ``edge_added(Edge)``, ``edge_removed(Edge)``
and ``changed()`` once per public edit (once per :meth:`batch`).
"""

from __future__ import annotations

import copy
import math
import re
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping

from psygnal import Signal

from .catalog import MAX_VARIABLE_PORTS, LayerSpec, get_spec
from .errors import (CycleError, DuplicateEdgeError, DuplicateNodeError, GraphEditError,
                     InvalidParamError, PortTakenError, UnknownEdgeError, UnknownNodeError,
                     UnknownPortError)

NODE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")
_ID_NUMBER = re.compile(r"^(.*)_(\d+)$")
MAX_COORD = 1e7  # keep positions sane: a canvas never needs more


@dataclass
class Node:
    """One layer on the canvas. Treat as read-only; change it through :class:`Graph`."""

    id: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    x: float = 0.0
    y: float = 0.0

    @property
    def spec(self) -> LayerSpec:
        return get_spec(self.kind)

    @property
    def title(self) -> str:
        return self.spec.title

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "params": self.spec.params_to_json(self.params),
                "x": self.x, "y": self.y}


@dataclass(frozen=True, order=True)
class Edge:
    """``source``'s output feeds input port ``port`` of ``target``."""

    source: str
    target: str
    port: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "port": self.port}


class Graph:
    """Nodes and edges, with validation and change signals."""

    node_added = Signal(object)
    node_removed = Signal(object)
    node_moved = Signal(str, float, float)
    param_changed = Signal(str, str, object)
    edge_added = Signal(object)
    edge_removed = Signal(object)
    changed = Signal()

    def __init__(self):
        self._nodes: dict[str, Node] = {}
        self._edges: dict[tuple[str, int], Edge] = {}  # keyed by (target, port): one edge per port
        self._counters: dict[str, int] = {}
        self._batch_depth = 0
        self._dirty = False

    # ------------------------------------------------------------------
    # reading
    # ------------------------------------------------------------------
    @property
    def nodes(self) -> Mapping[str, Node]:
        """Read-only view ``{id: Node}`` in insertion order."""
        return MappingProxyType(self._nodes)

    @property
    def edges(self) -> list[Edge]:
        """All edges, sorted (source, target, port)."""
        return sorted(self._edges.values())

    def node(self, node_id: str) -> Node:
        try:
            return self._nodes[node_id]
        except (KeyError, TypeError):
            raise UnknownNodeError(node_id) from None

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(list(self._nodes.values()))

    def edges_into(self, node_id: str) -> list[Edge]:
        """Edges arriving at ``node_id``, by port."""
        self.node(node_id)
        return sorted((e for e in self._edges.values() if e.target == node_id), key=lambda e: e.port)

    def edges_out_of(self, node_id: str) -> list[Edge]:
        self.node(node_id)
        return sorted(e for e in self._edges.values() if e.source == node_id)

    def inputs_of(self, node_id: str) -> list[str]:
        """Source ids feeding ``node_id``, in port order (the engine's input order)."""
        return [e.source for e in self.edges_into(node_id)]

    def edge_at(self, target: str, port: int) -> Edge | None:
        return self._edges.get((target, port))

    def free_port(self, node_id: str) -> int | None:
        """The first input port with nothing connected (``None`` when all are taken)."""
        spec = self.node(node_id).spec
        port = 0
        while spec.has_port(port):
            if (node_id, port) not in self._edges:
                return port
            port += 1
        return None

    def port_count(self, node_id: str) -> int:
        """How many input ports to draw: fixed ports, or for Add/Concatenate the connected
        ones plus one free port (never fewer than the minimum)."""
        spec = self.node(node_id).spec
        if not spec.variable_inputs:
            return len(spec.inputs)
        used = [port for (target, port) in self._edges if target == node_id]
        return max(spec.min_inputs, (max(used) + 2) if used else 0)

    def nodes_of_kind(self, kind: str) -> list[Node]:
        return [n for n in self._nodes.values() if n.kind == kind]

    def reaches(self, start: str, goal: str) -> bool:
        """Whether data flows from ``start`` to ``goal`` along edges (``start == goal`` counts)."""
        outgoing: dict[str, list[str]] = {}
        for e in self._edges.values():
            outgoing.setdefault(e.source, []).append(e.target)
        seen, stack = set(), [start]
        while stack:
            current = stack.pop()
            if current == goal:
                return True
            if current in seen:
                continue
            seen.add(current)
            stack.extend(outgoing.get(current, ()))
        return False

    def topological_order(self) -> list[str]:
        """Node ids so every node comes after its sources (Kahn's algorithm, stable order).

        Nodes on a cycle (only possible in hand-edited data) are left out.
        """
        indegree = {n: 0 for n in self._nodes}
        outgoing: dict[str, list[str]] = {n: [] for n in self._nodes}
        for e in self._edges.values():
            indegree[e.target] += 1
            outgoing[e.source].append(e.target)
        ready = deque(n for n, d in indegree.items() if d == 0)
        order = []
        while ready:
            current = ready.popleft()
            order.append(current)
            for target in outgoing[current]:
                indegree[target] -= 1
                if indegree[target] == 0:
                    ready.append(target)
        return order

    # ------------------------------------------------------------------
    # editing
    # ------------------------------------------------------------------
    def new_id(self, kind: str) -> str:
        """A fresh id ``"<kind>_<n>"``; numbers are not reused within a session."""
        n = self._counters.get(kind, 0) + 1
        while f"{kind}_{n}" in self._nodes:
            n += 1
        return f"{kind}_{n}"

    def add_node(self, kind: str, x: float = 0.0, y: float = 0.0, params: Mapping[str, Any] | None = None,
                 node_id: str | None = None) -> Node:
        """Add a node of ``kind`` (defaults overlaid with ``params``) and return it.

        ``node_id`` is for undo/redo and loading; new nodes get :meth:`new_id`.
        """
        node = self._make_node(kind, x, y, params, node_id)
        self._insert(node)
        self._emit_changed()
        return node

    def _make_node(self, kind, x, y, params, node_id) -> Node:
        spec = get_spec(kind)
        if node_id is None:
            node_id = self.new_id(kind)
        else:
            _check_node_id(node_id)
            if node_id in self._nodes:
                raise DuplicateNodeError(node_id)
        return Node(node_id, kind, spec.validate_params(params), *_check_position(x, y))

    def _insert(self, node: Node) -> None:
        self._nodes[node.id] = node
        self._note_id(node.id, node.kind)
        self.node_added.emit(node)

    def _note_id(self, node_id: str, kind: str) -> None:
        match = _ID_NUMBER.match(node_id)
        if match and match.group(1) == kind:
            self._counters[kind] = max(self._counters.get(kind, 0), int(match.group(2)))

    def remove_node(self, node_id: str) -> tuple[Node, list[Edge]]:
        """Remove a node and its edges; return both (an undo command re-adds them)."""
        node = self.node(node_id)
        edges = [e for e in self._edges.values() if node_id in (e.source, e.target)]
        with self.batch():
            for e in sorted(edges):
                del self._edges[(e.target, e.port)]
                self.edge_removed.emit(e)
            del self._nodes[node_id]
            self.node_removed.emit(node)
            self._dirty = True
        return node, sorted(edges)

    def move_node(self, node_id: str, x: float, y: float) -> tuple[float, float]:
        """Move a node; return its old position."""
        node = self.node(node_id)
        x, y = _check_position(x, y)
        old = (node.x, node.y)
        if old == (x, y):
            return old
        node.x, node.y = x, y
        self.node_moved.emit(node_id, x, y)
        self._emit_changed()
        return old

    def set_param(self, node_id: str, name: str, value: Any) -> Any:
        """Set one parameter (checked against the catalog); return the old value."""
        node = self.node(node_id)
        value = node.spec.coerce(name, value)
        old = node.params.get(name)
        if old == value and type(old) is type(value):
            return old
        node.params[name] = value
        self.param_changed.emit(node_id, name, value)
        self._emit_changed()
        return old

    def set_params(self, node_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Set several parameters at once (all checked first); return the old values."""
        node = self.node(node_id)
        if not isinstance(params, Mapping):
            raise InvalidParamError(f"{node.title}: parameters must be a mapping of name → value")
        checked = {name: node.spec.coerce(name, value) for name, value in params.items()}
        with self.batch():
            return {name: self.set_param(node_id, name, value) for name, value in checked.items()}

    def connect(self, source: str, target: str, port: int | None = None) -> Edge:
        """Connect ``source``'s output to ``target``'s input ``port`` (first free port if None)."""
        edge = self._check_edge(source, target, port)
        self._edges[(edge.target, edge.port)] = edge
        self.edge_added.emit(edge)
        self._emit_changed()
        return edge

    def can_connect(self, source: str, target: str, port: int | None = None) -> str | None:
        """``None`` if the connection is allowed, else the reason (for hover feedback)."""
        try:
            self._check_edge(source, target, port)
        except GraphEditError as exc:
            return str(exc)
        return None

    def _check_edge(self, source: str, target: str, port: int | None,
                    loading: set[tuple[str, str]] | None = None) -> Edge:
        """The edge if allowed, else the specific error.

        ``loading`` (the (source, target) pairs so far) is for building a whole graph: duplicates are
        looked up there and loops are checked once at the end (:meth:`_check_no_cycle`), so loading
        stays linear in the number of edges.
        """
        src, dst = self.node(source), self.node(target)
        if not src.spec.has_output:
            raise UnknownPortError(f"{source} ({src.title}) has no output to connect from")
        if not dst.spec.inputs:
            raise UnknownPortError(f"{target} ({dst.title}) takes no inputs: data enters there")
        if source == target:
            raise CycleError(f"{source} cannot feed itself: data must flow one way, from the input to "
                             "the output (use a recurrent layer for loops over time)")
        if loading is None and self.reaches(target, source):
            raise CycleError(f"Connecting {source} → {target} would make a loop ({target} already feeds "
                             f"{source}); data must flow one way, from the input to the output")
        if port is not None and not dst.spec.has_port(port):
            count = dst.spec.max_inputs or MAX_VARIABLE_PORTS
            raise UnknownPortError(f"{target} ({dst.title}) has no input port {port!r}; "
                                   f"it has {count} (numbered 0 to {count - 1})")
        if ((source, target) in loading if loading is not None else
                any(e.source == source and e.target == target for e in self._edges.values())):
            raise DuplicateEdgeError(f"{source} is already connected to {target}")
        if port is None:
            port = self.free_port(target)
            if port is None:
                raise PortTakenError(f"All inputs of {target} ({dst.title}) are taken; "
                                     "remove a connection first")
        taken = self._edges.get((target, port))
        if taken is not None:
            raise PortTakenError(f"Input {dst.spec.port_name(port)!r} of {target} is already fed by "
                                 f"{taken.source}; remove that connection first")
        return Edge(source, target, port)

    def disconnect(self, edge: Edge) -> Edge:
        """Remove an edge; raise :class:`UnknownEdgeError` if it is not there."""
        current = self._edges.get((edge.target, edge.port)) if isinstance(edge, Edge) else None
        if current != edge:
            raise UnknownEdgeError(f"There is no connection {edge!r} to remove")
        del self._edges[(edge.target, edge.port)]
        self.edge_removed.emit(edge)
        self._emit_changed()
        return edge

    def clear(self) -> None:
        with self.batch():
            for node_id in list(self._nodes):
                self.remove_node(node_id)
            self._counters.clear()

    # ------------------------------------------------------------------
    # batching and signals
    # ------------------------------------------------------------------
    @contextmanager
    def batch(self):
        """Group edits so ``changed`` fires once at the end (specific signals still fire)."""
        self._batch_depth += 1
        try:
            yield self
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._dirty:
                self._dirty = False
                self.changed.emit()

    def _emit_changed(self) -> None:
        if self._batch_depth:
            self._dirty = True
        else:
            self.changed.emit()

    # ------------------------------------------------------------------
    # copy / paste
    # ------------------------------------------------------------------
    def extract(self, node_ids: Iterable[str]) -> dict[str, Any]:
        """The chosen nodes and the edges among them, as plain data (for the clipboard)."""
        chosen = []
        for node_id in node_ids:
            if node_id not in chosen:
                self.node(node_id)
                chosen.append(node_id)
        wanted = set(chosen)
        return {"nodes": [self._nodes[n].to_dict() for n in chosen],
                "edges": [e.to_dict() for e in self.edges if e.source in wanted and e.target in wanted]}

    def insert(self, data: Mapping[str, Any], dx: float = 0.0, dy: float = 0.0) -> dict[str, str]:
        """Paste data from :meth:`extract` with fresh ids, shifted by ``(dx, dy)``.

        Returns ``{old id: new id}``. Everything is checked before anything is
        added, so a bad clipboard changes nothing.
        """
        nodes_data, edges_data = _split_graph_data(data)
        scratch = Graph()
        counters = dict(self._counters)
        taken = set(self._nodes)
        mapping: dict[str, str] = {}
        new_nodes = []
        for nd in nodes_data:
            old_id, kind = nd["id"], nd["kind"]
            if old_id in mapping:
                raise DuplicateNodeError(old_id)
            n = counters.get(kind, 0) + 1
            while f"{kind}_{n}" in taken:
                n += 1
            counters[kind] = n
            new_id = f"{kind}_{n}"
            taken.add(new_id)
            node = scratch._make_node(kind, _num(nd.get("x", 0.0)) + dx, _num(nd.get("y", 0.0)) + dy,
                                      nd.get("params"), new_id)
            scratch._insert(node)
            mapping[old_id] = new_id
            new_nodes.append(node)
        for node in new_nodes:  # a reference to a pasted node (shared weights) follows it to its copy
            for spec in node.spec.params:
                if spec.type == "node" and node.params.get(spec.name) in mapping:
                    node.params[spec.name] = mapping[node.params[spec.name]]
        new_edges = []
        for ed in edges_data:
            source, target = ed["source"], ed["target"]
            if source not in mapping or target not in mapping:
                continue  # an edge to something not copied is dropped
            new_edges.append(scratch.connect(mapping[source], mapping[target], ed.get("port")))
        with self.batch():
            for node in new_nodes:
                self._insert(copy.deepcopy(node))
            for edge in new_edges:
                self._edges[(edge.target, edge.port)] = edge
                self.edge_added.emit(edge)
            self._dirty = self._dirty or bool(new_nodes)
        return mapping

    # ------------------------------------------------------------------
    # plain data
    # ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"nodes": [n.to_dict() for n in self._nodes.values()],
                "edges": [e.to_dict() for e in self.edges]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Graph":
        """Build a graph from :meth:`to_dict` data, keeping ids; every rule is checked.

        Raises a :class:`GraphEditError` naming the first problem.
        """
        nodes_data, edges_data = _split_graph_data(data)
        graph = cls()
        for nd in nodes_data:
            graph._insert(graph._make_node(nd["kind"], nd.get("x", 0.0), nd.get("y", 0.0), nd.get("params"),
                                           nd["id"]))
        pairs: set[tuple[str, str]] = set()
        for ed in edges_data:
            edge = graph._check_edge(ed["source"], ed["target"], ed.get("port"), loading=pairs)
            graph._edges[(edge.target, edge.port)] = edge
            pairs.add((edge.source, edge.target))
        graph._check_no_cycle()
        return graph

    def _check_no_cycle(self) -> None:
        """Raise :class:`CycleError` naming one connection on a loop, if there is one (linear time)."""
        ordered = set(self.topological_order())
        if len(ordered) == len(self._nodes):
            return
        # what is left lies on a loop or below one; peel off the nodes below (no way back up)
        left = set(self._nodes) - ordered
        inner = [e for e in self._edges.values() if e.source in left and e.target in left]
        outdegree = dict.fromkeys(left, 0)
        incoming: dict[str, list[str]] = {n: [] for n in left}
        for e in inner:
            outdegree[e.source] += 1
            incoming[e.target].append(e.source)
        sinks = deque(n for n, d in outdegree.items() if d == 0)
        while sinks:
            node = sinks.popleft()
            left.discard(node)
            for source in incoming[node]:
                outdegree[source] -= 1
                if outdegree[source] == 0:
                    sinks.append(source)
        edge = min(e for e in inner if e.source in left and e.target in left)
        raise CycleError(f"Connecting {edge.source} → {edge.target} makes a loop; data must flow one way, "
                         "from the input to the output")

    def copy(self) -> "Graph":
        """An independent copy with the same ids (no signal connections)."""
        other = Graph.from_dict(self.to_dict())
        other._counters = dict(self._counters)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Graph):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # mutable

    def __repr__(self) -> str:
        return f"Graph({len(self._nodes)} nodes, {len(self._edges)} edges)"


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------
def _check_node_id(node_id: Any) -> None:
    if not isinstance(node_id, str) or not NODE_ID.match(node_id):
        raise GraphEditError(f"A node id must start with a letter and use only letters, digits, '_' or '-' "
                             f"(at most 64 characters), got {node_id!r}")


def _num(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GraphEditError(f"A node position must be a number, got {value!r}")
    return float(value)


def _check_position(x: Any, y: Any) -> tuple[float, float]:
    x, y = _num(x), _num(y)
    if not (math.isfinite(x) and math.isfinite(y)) or abs(x) > MAX_COORD or abs(y) > MAX_COORD:
        raise GraphEditError(f"A node position must be a finite number within ±{MAX_COORD:g}, got ({x}, {y})")
    return x, y


def _split_graph_data(data: Any) -> tuple[list[dict], list[dict]]:
    """Check the outline of graph data: ``{"nodes": [...], "edges": [...]}`` with the required keys."""
    if not isinstance(data, Mapping):
        raise GraphEditError("Graph data must be a mapping with 'nodes' and 'edges'")
    nodes, edges = data.get("nodes", []), data.get("edges", [])
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise GraphEditError("Graph data: 'nodes' and 'edges' must be lists")
    for i, nd in enumerate(nodes):
        if not isinstance(nd, Mapping) or "id" not in nd or "kind" not in nd:
            raise GraphEditError(f"Graph data: node {i} needs an 'id' and a 'kind'")
        extra = set(nd) - {"id", "kind", "params", "x", "y"}
        if extra:
            raise GraphEditError(f"Graph data: node {nd['id']!r} has unknown field(s) {sorted(map(str, extra))}")
        if not isinstance(nd["kind"], str):
            raise GraphEditError(f"Graph data: node {i} has a kind that is not text: {nd['kind']!r}")
    for i, ed in enumerate(edges):
        if not isinstance(ed, Mapping) or "source" not in ed or "target" not in ed:
            raise GraphEditError(f"Graph data: edge {i} needs a 'source' and a 'target'")
        extra = set(ed) - {"source", "target", "port"}
        if extra:
            raise GraphEditError(f"Graph data: edge {i} has unknown field(s) {sorted(map(str, extra))}")
        port = ed.get("port")
        if port is not None and (isinstance(port, bool) or not isinstance(port, int)):
            raise GraphEditError(f"Graph data: edge {i} has a port that is not a whole number: {port!r}")
    return nodes, edges
