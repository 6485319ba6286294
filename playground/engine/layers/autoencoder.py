"""Autoencoder pieces: input corruption, sparsity and contractive penalties, the VAE sampler.

* :class:`GaussianNoise` and :class:`MaskingNoise` corrupt the input of a
  *denoising* autoencoder while training (the loss compares the output with
  the **clean** input); in evaluation mode they pass the input through.
* :class:`SparsityPenalty` (L1 or KL) and :class:`ContractiveDense` add a
  term to the loss; :class:`Sampling` draws the latent code of a *variational*
  autoencoder and adds ``β·KL(N(μ, σ²) ‖ N(0, I))``.

Layers that add a loss term define ``penalty_name`` and set ``self.penalty``
(a scalar on the backend, already averaged over the batch) in ``forward``; the
network sums them into ``net.loss_terms`` so that

    total loss = data loss (mean over the batch) + Σ penalties,

and their ``backward`` already includes the penalty's gradient. Penalties are
computed in evaluation mode too, so a validation loss means the same thing.
"""

from __future__ import annotations

from ..initializers import get_initializer
from ..layer import Layer, ShapeError


def _check_probability(layer: str, what: str, value: float, low_open: bool = False) -> float:
    value = float(value)
    ok = (0.0 < value < 1.0) if low_open else (0.0 <= value < 1.0)
    if not ok:
        bounds = "strictly between 0 and 1" if low_open else "at least 0 and below 1"
        raise ValueError(f"{layer}: {what} must be {bounds}, got {value}")
    return value


def _check_non_negative(layer: str, what: str, value: float) -> float:
    value = float(value)
    if value < 0.0:
        raise ValueError(f"{layer}: {what} must not be negative, got {value}")
    return value


# -- corruption for denoising autoencoders ----------------------------------------------
class GaussianNoise(Layer):
    """Add ``N(0, std²)`` noise to every value while training: ``y = x + std·ε``.

    Backward is the identity, ``∂L/∂x = ∂L/∂y``: the noise does not depend on
    ``x``, so the gradient reaches the clean input unchanged. In evaluation
    mode the layer is the identity.
    """

    kind = "gaussian_noise"

    def __init__(self, std: float = 0.1, name: str | None = None):
        super().__init__(name)
        self.std = _check_non_negative("GaussianNoise", "the noise std", std)

    def forward(self, x):
        if not self.training or self.std == 0.0:
            return x
        eps = self.noise.standard_normal(size=x.shape).astype(x.dtype, copy=False)
        eps *= self.std
        return x + eps

    def backward(self, dy):
        return dy

    def config(self):
        return {"std": self.std}


class MaskingNoise(Layer):
    """Set each value to 0 with probability ``rate`` while training: ``y = x ⊙ m``, ``m ∈ {0, 1}``.

    The masking corruption of denoising autoencoders (Vincent et al., 2008).
    Unlike dropout the survivors are **not** rescaled: the network has to fill
    in the missing values, and the loss compares with the clean input.

    Backward: ``∂L/∂x = ∂L/∂y ⊙ m`` (the exact derivative: a masked value did
    not reach the output). The layer is usually right after the input, where
    this gradient is not used anyway. Evaluation mode: the identity.
    """

    kind = "masking_noise"

    def __init__(self, rate: float = 0.25, name: str | None = None):
        super().__init__(name)
        self.rate = _check_probability("MaskingNoise", "the masking rate", rate)
        self.mask = None

    def forward(self, x):
        if not self.training or self.rate == 0.0:
            self.mask = None
            return x
        self.mask = (self.noise.random_sample(x.shape) >= self.rate).astype(x.dtype)
        return x * self.mask

    def backward(self, dy):
        return dy if self.mask is None else dy * self.mask

    def config(self):
        return {"rate": self.rate}


