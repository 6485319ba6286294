# ruff: noqa: F811  (pytest fixtures imported from test_main_window)
"""Teach ▸ Layer table: the whole network's shapes and parameter counts, following edits, exportable."""

from PySide6.QtWidgets import QApplication

from playground.model.fileio import load_project
from tests.session.test_examples import EXAMPLES
from tests.ui.test_main_window import answers, make_window, qsettings, window  # noqa: F401


def cell(view, row, column):
    return view.table.item(row, column).text()


def test_lenet_table_has_the_worked_numbers_and_follows_edits(window, qtbot, tmp_path):
    window.set_project(load_project(EXAMPLES / "lenet5.nnpg"), None)
    window.menu_actions["layer_table"].trigger()
    view = window.teach.windows["layer_table"]
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: cell(view, 0, 2) == "1×28×28", timeout=10000)  # the digits have loaded
    ids = [cell(view, i, 0) for i in range(view.table.rowCount())]
    conv = ids.index(next(i for i in ids if i.startswith("conv2d")))
    # LeNet-5's first convolution: 6 filters 5×5 on one channel, 28×28 → 24×24, 6·(25 + 1) = 156 parameters
    assert cell(view, conv, 2) == "6×24×24" and cell(view, conv, 3) == "156"
    total = sum(r["trainable"] for r in view.rows)
    assert view.totals.text() == f"Total: {total:,} trainable parameters"
    dense = next(n for n in window.project.graph.nodes.values() if n.kind == "dense")
    units = dense.params["units"]
    window.canvas.canvas_scene.set_param(dense.id, "units", units + 1)  # an undoable edit
    assert view.totals.text() != f"Total: {total:,} trainable parameters"
    window.undo_stack.undo()
    assert view.totals.text() == f"Total: {total:,} trainable parameters"
    view.copy()
    assert QApplication.clipboard().text().startswith("| Layer | Kind | Output shape")
    path = view.save(".csv", str(tmp_path / "lenet.csv"))
    lines = open(path).read().splitlines()
    assert lines[0] == "Layer,Kind,Output shape,Trainable,Fixed" and len(lines) == len(ids) + 1
    assert sum(int(line.split(",")[3]) for line in lines[1:]) == total
