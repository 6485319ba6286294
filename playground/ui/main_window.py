"""The main window: the composition root. It creates the models and the views and connects them.

Models (no Qt): the :class:`~playground.model.document.Document` (the open project, with
events) and the :class:`~playground.session.run_state.RunModel` (state, counters, curves
of its run). The :class:`TrainingController` is the only writer of the run and of the
trained results; :class:`~playground.ui.edits.Edits` is the one way the window changes a
setting, the dataset, the frozen layers or a weight (undoable). Every panel, plot,
canvas decoration, banner and the title render from the two models and subscribe to
their events; none keeps a copy. Panels get the models in their constructor and never
reach into each other's widgets.

The title is ``name — Network Playground`` with ``*`` while the undo stack is not clean
(or a run changed the weights since the last save); closing with unsaved changes asks.
The panel layout is remembered in QSettings.
"""

from __future__ import annotations

import time
from pathlib import Path

import shiboken6
from psygnal import SignalInstance
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from playground.model.document import Document
from playground.model.errors import ProjectFileError
from playground.model.fileio import EXTENSION
from playground.model.project import Project
from playground.model.settings import DatasetRef
from playground.session.run_state import RunData, RunModel, run_data_of

from . import export, theme
from .actions import Exporter, install_actions, refresh_icons
from .autosave import Autosaver, ask_to_restore, read_project, snapshot_project, write_project
from .canvas import CanvasView
from .canvas.weight_editor import WeightEditing
from .classroom import ClassroomMode
from .code_export import CodeExports
from .dataset_panel import DatasetPanel, canvas_shapes
from .edits import Edits, lock_widget
from .figures.presentation import PresentationMode
from .first_steps import install_first_steps
from .inspector import InspectorWidget
from .palette import PaletteWidget
from .plots import PlotRefresher
from .plots_panel import PlotsPanel
from .presets_menu import PresetsMenu
from .recent import RecentFiles
from .settings_panel import SettingsPanel
from .status import StatusInfo
from .training_controller import TrainingController
from .training_panel import MessageBanner, TrainingPanel
from .window_exports import SlideExports

APP_TITLE = "Network Playground"
LAYOUT_VERSION = 1
FILE_FILTER = f"Network Playground project (*{EXTENSION})"
CANVAS_INTERVAL_MS = 80  # the unit heatmaps and edge colours follow training at most ~12 times a second
CANVAS_SHARE = 6  # … and at most every 6× what one update costs (the paint that follows costs about as much)
TRAINING_LOCK = "Training is running — the network cannot change now"
STOP_AND_EDIT = "Stop and edit"


def new_project() -> Project:
    """An empty network with an Input and an Output ready, on the circle dataset."""
    project = Project(dataset=DatasetRef(name="circle", options={}))
    project.graph.add_node("input", 0, 0)
    project.graph.add_node("output", 600, 0)
    return project


