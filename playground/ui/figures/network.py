"""The network as a diagram for the page, in three styles, from the graph and its trained weights.

``cards``
    Like the canvas: a card per layer with its name, key settings and output
    shape, wired in data-flow order.
``neurons``
    The classic neuron diagram of a dense network (as in the browser playground
    and NN-SVG): a column of circles per layer, every weight an edge whose colour
    is its sign (orange negative, blue positive) and whose width is its size.
    Activations are named under the layer they follow.
``blocks``
    Layer blocks sized by their output shape, as in LeNet figures: a box per
    image stack (height by the image size, thickness by the channels), a bar per
    vector; activations join the block before them.

The layout is computed for the space given: the fonts never go below 18 pt on
the slide (they grow a little where there is room), and a long chain of layers
folds into rows rather than shrinking its labels. :func:`draw_network` returns
the smallest text size it used, so callers can warn when a tiny panel forced less.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from playground.session.figure_data import FigureData

from ..canvas.items.style import GROUP_COLOURS
from ..canvas.summary import fmt_shape, param_summary
from .axes import ALIGN_CENTER, ALIGN_LEFT, draw_text, line_height, message, text_width
from .style import LABEL_PT, NEGATIVE, POSITIVE, FigureTheme, font, pt

MAX_SCALE = 1.5  # labels grow up to 27 pt where the panel has room
MAX_NEURONS = 10  # a wider layer shows its first and last units with "⋮" between
MERGED_GROUPS = ("Activations",)
MERGED_KINDS = ("dropout", "gaussian_noise", "masking_noise", "output")


# ----------------------------------------------------------------------------------------------
# structure shared by the styles
# ----------------------------------------------------------------------------------------------
def depths(data: FigureData) -> dict[str, int]:
    """Longest path from a source for each node: its column."""
    out: dict[str, int] = {}
    for node_id in data.order:
        ins = [e.source for e in data.graph.edges_into(node_id) if e.source in out]
        out[node_id] = max((out[s] + 1 for s in ins), default=0)
    return out


def columns_of(data: FigureData, groups: list[list[str]] | None = None) -> list[list[list[str]]]:
    """Columns of groups of node ids (a group is drawn as one item), top to bottom by canvas y."""
    groups = groups if groups is not None else [[n] for n in data.order]
    depth = depths(data)
    firsts = {}
    for g in groups:
        firsts.setdefault(depth[g[0]], []).append(g)
    order = sorted(firsts)
    # merged groups shift columns: renumber by the first node's depth, densely
    return [sorted(firsts[d], key=lambda g: data.graph.node(g[0]).y) for d in order]


def merged_groups(data: FigureData) -> list[list[str]]:
    """Nodes grouped with the layer before them when they keep its shape and add no weights
    (activations, dropout, the Output): ``[["conv2d_1", "relu_1"], ["max_pool2d_1"], …]``."""
    graph, groups, owner = data.graph, [], {}
    for node_id in data.order:
        node = graph.node(node_id)
        ins = graph.edges_into(node_id)
        merge = (len(ins) == 1 and (node.spec.group in MERGED_GROUPS or node.kind in MERGED_KINDS)
                 and ins[0].source in owner and len(graph.edges_out_of(ins[0].source)) == 1
                 and data.shapes.get(node_id) == data.shapes.get(ins[0].source) and not data.params.get(node_id))
        if merge:
            group = owner[ins[0].source]
            group.append(node_id)
        else:
            group = [node_id]
            groups.append(group)
        owner[node_id] = group
    return groups


def title_line(data: FigureData, group: list[str]) -> str:
    """``"Conv2D + ReLU"``: the group's layer names (the Output only by itself)."""
    names = [data.graph.node(n).title for n in group if data.graph.node(n).kind != "output" or len(group) == 1]
    return " + ".join(names)


def shape_text(shape) -> str:
    """``(16, 8, 8)`` → ``16@8×8`` (LeNet's notation), ``(8,)`` → ``8 units``."""
    if shape is None:
        return "shape ?"
    if len(shape) == 3:
        return f"{shape[0]}@{shape[1]}×{shape[2]}"
    if len(shape) == 1:
        return f"{shape[0]} unit" + ("" if shape[0] == 1 else "s")
    return "×".join(str(s) for s in shape)


