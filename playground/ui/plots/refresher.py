"""The redraw timer: one QTimer that refreshes a list of plots about 30 times a second.

Data code never touches plots (the pattern of pyqtgraph's scrolling-plots
example): the training controller appends reports to a ``MetricHistory``;
this timer asks each plot to ``refresh(history)``, and a plot only redraws
when the history's ``version`` moved. Hidden plots (a closed or tabbed-away
dock) are skipped and catch up when shown.

Each timer tick redraws stale plots in turn until it has spent
``budget_ms``; the rest wait for the next tick — unless a plot in view last caught up
more than :data:`MAX_TRAIL_S` ago: then it redraws anyway, so no curve trails the run. With one plot in view that is
30 redraws a second; with six plots side by side each redraws a few times a
second, and the window never stops answering for a whole round of redraws
(six plots took ~40 ms, more than a frame).
"""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import QObject, QTimer

DEFAULT_INTERVAL_MS = 33  # ≈ 30 frames per second
DEFAULT_BUDGET_MS = 8.0  # redraw time per tick; painting what changed follows at about the same cost
MAX_TRAIL_S = 0.15  # a plot in view never shows data older than this (plus a report's 50 ms), however busy
SLOWEST_MS = 150  # a busy window slows the timer down to this at most


class Backoff:
    """Slows a QTimer down while its ticks come late, and speeds it up again when they are on time.

    A late tick means the window had more to do than time to do it (many plots
    in view, a slow machine, a busy second program). Lengthening the interval
    then keeps the window answering clicks and drags; the plots simply update
    less often. Call :meth:`tick` first thing in the timer's slot.
    """

    def __init__(self, timer: QTimer, fastest_ms: int, slowest_ms: int = 1000, late_ms: float = 10.0):
        self.timer, self.fastest_ms, self.slowest_ms, self.late_ms = timer, fastest_ms, slowest_ms, late_ms
        self._last: float | None = None

    def tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            interval = self.timer.interval()
            late = (now - self._last) * 1000 - interval
            # up to ~10 ms late is normal (a paint of the canvas or a plot); more means the window has more
            # than it can do
            wanted = interval * 1.5 if late > self.late_ms else interval * 0.8
            wanted = round(min(self.slowest_ms, max(self.fastest_ms, wanted)))
            if wanted != interval:
                self.timer.setInterval(wanted)
        self._last = now

    def reset(self) -> None:
        """Forget the last tick (the timer was stopped and started again)."""
        self._last = None
        self.timer.setInterval(self.fastest_ms)


class PlotRefresher(QObject):
    """Owns the redraw timer and the plots it drives.

    >>> refresher = PlotRefresher(history)      # doctest: +SKIP
    >>> refresher.add(LossPlot()); refresher.start()
    """

    def __init__(self, history=None, plots=(), interval_ms: int = DEFAULT_INTERVAL_MS,
                 only_visible: bool = True, parent: QObject | None = None,
                 budget_ms: float = DEFAULT_BUDGET_MS):
        super().__init__(parent)
        self.history = history
        self.plots: list = []
        self.only_visible = only_visible
        self.budget_s = budget_ms / 1000
        self._next = 0  # where the next tick starts, so every plot gets its turn
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer)
        self.backoff = Backoff(self.timer, interval_ms, slowest_ms=SLOWEST_MS)
        self._drawn_at: dict[int, float] = {}  # id(plot) → when it last caught up with the history
        for plot in plots:
            self.add(plot)

    def set_history(self, history) -> None:
        """Point every plot at another history (a new run, a loaded project)."""
        self.history = history
        self.refresh_now()

    def add(self, plot) -> None:
        if plot not in self.plots:
            self.plots.append(plot)

    def remove(self, plot) -> None:
        if plot in self.plots:
            self.plots.remove(plot)

    def start(self) -> None:
        self.backoff.reset()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def is_active(self) -> bool:
        return self.timer.isActive()

    def refresh_now(self) -> int:
        """Refresh every (visible) plot once; return how many actually redrew."""
        return self._refresh(budget_s=None)

    def _on_timer(self) -> None:
        self.backoff.tick()
        self.refresh_some()

    def refresh_some(self) -> int:
        """One timer tick: refresh stale plots in turn until the time budget is spent."""
        return self._refresh(budget_s=self.budget_s)

    def _refresh(self, budget_s: float | None) -> int:
        self.plots = [p for p in self.plots if shiboken6.isValid(p)]  # drop plots of closed windows
        if self.history is None or not self.plots:
            return 0
        start, redrawn, n = time.perf_counter(), 0, len(self.plots)
        over_budget = False
        for k in range(n):
            plot = self.plots[(self._next + k) % n]
            if self.only_visible and not plot.isVisible():
                continue
            now = time.perf_counter()
            if over_budget and now - self._drawn_at.setdefault(id(plot), now) < MAX_TRAIL_S:
                continue  # its turn comes next tick; it is not trailing yet
            redrawn += bool(plot.refresh(self.history))
            self._drawn_at[id(plot)] = time.perf_counter()
            if budget_s is not None and not over_budget and time.perf_counter() - start >= budget_s:
                over_budget = True  # the rest wait for the next tick, unless they would trail the run
                self._next = (self._next + k + 1) % n
        return redrawn
