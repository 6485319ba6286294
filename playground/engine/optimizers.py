"""Optimizers: how a gradient becomes a change of the weights.

Each optimizer writes its rule once, in :meth:`Optimizer.update`, as a few
in-place array operations on ``w`` (the weights), ``g`` (their gradient) and its
moment buffers (``m``, ``v``, …)::

    SGD          w ← w − η g
    momentum     v ← μ v − η g;            w ← w + v
    Nesterov     v ← μ v − η g;            w ← w + μ v − η g
    Adagrad      G ← G + g²;               w ← w − η g / (√G + ε)
    RMSProp      E ← ρ E + (1 − ρ) g²;     w ← w − η g / (√E + ε)
    Adadelta     E ← ρ E + (1 − ρ) g²;     Δ = √(D + ε)/√(E + ε) · g;
                 D ← ρ D + (1 − ρ) Δ²;     w ← w − η Δ
    Adam         m ← β₁ m + (1 − β₁) g;    v ← β₂ v + (1 − β₂) g²;
                 m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ);   w ← w − η m̂ / (√v̂ + ε)
    AdamW        Adam, plus w ← w − η λ w  (decay kept out of the moments)

**One flat vector.** A network has many small parameter arrays; updating them
one by one costs a dozen array operations *per array* and the Python overhead
dominates small networks. So the optimizer packs every trainable parameter into
one contiguous vector: ``Parameter.data`` becomes a view into it, the gradients
are gathered into a matching vector each step, and the rule above runs *once*
on the whole network. Nothing else changes for the layers. If a parameter's
``data`` is replaced (loading weights) or a parameter is frozen or unfrozen, the
optimizer notices at the next step and packs again; moment buffers are kept.

Parameters with ``decay=True`` (weights) come first in the vector, those with
``decay=False`` (biases, γ, β) after them, so weight-decay hooks touch one slice.
Frozen parameters (``p.frozen``) are left out: they never change. ``Parameter.grad``
is only read, never changed, so gradient plots show the raw gradients of the loss
(what hooks add or clip lives in ``flat_grad``). Layers must read
``self.params[k].data`` when they run rather than keep the array from build time.

Hooks (:mod:`hooks`: L1, L2, clipping, freezing) run before the update, in the
order given; each sees the optimizer and changes ``flat_grad`` in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import numpy as np

from .backend import array_module, to_host
from .layer import Parameter


class Optimizer:
    """Base class: ``step()`` applies :meth:`update` to all trainable parameters.

    ``lr`` is a plain attribute: set it between steps (schedules, the UI's slider).
    Subclasses list their moment buffers in ``state_names`` and implement
    ``update(w, g, *buffers)`` with in-place operations on ``w`` and the buffers.
    """

    name: ClassVar[str] = "optimizer"
    state_names: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Parameter], lr: float, hooks: Iterable[Any] = ()):
        self.params: list[Parameter] = list(dict.fromkeys(params))  # a shared parameter once
        if lr < 0:
            raise ValueError(f"The learning rate must not be negative, got {lr}")
        self.lr = float(lr)
        self.t = 0  # number of updates done (Adam's bias correction uses it)
        self.hooks: list[Any] = []
        # per-parameter views of the moment buffers: {param: {"m": array, …}}
        self.param_state: dict[Parameter, dict[str, Any]] = {}
        self._trainable: list[Parameter] = []
        self._data_views: list[Any] = []
        self._grad_views: list[Any] = []
        self._frozen: list[bool] | None = None
        self._buffers: tuple[Any, ...] = ()
        self.flat_data: Any = None
        self.flat_grad: Any = None
        self.n_decay = 0  # flat_data[:n_decay] belongs to parameters with decay=True
        for hook in hooks:
            self.add_hook(hook)

    # -- hooks --------------------------------------------------------------
    def add_hook(self, hook) -> None:
        """Append a hook (an object from :mod:`hooks`, or its name as a string)."""
        if isinstance(hook, str):
            from .hooks import get_hook
            hook = get_hook(hook)
        attach = getattr(hook, "attach", None)
        if attach is not None:
            attach(self)
        self.hooks.append(hook)

    # -- the step ------------------------------------------------------------
    def step(self) -> None:
        """Update every trainable parameter from its current ``grad``."""
        if not self._pack_is_current():
            self._pack()
        if not self._trainable:
            return
        for slot, p in zip(self._grad_views, self._trainable):
            slot[...] = p.grad  # gather: each gradient into its slot of flat_grad
        for hook in self.hooks:
            hook(self)
        self.t += 1
        self.update(self.flat_data, self.flat_grad, *self._buffers)

    def update(self, w, g, *buffers) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- packing into one flat vector --------------------------------------------
    def _pack_is_current(self) -> bool:
        """False when a parameter was frozen/unfrozen or its ``data`` replaced since packing."""
        for p, frozen in zip(self.params, self._frozen or ()):
            if p.frozen != frozen:
                return False
        for p, view in zip(self._trainable, self._data_views):
            if p.data is not view:
                return False
        return self._frozen is not None

    def _pack(self) -> None:
        """Copy trainable parameters into one vector and make their ``data`` views of it."""
        self._frozen = [p.frozen for p in self.params]
        trainable = [p for p in self.params if not p.frozen]
        trainable.sort(key=lambda p: not p.decay)  # decaying weights first (sort is stable)
        self._trainable = trainable
        if not trainable:
            self._data_views, self._grad_views, self._buffers, self.n_decay = [], [], (), 0
            return
        xp = array_module(trainable[0].data)
        dtype = trainable[0].data.dtype
        for p in trainable:
            if p.data.dtype != dtype:
                raise TypeError(f"{self.name}: all parameters must share one dtype, but "
                                f"{p.name} is {p.data.dtype} and {trainable[0].name} is {dtype}")
        total = sum(p.size for p in trainable)
        self.n_decay = sum(p.size for p in trainable if p.decay)
        self.flat_data = xp.empty(total, dtype=dtype)
        self.flat_grad = xp.zeros(total, dtype=dtype)
        self._data_views = self._carve(self.flat_data, trainable, {p: p.data for p in trainable})
        self._grad_views = self._carve(self.flat_grad, trainable, {})
        for p, view in zip(trainable, self._data_views):
            p.data = view
        buffers = []
        for key in self.state_names:
            flat = xp.zeros(total, dtype=dtype)
            old = {p: self.param_state[p][key] for p in trainable if key in self.param_state.get(p, {})}
            for p, view in zip(trainable, self._carve(flat, trainable, old)):
                self.param_state.setdefault(p, {})[key] = view
            buffers.append(flat)
        self._buffers = tuple(buffers)

    @staticmethod
    def _carve(flat, params: list[Parameter], initial: dict[Parameter, Any]) -> list[Any]:
        """Views of ``flat`` shaped like each parameter, filled from ``initial`` where given."""
        views, start = [], 0
        for p in params:
            view = flat[start:start + p.size].reshape(p.data.shape)
            if p in initial:
                view[...] = initial[p]
            views.append(view)
            start += p.size
        return views

    # -- state, for bit-exact replay ----------------------------------------------
    def config(self) -> dict[str, Any]:
        """The hyperparameters (constructor arguments except params and hooks)."""
        return {"lr": self.lr}

    def state_dict(self) -> dict[str, Any]:
        """Step count, learning rate and host copies of the moment buffers, by parameter name."""
        state = {p.name: {k: to_host(v).copy() for k, v in self.param_state[p].items()}
                 for p in self.params if p in self.param_state}
        return {"name": self.name, "t": self.t, "lr": self.lr, "state": state}

    def load_state_dict(self, saved: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned; parameter names and shapes must match."""
        by_name = {p.name: p for p in self.params}
        unknown = sorted(set(saved["state"]) - set(by_name))
        if unknown:
            raise KeyError(f"{self.name}: the saved optimizer state names parameters this "
                           f"network does not have: {unknown}")
        self.t = int(saved["t"])
        self.lr = float(saved["lr"])
        for name, buffers in saved["state"].items():
            p = by_name[name]
            xp = array_module(p.data)
            for key, value in buffers.items():
                value = np.asarray(value)
                if value.shape != tuple(p.data.shape):
                    raise ValueError(f"{self.name}: saved {key!r} for {name} has shape {value.shape}, "
                                     f"the parameter has shape {tuple(p.data.shape)}")
                current = self.param_state.setdefault(p, {}).get(key)
                if current is not None:
                    current[...] = xp.asarray(value, dtype=p.data.dtype)  # a view into the pack
                else:
                    self.param_state[p][key] = xp.asarray(value, dtype=p.data.dtype)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


# -- the rules ---------------------------------------------------------------------
class SGD(Optimizer):
    """Gradient descent ``w ← w − η g``, optionally with momentum (and Nesterov's look-ahead).

    Momentum keeps a velocity ``v ← μ v − η g`` and moves by it: ``w ← w + v``; Nesterov
    moves by ``μ v − η g`` instead (the gradient step applied at the looked-ahead point).
    At a constant η this is the same as PyTorch's ``SGD(momentum=μ, nesterov=…)``.
    """

    name = "sgd"

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 hooks=()):
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD momentum must be in [0, 1), got {momentum}")
        if nesterov and momentum == 0.0:
            raise ValueError("Nesterov needs a momentum above 0")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.state_names = ("velocity",) if momentum else ()
        super().__init__(params, lr, hooks)

    def update(self, w, g, v=None):
        if v is None:
            w -= self.lr * g                     # w ← w − η g
            return
        v *= self.momentum
        v -= self.lr * g                         # v ← μ v − η g
        if self.nesterov:
            w += self.momentum * v
            w -= self.lr * g                     # w ← w + μ v − η g
        else:
            w += v                               # w ← w + v

    def config(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}


