"""Help ▸ Quick tour, Help ▸ Keyboard shortcuts.

The tour is five bubbles, one after the other, each pointing at a part of the
window (the Layers palette, the canvas, the dataset, Play, the plots) with a
frame drawn around it. Next, Back and "Skip the tour" (or Esc) at every step.

The shortcut list is read from the window's actions, so it is never out of date.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel, QPushButton, QTextBrowser,
                               QVBoxLayout, QWidget)

STEPS = (
    ("palette", "Layers", "Every kind of layer, grouped and searchable. Drag one onto the canvas "
     "(or double-click it) to add it to your network."),
    ("canvas", "The network", "Your network: drag from a card's output port (right) to another card's input "
     "port (left) to connect them. Each card shows its output shape; a red card says what is wrong."),
    ("dataset", "The data", "Choose the data to learn from. 2-D datasets such as XOR or the spirals show a "
     "decision boundary while the network learns."),
    ("play", "Play", "Press Play (F5) to train. Pause (F6), step one batch (F7) and stop are next to it; "
     "Reset starts again from the same initial weights."),
    ("plots", "What happens", "The loss and accuracy curves, the decision boundary, gradient norms and more "
     "follow the training live. Hover a unit's little map on the canvas to see it large."),
)


def tour_target(window, name: str) -> QWidget | None:
    """The widget a tour step points at."""
    if name == "canvas":
        return window.canvas
    if name == "play":
        return window.toolbar.widgetForAction(window.menu_actions["play"])
    dock = window.docks.get(name)
    return dock


class _Highlight(QWidget):
    """A coloured frame around the target, drawn over the window, never catching the mouse."""

    def __init__(self, window):
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor("#e8a317"), 4))
        p.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 6, 6)


class QuickTour(QFrame):
    """The bubble: title, text, Back / Next / Skip; ``step`` is the index shown."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.step = 0
        self.setObjectName("quick_tour")
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#quick_tour { border: 2px solid #e8a317; border-radius: 6px; }")
        self.title = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.counter = QLabel()
        self.back_button = QPushButton("Back")
        self.next_button = QPushButton("Next")
        self.skip_button = QPushButton("Skip the tour")
        row = QHBoxLayout()
        row.addWidget(self.counter)
        row.addStretch(1)
        for b in (self.skip_button, self.back_button, self.next_button):
            row.addWidget(b)
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.text)
        column.addLayout(row)
        self.setFixedWidth(380)
        self.highlight = _Highlight(window)
        self.back_button.clicked.connect(lambda: self.show_step(self.step - 1))
        self.next_button.clicked.connect(self._next)
        self.skip_button.clicked.connect(self.finish)
        self.next_button.setDefault(True)

    def show_step(self, index: int) -> None:
        self.step = max(0, min(index, len(STEPS) - 1))
        name, title, text = STEPS[self.step]
        self.title.setText(f"<span style='font-size:13pt; font-weight:600'>{escape(title)}</span>")
        self.text.setText(escape(text))
        self.counter.setText(f"{self.step + 1} of {len(STEPS)}")
        self.back_button.setEnabled(self.step > 0)
        self.next_button.setText("Done" if self.step == len(STEPS) - 1 else "Next")
        target = tour_target(self.window_, name)
        if target is not None and hasattr(target, "show"):
            if name in self.window_.docks:
                target.show()
                target.raise_()
        self.adjustSize()
        self._place(target)
        self.show()
        self.raise_()
        self.next_button.setFocus()

    def _place(self, target: QWidget | None) -> None:
        w = self.window_
        if target is None or not target.isVisible():
            self.highlight.hide()
            self.move((w.width() - self.width()) // 2, (w.height() - self.height()) // 2)
            return
        top_left = target.mapTo(w, QPoint(0, 0))
        rect = QRect(top_left, target.size())
        self.highlight.setGeometry(rect.adjusted(-4, -4, 4, 4))
        self.highlight.show()
        self.highlight.raise_()
        # beside the target where there is room, else below it, else over its middle
        x = rect.right() + 12 if rect.right() + 12 + self.width() < w.width() else rect.left() - 12 - self.width()
        if x < 0:
            x = max(0, min(rect.center().x() - self.width() // 2, w.width() - self.width()))
        y = max(0, min(rect.top(), w.height() - self.height()))
        if rect.height() < 80:  # a button: below it
            y = min(rect.bottom() + 12, w.height() - self.height())
            x = max(0, min(rect.left(), w.width() - self.width()))
        self.move(x, y)

    def _next(self) -> None:
        if self.step >= len(STEPS) - 1:
            self.finish()
        else:
            self.show_step(self.step + 1)

    def finish(self) -> None:
        self.highlight.hide()
        self.hide()
        self.window_.settings.setValue("tour/seen", True)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.finish()
            return
        super().keyPressEvent(event)


def start_tour(window) -> QuickTour:
    """Show the tour from its first step (one tour per window)."""
    tour = getattr(window, "quick_tour", None)
    if tour is None:
        tour = window.quick_tour = QuickTour(window)
    tour.show_step(0)
    return tour


# -- keyboard shortcuts ----------------------------------------------------------------------------
CANVAS_KEYS = (
    ("Delete / Backspace", "Delete the selected layers or connections"),
    ("Double-click a layer in the palette", "Add it in the middle of the canvas"),
    ("Drag from an output port to an input port", "Connect two layers"),
    ("Double-click an edge or a unit's map", "See and edit the weights and the bias"),
    ("Mouse wheel / Ctrl + wheel", "Scroll / zoom the canvas"),
    ("Shift+F1, then click", "What's this? — help on any field or layer"),
)


def shortcut_rows(actions) -> list[tuple[str, str]]:
    """``(keys, what)`` for every action with a shortcut, in menu order."""
    rows = []
    for action in actions.values():
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        if keys:
            rows.append((" or ".join(keys), action.text().replace("&", "").rstrip(".…")))
    return rows


def shortcuts_html(actions) -> str:
    def table(rows):
        cells = "".join(f"<tr><td style='padding:2px 16px 2px 0'><b>{escape(k)}</b></td><td>{escape(t)}</td></tr>"
                        for k, t in rows)
        return f"<table>{cells}</table>"

    return (f"<h3>Keyboard shortcuts</h3>{table(shortcut_rows(actions))}"
            f"<h3>On the canvas</h3>{table(CANVAS_KEYS)}")


def show_shortcuts(window) -> QDialog:
    dialog = QDialog(window)
    dialog.setWindowTitle("Keyboard shortcuts")
    text = QTextBrowser()
    text.setHtml(shortcuts_html(window.menu_actions))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.close)
    column = QVBoxLayout(dialog)
    column.addWidget(text)
    column.addWidget(buttons)
    dialog.resize(560, 640)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    window.shortcuts_dialog = dialog
    return dialog
