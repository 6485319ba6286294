"""Benchmark our engine against PyTorch (CPU) on the same small networks and batches.

Each workload trains the same architecture, in float32, on the same batches,
with our engine and with PyTorch in this process, and reports training steps
per second (median of ``--repeats`` runs, the two frameworks interleaved so
they share the machine's load) and the ratio engine/PyTorch (the median of the
ratios of each engine run to the PyTorch run right after it). PyTorch runs its
normal idiomatic loop (``zero_grad(set_to_none=True)``, ``loss.backward()``,
``opt.step()``) with ``torch.set_num_threads(<cores>)``; both start from the
same initial weights, and ``max |Δloss|`` compares their losses over the first
steps as a check that both compute the same thing.

    python scripts/bench_engine.py                      # all workloads, a table
    python scripts/bench_engine.py --workloads tiny mlp --repeats 5
    python scripts/bench_engine.py --json               # one JSON object for machines
    python scripts/bench_engine.py --profile mlp        # cProfile the engine's hot loop

Add a workload: write a function ``(backend) -> Setup`` and decorate it with
``@workload(name, description, target)``; build the torch model in the same
function (``torch_or_none()`` is ``None`` where PyTorch is missing).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.engine.backend import get_backend, to_host  # noqa: E402
from playground.engine.layers.activation import Activation  # noqa: E402
from playground.engine.layers.conv import Conv2D  # noqa: E402
from playground.engine.layers.dense import Dense  # noqa: E402
from playground.engine.layers.pooling import MaxPool2D  # noqa: E402
from playground.engine.layers.recurrent import LSTM  # noqa: E402
from playground.engine.layers.shape import Flatten  # noqa: E402
from playground.engine.losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy  # noqa: E402
from playground.engine.network import Network  # noqa: E402
from playground.engine.optimizers import SGD, Adam  # noqa: E402
from playground.engine.training import train_step  # noqa: E402

Step = Callable[[int], Any]  # step(i) trains on batch i (mod the number of batches)


@dataclass
class Setup:
    engine_step: Step
    torch_step: Step | None  # None where PyTorch is not installed
    engine_loss: Callable[[Any], float] = float
    torch_loss: Callable[[Any], float] = lambda value: float(value.item())


@dataclass
class Workload:
    name: str
    description: str
    target: float  # the engine/PyTorch ratio we aim for
    make: Callable[[Any], Setup]


WORKLOADS: dict[str, Workload] = {}


def workload(name: str, description: str, target: float):
    """Register ``make(backend) -> Setup`` as a benchmark workload."""

    def register(make):
        WORKLOADS[name] = Workload(name, description, target, make)
        return make

    return register


# -- helpers -----------------------------------------------------------------------------
def torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    return torch


def make_batches(x: np.ndarray, t: np.ndarray, batch: int, seed: int = 0, epochs: int = 2):
    """Shuffled mini-batches for a few epochs (the same list for both frameworks)."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x) - batch + 1, batch):
            idx = order[start:start + batch]
            batches.append((np.ascontiguousarray(x[idx]), np.ascontiguousarray(t[idx])))
    return batches


def engine_stepper(net: Network, loss, optimizer, batches, backend) -> Step:
    on_device = [(backend.xp.asarray(x), backend.xp.asarray(t)) for x, t in batches]
    n = len(on_device)

    def step(i: int):
        x, t = on_device[i % n]
        return train_step(net, loss, optimizer, x, target=t)

    return step


def torch_stepper(model, loss_fn, optimizer, batches) -> Step:
    torch = torch_or_none()
    on_torch = [(torch.from_numpy(x), torch.from_numpy(t)) for x, t in batches]
    n = len(on_torch)

    def step(i: int):
        x, t = on_torch[i % n]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()
        return loss

    return step


def dense_net(sizes: list[int], hidden: str, output: str | None, backend, seed: int = 0) -> Network:
    """A plain stack ``sizes[0] → … → sizes[-1]`` with ``hidden`` activations and an optional output one."""
    layers: list[Any] = []
    for i, units in enumerate(sizes[1:]):
        layers.append(Dense(units))
        last = i == len(sizes) - 2
        if not last:
            layers.append(Activation(hidden))
        elif output:
            layers.append(Activation(output))
    return Network.sequential((sizes[0],), layers).build(backend, seed=seed)


def torch_copy(net: Network, hidden: str, output: str | None):
    """The same stack in PyTorch, starting from the engine's initial weights."""
    torch = torch_or_none()
    acts = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}
    dense = [node.layer for node in net.nodes.values() if isinstance(node.layer, Dense)]
    modules: list[Any] = []
    for i, layer in enumerate(dense):
        w = to_host(layer.params["W"].data).astype(np.float32)
        b = to_host(layer.params["b"].data).astype(np.float32)
        linear = torch.nn.Linear(w.shape[0], w.shape[1])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T.copy()))  # torch stores (out, in)
            linear.bias.copy_(torch.from_numpy(b.copy()))
        modules.append(linear)
        last = i == len(dense) - 1
        if not last:
            modules.append(acts[hidden]())
        elif output:
            modules.append(acts[output]())
    return torch.nn.Sequential(*modules)