class Adagrad(Optimizer):
    """Per-weight learning rates that shrink with the sum of squared gradients seen so far.

    ``G ← G + g²``; ``w ← w − η g / (√G + ε)``. Good for sparse features; the steps
    shrink forever, which RMSProp and Adadelta fix.
    """

    name = "adagrad"
    state_names = ("sum_sq",)

    def __init__(self, params, lr: float = 0.01, eps: float = 1e-10, hooks=()):
        self.eps = float(eps)
        super().__init__(params, lr, hooks)

    def update(self, w, g, sum_sq):
        sum_sq += g * g                          # G ← G + g²
        denom = array_module(w).sqrt(sum_sq)
        denom += self.eps
        w -= self.lr * g / denom                 # w ← w − η g / (√G + ε)

    def config(self):
        return {"lr": self.lr, "eps": self.eps}


class RMSProp(Optimizer):
    """Adagrad with a forgetting average: ``E ← ρE + (1 − ρ)g²``; ``w ← w − η g / (√E + ε)``."""

    name = "rmsprop"
    state_names = ("mean_sq",)

    def __init__(self, params, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-8, hooks=()):
        self.rho = float(rho)
        self.eps = float(eps)
        super().__init__(params, lr, hooks)

    def update(self, w, g, mean_sq):
        mean_sq *= self.rho
        mean_sq += (1.0 - self.rho) * (g * g)   # E ← ρE + (1 − ρ)g²
        denom = array_module(w).sqrt(mean_sq)
        denom += self.eps
        w -= self.lr * g / denom                 # w ← w − η g / (√E + ε)

    def config(self):
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps}


