"""Optimizers racing on a toy function of two parameters: saddle, ravine, banana valley, …

Pick a problem; SGD, momentum, Nesterov, RMSProp and Adam start from the same point and
take the same number of steps (:func:`playground.session.teaching.race.race` runs the
engine's real optimizers). The left plot shows the function as shaded contours with each
optimizer's path in its own colour; the right plot shows the function's value after every
step, one curve per optimizer. Click anywhere on the contour plot to start the race from
there (on the saddle, start exactly on y = 0 and watch every racer get stuck).

Use: ``OptimizerRaceView(problem="saddle", parent=None)`` — a plain widget; it races at once.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QWidget,
)

from playground.session.teaching.race import PROBLEMS, RaceResult, get_problem, race
from playground.session.teaching.text import num

from ..plots.base import HistoryPlot, make_pen, set_plot_title
from ..theme import Theme, current_theme
from .common import paragraph, plain_axes
from .contour import ContourImage


def racer_label(racer) -> str:
    """Legend text: the racer's name, and when it flew off the plot, at which step."""
    return racer.name if racer.left_at is None else f"{racer.name} (flew off at step {racer.left_at})"


def _visible_losses(racer, extent) -> np.ndarray:
    """f at the points of the path that lie inside the contour plot (finite values only)."""
    xmin, xmax, ymin, ymax = extent
    x, y = racer.path[:, 0], racer.path[:, 1]
    inside = (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax) & np.isfinite(racer.losses)
    return racer.losses[inside]


