"""Synthetic training reports for UI tests and screenshots (no engine needed).

Every function is seeded, so tests are deterministic; the numbers look like a
real run (falling loss, rising accuracy, gradient norms fanning out by
layer) so screenshots show what students will see.
"""

from __future__ import annotations

import numpy as np

from playground.session.history import MetricHistory
from playground.session.report import DecisionGrid, Report

LAYERS = ("dense_1", "dense_2", "dense_3")


def report(iteration: int, **fields) -> Report:
    """A minimal report at ``iteration``; any Report field can be given."""
    fields.setdefault("epoch", iteration // 100)
    fields.setdefault("iterations_total", 1000)
    fields.setdefault("learning_rate", 0.01)
    fields.setdefault("train_loss", 1.0)
    return Report(iteration=iteration, **fields)


def training_history(n: int = 120, every: int = 10, layers=LAYERS, vanish: str | None = None,
                     explode: str | None = None, seed: int = 0) -> MetricHistory:
    """``n`` reports ``every`` iterations apart: loss, accuracy, penalty and grad norms.

    ``vanish``/``explode`` name a layer whose last gradient norm is 1e-8 / 1e5.
    """
    rng = np.random.default_rng(seed)
    history = MetricHistory()
    for i in range(n):
        it = (i + 1) * every
        t = it / (n * every)
        train = 1.2 * np.exp(-4 * t) + 0.05 + 0.03 * rng.standard_normal() ** 2
        val = 1.2 * np.exp(-3 * t) + 0.12 + 0.25 * max(0.0, t - 0.6) + 0.02 * rng.random()
        norms = {layer: float(0.5 * 10.0 ** (-1.2 * k) * np.exp(-t) * (1 + 0.2 * rng.random()))
                 for k, layer in enumerate(layers)}
        if i == n - 1:
            if vanish:
                norms[vanish] = 1e-8
            if explode:
                norms[explode] = 1e5
        history.append(report(
            it, train_loss=float(train), val_loss=float(val) if i % 3 == 0 else None,
            train_metrics={"accuracy": float(1 - 0.5 * np.exp(-5 * t) - 0.02 * rng.random())},
            val_metrics={"accuracy": float(0.95 - 0.45 * np.exp(-4 * t) - 0.03 * rng.random())}
            if i % 3 == 0 else {},
            loss_terms={"l2": float(0.05 + 0.1 * t)},
            grad_norms=norms,
            weight_histograms=weight_histograms(layers, spread=0.3 + t, rng=rng),
        ))
    return history


def weight_histograms(layers=LAYERS, spread: float = 0.5, rng=None, bins: int = 30):
    rng = rng or np.random.default_rng(0)
    out = {}
    for k, layer in enumerate(layers):
        w = rng.normal(0.0, spread / (k + 1), size=2000)
        counts, edges = np.histogram(w, bins=bins, range=(-2.0, 2.0))
        out[layer] = (counts, edges)
    return out


def two_moons(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles, labels 0/1 (like sklearn's make_moons)."""
    rng = np.random.default_rng(seed)
    half = n // 2
    a = np.linspace(0, np.pi, half)
    x = np.concatenate([np.column_stack([np.cos(a), np.sin(a)]),
                        np.column_stack([1 - np.cos(a), 0.5 - np.sin(a)])])
    x = x + 0.1 * rng.standard_normal(x.shape)
    y = np.concatenate([np.zeros(half, int), np.ones(n - half, int)])
    return (x - [0.5, 0.25]) * 2.5, y


def binary_grid(n: int = 60, extent=(-4.0, 4.0, -4.0, 4.0)) -> DecisionGrid:
    """A sigmoid probability over the plane: class 1 above a wavy boundary."""
    xmin, xmax, ymin, ymax = extent
    xx, yy = np.meshgrid(np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n))
    p = 1.0 / (1.0 + np.exp(-3.0 * (yy - np.sin(1.5 * xx))))
    return DecisionGrid(values=p.astype(np.float32), extent=extent)


def multiclass_grid(k: int = 3, n: int = 60, extent=(-4.0, 4.0, -4.0, 4.0)) -> DecisionGrid:
    """Softmax over ``k`` classes centred around a circle: ``(n, n, k)`` probabilities."""
    xmin, xmax, ymin, ymax = extent
    xx, yy = np.meshgrid(np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n))
    angles = 2 * np.pi * np.arange(k) / k
    logits = np.stack([2.0 * (np.cos(a) * xx + np.sin(a) * yy) for a in angles], axis=-1)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return DecisionGrid(values=(e / e.sum(axis=-1, keepdims=True)).astype(np.float32),
                        extent=extent)


def blobs(k: int = 3, n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(k) / k
    centres = 2.2 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.repeat(np.arange(k), n)
    return centres[y] + 0.6 * rng.standard_normal((k * n, 2)), y


def digit_images(n: int = 8, size: int = 16, seed: int = 0) -> np.ndarray:
    """``(n, 1, size, size)`` blobby strokes in [0, 1] that look image-like."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    imgs = []
    for _ in range(n):
        cx, cy, r = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), rng.uniform(0.15, 0.3)
        ring = np.exp(-((np.hypot(xx - cx, yy - cy) - r) ** 2) / 0.004)
        bar = np.exp(-((xx - rng.uniform(0.2, 0.8)) ** 2) / 0.003) * (yy > rng.uniform(0.1, 0.5))
        imgs.append(np.clip(ring + bar, 0, 1))
    return np.asarray(imgs)[:, None].astype(np.float32)


def autoencoder_report(iteration: int = 500, n: int = 8, seed: int = 0, k: int = 4) -> Report:
    rng = np.random.default_rng(seed)
    inputs = digit_images(n, seed=seed)
    outputs = np.clip(0.85 * inputs + 0.08 * rng.standard_normal(inputs.shape), 0, 1)
    labels = rng.integers(0, k, size=300)
    angles = 2 * np.pi * labels / k
    latent = np.column_stack([np.cos(angles), np.sin(angles)]) * 2 + 0.5 * rng.standard_normal((300, 2))
    return report(iteration, samples={"inputs": inputs, "outputs": outputs.astype(np.float32),
                                      "latent": latent, "labels": labels})


def conv_report(iteration: int = 300, channels: int = 8, size: int = 12, seed: int = 0) -> Report:
    """Activations of a conv layer (C, H, W), a pooling layer and a dense layer (ignored)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    maps = np.stack([np.sin((c + 1) * 2 * xx + c * yy) * np.cos(3 * yy * (c % 3 + 1))
                     for c in range(channels)]) + 0.1 * rng.standard_normal((channels, size, size))
    pooled = maps[:, ::2, ::2]
    return report(iteration, activations={"conv_1": maps.astype(np.float32),
                                          "pool_1": pooled.astype(np.float32),
                                          "dense_1": rng.standard_normal(10).astype(np.float32)})


def regression_report(iteration: int = 400, n: int = 80, seed: int = 0) -> Report:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, size=(n, 1))
    y = np.sin(x) + 0.1 * rng.standard_normal((n, 1))
    pred = 0.9 * np.sin(x) + 0.05 * x
    return report(iteration, samples={"inputs": x, "targets": y, "outputs": pred})


def sequence_report(iteration: int = 400, t: int = 30, horizon: int = 10) -> Report:
    steps = np.arange(t + horizon)
    series = np.sin(steps / 4.0) + 0.02 * steps
    inputs = series[:t].reshape(1, t, 1)
    targets = series[t:].reshape(1, horizon)
    outputs = (0.9 * series[t:] + 0.05).reshape(1, horizon)
    return report(iteration, samples={"inputs": inputs, "targets": targets, "outputs": outputs})


def confusion_report(iteration: int = 400, k: int = 4, seed: int = 0) -> Report:
    rng = np.random.default_rng(seed)
    m = rng.integers(0, 6, size=(k, k)) + np.diag(rng.integers(40, 60, size=k))
    return report(iteration, samples={"confusion": m})


def history_of(*reports: Report) -> MetricHistory:
    history = MetricHistory()
    for r in reports:
        history.append(r)
    return history
