"""Classroom mode: a lecturer locks parts of a project and hides some controls; students open exactly that.

The project holds the choice (``Project.student_editable``: the settings students may
change, ``"graph"`` for the canvas, ``"dataset"``; ``Project.hidden_controls``: what
they do not see), so it travels with the saved ``.nnpg`` file.

:class:`ClassroomMode` enforces the open project's locks in the main window whenever a
project is opened or locked: locked settings are greyed out with the tooltip "Locked by
your lecturer" (or hidden), the canvas is locked with the reason shown on it (the same
lock training uses), hidden panels and menu entries disappear, and a blue banner says
what can be changed. Teach ▸ *Classroom lock…* opens the lecturer's dialog
(:class:`~playground.ui.teaching.classroom_dialog.ClassroomDialog`, imported when first
used, like the other teaching windows); Teach ▸ *Unlock (lecturer)…* removes the locks
after one confirmation. It is not a security feature and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from playground.model.errors import ProjectError
from playground.model.project import HIDEABLE_CONTROLS, Project, check_hidden, check_locks

from .note_banner import NoteBanner
from .edits import LABELS

if TYPE_CHECKING:
    from .teaching.classroom_dialog import ClassroomDialog

CANVAS_REASON = "Locked by your lecturer: the network cannot be changed in this classroom project"
NOT_SECURITY = ("This is not a security feature: anyone can lift it with Teach ▸ Unlock (lecturer)… or by "
                "editing the file. It keeps a class on the same page.")
SECTION_NAMES = {"optimizer": "the optimizer settings", "schedule": "the learning-rate schedule",
                 "hooks": "regularization and clipping", "early_stopping": "early stopping",
                 "graph": "the network", "dataset": "the dataset"}
SPOKEN = {"optimizer.name": "the optimizer", "optimizer.lr": "the learning rate η", "schedule.name": "the schedule",
          "batch_size": "the batch size", "epochs": "the number of epochs", "seed": "the seed",
          "backend": "the backend", "validation_split": "the validation split"}
DOCKS = {"palette": "palette", "dataset_panel": "dataset"}  # hidden control → window dock
ACTIONS = {"presets": ("presets",), "templates": ("new_from_template",), "step_through": ("step_through",),
           "gradient_check": ("gradient_check",), "diagnostics": ("diagnostics",),
           "code_export": ("export_code", "export_pytorch", "export_numpy")}  # hidden control → menu actions
TOOL_WINDOWS = {"templates": "templates", "step_through": "step_through", "gradient_check": "gradcheck",
                "diagnostics": "diagnostics"}  # hidden control → an open Teach window to close


def setting_label(path: str) -> str:
    return LABELS.get(path) or path


def spoken(target: str) -> str:
    """``"optimizer.lr"`` → ``"the learning rate η"``, ``"hooks"`` → ``"regularization and clipping"``."""
    if target in SECTION_NAMES or target in SPOKEN:
        return SECTION_NAMES.get(target) or SPOKEN[target]
    label = setting_label(target)
    return label[0].lower() + label[1:] if label[1:2].islower() and label != "Nesterov" else label


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def classroom_summary(project: Project) -> str:
    """The banner's sentence, e.g. "Classroom project: only the learning rate η can be changed."."""
    text = "<b>Classroom project:</b> "
    locks = project.student_editable
    if locks is None:
        text += "your lecturer hid some tools; everything else can be changed."
    elif not locks:
        text += "nothing can be changed — press Play and watch it train."
    else:
        text += f"only {_join([spoken(t) for t in locks])} can be changed."
        if "graph" not in locks:
            text += " The network is locked."
    return text


