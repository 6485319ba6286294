"""Loss functions with their gradients, written side by side.

Every loss follows the conventions in :mod:`losses_base`: element-wise losses
average over every element (batch × outputs); class cross-entropies sum over
the class axis (the last one) and average over the samples. ``forward(y, t)``
returns a 0-d backend array; ``backward()`` returns ``∂L/∂y``.

Which loss goes with which output layer:

====================================  ==========================================
output layer                          loss
====================================  ==========================================
linear units (regression)             ``MSE``, ``MAE``, ``Huber``, ``MAPE``
1 sigmoid unit (yes/no)               ``BinaryCrossEntropy()``
1 linear unit, sigmoid left out       ``BinaryCrossEntropy(from_logits=True)``
K linear units (pick one class)       ``SoftmaxCrossEntropy()`` (softmax fused in)
a Softmax layer on the canvas         ``CategoricalCrossEntropy()``
K units, any number of labels on      ``MultiLabelBCE()`` (from logits by default)
====================================  ==========================================
"""

from __future__ import annotations

from .backend import array_module
from .losses_base import Loss

EPS = 1e-7  # probabilities are clipped to [EPS, 1 − EPS] before taking logs


def _targets_like(y, t):
    """Targets as an array of ``y``'s module and dtype (no copy when they already are)."""
    return array_module(y).asarray(t, dtype=y.dtype)


def _mean(a):
    """The mean over every element (NumPy's ``a.mean()`` is several times slower on small arrays)."""
    return a.sum() / a.size


def _clip(xp, a, low, high):
    """``a`` limited to ``[low, high]``, as a new array (two ufuncs: faster than ``xp.clip``)."""
    out = xp.maximum(a, low)
    return xp.minimum(out, high, out=out)


# -- regression -------------------------------------------------------------------
class MSE(Loss):
    """Mean squared error, in one of two forms the course uses.

    * ``form="mean"`` (default): ``L = 1/(N·K) Σₙ Σₖ (yₙₖ − tₙₖ)²`` — the mean over the
      batch *and* the outputs; ``∂L/∂y = 2(y − t)/(N·K)``.
    * ``form="half_sum"``: ``L = 1/N Σₙ ½ Σₖ (yₙₖ − tₙₖ)²`` — half the squared error of each
      sample, averaged over the batch (the hand-derivation convention, where the ½
      cancels the 2 of the derivative); ``∂L/∂y = (y − t)/N``.
    """

    name = "mse"

    def __init__(self, form: str = "mean"):
        if form not in ("mean", "half_sum"):
            raise ValueError(f"MSE form must be 'mean' or 'half_sum', got {form!r}")
        self.form = form

    def forward(self, y, t):
        t = _targets_like(y, t)
        self.check_shapes(y, t)
        self.diff = d = y - t
        sum_sq = array_module(y).vdot(d, d)  # Σ (y − t)² over every element
        if self.form == "mean":
            self.scale = 2.0 / d.size
            return sum_sq / d.size
        self.scale = 1.0 / d.shape[0]
        return 0.5 * sum_sq / d.shape[0]

    def backward(self):
        return self.diff * self.scale

    def config(self):
        return {"form": self.form}


class MAE(Loss):
    """Mean absolute error ``L = 1/(N·K) Σ |y − t|``; ``∂L/∂y = sign(y − t)/(N·K)``.

    Less sensitive to outliers than MSE (the gradient never grows with the error).
    """

    name = "mae"

    def forward(self, y, t):
        t = _targets_like(y, t)
        self.check_shapes(y, t)
        self.diff = y - t
        return _mean(abs(self.diff))

    def backward(self):
        return array_module(self.diff).sign(self.diff) / self.diff.size


class Huber(Loss):
    """Huber loss: squared near zero, absolute far away; δ sets where it switches.

    Per element, with ``d = y − t``: ``½d²`` if ``|d| ≤ δ`` else ``δ(|d| − ½δ)``;
    averaged over every element. ``∂L/∂y = clip(d, −δ, δ)/(N·K)``.
    """

    name = "huber"

    def __init__(self, delta: float = 1.0):
        if delta <= 0:
            raise ValueError(f"Huber delta must be positive, got {delta}")
        self.delta = float(delta)

    def forward(self, y, t):
        t = _targets_like(y, t)
        self.check_shapes(y, t)
        xp = array_module(y)
        self.diff = d = y - t
        a = abs(d)
        per_element = xp.where(a <= self.delta, 0.5 * d * d, self.delta * (a - 0.5 * self.delta))
        return _mean(per_element)

    def backward(self):
        d = self.diff
        return array_module(d).clip(d, -self.delta, self.delta) / d.size

    def config(self):
        return {"delta": self.delta}


