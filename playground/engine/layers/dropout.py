"""Dropout and DropConnect: switch parts of the network off at random while training.

*Dropout* zeroes each activation with probability ``p`` (the rate). We use
*inverted* dropout: the survivors are scaled by ``1/(1−p)`` during training, so
the expected value of every activation stays the same and evaluation needs no
rescaling at all — in evaluation mode the layer is the identity.

*DropConnect* drops individual **weights** of a Dense layer instead of
activations: a fresh random mask over ``W`` for every batch.

Masks come from ``self.noise`` (a seeded ``RandomState`` made in ``build``),
so a run is reproducible and a gradient check can replay the same mask by
reseeding.
"""

from __future__ import annotations

from ..layer import Layer
from .dense import Dense


def _check_rate(layer_name: str, rate: float) -> float:
    """The drop rate must be a probability that leaves something alive: 0 ≤ p < 1."""
    rate = float(rate)
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"{layer_name}: the drop rate must be at least 0 and below 1 "
                         f"(it is the fraction dropped), got {rate}")
    return rate


def keep_mask(noise, shape, rate: float, dtype):
    """A mask of ``0`` (dropped, probability ``p``) and ``1/(1−p)`` (kept).

    ``u ~ U[0, 1)`` for every entry; an entry survives when ``u ≥ p``.
    Multiplying by this mask drops and rescales in one step.
    """
    kept = noise.random_sample(shape) >= rate
    mask = kept.astype(dtype)
    mask *= 1.0 / (1.0 - rate)
    return mask


class Dropout(Layer):
    """Inverted dropout: ``y = x · m`` with ``m = 0`` (prob. ``p``) or ``1/(1−p)``.

    Forward (training):  ``y = x ⊙ m``      Backward: ``∂L/∂x = ∂L/∂y ⊙ m``
    Evaluation:          ``y = x``           Backward: ``∂L/∂x = ∂L/∂y``

    Works on any per-sample shape (vectors, images, sequences); each entry is
    dropped on its own.
    """

    kind = "dropout"

    def __init__(self, rate: float = 0.5, name: str | None = None):
        super().__init__(name)
        self.rate = _check_rate("Dropout", rate)
        self.mask = None  # the last mask (None in evaluation mode), kept for plots and backward

    def forward(self, x):
        if not self.training or self.rate == 0.0:
            self.mask = None
            return x
        self.mask = keep_mask(self.noise, x.shape, self.rate, x.dtype)
        return x * self.mask

    def backward(self, dy):
        # a dropped unit passed nothing forward, so it gets no gradient back;
        # a kept one was scaled by 1/(1−p), and so is its gradient
        if self.mask is None:
            return dy
        return dy * self.mask

    def config(self):
        return {"rate": self.rate}


class DropConnect(Dense):
    """A Dense layer whose weights are dropped at random, a new mask per batch.

    Training:   ``W̃ = W ⊙ M`` with ``M = 0`` (prob. ``p``) or ``1/(1−p)``;  ``y = x W̃ + b``
    Backward:   ``∂L/∂W = (xᵀ δ) ⊙ M``,  ``∂L/∂b = Σ_batch δ``,  ``∂L/∂x = δ W̃ᵀ``
    Evaluation: the plain Dense layer ``y = x W + b`` (the expected value of ``W̃``).

    The bias is never dropped. One mask is shared by all samples of a batch.
    """

    kind = "dropconnect"

    def __init__(self, units: int, rate: float = 0.5, use_bias: bool = True, init="glorot_uniform",
                 bias_init="zeros", name: str | None = None):
        super().__init__(units, use_bias=use_bias, init=init, bias_init=bias_init, name=name)
        self.rate = _check_rate("DropConnect", rate)
        self.mask = None

    def forward(self, x):
        self.x = x
        W = self.params["W"].data
        if self.training and self.rate > 0.0:
            self.mask = keep_mask(self.noise, W.shape, self.rate, W.dtype)
            W = W * self.mask
        else:
            self.mask = None
        self.w_used = W  # the weights this batch really saw
        y = x @ W
        if self.use_bias:
            y += self.params["b"].data
        return y

    def backward(self, dy):
        dW = self.x.T @ dy                                # ∂L/∂W̃ = xᵀ · δ
        if self.mask is not None:
            dW *= self.mask                               # ∂L/∂W = ∂L/∂W̃ ⊙ M (dropped weights get 0)
        self.params["W"].grad = dW
        if self.use_bias:
            self.params["b"].grad = dy.sum(axis=0)        # ∂L/∂b = Σ_batch δ
        return dy @ self.w_used.T                         # ∂L/∂x = δ · W̃ᵀ

    def config(self):
        return {**super().config(), "rate": self.rate}
