# ruff: noqa: F811  (pytest fixtures imported from test_main_window)
"""The point painter and the slide/animation exports, hooked into the real main window (offscreen)."""

import numpy as np
from PySide6.QtGui import QImage

from playground.data import load_dataset
from playground.model.project import Project
from playground.model.settings import DatasetRef
from playground.session.report import Report
from playground.ui import window_exports
from playground.ui.slides import apng_frames
from tests.ui.test_main_window import train_to_end, answers, load_xor, make_window, qsettings, window  # noqa: F401
from tests.ui.test_panels import xor_project


def painted_options(window) -> dict:
    ref = window.project.dataset
    assert ref is not None and ref.name == "painted"
    return dict(ref.options)


def test_painted_points_store_in_project_and_train(window, qtbot):
    panel = window.dataset_panel
    painter = window.slide_exports.painted.painter
    assert not painter.isVisible()
    window.set_project(xor_project(epochs=2, dataset=None), None)
    panel.choose("painted")
    qtbot.waitUntil(painter.isVisible, timeout=5000)
    assert "points" not in panel.editors and "classes" not in panel.editors  # no raw text option
    before = painted_options(window).get("points")
    rng = np.random.RandomState(0)
    painter.add_points(rng.uniform(1, 5, (20, 2)), label=0)
    painter.add_points(rng.uniform(-5, -1, (20, 2)), label=1)
    qtbot.waitUntil(lambda: painted_options(window).get("points") != before, timeout=5000)
    stored = painted_options(window)
    assert stored == painter.options()
    assert len(load_dataset("painted", **stored)) == len(painter.points()[1])
    window.undo_stack.undo()  # painting is undoable like any dataset edit (quick edits merge)
    assert window.project.dataset is None or window.project.dataset.options.get("points") != stored["points"]
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: painted_options(window) == stored, timeout=5000)
    qtbot.waitUntil(lambda: len(painter.points()[1]) == len(load_dataset("painted", **stored)), timeout=5000)
    panel.wait_idle()
    qtbot.waitUntil(lambda: panel.dataset is not None and len(panel.dataset) == 40 + 4, timeout=5000)
    train_to_end(window, qtbot)
    assert window.project.trained and window.run.data.plane and len(window.run.data.x_train) > 0


def test_opening_a_painted_project_fills_the_painter(window, qtbot):
    project = xor_project(epochs=2, dataset=None)
    project.dataset = DatasetRef(name="painted", options={"points": "1,1,0;2,2,1;-1,-2,2", "classes": 3})
    window.set_project(project, None)
    painter = window.slide_exports.painted.painter
    qtbot.waitUntil(painter.isVisible, timeout=5000)
    _x, y = painter.points()
    assert painter.num_classes == 3 and y.tolist() == [0, 1, 2]
    assert not window.modified  # showing the stored points is no edit
    window.set_project(Project(dataset=DatasetRef(name="circle", options={})), None)
    assert not painter.isVisible()


def test_export_slide_is_full_hd_png(window, answers, tmp_path, qtbot):
    """The default slide (drawn from the models, see tests/ui/test_figures.py for the composer)."""
    load_xor(window, epochs=2)
    window.project.title = "XOR demo"
    texts = [a.text() for a in window.export_menu.actions()]
    assert "Slide…" in texts
    answers["save_path"] = tmp_path / "slide.png"
    assert window.slide_exports.save_slide() == str(tmp_path / "slide.png")
    image = QImage(str(tmp_path / "slide.png"))
    assert (image.width(), image.height()) == (1920, 1080)
    answers["save_path"] = tmp_path / "print.png"
    assert window.slide_exports.save_slide(print_size=True) == str(tmp_path / "print.png")
    image = QImage(str(tmp_path / "print.png"))
    assert (image.width(), image.height()) == (3840, 2160)
    assert round(image.dotsPerMeterX() / 39.37007874) == 300


def test_training_animation_records_epochs_while_training(window, answers, tmp_path, qtbot, monkeypatch):
    monkeypatch.setattr(window_exports, "FRAME_GAP_S", 0.0)  # every epoch the window sees
    exports = window.slide_exports
    assert exports.save_animation() is None  # nothing recorded yet: a message, no dialog
    load_xor(window, epochs=40)
    train_to_end(window, qtbot)
    qtbot.waitUntil(lambda: exports.frame_count() >= 2, timeout=5000)
    answers["save_path"] = tmp_path / "training.png"
    window.exporter.fill_menu(window.export_menu)
    action = next(a for a in window.export_menu.actions() if a.text() == "Save training animation…")
    assert action.isEnabled()
    with qtbot.waitSignal(exports.saver().done, timeout=10000):  # written on a worker thread
        action.trigger()
    frames = apng_frames((tmp_path / "training.png").read_bytes())
    assert 2 <= len(frames) <= 40 + 1


def test_animation_frames_are_spaced_in_time_and_follow_epochs(window, monkeypatch):
    """Tiny data trains hundreds of epochs a second: a frame for each would stall the window."""
    exports = window.slide_exports
    exports._on_run_state("training")
    clock = [100.0]
    monkeypatch.setattr(window_exports.time, "perf_counter", lambda: clock[0])
    for epoch in range(1, 11):  # ten epoch ends within 0.1 s: one frame
        clock[0] += 0.01
        exports._on_report(Report(epoch, epoch * 10, 1000, 0.1, 0.5, epoch_end=True))
    assert exports.frame_count() == 1
    clock[0] += window_exports.FRAME_GAP_S
    exports._on_report(Report(11, 110, 1000, 0.1, 0.5))  # not at an epoch end: no frame
    exports._on_report(Report(11, 115, 1000, 0.1, 0.5, epoch_end=True))
    exports._on_report(Report(11, 116, 1000, 0.1, 0.5, done=True))  # same epoch as the last frame
    assert exports.frame_count() == 2
    exports._on_report(Report(12, 120, 1000, 0.1, 0.5, done=True))  # the end is always kept
    assert exports.frame_count() == 3
