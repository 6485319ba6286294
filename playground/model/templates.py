"""The template gallery: whole, correctly wired sub-networks a student drops on the canvas.

Each :class:`Template` names a classic architecture, says in one paragraph what
it is and what to watch for, suggests a bundled dataset it trains on in seconds
to minutes, and builds its layers into a graph::

    ids = get_template("resnet_block").build(graph, x=200, y=100)

``build`` adds the nodes in one atomic edit (they are made in a scratch graph
and pasted with :meth:`Graph.insert`, so a failure changes nothing) and returns
the new node ids in order. With ``ends=True`` it also adds an Input before the
body and an Output (with the right loss) after it; by default it does that only
for the ends the graph does not have yet, so dropping a template on an empty
canvas gives a network that trains as it is. :func:`template_project` makes a
whole project: the network, the suggested dataset and settings that work.

The body of every template has one entry (its first node) and one exit (its
last node), so it can also be wired after an existing layer. The Siamese pair
is the one exception on the way in: the Input feeds both of its towers
(``feeds``), whose Dense layers share one set of weights.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .builder import COLUMN, ROW, chain, join
from .graph import Graph
from .project import Project
from .settings import DatasetRef

Shape = tuple[int, ...]
Body = Callable[[Graph], list[str]]

GALLERY_GROUPS: tuple[str, ...] = ("Classic", "Convolutional", "Autoencoders", "Recurrent")


@dataclass(frozen=True)
class Template:
    """One gallery entry.

    ``dataset`` is the suggested data (a registry name and options) and
    ``input_shape`` its per-sample shape; ``loss`` goes on the Output node;
    ``settings`` are the training settings that make it learn (``optimizer``,
    ``lr``, ``epochs``, ``batch_size``, and optionally ``momentum``/``l2``).
    ``feeds`` lists the body nodes an added Input is connected to (only the first
    for every template but the Siamese pair, whose two towers both read the input).
    """

    key: str
    title: str
    group: str
    paragraph: str
    dataset: DatasetRef
    input_shape: Shape
    loss: str
    body: Body = field(repr=False)
    settings: Mapping[str, Any] = field(default_factory=dict)
    feeds: tuple[int, ...] = (0,)  # positions in the body that an added Input feeds (the first: the entry)

    def build(self, graph: Graph, x: float = 0.0, y: float = 0.0, ends: bool | None = None) -> list[str]:
        """Add this template's layers to ``graph`` at ``(x, y)``; return the new node ids in order.

        ``ends``: ``True`` adds an Input before and an Output after the body, ``False``
        adds the body alone; ``None`` adds each end only if the graph has none yet.
        The whole insertion is one edit: it is checked before anything is added.
        """
        add_input = ends if ends is not None else not graph.nodes_of_kind("input")
        add_output = ends if ends is not None else not graph.nodes_of_kind("output")
        scratch = Graph()
        first = None
        if add_input:
            first = scratch.add_node("input", 0.0, 0.0, {"shape": list(self.input_shape),
                                                          "from_dataset": True}).id
        body = self.body(scratch)
        if set(body) != {n.id for n in scratch} - {first}:  # pragma: no cover - a template's own bug
            raise RuntimeError(f"template {self.key!r}: its body must return every node it adds")
        ids = ([first] if first else []) + body
        if first is not None:
            for entry in self.feeds:
                scratch.connect(first, body[entry])
        if add_output:
            right = max(n.x for n in scratch) + COLUMN
            out = scratch.add_node("output", right, 0.0, {"loss": self.loss}).id
            scratch.connect(body[-1], out)
            ids.append(out)
        shift = 0.0 if add_input else -COLUMN  # the body starts one column in; without an Input, at x
        with graph.batch():
            mapping = graph.insert(scratch.extract(ids), dx=x + shift, dy=y)
        return [mapping[i] for i in ids]

    def describe(self) -> dict[str, Any]:
        """Plain data for the gallery view."""
        return {"key": self.key, "title": self.title, "group": self.group, "paragraph": self.paragraph,
                "dataset": self.dataset.to_dict(), "input_shape": list(self.input_shape), "loss": self.loss,
                "settings": dict(self.settings)}


def _at(column: float, row: float = 0.0) -> dict[str, float]:
    return {"x": column * COLUMN, "y": row * ROW}


def _line(g: Graph, steps, after: str | None = None, column: float = 1, row: float = 0) -> list[str]:
    """A chain of layers starting at grid position (column, row), optionally fed by ``after``."""
    return chain(g, steps, after=after, **_at(column, row))


def _dense(units: int, **kw) -> tuple[str, dict[str, Any]]:
    return ("dense", {"units": units, **kw})


def _conv(filters: int, kernel: int = 3, **kw) -> tuple[str, dict[str, Any]]:
    return ("conv2d", {"filters": filters, "kernel_size": kernel, "padding": "same", **kw})


def _ref(name: str, **options) -> DatasetRef:
    return DatasetRef(name=name, options=dict(options))


def _settings(lr: float, epochs: int, batch_size: int = 32, optimizer: str = "adam", **more) -> dict[str, Any]:
    return {"optimizer": optimizer, "lr": lr, "epochs": epochs, "batch_size": batch_size, **more}


# ============================================================================
# Classic
# ============================================================================
def _perceptron(g: Graph) -> list[str]:
    return _line(g, [_dense(1, init="zeros"), ("binary_step", {})])


def _logistic(g: Graph) -> list[str]:
    return _line(g, [_dense(1), "sigmoid"])


def _mlp(g: Graph) -> list[str]:
    return _line(g, [_dense(16), "tanh", _dense(16), "tanh", _dense(1), "sigmoid"])


def _tower(g: Graph, start: int, row: float, twin: list[str] | None = None) -> list[str]:
    """Slice, Flatten, Dense 32, ReLU, Dense 16 on the digit in columns start … start + 7 of the pair.

    With ``twin`` (the other tower's ids) each Dense uses the weights of the twin's Dense at its place.
    """
    share = (lambda i: {"share_weights_with": twin[i]}) if twin else (lambda i: {})
    return _line(g, [("slice", {"axis": 2, "start": start, "stop": start + 8}), "flatten",
                     _dense(32, **share(2)), "relu", _dense(16, **share(4))], row=row)


def _siamese(g: Graph) -> list[str]:
    """Two towers on the left and right digit of a (1, 8, 16) pair, compared by |a − b|."""
    left = _tower(g, 0, -0.75)
    right = _tower(g, 8, 0.75, twin=left)  # the same weights as the left tower
    difference = join(g, "abs_difference", [left[-1], right[-1]], **_at(6))
    head = _line(g, [_dense(1), "sigmoid"], after=difference, column=7.5)  # its card is wide
    return [*left, *right, difference, *head]


SIAMESE_FEEDS = (0, 5)  # the Input feeds the left tower's Slice (the entry) and the right tower's


# ============================================================================
# Convolutional (images NCHW)
# ============================================================================
CLASSES = ("dense", {"units": 10})  # ten digits
SHAPES = 6  # shapes28: circle, square, triangle, cross, star, arrow


def _lenet5(g: Graph) -> list[str]:
    return _line(g, [_conv(6, 5), "tanh", ("avg_pool2d", {}),
                     ("conv2d", {"filters": 16, "kernel_size": 5}), "tanh", ("avg_pool2d", {}), "flatten",
                     _dense(120), "tanh", _dense(84), "tanh", CLASSES])


def _alexnet(g: Graph) -> list[str]:
    overlapping = ("max_pool2d", {"pool_size": 3, "stride": 2})
    return _line(g, [_conv(16, 5, stride=2), "relu", overlapping,
                     _conv(32), "relu", _conv(32), "relu", overlapping, "flatten",
                     _dense(64), "relu", ("dropout", {"rate": 0.3}), _dense(64), "relu",
                     ("dropout", {"rate": 0.3}), _dense(SHAPES)])


def _vgg(g: Graph) -> list[str]:
    return _line(g, [_conv(16), "relu", _conv(16), "relu", ("max_pool2d", {}),
                     _conv(32), "relu", _conv(32), "relu", ("max_pool2d", {}), "flatten",
                     _dense(64), "relu", CLASSES])


def _inception(g: Graph) -> list[str]:
    stem = _line(g, [_conv(16), "relu"])
    branches = [
        _line(g, [_conv(8, 1), "relu"], after=stem[-1], column=3, row=-1.5),
        _line(g, [_conv(8, 1), "relu", _conv(12, 3), "relu"], after=stem[-1], column=3, row=-0.5),
        _line(g, [_conv(4, 1), "relu", _conv(8, 5), "relu"], after=stem[-1], column=3, row=0.5),
        _line(g, [("max_pool2d", {"pool_size": 3, "stride": 1, "padding": 1}), _conv(8, 1), "relu"],
              after=stem[-1], column=3, row=1.5),
    ]
    merged = join(g, "concatenate", [b[-1] for b in branches], **_at(7))
    head = _line(g, [("max_pool2d", {}), "flatten", CLASSES], after=merged, column=8)
    return [*stem, *(i for b in branches for i in b), merged, *head]


def _resnet(g: Graph) -> list[str]:
    stem = _line(g, [_conv(16), ("batchnorm", {}), "relu"])
    branch = _line(g, [_conv(16), ("batchnorm", {}), "relu", _conv(16), ("batchnorm", {})],
                   after=stem[-1], column=4, row=-1)
    added = join(g, "add", [stem[-1], branch[-1]], **_at(9))
    head = _line(g, ["relu", ("max_pool2d", {}), "flatten", CLASSES], after=added, column=10)
    return [*stem, *branch, added, *head]


def _mobilenet(g: Graph) -> list[str]:
    def separable(filters: int, stride: int = 1):
        return [("depthwise_conv2d", {"kernel_size": 3, "stride": stride, "padding": "same"}),
                ("batchnorm", {}), "relu", ("conv2d", {"filters": filters, "kernel_size": 1}),
                ("batchnorm", {}), "relu"]

    return _line(g, [_conv(16), ("batchnorm", {}), "relu", *separable(32), *separable(64, stride=2),
                     ("global_avg_pool2d", {}), CLASSES])


# ============================================================================
# Autoencoders (8×8 digits, 64 pixels in [0, 1])
# ============================================================================
PIXELS = 64


def _undercomplete(g: Graph) -> list[str]:
    return _line(g, [_dense(32), "relu", _dense(8), _dense(32), "relu", _dense(PIXELS)])


def _sparse(g: Graph) -> list[str]:
    return _line(g, [_dense(64), "sigmoid", ("sparsity_penalty", {"penalty": "kl", "weight": 0.1,
                                                                  "target": 0.05}),
                     _dense(PIXELS)])


def _denoising(g: Graph) -> list[str]:
    return _line(g, [("masking_noise", {"rate": 0.3}), _dense(32), "relu", _dense(16), "relu", _dense(32),
                     "relu", _dense(PIXELS)])


def _contractive(g: Graph) -> list[str]:
    return _line(g, [("contractive_dense", {"units": 16, "weight": 0.01}), _dense(PIXELS)])


def _conv_autoencoder(g: Graph) -> list[str]:
    return _line(g, [_conv(8), "relu", ("max_pool2d", {}), _conv(4), "relu", ("max_pool2d", {}),
                     ("upsample2d", {}), _conv(8), "relu", ("upsample2d", {}), _conv(1)])


def _vae(g: Graph) -> list[str]:
    encoder = _line(g, [_dense(64), "relu"])
    mu = _line(g, [_dense(2)], after=encoder[-1], column=3, row=-1)
    log_var = _line(g, [_dense(2)], after=encoder[-1], column=3, row=1)
    z = join(g, "sampling", [mu[0], log_var[0]], params={"beta": 0.5}, **_at(4))
    decoder = _line(g, [_dense(64), "relu", _dense(PIXELS)], after=z, column=5)
    return [*encoder, *mu, *log_var, z, *decoder]


# ============================================================================
# Recurrent (per sample (time, features))
# ============================================================================
SINE_STEPS = 20


def _rnn(g: Graph) -> list[str]:
    return _line(g, [("simple_rnn", {"units": 16}), _dense(1), "sigmoid"])


def _lstm(g: Graph) -> list[str]:
    return _line(g, [("lstm", {"units": 16}), _dense(4)])


def _gru(g: Graph) -> list[str]:
    return _line(g, [("gru", {"units": 16}), _dense(1)])


def _stacked(g: Graph) -> list[str]:
    return _line(g, [("lstm", {"units": 16, "return_sequences": True}),
                     ("lstm", {"units": 16, "return_sequences": True}), ("sequence_dense", {"units": 1})])


def _seq2seq(g: Graph) -> list[str]:
    code = 4
    return _line(g, [("gru", {"units": 16}), _dense(SINE_STEPS * code), "tanh",
                     ("reshape", {"shape": [SINE_STEPS, code]}),
                     ("gru", {"units": 16, "return_sequences": True}), ("sequence_dense", {"units": 1})])


# ============================================================================
# the gallery
# ============================================================================
_DIGITS_FLAT = _ref("digits8", as_images=False)
_DIGITS_IMAGES = _ref("digits8", as_images=True)

_ALL: tuple[Template, ...] = (
    Template(
        "perceptron", "Perceptron (binary step)", "Classic",
        "Rosenblatt's perceptron (1958): a weighted sum w·x + b followed by a binary step, 1 if the sum "
        "is at least 0 and 0 otherwise, so it draws one straight line through the plane. The weights start "
        "at 0, so every point gets a 1 and half of them are wrong. Press Train and watch the loss stay "
        "flat: the step's derivative is 0 everywhere (and undefined at the jump), so backpropagation hands "
        "every weight a gradient of exactly 0 and gradient descent cannot move it (from a random start it "
        "would keep its random line just the same). "
        "Rosenblatt trained it with the perceptron rule w ← w + η(t − y)x, which works for a single layer "
        "and converges only when a straight line can separate the classes. Swap the step for a Sigmoid "
        "and you have logistic regression, which gradient descent trains.",
        _ref("gaussian", noise=0.15), (2,), "mse", _perceptron, _settings(0.1, 20)),
    Template(
        "logistic_regression", "Logistic regression", "Classic",
        "One unit with a sigmoid: p = σ(w·x + b) is the probability of class 1, trained with binary "
        "cross-entropy. The decision boundary p = 0.5 is the straight line w·x + b = 0, so it separates "
        "two clusters well but can never solve XOR or a ring around a disc. With the sigmoid and "
        "cross-entropy together the gradient is simply (p − t)·x: the error times the input.",
        _ref("gaussian", noise=0.15), (2,), "bce", _logistic, _settings(0.1, 30)),
    Template(
        "mlp", "Multilayer perceptron", "Classic",
        "Two hidden layers of 16 tanh units between the input and one sigmoid output. Each hidden unit "
        "draws its own line; the next layer combines them into curved decision boundaries, which is why "
        "an MLP can separate the two interleaved moons that defeat logistic regression. Watch the hidden "
        "units' heat maps on the canvas: each is one bend of the final boundary.",
        _ref("moons", noise=0.1), (2,), "bce", _mlp, _settings(0.01, 100, 16)),
    Template(
        "siamese", "Siamese pair (shared weights)", "Classic",
        "A Siamese network answers 'are these two the same?' (Bromley and LeCun used one to check "
        "signatures in 1993). Each sample is a pair of 8×8 digits side by side; two Slice layers cut it "
        "into the left and the right digit, and each goes through a tower (Flatten, Dense 32, ReLU, Dense "
        "16) that turns it into an embedding of 16 numbers. The right tower's Dense layers share the left "
        "tower's weights (see 'shares weights with' on their cards): one set of weights, trained by the "
        "gradients of both towers added together, so both digits are measured with the same ruler. The "
        "head takes |a − b| feature by feature and one sigmoid unit says 'same digit'. Because it learns a "
        "distance instead of ten classes, such a network can compare things of a class it never saw.",
        _ref("digit_pairs", n=3000), (1, 8, 16), "bce", _siamese, _settings(3e-3, 30, 64), SIAMESE_FEEDS),
    Template(
        "lenet5", "LeNet-5", "Convolutional",
        "LeCun's LeNet-5 (1998), the network that read cheques: two convolutions (6 then 16 filters of "
        "5×5), each followed by tanh and 2×2 average pooling (the original 'subsampling'), then Dense "
        "layers of 120, 84 and 10 units. The first convolution pads the 28×28 digit to keep its size, "
        "as LeNet saw 32×32 images. Convolutions share one small filter over the whole image, so "
        "conv 1 has only (5·5·1 + 1)·6 = 156 parameters; most of the 61,706 are in the Dense layers.",
        _ref("digits28", n=3000), (1, 28, 28), "softmax_cross_entropy", _lenet5, _settings(2e-3, 8, 64)),
    Template(
        "alexnet", "AlexNet-style network", "Convolutional",
        "The ideas of AlexNet (2012), scaled down to 28×28 shapes: a large first filter (5×5) with "
        "stride 2, ReLU instead of tanh (much faster learning), overlapping 3×3 max pooling with "
        "stride 2, a stack of 3×3 convolutions with more channels, and Dense layers with dropout "
        "against overfitting. The real AlexNet has 60 million parameters and 224×224 colour images; "
        "this one has about 27 thousand and trains in a minute.",
        _ref("shapes28", n=3000), (1, 28, 28), "softmax_cross_entropy", _alexnet, _settings(2e-3, 8, 64)),
    Template(
        "vgg_block", "VGG-style blocks", "Convolutional",
        "VGG (2014) builds a deep network from one repeated block: two 3×3 convolutions with 'same' "
        "padding, then 2×2 max pooling that halves the image, with the channels doubled after each "
        "pool (16, then 32 here). Two stacked 3×3 filters see a 5×5 patch with fewer parameters and an "
        "extra non-linearity. On the 8×8 digits two blocks shrink the image to 2×2 before the classifier.",
        _DIGITS_IMAGES, (1, 8, 8), "softmax_cross_entropy", _vgg, _settings(2e-3, 15, 64)),
    Template(
        "inception", "Inception block", "Convolutional",
        "GoogLeNet's Inception block (2014) looks at the image at several scales at once: four parallel "
        "branches, a 1×1 convolution, a 1×1 then 3×3, a 1×1 then 5×5, and 3×3 max pooling then 1×1, "
        "all with 'same' padding so their maps have equal size and can be concatenated along the "
        "channels (8 + 12 + 8 + 8 = 36 here). The 1×1 convolutions first shrink the channels, which "
        "keeps the larger filters cheap.",
        _DIGITS_IMAGES, (1, 8, 8), "softmax_cross_entropy", _inception, _settings(2e-3, 15, 64)),
    Template(
        "resnet_block", "ResNet block", "Convolutional",
        "A residual block (He et al., 2015): two 3×3 convolutions with batch normalization learn a "
        "correction F(x) that is added to the block's input, y = relu(x + F(x)). The identity shortcut "
        "lets the gradient flow straight back through the Add, so networks of 100+ layers still train; "
        "a block that has nothing to add can simply learn F(x) = 0. The Add needs both paths to have "
        "the same shape, hence 'same' padding and equal channels.",
        _DIGITS_IMAGES, (1, 8, 8), "softmax_cross_entropy", _resnet, _settings(2e-3, 15, 64)),
    Template(
        "mobilenet_block", "MobileNet depthwise-separable blocks", "Convolutional",
        "MobileNet (2017) splits a convolution in two: a depthwise 3×3 convolution filters each channel "
        "on its own, then a 1×1 (pointwise) convolution mixes the channels. For 32 → 64 channels that is "
        "3·3·32 + 32·64 = 2,336 weights instead of 3·3·32·64 = 18,432 for a full 3×3 convolution: about "
        "8 times fewer, which is what lets it run on a phone. The second block has stride 2 and global "
        "average pooling replaces Flatten.",
        _DIGITS_IMAGES, (1, 8, 8), "softmax_cross_entropy", _mobilenet, _settings(3e-3, 15, 64)),
    Template(
        "autoencoder", "Undercomplete autoencoder", "Autoencoders",
        "An autoencoder is trained to give back its own input. Here the 64 pixels of a digit must pass "
        "through a bottleneck of 8 numbers (64 → 32 → 8 → 32 → 64), so the network has to find a "
        "compact code for what digits have in common instead of copying pixels. The loss is the "
        "reconstruction error (MSE between output and input); the labels are not used. Look at the "
        "reconstructions and at the code of each digit in the latent view.",
        _DIGITS_FLAT, (64,), "mse", _undercomplete, _settings(2e-3, 40, 64)),
    Template(
        "sparse_autoencoder", "Sparse autoencoder", "Autoencoders",
        "The code layer here has as many units as the input (64), so it could just copy it. A sparsity "
        "penalty forbids that: the KL divergence between a target activation ρ = 0.05 and each sigmoid "
        "unit's mean activation is added to the loss, so most units stay near 0 for any one digit and "
        "each learns to respond to one typical stroke. The penalty shows as its own term beside the "
        "reconstruction error.",
        _DIGITS_FLAT, (64,), "mse", _sparse, _settings(3e-3, 40, 64)),
    Template(
        "denoising_autoencoder", "Denoising autoencoder", "Autoencoders",
        "Masking noise sets 30% of the input pixels to 0 while training, and the network must rebuild "
        "the clean digit. It cannot just copy its input, so it learns what digits look like, which "
        "pixels go together, and fills the holes from that. The noise is switched off for validation "
        "and use, like dropout.",
        _DIGITS_FLAT, (64,), "mse", _denoising, _settings(2e-3, 40, 64)),
    Template(
        "contractive_autoencoder", "Contractive autoencoder", "Autoencoders",
        "The encoder is a sigmoid layer whose Jacobian is penalized: λ·‖∂h/∂x‖² (the Frobenius norm) is "
        "added to the reconstruction error. The code is pushed to change little when the input wiggles, "
        "so it keeps only the directions in which digits really vary. For a sigmoid layer the penalty "
        "is cheap: Σ_j (h_j(1 − h_j))² Σ_i W_ij².",
        _DIGITS_FLAT, (64,), "mse", _contractive, _settings(3e-3, 40, 64)),
    Template(
        "conv_autoencoder", "Convolutional autoencoder", "Autoencoders",
        "An autoencoder for images: convolutions and max pooling shrink the 8×8 digit to a 4×2×2 code, "
        "then upsampling and convolutions grow it back to 1×8×8. Convolutions keep the picture's "
        "neighbourhoods, so it needs far fewer weights than a Dense autoencoder of the same quality. "
        "The output has the input's shape, so the app trains it to rebuild the input.",
        _DIGITS_IMAGES, (1, 8, 8), "mse", _conv_autoencoder, _settings(3e-3, 30, 64)),
    Template(
        "vae", "Variational autoencoder", "Autoencoders",
        "The encoder gives a mean μ and a log-variance log σ² for a 2-D code instead of one point; the "
        "Sampling layer draws z = μ + σ·ε (ε ~ N(0, 1)), which keeps the path differentiable (the "
        "reparameterization trick), and adds β·KL(N(μ, σ²) ‖ N(0, 1)) to the loss. The KL term packs the "
        "codes of all digits around the origin, so any point of the plane decodes to a plausible digit: "
        "walk the latent grid to see them change.",
        _DIGITS_FLAT, (64,), "mse", _vae, _settings(2e-3, 40, 64)),
    Template(
        "simple_rnn", "Simple RNN (many-to-one)", "Recurrent",
        "A simple recurrent layer reads the sequence one number at a time: h_t = tanh(W_xh·x_t + W_hh·h_(t−1) "
        "+ b), the same weights at every step. Only the last state h_T goes to the sigmoid output, which "
        "says whether the sum of the 10 numbers is positive, so the state must carry a running total. "
        "Backpropagation through time multiplies by W_hh once per step, which is why long sequences make "
        "the gradient vanish or explode (see the per-step gradient norms).",
        _ref("sum_sign", n=1000), (10, 1), "bce", _rnn, _settings(5e-3, 25, 32)),
    Template(
        "lstm", "LSTM classifier", "Recurrent",
        "An LSTM reads a noisy wave of 30 steps and its last state decides which of four shapes it is "
        "(sine, square, triangle, sawtooth). Forget, input and output gates decide what the cell state "
        "c_t keeps, adds and shows; because c_t is updated by addition, information and gradients survive "
        "many steps, which a simple RNN struggles with.",
        _ref("waveforms", n=1000), (30, 1), "softmax_cross_entropy", _lstm, _settings(2e-2, 25, 32)),
    Template(
        "gru", "GRU forecaster", "Recurrent",
        "A GRU reads 20 steps of a noisy sine wave and a Dense unit predicts the next value (regression "
        "with MSE). The GRU has two gates: the update gate z mixes the old state with a new candidate and "
        "the reset gate r decides how much of the past the candidate sees. It has fewer parameters than "
        "an LSTM and usually learns as well.",
        _ref("sine", n=1000), (SINE_STEPS, 1), "mse", _gru, _settings(5e-3, 20, 32)),
    Template(
        "stacked_lstm", "Stacked LSTM (many-to-many)", "Recurrent",
        "Two LSTM layers that return their whole sequence of states (return_sequences), one on top of the "
        "other, and a Dense layer applied at every time step: for each of the 20 steps the network "
        "predicts the next value of the wave. The second layer reads the first one's states, so it can "
        "work with longer-range patterns. Early steps are harder: the network has seen little of the "
        "wave yet.",
        _ref("sine", n=1000, target="every step"), (SINE_STEPS, 1), "mse", _stacked,
        _settings(5e-3, 20, 32)),
    Template(
        "encoder_decoder", "Encoder–decoder (sequence → vector → sequence)", "Recurrent",
        "An encoder GRU reads the 20-step wave and keeps only its last state: one vector of 16 numbers "
        "that must summarize the whole sequence (its amplitude, period and phase). A Dense layer and a "
        "Reshape spread that vector over 20 time steps, and a decoder GRU with return_sequences writes "
        "out the next value for every step. This is the shape of sequence-to-sequence translation "
        "models; the bottleneck vector is what attention was later invented to relieve.",
        _ref("sine", n=1000, target="every step"), (SINE_STEPS, 1), "mse", _seq2seq,
        _settings(5e-3, 25, 32)),
)

TEMPLATES: Mapping[str, Template] = MappingProxyType({t.key: t for t in _ALL})


def get_template(key: str) -> Template:
    try:
        return TEMPLATES[key]
    except KeyError:
        raise KeyError(f"Unknown template {key!r}; choose one of {', '.join(TEMPLATES)}") from None


def gallery() -> list[tuple[str, list[Template]]]:
    """``[(group, [template, …]), …]`` in gallery order."""
    return [(group, [t for t in _ALL if t.group == group]) for group in GALLERY_GROUPS]


def template_project(key: str) -> Project:
    """A whole trainable project: Input → template → Output, the suggested dataset and settings."""
    template = get_template(key)
    project = Project(title=template.title, description=template.paragraph)
    project.dataset = DatasetRef(name=template.dataset.name, options=dict(template.dataset.options))
    template.build(project.graph, ends=True)
    settings, s = project.settings, dict(template.settings)
    settings.optimizer.name = s.pop("optimizer", settings.optimizer.name)
    settings.optimizer.lr = s.pop("lr", settings.optimizer.lr)
    settings.optimizer.momentum = s.pop("momentum", settings.optimizer.momentum)
    settings.epochs = s.pop("epochs", settings.epochs)
    settings.batch_size = s.pop("batch_size", settings.batch_size)
    settings.hooks.l2 = s.pop("l2", settings.hooks.l2)
    if s:
        raise ValueError(f"template {key!r}: unknown settings {sorted(s)}")
    project.validate()
    return project


__all__ = ["GALLERY_GROUPS", "TEMPLATES", "Template", "gallery", "get_template", "template_project"]
