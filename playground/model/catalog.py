"""The layer catalog: the one place that says what each layer kind is.

The palette lists it (by group), the inspector builds widgets from the
parameter specs, the graph validates ports and values with it, shape inference
and the compiler call each entry's ``build(params)`` to get an engine layer.

Engine modules are imported lazily, inside :meth:`LayerSpec.build`, so the catalog loads
(and the palette can show every kind) even while a layer module is missing; such
an entry reports ``available() == False`` and its nodes get a plain message.

Structural kinds: ``input`` builds an engine ``Input``; ``output`` builds no
layer at all — it marks the network's output and holds the loss choice.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping

from .errors import InvalidParamError, UnknownKindError, UnknownParamError
from .params import ParamSpec

Shape = tuple[int, ...]

GROUPS: tuple[str, ...] = ("Core", "Activations", "Convolution", "Pooling", "Recurrent",
                           "Regularization", "Merge", "Autoencoder", "Output")

MAX_VARIABLE_PORTS = 64  # Add/Concatenate: enough for any Inception block

INITIALIZER_NAMES = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "uniform",
                     "normal", "zeros", "ones", "constant")


# ----------------------------------------------------------------------------
# losses (chosen on the Output node)
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LossSpec:
    """A loss the Output node can use.

    ``expects`` says what the layer before the Output should produce:
    ``"values"`` (any real numbers), ``"probabilities"`` (after a Sigmoid or
    Softmax, see ``after``) or ``"logits"`` (raw scores; the loss applies the
    sigmoid/softmax itself, which is more stable).
    """

    name: str
    title: str
    help: str
    expects: str = "values"
    after: str | None = None  # the activation the loss expects just before the Output
    classification: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (Output param, engine keyword)
    engine: str | None = None  # the name in engine.losses.LOSSES when it differs from ``name``
    fixed: tuple[tuple[str, Any], ...] = ()  # keyword arguments always passed

    @property
    def engine_name(self) -> str:
        return self.engine or self.name


LOSSES: Mapping[str, LossSpec] = MappingProxyType({spec.name: spec for spec in (
    LossSpec("mse", "Mean squared error", "MSE = 1/N Σ(y − ŷ)² (or the ½·Σ form used in hand "
             "derivations). For regression: predicting numbers.", options=(("mse_form", "form"),)),
    LossSpec("mae", "Mean absolute error", "MAE = 1/N Σ|y − ŷ|. Less sensitive to outliers than MSE."),
    LossSpec("huber", "Huber", "Squared error for small errors (|e| ≤ δ), absolute error beyond: "
             "robust regression.", options=(("huber_delta", "delta"),)),
    LossSpec("bce", "Binary cross-entropy", "−[y log p + (1 − y) log(1 − p)] for two classes "
             "(targets 0/1). Put a Sigmoid before the Output.", expects="probabilities",
             after="sigmoid", classification=True),
    LossSpec("bce_logits", "Binary cross-entropy (from logits)", "Binary cross-entropy with the "
             "sigmoid built in (more stable): no Sigmoid before the Output.", expects="logits",
             classification=True, engine="bce", fixed=(("from_logits", True),)),
    LossSpec("softmax_cross_entropy", "Softmax cross-entropy", "Categorical cross-entropy with the softmax built "
             "in (fused, stable): give the last layer one unit per class and no Softmax; targets "
             "one-hot or class numbers.", expects="logits", classification=True),
    LossSpec("categorical_cross_entropy", "Categorical cross-entropy", "−Σ t log p on probabilities: put a "
             "Softmax before the Output; one-hot targets.", expects="probabilities",
             after="softmax", classification=True),
    LossSpec("multilabel_bce", "Multi-label binary cross-entropy", "One yes/no decision per output "
             "unit (several labels may be on at once); takes raw scores.", expects="logits",
             classification=True),
    LossSpec("mape", "Mean absolute percentage error", "100/N Σ|y − ŷ|/|y|: errors relative to the "
             "target, common in forecasting. Targets must not be zero."),
)})


def get_loss_spec(name: str) -> LossSpec:
    try:
        return LOSSES[name]
    except KeyError:
        raise InvalidParamError(f"Unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None


def loss_config(output_params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(loss name, keyword arguments)`` for ``engine.losses.get_loss`` from an Output node's params."""
    spec = get_loss_spec(output_params.get("loss", "mse"))
    kwargs = dict(spec.fixed)
    kwargs.update({arg: output_params[param] for param, arg in spec.options if param in output_params})
    return spec.engine_name, kwargs


