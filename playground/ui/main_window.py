"""The main window: the canvas in the middle, dockable panels around it, menus, status bar.

One document at a time: a :class:`~playground.model.project.Project`, the file
it came from and one ``QUndoStack`` for every edit (graph, settings, dataset).
The title is ``name — Network Playground`` with ``*`` while the stack is not
clean; closing with unsaved changes asks. The panel layout is remembered in
QSettings. Panels talk to each other only through this window.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from playground.model.errors import ProjectFileError
from playground.model.fileio import EXTENSION
from playground.model.project import Project
from playground.model.settings import DatasetRef
from playground.session.history import MetricHistory

from . import export, theme
from .actions import Exporter, install_actions, refresh_icons
from .autosave import Autosaver, ask_to_restore, read_project, snapshot_project, write_project
from .canvas import CanvasView
from .canvas.weight_editor import WeightEditing
from .classroom import ClassroomMode
from .dataset_panel import DatasetPanel, canvas_shapes
from .inspector import InspectorWidget
from .palette import PaletteWidget
from .code_export import CodeExports
from .plots import PlotRefresher
from .plots_panel import PlotsPanel
from .presets_menu import PresetsMenu
from .recent import RecentFiles
from .settings_panel import SettingsPanel
from .status import StatusInfo
from .training_panel import LOCK_REASON, MessageBanner, TrainingPanel
from .window_exports import SlideExports

APP_TITLE = "Network Playground"
LAYOUT_VERSION = 1
FILE_FILTER = f"Network Playground project (*{EXTENSION})"
CANVAS_INTERVAL_MS = 80  # the unit heatmaps and edge colours follow training at most ~12 times a second
CANVAS_SHARE = 6  # … and at most every 6× what one update costs (the paint that follows costs about as much)
STALE_SIGNALS = ("node_added", "node_removed", "param_changed", "edge_added", "edge_removed")


def initial_weights_key(project: Project) -> str:
    """What a project's initial weights depend on — the layers and their wiring (not where they
    sit on the canvas), the seed and the data — as text to compare."""
    graph = project.graph.to_dict()
    nodes = [{k: v for k, v in node.items() if k not in ("x", "y")} for node in graph["nodes"]]
    dataset = project.dataset.to_dict() if project.dataset is not None else None
    return json.dumps([nodes, graph["edges"], project.settings.seed, dataset], sort_keys=True, default=str)


def training_snapshot(project: Project) -> Project:
    """The copy Play compiles; a frozen layer deleted since it was frozen is left out of it (the
    live project keeps the id, so undoing the delete brings the layer back frozen)."""
    copy = snapshot_project(project)
    copy.drop_stale_references()
    return copy


def new_project() -> Project:
    """An empty network with an Input and an Output ready, on the circle dataset."""
    project = Project(dataset=DatasetRef(name="circle", options={}))
    project.graph.add_node("input", 0, 0)
    project.graph.add_node("output", 600, 0)
    return project


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, recovery_dir=None, autosave_ms: int = 60_000):
        super().__init__()
        self.settings = settings if settings is not None else QSettings()
        self.undo_stack = QUndoStack(self)
        self.project: Project = new_project()
        self.path: str | None = None
        self.recent = RecentFiles(self.settings, self)
        self.canvas = CanvasView(self.project.graph, self.undo_stack)
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
        self.weight_editing = WeightEditing(self.canvas, lambda: self.project, self.training, self)
        self.menu_actions = install_actions(self)
        self.menu_actions.update(self.code_exports.actions)
        self.presets = PresetsMenu(self)  # Teach ▸ Presets and the note on what to watch
        self.classroom = ClassroomMode(self)  # Teach ▸ Classroom lock… / Unlock, and enforcing the locks
        self._make_status_bar()
        self.autosaver = Autosaver(self._autosave_snapshot, recovery_dir, autosave_ms, self)
        self.autosaver.failed.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.undo_stack.cleanChanged.connect(self.update_title)
        self.undo_stack.indexChanged.connect(lambda _index: self.training.refresh_lr())
        self.undo_stack.indexChanged.connect(lambda _index: self._forget_stale_initial_weights())
        self.undo_stack.indexChanged.connect(lambda _index: self._show_frozen())
        self.menu_actions["dark_theme"].setChecked(theme.current_theme().is_dark)
        self.resize(1600, 1000)
        self._default_state = self.saveState(LAYOUT_VERSION)
        self.restore_layout()
        self.set_project(self.project, None)
        self.autosaver.start()

    # ------------------------------------------------------------------ panels
    def _make_panels(self) -> None:
        self.palette_panel = PaletteWidget()
        self.palette_panel.add_requested.connect(self.canvas.add_layer_at_center)
        self.inspector = InspectorWidget(set_param=self.canvas.canvas_scene.set_param)
        self.inspector.info_for = lambda node_id: self.canvas.canvas_scene.infos.get(node_id)
        self.canvas.selection_changed.connect(self.inspector.show_selection)
        self.inspector.bind_settings(lambda: self.project, self.undo_stack, lambda: self.training.busy)
        self.settings_panel = SettingsPanel(self.undo_stack)
        self.settings_panel.set_param = self.canvas.canvas_scene.set_param
        self.dataset_panel = DatasetPanel(self.undo_stack)
        self.dataset_panel.dataset_loaded.connect(self._on_dataset_loaded)
        self.training = TrainingPanel()
        self.training.snapshot = training_snapshot
        self.training.commit_lr = lambda lr: self.settings_panel.commit("optimizer.lr", lr)
        self.plots = PlotsPanel()
        self.refresher = PlotRefresher(self.training.controller.history, self.plots.plots(), parent=self)
        self.refresher.start()
        self._pending_report = None
        self._canvas_timer = QTimer(self, singleShot=True, interval=CANVAS_INTERVAL_MS)
        self._canvas_timer.timeout.connect(self._show_report_on_canvas)
        for source in (self.canvas, self.inspector, self.settings_panel, self.dataset_panel):
            source.message.connect(self.show_status)
        self.training.status.connect(self.show_status)
        self.training.error.connect(self.show_error)
        self.training.busy_changed.connect(self._on_busy)
        self.training.state_changed.connect(self._on_training_state)
        self.training.run_started.connect(self._on_run_started)
        self.training.run_finished.connect(self._on_run_finished)
        self.training.report.connect(self._on_report)
        self.training.results_cleared.connect(self._on_results_cleared)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        area = Qt.DockWidgetArea
        self.docks = {}
        for name, title, widget, where in (
                ("palette", "Layers", self.palette_panel, area.LeftDockWidgetArea),
                ("dataset", "Dataset", self.dataset_panel, area.LeftDockWidgetArea),
                ("training", "Training", self.training, area.RightDockWidgetArea),
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
        self.status_info = StatusInfo(self.training)
        self.status_info.add_to(self.statusBar())

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_error(self, text: str) -> None:
        """A readable message in the banner and the status bar; never a crash."""
        self.banner.show_message(text)
        self.statusBar().showMessage(text, 15000)

    # ------------------------------------------------------------------ document
    def set_project(self, project: Project, path: str | None) -> None:
        self.training.forget_run()
        if getattr(self, "_graph", None) is not None:
            self._graph.changed.disconnect(self._on_graph_changed)
            for name in STALE_SIGNALS:
                getattr(self._graph, name).disconnect(self._clear_trained_pictures)
        self.project, self.path, self._graph = project, path, project.graph
        self._initial_weights_key = initial_weights_key(project)
        for name in STALE_SIGNALS:  # a changed network makes the unit maps and edge colours stale
            getattr(project.graph, name).connect(self._clear_trained_pictures)
        self.undo_stack.clear()
        self.canvas.set_graph(project.graph)
        self.inspector.set_graph(project.graph)
        self._show_frozen()
        project.graph.changed.connect(self._on_graph_changed)
        self.settings_panel.set_project(project)
        self.dataset_panel.set_project(project)
        self.training.set_project(project)
        self.canvas.clear_unit_maps()
        self.refresher.set_history(MetricHistory.from_dict(project.history) if project.history
                                   else self.training.controller.history)
        self.banner.hide()
        self._on_graph_changed()
        self.classroom.apply()
        self.update_title()
        self.teach.project_changed()

    def update_title(self) -> None:
        name = Path(self.path).name if self.path else (self.project.title or "Untitled")
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(not self.undo_stack.isClean())

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_modified(self) -> None:
        self.undo_stack.resetClean()

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
        self.project.drop_stale_references()
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
        """An independent copy to save; the kept runs (immutable) travel along."""
        copy = snapshot_project(self.project)
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

    # ------------------------------------------------------------------ model and data follow-up
    def _on_graph_changed(self) -> None:
        self._forget_stale_initial_weights()
        self._sync_dataset_shapes()
        self.status_info.show_params(self.project.graph, self.canvas.canvas_scene.infos)

    def _show_frozen(self) -> None:
        """Frozen layers (transfer learning) marked on their cards; the inspector's box follows."""
        self.canvas.canvas_scene.set_frozen(self.project.settings.hooks.frozen)
        self.inspector.refresh_frozen()

    def _on_dataset_loaded(self, dataset) -> None:
        ref = self.project.dataset.to_dict() if self.project.dataset is not None else None
        if ref != getattr(self, "_dataset_ref", None) and not self.training.busy:
            self._clear_trained_pictures()  # other data: the unit maps no longer show it
        self._dataset, self._dataset_ref = dataset, ref
        self._sync_dataset_shapes()
        task = getattr(dataset, "task", None)
        images = dataset is not None and dataset.x.ndim == 4
        self.plots.show_for(task, bool(dataset is not None and dataset.is_plane), images)
        if dataset is not None and dataset.is_plane and not self.training.busy:
            self.plots.boundary.set_points(dataset.x[:, :2], dataset.y)

    def _sync_dataset_shapes(self) -> None:
        shapes, target = canvas_shapes(getattr(self, "_dataset", None), self.project)
        scene = self.canvas.canvas_scene
        if shapes != scene.input_shapes or target != scene.target_shape:
            scene.set_dataset_shapes(shapes, target)
            self.inspector.refresh_details()
            self.status_info.show_params(self.project.graph, self.canvas.canvas_scene.infos)

    # ------------------------------------------------------------------ training
    def _on_busy(self, busy: bool) -> None:
        reason = LOCK_REASON if busy else self.classroom.canvas_reason()  # a classroom lock outlives training
        self.canvas.set_locked(bool(reason), reason)
        self.inspector.set_locked(bool(reason), reason)

    def _on_training_state(self, state: str) -> None:
        self.status_info.show_state(state)
        if state == "idle":  # reset: the trained pictures on the canvas go too
            self._clear_trained_pictures()
        t = self.training
        for name, button in (("play", t.play_button), ("pause", t.pause_button), ("step", t.step_button),
                             ("stop", t.stop_button), ("reset_training", t.reset_button)):
            self.menu_actions[name].setEnabled(button.isEnabled())

    def _clear_trained_pictures(self, *_args) -> None:
        self.canvas.clear_unit_maps()
        self.canvas.clear_weights()

    def _on_run_started(self, run) -> None:
        self.banner.hide()
        self.refresher.set_history(self.training.controller.history)
        self.status_info.show_backend(run.backend)
        data = run.data
        if data.grid_extent is not None:
            self.plots.boundary.set_points(data.x_train[:, :2], data.y_train, data.x_val[:, :2], data.y_val)
        names = list(getattr(run.dataset, "class_names", ()) or ())
        for plot in (self.plots.boundary, self.plots.confusion, self.plots.latent):
            setter = getattr(plot, "set_class_names", None)
            if setter is not None and names:
                setter(names)

    def _on_report(self, report) -> None:
        """Cheap work only: keep the newest report; the canvas pictures follow at most ~12 times a second."""
        self._pending_report = report
        if not self._canvas_timer.isActive():
            self._canvas_timer.start()

    def _show_report_on_canvas(self) -> None:
        report, self._pending_report = self._pending_report, None
        if report is None or self.training.state == "idle":  # nothing new, or reset meanwhile
            return
        started = time.perf_counter()
        if report.decision_grid is not None:
            self.canvas.show_unit_maps(report.decision_grid)
        if report.weight_stats:
            self.canvas.show_weights(report)
        # big networks cost more to picture: keep the canvas to a small share of the window's time
        cost_ms = (time.perf_counter() - started) * 1000
        self._canvas_timer.setInterval(max(CANVAS_INTERVAL_MS, round(CANVAS_SHARE * cost_ms)))

    def _on_results_cleared(self) -> None:
        self.refresher.set_history(self.training.controller.history)
        if self.project.trained or self.project.history:
            self.project.clear_results()
            self.mark_modified()

    def _on_run_finished(self, run) -> None:
        from playground.session.compile import store_results

        store_results(self.project, run, self.training.controller.history.to_dict())
        self._initial_weights_key = initial_weights_key(run.project)
        self._forget_stale_initial_weights()  # edited while it trained
        self.mark_modified()

    def _forget_stale_initial_weights(self) -> None:
        """The stored initial weights (where the last run started, for its replay) belong to one
        network, seed and dataset; after a change the next Play must start from the new ones."""
        if self.project.initial_weights is None or self.training.busy:
            return
        if initial_weights_key(self.project) != getattr(self, "_initial_weights_key", None):
            self.project.initial_weights = None

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
        self.training.shutdown()
        self.slide_exports.finish_saving()  # an animation being written is completed
        self.dataset_panel.wait_idle(5000)
        self.refresher.stop()
        self.autosaver.stop()
        self.autosaver.discard()
        self.classroom.release()  # panels hidden for a classroom are not remembered as closed
        self.save_layout()
        event.accept()