# -- sparse autoencoders ------------------------------------------------------------------
class SparsityPenalty(Layer):
    """Identity on the activations ``a`` (the code); adds a sparsity term to the loss.

    ``kind="l1"``:  ``P = weight · (1/B) Σ_b Σ_j |a_bj|``
    (the L1 norm of each sample's code, averaged over the batch ``B``);
    ``∂P/∂a_bj = weight · sign(a_bj) / B``.

    ``kind="kl"``:  ``P = weight · Σ_j KL(ρ ‖ ρ̂_j)`` with the target rate ``ρ``
    and ``ρ̂_j = (1/B) Σ_b a_bj`` the mean activation of unit ``j`` over the batch::

        KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂))
        ∂P/∂a_bj  = weight · (−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j)) / B

    KL treats ``ρ̂_j`` as the probability that unit ``j`` fires, so the
    activations must lie in ``(0, 1)``: put a **sigmoid** before this layer.
    ``ρ̂`` is clipped to ``[1e-6, 1 − 1e-6]`` so the logarithms stay finite;
    where the clip acts the penalty is flat (gradient 0) — a sign that the
    activation is not a sigmoid. Every value of a sample counts as one unit,
    whatever the per-sample shape.
    """

    kind = "sparsity_penalty"
    penalty_name = "sparsity"
    KINDS = ("l1", "kl")
    CLIP = 1e-6

    def __init__(self, kind: str = "l1", weight: float = 1e-3, target: float = 0.05,
                 name: str | None = None):
        super().__init__(name)
        if kind not in self.KINDS:
            raise ValueError(f"SparsityPenalty: kind must be 'l1' or 'kl', got {kind!r}")
        self.penalty_kind = kind  # not `self.kind`: that names the layer type
        self.weight = _check_non_negative("SparsityPenalty", "the weight", weight)
        self.target = _check_probability("SparsityPenalty", "the target rate ρ", target, low_open=True)

    def forward(self, a):
        xp = self.xp
        self.a = a
        if self.penalty_kind == "l1":
            self.penalty = self.weight * xp.abs(a).sum() / a.shape[0]
            return a
        rho = self.target
        rho_hat = a.mean(axis=0)                                   # mean activation of every unit
        self.rho_hat = xp.clip(rho_hat, self.CLIP, 1.0 - self.CLIP)
        self.inside = (rho_hat == self.rho_hat)                    # where the clip did not act
        kl = rho * xp.log(rho / self.rho_hat) + (1.0 - rho) * xp.log((1.0 - rho) / (1.0 - self.rho_hat))
        self.penalty = self.weight * kl.sum()
        return a

    def backward(self, dy):
        xp, a = self.xp, self.a
        batch = a.shape[0]
        if self.penalty_kind == "l1":
            return dy + (self.weight / batch) * xp.sign(a)
        rho, rho_hat = self.target, self.rho_hat
        d_rho_hat = self.weight * (-rho / rho_hat + (1.0 - rho) / (1.0 - rho_hat)) * self.inside
        return dy + d_rho_hat / batch                              # ∂ρ̂_j/∂a_bj = 1/B, same for every b

    def config(self):
        return {"kind": self.penalty_kind, "weight": self.weight, "target": self.target}


# -- contractive autoencoders -----------------------------------------------------------------
class ContractiveDense(Layer):
    """A sigmoid Dense encoder layer with the contractive penalty ``weight · ‖J‖_F²``.

    Forward: ``z = x W + b``, ``h = σ(z)``. ``J = ∂h/∂x`` is the Jacobian of the
    code with respect to the input; the penalty makes the code insensitive to
    small changes of the input (Rifai et al., 2011).

    **The penalty.** With ``s_j = h_j(1 − h_j) = σ'(z_j)``, ``J_ji = ∂h_j/∂x_i =
    s_j W_ij``, so ``‖J‖_F² = Σ_j s_j² Σ_i W_ij² = Σ_j s_j² w_j`` with
    ``w_j = Σ_i W_ij²`` (the squared length of column ``j``). Averaged over the batch::

        P = λ/B · Σ_b Σ_j s_bj² w_j

    **Its gradient.** ``ds/dz = s(1 − 2h)`` (from ``s = h − h²`` and ``dh/dz = s``), so

        ∂P/∂z_bj = λ/B · w_j · 2 s_bj² (1 − 2h_bj)        (through the sigmoid)
        ∂P/∂W_ij |direct = λ/B · Σ_b s_bj² · 2 W_ij       (through w_j)

    With ``δ_bj = ∂L/∂h_bj · s_bj + ∂P/∂z_bj`` (data loss and penalty together,
    at the pre-activation ``z``), backward is that of a Dense layer plus the
    direct term::

        ∂/∂W = xᵀ δ + (2λ/B) · W ⊙ (Σ_b s_b²)      (the last factor broadcast over rows)
        ∂/∂b = Σ_b δ_b
        ∂/∂x = δ Wᵀ
    """

    kind = "contractive_dense"
    penalty_name = "contractive"

    def __init__(self, units: int, weight: float = 0.1, init="glorot_uniform", name: str | None = None):
        super().__init__(name)
        if int(units) < 1:
            raise ValueError(f"ContractiveDense needs at least 1 unit, got {units}")
        self.units = int(units)
        self.weight = _check_non_negative("ContractiveDense", "the weight", weight)
        self.init = init

    def output_shape(self, in_shape):
        if len(in_shape) != 1:
            raise ShapeError(self, f"expects a flat vector per sample, but got shape {tuple(in_shape)}; "
                                   "add a Flatten layer before it")
        return (self.units,)

    def param_shapes(self, in_shape):
        return {"W": (in_shape[0], self.units), "b": (self.units,)}

    def create_params(self, in_shape):
        n_in = in_shape[0]
        self.add_param("W", get_initializer(self.init)((n_in, self.units), n_in, self.units, self.rng))
        self.add_param("b", get_initializer("zeros")((self.units,), n_in, self.units, self.rng), decay=False)

    def forward(self, x):
        xp, W = self.xp, self.params["W"].data
        self.x = x
        z = x @ W
        z += self.params["b"].data
        h = xp.tanh(z * 0.5)                     # σ(z) = ½(1 + tanh(z/2)), no overflow
        h *= 0.5
        h += 0.5
        self.h = h
        self.s = h * (1.0 - h)                   # s = σ'(z)
        self.col_sq = (W * W).sum(axis=0)        # w_j = Σ_i W_ij²
        self.penalty = self.weight * ((self.s * self.s) @ self.col_sq).sum() / x.shape[0]
        return h

    def backward(self, dy):
        W = self.params["W"].data
        h, s, batch = self.h, self.s, self.x.shape[0]
        s2 = s * s
        scale = self.weight / batch
        # δ = ∂(data loss)/∂z + ∂P/∂z
        delta = dy * s + (2.0 * scale) * s2 * (1.0 - 2.0 * h) * self.col_sq
        self.params["W"].grad = self.x.T @ delta + (2.0 * scale) * W * s2.sum(axis=0)
        self.params["b"].grad = delta.sum(axis=0)
        return delta @ W.T

    def config(self):
        return {"units": self.units, "weight": self.weight, "init": self.init}


