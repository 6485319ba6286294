"""The plots of a slide, drawn for the page from a :class:`FigureData` (never grabbed from widgets).

Each ``draw_*(p, rect, data, theme, scale)`` fills ``rect`` (slide units) with
one picture: no check boxes, no tabs, no window colours. A panel with nothing
to show says so in words. Loss curves: training solid, validation dashed (they
differ in more than colour), the last values written in the legend; the x
axis counts epochs. The decision boundary shows the data's own range, not the
whole plane the network was evaluated on.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from playground.session.figure_data import FigureData, class_indices, feature_map_layers
from playground.session.report import DecisionGrid

from .axes import (
    line_pen,
    ALIGN_CENTER,
    ALIGN_LEFT,
    Axes,
    diverging,
    draw_pixels,
    draw_text,
    line_height,
    message,
    nice_range,
    ramp,
    text_width,
)
from .style import LABEL_PT, NEGATIVE, POSITIVE, FigureTheme, font, pt

MAX_POINTS = 300  # points drawn on a boundary or latent plot (a sample of more keeps the SVG small)
TERM_NAMES = {"kl": "KL term", "l1": "L1 term", "l2": "L2 term"}


# --- curves -------------------------------------------------------------------------------
def _epochs_of(data: FigureData, iterations: np.ndarray) -> np.ndarray:
    """Iteration numbers → epochs (fractional), from the ``epoch`` series of the history."""
    its, epochs = data.history.series("epoch")
    done = epochs > 0
    if not done.any():
        return iterations
    per_epoch = float(its[done][-1]) / float(epochs[done][-1])
    return iterations / max(per_epoch, 1e-9)


def _legend(p: QPainter, rect: QRectF, entries, theme: FigureTheme, scale: float) -> float:
    """A row of ``(label, colour, dashed)`` line samples; returns its height."""
    f = font(LABEL_PT, scale=scale)
    lh = line_height(f)
    x, y = rect.left(), rect.top()
    sample = pt(16) * scale
    for label, colour, dash in entries:
        w = sample + pt(4) + text_width(f, label) + pt(14)
        if x + w > rect.right() and x > rect.left():  # next row
            x, y = rect.left(), y + lh
        p.setPen(_line_pen(colour, dash))
        p.drawLine(QPointF(x, y + lh / 2), QPointF(x + sample, y + lh / 2))
        draw_text(p, QRectF(x + sample + pt(4), y, w, lh), label, f, theme.text, ALIGN_LEFT)
        x += w
    return y + lh - rect.top()


def _line_pen(colour: QColor, dash) -> QPen:
    """Solid, dashed (``True``) or dotted (``"dot"``) 3 pt line."""
    return line_pen(colour, 3, dash)


def _curves(p, rect, data: FigureData, theme, scale, names, ylabel, percent=False) -> None:
    series = []
    for i, (name, label, dash) in enumerate(names):
        its, values = data.history.series(name)
        if len(its):
            colour = theme.train if name.startswith("train") else theme.val if name.startswith("val") \
                else theme.category(2 + (i - 2) * 3)
            series.append((_epochs_of(data, its), values, label, colour, dash))
    if not series:
        message(p, rect, "Train first: no curve yet." if not percent else "No accuracy for this task.",
                theme, scale)
        return
    entries = []
    for xs, ys, label, colour, dash in series:
        last = ys[np.isfinite(ys)]
        value = "" if not len(last) else (f" {last[-1]:.0%}" if percent else f" {last[-1]:.3g}")
        entries.append((label + value, colour, dash))
    lh = _legend(p, rect, entries, theme, scale)
    body = rect.adjusted(0, lh + pt(6), 0, 0)
    x_all = np.concatenate([s[0] for s in series])
    y_all = np.concatenate([s[1] for s in series])
    y_all = y_all[np.isfinite(y_all)]
    xmax = max(float(x_all.max()), 1.0)
    xlim = (0.0, nice_range(0, xmax, 4)[1] if xmax > 1 else 1.0)
    if percent:
        ylim, log_y, fmt = (0.0, 1.0), False, lambda v: f"{v:.0%}"
    else:
        lo, hi = (float(y_all.min()), float(y_all.max())) if len(y_all) else (0.0, 1.0)
        log_y = lo > 0 and hi / lo > 50
        fmt = None
        ylim = (10 ** math.floor(math.log10(lo)), 10 ** math.ceil(math.log10(hi))) if log_y \
            else nice_range(min(0.0, lo), hi, 4)
    axes = Axes(p, body, theme, xlim, ylim, "epoch", ylabel, log_y=log_y, y_format=fmt, scale=scale)
    axes.draw()
    for xs, ys, _label, colour, dash in series:
        axes.curve(xs, ys, colour, 3.0, dash)


def draw_loss(p, rect, data: FigureData, theme, scale=1.0) -> None:
    names = [("train_loss", "training", False), ("val_loss", "validation", True)]
    names += [(n, TERM_NAMES.get(n[5:], n[5:] + " term"), "dot") for n in data.history.names("term_")]
    _curves(p, rect, data, theme, scale, names, "loss")


def draw_accuracy(p, rect, data: FigureData, theme, scale=1.0) -> None:
    _curves(p, rect, data, theme, scale, [("train_accuracy", "training", False),
                                          ("val_accuracy", "validation", True)], "accuracy", percent=True)


# --- decision boundary ---------------------------------------------------------------------
def _sample(n: int, limit: int = MAX_POINTS) -> np.ndarray:
    return np.arange(n) if n <= limit else np.linspace(0, n - 1, limit).round().astype(int)


def grid_rgb(values: np.ndarray, theme: FigureTheme, classes: list[QColor]) -> np.ndarray:
    """A decision grid's colours: one output → orange–grey–blue, k outputs → class colours mixed by
    probability, both paled so the points on top stand out."""
    values = np.asarray(values, float)
    if values.ndim == 3 and values.shape[-1] == 1:
        values = values[..., 0]
    mid = QColor("#eef0f2") if not theme.dark else QColor("#3a4048")
    if values.ndim == 2:
        finite = values[np.isfinite(values)]
        lo, hi = (0.0, 1.0) if finite.size and finite.min() >= 0 and finite.max() <= 1 else \
            (-max(abs(finite).max(), 1e-9), max(abs(finite).max(), 1e-9)) if finite.size else (0.0, 1.0)
        rgb = diverging(values, lo, hi, QColor(NEGATIVE), mid, QColor(POSITIVE)).astype(float)
    else:
        colours = np.array([[c.red(), c.green(), c.blue()] for c in classes[:values.shape[-1]]], float)
        probs = np.nan_to_num(values[..., :len(colours)])
        rgb = probs @ colours
    base = np.array([mid.red(), mid.green(), mid.blue()], float)
    paleness = 0.35
    return np.round(rgb * (1 - paleness) + base * paleness).astype(np.uint8)


def _view_extent(grid_extent, points: np.ndarray | None) -> tuple[float, float, float, float]:
    """The data's range plus a margin (within the evaluated plane); the whole plane without points."""
    xmin, xmax, ymin, ymax = map(float, grid_extent)
    if points is None or len(points) == 0:
        return xmin, xmax, ymin, ymax
    lo, hi = np.nanmin(points[:, :2], axis=0), np.nanmax(points[:, :2], axis=0)
    span = max(float((hi - lo).max()), 1e-6)
    pad = 0.08 * span
    cx, cy = (lo + hi) / 2
    half = span / 2 + pad
    return (max(xmin, cx - half), min(xmax, cx + half), max(ymin, cy - half), min(ymax, cy + half))


