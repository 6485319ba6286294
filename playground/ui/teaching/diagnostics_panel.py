"""Plain-words notes on the latest training report: vanishing, exploding, dead, symmetric.

The rules live in :mod:`playground.session.teaching.diagnostics`; this panel shows their
notes for the newest report of a :class:`~playground.session.history.MetricHistory`
(its per-layer gradient norms), plus — when the window hands them over with
:meth:`DiagnosticsPanel.set_network_data` — the current weights (symmetric units) and a
batch of activations (dead ReLUs). Warnings are orange cards, hints blue ones.

Use: ``DiagnosticsPanel(parent=None)``; a :class:`~playground.ui.plots.PlotRefresher`
drives it like any plot (``refresh(history)`` redraws only when the history changed).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.session.teaching.diagnostics import Note, diagnose

from ..plots.base import HistoryPlot
from ..scrolling import frameless_scroll
from ..theme import Theme, current_theme
from .common import lecture_font

INFO_COLOURS = {False: ("#dcebf7", "#0b3a5c"), True: ("#1d3448", "#cfe6f7")}  # is_dark → (background, text)
ICONS = {"vanishing": "↓", "shrinking": "↘", "exploding": "↑", "dead_units": "✝", "symmetry": "="}


class DiagnosticsPanel(HistoryPlot):
    """Cards with the notes of :func:`~playground.session.teaching.diagnostics.diagnose`.

    ``notes`` is the list of :class:`Note` shown; ``cards`` their labels; ``headline`` says
    which iteration they are about (or that all looks healthy).
    """

    title = "Diagnostics"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Diagnostics")
        self.notes: list[Note] = []
        self.cards: list[QLabel] = []
        self.weights = None
        self.activations = None
        self.headline = QLabel("No training report yet.")
        self.headline.setWordWrap(True)
        self._controls.append(self.headline)
        self.layout_.addWidget(self.headline)
        self.box = QWidget()
        self.box_layout = QVBoxLayout(self.box)
        self.box_layout.setContentsMargins(0, 0, 0, 0)
        self.box_layout.addStretch(1)
        self.layout_.addWidget(frameless_scroll(self.box), 1)
        self.apply_theme(current_theme())

    def set_network_data(self, weights=None, activations=None) -> None:
        """Weights (``Network.state_dict()``) and a batch's activations (node id → array) to diagnose too."""
        self.weights, self.activations = weights, activations
        self.invalidate()
        self.redraw_now()

    def redraw(self, history) -> None:
        report = history.latest if history is not None else None
        norms = report.grad_norms if report is not None else None
        self.notes = diagnose(norms, self.weights, self.activations)
        if report is None and not self.notes:
            self.headline.setText("No training report yet.")
        elif self.notes:
            where = f" at iteration {report.iteration}" if report is not None else ""
            count = len(self.notes)
            self.headline.setText(f"{count} note{'s' if count != 1 else ''}{where}:")
        else:
            self.headline.setText(f"Nothing to worry about at iteration {report.iteration}: gradients are "
                                  "neither vanishing nor exploding.")
        self._show_cards(current_theme())

    def _show_cards(self, theme: Theme) -> None:
        for card in self.cards:
            self.box_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for i, note in enumerate(self.notes):
            card = QLabel(f"{ICONS.get(note.kind, '•')}  {note.text}")
            card.setWordWrap(True)
            card.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            card.setToolTip(", ".join(note.layers))
            card.setStyleSheet(self._card_style(note, theme))
            self.box_layout.insertWidget(i, card)
            card.show()  # a child added to a visible widget is not shown by itself
            self.cards.append(card)

    @staticmethod
    def _card_style(note: Note, theme: Theme) -> str:
        if note.severity == "warning":
            background, text = theme.warning_background, theme.warning_text
        else:
            background, text = INFO_COLOURS[theme.is_dark]
        return (f"QLabel {{ background: {background}; color: {text}; font-size: {theme.label_pt}pt;"
                " padding: 8px; border-radius: 4px; }")

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if hasattr(self, "headline"):
            self.headline.setFont(lecture_font("label", bold=True))
            if self.notes:
                self._show_cards(theme)
