"""The *Teach* menu: opens the teaching tools and the template gallery from the main window.

Every tool is a non-modal window parented to the main window, one instance
each: asking again raises the open one (pointed at the current project). The
tools themselves live in :mod:`playground.ui.teaching`; this module only wires
them to the window's project and training history:

* *Compare runs…* shows runs kept with *Keep this run*, which copies the training
  controller's current :class:`MetricHistory` under a label such as
  ``"run 3: adam lr 0.01"``. Kept runs live in the project (``Project.kept_runs``, saved
  in the file), so reopening a project shows the same comparison.
* *Replay training…* trains the recorded run again from its stored initial weights and
  says whether every recorded number came out the same (:mod:`.teaching.replay`).
* *Diagnostics* is fed by the window's plot refresher, so it follows the history
  the plots show.
* *New from template…* lists :func:`~playground.model.templates.gallery` with each
  template's paragraph; *Open as new project* replaces the document (after the
  usual unsaved-changes question), *Insert into network* adds the body to the
  current graph as one undoable edit.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.model.graph import Graph
from playground.model.project import KeptRun
from playground.model.templates import gallery, get_template, template_project
from playground.session.history import MetricHistory
from .binding import follow

KEY_ROLE = Qt.ItemDataRole.UserRole


def _alive(widget) -> bool:
    return widget is not None and shiboken6.isValid(widget)


def open_template(window, key: str) -> bool:
    """Open template ``key`` as the window's new project (after asking about unsaved changes)."""
    if not window.maybe_save():
        return False
    window.autosaver.discard()
    window.set_project(template_project(key), None)
    window.canvas.zoom_fit()
    window.show_status(f"New project from the template “{get_template(key).title}” — press Play (F5) to train it")
    return True


class TemplateDialog(QDialog):
    """The gallery: groups and templates on the left, the chosen one's paragraph on the right."""

    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent)
        self.window_ = window
        self.setWindowTitle("New from template")
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        for group, templates in gallery():
            top = QTreeWidgetItem([group])
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for t in templates:
                child = QTreeWidgetItem([t.title])
                child.setData(0, KEY_ROLE, t.key)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.paragraph = QLabel("Choose a template to read what it is and what to watch for.")
        self.paragraph.setWordWrap(True)
        self.paragraph.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details = QLabel()
        self.details.setWordWrap(True)
        right = QVBoxLayout()
        for label in (self.title, self.paragraph, self.details):
            right.addWidget(label)
        right.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.tree, 2)
        row.addLayout(right, 3)
        self.open_button = QPushButton("Open as new project")
        self.insert_button = QPushButton("Insert into network")
        self.insert_button.setToolTip("Add the template's layers to the current canvas (one undo step)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.insert_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        self.open_button.clicked.connect(lambda: self.open_template(self.key()))
        self.insert_button.clicked.connect(lambda: self.insert_template(self.key()))
        self.tree.currentItemChanged.connect(lambda *_: self._show(self.key()))
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_template(self.key()))
        self._show(None)
        self.resize(900, 520)

    def key(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, KEY_ROLE) if item is not None else None

    def select(self, key: str) -> None:
        """Make template ``key`` the current item (for tests and keyboard users)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, KEY_ROLE) == key:
                    self.tree.setCurrentItem(top.child(j))
                    return
        raise KeyError(key)

    def _show(self, key: str | None) -> None:
        for button in (self.open_button, self.insert_button):
            button.setEnabled(key is not None)
        if key is None:
            return
        t = get_template(key)
        self.title.setText(t.title)
        self.paragraph.setText(t.paragraph)
        s = dict(t.settings)
        self.details.setText(f"Trains on: {t.dataset.name} · input {tuple(t.input_shape)} · loss {t.loss}"
                             f" · {s.get('optimizer', '')} lr {s.get('lr', '')}, {s.get('epochs', '')} epochs")

    def open_template(self, key: str | None) -> bool:
        """Replace the window's project by the template's whole project (asks about unsaved changes);
        the dialog closes once the template is open."""
        if key is None or not open_template(self.window_, key):
            return False
        self.close()
        return True

    def insert_template(self, key: str | None) -> list[str]:
        """Add the template's body (plus any missing Input/Output) to the current graph as one undo step."""
        from .canvas import commands

        if key is None:
            return []
        w, template = self.window_, get_template(key)
        graph = w.project.graph
        scratch = Graph()
        ids = template.build(scratch, ends=not len(graph))  # ends only on an empty canvas
        bottom = max((n.y for n in graph), default=-200.0) + 200.0
        command = commands.Paste(graph, scratch.extract(ids), 0.0, bottom)
        command.setText(f"Insert template {template.title}")
        if not w.canvas.canvas_scene.push(command):
            return []
        w.canvas.canvas_scene.select_nodes(command.node_ids)
        w.show_status(f"Inserted “{template.title}”: connect it to your layers")
        self.close()  # done: the inserted layers are selected on the canvas
        return list(command.node_ids)