# ----------------------------------------------------------------------------------------------
# a row-folding layout for items of known size
# ----------------------------------------------------------------------------------------------
@dataclass
class Item:
    group: list[str]
    w: float
    h: float
    lines: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold)
    rect: QRectF = field(default_factory=QRectF)
    body: QRectF = field(default_factory=QRectF)  # the block itself (blocks style); the card otherwise
    row: int = 0
    depth: float = 0.0  # a block's oblique depth (its wire leaves behind it)
    anchor_y: float | None = None  # where wires meet it (blocks: the middle of the stage)
    block: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _fold(columns: list[list[Item]], per_row: int, hgap: float, vgap: float, row_gap: float):
    """Natural width and height of the columns laid out ``per_row`` to a row."""
    rows = [columns[i:i + per_row] for i in range(0, len(columns), per_row)]
    widths, heights = [], []
    for row in rows:
        widths.append(sum(max(it.w for it in col) for col in row) + hgap * (len(row) - 1))
        heights.append(max(sum(it.h for it in col) + vgap * (len(col) - 1) for col in row))
    return max(widths), sum(heights) + row_gap * (len(rows) - 1), rows


def _place(rows, rect: QRectF, hgap: float, vgap: float, row_gap: float, height: float,
           top_align: bool = False) -> None:
    """Rows centred as a whole; folded rows start at the same left edge, so the wire that
    leads into the next row runs back to where the first row began."""
    y = rect.top() + (rect.height() - height) / 2
    widest = max(sum(max(it.w for it in col) for col in row) + hgap * (len(row) - 1) for row in rows)
    left = rect.left() + (rect.width() - widest) / 2
    for r, row in enumerate(rows):
        col_w = [max(it.w for it in col) for col in row]
        row_h = max(sum(it.h for it in col) + vgap * (len(col) - 1) for col in row)
        width = sum(col_w) + hgap * (len(row) - 1)
        x = left if len(rows) > 1 else rect.left() + (rect.width() - width) / 2
        for col, cw in zip(row, col_w):
            col_h = sum(it.h for it in col) + vgap * (len(col) - 1)
            yy = y if top_align and len(col) == 1 else y + (row_h - col_h) / 2
            for it in col:
                it.rect = QRectF(x + (cw - it.w) / 2, yy, it.w, it.h)
                it.row = r
                yy += it.h + vgap
            x += cw + hgap
        y += row_h + row_gap


def _best_fold(measure, n_columns: int, rect: QRectF, gaps) -> tuple[float, int]:
    """The font scale and columns per row that make the labels largest (≤ ``MAX_SCALE``)."""
    best = (0.0, n_columns)
    for per_row in range(n_columns, 0, -1):
        hgap, vgap, row_gap = gaps(1.0)
        width, height, _rows = _fold(measure(1.0), per_row, hgap, vgap, row_gap)
        fit = min(rect.width() / max(width, 1), rect.height() / max(height, 1))
        if fit > best[0] * 1.15:  # one more row only when it makes the labels clearly larger
            best = (fit, per_row)
        if fit >= MAX_SCALE:
            break
    return min(best[0], MAX_SCALE), best[1]


def _arrow(p: QPainter, path: QPainterPath, colour: QColor, width: float, head: float) -> None:
    p.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    end = path.pointAtPercent(1.0)
    angle = math.radians(path.angleAtPercent(0.999))
    dx, dy = math.cos(angle), -math.sin(angle)
    left = QPointF(end.x() - head * dx - head * 0.55 * dy, end.y() - head * dy + head * 0.55 * dx)
    right = QPointF(end.x() - head * dx + head * 0.55 * dy, end.y() - head * dy - head * 0.55 * dx)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawPolygon(QPolygonF([end, left, right]))


