"""The screenshot set renders (a person looks at the pictures; the test checks they exist and are not blank)."""

from PySide6.QtGui import QImage

from .screenshots import shoot


def test_screenshots_render(qapp, tmp_path):
    paths = shoot(tmp_path)
    assert len(paths) == 10
    for path in paths:
        image = QImage(str(path))
        assert image.width() > 500 and image.height() > 200  # the weight editor is a small window
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 23)}
        assert len(colours) > 10, f"{path.name} looks blank"