class TeachTools:
    """Owns the teaching windows of one main window (one of each) and the kept runs."""

    def __init__(self, window):
        self.window = window
        self.windows: dict[str, QWidget] = {}

    # -- one instance each ---------------------------------------------------------------------
    def _show(self, name: str, make, refresh=None) -> QWidget:
        widget = self.windows.get(name)
        if not _alive(widget):
            widget = make()
            if not isinstance(widget, QDialog):  # plain widgets become tool windows of the main window
                widget.setParent(self.window, Qt.WindowType.Window)
            widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
            self.windows[name] = widget
            if widget.width() < 500:
                widget.resize(900, 620)
        elif refresh is not None:
            refresh(widget)
        widget.show()
        widget.raise_()
        widget.activateWindow()
        return widget

    def _show_for_project(self, name: str, make) -> QWidget:
        """Tools built for one project: a stale one (another project) is closed and made again."""
        widget = self.windows.get(name)
        if _alive(widget) and widget.project is not self.window.project:
            widget.close()
            widget.deleteLater()
            self.windows.pop(name)
        return self._show(name, make)

    # -- the tools ---------------------------------------------------------------------------
    def activation_gallery(self):
        from .teaching import ActivationGallery
        return self._show("activations", ActivationGallery)

    def step_through(self):
        from .teaching import StepThroughView
        w = self.window

        def make():
            view = StepThroughView(w.project)

            def on_canvas(values):  # the numbers on the cards and edges, for the project on the canvas
                if view.project is w.project:
                    w.canvas.show_step_values(values)

            view.canvas_values.connect(on_canvas)
            view.canvas_cleared.connect(w.canvas.clear_step_values)  # closed (or out of date): they go
            for changed in (w.document.changed, w.document.results_changed):
                follow(changed, view.check_stale, view)  # an edit, new weights: offer to recompute
            return view

        return self._show("step_through", make,
                          lambda v: v.project is not w.project and v.set_project(w.project))

    def loss_landscape(self):
        from .teaching import LossLandscapeView
        w = self.window
        return self._show("landscape", lambda: LossLandscapeView(w.project),
                          lambda v: v.project is not w.project and v.set_project(w.project))

    def optimizer_race(self):
        from .teaching import OptimizerRaceView
        return self._show("race", OptimizerRaceView)

    def compare_runs(self):
        from .teaching import CompareRunsView

        def make():
            view = CompareRunsView()
            view.run_removed.connect(self.forget_run)
            view.project = self.window.project
            view.set_kept_runs(self.window.project.kept_runs)
            return view

        return self._show("compare", make, self._follow_project)

    def _follow_project(self, view) -> None:
        if view.project is not self.window.project:
            view.project = self.window.project
            view.set_kept_runs(self.window.project.kept_runs)

    def project_changed(self) -> None:
        """The window has another project: an open comparison shows that project's kept runs."""
        view = self.windows.get("compare")
        if _alive(view):
            self._follow_project(view)

    def replay(self):
        from .teaching.replay import ReplayView
        view = self._show_for_project("replay", lambda: ReplayView(self.window.project))
        if not view.running:
            view.start()
        return view

    def sweep(self):
        from .teaching import SweepDialog
        return self._show_for_project("sweep", lambda: SweepDialog(self.window.project, self.window))

    def layer_table(self):
        from .teaching.layer_table import LayerTableView
        return self._show("layer_table", lambda: LayerTableView(self.window))

    def gradient_check(self):
        from .teaching import GradientCheckDialog
        return self._show_for_project("gradcheck", lambda: GradientCheckDialog(self.window.project,
                                                                                 self.window))

    def generative_views(self):
        from .teaching.generative_view import GenerativeView
        return self._show_for_project("generative", lambda: GenerativeView(self.window.project, self.window))

    def diagnostics(self):
        from .teaching import DiagnosticsPanel
        refresher = self.window.refresher

        def make():
            panel = DiagnosticsPanel()
            refresher.add(panel)  # fed by the same history and timer as the plots
            return panel

        panel = self._show("diagnostics", make)
        panel.refresh(refresher.history)
        return panel

    def templates(self):
        return self._show("templates", lambda: TemplateDialog(self.window, self.window))

    # -- compare runs ------------------------------------------------------------------------
    def run_label(self) -> str:
        """``"run 3: adam lr 0.01"``: the run's number, optimizer and learning rate (a free number)."""
        project = self.window.project
        opt, taken = project.settings.optimizer, {run.label for run in project.kept_runs}
        number = len(project.kept_runs) + 1
        while f"run {number}: {opt.name} lr {opt.lr:g}" in taken:
            number += 1
        return f"run {number}: {opt.name} lr {opt.lr:g}"

    def keep_run(self) -> str | None:
        """Keep the current run (the live history, else the project's recorded one) in the project
        and show it in *Compare runs*."""
        from .teaching.compare_runs import settings_summary

        w = self.window
        history = w.run.history
        points = history.to_dict()
        if not points:
            w.show_status("Nothing to keep yet: train the network first (F5), then keep the run.")
            return None
        kept = KeptRun(self.run_label(), settings_summary(w.project), points)
        w.project.kept_runs = [*w.project.kept_runs, kept]
        w.mark_modified()
        copy = MetricHistory.from_dict(points)
        copy.version = history.version
        self.compare_runs().add_run(kept.label, copy, kept.summary)
        w.show_status(f"Kept {kept.label} in Compare runs")
        return kept.label

    def forget_run(self, label: str) -> None:
        """A run removed in *Compare runs* leaves the project too."""
        project = self.window.project
        remaining = [run for run in project.kept_runs if run.label != label]
        if len(remaining) != len(project.kept_runs):
            project.kept_runs = remaining
            self.window.mark_modified()


