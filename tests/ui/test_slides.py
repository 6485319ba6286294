# ruff: noqa: F811  (pytest fixtures imported from test_main_window)
"""Slides: network + plots composed at 1920×1080 / 300 dpi; training frames → animated GIF or PNG."""

import io
import struct
from itertools import pairwise

import numpy as np
import pytest
from PIL import Image, ImageSequence
from PySide6.QtGui import QColor, QImage, QUndoStack
from PySide6.QtWidgets import QFileDialog

from playground.ui import window_exports
from playground.ui.canvas import CanvasView
from playground.ui.export import image_to_array
from playground.ui.plots import DecisionBoundaryPlot, LossPlot
from playground.ui.slides import (
    FrameRecorder,
    visible_bounds,
    _chunks,
    apng_bytes,
    apng_frames,
    gif_bytes,
    qimage_to_pil,
    same_size_frames,
    save_animation,
    save_apng,
    scene_image,
)
from tests.ui import fakes
from tests.ui.canvas.screenshots import classifier
from tests.ui.helpers import settle
from tests.ui.test_main_window import train_to_end, answers, load_xor, make_window, qsettings, window  # noqa: F401


@pytest.fixture
def pieces(show):
    graph, _ = classifier()
    view = show(CanvasView(graph, QUndoStack()), 900, 600)
    view.auto_layout()
    history = fakes.training_history(n=60)
    x, y = fakes.two_moons()
    boundary = show(DecisionBoundaryPlot(), 520, 420)
    boundary.set_points(x, y)
    boundary.refresh(fakes.history_of(fakes.report(1, decision_grid=fakes.binary_grid())))
    loss = show(LossPlot(), 520, 360)
    loss.refresh(history)
    settle()
    return view, boundary, loss


def _std(rgba, x0, x1, y0, y1):
    return rgba[y0:y1, x0:x1, :3].astype(float).std()


def test_animated_png_holds_every_frame(show, tmp_path):
    widget = show(LossPlot(), 320, 240)
    recorder = FrameRecorder(widget)
    colours = []
    for epoch in range(1, 4):
        widget.refresh(fakes.training_history(n=20 * epoch))
        settle()
        recorder.capture()
    frames = recorder.frames + [QImage(recorder.frames[0].size(), QImage.Format.Format_ARGB32)]
    frames[-1].fill(QColor("red"))
    colours = [image_to_array(f) for f in frames]
    data = save_apng(frames, tmp_path / "training.png", delay_ms=250)
    assert (tmp_path / "training.png").read_bytes() == data
    chunks = list(_chunks(data))
    kinds = [k for k, _ in chunks]
    assert kinds[:2] == [b"IHDR", b"acTL"] and kinds[-1] == b"IEND"
    assert struct.unpack(">II", dict(chunks)[b"acTL"]) == (4, 0)
    assert kinds.count(b"fcTL") == 4
    # sequence numbers of fcTL and fdAT chunks run 0, 1, 2, … without gaps
    seqs = [struct.unpack(">I", d[:4])[0] for k, d in chunks if k in (b"fcTL", b"fdAT")]
    assert seqs == list(range(len(seqs)))
    # a plain PNG reader sees the first frame; each decoded frame equals what was captured
    assert np.array_equal(image_to_array(QImage.fromData(data, "PNG")), colours[0])
    decoded = apng_frames(data)
    assert len(decoded) == 4
    for got, want in zip(decoded, colours):
        assert np.array_equal(image_to_array(got), want)
    assert not np.array_equal(colours[0], colours[1])  # the frames really differ


def test_animation_rejects_mixed_sizes():
    with pytest.raises(ValueError, match="same size"):
        apng_bytes([QImage(10, 10, QImage.Format.Format_ARGB32), QImage(12, 10, QImage.Format.Format_ARGB32)])
    with pytest.raises(ValueError, match="No frames"):
        apng_bytes([])


