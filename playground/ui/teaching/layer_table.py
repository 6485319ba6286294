"""Teach ▸ Layer table: the model summary of the whole network — shapes and parameter counts.

One row per layer in the order data flows: its id, kind, output shape and
parameter count (trainable, and fixed such as batch-norm running averages),
then the totals. A layer with a problem shows it in red. The table follows
every edit, and can be copied as text or saved as CSV or Markdown for a slide
or a report. The numbers come from :func:`playground.session.compile.summarize`,
the same as ``playground info``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.session.compile import summarize

from ..binding import follow
from ..export import write_text_for

HEADER = ("Layer", "Kind", "Output shape", "Trainable", "Fixed")
PROBLEM_COLOUR = "#d62728"


def table_rows(rows: list[dict]) -> list[tuple[str, str, str, str, str]]:
    """The summary rows as the text of each cell."""
    return [(r["id"], r["title"], "×".join(map(str, r["shape"])) if r["shape"] else "?",
             f"{r['trainable']:,}", f"{r['non_trainable']:,}" if r["non_trainable"] else "")
            for r in rows]


def totals_text(rows: list[dict]) -> str:
    trainable = sum(r["trainable"] for r in rows)
    fixed = sum(r["non_trainable"] for r in rows)
    return f"Total: {trainable:,} trainable parameters" + (f", {fixed:,} fixed" if fixed else "")


def as_markdown(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cells) + " |" for cells in table_rows(rows)]
    return "\n".join(lines + ["", totals_text(rows)]) + "\n"


def as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for r in rows:  # plain integers, so a spreadsheet can add them up
        writer.writerow([r["id"], r["title"], "x".join(map(str, r["shape"])) if r["shape"] else "",
                         r["trainable"], r["non_trainable"]])
    return out.getvalue()


class LayerTableView(QWidget):
    """The model summary of ``window``'s project; follows edits through the undo stack."""

    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent)
        self.window_ = window
        self.setWindowTitle("Layer table")
        self.resize(760, 560)
        self.rows: list[dict] = []
        self.table = QTableWidget(0, len(HEADER))
        self.table.setHorizontalHeaderLabels(HEADER)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the kind's name takes the room
        self.totals = QLabel()
        bold = self.totals.font()
        bold.setBold(True)
        self.totals.setFont(bold)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {PROBLEM_COLOUR}")
        buttons = QHBoxLayout()
        for text, slot in (("Copy as text", self.copy), ("Save as CSV…", lambda: self.save(".csv")),
                           ("Save as Markdown…", lambda: self.save(".md"))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        follow(window.document.changed, self.refresh, self)  # any edit, undo or redo, another project
        window.dataset_panel.dataset_loaded.connect(lambda _dataset: self.refresh())  # input shapes
        self.refresh()

    def refresh(self) -> None:
        """Recompute from the project as it is now (cheap: shapes only, no data)."""
        if not self.isVisible() and self.rows:
            return  # catches up when shown again
        w = self.window_
        self.rows = summarize(w.project, getattr(w.dataset_panel, "dataset", None))
        self.table.setRowCount(len(self.rows))
        for i, (row, cells) in enumerate(zip(self.rows, table_rows(self.rows), strict=True)):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row["problems"]:
                    item.setForeground(QColor(PROBLEM_COLOUR))
                    item.setToolTip("\n".join(row["problems"]))
                self.table.setItem(i, j, item)
        self.totals.setText(totals_text(self.rows))
        problems = [f"{r['id']}: {p}" for r in self.rows for p in r["problems"]]
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(as_markdown(self.rows))
        self.window_.show_status("Copied the layer table (Markdown) to the clipboard")

    def save(self, suffix: str, path: str | None = None) -> str | None:
        """Write the table as CSV or Markdown; ``path`` skips the dialog."""
        if path is None:
            kind = "CSV table (*.csv)" if suffix == ".csv" else "Markdown (*.md)"
            stem = Path(self.window_.path).stem if self.window_.path else "network"
            path, _ = QFileDialog.getSaveFileName(self, "Save the layer table", f"{stem}_layers{suffix}", kind)
            if not path:
                return None
            path = path if path.endswith(suffix) else path + suffix
        text = as_csv(self.rows) if suffix == ".csv" else as_markdown(self.rows)
        return write_text_for(self.window_, path, text, f"Saved the layer table to {path}")
