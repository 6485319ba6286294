"""The inspector: editors built from catalog specs, edits through undoable SetParam commands."""

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from playground.model.catalog import get_spec
from playground.model.graph import Graph
from playground.model.params import ParamSpec
from playground.ui.canvas.commands import SetParam, try_push
from playground.ui.editors import NumberSpinBox, make_editor, parse_shape
from playground.model.project import Project
from playground.ui.inspector import InspectorWidget
from tests.ui.helpers import Models


# ----------------------------------------------------------------------------
# editors from specs
# ----------------------------------------------------------------------------
def test_int_spec_becomes_a_spin_box_with_the_spec_range(qtbot):
    editor = make_editor(get_spec("dense").param("units"), 8)
    box = editor.widget
    qtbot.addWidget(box)
    assert isinstance(box, QSpinBox)
    assert (editor.allowed, box.value()) == ((1, 100_000), 8)  # typed values outside are refused in words
    assert "neurons" in box.toolTip().lower() and "[1, 100000]" in box.toolTip()
    with qtbot.waitSignal(editor.committed) as blocker:
        box.setValue(12)
    assert blocker.args == [12]


def test_optional_int_reads_none_at_the_bottom_of_the_range(qtbot):
    editor = make_editor(get_spec("max_pool2d").param("stride"), None)
    qtbot.addWidget(editor.widget)
    assert editor.value() is None
    assert editor.widget.text() == "= pool size"
    editor.widget.setValue(2)
    assert editor.value() == 2


def test_float_spin_box_shows_and_reads_scientific_numbers(qtbot):
    box = NumberSpinBox()
    qtbot.addWidget(box)
    box.setRange(0.0, 1.0)
    box.setValue(1e-5)
    assert box.text() == "1e-05"
    assert box.valueFromText("2.5e-3") == pytest.approx(0.0025)
    # an exclusive bound stays out of reach: a dropout rate is below 1
    editor = make_editor(get_spec("dropout").param("rate"), 0.5)
    qtbot.addWidget(editor.widget)
    assert 0.99 < editor.allowed[1] < 1.0


def test_choice_and_bool_and_shape_editors(qtbot):
    init = make_editor(get_spec("dense").param("init"), "he_normal")
    qtbot.addWidget(init.widget)
    assert isinstance(init.widget, QComboBox)
    assert init.widget.currentText() == "He normal" and init.value() == "he_normal"
    loss = make_editor(get_spec("output").param("loss"), "bce")
    qtbot.addWidget(loss.widget)
    assert loss.widget.currentText() == "Binary cross-entropy"
    bias = make_editor(get_spec("dense").param("use_bias"), False)
    qtbot.addWidget(bias.widget)
    assert isinstance(bias.widget, QCheckBox) and bias.value() is False
    shape = make_editor(get_spec("input").param("shape"), (1, 28, 28))
    qtbot.addWidget(shape.widget)
    assert isinstance(shape.widget, QLineEdit) and shape.widget.text() == "1, 28, 28"
    assert parse_shape("(3, 32, 32)") == (3, 32, 32)
    assert parse_shape("2") == (2,)
    assert parse_shape("two") == "two"


def test_set_value_does_not_commit(qtbot):
    editor = make_editor(ParamSpec("n", "int", 3, minimum=0, maximum=9))
    qtbot.addWidget(editor.widget)
    with qtbot.assertNotEmitted(editor.committed):
        editor.set_value(7)
    assert editor.value() == 7


# ----------------------------------------------------------------------------
# the widget on a graph
# ----------------------------------------------------------------------------
@pytest.fixture
def setup(qtbot):
    graph = Graph()
    stack = QUndoStack()
    dense = graph.add_node("dense", 0, 0).id
    inp = graph.add_node("input", -300, 0).id
    refused = []

    class Scene:  # the canvas scene's part the inspector uses: undoable set_param, card infos
        infos = {}

        @staticmethod
        def set_param(node_id, name, value):
            reason = try_push(stack, SetParam(graph, node_id, name, value))
            if reason:
                refused.append(reason)
            return reason is None

    models = Models(Project(graph=graph))
    inspector = InspectorWidget(models.document, models.edits, models.run, Scene())
    qtbot.addWidget(inspector)
    inspector.show()
    return graph, stack, inspector, dense, inp, refused