def _class_legend(p, rect: QRectF, names: list[str], colours: list[QColor], theme, scale) -> float:
    """Coloured dots with class names in rows under a picture; returns the height used."""
    f = font(LABEL_PT, scale=scale)
    lh = line_height(f)
    x, y = rect.left(), rect.top()
    r = pt(5) * scale
    for name, colour in zip(names, colours):
        w = 2 * r + pt(4) + text_width(f, name) + pt(12)
        if x + w > rect.right() and x > rect.left():
            x, y = rect.left(), y + lh
        p.setPen(QPen(theme.background, pt(1)))
        p.setBrush(colour)
        p.drawEllipse(QPointF(x + r, y + lh / 2), r, r)
        draw_text(p, QRectF(x + 2 * r + pt(4), y, w, lh), name, f, theme.text, ALIGN_LEFT)
        x += w
    return y + lh - rect.top()


def draw_boundary(p, rect, data: FigureData, theme, scale=1.0) -> None:
    grid = data.report.decision_grid if data.report is not None else None
    run = data.data
    x, y = (run.x_train, run.y_train) if run is not None else (None, None)
    if grid is None and (x is None or not len(x)):
        message(p, rect, "Train first: the decision boundary appears with trained weights.", theme, scale)
        return
    if grid is None:  # before training: the data alone, on the plane they span
        lo, hi = np.nanmin(x[:, :2], axis=0), np.nanmax(x[:, :2], axis=0)
        grid = DecisionGrid(values=np.full((2, 2), np.nan), extent=(lo[0], hi[0], lo[1], hi[1]))
    values = np.asarray(grid.values)
    k = values.shape[-1] if values.ndim == 3 and values.shape[-1] > 1 else 2
    classes = theme.classes(k)
    names = list(run.class_names) if run is not None and run.class_names else [f"class {i}" for i in range(k)]
    idx = class_indices(y)
    f = font(LABEL_PT, scale=scale)
    legend_w = max((text_width(f, n) for n in names[:k]), default=0) + pt(24) if idx is not None else 0.0
    beside = idx is not None and rect.width() - legend_w > rect.height()  # a square plot leaves room at its side
    legend_h = 0.0 if beside or idx is None else line_height(f) * (1 if k <= 3 else 2) + pt(6)
    body = rect.adjusted(0, 0, -(legend_w if beside else 0), -legend_h)
    view = _view_extent(grid.extent, x)
    axes = Axes(p, body, theme, view[:2], view[2:], "x₁", "x₂", equal=True, scale=scale, grid=False)
    # the part of the grid in view: row 0 of the grid is the bottom of the plane
    gx0, gx1, gy0, gy1 = map(float, grid.extent)
    rgb = grid_rgb(values, theme, classes)[::-1]
    ny, nx = rgb.shape[:2]
    c0 = (view[0] - gx0) / (gx1 - gx0) * nx
    c1 = (view[1] - gx0) / (gx1 - gx0) * nx
    r0 = (gy1 - view[3]) / (gy1 - gy0) * ny
    r1 = (gy1 - view[2]) / (gy1 - gy0) * ny
    crop = rgb[max(0, math.floor(r0)):math.ceil(r1), max(0, math.floor(c0)):math.ceil(c1)]
    p.save()
    p.setClipRect(axes.area)
    if crop.size and np.isfinite(values).any():
        # place the whole cropped cells so the picture lines up with the axes
        left = gx0 + math.floor(c0) / nx * (gx1 - gx0)
        right = gx0 + math.ceil(c1) / nx * (gx1 - gx0)
        top = gy1 - math.floor(r0) / ny * (gy1 - gy0)
        bottom = gy1 - math.ceil(r1) / ny * (gy1 - gy0)
        target = QRectF(QPointF(float(axes.x(left)), float(axes.y(top))),
                        QPointF(float(axes.x(right)), float(axes.y(bottom))))
        draw_pixels(p, target, crop, smooth=True, upscale=8)
    if x is not None and len(x):
        pick = _sample(len(x))
        rim = QPen(QColor("#ffffff") if not theme.dark else QColor("#101010"), pt(1.2))
        radius = pt(3.5) * scale
        for i in pick:
            colour = classes[idx[i] % len(classes)] if idx is not None else theme.text
            p.setPen(rim)
            p.setBrush(colour)
            p.drawEllipse(QPointF(float(axes.x(x[i, 0])), float(axes.y(x[i, 1]))), radius, radius)
    p.restore()
    axes.draw()
    if idx is not None and beside:
        lh = line_height(f)
        for c in range(k):
            _class_legend(p, QRectF(axes.area.right() + pt(10), axes.area.top() + c * lh, legend_w, lh),
                          names[c:c + 1], classes[c:c + 1], theme, scale)
    elif idx is not None:
        _class_legend(p, QRectF(axes.area.left(), body.bottom() + pt(6), rect.right() - axes.area.left(),
                                legend_h), names[:k], classes, theme, scale)