def two_spirals(n: int = 500, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals in 2-D, ``n`` points, labels 0/1 as an ``(n, 1)`` column."""
    rng = np.random.default_rng(seed)
    half = n // 2
    theta = np.sqrt(rng.uniform(size=half)) * 3 * np.pi
    arm = np.stack([-np.cos(theta) * theta, np.sin(theta) * theta], axis=1) / (3 * np.pi)
    x = np.concatenate([arm, -arm]) + rng.normal(scale=noise / 3, size=(2 * half, 2))
    t = np.concatenate([np.zeros(half), np.ones(half)])[:, None]
    return x.astype(np.float32), t.astype(np.float32)


def digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.data / 16.0).astype(np.float32), data.target.astype(np.int64)


# -- workloads ---------------------------------------------------------------------------
@workload("tiny", "two spirals 500 pts, 2→8→8→1 tanh, sigmoid + BCE, SGD 0.03, batch 10", 5.0)
def tiny(backend) -> Setup:
    x, t = two_spirals(500)
    batches = make_batches(x, t, 10)
    net = dense_net([2, 8, 8, 1], "tanh", "sigmoid", backend)
    engine = engine_stepper(net, BinaryCrossEntropy(), SGD(net.parameters(), lr=0.03), batches, backend)
    torch = torch_or_none()
    if torch is None:
        return Setup(engine, None)
    model = torch_copy(net, "tanh", "sigmoid")
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    return Setup(engine, torch_stepper(model, torch.nn.BCELoss(), opt, batches))


@workload("mlp", "digits 64→128→64→10 ReLU, softmax CE, Adam 1e-3, batch 64", 2.0)
def mlp(backend) -> Setup:
    x, labels = digits()
    batches = make_batches(x, labels, 64)
    net = dense_net([64, 128, 64, 10], "relu", None, backend)
    engine = engine_stepper(net, SoftmaxCrossEntropy(), Adam(net.parameters(), lr=1e-3), batches, backend)
    torch = torch_or_none()
    if torch is None:
        return Setup(engine, None)
    model = torch_copy(net, "relu", None)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    return Setup(engine, torch_stepper(model, torch.nn.CrossEntropyLoss(), opt, batches))


@workload("ae", "digits autoencoder 64→32→8→32→64 ReLU, sigmoid out, MSE, Adam 1e-3, batch 64", 2.0)
def autoencoder(backend) -> Setup:
    x, _ = digits()
    batches = make_batches(x, x, 64)
    net = dense_net([64, 32, 8, 32, 64], "relu", "sigmoid", backend)
    engine = engine_stepper(net, MSE(), Adam(net.parameters(), lr=1e-3), batches, backend)
    torch = torch_or_none()
    if torch is None:
        return Setup(engine, None)
    model = torch_copy(net, "relu", "sigmoid")
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    return Setup(engine, torch_stepper(model, torch.nn.MSELoss(), opt, batches))


# -- convolutional and recurrent workloads (issue 3) --------------------------------------------
def _torch_weights(torch, module, weight: np.ndarray, bias: np.ndarray | None) -> None:
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight, dtype=np.float32)))
        if bias is not None:
            module.bias.copy_(torch.from_numpy(np.ascontiguousarray(bias, dtype=np.float32)))


def torch_conv_copy(net: Network):
    """A PyTorch Sequential mirroring a conv/pool/flatten/dense stack, with the engine's weights."""
    torch = torch_or_none()
    nn = torch.nn
    modules: list[Any] = []
    for node_id in net.order[1:]:
        layer = net.nodes[node_id].layer
        if isinstance(layer, Conv2D):
            w = to_host(layer.params["W"].data)
            conv = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2:], padding=layer.padding)
            _torch_weights(torch, conv, w, to_host(layer.params["b"].data))
            modules.append(conv)
        elif isinstance(layer, Dense):
            w = to_host(layer.params["W"].data)
            linear = nn.Linear(*w.shape)
            _torch_weights(torch, linear, w.T, to_host(layer.params["b"].data))
            modules.append(linear)
        elif isinstance(layer, MaxPool2D):
            modules.append(nn.MaxPool2d(2))
        elif isinstance(layer, Flatten):
            modules.append(nn.Flatten())
        elif isinstance(layer, Activation):
            modules.append(nn.ReLU())
    return nn.Sequential(*modules)