# --- GIF ----------------------------------------------------------------------------------
def _gif_frames(data: bytes) -> list[tuple[np.ndarray, int]]:
    """``(RGB pixels, duration ms)`` of every frame, as a viewer shows them."""
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.format == "GIF"
        return [(np.asarray(frame.convert("RGB")), frame.info["duration"]) for frame in ImageSequence.Iterator(gif)]


def _loss_frames(show, n=3, size=(320, 240)) -> list[QImage]:
    widget = show(LossPlot(), *size)
    recorder = FrameRecorder(widget)
    for epoch in range(1, n + 1):
        widget.refresh(fakes.training_history(n=20 * epoch))
        settle()
        recorder.capture()
    return recorder.frames


def test_qimage_to_pil_blends_premultiplied_alpha_onto_white():
    image = QImage(5, 2, QImage.Format.Format_ARGB32_Premultiplied)  # 15-byte RGB rows, padded to 16
    image.fill(QColor(0, 0, 0, 0))  # transparent: white in the GIF, not black
    image.setPixelColor(0, 0, QColor(255, 0, 0, 128))  # half-transparent red → pink
    image.setPixelColor(1, 0, QColor(0, 0, 255))
    image.setDevicePixelRatio(2.0)  # a 2× grab: still pixel for pixel
    picture = qimage_to_pil(image)
    assert picture.mode == "RGB" and picture.size == (5, 2)
    pixels = np.asarray(picture).astype(int)
    assert np.abs(pixels[0, 0] - [255, 127, 127]).max() <= 2
    assert pixels[0, 1].tolist() == [0, 0, 255]
    assert pixels[1, 4].tolist() == [255, 255, 255]
    assert np.asarray(qimage_to_pil(image, "#000000"))[1, 4].tolist() == [0, 0, 0]


def test_gif_holds_the_frames_loops_and_holds_the_last(show, tmp_path):
    frames = _loss_frames(show)
    data = gif_bytes(frames, delay_ms=200, hold_ms=1500)
    assert data[:6] == b"GIF89a"
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.info["loop"] == 0 and gif.n_frames == 3 and gif.size == (320, 240)
    decoded = _gif_frames(data)
    assert [duration for _, duration in decoded] == [200, 200, 1500]
    for (pixels, _), frame in zip(decoded, frames):
        want = image_to_array(frame)[..., :3].astype(int)
        assert np.abs(pixels.astype(int) - want).mean() < 2  # 255 shared colours are plenty for a plot
        assert pixels.std() > 20  # curves and labels, not a blank frame
    assert not np.array_equal(decoded[0][0], decoded[1][0])
    assert len(data) < 80_000  # unchanged pixels cost nothing after the first frame


def test_wide_frames_are_scaled_to_the_slide_width_and_mixed_sizes_fitted(tmp_path):
    wide = []
    for colour in ("red", "blue"):
        frame = QImage(2400, 300, QImage.Format.Format_ARGB32_Premultiplied)
        frame.fill(QColor(colour))
        wide.append(frame)
    with Image.open(io.BytesIO(gif_bytes(wide))) as gif:
        assert gif.size == (1920, 240)
    small = QImage(1200, 300, QImage.Format.Format_ARGB32_Premultiplied)
    small.fill(QColor("green"))  # captured before the window was made wider
    fitted = same_size_frames([small] + wide)
    assert {(f.width(), f.height()) for f in fitted} == {(2400, 300)}
    pixels = image_to_array(fitted[0])
    assert pixels[150, 1200, :3].tolist() == [0, 128, 0] and pixels[150, 10, :3].tolist() == [255, 255, 255]
    data = save_animation([small] + wide, tmp_path / "mixed.gif")
    assert (tmp_path / "mixed.gif").read_bytes() == data and len(_gif_frames(data)) == 3
    assert len(apng_frames(save_animation([small] + wide, tmp_path / "mixed.png"))) == 3
    with pytest.raises(ValueError, match="No frames"):
        save_animation([], tmp_path / "none.gif")