def test_selecting_a_node_shows_its_parameters(setup):
    graph, stack, inspector, dense, inp, _ = setup
    inspector.show_selection([dense])
    assert inspector.title.text() == "Dense"
    assert set(inspector.editors) == {"units", "use_bias", "init", "share_weights_with"}
    assert "xW + b" in inspector.description.text()
    inspector.show_selection([dense, inp])
    assert inspector.editors == {} and "2 layers selected" in inspector.description.text()
    inspector.show_selection([])
    assert inspector.title.text() == "Inspector"


def test_edits_are_undoable_and_the_editor_follows_undo(setup):
    graph, stack, inspector, dense, _, _ = setup
    inspector.show_node(dense)
    spin = inspector.editors["units"].widget
    spin.setValue(9)
    spin.setValue(16)
    assert graph.node(dense).params["units"] == 16
    assert stack.count() == 1  # consecutive edits of one value merge into one step
    stack.undo()
    assert graph.node(dense).params["units"] == 8
    assert spin.value() == 8
    stack.redo()
    assert spin.value() == 16
    inspector.editors["init"].widget.setCurrentIndex(inspector.editors["init"].widget.findData("zeros"))
    assert graph.node(dense).params["init"] == "zeros"


def test_a_refused_value_shows_the_model_value_again(setup, qtbot):
    graph, stack, inspector, dense, inp, refused = setup
    inspector.show_node(inp)
    inspector.editors["from_dataset"].widget.setChecked(False)
    assert inspector.editors["shape"].widget.isEnabled()  # typing a shape is allowed now
    line = inspector.editors["shape"].widget
    line.setText("0, 4")
    with qtbot.waitSignal(inspector.message, timeout=100, raising=False):
        line.editingFinished.emit()
    assert refused and "at least 1" in refused[-1]
    assert graph.node(inp).params["shape"] == (2,) and line.text() == "2"
    line.setText("three")
    with qtbot.waitSignal(inspector.message) as blocker:
        line.editingFinished.emit()
    assert "whole numbers" in blocker.args[0]


def test_input_shape_is_read_only_while_it_follows_the_dataset(setup):
    graph, stack, inspector, dense, inp, _ = setup
    inspector.show_node(inp)
    assert not inspector.editors["shape"].widget.isEnabled()
    inspector.editors["from_dataset"].widget.setChecked(False)
    assert inspector.editors["shape"].widget.isEnabled()
    stack.undo()
    assert not inspector.editors["shape"].widget.isEnabled()


def test_locked_inspector_refuses_edits_and_node_removal_clears_it(setup):
    graph, stack, inspector, dense, _, _ = setup
    inspector.show_node(dense)
    inspector.set_locked(True, "Training is running")
    assert not inspector.editors["units"].widget.isEnabled()
    assert inspector.form_host.toolTip() == "Training is running"
    inspector.set_locked(False)
    assert inspector.editors["units"].widget.isEnabled()
    graph.remove_node(dense)
    assert inspector.node_id is None and inspector.editors == {}


def test_settings_the_choice_does_not_use_are_hidden(setup, qtbot):
    graph, stack, inspector, dense, inp, _ = setup
    out = graph.add_node("output", 300, 0, {"loss": "bce"}).id
    inspector.show_node(out)
    form = inspector.form
    assert not form.isRowVisible(inspector.editors["huber_delta"].widget)
    assert not form.isRowVisible(inspector.editors["mse_form"].widget)
    combo = inspector.editors["loss"].widget
    combo.setCurrentIndex(combo.findData("huber"))
    assert graph.node(out).params["loss"] == "huber"
    assert form.isRowVisible(inspector.editors["huber_delta"].widget)
