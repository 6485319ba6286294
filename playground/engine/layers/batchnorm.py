"""Batch normalization: normalize each feature over the mini-batch, then scale and shift.

For vectors ``(F,)`` every feature is normalized over the batch; for images
``(C, H, W)`` every channel is normalized over the batch *and* all pixels
(one mean and variance per channel, as a convolution shares its filter).

Training (statistics of this batch, ``m`` values per feature/channel)::

    μ = (1/m) Σ x          σ² = (1/m) Σ (x − μ)²
    x̂ = (x − μ) / √(σ² + ε)
    y = γ · x̂ + β           (γ starts at 1, β at 0; both learned)

and the running statistics used at inference move towards the batch's::

    running_mean ← momentum · running_mean + (1 − momentum) · μ
    running_var  ← momentum · running_var  + (1 − momentum) · σ²·m/(m−1)

(the unbiased variance, an estimate of the data's variance). In evaluation
mode ``y = γ · (x − running_mean) / √(running_var + ε) + β``, so a single
sample gets the same answer whatever batch it comes in.
"""

from __future__ import annotations

import numpy as np  # host initial values only; add_param/add_buffer move them to the backend

from ..layer import Layer, ShapeError


class BatchNorm(Layer):
    kind = "batchnorm"

    def __init__(self, momentum: float = 0.9, eps: float = 1e-5, name: str | None = None):
        super().__init__(name)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"BatchNorm: momentum must be at least 0 and below 1 (0.9 keeps 90% of the "
                             f"running statistics at each step), got {momentum}")
        if eps <= 0:
            raise ValueError(f"BatchNorm: eps must be positive (it keeps 1/√(σ²+ε) finite), got {eps}")
        self.momentum = float(momentum)
        self.eps = float(eps)

    # -- shapes -----------------------------------------------------------
    def output_shape(self, in_shape):
        if len(in_shape) not in (1, 3):
            raise ShapeError(self, f"expects a vector of features (F,) or an image (C, H, W) per sample, "
                                   f"but got shape {in_shape} ({len(in_shape)} axes)")
        return in_shape

    def param_shapes(self, in_shape):
        channels = self.output_shape(in_shape)[0]
        return {"gamma": (channels,), "beta": (channels,)}

    def buffer_shapes(self, in_shape):
        channels = self.output_shape(in_shape)[0]
        return {"running_mean": (channels,), "running_var": (channels,)}

    def create_params(self, in_shape):
        channels = in_shape[0]
        # statistics are taken over the batch axis (and H, W for images), one per channel;
        # ``stat_shape`` lets a (C,) vector broadcast against the batch: (1, C) or (1, C, 1, 1)
        self.axes = (0,) if len(in_shape) == 1 else (0, 2, 3)
        self.stat_shape = (1, channels) if len(in_shape) == 1 else (1, channels, 1, 1)
        self.add_param("gamma", np.ones(channels), decay=False)
        self.add_param("beta", np.zeros(channels), decay=False)
        self.add_buffer("running_mean", np.zeros(channels))
        self.add_buffer("running_var", np.ones(channels))

    # -- computation ----------------------------------------------------------
    def forward(self, x):
        if self.training:  # statistics of this batch
            mean = x.mean(axis=self.axes, keepdims=True)
            centered = x - mean
            var = (centered * centered).mean(axis=self.axes, keepdims=True)
            self._update_running_statistics(mean, var, values_per_channel=x.size // x.shape[1])
        else:              # statistics remembered from training
            centered = x - self.buffers["running_mean"].reshape(self.stat_shape)
            var = self.buffers["running_var"].reshape(self.stat_shape)
        self.used_batch_stats = self.training  # backward must match the forward that ran
        self.inv_std = 1.0 / self.xp.sqrt(var + self.eps)
        self.x_hat = centered * self.inv_std
        gamma = self.params["gamma"].data.reshape(self.stat_shape)
        beta = self.params["beta"].data.reshape(self.stat_shape)
        return gamma * self.x_hat + beta

    def _update_running_statistics(self, mean, var, values_per_channel: int) -> None:
        """Move the running mean/variance a step (1 − momentum) towards this batch's."""
        m = values_per_channel  # N for vectors, N·H·W for images
        unbiased = var * (m / max(m - 1, 1))
        k = self.momentum
        self.buffers["running_mean"] = k * self.buffers["running_mean"] + (1 - k) * mean.reshape(-1)
        self.buffers["running_var"] = k * self.buffers["running_var"] + (1 - k) * unbiased.reshape(-1)

    def backward(self, dy):
        x_hat, inv_std = self.x_hat, self.inv_std
        gamma = self.params["gamma"].data.reshape(self.stat_shape)
        sum_dy = dy.sum(axis=self.axes, keepdims=True)                   # Σ δ
        sum_dy_xhat = (dy * x_hat).sum(axis=self.axes, keepdims=True)    # Σ δ·x̂
        self.params["beta"].grad = sum_dy.reshape(-1)                    # ∂L/∂β = Σ δ
        self.params["gamma"].grad = sum_dy_xhat.reshape(-1)              # ∂L/∂γ = Σ δ·x̂
        if not self.used_batch_stats:
            # evaluation: μ and σ are constants, so y is just a per-channel line in x
            return dy * (gamma * inv_std)                                # ∂L/∂x = δ·γ/σ
        # Training: μ and σ depend on every x in the batch. Write σ = √(σ²+ε), m values per
        # channel, δ = ∂L/∂y, and [i=j] for 1 when i = j else 0. Then
        #   ∂μ/∂xᵢ = 1/m,   ∂σ/∂xᵢ = (xᵢ − μ)/(m σ) = x̂ᵢ/m
        #   ∂x̂ⱼ/∂xᵢ = ([i=j] − 1/m)/σ − (xⱼ − μ)/σ² · ∂σ/∂xᵢ = ([i=j] − 1/m − x̂ⱼ x̂ᵢ/m) / σ
        # With ∂L/∂x̂ⱼ = γ δⱼ, the sum ∂L/∂xᵢ = Σⱼ γ δⱼ ∂x̂ⱼ/∂xᵢ gives the compact formula
        #   ∂L/∂xᵢ = γ/(m σ) · (m δᵢ − Σⱼ δⱼ − x̂ᵢ Σⱼ δⱼ x̂ⱼ)
        # whose two sums are exactly ∂L/∂β and ∂L/∂γ computed above.
        m = dy.size // dy.shape[1]
        return (gamma * inv_std / m) * (m * dy - sum_dy - x_hat * sum_dy_xhat)

    def config(self):
        return {"momentum": self.momentum, "eps": self.eps}
