"""Helpers for canvas tests: small graphs and real mouse/drag events sent to the viewport.

Offscreen, ``QTest.mouseMove`` carries no pressed buttons and a real
``QDrag.exec()`` returns at once, so these helpers build the ``QMouseEvent`` and
``QDrag*Event`` objects themselves and send them to ``view.viewport()``: the
same path a real mouse takes through ``QGraphicsView`` into the scene.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

from playground.model.graph import Graph
from playground.ui.canvas.view import LAYER_MIME

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.MouseButton.NoButton


def chain(kinds=("input", "dense", "relu", "dense", "output"), params=None, gap=260.0) -> tuple[Graph, list[str]]:
    """A graph with one node per kind, left to right, each connected to the next."""
    graph = Graph()
    ids = []
    for i, kind in enumerate(kinds):
        ids.append(graph.add_node(kind, i * gap, 0.0, params=(params or {}).get(i)).id)
    for a, b in zip(ids, ids[1:]):
        graph.connect(a, b)
    return graph, ids


def viewport_point(view, scene_pos: QPointF) -> QPointF:
    return QPointF(view.mapFromScene(scene_pos))


def mouse(view, kind, scene_pos: QPointF, button=LEFT, buttons=None, modifiers=Qt.KeyboardModifier.NoModifier):
    """Send one mouse event at ``scene_pos`` to the view's viewport."""
    local = viewport_point(view, scene_pos)
    global_pos = QPointF(view.viewport().mapToGlobal(local.toPoint()))
    if buttons is None:
        buttons = NONE if kind == QMouseEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(kind, local, global_pos, button, buttons, modifiers)
    QApplication.sendEvent(view.viewport(), event)
    return event


def drag(view, start: QPointF, end: QPointF, steps: int = 5, modifiers=Qt.KeyboardModifier.NoModifier,
         on_move=None) -> None:
    """Press at ``start``, move in ``steps`` with the left button held, release at ``end``."""
    mouse(view, QMouseEvent.Type.MouseButtonPress, start, modifiers=modifiers)
    for i in range(1, steps + 1):
        t = i / steps
        p = QPointF(start.x() + (end.x() - start.x()) * t, start.y() + (end.y() - start.y()) * t)
        mouse(view, QMouseEvent.Type.MouseMove, p, button=NONE, buttons=LEFT, modifiers=modifiers)
        if on_move is not None:
            on_move(p)
    mouse(view, QMouseEvent.Type.MouseButtonRelease, end, modifiers=modifiers)


def click(view, scene_pos: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    mouse(view, QMouseEvent.Type.MouseButtonPress, scene_pos, modifiers=modifiers)
    mouse(view, QMouseEvent.Type.MouseButtonRelease, scene_pos, modifiers=modifiers)


def layer_mime(kind: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(LAYER_MIME, QByteArray(kind.encode("utf-8")))
    return mime


def drag_event(cls, at: QPoint, mime: QMimeData):
    """A ``QDragEnterEvent``/``QDragMoveEvent`` at ``at``: PySide6 ≥ 6.12 takes a QPointF
    (the QPoint form is deprecated there), older versions only a QPoint."""
    args = (Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    try:
        return cls(QPointF(at), *args)
    except TypeError:
        return cls(QPoint(at), *args)


def drop_layer(view, kind: str, at: QPoint) -> bool:
    """Drag ``kind`` from the palette onto the viewport point ``at``; return whether the drop was accepted."""
    mime = layer_mime(kind)
    actions = Qt.DropAction.CopyAction
    enter = drag_event(QDragEnterEvent, at, mime)
    QApplication.sendEvent(view.viewport(), enter)
    if not enter.isAccepted():
        return False
    move = drag_event(QDragMoveEvent, at, mime)
    QApplication.sendEvent(view.viewport(), move)
    drop = QDropEvent(QPointF(at), actions, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), drop)
    return drop.isAccepted()