class MAPE(Loss):
    """Mean absolute percentage error, for forecasting: ``L = 100/(N·K) Σ |y − t| / |t|``.

    ``|t|`` is replaced by ``max(|t|, 1e-7)`` so a zero target does not divide by zero
    (such samples then dominate the loss: MAPE suits targets far from zero).
    ``∂L/∂y = 100 · sign(y − t) / max(|t|, 1e-7) / (N·K)``.
    """

    name = "mape"

    def forward(self, y, t):
        t = _targets_like(y, t)
        self.check_shapes(y, t)
        xp = array_module(y)
        self.diff = y - t
        self.weight = 100.0 / (xp.maximum(abs(t), EPS) * t.size)  # 100 / (|t|·N·K)
        return (abs(self.diff) * self.weight).sum()

    def backward(self):
        return array_module(self.diff).sign(self.diff) * self.weight


# -- yes/no and multi-label -----------------------------------------------------------
class BinaryCrossEntropy(Loss):
    """Binary cross-entropy ``L = −1/(N·K) Σ [t log p + (1 − t) log(1 − p)]``.

    * ``from_logits=False`` (default): ``y`` is a probability ``p`` from a sigmoid unit.
      ``p`` is clipped to ``[1e-7, 1 − 1e-7]`` so ``log`` stays finite; the gradient
      ``∂L/∂p = (p − t) / (p(1 − p)) / (N·K)`` is taken at the clipped ``p`` (so a
      saturated sigmoid still gets a push in the right direction).
    * ``from_logits=True``: ``y`` is the logit ``z`` (no sigmoid layer). The stable form
      ``max(z, 0) − z·t + log(1 + e^{−|z|})`` never overflows, and the gradient is
      simply ``∂L/∂z = (σ(z) − t)/(N·K)``.
    """

    name = "bce"

    def __init__(self, from_logits: bool = False):
        self.from_logits = bool(from_logits)

    def forward(self, y, t):
        t = _targets_like(y, t)
        self.check_shapes(y, t)
        self.t = t
        xp = array_module(y)
        if self.from_logits:
            return self._forward_logits(xp, y, t)
        self.p = p = _clip(xp, y, EPS, 1.0 - EPS)
        self.q = q = 1.0 - p
        # −1/(N·K) Σ [t log p + (1 − t) log(1 − p)], each Σ a dot product
        return -(xp.vdot(t, xp.log(p)) + xp.vdot(1.0 - t, xp.log(q))) / t.size

    def _forward_logits(self, xp, z, t):
        e = xp.exp(-abs(z))                                     # e^{−|z|} ∈ (0, 1], never overflows
        self.sigmoid = xp.where(z >= 0, 1.0, e) / (1.0 + e)     # σ(z) without overflow
        return _mean(xp.maximum(z, 0) - z * t + xp.log1p(e))

    def backward(self):
        t = self.t
        if self.from_logits:
            return (self.sigmoid - t) / t.size
        p, q = self.p, self.q
        return (p - t) / (p * q * t.size)                       # (p − t) / (p(1 − p)·N·K)

    def config(self):
        return {"from_logits": self.from_logits}


class MultiLabelBCE(BinaryCrossEntropy):
    """Binary cross-entropy for K independent yes/no labels (one sigmoid per output).

    The same formula as :class:`BinaryCrossEntropy`, averaged over samples and labels;
    targets are multi-hot rows like ``[1, 0, 1]``. Takes logits by default (the
    stable form), so the output layer needs no sigmoid.
    """

    name = "multilabel_bce"

    def __init__(self, from_logits: bool = True):
        super().__init__(from_logits)


# -- one class out of K -------------------------------------------------------------
def _class_targets(loss: Loss, y, t):
    """Return ``(labels, None)`` for integer class labels or ``(None, one_hot)``.

    The class axis is the last axis of ``y``; labels have ``y``'s shape without it.
    """
    xp = array_module(y)
    k = y.shape[-1]
    if t.ndim == y.ndim - 1 and t.shape == y.shape[:-1]:
        labels = xp.asarray(t)
        if labels.dtype.kind not in "iu":
            labels = labels.astype(xp.int64)
        labels = labels.reshape(-1)
        if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= k):
            raise ValueError(f"{loss.name}: class labels must lie in 0…{k - 1} for {k} output "
                             f"units, but they range over {int(labels.min())}…{int(labels.max())}")
        return labels, None
    t = _targets_like(y, t)
    if t.shape != y.shape:
        raise ValueError(f"{loss.name}: the output has shape {tuple(y.shape)}; give targets either "
                         f"as one-hot rows of the same shape or as class labels of shape "
                         f"{tuple(y.shape[:-1])}, but got shape {tuple(t.shape)}")
    return None, t.reshape(-1, k)


