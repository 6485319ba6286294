"""The dataset panel: pick a dataset from the registry, set its options, see it before training.

The choice is the document's :class:`~playground.model.settings.DatasetRef` (name +
options), changed through :meth:`playground.ui.edits.Edits.set_dataset` (one undo step);
the panel follows the document's ``dataset_changed`` and ``replaced`` events. Loading runs
on a worker thread (scikit-learn imports and 28×28 generators take a moment);
a newer request makes an older result stale, so the preview always matches the
options shown. When a dataset has loaded, :attr:`DatasetPanel.dataset_loaded`
fires with it, so the window can give the canvas the input and target shapes.

Preview: a scatter of the points for 2-D data (orange/blue like the browser
playground), a mosaic of the first images for image data, a few curves for
sequences, and a line of text for tables.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QGridLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from playground.data import DatasetError, dataset_info, list_datasets, load_dataset
from playground.data.registry import Option
from playground.model.params import ParamSpec
from playground.model.settings import DatasetRef

from .editors import Editor, make_editor
from .edits import lock_widget
from .scrolling import fill_with_scroll
from .plots.colors import class_colors, diverging_rgba
from .plots.images import as_images, mosaic, to_rgba

PREVIEW_POINTS = 600
PREVIEW_IMAGES = 24
HIDDEN_OPTIONS = {"painted": ("points", "classes")}  # edited by the point painter, not as text


def rich_description(text: str) -> str:
    """A dataset's description as rich text: ``name`` (reStructuredText literals) becomes code, the rest is escaped."""
    import html
    import re

    parts = re.split(r"``(.+?)``", text or "")
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


def canvas_shapes(dataset, project) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...] | None]:
    """What the canvas needs from the data: ``({input node id: sample shape}, target shape or None)``.

    Input nodes that follow the dataset get its per-sample shape. The target
    shape is what the loss compares with (1 for two classes, k one-hot for k
    classes, else the targets' own shape); it is left out (None) for an
    autoencoder, whose output has the input's shape and is compared with the input.
    """
    if dataset is None:
        return {}, None
    graph = project.graph
    shapes = {n.id: dataset.input_shape for n in graph.nodes_of_kind("input") if n.params.get("from_dataset", True)}
    target = (dataset.num_outputs,) if dataset.is_classification else dataset.target_shape
    output = project.output_node()
    sources = graph.inputs_of(output.id) if output is not None else []
    if sources and dataset.task != "reconstruction":
        from playground.model.analysis import infer_shapes

        if infer_shapes(graph, shapes).shape(sources[0]) == dataset.input_shape:
            target = None  # an autoencoder: trained to give back its input
    return shapes, target


# ----------------------------------------------------------------------------
# loading off the GUI thread
# ----------------------------------------------------------------------------
class _LoadSignals(QObject):
    done = Signal(int, object, str)  # request number, Dataset or None, error text


class _LoadJob(QRunnable):
    def __init__(self, number: int, name: str, options: dict, signals: _LoadSignals):
        super().__init__()
        self.number, self.name, self.options, self.signals = number, name, options, signals

    def run(self) -> None:
        try:
            dataset = load_dataset(self.name, **self.options)
        except DatasetError as exc:
            self.signals.done.emit(self.number, None, str(exc))
        except Exception as exc:  # noqa: BLE001 - a preview must never crash the app
            self.signals.done.emit(self.number, None, f"{self.name} could not be loaded: {exc}")
        else:
            self.signals.done.emit(self.number, dataset, "")