# -- variational autoencoders ------------------------------------------------------------------
class Sampling(Layer):
    """The VAE's reparameterized sample: inputs ``μ`` and ``log σ²`` (same shape) → ``z``.

    Training:   ``z = μ + σ ⊙ ε`` with ``σ = exp(½ log σ²)`` and ``ε ~ N(0, I)``
    from ``self.noise``: the randomness sits in ``ε``, so ``z`` is a smooth
    function of ``μ`` and ``log σ²`` and gradients flow to the encoder.

    Evaluation: ``z = μ`` (the most likely code, no noise), so reconstructions
    and latent-space plots are deterministic. Generate new samples by feeding
    ``z ~ N(0, I)`` to the decoder instead.

    Penalty (both modes):  ``P = β · (1/B) Σ_b ½ Σ_j (σ² + μ² − 1 − log σ²)``,
    the KL divergence ``KL(N(μ, σ²) ‖ N(0, I))`` per sample, averaged over the batch.

    Backward, with ``δ = ∂L/∂z``::

        ∂/∂μ      = δ + β μ / B
        ∂/∂log σ² = δ ⊙ ε ⊙ σ/2 + β (σ² − 1) / (2B)      (the first term only while training)
    """

    kind = "sampling"
    num_inputs = 2
    penalty_name = "kl"

    def __init__(self, beta: float = 1.0, name: str | None = None):
        super().__init__(name)
        self.beta = _check_non_negative("Sampling", "β", beta)

    def output_shape(self, mu_shape, logvar_shape):
        if tuple(mu_shape) != tuple(logvar_shape):
            raise ShapeError(self, f"needs μ and log σ² of the same shape, but got {tuple(mu_shape)} "
                                   f"and {tuple(logvar_shape)}; give both encoder heads the same units")
        return tuple(mu_shape)

    def forward(self, mu, logvar):
        xp = self.xp
        self.mu, batch = mu, mu.shape[0]
        self.var = xp.exp(logvar)                                   # σ²
        kl = 0.5 * (self.var + mu * mu - 1.0 - logvar).sum() / batch
        self.penalty = self.beta * kl
        if not self.training:
            self.eps = None
            return mu
        self.eps = self.noise.standard_normal(size=mu.shape).astype(mu.dtype, copy=False)
        self.std = xp.exp(0.5 * logvar)                             # σ
        return mu + self.std * self.eps

    def backward(self, dz):
        batch = self.mu.shape[0]
        d_mu = dz + (self.beta / batch) * self.mu
        d_logvar = (0.5 * self.beta / batch) * (self.var - 1.0)
        if self.eps is not None:
            d_logvar = d_logvar + 0.5 * dz * self.eps * self.std   # ∂z/∂log σ² = ε σ / 2
        return d_mu, d_logvar

    def config(self):
        return {"beta": self.beta}
