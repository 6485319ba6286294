"""Layers that join several branches: ``Add`` (skip/residual connections) and ``Concatenate``.

Both take any number (at least two) of inputs. Their backward returns one
gradient per input, in the order the inputs are connected.
"""

from __future__ import annotations

from ..layer import Layer, ShapeError


def _shapes_text(shapes) -> str:
    return ", ".join(str(tuple(s)) for s in shapes)


def _require_two(layer: Layer, shapes) -> None:
    if len(shapes) < 2:
        raise ShapeError(layer, f"needs at least two inputs to join, but {len(shapes)} "
                                f"{'is' if len(shapes) == 1 else 'are'} connected; connect another branch")


class Add(Layer):
    """Element-wise sum ``y = x₁ + x₂ + … + xₙ`` of inputs with identical shapes.

    Backward: every input gets the whole gradient, ``∂L/∂xₖ = ∂L/∂y``, since
    ``∂y/∂xₖ = 1``. This is why a skip connection ``y = x + F(x)`` lets the
    gradient flow straight through to earlier layers.
    """

    kind = "add"
    num_inputs = None

    def output_shape(self, *in_shapes):
        _require_two(self, in_shapes)
        first = tuple(in_shapes[0])
        if any(tuple(s) != first for s in in_shapes[1:]):
            raise ShapeError(self, f"all inputs must have the same shape to be added element by element, "
                                   f"but got {_shapes_text(in_shapes)}; change the layers before it "
                                   f"(e.g. the number of units or filters) so the shapes match")
        return first

    def forward(self, *xs):
        self.n_inputs = len(xs)
        y = xs[0] + xs[1]  # a new array, so the in-place sums below never touch an input
        for x in xs[2:]:
            y += x
        return y

    def backward(self, dy):
        # the same gradient goes to every input (shared, not copied: treat it as read-only)
        return (dy,) * self.n_inputs


class Concatenate(Layer):
    """Join inputs along their first per-sample axis: features for vectors, channels for images.

    ``(3,)`` and ``(5,)`` give ``(8,)``; ``(16, 8, 8)`` and ``(32, 8, 8)`` give
    ``(48, 8, 8)`` (an Inception block). All other axes must match.
    Backward: cut the gradient back into the pieces each input contributed.
    """

    kind = "concatenate"
    num_inputs = None

    def output_shape(self, *in_shapes):
        _require_two(self, in_shapes)
        first = tuple(in_shapes[0])
        if any(len(s) != len(first) for s in in_shapes) or any(tuple(s[1:]) != first[1:] for s in in_shapes):
            raise ShapeError(self, f"joins inputs along their first axis (features or channels), so every "
                                   f"other axis must match, but got {_shapes_text(in_shapes)}; make the "
                                   f"branches give the same size (e.g. the same padding and stride)")
        return (sum(s[0] for s in in_shapes), *first[1:])

    def forward(self, *xs):
        self.sizes = [x.shape[1] for x in xs]
        return self.xp.concatenate(xs, axis=1)  # axis 0 is the batch

    def backward(self, dy):
        grads, start = [], 0
        for size in self.sizes:
            grads.append(dy[:, start:start + size])  # a view of dy: no copy
            start += size
        return tuple(grads)
