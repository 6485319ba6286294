"""Optimizers racing on toy two-parameter problems: saddles, ravines, local minima.

Each racer is one of the engine's real optimizers updating a single 2-element
:class:`~playground.engine.layer.Parameter` ``θ = (x, y)``; the gradient of the
toy function is written into ``θ.grad`` and ``optimizer.step()`` moves it, exactly
as in a network. All racers start from the same point with the same number of
steps, so their paths (and losses per step) can be drawn over the function's
contour plot.

The problems::

    saddle       f = x² − y²                                 a saddle point at (0, 0)
    ravine       f = ½(x² + 100·y²)                          a long narrow valley (condition number 100)
    rosenbrock   f = (1 − x)² + 100·(y − x²)²                a curved banana valley, minimum (1, 1)
    beale        f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²    minimum (3, 0.5)
    two_valleys  f = (x² − 1)² + 0.3·x + y²                  a local minimum near (0.96, 0),
                                                             the global one near (−1.04, 0)

On the saddle, a racer started exactly on the line y = 0 never sees a gradient
in y and runs into the saddle point, where the gradient is zero: it is stuck.
A tiny step off the line grows at every step (the surface curves down in y)
and the racer escapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from playground.engine.layer import Parameter
from playground.engine.optimizers import get_optimizer

ADAPTIVE = ("adagrad", "adadelta", "rmsprop", "adam", "adamw")


@dataclass(frozen=True)
class ToyProblem:
    name: str
    title: str
    formula: str
    f: Callable            # f(x, y), elementwise on arrays
    grad: Callable         # (∂f/∂x, ∂f/∂y)
    start: tuple[float, float]
    extent: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax for the contour plot
    minima: tuple[tuple[float, float], ...]
    lr: float              # a learning rate that suits SGD and momentum here
    adaptive_lr: float     # … and one for RMSProp, Adam and friends (their steps are about lr long)
    steps: int = 200
    log_contours: bool = False  # values span many decades: draw contours of log(f − min + 1)
    note: str = ""

    def value(self, point) -> float:
        return float(self.f(float(point[0]), float(point[1])))


def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def _beale_grad(x, y):
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
    gx = 2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1)
    gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y ** 2
    return gx, gy


PROBLEMS: dict[str, ToyProblem] = {p.name: p for p in (
    ToyProblem("saddle", "Saddle point", "f = x² − y²",
               lambda x, y: x ** 2 - y ** 2, lambda x, y: (2 * x, -2 * y),
               start=(1.0, 1e-3), extent=(-1.5, 1.5, -1.5, 1.5), minima=(), lr=0.05, adaptive_lr=0.05,
               steps=80, note="The gradient is zero at (0, 0), yet it is no minimum: downhill in y. "
                               "Started exactly on y = 0 every optimizer stops there; a tiny nudge escapes."),
    ToyProblem("ravine", "Ravine", "f = ½(x² + 100·y²)",
               lambda x, y: 0.5 * (x ** 2 + 100 * y ** 2), lambda x, y: (x, 100 * y),
               start=(-4.0, 0.5), extent=(-4.5, 1.5, -1.0, 1.0), minima=((0.0, 0.0),), lr=0.012,
               adaptive_lr=0.1, steps=100,
               note="Steep across, shallow along: plain SGD must keep its step small for the steep "
                    "direction and then crawls along the valley; momentum builds up speed along it."),
    ToyProblem("rosenbrock", "Rosenbrock's banana", "f = (1 − x)² + 100·(y − x²)²",
               lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
               lambda x, y: (-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)),
               start=(-1.2, 1.0), extent=(-2.0, 2.0, -1.0, 3.0), minima=((1.0, 1.0),), lr=1e-3,
               adaptive_lr=0.05, steps=500, log_contours=True,
               note="Finding the curved valley is easy; following it to (1, 1) is slow."),
    ToyProblem("beale", "Beale's function", "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
               _beale, _beale_grad, start=(1.0, 1.4), extent=(-1.0, 4.5, -1.5, 2.0),
               minima=((3.0, 0.5),), lr=0.005, adaptive_lr=0.05, steps=500, log_contours=True,
               note="Flat plateaus and steep walls: gradients differ by orders of magnitude."),
    ToyProblem("two_valleys", "Local and global minimum", "f = (x² − 1)² + 0.3·x + y²",
               lambda x, y: (x ** 2 - 1) ** 2 + 0.3 * x + y ** 2,
               lambda x, y: (4 * x * (x ** 2 - 1) + 0.3, 2 * y),
               start=(1.6, 1.0), extent=(-2.0, 2.0, -1.5, 1.5), minima=((-1.0363, 0.0), (0.9611, 0.0)),
               lr=0.02, adaptive_lr=0.05, steps=200,
               note="Two valleys; the one on the left is deeper. Where a racer ends depends on where "
                    "it starts and how much speed it carries over the ridge."),
)}

DEFAULT_RACERS: dict[str, tuple[str, dict]] = {
    "SGD": ("sgd", {}),
    "Momentum": ("sgd", {"momentum": 0.9}),
    "Nesterov": ("sgd", {"momentum": 0.9, "nesterov": True}),
    "RMSProp": ("rmsprop", {}),
    "Adam": ("adam", {}),
}


@dataclass
class Racer:
    name: str
    optimizer: str          # e.g. "SGD(lr=0.05, momentum=0.9, nesterov=False)"
    path: np.ndarray        # (steps + 1, 2): the start, then θ after every step
    losses: np.ndarray      # (steps + 1,): f along the path
    left_at: int | None = None  # the step after which it left the plot far behind (then stopped)

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    @property
    def final_point(self) -> np.ndarray:
        return self.path[-1]


@dataclass
class RaceResult:
    problem: ToyProblem
    racers: list[Racer]
    xs: np.ndarray          # (n,) grid for the contour plot
    ys: np.ndarray          # (m,)
    values: np.ndarray      # (m, n): values[j, i] = f(xs[i], ys[j])
    extra: dict = field(default_factory=dict)

    def racer(self, name: str) -> Racer:
        return next(r for r in self.racers if r.name == name)


def get_problem(problem: "str | ToyProblem") -> ToyProblem:
    if isinstance(problem, ToyProblem):
        return problem
    if problem not in PROBLEMS:
        raise ValueError(f"Unknown toy problem {problem!r}; choose one of {', '.join(PROBLEMS)}")
    return PROBLEMS[problem]


def contour_grid(problem: "str | ToyProblem", resolution: int = 100):
    """``(xs, ys, values)`` with ``values[j, i] = f(xs[i], ys[j])`` over the problem's extent."""
    problem = get_problem(problem)
    xmin, xmax, ymin, ymax = problem.extent
    xs, ys = np.linspace(xmin, xmax, resolution), np.linspace(ymin, ymax, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, problem.f(gx, gy)


def run_racer(problem: "str | ToyProblem", optimizer: str, *, start=None, steps: int | None = None,
              name: str | None = None, **settings) -> Racer:
    """Run one engine optimizer (``"sgd"``, ``"adam"``, … with ``settings``) on the problem.

    Without ``lr`` in ``settings`` the problem's suggestion is used. A racer that
    gets 100 times farther away than the plot's size is stopped (``left_at``).
    """
    problem = get_problem(problem)
    if "lr" not in settings:
        settings["lr"] = problem.adaptive_lr if optimizer.lower() in ADAPTIVE else problem.lr
    steps = problem.steps if steps is None else int(steps)
    theta = Parameter("theta", np.array(problem.start if start is None else start, dtype=np.float64))
    opt = get_optimizer(optimizer, [theta], **settings)
    xmin, xmax, ymin, ymax = problem.extent
    limit = 100 * max(xmax - xmin, ymax - ymin)
    path = [theta.data.copy()]
    left_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            gx, gy = problem.grad(float(theta.data[0]), float(theta.data[1]))
            theta.grad = np.array([gx, gy], dtype=np.float64)
            opt.step()
            path.append(theta.data.copy())
            if not np.all(np.isfinite(theta.data)) or np.max(np.abs(theta.data)) > limit:
                left_at = step
                break
        path = np.array(path)
        losses = np.asarray(problem.f(path[:, 0], path[:, 1]), dtype=np.float64)
    return Racer(name or optimizer, repr(opt), path, losses, left_at)


def race(problem: "str | ToyProblem", racers: dict[str, tuple[str, dict]] | None = None, *,
         start=None, steps: int | None = None, resolution: int = 100) -> RaceResult:
    """All ``racers`` (name → (optimizer, settings); default SGD, momentum, Nesterov, RMSProp,
    Adam) from the same start, plus the function on a grid for the contour plot."""
    problem = get_problem(problem)
    racers = DEFAULT_RACERS if racers is None else racers
    results = [run_racer(problem, kind, start=start, steps=steps, name=name, **dict(settings))
               for name, (kind, settings) in racers.items()]
    xs, ys, values = contour_grid(problem, resolution)
    return RaceResult(problem, results, xs, ys, values)
