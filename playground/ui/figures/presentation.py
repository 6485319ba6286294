"""Presentation mode (F11): full screen, the canvas and two big plots, keys for a live demo.

Only the canvas stays of the window (zoomed to fit); beside it a panel draws
the task's main picture (the decision boundary, feature maps, predictions or
the latent space) and the loss with :mod:`.plots` at 1.4× the slide size, from
the run model, a few times a second while training. Menus, toolbars, docks
and the status bar are hidden and come back as they were on Esc (or F11).

Keys: Space play/pause, → one step, R reset, + and − training speed (when the
controller offers ``set_speed``), Esc leaves. The mouse pointer becomes a large
arrow with a white rim, which stays visible on a projector.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QCursor,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from playground.session.figure_data import main_panel as main_panel_of
from playground.session.run_state import TRAINING

from .slide import SlideSpec, paint_panel
from .style import theme_named

FONT_SCALE = 1.4
REDRAW_MS = 250
CURSOR_SIZE = 48


def big_cursor(size: int = CURSOR_SIZE) -> QCursor:
    """A large black arrow with a thick white rim: visible on dark and light slides alike."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    k = size / 24
    path = QPainterPath(QPointF(2 * k, 1.5 * k))
    for x, y in ((2 * k, 19 * k), (7 * k, 14.5 * k), (10.5 * k, 22 * k), (13.5 * k, 20.5 * k),
                 (10 * k, 13.5 * k), (16.5 * k, 13.5 * k)):
        path.lineTo(x, y)
    path.closeSubpath()
    p.setPen(QPen(QColor("white"), 2.2 * k, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                  Qt.PenJoinStyle.RoundJoin))
    p.setBrush(QColor("black"))
    p.drawPath(path)
    p.end()
    return QCursor(pixmap, round(2 * k), round(1.5 * k))


def main_panel(window) -> str:
    """The task's main picture for the open project (or the accuracy when there is none)."""
    from .composer import figure_data

    return main_panel_of(figure_data(window))


class PresentationPlots(QWidget):
    """The main picture over the loss, drawn from the window's models at presentation size."""

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.setMinimumWidth(560)
        self._timer = QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._timer.timeout.connect(self.update)
        for signal in (window.run.reported, window.run.cleared, window.run.data_changed):
            signal.connect(self._soon)

    def _soon(self, *_args) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def disconnect_models(self) -> None:
        for signal in (self.window.run.reported, self.window.run.cleared, self.window.run.data_changed):
            try:
                signal.disconnect(self._soon)
            except (TypeError, ValueError, RuntimeError):
                pass

    def panels(self) -> list[str]:
        return [main_panel(self.window), "loss"]

    def paintEvent(self, _event) -> None:
        from .composer import figure_data

        dark = self.palette().window().color().lightness() < 128
        theme = theme_named("dark" if dark else "light")
        data = figure_data(self.window)
        spec = SlideSpec(panels=self.panels(), font_scale=FONT_SCALE, theme=theme.name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), theme.background)
        margin = 24.0
        box = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        # drawn in slide units: the panel stands for at least 960 × 1080 of them, so a narrow panel keeps
        # room for the axes and legends (fonts are sized in slide units)
        unit = max(min(box.height() / 1080, box.width() / 960), 0.3)
        p.scale(unit, unit)
        inner = QRectF(box.left() / unit, box.top() / unit, box.width() / unit, box.height() / unit)
        top_h = inner.height() * 0.55
        for panel, rect in zip(spec.panels, (QRectF(inner.left(), inner.top(), inner.width(), top_h - 30),
                                             QRectF(inner.left(), inner.top() + top_h + 10, inner.width(),
                                                    inner.height() - top_h - 10))):
            paint_panel(p, rect, data, panel, spec, theme)
        p.end()


class _Keys(QObject):
    """The presentation keys, caught for the whole application while presenting."""

    def __init__(self, mode: PresentationMode):
        super().__init__()
        self.mode = mode

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self.mode.handles(event.key(), event.text()):
            event.accept()  # ours, not a menu shortcut's
            return True
        if event.type() == QEvent.Type.KeyPress and self.mode.handles(event.key(), event.text()):
            return self.mode.key(event.key(), event.text())
        return False


