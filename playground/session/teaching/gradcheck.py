"""The gradient check of a whole project: does backpropagation agree with finite differences?

:func:`check_project` builds the project in float64 (NumPy), takes a small batch of
training samples and runs :func:`playground.engine.gradcheck.check_network`: the
engine's gradient of every parameter is compared with central differences
``(L(θ + ε) − L(θ − ε)) / 2ε`` on up to ``max_entries`` entries per parameter. The
result is one :class:`LayerCheck` per layer with the worst relative error
``‖a − n‖ / (‖a‖ + ‖n‖)``; below the threshold (1e−5) the backward pass is right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

THRESHOLD = 1e-5
BATCH = 8
MAX_ENTRIES = 20


@dataclass
class LayerCheck:
    """The check of one layer: its parameters' errors and the worst of them."""

    layer: str
    errors: dict[str, float] = field(default_factory=dict)  # parameter name → relative error

    @property
    def worst(self) -> float:
        values = list(self.errors.values())
        return float(max(values)) if values else 0.0

    def passed(self, threshold: float = THRESHOLD) -> bool:
        return bool(np.isfinite(self.worst) and self.worst < threshold)


def group_by_layer(errors: dict[str, float]) -> list[LayerCheck]:
    """``{"dense_1.W": e, "dense_1.b": e, …}`` → one :class:`LayerCheck` per layer, in network order."""
    layers: dict[str, LayerCheck] = {}
    for name, error in errors.items():
        layer, _, param = name.rpartition(".")
        layers.setdefault(layer or name, LayerCheck(layer or name)).errors[param or name] = float(error)
    return list(layers.values())


def check_project(project, batch_size: int = BATCH, max_entries: int = MAX_ENTRIES,
                  seed: int = 0) -> list[LayerCheck]:
    """Build ``project`` in float64 and compare its gradients with finite differences, per layer.

    The network gets the project's trained weights when it has them (else its initial
    ones); the batch is the first ``batch_size`` training samples.
    """
    from playground.engine.backend import get_backend
    from playground.engine.gradcheck import check_network
    from playground.session.compile import build_run

    backend = get_backend("numpy", dtype=np.float64)
    run = build_run(project, backend=backend, epochs=1)
    if project.weights:
        run.net.load_state_dict(project.weights)
    x = backend.asarray(run.data.x_train[:batch_size])
    t = np.asarray(run.data.y_train[:batch_size])
    target = backend.asarray(t) if t.dtype.kind == "f" else backend.xp.asarray(t)
    errors = check_network(run.net, run.loss, [x], target, max_entries=max_entries, seed=seed)
    return group_by_layer(errors)