def _wire(a: QPointF, b: QPointF, same_row: bool, gap_y: float) -> QPainterPath:
    """From ``a`` (an item's right) to ``b`` (the next one's left): a curve, or — into the next
    row — round the end of the row and back through the gap between the rows."""
    path = QPainterPath(a)
    if same_row and b.x() > a.x():
        mid = (a.x() + b.x()) / 2
        path.cubicTo(QPointF(mid, a.y()), QPointF(mid, b.y()), b)
        return path
    out = a.x() + pt(8)
    back = b.x() - pt(8)
    path.lineTo(out, a.y())
    path.lineTo(out, gap_y)
    path.lineTo(back, gap_y)
    path.lineTo(back, b.y())
    path.lineTo(b)
    return path


def _draw_wires(p, data: FigureData, items: list[Item], theme: FigureTheme, s: float, row_gap: float) -> None:
    owner = {n: it for it in items for n in it.group}
    for edge in data.graph.edges:
        a, b = owner.get(edge.source), owner.get(edge.target)
        if a is None or b is None or a is b:
            continue
        start = QPointF(a.body.right() + a.depth, a.anchor_y if a.anchor_y is not None else a.body.center().y())
        end = QPointF(b.body.left() - pt(2), b.anchor_y if b.anchor_y is not None else b.body.center().y())
        gap_y = a.rect.bottom() + row_gap / 2 if b.row != a.row else 0.0
        if b.row != a.row:  # below every item of the row it leaves
            gap_y = max(it.rect.bottom() for it in items if it.row == a.row) + row_gap / 2
        _arrow(p, _wire(start, end, b.row == a.row, gap_y), theme.muted, pt(2.0) * s, pt(7) * s)


# ----------------------------------------------------------------------------------------------
# cards
# ----------------------------------------------------------------------------------------------
def _compact_shape(shape) -> str:
    if shape is None:
        return "?"
    return str(shape[0]) if len(shape) == 1 else shape_text(shape) if len(shape) == 3 else "×".join(map(str, shape))


def _card_lines(data: FigureData, node_id: str, detail: int) -> list[tuple[str, bool]]:
    """Detail 3: name, settings, shape; 2: name, shape; 1: "name · shape" in one line; 0: the name."""
    node = data.graph.node(node_id)
    if detail <= 1:
        return [(f"{node.title} · {_compact_shape(data.shapes.get(node_id))}" if detail == 1 else node.title, True)]
    lines = [(node.title, True)]
    summary = param_summary(node.kind, node.params) if detail >= 3 else ""
    if summary:
        lines.append((summary, False))
    if detail >= 2:
        shape = data.shapes.get(node_id)
        lines.append((fmt_shape(shape) if shape is not None else "shape ?", False))
    return lines


def _draw_cards(p, rect: QRectF, data: FigureData, theme: FigureTheme, base: float) -> float:
    pad = pt(5)

    def measure_detail(detail):
        def measure(s: float) -> list[list[Item]]:
            bold, plain = font(LABEL_PT, True, s * base), font(LABEL_PT, False, s * base)
            cols = []
            for col in columns_of(data):
                items = []
                for group in col:
                    lines = _card_lines(data, group[0], detail)
                    w = max(text_width(bold if b else plain, t) for t, b in lines) + 2 * pad * s + pt(5) * s
                    h = sum(line_height(bold if b else plain) for _t, b in lines) + 2 * pad * s
                    items.append(Item(group, w, h, lines))
                cols.append(items)
            return cols
        return measure

    def gaps(s):
        return pt(24) * s, pt(8) * s, pt(16) * s

    choice = None
    for detail in (3, 2, 1, 0):
        measure = measure_detail(detail)
        s, per_row = _best_fold(measure, len(columns_of(data)), rect, gaps)
        choice = (measure, s, per_row)
        if s >= 1.0:
            break
    measure, s, per_row = choice
    cols = measure(s)
    hgap, vgap, row_gap = gaps(s)
    _w, height, rows = _fold(cols, per_row, hgap, vgap, row_gap)
    _place(rows, rect, hgap, vgap, row_gap, height)
    items = [it for col in cols for it in col]
    for it in items:
        it.body = it.rect
    _draw_wires(p, data, items, theme, s, row_gap)
    bold, plain = font(LABEL_PT, True, s * base), font(LABEL_PT, False, s * base)
    radius = pt(6) * s
    for it in items:
        node = data.graph.node(it.group[0])
        p.setPen(QPen(theme.card_border, pt(1.2)))
        p.setBrush(theme.card)
        p.drawRoundedRect(it.rect, radius, radius)
        stripe = QRectF(it.rect.left(), it.rect.top(), pt(5) * s, it.rect.height())
        path = QPainterPath()
        path.addRoundedRect(it.rect, radius, radius)
        p.save()
        p.setClipPath(path)
        p.fillRect(stripe, QColor(GROUP_COLOURS.get(node.spec.group, "#7f7f7f")))
        p.restore()
        y = it.rect.top() + pad * s
        for text, is_bold in it.lines:
            f = bold if is_bold else plain
            lh = line_height(f)
            draw_text(p, QRectF(it.rect.left() + pt(5) * s + pad * s, y, it.rect.width(), lh), text, f,
                      theme.text if is_bold else theme.muted, ALIGN_LEFT)
            y += lh
    return LABEL_PT * s * base


