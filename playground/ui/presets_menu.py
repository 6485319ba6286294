"""Teach ▸ Presets: known-good and known-bad settings, applied as one undo step, with what to watch.

The list comes from :func:`playground.model.presets.presets_for` for the open project
(rebuilt each time the menu opens). Applying one goes through the same undoable paths
as editing by hand — training settings through the settings panel's ``SetSetting``,
layer parameters through the canvas's ``SetParam``, a changed layer kind through
:class:`ReplaceKind` — inside one macro, so one Ctrl+Z takes the whole preset back. The
sentence on what to observe stays in a blue note above the canvas until it is closed,
another preset is applied, or the preset is undone.

Presets that do not fit the project, that would change something the lecturer locked,
or that come while training runs are refused with the reason (greyed out in the menu,
reason as tooltip).
"""

from __future__ import annotations

import copy
import html

from PySide6.QtWidgets import QMenu

from playground.model.catalog import get_spec
from playground.model.presets import (
    KindChange,
    ParamChange,
    Preset,
    PresetError,
    SettingChange,
    check_preset,
    get_preset,
    presets_for,
    replace_kind,
)
from playground.model.project import Project

from .canvas.commands import GraphCommand
from .classroom import spoken
from .note_banner import NoteBanner

QUALITY_WORDS = {"good": "Known-good setting", "bad": "Known-bad setting", "compare": "To compare"}


class ReplaceKind(GraphCommand):
    """Put a node of another kind where a node is (same place, same connections); undo puts the old one back."""

    def __init__(self, graph, node_id: str, kind: str):
        super().__init__(graph, f"Make {node_id} a {get_spec(kind).title}")
        node = graph.node(node_id)
        self.old_id, self.old_kind, self.old_params = node_id, node.kind, copy.deepcopy(node.params)
        self.kind = kind
        self.new_id: str | None = None  # chosen on the first apply, reused on redo

    def apply(self) -> None:
        self.new_id = replace_kind(self.graph, self.old_id, self.kind, self.new_id)

    def revert(self) -> None:
        replace_kind(self.graph, self.new_id, self.old_kind, self.old_id, self.old_params)


class PresetsMenu:
    """The Presets submenu of the Teach menu of main window ``window`` and its note banner."""

    def __init__(self, window):
        self.window = window
        self.menu = QMenu("&Presets", window)
        self.menu.setToolTipsVisible(True)
        self.menu.aboutToShow.connect(self.fill)
        window.teach_menu.addSeparator()
        window.teach_menu.addMenu(self.menu)
        window.menu_actions["presets"] = self.menu.menuAction()
        self.note = NoteBanner()
        self.note.setObjectName("preset_note")
        layout = window.centralWidget().layout()
        layout.insertWidget(layout.indexOf(window.canvas), self.note)  # just above the canvas
        self.actions: dict = {}
        self.applied: Preset | None = None
        self._index_after = -1  # the undo stack's index right after the preset
        window.undo_stack.indexChanged.connect(self._on_undo_index)
        self.fill()

    # -- the menu --------------------------------------------------------------------------
    def fill(self) -> None:
        """(Re)build the entries for the open project: greyed out, with the reason, where they cannot apply."""
        self.menu.clear()
        self.actions = {}
        group = None
        for preset in presets_for(self.window.project):
            if preset.group != group:
                group = preset.group
                self.menu.addSection(group)
            action = self.menu.addAction(preset.title)
            action.triggered.connect(lambda _checked=False, key=preset.key: self.apply(key))
            refusal = self.refusal(preset)
            action.setEnabled(not refusal)
            action.setToolTip(refusal or f"{preset.observe}\n\nChanges: {preset.describe()}")
            action.setStatusTip(refusal or preset.observe)
            self.actions[preset.key] = action

    def refusal(self, preset: Preset) -> str:
        """Why ``preset`` cannot be applied now (empty when it can)."""
        w = self.window
        if preset.unavailable:
            return f"“{preset.title}” does not fit this project: {preset.unavailable}."
        locked = preset.locked_for(w.project)
        if locked:
            return f"“{preset.title}” would change what your lecturer locked ({', '.join(map(spoken, locked))})."
        if w.run.busy:
            return "Stop training first: a preset changes the settings of the next run."
        return ""

    # -- applying ------------------------------------------------------------------------------
    def apply(self, key: str) -> bool:
        """Apply preset ``key`` to the open project as one undo step and show what to watch."""
        w = self.window
        try:
            preset = get_preset(w.project, key)
        except KeyError:
            w.show_status(f"There is no preset {key!r}.")
            return False
        reason = self.refusal(preset)
        if not reason:
            try:
                check_preset(Project(graph=w.project.graph.copy(), settings=copy.deepcopy(w.project.settings)),
                             preset)
            except PresetError as exc:
                reason = str(exc)
        if reason:
            w.show_status(reason)
            return False
        stack = w.undo_stack
        stack.beginMacro(f"Preset: {preset.title}")
        done = all(self._push(change) for change in preset.changes)  # stops at the first refusal
        stack.endMacro()
        if not done:  # the model refused one (the message is in the status bar): take back the rest
            stack.undo()
            return False
        self._show(preset)
        return True

    def _push(self, change) -> bool:
        w = self.window
        scene = w.canvas.canvas_scene
        if isinstance(change, SettingChange):
            return w.edits.set_setting(change.path, change.value)
        if isinstance(change, ParamChange):
            return scene.set_param(change.node_id, change.name, change.value)
        if isinstance(change, KindChange):
            return scene.push(ReplaceKind(scene.graph, change.node_id, change.kind))
        raise TypeError(f"unknown change {change!r}")

    def _show(self, preset: Preset) -> None:
        self.applied = preset
        self._index_after = self.window.undo_stack.index()
        quality = QUALITY_WORDS.get(preset.quality, "")
        # Play goes on from trained weights: a preset is an experiment from the start
        start = (" <b>The network is trained: press Reset, then Play, to watch it from the start.</b>"
                 if self.window.project.trained else "")
        self.note.show_note(f"<b>{html.escape(preset.title)}</b> <i>({quality})</i> — "
                            f"{html.escape(preset.observe)}{start} "
                            "<span style='opacity:0.8'>Ctrl+Z takes it back.</span>")
        self.window.show_status(f"Preset “{preset.title}”: {preset.observe}")

    def _on_undo_index(self, index: int) -> None:
        if self.applied is not None and index < self._index_after:  # the preset was undone (or a new document)
            self.applied = None
            self.note.hide()
