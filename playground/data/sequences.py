"""Sequence datasets: inputs of shape ``(T, features)`` per sample, for recurrent layers.

* ``sine``: forecasting. Each sample is a window of T values of a sine wave
  (random phase, period and amplitude), plus noise; the target is the next value
  (regression) — or, with ``target="every step"``, the next value after each
  step, a target sequence ``(T, 1)`` for layers that return sequences.
* ``waveforms``: which of k wave shapes (sine, square, triangle, sawtooth) is this?
* ``sum_sign``: is the sum of T random numbers positive? The answer needs the
  whole sequence, so a model must carry information along it.
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .registry import Option, register

_SEED = Option("seed", "int", 0, (0, 2**31 - 1), "random seed: same seed, same data")


def _n(default):
    return Option("n", "int", default, (10, 100000), "number of sequences", label="Sequences")


def _steps(default):
    return Option("steps", "int", default, (2, 500), "time steps per sequence (T)")


@register("sine", "Sine wave forecasting", group="Sequences", task="regression",
          options=[_n(1000), _steps(20),
                   Option("period", "float", 16.0, (2.0, 200.0), "average period of the wave, in steps"),
                   Option("noise", "float", 0.05, (0.0, 1.0), "standard deviation of the noise on each value"),
                   Option("target", "choice", "next", choices=("next", "every step"),
                          help="predict the value after the window, or the next value after every step"),
                   _SEED])
def sine(n=1000, steps=20, period=16.0, noise=0.05, target="next", seed=0) -> Dataset:
    """Windows of a noisy sine wave → the next value.

    Value at step t: ``a · sin(2π t / p + φ) + ε`` with amplitude a ~ U(0.5, 1),
    period p ~ U(0.8, 1.2) × period, phase φ ~ U(0, 2π), ε ~ N(0, noise²).
    The target is the clean next value, so noise does not make it unpredictable.
    """
    rng = np.random.default_rng(seed)
    amp = rng.uniform(0.5, 1.0, (n, 1))
    p = period * rng.uniform(0.8, 1.2, (n, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    t = np.arange(steps + 1)[None, :]
    clean = amp * np.sin(2 * np.pi * t / p + phase)  # (n, T + 1)
    x = clean[:, :steps] + rng.normal(0, noise, (n, steps))
    if target == "next":
        y, task = clean[:, steps:], "regression"  # (n, 1)
    else:
        y, task = clean[:, 1:, None], "sequence"  # (n, T, 1)
    return Dataset(x[:, :, None], y, task, name="sine", feature_names=("value",),
                   description="windows of a noisy sine wave; predict what comes next")


WAVEFORMS = ("sine", "square", "triangle", "sawtooth")


def _wave(kind: np.ndarray, cycles: np.ndarray) -> np.ndarray:
    """Each row's wave of the given ``kind`` index at positions ``cycles`` (in periods), range [−1, 1]."""
    frac = cycles % 1.0
    waves = np.stack([
        np.sin(2 * np.pi * cycles),
        np.where(frac < 0.5, 1.0, -1.0),
        4 * np.abs(frac - 0.5) - 1,
        2 * frac - 1,
    ])
    return np.take_along_axis(waves, kind[None, :, None], axis=0)[0]


@register("waveforms", "Which waveform?", group="Sequences", task="multiclass",
          options=[_n(1000), _steps(30),
                   Option("classes", "int", 4, (2, 4), "how many wave shapes to tell apart"),
                   Option("noise", "float", 0.2, (0.0, 2.0), "standard deviation of the noise on each value"),
                   _SEED])
def waveforms(n=1000, steps=30, classes=4, noise=0.2, seed=0) -> Dataset:
    """Classify a noisy wave as sine, square, triangle or sawtooth (random period, phase, amplitude)."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % classes)
    period = rng.uniform(6, 14, (n, 1))
    phase = rng.uniform(0, 1, (n, 1))
    amp = rng.uniform(0.6, 1.0, (n, 1))
    x = amp * _wave(y, np.arange(steps)[None, :] / period + phase) + rng.normal(0, noise, (n, steps))
    task = "binary" if classes == 2 else "multiclass"
    return Dataset(x[:, :, None], y, task, name="waveforms", class_names=WAVEFORMS[:classes],
                   feature_names=("value",), description="tell wave shapes apart")


@register("sum_sign", "Is the sum positive?", group="Sequences", task="binary",
          options=[_n(1000), _steps(10), _SEED])
def sum_sign(n=1000, steps=10, seed=0) -> Dataset:
    """T numbers from N(0, 1); class 1 when their sum is positive (classes balanced by flipping signs)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (n, steps))
    y = rng.permutation(np.arange(n) % 2)
    positive = x.sum(axis=1) > 0
    x = np.where((positive != (y == 1))[:, None], -x, x)  # flip a sequence whose sign disagrees with its label
    y = (x.sum(axis=1) > 0).astype(np.int64)  # exact zero sums (measure zero) stay consistent
    return Dataset(x[:, :, None], y, "binary", name="sum_sign", class_names=("negative", "positive"),
                   feature_names=("value",), description="is the sum of the sequence positive?")