# --- confusion matrix ------------------------------------------------------------------------
def draw_confusion(p, rect, data: FigureData, theme, scale=1.0) -> None:
    matrix = data.report.samples.get("confusion") if data.report is not None else None
    if matrix is None:
        message(p, rect, "Train first: the confusion matrix needs trained weights.", theme, scale)
        return
    m = np.asarray(matrix, float)
    k = len(m)
    names = list(data.data.class_names) if data.data is not None and data.data.class_names else \
        [str(i) for i in range(k)]
    names = (names + [str(i) for i in range(len(names), k)])[:k]
    f = font(LABEL_PT, scale=scale)
    bold = font(LABEL_PT, bold=True, scale=scale)
    lh = line_height(f)
    correct = np.trace(m) / max(m.sum(), 1)
    head_h = lh + pt(4)
    draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), lh), f"{correct:.1%} correct (validation)",
              f, theme.text, ALIGN_LEFT)
    body = rect.adjusted(0, head_h, 0, 0)
    label_w = max(text_width(f, n) for n in names) + pt(10)
    side = min(body.width() - label_w - lh * 1.3, body.height() - lh * 2.4)
    cell = side / k
    area = QRectF(body.left() + label_w + lh * 1.3 + (body.width() - label_w - lh * 1.3 - side) / 2,
                  body.top(), side, side)
    rows = m / np.maximum(m.sum(axis=1, keepdims=True), 1)  # share of each true class
    rgb = ramp(rows, 0, 1, theme.empty, QColor("#0072B2") if not theme.dark else QColor("#56B4E9"))
    show_counts = cell >= lh * 1.15 and all(text_width(f, str(int(v))) < cell * 0.92 for v in m.ravel())
    for i in range(k):
        for j in range(k):
            r = QRectF(area.left() + j * cell, area.top() + i * cell, cell, cell)
            c = QColor(*rgb[i, j])
            p.setPen(QPen(theme.background, pt(1)))
            p.setBrush(c)
            p.drawRect(r)
            if show_counts and m[i, j] > 0:
                light = rows[i, j] > 0.55
                ink = QColor("#ffffff") if light and not theme.dark else \
                    (QColor("#101418") if theme.dark and light else theme.text)
                draw_text(p, r, str(int(m[i, j])), bold if i == j else f, ink)
    step = 1 if cell >= lh * 0.9 else 2
    for i in range(0, k, step):
        draw_text(p, QRectF(area.left() - label_w, area.top() + i * cell, label_w - pt(8), cell), names[i], f,
                  theme.text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        w = max(cell, text_width(f, names[i]) + 4)
        draw_text(p, QRectF(area.left() + (i + 0.5) * cell - w / 2, area.bottom() + pt(3), w, lh), names[i], f,
                  theme.text)
    draw_text(p, QRectF(area.left(), area.bottom() + lh + pt(3), area.width(), lh), "predicted", f, theme.muted)
    p.save()
    p.translate(area.left() - label_w - lh * 1.2, area.center().y())
    p.rotate(-90)
    draw_text(p, QRectF(-area.height() / 2, 0, area.height(), lh), "true", f, theme.muted)
    p.restore()


# --- feature maps, reconstructions --------------------------------------------------------------
def _grid_of_maps(n: int, width: float, height: float, aspect: float = 1.0) -> tuple[int, int, float]:
    """Columns, rows and tile size for ``n`` square tiles in a box (largest tiles that fit)."""
    best = (1, n, 0.0)
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        tile = min(width / cols, height / rows)
        if tile > best[2]:
            best = (cols, rows, tile)
    return best


def draw_feature_maps(p, rect, data: FigureData, theme, scale=1.0, max_maps: int = 16) -> None:
    layers = feature_map_layers(data)
    if not layers:
        message(p, rect, "Train first: feature maps show a trained network's view of one image.", theme, scale)
        return
    # the first two convolution-like layers (what a filter picks out, then combinations of it)
    convs = [n for n in layers if "conv" in data.graph.node(n).kind] or layers
    shown = convs[:2]
    f = font(LABEL_PT, scale=scale)
    lh = line_height(f)
    band = (rect.height() - len(shown) * (lh + pt(4))) / len(shown)
    y = rect.top()
    for node_id in shown:
        maps = np.asarray(data.report.activations[node_id], float)
        node = data.graph.node(node_id)
        label = f"{node.title} {node_id.rsplit('_', 1)[-1]}: {maps.shape[0]} maps of {maps.shape[1]}×{maps.shape[2]}"
        draw_text(p, QRectF(rect.left(), y, rect.width(), lh), label, f, theme.text, ALIGN_LEFT)
        y += lh + pt(4)
        n = min(len(maps), max_maps)
        cols, _rows, tile = _grid_of_maps(n, rect.width(), band)
        gap = max(pt(2), tile * 0.06)
        x0 = rect.left()
        lim = max(float(np.abs(maps[:n]).max()), 1e-9)
        signed = maps[:n].min() < 0
        mid = QColor("#ffffff") if not theme.dark else QColor("#1c2127")
        for i in range(n):
            r, c = divmod(i, cols)
            target = QRectF(x0 + c * tile, y + r * tile, tile - gap, tile - gap)
            rgb = diverging(maps[i], -lim, lim, QColor(NEGATIVE), mid, QColor(POSITIVE)) if signed else \
                ramp(maps[i], 0, lim, mid, QColor(POSITIVE) if not theme.dark else QColor("#56B4E9"))
            draw_pixels(p, target, rgb)
            p.setPen(QPen(theme.frame, pt(0.75)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(target)
        y += band


def _as_images(arr: np.ndarray) -> np.ndarray | None:
    arr = np.asarray(arr, float)
    if arr.ndim == 4:
        return arr[:, 0]
    if arr.ndim == 3:
        return arr
    if arr.ndim == 2:
        side = round(math.sqrt(arr.shape[1]))
        if side * side == arr.shape[1]:
            return arr.reshape(len(arr), side, side)
    return None


def draw_reconstructions(p, rect, data: FigureData, theme, scale=1.0) -> None:
    samples = data.report.samples if data.report is not None else {}
    ins, outs = samples.get("inputs"), samples.get("outputs")
    ins, outs = (_as_images(ins), _as_images(outs)) if ins is not None and outs is not None else (None, None)
    if ins is None or outs is None:
        message(p, rect, "Train first: reconstructions need trained weights and image data.", theme, scale)
        return
    n = min(len(ins), 8)
    f = font(LABEL_PT, scale=scale)
    label_w = max(text_width(f, "input"), text_width(f, "output")) + pt(8)
    gap = pt(12)
    best = None
    for per_row in sorted({n, math.ceil(n / 2)}):
        blocks = math.ceil(n / per_row)
        tile = min((rect.width() - label_w) / per_row, (rect.height() - gap * (2 * blocks - 1)) / (2 * blocks))
        if best is None or tile > best[1]:
            best = (per_row, tile, blocks)
    per_row, tile, blocks = best
    lo, hi = float(ins[:n].min()), float(ins[:n].max())
    ink, paper = (QColor("#000000"), QColor("#ffffff")) if not theme.dark else (QColor("#ffffff"), QColor("#000000"))
    total = blocks * 2 * tile + gap * (2 * blocks - 1)
    top = rect.top() + (rect.height() - total) / 2
    left = rect.left() + (rect.width() - label_w - per_row * tile) / 2
    for block in range(blocks):
        for row, (name, images) in enumerate((("input", ins), ("output", outs))):
            y = top + (block * 2 + row) * (tile + gap)
            draw_text(p, QRectF(left, y, label_w - pt(8), tile), name, f, theme.text,
                      Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for j in range(per_row):
                i = block * per_row + j
                if i >= n:
                    break
                target = QRectF(left + label_w + j * tile, y, tile - pt(4), tile - pt(4))
                draw_pixels(p, target, ramp(images[i], lo, hi, paper, ink))
                p.setPen(QPen(theme.frame, pt(0.75)))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(target)


# --- weights, predictions, latent codes --------------------------------------------------------
def draw_weights(p, rect, data: FigureData, theme, scale=1.0, max_plots: int = 4) -> None:
    hists = data.report.weight_histograms if data.report is not None else {}
    if not hists:
        message(p, rect, "Train first: no weights to show.", theme, scale)
        return
    names = list(hists)
    if len(names) > max_plots:  # first, last and evenly between
        names = [names[round(i * (len(names) - 1) / (max_plots - 1))] for i in range(max_plots)]
    cols = 1 if len(names) == 1 else 2
    rows = math.ceil(len(names) / cols)
    f = font(LABEL_PT, scale=scale)
    lh = line_height(f)
    gap = pt(26)
    w = (rect.width() - gap * (cols - 1)) / cols
    h = (rect.height() - gap * (rows - 1)) / rows
    for i, name in enumerate(names):
        r, c = divmod(i, cols)
        box = QRectF(rect.left() + c * (w + gap), rect.top() + r * (h + gap), w, h)
        counts, edges = (np.asarray(a, float) for a in hists[name])
        node, _, param = name.partition(".")
        title = f"{node} · {param}"
        draw_text(p, QRectF(box.left(), box.top(), box.width(), lh), title, f, theme.text, ALIGN_LEFT)
        lo, hi = float(edges[0]), float(edges[-1])
        lim = max(abs(lo), abs(hi), 1e-9)
        ticks = [(-lim, _short(-lim)), (0.0, "0"), (lim, _short(lim))]
        axes = Axes(p, box.adjusted(0, lh + pt(2), 0, 0), theme, (-lim, lim), (0, max(counts.max(), 1) * 1.05),
                    x_ticks=ticks, y_ticks=[], scale=scale, grid=False)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.train)
        for cnt, a, b in zip(counts, edges[:-1], edges[1:]):
            if cnt > 0:
                p.drawRect(QRectF(QPointF(float(axes.x(a)), float(axes.y(cnt))),
                                  QPointF(float(axes.x(b)), float(axes.y(0)))))
        axes.draw()


def _short(v: float) -> str:
    return f"{v:.2g}".replace("-", "−")


def draw_predictions(p, rect, data: FigureData, theme, scale=1.0) -> None:
    samples = data.report.samples if data.report is not None else {}
    t, y = samples.get("targets"), samples.get("predictions")
    if t is None or y is None:
        message(p, rect, "Train first: predictions need trained weights.", theme, scale)
        return
    t = np.asarray(t, float).reshape(len(t), -1)[:, 0]
    y = np.asarray(y, float).reshape(len(y), -1)[:, 0]
    both = np.concatenate([t, y])
    both = both[np.isfinite(both)]
    lo, hi = nice_range(float(both.min()), float(both.max()), 4) if both.size else (0.0, 1.0)
    f = font(LABEL_PT, scale=scale)
    lh = line_height(f)
    rmse = float(np.sqrt(np.nanmean((t - y) ** 2)))
    draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), lh),
              f"RMSE {rmse:.3g} · dashed: exact", f, theme.text, ALIGN_LEFT)
    axes = Axes(p, rect.adjusted(0, lh + pt(4), 0, 0), theme, (lo, hi), (lo, hi), "target", "prediction",
                equal=True, scale=scale)
    axes.draw()
    p.save()
    p.setClipRect(axes.area)
    p.setPen(QPen(theme.muted, pt(1.5), Qt.PenStyle.DashLine))
    p.drawLine(axes.point(lo, lo), axes.point(hi, hi))
    p.setPen(QPen(theme.background, pt(1)))
    p.setBrush(theme.train)
    radius = pt(3.5) * scale
    for i in _sample(len(t)):
        p.drawEllipse(axes.point(t[i], y[i]), radius, radius)
    p.restore()


