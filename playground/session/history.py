"""Metric history: the reports of one run, as growing series the plots read.

The training thread appends; the GUI's redraw timer reads. Appending is cheap
(lists of floats) and reading copies out NumPy arrays.
"""

from __future__ import annotations

from array import array
from collections import defaultdict

import numpy as np

from .report import EpochPoint, Report


# Report fields sent only now and then (epoch ends, some reports): carried forward so
# a view that redraws after two reports still sees the last one that had them.
HEAVY_FIELDS = ("decision_grid", "activations", "samples", "weight_histograms", "step_grad_norms")


class Series:
    """One curve: iterations and values in two arrays of doubles (16 bytes a point; a list of tuples
    took about 112, and a long run keeps hundreds of thousands of points)."""

    __slots__ = ("x", "y")

    def __init__(self):
        self.x, self.y = array("d"), array("d")

    def append(self, x: float, y: float) -> None:
        self.x.append(x)
        self.y.append(y)

    def __len__(self) -> int:
        return len(self.x)


class MetricHistory:
    """Series keyed by name, each ``(iteration, value)`` points (a :class:`Series`).

    Names: ``train_loss``, ``val_loss``, ``train_<metric>``, ``val_<metric>``,
    ``term_<penalty>``, ``grad_norm/<node>``, ``lr``, ``epoch`` (epochs finished at each report,
    so a reopened run knows where it stood), ``went_on`` (the iterations where Play went on from
    trained weights: a replay reproduces the run up to the first).
    """

    def __init__(self):
        self.points: dict[str, Series] = defaultdict(Series)
        self.latest: Report | None = None
        self.version = 0  # bumps on every append, so views redraw only when needed

    def append(self, report: Report) -> None:
        for point in report.earlier:
            self._add_scalars(point)
        x = float(report.iteration)
        self._add_scalars(report)
        self._add("lr", x, report.learning_rate)
        self._add("epoch", x, report.epoch)
        for node, value in report.grad_norms.items():
            self._add(f"grad_norm/{node}", x, value)
        self._carry_heavy_fields(report)
        self.latest = report
        self.version += 1

    def mark(self, name: str, iteration: float, value: float) -> None:
        """A point of an event series (``went_on``: where a run went on from trained weights)."""
        self._add(name, float(iteration), value)
        self.version += 1

    def show(self, report: Report) -> None:
        """Make ``report`` the newest (its pictures are drawn) without adding curve points."""
        self.latest = report
        self.version += 1

    def replace(self, other: "MetricHistory") -> None:
        """Take over ``other``'s series in place (views keep reading this object)."""
        self.points = other.points
        self.latest = other.latest
        self.version += 1

    def _add_scalars(self, point: Report | EpochPoint) -> None:
        """Loss, metrics and penalty terms of a report or of an epoch that travelled with one."""
        x, add = float(point.iteration), self._add
        add("train_loss", x, point.train_loss)
        add("val_loss", x, point.val_loss)
        for prefix, values in (("train_", point.train_metrics), ("val_", point.val_metrics),
                               ("term_", point.loss_terms)):
            for name, value in values.items():
                add(prefix + name, x, value)

    def _carry_heavy_fields(self, report: Report) -> None:
        if self.latest is None:
            return
        for name in HEAVY_FIELDS:
            if not getattr(report, name) and getattr(self.latest, name):
                setattr(report, name, getattr(self.latest, name))

    def _add(self, name: str, x: float, value: float | None) -> None:
        if value is not None:
            self.points[name].append(x, float(value))

    def series(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(iterations, values)`` of one series; empty arrays if there is none."""
        pts = self.points.get(name)
        if not pts:
            return np.empty(0), np.empty(0)
        return np.array(pts.x), np.array(pts.y)

    def names(self, prefix: str = "") -> list[str]:
        return sorted(n for n in self.points if n.startswith(prefix))

    def clear(self) -> None:
        self.points.clear()
        self.latest = None
        self.version += 1

    def to_dict(self) -> dict[str, list[list[float]]]:
        """Plain data for the project file."""
        return {name: [[x, y] for x, y in zip(pts.x, pts.y)] for name, pts in self.points.items()}

    @classmethod
    def from_dict(cls, data: dict) -> "MetricHistory":
        history = cls()
        for name, pts in data.items():
            series = history.points[str(name)]
            for x, y in pts:
                series.append(float(x), float(y))
        return history
