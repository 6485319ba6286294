"""Save screenshots of the real windows for the README (offscreen, no display needed).

    python scripts/screenshot.py [resources/screenshots]

Writes ``main_window.png`` (the main window with the XOR example trained) and one picture per
teaching tool, ``teach_<tool>.png``, in the light theme. Every picture comes from the real
widgets with real data: the main window is built with a scratch settings file and recovery
folder (never the user's), examples are opened from ``resources/examples`` and trained for
real in the training child process, and the tools are opened through the *Teach* menu's
methods. Each ``shot_*`` function writes one file and returns its path, so a test can run a
few of them.

The tool pictures are rendered at :data:`SCALE` × their size on screen, so their text stays
readable when GitHub shrinks a picture to the width of the README, and saved as optimised
PNG (a palette of 256 colours when that is needed to stay under :data:`MAX_BYTES`).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QBuffer,
    QEventLoop,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "resources" / "examples"
SCALE = 1.5  # device pixels per screen pixel in the tool pictures
MAX_BYTES = 400_000  # per picture; above it the picture is saved with a palette of 256 colours
LEFT = Qt.MouseButton.LeftButton


def wait(app: QApplication, ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(done: Callable[[], bool], timeout_s: float = 120.0, what: str = "the tool") -> None:
    """Run the event loop until ``done()`` (checked every 20 ms); a clear error after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: (done() or time.monotonic() > deadline) and loop.quit())
    timer.start()
    if not done():
        loop.exec()
    timer.stop()
    if not done():
        raise RuntimeError(f"Gave up waiting for {what} after {timeout_s:.0f} s")


def main(out_dir: str) -> int:
    from playground.ui.app import create_app
    from playground.ui.main_window import MainWindow

    app = create_app([])
    use_light_theme()
    scratch = tempfile.mkdtemp()
    settings = QSettings(os.path.join(scratch, "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=Path(scratch) / "recovery")
    window.resize(1600, 1000)
    window.show()
    window.open_file(str(ROOT / "resources" / "examples" / "xor.nnpg"))
    window.dataset_panel.wait_idle()
    train(window)
    window.canvas.zoom_fit()
    wait(app, 400)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out / "main_window.png"))
    print(f"wrote {out / 'main_window.png'}")
    window.forget_changes()  # training marks the project modified: no "save changes?" question
    window.close()
    for shot in TOOL_SHOTS:
        print(f"wrote {shot(out)}")
    return 0


