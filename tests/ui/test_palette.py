"""The layer palette: every catalog kind, grouped, with icons, search, drag data and double-click."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QApplication

from playground.model.catalog import CATALOG, GROUPS
from playground.model.graph import Graph
from playground.ui.canvas import CanvasView
from playground.ui.export import image_to_array
from playground.ui.palette import GROUP_COLOURS, KIND_ROLE, LAYER_MIME, PaletteWidget, group_icon, group_pixmap


@pytest.fixture
def palette(qtbot):
    widget = PaletteWidget()
    qtbot.addWidget(widget)
    widget.resize(260, 700)
    widget.show()
    return widget


def pixels(pm) -> np.ndarray:
    """A copy of the pixmap's RGBA pixels (a view would outlive the temporary QImage)."""
    return image_to_array(pm.toImage())


def drag_event(cls, at: QPointF, *args):
    """A drag event at ``at``: PySide6 ≥ 6.12 takes a QPointF, older versions a QPoint."""
    try:
        return cls(at, *args)
    except TypeError:
        return cls(at.toPoint(), *args)


def test_every_catalog_kind_is_listed_once_in_its_group(palette):
    assert palette.groups() == [g for g in GROUPS if any(s.group == g for s in CATALOG.values())]
    listed = {}
    tree = palette.tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            listed[top.child(j).data(0, KIND_ROLE)] = top.text(0)
    assert listed == {kind: spec.group for kind, spec in CATALOG.items()}
    assert palette.item_for("dense").text(0) == "Dense"
    assert "fully connected" in palette.item_for("dense").toolTip(0).lower()


def test_icons_are_drawn_per_group_in_the_group_colour(qapp):
    for group in GROUPS:
        assert not group_icon(group).isNull()
    small, big = group_pixmap("Core", 22, 1.0), group_pixmap("Core", 22, 2.0)
    assert (small.width(), big.width()) == (22, 44)  # device pixels: sharp at 2×
    rgba = pixels(big)
    drawn = rgba[rgba[..., 3] > 200][:, :3].astype(int)
    assert len(drawn) > 50
    core = np.array([int(GROUP_COLOURS["Core"][i:i + 2], 16) for i in (1, 3, 5)])
    assert np.abs(drawn - core).sum(axis=1).min() < 30  # the glyph uses the group colour
    # different groups get different glyphs
    assert not np.array_equal(pixels(group_pixmap("Core")), pixels(group_pixmap("Pooling")))


def test_search_filters_by_words_and_clearing_shows_all(palette):
    palette.search.setText("relu")
    shown = set(palette.visible_kinds())
    assert {"relu", "leaky_relu", "prelu"} <= shown
    assert "dense" not in shown and "conv2d" not in shown
    palette.search.setText("pool max")
    assert set(palette.visible_kinds()) == {"max_pool2d", "global_max_pool2d"}
    assert palette._groups["Core"].isHidden() and not palette._groups["Pooling"].isHidden()
    palette.search.setText("")
    assert set(palette.visible_kinds()) == set(CATALOG)


def test_drag_data_carries_only_the_kind(palette):
    mime = palette.mime_for("dense")
    assert palette.tree.mimeTypes() == [LAYER_MIME]
    assert bytes(mime.data(LAYER_MIME)) == b"dense"


def test_double_click_asks_to_add_at_the_centre(palette, qtbot):
    item = palette.item_for("tanh")
    with qtbot.waitSignal(palette.add_requested) as blocker:
        palette.tree.itemActivated.emit(item, 0)
    assert blocker.args == ["tanh"]
    # a group heading adds nothing
    with qtbot.assertNotEmitted(palette.add_requested):
        palette.tree.itemActivated.emit(palette._groups["Core"], 0)


def test_palette_drop_on_the_canvas_adds_the_layer(palette, qtbot):
    view = CanvasView(Graph(), QUndoStack())
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.show()
    mime = palette.mime_for("dense")
    at = QPointF(400, 250)
    actions, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    enter = drag_event(QDragEnterEvent, at, actions, mime, left, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(view.viewport(), drag_event(QDragMoveEvent, at, actions, mime, left,
                                                       Qt.KeyboardModifier.NoModifier))
    QApplication.sendEvent(view.viewport(), QDropEvent(at, actions, mime, left, Qt.KeyboardModifier.NoModifier))
    assert [n.kind for n in view.graph] == ["dense"]
    assert view.undo_stack.count() == 1
