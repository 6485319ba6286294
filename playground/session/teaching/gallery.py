"""The activation gallery: every activation and its derivative on a grid, with its text.

Curves come from the engine's own activation objects
(:data:`playground.engine.activations.ACTIVATIONS`): ``curve(x)`` gives
``(f(x), f'(x))``. The parameters (steepness λ, slope a, α, β, threshold q) are
passed as the sliders set them; ``PARAMS`` gives each one's default and
allowed range for the slider itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.engine.activations import ACTIVATIONS, Param, get_activation

GRID = (-5.0, 5.0, 401)  # default x range and number of points


@dataclass
class GalleryCurve:
    name: str
    title: str
    formula: str
    derivative_formula: str
    range: str
    note: str                     # differentiability and typical use
    params: dict[str, float]      # the values used
    param_specs: dict[str, Param]  # default, allowed range and meaning of each parameter (for sliders)
    x: np.ndarray
    y: np.ndarray                 # f(x)
    dy: np.ndarray                # f'(x) (0 at the kinks by the engine's convention)
    kinks: tuple[float, ...]      # where f' does not exist (mark them; do not join the line there)
    has_gradient: bool            # False for the steps: gradient descent cannot learn through them
    elementwise: bool             # False for softmax (shown as the two-class case [x, 0])


def default_grid(low: float = GRID[0], high: float = GRID[1], points: int = GRID[2]) -> np.ndarray:
    return np.linspace(low, high, points)


def activation_curve(name: str, x: np.ndarray | None = None, **params) -> GalleryCurve:
    """One activation with ``params`` (e.g. ``steepness=2``) over ``x`` (default −5…5)."""
    fn = get_activation(name, **params)
    x = default_grid() if x is None else np.asarray(x, dtype=np.float64)
    y, dy = fn.curve(x)
    return GalleryCurve(
        name=fn.name, title=fn.title, formula=fn.formula, derivative_formula=fn.derivative_formula,
        range=fn.range, note=fn.note, params=fn.params, param_specs=dict(fn.PARAMS),
        x=x, y=np.asarray(y, dtype=np.float64), dy=np.asarray(dy, dtype=np.float64),
        kinks=tuple(float(k) for k in fn.kinks()), has_gradient=fn.has_gradient, elementwise=fn.elementwise)


def gallery(x: np.ndarray | None = None, params: dict[str, dict[str, float]] | None = None) -> list[GalleryCurve]:
    """Every activation in gallery order; ``params`` maps a name to its slider values."""
    params = params or {}
    return [activation_curve(name, x, **params.get(name, {})) for name in ACTIVATIONS]


def break_at_kinks(curve: GalleryCurve, which: str = "dy") -> np.ndarray:
    """``curve.y`` or ``curve.dy`` with NaN at the grid points nearest each kink.

    Plotting libraries leave a gap at NaN, so a jump in the derivative (ReLU at 0)
    is not drawn as a vertical line that is not part of the function.
    """
    values = np.array(getattr(curve, which), dtype=np.float64)
    for k in curve.kinks:
        if curve.x[0] <= k <= curve.x[-1]:
            values[int(np.argmin(np.abs(curve.x - k)))] = np.nan
    return values
