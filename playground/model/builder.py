"""Build graphs in code: chains of layers laid out left to right.

Used by the example projects (``scripts/make_examples.py``) and the template
gallery, so a whole, correctly wired sub-network can be dropped in one call.
"""

from __future__ import annotations

from typing import Any, Iterable

from .graph import Graph

Step = "tuple[str, dict[str, Any]] | str"
COLUMN = 300.0  # horizontal distance between layers: wider than a card with its unit maps
ROW = 150.0


def chain(graph: Graph, steps: Iterable[Step], after: "str | None" = None, x: float = 0.0,
          y: float = 0.0) -> list[str]:
    """Add ``steps`` (kind or ``(kind, params)``) one after another; return their ids.

    The first step is connected to ``after`` when given.
    """
    ids: list[str] = []
    previous = after
    for step in steps:
        kind, params = (step, {}) if isinstance(step, str) else step
        node = graph.add_node(kind, x, y, params)
        if previous is not None:
            graph.connect(previous, node.id)
        ids.append(node.id)
        previous = node.id
        x += COLUMN
    return ids


def join(graph: Graph, kind: str, sources: list[str], x: float, y: float,
         params: "dict[str, Any] | None" = None) -> str:
    """A merge node (Add, Concatenate, Sampling) fed by ``sources`` in port order."""
    node = graph.add_node(kind, x, y, params or {})
    for port, source in enumerate(sources):
        graph.connect(source, node.id, port)
    return node.id