# ----------------------------------------------------------------------------
# option editors
# ----------------------------------------------------------------------------
def option_editor(option: Option, value: Any) -> Editor:
    """The editor of one dataset option: the shared spin/combo/check editors, plus a row of
    check boxes for a multiple choice (extra features) and a line with "Browse…" for a file."""
    if option.type in ("int", "float", "bool", "choice"):
        low, high = option.range if option.range else (None, None)
        spec = ParamSpec(option.name, option.type, option.default, option.help, minimum=low, maximum=high,
                         choices=tuple(option.choices))
        return make_editor(spec, value)
    spec = ParamSpec(option.name, "shape", (1,), option.help)  # a stand-in: these editors are built here
    host = QWidget()
    row = QHBoxLayout(host)
    row.setContentsMargins(0, 0, 0, 0)
    if option.type == "multichoice":  # three to a row, so the panel stays narrow
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        boxes = [QCheckBox(c) for c in option.choices]
        for i, box in enumerate(boxes):
            grid.addWidget(box, i // 3, i % 3)
        row.addLayout(grid)
        row.addStretch(1)
        editor = Editor(spec, host, lambda: [b.text() for b in boxes if b.isChecked()],
                        lambda v: [b.setChecked(b.text() in (v or ())) for b in boxes])
        editor.set_value(value)  # before the boxes report changes
        for box in boxes:
            box.toggled.connect(editor.commit)
    else:
        line = QLineEdit()
        row.addWidget(line, 1)
        editor = Editor(spec, host, line.text, lambda v: line.setText(str(v or "")))
        line.editingFinished.connect(editor.commit)
        if option.type == "path":
            browse = QPushButton("Browse…")
            browse.clicked.connect(lambda: _browse(option, line, editor))
            row.addWidget(browse)
    editor.set_value(value)
    host.setToolTip(option.help)
    return editor


def _browse(option: Option, line: QLineEdit, editor: Editor) -> None:
    if "folder" in option.help.lower():
        path = QFileDialog.getExistingDirectory(line, "Choose a folder")
    else:
        path, _ = QFileDialog.getOpenFileName(line, f"Choose {option.label.lower()}")
    if path:
        line.setText(path)
        editor.commit()


# ----------------------------------------------------------------------------
# the preview
# ----------------------------------------------------------------------------
class DatasetPreview(pg.GraphicsLayoutWidget):
    """A small picture of the data: points, images or curves."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)  # fill what is left
        self.plot = self.addPlot()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.kind = "empty"  # points | images | curves | empty

    def show_dataset(self, ds) -> None:
        p = self.plot
        p.clear()
        p.setAspectLocked(False)
        p.invertY(False)
        for axis in ("left", "bottom"):  # only curves need numbers; points and images speak for themselves
            p.showAxis(axis, ds is not None and ds.x.ndim == 3 and not ds.is_plane)
        if ds is None:
            self.kind = "empty"
            return
        if ds.is_plane or (ds.x.ndim == 2 and ds.x.shape[1] == 2):
            self._points(ds)
        elif ds.x.ndim == 4 or (ds.x.ndim == 3 and ds.x.shape[1] > 4 and ds.x.shape[2] > 4):
            self._images(ds)
        elif ds.x.ndim == 3:
            self._curves(ds)
        else:
            self.kind = "empty"
        p.enableAutoRange()  # refit when the dock is resized, too

    def _points(self, ds) -> None:
        self.kind = "points"
        n = min(len(ds), PREVIEW_POINTS)
        xy = ds.x[:n, :2]
        if ds.task in ("binary", "multiclass"):
            colours = np.array(class_colors(ds.num_classes))[ds.y[:n]]
            brushes = [pg.mkBrush(c) for c in colours]
        else:
            values = ds.y[:n].reshape(n, -1)[:, 0]
            lim = float(np.abs(values).max()) or 1.0
            brushes = [pg.mkBrush(*c) for c in diverging_rgba(values, -lim, lim)]
        self.plot.setAspectLocked(True)
        self.plot.addItem(pg.ScatterPlotItem(xy[:, 0], xy[:, 1], size=7, brush=brushes,
                                             pen=pg.mkPen(255, 255, 255, 160)))

    def _images(self, ds) -> None:
        self.kind = "images"
        tiles = to_rgba(as_images(ds.x[:PREVIEW_IMAGES]))
        image = mosaic(tiles, cols=8, pad=2)
        item = pg.ImageItem(axisOrder="row-major")
        item.setImage(image, autoLevels=False, levels=(0, 255))
        item.setRect(QRectF(0, 0, image.shape[1], image.shape[0]))
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)
        self.plot.addItem(item)

    def _curves(self, ds) -> None:
        self.kind = "curves"
        for i in range(min(4, len(ds))):
            self.plot.plot(ds.x[i, :, 0], pen=pg.mkPen(class_colors(10)[i], width=2))


class DatasetPanel(QWidget):
    """Dataset chooser with options, a description and a preview."""

    dataset_loaded = Signal(object)  # a playground.data.Dataset (or None when cleared)
    message = Signal(str)
    form_built = Signal(object, dict)  # dataset name (or None) and its options, after the form shows them

    def __init__(self, document, edits, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.edits = document, edits
        self.dataset = None  # the last loaded Dataset
        self.editors: dict[str, Editor] = {}
        self._request = 0
        self._signals = _LoadSignals(self)
        self._signals.done.connect(self._on_loaded)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self._commit_options)

        self.combo = QComboBox()
        self.combo.addItem("Choose a dataset…", None)
        group = None
        for info in list_datasets():
            if info.group != group:  # a greyed, unselectable heading per group
                group = info.group
                self.combo.addItem(group.upper(), None)
                self.combo.model().item(self.combo.count() - 1).setEnabled(False)
            self.combo.addItem("    " + info.title, info.name)
            self.combo.setItemData(self.combo.count() - 1, rich_description(info.description),
                                   Qt.ItemDataRole.ToolTipRole)
        self.combo.setMaxVisibleItems(30)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(14)
        self.combo.currentIndexChanged.connect(self._on_choice)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.RichText)  # ``name`` in a description reads as code
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow dock: field under label
        self.preview = DatasetPreview()
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        content = QWidget()
        column = self.column = QVBoxLayout(content)  # extra editors (the point painter) go in here
        column.setContentsMargins(6, 6, 6, 6)
        for widget, stretch in ((self.combo, 0), (self.description, 0), (self.form_host, 0), (self.preview, 1),
                                (self.summary, 0)):
            column.addWidget(widget, stretch)
        scroll = fill_with_scroll(self, content)  # a short dock scrolls instead of squeezing the preview
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self._extra_editors: list[QWidget] = []  # e.g. the point painter
        document.replaced.connect(self.refresh)
        document.replaced.connect(self.apply_locks)
        document.locks_changed.connect(self.apply_locks)
        document.dataset_changed.connect(self._on_dataset_changed)

    # -- binding -------------------------------------------------------------
    @property
    def project(self):
        return self.document.project

    def add_editor(self, widget: QWidget) -> None:
        """Another way to change the data (the point painter), under the options; locked with them."""
        self.column.insertWidget(self.column.indexOf(self.form_host) + 1, widget)
        self._extra_editors.append(widget)
        self.apply_locks()

    def apply_locks(self, *_args) -> None:
        """A classroom project may keep students from changing the data: its choosers are greyed out."""
        allowed = self.project.may_change("dataset")
        for widget in (self.combo, self.form_host, *self._extra_editors):
            lock_widget(widget, allowed)

    def _on_dataset_changed(self, ref) -> None:
        """Undo, redo or an edit here: the form is rebuilt only when it shows something else."""
        name, options = self._chosen()
        shown = self.combo.currentData() == name and all(
            e.value() == options.get(n, e.value()) for n, e in self.editors.items())
        if shown:
            self.load()
        else:
            self.refresh()

    def refresh(self, *_args) -> None:
        """Show the project's dataset (after undo/redo or opening a file) and load it."""
        name, options = self._chosen()
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(0, self.combo.findData(name)))
        self.combo.blockSignals(False)
        self._build_form(name, options)
        self.load()

    def _build_form(self, name: str | None, options: dict) -> None:
        self.editors = {}
        while self.form.rowCount():
            self.form.removeRow(0)
        if name is None:
            self.description.setText("Pick the data to train on. 2-D datasets show a decision boundary.")
            self.form_built.emit(None, {})
            return
        try:
            info = dataset_info(name)
        except DatasetError as exc:
            self.description.setText(str(exc))
            return
        self.description.setText(rich_description(info.description))
        for option in info.options:
            if option.name == "seed" or option.name in HIDDEN_OPTIONS.get(name, ()):
                continue  # the run's seed is in the training settings; the data seed stays as stored
            editor = option_editor(option, options.get(option.name, option.default))
            editor.committed.connect(lambda _value: self._debounce.start())
            self.form.addRow(option.label, editor.widget)
            self.editors[option.name] = editor
        self.form_built.emit(name, dict(options))

    # -- edits ------------------------------------------------------------------
    def current_ref(self) -> DatasetRef | None:
        name = self.combo.currentData()
        if name is None:
            return None
        old = self.project.dataset if self.project is not None else None
        options = dict(old.options) if old is not None and old.name == name else {}
        options.update({n: e.value() for n, e in self.editors.items()})
        return DatasetRef(name=name, options=options)

    def choose(self, name: str | None) -> None:
        """Select dataset ``name`` (as if picked in the box)."""
        self.combo.setCurrentIndex(max(0, self.combo.findData(name)))

    def _on_choice(self, _index: int) -> None:
        name = self.combo.currentData()
        self._build_form(name, {})
        self._push(DatasetRef(name=name, options={}) if name else None)

    def set_options(self, options: dict) -> None:
        """Store ``options`` for the chosen dataset (undoable, like an edit in the form)."""
        ref = self.current_ref()
        if ref is not None:
            self._push(DatasetRef(name=ref.name, options={**ref.options, **options}))

    def _commit_options(self) -> None:
        self._push(self.current_ref())

    def _push(self, ref: DatasetRef | None) -> None:
        if not self.edits.set_dataset(ref):
            self.refresh()  # refused (a classroom lock): show the document's choice again

    # -- loading ------------------------------------------------------------------
    def load(self) -> None:
        """Load the project's dataset on the worker thread (the newest request wins)."""
        self._request += 1
        name, options = self._chosen()
        if name is None:
            self._show(None, "")
            return
        self.summary.setText("Loading…")
        self.pool.start(_LoadJob(self._request, name, options, self._signals))

    def _chosen(self) -> tuple[str | None, dict]:
        """The project's dataset as ``(registry name, options)``; a bare file path reads as a CSV file."""
        ref = self.project.dataset if self.project is not None else None
        if ref is None:
            return None, {}
        options = dict(ref.options)
        if ref.name is None and ref.path is not None:
            options.setdefault("path", ref.path)
        return ref.name or ("csv" if ref.path else None), options

    def _on_loaded(self, number: int, dataset, error: str) -> None:
        if number != self._request:
            return  # an older request: its options are no longer shown
        self._show(dataset, error)

    def _show(self, dataset, error: str) -> None:
        self.dataset = dataset
        self.preview.show_dataset(dataset)
        if error:
            self.summary.setText(f"<span style='color:#d62728'>{error}</span>")
            self.message.emit(error)
        else:
            self.summary.setText(dataset.describe() if dataset is not None else "")
        self.dataset_loaded.emit(dataset)

    def wait_idle(self, ms: int = 10000) -> bool:
        """Block until the worker is done (tests, closing)."""
        return self.pool.waitForDone(ms)
