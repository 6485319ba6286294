"""Slides: network + plots composed at 1920×1080 / 300 dpi; training frames → animated PNG."""

import struct
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QUndoStack

from playground.ui.canvas import CanvasView
from playground.ui.export import image_to_array, image_to_png
from playground.ui.plots import DecisionBoundaryPlot, LossPlot
from playground.ui.slides import (
    FrameRecorder,
    _chunks,
    apng_bytes,
    apng_frames,
    compose_slide,
    save_apng,
    slide_size,
)
from tests.ui import fakes
from tests.ui.canvas.screenshots import classifier
from tests.ui.helpers import settle


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


def test_slide_is_full_hd_white_with_title_network_and_two_plots(pieces):
    view, boundary, loss = pieces
    image = compose_slide("XOR with one hidden layer", view, [boundary, loss],
                          captions=["Network"], subtitle="after 60 epochs")
    assert (image.width(), image.height()) == (1920, 1080)
    Path("/tmp/shots").mkdir(exist_ok=True)
    image.save("/tmp/shots/slide.png")
    rgba = image_to_array(image)
    assert (rgba[2, 2, :3] == 255).all() and (rgba[-2, -2, :3] == 255).all()  # white corners
    assert _std(rgba, 60, 1100, 30, 110) > 10  # title text
    # a long chain of layers is wide: network on top, full width; plots side by side below
    assert _std(rgba, 60, 1860, 250, 500) > 10  # network
    assert _std(rgba, 60, 920, 600, 1020) > 10  # decision boundary (bottom left)
    assert _std(rgba, 1000, 1860, 600, 1020) > 10  # loss curve (bottom right)
    orange = np.abs(rgba[..., :3].astype(int) - [245, 147, 34]).sum(-1) < 60
    assert orange[560:, :940].sum() > 1000 and orange[:540].sum() < 200
    # the scene is drawn, not the view: no grey canvas background on the slide
    grey = (np.abs(rgba[200:520, 40:1880, :3].astype(int) - rgba[200, 40, :3]).sum(-1) < 3).mean()
    assert (rgba[200, 40, :3] == 255).all() and grey > 0.9


def test_tall_network_goes_left_and_plots_stack_on_the_right(pieces):
    _, boundary, loss = pieces
    tall = QImage(400, 600, QImage.Format.Format_RGB32)
    tall.fill(QColor("#0877bd"))
    rgba = image_to_array(compose_slide("Tall", tall, [boundary, loss]))
    blue = np.abs(rgba[..., :3].astype(int) - [8, 119, 189]).sum(-1) < 10
    assert blue[250:1000, :1000].sum() > 100_000  # the network image, left
    assert _std(rgba, 1150, 1860, 250, 560) > 10  # decision boundary (right, top)
    assert _std(rgba, 1150, 1860, 650, 1040) > 10  # loss curve (right, bottom)


def test_slide_layouts_and_errors(pieces):
    view, boundary, loss = pieces
    only_net = image_to_array(compose_slide("Just the network", view, []))
    assert _std(only_net, 300, 1600, 300, 900) > 10
    two_plots = image_to_array(compose_slide("Plots", None, [boundary, loss], size=(1280, 720)))
    assert two_plots.shape == (720, 1280, 4)
    assert _std(two_plots, 60, 600, 150, 680) > 10 and _std(two_plots, 680, 1220, 150, 680) > 10
    with pytest.raises(ValueError, match="at least"):
        compose_slide("empty", None, [])
    with pytest.raises(ValueError, match="at most two"):
        compose_slide("too many", view, [boundary, loss, loss])


def test_slide_at_300_dpi_keeps_size_and_stores_resolution(pieces):
    view, _, loss = pieces
    size = slide_size(4, 2.25, dpi=300)
    assert size == (1200, 675)
    image = compose_slide("Print", QImage(view.grab().toImage()), [loss], size=size, dpi=300)
    assert (image.width(), image.height()) == size
    reread = QImage.fromData(image_to_png(image), "PNG")
    assert round(reread.dotsPerMeterX() / 39.37007874) == 300


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