def dataset_run_data(dataset) -> RunData | None:
    """What the plots draw of a loaded dataset before any run: its points and class names."""
    if dataset is None:
        return None
    return run_data_of(dataset.task, bool(dataset.is_plane), dataset.x, dataset.y,
                       class_names=getattr(dataset, "class_names", None))


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, recovery_dir=None, autosave_ms: int = 60_000):
        super().__init__()
        self.settings = settings if settings is not None else QSettings()
        self.undo_stack = QUndoStack(self)
        self.document = Document(new_project())
        self.run = RunModel()
        self.path: str | None = None
        self._marked = False  # changed by something that is not on the undo stack (locks, kept runs)
        self.recent = RecentFiles(self.settings, self)
        self.edits = Edits(self.document, self.undo_stack, self)
        self.controller = TrainingController(self.document, self.run, self)
        self.canvas = CanvasView(self.document.graph, self.undo_stack)
        self.banner = MessageBanner()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.canvas, 1)
        self.setCentralWidget(central)
        self._make_panels()
        self.exporter = Exporter(self)
        self.slide_exports = SlideExports(self)  # slides, training animation, the point painter
        self.code_exports = CodeExports(self)  # File ▸ Export ▸ PyTorch / NumPy script
        self.weight_editing = WeightEditing(self.canvas, self.document, self.edits, self.run, self)
        self.menu_actions = install_actions(self)
        self.menu_actions.update(self.code_exports.actions)
        self.presets = PresetsMenu(self)  # Teach ▸ Presets and the note on what to watch
        self.classroom = ClassroomMode(self)  # Teach ▸ Classroom lock… / Unlock, and enforcing the locks
        self.presentation = PresentationMode(self)  # F11: full screen, canvas + main plot + loss, demo keys
        self._make_status_bar()
        self.autosaver = Autosaver(self._autosave_snapshot, recovery_dir, autosave_ms, self)
        self.autosaver.failed.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._connect_models()
        install_first_steps(self)  # start page, "What's this?", setting warnings, the loss follows the task
        self.menu_actions["dark_theme"].setChecked(theme.current_theme().is_dark)
        self.resize(1600, 1000)
        self._default_state = self.saveState(LAYOUT_VERSION)
        self.restore_layout()
        self.set_project(self.document.project, None)
        self.autosaver.start()

    @property
    def project(self) -> Project:
        return self.document.project

    @property
    def training(self) -> TrainingPanel:
        return self.training_panel

    # ------------------------------------------------------------------ panels
    def _make_panels(self) -> None:
        doc, run, scene = self.document, self.run, self.canvas.canvas_scene
        self.palette_panel = PaletteWidget()
        self.palette_panel.add_requested.connect(self.canvas.add_layer_at_center)
        self.inspector = InspectorWidget(doc, self.edits, run, scene)
        self.canvas.selection_changed.connect(self.inspector.show_selection)
        self.settings_panel = SettingsPanel(doc, self.edits, scene)
        self.dataset_panel = DatasetPanel(doc, self.edits)
        self.dataset_panel.dataset_loaded.connect(self._on_dataset_loaded)
        self.training_panel = TrainingPanel(doc, run, self.controller, self.edits)
        self.plots = PlotsPanel(run)
        self.refresher = PlotRefresher(run.history, self.plots.plots(), parent=self)
        self.refresher.start()
        self._pending_report = None
        self._canvas_timer = QTimer(self, singleShot=True, interval=CANVAS_INTERVAL_MS)
        self._canvas_timer.timeout.connect(self._show_report_on_canvas)
        for source in (self.canvas, self.inspector, self.dataset_panel, self.edits):
            source.message.connect(self.show_status)
        self.controller.status.connect(self.show_status)
        self.canvas.stop_requested.connect(self.controller.stop)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        area = Qt.DockWidgetArea
        self.docks = {}
        for name, title, widget, where in (
                ("palette", "Layers", self.palette_panel, area.LeftDockWidgetArea),
                ("dataset", "Dataset", self.dataset_panel, area.LeftDockWidgetArea),
                ("training", "Training", self.training_panel, area.RightDockWidgetArea),
                ("inspector", "Inspector", self.inspector, area.RightDockWidgetArea),
                ("settings", "Training settings", self.settings_panel, area.RightDockWidgetArea),
                ("plots", "Plots", self.plots, area.BottomDockWidgetArea)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{name}")
            dock.setWidget(widget)
            self.addDockWidget(where, dock)
            self.docks[name] = dock
        self.tabifyDockWidget(self.docks["inspector"], self.docks["settings"])
        self.docks["inspector"].raise_()
        self.resizeDocks([self.docks["palette"], self.docks["training"]], [240, 370], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["plots"]], [360], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["training"], self.docks["inspector"]], [190, 700], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["palette"], self.docks["dataset"]], [520, 420], Qt.Orientation.Vertical)

    def _make_status_bar(self) -> None:
        self.status_info = StatusInfo(self.run)
        self.status_info.add_to(self.statusBar())

    def _connect_models(self) -> None:
        """Every view that the window itself draws (title, banner, canvas pictures, locks) follows the models."""
        doc, run = self.document, self.run
        self.undo_stack.cleanChanged.connect(self.update_title)
        doc.changed.connect(self._on_document_changed)
        doc.changed.connect(self.autosaver.poke)  # a recovery copy a few seconds after the last edit
        doc.replaced.connect(self._on_replaced)
        doc.results_changed.connect(self._on_results_changed)
        doc.frozen_changed.connect(self.canvas.canvas_scene.set_frozen)  # frozen cards are marked
        run.state_changed.connect(self._on_run_state)
        run.reported.connect(self._on_report)
        run.cleared.connect(self._clear_trained_pictures)
        run.message_changed.connect(self._on_run_message)
        self._on_run_state(run.state)  # the menu's Play, Pause, Step, Stop follow the state from the start

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_error(self, text: str) -> None:
        """A readable message in the banner and the status bar; never a crash."""
        self.banner.show_message(text)
        self.statusBar().showMessage(text, 15000)

    # ------------------------------------------------------------------ document
    def set_project(self, project: Project, path: str | None) -> None:
        """Open ``project``: every view follows the document's ``replaced`` event."""
        self.path = path
        self.undo_stack.clear()
        self._marked = False
        self.document.replace(project)

    def _on_replaced(self, project: Project) -> None:
        self.canvas.set_graph(project.graph)
        self.canvas.canvas_scene.set_frozen(project.settings.hooks.frozen)
        self.canvas.clear_unit_maps()
        self.banner.hide()
        self._on_document_changed()
        self.classroom.apply()
        self.update_title()
        self.teach.project_changed()

    def update_title(self, *_args) -> None:
        name = Path(self.path).name if self.path else (self.project.title or "Untitled")
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(self.modified)

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean() or self._marked or self.document.results_unsaved

    def mark_modified(self) -> None:
        self._marked = True
        self.update_title()

    def forget_changes(self) -> None:
        """Treat the document as saved (scripts and tests that close the window without asking)."""
        self.undo_stack.setClean()
        self._marked = self.document.results_unsaved = False
        self.update_title()

    def maybe_save(self) -> bool:
        """``True`` if it is fine to drop the current document (saved, discarded); ``False`` to cancel."""
        if not self.modified:
            return True
        name = Path(self.path).name if self.path else "this network"
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self, "Unsaved changes", f"Save the changes to {name} before closing it?",
                                      buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        if answer == buttons.Save:
            return self.save()
        return answer == buttons.Discard

    def new_project(self) -> None:
        if self.maybe_save():
            self.autosaver.discard()
            self.set_project(new_project(), None)

    def open_dialog(self) -> None:
        folder = self.settings.value("files/folder", str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(self, "Open project", str(folder), FILE_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> bool:
        """Open ``path``; a bad file shows why in a dialog and the current network stays as it is."""
        if not self.maybe_save():
            return False
        try:
            project = read_project(path)
        except ProjectFileError as exc:
            QMessageBox.warning(self, "Cannot open project", str(exc))
            if not Path(path).exists():
                self.recent.remove(path)
            return False
        self.autosaver.discard()
        self.set_project(project, str(path))
        self.recent.add(path)
        self.settings.setValue("files/folder", str(Path(path).parent))
        self.canvas.zoom_fit()
        self.show_status(f"Opened {Path(path).name}")
        return True

    def save(self) -> bool:
        return self.save_as() if self.path is None else self.save_to(self.path)

    def save_as(self) -> bool:
        folder = self.settings.value("files/folder", str(Path.home()))
        suggested = Path(folder) / ((Path(self.path).stem if self.path else "network") + EXTENSION)
        path, _ = QFileDialog.getSaveFileName(self, "Save project as", str(suggested), FILE_FILTER)
        if not path:
            return False
        if not path.endswith(EXTENSION):
            path += EXTENSION
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        copy = self._snapshot()
        try:
            copy.thumbnail = export.png_bytes(self.canvas.viewport(), scale=0.5)
        except Exception:  # noqa: BLE001 - a missing thumbnail is no reason to fail a save
            copy.thumbnail = None
        try:
            write_project(copy, path)
        except ProjectFileError as exc:
            QMessageBox.warning(self, "Cannot save project", str(exc))
            return False
        self.path = str(path)
        self._marked = self.document.results_unsaved = False
        self.undo_stack.setClean()
        self.autosaver.discard()
        self.recent.add(path)
        self.settings.setValue("files/folder", str(Path(path).parent))
        self.update_title()
        self.show_status(f"Saved {Path(path).name}")
        return True

    def _autosave_snapshot(self):
        if not self.modified:
            return None
        return self._snapshot(), self.path

    def _snapshot(self) -> Project:
        """An independent copy to save: a frozen layer deleted since it was frozen is left out; the kept
        runs (immutable) travel along. During a run it holds the weights and curves of the last pause
        or end, which belong together."""
        copy = snapshot_project(self.project)  # the curves stored with the weights, not the live ones
        copy.drop_stale_references()
        copy.kept_runs = list(self.project.kept_runs)
        return copy

    def offer_recovery(self) -> bool:
        """At start-up: offer to restore the newest recovery copy newer than its file."""
        restored = ask_to_restore(self, self.autosaver.recovery_dir)
        if restored is None:
            return False
        project, original, copy_path = restored
        self.set_project(project, original)
        self.autosaver.adopt(copy_path)
        self.mark_modified()
        return True

    # ------------------------------------------------------------------ models → window
    def _on_document_changed(self) -> None:
        """Any edit: shapes, parameter count, and an error banner that no longer applies goes."""
        self._sync_dataset_shapes()
        self.status_info.show_params(self.project.graph, self.canvas.canvas_scene.infos)
        if self.run.error and not self.run.busy:
            self.run.set_message("")

    def _on_results_changed(self) -> None:
        self.update_title()  # a run stored weights, Reset dropped them (a weight edit is on the undo stack)
        if self.run.busy:
            return
        if self.project.trained:
            self.controller.show_current_weights()  # edited by hand, a finished run: picture them
        else:
            self._clear_trained_pictures()

    def _on_dataset_loaded(self, dataset) -> None:
        self._dataset = dataset
        self._sync_dataset_shapes()
        if not self.run.busy:
            self.run.set_data(dataset_run_data(dataset))
            self.controller.show_current_weights()

    def _sync_dataset_shapes(self) -> None:
        shapes, target = canvas_shapes(getattr(self, "_dataset", None), self.project)
        scene = self.canvas.canvas_scene
        if shapes != scene.input_shapes or target != scene.target_shape:
            scene.set_dataset_shapes(shapes, target)
            self.inspector.refresh_details()
            self.status_info.show_params(self.project.graph, self.canvas.canvas_scene.infos)

    def _on_run_state(self, state: str) -> None:
        if state == "training":
            self.document.results_unsaved = True  # the weights are changing: closing asks
            self.update_title()
        self.update_canvas_lock()
        for name, button in (("play", self.training_panel.play_button), ("pause", self.training_panel.pause_button),
                             ("step", self.training_panel.step_button), ("stop", self.training_panel.stop_button),
                             ("reset_training", self.training_panel.reset_button)):
            self.menu_actions[name].setEnabled(button.isEnabled())

    def update_canvas_lock(self) -> None:
        """One rule: a classroom lock refuses every edit; a running training refuses structural edits
        (cards can still move) and offers to stop; paused or stopped, the network may change."""
        classroom = self.classroom.canvas_reason()
        if classroom:
            self.canvas.set_locked(True, classroom)
        elif self.run.running:
            self.canvas.set_locked(True, TRAINING_LOCK, allow_moves=True, stop_text=STOP_AND_EDIT)
        else:
            self.canvas.set_locked(False)
        reason = classroom or (TRAINING_LOCK if self.run.running else "")
        self.inspector.set_locked(bool(reason), reason)
        lock_widget(self.palette_panel, not classroom, classroom)  # nothing to add while the network is locked

    def _on_run_message(self, text: str, error: bool) -> None:
        if error and text:
            self.show_error(text)
        else:
            self.banner.hide()
            if text:
                self.show_status(text)

    def _clear_trained_pictures(self, *_args) -> None:
        self._pending_report = None  # a picture still waiting for the canvas timer is of weights now gone
        self.canvas.clear_unit_maps()
        self.canvas.clear_weights()

    def _on_report(self, report) -> None:
        """Cheap work only: keep the newest report; the canvas pictures follow at most ~12 times a second."""
        self._pending_report = report
        if not self._canvas_timer.isActive():
            self._canvas_timer.start()

    def _show_report_on_canvas(self) -> None:
        report, self._pending_report = self._pending_report, None
        if report is None or not shiboken6.isValid(self.canvas):
            return
        started = time.perf_counter()
        if report.decision_grid is not None:
            self.canvas.show_unit_maps(report.decision_grid)
        if report.weight_stats:
            self.canvas.show_weights(report)
        # big networks cost more to picture: keep the canvas to a small share of the window's time
        cost_ms = (time.perf_counter() - started) * 1000
        self._canvas_timer.setInterval(max(CANVAS_INTERVAL_MS, round(CANVAS_SHARE * cost_ms)))

    # ------------------------------------------------------------------ look and layout
    def set_theme(self, name: str) -> None:
        theme.apply_theme(name)
        self.settings.setValue("ui/theme", name)
        self.banner.restyle()
        refresh_icons(self)

    def restore_layout(self) -> None:
        geometry, state = self.settings.value("window/geometry"), self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.show()
        self.classroom.apply()  # panels the lecturer hid stay hidden

    def closeEvent(self, event) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self._disconnect_models()
        self.controller.shutdown()
        self.slide_exports.finish_saving()  # an animation being written is completed
        self.dataset_panel.wait_idle(5000)
        self.refresher.stop()
        self.autosaver.stop()
        self.autosaver.discard()
        self.classroom.release()  # panels hidden for a classroom are not remembered as closed
        self.save_layout()
        event.accept()

    def _disconnect_models(self) -> None:
        """The models outlive the widgets that subscribed to them: cut every connection before Qt
        deletes the widgets, so no event reaches a deleted one (a traceback on quit)."""
        for model in (self.document, self.run, self.document.graph):
            for name in dir(type(model)):
                signal = getattr(model, name, None)
                if isinstance(signal, SignalInstance):
                    signal.disconnect()
        self.undo_stack.blockSignals(True)
