"""The base of every layer: parameters, shape inference, forward and backward.

A layer works on batches. Shapes given to :meth:`Layer.output_shape` and
:meth:`Layer.build` are *per-sample* shapes (no batch axis), so a canvas can
show them before any data exists.

Single-input layers implement ``forward(x)`` and ``backward(dy) -> dx``.
Layers with several inputs (Add, Concatenate, VAE sampling) set
``num_inputs`` (``None`` = any number) and implement ``forward(*xs)`` and
``backward(dy) -> tuple of dx``.
"""

from __future__ import annotations

from math import prod
from typing import Any, ClassVar

import numpy as np

Shape = tuple[int, ...]


class ShapeError(ValueError):
    """A layer cannot take the shape(s) it was given.

    The message names the layer and the shapes, in plain words, so the canvas
    can show it on the node.
    """

    def __init__(self, layer: "Layer | str", message: str):
        self.layer_name = layer if isinstance(layer, str) else layer.name
        self.detail = message
        super().__init__(f"{self.layer_name}: {message}")


class Parameter:
    """A learned array with its gradient.

    ``frozen`` parameters keep their gradient but optimizers skip them
    (transfer learning: freeze the bottom, train the top).
    """

    __slots__ = ("name", "data", "grad", "frozen", "decay")

    def __init__(self, name: str, data, decay: bool = True):
        self.name = name
        self.data = data
        self.grad = data * 0
        self.frozen = False
        self.decay = decay  # L1/L2 penalties apply (weights yes, biases/γβ no)

    @property
    def size(self) -> int:
        return int(self.data.size)

    def __repr__(self) -> str:
        return f"Parameter({self.name}, shape={tuple(self.data.shape)})"


class Layer:
    """Base class. Subclasses keep forward and backward side by side."""

    kind: ClassVar[str] = "layer"
    num_inputs: ClassVar[int | None] = 1

    def __init__(self, name: str | None = None):
        self.name = name or self.kind
        self.params: dict[str, Parameter] = {}
        self.buffers: dict[str, Any] = {}  # non-trainable state (running statistics)
        self.training = True
        self.xp: Any = np
        self.dtype: Any = np.float32
        self.rng: np.random.Generator = np.random.default_rng(0)
        self.built = False
        self.output: Any = None  # the last forward output, kept for plots
        # Layers that add a term to the loss (sparsity, KL, contractive) define a
        # class attribute ``penalty_name`` and set ``penalty`` (a scalar) in forward;
        # their backward already includes the penalty's gradient.
        self.penalty: Any = None
        self.noise: Any = None  # xp.random.RandomState, made in build
        # The network clears this for a layer fed straight from the data: nobody
        # needs ∂L/∂x there, and layers with a costly one (Dense, Conv2D) may skip it.
        self.input_grad_needed = True

    # -- shapes ---------------------------------------------------------
    def output_shape(self, *input_shapes: Shape) -> Shape:
        """Per-sample output shape; raise :class:`ShapeError` if the input does not fit."""
        return input_shapes[0]

    def param_shapes(self, *input_shapes: Shape) -> dict[str, Shape]:
        """Shapes of the trainable parameters for these inputs (no arrays made)."""
        return {}

    def buffer_shapes(self, *input_shapes: Shape) -> dict[str, Shape]:
        """Shapes of non-trainable state (running mean/variance)."""
        return {}

    def count_params(self, *input_shapes: Shape) -> tuple[int, int]:
        """``(trainable, non_trainable)`` counts, from shapes alone."""
        trainable = sum(prod(s) for s in self.param_shapes(*input_shapes).values())
        fixed = sum(prod(s) for s in self.buffer_shapes(*input_shapes).values())
        return trainable, fixed

    # -- life cycle -----------------------------------------------------
    def build(self, input_shapes: list[Shape], xp, dtype, rng: np.random.Generator) -> Shape:
        """Check shapes, create parameters on the backend, return the output shape."""
        out = self.output_shape(*input_shapes)
        self.xp, self.dtype, self.rng = xp, dtype, rng
        self.params = {}
        self.reseed(int(rng.integers(2**31 - 1)))
        self.create_params(*input_shapes)
        self.built = True
        return out

    def create_params(self, *input_shapes: Shape) -> None:
        """Make parameters with :meth:`add_param`; layers without parameters skip this."""

    def reseed(self, seed: int) -> None:
        """Restart this layer's noise source (dropout masks, corruption, VAE samples)."""
        self.noise = self.xp.random.RandomState(seed)

    def add_param(self, name: str, host_values: np.ndarray, decay: bool = True) -> Parameter:
        """Register a parameter from host values (initialized on the host for reproducibility)."""
        param = Parameter(f"{self.name}.{name}", self.xp.asarray(host_values, dtype=self.dtype), decay)
        self.params[name] = param
        return param

    def add_buffer(self, name: str, host_values: np.ndarray) -> None:
        self.buffers[name] = self.xp.asarray(host_values, dtype=self.dtype)

    def train(self, mode: bool = True) -> None:
        self.training = mode

    # -- computation ----------------------------------------------------
    def forward(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, dy):  # pragma: no cover - abstract
        raise NotImplementedError

    def config(self) -> dict[str, Any]:
        """The constructor arguments, for summaries and exports."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


def require_rank(layer: Layer, shape: Shape, rank: int, what: str) -> None:
    """Raise a plain-words :class:`ShapeError` unless ``shape`` has ``rank`` axes."""
    if len(shape) != rank:
        raise ShapeError(
            layer,
            f"expects {what} per sample, but got shape {shape} ({len(shape)} axes)",
        )