def draw_latent(p, rect, data: FigureData, theme, scale=1.0) -> None:
    samples = data.report.samples if data.report is not None else {}
    z = samples.get("latent")
    if z is None or np.ndim(z) != 2 or np.shape(z)[1] < 2:
        message(p, rect, "Train first: the latent space needs a trained autoencoder with a 2-D code.",
                theme, scale)
        return
    z = np.asarray(z, float)[:, :2]
    labels = samples.get("labels")
    idx = class_indices(labels) if labels is not None else None
    k = int(idx.max()) + 1 if idx is not None and len(idx) else 1
    colours = theme.classes(max(k, 3)) if idx is not None else [theme.train]
    finite = z[np.all(np.isfinite(z), axis=1)]
    lo, hi = (finite.min(axis=0), finite.max(axis=0)) if len(finite) else (np.zeros(2), np.ones(2))
    xlim = nice_range(float(lo[0]), float(hi[0]), 4)
    ylim = nice_range(float(lo[1]), float(hi[1]), 4)
    axes = Axes(p, rect, theme, xlim, ylim, "z₁", "z₂", scale=scale)
    axes.draw()
    p.save()
    p.setClipRect(axes.area)
    radius = pt(3.5) * scale
    p.setPen(Qt.PenStyle.NoPen)
    for i in _sample(len(z)):
        c = QColor(colours[idx[i] % len(colours)] if idx is not None else colours[0])
        c.setAlphaF(0.75)
        p.setBrush(c)
        p.drawEllipse(axes.point(z[i, 0], z[i, 1]), radius, radius)
    if idx is not None:  # each class's name at the middle of its codes: readable without colour
        names = list(data.data.class_names) if data.data is not None and data.data.class_names else []
        bold = font(LABEL_PT * 1.2, bold=True, scale=scale)
        lh = line_height(bold)
        for c in range(k):
            members = z[idx == c]
            if not len(members):
                continue
            cx, cy = np.median(members, axis=0)
            label = names[c] if c < len(names) else str(c)
            w = text_width(bold, label) + pt(4)
            at = axes.point(cx, cy)
            draw_text(p, QRectF(at.x() - w / 2, at.y() - lh / 2, w, lh), label, bold,
                      colours[c % len(colours)].darker(135) if not theme.dark else colours[c % len(colours)],
                      halo=theme.background)
    p.restore()


PAINTERS = {"loss": draw_loss, "accuracy": draw_accuracy, "boundary": draw_boundary,
            "confusion": draw_confusion, "feature_maps": draw_feature_maps, "weights": draw_weights,
            "predictions": draw_predictions, "latent": draw_latent, "reconstructions": draw_reconstructions}
ALIGN = ALIGN_CENTER
