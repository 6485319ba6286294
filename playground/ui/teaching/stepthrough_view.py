"""Backpropagation, one stage at a time: forward layer by layer, the loss, backward, the update.

For a small network (a stack of Dense and Activation layers, up to ~50 units) the view runs
ONE training sample through ONE training step with
:func:`playground.session.teaching.stepthrough.step_through` (the engine's own numbers, in
float64) and walks through its stages with *Back* and *Next*:

* **Forward, layer k** — per unit: bias, net input ``z = b + Σ x·w`` and activation ``h = f(z)``;
  per weight: the input it multiplies and its value;
* **Loss** — per output: prediction ŷ, target y, ``∂L/∂ŷ`` (where backpropagation starts);
* **Backward, layer k** — per unit: ``∂L/∂h``, ``f'(z)``, the error term ``δ = ∂L/∂z``;
  per weight: ``x``, ``δ`` and the gradient ``∂L/∂w = x·δ``;
* **Update** — every weight and bias before, its gradient, after, and the change.

Above the tables one sentence explains the stage with the actual numbers, and below them
every unit's calculation is written out line by line. Numbers show 4 significant digits;
each cell keeps the exact value (``VALUE_ROLE``) and shows it in its tooltip.

For the canvas, :attr:`StepThroughView.canvas_values` sends a :class:`CanvasValues` at
every stage (and again when the view is shown): the nodes to highlight, the numbers per card
(b, z, h, δ so far) and per edge into a Dense layer (its weights, gradients or new weights),
and weight statistics for the edges' colour and width; ``CanvasScene.show_step_values`` draws
them. :attr:`StepThroughView.canvas_cleared` says when they should go (the view was closed or
has nothing to show): the *Teach* menu connects both to the window's canvas.

Use: ``StepThroughView(project=None, parent=None, sample=0)`` — give a project (it is
compiled with the NumPy backend; trained weights are used when the project has them) or
later call :meth:`set_project`, :meth:`set_network` (an engine network, loss, sample and
optimizer) or :meth:`set_trace` (a ready ``StepThrough``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from playground.session.teaching.explain import Stage
from playground.session.teaching.stepthrough import (
    LayerStep,
    StepThrough,
    StepThroughError,
    step_through,
)
from playground.session.teaching.text import num, sub, vector

from .common import (
    fill_table,
    heading,
    lecture_font,
    make_table,
    number_item,
    paragraph,
    readable_error,
    set_font_size,
    text_item,
)

KIND_WORDS = {"forward": "Forward", "loss": "Loss", "backward": "Backward", "update": "Update"}
PROJECT_OPTIMIZER, PLAIN_SGD = "project", "sgd"


@dataclass
class StepQuantity:
    """One named vector or matrix the canvas shows: ``label`` (``"z"``, ``"δ"``, ``"∂L/∂W"``),
    the exact ``values`` (host float64), and whether this very stage ``fresh``-ly computed them."""

    label: str
    values: np.ndarray
    fresh: bool = False


@dataclass
class CanvasValues:
    """What the canvas can show for one stage of the step-through.

    ``highlight``: node ids of the stage's layer(s) (and the Output card at the loss).
    ``node_values``: node id → the quantities its card shows, in order — a Dense card its bias
    ``b`` (``b′`` after the update), net input ``z`` and error term ``δ``; an Activation card
    ``h`` and ``∂L/∂h``; the Output card ``ŷ``, ``y`` and ``L`` — everything known by this stage.
    ``edge_values``: Dense node id → the matrix for the edge into it (``W``, ``∂L/∂W`` once its
    backward pass is done, ``W after the step`` at the update). ``node_text``/``edge_text``: the
    same as one short line each (``"z = [0.378, 0.393]"``). ``weight_stats``:
    ``{"dense_1.W": {"mean": …, "abs_mean": …}}`` (``CanvasScene.show_weights``' form) for the
    edges' colour and width.
    """

    stage: int
    kind: str
    highlight: list[str] = field(default_factory=list)
    node_text: dict[str, str] = field(default_factory=dict)
    edge_text: dict[str, str] = field(default_factory=dict)
    weight_stats: dict[str, dict[str, float]] = field(default_factory=dict)
    node_values: dict[str, list[StepQuantity]] = field(default_factory=dict)
    edge_values: dict[str, StepQuantity] = field(default_factory=dict)


class StepThroughView(QWidget):
    """One sample through one training step, stage by stage, as tables and sentences.

    ``trace`` is the :class:`StepThrough` shown, ``stage`` the index of the stage
    (0 … ``len(trace.stages) − 1``); ``units_table`` and ``weights_table`` hold the numbers;
    :meth:`next_stage` / :meth:`previous_stage` / :meth:`show_stage` walk. ``error`` is the
    last plain-words refusal ("this network has 130 units …"), or ``""``.
    """

    canvas_values = Signal(object)  # CanvasValues
    canvas_cleared = Signal()  # closed, or nothing to show: the canvas drops the numbers
    stage_changed = Signal(int)

    def __init__(self, project=None, parent: QWidget | None = None, sample: int = 0):
        super().__init__(parent)
        self.setWindowTitle("Step through backpropagation")
        self.trace: StepThrough | None = None
        self.stage = 0
        self.error = ""
        self.project = None
        self._run = None
        self._source = None  # (net, loss, x, target, optimizer, lr) for set_network
        self._sgd_lr = 0.1
        self._fingerprint: str | None = None  # of the project the trace was computed from
        self.stale = False  # the network or its weights changed since
        self._build_ui()
        self.resize(self.sizeHint())
        if project is not None:
            self.set_project(project, sample)

    def sizeHint(self):  # noqa: N802 - Qt's name
        """Room for the sentences and both tables at once (not 740×230 with two rows of each table)."""
        from PySide6.QtCore import QSize

        return QSize(1180, 780)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Esc closes the window, as in a dialog."""
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    # -- layout -------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.sample_spin = QSpinBox()
        self.sample_spin.setPrefix("sample ")
        self.sample_spin.setToolTip("Which training sample goes through the network")
        self.optimizer_combo = QComboBox()
        # long entries must not make the window wider than a laptop screen
        self.optimizer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.optimizer_combo.setMinimumContentsLength(30)
        self.optimizer_combo.setToolTip("The update uses the project's optimizer, or plain SGD "
                                        "(w ← w − η·∂L/∂w), which is easiest to follow by hand")
        self.back_button = QPushButton("◀  Back")
        self.next_button = QPushButton("Next  ▶")
        self.counter = QLabel()
        set_font_size([self.sample_spin, self.optimizer_combo, self.back_button, self.next_button,
                       self.counter], "label")
        top = QHBoxLayout()
        top.addWidget(self.sample_spin)
        top.addWidget(self.optimizer_combo, 1)
        top.addStretch(0)
        top.addWidget(self.back_button)
        top.addWidget(self.counter)
        top.addWidget(self.next_button)

        self.stage_list = QListWidget()
        self.stage_list.setFont(lecture_font("tick"))
        self.title = heading()
        self.explanation = paragraph()
        self.units_caption = QLabel()
        self.units_caption.setFont(lecture_font("tick", bold=True))
        self.units_table = make_table()
        self.weights_caption = QLabel()
        self.weights_caption.setFont(lecture_font("tick", bold=True))
        self.weights_table = make_table()
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setFont(lecture_font("tick"))
        self.details.setPlaceholderText("Every unit's calculation, line by line")

        units_box, weights_box = QWidget(), QWidget()
        for box, caption, table in ((units_box, self.units_caption, self.units_table),
                                    (weights_box, self.weights_caption, self.weights_table)):
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(caption)
            column.addWidget(table, 1)
        self.tables = QSplitter(Qt.Orientation.Horizontal)
        self.tables.addWidget(units_box)
        self.tables.addWidget(weights_box)
        self.units_box, self.weights_box = units_box, weights_box

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.explanation)
        lower = QSplitter(Qt.Orientation.Vertical)
        lower.addWidget(self.tables)
        lower.addWidget(self.details)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 1)
        lower.setChildrenCollapsible(False)
        for table in (self.units_table, self.weights_table):  # never collapsed to two rows
            row = table.verticalHeader().defaultSectionSize()
            table.setMinimumHeight(row * 7 + table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth())
        lower.setSizes([480, 140])
        column.addWidget(lower, 1)
        self.filler = QWidget()  # takes the room of the tables while there are none
        column.addWidget(self.filler, 1)
        self.lower = lower

        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(self.stage_list)
        main.addWidget(body)
        main.setStretchFactor(1, 1)
        self.stage_list.setMinimumWidth(self.stage_list.fontMetrics().horizontalAdvance("10. Backward · layer 10") + 30)
        self.stage_list.setMaximumWidth(self.stage_list.minimumWidth() + 60)

        self.stale_label = QLabel("The network or its weights have changed since these numbers were computed.")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet("font-weight: bold;")
        self.recompute_button = QPushButton("Recompute")
        self.recompute_button.setToolTip("Step the same sample through the network as it is now")
        self.recompute_button.clicked.connect(self.recompute)
        set_font_size([self.stale_label, self.recompute_button], "label")
        self.stale_bar = QWidget()
        stale_row = QHBoxLayout(self.stale_bar)
        stale_row.setContentsMargins(0, 0, 0, 0)
        stale_row.addWidget(self.stale_label, 1)
        stale_row.addWidget(self.recompute_button)
        self.stale_bar.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stale_bar)
        layout.addWidget(main, 1)

        self.back_button.clicked.connect(self.previous_stage)
        self.next_button.clicked.connect(self.next_stage)
        self.stage_list.currentRowChanged.connect(self._on_stage_row)
        self.sample_spin.valueChanged.connect(self._on_sample)
        self.optimizer_combo.currentIndexChanged.connect(self._on_optimizer)
        self._show_nothing()

    # -- sources ---------------------------------------------------------------------------------
    def set_project(self, project, sample: int = 0) -> bool:
        """Compile ``project`` (NumPy backend; its trained weights if it has them) and step ``sample``.

        Returns False (and shows why) when the project cannot be compiled or stepped through.
        """
        from playground.session.compile import (
            build_run,  # the session is needed only here
        )

        self.project, self._source, self._fingerprint = project, None, None
        self._set_stale(False)
        try:
            self._run = build_run(project, backend="numpy", epochs=1)
            if project.weights:
                self._run.net.load_state_dict(project.weights)
        except Exception as exc:  # noqa: BLE001 - shown in plain words
            self._run = None
            self._show_error(f"Cannot build the network: {readable_error(exc)}")
            return False
        n = len(self._run.data.x_train)
        self._fingerprint = project_fingerprint(project)
        self._block_inputs(True)
        self.sample_spin.setRange(1, max(1, n))
        self.sample_spin.setValue(min(max(0, int(sample)), n - 1) + 1)  # shown counting from 1
        self.sample_spin.setSuffix(f" of {n}")
        self.sample_spin.setEnabled(True)
        self._fill_optimizer_combo(self._run.trainer.optimizer)
        self._block_inputs(False)
        return self._recompute()

    def set_network(self, net, loss, x, target, optimizer=None, lr: float = 0.1) -> bool:
        """Step one sample ``x`` with ``target`` through ``net`` (``optimizer`` as in ``step_through``)."""
        self.project, self._run, self._fingerprint = None, None, None
        self._set_stale(False)
        self._source = (net, loss, x, target, optimizer, lr)
        self._block_inputs(True)
        self.sample_spin.setRange(1, 1)
        self.sample_spin.setSuffix("")
        self.sample_spin.setEnabled(False)
        self._fill_optimizer_combo(optimizer, lr)
        self._block_inputs(False)
        return self._recompute()

    def set_trace(self, trace: StepThrough, stage: int = 0) -> None:
        """Show a ready-made step-through (no recomputation)."""
        self.trace, self.error = trace, ""
        self.stage_list.blockSignals(True)
        self.stage_list.clear()
        for i, s in enumerate(trace.stages):
            self.stage_list.addItem(f"{i + 1}. {stage_label(s)}")
            self.stage_list.item(i).setToolTip(s.title)
        self.stage_list.blockSignals(False)
        self._set_empty(False)
        self.show_stage(stage)

    def _fill_optimizer_combo(self, optimizer, lr: float | None = None) -> None:
        self.optimizer_combo.clear()
        if optimizer is None or isinstance(optimizer, str):
            name = optimizer or "sgd"
            self._sgd_lr = float(lr or 0.1)
            self.optimizer_combo.addItem(f"optimizer: {name}, η = {self._sgd_lr:g}", PROJECT_OPTIMIZER)
            return
        self._sgd_lr = float(optimizer.lr)
        self.optimizer_combo.addItem(f"the project's optimizer: {optimizer!r}", PROJECT_OPTIMIZER)
        self.optimizer_combo.addItem(f"plain SGD, η = {self._sgd_lr:g}  (w ← w − η·∂L/∂w)", PLAIN_SGD)

    def _block_inputs(self, block: bool) -> None:
        self.sample_spin.blockSignals(block)
        self.optimizer_combo.blockSignals(block)

    def _recompute(self) -> bool:
        plain = self.optimizer_combo.currentData() == PLAIN_SGD
        try:
            if self._run is not None:
                data, i = self._run.data, self.sample_index
                optimizer = None if plain else self._run.trainer.optimizer
                trace = step_through(self._run.net, self._run.loss, data.x_train[i], data.y_train[i],
                                     optimizer, lr=self._sgd_lr)
            elif self._source is not None:
                net, loss, x, target, optimizer, lr = self._source
                trace = step_through(net, loss, x, target, None if plain else optimizer,
                                     lr=self._sgd_lr if plain else lr)
            else:
                return False
        except StepThroughError as exc:
            self._show_error(str(exc))
            return False
        except Exception as exc:  # noqa: BLE001
            self._show_error(f"The step-through failed: {readable_error(exc)}")
            return False
        self.set_trace(trace, min(self.stage, len(trace.stages) - 1))
        return True

    def _on_sample(self, _value: int) -> None:
        self._recompute()

    def _on_optimizer(self, _index: int) -> None:
        self._recompute()

    @property
    def sample_index(self) -> int:
        """The training sample shown (0-based; the spin box counts from 1)."""
        return self.sample_spin.value() - 1

    def set_sample(self, index: int) -> None:
        """Step training sample ``index`` (0-based) through instead."""
        self.sample_spin.setValue(int(index) + 1)

    # -- walking -----------------------------------------------------------------------------------
    def next_stage(self) -> None:
        if self.trace is not None and self.stage < len(self.trace.stages) - 1:
            self.show_stage(self.stage + 1)

    def previous_stage(self) -> None:
        if self.trace is not None and self.stage > 0:
            self.show_stage(self.stage - 1)

    def _on_stage_row(self, row: int) -> None:
        if row >= 0 and row != self.stage:
            self.show_stage(row)

    def show_stage(self, index: int) -> None:
        """Show stage ``index`` of the trace: sentence, tables, details; tell the canvas."""
        trace = self.trace
        if trace is None:
            return
        index = max(0, min(int(index), len(trace.stages) - 1))
        self.stage = index
        stage = trace.stages[index]
        self.stage_list.blockSignals(True)
        self.stage_list.setCurrentRow(index)
        self.stage_list.blockSignals(False)
        self.counter.setText(f"{index + 1} / {len(trace.stages)}")
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(trace.stages) - 1)
        self.title.setText(stage.title)
        self.explanation.setText(stage.text)
        self.details.setPlainText("\n".join(stage.details))
        self.details.setVisible(bool(stage.details))
        self._fill_tables(stage)
        self._share_width()
        self.stage_changed.emit(index)
        if not self.stale:
            self.canvas_values.emit(self.values_for_canvas(index))

    # -- a changed network --------------------------------------------------------------------------
    def check_stale(self, *_args) -> bool:
        """Whether the project's network or weights changed since the numbers were computed (the
        window calls this after every edit and run). Then the canvas is cleared and the view offers
        *Recompute* — compiling the project again is left to the student's click."""
        if self.project is None or self.trace is None or self._fingerprint is None:
            return False
        if not self.stale and project_fingerprint(self.project) != self._fingerprint:
            self._set_stale(True)
        return self.stale

    def recompute(self) -> bool:
        """Step the same sample through the project as it is now, staying at the same stage."""
        if self.project is None:
            return False
        return self.set_project(self.project, self.sample_index)

    def _set_stale(self, stale: bool) -> None:
        self.stale = stale
        self.stale_bar.setVisible(stale)
        if stale:
            self.canvas_cleared.emit()

    # -- tables ------------------------------------------------------------------------------------
    def _fill_tables(self, stage: Stage) -> None:
        trace = self.trace
        if stage.kind == "forward":
            layer = trace.layers[stage.layer]
            self._units(f"Units of layer {layer.index} ({_names(layer)})", *forward_unit_rows(layer, stage))
            self._weights(f"Weights into layer {layer.index}", *forward_weight_rows(layer))
        elif stage.kind == "loss":
            self._units(f"Outputs and the loss L = {num(trace.loss)}", *loss_rows(trace))
            self._weights("", [], [])
        elif stage.kind == "backward":
            layer = trace.layers[stage.layer]
            self._units(f"Error terms of layer {layer.index} ({_names(layer)})",
                        *backward_unit_rows(layer, stage))
            self._weights(f"Gradients of layer {layer.index}'s weights", *backward_weight_rows(layer, stage))
        else:
            self._units("", [], [])
            self._weights(f"Every weight and bias, before and after the step ({trace.optimizer})",
                          *update_rows(trace, stage))

    def _share_width(self) -> None:
        """Give each table the width its columns need (the rest goes to the wider one)."""
        need = [natural_width(self.units_table), natural_width(self.weights_table)]
        total = max(sum(self.tables.sizes()), 1)
        if self.units_box.isHidden() or self.weights_box.isHidden():
            return
        units = min(need[0], max(total - need[1], total // 3))
        self.tables.setSizes([units, total - units])

    def _units(self, caption: str, headers, rows) -> None:
        self.units_caption.setText(caption)
        fill_table(self.units_table, headers, rows)
        self.units_box.setVisible(bool(rows))

    def _weights(self, caption: str, headers, rows) -> None:
        self.weights_caption.setText(caption)
        fill_table(self.weights_table, headers, rows)
        self.weights_box.setVisible(bool(rows))

    # -- canvas ----------------------------------------------------------------------------------------
    def values_for_canvas(self, index: int | None = None) -> CanvasValues:
        """The :class:`CanvasValues` of stage ``index`` (default: the one shown)."""
        index = self.stage if index is None else index
        output_id = None
        if self.project is not None and self.project.output_node() is not None:
            output_id = self.project.output_node().id
        return canvas_values(self.trace, index, output_id)

    # -- shown and hidden: the canvas follows ------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.trace is not None and not self.check_stale():
            self.canvas_values.emit(self.values_for_canvas())

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.canvas_cleared.emit()

    # -- empty and error states -----------------------------------------------------------------------
    def _show_nothing(self) -> None:
        self.title.setText("Step through one training step")
        self.explanation.setText("Open a small project (a stack of Dense and Activation layers, up to "
                                 "50 units) to follow one sample forward, through the loss and back.")
        self._clear()

    def _show_error(self, text: str) -> None:
        self.error = text
        self.trace = None
        self.title.setText("This network cannot be stepped through")
        self.explanation.setText(text)
        self._clear()
        self.canvas_cleared.emit()

    def _set_empty(self, empty: bool) -> None:
        self.lower.setVisible(not empty)
        self.stage_list.setVisible(not empty)
        self.filler.setVisible(empty)

    def _clear(self) -> None:
        self._set_empty(True)
        self.stage_list.clear()
        self.details.clear()
        for table in (self.units_table, self.weights_table):
            fill_table(table, [], [])
        for w in (self.units_box, self.weights_box, self.details):
            w.setVisible(False)
        self.counter.setText("")
        self.back_button.setEnabled(False)
        self.next_button.setEnabled(False)


def project_fingerprint(project) -> str:
    """What the numbers depend on — the layers and their wiring (not where they sit), the settings,
    the data, and the weights — as a short digest to compare."""
    graph = project.graph.to_dict()
    nodes = [{k: v for k, v in node.items() if k not in ("x", "y")} for node in graph["nodes"]]
    digest = hashlib.sha1(json.dumps([nodes, graph["edges"], project.settings.to_dict(),
                                      project.dataset.to_dict() if project.dataset is not None else None],
                                     sort_keys=True, default=str).encode())
    for attr in ("weights", "initial_weights"):
        arrays = getattr(project, attr) or {}
        for name in sorted(arrays):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(arrays[name]).tobytes())
        digest.update(b"|")
    return digest.hexdigest()


# -- what the canvas shows (a pure function of the trace) ------------------------------------------------------
def canvas_values(trace: StepThrough, index: int, output_id: str | None = None) -> CanvasValues:
    """Stage ``index`` of ``trace`` for the canvas; the loss goes on card ``output_id`` when given
    (the graph's Output node), else on the last layer's card."""
    stage = trace.stages[index]
    done = trace.stages[:index + 1]
    forward = {s.layer for s in done if s.kind == "forward"}
    backward = {s.layer for s in done if s.kind == "backward"}
    updated = stage.kind == "update"
    values = CanvasValues(index, stage.kind, list(stage.node_ids))
    cards = values.node_values
    for k, layer in enumerate(trace.layers):
        fresh_forward = stage.kind == "forward" and stage.layer == k
        fresh_backward = stage.kind == "backward" and stage.layer == k
        dense = cards.setdefault(layer.dense_id, [])
        if layer.bias is not None:
            dense.append(StepQuantity("b′", layer.new_bias, True) if updated else StepQuantity("b", layer.bias))
        if k in forward:
            dense.append(StepQuantity("z", layer.z, fresh_forward))
            if layer.activation_id:
                cards.setdefault(layer.activation_id, []).append(StepQuantity("h", layer.h, fresh_forward))
        if k in backward:
            if layer.activation_id:
                cards[layer.activation_id].append(StepQuantity("∂L/∂h", layer.grad_h, fresh_backward))
            dense.append(StepQuantity("δ", layer.delta, fresh_backward))
        if updated:
            values.edge_values[layer.dense_id] = StepQuantity("W after the step", layer.new_weights, True)
        elif k in backward:
            values.edge_values[layer.dense_id] = StepQuantity("∂L/∂W", layer.grad_weights, fresh_backward)
        else:
            values.edge_values[layer.dense_id] = StepQuantity("W", layer.weights, fresh_forward)
        weights = layer.new_weights if updated else layer.weights
        values.weight_stats[f"{layer.dense_id}.W"] = {"mean": float(np.mean(weights)),
                                                      "abs_mean": float(np.mean(np.abs(weights)))}
    if stage.kind in ("loss", "backward", "update"):
        last = trace.layers[-1]
        target = output_id or last.activation_id or last.dense_id
        fresh = stage.kind == "loss"
        if output_id:
            cards.setdefault(output_id, []).extend([StepQuantity("ŷ", trace.output, fresh),
                                                    StepQuantity("y", trace.target, fresh)])
            if fresh:
                values.highlight.append(output_id)
        cards.setdefault(target, []).append(StepQuantity("L", np.array([trace.loss]), fresh))
    for node_id, quantities in cards.items():
        computed = [q for q in quantities if q.label not in ("b", "b′", "ŷ", "y")]
        if computed:
            values.node_text[node_id] = "\n".join(f"{q.label} = {_short(q)}" for q in computed)
    for node_id, q in values.edge_values.items():
        values.edge_text[node_id] = f"{q.label} = {vector(np.ravel(q.values), 3, 6)}"
    return values


def _short(q: StepQuantity) -> str:
    return f"{float(q.values[0]):.4g}" if q.label == "L" else vector(q.values, 3, 4)


# -- rows of the tables (pure functions of the trace, easy to test) -----------------------------------------
def natural_width(table) -> int:
    """Pixels a table needs to show every column without scrolling sideways."""
    table.resizeColumnsToContents()
    columns = sum(table.columnWidth(c) for c in range(table.columnCount()))
    return columns + 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width() + 4


def stage_label(stage: Stage) -> str:
    """Short name for the list of stages: ``Forward · layer 1``, ``Loss``, ``Update``."""
    if stage.layer is None:
        return KIND_WORDS[stage.kind]
    return f"{KIND_WORDS[stage.kind]} · layer {stage.layer + 1}"


def _names(layer: LayerStep) -> str:
    return " → ".join(layer.node_ids)


def _line(lines: list[str], i: int) -> str:
    return lines[i] if 0 <= i < len(lines) else ""


def forward_unit_rows(layer: LayerStep, stage: Stage):
    headers = ["unit", "bias b", "net input z", "activation h"]
    rows = []
    for j in range(layer.units):
        tip = _line(stage.details, j)
        bias = number_item(layer.bias[j]) if layer.bias is not None else text_item("—")
        rows.append([text_item(f"unit {j + 1}", tip), bias, number_item(layer.z[j], tooltip=tip),
                     number_item(layer.h[j], tooltip=tip)])
    return headers, rows


def forward_weight_rows(layer: LayerStep):
    headers = ["weight", "from → to", "input xᵢ", "weight wᵢⱼ"]
    rows = []
    for i in range(layer.inputs.size):
        for j in range(layer.units):
            rows.append([text_item(f"w{sub(i + 1, j + 1)}"), text_item(f"x{sub(i + 1)} → unit {j + 1}"),
                         number_item(layer.inputs[i]), number_item(layer.weights[i, j])])
    return headers, rows


def loss_rows(trace: StepThrough):
    headers = ["output", "prediction ŷ", "target y", "∂L/∂ŷ"]
    rows = []
    for k in range(trace.output.size):
        rows.append([text_item(f"ŷ{sub(k + 1)}"), number_item(trace.output[k]), number_item(trace.target[k]),
                     number_item(trace.loss_grad[k])])
    return headers, rows


def backward_unit_rows(layer: LayerStep, stage: Stage):
    headers = ["unit", "net input z", "∂L/∂h", "f′(z)", "δ = ∂L/∂z"]
    rows = []
    for j in range(layer.units):
        tip = _line(stage.details, j)
        rows.append([text_item(f"unit {j + 1}", tip), number_item(layer.z[j]),
                     number_item(layer.grad_h[j], tooltip=tip), number_item(layer.slope[j], tooltip=tip),
                     number_item(layer.delta[j], tooltip=tip)])
    return headers, rows


def backward_weight_rows(layer: LayerStep, stage: Stage):
    """One row per weight (``∂L/∂wᵢⱼ = xᵢ·δⱼ``), then per bias (``∂L/∂bⱼ = δⱼ``)."""
    headers = ["parameter", "input xᵢ", "δⱼ", "gradient ∂L/∂w"]
    rows, first = [], layer.units  # stage.details: the δ lines, then one line per gradient
    for i in range(layer.inputs.size):
        for j in range(layer.units):
            tip = _line(stage.details, first + i * layer.units + j)
            rows.append([text_item(f"w{sub(i + 1, j + 1)}", tip), number_item(layer.inputs[i]),
                         number_item(layer.delta[j]), number_item(layer.grad_weights[i, j], tooltip=tip)])
    if layer.grad_bias is not None:
        first += layer.inputs.size * layer.units
        for j in range(layer.units):
            tip = _line(stage.details, first + j)
            rows.append([text_item(f"b{sub(j + 1)}", tip), number_item(1.0), number_item(layer.delta[j]),
                         number_item(layer.grad_bias[j], tooltip=tip)])
    return headers, rows


def update_rows(trace: StepThrough, stage: Stage):
    """Every weight and bias of every layer: before, gradient, after, change (the stage's line order)."""
    headers = ["parameter", "before", "gradient", "after", "change"]
    rows = []
    for layer in trace.layers:
        entries = [(f"w{sub(i + 1, j + 1)}", layer.weights[i, j], layer.grad_weights[i, j],
                    layer.new_weights[i, j]) for i in range(layer.inputs.size) for j in range(layer.units)]
        if layer.bias is not None:
            entries += [(f"b{sub(j + 1)}", layer.bias[j], layer.grad_bias[j], layer.new_bias[j])
                        for j in range(layer.units)]
        for label, old, grad, new in entries:
            tip = _line(stage.details, len(rows))
            rows.append([text_item(f"{layer.dense_id}.{label}", tip), number_item(old), number_item(grad),
                         number_item(new, tooltip=tip), number_item(new - old)])
    return headers, rows