def test_scene_image_is_the_network_alone_at_twice_its_size(pieces):
    view = pieces[0]
    scene = view.scene()
    image = scene_image(scene, 2.0, "white", margin=20)
    bounds = visible_bounds(scene)
    assert abs(image.width() - 2 * (bounds.width() + 40)) <= 2
    assert abs(image.height() - 2 * (bounds.height() + 40)) <= 2
    rgba = image_to_array(image)
    assert (rgba[1, 1, :3] == 255).all() and rgba[..., :3].std() > 20  # white margin, drawn cards


def _distinct_in_a_row(frames: list[QImage]) -> int:
    """How many frames a GIF keeps: a frame equal to the one before it only lengthens that one."""
    pixels = [image_to_array(f) for f in frames]
    return 1 + sum(not np.array_equal(a, b) for a, b in pairwise(pixels))


def test_window_saves_the_training_as_gif_or_animated_png(window, answers, tmp_path, qtbot, monkeypatch):
    monkeypatch.setattr(window_exports, "FRAME_GAP_S", 0.0)  # a frame for every epoch the window sees
    exports = window.slide_exports
    load_xor(window, epochs=40)  # reports bundle the epochs of ~50 ms: 40 give a few frames
    train_to_end(window, qtbot)
    qtbot.waitUntil(lambda: exports.frame_count() >= 2, timeout=5000)
    recorded = list(exports.recorder.frames)
    asked = []
    answer = {"path": tmp_path / "training", "filter": ""}  # no suffix typed, the default type
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *args, **kw: asked.append(args) or (str(answer["path"]), answer["filter"])))
    window.exporter.fill_menu(window.export_menu)
    action = next(a for a in window.export_menu.actions() if a.text() == "Save training animation…")
    with qtbot.waitSignal(exports.saver().done, timeout=10000) as saved:
        action.trigger()
    assert asked[0][3] == "GIF animation (*.gif);;Animated PNG (*.png)" and asked[0][4].startswith("GIF")
    assert saved.args == [str(tmp_path / "training.gif")]
    assert window.statusBar().currentMessage() == f"Saved the training animation to {tmp_path / 'training.gif'}"
    data = (tmp_path / "training.gif").read_bytes()
    decoded = _gif_frames(data)
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.size == (recorded[-1].width(), recorded[-1].height()) and gif.info["loop"] == 0
    assert 2 <= len(decoded) <= _distinct_in_a_row(recorded)  # a repeated frame is kept as a longer one
    durations = [duration for _, duration in decoded]
    assert sum(durations) == 200 * (len(recorded) - 1) + 2000  # every recorded frame is on screen
    assert durations[-1] >= 2000  # the trained state stays a while before the loop starts again
    assert all(pixels.std() > 20 for pixels, _ in decoded)  # plots, not blank frames
    assert not np.array_equal(decoded[0][0], decoded[-1][0])  # the boundary and curves moved
    last = image_to_array(recorded[-1])[..., :3].astype(int)
    assert np.abs(decoded[-1][0].astype(int) - last).mean() < 2

    answer.update(path=tmp_path / "training_apng", filter="Animated PNG (*.png)")
    with qtbot.waitSignal(exports.saver().done, timeout=10000):
        action.trigger()
    assert len(apng_frames((tmp_path / "training_apng.png").read_bytes())) == len(recorded)

    answer.update(path=tmp_path / "no such folder" / "t.gif", filter="")
    with qtbot.waitSignal(exports.saver().failed, timeout=10000):
        action.trigger()
    assert window.banner.isVisible()
    assert "Could not save the animation: cannot write" in window.statusBar().currentMessage()


def test_recorded_frames_are_kept_compressed(qtbot):
    """Raw frames of the plots held ~300 MB in a long run; compressed they are a small fraction."""
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(800, 300)
    plot.show()
    recorder = FrameRecorder(plot)
    for _ in range(4):
        raw = recorder.capture()
    kept = sum(len(f.result()) for f in recorder._encoded)
    assert len(recorder) == 4 and kept < 0.25 * 4 * raw.sizeInBytes()
    frames = recorder.frames
    assert len(frames) == 4 and frames[0].size() == raw.size()
