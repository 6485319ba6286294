"""``Slice``: keep one stretch of each sample along one axis (the left image of a pair).

A graph node has one output, so one input holding two things (two digits side
by side) is split by two Slice nodes, one per part, each feeding its own branch.
"""

from __future__ import annotations

from ..layer import Layer, ShapeError


class Slice(Layer):
    """``y = x[start:stop]`` along per-sample ``axis`` (counted from 0, batch left out).

    (1, 8, 16) with ``axis=2, start=0, stop=8`` gives the left (1, 8, 8) half.
    Backward: the kept values pass their gradient straight back; the values that
    were cut off did not affect the output, so their gradient is 0.
    """

    kind = "slice"

    def __init__(self, start: int, stop: int, axis: int = 0, name: str | None = None):
        super().__init__(name)
        self.start, self.stop, self.axis = int(start), int(stop), int(axis)
        if self.start < 0 or self.axis < 0:
            raise ValueError(f"Slice: start and axis count from 0, got start {start} and axis {axis}")
        if self.stop <= self.start:
            raise ValueError(f"Slice: stop ({stop}) must be after start ({start}); it keeps start … stop − 1")
        # the index for a batch: every sample (axis 0), every position of the axes before `axis`
        self.index = (slice(None),) * (self.axis + 1) + (slice(self.start, self.stop),)

    def output_shape(self, in_shape):
        if self.axis >= len(in_shape):
            raise ShapeError(self, f"cuts along axis {self.axis}, but the input {tuple(in_shape)} has only "
                                   f"axes 0 to {len(in_shape) - 1}; choose a smaller axis")
        size = in_shape[self.axis]
        if self.stop > size:
            raise ShapeError(self, f"keeps positions {self.start} to {self.stop - 1} of axis {self.axis}, "
                                   f"but the input {tuple(in_shape)} has only {size} there (0 to {size - 1}); "
                                   f"make stop at most {size}")
        out = list(in_shape)
        out[self.axis] = self.stop - self.start
        return tuple(out)

    def forward(self, x):
        self.in_shape = x.shape
        return x[self.index]  # a view: no copy

    def backward(self, dy):
        dx = self.xp.zeros(self.in_shape, dtype=dy.dtype)  # cut-off values: gradient 0
        dx[self.index] = dy                                # kept values: ∂y/∂x = 1
        return dx

    def config(self):
        return {"start": self.start, "stop": self.stop, "axis": self.axis}
