"""Paint your own 2-D data: click to add a point, drag to spray many.

"Own data without a file" (issue 5, *Data on the canvas*). The student picks
a class (0..k−1, shown in the plots' class colours), clicks on the plane to
add one point of that class, or holds the button and drags to paint a
region: every ``step`` data units along the drag adds ``per_step`` points
scattered within ``brush`` of the cursor (a seeded generator, so the same
strokes give the same points). *Undo* removes the last stroke (a click or a
whole drag), *Clear* removes everything.

:meth:`PointPainter.dataset` returns a :class:`playground.data.Dataset`
(binary for 2 classes, multiclass for more) on the same ``[-6, 6]²`` plane as
the toy datasets, so the decision-boundary plot works unchanged.

The registry only makes datasets from typed options, so the points travel as
text: this module registers a dataset ``"painted"`` whose option ``points``
is ``"x,y,c;x,y,c;…"`` (:func:`encode_points`). A project stores
``("painted", painter.options())`` like any other dataset and reloads the
very same points with ``load_dataset("painted", **options)``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..data.dataset import Dataset
from ..data.painted import (  # noqa: F401  (re-exported for the widget's users)
    DEFAULT_POINTS,
    MAX_CLASSES,
    NAME,
    decode_points,
    encode_points,
    make_dataset,
)
from ..data.toy2d import EXTENT
from .plots.colors import class_colors


# --- the widget ------------------------------------------------------------------------
def _swatch(colour: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(colour))
    return QIcon(pix)


class PointPainter(QWidget):
    """A plane to paint labelled points on; :meth:`dataset` turns them into data.

    Signals: ``changed(int)`` with the number of points after every edit.
    """

    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None, classes: int = 2,
                 step: float = 0.35, brush: float = 0.3, per_step: int = 2, seed: int = 0):
        super().__init__(parent)
        self.step, self.brush, self.per_step = step, brush, per_step
        self._rng = np.random.RandomState(seed)
        self._x = np.zeros((0, 2), dtype=np.float32)
        self._y = np.zeros((0,), dtype=np.int64)
        self._strokes: list[int] = []  # points added by each stroke, for Undo
        self._last: np.ndarray | None = None  # data position of the last paint during a drag

        self.classes_box = QSpinBox(minimum=2, maximum=MAX_CLASSES, value=classes)
        self.class_box = QComboBox()
        self.undo_button = QPushButton("Undo")
        self.clear_button = QPushButton("Clear")
        self.count_label = QLabel()
        self.plot = pg.PlotWidget()
        self._setup_plot()

        bar = QHBoxLayout()
        for w in (QLabel("Classes"), self.classes_box, QLabel("Paint class"), self.class_box):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.count_label, self.undo_button, self.clear_button):
            bar.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)

        self.classes_box.valueChanged.connect(self.set_num_classes)
        self.undo_button.clicked.connect(self.undo)
        self.clear_button.clicked.connect(self.clear)
        self.set_num_classes(classes)

    def _setup_plot(self) -> None:
        xmin, xmax, ymin, ymax = EXTENT
        item = self.plot.getPlotItem()
        item.setXRange(xmin, xmax, padding=0)
        item.setYRange(ymin, ymax, padding=0)
        item.setMouseEnabled(False, False)
        item.hideButtons()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setBackground("w")
        self.scatter = pg.ScatterPlotItem(size=9, pen=pg.mkPen("w", width=1))
        item.addItem(self.scatter)
        self.plot.viewport().installEventFilter(self)

    # --- public API -----------------------------------------------------------------
    @property
    def num_classes(self) -> int:
        return self.classes_box.value()

    @property
    def current_class(self) -> int:
        return max(self.class_box.currentIndex(), 0)

    def set_current_class(self, c: int) -> None:
        self.class_box.setCurrentIndex(int(c))

    def set_num_classes(self, k: int) -> None:
        """Offer classes 0..k−1; points of classes ≥ k are removed."""
        k = int(np.clip(k, 2, MAX_CLASSES))
        if self.classes_box.value() != k:
            self.classes_box.setValue(k)  # re-enters through valueChanged
            return
        current = self.current_class
        self.class_box.blockSignals(True)
        self.class_box.clear()
        for c, colour in enumerate(class_colors(k)):
            self.class_box.addItem(_swatch(colour), f"class {c}")
        self.class_box.setCurrentIndex(min(current, k - 1))
        self.class_box.blockSignals(False)
        if len(self._y) and self._y.max() >= k:
            keep = self._y < k
            self._x, self._y, self._strokes = self._x[keep], self._y[keep], []
        self._redraw()

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the points ``(n, 2)`` float32 and their classes ``(n,)`` int64."""
        return self._x.copy(), self._y.copy()

    def add_points(self, xy, label: int | None = None, new_stroke: bool = True) -> None:
        """Add points ``(m, 2)`` (data coordinates) of class ``label`` (default: the chosen one)."""
        xy = np.asarray(xy, dtype=np.float32).reshape(-1, 2)
        xmin, xmax, ymin, ymax = EXTENT
        xy = np.clip(xy, [xmin, ymin], [xmax, ymax])
        c = self.current_class if label is None else int(label)
        self._x = np.concatenate([self._x, xy])
        self._y = np.concatenate([self._y, np.full(len(xy), c, dtype=np.int64)])
        if new_stroke or not self._strokes:
            self._strokes.append(len(xy))
        else:
            self._strokes[-1] += len(xy)
        self._redraw()

    def undo(self) -> None:
        """Remove the last stroke (one click, or everything one drag painted)."""
        if not self._strokes:
            return
        n = self._strokes.pop()
        self._x, self._y = self._x[:-n], self._y[:-n]
        self._redraw()

    def clear(self) -> None:
        self._x, self._y, self._strokes = self._x[:0], self._y[:0], []
        self._redraw()

    def dataset(self) -> Dataset:
        """The painted points as a Dataset (raises ``DatasetError`` while empty)."""
        return make_dataset(self._x, self._y, self.num_classes)

    def options(self) -> dict:
        """Options for ``load_dataset("painted", **options)`` (what a project stores)."""
        return {"points": encode_points(self._x, self._y), "classes": self.num_classes}

    def set_options(self, points: str = DEFAULT_POINTS, classes: int = 2) -> None:
        """Show points stored in a project (the inverse of :meth:`options`)."""
        x, y = decode_points(points)
        self.clear()
        self.set_num_classes(max(classes, int(y.max()) + 1 if len(y) else 2))
        if len(x):
            self._x, self._y, self._strokes = x, y, [len(x)]
        self._redraw()

    def data_to_viewport(self, x: float, y: float) -> QPointF:
        """Where the data point (x, y) lies in the plot's viewport (for tests and tours)."""
        scene = self.plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
        return QPointF(self.plot.mapFromScene(scene))

    # --- mouse ------------------------------------------------------------------------
    def _to_data(self, pos) -> np.ndarray:
        scene = self.plot.mapToScene(pos.toPoint())
        p = self.plot.getPlotItem().vb.mapSceneToView(scene)
        return np.array([p.x(), p.y()], dtype=np.float32)

    def _inside(self, p: np.ndarray) -> bool:
        xmin, xmax, ymin, ymax = EXTENT
        return bool(xmin <= p[0] <= xmax and ymin <= p[1] <= ymax)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            p = self._to_data(event.position())
            if self._inside(p):
                self.add_points(p[None], new_stroke=True)
                self._last = p
            return True
        if kind == QEvent.Type.MouseMove and self._last is not None \
                and event.buttons() & Qt.MouseButton.LeftButton:
            self._paint_along(self._to_data(event.position()))
            return True
        if kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            self._last = None
            return True
        return super().eventFilter(obj, event)

    def _paint_along(self, p: np.ndarray) -> None:
        """Spray ``per_step`` points within ``brush`` at every ``step`` from the last paint to ``p``."""
        distance = float(np.hypot(*(p - self._last)))
        steps = int(distance // self.step)
        if steps == 0 or not self._inside(p):
            return
        t = np.arange(1, steps + 1, dtype=np.float32)[:, None] * (self.step / distance)
        centres = self._last + t * (p - self._last)  # (steps, 2) evenly along the drag
        centres = np.repeat(centres, self.per_step, axis=0)
        jitter = self._rng.uniform(-self.brush, self.brush, size=centres.shape).astype(np.float32)
        self.add_points(centres + jitter, new_stroke=False)
        self._last = centres[-self.per_step] if self.per_step else p

    def _redraw(self) -> None:
        colours = class_colors(self.num_classes)
        brushes = [pg.mkBrush(colours[c]) for c in range(self.num_classes)]
        self.scatter.setData(pos=self._x, brush=[brushes[c] for c in self._y] if len(self._y) else [])
        counts = np.bincount(self._y, minlength=self.num_classes)
        self.count_label.setText(f"{len(self._y)} points (" + ", ".join(map(str, counts)) + ")")
        self.undo_button.setEnabled(bool(self._strokes))
        self.changed.emit(len(self._y))