# ----------------------------------------------------------------------------------------------
# neurons
# ----------------------------------------------------------------------------------------------
def neuron_layers(data: FigureData) -> list[list[str]] | None:
    """Groups for a neuron diagram (a chain of vectors), or ``None`` when the network is not one."""
    groups = merged_groups(data)
    for g in groups:
        shape = data.shapes.get(g[0])
        if shape is None or len(shape) != 1:
            return None
        if len(data.graph.edges_into(g[0])) > 1 or len(data.graph.edges_out_of(g[-1])) > 1:
            return None
    return groups


def shown_units(n: int) -> list[int | None]:
    """Unit indices drawn for a layer of ``n`` (``None`` marks the "⋮" between)."""
    if n <= MAX_NEURONS:
        return list(range(n))
    return list(range(MAX_NEURONS - 3)) + [None] + [n - 2, n - 1]


def _weight_matrix(data: FigureData, group: list[str]) -> np.ndarray | None:
    for node_id in group:
        w = data.weights.get(f"{node_id}.W")
        if w is not None and np.ndim(w) == 2:
            return np.asarray(w, float)
    return None


def _neuron_label(data: FigureData, group: list[str], width: float, bold, plain) -> list[tuple[str, bool]]:
    """Names of the layer (and what follows it) and its units; one name a line when they do not fit."""
    titles = [data.graph.node(n).title for n in group]
    joined = " + ".join(titles)
    if text_width(bold, joined) <= width:
        lines = [(joined, True)]
    else:
        lines = [(titles[0], True)] + [("+ " + t, False) for t in titles[1:]]
    return lines + [(shape_text(data.shapes.get(group[0])), False)]


