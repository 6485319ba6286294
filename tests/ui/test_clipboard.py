# ruff: noqa: F811  (pytest fixtures imported from test_main_window)
"""Edit ▸ Copy image of the network / plots / window: 2× pictures on the clipboard, ready to paste."""

import numpy as np
import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from playground.ui.export import image_to_array
from playground.ui.slides import visible_bounds
from tests.ui.test_main_window import answers, load_xor, make_window, qsettings, window  # noqa: F401

COPY_ACTIONS = ("copy_network_image", "copy_plots_image", "copy_window_image")


def copied_by(window, name: str) -> np.ndarray:
    """Trigger action ``name`` on an empty clipboard; the RGBA pixels it put there."""
    clipboard = QApplication.clipboard()
    clipboard.clear()
    assert clipboard.image().isNull()
    window.menu_actions[name].trigger()
    image = clipboard.image()
    assert not image.isNull(), name
    return image_to_array(image)


def lightness(pixels: np.ndarray) -> float:
    """The median brightness: the background, as most of a picture is background."""
    return float(np.median(pixels[..., :3].mean(axis=2)))


@pytest.fixture
def xor_window(window):
    load_xor(window, epochs=2)
    return window


def test_edit_menu_offers_the_three_copies(xor_window):
    edit_menu = next(a.menu() for a in xor_window.menuBar().actions() if a.text() == "&Edit")
    texts = [a.text() for a in edit_menu.actions()]
    assert ["Copy image of the &network", "Copy image of the p&lots", "Copy image of the &window"] == \
        [t for t in texts if t.startswith("Copy image")]
    assert xor_window.menu_actions["copy_network_image"].shortcut() == QKeySequence("Ctrl+Shift+C")


def test_network_copy_is_the_diagram_alone_at_twice_its_size(xor_window):
    pixels = copied_by(xor_window, "copy_network_image")
    bounds = visible_bounds(xor_window.canvas.canvas_scene)
    margin = 20  # scene units around the cards
    assert abs(pixels.shape[1] - 2 * (bounds.width() + 2 * margin)) <= 2
    assert abs(pixels.shape[0] - 2 * (bounds.height() + 2 * margin)) <= 2
    assert (pixels[2, 2, :3] == 255).all() and (pixels[-3, -3, :3] == 255).all()  # white, no dot grid
    assert pixels[..., :3].std() > 20  # cards, text and wires drawn
    assert xor_window.statusBar().currentMessage() == "Copied the network to the clipboard (2×)"


@pytest.mark.parametrize("name, part", [("copy_plots_image", "plots"), ("copy_window_image", None)])
def test_plots_and_window_copies_are_twice_their_size_and_not_blank(xor_window, name, part):
    widget = getattr(xor_window, part) if part else xor_window
    pixels = copied_by(xor_window, name)
    assert pixels.shape[:2] == (2 * widget.height(), 2 * widget.width())
    assert (pixels[..., 3] == 255).all()  # opaque: pastes the same on any slide
    assert pixels[..., :3].std() > 20 and lightness(pixels) > 200  # drawn, on the light theme's white
    assert xor_window.statusBar().currentMessage().startswith("Copied the ")


def test_dark_theme_copies_keep_their_dark_background(xor_window, qtbot):
    """Light text must not land on white: in the dark theme the copies keep the dark look."""
    xor_window.set_theme("dark")
    scene = xor_window.canvas.canvas_scene
    qtbot.waitUntil(lambda: scene.style.background.lightness() < 128, timeout=5000)  # palette events arrived
    for name in COPY_ACTIONS:
        pixels = copied_by(xor_window, name)
        assert lightness(pixels) < 90, name
        assert pixels[..., :3].std() > 20, name


def test_transparent_background_toggle_reaches_the_copies(xor_window):
    xor_window.exporter.transparent = True
    pixels = copied_by(xor_window, "copy_network_image")
    assert pixels[2, 2, 3] == 0 and pixels[..., 3].max() == 255  # clear margin, opaque cards