def conv_setup(backend, x, labels, layers) -> Setup:
    batches = make_batches(x, labels, 64)
    net = Network.sequential(x.shape[1:], layers).build(backend, seed=0)
    engine = engine_stepper(net, SoftmaxCrossEntropy(), Adam(net.parameters(), lr=1e-3), batches, backend)
    torch = torch_or_none()
    if torch is None:
        return Setup(engine, None)
    model = torch_conv_copy(net)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    return Setup(engine, torch_stepper(model, torch.nn.CrossEntropyLoss(), opt, batches))


@workload("cnn", "digits 1×8×8: conv3×3·16 same, ReLU, pool, conv3×3·32 same, ReLU, pool, dense 10; Adam", 1.0)
def cnn(backend) -> Setup:
    x, labels = digits()
    layers = [Conv2D(16, 3, padding=1), Activation("relu"), MaxPool2D(2), Conv2D(32, 3, padding=1),
              Activation("relu"), MaxPool2D(2), Flatten(), Dense(10)]
    return conv_setup(backend, x.reshape(-1, 1, 8, 8), labels, layers)


@workload("lenet", "LeNet-5 on 1×28×28 drawn digits: conv5·6, pool, conv5·16, pool, 120, 84, 10; Adam", 0.5)
def lenet(backend) -> Setup:
    from playground.data import load_dataset

    data = load_dataset("digits28", n=1280, seed=0)
    layers = [Conv2D(6, 5, padding=0), Activation("relu"), MaxPool2D(2), Conv2D(16, 5, padding=0),
              Activation("relu"), MaxPool2D(2), Flatten(), Dense(120), Activation("relu"), Dense(84),
              Activation("relu"), Dense(10)]
    return conv_setup(backend, data.x, data.y, layers)


