"""The redraw timer: one QTimer that refreshes a list of plots about 30 times a second.

Data code never touches plots (the pattern of pyqtgraph's scrolling-plots
example): the training controller appends reports to a ``MetricHistory``;
this timer asks each plot to ``refresh(history)``, and a plot only redraws
when the history's ``version`` moved. Hidden plots (a closed or tabbed-away
dock) are skipped and catch up when shown.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QTimer

DEFAULT_INTERVAL_MS = 33  # ≈ 30 frames per second


class PlotRefresher(QObject):
    """Owns the redraw timer and the plots it drives.

    >>> refresher = PlotRefresher(history)      # doctest: +SKIP
    >>> refresher.add(LossPlot()); refresher.start()
    """

    def __init__(self, history=None, plots=(), interval_ms: int = DEFAULT_INTERVAL_MS,
                 only_visible: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.history = history
        self.plots: list = []
        self.only_visible = only_visible
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh_now)
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
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def is_active(self) -> bool:
        return self.timer.isActive()

    def refresh_now(self) -> int:
        """Refresh every (visible) plot once; return how many actually redrew."""
        if self.history is None:
            return 0
        redrawn = 0
        for plot in list(self.plots):
            if not shiboken6.isValid(plot):  # its window was closed and deleted
                self.plots.remove(plot)
                continue
            if self.only_visible and not plot.isVisible():
                continue
            redrawn += bool(plot.refresh(self.history))
        return redrawn
