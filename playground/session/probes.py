"""What a report shows beyond the loss: metrics, instruments, samples, decision grids.

Everything returned here is a plain float or a host NumPy array. Functions that
run the network use evaluation mode and leave the training caches of the last
batch alone only where it matters (instruments are read first).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from playground.engine.backend import to_host
from playground.engine.network import Input, Network

from .not_finite import safe_histogram
from .report import DecisionGrid, Report

CLASSIFICATION = ("binary", "multiclass")
MAX_ACTIVATION_SIZE = 65536  # per-sample values kept for plots
HISTOGRAM_BINS = 30
EVAL_BATCH = 1024


def output_probabilities(loss) -> Callable:
    """Map raw network outputs to what a student expects to see (probabilities for logit losses)."""
    name = getattr(loss, "name", "")
    if "softmax" in name:
        return _softmax
    if getattr(loss, "from_logits", False):
        return lambda y: 1.0 / (1.0 + np.exp(-y))
    return lambda y: y


def _softmax(y: np.ndarray) -> np.ndarray:
    e = np.exp(y - y.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def class_labels(t) -> np.ndarray:
    """Integer labels from one-hot rows or from a label vector."""
    t = to_host(t)
    if t.ndim == 2 and t.shape[1] > 1:
        return t.argmax(axis=1)
    return t.reshape(len(t)).astype(np.int64)


def predicted_labels(task: str, y, threshold: float) -> np.ndarray:
    y = to_host(y)
    if task == "binary" or y.shape[-1] == 1:
        return (y.reshape(len(y)) > threshold).astype(np.int64)
    return y.argmax(axis=-1)


def count_correct(task: str, y, t, threshold: float = 0.5) -> int | None:
    """Correctly classified samples in a batch, or ``None`` for tasks without accuracy."""
    if task not in CLASSIFICATION:
        return None
    return int((predicted_labels(task, y, threshold) == class_labels(t)).sum())


def predict_host(net: Network, x: np.ndarray, batch: int = EVAL_BATCH) -> np.ndarray:
    """Evaluation-mode outputs for host inputs, in batches, as a host array."""
    outs = [to_host(net.predict(net.backend.asarray(x[i:i + batch]))) for i in range(0, len(x), batch)]
    return np.concatenate(outs) if outs else np.empty((0,))


def evaluate(net: Network, loss, x: np.ndarray, t: np.ndarray, task: str,
             threshold: float = 0.5) -> tuple[float, dict[str, float]]:
    """Mean loss (weighted by batch size) and metrics on held-out data."""
    total, metrics = 0.0, {}
    for i in range(0, len(x), EVAL_BATCH):
        xb, tb = x[i:i + EVAL_BATCH], t[i:i + EVAL_BATCH]
        tb_dev = net.backend.asarray(tb) if tb.dtype.kind == "f" else net.backend.xp.asarray(tb)
        y = net.predict(net.backend.asarray(xb))
        total += float(loss.forward(y, tb_dev) + net.total_penalty()) * len(xb)
        correct = count_correct(task, y, tb, threshold)
        if correct is not None:
            metrics["accuracy"] = metrics.get("accuracy", 0.0) + correct
    if "accuracy" in metrics:
        metrics["accuracy"] /= len(x)
    return total / len(x), metrics


def fill_instruments(report: Report, net: Network) -> None:
    """Gradient norms, weight statistics and histograms, and one sample's activations."""
    report.grad_norms = net.grad_norms()
    fill_weights(report, net)
    fill_activations(report, net)


def fill_weights(report: Report, net: Network) -> None:
    """Weight statistics (edge colours) and histograms of the current weights."""
    report.weight_stats = net.weight_stats()
    for name, p in net.named_parameters().items():
        values = to_host(p.data)
        if p.decay and np.isfinite(values).all():  # diverged weights: the NaN message explains
            histogram = safe_histogram(values, HISTOGRAM_BINS)
            if histogram is not None:
                report.weight_histograms[name] = histogram


def fill_activations(report: Report, net: Network) -> None:
    """One sample's output of every small layer (after a forward pass), and recurrent step norms."""
    for node_id, node in net.nodes.items():
        if isinstance(node.layer, Input) or node.shape is None:
            continue
        if int(np.prod(node.shape)) <= MAX_ACTIVATION_SIZE:
            try:
                report.activations[node_id] = net.node_output(node_id, 0).copy()
            except Exception:  # node did not run (not on the path to the output)
                continue
        step_norms = getattr(node.layer, "step_grad_norms", None)
        if step_norms is not None:
            report.step_grad_norms[node_id] = np.asarray(step_norms).copy()


def fill_samples(report: Report, net: Network, data, latent_node: str | None,
                 threshold: float = 0.5, limit: int = 500) -> None:
    """Epoch-end views: reconstructions, latent codes, confusion matrix, predictions vs targets.

    ``limit`` stays below one evaluation batch, so after ``predict_host`` every
    node's cached output covers all the samples (the latent codes are read there).
    """
    x = data.x_val if data.x_val is not None and len(data.x_val) else data.x_train
    t = data.y_val if data.y_val is not None and len(data.y_val) else data.y_train
    x, t = x[:limit], t[:limit]
    y = predict_host(net, x)
    if latent_node is not None:
        report.samples["latent"] = net.node_output(latent_node).reshape(len(x), -1)[:, :2].copy()
        if data.labels_val is not None:
            report.samples["labels"] = np.asarray(data.labels_val[:limit])
    if data.task == "reconstruction":
        report.samples["inputs"], report.samples["outputs"] = x[:8].copy(), y[:8].copy()
    elif data.task in CLASSIFICATION:
        k = max(2, y.shape[-1]) if y.ndim > 1 else 2
        pred, true = predicted_labels(data.task, y, threshold), class_labels(t)
        report.samples["confusion"] = np.bincount(true * k + pred, minlength=k * k).reshape(k, k)
    else:
        report.samples["targets"], report.samples["predictions"] = t[:200].copy(), y[:200].copy()


def decision_grid(net: Network, extent: tuple[float, float, float, float], resolution: int,
                  transform: Callable[[np.ndarray], np.ndarray] | None = None,
                  to_probability: Callable = lambda y: y) -> DecisionGrid:
    """The network's output over the 2-D input plane, plus every small hidden layer's units."""
    xmin, xmax, ymin, ymax = extent
    xs, ys = np.linspace(xmin, xmax, resolution), np.linspace(ymin, ymax, resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    inputs = transform(points) if transform is not None else points
    y = to_probability(to_host(net.predict(net.backend.asarray(inputs))))
    values = y.reshape(resolution, resolution, -1)
    if values.shape[-1] == 1:
        values = values[..., 0]
    units = {}
    for node_id, node in net.nodes.items():
        if node.shape is not None and len(node.shape) == 1 and node.shape[0] <= 32 \
                and not isinstance(node.layer, Input) and node_id != net.output_id:
            out = net.node_output(node_id)
            units[node_id] = out.T.reshape(node.shape[0], resolution, resolution).copy()
    return DecisionGrid(values=values, extent=tuple(map(float, extent)), units=units)
