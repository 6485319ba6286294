"""The base class of losses: ``forward(y, t) -> scalar``, ``backward() -> ∂L/∂y``.

Conventions every loss follows (so values from different losses compare):

* ``y`` is the network output for a batch, ``t`` the targets; the first axis is
  the batch axis, of size ``N``.
* Element-wise losses (MSE, MAE, Huber, binary cross-entropy, MAPE) average
  over **every element**: over the batch and over the outputs. A batch of
  ``N`` samples with ``K`` outputs is divided by ``N·K``.
* Cross-entropies over classes (softmax and categorical cross-entropy) sum
  over the class axis and average over the samples.
* ``forward`` returns a 0-d array on the backend (no device→host copy, so it
  costs nothing on a GPU); ``float(loss.forward(y, t))`` gives a Python number.
* ``forward`` keeps what ``backward`` needs; ``backward`` returns ``∂L/∂y``
  with the shape of ``y``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Loss:
    """A loss: ``value = loss.forward(y, t)`` then ``dy = loss.backward()``."""

    name: ClassVar[str] = "loss"

    def forward(self, y, t):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, y, t):
        return self.forward(y, t)

    def check_shapes(self, y, t) -> None:
        """Raise a plain-words error when outputs and targets do not line up."""
        if y.shape != t.shape:
            raise ValueError(f"{self.name}: the output has shape {tuple(y.shape)} but the "
                             f"targets have shape {tuple(t.shape)}; they must match "
                             f"(one target value per output unit)")

    def config(self) -> dict[str, Any]:
        """The constructor arguments, for summaries and project files."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"
