"""A calm note above the canvas: the classroom lock, or what to watch after a preset.

Unlike the window's red :class:`~playground.ui.training_panel.MessageBanner` (errors),
this one is blue and informative. It restyles itself with the theme.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from .theme import current_theme, theme_notifier

LIGHT_COLOURS = ("#e3f0fb", "#0b3d66")  # background, text
DARK_COLOURS = ("#17324a", "#d6ebff")


class NoteBanner(QFrame):
    """One line (or a few, wrapped) of rich text; ``closable`` adds a ✕ that hides it."""

    def __init__(self, closable: bool = True, parent=None):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 7, 8, 7)
        row.addWidget(self.label, 1)
        self.close_button = None
        if closable:
            self.close_button = QToolButton()
            self.close_button.setText("✕")
            self.close_button.setAutoRaise(True)
            self.close_button.setToolTip("Hide this note")
            self.close_button.clicked.connect(self.hide)
            row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        theme_notifier().changed.connect(self.restyle)
        self.restyle()
        self.hide()

    def show_note(self, html: str) -> None:
        self.label.setText(html)
        self.show()

    @property
    def text(self) -> str:
        """The note as plain text (for tests and the status bar)."""
        return self.label.text()

    def restyle(self, *_args) -> None:
        background, text = DARK_COLOURS if current_theme().is_dark else LIGHT_COLOURS
        accent = current_theme().highlight
        self.setStyleSheet(f"NoteBanner {{ background: {background}; border-bottom: 2px solid {accent}; }}"
                           f"QLabel {{ color: {text}; }}")
