"""Fully connected layer: ``y = x W + b``.

``W`` has one row per input and one column per unit (2 inputs → 3 units is a
2×3 matrix), as in the course notes.
"""

from __future__ import annotations

from ..initializers import get_initializer
from ..layer import Layer, ShapeError


class Dense(Layer):
    kind = "dense"

    def __init__(self, units: int, use_bias: bool = True, init="glorot_uniform",
                 bias_init="zeros", name: str | None = None):
        super().__init__(name)
        if units < 1:
            raise ValueError(f"Dense needs at least 1 unit, got {units}")
        self.units = int(units)
        self.use_bias = use_bias
        self.init = init
        self.bias_init = bias_init

    def output_shape(self, in_shape):
        if len(in_shape) != 1:
            raise ShapeError(self, f"expects a flat vector per sample, but got shape {in_shape}; "
                                   "add a Flatten layer before it")
        return (self.units,)

    def param_shapes(self, in_shape):
        shapes = {"W": (in_shape[0], self.units)}
        if self.use_bias:
            shapes["b"] = (self.units,)
        return shapes

    def create_params(self, in_shape):
        n_in = in_shape[0]
        self.add_param("W", get_initializer(self.init)((n_in, self.units), n_in, self.units, self.rng))
        if self.use_bias:
            bias = get_initializer(self.bias_init)((self.units,), n_in, self.units, self.rng)
            self.add_param("b", bias, decay=False)

    def forward(self, x):
        self.x = x
        y = x @ self.params["W"].data
        if self.use_bias:
            y += self.params["b"].data
        return y

    def backward(self, dy):
        self.params["W"].grad = self.x.T @ dy       # ∂L/∂W = xᵀ · δ
        if self.use_bias:
            self.params["b"].grad = dy.sum(axis=0)  # ∂L/∂b = Σ_batch δ
        if not self.input_grad_needed:              # first layer: nothing below needs ∂L/∂x
            return None
        return dy @ self.params["W"].data.T         # ∂L/∂x = δ · Wᵀ

    def config(self):
        return {"units": self.units, "use_bias": self.use_bias, "init": self.init}
