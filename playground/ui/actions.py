"""Menus and toolbar of the main window, with the usual shortcuts, and the Export menu.

:func:`install_actions` creates every ``QAction`` once, puts them in the menus
and the toolbar, and returns them by name (``actions["save"]``), so tests and
other code can trigger them. Actions call the window's methods; they hold no
logic of their own except exporting pictures, which lives here too
(:class:`Exporter`): the canvas, any plot or the whole window as PNG at 1×, 2×
or 3×, as SVG, or to the clipboard.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QFileDialog, QMenu, QToolBar, QWidget

from . import export

SK = QKeySequence.StandardKey


PLAY, PAUSE, STEP, STOP, RESET = "#2ca02c", "#e8a317", "#1f77b4", "#d62728", "#7f8c9a"
COLOURED = {"play": PLAY, "pause": PAUSE, "step": STEP, "stop": STOP, "reset": RESET}


def _path(points) -> QPainterPath:
    path = QPainterPath(QPointF(*points[0]))
    for x, y in points[1:]:
        path.lineTo(x, y)
    path.closeSubpath()
    return path


def _arrow(p: QPainter, mirror: bool) -> None:
    """A curved arrow back (undo) or, mirrored, forward (redo)."""
    if mirror:
        p.translate(22, 0)
        p.scale(-1, 1)
    curve = QPainterPath(QPointF(18, 17))
    curve.cubicTo(QPointF(18, 8), QPointF(12, 7), QPointF(6, 8))
    p.drawPath(curve)
    p.drawPolyline([QPointF(9, 4), QPointF(5, 8), QPointF(9, 12)])


def _draw(p: QPainter, kind: str, c: QColor) -> None:
    fill = QColor(c)
    if kind in ("zoom_in", "zoom_out"):
        p.drawEllipse(QPointF(9, 9), 6, 6)
        p.drawLine(QPointF(13.5, 13.5), QPointF(19, 19))
        p.drawLine(QPointF(6, 9), QPointF(12, 9))
        if kind == "zoom_in":
            p.drawLine(QPointF(9, 6), QPointF(9, 12))
    elif kind == "zoom_fit":
        for x, y, dx, dy in ((3, 3, 1, 1), (19, 3, -1, 1), (3, 19, 1, -1), (19, 19, -1, -1)):
            p.drawPolyline([QPointF(x + 5 * dx, y), QPointF(x, y), QPointF(x, y + 5 * dy)])
        p.drawRect(QRectF(8, 8, 6, 6))
    elif kind == "theme":
        p.drawEllipse(QPointF(11, 11), 7, 7)
        p.setBrush(fill)
        p.drawPie(QRectF(4, 4, 14, 14), 90 * 16, 180 * 16)
    elif kind == "layout":
        for x, y in ((3, 8), (15, 3), (15, 13)):
            p.drawRoundedRect(QRectF(x, y, 5, 6), 1, 1)
        p.drawLine(QPointF(8, 11), QPointF(15, 6))
        p.drawLine(QPointF(8, 11), QPointF(15, 16))
    elif kind == "new":
        p.drawPath(_path([(5, 2), (13, 2), (18, 7), (18, 20), (5, 20)]))
        p.drawPolyline([QPointF(13, 2), QPointF(13, 7), QPointF(18, 7)])
    elif kind == "open":
        p.drawPath(_path([(2, 5), (8, 5), (10, 7), (19, 7), (19, 18), (2, 18)]))
        p.drawLine(QPointF(2, 10), QPointF(19, 10))
    elif kind == "save":
        p.drawRoundedRect(QRectF(3, 3, 16, 16), 2, 2)
        p.drawRect(QRectF(7, 3, 8, 5))
        p.drawRect(QRectF(6, 12, 10, 7))
    elif kind in ("undo", "redo"):
        _arrow(p, kind == "redo")
    else:  # the coloured training controls
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        if kind == "play":
            p.drawPath(_path([(6, 3), (19, 11), (6, 19)]))
        elif kind == "pause":
            p.drawRoundedRect(QRectF(5, 4, 4.5, 14), 1, 1)
            p.drawRoundedRect(QRectF(12.5, 4, 4.5, 14), 1, 1)
        elif kind == "step":
            p.drawPath(_path([(4, 4), (14, 11), (4, 18)]))
            p.drawRoundedRect(QRectF(15, 4, 3.5, 14), 1, 1)
        elif kind == "stop":
            p.drawRoundedRect(QRectF(5, 5, 12, 12), 2, 2)
        elif kind == "reset":
            p.setPen(QPen(fill, 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawArc(QRectF(4, 4, 14, 14), 100 * 16, 290 * 16)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)
            p.drawPath(_path([(8, 1), (13, 4.5), (8, 8)]))


def draw_icon(kind: str, colour: QColor | str | None = None) -> QIcon:
    """A crisp (1×, 2×, 3×) icon drawn with QPainter: file, edit, zoom and training glyphs.

    Training controls have fixed colours that read on light and dark themes
    (green play, red stop); the others use ``colour`` (the theme's text colour).
    """
    colour = QColor(COLOURED.get(kind) or colour or "#333333")
    icon = QIcon()
    for scale in (1.0, 2.0, 3.0):
        pm = QPixmap(round(22 * scale), round(22 * scale))
        pm.setDevicePixelRatio(scale)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(colour, 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        _draw(p, kind, colour)
        p.end()
        icon.addPixmap(pm)
    return icon


ICONS = {"new": "new", "open": "open", "save": "save", "undo": "undo", "redo": "redo", "zoom_in": "zoom_in",
         "zoom_out": "zoom_out", "zoom_fit": "zoom_fit", "auto_layout": "layout", "dark_theme": "theme",
         "play": "play", "pause": "pause", "step": "step", "stop": "stop", "reset_training": "reset"}


def refresh_icons(w) -> None:
    """Draw every action icon again in the current theme's text colour (after a theme change)."""
    from .theme import current_theme

    ink = QColor(current_theme().window_text)
    for name, kind in ICONS.items():
        w.menu_actions[name].setIcon(draw_icon(kind, ink))


class Exporter:
    """Pictures of the window's parts for slides: PNG 1×/2×/3×, SVG, clipboard."""

    def __init__(self, window):
        self.window = window
        self.transparent = False  # the "Transparent background" menu toggle

    def background(self):
        from .theme import current_theme

        if self.transparent:
            return "transparent"
        return None if current_theme().is_dark else "white"

    def targets(self) -> list[tuple[str, QWidget]]:
        """``(name, widget)`` of what can be exported now: network, visible plots, window."""
        w = self.window
        out = [("Network diagram", w.canvas.viewport())]
        out += [(title, plot) for title, plot in w.plots.visible_plots()]
        out.append(("Whole window", w))
        return out

    def fill_menu(self, menu: QMenu) -> None:
        menu.clear()
        for name, widget in self.targets():
            sub = menu.addMenu(name)
            for scale in export.SCALES:
                sub.addAction(f"PNG {scale}×…", lambda n=name, wd=widget, s=scale: self.save_png(n, wd, s))
            sub.addAction("SVG…", lambda n=name, wd=widget: self.save_svg(n, wd))
            sub.addSeparator()
            sub.addAction("Copy to clipboard", lambda wd=widget: self.copy(wd))
        menu.addSeparator()
        slides = getattr(self.window, "slide_exports", None)
        if slides is not None:
            slides.fill_menu(menu)
            menu.addSeparator()
        scripts = getattr(self.window, "code_exports", None)
        if scripts is not None:
            scripts.fill_menu(menu)
            menu.addSeparator()
        toggle = menu.addAction("Transparent background")
        toggle.setCheckable(True)
        toggle.setChecked(self.transparent)
        toggle.toggled.connect(lambda on: setattr(self, "transparent", on))

    def _ask(self, name: str, suffix: str, scale: int | None = None,
             kinds: tuple[tuple[str, str], ...] = ()) -> str | None:
        """A save dialog in the last export folder; ``kinds``: ``(filter, suffix)`` choices, default first.

        A file name without one of the suffixes gets the chosen filter's.
        """
        kinds = kinds or (("PNG image (*.png)" if suffix == ".png" else "SVG drawing (*.svg)", suffix),)
        stem = Path(self.window.path).stem if self.window.path else "network"
        slug = name.lower().replace(" ", "_")
        default = f"{stem}_{slug}" + (f"_{scale}x" if scale and scale > 1 else "") + suffix
        folder = export.start_folder(self.window)
        path, chosen = QFileDialog.getSaveFileName(self.window, f"Export {name}", str(Path(folder) / default),
                                                   ";;".join(text for text, _ in kinds), kinds[0][0])
        if not path:
            return None
        if not path.lower().endswith(tuple(end for _, end in kinds)):
            path += dict(kinds).get(chosen, suffix)
        self.window.settings.setValue("export/folder", str(Path(path).parent))
        return path

    ask_path = _ask  # "Save as" for other exports (slides, animations): remembers the folder

    def save_png(self, name: str, widget: QWidget, scale: int) -> str | None:
        path = self._ask(name, ".png", scale)
        if path is None:
            return None
        try:
            export.save_png(widget, path, scale=scale, background=self.background())
        except (OSError, RuntimeError, ValueError) as exc:
            self.window.show_error(f"Could not export {name}: {exc}")
            return None
        self.window.statusBar().showMessage(f"Exported {name} to {path}", 8000)
        return path

    def save_svg(self, name: str, widget: QWidget) -> str | None:
        path = self._ask(name, ".svg")
        if path is None:
            return None
        try:
            export.save_svg(widget, path, background=self.background(), title=name)
        except (OSError, RuntimeError, ValueError) as exc:
            self.window.show_error(f"Could not export {name}: {exc}")
            return None
        self.window.statusBar().showMessage(f"Exported {name} to {path}", 8000)
        return path

    def copy(self, widget: QWidget, name: str = "the picture", with_svg: bool = True) -> None:
        """``widget`` at 2× on the clipboard, on the export background (dark theme: its own dark look).

        ``with_svg`` adds an SVG copy too: ~1 s for a plot with hundreds of points.
        """
        export.copy_to_clipboard(widget, scale=2, background=self.background(), with_svg=with_svg)
        self.window.statusBar().showMessage(f"Copied {name} to the clipboard (2×)", 5000)

    def copy_network(self) -> None:
        """The network's cards and wires at 2×, cropped to them (no empty canvas), for slides."""
        from . import slides

        scene = self.window.canvas.canvas_scene
        export.copy_image(slides.scene_image(scene, 2.0, self.background() or scene.style.background))
        self.window.statusBar().showMessage("Copied the network to the clipboard (2×)", 5000)


def unique_keys(keys: list[QKeySequence]) -> list[QKeySequence]:
    """``keys`` without empty ones and repeats: the platform's standard keys may include an extra one
    (Quit is Ctrl+Q on Linux, Redo Ctrl+Y), and the same key twice on one action makes Qt call it
    ambiguous and do nothing."""
    return list({k.toString(): k for k in keys if not k.isEmpty()}.values())


def _action(parent, text: str, slot=None, keys=(), icon: QIcon | None = None, tip: str = "") -> QAction:
    action = QAction(text, parent)
    shortcuts = []
    for key in keys:
        shortcuts += QKeySequence.keyBindings(key) if isinstance(key, SK) else [QKeySequence(key)]
    shortcuts = unique_keys(shortcuts)
    if shortcuts:
        action.setShortcuts(shortcuts)
    if icon is not None:
        action.setIcon(icon)
    if tip:
        action.setStatusTip(tip)
    if slot is not None:
        action.triggered.connect(slot)
    return action


def _about(w) -> None:
    from PySide6.QtWidgets import QMessageBox

    from playground import __version__

    QMessageBox.about(w, "About Network Playground",
                      f"<h3>Network Playground {__version__}</h3><p>Build neural networks on a canvas, "
                      "watch them train, and see the maths inside.</p><p>Drag layers from the <b>Layers</b> "
                      "panel, connect output ports to input ports, pick a dataset and press <b>Play</b> "
                      "(F5).</p>")


def _install_help(w, a: dict[str, QAction], menu: QMenu) -> None:
    """Help: the start page, a skippable quick tour, the keyboard shortcuts and "What's this?"."""
    from PySide6.QtWidgets import QWhatsThis

    from . import tour

    a["start_page"] = _action(w, "&Start Page", lambda: w.start_page.show_page(),
                              tip="The examples and templates in the order of the course")
    a["quick_tour"] = _action(w, "Quick &Tour", lambda: tour.start_tour(w),
                              tip="Five steps round the window: palette, canvas, dataset, Play, plots")
    a["shortcuts"] = _action(w, "&Keyboard Shortcuts", lambda: tour.show_shortcuts(w), ["Ctrl+F1"])
    a["whats_this"] = QWhatsThis.createAction(w)
    a["whats_this"].setText("&What's This?")
    a["whats_this"].setStatusTip("Then click a layer in the palette or any field to read what it is")
    menu.addActions([a["start_page"], a["quick_tour"], a["shortcuts"], a["whats_this"]])
    menu.addSeparator()


def install_actions(w) -> dict[str, QAction]:
    """Build the menus and toolbar of main window ``w``; return its actions by name."""
    a: dict[str, QAction] = {}
    a["new"] = _action(w, "&New", w.new_project, [SK.New], tip="Start a new network with an Input and an Output")
    a["new_from"] = _action(w, "New &from…", lambda: w.start_page.show_page(), ["Ctrl+Shift+N"],
                            tip="The start page: the examples and templates in the order of the course")
    a["open"] = _action(w, "&Open…", w.open_dialog, [SK.Open])
    a["save"] = _action(w, "&Save", w.save, [SK.Save])
    a["save_as"] = _action(w, "Save &As…", w.save_as, [SK.SaveAs, "Ctrl+Shift+S"])
    a["quit"] = _action(w, "&Quit", w.close, [SK.Quit, "Ctrl+Q"])
    a["quit"].setMenuRole(QAction.MenuRole.QuitRole)
    a["undo"] = w.undo_stack.createUndoAction(w, "&Undo")
    a["undo"].setShortcuts(QKeySequence.keyBindings(SK.Undo))
    a["redo"] = w.undo_stack.createRedoAction(w, "&Redo")
    a["redo"].setShortcuts(unique_keys(QKeySequence.keyBindings(SK.Redo) + [QKeySequence("Ctrl+Y")]))
    edit = w.canvas.edit_actions
    for name in ("cut", "copy", "paste", "delete", "select_all", "auto_layout", "zoom_in", "zoom_out",
                 "zoom_fit", "zoom_reset"):
        a[name] = edit[name]
    a["dark_theme"] = _action(w, "&Dark Theme", None, ["Ctrl+Shift+D"])
    a["dark_theme"].setCheckable(True)
    a["dark_theme"].toggled.connect(lambda on: w.set_theme("dark" if on else "light"))
    a["reset_layout"] = _action(w, "Reset Panel Layout", w.reset_layout)
    a["copy_network_image"] = _action(w, "Copy image of the &network", w.exporter.copy_network, ["Ctrl+Shift+C"],
                                      tip="The network diagram at 2× to paste into slides")
    a["copy_plots_image"] = _action(w, "Copy image of the p&lots",
                                    lambda: w.exporter.copy(w.plots, "the plots", with_svg=False),
                                    tip="The plots shown now at 2× to paste into slides")
    a["copy_window_image"] = _action(w, "Copy image of the &window",
                                     lambda: w.exporter.copy(w, "the window", with_svg=False),
                                     tip="The whole window at 2× to paste into slides")
    c = w.controller
    a["play"] = _action(w, "&Play", c.play, ["F5"])
    a["pause"] = _action(w, "P&ause", c.pause, ["F6"])
    a["step"] = _action(w, "&Step One Batch", c.step, ["F7"])
    a["stop"] = _action(w, "S&top", c.stop, ["Shift+F5"])
    a["reset_training"] = _action(w, "&Reset to the Same Initial Weights", c.reset, [])
    a["reset_new_weights"] = _action(w, "Reset with &New Initial Weights", lambda: c.reset(new_weights=True), [])
    for name in ("play", "pause", "step", "stop"):
        a[name].setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a["new"], a["new_from"], a["open"]])
    w.recent_menu = file_menu.addMenu("Open &Recent")
    w.recent_menu.aboutToShow.connect(lambda: w.recent.fill_menu(w.recent_menu, w.open_file))
    w.recent.fill_menu(w.recent_menu, w.open_file)
    file_menu.addSeparator()
    file_menu.addActions([a["save"], a["save_as"]])
    file_menu.addSeparator()
    w.export_menu = file_menu.addMenu("&Export")
    w.export_menu.aboutToShow.connect(lambda: w.exporter.fill_menu(w.export_menu))
    w.exporter.fill_menu(w.export_menu)
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])

    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([a["undo"], a["redo"]])
    edit_menu.addSeparator()
    edit_menu.addActions([a[n] for n in ("cut", "copy", "paste", "delete")])
    edit_menu.addSeparator()
    edit_menu.addActions([a[n] for n in ("copy_network_image", "copy_plots_image", "copy_window_image")])
    edit_menu.addSeparator()
    edit_menu.addActions([a["select_all"], a["auto_layout"]])

    view_menu = bar.addMenu("&View")
    view_menu.addActions([a[n] for n in ("zoom_in", "zoom_out", "zoom_fit", "zoom_reset")])
    view_menu.addSeparator()
    w.panels_menu = view_menu.addMenu("&Panels")
    for dock in w.docks.values():
        w.panels_menu.addAction(dock.toggleViewAction())
    view_menu.addAction(a["reset_layout"])
    view_menu.addSeparator()
    view_menu.addAction(a["dark_theme"])

    train_menu = bar.addMenu("&Training")
    train_menu.addActions([a[n] for n in ("play", "pause", "step", "stop")])
    train_menu.addSeparator()
    train_menu.addActions([a["reset_training"], a["reset_new_weights"]])

    from .teach_menu import install_teach_menu

    install_teach_menu(w, a)

    help_menu = bar.addMenu("&Help")
    _install_help(w, a, help_menu)
    a["about"] = _action(w, "&About Network Playground", lambda: _about(w))
    a["about"].setMenuRole(QAction.MenuRole.AboutRole)
    help_menu.addAction(a["about"])

    toolbar = QToolBar("Main toolbar")
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.addActions([a["new"], a["open"], a["save"]])
    toolbar.addSeparator()
    toolbar.addActions([a["undo"], a["redo"]])
    toolbar.addSeparator()
    toolbar.addActions([a["zoom_in"], a["zoom_out"], a["zoom_fit"], a["auto_layout"]])
    toolbar.addSeparator()
    toolbar.addActions([a["play"], a["pause"], a["step"], a["stop"]])
    toolbar.addSeparator()
    toolbar.addAction(a["dark_theme"])
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    w.toolbar = toolbar
    w.menu_actions = a
    refresh_icons(w)
    return a
