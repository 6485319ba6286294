"""A node card: title, key parameters, output shape, parameter count, problem badge.

The card only shows what the scene tells it (:meth:`NodeItem.set_node`,
:meth:`NodeItem.set_info`, :meth:`NodeItem.set_unit_maps`, :meth:`NodeItem.set_frozen`); it
never changes the model. Qt moves it while the mouse drags; the scene turns the whole drag
into one ``MoveNodes`` command on release.

Layout (scene units, zoom 1)::

    ┃ Conv2D   [❄ frozen] conv2d_1 (!)  (the tag and an ice-blue stripe: a frozen layer)
    ┃ 16 filters 3×3, same
    ┃ → (16, 8, 8)
    ┃ 160 params
    ┃ ┌ z  0.3775, 0.3925  (step-through numbers, while it is open)
    ┃ └ δ  0.01337, 0.015
    ┃ ▣▣▣▣▣▣▣▣            (unit maps, 2-D problems only)
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyle, QStyleOptionGraphicsItem

from ..summary import NodeInfo, fmt_count, fmt_shape, param_summary
from .port import PortItem
from .step_values import exact_text, value_tokens, wrap_values
from .style import NODE_RADIUS, NODE_WIDTH, PADDING, STRIPE, UNIT_GAP, UNIT_MAP, CanvasStyle, mix
from .unit_maps import UnitMapsItem

BADGE_RADIUS = 10.0
LINE_GAP = 3.0
MAX_PROBLEM_LINES = 6  # the fix is usually at the end of the message: keep it visible
MAX_STEP_LINES = 3  # wrapped lines per step-through quantity
STEP_PAD = 5.0
HALO = 6.0  # the glow round a card of the step-through's current stage
FROZEN_TAG = "❄ frozen"
FROZEN_TIP = "Frozen: its weights keep their values while the other layers train (transfer learning)."
ICE, ICE_DARK_THEME = "#3d85c6", "#8ecbff"  # a frozen layer's stripe and tag
TAG_PAD, TAG_GAP = 5.0, 6.0


class NodeItem(QGraphicsItem):
    """The card of one graph node."""

    def __init__(self, node, style: CanvasStyle):
        super().__init__()
        self.node_id: str = node.id
        self.kind: str = node.kind
        self.style = style
        self.title = ""
        self.group = ""
        self.help = ""
        self.summary = ""
        self.info = NodeInfo()
        self.has_output = True
        self.locked = False
        self.frozen = False  # transfer learning: its weights do not train
        self.edges: set = set()  # EdgeItems attached to this node (kept by the scene)
        self.input_ports: list[PortItem] = []
        self.output_port: PortItem | None = None
        self._width = NODE_WIDTH
        self._height = 80.0
        self._problem_lines: list[str] = []
        self._step: list[tuple[str, list[str], bool]] = []  # step-through: (label, values as text, fresh)
        self._step_lines: list[list[str]] = []  # each quantity's values, wrapped to the card
        self._step_rows: list[tuple[str, str, bool]] = []  # (label or "", line, fresh), as painted
        self._step_tip = ""
        self.step_highlight = False
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.unit_maps = UnitMapsItem(self)
        self.unit_maps.setVisible(False)
        self.set_node(node)
        self.setPos(node.x, node.y)

    # ------------------------------------------------------------------
    # what the card shows
    # ------------------------------------------------------------------
    def set_node(self, node) -> None:
        """Take title, kind and parameters from a model ``Node``."""
        spec = node.spec
        self.kind = node.kind
        self.title = spec.title
        self.group = spec.group
        self.help = spec.help
        self.has_output = spec.has_output
        self.summary = param_summary(node.kind, node.params)
        self.shares_with = node.params.get("share_weights_with")  # a Siamese tower's twin
        self._spec = spec
        self._relayout()

    def set_info(self, info: NodeInfo) -> None:
        """Shape-inference result: output shape, parameter count, problem."""
        if info != self.info:
            self.info = info
            self._relayout()

    def set_port_count(self, count: int) -> None:
        """Make ``count`` input ports (Add/Concatenate grow one free port at a time)."""
        if count == len(self.input_ports):
            return
        for port in self.input_ports[count:]:
            port.setParentItem(None)
            if port.scene() is not None:
                port.scene().removeItem(port)
        del self.input_ports[count:]
        for i in range(len(self.input_ports), count):
            name = self._spec.port_name(i) if hasattr(self, "_spec") else ""
            self.input_ports.append(PortItem(self, is_output=False, index=i, name=name))
        self._place_ports()

    def set_unit_maps(self, images, total: int | None = None) -> None:
        """Tiny per-unit heatmaps (a list of ``QImage``), or ``None`` to hide them;
        ``total`` units in the layer ("+8" is shown for those left out)."""
        self.unit_maps.set_images(images or [], total)
        self.unit_maps.setVisible(bool(images))
        self._relayout()

    def set_step_values(self, quantities=None, highlight: bool = False) -> None:
        """The step-through's numbers for this card: ``quantities`` with ``label``, ``values`` and
        ``fresh`` (computed at the current stage: drawn bold); ``highlight`` the current stage's
        cards. ``None`` removes them."""
        quantities = list(quantities or [])
        self._step = [(q.label, value_tokens(q.values), bool(q.fresh)) for q in quantities]
        self._step_tip = "\n".join(exact_text(q.label, q.values) for q in quantities)
        self.step_highlight = bool(highlight)
        self._relayout()

    def step_text(self) -> list[str]:
        """The step-through numbers on the card, one ``"z = 0.3775, 0.3925"`` per quantity."""
        return [f"{label} = {' '.join(lines)}" for (label, _v, _f), lines in zip(self._step, self._step_lines)]

    def set_style(self, style: CanvasStyle) -> None:
        self.style = style
        self._relayout()
        for port in self.ports():
            port.update()

    def set_frozen(self, frozen: bool) -> None:
        """Mark the card as a frozen layer: a "❄ frozen" tag in the header and an ice-blue stripe."""
        if bool(frozen) != self.frozen:
            self.frozen = bool(frozen)
            self._relayout()

    def _ice(self) -> QColor:
        return QColor(ICE_DARK_THEME if self.style.dark else ICE)

    def _tag_width(self) -> float:
        """Room the frozen tag takes in the header (0 when not frozen)."""
        if not self.frozen:
            return 0.0
        return QFontMetricsF(self.style.small_font).horizontalAdvance(FROZEN_TAG) + 2 * TAG_PAD + TAG_GAP

    def set_locked(self, locked: bool) -> None:
        self.locked = locked
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, not locked)

    # ------------------------------------------------------------------
    # ports
    # ------------------------------------------------------------------
    def ports(self) -> list[PortItem]:
        return self.input_ports + ([self.output_port] if self.output_port is not None else [])

    def input_port(self, index: int) -> PortItem | None:
        return self.input_ports[index] if 0 <= index < len(self.input_ports) else None

    def _place_ports(self) -> None:
        if self.has_output and self.output_port is None:
            self.output_port = PortItem(self, is_output=True)
        n = len(self.input_ports)
        for i, port in enumerate(self.input_ports):
            port.setPos(0.0, self._height * (i + 1) / (n + 1))
        if self.output_port is not None:
            self.output_port.setPos(self._width, self._height / 2)
        self._geometry_changed()

    def _geometry_changed(self) -> None:
        """This card's edges follow at once; the scene re-routes the others a moment
        later (one of them may now have to go round this card)."""
        for edge in list(self.edges):
            edge.adjust()
        scene = self.scene()
        if scene is not None and hasattr(scene, "request_edge_routing"):
            scene.request_edge_routing()

    # ------------------------------------------------------------------
    # geometry
    # ------------------------------------------------------------------
    @property
    def problem(self) -> str | None:
        return self.info.problem

    @property
    def warning(self) -> str | None:
        return None if self.info.problem else self.info.warning

    def _note(self) -> tuple[str, str]:
        """``(kind, text)`` of the message shown inside the card: problem, warning or hint."""
        if self.info.problem:
            return "problem", self.info.problem
        if self.info.warning:
            return "warning", self.info.warning
        if self.info.hint:
            return "hint", self.info.hint
        return "", ""

    def card_rect(self) -> QRectF:
        return QRectF(0.0, 0.0, self._width, self._height)

    def boundingRect(self) -> QRectF:
        m = max(BADGE_RADIUS + 3, HALO + 2)
        return QRectF(-m, -m, self._width + 2 * m, self._height + 2 * m)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card_rect(), NODE_RADIUS, NODE_RADIUS)
        return path

    def _text_left(self) -> float:
        return STRIPE + PADDING

    def _text_width(self) -> float:
        return self._width - self._text_left() - PADDING

    def _lines(self) -> list[tuple[str, object, object]]:
        """``(text, font, colour)`` for each body line below the title."""
        s = self.style
        lines = []
        if self.summary:
            lines.append((self.summary, s.body_font, s.text))
        if self.shares_with:
            lines.append((f"shares weights with {self.shares_with}", s.body_font, s.text))
        if self.has_output or self.kind == "output":
            lead = "→ " if self.has_output else "receives "
            lines.append((lead + fmt_shape(self.info.shape), s.body_font,
                          s.text if self.info.shape is not None else s.muted))
        if self.has_output and self.kind != "input":
            lines.append((fmt_count(self.info.params), s.body_font, s.muted))
        return lines

    def _relayout(self) -> None:
        """Recompute the card's size from its text, then move ports and edges."""
        s = self.style
        title_fm = QFontMetricsF(s.title_font)
        body_fm = QFontMetricsF(s.body_font)
        small_fm = QFontMetricsF(s.small_font)
        header = title_fm.horizontalAdvance(self.title) + small_fm.horizontalAdvance(self.node_id) + 16
        widest = max([header + self._tag_width()]
                     + [QFontMetricsF(f).horizontalAdvance(t) for t, f, _c in self._lines()])
        width = max(NODE_WIDTH, widest + self._text_left() + PADDING)
        if bool(self.unit_maps.images):
            width = max(width, self._text_left() + self.unit_maps.width() + PADDING)
        width = max(width, self._text_left() + PADDING + self._step_min_width())
        self.prepareGeometryChange()
        self._width = width
        height = PADDING + title_fm.height() + LINE_GAP
        height += len(self._lines()) * (body_fm.height() + LINE_GAP)
        self._problem_lines = self._wrap(self._note()[1], small_fm)
        height += len(self._problem_lines) * small_fm.height()
        self._step_rows = self._wrap_step(small_fm)
        if self._step_rows:
            height += 2 * STEP_PAD + len(self._step_rows) * small_fm.height() + LINE_GAP
        if bool(self.unit_maps.images):
            self.unit_maps.setPos(self._text_left(), height + 2)
            height += UNIT_MAP + 2 * UNIT_GAP + 2
        self._height = height + PADDING - LINE_GAP
        self._place_ports()
        self._update_tooltip()
        self.update()

    def _wrap(self, text: str, fm: QFontMetricsF) -> list[str]:
        """Word-wrap ``text`` to the card's width, at most a few lines (the rest elided)."""
        if not text:
            return []
        width = self._text_width()
        lines, current = [], ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if fm.horizontalAdvance(trial) <= width or not current:
                current = trial
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        if len(lines) > MAX_PROBLEM_LINES:
            rest = " ".join(lines[MAX_PROBLEM_LINES - 1:])
            lines = lines[:MAX_PROBLEM_LINES - 1] + [fm.elidedText(rest, Qt.TextElideMode.ElideRight, width)]
        return [fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]

    def _step_fonts(self) -> tuple[QFont, QFont]:
        bold = QFont(self.style.small_font)
        bold.setBold(True)
        return bold, self.style.small_font

    def _step_label_width(self) -> float:
        bold = QFontMetricsF(self._step_fonts()[0])
        return max((bold.horizontalAdvance(label) for label, _v, _f in self._step), default=0.0) + 8

    def _step_min_width(self) -> float:
        """Room for the labels and two values side by side (cards widen a little for that)."""
        if not self._step:
            return 0.0
        bold, plain = (QFontMetricsF(f) for f in self._step_fonts())
        pairs = [(bold if fresh else plain).horizontalAdvance(", ".join(tokens[:2]) + ",")
                 for _label, tokens, fresh in self._step]
        return 2 * STEP_PAD + self._step_label_width() + max(pairs)

    def _wrap_step(self, fm: QFontMetricsF) -> list[tuple[str, str, bool]]:
        """Each quantity's values wrapped after a comma to the width beside its label."""
        width = self._text_width() - 2 * STEP_PAD - self._step_label_width()
        bold, plain = (QFontMetricsF(f) for f in self._step_fonts())
        self._step_lines, rows = [], []
        for label, tokens, fresh in self._step:
            lines = wrap_values(tokens, width, (bold if fresh else plain).horizontalAdvance, MAX_STEP_LINES)
            self._step_lines.append(lines)
            rows += [(label if i == 0 else "", line, fresh) for i, line in enumerate(lines)]
        return rows

    def _update_tooltip(self) -> None:
        self._set_tip_text()
        if self.frozen:
            self.setToolTip(f"{FROZEN_TIP}\n\n{self.toolTip()}")

    def _set_tip_text(self) -> None:
        if self._step_tip:
            self.setToolTip(f"{self.title} ({self.node_id}), this step:\n{self._step_tip}")
            return
        kind, note = self._note()
        if kind in ("problem", "warning"):
            self.setToolTip(note)
        elif self.info.hint:
            self.setToolTip(f"{self.info.hint}.\n\n{self.title}: {self.help}")
        else:
            self.setToolTip(f"{self.title} ({self.node_id}): {self.help}")

    # ------------------------------------------------------------------
    # painting
    # ------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        s = self.style
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = self.card_rect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)

        # card with a soft shadow
        if self.step_highlight:  # the step-through's current stage glows
            halo = QColor(s.highlight)
            halo.setAlpha(70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(halo)
            painter.drawRoundedRect(rect.adjusted(-HALO, -HALO, HALO, HALO), NODE_RADIUS + HALO, NODE_RADIUS + HALO)
        painter.setPen(Qt.PenStyle.NoPen)
        shadow = QColor(0, 0, 0, 70 if s.dark else 28)
        painter.setBrush(shadow)
        painter.drawRoundedRect(rect.translated(0, 2.5), NODE_RADIUS, NODE_RADIUS)
        fill = s.error_card if self.problem else mix(s.card, self._ice(), 0.07) if self.frozen else s.card
        if selected or self.step_highlight:
            border = QPen(s.highlight, 3.0)
        elif self.problem:
            border = QPen(s.error, 2.5)
        elif self.warning:
            border = QPen(s.warning, 2.0)
        else:
            border = QPen(s.card_border, 1.2)
        painter.setBrush(QBrush(fill))
        painter.setPen(border)
        painter.drawRoundedRect(rect, NODE_RADIUS, NODE_RADIUS)

        # group stripe on the left edge (red when something is wrong)
        stripe = QPainterPath()
        stripe.addRoundedRect(rect, NODE_RADIUS, NODE_RADIUS)
        clip = QPainterPath()
        clip.addRect(QRectF(rect.left(), rect.top(), STRIPE, rect.height()))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(s.error if self.problem else s.group_colour(self.group))
        inset = border.widthF() / 2
        stripe = stripe.intersected(clip).intersected(self._inset_path(inset))
        if self.frozen and not self.problem:  # frozen: an icy, hatched stripe instead of the group colour
            painter.setBrush(mix(s.card, self._ice(), 0.3))
            painter.drawPath(stripe)
            painter.setBrush(QBrush(self._ice(), Qt.BrushStyle.BDiagPattern))
        painter.drawPath(stripe)

        self._paint_text(painter)
        if self.problem or self.warning:
            self._paint_badge(painter)

    def _inset_path(self, inset: float) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card_rect().adjusted(inset, inset, -inset, -inset),
                            NODE_RADIUS - inset, NODE_RADIUS - inset)
        return path

    def _paint_text(self, painter: QPainter) -> None:
        s = self.style
        left, width = self._text_left(), self._text_width()
        y = PADDING
        title_fm = QFontMetricsF(s.title_font)
        small_fm = QFontMetricsF(s.small_font)
        # title on the left, the node id small and muted on the right
        id_width = small_fm.horizontalAdvance(self.node_id)
        painter.setFont(s.small_font)
        painter.setPen(s.muted)
        id_right = self._width - PADDING - (BADGE_RADIUS + 4 if self.problem or self.warning else 0)
        painter.drawText(QRectF(id_right - id_width, y, id_width, title_fm.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.node_id)
        if self.frozen:
            self._paint_tag(painter, id_right - id_width - TAG_GAP, y, title_fm.height())
        painter.setFont(s.title_font)
        painter.setPen(s.text)
        title_width = width - id_width - 8 - self._tag_width()
        title = title_fm.elidedText(self.title, Qt.TextElideMode.ElideRight, title_width)
        painter.drawText(QRectF(left, y, width, title_fm.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        y += title_fm.height() + LINE_GAP
        for text, font, colour in self._lines():
            fm = QFontMetricsF(font)
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(QRectF(left, y, width, fm.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(text, Qt.TextElideMode.ElideRight, width))
            y += fm.height() + LINE_GAP
        painter.setFont(s.small_font)
        kind = self._note()[0]
        painter.setPen(s.error if kind == "problem" else s.warning if kind == "warning" else s.muted)
        for line in self._problem_lines:
            painter.drawText(QRectF(left, y, width, small_fm.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
            y += small_fm.height()
        if self._step_rows:
            self._paint_step(painter, left, y + LINE_GAP, width)

    def _paint_tag(self, painter: QPainter, right: float, top: float, height: float) -> None:
        """The "❄ frozen" pill, its right edge at ``right``, centred in the header line."""
        s, ice = self.style, self._ice()
        fm = QFontMetricsF(s.small_font)
        box = QRectF(right - self._tag_width() + TAG_GAP, top + (height - fm.height() - 2) / 2,
                     self._tag_width() - TAG_GAP, fm.height() + 2)
        painter.setPen(QPen(mix(s.card, ice, 0.6), 1.0))
        painter.setBrush(mix(s.card, ice, 0.16))
        painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
        painter.setFont(s.small_font)
        painter.setPen(ice if not s.dark else mix(ice, s.text, 0.3))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, FROZEN_TAG)

    def _paint_step(self, painter: QPainter, left: float, top: float, width: float) -> None:
        """The step-through's numbers in a tinted box: labels in a column, fresh ones bold."""
        s = self.style
        fm = QFontMetricsF(s.small_font)
        box = QRectF(left, top, width, 2 * STEP_PAD + len(self._step_rows) * fm.height())
        painter.setPen(QPen(mix(s.card, s.highlight, 0.35), 1.0))
        painter.setBrush(mix(s.card, s.highlight, 0.09 if self.step_highlight else 0.05))
        painter.drawRoundedRect(box, 5, 5)
        label_width = self._step_label_width()
        bold = self._step_fonts()[0]
        y = top + STEP_PAD
        for label, line, fresh in self._step_rows:
            painter.setFont(bold)
            painter.setPen(s.highlight if fresh else s.muted)
            painter.drawText(QRectF(left + STEP_PAD, y, label_width, fm.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
            painter.setFont(bold if fresh else s.small_font)
            painter.setPen(s.text)
            painter.drawText(QRectF(left + STEP_PAD + label_width, y, width - 2 * STEP_PAD - label_width,
                                    fm.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
            y += fm.height()

    def _paint_badge(self, painter: QPainter) -> None:
        s = self.style
        centre = QPointF(self._width - 2, 0.0)
        painter.setPen(QPen(s.card, 2.0))
        painter.setBrush(s.error if self.problem else s.warning)
        painter.drawEllipse(centre, BADGE_RADIUS, BADGE_RADIUS)
        painter.setPen(QColor("white"))
        painter.setFont(s.title_font)
        painter.drawText(QRectF(centre.x() - BADGE_RADIUS, centre.y() - BADGE_RADIUS,
                                2 * BADGE_RADIUS, 2 * BADGE_RADIUS), Qt.AlignmentFlag.AlignCenter, "!")

    def badge_rect(self) -> QRectF | None:
        """Where the "!" badge is drawn (item coordinates), or ``None`` without a problem."""
        if not (self.problem or self.warning):
            return None
        return QRectF(self._width - 2 - BADGE_RADIUS, -BADGE_RADIUS, 2 * BADGE_RADIUS, 2 * BADGE_RADIUS)

    # ------------------------------------------------------------------
    # text for tests and accessibility
    # ------------------------------------------------------------------
    def text(self) -> str:
        """Everything the card says, one line each (tests read this)."""
        header = [f"{self.title} {self.node_id}"] + ([FROZEN_TAG] if self.frozen else [])
        lines = header + [t for t, _f, _c in self._lines()] + self._problem_lines
        return "\n".join(lines + self.step_text())

    # ------------------------------------------------------------------
    # Qt hooks
    # ------------------------------------------------------------------
    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self._geometry_changed()
        return super().itemChange(change, value)