class SoftmaxCrossEntropy(Loss):
    """Softmax and cross-entropy fused: takes the logits ``z`` of K linear output units.

    ``p = softmax(z)``, ``L = −1/N Σₙ Σₖ tₙₖ log pₙₖ`` with one-hot rows ``t`` (any rows that
    sum to 1 work, e.g. label smoothing) or integer class labels. Fusing the two gives
    the short, exact gradient ``∂L/∂z = (p − t)/N`` and computes ``log p = (z − m) −
    log Σ e^{z − m}`` with ``m = max z``, so large logits cannot overflow.
    With more than two axes, e.g. ``(N, T, K)``, every position counts as a sample.
    """

    name = "softmax_cross_entropy"

    def forward(self, y, t):
        xp = array_module(y)
        self.shape = y.shape
        self.labels, one_hot = _class_targets(self, y, t)
        z = y.reshape(-1, y.shape[-1])
        s = z - z.max(axis=1, keepdims=True)   # shift: the largest logit becomes 0
        e = xp.exp(s)
        total = e.sum(axis=1, keepdims=True)
        self.p = e / total                      # softmax
        log_p = s - xp.log(total)
        n = z.shape[0]
        if self.labels is not None:
            self.rows = xp.arange(n)
            return -log_p[self.rows, self.labels].sum() / n
        self.t = one_hot
        return -xp.vdot(one_hot, log_p) / n      # −Σ t·log p / N

    def backward(self):
        n = self.p.shape[0]
        if self.labels is not None:
            g = self.p.copy()
            g[self.rows, self.labels] -= 1.0    # p − one_hot without building one_hot
        else:
            g = self.p - self.t
        g /= n
        return g.reshape(self.shape)


class CategoricalCrossEntropy(Loss):
    """Cross-entropy from probabilities, for when a Softmax layer is on the canvas.

    ``L = −1/N Σₙ Σₖ tₙₖ log pₙₖ`` with ``p`` clipped to ``[1e-7, 1]``; targets one-hot or
    integer labels. ``∂L/∂p = −t/p / N``. The softmax layer's backward then turns this
    into ``(p − t)/N`` again; :class:`SoftmaxCrossEntropy` does both at once, faster and
    more stably.
    """

    name = "categorical_cross_entropy"

    def forward(self, y, t):
        xp = array_module(y)
        self.shape = y.shape
        self.labels, one_hot = _class_targets(self, y, t)
        self.p = p = _clip(xp, y.reshape(-1, y.shape[-1]), EPS, 1.0)
        n = p.shape[0]
        if self.labels is not None:
            self.rows = xp.arange(n)
            return -xp.log(p[self.rows, self.labels]).sum() / n
        self.t = one_hot
        return -xp.vdot(one_hot, xp.log(p)) / n

    def backward(self):
        p = self.p
        n = p.shape[0]
        if self.labels is not None:
            g = array_module(p).zeros_like(p)
            g[self.rows, self.labels] = -1.0 / (p[self.rows, self.labels] * n)
        else:
            g = -self.t / (p * n)
        return g.reshape(self.shape)


# -- registry ---------------------------------------------------------------------
LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (MSE, MAE, Huber, BinaryCrossEntropy, SoftmaxCrossEntropy,
                CategoricalCrossEntropy, MultiLabelBCE, MAPE)
}

ALIASES = {
    "mean_squared_error": "mse",
    "mean_absolute_error": "mae",
    "binary_cross_entropy": "bce",
    "binary_crossentropy": "bce",
    "cross_entropy": "softmax_cross_entropy",
    "softmax_crossentropy": "softmax_cross_entropy",
    "categorical_crossentropy": "categorical_cross_entropy",
    "mean_absolute_percentage_error": "mape",
}


def get_loss(name: str, **kwargs) -> Loss:
    """Make a loss by name, e.g. ``get_loss("mse", form="half_sum")``, ``get_loss("huber", delta=2)``."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[key](**kwargs)
