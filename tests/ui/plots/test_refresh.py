"""The refresh protocol: plots redraw only when the history changed; the timer drives them."""

import shiboken6

from playground.session.history import MetricHistory
from playground.ui.plots import LossPlot, PlotRefresher
from tests.ui import fakes


def test_refresh_redraws_only_when_version_changes(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    history = fakes.training_history(n=3)
    assert plot.refresh(history) is True
    assert plot.refresh(history) is False  # nothing new: no redraw
    assert plot.redraw_count == 1
    history.append(fakes.report(999, train_loss=0.1))
    assert plot.refresh(history) is True
    assert plot.redraw_count == 2


def test_another_history_with_the_same_version_still_redraws(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    a, b = fakes.training_history(n=2), fakes.training_history(n=2, seed=1)
    assert a.version == b.version
    plot.refresh(a)
    assert plot.refresh(b) is True
    assert plot.curve("train").getData()[1][0] == b.series("train_loss")[1][0]


def test_invalidate_forces_the_next_refresh(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    history = fakes.training_history(n=2)
    plot.refresh(history)
    plot.invalidate()
    assert plot.refresh(history) is True


def test_refresher_refreshes_visible_plots_only(show, qtbot):
    shown, hidden = show(LossPlot()), LossPlot()
    qtbot.addWidget(hidden)
    history = fakes.training_history(n=4)
    refresher = PlotRefresher(history, [shown, hidden])
    assert refresher.refresh_now() == 1
    assert shown.redraw_count == 1 and hidden.redraw_count == 0
    assert refresher.refresh_now() == 0  # version unchanged
    refresher.only_visible = False
    assert refresher.refresh_now() == 1  # the hidden one catches up
    assert hidden.redraw_count == 1


def test_refresher_timer_runs_at_about_30_hz_and_redraws(show, qtbot):
    plot = show(LossPlot())
    history = MetricHistory()
    refresher = PlotRefresher(history, [plot])
    assert 25 <= 1000 / refresher.timer.interval() <= 40
    refresher.start()
    assert refresher.is_active
    history.append(fakes.report(1, train_loss=0.5))
    qtbot.waitUntil(lambda: plot.redraw_count >= 1, timeout=2000)
    assert list(plot.curve("train").getData()[1]) == [0.5]
    refresher.stop()
    assert not refresher.is_active


def test_refresher_drops_deleted_plots(qtbot):
    plot = LossPlot()
    refresher = PlotRefresher(fakes.training_history(n=2), [plot], only_visible=False)
    shiboken6.delete(plot)
    assert refresher.refresh_now() == 0
    assert refresher.plots == []


def test_refresher_without_history_does_nothing(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    refresher = PlotRefresher(None, [plot], only_visible=False)
    assert refresher.refresh_now() == 0
    refresher.set_history(fakes.training_history(n=2))
    assert plot.redraw_count == 1


def test_a_tick_redraws_in_turn_within_its_budget(show, qtbot):
    """Six plots side by side cost more than a frame: each tick redraws what fits, the next goes on."""
    plots = [show(LossPlot()) for _ in range(3)]
    history = fakes.training_history(n=4)
    refresher = PlotRefresher(history, plots, budget_ms=0.0)  # one redraw per tick
    assert refresher.refresh_some() == 1
    assert [p.redraw_count for p in plots] == [1, 0, 0]
    assert refresher.refresh_some() == 1 and refresher.refresh_some() == 1
    assert [p.redraw_count for p in plots] == [1, 1, 1]
    assert refresher.refresh_some() == 0  # all up to date
    history.append(fakes.report(999, train_loss=0.1))
    refresher.budget_s = 10.0  # a generous budget: everything in one tick
    assert refresher.refresh_some() == 3


def test_backoff_slows_the_timer_when_ticks_come_late_and_recovers(qtbot, monkeypatch):
    from PySide6.QtCore import QTimer

    from playground.ui.plots import refresher as module

    timer = QTimer()
    timer.setInterval(33)
    backoff = module.Backoff(timer, fastest_ms=33, slowest_ms=100)
    clock = [0.0]
    monkeypatch.setattr(module.time, "perf_counter", lambda: clock[0])

    def tick_after(ms):
        clock[0] += ms / 1000
        backoff.tick()

    backoff.tick()
    tick_after(33 + 50)  # the window was busy for 50 ms: slow down
    assert timer.interval() == round(33 * 1.5)
    tick_after(timer.interval() + 50)
    tick_after(timer.interval() + 50)
    assert timer.interval() == 100  # never slower than slowest_ms
    for _ in range(20):  # on time again: back to the fastest rate
        tick_after(timer.interval())
    assert timer.interval() == 33
