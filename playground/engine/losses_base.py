"""The base class of losses: ``forward(y, t) -> scalar``, ``backward() -> ∂L/∂y``."""

from __future__ import annotations

from typing import ClassVar


class Loss:
    """A loss averages over the batch (the first axis) unless it says otherwise.

    ``forward`` keeps what ``backward`` needs; ``backward`` returns the gradient
    with respect to the prediction ``y``, of the same shape as ``y``.
    """

    name: ClassVar[str] = "loss"

    def forward(self, y, t):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, y, t):
        return self.forward(y, t)

    def check_shapes(self, y, t) -> None:
        if tuple(y.shape) != tuple(t.shape):
            raise ValueError(f"{self.name}: the output has shape {tuple(y.shape)} but the "
                             f"targets have shape {tuple(t.shape)}")
