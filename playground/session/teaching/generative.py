"""Generative views of an autoencoder: decode latent points, sample the prior, walk a grid, score anomalies.

A variational autoencoder (VAE) squeezes each input into a small code ``z``: the encoder
gives ``μ`` and ``log σ²``, the Sampling node draws ``z = μ + σ ⊙ ε`` while training (and
gives ``z = μ`` in evaluation), and the decoder turns ``z`` back into an input. Because
the KL penalty pulls the codes towards the standard normal ``N(0, I)``, the decoder also
makes sense of codes no input produced:

* :func:`prior_samples` — draw ``z ~ N(0, I)`` and decode: *new* digits, never seen;
* :func:`latent_grid` — decode a ``steps × steps`` grid over the first two latent
  dimensions: the map of what each region of the code space means;
* :func:`anomaly_scores` — for any autoencoder, the reconstruction error
  ``score_i = mean_j (x̂_ij − x_ij)²`` per sample: inputs unlike the training data
  (noise, another kind of picture) are reconstructed badly and score high.

:func:`decode` runs only the decoder's layers (:func:`decoder_of`), in the network's own
order and with its own weights, feeding ``z`` in as the Sampling node's output — the
network is not rebuilt, so the pictures come from exactly the trained model.
Everything here is headless (no Qt); inputs and outputs are host NumPy arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from playground.engine.backend import to_host
from playground.engine.network import Network

BATCH = 1024  # samples per forward in anomaly_scores (bounded memory for big datasets)


def sampling_node(net: Network) -> str:
    """The id of the network's Sampling node (the VAE's latent code); ValueError if it has none."""
    for node_id in net.order:
        if net.nodes[node_id].layer.kind == "sampling":
            return node_id
    raise ValueError("This network has no Sampling node, so it is not a variational autoencoder: "
                     "add a Sampling layer fed by μ and log σ² to sample new inputs from it.")


def decoder_of(net: Network) -> list[str]:
    """The decoder: node ids after the Sampling node that the output depends on, in ``net.order``.

    Every one of them must be fed only by the Sampling node or by other decoder nodes;
    a decoder that also reads the encoder (a skip connection) cannot decode ``z`` alone.
    """
    start = sampling_node(net)
    needed = {net.output_id}
    for node_id in reversed(net.order):  # everything the output depends on
        if node_id in needed:
            needed.update(net.nodes[node_id].inputs)
    after = {start}
    decoder = []
    for node_id in net.order:  # everything that depends on the Sampling node
        node = net.nodes[node_id]
        if node_id != start and any(s in after for s in node.inputs):
            after.add(node_id)
            if node_id in needed:
                decoder.append(node_id)
    for node_id in decoder:
        for src in net.nodes[node_id].inputs:
            if src not in after:
                raise ValueError(f"{node_id} reads {src}, which comes before the Sampling node: the decoder "
                                 "must see only the code z to generate from it. Remove that connection.")
    if net.output_id not in decoder:
        raise ValueError("The output does not depend on the Sampling node: connect the decoder to it.")
    return decoder


def latent_size(net: Network) -> int:
    """k, the number of latent dimensions (the Sampling node's output size)."""
    shape = net.nodes[sampling_node(net)].shape
    return int(np.prod(shape))


def decode(net: Network, z) -> np.ndarray:
    """Decoder outputs for latent points ``z`` (host ``(n, k)``) as a host array, in evaluation mode.

    Runs the decoder layers' ``forward`` in ``net.order``, with ``z`` as the Sampling
    node's value; the network's mode (training or not) is restored afterwards.
    """
    start = sampling_node(net)
    z = np.asarray(z)
    k_shape = net.nodes[start].shape
    if z.ndim != 1 + len(k_shape) or tuple(z.shape[1:]) != tuple(k_shape):
        raise ValueError(f"decode: the latent points have shape {z.shape[1:]} but {start} gives codes "
                         f"of shape {k_shape}: pass an array of shape (n, {', '.join(map(str, k_shape))}).")
    values = {start: net.backend.asarray(z)}
    was_training = net.training
    net.train(False)
    try:
        for node_id in decoder_of(net):
            node = net.nodes[node_id]
            values[node_id] = node.layer.forward(*[values[s] for s in node.inputs])
    finally:
        net.train(was_training)
    return to_host(values[net.output_id])


def prior_samples(net: Network, n: int = 64, seed: int = 0) -> np.ndarray:
    """``n`` new inputs: decode ``z ~ N(0, I)`` (seeded). Shape ``(n, *output shape)``."""
    z = np.random.default_rng(seed).standard_normal((n, latent_size(net)))
    return decode(net, z.astype(net.backend.dtype))


def grid_codes(net: Network, steps: int = 8, span: float = 2.5) -> np.ndarray:
    """``steps²`` latent points: z₁, z₂ on ``linspace(−span, span, steps)``, other dims 0.

    Row r, column c of the grid is point ``r·steps + c``: z₁ grows left → right,
    z₂ grows top → bottom.
    """
    k = latent_size(net)
    axis = np.linspace(-span, span, steps)
    z2, z1 = np.meshgrid(axis, axis, indexing="ij")  # row index → z₂, column index → z₁
    z = np.zeros((steps * steps, k), dtype=net.backend.dtype)
    z[:, 0] = z1.ravel()
    if k > 1:
        z[:, 1] = z2.ravel()
    return z


def latent_grid(net: Network, steps: int = 8, span: float = 2.5) -> np.ndarray:
    """The latent-grid walk: decoded :func:`grid_codes`, shape ``(steps², *output shape)``."""
    return decode(net, grid_codes(net, steps, span))


def reconstruction_errors(net: Network, x) -> np.ndarray:
    """Per-sample mean squared error ``mean_j (x̂_ij − x_ij)²`` of the eval-mode reconstruction."""
    x = np.asarray(x)
    out_shape = net.nodes[net.output_id].shape
    if tuple(out_shape) != tuple(x.shape[1:]):
        raise ValueError(f"The output has shape {out_shape} but the inputs have shape {tuple(x.shape[1:])}: "
                         "anomaly scores need an autoencoder, whose output reconstructs its input.")
    scores = np.empty(len(x), dtype=np.float64)
    for start in range(0, len(x), BATCH):
        batch = x[start:start + BATCH]
        xhat = to_host(net.predict(net.backend.asarray(batch)))
        diff = xhat.astype(np.float64) - batch.astype(np.float64)
        scores[start:start + BATCH] = (diff ** 2).reshape(len(batch), -1).mean(axis=1)
    return scores


def anomaly_scores(net: Network, x) -> tuple[np.ndarray, np.ndarray]:
    """``(indices, scores)``, most anomalous first: ``scores[i]`` is the error of sample ``indices[i]``."""
    scores = reconstruction_errors(net, x)
    order = np.argsort(-scores, kind="stable")
    return order, scores[order]


def image_shape(output_shape) -> tuple[int, int]:
    """How to draw one output as a picture: (H, W) of images, a square for n = s², else one row."""
    shape = tuple(int(s) for s in output_shape)
    if len(shape) == 3:  # (C, H, W): show the first channel
        return shape[1], shape[2]
    if len(shape) == 2:
        return shape
    n = int(np.prod(shape))
    side = math.isqrt(n)
    return (side, side) if side * side == n else (1, n)


def as_images(outputs) -> np.ndarray:
    """Outputs ``(n, …)`` → grey images ``(n, H, W)`` clipped to [0, 1] (the data's range)."""
    outputs = np.asarray(outputs)
    h, w = image_shape(outputs.shape[1:])
    if outputs.ndim == 4:
        outputs = outputs[:, 0]
    return np.clip(outputs.reshape(len(outputs), h, w), 0.0, 1.0)


# -- what the generative views show ---------------------------------------------------------
QUICK_EPOCHS = 15  # a brief training when the project has no trained weights
PRIOR_SAMPLES = 64
GRID_STEPS = 8
GRID_SPAN = 2.5
TOP_ANOMALIES = 16


@dataclass
class GenerativeResult:
    prior: np.ndarray | None  # (n, H, W) images, None without a Sampling node
    grid: np.ndarray | None  # (steps², H, W)
    scores: np.ndarray  # validation errors, most anomalous first
    top: np.ndarray  # (TOP_ANOMALIES, H, W): the inputs with those scores
    trained_here: bool
    note: str = ""


def compute(project, handle=None) -> GenerativeResult:
    """Everything the generative views show: trained weights if the project has them, else a brief training."""
    from playground.session.compile import build_run

    trained = bool(project.weights)
    run = build_run(project, "numpy", epochs=None if trained else QUICK_EPOCHS)
    net = run.net
    if trained:
        net.load_state_dict(project.weights)
    else:
        for _ in run.trainer.steps():
            if handle is not None and handle.cancelled:
                run.trainer.stop()
    x = run.data.x_val if len(run.data.x_val) else run.data.x_train
    order, scores = anomaly_scores(net, x)
    prior = grid = None
    note = ""
    try:
        prior = as_images(prior_samples(net, PRIOR_SAMPLES, seed=project.settings.seed))
        grid = as_images(latent_grid(net, GRID_STEPS, GRID_SPAN))
    except ValueError as exc:
        note = str(exc)
    return GenerativeResult(prior, grid, scores, as_images(x[order[:TOP_ANOMALIES]]), not trained, note)
