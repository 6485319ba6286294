"""The first five minutes: what the main window gets for a student who has never used it.

:func:`install_first_steps` (one call from the main window) adds

* the start page (:mod:`playground.ui.start_page`), hidden until the app starts
  without a project or the student picks File ▸ New from…; any opened project hides it;
* "What's this?" text on every palette entry, from the catalog's help (the editors
  of the inspector and the settings get theirs in :func:`~playground.ui.editors.make_editor`);
* quiet warnings under the training settings for allowed but unusual values
  (:func:`playground.model.guidance.unusual_setting`);
* the loss following the dataset's task until the student picks one
  (:class:`playground.model.guidance.LossFollower`): a new dataset changes a loss
  nobody picked with the canvas scene's undoable ``set_param``; a new blank network
  starts with the loss its dataset calls for.
"""

from __future__ import annotations

import shiboken6

from playground.model.catalog import get_spec
from playground.model.guidance import LossFollower, output_losses, unusual_setting

from .binding import follow
from .editors import whats_this_text
from .start_page import StartPage


class FirstSteps:
    """Owns the start page, the warnings and the loss rule of one main window."""

    def __init__(self, window):
        self.window = window
        self.start_page = StartPage(window)
        self.follower = LossFollower()
        self.samples: int | None = None  # training samples of the loaded dataset
        self._dataset_edited = False  # a dataset change waits for its load to apply the loss rule
        self._fresh = True  # a project was just opened: the first load sets up the loss rule
        self._applying = False  # our own loss changes are not the student's choice
        doc = window.document
        follow(doc.replaced, self._on_replaced, window)
        follow(doc.dataset_changed, self._on_dataset_changed, window)
        follow(doc.setting_changed, self._refresh_warnings, window)
        self._graph = None
        self._watch_graph(doc.graph)
        window.dataset_panel.dataset_loaded.connect(self._on_dataset_loaded)
        self._whats_this_on_palette()
        self._refresh_warnings()

    # -- the project ------------------------------------------------------------------------
    def _on_replaced(self, project) -> None:
        self.start_page.hide_page()
        self._watch_graph(project.graph)
        self._fresh, self._dataset_edited = True, False
        self._refresh_warnings()

    def _watch_graph(self, graph) -> None:
        if self._graph is not None:
            try:
                self._graph.param_changed.disconnect(self._on_param_changed)
            except (TypeError, ValueError, RuntimeError):
                pass
        self._graph = graph
        graph.param_changed.connect(self._on_param_changed)

    def _on_param_changed(self, node_id: str, name: str, _value) -> None:
        if name == "loss" and not self._applying:
            self.follower.picked(node_id)  # the student chose (or an undo took ours back)

    def _on_dataset_changed(self, _ref) -> None:
        self._dataset_edited = True

    def _on_dataset_loaded(self, dataset) -> None:
        self.samples = None
        if dataset is not None:
            split = float(self.window.project.settings.validation_split or 0.0)
            self.samples = max(1, int(round(len(dataset) * (1.0 - split))))
        self._refresh_warnings()
        if dataset is None or not shiboken6.isValid(self.window):
            return
        graph = self.window.project.graph
        if self._fresh:
            self._fresh = False
            self.follower.reset(output_losses(graph), dataset.task)
            if self.window.path is None and self.window.undo_stack.count() == 0:
                # a new network from the start page or File ▸ New: starts with the loss its data calls for
                self._apply(self.follower.changes(output_losses(graph), dataset.task), undoable=False)
            return
        if self._dataset_edited:
            self._dataset_edited = False
            self._apply(self.follower.changes(output_losses(graph), dataset.task), undoable=True)

    def _apply(self, changes, undoable: bool) -> None:
        scene = self.window.canvas.canvas_scene
        self._applying = True
        try:
            for node_id, loss in changes:
                if undoable:
                    scene.set_param(node_id, "loss", loss)
                else:
                    self.window.project.graph.set_param(node_id, "loss", loss)
                self.window.show_status(f"The loss follows the data: {get_loss_title(loss)} "
                                        "(pick another under Training settings ▸ Loss)")
        finally:
            self._applying = False

    # -- warnings ---------------------------------------------------------------------------
    def editors(self) -> dict:
        """``{setting path: [editors]}`` of the window's setting fields."""
        w = self.window
        out: dict[str, list] = {}
        for path, editor in getattr(w.settings_panel, "editors", {}).items():
            out.setdefault(path, []).append(editor)
        lr = getattr(w.training_panel, "lr_editor", None)
        if lr is not None:
            out.setdefault("optimizer.lr", []).append(lr)
        return out

    def _refresh_warnings(self, *_args) -> None:
        if not shiboken6.isValid(self.window):
            return
        settings = self.window.project.settings
        for path, editors in self.editors().items():
            try:
                value = settings.get(path)
            except Exception:  # noqa: BLE001 - a path this version does not have
                continue
            text = unusual_setting(path, value, settings, self.samples)
            for editor in editors:
                if shiboken6.isValid(editor.widget):
                    editor.set_warning(text)

    # -- what's this ------------------------------------------------------------------------
    def _whats_this_on_palette(self) -> None:
        palette = self.window.palette_panel
        for kind, item in getattr(palette, "_items", {}).items():
            item.setWhatsThis(0, layer_whats_this(kind))


def get_loss_title(name: str) -> str:
    from playground.model.catalog import LOSSES

    return LOSSES[name].title if name in LOSSES else name


def layer_whats_this(kind: str) -> str:
    """A layer kind's help and its settings' help, as rich text for "What's this?"."""
    from html import escape

    spec = get_spec(kind)
    params = "".join(f"<li><b>{escape(p.label)}</b>: {escape(p.help)}</li>" for p in spec.params if p.help)
    head = whats_this_text(spec.title, spec.help)
    return head + (f"<ul>{params}</ul>" if params else "")


def install_first_steps(window) -> FirstSteps:
    """Give ``window`` the start page, "What's this?", setting warnings and the loss rule."""
    window.first_steps = FirstSteps(window)
    window.start_page = window.first_steps.start_page
    return window.first_steps