# ----------------------------------------------------------------------------
# enforcing the locks in the main window
# ----------------------------------------------------------------------------
class ClassroomMode:
    """Applies the open project's classroom locks to main window ``window``; owns the two menu entries."""

    def __init__(self, window):
        self.window = window
        self.banner = NoteBanner(closable=False)
        self.banner.setObjectName("classroom_banner")
        layout = window.centralWidget().layout()
        layout.insertWidget(layout.indexOf(window.banner) + 1, self.banner)
        self.last_choice: tuple[list[str] | None, list[str]] = (["optimizer.lr"], [])
        self.dialog: ClassroomDialog | None = None
        self._hidden_docks: list[tuple[object, bool]] = []  # (dock, was visible)
        self._hidden_actions: list[QAction] = []
        menu = window.teach_menu
        menu.addSeparator()
        self.lock_action = QAction("Classroom &lock…", window)
        self.lock_action.setStatusTip("Choose what students may change and what they do not see")
        self.lock_action.triggered.connect(self.open_dialog)
        self.unlock_action = QAction("&Unlock (lecturer)…", window)
        self.unlock_action.setStatusTip("Remove the classroom locks from this project")
        self.unlock_action.triggered.connect(self.ask_unlock)
        menu.addActions([self.lock_action, self.unlock_action])
        window.menu_actions["classroom_lock"] = self.lock_action
        window.menu_actions["classroom_unlock"] = self.unlock_action

    # -- the lecturer's actions ------------------------------------------------------------------
    def open_dialog(self) -> ClassroomDialog:
        """Teach ▸ Classroom lock…: pre-filled with the project's locks (or the last ones used)."""
        from .teaching.classroom_dialog import ClassroomDialog

        project = self.window.project
        choice = ((project.student_editable, list(project.hidden_controls)) if project.classroom
                  else self.last_choice)
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = ClassroomDialog(*choice, parent=self.window, available=self.hideable())
        self.dialog.accepted.connect(lambda d=self.dialog: self.lock(d.student_editable(), d.hidden()))
        self.dialog.open()
        return self.dialog

    def lock(self, student_editable: list[str] | None, hidden: list[str]) -> None:
        """Store the locks in the project (modified, saved as usual) and show what students will see."""
        try:  # cannot fail from the dialog; a clear message rather than a file that cannot be saved
            locks = check_locks(student_editable) if student_editable is not None else None
            hidden = check_hidden(hidden)
        except ProjectError as exc:
            self.window.show_error(f"Cannot lock the project: {exc}")
            return
        project = self.window.project
        self.window.document.set_locks(locks, hidden)
        self.last_choice = (project.student_editable, project.hidden_controls)
        self.window.mark_modified()
        self.apply()
        self.window.show_status("Locked for students: save the project (Ctrl+S) and give them the file. "
                                "Teach ▸ Unlock (lecturer)… lifts the lock.")

    def ask_unlock(self) -> bool:
        """Teach ▸ Unlock (lecturer)…: one confirmation, then the locks are gone from the project."""
        if not self.window.project.classroom:
            self.window.show_status("This project has no classroom locks.")
            return False
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window, "Unlock classroom project",
            "Remove the classroom locks and show every control again? Save the project afterwards to keep "
            f"it unlocked.\n\n{NOT_SECURITY}", buttons.Yes | buttons.Cancel, buttons.Cancel)
        if answer != buttons.Yes:
            return False
        self.unlock()
        return True

    def unlock(self) -> None:
        project = self.window.project
        self.last_choice = (project.student_editable, list(project.hidden_controls))
        self.window.document.set_locks(None, [])
        self.window.mark_modified()
        self.apply()
        self.window.show_status("Unlocked: every setting and control is available again.")

    def hideable(self) -> list[str]:
        """The controls this window has and can hide (the code export only once it is in a menu)."""
        w = self.window
        return [name for name in HIDEABLE_CONTROLS
                if name == "locked_settings" or DOCKS.get(name) in w.docks
                or any(a in w.menu_actions for a in ACTIONS.get(name, ()))]

    # -- enforcing -------------------------------------------------------------------------
    def canvas_reason(self) -> str:
        """Why the canvas is locked by the classroom (empty when students may edit the network)."""
        return "" if self.window.project.may_change("graph") else CANVAS_REASON

    def apply(self) -> None:
        """Make the window match the open project's locks (call after opening or locking a project)."""
        w, project = self.window, self.window.project
        w.update_canvas_lock()  # the panels grey out what is locked themselves (the document's locks_changed)
        self.release()
        self._hide(project)
        self.unlock_action.setEnabled(project.classroom)
        if project.classroom:
            self.banner.show_note(classroom_summary(project))
        else:
            self.banner.hide()

    def _hide(self, project: Project) -> None:
        w = self.window
        for name, dock_name in DOCKS.items():
            if project.hides(name) and dock_name in w.docks:
                dock = w.docks[dock_name]
                self._hidden_docks.append((dock, not dock.isHidden()))
                dock.hide()
                dock.toggleViewAction().setVisible(False)
        for name, action_names in ACTIONS.items():
            if not project.hides(name):
                continue
            for action_name in action_names:
                action = w.menu_actions.get(action_name)
                if action is not None and action.isVisible():
                    action.setVisible(False)
                    self._hidden_actions.append(action)
            tool = getattr(w, "teach", None) and w.teach.windows.get(TOOL_WINDOWS.get(name, ""))
            if tool is not None:
                try:
                    tool.close()
                except RuntimeError:  # already deleted
                    pass

    def release(self) -> None:
        """Show again what the classroom hid (before another project, or before the layout is saved)."""
        for dock, was_visible in self._hidden_docks:
            dock.toggleViewAction().setVisible(True)
            if was_visible:
                dock.show()
        for action in self._hidden_actions:
            action.setVisible(True)
        self._hidden_docks, self._hidden_actions = [], []
