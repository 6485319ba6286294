"""Optimizer hooks: regularization and gradient clipping as named, switchable pieces.

A hook is called as ``hook(optimizer)`` at every step, after the gradients are
gathered and before the update, in the order the hooks were given. It changes
``optimizer.flat_grad`` in place. The optimizer packs all trainable parameters
into one vector (see :mod:`optimizers`), so a hook sees:

* ``optimizer.flat_data`` / ``optimizer.flat_grad``: every trainable weight and its gradient;
* ``optimizer.n_decay``: the first ``n_decay`` entries belong to parameters with
  ``decay=True`` (weights); biases, γ and β follow and are never decayed.

A hook may also define ``attach(optimizer)``, called once when it is added.
Each hook maps onto one checkbox in the UI (the idea of Chainer's
``optimizer_hooks``).
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatch
from typing import Any, ClassVar

from .backend import array_module
from .layer import Parameter


class Hook:
    name: ClassVar[str] = "hook"

    def attach(self, optimizer) -> None:
        """Called once when the hook is added to ``optimizer``."""

    def __call__(self, optimizer) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def config(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


def _decaying(optimizer):
    """The weights that decay and their gradients, as flat views."""
    n = optimizer.n_decay
    return optimizer.flat_data[:n], optimizer.flat_grad[:n]


class L1(Hook):
    """L1 penalty ``λ Σ|w|`` over weights: adds ``λ·sign(w)`` to each gradient.

    The push towards zero has the same size whatever the weight, so small weights
    reach exactly zero (sparse networks).
    """

    name = "l1"

    def __init__(self, strength: float = 1e-4):
        self.strength = float(strength)

    def __call__(self, optimizer):
        w, g = _decaying(optimizer)
        g += self.strength * array_module(w).sign(w)   # ∂(λΣ|w|)/∂w = λ·sign(w)

    def penalty(self, params: Iterable[Parameter]) -> float:
        """``λ Σ|w|`` over the parameters with ``decay=True`` (to show beside the loss)."""
        return self.strength * sum(float(abs(p.data).sum()) for p in params if p.decay)

    def config(self):
        return {"strength": self.strength}


class L2(Hook):
    """L2 penalty ``λ Σw²`` over weights (weight decay): adds ``2λ·w`` to each gradient.

    The course's formula ``λΣw²`` is used as written, so its gradient carries the 2.
    (PyTorch's ``weight_decay=d`` adds ``d·w``, i.e. ``λ = d/2`` here.)
    """

    name = "l2"

    def __init__(self, strength: float = 1e-4):
        self.strength = float(strength)

    def __call__(self, optimizer):
        w, g = _decaying(optimizer)
        g += (2.0 * self.strength) * w                  # ∂(λΣw²)/∂w = 2λw

    def penalty(self, params: Iterable[Parameter]) -> float:
        """``λ Σw²`` over the parameters with ``decay=True``."""
        return self.strength * sum(float((p.data * p.data).sum()) for p in params if p.decay)

    def config(self):
        return {"strength": self.strength}


class ClipByNorm(Hook):
    """Scale all gradients together so their global L2 norm is at most ``max_norm``.

    ``‖g‖ = √(Σ over every trainable parameter of g²)``; if it exceeds ``max_norm``,
    every gradient is multiplied by ``max_norm/‖g‖``: the direction is kept, only the
    step is shortened (the remedy for exploding gradients). ``last_norm`` keeps the
    norm before clipping (a backend scalar) for display.
    """

    name = "clip_by_norm"

    def __init__(self, max_norm: float = 1.0):
        if max_norm <= 0:
            raise ValueError(f"ClipByNorm max_norm must be positive, got {max_norm}")
        self.max_norm = float(max_norm)
        self.last_norm: Any = None

    def __call__(self, optimizer):
        g = optimizer.flat_grad
        xp = array_module(g)
        norm = xp.sqrt(xp.vdot(g, g))
        self.last_norm = norm
        g *= xp.minimum(1.0, self.max_norm / (norm + 1e-6))  # no branch: stays on the GPU

    def config(self):
        return {"max_norm": self.max_norm}


class ClipByValue(Hook):
    """Clip every gradient entry to ``[−limit, limit]`` (may change the direction)."""

    name = "clip_by_value"

    def __init__(self, limit: float = 1.0):
        if limit <= 0:
            raise ValueError(f"ClipByValue limit must be positive, got {limit}")
        self.limit = float(limit)

    def __call__(self, optimizer):
        g = optimizer.flat_grad
        array_module(g).clip(g, -self.limit, self.limit, out=g)

    def config(self):
        return {"limit": self.limit}


class Freeze(Hook):
    """Freeze parameters whose names match any pattern, e.g. ``Freeze("conv1.*", "dense1.W")``.

    Names are ``"<node id>.<parameter>"``; patterns use shell wildcards (``fnmatch``).
    Matching parameters get ``frozen = True`` when the hook is attached, and the
    optimizer skips them from then on (transfer learning: keep the bottom, train the
    top). Unfreeze with ``network.freeze(ids, False)`` or ``p.frozen = False``.
    """

    name = "freeze"

    def __init__(self, patterns: str | Iterable[str], *more: str):
        flat = [patterns] if isinstance(patterns, str) else list(patterns)
        flat.extend(more)
        if not flat:
            raise ValueError("Freeze needs at least one name pattern, e.g. Freeze('dense1.*')")
        self.patterns = tuple(flat)
        self.frozen: list[str] = []

    def attach(self, optimizer):
        self.frozen = []
        for p in optimizer.params:
            if any(fnmatch(p.name, pattern) for pattern in self.patterns):
                p.frozen = True
                self.frozen.append(p.name)

    def __call__(self, optimizer):
        pass  # all the work is done once, in attach

    def config(self):
        return {"patterns": list(self.patterns)}


HOOKS: dict[str, type[Hook]] = {cls.name: cls for cls in (L1, L2, ClipByNorm, ClipByValue, Freeze)}


def get_hook(name: str, *args, **kwargs) -> Hook:
    """Make a hook by name, e.g. ``get_hook("l2", strength=1e-4)``, ``get_hook("freeze", "dense1.*")``."""
    key = name.lower()
    if key not in HOOKS:
        raise ValueError(f"Unknown optimizer hook {name!r}; choose one of {', '.join(HOOKS)}")
    return HOOKS[key](*args, **kwargs)
