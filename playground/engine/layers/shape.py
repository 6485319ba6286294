"""Layers that only rearrange values: ``Flatten``, ``Reshape`` and ``Permute``.

They compute nothing, so their backward just undoes the rearrangement on the
gradient. Shapes are per sample (the batch axis is never touched).
"""

from __future__ import annotations

from math import prod
from typing import Iterable

from ..layer import Layer, ShapeError


class Flatten(Layer):
    """``(C, H, W)`` → ``(C·H·W,)``: lay every value of a sample out in one row (before Dense)."""

    kind = "flatten"

    def output_shape(self, in_shape):
        return (prod(in_shape),)

    def forward(self, x):
        self.in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape(self.in_shape)


class Reshape(Layer):
    """Give each sample a new shape with the same number of values, e.g. ``(784,)`` → ``(1, 28, 28)``.

    One entry may be ``-1``: it is worked out from the others.
    """

    kind = "reshape"

    def __init__(self, shape: Iterable[int], name: str | None = None):
        super().__init__(name)
        self.shape = tuple(int(s) for s in shape)
        if not self.shape:
            raise ValueError("Reshape: the target shape needs at least one axis")
        if self.shape.count(-1) > 1:
            raise ValueError(f"Reshape: only one axis can be -1 (worked out from the others), got {self.shape}")
        if any(s == 0 or s < -1 for s in self.shape):
            raise ValueError(f"Reshape: axes must be positive (or one -1), got {self.shape}")

    def output_shape(self, in_shape):
        total = prod(in_shape)
        known = prod(s for s in self.shape if s != -1)
        if -1 in self.shape:
            if total % known:
                raise ShapeError(self, f"cannot reshape {tuple(in_shape)} ({total} values) into {self.shape}: "
                                       f"{total} is not a multiple of {known}")
            return tuple(total // known if s == -1 else s for s in self.shape)
        if known != total:
            raise ShapeError(self, f"cannot reshape {tuple(in_shape)} ({total} values) into {self.shape} "
                                   f"({known} values); the number of values must stay the same")
        return self.shape

    def forward(self, x):
        self.in_shape = x.shape
        return x.reshape(x.shape[0], *self.shape)

    def backward(self, dy):
        return dy.reshape(self.in_shape)

    def config(self):
        return {"shape": self.shape}


class Permute(Layer):
    """Reorder the per-sample axes; ``axes`` counts from 0 and leaves out the batch.

    ``Permute((1, 2, 0))`` turns ``(C, H, W)`` into ``(H, W, C)``;
    ``Permute((1, 0))`` swaps time and features of a sequence.
    Backward applies the inverse permutation to the gradient.
    """

    kind = "permute"

    def __init__(self, axes: Iterable[int], name: str | None = None):
        super().__init__(name)
        self.axes = tuple(int(a) for a in axes)
        if sorted(self.axes) != list(range(len(self.axes))):
            raise ValueError(f"Permute: axes must be a reordering of 0 … {len(self.axes) - 1} "
                             f"(per-sample axes, batch left out), got {self.axes}")
        # batch axis 0 stays first; per-sample axis a is batch-array axis a + 1
        self.forward_order = (0, *(a + 1 for a in self.axes))
        self.backward_order = tuple(sorted(range(len(self.forward_order)), key=self.forward_order.__getitem__))

    def output_shape(self, in_shape):
        if len(in_shape) != len(self.axes):
            raise ShapeError(self, f"reorders {len(self.axes)} axes {self.axes}, but the input has shape "
                                   f"{tuple(in_shape)} with {len(in_shape)} axes")
        return tuple(in_shape[a] for a in self.axes)

    def forward(self, x):
        return x.transpose(self.forward_order)  # a view, no copy

    def backward(self, dy):
        return dy.transpose(self.backward_order)

    def config(self):
        return {"axes": self.axes}