class Adadelta(Optimizer):
    """Step sizes from the ratio of two running averages, so no learning rate is really needed.

    ``E ← ρE + (1 − ρ)g²``; ``Δ = √(D + ε) / √(E + ε) · g``; ``D ← ρD + (1 − ρ)Δ²``;
    ``w ← w − η Δ`` (η = 1 in Zeiler's paper; it stays as a knob).
    """

    name = "adadelta"
    state_names = ("mean_sq", "mean_sq_step")

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, hooks=()):
        self.rho = float(rho)
        self.eps = float(eps)
        super().__init__(params, lr, hooks)

    def update(self, w, g, mean_sq, mean_sq_step):
        xp = array_module(w)
        rho, eps = self.rho, self.eps
        mean_sq *= rho
        mean_sq += (1.0 - rho) * (g * g)                              # E ← ρE + (1 − ρ)g²
        delta = xp.sqrt(mean_sq_step + eps) / xp.sqrt(mean_sq + eps) * g
        mean_sq_step *= rho
        mean_sq_step += (1.0 - rho) * (delta * delta)                 # D ← ρD + (1 − ρ)Δ²
        w -= self.lr * delta                                          # w ← w − η Δ

    def config(self):
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps}


class Adam(Optimizer):
    """Momentum (first moment) plus RMSProp (second moment), both bias-corrected.

    The moments start at zero, so early averages are too small; dividing by
    ``1 − βᵗ`` corrects that. The first step is therefore ``η · g/(|g| + ε) ≈ η·sign(g)``.
    """

    name = "adam"
    state_names = ("m", "v")

    def __init__(self, params, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, hooks=()):
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        super().__init__(params, lr, hooks)

    def update(self, w, g, m, v):
        xp = array_module(w)
        b1, b2 = self.beta1, self.beta2
        m *= b1
        m += (1.0 - b1) * g                      # m ← β₁m + (1 − β₁)g
        v *= b2
        v += (1.0 - b2) * (g * g)                # v ← β₂v + (1 − β₂)g²
        c1 = 1.0 - b1 ** self.t                  # bias corrections: m̂ = m/c1, v̂ = v/c2
        c2 = 1.0 - b2 ** self.t
        # η m̂/(√v̂ + ε) = (η √c2 / c1) · m / (√v + ε √c2): the corrections become two numbers
        denom = xp.sqrt(v)
        denom += self.eps * c2 ** 0.5
        step = (self.lr * c2 ** 0.5 / c1) * m
        step /= denom
        w -= step                                # w ← w − η m̂ / (√v̂ + ε)

    def config(self):
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


class AdamW(Adam):
    """Adam with decoupled weight decay: ``w ← w − η λ w`` besides the Adam step.

    Unlike an L2 hook, the decay is not mixed into the moments, so every weight
    shrinks at the same relative rate. Applies to parameters with ``decay=True``
    (weights, not biases).
    """

    name = "adamw"

    def __init__(self, params, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0.01, hooks=()):
        self.weight_decay = float(weight_decay)
        super().__init__(params, lr, beta1, beta2, eps, hooks)

    def update(self, w, g, m, v):
        decaying = w[:self.n_decay]
        decaying *= 1.0 - self.lr * self.weight_decay  # w ← w − η λ w (before the Adam step)
        super().update(w, g, m, v)

    def config(self):
        return {**super().config(), "weight_decay": self.weight_decay}


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Adagrad, Adadelta, RMSProp, Adam, AdamW)
}


def get_optimizer(name: str, params: Iterable[Parameter], **kwargs) -> Optimizer:
    """Make an optimizer by name, e.g. ``get_optimizer("adam", net.parameters(), lr=1e-3)``."""
    key = name.lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key](params, **kwargs)
