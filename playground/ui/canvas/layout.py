"""Auto-layout: layers of nodes left to right by topological depth.

A node's depth is the length of the longest path from a node without inputs
(Input nodes are at depth 0, a Dense right after them at depth 1, ...). Each
depth is one column; columns are centred on the same horizontal line, so a
plain chain comes out as a straight row, and inside a column nodes are sorted
by the average height of their sources (the barycentre heuristic), which keeps
crossings few. Pure Python, no Qt: the view turns the result into one
``MoveNodes`` command.
"""

from __future__ import annotations

from typing import Mapping

Size = tuple[float, float]

H_GAP = 80.0  # between columns
V_GAP = 36.0  # between nodes of one column


def depths(graph) -> dict[str, int]:
    """``{node id: longest distance from a source}``; nodes on a loop get depth 0."""
    depth: dict[str, int] = {}
    for node_id in graph.topological_order():
        sources = graph.inputs_of(node_id)
        depth[node_id] = max((depth.get(s, 0) + 1 for s in sources), default=0)
    for node in graph:
        depth.setdefault(node.id, 0)
    return depth


def layered_positions(graph, sizes: Mapping[str, Size] | None = None, origin: tuple[float, float] = (0.0, 0.0),
                      h_gap: float = H_GAP, v_gap: float = V_GAP) -> dict[str, tuple[float, float]]:
    """Top-left positions ``{node id: (x, y)}`` for a left-to-right layered layout.

    ``sizes`` gives each node's ``(width, height)`` (the card sizes; default
    200 × 90). The layout is centred vertically on ``origin[1]`` and starts at
    ``origin[0]``. Within the first column the students' own top-to-bottom order
    is kept.
    """
    sizes = dict(sizes or {})
    depth = depths(graph)
    columns: dict[int, list[str]] = {}
    for node in graph:
        columns.setdefault(depth[node.id], []).append(node.id)

    def size(node_id: str) -> Size:
        return sizes.get(node_id, (200.0, 90.0))

    centre_y: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    x = origin[0]
    for d in sorted(columns):
        ids = columns[d]
        current_y = {n: graph.node(n).y for n in ids}

        def key(node_id: str) -> tuple[float, float]:
            sources = [s for s in graph.inputs_of(node_id) if s in centre_y]
            if sources:
                return (sum(centre_y[s] for s in sources) / len(sources), current_y[node_id])
            return (current_y[node_id], 0.0)

        ids = sorted(ids, key=key)
        total = sum(size(n)[1] for n in ids) + v_gap * (len(ids) - 1)
        y = origin[1] - total / 2
        for node_id in ids:
            w, h = size(node_id)
            positions[node_id] = (round(x, 1), round(y, 1))
            centre_y[node_id] = y + h / 2
            y += h + v_gap
        x += max(size(n)[0] for n in ids) + h_gap
    return positions