MENU = (("activation_gallery", "&Activation gallery…", "activation_gallery"),
        ("step_through", "&Step through one training step…", "step_through"),
        ("loss_landscape", "&Loss landscape…", "loss_landscape"),
        ("optimizer_race", "&Optimizer race…", "optimizer_race"),
        None,
        ("compare_runs", "&Compare runs…", "compare_runs"),
        ("keep_run", "&Keep this run", "keep_run"),
        ("replay", "&Replay training…", "replay"),
        ("sweep", "Learning-rate s&weep…", "sweep"),
        None,
        ("layer_table", "La&yer table (model summary)…", "layer_table"),
        ("gradient_check", "Check &gradients…", "gradient_check"),
        ("generative_views", "Generative views…", "generative_views"),
        ("diagnostics", "&Diagnostics", "diagnostics"),
        None,
        ("new_from_template", "&New from template…", "templates"))


def install_teach_menu(w, actions: dict[str, QAction], before: QAction | None = None) -> TeachTools:
    """Add the *Teach* menu to main window ``w`` (before the menu action ``before``); fill ``actions``."""
    tools = TeachTools(w)
    menu = w.menuBar().addMenu("&Teach") if before is None else None
    if menu is None:
        from PySide6.QtWidgets import QMenu
        menu = QMenu("&Teach", w)
        w.menuBar().insertMenu(before, menu)
    for entry in MENU:
        if entry is None:
            menu.addSeparator()
            continue
        name, text, method = entry
        action = QAction(text, w)
        action.triggered.connect(lambda _checked=False, m=method: getattr(tools, m)())
        menu.addAction(action)
        actions[name] = action
    w.teach_menu, w.teach = menu, tools
    return tools
