"""UI test helpers: show a widget offscreen at a fixed size and let it lay itself out."""

import pytest

from tests.ui.helpers import settle


@pytest.fixture(autouse=True)
def _qt_application(qapp):
    """Every UI test runs with a QApplication, whatever order xdist runs them in."""
    yield


@pytest.fixture
def show(qtbot):
    """``show(widget, w=640, h=420)``: register with qtbot, resize, show, settle; return it."""

    def _show(widget, width=640, height=420):
        qtbot.addWidget(widget)
        widget.resize(width, height)
        widget.show()
        qtbot.waitExposed(widget)
        settle()
        return widget

    return _show
