"""Activation functions with their derivatives.

Each activation is a small object with

* ``forward(x) -> y`` — the function, applied elementwise (softmax: over the last axis);
* ``backward(x, y, dy) -> dx`` — the chain rule ``dx = f'(x) · dy``. It gets both the
  input ``x`` and the output ``y`` of the forward pass because several derivatives
  are cheapest from the output: ``σ' = λσ(1 − σ)``, ``tanh' = 1 − tanh²``;
* ``derivative(x) -> f'(x)`` — elementwise, for the activation gallery (softmax gives
  the diagonal of its Jacobian, see :class:`Softmax`);
* ``curve(x) -> (f(x), f'(x))`` — host arrays for the gallery plot;
* text for the gallery: ``title``, ``formula``, ``derivative_formula``, ``range``, ``note``
  (differentiability, typical use), and ``kinks()`` — the points where ``f'`` is undefined;
* named parameters with defaults (``PARAMS``), e.g. ``Sigmoid(steepness=2.0)``.

``ACTIVATIONS`` maps each name to an instance with default parameters;
``get_activation(kind, **params)`` makes one with other parameters.

Conventions at points where the derivative does not exist (kinks): we use the
value a framework would use — ReLU'(0) = 0, Leaky ReLU'(0) = a, ramp'(0) = ramp'(1) = 0,
step functions have derivative 0 everywhere (also at the threshold).

The functions work on NumPy and CuPy arrays alike (``array_module``). Constants
are Python floats so float32 inputs stay float32. ``xp.where`` is avoided in the hot
paths: NumPy's ``where`` is slow on random masks; ``mask * a`` does the same job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from .backend import array_module, to_host

__all__ = [
    "ACTIVATIONS", "ALIASES", "ActivationFunction", "Param", "get_activation", "sigmoid",
    "Identity", "BinaryStep", "BipolarStep", "Ramp", "Sigmoid", "BipolarSigmoid", "Tanh",
    "ReLU", "LeakyReLU", "ELU", "SiLU", "GELU", "Softplus", "Softmax",
]


@dataclass(frozen=True)
class Param:
    """A named number an activation takes, with its default and allowed range.

    ``minimum``/``maximum`` are inclusive bounds unless ``exclusive_minimum`` is set
    (steepness must be strictly positive). The UI can use them for spin boxes.
    """

    default: float
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False

    def check(self, owner: str, name: str, value) -> float:
        """Return ``value`` as a float, or raise a ValueError that says what is allowed."""
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{owner}: {name} must be a number, got {value!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"{owner}: {name} must be a finite number, got {value}")
        low = self.minimum
        if low is not None and (value < low or (self.exclusive_minimum and value == low)):
            relation = "greater than" if self.exclusive_minimum else "at least"
            raise ValueError(f"{owner}: {name} must be {relation} {low:g}, got {value:g}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{owner}: {name} must be at most {self.maximum:g}, got {value:g}")
        return value


STEEPNESS = Param(1.0, "steepness λ: how sharply the curve turns (λ → ∞ gives a step)",
                  minimum=0.0, exclusive_minimum=True)
THRESHOLD = Param(0.0, "threshold q: the output switches at x = q")


@lru_cache(maxsize=None)
def _exp_limit(dtype) -> float:
    """The largest z with a finite ``exp(z)`` in ``dtype`` (88 for float32, 709 for float64)."""
    return float(math.floor(math.log(float(np.finfo(dtype).max))))


def sigmoid(x, steepness: float = 1.0):
    """``σ(λx) = 1 / (1 + e^(−λx))``, without overflow for large ``|x|``.

    ``e^(−λx)`` overflows for ``λx < −88`` in float32. We cap the exponent at the
    largest value ``exp`` can take; there σ is already 0 to the last digit, so the
    result does not change, but no overflow warning appears. Returns a new array.
    """
    xp = array_module(x)
    z = xp.multiply(x, -float(steepness))          # −λx (a fresh array we reuse below)
    xp.minimum(z, _exp_limit(z.dtype), out=z)      # cap the exponent: no overflow
    xp.exp(z, out=z)                               # e^(−λx)
    z += 1.0                                       # 1 + e^(−λx)
    return xp.reciprocal(z, out=z)                 # 1 / (1 + e^(−λx))


class ActivationFunction:
    """Base class: the function, its derivative and the text the gallery shows.

    Subclasses set the class attributes and implement :meth:`forward` and
    :meth:`derivative`. :meth:`backward` defaults to ``dy · f'(x)``; the common
    activations override it with a faster form that reuses the output ``y``.
    """

    name: ClassVar[str] = "activation"
    title: ClassVar[str] = ""
    formula: ClassVar[str] = ""
    derivative_formula: ClassVar[str] = ""
    range: ClassVar[str] = "(−∞, ∞)"
    note: ClassVar[str] = ""
    PARAMS: ClassVar[dict[str, Param]] = {}
    elementwise: ClassVar[bool] = True   # False for softmax (mixes the last axis)
    has_gradient: ClassVar[bool] = True  # False for the steps: gradient descent cannot learn

    def __init__(self, **params: Any):
        unknown = sorted(set(params) - set(self.PARAMS))
        if unknown:
            takes = ", ".join(self.PARAMS) if self.PARAMS else "no parameters"
            raise ValueError(f"{self.name} has no parameter {', '.join(map(repr, unknown))}; "
                             f"it takes {takes}")
        for key, spec in self.PARAMS.items():
            setattr(self, key, spec.check(self.name, key, params.get(key, spec.default)))

    @property
    def params(self) -> dict[str, float]:
        """The parameter values, e.g. ``{"steepness": 2.0}`` (empty when there are none)."""
        return {key: getattr(self, key) for key in self.PARAMS}

    def kinks(self) -> tuple[float, ...]:
        """The points where ``f'`` does not exist (the gallery can mark them)."""
        return ()

    # -- computation -------------------------------------------------------
    def forward(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def derivative(self, x):  # pragma: no cover - abstract
        """``f'(x)`` elementwise."""
        raise NotImplementedError

    def backward(self, x, y, dy):
        """``∂L/∂x = f'(x) · ∂L/∂y`` (elementwise chain rule)."""
        return dy * self.derivative(x)

    def __call__(self, x):
        return self.forward(x)

    def curve(self, x) -> tuple[np.ndarray, np.ndarray]:
        """``(f(x), f'(x))`` as host arrays, for plotting over a 1-D grid ``x``."""
        x = np.asarray(to_host(x), dtype=np.float64)
        return to_host(self.forward(x)), to_host(self.derivative(x))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.params == other.params

    def __hash__(self) -> int:
        return hash((type(self), tuple(self.params.items())))


# --------------------------------------------------------------------------
# Linear and threshold units
# --------------------------------------------------------------------------
class Identity(ActivationFunction):
    name = "identity"
    title = "Identity (linear)"
    formula = "f(x) = x"
    derivative_formula = "f'(x) = 1"
    note = ("No non-linearity: layers with identity activations collapse into one linear "
            "map, so a deep network of them can only draw straight decision boundaries. "
            "Used on regression outputs. Differentiable everywhere.")

    def forward(self, x):
        return x

    def derivative(self, x):
        return array_module(x).ones_like(x)

    def backward(self, x, y, dy):
        return dy


class BinaryStep(ActivationFunction):
    name = "binary_step"
    title = "Binary step (Heaviside)"
    formula = "f(x) = 1 if x ≥ q, else 0"
    derivative_formula = "f'(x) = 0 (undefined at x = q)"
    range = "{0, 1}"
    note = ("The McCulloch–Pitts / perceptron threshold unit. Its derivative is 0 everywhere "
            "(and undefined at the threshold q), so no gradient flows back: gradient descent "
            "cannot learn through it. Use it to see why smooth activations were needed.")
    PARAMS = {"threshold": THRESHOLD}
    has_gradient = False

    def kinks(self):
        return (self.threshold,)

    def forward(self, x):
        return (x >= self.threshold).astype(x.dtype)

    def derivative(self, x):
        return array_module(x).zeros_like(x)

    def backward(self, x, y, dy):
        return array_module(dy).zeros_like(dy)  # nothing to learn from


class BipolarStep(BinaryStep):
    name = "bipolar_step"
    title = "Bipolar step (sign)"
    formula = "f(x) = 1 if x ≥ q, else −1"
    range = "{−1, 1}"
    note = ("The bipolar threshold unit (outputs ±1). Like the binary step, its derivative is 0 "
            "everywhere (undefined at q), so gradient descent cannot learn through it.")

    def forward(self, x):
        y = (x >= self.threshold).astype(x.dtype)  # 1 or 0
        y *= 2.0
        y -= 1.0                                   # 1 or −1
        return y


class Ramp(ActivationFunction):
    name = "ramp"
    title = "Ramp (saturating linear)"
    formula = "f(x) = 0 if x < 0;  x if 0 ≤ x ≤ 1;  1 if x > 1   (clip to [0, 1])"
    derivative_formula = "f'(x) = 1 if 0 < x < 1, else 0"
    range = "[0, 1]"
    note = ("A piecewise-linear sigmoid: linear between 0 and 1, flat outside. Continuous but not "
            "differentiable at x = 0 and x = 1; there we take the derivative as 0. Outside [0, 1] "
            "no gradient flows.")

    def kinks(self):
        return (0.0, 1.0)

    def forward(self, x):
        return array_module(x).clip(x, 0.0, 1.0)

    def derivative(self, x):
        return ((x > 0) & (x < 1)).astype(x.dtype)

    def backward(self, x, y, dy):
        return dy * ((x > 0) & (x < 1))


# --------------------------------------------------------------------------
# S-shaped units
# --------------------------------------------------------------------------
class Sigmoid(ActivationFunction):
    name = "sigmoid"
    title = "Sigmoid (logistic)"
    formula = "f(x) = 1 / (1 + e^(−λx))"
    derivative_formula = "f'(x) = λ · f(x) · (1 − f(x))"
    range = "(0, 1)"
    note = ("Smooth, differentiable everywhere; reads as a probability, so it is the output of "
            "binary classifiers. The derivative is at most λ/4 (at x = 0) and tiny for large |x|, "
            "so deep sigmoid stacks suffer vanishing gradients. λ sets the steepness.")
    PARAMS = {"steepness": STEEPNESS}

    def forward(self, x):
        return sigmoid(x, self.steepness)

    def derivative(self, x):
        return self._from_output(sigmoid(x, self.steepness))

    def _from_output(self, y):
        d = 1.0 - y
        d *= y                      # f (1 − f)
        if self.steepness != 1.0:
            d *= self.steepness     # λ f (1 − f)
        return d

    def backward(self, x, y, dy):
        d = self._from_output(y)    # reuse the forward output: no exp
        d *= dy
        return d


class BipolarSigmoid(ActivationFunction):
    name = "bipolar_sigmoid"
    title = "Bipolar sigmoid"
    formula = "f(x) = 2 / (1 + e^(−λx)) − 1  = tanh(λx / 2)"
    derivative_formula = "f'(x) = (λ/2) · (1 + f(x)) · (1 − f(x))"
    range = "(−1, 1)"
    note = ("The sigmoid stretched to (−1, 1); with λ = 2 it is exactly tanh. Smooth and "
            "differentiable everywhere; zero-centred outputs help the next layer learn. "
            "Computed as tanh(λx/2), which never overflows.")
    PARAMS = {"steepness": STEEPNESS}

    def forward(self, x):
        return array_module(x).tanh(x * (0.5 * self.steepness))

    def derivative(self, x):
        return self._from_output(self.forward(x))

    def _from_output(self, y):
        d = y * y
        xp = array_module(y)
        xp.subtract(1.0, d, out=d)      # 1 − f² = (1 + f)(1 − f)
        d *= 0.5 * self.steepness       # (λ/2)(1 − f²)
        return d

    def backward(self, x, y, dy):
        d = self._from_output(y)
        d *= dy
        return d


class Tanh(ActivationFunction):
    name = "tanh"
    title = "Hyperbolic tangent"
    formula = "f(x) = tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)"
    derivative_formula = "f'(x) = 1 − tanh²(x)"
    range = "(−1, 1)"
    note = ("Smooth, differentiable everywhere, zero-centred (tanh(x) = 2σ(2x) − 1). The usual "
            "hidden activation of RNNs. Saturates for large |x|, where the derivative vanishes.")

    def forward(self, x):
        return array_module(x).tanh(x)

    def derivative(self, x):
        return self._from_output(self.forward(x))

    @staticmethod
    def _from_output(y):
        d = y * y
        return array_module(y).subtract(1.0, d, out=d)  # 1 − y²

    def backward(self, x, y, dy):
        d = self._from_output(y)   # reuse the output: dx = dy · (1 − y²)
        d *= dy
        return d


# --------------------------------------------------------------------------
# The ReLU family
# --------------------------------------------------------------------------
class ReLU(ActivationFunction):
    name = "relu"
    title = "ReLU (rectified linear unit)"
    formula = "f(x) = max(0, x)"
    derivative_formula = "f'(x) = 1 if x > 0, else 0"
    range = "[0, ∞)"
    note = ("Cheap and does not saturate for x > 0, so deep networks train well (use He "
            "initialization). Not differentiable at 0 (we take f'(0) = 0). A unit whose input "
            "stays negative gets no gradient and never recovers: a 'dying ReLU'.")

    def kinks(self):
        return (0.0,)

    def forward(self, x):
        return array_module(x).maximum(x, 0.0)

    def derivative(self, x):
        return (x > 0).astype(x.dtype)

    def backward(self, x, y, dy):
        return dy * (y > 0)        # the gradient passes where the unit was on


class LeakyReLU(ActivationFunction):
    name = "leaky_relu"
    title = "Leaky ReLU"
    formula = "f(x) = x if x > 0, else a·x"
    derivative_formula = "f'(x) = 1 if x > 0, else a"
    range = "(−∞, ∞)"
    note = ("ReLU with a small slope a for negative inputs, so units cannot die. Not "
            "differentiable at 0 (we take f'(0) = a). a = 0 is ReLU, a = 1 the identity.")
    PARAMS = {"slope": Param(0.01, "slope a for x < 0", minimum=0.0, maximum=1.0)}

    def kinks(self):
        return (0.0,)

    def forward(self, x):
        return array_module(x).maximum(x, x * self.slope)  # for 0 ≤ a ≤ 1: max(x, a·x)

    def derivative(self, x):
        d = (x > 0).astype(x.dtype)  # 1 or 0
        d *= 1.0 - self.slope
        d += self.slope               # 1 or a
        return d

    def backward(self, x, y, dy):
        d = self.derivative(x)
        d *= dy
        return d


class ELU(ActivationFunction):
    name = "elu"
    title = "ELU (exponential linear unit)"
    formula = "f(x) = x if x > 0, else α·(eˣ − 1)"
    derivative_formula = "f'(x) = 1 if x > 0, else α·eˣ = f(x) + α"
    range = "(−α, ∞)"
    note = ("Like ReLU for x > 0, smooth and saturating at −α for x < 0, which pushes mean "
            "activations towards 0. Differentiable at 0 only when α = 1 (otherwise we take "
            "f'(0) = α).")
    PARAMS = {"alpha": Param(1.0, "α: the value f tends to for x → −∞ is −α", minimum=0.0)}

    def kinks(self):
        return () if self.alpha == 1.0 else (0.0,)

    def forward(self, x):
        xp = array_module(x)
        y = xp.expm1(xp.minimum(x, 0.0))  # eˣ − 1 for x ≤ 0, 0 for x > 0 (no overflow)
        y *= self.alpha
        y += xp.maximum(x, 0.0)
        return y

    def derivative(self, x):
        return self._from(x, self.forward(x))

    def _from(self, x, y):
        positive = x > 0
        d = y + self.alpha            # α eˣ where x ≤ 0
        d *= ~positive
        d += positive                 # 1 where x > 0
        return d

    def backward(self, x, y, dy):
        d = self._from(x, y)
        d *= dy
        return d


class SiLU(ActivationFunction):
    name = "silu"
    title = "SiLU / Swish"
    formula = "f(x) = x · σ(βx)"
    derivative_formula = "f'(x) = σ(βx) + βx · σ(βx) · (1 − σ(βx))"
    range = "[≈ −0.278/β, ∞)"
    note = ("Swish (SiLU when β = 1): a smooth ReLU that dips slightly below 0 for negative x "
            "and is not monotonic. Differentiable everywhere.")
    PARAMS = {"beta": Param(1.0, "β: β → ∞ gives ReLU, β = 0 gives x/2", minimum=0.0)}

    def forward(self, x):
        return x * sigmoid(x, self.beta)

    def derivative(self, x):
        s = sigmoid(x, self.beta)
        d = 1.0 - s
        d *= x
        d *= self.beta
        d *= s             # βx σ (1 − σ)
        d += s             # σ + βx σ (1 − σ)
        return d


class GELU(ActivationFunction):
    """GELU in the tanh approximation (NumPy has no ``erf``, so the exact form is not used)."""

    name = "gelu"
    title = "GELU (tanh approximation)"
    formula = "f(x) = ½x · (1 + tanh(√(2/π) · (x + 0.044715·x³)))"
    derivative_formula = ("f'(x) = ½(1 + t) + ½x · (1 − t²) · √(2/π) · (1 + 3·0.044715·x²), "
                          "t = tanh(√(2/π)(x + 0.044715x³))")
    range = "[≈ −0.17, ∞)"
    note = ("Gaussian error linear unit x·Φ(x), used in transformers (BERT, GPT). This is the "
            "tanh approximation of Hendrycks & Gimpel (as in GPT-2 and PyTorch's "
            "approximate='tanh'); it differs from the exact erf form by less than 0.001. "
            "Smooth and differentiable everywhere.")

    C = math.sqrt(2.0 / math.pi)
    K = 0.044715

    def _inner(self, x):
        """t = tanh(√(2/π)(x + 0.044715x³))."""
        xp = array_module(x)
        return xp.tanh(self.C * (x + self.K * x * x * x))

    def forward(self, x):
        t = self._inner(x)
        t += 1.0
        t *= x
        t *= 0.5
        return t

    def derivative(self, x):
        t = self._inner(x)
        du = self.C * (1.0 + 3.0 * self.K * x * x)   # du/dx
        slope = 1.0 - t * t                          # d tanh(u)/du
        slope *= du
        slope *= x
        t += 1.0
        t += slope
        t *= 0.5                                     # ½(1 + t) + ½x(1 − t²)u'
        return t


class Softplus(ActivationFunction):
    name = "softplus"
    title = "Softplus"
    formula = "f(x) = ln(1 + eˣ)"
    derivative_formula = "f'(x) = σ(x) = 1 / (1 + e^(−x))"
    range = "(0, ∞)"
    note = ("A smooth ReLU; its derivative is the sigmoid. Differentiable everywhere. Computed as "
            "max(x, 0) + ln(1 + e^(−|x|)) so it never overflows.")

    def forward(self, x):
        xp = array_module(x)
        y = xp.exp(-xp.abs(x))      # e^(−|x|) ≤ 1: no overflow
        y = xp.log1p(y, out=y)
        y += xp.maximum(x, 0.0)
        return y

    def derivative(self, x):
        return sigmoid(x)


# --------------------------------------------------------------------------
# Softmax: not elementwise
# --------------------------------------------------------------------------
class Softmax(ActivationFunction):
    name = "softmax"
    title = "Softmax"
    formula = "f(x)ᵢ = e^(xᵢ) / Σⱼ e^(xⱼ)   (over the last axis)"
    derivative_formula = "∂fᵢ/∂xⱼ = fᵢ(δᵢⱼ − fⱼ);  backward: dx = f ⊙ (dy − Σ dy ⊙ f)"
    range = "(0, 1), each row sums to 1"
    note = ("Turns scores into class probabilities; the output layer of a multi-class "
            "classifier (with cross-entropy, use the fused softmax cross-entropy loss on the "
            "logits instead). Not elementwise: every output depends on every input of its row. "
            "Smooth. The gallery shows the two-class case [x, 0], where it equals σ(x).")
    elementwise = False

    def forward(self, x):
        """Subtract the row maximum first: e^(x − max) ≤ 1, so large inputs cannot overflow."""
        xp = array_module(x)
        e = x - x.max(axis=-1, keepdims=True)
        xp.exp(e, out=e)
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def derivative(self, x):
        """The diagonal of the Jacobian, ``∂fᵢ/∂xᵢ = fᵢ(1 − fᵢ)`` (not the whole story: see backward)."""
        y = self.forward(x)
        return y * (1.0 - y)

    def backward(self, x, y, dy):
        """Jacobian-vector product ``dx = y ⊙ (dy − Σⱼ dyⱼ yⱼ)``, never building the Jacobian."""
        dx = dy * y
        dx -= y * dx.sum(axis=-1, keepdims=True)   # y⊙dy − y⊙Σ(dy⊙y)
        return dx

    def curve(self, x):
        """The two-class case: the first output of softmax([x, 0]) (equal to σ(x))."""
        x = np.asarray(to_host(x), dtype=np.float64)
        pair = np.stack([x, np.zeros_like(x)], axis=-1)
        y = self.forward(pair)[..., 0]
        return y, y * (1.0 - y)


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------
_CLASSES = (Identity, BinaryStep, BipolarStep, Ramp, Sigmoid, BipolarSigmoid, Tanh, ReLU,
            LeakyReLU, ELU, SiLU, GELU, Softplus, Softmax)

ACTIVATIONS: dict[str, ActivationFunction] = {cls.name: cls() for cls in _CLASSES}
"""Each activation by name, with default parameters (in gallery order)."""

ALIASES = {"linear": "identity", "step": "binary_step", "heaviside": "binary_step",
           "logistic": "sigmoid", "swish": "silu",
           "leakyrelu": "leaky_relu", "satlin": "ramp"}


def get_activation(kind: "str | ActivationFunction", **params: Any) -> ActivationFunction:
    """The activation ``kind`` (a name or alias) with ``params``.

    ``get_activation("sigmoid", steepness=2)``; an activation object passed in is
    copied with the new parameters. Raises ValueError for an unknown name or
    parameter, listing what is known.
    """
    if isinstance(kind, ActivationFunction):
        return type(kind)(**{**kind.params, **params})
    key = ALIASES.get(str(kind).strip().lower(), str(kind).strip().lower())
    if key not in ACTIVATIONS:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"Unknown activation {kind!r}; known: {known}")
    return type(ACTIVATIONS[key])(**params) if params else ACTIVATIONS[key]
