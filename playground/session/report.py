"""What a training step sends to the window: plain floats and host NumPy arrays.

Device arrays never cross the thread boundary, so a report can be handed to
the GUI thread as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class DecisionGrid:
    """The model's output over a 2-D input plane, for decision-boundary plots.

    ``values`` has shape ``(ny, nx)`` for one output (probability or value) or
    ``(ny, nx, classes)`` for softmax outputs; ``extent`` is ``(xmin, xmax, ymin, ymax)``.
    ``units`` holds each hidden unit's output over the same plane (node id →
    ``(units, ny, nx)``) for the small per-unit heatmaps on the canvas.
    """

    values: np.ndarray
    extent: tuple[float, float, float, float]
    units: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class EpochPoint:
    """The scalars of an epoch that ended between two reports.

    Tiny data trains hundreds of epochs a second and reports come at most ~20
    times a second; the epochs in between travel with the next report so the
    curves still get a point per epoch.
    """

    iteration: int
    train_loss: float
    train_metrics: dict[str, float] = field(default_factory=dict)
    loss_terms: dict[str, float] = field(default_factory=dict)
    val_loss: float | None = None
    val_metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class Report:
    epoch: int  # epochs finished (0 before the first one ends)
    iteration: int  # batches done since the start
    iterations_total: int
    learning_rate: float
    train_loss: float  # mean over the batches since the last report
    val_loss: float | None = None
    train_metrics: dict[str, float] = field(default_factory=dict)  # {"accuracy": 0.93}
    val_metrics: dict[str, float] = field(default_factory=dict)
    loss_terms: dict[str, float] = field(default_factory=dict)  # penalties: {"kl": 0.4}
    grad_norms: dict[str, float] = field(default_factory=dict)  # node id → ‖∂L/∂θ‖
    weight_stats: dict[str, dict[str, float]] = field(default_factory=dict)
    weight_histograms: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    activations: dict[str, np.ndarray] = field(default_factory=dict)  # node id → one sample's output
    step_grad_norms: dict[str, np.ndarray] = field(default_factory=dict)  # recurrent node → ‖∂L/∂h_t‖ per t
    decision_grid: DecisionGrid | None = None
    samples: dict[str, np.ndarray] = field(default_factory=dict)  # inputs/targets/outputs/latent
    earlier: list[EpochPoint] = field(default_factory=list)  # epochs ended since the last report
    epoch_end: bool = False
    done: bool = False
    message: str = ""  # why training stopped, in plain words ("Loss became NaN: …")