def _draw_neurons(p, rect: QRectF, data: FigureData, theme: FigureTheme, base: float) -> float | None:
    groups = neuron_layers(data)
    if groups is None:
        return None
    n = len(groups)
    col_w = rect.width() / n
    bold, plain = font(LABEL_PT, True, base), font(LABEL_PT, False, base)
    labels = [_neuron_label(data, g, col_w - pt(6), bold, plain) for g in groups]
    widest = max(max(text_width(bold if b else plain, t) for t, b in lines) for lines in labels)
    s = min(1.0, (col_w - pt(4)) / widest) if widest > col_w - pt(4) else 1.0  # only a very narrow panel
    bold, plain = font(LABEL_PT, True, base * s), font(LABEL_PT, False, base * s)
    lh = line_height(plain)
    if data.weights:
        legend = "weights: blue > 0, orange < 0, thicker = larger"
    else:
        legend = "untrained: the lines show the wiring only"
    legend_lines = 1 if text_width(plain, legend) <= rect.width() else 2
    legend_h = lh * legend_lines + pt(6)
    label_h = max(len(lines) for lines in labels) * lh + pt(8)
    area = QRectF(rect.left(), rect.top() + pt(6), rect.width(), rect.height() - label_h - legend_h - pt(6))
    sizes = [data.shapes[g[0]][0] for g in groups]
    units = [shown_units(k) for k in sizes]
    most = max(len(u) for u in units)
    radius = min(area.height() / (most * 2.6), col_w * 0.12, pt(20))
    if radius < pt(6):  # a short panel: the neurons would be dots; cards say it in less height
        return None
    step = min(area.height() / most, radius * 3.2)
    centres = []
    for i, us in enumerate(units):
        cx = rect.left() + col_w * (i + 0.5)
        top = area.center().y() - step * (len(us) - 1) / 2
        centres.append([QPointF(cx, top + j * step) for j in range(len(us))])
    # edges first (under the circles): colour by sign, width and opacity by size
    for i in range(1, n):
        w = _weight_matrix(data, groups[i])
        lim = float(np.abs(w).max()) if w is not None and w.size else 0.0
        for a, ua in enumerate(units[i - 1]):
            for b, ub in enumerate(units[i]):
                if ua is None or ub is None:
                    continue
                if w is not None and lim > 0 and ua < w.shape[0] and ub < w.shape[1]:
                    v = w[ua, ub] / lim
                    colour = QColor(POSITIVE if v >= 0 else NEGATIVE)
                    colour.setAlphaF(0.25 + 0.75 * abs(v))
                    width = pt(0.6) + pt(5.0) * abs(v)
                else:
                    colour, width = QColor(theme.muted), pt(0.8)
                    colour.setAlphaF(0.5)
                p.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                p.drawLine(centres[i - 1][a], centres[i][b])
    for i, us in enumerate(units):
        for j, u in enumerate(us):
            c = centres[i][j]
            if u is None:
                draw_text(p, QRectF(c.x() - radius * 2, c.y() - radius * 1.5, radius * 4, radius * 3), "⋮",
                          font(LABEL_PT, True, base * s), theme.text)
                continue
            p.setPen(QPen(theme.text, pt(1.6)))
            p.setBrush(theme.card if i not in (0, n - 1) else theme.background)
            p.drawEllipse(c, radius, radius)
    y0 = area.bottom() + pt(8)
    for i, lines in enumerate(labels):
        y = y0
        for text, is_bold in lines:
            f = bold if is_bold else plain
            draw_text(p, QRectF(rect.left() + col_w * i - pt(20), y, col_w + pt(40), line_height(f)), text, f,
                      theme.text if is_bold else theme.muted, ALIGN_CENTER)
            y += line_height(f)
    p.setFont(plain)
    p.setPen(theme.muted)
    p.drawText(QRectF(rect.left(), rect.bottom() - lh * legend_lines, rect.width(), lh * legend_lines),
               int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap), legend)
    return LABEL_PT * base * s


# ----------------------------------------------------------------------------------------------
# blocks
# ----------------------------------------------------------------------------------------------
def _block_size(shape, s: float, unit: float) -> tuple[float, float, float]:
    """Front width (thickness), front height and oblique depth of a block, in slide units × ``s``."""
    if shape is None:
        return pt(12) * s, unit * 0.5, 0.0
    if len(shape) == 3:
        c, h, w = shape
        height = unit * (0.35 + 0.65 * min(1.0, math.sqrt(h / 32)))
        depth = height * 0.45 * min(1.0, w / max(h, 1)) if w else 0.0
        thickness = pt(6) * s * (1 + math.log2(max(c, 1)))
        return thickness, height, depth
    units = int(np.prod(shape)) if len(shape) else 1
    height = unit * (0.25 + 0.75 * min(1.0, math.log10(max(units, 1) + 1) / 3))
    return pt(12) * s, height, 0.0


def _block_colour(data: FigureData, group: list[str], theme: FigureTheme) -> QColor:
    kinds = {data.graph.node(n).spec.group for n in group}
    for key, i in (("Convolution", 0), ("Pooling", 1), ("Recurrent", 2), ("Core", 4)):
        if key in kinds:
            return theme.category(i) if key != "Core" or data.graph.node(group[0]).kind != "input" \
                else QColor("#999999")
    return theme.category(5)