def build_loss(output_params: Mapping[str, Any]):
    """The engine loss object for an Output node's params (imports the engine lazily)."""
    name, kwargs = loss_config(output_params)
    losses = importlib.import_module("playground.engine.losses")
    return losses.get_loss(name, **kwargs)


# ----------------------------------------------------------------------------
# layer specs
# ----------------------------------------------------------------------------
Factory = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class LayerSpec:
    """One kind of node.

    ``inputs`` names the input ports (``()`` for Input). ``variable_inputs``
    (Add, Concatenate) means any number of ports, at least ``len(inputs)``.
    :meth:`build` makes a new engine layer: ``module.engine_class(**kwargs)``, or
    ``factory(params)`` where the constructor needs more than keywords (activations);
    Output has neither and builds ``None``.
    ``example`` is a sensible per-sample input (one shape per port) used by the
    palette tooltip and by tests.
    """

    kind: str
    title: str
    group: str
    help: str
    inputs: tuple[str, ...] = ("input",)
    variable_inputs: bool = False
    params: tuple[ParamSpec, ...] = ()
    factory: Factory | None = None
    module: str | None = None
    has_output: bool = True
    example: tuple[Shape, ...] = ((8,),)
    engine_class: str | None = None  # the engine class, e.g. "Conv2D" (in ``module``)
    _by_name: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.group not in GROUPS:
            raise ValueError(f"{self.kind}: unknown group {self.group!r}")
        self._by_name.update({p.name: p for p in self.params})

    # -- ports --------------------------------------------------------------
    @property
    def min_inputs(self) -> int:
        return len(self.inputs)

    @property
    def max_inputs(self) -> int | None:
        """``None`` when any number of inputs may be connected."""
        return None if self.variable_inputs else len(self.inputs)

    def has_port(self, port: int) -> bool:
        if isinstance(port, bool) or not isinstance(port, int) or port < 0:
            return False
        return port < (MAX_VARIABLE_PORTS if self.variable_inputs else len(self.inputs))

    def port_name(self, port: int) -> str:
        if port < len(self.inputs) and not self.variable_inputs:
            return self.inputs[port]
        return f"input {port + 1}"

    # -- parameters -----------------------------------------------------------
    def param(self, name: str) -> ParamSpec:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name) or "none"
            raise UnknownParamError(f"{self.title} has no parameter {name!r} (its parameters: "
                                    f"{known})") from None

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def coerce(self, name: str, value: Any) -> Any:
        return self.param(name).coerce(value, owner=self.title)

    def validate_params(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        """Defaults overlaid with ``params``, each value checked; raises a :class:`ParamError`."""
        if params is not None and not isinstance(params, Mapping):
            raise InvalidParamError(f"{self.title}: parameters must be a mapping of name → value")
        out = self.defaults()
        for name, value in (params or {}).items():
            out[name] = self.coerce(name, value)
        return out

    def params_to_json(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {name: self.param(name).to_json(value) for name, value in params.items()}

    # -- engine ---------------------------------------------------------------
    def available(self) -> bool:
        """Whether the engine module this kind needs can be imported."""
        if self.module is None:
            return True
        try:
            module = importlib.import_module(self.module)
        except ImportError:
            return False
        return self.engine_class is None or hasattr(module, self.engine_class)

    def layer_kwargs(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The engine constructor's keyword arguments for these (checked) params."""
        full = self.validate_params(params)
        return {(p.arg or p.name): full[p.name] for p in self.params if p.to_layer}

    def build(self, params: Mapping[str, Any] | None = None):
        """A new engine layer (``None`` for Output). Import errors propagate."""
        checked = self.validate_params(params)
        if self.factory is not None:
            return self.factory(checked)
        if self.engine_class is None:
            return None
        return _engine_class(self.module, self.engine_class)(**self.layer_kwargs(checked))

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "group": self.group, "help": self.help,
                "inputs": list(self.inputs), "variable_inputs": self.variable_inputs,
                "has_output": self.has_output, "params": [p.describe() for p in self.params]}


def _engine_class(module: str, name: str):
    return getattr(importlib.import_module(module), name)


_SPECS: list[LayerSpec] = []


def _register(kind: str, title: str, group: str, help: str, module: str | None, class_name: str | None,
              params: tuple[ParamSpec, ...] = (), factory: Factory | None = None, **kw) -> None:
    """Add a spec; without a ``factory`` it builds ``module.class_name(**params)``."""
    full_module = f"playground.engine.{module}" if module else None
    _SPECS.append(LayerSpec(kind, title, group, help, params=params, factory=factory, module=full_module,
                            engine_class=class_name, **kw))


# -- reusable parameter specs --------------------------------------------------
def _int(name, default, help, minimum=1, maximum=None, **kw) -> ParamSpec:
    return ParamSpec(name, "int", default, help, minimum=minimum, maximum=maximum, **kw)


def _float(name, default, help, minimum=None, maximum=None, **kw) -> ParamSpec:
    return ParamSpec(name, "float", default, help, minimum=minimum, maximum=maximum, **kw)


def _bool(name, default, help, **kw) -> ParamSpec:
    return ParamSpec(name, "bool", default, help, **kw)


def _choice(name, default, choices, help, **kw) -> ParamSpec:
    return ParamSpec(name, "choice", default, help, choices=tuple(choices), **kw)


UNITS = _int("units", 8, "Number of neurons (outputs per sample).", maximum=100_000)
USE_BIAS = _bool("use_bias", True, "Add a learned bias b to every output (the weight of a constant 1).",
                 title="Use bias")
INIT = _choice("init", "glorot_uniform", INITIALIZER_NAMES,
               "How the weights start: Glorot/Xavier for sigmoid/tanh, He for ReLU; zeros or ones show "
               "the symmetry problem.", title="Initializer")
FILTERS = _int("filters", 8, "Number of filters = output channels (feature maps).", maximum=4096)
KERNEL = _int("kernel_size", 3, "Filter size f (an f×f window).", maximum=64, title="Kernel size")
STRIDE = _int("stride", 1, "Step s between windows; output size ⌊(n + 2p − f)/s⌋ + 1.", maximum=64)
PADDING = _choice("padding", "valid", ("valid", "same"),
                  "valid: no padding (the image shrinks); same: zero padding so the size stays (stride 1).")
DILATION = _int("dilation", 1, "Gaps between filter taps (1 = a plain filter); widens the receptive field.",
                maximum=16)
RATE = _float("rate", 0.5, "Fraction dropped p, from 0 up to (not including) 1.", minimum=0.0,
              maximum=1.0, exclusive_max=True)
RETURN_SEQ = _bool("return_sequences", False, "Output h_t at every time step (many-to-many, or to stack "
                   "another recurrent layer) instead of only the last one (many-to-one).",
                   title="Return sequences")
SHARE_WEIGHTS = ParamSpec(
    "share_weights_with", "node", None, "The id of another layer of the same kind and size (e.g. dense_1) "
    "whose weights this layer uses instead of its own: both learn one set of weights, as the two towers of "
    "a Siamese pair do. Empty: its own weights.", title="Share weights with", optional=True, to_layer=False)
POOL = _int("pool_size", 2, "Window size k (a k×k window).", maximum=64, title="Pool size")
POOL_STRIDE = _int("stride", None, "Step between windows; empty = the pool size (windows do not overlap).",
                   maximum=64, optional=True)
POOL_PAD = _int("padding", 0, "Zero padding on each side.", minimum=0, maximum=64)

# ============================================================================
# Core
# ============================================================================


_register("input", "Input", "Core",
          "Where the data enters. Its shape is per sample: (2,) for two features, (1, 28, 28) for a "
          "gray 28×28 image, (T, F) for a sequence. Usually taken from the dataset.",
          "network", "Input", inputs=(), example=(),
          params=(ParamSpec("shape", "shape", (2,), "Per-sample shape, e.g. [2] or [1, 28, 28].",
                            minimum=1, maximum=100_000),
                  _bool("from_dataset", True, "Take the shape from the chosen dataset; turn off to type it.",
                        title="Shape from dataset", to_layer=False)))
_register("dense", "Dense", "Core",
          "Fully connected layer y = xW + b: every input feeds every unit. W has one row per input and "
          "one column per unit.", "layers.dense", "Dense", params=(UNITS, USE_BIAS, INIT, SHARE_WEIGHTS))
_register("flatten", "Flatten", "Core",
          "Lays every value of a sample out in one row: (C, H, W) → (C·H·W,). Put it between "
          "convolutions and Dense layers.", "layers.shape", "Flatten", example=((4, 3, 3),))
_register("reshape", "Reshape", "Core",
          "Gives each sample a new shape with the same number of values, e.g. (784,) → (1, 28, 28). "
          "One axis may be −1: it is worked out.", "layers.shape", "Reshape", example=((16,),),
          params=(ParamSpec("shape", "shape", (1, 4, 4), "Target shape per sample.", minimum=1,
                            maximum=100_000, allow_minus_one=True),))
_register("permute", "Permute", "Core",
          "Reorders the per-sample axes (counted from 0, batch left out): (1, 2, 0) turns (C, H, W) "
          "into (H, W, C).", "layers.shape", "Permute", example=((3, 5),),
          params=(ParamSpec("axes", "shape", (1, 0), "The new order of the axes, e.g. [1, 0].",
                            minimum=0, maximum=3),))
_register("slice", "Slice", "Core",
          "Keeps part of each sample: positions start … stop − 1 along one axis (counted from 0, batch left "
          "out), e.g. the left half of an image. Two Slices let one input feed two branches, such as the two "
          "images of a pair.", "layers.slicing", "Slice", example=((8,),),
          params=(_int("axis", 0, "The axis to cut along: 0 for the features of a vector; for an image "
                       "(C, H, W) 0 = channels, 1 = rows, 2 = columns.", minimum=0, maximum=3),
                  _int("start", 0, "The first position kept (counted from 0).", minimum=0, maximum=100_000),
                  _int("stop", 4, "One past the last position kept: start 0, stop 4 keeps 0, 1, 2, 3.",
                       maximum=100_000)))

# ============================================================================
# Activations
# ============================================================================
STEEPNESS = _float("steepness", 1.0, "Steepness λ: f(x) = 1/(1 + e^(−λx)); larger is closer to a step.",
                   minimum=0.0, exclusive_min=True, maximum=100.0, title="Steepness λ")
THRESHOLD = _float("threshold", 0.0, "Threshold q where the output jumps.", title="Threshold q")

_ACTIVATIONS: tuple[tuple[str, str, str, tuple[ParamSpec, ...]], ...] = (
    ("identity", "Identity", "f(x) = x. Without non-linear activations a deep network is just one "
     "linear layer.", ()),
    ("binary_step", "Binary step", "f(x) = 1 if x ≥ q else 0 (the McCulloch–Pitts unit). Its gradient "
     "is 0, so gradient descent cannot learn through it.", (THRESHOLD,)),
    ("bipolar_step", "Bipolar step", "f(x) = 1 if x ≥ q else −1. Zero gradient, like the binary step.",
     (THRESHOLD,)),
    ("ramp", "Ramp", "f(x) = 0 below 0, x between 0 and 1, 1 above: a linear piece clipped to [0, 1].", ()),
    ("sigmoid", "Sigmoid", "f(x) = 1/(1 + e^(−λx)), output in (0, 1); f' = λf(1 − f). Saturates, so deep "
     "sigmoid stacks have vanishing gradients.", (STEEPNESS,)),
    ("bipolar_sigmoid", "Bipolar sigmoid", "f(x) = 2/(1 + e^(−λx)) − 1, output in (−1, 1).", (STEEPNESS,)),
    ("tanh", "Tanh", "f(x) = tanh x, output in (−1, 1); f' = 1 − tanh² x.", ()),
    ("relu", "ReLU", "f(x) = max(0, x); f' = 1 for x > 0, else 0. Units stuck below 0 stop learning "
     "(dying ReLU).", ()),
    ("leaky_relu", "Leaky ReLU", "f(x) = x for x > 0, a·x otherwise: a small slope keeps units alive.",
     (_float("slope", 0.01, "Slope a for negative inputs.", minimum=0.0, maximum=1.0, title="Slope a"),)),
    ("elu", "ELU", "f(x) = x for x > 0, α(eˣ − 1) otherwise: smooth, negative outputs push means to 0.",
     (_float("alpha", 1.0, "α: the value approached for very negative x is −α.", minimum=0.0,
             maximum=10.0, title="α"),)),
    ("silu", "Swish / SiLU", "f(x) = x·σ(βx): smooth and non-monotonic (β = 1 is SiLU).",
     (_float("beta", 1.0, "β inside the sigmoid; large β approaches ReLU.", minimum=0.0, maximum=100.0,
             title="β"),)),
    ("gelu", "GELU", "f(x) = x·Φ(x) (Φ the normal CDF): used in transformers.", ()),
    ("softplus", "Softplus", "f(x) = log(1 + eˣ): a smooth ReLU; its derivative is the sigmoid.", ()),
    ("softmax", "Softmax", "Turns scores into probabilities that sum to 1 (over the features). Use it "
     "last, with categorical cross-entropy.", ()),
)


def _activation_factory(kind: str) -> Factory:
    def factory(params: dict[str, Any]):
        return _engine_class("playground.engine.layers.activation", "Activation")(kind, **params)

    return factory


for _kind, _title, _help, _params in _ACTIVATIONS:
    _register(_kind, _title, "Activations", _help, "layers.activation", "Activation", params=_params,
              factory=_activation_factory(_kind))

_register("prelu", "PReLU", "Activations",
          "Parametric ReLU: like Leaky ReLU, but the slope a for negative inputs is learned.",
          "layers.activation", "PReLU",
          params=(_float("initial_slope", 0.25, "The slope a before training.", minimum=0.0, maximum=1.0,
                         arg="init", title="Initial slope a"),))
_register("maxout", "Maxout", "Activations",
          "Each unit is the max of k linear pieces: a learned, piece-wise linear activation.",
          "layers.activation", "Maxout",
          params=(UNITS, _int("pieces", 2, "Number of linear pieces k per unit.", maximum=16), INIT))

# ============================================================================
# Convolution (images NCHW; per-sample shape (C, H, W))
# ============================================================================
IMAGE = ((1, 8, 8),)
CONV_INIT = replace(INIT, default="he_uniform")
DEPTH_MULT = _int("depth_multiplier", 1, "Filters per input channel.", maximum=64, title="Depth multiplier")
_register("conv2d", "Conv2D", "Convolution",
          "Slides f×f filters over the image: parameter sharing, one feature map per filter. Output size "
          "⌊(n + 2p − f)/s⌋ + 1; parameters (f·f·c_in + 1)·c_out.", "layers.conv", "Conv2D",
          params=(FILTERS, KERNEL, STRIDE, PADDING, DILATION, USE_BIAS, CONV_INIT, SHARE_WEIGHTS), example=IMAGE)
_register("depthwise_conv2d", "Depthwise Conv2D", "Convolution",
          "One filter per input channel (channels are not mixed); with a 1×1 Conv2D after it, a "
          "MobileNet block.", "layers.conv", "DepthwiseConv2D",
          params=(KERNEL, DEPTH_MULT, STRIDE, PADDING, DILATION, USE_BIAS, CONV_INIT), example=IMAGE)
_register("separable_conv2d", "Separable Conv2D", "Convolution",
          "Depthwise convolution followed by a 1×1 convolution: far fewer parameters than Conv2D.",
          "layers.conv", "SeparableConv2D",
          params=(FILTERS, KERNEL, STRIDE, PADDING, DILATION, DEPTH_MULT, USE_BIAS, CONV_INIT),
          example=IMAGE)
_register("conv2d_transpose", "Conv2D transpose", "Convolution",
          "Upsamples with learned filters (the gradient of a convolution): used in decoders.",
          "layers.conv", "Conv2DTranspose",
          params=(FILTERS, KERNEL, STRIDE, _int("padding", 0, "Rows/columns cropped on each side.",
                                                minimum=0, maximum=64), USE_BIAS, CONV_INIT), example=IMAGE)
_register("upsample2d", "Upsample 2D", "Convolution",
          "Enlarges each feature map by a whole factor, repeating pixels (nearest) or interpolating "
          "(bilinear).", "layers.upsample", "Upsample2D",
          params=(_int("scale", 2, "Factor for height and width.", maximum=16),
                  _choice("mode", "nearest", ("nearest", "bilinear"), "How new pixels are filled in.")),
          example=IMAGE)
_register("locally_connected2d", "Locally connected 2D", "Convolution",
          "Like Conv2D but every position has its own filter (no parameter sharing).",
          "layers.locally_connected", "LocallyConnected2D",
          params=(FILTERS, KERNEL, STRIDE, PADDING, USE_BIAS, CONV_INIT),
          example=IMAGE)

# ============================================================================
# Pooling
# ============================================================================
_register("max_pool2d", "Max pooling", "Pooling", "Keeps the largest value of each k×k window.",
          "layers.pooling", "MaxPool2D", params=(POOL, POOL_STRIDE, POOL_PAD), example=IMAGE)
_register("avg_pool2d", "Average pooling", "Pooling", "Averages each k×k window.",
          "layers.pooling", "AvgPool2D", params=(POOL, POOL_STRIDE, POOL_PAD), example=IMAGE)
_register("sum_pool2d", "Sum pooling", "Pooling", "Sums each k×k window.",
          "layers.pooling", "SumPool2D", params=(POOL, POOL_STRIDE, POOL_PAD), example=IMAGE)
_register("global_avg_pool2d", "Global average pooling", "Pooling",
          "One number per channel: the mean of the whole feature map, (C, H, W) → (C,).",
          "layers.pooling", "GlobalAvgPool2D", example=IMAGE)
_register("global_max_pool2d", "Global max pooling", "Pooling",
          "One number per channel: the largest value of the feature map, (C, H, W) → (C,).",
          "layers.pooling", "GlobalMaxPool2D", example=IMAGE)

# ============================================================================
# Recurrent (per sample (T, F): time steps × features)
# ============================================================================
SEQUENCE = ((5, 3),)
_register("simple_rnn", "Simple RNN", "Recurrent",
          "h_t = tanh(W_hh h_{t−1} + W_xh x_t + b), trained by backpropagation through time.",
          "layers.recurrent", "SimpleRNN", params=(UNITS, RETURN_SEQ), example=SEQUENCE)
_register("lstm", "LSTM", "Recurrent",
          "Long short-term memory: input, forget and output gates and a cell state that carries "
          "information (and gradients) over many steps.", "layers.recurrent", "LSTM",
          params=(UNITS, RETURN_SEQ), example=SEQUENCE)
_register("gru", "GRU", "Recurrent",
          "Gated recurrent unit: update and reset gates; fewer parameters than an LSTM.",
          "layers.recurrent", "GRU", params=(UNITS, RETURN_SEQ), example=SEQUENCE)
_register("sequence_dense", "Dense per time step", "Recurrent",
          "The same Dense layer y_t = h_t W + b at every time step: (T, F) → (T, units). Use it after a "
          "recurrent layer that returns sequences (many-to-many).", "layers.recurrent", "SequenceDense",
          params=(UNITS, INIT), example=SEQUENCE)

# ============================================================================
# Regularization
# ============================================================================
_register("dropout", "Dropout", "Regularization",
          "Zeroes each value with probability p while training; survivors are scaled by 1/(1 − p) "
          "(inverted dropout). Off at test time.", "layers.dropout", "Dropout", params=(RATE,))
_register("dropconnect", "DropConnect", "Regularization",
          "A Dense layer whose weights (not activations) are dropped at random, a new mask per batch.",
          "layers.dropout", "DropConnect", params=(UNITS, RATE, USE_BIAS, INIT))
_register("batchnorm", "Batch normalization", "Regularization",
          "Normalizes each feature (or channel) over the mini-batch, then scales by γ and shifts by β "
          "(learned). Running statistics are used at test time.", "layers.batchnorm", "BatchNorm",
          params=(_float("momentum", 0.9, "How much of the running statistics is kept at each step.",
                         minimum=0.0, maximum=1.0, exclusive_max=True),
                  _float("eps", 1e-5, "ε, keeps 1/√(σ² + ε) finite.", minimum=0.0, exclusive_min=True,
                         maximum=1.0, title="ε")))

# ============================================================================
# Merge
# ============================================================================
_register("add", "Add", "Merge",
          "Element-wise sum of two or more inputs of the same shape: a residual (skip) connection.",
          "layers.merge", "Add", inputs=("input 1", "input 2"), variable_inputs=True,
          example=((4,), (4,)))
_register("concatenate", "Concatenate", "Merge",
          "Joins two or more inputs along their first axis (features, or channels for images): an "
          "Inception block.", "layers.merge", "Concatenate", inputs=("input 1", "input 2"),
          variable_inputs=True, example=((3,), (5,)))
_register("abs_difference", "Absolute difference", "Merge",
          "|a − b| element by element, for two inputs of the same shape: how far apart two embeddings are, "
          "feature by feature. The head of a Siamese network compares its two towers with it.",
          "layers.distance", "AbsDifference", inputs=("a", "b"), example=((4,), (4,)))

# ============================================================================
# Autoencoder
# ============================================================================
_register("gaussian_noise", "Gaussian noise", "Autoencoder",
          "Adds N(0, σ²) noise while training (a denoising autoencoder's corruption).",
          "layers.autoencoder", "GaussianNoise",
          params=(_float("std", 0.1, "Standard deviation σ of the noise.", minimum=0.0, maximum=100.0),))
_register("masking_noise", "Masking noise", "Autoencoder",
          "Sets a random fraction of the inputs to 0 while training (denoising corruption).",
          "layers.autoencoder", "MaskingNoise", params=(replace(RATE, default=0.25),))
_register("sparsity_penalty", "Sparsity penalty", "Autoencoder",
          "Passes values through and adds a penalty that keeps the code sparse: L1 (λΣ|h|) or KL to a "
          "target activation ρ (for sigmoid codes).", "layers.autoencoder", "SparsityPenalty",
          params=(_choice("penalty", "l1", ("l1", "kl"), "L1 on the activations, or KL divergence to ρ.",
                          arg="kind"),
                  _float("weight", 1e-3, "Strength λ (or β) of the penalty.", minimum=0.0, maximum=1e3),
                  _float("target", 0.05, "Target mean activation ρ (KL only).", minimum=0.0,
                         exclusive_min=True, maximum=1.0, exclusive_max=True, title="Target ρ")))
_register("contractive_dense", "Contractive Dense", "Autoencoder",
          "A sigmoid Dense encoder with a penalty on the Frobenius norm of its Jacobian: the code "
          "changes little when the input wiggles.", "layers.autoencoder", "ContractiveDense",
          params=(UNITS, _float("weight", 1e-3, "Strength λ of the Jacobian penalty.", minimum=0.0,
                                maximum=1e3)))
_register("sampling", "Sampling (VAE)", "Autoencoder",
          "Reparameterized sample z = μ + σ·ε from the encoder's μ and log σ², with β·KL(q ‖ N(0, I)) "
          "added to the loss.", "layers.autoencoder", "Sampling", inputs=("mu", "log_var"),
          params=(_float("beta", 1.0, "Weight β of the KL term.", minimum=0.0, maximum=1e3),),
          example=((4,), (4,)))

# ============================================================================
# Output
# ============================================================================
_register("output", "Output", "Output",
          "Marks the network's output and chooses the loss that compares it with the targets.",
          None, None, has_output=False,
          params=(_choice("loss", "mse", tuple(LOSSES), "The loss: MSE/MAE/Huber/MAPE for numbers, "
                          "cross-entropies for classes."),
                  _float("huber_delta", 1.0, "Huber δ: errors up to δ count squared, beyond it "
                         "linearly.", minimum=0.0, exclusive_min=True, maximum=1e6, title="Huber δ"),
                  _choice("mse_form", "mean", ("mean", "half_sum"), "mean: 1/N Σ(y − ŷ)²; half_sum: "
                          "½ Σ(y − ŷ)² as in hand derivations.", title="MSE form")))

CATALOG: Mapping[str, LayerSpec] = MappingProxyType({spec.kind: spec for spec in _SPECS})


def get_spec(kind: str) -> LayerSpec:
    """The spec of a kind; raises :class:`UnknownKindError`."""
    try:
        return CATALOG[kind]
    except (KeyError, TypeError):
        raise UnknownKindError(kind) from None


def kinds_in_group(group: str) -> list[str]:
    """Kinds of one palette group, in catalog order."""
    return [spec.kind for spec in CATALOG.values() if spec.group == group]


def palette() -> list[tuple[str, list[LayerSpec]]]:
    """``[(group, [spec, …]), …]`` in palette order, empty groups left out."""
    groups = [(g, [CATALOG[k] for k in kinds_in_group(g)]) for g in GROUPS]
    return [(g, specs) for g, specs in groups if specs]
