"""How each layer kind is written in PyTorch: a module for ``__init__`` and a call for ``forward``.

:func:`torch_layer` returns a :class:`TorchLayer` for one node; kinds PyTorch has
no module for get a small class from :data:`HELPERS`, written into the script
only when it is used. Kinds that cannot be exported raise :class:`ExportError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.engine.im2col import resolve_padding

from .common import ExportError, Plan, q


@dataclass
class TorchLayer:
    """``module``: the expression stored as ``self.<name>`` (None: no module, the call is inline);
    ``call``: the forward expression, ``{self}`` for the module and ``{0}``, ``{1}`` … for the inputs;
    ``note``: a comment for the forward line; ``helpers``: names from :data:`HELPERS` it needs."""

    module: str | None
    call: str = "{self}({0})"
    note: str = ""
    helpers: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()  # when ``module`` is an nn.Sequential: its parts (for line breaks)


# ----------------------------------------------------------------------------
# helper definitions written into the script when used
# ----------------------------------------------------------------------------
HELPERS: dict[str, str] = {
    "initialized": '''
INITIALIZERS = {  # the app's initializer names → PyTorch (PyTorch's own defaults differ)
    "glorot_uniform": nn.init.xavier_uniform_,
    "glorot_normal": nn.init.xavier_normal_,
    "he_uniform": lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu"),
    "he_normal": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "uniform": lambda w: nn.init.uniform_(w, -0.05, 0.05),
    "normal": lambda w: nn.init.normal_(w, 0.0, 0.05),
    "zeros": nn.init.zeros_,
    "ones": nn.init.ones_,
    "constant": lambda w: nn.init.constant_(w, 0.5),
}


def initialized(layer, how):
    """``layer`` with the app's starting weights: weights drawn by ``how``, biases 0."""
    INITIALIZERS[how](layer.weight)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)
    return layer
''',
    "initialized_rnn": '''
def initialized_rnn(rnn, forget_bias=0.0):
    """The app's recurrent start: Glorot input weights, an orthogonal recurrent matrix per gate
    (it keeps the state's length when passed on through time), zero biases (LSTM forget gate: 1)."""
    gates = rnn.weight_hh_l0.shape[0] // rnn.hidden_size
    nn.init.xavier_uniform_(rnn.weight_ih_l0)
    with torch.no_grad():
        for block in rnn.weight_hh_l0.split(rnn.hidden_size):
            nn.init.orthogonal_(block)
        rnn.bias_ih_l0.zero_()
        rnn.bias_hh_l0.zero_()
        if gates == 4:  # PyTorch's LSTM gate order is input, forget, cell, output
            rnn.bias_ih_l0[rnn.hidden_size:2 * rnn.hidden_size] = forget_bias
    return rnn
''',
    "Lambda": '''