class PresentationMode:
    """F11 in main window ``window``: enter and leave the presentation, and its keys."""

    def __init__(self, window):
        self.window = window
        self.active = False
        self.plots: PresentationPlots | None = None
        self.dock: QDockWidget | None = None
        self._saved = None
        self._keys = _Keys(self)
        self.action = QAction("&Presentation Mode", window)
        self.action.setShortcut(QKeySequence("F11"))
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.setCheckable(True)
        self.action.setStatusTip("Full screen with the canvas, the main plot and the loss; Esc leaves")
        self.action.triggered.connect(self.toggle)
        window.addAction(self.action)  # F11 works while the menu bar is hidden
        view = next((a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View"), None)
        if view is not None:
            view.addSeparator()
            view.addAction(self.action)
        actions = getattr(window, "menu_actions", None)
        if isinstance(actions, dict):
            actions["presentation"] = self.action

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        if self.active:
            return
        w = self.window
        self._saved = {
            "state": w.saveState(),
            "full_screen": w.isFullScreen(), "maximized": w.isMaximized(),
            "bars": [(bar, bar.isVisible()) for bar in (w.menuBar(), w.statusBar(), getattr(w, "toolbar", None))
                     if bar is not None],
        }
        for dock in w.findChildren(QDockWidget):
            dock.hide()
        for bar, _visible in self._saved["bars"]:
            bar.hide()
        self.plots = PresentationPlots(w)
        self.dock = QDockWidget("", w)
        self.dock.setObjectName("presentation_plots")
        self.dock.setTitleBarWidget(QWidget())  # no title bar, no buttons
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        self.dock.setWidget(self.plots)
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        w.showFullScreen()
        w.resizeDocks([self.dock], [max(560, int(w.width() * 0.42))], Qt.Orientation.Horizontal)
        QApplication.setOverrideCursor(big_cursor())
        QApplication.instance().installEventFilter(self._keys)
        self.active = True
        self.action.setChecked(True)
        QTimer.singleShot(0, self._fit_canvas)
        w.show_status("Presentation: Space play/pause, → step, R reset, + − speed, Esc leaves")

    def _fit_canvas(self) -> None:
        fit = getattr(self.window.canvas, "zoom_fit", None)
        if callable(fit):
            fit()

    def leave(self) -> None:
        if not self.active:
            return
        w = self.window
        QApplication.instance().removeEventFilter(self._keys)
        QApplication.restoreOverrideCursor()
        if self.plots is not None:
            self.plots.disconnect_models()
        if self.dock is not None:
            w.removeDockWidget(self.dock)
            self.dock.deleteLater()
        self.plots = self.dock = None
        saved = self._saved or {}
        if not saved.get("full_screen"):
            w.showMaximized() if saved.get("maximized") else w.showNormal()
        for bar, visible in saved.get("bars", []):
            bar.setVisible(visible)
        if "state" in saved:
            w.restoreState(saved["state"])
        self.active = False
        self.action.setChecked(False)
        QTimer.singleShot(0, self._fit_canvas)

    # -- keys ---------------------------------------------------------------------
    KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_R, Qt.Key.Key_Plus, Qt.Key.Key_Equal,
            Qt.Key.Key_Minus, Qt.Key.Key_Underscore, Qt.Key.Key_Escape)

    def handles(self, key: int, _text: str = "") -> bool:
        return self.active and key in self.KEYS

    def key(self, key: int, _text: str = "") -> bool:
        """Do what ``key`` means in the presentation; ``True`` when it was one of ours."""
        c = self.window.controller
        if key == Qt.Key.Key_Space:
            c.pause() if self.window.run.state == TRAINING else c.play()
        elif key == Qt.Key.Key_Right:
            c.step()
        elif key == Qt.Key.Key_R:
            c.reset()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            if hasattr(c, "set_speed"):  # the controller's speed control, where it has one
                c.set_speed(1 if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal) else -1)
        elif key == Qt.Key.Key_Escape:
            self.leave()
        else:
            return False
        return True
