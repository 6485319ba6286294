"""Training controls: Play, Pause, Step (one batch), Stop, Reset, counters, progress, the learning rate.

The panel renders the run model (state, counters, progress) and the document (the
learning-rate setting); its buttons call the :class:`TrainingController` and its
learning-rate field edits the setting through :class:`~playground.ui.edits.Edits`, like
the field in Training settings: one value, shown in both, live during a run.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QMenu, QProgressBar, QSizePolicy,
                               QSlider, QToolButton, QVBoxLayout, QWidget)

from playground.session.run_state import FINISHED, PAUSED, PREPARING, SPEEDS, TRAINING, UNTRAINED, speed_text

from . import theme
from .editors import make_editor, same_value
from .edits import lock_widget

LR_PATH = "optimizer.lr"


class TrainingPanel(QWidget):
    def __init__(self, document, run, controller, edits, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.run, self.controller, self.edits = document, run, controller, edits
        self._build_ui()
        run.state_changed.connect(self._render_state)
        run.reported.connect(self._render_counters)
        run.cleared.connect(self._render_all)
        run.speed_changed.connect(self._render_speed)
        document.setting_changed.connect(self._on_setting_changed)
        document.replaced.connect(self._render_all)
        document.locks_changed.connect(self._render_all)
        self._render_all()

    # -- widgets -----------------------------------------------------------------
    def _button(self, text: str, icon: str, tip: str, slot) -> QToolButton:
        from .actions import draw_icon

        button = QToolButton()
        button.setText(text)
        button.setIcon(draw_icon(icon))
        button.setIconSize(QSize(22, 22))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setToolTip(tip)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.clicked.connect(slot)
        return button

    def _build_ui(self) -> None:
        c = self.controller
        self.play_button = self._button("Play", "play", "Train — after a finished run, train the set number of "
                                        "epochs more, going on from the trained weights (F5)", c.play)
        self.pause_button = self._button("Pause", "pause", "Pause after the current batch (F6)", c.pause)
        self.step_button = self._button("Step", "step", "Train one mini-batch, then pause (F7)", c.step)
        self.stop_button = self._button("Stop", "stop", "Stop training; Play goes on from here (Shift+F5)", c.stop)
        self.reset_button = self._button("Reset", "reset", "Back to the start: forget the trained weights and "
                                         "curves. The next run starts from the same initial weights as the "
                                         "last one (the menu ▾ draws new ones).", c.reset)
        menu = QMenu(self.reset_button)
        self.reset_same_action = menu.addAction("Reset to the same initial weights", c.reset)
        self.reset_new_action = menu.addAction("Reset with new initial weights", lambda: c.reset(new_weights=True))
        self.reset_button.setMenu(menu)
        self.reset_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for b in (self.play_button, self.pause_button, self.step_button, self.stop_button, self.reset_button):
            buttons.addWidget(b)

        self.state_label = QLabel()
        bold = self.state_label.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.state_label.setFont(bold)
        self.epoch_label = QLabel()
        self.iteration_label = QLabel()
        self.loss_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        # the same editor, range and checks as the field in Training settings
        self.lr_editor = make_editor(self.document.settings.spec_at(LR_PATH), self.document.setting(LR_PATH),
                                     name="lr")
        self.lr_spin = self.lr_editor.widget
        self.lr_spin.setToolTip("Learning rate η (the same setting as in Training settings). Change it while "
                                "training to see the effect at once.\n" + self.lr_spin.toolTip())
        self.lr_editor.committed.connect(self._on_lr_edited)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setObjectName("speed_slider")
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setPageStep(1)
        self.speed_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.speed_slider.setToolTip("How fast training may go: slow to watch the boundary and the curves form "
                                     "epoch by epoch, or as fast as possible. Changes at once, also while it "
                                     "trains (+ and − in presentation mode).")
        self.speed_slider.valueChanged.connect(self._on_speed_moved)
        self.speed_label = QLabel()
        self.scheduled_label = QLabel()  # the rate a schedule gives now, when it differs from the setting
        self.scheduled_label.setStyleSheet("color: palette(placeholder-text);")

        grid = QGridLayout()
        grid.addWidget(self.state_label, 0, 0)
        grid.addWidget(self.loss_label, 0, 1, alignment=Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.epoch_label, 1, 0)
        grid.addWidget(self.iteration_label, 1, 1, alignment=Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.progress, 2, 0, 1, 2)
        lr_row = QHBoxLayout()
        lr_row.addWidget(QLabel("Learning rate η"))
        lr_row.addWidget(self.lr_spin, 1)
        speed_row = QHBoxLayout()
        speed_row.addWidget(QLabel("Speed"))
        speed_row.addWidget(self.speed_slider, 1)
        speed_row.addWidget(self.speed_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.addLayout(buttons)
        column.addLayout(grid)
        column.addLayout(lr_row)
        column.addLayout(speed_row)
        column.addWidget(self.scheduled_label)
        column.addStretch(1)

    # -- rendering -----------------------------------------------------------------------------
    def _render_all(self, *_args) -> None:
        self._render_state()
        self._render_counters()
        self._show_lr()
        self._render_speed()

    def _render_speed(self, *_args) -> None:
        speed = self.run.speed
        self.speed_slider.blockSignals(True)
        self.speed_slider.setValue(SPEEDS.index(speed) if speed in SPEEDS else len(SPEEDS) - 1)
        self.speed_slider.blockSignals(False)
        self.speed_label.setText("fastest" if speed is None else f"{speed:g} epochs/s")
        self.speed_label.setToolTip(speed_text(speed))

    def _on_speed_moved(self, index: int) -> None:
        self.run.set_speed(SPEEDS[index])

    def _render_state(self, *_args) -> None:
        s = self.run.state
        self.state_label.setText(self.run.state_text())
        self.play_button.setEnabled(s in (UNTRAINED, PAUSED, FINISHED))
        self.play_button.setText("Play" if s != FINISHED else "Go on")
        self.pause_button.setEnabled(s == TRAINING)
        self.step_button.setEnabled(s in (UNTRAINED, PAUSED, FINISHED))
        self.stop_button.setEnabled(s in (PREPARING, TRAINING, PAUSED))
        self.reset_button.setEnabled(s != PREPARING)
        self._render_counters()

    def _render_counters(self, *_args) -> None:
        c, epochs = self.run.counters, self.document.settings.epochs
        target = c.target_epochs if self.run.busy or self.run.cut_short else self.run.next_target(epochs)
        self.epoch_label.setText(f"Epoch {c.epoch} / {target}")
        total = c.iterations_total if self.run.busy else 0
        self.iteration_label.setText(f"Iteration {c.iteration:,}" + (f" / {total:,}" if total else ""))
        loss = self.run.history.latest.train_loss if self.run.history.latest is not None else float("nan")
        self.loss_label.setText(f"Loss {loss:.4g}" if loss == loss else "")
        shows_run = self.run.busy or self.run.cut_short  # a run under way, or one stopped before its end
        done = c.iteration / c.iterations_total if shows_run and c.iterations_total else (
            1.0 if self.run.state == FINISHED else 0.0)
        self.progress.setValue(round(1000 * min(1.0, done)))
        scheduled, setting = c.learning_rate, self.document.settings.optimizer.lr
        shown = self.run.busy and scheduled is not None and abs(scheduled - setting) > 1e-12 * setting
        self.scheduled_label.setText(f"The schedule gives η = {scheduled:.4g} now" if shown else "")
        self.scheduled_label.setVisible(shown)

    def _show_lr(self) -> None:
        lock_widget(self.lr_spin, self.document.project.may_change(LR_PATH))  # a classroom lock
        value = self.document.setting(LR_PATH)
        if not same_value(self.lr_editor.value(), value):
            self.lr_editor.set_value(value)

    def _on_setting_changed(self, path: str, _value) -> None:
        if path == LR_PATH:
            self._show_lr()
        elif path == "epochs":
            self._render_counters()

    def _on_lr_edited(self, value: float) -> None:
        if not self.edits.set_setting(LR_PATH, value):
            self._show_lr()  # refused (a classroom lock): the field shows the setting again


class MessageBanner(QFrame):
    """A non-modal message above the canvas (training errors, NaN, shape problems); it stays until closed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Hide this message")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 8, 8)
        row.addWidget(self.label, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        self.restyle()
        self.label.setText("⚠  " + text)
        self.show()

    def restyle(self) -> None:
        t = theme.current_theme()
        self.setStyleSheet(f"MessageBanner {{ background: {t.warning_background}; border-bottom: 2px solid #d62728; }}"
                           f"QLabel {{ color: {t.warning_text}; font-weight: 600; }}")
