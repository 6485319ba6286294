"""DiagnosticsPanel: the session's notes for the latest report, as warning and hint cards."""

import numpy as np

from playground.ui.teaching import DiagnosticsPanel
from tests.ui import fakes


def test_vanishing_gradients_in_the_latest_report_become_a_warning_card(qtbot, show):
    panel = show(DiagnosticsPanel())
    panel.refresh(fakes.training_history(n=10, vanish="dense_3"))
    kinds = [n.kind for n in panel.notes]
    assert "vanishing" in kinds
    note = panel.notes[kinds.index("vanishing")]
    assert note.layers == ["dense_3"]
    card = panel.cards[kinds.index("vanishing")]
    assert "dense_3" in card.text() and "ReLU" in card.text() and card.isVisibleTo(panel)
    assert "iteration 100" in panel.headline.text()


def test_exploding_gradients_and_a_healthy_run(qtbot):
    panel = DiagnosticsPanel()
    qtbot.addWidget(panel)
    panel.refresh(fakes.training_history(n=5, explode="dense_1"))
    assert [n.kind for n in panel.notes] == ["exploding"] and "clipping" in panel.cards[0].text()
    healthy = fakes.history_of(fakes.report(50, grad_norms={"dense_1": 0.3, "dense_2": 0.2}))
    panel.refresh(healthy)
    assert panel.notes == [] and panel.cards == []
    assert "Nothing to worry about at iteration 50" in panel.headline.text()


def test_symmetric_weights_handed_over_by_the_window_are_noted(qtbot):
    panel = DiagnosticsPanel()
    qtbot.addWidget(panel)
    panel.refresh(fakes.history_of(fakes.report(1, grad_norms={"dense_1": 0.1})))
    panel.set_network_data(weights={"dense_1.W": np.full((2, 3), 0.5), "dense_1.b": np.zeros(3)})
    assert [n.kind for n in panel.notes] == ["symmetry"]
    assert "all 3 units" in panel.cards[0].text()


def test_redraws_only_when_the_history_changed(qtbot):
    panel = DiagnosticsPanel()
    qtbot.addWidget(panel)
    history = fakes.training_history(n=3)
    assert panel.refresh(history) and not panel.refresh(history)
    history.append(fakes.report(1000, grad_norms={"dense_1": 1e9}))
    assert panel.refresh(history) and panel.notes[0].kind == "exploding"
