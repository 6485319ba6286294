"""Fixtures for canvas tests: a real CanvasView, shown offscreen, on a fresh graph and undo stack."""

import pytest
from PySide6.QtGui import QUndoStack

from playground.model.graph import Graph
from playground.ui import theme
from playground.ui.canvas import CanvasView


@pytest.fixture
def make_view(qtbot, qapp):
    """``make_view(graph=None) -> CanvasView`` (1000×600, shown, light theme)."""
    theme.apply_theme("light", qapp)

    def make(graph=None, size=(1000, 600)):
        view = CanvasView(graph if graph is not None else Graph(), QUndoStack())
        qtbot.addWidget(view)
        view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        return view

    yield make
    theme.apply_theme("light", qapp)