class _TorchLSTM:
    """Built lazily so the script runs without torch: LSTM(1→H) then Linear on the last state."""

    @staticmethod
    def make(net: Network):
        torch = torch_or_none()
        lstm_layer = next(n.layer for n in net.nodes.values() if isinstance(n.layer, LSTM))
        dense = next(n.layer for n in net.nodes.values() if isinstance(n.layer, Dense))
        units = lstm_layer.units

        class Model(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = torch.nn.LSTM(1, units, batch_first=True)
                self.head = torch.nn.Linear(units, 1)

            def forward(self, x):
                out, _ = self.lstm(x)
                return self.head(out[:, -1])

        model = Model()
        # engine gate blocks are (i, f, o, g); PyTorch's are (i, f, g, o)
        order = [0, 1, 3, 2]

        def regate(a):  # columns in 4 blocks of ``units`` → PyTorch's (4H, in) rows
            blocks = np.split(to_host(a), 4, axis=-1)
            return np.concatenate([blocks[k] for k in order], axis=-1)

        with torch.no_grad():
            model.lstm.weight_ih_l0.copy_(torch.from_numpy(regate(lstm_layer.params["W_xh"].data).T.copy()))
            model.lstm.weight_hh_l0.copy_(torch.from_numpy(regate(lstm_layer.params["W_hh"].data).T.copy()))
            model.lstm.bias_ih_l0.copy_(torch.from_numpy(regate(lstm_layer.params["b"].data).copy()))
            model.lstm.bias_hh_l0.zero_()
        # PyTorch keeps a second bias that Adam would also move; the engine has one
        model.lstm.bias_hh_l0.requires_grad_(False)
        _torch_weights(torch, model.head, to_host(dense.params["W"].data).T, to_host(dense.params["b"].data))
        return model


@workload("rnn", "many-to-one LSTM 32 hidden, sine sequences of 50 steps, 1 feature, MSE, Adam, batch 32", 1.0)
def rnn(backend) -> Setup:
    rng = np.random.default_rng(0)
    start = rng.uniform(0, 2 * np.pi, size=(1024, 1))
    steps = start + np.arange(51)[None, :] * 0.3
    waves = np.sin(steps).astype(np.float32)
    x, t = waves[:, :50, None], waves[:, 50:]
    batches = make_batches(x, t, 32)
    net = Network.sequential((50, 1), [LSTM(32), Dense(1)]).build(backend, seed=0)
    engine = engine_stepper(net, MSE(), Adam(net.parameters(), lr=1e-3), batches, backend)
    torch = torch_or_none()
    if torch is None:
        return Setup(engine, None)
    model = _TorchLSTM.make(net)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    return Setup(engine, torch_stepper(model, torch.nn.MSELoss(), opt, batches))


# -- measuring -------------------------------------------------------------------------------
def steps_per_second(step: Step, start: int, min_time: float, chunk: int = 25) -> tuple[float, int]:
    """Run ``step`` in chunks until ``min_time`` seconds have passed; return (steps/s, next index)."""
    done, i = 0, start
    t0 = time.perf_counter()
    while True:
        for _ in range(chunk):
            step(i)
            i += 1
        done += chunk
        elapsed = time.perf_counter() - t0
        if elapsed >= min_time:
            return done / elapsed, i


def loss_agreement(setup: Setup, steps: int = 20) -> float:
    """Largest |loss_engine − loss_torch| over the first steps from the same initial weights."""
    worst = 0.0
    for i in range(steps):
        a = setup.engine_loss(setup.engine_step(i))
        b = setup.torch_loss(setup.torch_step(i))
        worst = max(worst, abs(a - b))
    return worst


def run_workload(w: Workload, backend, repeats: int, min_time: float) -> dict[str, Any]:
    setup = w.make(backend)
    row: dict[str, Any] = {"workload": w.name, "description": w.description, "target": w.target}
    if setup.torch_step is not None:
        row["max_abs_loss_diff"] = loss_agreement(setup)
    engine_runs, torch_runs = [], []
    ei = ti = 1000  # after the agreement check and a warm-up below
    for step in (setup.engine_step, setup.torch_step):
        if step is not None:
            for i in range(50):
                step(i)
    for _ in range(repeats):
        rate, ei = steps_per_second(setup.engine_step, ei, min_time)
        engine_runs.append(rate)
        if setup.torch_step is not None:
            rate, ti = steps_per_second(setup.torch_step, ti, min_time)
            torch_runs.append(rate)
    row["engine_steps_per_s"] = statistics.median(engine_runs)
    row["engine_runs"] = engine_runs
    if torch_runs:
        row["torch_steps_per_s"] = statistics.median(torch_runs)
        row["torch_runs"] = torch_runs
        # each engine run is paired with the torch run right after it (same machine load)
        row["ratio"] = statistics.median(e / t for e, t in zip(engine_runs, torch_runs))
        row["meets_target"] = row["ratio"] >= w.target
    return row


def profile_workload(w: Workload, backend, steps: int = 2000, top: int = 25) -> None:
    setup = w.make(backend)
    for i in range(50):
        setup.engine_step(i)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(steps):
        setup.engine_step(i)
    profiler.disable()
    print(f"== cProfile of {steps} engine steps of {w.name!r} ==")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def print_table(rows: list[dict[str, Any]], header: dict[str, Any]) -> None:
    print(f"backend: {header['backend']} (BLAS threads: {header['blas_threads']})   "
          f"torch: {header['torch']} ({header['torch_threads']} threads)   "
          f"cores: {header['cores']}   repeats: {header['repeats']}")
    print(f"{'workload':<9}{'engine steps/s':>16}{'torch steps/s':>15}{'engine/torch':>14}"
          f"{'target':>8}{'max|Δloss|':>12}  description")
    for r in rows:
        torch_rate = f"{r['torch_steps_per_s']:.0f}" if "torch_steps_per_s" in r else "—"
        ratio = f"{r['ratio']:.2f}×" if "ratio" in r else "—"
        mark = "" if "ratio" not in r else (" ✓" if r["meets_target"] else " ✗")
        diff = f"{r['max_abs_loss_diff']:.1e}" if "max_abs_loss_diff" in r else "—"
        print(f"{r['workload']:<9}{r['engine_steps_per_s']:>16.0f}{torch_rate:>15}{ratio + mark:>14}"
              f"{r['target']:>7g}×{diff:>12}  {r['description']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=sorted(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=5, help="runs per framework (median; at least 3)")
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds per run")
    parser.add_argument("--backend", default="numpy", choices=["numpy", "cupy", "auto"])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine loop instead")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="threads for PyTorch (default: the number of cores)")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="cap NumPy's BLAS threads (needs threadpoolctl; default: NumPy's own)")
    args = parser.parse_args(argv)
    if args.repeats < 3:
        parser.error("--repeats must be at least 3")
    backend = get_backend(args.backend)
    torch = torch_or_none()
    cores = os.cpu_count() or 1
    if torch is not None:
        torch.set_num_threads(args.torch_threads or cores)
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.blas_threads, user_api="blas")  # NumPy's OpenBLAS only
    if args.profile:
        for name in args.workloads:
            profile_workload(WORKLOADS[name], backend)
        return 0
    rows = [run_workload(WORKLOADS[name], backend, args.repeats, args.min_time) for name in args.workloads]
    header = {"backend": backend.label, "torch": torch.__version__ if torch else "not installed",
              "torch_threads": torch.get_num_threads() if torch else 0, "cores": cores,
              "blas_threads": args.blas_threads or "default",
              "repeats": args.repeats, "numpy": np.__version__}
    if args.json:
        print(json.dumps({**header, "results": rows}, indent=2))
    else:
        print_table(rows, header)
    return 0


if __name__ == "__main__":
    sys.exit(main())
