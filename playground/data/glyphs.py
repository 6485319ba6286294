"""Vector drawings of the digits 0–9 and of simple shapes, as distance fields.

A glyph is a set of strokes (polylines) in glyph space: the unit square with
x to the right and y *down*, the glyph centred on (0.5, 0.5). For each glyph we
precompute, once, its *distance field*: on a fine grid covering glyph space,
the distance from each grid point to the nearest stroke (for filled shapes a
signed distance, negative inside). Rendering an image then needs no drawing
at all: map each pixel into glyph space, look the distance up, and paint the
pixel dark-to-bright by how close it is to the stroke (see ``images28``).

Several digits have variants (a 1 with or without a flag, an open or closed 4,
a 7 with a crossbar…), as handwriting does.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

GRID_LOW, GRID_HIGH, GRID_POINTS = -0.3, 1.3, 97  # the distance-field grid in glyph units
GRID_STEP = (GRID_HIGH - GRID_LOW) / (GRID_POINTS - 1)


def arc(cx, cy, rx, ry, start, stop) -> np.ndarray:
    """Points on an elliptic arc; angles in degrees, counter-clockwise as seen on screen."""
    steps = max(3, int(abs(stop - start) / 15) + 1)
    a = np.radians(np.linspace(start, stop, steps))
    return np.column_stack([cx + rx * np.cos(a), cy - ry * np.sin(a)])


def line(*points) -> np.ndarray:
    return np.asarray(points, dtype=np.float64)


def _then(*parts) -> np.ndarray:
    """Join polyline pieces into one stroke."""
    return np.concatenate([np.atleast_2d(p) for p in parts])


# Each digit: a list of variants; each variant a list of strokes (polylines).
DIGIT_STROKES: dict[int, list[list[np.ndarray]]] = {
    0: [[arc(0.5, 0.5, 0.27, 0.45, 0, 360)]],
    1: [
        [line((0.5, 0.0), (0.5, 1.0))],
        [line((0.32, 0.2), (0.52, 0.0), (0.52, 1.0))],
        [line((0.32, 0.2), (0.5, 0.0), (0.5, 1.0)), line((0.3, 1.0), (0.7, 1.0))],
    ],
    2: [
        [_then(arc(0.5, 0.28, 0.27, 0.26, 160, -30), line((0.22, 1.0), (0.8, 1.0)))],
        [_then(arc(0.5, 0.3, 0.28, 0.28, 170, -40), line((0.4, 0.8), (0.25, 0.97)),
               arc(0.33, 0.88, 0.1, 0.1, 220, 330), line((0.8, 0.98)))],
    ],
    3: [
        [arc(0.48, 0.27, 0.24, 0.24, 150, -90), arc(0.48, 0.73, 0.28, 0.27, 90, -150)],
        [_then(line((0.22, 0.0), (0.75, 0.0), (0.45, 0.42)), arc(0.48, 0.71, 0.28, 0.29, 100, -150))],
    ],
    4: [
        [line((0.64, 1.0), (0.64, 0.0), (0.2, 0.68), (0.82, 0.68))],
        [line((0.26, 0.0), (0.22, 0.6), (0.8, 0.6)), line((0.66, 0.25), (0.66, 1.0))],
    ],
    5: [[_then(line((0.76, 0.0), (0.3, 0.0), (0.27, 0.43)), arc(0.48, 0.68, 0.29, 0.3, 128, -145))]],
    6: [
        [_then(line((0.7, 0.0), (0.45, 0.2), (0.29, 0.45), (0.23, 0.7)), arc(0.5, 0.72, 0.27, 0.27, 180, 540))],
        [_then(arc(0.6, 0.6, 0.37, 0.6, 80, 180), arc(0.5, 0.72, 0.27, 0.27, 180, 530))],
    ],
    7: [
        [line((0.2, 0.0), (0.8, 0.0), (0.4, 1.0))],
        [line((0.2, 0.0), (0.8, 0.0), (0.42, 1.0)), line((0.36, 0.5), (0.74, 0.5))],
    ],
    8: [[arc(0.5, 0.25, 0.23, 0.25, -90, 270), arc(0.5, 0.73, 0.27, 0.27, 90, 450)]],
    9: [
        [arc(0.5, 0.28, 0.26, 0.28, 0, 360), line((0.76, 0.28), (0.72, 1.0))],
        [arc(0.5, 0.28, 0.26, 0.28, 0, 360),
         _then(line((0.76, 0.28), (0.72, 0.7)), arc(0.5, 0.7, 0.22, 0.3, 0, -110))],
    ],
}


def _polygon(points) -> np.ndarray:
    points = np.asarray(points, dtype=np.float64)
    return np.vstack([points, points[:1]])  # closed: back to the start


def _star(points=5, outer=0.45, inner=0.19) -> np.ndarray:
    a = np.pi / 2 + np.pi * np.arange(2 * points) / points
    r = np.where(np.arange(2 * points) % 2 == 0, outer, inner)
    return _polygon(np.column_stack([0.5 + r * np.cos(a), 0.55 - r * np.sin(a)]))


# Closed outlines; rendered as outlines or filled.
SHAPE_OUTLINES: dict[str, np.ndarray] = {
    "circle": _polygon(arc(0.5, 0.5, 0.42, 0.42, 0, 360)[:-1]),
    "square": _polygon([(0.15, 0.15), (0.85, 0.15), (0.85, 0.85), (0.15, 0.85)]),
    "triangle": _polygon([(0.5, 0.1), (0.92, 0.85), (0.08, 0.85)]),
    "cross": _polygon([(0.38, 0.1), (0.62, 0.1), (0.62, 0.38), (0.9, 0.38), (0.9, 0.62), (0.62, 0.62),
                       (0.62, 0.9), (0.38, 0.9), (0.38, 0.62), (0.1, 0.62), (0.1, 0.38), (0.38, 0.38)]),
    "star": _star(),
    "arrow": _polygon([(0.08, 0.38), (0.5, 0.38), (0.5, 0.14), (0.92, 0.5), (0.5, 0.86), (0.5, 0.62),
                       (0.08, 0.62)]),
}
SHAPE_NAMES = tuple(SHAPE_OUTLINES)


def _grid_points() -> np.ndarray:
    g = np.linspace(GRID_LOW, GRID_HIGH, GRID_POINTS, dtype=np.float32)
    gx, gy = np.meshgrid(g, g)  # row = y, column = x
    return np.column_stack([gx.ravel(), gy.ravel()])


def distance_to_strokes(points: np.ndarray, strokes) -> np.ndarray:
    """Distance from each point ``(m, 2)`` to the nearest segment of any stroke.

    For segment A→B the nearest point is ``A + t (B − A)`` with
    ``t = clip((P − A)·(B − A) / |B − A|², 0, 1)``.
    """
    a = np.concatenate([s[:-1] for s in strokes]).astype(np.float32)  # (S, 2) segment starts
    b = np.concatenate([s[1:] for s in strokes]).astype(np.float32)  # (S, 2) segment ends
    ab = b - a
    length2 = np.maximum((ab**2).sum(axis=1), 1e-12)
    ap = points[:, None, :] - a[None]  # (m, S, 2)
    t = np.clip((ap * ab).sum(axis=2) / length2, 0.0, 1.0)
    nearest = ap - t[..., None] * ab
    return np.sqrt((nearest**2).sum(axis=2)).min(axis=1)


def inside_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Even-odd rule: a point is inside if a ray to the right crosses the outline an odd number of times."""
    a, b = polygon[:-1], polygon[1:]
    px, py = points[:, :1], points[:, 1:]
    straddles = (a[:, 1] > py) != (b[:, 1] > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_cross = a[:, 0] + (py - a[:, 1]) * (b[:, 0] - a[:, 0]) / (b[:, 1] - a[:, 1])
    return (straddles & (px < x_cross)).sum(axis=1) % 2 == 1


@lru_cache(maxsize=None)
def digit_fields() -> tuple[np.ndarray, np.ndarray]:
    """``(fields, digit)``: one distance field ``(GRID_POINTS, GRID_POINTS)`` per variant, and its digit."""
    points = _grid_points()
    fields, labels = [], []
    for digit, variants in DIGIT_STROKES.items():
        for strokes in variants:
            fields.append(distance_to_strokes(points, strokes).reshape(GRID_POINTS, GRID_POINTS))
            labels.append(digit)
    return np.stack(fields).astype(np.float32), np.array(labels)


@lru_cache(maxsize=None)
def shape_fields(filled: bool) -> np.ndarray:
    """One field per shape in ``SHAPE_NAMES`` order; signed (negative inside) when ``filled``."""
    points = _grid_points()
    fields = []
    for outline in SHAPE_OUTLINES.values():
        d = distance_to_strokes(points, [outline])
        if filled:
            d = np.where(inside_polygon(points, outline), -d, d)
        fields.append(d.reshape(GRID_POINTS, GRID_POINTS))
    return np.stack(fields).astype(np.float32)
