"""A layer that shares weights says so on its card; the inspector sets it and the card follows."""

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from playground.model.templates import template_project
from playground.ui.inspector import InspectorWidget
from tests.ui.helpers import Models

SHOTS = os.environ.get("PLAYGROUND_SHOTS")  # a folder: save screenshots there to look at them


def test_the_siamese_towers_say_which_weights_they_share(make_view):
    project = template_project("siamese")
    view = make_view(project.graph, size=(1500, 520))
    view.set_dataset_shapes({"input_1": (1, 8, 16)}, (1,))
    view.zoom_fit()
    right_first, right_second = view.node_item("dense_3"), view.node_item("dense_4")
    assert "shares weights with dense_1" in right_first.text().splitlines()
    assert "shares weights with dense_2" in right_second.text().splitlines()
    # counted once: 64·32 + 32 = 2,080 on the owner, nothing on the twin
    assert "2,080 params" in view.node_item("dense_1").text() and "0 params" in right_first.text()
    assert "shares weights" not in view.node_item("dense_1").text()
    assert right_first.problem is None
    if SHOTS:
        view.grab().save(os.path.join(SHOTS, "siamese_canvas.png"))


def test_typing_a_layer_in_the_inspector_ties_the_card_and_undo_unties_it(make_view, qtbot):
    project = template_project("siamese")
    graph = project.graph
    graph.set_param("dense_3", "share_weights_with", None)  # start untied
    view = make_view(graph, size=(1500, 520))
    view.set_dataset_shapes({"input_1": (1, 8, 16)}, (1,))
    models = Models(project)
    inspector = InspectorWidget(models.document, models.edits, models.run, view.canvas_scene)
    qtbot.addWidget(inspector)
    inspector.resize(360, 520)
    inspector.show()
    inspector.show_node("dense_3")
    field = inspector.editors["share_weights_with"].widget
    assert isinstance(field, QLineEdit) and field.text() == "" and field.placeholderText().startswith("none")
    card = view.node_item("dense_3")
    assert "shares weights" not in card.text() and "2,080 params" in card.text()

    field.setFocus()
    qtbot.keyClicks(field, "dense_1")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert graph.node("dense_3").params["share_weights_with"] == "dense_1"
    assert "shares weights with dense_1" in card.text() and "0 params" in card.text()
    if SHOTS:
        inspector.grab().save(os.path.join(SHOTS, "siamese_inspector.png"))

    view.undo_stack.undo()
    assert "shares weights" not in card.text() and field.text() == ""


def test_a_wrong_reference_turns_the_card_red_with_the_fix(make_view):
    project = template_project("siamese")
    view = make_view(project.graph, size=(1500, 520))
    view.set_dataset_shapes({"input_1": (1, 8, 16)}, (1,))
    assert view.set_param("dense_4", "share_weights_with", "dense_1")
    card = view.node_item("dense_4")
    assert card.problem.startswith("Dense shares weights with dense_1, but needs weights W (32, 16), b (16,) "
                                   "where dense_1 has W (64, 32), b (32,)")
    if SHOTS:
        view.zoom_fit()
        view.grab().save(os.path.join(SHOTS, "siamese_wrong.png"))
