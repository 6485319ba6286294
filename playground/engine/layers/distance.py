"""``AbsDifference``: how far apart two inputs are, feature by feature (a Siamese network's head)."""

from __future__ import annotations

from ..layer import Layer, ShapeError


class AbsDifference(Layer):
    """``y = |a − b|`` element by element, for two inputs of the same shape.

    Two embeddings of the same digit give a small difference everywhere; a Dense
    unit and a sigmoid after it turn the differences into "same or not?".
    Backward: ``∂|d|/∂d = sign(d)``, so ``∂L/∂a = δ · sign(a − b)`` and
    ``∂L/∂b = −δ · sign(a − b)`` (0 where a = b, where |d| has no slope).
    """

    kind = "abs_difference"
    num_inputs = 2

    def output_shape(self, a_shape, b_shape):
        if tuple(a_shape) != tuple(b_shape):
            raise ShapeError(self, f"compares two inputs element by element, so they need the same shape, "
                                   f"but got {tuple(a_shape)} and {tuple(b_shape)}; give both branches the "
                                   "same number of units")
        return tuple(a_shape)

    def forward(self, a, b):
        d = a - b
        self.sign = self.xp.sign(d)
        return self.xp.abs(d)

    def backward(self, dy):
        da = dy * self.sign
        return da, -da
