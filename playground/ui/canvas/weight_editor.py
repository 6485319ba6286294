"""See and edit a layer's weights: double-click an edge into a Dense layer, or a unit's heatmap.

The editor is a small non-modal window next to the click. It shows the layer's weight
matrix as a table — one row per input (``x₁ … xₙ``, the units of the layer before), one
column per unit of the layer, as in ``h = f(xᵀW + b)`` — and the bias ``b`` as the last
row. Cells are tinted orange (negative) or blue (positive) by size, like the edges.

Which weights:

* after training, the trained ones (``project.weights``);
* before any training, the weights the next run will start from: the seed's initial
  weights (built here exactly as ``session.compile.build_run`` builds them), or the
  starting point already edited (``project.initial_weights``).

Editing a value goes through :meth:`playground.ui.edits.Edits.set_weight` (one undo step,
so the title gets its ``*`` and Ctrl+Z takes it back): the next Play starts (or goes on)
from the values shown. While training runs (not paused) the table is read-only and says why.

Matrices with more than :data:`MAX_EDITABLE` rows or columns are shown read-only with a
heatmap above the table: one value at a time is no way to change 784 × 64 weights.

The window wires it up with one line::

    self.weight_editing = WeightEditing(self.canvas, document, edits, run)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPoint, QSize, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView,
                               QVBoxLayout, QWidget)

from playground.session.teaching.text import num, sub

from .items.style import NEGATIVE, POSITIVE, mix

MAX_EDITABLE = 32  # the largest side of a matrix edited cell by cell
HEATMAP_WIDTH = 420
TINT = 0.45  # how strongly the largest value tints its cell


class WeightsUnavailable(Exception):
    """There are no weights to show here; the message says why in plain words."""


@dataclass
class NetworkWeights:
    """Every array of the network as it is shown (``"dense_1.W"`` → host array) and where it came from."""

    arrays: Mapping[str, np.ndarray]
    source: str  # "trained", "start" (an edited starting point) or "seed"
    base: dict[str, np.ndarray] | None  # the seed's weights when the project has none yet


@dataclass
class LayerMatrix:
    node_id: str
    matrix: str  # "dense_1.W"
    bias: str | None  # "dense_1.b"
    source_id: str | None  # the layer the inputs come from


# ----------------------------------------------------------------------------
# finding the weights (no Qt)
# ----------------------------------------------------------------------------
def input_shapes(project, known: Mapping[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
    """Input node id → sample shape: the dataset's (``known``, from the canvas) or the node's own."""
    shapes = {}
    for node in project.graph.nodes_of_kind("input"):
        if not node.params.get("from_dataset", True):
            shapes[node.id] = tuple(node.params["shape"])
        elif node.id in known:
            shapes[node.id] = tuple(known[node.id])
        else:
            raise WeightsUnavailable("The size of the weight matrices depends on the data: choose a dataset "
                                     "(Dataset panel) or wait until it has loaded.")
    return shapes


def _fits(arrays: Mapping[str, np.ndarray], fresh: Mapping[str, np.ndarray]) -> bool:
    return set(arrays) == set(fresh) and all(np.shape(arrays[k]) == np.shape(v) for k, v in fresh.items())


def network_weights(project, known_shapes: Mapping[str, tuple[int, ...]]) -> NetworkWeights:
    """The weights the editor shows (see the module docstring); raise :class:`WeightsUnavailable`."""
    from playground.engine.backend import get_backend
    from playground.session.compile import build_network

    shapes = input_shapes(project, known_shapes)
    try:
        net = build_network(project, get_backend("numpy"), shapes, seed=project.settings.seed)
    except Exception as exc:  # noqa: BLE001 - any reason the network cannot be built, in words
        raise WeightsUnavailable(f"The network cannot be built yet, so it has no weights: {exc}") from None
    fresh = net.state_dict()
    if project.weights is not None:
        if not _fits(project.weights, fresh):
            raise WeightsUnavailable("The trained weights belong to the network as it was when it was trained, "
                                     "and it has changed since. Train it again, or press Reset, to see and edit "
                                     "its weights.")
        return NetworkWeights(project.weights, "trained", None)
    if project.initial_weights:
        if not _fits(project.initial_weights, fresh):
            raise WeightsUnavailable("The starting weights saved with the project do not fit the network as it "
                                     "is now. Press Reset to start from the seed's weights again.")
        return NetworkWeights(project.initial_weights, "start", None)
    return NetworkWeights(fresh, "seed", fresh)


def layer_matrix(graph, arrays: Mapping[str, np.ndarray], node_id: str) -> LayerMatrix | None:
    """The 2-D weight matrix of ``node_id`` (``W``, else the first ``W_*``) and its bias, or ``None``."""
    names = [f"{node_id}.W"] + sorted(k for k in arrays if k.startswith(f"{node_id}.W_"))
    matrix = next((n for n in names if n in arrays and np.ndim(arrays[n]) == 2), None)
    if matrix is None:
        return None
    bias = f"{node_id}.b"
    if bias not in arrays or np.shape(arrays[bias]) != (np.shape(arrays[matrix])[1],):
        bias = None
    sources = graph.inputs_of(node_id) if node_id in graph else []
    return LayerMatrix(node_id, matrix, bias, sources[0] if sources else None)


def unit_owner(graph, infos: Mapping[str, Any], arrays: Mapping[str, np.ndarray], node_id: str) -> str | None:
    """The layer whose weights make the units shown on ``node_id``'s card: the node itself, or
    the first layer upstream through layers without weights that keep the shape (activations)."""
    seen = set()
    while node_id not in seen:
        seen.add(node_id)
        if any(k.startswith(f"{node_id}.") for k in arrays):
            return node_id if layer_matrix(graph, arrays, node_id) is not None else None
        sources = graph.inputs_of(node_id)
        if len(sources) != 1:
            return None
        mine, theirs = infos.get(node_id), infos.get(sources[0])
        if mine is None or theirs is None or mine.shape is None or mine.shape != theirs.shape:
            return None
        node_id = sources[0]
    return None


def no_matrix_reason(arrays: Mapping[str, np.ndarray], node_id: str, from_edge: bool) -> str:
    """Why there is nothing to show for a double-click on ``node_id`` (its edge, or a unit's map)."""
    own = {k.partition(".")[2]: np.shape(v) for k, v in arrays.items() if k.startswith(f"{node_id}.")}
    if own:
        shapes = ", ".join(f"{name} {'×'.join(map(str, shape))}" for name, shape in own.items())
        return (f"The weights of {node_id} are not one matrix ({shapes}); the editor shows a weight matrix "
                "with one row per input and one column per unit, as a Dense layer has.")
    if from_edge:
        return (f"This connection feeds {node_id}, which has no weight matrix to show. Double-click the "
                "connection into a Dense layer: its weights multiply what arrives there.")
    return (f"The units of {node_id} do not come straight from a layer with a weight matrix (such as Dense), "
            "so there are no weights to show for them.")


def parse_number(text: str) -> float:
    """A typed weight: ``0.5``, ``-1.2e-3``, ``−0.25`` (typographic minus) or ``0,5``; else ``ValueError``."""
    cleaned = str(text).strip().replace("−", "-").replace("–", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text}” is not a number: type a value such as 0.5 or −1.2") from None
    if not math.isfinite(value):
        raise ValueError("A weight must be a finite number")
    return value


def weight_stats(arrays: Mapping[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """``{"dense_1.W": {"mean": …, "abs_mean": …}}`` for the canvas's edge colours."""
    stats = {}
    for name, value in arrays.items():
        param = name.rpartition(".")[2]
        if param == "W" or param.startswith("W_"):
            a = np.asarray(value, dtype=float)
            stats[name] = {"mean": float(a.mean()), "abs_mean": float(np.abs(a).mean())}
    return stats


# ----------------------------------------------------------------------------
# the table
# ----------------------------------------------------------------------------
class WeightTableModel(QAbstractTableModel):
    """``W`` (rows = inputs, columns = units) with the bias as the last row.

    ``commit(row, column, text)`` is called when a cell is edited; it returns whether the
    value was taken (the editor pushes the undo command and reloads this model)."""

    def __init__(self, commit: Callable[[int, int, str], bool], parent=None):
        super().__init__(parent)
        self.commit = commit
        self.matrix = np.zeros((0, 0))
        self.bias: np.ndarray | None = None
        self.editable = False
        self.node_id = ""
        self.source_id = ""
        self._scale = 1.0

    def set_values(self, matrix, bias, editable: bool, node_id: str, source_id: str | None) -> None:
        self.beginResetModel()
        self.matrix = np.asarray(matrix)
        self.bias = None if bias is None else np.asarray(bias)
        self.editable = editable
        self.node_id, self.source_id = node_id, source_id or "the inputs"
        self._rescale()
        self.endResetModel()

    def _rescale(self) -> None:
        """The tint's scale: the largest |value| of the matrix and bias."""
        values = [np.abs(self.matrix).ravel()] + ([np.abs(self.bias)] if self.bias is not None else [])
        largest = float(np.max(np.concatenate(values))) if self.matrix.size else 0.0
        self._scale = largest if largest > 0 else 1.0

    def update_values(self, matrix, bias) -> bool:
        """New values of the same shape, without resetting the view (an edit, an undo); ``False``
        if the shape differs and :meth:`set_values` is needed."""
        matrix = np.asarray(matrix)
        if matrix.shape != self.matrix.shape or (bias is None) != (self.bias is None) \
                or (bias is not None and np.shape(bias) != self.bias.shape):
            return False
        self.matrix, self.bias = matrix, None if bias is None else np.asarray(bias)
        self._rescale()
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        return True

    def set_editable(self, editable: bool) -> None:
        if editable != self.editable:
            self.editable = editable
            if self.rowCount() and self.columnCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    # -- shape ------------------------------------------------------------------
    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else self.matrix.shape[0] + (self.bias is not None)

    def columnCount(self, parent=None) -> int:
        return 0 if (parent is not None and parent.isValid()) or self.matrix.ndim != 2 else self.matrix.shape[1]

    def is_bias_row(self, row: int) -> bool:
        return self.bias is not None and row == self.matrix.shape[0]

    def value(self, row: int, column: int):
        """The stored value (the array's own dtype) at a cell."""
        return self.bias[column] if self.is_bias_row(row) else self.matrix[row, column]

    def array_name(self, row: int) -> str:
        return f"{self.node_id}.b" if self.is_bias_row(row) else ""

    def symbol(self, row: int, column: int) -> str:
        return f"b{sub(column + 1)}" if self.is_bias_row(row) else f"w{sub(row + 1, column + 1)}"

    # -- Qt -------------------------------------------------------------------------
    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        value = self.value(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return num(value, 4)
        if role == Qt.ItemDataRole.EditRole:
            return str(value)  # NumPy's shortest text that gives back the stored float32 exactly
        if role == Qt.ItemDataRole.ToolTipRole:
            where = (f"bias of unit {column + 1}" if self.is_bias_row(row)
                     else f"from x{sub(row + 1)} (unit {row + 1} of {self.source_id}) to unit {column + 1}")
            hint = "\nDouble-click or type to change it." if self.editable else ""
            return f"{self.symbol(row, column)} = {value} — {where} of {self.node_id}{hint}"
        if role == Qt.ItemDataRole.BackgroundRole:
            base = QGuiApplication.palette().base().color()
            tint = min(1.0, abs(float(value)) / self._scale) * TINT
            return mix(base, QColor(NEGATIVE if value < 0 else POSITIVE), tint)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.is_bias_row(row):
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole:
            if horizontal:
                return f"unit {section + 1}"
            return "bias b" if self.is_bias_row(section) else f"x{sub(section + 1)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if horizontal:
                return f"Unit {section + 1} of {self.node_id}: its column holds the weights into it"
            if self.is_bias_row(section):
                return "The bias of each unit (the weight of a constant input 1)"
            return f"Input x{sub(section + 1)}: unit {section + 1} of {self.source_id}"
        return None

    def flags(self, index: QModelIndex):
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self.commit(index.row(), index.column(), str(value))


# ----------------------------------------------------------------------------
# the window
# ----------------------------------------------------------------------------
SOURCE_TEXT = {  # what the values are, and what an edit does
    "trained": ("The trained weights (after the last run).",
                " Change a value and the next run (Play) goes on from the values shown. "
                "Reset goes back to the initial weights."),
    "start": ("The weights the next run (Play) starts from, with your changes.",
              " Reset goes back to the seed's weights."),
    "seed": ("Not trained yet: these are the initial weights the seed gives, which training starts from.",
             " Change a value and the next run (Play) starts from yours."),
}


class WeightEditor(QDialog):
    """The weight matrix and bias of one layer, editable through the undo stack."""

    def __init__(self, canvas, document, edits, run, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Tool)
        self.canvas, self.document, self.edits, self.run = canvas, document, edits, run
        self.project = None
        self.node_id: str | None = None
        self.unit = -1
        self.layer: LayerMatrix | None = None
        self.weights: NetworkWeights | None = None
        self.error = ""  # the last refusal, in words
        self.setWindowTitle("Weights")
        self.title = QLabel()
        bold = self.title.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.2)
        self.title.setFont(bold)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.heatmap = QLabel()
        self.heatmap.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heatmap.setVisible(False)
        self.model = WeightTableModel(self._commit, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._on_double_click)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.about, self.source, self.notice, self.heatmap):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        run.state_changed.connect(self._on_run_state)
        self.canvas.canvas_scene.lock_changed.connect(self._on_run_state)  # a classroom lock, too

    # -- what to show -------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.run.running or self.canvas.canvas_scene.locked

    @property
    def lock_reason(self) -> str:
        if self.run.running:
            return "Training is running — pause it to edit weights"
        return self.canvas.canvas_scene.lock_reason

    def project_source(self):
        return self.document.project

    def _on_run_state(self, *_args) -> None:
        if shiboken6.isValid(self):
            self._show_lock(self.locked, self.lock_reason)

    def show_layer(self, node_id: str, unit: int = -1, from_edge: bool = True) -> bool:
        """Show the weights of ``node_id`` (``from_edge``: the edge into it was double-clicked;
        else a unit's heatmap on its card, and the layer is found upstream). Returns ``False``
        (and says why on the canvas) when there are none to show."""
        project = self.project_source()
        scene = self.canvas.canvas_scene
        try:
            weights = network_weights(project, scene.input_shapes)
        except WeightsUnavailable as exc:
            return self._refuse(str(exc))
        owner = node_id if from_edge else unit_owner(project.graph, scene.infos, weights.arrays, node_id)
        layer = layer_matrix(project.graph, weights.arrays, owner) if owner else None
        if layer is None:
            return self._refuse(no_matrix_reason(weights.arrays, node_id, from_edge))
        self.project, self.node_id, self.unit = project, layer.node_id, unit
        self._show(weights, layer)
        self._focus_unit()
        return True

    def refresh(self) -> None:
        """Show the current values again (after an edit, undo, a finished run, Reset, a graph edit)."""
        if self.node_id is None or not self.isVisible():
            return
        project = self.project_source()
        if project is not self.project or self.node_id not in project.graph:
            self.close()  # another document, or the layer was deleted
            return
        try:
            weights = network_weights(project, self.canvas.canvas_scene.input_shapes)
        except WeightsUnavailable as exc:
            self._show_unavailable(str(exc))
            return
        layer = layer_matrix(project.graph, weights.arrays, self.node_id)
        if layer is None:
            self._show_unavailable(f"{self.node_id} has no weight matrix any more.")
            return
        self._show(weights, layer)

    def _refuse(self, reason: str) -> bool:
        self.error = reason
        self.canvas.show_toast(reason)
        self.canvas.message.emit(reason)
        return False

    def _show(self, weights: NetworkWeights, layer: LayerMatrix) -> None:
        self.weights, self.layer, self.error = weights, layer, ""
        matrix = np.asarray(weights.arrays[layer.matrix])
        bias = weights.arrays[layer.bias] if layer.bias else None
        small = max(matrix.shape) <= MAX_EDITABLE
        same_layer = self.model.node_id == layer.node_id
        if not (same_layer and self.model.update_values(matrix, bias)):
            self.model.set_values(matrix, bias, small and not self.locked, layer.node_id, layer.source_id)
        rows, columns = matrix.shape
        self.setWindowTitle(f"Weights into {layer.node_id}")
        self.title.setText(f"{layer.matrix}: {rows} × {columns}" + (" and the bias b" if bias is not None else ""))
        source = f"the {rows} units of {layer.source_id}" if layer.source_id else f"the {rows} inputs"
        self.about.setText(f"One row per input (x₁ … x{sub(rows)}: {source}), one column per unit of "
                           f"{layer.node_id}: unit j computes zⱼ = bⱼ + Σᵢ xᵢ·wᵢⱼ."
                           + ("" if small else f" With more than {MAX_EDITABLE} rows or columns the values "
                                                "are shown read-only."))
        what, edit = SOURCE_TEXT[weights.source]
        self.source.setText(what + (edit if small else ""))
        self.source.setVisible(True)
        self.table.setVisible(True)
        self._show_heatmap(None if small else matrix)
        self._show_lock(self.locked, self.lock_reason)

    def _show_unavailable(self, reason: str) -> None:
        self.weights, self.layer, self.error = None, None, reason
        self.model.set_values(np.zeros((0, 0)), None, False, self.node_id or "", None)
        self.about.setText(reason)
        self.source.setVisible(False)
        self.table.setVisible(False)
        self._show_heatmap(None)

    def _show_heatmap(self, matrix) -> None:
        self.heatmap.setVisible(matrix is not None)
        if matrix is None:
            return
        from ..plots.colors import diverging_rgba

        m = np.asarray(matrix, dtype=float)
        limit = float(np.abs(m).max()) or 1.0
        rgba = np.ascontiguousarray(diverging_rgba(m, -limit, limit))
        rows, columns = m.shape
        image = QImage(rgba.data, columns, rows, 4 * columns, QImage.Format.Format_RGBA8888).copy()
        height = max(60, min(260, round(HEATMAP_WIDTH * rows / columns)))
        self.heatmap.setPixmap(QPixmap.fromImage(image).scaled(
            QSize(HEATMAP_WIDTH, height), Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation))
        self.heatmap.setToolTip(f"{self.layer.matrix}: rows = inputs, columns = units; "
                                f"orange negative, blue positive, up to ±{num(limit, 3)}")

    def _show_lock(self, locked: bool, reason: str = "") -> None:
        if self.layer is None:
            return
        small = max(self.model.matrix.shape, default=0) <= MAX_EDITABLE
        self.model.set_editable(small and not locked)
        if locked:
            self._say(f"{reason or 'Editing is locked'}. These are the weights from before this run; they "
                      "are shown again when it pauses or stops.", warning=True)
        else:
            self.notice.setVisible(False)

    def _say(self, text: str, warning: bool = True) -> None:
        colour = self.canvas.canvas_scene.style.error if warning else self.palette().text().color()
        self.notice.setStyleSheet(f"color: {colour.name()}; font-weight: bold;")
        self.notice.setText(text)
        self.notice.setVisible(True)

    def _focus_unit(self) -> None:
        if 0 <= self.unit < self.model.columnCount():
            self.table.selectColumn(self.unit)
            self.table.setCurrentIndex(self.model.index(0, self.unit))
            self.table.scrollTo(self.model.index(0, self.unit))
        elif self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    # -- editing ------------------------------------------------------------------------------
    def _on_double_click(self, _index) -> None:
        if self.locked:  # Qt would do nothing: say why instead
            self._say(self.lock_reason or "Editing is locked")

    def _commit(self, row: int, column: int, text: str) -> bool:
        try:
            value = parse_number(text)
        except ValueError as exc:
            self._say(str(exc))
            return False
        reason = self.set_value(row, column, value)
        if reason:
            self._say(reason)
            return False
        self.notice.setVisible(False)
        return True

    def set_value(self, row: int, column: int, value: float) -> str | None:
        """Set one cell (``row`` ``rows`` is the bias) through the undo stack; the reason if refused."""
        if self.layer is None or self.weights is None:
            return self.error or "There are no weights to edit here."
        if self.locked:
            self.canvas.canvas_scene.refuse_if_locked()  # says why on the canvas too
            return self.lock_reason or "Editing is locked"
        if not self.model.editable:
            return f"{self.layer.matrix} is too large to edit one value at a time here."
        if self.model.is_bias_row(row):
            name, index = self.layer.bias, (column,)
        else:
            name, index = self.layer.matrix, (row, column)
        if not self.edits.set_weight(name, index, value, base=self.weights.base):
            return f"{name} has no entry {list(index)} any more."
        return None

    # -- placement -----------------------------------------------------------------------------
    def place_near(self, point: QPoint | None) -> None:
        """Size to the table (within reason) and open next to ``point`` (global), inside the screen."""
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        vertical, horizontal = self.table.verticalHeader(), self.table.horizontalHeader()
        table_width = vertical.width() + horizontal.length() + 2 * self.table.frameWidth() + 24
        table_height = horizontal.height() + vertical.length() + 2 * self.table.frameWidth() + 24
        chrome = self.sizeHint().height() - self.table.sizeHint().height()
        screen = (QGuiApplication.screenAt(point) if point is not None else None) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        width = max(420, min(table_width + 24, int(area.width() * 0.6)))
        height = max(200, min(table_height + chrome, int(area.height() * 0.7)))
        self.resize(width, height)
        if point is None:
            return
        x = min(max(area.left(), point.x() + 16), area.right() - width)
        y = min(max(area.top(), point.y() + 16), area.bottom() - height)
        self.move(x, y)


class WeightEditing(QObject):
    """Opens one :class:`WeightEditor` for the canvas's double-clicks and keeps it current."""

    def __init__(self, canvas, document, edits, run, parent: QObject | None = None):
        super().__init__(parent)
        self.canvas, self.document, self.edits, self.run = canvas, document, edits, run
        self.editor: WeightEditor | None = None
        canvas.weights_requested.connect(self.open)
        document.results_changed.connect(self._on_results_changed)  # an edit, undo, a finished run, Reset
        document.changed.connect(self._refresh)
        document.replaced.connect(self._refresh)

    def open(self, node_id: str, unit: int = -1, point: QPoint | None = None) -> WeightEditor | None:
        """Show the weights for a double-click on an edge into ``node_id`` (``unit`` −1) or on unit
        ``unit``'s heatmap of ``node_id``; ``None`` (and the reason on the canvas) if there are none."""
        if self.editor is None:
            self.editor = WeightEditor(self.canvas, self.document, self.edits, self.run, self.canvas.window())
        if not self.editor.show_layer(node_id, unit, from_edge=unit < 0):
            return None
        self.editor.show()
        self.editor.place_near(point)  # once shown: the table's headers know their sizes
        self.editor.raise_()
        self.editor.activateWindow()
        return self.editor

    def _refresh(self, *_args) -> None:
        if self.editor is not None and shiboken6.isValid(self.editor):
            self.editor.refresh()

    def _on_results_changed(self) -> None:
        """Weights edited (or undone): the table and the edge colours show them at once."""
        self._refresh()
        project, scene = self.document.project, self.canvas.canvas_scene
        if scene.weights_shown and project.weights is not None and not self.run.running:
            scene.show_weights(weight_stats(project.weights))
