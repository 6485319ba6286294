"""Export: PNG at 1×/2×/3×, SVG, clipboard, backgrounds."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from playground.ui import export
from playground.ui.plots import LossPlot
from tests.ui import fakes

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def loss_plot(show):
    plot = show(LossPlot(), 400, 300)
    plot.refresh(fakes.training_history(n=20))
    return plot


@pytest.mark.parametrize("scale", export.SCALES)
def test_png_is_scale_times_the_widget_and_not_blank(loss_plot, scale):
    image = export.grab_image(loss_plot, scale=scale, background="white")
    assert (image.width(), image.height()) == (400 * scale, 300 * scale)
    assert image.devicePixelRatio() == scale
    pixels = export.image_to_array(image)
    assert pixels.shape == (300 * scale, 400 * scale, 4)
    assert pixels[..., :3].std() > 10  # curves, axes and text: far from one flat colour


def test_png_bytes_and_file(loss_plot, tmp_path):
    data = export.png_bytes(loss_plot, scale=2)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    path = tmp_path / "loss.png"
    image = export.save_png(loss_plot, path, scale=2)
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert image.width() == 800


def test_transparent_background_leaves_the_plot_area_clear(loss_plot):
    pixels = export.image_to_array(export.grab_image(loss_plot, background="transparent"))
    corner = pixels[-3, -3]  # bottom-right corner: background only
    assert corner[3] == 0
    assert pixels[..., 3].max() == 255  # but the curves and text are drawn


def test_white_background_replaces_the_plot_background(loss_plot):
    loss_plot.plot_widget.setBackground("#123456")
    pixels = export.image_to_array(export.grab_image(loss_plot, background="white"))
    assert tuple(pixels[-3, -3]) == (255, 255, 255, 255)
    # and the on-screen background comes back afterwards
    assert loss_plot.plot_widget.backgroundBrush().color().name() == "#123456"


def test_lines_are_thicker_in_a_2x_export_and_restored_after(loss_plot):
    curve = loss_plot.curve("train").curve
    width = curve.opts["pen"].widthF()
    seen = []
    original = curve.paint

    def spy(painter, *args):
        seen.append(curve.opts["pen"].widthF())
        return original(painter, *args)

    curve.paint = spy
    try:
        export.grab_image(loss_plot, scale=2)
    finally:
        del curve.paint
    assert seen and seen[0] == pytest.approx(2 * width)
    assert curve.opts["pen"].widthF() == width


def test_svg_parses_and_contains_paths(loss_plot, tmp_path):
    data = export.save_svg(loss_plot, tmp_path / "loss.svg", background="white", title="Loss")
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}path")) > 0
    assert root.find(f"{SVG}title").text == "Loss"
    assert (tmp_path / "loss.svg").read_bytes() == data


def test_export_works_on_any_widget(qtbot):
    label = QLabel("Hello, lecture hall")
    qtbot.addWidget(label)
    label.resize(200, 40)
    image = export.grab_image(label, scale=2, background="white")
    assert (image.width(), image.height()) == (400, 80)
    assert export.image_to_array(image)[..., :3].std() > 0
    assert b"<svg" in export.svg_bytes(label)


def test_copy_to_clipboard_puts_image_and_svg(loss_plot):
    image = export.copy_to_clipboard(loss_plot, scale=2)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasImage()
    assert b"<svg" in bytes(mime.data("image/svg+xml"))
    assert image.width() == 800


def test_bad_arguments_are_explained(loss_plot):
    with pytest.raises(ValueError, match="scale must be positive"):
        export.grab_image(loss_plot, scale=0)
    with pytest.raises(ValueError, match="Unknown background"):
        export.grab_image(loss_plot, background="not-a-colour")


def test_image_to_array_reads_rgba():
    from PySide6.QtGui import QColor, QImage

    image = QImage(3, 2, QImage.Format.Format_ARGB32)
    image.fill(QColor(10, 20, 30, 255))
    pixels = export.image_to_array(image)
    assert pixels.shape == (2, 3, 4)
    assert np.all(pixels == [10, 20, 30, 255])
