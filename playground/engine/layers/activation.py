"""Activation layers: a fixed function, a learned slope (PReLU) and Maxout.

``Activation(kind, **params)`` applies one of the functions of
:mod:`playground.engine.activations` (``Activation("sigmoid", steepness=2.0)``).
``PReLU`` is a leaky ReLU whose negative slope is learned, one per feature or
channel. ``Maxout`` learns its own piecewise-linear activation: the largest of
``pieces`` linear functions of the input.
"""

from __future__ import annotations

import numpy as np

from ..activations import ActivationFunction, get_activation
from ..initializers import get_initializer
from ..layer import Layer, ShapeError


class Activation(Layer):
    """``y = f(x)`` for an activation ``f`` chosen by name; no parameters to learn.

    Forward keeps ``x`` and ``y`` (references, no copies) because backward uses
    one or the other: ``σ' = λy(1 − y)`` from the output, ReLU's mask from it too.
    Softmax works over the last axis of each sample.
    """

    kind = "activation"

    def __init__(self, kind: "str | ActivationFunction" = "relu", name: str | None = None, **params):
        self.function = get_activation(kind, **params)
        super().__init__(name or self.function.name)
        self.x = None
        self.y = None

    @property
    def activation(self) -> str:
        """The activation's name, e.g. ``"sigmoid"``."""
        return self.function.name

    def forward(self, x):
        y = self.function.forward(x)
        self.x, self.y = x, y
        return y

    def backward(self, dy):
        """``∂L/∂x = f'(x) · ∂L/∂y`` (for softmax, the Jacobian-vector product)."""
        if self.y is None:
            raise RuntimeError(f"{self.name}: run forward before backward")
        return self.function.backward(self.x, self.y, dy)

    def config(self):
        return {"kind": self.function.name, **self.function.params}


class PReLU(Layer):
    """Parametric ReLU: ``y = x`` for ``x > 0``, ``y = a·x`` otherwise, with ``a`` learned.

    One slope per feature: for flat inputs ``(F,)`` one per feature; for sequences
    ``(T, F)`` one per feature (shared over time); for images ``(C, H, W)`` one per
    channel (shared over the pixels), as in He et al. (2015). Starts at ``a = 0.25``.
    The slope is not weight-decayed (``decay=False``): decay would push it to 0 (ReLU).

    Gradients: ``∂y/∂x = 1 or a``; ``∂y/∂a = min(x, 0)``, summed over the batch and
    over the positions that share the slope.
    """

    kind = "prelu"

    def __init__(self, init: float = 0.25, name: str | None = None):
        super().__init__(name)
        self.init = float(init)

    def _features(self, in_shape) -> int:
        """How many slopes: the channel count for images, else the last axis."""
        if len(in_shape) == 0:
            raise ShapeError(self, "expects at least one feature axis per sample, but got a scalar")
        return in_shape[0] if len(in_shape) >= 3 else in_shape[-1]

    def param_shapes(self, in_shape):
        return {"slope": (self._features(in_shape),)}

    def create_params(self, in_shape):
        features = self._features(in_shape)
        rank = len(in_shape)
        if rank >= 3:  # channels first: a has shape (C, 1, 1, …) to broadcast over pixels
            self._view = (features,) + (1,) * (rank - 1)
            self._sum_axes = (0,) + tuple(range(2, rank + 1))  # batch and spatial axes
        else:          # features last
            self._view = (features,)
            self._sum_axes = tuple(range(rank))                # batch (and time) axes
        self.add_param("slope", np.full(features, self.init), decay=False)

    def _slope(self):
        return self.params["slope"].data.reshape(self._view)

    def forward(self, x):
        self.x = x
        xp = self.xp
        a = self._slope()
        y = xp.minimum(x, 0.0)     # the negative part
        y *= a                     # a·x where x < 0
        y += xp.maximum(x, 0.0)    # x where x > 0
        return y

    def backward(self, dy):
        xp = self.xp
        a = self._slope()
        # ∂L/∂a = Σ dy · min(x, 0): only negative inputs see the slope
        self.params["slope"].grad = (dy * xp.minimum(self.x, 0.0)).sum(axis=self._sum_axes)
        positive = self.x > 0
        local = (1.0 - a) * positive   # 1 − a where x > 0, 0 elsewhere
        local += a                     # 1 where x > 0, a elsewhere
        local *= dy
        return local

    def config(self):
        return {"init": self.init}


class Maxout(Layer):
    """``y_j = max_k (x·W_jk + b_jk)``: each unit takes the largest of ``pieces`` linear functions.

    Internally a Dense layer to ``units·pieces`` outputs; column ``j·pieces + k``
    is piece ``k`` of unit ``j``. A maxout unit can learn ReLU (pieces ``x`` and
    ``0``), |x| and other convex piecewise-linear shapes (Goodfellow et al., 2013).

    Backward: the max passes the gradient only to the winning piece (the argmax;
    if two pieces tie, the first one wins), then through that piece's weights as in Dense.
    """

    kind = "maxout"

    def __init__(self, units: int, pieces: int = 2, init="glorot_uniform", name: str | None = None):
        super().__init__(name)
        if int(units) < 1:
            raise ValueError(f"Maxout needs at least 1 unit, got {units}")
        if int(pieces) < 1:
            raise ValueError(f"Maxout needs at least 1 piece per unit, got {pieces}")
        self.units = int(units)
        self.pieces = int(pieces)
        self.init = init

    def output_shape(self, in_shape):
        if len(in_shape) != 1:
            raise ShapeError(self, f"expects a flat vector per sample, but got shape {in_shape}; "
                                   "add a Flatten layer before it")
        return (self.units,)

    def param_shapes(self, in_shape):
        width = self.units * self.pieces
        return {"W": (in_shape[0], width), "b": (width,)}

    def create_params(self, in_shape):
        n_in, width = in_shape[0], self.units * self.pieces
        self.add_param("W", get_initializer(self.init)((n_in, width), n_in, self.units, self.rng))
        self.add_param("b", get_initializer("zeros")((width,), n_in, self.units, self.rng), decay=False)
        self._piece_index = self.xp.arange(self.pieces)

    def forward(self, x):
        self.x = x
        z = x @ self.params["W"].data
        z += self.params["b"].data
        z = z.reshape(x.shape[0], self.units, self.pieces)   # (batch, unit, piece)
        self.winner = z.argmax(axis=-1)                      # which piece won, per unit
        return z.max(axis=-1)

    def backward(self, dy):
        # route each unit's gradient to its winning piece: a one-hot mask over the pieces
        won = self.winner[..., None] == self._piece_index           # (batch, unit, piece)
        dz = (dy[..., None] * won).reshape(dy.shape[0], self.units * self.pieces)
        self.params["W"].grad = self.x.T @ dz                        # ∂L/∂W = xᵀ · δ
        self.params["b"].grad = dz.sum(axis=0)                       # ∂L/∂b = Σ_batch δ
        return dz @ self.params["W"].data.T                          # ∂L/∂x = δ · Wᵀ

    def config(self):
        return {"units": self.units, "pieces": self.pieces, "init": self.init}
