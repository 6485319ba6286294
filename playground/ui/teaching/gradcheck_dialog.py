"""The gradient-check button: does backpropagation agree with finite differences?

For the current project the dialog builds the network in float64 (NumPy), takes a small
batch of training samples and runs :func:`playground.engine.gradcheck.check_network`: the
engine's gradient of every parameter is compared with central differences
``(L(θ + ε) − L(θ − ε)) / 2ε`` on up to 20 entries per parameter. The table shows, per
layer, the worst relative error ``‖a − n‖ / (‖a‖ + ‖n‖)``: green below the threshold
(1e−5: the backward pass is right), red above it. It runs in a child process
(:func:`playground.session.teaching.jobs.gradient_check`), so the window stays responsive.

Use: ``GradientCheckDialog(project, parent=None, batch_size=8, threshold=1e-5, autostart=True)``
— ``exec()`` or ``show()`` it; it starts checking at once (``autostart``) or on *Check again*.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.session.teaching import jobs
from playground.session.teaching.gradcheck import (  # noqa: F401  (LayerCheck and the rest: re-exported)
    BATCH,
    MAX_ENTRIES,
    THRESHOLD,
    LayerCheck,
    check_project,
    group_by_layer,
)
from playground.session.teaching.text import num, sci

from .common import (
    FAIL_COLOUR,
    PASS_COLOUR,
    BackgroundTask,
    colour_cell,
    fill_table,
    heading,
    make_table,
    number_item,
    paragraph,
    set_font_size,
    text_item,
)


class GradientCheckDialog(QDialog):
    """Worst relative gradient error per layer, green/red by ``threshold``.

    ``checks`` is the last list of :class:`LayerCheck` (``None`` while checking);
    ``table`` shows it (column 2 holds the exact errors); ``summary`` says it in words.
    """

    def __init__(self, project, parent: QWidget | None = None, batch_size: int = BATCH,
                 threshold: float = THRESHOLD, autostart: bool = True):
        super().__init__(parent)
        self.setWindowTitle("Gradient check")
        self.project = project
        self.batch_size = int(batch_size)
        self.threshold = float(threshold)
        self.checks: list[LayerCheck] | None = None
        self.error = ""
        self.task = BackgroundTask(self)
        self.task.done.connect(self._on_done)
        self.task.failed.connect(self._on_failed)

        self.title = heading("Backpropagation vs. finite differences")
        self.explanation = paragraph(
            f"The engine's gradients of every parameter are compared with central differences "
            f"(L(θ + ε) − L(θ − ε)) / 2ε, in float64 on {self.batch_size} training samples and up to "
            f"{MAX_ENTRIES} entries per parameter. Relative error = ‖analytic − numeric‖ / "
            f"(‖analytic‖ + ‖numeric‖): below {sci(self.threshold)} (green) the backward pass is right. "
            "A unit sitting exactly on a kink (ReLU at 0) can give a rare false alarm.", size="tick")
        self.table = make_table()
        self.summary = paragraph()
        self.again_button = QPushButton("Check again")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.again_button)
        row.addStretch(1)
        row.addWidget(buttons)
        set_font_size([self.again_button, *buttons.buttons()], "tick")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(row)
        self.again_button.clicked.connect(self.start)
        if autostart:
            QTimer.singleShot(0, self, self.start)  # with self as context: skipped if the dialog is gone

    @property
    def running(self) -> bool:
        return self.task.running

    def start(self) -> None:
        """Check the project's gradients in a child process (:mod:`playground.session.jobs`)."""
        self.checks, self.error = None, ""
        self.again_button.setEnabled(False)
        fill_table(self.table, [], [])
        self.summary.setText("Checking … (each probe runs the network twice)")
        self.task.start_on_project(jobs.gradient_check, self.project, self.batch_size)

    def show_checks(self, checks: list[LayerCheck]) -> None:
        """Fill the table and the summary from ``checks``."""
        self.checks = checks
        rows = []
        for check in checks:
            ok = check.passed(self.threshold)
            detail = ", ".join(f"{p}: {num(e, 2)}" for p, e in check.errors.items())
            cells = [text_item(check.layer, detail), text_item(", ".join(check.errors), detail),
                     number_item(check.worst, digits=2, tooltip=detail),
                     text_item("✓ agrees" if ok else "✗ disagrees", detail)]
            for cell in cells:
                colour_cell(cell, PASS_COLOUR if ok else FAIL_COLOUR)
            rows.append(cells)
        fill_table(self.table, ["layer", "parameters", "worst relative error", "result"], rows)
        self.summary.setText(self._summary(checks))

    def done(self, code: int) -> None:
        self.task.shutdown()
        super().done(code)

    def closeEvent(self, event) -> None:
        self.task.shutdown()
        super().closeEvent(event)

    # -- slots ------------------------------------------------------------------------------
    def _on_done(self, checks: list[LayerCheck]) -> None:
        self.again_button.setEnabled(True)
        self.show_checks(checks)

    def _on_failed(self, text: str) -> None:
        self.again_button.setEnabled(True)
        self.error = text
        self.summary.setText(f"The check could not run: {text}")

    def _summary(self, checks: list[LayerCheck]) -> str:
        if not checks:
            return "The network has no parameters, so there is nothing to check."
        failed = [c for c in checks if not c.passed(self.threshold)]
        worst = max(checks, key=lambda c: c.worst if np.isfinite(c.worst) else np.inf)
        if not failed:
            return (f"✓ All {len(checks)} layers agree with finite differences (worst {num(worst.worst, 2)} "
                    f"in {worst.layer}, below {sci(self.threshold)}).")
        names = ", ".join(f"{c.layer} ({num(c.worst, 2)})" for c in failed)
        return (f"✗ {len(failed)} of {len(checks)} layers disagree: {names}. Their backward pass "
                "(or a kink hit by chance) needs a look.")