def _draw_blocks(p, rect: QRectF, data: FigureData, theme: FigureTheme, base: float) -> float | None:
    groups = merged_groups(data)

    def lines_of(group):
        titles = [data.graph.node(n).title for n in group]
        out = [(titles[0], True)] + [("+ " + t, False) for t in titles[1:]]
        return out + [(shape_text(data.shapes.get(group[0])), False)]

    stack = max(len(col) for col in columns_of(data, groups))
    unit_h = min(rect.height() * 0.5 / stack, pt(130))

    def measure(s):
        bold, plain = font(LABEL_PT, True, s * base), font(LABEL_PT, False, s * base)
        cols = []
        for col in columns_of(data, groups):
            items = []
            for g in col:
                lines = lines_of(g)
                tw = max(text_width(bold if b else plain, t) for t, b in lines)
                th = sum(line_height(bold if b else plain) for _t, b in lines)
                bw, bh, bd = _block_size(data.shapes.get(g[0]), s, unit_h)
                it = Item(g, max(tw, bw + bd) + pt(4) * s, unit_h * 1.05 + pt(8) * s + th, lines)
                it.block = (bw, bh, bd)
                items.append(it)
            cols.append(items)
        return cols

    def gaps(s):
        return pt(22) * s, pt(10) * s, pt(18) * s

    s, per_row = _best_fold(measure, len(columns_of(data, groups)), rect, gaps)
    if s < 1.0:  # blocks and their labels do not fit at 18 pt: cards can say less per layer
        return None
    cols = measure(s)
    hgap, vgap, row_gap = gaps(s)
    _w, height, rows = _fold(cols, per_row, hgap, vgap, row_gap)
    _place(rows, rect, hgap, vgap, row_gap, height, top_align=True)  # blocks on one line, labels below
    items = [it for col in cols for it in col]
    bold, plain = font(LABEL_PT, True, s * base), font(LABEL_PT, False, s * base)
    for it in items:
        bw, bh, bd = it.block
        stage = QRectF(it.rect.left(), it.rect.top(), it.rect.width(), unit_h * 1.05)
        front = QRectF(stage.center().x() - (bw + bd) / 2, stage.center().y() - (bh - bd) / 2, bw, bh)
        it.body, it.depth, it.anchor_y = front, bd, stage.center().y()
    _draw_wires(p, data, items, theme, s, row_gap)
    for it in items:
        bw, bh, bd = it.block
        front = it.body
        colour = _block_colour(data, it.group, theme)
        p.setPen(QPen(theme.text if not theme.dark else theme.muted, pt(1.1)))
        if bd > 0:
            top = QPolygonF([front.topLeft(), front.topLeft() + QPointF(bd, -bd),
                             front.topRight() + QPointF(bd, -bd), front.topRight()])
            side = QPolygonF([front.topRight(), front.topRight() + QPointF(bd, -bd),
                              front.bottomRight() + QPointF(bd, -bd), front.bottomRight()])
            p.setBrush(colour.lighter(135))
            p.drawPolygon(top)
            p.setBrush(colour.darker(125))
            p.drawPolygon(side)
        p.setBrush(colour)
        p.drawRect(front)
        y = it.rect.top() + unit_h * 1.05 + pt(8) * s
        for text, is_bold in it.lines:
            f = bold if is_bold else plain
            lh = line_height(f)
            draw_text(p, QRectF(it.rect.left() - hgap / 2, y, it.rect.width() + hgap, lh), text, f,
                      theme.text if is_bold else theme.muted, ALIGN_CENTER)
            y += lh
    return LABEL_PT * s * base


def draw_network(p: QPainter, rect: QRectF, data: FigureData, theme: FigureTheme, style: str = "cards",
                 scale: float = 1.0) -> float:
    """Draw the network in ``rect`` in ``style``; return the smallest label size used (points).

    The neuron style falls back to cards for a network that is not a chain of vectors, the block
    style where its blocks and labels do not fit at 18 pt.
    """
    if len(data.graph) == 0:
        message(p, rect, "The network is empty: add layers on the canvas.", theme, scale)
        return LABEL_PT * scale
    p.save()
    try:
        if style == "neurons":
            used = _draw_neurons(p, rect, data, theme, scale)
            if used is not None:
                return used
            style = "cards"
        if style == "blocks":
            used = _draw_blocks(p, rect, data, theme, scale)
            if used is not None:
                return used
        return _draw_cards(p, rect, data, theme, scale)
    finally:
        p.restore()
