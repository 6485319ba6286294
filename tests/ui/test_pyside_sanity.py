"""The installed PySide6 must not leak references to None (6.12.0 on Python 3.11 did, and aborted)."""

import sys

from PySide6.QtWidgets import QWidget


def test_qt_calls_do_not_drop_references_to_none(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.setObjectName("probe")
    # a leaking build loses 2 references per call (−4000 here); allow noise from the interpreter
    assert sys.getrefcount(None) - before > -100
