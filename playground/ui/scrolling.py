"""A panel's contents in a frameless scroll area: a short dock scrolls instead of squeezing its widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


def frameless_scroll(content: QWidget) -> QScrollArea:
    """``content`` in a scroll area without a frame that resizes it to the visible width."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    return scroll


def fill_with_scroll(owner: QWidget, content: QWidget) -> QScrollArea:
    """Make ``content``, scrolled, the whole of ``owner`` (no margins)."""
    scroll = frameless_scroll(content)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return scroll