# ----------------------------------------------------------------------------
# windows, training and pictures
# ----------------------------------------------------------------------------
@contextmanager
def scratch_window(example: str | None = "xor", size: tuple[int, int] = (1600, 1000)) -> Iterator:
    """A main window with scratch settings and recovery folder, ``example`` opened; closed afterwards."""
    from playground.ui.app import create_app
    from playground.ui.main_window import MainWindow

    create_app([])
    use_light_theme()
    with tempfile.TemporaryDirectory(prefix="playground-shots-") as scratch:
        settings = QSettings(os.path.join(scratch, "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, recovery_dir=Path(scratch) / "recovery")
        window.resize(*size)
        window.show()
        try:
            if example is not None:
                if not window.open_file(str(EXAMPLES / f"{example}.nnpg")):
                    raise RuntimeError(f"Could not open the example {example}")
                window.dataset_panel.wait_idle()
            yield window
        finally:
            window.forget_changes()  # no "save changes?" question on closing
            window.close()
            window.deleteLater()
            settle()


def use_light_theme() -> None:
    """The README's pictures are light, whatever theme this machine's user chose in the app."""
    from playground.ui import theme

    if theme.current_theme().is_dark:
        theme.apply_theme("light", QApplication.instance())


def settle(ms: int = 150) -> None:
    """Let layouts, axes and deferred paints catch up."""
    wait(QApplication.instance(), ms)


def train(window, timeout_s: float = 180.0) -> None:
    """Press Play and wait for the run to finish (it trains in a child process)."""
    finished = QEventLoop()
    failures: list[str] = []
    timer = QTimer(singleShot=True, interval=int(timeout_s * 1000))
    timer.timeout.connect(finished.quit)

    def failed(text: str) -> None:
        failures.append(text)
        finished.quit()

    def on_state(state: str) -> None:
        if state == "finished":
            finished.quit()

    def on_message(text: str, error: bool) -> None:
        if error:
            failed(text)

    window.run.state_changed.connect(on_state)
    window.run.message_changed.connect(on_message)
    timer.start()
    try:
        window.controller.play()
        finished.exec()
    finally:
        timer.stop()
        window.run.state_changed.disconnect(on_state)
        window.run.message_changed.disconnect(on_message)
    if failures or window.run.busy:
        raise RuntimeError(failures[0] if failures else f"Training did not finish in {timeout_s:.0f} s")
    settle()


def render(widget: QWidget, scale: float = SCALE) -> QImage:
    """``widget`` as it is on screen, drawn at ``scale`` device pixels per pixel (sharp text)."""
    image = QImage(round(widget.width() * scale), round(widget.height() * scale), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(scale)
    image.fill(widget.palette().window().color())
    painter = QPainter(image)
    try:
        QWidget.render(widget, painter, QPoint(0, 0))  # QWidget's: a QGraphicsView's own render() is the scene's
    finally:
        painter.end()
    return image


def stack(images: list[QImage], gap: int = 8) -> QImage:
    """Pictures of the same scale one under the other, ``gap`` pixels apart; a narrower one is
    widened in the colour of its top-right corner (a canvas cropped beside its scroll bar)."""
    scale = images[0].devicePixelRatio()
    sizes = [image.deviceIndependentSize() for image in images]
    width = max(s.width() for s in sizes)
    height = sum(s.height() for s in sizes) + gap * (len(images) - 1)
    out = QImage(round(width * scale), round(height * scale), QImage.Format.Format_RGB32)
    out.setDevicePixelRatio(scale)
    out.fill(QColor("#c8ccd3"))
    painter = QPainter(out)
    top = 0.0
    for image, size in zip(images, sizes):
        corner = image.pixelColor(image.width() - 2, 2)
        painter.fillRect(QRectF(0, top, width, size.height()), corner)
        painter.drawImage(QPointF(0, top), image)
        top += size.height() + gap
    painter.end()
    return out


def overlay(base: QImage, top: QImage, at: QPoint) -> QImage:
    """``top`` (a separate window) drawn onto ``base`` at ``at`` with a thin frame and a shadow;
    ``base`` grows (in the colour of its top-left corner) where ``top`` reaches beyond it."""
    scale = base.devicePixelRatio()
    size, room = top.deviceIndependentSize(), base.deviceIndependentSize()
    width = max(room.width(), at.x() + size.width() + 16)
    height = max(room.height(), at.y() + size.height() + 16)
    out = QImage(round(width * scale), round(height * scale), QImage.Format.Format_RGB32)
    out.setDevicePixelRatio(scale)
    out.fill(base.pixelColor(2, 2))
    frame = QRect(at.x(), at.y(), round(size.width()), round(size.height()))
    painter = QPainter(out)
    painter.drawImage(QPointF(0, 0), base)
    painter.fillRect(frame.translated(5, 5), QColor(0, 0, 0, 50))
    painter.drawImage(QPointF(at), top)
    painter.setPen(QPen(QColor("#7a8290"), 1))
    painter.drawRect(frame)
    painter.end()
    return out


def canvas_picture(window, width: int = 1060, margin: int = 16, scale: float = SCALE) -> tuple[QImage, QPoint]:
    """The window's canvas made ``width`` wide (by resizing the window), the whole network fitted
    in, cropped to what is drawn on it (cards, edges and their labels) plus ``margin``; and the
    crop's top-left corner in the canvas's coordinates."""
    canvas = window.canvas
    window.resize(window.width() + width - canvas.width(), window.height())
    settle(200)
    canvas.zoom_fit()
    settle(200)
    image = render(canvas, scale)
    viewport = canvas.viewport()
    drawn = canvas.mapFromScene(canvas.canvas_scene.itemsBoundingRect()).boundingRect()
    crop = drawn.adjusted(-margin, -margin, margin, margin).intersected(viewport.rect())
    crop.translate(viewport.pos())
    pixels = QRect(round(crop.x() * scale), round(crop.y() * scale),
                   round(crop.width() * scale), round(crop.height() * scale))
    cropped = image.copy(pixels)
    cropped.setDevicePixelRatio(scale)
    return cropped, crop.topLeft()


def save_png(image: QImage, path: Path, max_bytes: int = MAX_BYTES) -> Path:
    """Save ``image`` as an optimised PNG; with a palette of 256 colours if it would be too large."""
    from PIL import Image

    buffer = QBuffer()
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    picture = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, "PNG", optimize=True)
    if path.stat().st_size > max_bytes:
        picture.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            path, "PNG", optimize=True)
    return path


def show_tool(widget: QWidget, size: tuple[int, int]) -> QWidget:
    widget.resize(*size)
    widget.show()
    settle(300)
    return widget


# ----------------------------------------------------------------------------
# one picture per teaching tool
# ----------------------------------------------------------------------------
def shot_step_through(out: Path) -> Path:
    """Teach ▸ Step through on the trained XOR network, at "Backward · layer 1": δ and ∂L/∂W in the
    tables and on the canvas's cards and edges."""
    with scratch_window("xor") as window:
        train(window)
        view = show_tool(window.teach.step_through(), (1300, 600))  # it is at least 1300 wide
        view.show_stage(4)
        view.stage_list.setFocus()
        settle(300)
        canvas, _corner = canvas_picture(window, view.width(), scale=1.2)
        return save_png(stack([canvas, render(view, 1.2)]), out / "teach_step_through.png")


def shot_loss_landscape(out: Path) -> Path:
    """Teach ▸ Loss landscape on XOR: the loss around the trained weights with the optimizer's path."""
    with scratch_window("xor") as window:
        view = show_tool(window.teach.loss_landscape(), (960, 720))
        view.resolution_spin.setValue(41)
        view.compute_button.click()
        wait_until(lambda: not view.busy and view.landscape is not None, what="the loss landscape")
        settle(300)
        return save_png(render(view), out / "teach_loss_landscape.png")


def shot_optimizer_race(out: Path) -> Path:
    """Teach ▸ Optimizer race on the ravine: SGD, momentum, Nesterov, RMSProp and Adam from one start."""
    with scratch_window(None) as window:
        view = show_tool(window.teach.optimizer_race(), (1040, 620))
        view.set_problem("ravine")
        settle(300)
        return save_png(render(view), out / "teach_optimizer_race.png")


LEARNING_RATES = (0.0003, 0.03, 3.0)  # too low, about right, too high for Adam on XOR


def shot_compare_runs(out: Path) -> Path:
    """Teach ▸ Compare runs with three real XOR runs kept: learning rate too low, right, too high."""
    with scratch_window("xor") as window:
        window.settings_panel.commit("epochs", 25)
        for lr in LEARNING_RATES:
            window.settings_panel.commit("optimizer.lr", lr)
            window.controller.reset()  # each run from the same initial weights (Play would go on)
            train(window)
            window.teach.keep_run()
        view = show_tool(window.teach.compare_runs(), (1000, 600))
        return save_png(render(view), out / "teach_compare_runs.png")


def shot_activation_gallery(out: Path) -> Path:
    """Teach ▸ Activation gallery: ELU and its derivative with α = 1.5 set on the slider (f′ jumps at 0)."""
    with scratch_window(None) as window:
        view = show_tool(window.teach.activation_gallery(), (1000, 680))
        view.select("elu")
        view.set_param("alpha", 1.5)
        settle(200)
        return save_png(render(view), out / "teach_activation_gallery.png")


def shot_gradient_check(out: Path) -> Path:
    """Teach ▸ Check gradients on LeNet-5: every layer's backward pass against finite differences."""
    with scratch_window("lenet5") as window:
        view = show_tool(window.teach.gradient_check(), (960, 400))
        wait_until(lambda: view.checks is not None or bool(view.error), what="the gradient check")
        settle(200)
        return save_png(render(view), out / "teach_gradient_check.png")


def shot_templates(out: Path) -> Path:
    """Teach ▸ New from template: the gallery with the Siamese pair chosen and its paragraph."""
    with scratch_window(None) as window:
        dialog = show_tool(window.teach.templates(), (1000, 450))
        dialog.select("siamese")
        dialog.tree.setFocus()
        settle(200)
        return save_png(render(dialog), out / "teach_templates.png")


def shot_classroom(out: Path) -> Path:
    """What students see after Teach ▸ Classroom lock… with only the learning rate free: the blue
    banner, the locked canvas, greyed settings and data, the Layers palette hidden."""
    with scratch_window("xor") as window:
        train(window)
        window.classroom.lock(["optimizer.lr"], ["palette"])
        window.docks["settings"].raise_()
        window.canvas.zoom_fit()
        settle(300)
        return save_png(render(window, 1.0), out / "teach_classroom.png")


def shot_weight_editor(out: Path) -> Path:
    """Double-click the edge into the first Dense layer of the trained XOR network: its weights and
    bias in a table, tinted by sign and size, ready to edit."""
    with scratch_window("xor") as window:
        train(window)
        canvas_image, corner = canvas_picture(window)
        middle = edge_middle(window.canvas, "dense_1")
        double_click(window.canvas, middle)
        editor = window.weight_editing.editor
        if editor is None or not editor.isVisible():
            raise RuntimeError("The weight editor did not open")
        fit_table(editor)
        editor.table.clearSelection()
        click = window.canvas.viewport().mapTo(window.canvas, window.canvas.mapFromScene(middle)) - corner
        return save_png(overlay(canvas_image, render(editor), click + QPoint(-40, 60)),
                        out / "teach_weight_editor.png")


def fit_table(editor, widest: int = 1000) -> None:
    """Widen and heighten the editor until its whole table shows (offscreen, the screen is small)."""
    table = editor.table
    for _ in range(40):
        settle(30)
        if table.horizontalScrollBar().isVisible() and editor.width() < widest:
            editor.resize(editor.width() + 40, editor.height())
        elif table.verticalScrollBar().isVisible() and editor.height() < 900:
            editor.resize(editor.width(), editor.height() + 30)
        else:
            break
    settle(200)


def edge_middle(canvas, target: str) -> QPointF:
    scene = canvas.canvas_scene
    (edge,) = [e for e in scene.edge_items if e.target == target]
    return scene.edge_items[edge].path().pointAtPercent(0.5)


def double_click(canvas, scene_pos: QPointF) -> None:
    """A real double-click at ``scene_pos``: the events a mouse sends, through the view's viewport."""
    local = QPointF(canvas.mapFromScene(scene_pos))
    where = QPointF(canvas.viewport().mapToGlobal(local.toPoint()))
    for kind in (QMouseEvent.Type.MouseButtonPress, QMouseEvent.Type.MouseButtonRelease,
                 QMouseEvent.Type.MouseButtonDblClick, QMouseEvent.Type.MouseButtonRelease):
        held = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseButtonRelease else LEFT
        event = QMouseEvent(kind, local, where, LEFT, held, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(canvas.viewport(), event)


TOOL_SHOTS = (shot_step_through, shot_loss_landscape, shot_optimizer_race, shot_compare_runs,
              shot_activation_gallery, shot_gradient_check, shot_templates, shot_classroom, shot_weight_editor)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "resources" / "screenshots")))
