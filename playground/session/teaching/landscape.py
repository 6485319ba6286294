"""A 2-D slice of the loss surface around the current weights, and the optimizer's path on it.

A network has thousands of weights, so its loss surface cannot be drawn. We draw
a plane through the current weights ``θ₀`` spanned by two directions ``d₁, d₂``::

    L(α, β) = loss(θ₀ + α·d₁ + β·d₂)        on a grid of (α, β)

Random directions would be meaningless at different weight scales (a step of 1
is huge for a layer of small weights and nothing for a layer of large ones), so
each direction is *filter-normalized* (Li et al., 2018, "Visualizing the Loss
Landscape of Neural Nets"): for every unit (a column of a Dense ``W``, a filter of
a convolution) the random direction is rescaled to the norm of that unit's
weights, ``d_f ← d_f / ‖d_f‖ · ‖θ_f‖``. Biases (1-D parameters) get no
direction, as in the paper; α = 1 then means "move every unit by its own size".

:func:`project_path` places weight snapshots taken during training (the
optimizer's path) on the same plane by least squares. Random directions are
almost orthogonal to any path in high dimensions, so the path often looks short
there; :func:`pca_directions` gives the two directions along which the path
moved most (the paper's choice for trajectories).

The slice runs the real network (evaluation mode) on one batch with its weights
moved in place, and puts them back exactly afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.engine.backend import to_host
from playground.engine.network import Network

Directions = tuple[dict[str, np.ndarray], dict[str, np.ndarray]]


@dataclass
class LossSlice:
    alphas: np.ndarray              # (n,) coordinates along d₁
    betas: np.ndarray               # (m,) coordinates along d₂
    losses: np.ndarray              # (m, n): losses[j, i] = L(alphas[i], betas[j])
    center_loss: float              # L(0, 0), the loss at the current weights
    center: dict[str, np.ndarray]   # θ₀, host copies by parameter name
    directions: Directions          # d₁, d₂ by parameter name (host arrays)


def _unit_axis(shape: tuple[int, ...]) -> int | None:
    """Which axis indexes units: Dense ``(inputs, units)`` → last; conv ``(filters, …)`` → first."""
    if len(shape) == 2:
        return 1
    if len(shape) >= 3:
        return 0
    return None  # biases and other vectors


def filter_normalize(direction: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Rescale each unit's slice of ``direction`` to the norm of the same slice of ``weights``."""
    axis = _unit_axis(weights.shape)
    if axis is None:
        scale = np.linalg.norm(weights) / (np.linalg.norm(direction) + 1e-12)
        return direction * scale
    other = tuple(a for a in range(weights.ndim) if a != axis)
    w_norm = np.sqrt(np.sum(weights ** 2, axis=other, keepdims=True))
    d_norm = np.sqrt(np.sum(direction ** 2, axis=other, keepdims=True))
    return direction * (w_norm / (d_norm + 1e-12))


def random_direction(center: dict[str, np.ndarray], rng: np.random.Generator,
                     include_biases: bool = False) -> dict[str, np.ndarray]:
    """One filter-normalized Gaussian direction, zero for biases unless ``include_biases``."""
    direction = {}
    for name, w in center.items():
        if _unit_axis(w.shape) is None and not include_biases:
            direction[name] = np.zeros_like(w)
        else:
            direction[name] = filter_normalize(rng.standard_normal(w.shape), w)
    return direction


def current_weights(net: Network) -> dict[str, np.ndarray]:
    """θ₀: host float64 copies of every parameter, by name."""
    return {name: np.array(to_host(p.data), dtype=np.float64) for name, p in net.named_parameters().items()}


def random_directions(net: Network, seed: int = 0, include_biases: bool = False) -> Directions:
    """Two independent filter-normalized random directions for ``net``'s current weights."""
    center = current_weights(net)
    rng = np.random.default_rng(seed)
    return random_direction(center, rng, include_biases), random_direction(center, rng, include_biases)


def loss_slice(net: Network, loss, x, target, directions: Directions | None = None, *,
               extent: float = 1.0, resolution: int = 25, seed: int = 0) -> LossSlice:
    """The loss on a ``resolution × resolution`` grid of ``α, β ∈ [−extent, extent]``.

    ``loss`` is evaluated (plus any penalty terms of the layers) on the batch
    ``x, target`` in evaluation mode. ``directions`` defaults to
    :func:`random_directions` with ``seed``. The network's weights are restored.
    """
    center = current_weights(net)
    if directions is None:
        directions = random_directions(net, seed)
    alphas = np.linspace(-extent, extent, resolution)
    betas = np.linspace(-extent, extent, resolution)
    backend, xp = net.backend, net.backend.xp
    x_dev = backend.asarray(np.asarray(x))
    t = np.asarray(target)
    t_dev = backend.asarray(t) if t.dtype.kind == "f" else xp.asarray(t)
    params = net.named_parameters()
    saved = {name: p.data.copy() for name, p in params.items()}
    d1 = {name: backend.asarray(directions[0][name]) for name in params}
    d2 = {name: backend.asarray(directions[1][name]) for name in params}
    values = []
    was_training = net.training
    net.train(False)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for b in betas:
                for a in alphas:
                    for name, p in params.items():  # θ = θ₀ + α d₁ + β d₂, in place (optimizer views stay valid)
                        p.data[...] = saved[name] + float(a) * d1[name] + float(b) * d2[name]
                    y = net.forward(x_dev)
                    values.append(loss.forward(y, t_dev) + net.total_penalty())
            for name, p in params.items():
                p.data[...] = saved[name]
            center_loss = float(loss.forward(net.forward(x_dev), t_dev) + net.total_penalty())
    finally:
        for name, p in params.items():
            p.data[...] = saved[name]
        net.train(was_training)
    losses = to_host(xp.stack([xp.asarray(v) for v in values])).astype(np.float64)
    return LossSlice(alphas, betas, losses.reshape(resolution, resolution), center_loss, center,
                     (dict(directions[0]), dict(directions[1])))


