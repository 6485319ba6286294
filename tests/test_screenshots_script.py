"""scripts/screenshot.py draws the README's tool pictures from the real windows: a few cheap ones
are made here (offscreen, into a temporary folder) and must be real pictures of a readable size."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def screenshot():
    spec = importlib.util.spec_from_file_location("screenshot_script", ROOT / "scripts" / "screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("tool", ["activation_gallery", "optimizer_race", "templates"])
def test_a_tool_picture_is_written_at_readme_size_and_is_not_blank(qapp, screenshot, tmp_path, tool):
    path = getattr(screenshot, f"shot_{tool}")(tmp_path)

    assert path == tmp_path / f"teach_{tool}.png" and path.is_file()
    assert path.stat().st_size < screenshot.MAX_BYTES
    with Image.open(path) as picture:
        assert picture.format == "PNG"
        width, height = picture.size
        pixels = np.asarray(picture.convert("L"), dtype=float)
    assert 1200 <= width <= 1600 and 500 <= height <= 1400, (width, height)
    assert pixels.std() > 20, f"{path.name} looks blank (grey level std {pixels.std():.1f})"
    dark = (pixels < 100).mean()  # text, curves and lines drawn on a light window
    assert 0.005 < dark < 0.5, f"{path.name}: {dark:.1%} dark pixels"


def test_a_picture_too_large_for_the_readme_is_saved_with_a_palette(qapp, screenshot, tmp_path):
    from PySide6.QtGui import QColor, QImage

    noise = np.random.default_rng(0).integers(0, 256, size=(300, 400, 4), dtype=np.uint8)
    noise[..., 3] = 255
    image = QImage(noise.data, 400, 300, 1600, QImage.Format.Format_RGBA8888).copy()
    image.setPixelColor(0, 0, QColor("white"))

    path = screenshot.save_png(image, tmp_path / "noise.png", max_bytes=100_000)

    with Image.open(path) as picture:
        assert picture.mode == "P" and picture.size == (400, 300)
