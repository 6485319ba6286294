"""File ▸ Export ▸ Slide…: choose panels, layout, title and caption, see the slide, save it.

The preview and the file are drawn by the same :func:`~.slide.paint_slide` from
the window's models as they are when drawn (:func:`figure_data`), so the slide is
always the current run: a Reset empties its curves, a Play fills them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from playground.session.figure_data import (
    PANEL_TITLES,
    PANELS,
    STYLES,
    FigureData,
    available_panels,
    default_panels,
    default_style,
    from_models,
)

from .slide import LAYOUT_TITLES, LAYOUTS, SlideSpec, render_image, save_slide

PREVIEW_W = 640
MAX_PANELS = 4
# (menu text, suffix, PNG scale, dpi written into the PNG)
OUTPUTS = (("PNG 1920×1080 (1×)", ".png", 1, None), ("PNG 3840×2160 (2×)", ".png", 2, None),
           ("PNG 5760×3240 (3×)", ".png", 3, None), ("PNG for print, 300 dpi (3840×2160)", ".png", 2, 300),
           ("SVG (vector)", ".svg", 1, None), ("PDF (vector)", ".pdf", 1, None))
STYLE_TITLES = {"cards": "Cards (as on the canvas)", "neurons": "Neurons (dense networks)",
                "blocks": "Blocks sized by shape (CNNs)"}


def figure_data(window) -> FigureData:
    """The window's open project and current run, read now."""
    scene = window.canvas.canvas_scene
    return from_models(window.document, window.run, window.path, getattr(scene, "input_shapes", None) or None)


class SlideComposer(QDialog):
    """The slide dialog of main window ``window``."""

    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.window = window
        self.setWindowTitle("Export slide")
        data = figure_data(window)
        have = available_panels(data)
        chosen = default_panels(data)
        self.checks: dict[str, QCheckBox] = {}
        panels = QGroupBox("Panels (1 to 4, in this order)")
        grid = QGridLayout(panels)
        for i, name in enumerate(PANELS):
            box = QCheckBox(PANEL_TITLES[name])
            box.setChecked(name in chosen)
            box.setEnabled(name in have)
            if name not in have:
                box.setToolTip("Nothing to show for this project yet")
            box.toggled.connect(self._on_panels)
            self.checks[name] = box
            grid.addWidget(box, i // 2, i % 2)
        self.layout_box = QComboBox()
        for name in LAYOUTS:
            self.layout_box.addItem(LAYOUT_TITLES[name], name)
        self.style_box = QComboBox()
        for name in STYLES:
            self.style_box.addItem(STYLE_TITLES[name], name)
        self.style_box.setCurrentIndex(STYLES.index(default_style(data)))
        self.theme_box = QComboBox()
        self.theme_box.addItem("Dark on light", "light")
        self.theme_box.addItem("Light on dark", "dark")
        self.title_edit = QLineEdit(data.title)
        self.caption_edit = QLineEdit()
        self.caption_edit.setPlaceholderText("A line under the panels (optional)")
        self.output_box = QComboBox()
        for text, *_rest in OUTPUTS:
            self.output_box.addItem(text)
        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Caption", self.caption_edit)
        form.addRow("Layout", self.layout_box)
        form.addRow("Network drawn as", self.style_box)
        form.addRow("Colours", self.theme_box)
        form.addRow("Format", self.output_box)
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_W, PREVIEW_W * 9 // 16)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        left = QVBoxLayout()
        left.addWidget(panels)
        left.addLayout(form)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.preview)
        right.addWidget(self.note)
        right.addStretch(1)
        row = QHBoxLayout()
        row.addLayout(left)
        row.addLayout(right)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(buttons)
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.update_preview)
        for signal in (self.layout_box.currentIndexChanged, self.style_box.currentIndexChanged,
                       self.theme_box.currentIndexChanged, self.title_edit.textChanged,
                       self.caption_edit.textChanged):
            signal.connect(lambda *_: self._timer.start())
        window.run.reported.connect(self._on_run_changed)  # the preview follows the run
        window.run.cleared.connect(self._on_run_changed)
        self.finished.connect(self._disconnect)
        self.saved_path: str | None = None
        self.update_preview()

    def _disconnect(self, *_args) -> None:
        for signal in (self.window.run.reported, self.window.run.cleared):
            try:
                signal.disconnect(self._on_run_changed)
            except (TypeError, ValueError, RuntimeError):
                pass

    def _on_run_changed(self, *_args) -> None:
        if not self._timer.isActive():
            self._timer.start(400)

    def _on_panels(self, _on: bool) -> None:
        ticked = [n for n in PANELS if self.checks[n].isChecked()]
        for name, box in self.checks.items():  # at most four
            if not box.isChecked():
                box.setEnabled(len(ticked) < MAX_PANELS and name in available_panels(figure_data(self.window)))
        self._timer.start()

    def spec(self) -> SlideSpec:
        panels = [n for n in PANELS if self.checks[n].isChecked()] or ["network"]
        return SlideSpec(panels=panels[:MAX_PANELS], layout=self.layout_box.currentData(),
                         title=self.title_edit.text().strip(), caption=self.caption_edit.text().strip(),
                         style=self.style_box.currentData(), theme=self.theme_box.currentData())

    def update_preview(self) -> None:
        image = render_image(figure_data(self.window), self.spec())
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        state = self.window.run.state_text()
        self.note.setText(f"Drawn from the current run ({state.lower()}). Labels are at least 18 pt on a "
                          "13.333 × 7.5 in slide.")

    def output(self) -> tuple[str, int, float | None]:
        _text, suffix, scale, dpi = OUTPUTS[self.output_box.currentIndex()]
        return suffix, scale, dpi

    def save(self) -> str | None:
        suffix, scale, dpi = self.output()
        kinds = {".png": (("PNG image (*.png)", ".png"),), ".svg": (("SVG drawing (*.svg)", ".svg"),),
                 ".pdf": (("PDF document (*.pdf)", ".pdf"),)}[suffix]
        path = self.window.exporter.ask_path("Slide", suffix, scale if suffix == ".png" else None, kinds=kinds)
        if path is None:
            return None
        path = self.write(path, scale, dpi)
        if path is not None:
            self.accept()
        return path

    def write(self, path: str, scale: int = 1, dpi: float | None = None) -> str | None:
        try:
            save_slide(figure_data(self.window), self.spec(), path, scale=scale, dpi=dpi)
        except (OSError, RuntimeError, ValueError) as exc:
            self.window.show_error(f"Could not export the slide: {exc}")
            return None
        self.saved_path = path
        self.window.show_status(f"Exported the slide to {path}")
        return path