class Lambda(nn.Module):
    """A layer without parameters made from a function (for activations PyTorch has no module for)."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def forward(self, x):
        return self.function(x)
''',
    "GaussianNoise": '''
class GaussianNoise(nn.Module):
    """Adds N(0, std²) noise while training (a denoising autoencoder's corruption); off in eval mode."""

    def __init__(self, std):
        super().__init__()
        self.std = std

    def forward(self, x):
        return x + self.std * torch.randn_like(x) if self.training else x
''',
    "MaskingNoise": '''
class MaskingNoise(nn.Module):
    """Sets each value to 0 with probability ``rate`` while training (no rescaling, unlike dropout)."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        return x * (torch.rand_like(x) >= self.rate).to(x.dtype) if self.training else x
''',
    "SparsityPenalty": '''
class SparsityPenalty(nn.Module):
    """Passes the code through and keeps a sparsity penalty for the loss.

    l1: weight · Σ|a| per sample, averaged over the batch;
    kl: weight · Σ_j KL(ρ ‖ ρ̂_j), ρ̂_j the mean activation of unit j over the batch (sigmoid codes).
    """

    def __init__(self, kind, weight, target=0.05):
        super().__init__()
        self.kind, self.weight, self.target = kind, weight, target
        self.penalty = 0.0

    def forward(self, a):
        if self.kind == "l1":
            self.penalty = self.weight * a.abs().sum() / len(a)
        else:
            rho, rho_hat = self.target, a.mean(dim=0).clamp(1e-6, 1 - 1e-6)
            kl = rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))
            self.penalty = self.weight * kl.sum()
        return a
''',
    "ContractiveDense": '''
class ContractiveDense(nn.Module):
    """A sigmoid Dense encoder with the contractive penalty weight · ‖∂h/∂x‖²_F, averaged over the batch.

    For h = σ(xW + b) the Jacobian's squared norm is Σ_j (h_j(1 − h_j))² Σ_i W_ij².
    """

    def __init__(self, inputs, units, weight):
        super().__init__()
        self.linear = initialized(nn.Linear(inputs, units), "glorot_uniform")
        self.weight = weight
        self.penalty = 0.0

    def forward(self, x):
        h = torch.sigmoid(self.linear(x))
        column_sq = (self.linear.weight ** 2).sum(dim=1)  # Σ_i W_ij² for every unit j
        self.penalty = self.weight * ((h * (1 - h)) ** 2 @ column_sq).sum() / len(x)
        return h
''',
    "Sampling": '''
class Sampling(nn.Module):
    """The VAE's sample z = μ + σ·ε (ε ~ N(0, I)) while training, z = μ in eval mode,
    and the penalty β · KL(N(μ, σ²) ‖ N(0, I)) per sample, averaged over the batch."""

    def __init__(self, beta):
        super().__init__()
        self.beta = beta
        self.penalty = 0.0

    def forward(self, mu, log_var):
        self.penalty = self.beta * 0.5 * (log_var.exp() + mu ** 2 - 1 - log_var).sum() / len(mu)
        if not self.training:
            return mu
        return mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
''',
    "Maxout": '''
class Maxout(nn.Module):
    """Each unit is the largest of ``pieces`` linear functions of the input."""

    def __init__(self, inputs, units, pieces, how):
        super().__init__()
        self.units, self.pieces = units, pieces
        self.linear = initialized(nn.Linear(inputs, units * pieces), how)

    def forward(self, x):
        return self.linear(x).view(len(x), self.units, self.pieces).amax(dim=-1)
''',
}
HELPER_NEEDS = {"ContractiveDense": ("initialized",), "Maxout": ("initialized",)}
PENALTY_KINDS = ("sparsity_penalty", "contractive_dense", "sampling")

UNSUPPORTED = {
    "dropconnect": "PyTorch has no DropConnect layer; replace it by a Dense layer and a Dropout",
    "locally_connected2d": "PyTorch has no locally connected layer; use a Conv2D instead",
}


# ----------------------------------------------------------------------------
# one node
# ----------------------------------------------------------------------------
def torch_layer(plan: Plan, node_id: str) -> TorchLayer:
    node = plan.node(node_id)
    kind, p = node.kind, node.params
    if kind in UNSUPPORTED:
        raise ExportError(f"Layer {node_id} ({node.title}) cannot be exported to PyTorch: {UNSUPPORTED[kind]}")
    if kind in _ACTIVATIONS:
        return _ACTIVATIONS[kind](p)
    maker = _LAYERS.get(kind)
    if maker is None:
        raise ExportError(f"Layer {node_id} ({node.title}) cannot be exported to PyTorch yet")
    return maker(plan, node_id, p, plan.in_shapes(node_id))


def _fn(body: str, note: str) -> TorchLayer:
    """An activation written as a function of x."""
    return TorchLayer(f"Lambda(lambda x: {body})", note=note, helpers=("Lambda",))


def _sigmoid(p):
    lam = p["steepness"]
    return TorchLayer("nn.Sigmoid()") if lam == 1.0 else _fn(f"torch.sigmoid({lam!r} * x)", f"sigmoid, steepness {lam:g}")


def _silu(p):
    beta = p["beta"]
    return TorchLayer("nn.SiLU()") if beta == 1.0 else _fn(f"x * torch.sigmoid({beta!r} * x)", f"swish, β = {beta:g}")


_STEP_NOTE = "the step's gradient is 0, as in the app (+ 0·x keeps it in the graph)"
_ACTIVATIONS = {
    "identity": lambda p: TorchLayer("nn.Identity()"),
    "binary_step": lambda p: _fn(f"(x >= {p['threshold']!r}).to(x.dtype) + 0.0 * x", _STEP_NOTE),
    "bipolar_step": lambda p: _fn(f"2.0 * (x >= {p['threshold']!r}).to(x.dtype) - 1.0 + 0.0 * x", _STEP_NOTE),
    "ramp": lambda p: TorchLayer("nn.Hardtanh(0.0, 1.0)", note="ramp: x clipped to [0, 1]"),
    "sigmoid": _sigmoid,
    "bipolar_sigmoid": lambda p: _fn(f"2.0 * torch.sigmoid({p['steepness']!r} * x) - 1.0", "bipolar sigmoid"),
    "tanh": lambda p: TorchLayer("nn.Tanh()"),
    "relu": lambda p: TorchLayer("nn.ReLU()"),
    "leaky_relu": lambda p: TorchLayer(f"nn.LeakyReLU({p['slope']!r})"),
    "elu": lambda p: TorchLayer(f"nn.ELU({p['alpha']!r})"),
    "silu": _silu,
    "gelu": lambda p: TorchLayer('nn.GELU(approximate="tanh")'),
    "softplus": lambda p: TorchLayer("nn.Softplus()"),
    "softmax": lambda p: TorchLayer("nn.Softmax(dim=-1)"),
}


def _init(module: str, how: str) -> str:
    return f"initialized({module}, {q(how)})"


def _dense(plan, node_id, p, shapes):
    (n_in,), = shapes
    bias = "" if p["use_bias"] else ", bias=False"
    return TorchLayer(_init(f"nn.Linear({n_in}, {p['units']}{bias})", p["init"]), helpers=("initialized",))


def _sequence_dense(plan, node_id, p, shapes):
    n_in = shapes[0][-1]
    return TorchLayer(_init(f"nn.Linear({n_in}, {p['units']})", p["init"]),
                      note="the same Dense layer at every time step", helpers=("initialized",))


def _pads(p, shape, kernel: int, stride: int, dilation: int = 1) -> tuple[str, str | None]:
    """PyTorch's ``padding=`` argument, and a ZeroPad2d for uneven 'same' padding (extra at bottom/right)."""
    top, bottom, left, right = resolve_padding(p["padding"], shape[1:], (kernel, kernel), (stride, stride),
                                               (dilation, dilation))
    if top == bottom and left == right:
        return (f", padding={top}" if top == left else f", padding=({top}, {left})") if top or left else "", None
    return "", f"nn.ZeroPad2d(({left}, {right}, {top}, {bottom}))"


def _conv_args(p, stride_key="stride") -> str:
    out = ""
    if p.get(stride_key, 1) != 1:
        out += f", stride={p[stride_key]}"
    if p.get("dilation", 1) != 1:
        out += f", dilation={p['dilation']}"
    if not p.get("use_bias", True):
        out += ", bias=False"
    return out


def _sequential(*parts: str | None, **kw) -> TorchLayer:
    """One module, or an nn.Sequential of several (a ZeroPad2d before a convolution)."""
    parts = tuple(p for p in parts if p)
    if len(parts) == 1:
        return TorchLayer(parts[0], **kw)
    return TorchLayer(f"nn.Sequential({', '.join(parts)})", parts=parts, **kw)


_SAME_NOTE = "the odd 'same' pad goes bottom/right, as in the app"


def _conv2d(plan, node_id, p, shapes):
    (shape,) = shapes
    k = p["kernel_size"]
    padding, pad = _pads(p, shape, k, p["stride"], p["dilation"])
    conv = _init(f"nn.Conv2d({shape[0]}, {p['filters']}, kernel_size={k}{_conv_args(p)}{padding})", p["init"])
    return _sequential(pad, conv, note=_SAME_NOTE if pad else "", helpers=("initialized",))


def _depthwise(plan, node_id, p, shapes):
    (shape,) = shapes
    c, k, m = shape[0], p["kernel_size"], p["depth_multiplier"]
    padding, pad = _pads(p, shape, k, p["stride"], p["dilation"])
    conv = _init(f"nn.Conv2d({c}, {c * m}, kernel_size={k}{_conv_args(p)}{padding}, groups={c})", p["init"])
    return _sequential(pad, conv, note="one filter per channel" + (f"; {_SAME_NOTE}" if pad else ""),
                       helpers=("initialized",))


def _separable(plan, node_id, p, shapes):
    (shape,) = shapes
    c, k, m = shape[0], p["kernel_size"], p["depth_multiplier"]
    padding, pad = _pads(p, shape, k, p["stride"], p["dilation"])
    spatial = {**p, "use_bias": False}
    depthwise = _init(f"nn.Conv2d({c}, {c * m}, kernel_size={k}{_conv_args(spatial)}{padding}, groups={c})",
                      p["init"])
    bias = "" if p["use_bias"] else ", bias=False"
    pointwise = _init(f"nn.Conv2d({c * m}, {p['filters']}, kernel_size=1{bias})", p["init"])
    return _sequential(pad, depthwise, pointwise, note="depthwise, then 1×1 pointwise", helpers=("initialized",))


def _conv_transpose(plan, node_id, p, shapes):
    (shape,) = shapes
    extra = _conv_args(p) + (f", padding={p['padding']}" if p["padding"] else "")
    return TorchLayer(_init(f"nn.ConvTranspose2d({shape[0]}, {p['filters']}, kernel_size={p['kernel_size']}"
                            f"{extra})", p["init"]), helpers=("initialized",))


def _upsample(plan, node_id, p, shapes):
    if p["mode"] == "nearest":
        return TorchLayer(f"nn.Upsample(scale_factor={p['scale']})")
    return TorchLayer(f'nn.Upsample(scale_factor={p["scale"]}, mode="bilinear", align_corners=False)')


def _pool_args(p) -> str:
    out = f"{p['pool_size']}"
    if p.get("stride") is not None and p["stride"] != p["pool_size"]:
        out += f", stride={p['stride']}"
    if p.get("padding"):
        out += f", padding={p['padding']}"
    return out


def _sum_pool(plan, node_id, p, shapes):
    k, s = p["pool_size"], p["stride"] or p["pool_size"]
    return TorchLayer(None, f"nn.functional.avg_pool2d({{0}}, {k}, {s}, {p['padding']}) * {k * k}",
                      note="sum pooling = average × window size")


def _batchnorm(plan, node_id, p, shapes):
    (shape,) = shapes
    dims = "1d" if len(shape) == 1 else "2d"
    momentum = round(1.0 - p["momentum"], 12)  # PyTorch's momentum is 1 − the app's
    args = "" if momentum == 0.1 else f", momentum={momentum!r}"
    args += "" if p["eps"] == 1e-5 else f", eps={p['eps']!r}"
    return TorchLayer(f"nn.BatchNorm{dims}({shape[0]}{args})",
                      note="" if momentum == 0.1 else f"PyTorch's momentum is 1 − the app's {p['momentum']}")


def _recurrent(cls: str):
    def make(plan, node_id, p, shapes):
        (shape,) = shapes
        forget = ", forget_bias=1.0" if cls == "LSTM" else ""
        module = f"initialized_rnn(nn.{cls}({shape[-1]}, {p['units']}, batch_first=True){forget})"
        if p["return_sequences"]:
            return TorchLayer(module, "{self}({0})[0]", "h_1 … h_T: every time step (many-to-many)",
                              ("initialized_rnn",))
        return TorchLayer(module, "{self}({0})[0][:, -1]", "h_T: the last time step (many-to-one)",
                          ("initialized_rnn",))

    return make


def _reshape(plan, node_id, p, shapes):
    return TorchLayer(None, f"{{0}}.reshape(len({{0}}), {', '.join(str(s) for s in p['shape'])})")


def _permute(plan, node_id, p, shapes):
    return TorchLayer(None, f"{{0}}.permute(0, {', '.join(str(a + 1) for a in p['axes'])})")


def _add(plan, node_id, p, shapes):
    return TorchLayer(None, " + ".join(f"{{{i}}}" for i in range(len(shapes))), note="element-wise sum")


def _concatenate(plan, node_id, p, shapes):
    items = ", ".join(f"{{{i}}}" for i in range(len(shapes)))
    return TorchLayer(None, f"torch.cat([{items}], dim=1)", note="joined along features/channels")


def _slice(plan, node_id, p, shapes):
    index = ", ".join([":"] * (p["axis"] + 1) + [f"{p['start']}:{p['stop']}"])
    return TorchLayer(None, f"{{0}}[{index}]", note=f"positions {p['start']} … {p['stop'] - 1} of axis {p['axis']}")


def _abs_difference(plan, node_id, p, shapes):
    return TorchLayer(None, "torch.abs({0} - {1})", note="|a − b| feature by feature")


def _simple(module: str, **kw: Any):
    return lambda plan, node_id, p, shapes: TorchLayer(module.format(**p), **kw)


_LAYERS = {
    "dense": _dense,
    "slice": _slice,
    "abs_difference": _abs_difference,
    "sequence_dense": _sequence_dense,
    "flatten": _simple("nn.Flatten()"),
    "reshape": _reshape,
    "permute": _permute,
    "prelu": _simple("nn.PReLU(init={initial_slope!r})"),
    "maxout": lambda plan, node_id, p, shapes: TorchLayer(
        f"Maxout({shapes[0][0]}, {p['units']}, {p['pieces']}, {q(p['init'])})", helpers=("Maxout",)),
    "conv2d": _conv2d,
    "depthwise_conv2d": _depthwise,
    "separable_conv2d": _separable,
    "conv2d_transpose": _conv_transpose,
    "upsample2d": _upsample,
    "max_pool2d": lambda plan, node_id, p, shapes: TorchLayer(f"nn.MaxPool2d({_pool_args(p)})"),
    "avg_pool2d": lambda plan, node_id, p, shapes: TorchLayer(f"nn.AvgPool2d({_pool_args(p)})"),
    "sum_pool2d": _sum_pool,
    "global_avg_pool2d": lambda *a: TorchLayer(None, "{0}.mean(dim=(2, 3))", "global average pooling"),
    "global_max_pool2d": lambda *a: TorchLayer(None, "{0}.amax(dim=(2, 3))", "global max pooling"),
    "simple_rnn": _recurrent("RNN"),
    "lstm": _recurrent("LSTM"),
    "gru": _recurrent("GRU"),
    "dropout": _simple("nn.Dropout({rate!r})"),
    "batchnorm": _batchnorm,
    "add": _add,
    "concatenate": _concatenate,
    "gaussian_noise": _simple("GaussianNoise({std!r})", helpers=("GaussianNoise",)),
    "masking_noise": _simple("MaskingNoise({rate!r})", helpers=("MaskingNoise",)),
    "sparsity_penalty": lambda plan, node_id, p, shapes: TorchLayer(
        f"SparsityPenalty({q(p['penalty'])}, {p['weight']!r}, {p['target']!r})", helpers=("SparsityPenalty",)),
    "contractive_dense": lambda plan, node_id, p, shapes: TorchLayer(
        f"ContractiveDense({shapes[0][0]}, {p['units']}, {p['weight']!r})", helpers=("ContractiveDense",)),
    "sampling": lambda plan, node_id, p, shapes: TorchLayer(
        f"Sampling({p['beta']!r})", "{self}({0}, {1})", "z = μ + σ·ε", ("Sampling",)),
}

__all__ = ["HELPERS", "HELPER_NEEDS", "PENALTY_KINDS", "TorchLayer", "torch_layer"]