class OptimizerRaceView(HistoryPlot):
    """Contours with one path per optimizer, and f per step.

    ``result`` is the last :class:`RaceResult`; ``path_items[name]`` is the pyqtgraph
    curve of one racer's path (``getData()`` = its ``path`` columns); ``loss_curves`` the
    :class:`~playground.ui.plots.base.CurveSet` of f per step (curve names = racer names).
    """

    title = ""

    def __init__(self, problem: str = "saddle", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Optimizer race")
        self.result: RaceResult | None = None
        self.start_point: tuple[float, float] | None = None  # None: the problem's own start

        self.problem_combo = QComboBox()
        for name, p in PROBLEMS.items():
            self.problem_combo.addItem(p.title, name)
            self.problem_combo.setItemData(self.problem_combo.count() - 1, p.formula, Qt.ItemDataRole.ToolTipRole)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 5000)
        self.steps_spin.setPrefix("steps: ")
        self.race_button = QPushButton("Race again")
        self.reset_button = QPushButton("Reset start")
        self.add_header(QLabel("Problem:"), self.problem_combo, self.steps_spin, self.race_button,
                        self.reset_button)
        self.description = paragraph(rich=True, size="tick")
        self.layout_.addWidget(self.description)

        self.contour_widget = self.add_plot_widget("x", "y", legend=False, title="Paths")
        self.contour_item = self.contour_widget.getPlotItem()
        self.contour_item.showGrid(x=False, y=False)
        self.contour_widget._np_grid = False
        self.contour = ContourImage(self.contour_item)
        self.path_items: dict[str, pg.PlotDataItem] = {}
        self.start_marker = pg.ScatterPlotItem(size=18, symbol="o", pxMode=True)
        self.minima_marker = pg.ScatterPlotItem(size=20, symbol="star", pxMode=True)
        for item in (self.start_marker, self.minima_marker):
            item.setZValue(20)
            self.contour_item.addItem(item)

        self.loss_widget = self.add_plot_widget("step", "f(x, y)", legend=True, title="Value per step")
        self.loss_item = self.loss_widget.getPlotItem()
        self.loss_curves = self.add_curve_set(self.loss_widget)
        plain_axes(self.contour_widget)
        plain_axes(self.loss_widget)
        self.summary = paragraph(size="tick")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.contour_widget)
        splitter.addWidget(self.loss_widget)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.layout_.addWidget(splitter, 1)
        self.layout_.addWidget(self.summary)

        index = self.problem_combo.findData(problem)
        self.problem_combo.setCurrentIndex(max(index, 0))
        self.steps_spin.setValue(get_problem(self.problem_combo.currentData()).steps)
        self.problem_combo.currentIndexChanged.connect(self._on_problem)
        self.race_button.clicked.connect(self._on_race_clicked)
        self.reset_button.clicked.connect(self._on_reset)
        self.contour_widget.scene().sigMouseClicked.connect(self._on_plot_clicked)
        self.apply_theme(current_theme())
        self.run_race()

    # -- public --------------------------------------------------------------------------------
    @property
    def problem(self) -> str:
        return self.problem_combo.currentData()

    def set_problem(self, name: str) -> None:
        """Switch to toy problem ``name`` (``"saddle"``, ``"ravine"``, …) and race."""
        get_problem(name)  # a clear error for unknown names
        self.problem_combo.setCurrentIndex(self.problem_combo.findData(name))  # → _on_problem

    def run_race(self, start=None, steps: int | None = None) -> RaceResult:
        """Race every optimizer on the current problem (from ``start`` if given) and draw it."""
        if start is not None:
            self.start_point = (float(start[0]), float(start[1]))
        if steps is not None:
            self.steps_spin.setValue(int(steps))
        self.result = race(self.problem, start=self.start_point, steps=self.steps_spin.value())
        self._draw(current_theme())
        return self.result

    def redraw(self, history) -> None:  # not driven by training reports
        pass

    # -- slots ------------------------------------------------------------------------------------
    def _on_problem(self, _index: int) -> None:
        self.start_point = None
        self.steps_spin.setValue(get_problem(self.problem).steps)
        self.run_race()

    def _on_race_clicked(self) -> None:
        self.run_race()

    def _on_reset(self) -> None:
        self.start_point = None
        self.run_race()

    def _on_plot_clicked(self, event) -> None:
        vb = self.contour_item.getViewBox()
        if event.button() != Qt.MouseButton.LeftButton or not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        self.run_race(start=(point.x(), point.y()))

    # -- drawing -----------------------------------------------------------------------------------------
    def _draw(self, theme: Theme) -> None:
        result = self.result
        problem = result.problem
        values = result.values
        if problem.log_contours:  # many decades: shade log(f − min + 1)
            values = np.log10(values - np.nanmin(values) + 1.0)
        self.contour.set_data(result.xs, result.ys, values, theme)
        for item in self.path_items.values():
            self.contour_item.removeItem(item)
        self.path_items = {}
        for i, racer in enumerate(result.racers):
            colour = theme.series_color(i)
            item = pg.PlotDataItem(racer.path[:, 0], racer.path[:, 1], name=racer_label(racer),
                                   pen=make_pen(colour, theme, width=max(2.0, theme.line_width - 0.5)),
                                   symbol="o", symbolSize=5, symbolBrush=colour, symbolPen=None, antialias=True)
            item.setZValue(10)
            self.contour_item.addItem(item)
            self.path_items[racer.name] = item
        start = result.racers[0].path[0]
        self.start_marker.setData([start[0]], [start[1]])
        if problem.minima:
            m = np.asarray(problem.minima, dtype=float)
            self.minima_marker.setData(m[:, 0], m[:, 1])
        else:
            self.minima_marker.clear()
        xmin, xmax, ymin, ymax = problem.extent
        self.contour_item.getViewBox().disableAutoRange()
        self.contour_item.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)
        set_plot_title(self.contour_widget, problem.formula)
        self._draw_losses(theme)
        self._style_markers(theme)
        self.description.setText(f"<b>{problem.title}.</b> {problem.note} "
                                 "<i>Click on the left plot to start from another point.</i>")
        self.summary.setText(self._summary())
        self.place_legends()

    def _draw_losses(self, theme: Theme) -> None:
        result = self.result
        visible = np.concatenate([_visible_losses(r, result.problem.extent) for r in result.racers])
        log = visible.size > 0 and float(visible.min()) > 0
        self.loss_item.setLogMode(x=False, y=log)
        self.loss_curves.remove_except(set())  # labels change with the race (who flew off)
        for i, racer in enumerate(result.racers):
            steps = np.arange(len(racer.losses), dtype=float)
            self.loss_curves.set_data(racer.name, steps, racer.losses, label=racer_label(racer), colour_index=i)
        if visible.size:  # the values of the points that are on the left plot
            low, high = float(visible.min()), float(visible.max())
            if log:
                self.loss_item.setYRange(np.log10(low), np.log10(max(high, low * 10)), padding=0.05)
            else:
                self.loss_item.setYRange(low, max(high, low + 1e-9), padding=0.05)
        self.loss_item.setXRange(0, max(len(r.losses) for r in result.racers) - 1, padding=0.02)

    def _summary(self) -> str:
        result = self.result
        steps = max(len(r.losses) for r in result.racers) - 1
        parts = []
        for racer in result.racers:
            x, y = racer.final_point
            where = f"f = {num(racer.final_loss, 3)} at ({num(x, 3)}, {num(y, 3)})"
            if racer.left_at is not None:
                where = f"flew off at step {racer.left_at}"
            parts.append(f"{racer.name}: {where}")
        return f"After {steps} steps — " + ";  ".join(parts) + "."

    def _style_markers(self, theme: Theme) -> None:
        fg = theme.plot_foreground
        self.start_marker.setPen(pg.mkPen(fg, width=3))
        self.start_marker.setBrush(pg.mkBrush(0, 0, 0, 0))
        self.minima_marker.setPen(pg.mkPen(fg, width=1.5))
        self.minima_marker.setBrush(pg.mkBrush("#ffd700"))

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        if getattr(self, "result", None) is not None:
            self._draw(theme)