def _flat(weights: dict[str, np.ndarray], names: list[str]) -> np.ndarray:
    return np.concatenate([np.asarray(weights[n], dtype=np.float64).reshape(-1) for n in names])


def project_path(snapshots: list[dict[str, np.ndarray]], center: dict[str, np.ndarray],
                 directions: Directions) -> np.ndarray:
    """``(len(snapshots), 2)`` coordinates (α, β) of each snapshot on the plane.

    Least squares: ``[d₁ d₂]·(α, β) ≈ θ − θ₀``. Snapshots are dicts like
    ``Network.state_dict()`` (extra keys such as running statistics are ignored).
    """
    names = list(directions[0])
    basis = np.column_stack([_flat(directions[0], names), _flat(directions[1], names)])
    origin = _flat(center, names)
    moves = np.column_stack([_flat(s, names) - origin for s in snapshots]) if snapshots \
        else np.zeros((origin.size, 0))
    coords, *_ = np.linalg.lstsq(basis, moves, rcond=None)
    return coords.T


def pca_directions(snapshots: list[dict[str, np.ndarray]], center: dict[str, np.ndarray]
                   ) -> tuple[Directions, np.ndarray]:
    """The two directions along which the path moved most, and the share of movement each explains.

    Principal components of ``θᵢ − θ₀`` over the snapshots (θ₀ usually the final
    weights). Each direction is a unit vector over all parameters together.
    """
    names = list(center)
    origin = _flat(center, names)
    moves = np.stack([_flat(s, names) - origin for s in snapshots])
    _, singular, vt = np.linalg.svd(moves, full_matrices=False)
    energy = singular ** 2
    share = energy[:2] / energy.sum() if energy.sum() > 0 else np.zeros(2)
    pair = []
    for k in range(2):
        vec = vt[k] if k < len(vt) else np.zeros(origin.size)
        parts, start = {}, 0
        for n in names:
            size = center[n].size
            parts[n] = vec[start:start + size].reshape(center[n].shape)
            start += size
        pair.append(parts)
    return (pair[0], pair[1]), np.pad(share, (0, 2 - len(share)))


# -- a landscape with its path -------------------------------------------------------------
PCA, RANDOM = "pca", "random"
MAX_SAMPLES = 512      # the slice evaluates the loss on at most this many training samples
MAX_SNAPSHOTS = 80     # weights kept along the path
PATH_MARGIN = 1.3      # the plane extends this far beyond the path


@dataclass
class Landscape:
    """What the view draws: the slice, the path's coordinates on it and how it was made."""

    slice: LossSlice
    path: np.ndarray | None      # (snapshots, 2) coordinates (α, β), or None
    directions: str              # "pca" or "random"
    share: np.ndarray | None     # for PCA: the fraction of the path's movement along each direction

    @property
    def log_losses(self) -> np.ndarray:
        """log₁₀ of the losses (what is shaded): losses span decades around a minimum."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.maximum(self.slice.losses, 1e-12))


def train_with_snapshots(trainer, max_snapshots: int = MAX_SNAPSHOTS, handle=None) -> list[dict]:
    """Train ``trainer`` to the end, keeping ``net.state_dict()`` about ``max_snapshots`` times.

    The first snapshot is the start, the last the end. ``handle`` (a background task's)
    gets progress text and can cancel.
    """
    net = trainer.net
    every = max(1, trainer.iterations_total // max_snapshots)
    snapshots = [net.state_dict()]
    while not trainer.finished:
        trainer.run_batch()
        if trainer.iteration % every == 0 or trainer.finished:
            snapshots.append(net.state_dict())
            if handle is not None:
                handle.report(f"Training: epoch {trainer.epoch + (0 if trainer.finished else 1)} "
                              f"of {trainer.epochs} …")
                if handle.cancelled:
                    break
    return snapshots


def landscape_of(net, loss, x, target, snapshots: list[dict] | None = None, *, directions: str = PCA,
                 resolution: int = 25, extent: float | None = None, seed: int = 0) -> Landscape:
    """The loss on a plane through ``net``'s current weights, and the path of ``snapshots`` on it.

    ``directions="pca"`` (needs at least two snapshots) spans the plane by the path's two
    main directions and sizes it to the path; ``"random"`` by two filter-normalized random
    directions with ``extent`` 1 (move every unit by its own size).
    """
    center = current_weights(net)
    share = None
    if directions == PCA:
        if not snapshots or len(snapshots) < 2:
            raise ValueError("The directions along the path need a path: train first, or choose "
                             "random directions.")
        dirs, share = pca_directions(snapshots, center)
    else:
        dirs = random_directions(net, seed=seed)
    path = project_path(snapshots, center, dirs) if snapshots else None
    if extent is None:
        reach = float(np.max(np.abs(path))) if path is not None and path.size else 0.0
        extent = PATH_MARGIN * reach if directions == PCA and reach > 0 else 1.0
    s = loss_slice(net, loss, x, target, dirs, extent=extent, resolution=resolution, seed=seed)
    return Landscape(s, path, directions, share)
