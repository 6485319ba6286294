"""Subscribing a Qt object to a model event for as long as the Qt object lives.

Models (:mod:`playground.model.document`, :mod:`playground.session.run_state`) emit
psygnal events and outlive many of the widgets that render them (a teaching window
closed by the student). A connection made with :func:`follow` is cut when the widget
is destroyed, so an event never reaches a deleted widget.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject


def follow(signal: Any, slot: Callable, owner: QObject) -> None:
    """Connect psygnal ``signal`` to ``slot`` until ``owner`` is destroyed."""
    signal.connect(slot)

    def cut(*_args) -> None:
        try:
            signal.disconnect(slot)
        except (ValueError, RuntimeError):  # already gone
            pass

    owner.destroyed.connect(cut)
