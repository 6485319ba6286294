"""Write the example projects into resources/examples/ (run after changing them).

Each example states the quality a test checks it reaches (tests/session/test_examples.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playground.model.builder import COLUMN, ROW, chain, join
from playground.model.fileio import save_project
from playground.model.project import Project
from playground.model.settings import DatasetRef

OUT = Path(__file__).resolve().parents[1] / "resources" / "examples"


def project(title: str, description: str, dataset: str, options=None, *, optimizer="adam", lr=0.01,
            epochs=50, batch=32, **hooks) -> Project:
    p = Project(title=title, description=description)
    p.dataset = DatasetRef(name=dataset, options=dict(options or {}))
    s = p.settings
    s.optimizer.name, s.optimizer.lr, s.epochs, s.batch_size = optimizer, lr, epochs, batch
    for name, value in hooks.items():
        setattr(s.hooks, name, value)
    return p


def stack(p: Project, layers) -> list[str]:
    return chain(p.graph, ["input", *layers])


def logistic_regression() -> Project:
    p = project("Logistic regression", "One sigmoid unit with binary cross-entropy separates two Gaussian "
                "clusters with a straight line. Reaches ≥ 95% validation accuracy.", "gaussian",
                {"noise": 0.15}, lr=0.1, epochs=30)
    stack(p, [("dense", {"units": 1}), "sigmoid", ("output", {"loss": "bce"})])
    return p


def xor() -> Project:
    p = project("XOR", "Exclusive or: no straight line separates the classes, one hidden layer of tanh units "
                "does. Reaches 100% validation accuracy on noise-free data.", "xor", lr=0.03, epochs=60, batch=10)
    stack(p, [("dense", {"units": 8}), "tanh", ("dense", {"units": 1}), "sigmoid", ("output", {"loss": "bce"})])
    return p


def spirals() -> Project:
    p = project("Two spirals", "Two interleaved spirals need a deeper network (and many epochs). "
                "Reaches ≥ 95% validation accuracy.", "spiral", {"n": 500}, lr=0.01, epochs=300, batch=16)
    stack(p, [("dense", {"units": 32}), "tanh", ("dense", {"units": 32}), "tanh", ("dense", {"units": 1}),
              "sigmoid", ("output", {"loss": "bce"})])
    return p


def circle_l2() -> Project:
    p = project("Circle with L2", "A ring around a disc, with an L2 penalty (weight decay) that keeps the "
                "weights small and the boundary smooth. Reaches ≥ 95% validation accuracy.", "circle",
                {"noise": 0.05}, lr=0.02, epochs=80, batch=16, l2=1e-4)
    stack(p, [("dense", {"units": 8}), "relu", ("dense", {"units": 8}), "relu", ("dense", {"units": 1}),
              "sigmoid", ("output", {"loss": "bce"})])
    return p


def digits_mlp() -> Project:
    p = project("Digits MLP", "A multilayer perceptron on scikit-learn's 8×8 digits (64 inputs → 10 classes). "
                "Reaches ≥ 95% validation accuracy.", "digits8", {"as_images": False}, lr=1e-3, epochs=40,
                batch=64)
    stack(p, [("dense", {"units": 128}), "relu", ("dense", {"units": 64}), "relu", ("dense", {"units": 10}),
              ("output", {"loss": "softmax_cross_entropy"})])
    return p


def digits_cnn() -> Project:
    p = project("Digits CNN", "Two 3×3 convolutions with max pooling on 8×8 digit images. "
                "Reaches ≥ 95% validation accuracy.", "digits8", {"as_images": True}, lr=2e-3, epochs=25,
                batch=64)
    stack(p, [("conv2d", {"filters": 16, "kernel_size": 3, "padding": "same"}), "relu", ("max_pool2d", {}),
              ("conv2d", {"filters": 32, "kernel_size": 3, "padding": "same"}), "relu", ("max_pool2d", {}),
              "flatten", ("dense", {"units": 10}), ("output", {"loss": "softmax_cross_entropy"})])
    return p


def lenet5() -> Project:
    p = project("LeNet-5", "LeCun's LeNet-5 (with ReLU and max pooling) on 28×28 digits drawn on the fly. "
                "Reaches ≥ 90% validation accuracy.", "digits28", {"n": 3000}, lr=1e-3, epochs=6, batch=64)
    stack(p, [("conv2d", {"filters": 6, "kernel_size": 5}), "relu", ("max_pool2d", {}),
              ("conv2d", {"filters": 16, "kernel_size": 5}), "relu", ("max_pool2d", {}), "flatten",
              ("dense", {"units": 120}), "relu", ("dense", {"units": 84}), "relu", ("dense", {"units": 10}),
              ("output", {"loss": "softmax_cross_entropy"})])
    return p


def autoencoder() -> Project:
    p = project("Autoencoder", "64 → 32 → 8 → 32 → 64: the digits squeezed through an 8-number code and "
                "rebuilt. Reconstruction error falls below half of the data's variance.", "digits8",
                {"as_images": False}, lr=2e-3, epochs=40, batch=64)
    stack(p, [("dense", {"units": 32}), "relu", ("dense", {"units": 8}), "relu", ("dense", {"units": 32}), "relu",
              ("dense", {"units": 64}), ("output", {"loss": "mse"})])
    return p


def denoising_autoencoder() -> Project:
    p = project("Denoising autoencoder", "Noise is added to the input (in training only) and the network learns "
                "to rebuild the clean digit. Reconstruction error falls below half the data's variance.",
                "digits8", {"as_images": False}, lr=2e-3, epochs=40, batch=64)
    stack(p, [("gaussian_noise", {"std": 0.3}), ("dense", {"units": 32}), "relu", ("dense", {"units": 16}),
              "relu", ("dense", {"units": 32}), "relu", ("dense", {"units": 64}), ("output", {"loss": "mse"})])
    return p


def vae() -> Project:
    p = project("Variational autoencoder", "The encoder gives a mean μ and log-variance log σ² of a 2-D code; "
                "a sample z = μ + σ·ε is decoded. Loss = ½Σ(x − x̂)² + β·KL to N(0, I), with β = 0.05: "
                "set β = 1 and the KL term wins, every code collapses to the prior and the decoder only "
                "learns the mean digit (posterior collapse). Reconstruction error falls below 70% of the "
                "data's variance.", "digits8", {"as_images": False}, lr=5e-3, epochs=40, batch=64)
    g = p.graph
    inp, hidden, act = chain(g, ["input", ("dense", {"units": 64}), "relu"])
    mu = chain(g, [("dense", {"units": 2})], after=act, x=3 * COLUMN, y=-ROW)[0]
    log_var = chain(g, [("dense", {"units": 2})], after=act, x=3 * COLUMN, y=ROW)[0]
    z = join(g, "sampling", [mu, log_var], 4 * COLUMN, 0, {"beta": 0.05})
    # ½Σ(y − ŷ)² per sample (not the mean over pixels) keeps reconstruction and KL in balance
    chain(g, [("dense", {"units": 64}), "relu", ("dense", {"units": 64}),
              ("output", {"loss": "mse", "mse_form": "half_sum"})], after=z, x=5 * COLUMN)
    return p


def lstm_sine() -> Project:
    p = project("LSTM on a sine wave", "An LSTM reads 20 steps of a noisy sine and predicts the next value. "
                "Validation MSE falls below 0.02.", "sine", {"n": 600}, lr=5e-3, epochs=15, batch=32)
    stack(p, [("lstm", {"units": 16}), ("dense", {"units": 1}), ("output", {"loss": "mse"})])
    return p


def resnet_block() -> Project:
    p = project("ResNet block", "A residual block: two 3×3 convolutions whose output is added to the block's "
                "input (the identity shortcut), on 8×8 digits. Reaches ≥ 93% validation accuracy.", "digits8",
                {"as_images": True}, lr=2e-3, epochs=20, batch=64)
    g = p.graph
    _, stem, stem_act = chain(g, ["input", ("conv2d", {"filters": 8, "kernel_size": 3, "padding": "same"}),
                                  "relu"])
    branch = chain(g, [("conv2d", {"filters": 8, "kernel_size": 3, "padding": "same"}), "relu",
                       ("conv2d", {"filters": 8, "kernel_size": 3, "padding": "same"})],
                   after=stem_act, x=3 * COLUMN, y=-ROW)
    added = join(g, "add", [stem_act, branch[-1]], 6 * COLUMN, 0)
    chain(g, ["relu", ("max_pool2d", {}), "flatten", ("dense", {"units": 10}),
              ("output", {"loss": "softmax_cross_entropy"})], after=added, x=7 * COLUMN)
    return p


EXAMPLES = {
    "logistic_regression": logistic_regression, "xor": xor, "spirals": spirals, "circle_l2": circle_l2,
    "digits_mlp": digits_mlp, "digits_cnn": digits_cnn, "lenet5": lenet5, "autoencoder": autoencoder,
    "denoising_autoencoder": denoising_autoencoder, "vae": vae, "lstm_sine": lstm_sine,
    "resnet_block": resnet_block,
}


def main(names: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names or EXAMPLES:
        save_project(EXAMPLES[name](), OUT / f"{name}.nnpg")
        print(f"wrote {OUT / name}.nnpg")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
