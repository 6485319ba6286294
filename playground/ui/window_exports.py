"""Two finished pieces hooked into the main window: the point painter and slide exports.

:class:`PaintedData` shows a :class:`~playground.ui.point_painter.PointPainter`
in the dataset panel while the dataset is "Painted points". Every edit (after a
short pause, so one drag is one undo step) stores ``("painted", painter.options())``
through the panel's own undoable path; opening a project or undoing fills the
painter again from the project.

:class:`SlideExports` adds to File ▸ Export "Slide…", the slide composer
(:mod:`playground.ui.figures.composer`: panels drawn for the page from the
document and the current run, PNG 1×/2×/3×, SVG, PDF), and "Save training animation…": a
:class:`~playground.ui.slides.FrameRecorder` on the plots area made when a run
starts, a frame when the epoch has moved on (at most every ``FRAME_GAP_S``, so
tiny data training hundreds of epochs a second does not stall the window), and
the last state when the run ends, written as an animated GIF (or PNG) on a worker thread.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMenu

from . import slides
from .point_painter import NAME as PAINTED
from .point_painter import PointPainter

PRINT_SCALE, PRINT_DPI = 2, 300  # 3840 × 2160 pixels marked 300 dpi (12.8 in wide)
FRAME_GAP_S = 0.25  # the animation's frames are at least this far apart in wall time


class PaintedData:
    """The point painter inside the dataset panel, shown only for the "painted" dataset."""

    def __init__(self, panel, delay_ms: int = 250):
        self.panel = panel
        self.painter = PointPainter()
        self.painter.setMinimumHeight(260)
        self.painter.hide()
        panel.add_editor(self.painter)
        self._debounce = QTimer(panel, singleShot=True, interval=delay_ms)
        self._debounce.timeout.connect(self._store)
        self.painter.changed.connect(lambda _n: self._debounce.start())
        panel.form_built.connect(self._show_options)

    def _show_options(self, name, options: dict) -> None:
        """The form was rebuilt (a choice, undo, an opened file): show or hide the painter to match."""
        self.painter.setVisible(name == PAINTED)
        if name != PAINTED:
            return
        self._debounce.stop()
        self.painter.blockSignals(True)  # filling from the project is no edit
        try:
            self.painter.set_options(**{k: options[k] for k in ("points", "classes") if k in options})
        except Exception as exc:  # noqa: BLE001 - a bad stored text shows as a message, not a crash
            self.panel.message.emit(f"Could not show the painted points: {exc}")
        finally:
            self.painter.blockSignals(False)

    def _store(self) -> None:
        if self.panel.combo.currentData() == PAINTED:
            self.panel.set_options(self.painter.options())


class SlideExports:
    """File ▸ Export ▸ slides and the training animation of main window ``window``."""

    def __init__(self, window):
        self.window = window
        self.recorder: slides.FrameRecorder | None = None
        self._recorded_epoch, self._recorded_at = None, 0.0
        self.painted = PaintedData(window.dataset_panel)
        window.run.state_changed.connect(self._on_run_state)
        window.run.cleared.connect(self._forget_frames)
        window.run.reported.connect(self._on_report)

    # --- menu ---------------------------------------------------------------------
    def fill_menu(self, menu: QMenu) -> None:
        menu.addAction("Slide…", self.compose_slide)
        menu.addAction("Save training animation…", self.save_animation).setEnabled(self.frame_count() > 0)

    # --- slide --------------------------------------------------------------------
    def compose_slide(self):
        """The slide composer (panels, layout, title, caption, preview); returns the dialog, shown."""
        from .figures.composer import SlideComposer

        dialog = SlideComposer(self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def make_slide(self, print_size: bool = False, spec=None):
        """The slide of the current run with the panels that suit the project, as a ``QImage``."""
        from .figures.composer import figure_data
        from .figures.slide import render_image, spec_for

        data = figure_data(self.window)
        spec = spec or spec_for(data)
        return render_image(data, spec, PRINT_SCALE if print_size else 1, PRINT_DPI if print_size else None)

    def save_slide(self, print_size: bool = False) -> str | None:
        """Ask where, then write the default slide (PNG; 300 dpi for print)."""
        from .figures.composer import figure_data
        from .figures.slide import save_slide, spec_for

        path = self.window.exporter.ask_path("Slide for print" if print_size else "Slide", ".png")
        if path is None:
            return None
        try:
            data = figure_data(self.window)
            save_slide(data, spec_for(data), path, PRINT_SCALE if print_size else 1, PRINT_DPI if print_size else None)
        except (OSError, RuntimeError, ValueError) as exc:
            self.window.show_error(f"Could not export the slide: {exc}")
            return None
        self.window.show_status(f"Exported the slide to {path}")
        return path

    # --- animation ----------------------------------------------------------------
    def _on_run_state(self, state: str) -> None:
        """A run starts: record its frames (a run that goes on adds to the frames it has)."""
        if state == "training" and self.recorder is None:
            self.recorder = slides.FrameRecorder(self.window.plots)
            self._recorded_epoch, self._recorded_at = None, 0.0

    def _forget_frames(self) -> None:
        self.recorder = None  # Reset or another project: the frames were of another run

    def _on_report(self, report) -> None:
        if self.recorder is None or report.epoch == self._recorded_epoch:
            return
        now = time.perf_counter()
        if not report.done and (not report.epoch_end or now - self._recorded_at < FRAME_GAP_S):
            return
        if report.done:
            self.window.refresher.refresh_now()  # the last frame shows the end, not the last timer tick
        self.recorder.capture()
        self._recorded_epoch, self._recorded_at = report.epoch, now

    def frame_count(self) -> int:
        return len(self.recorder.frames) if self.recorder is not None else 0

    ANIMATION_KINDS = (("GIF animation (*.gif)", ".gif"), ("Animated PNG (*.png)", ".png"))

    def save_animation(self) -> str | None:
        """Ask where, then write the frames as GIF (default) or animated PNG on a worker thread.

        Returns the path at once; the status bar says when the file is written
        (:meth:`saver`'s ``done``), or the banner why it could not be.
        """
        if not self.frame_count():
            self.window.show_status("Train first: the animation records one frame per epoch.")
            return None
        if self.saver().running:
            self.window.show_status("Still writing the last animation; try again in a moment.")
            return None
        path = self.window.exporter.ask_path("Training animation", ".gif", kinds=self.ANIMATION_KINDS)
        if path is None:
            return None
        frames = list(self.recorder.frames)  # a new run may start recording while these are written

        def write(_handle) -> str:
            try:
                slides.save_animation(frames, path)
            except OSError as exc:
                raise RuntimeError(f"cannot write {path}: {exc.strerror or exc}") from None
            return path

        self.saver().start(write)
        self.window.show_status(f"Saving the training animation ({len(frames)} frames) to {path}…")
        return path

    def saver(self):
        """The worker thread that encodes animations (a few seconds for 120 frames); made on first use."""
        if getattr(self, "_saver", None) is None:
            # imported here, not at the top: the teaching package loads all its views
            from .teaching.common import BackgroundTask

            self._saver = BackgroundTask(self.window)
            saved, failed = "Saved the training animation to {}", "Could not save the animation: {}"
            self._saver.done.connect(lambda path: self.window.show_status(saved.format(path)))
            self._saver.failed.connect(lambda text: self.window.show_error(failed.format(text)))
        return self._saver

    def finish_saving(self) -> None:
        """Let an animation being written finish (the window is closing)."""
        if getattr(self, "_saver", None) is not None:
            self._saver.shutdown()
