"""Training as a state machine with a generator on top.

``Trainer.run_batch()`` does one mini-batch; ``Trainer.steps()`` loops over
batches and yields a :class:`Report` at most every ``report_every_s`` seconds,
on an epoch end where epochs are short. A window runs ``steps()`` on a worker
thread; "step one batch" while paused is ``run_batch()`` followed by
``report()``. Commands that come from another thread (stop, learning rate) only
set attributes, read between batches.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np

from playground.engine.backend import to_host
from playground.engine.network import Network
from playground.engine.training import train_step

from .report import DecisionGrid, EpochPoint, Report
from . import probes
from .not_finite import explain_not_finite


@dataclass
class TrainData:
    """Host arrays for one run. ``task`` decides the metrics shown."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    task: str = "binary"  # binary | multiclass | multilabel | regression | reconstruction | sequence
    labels_val: np.ndarray | None = None  # class labels for colouring latent plots
    grid_extent: tuple[float, float, float, float] | None = None  # 2-D inputs: the plane to draw
    grid_transform: Callable[[np.ndarray], np.ndarray] | None = None  # plane points → network inputs
    augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None  # training only


@dataclass
class EarlyStopping:
    patience: int = 10  # epochs without improvement of the validation loss
    min_delta: float = 0.0
    restore_best: bool = True


@dataclass
class _Running:
    """Sums since the last report."""

    loss: float = 0.0
    batches: int = 0
    correct: float = 0.0
    seen: int = 0
    terms: dict[str, float] = field(default_factory=dict)


class Trainer:
    def __init__(self, net: Network, loss, optimizer, data: TrainData, *, batch_size: int = 32,
                 epochs: int = 10, seed: int = 0, schedule=None, report_every_s: float = 0.05,
                 early_stopping: EarlyStopping | None = None, grid_resolution: int = 50,
                 latent_node: str | None = None, start_epoch: int = 0, start_iteration: int = 0):
        self.net, self.loss, self.optimizer, self.data = net, loss, optimizer, data
        self.batch_size = max(1, min(int(batch_size), len(data.x_train)))
        self.epochs = int(epochs)
        self.schedule = schedule
        self.report_every_s = report_every_s  # at most one report this often (0: every epoch end)
        self.long_epoch_s: float | None = None  # an epoch longer than this also reports in its middle
        self.early_stopping = early_stopping
        self.grid_resolution = grid_resolution
        self.latent_node = latent_node
        # a run that goes on from trained weights shuffles on from a seed of its own
        self.rng = np.random.default_rng(seed if not (start_epoch or start_iteration) else [seed, start_iteration])
        self.base_lr = float(optimizer.lr)  # the learning-rate setting the schedule was built from
        self.lr_scale = 1.0  # a live change of the setting scales the schedule
        self.batches_per_epoch = math.ceil(len(data.x_train) / self.batch_size)
        self.iteration = int(start_iteration)
        self.epoch = int(start_epoch)
        self.iterations_total = self.iteration + self.batches_per_epoch * max(0, self.epochs - self.epoch)
        self.start_weights: dict[str, np.ndarray] | None = None  # where the run started (a NaN cause)
        self._predictions = None
        self.stop_requested = False
        self.finished = False
        self.message = ""
        self._xp = net.backend.xp
        self._to_device = lambda a: net.backend.asarray(a) if a.dtype.kind == "f" else self._xp.asarray(a)
        self._x_train = self._to_device(data.x_train)
        self._y_train = self._to_device(data.y_train)
        self._order = self.rng.permutation(len(data.x_train))
        self._position = 0
        self._running = _Running()
        self._epoch_end = False
        self._earlier: list[EpochPoint] = []
        self._best: tuple[float, dict] | None = None
        self._bad_epochs = 0
        self._last_val_loss: float | None = None
        self._last_val_metrics: dict[str, float] = {}
        self._threshold = 0.0 if getattr(loss, "from_logits", False) else 0.5  # logits vs probabilities
        self._to_probability = probes.output_probabilities(loss)

    # -- commands (safe to call from another thread) --------------------------
    def stop(self) -> None:
        self.stop_requested = True

    def set_learning_rate(self, lr: float) -> None:
        """The learning-rate setting changed live: a schedule keeps its shape, scaled to the new rate."""
        if self.base_lr > 0:
            self.lr_scale = float(lr) / self.base_lr
        else:
            self.base_lr, self.lr_scale = float(lr), 1.0

    # -- one batch ------------------------------------------------------------
    def _scheduled_lr(self) -> float:
        lr = self.schedule(self.iteration, self.epoch) if self.schedule else self.base_lr
        return float(lr) * self.lr_scale

    def run_batch(self) -> None:
        """Train on the next mini-batch; at the end of an epoch, evaluate and reshuffle."""
        if self.finished:
            return
        idx = self._order[self._position:self._position + self.batch_size]
        x, t = self._x_train[idx], self._y_train[idx]
        if self.data.augment is not None:
            x = self._to_device(self.data.augment(to_host(x), self.rng))
        self.optimizer.lr = self._scheduled_lr()
        self.net.train(True)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported, not warned
            loss = train_step(self.net, self.loss, self.optimizer, x, target=t, watch=self._keep_predictions)
            self._accumulate(loss, self._predictions, t)
        self.iteration += 1
        self._position += self.batch_size
        if not math.isfinite(self._running.loss):
            self._fail_not_finite()
        elif self._position >= len(self._order):
            self._end_epoch()

    def _keep_predictions(self, y, _dy) -> None:
        self._predictions = y

    def _accumulate(self, loss: float, y, t) -> None:
        run = self._running
        run.loss += loss
        run.batches += 1
        for name, value in self.net.loss_terms.items():
            run.terms[name] = run.terms.get(name, 0.0) + float(value)
        correct = probes.count_correct(self.data.task, y, t, self._threshold)
        if correct is not None:
            run.correct += correct
            run.seen += len(t)

    def _fail_not_finite(self) -> None:
        with np.errstate(over="ignore", invalid="ignore"):
            norms = self.net.grad_norms()
        finite = {k: v for k, v in norms.items() if math.isfinite(v)}
        worst = max(finite, key=finite.get) if finite else None
        detail = (f" The largest gradient norm was {finite[worst]:.3g} in {worst}." if worst else "")
        cause = explain_not_finite(self.data, self.start_weights) or (
            f"The learning rate ({self.optimizer.lr:.3g}) is probably too high, or the gradients exploded: "
            "try a lower learning rate or gradient clipping.")
        self.message = (f"Training stopped: the loss became {'NaN' if math.isnan(self._running.loss) else 'infinite'} "
                        f"at iteration {self.iteration} (epoch {self.epoch + 1}).{detail} {cause}")
        self.finished = True

    def _end_epoch(self) -> None:
        self.epoch += 1
        self._epoch_end = True
        self._position = 0
        self._order = self.rng.permutation(len(self._order))
        self._evaluate()
        if self._check_early_stop():
            return
        if self.epoch >= self.epochs:
            self.finished = True
            self.message = f"Finished {self.epochs} epochs."

    def _evaluate(self) -> None:
        if self.data.x_val is None or len(self.data.x_val) == 0:
            return
        self._last_val_loss, self._last_val_metrics = probes.evaluate(
            self.net, self.loss, self.data.x_val, self.data.y_val, self.data.task, self._threshold)

    def _check_early_stop(self) -> bool:
        rule, val = self.early_stopping, self._last_val_loss
        if rule is None or val is None:
            return False
        if self._best is None or val < self._best[0] - rule.min_delta:
            self._best = (val, self.net.state_dict() if rule.restore_best else {})
            self._bad_epochs = 0
            return False
        self._bad_epochs += 1
        if self._bad_epochs < rule.patience:
            return False
        if rule.restore_best:
            self.net.load_state_dict(self._best[1])
        self.finished = True
        self.message = (f"Early stopping after epoch {self.epoch}: the validation loss has not improved for "
                        f"{rule.patience} epochs (best {self._best[0]:.4g}).")
        return True

    # -- reports --------------------------------------------------------------
    def report(self) -> Report:
        """Summarize the batches since the last report (plain floats, host arrays)."""
        run = self._running
        train_loss, metrics, terms = self._running_means()
        report = Report(
            epoch=self.epoch, iteration=self.iteration, iterations_total=self.iterations_total,
            learning_rate=float(self.optimizer.lr), train_loss=train_loss,
            val_loss=self._last_val_loss, train_metrics=metrics, val_metrics=dict(self._last_val_metrics),
            loss_terms=terms, earlier=self._earlier, epoch_end=self._epoch_end, done=self.finished,
            message=self.message)
        if run.batches:
            probes.fill_instruments(report, self.net)
        if self._epoch_end or self.finished:
            probes.fill_samples(report, self.net, self.data, self.latent_node, self._threshold)
        report.decision_grid = self.decision_grid()
        self._running = _Running()
        self._epoch_end, self._earlier = False, []
        return report

    def picture(self) -> Report:
        """What the current weights do, without training a batch: the decision grid, weight
        statistics and samples of a reopened project or of weights edited by hand."""
        report = Report(epoch=self.epoch, iteration=self.iteration, iterations_total=self.iterations_total,
                        learning_rate=float(self.optimizer.lr), train_loss=float("nan"))
        self.net.train(False)
        probes.fill_samples(report, self.net, self.data, self.latent_node, self._threshold)
        probes.fill_weights(report, self.net)
        probes.fill_activations(report, self.net)
        report.decision_grid = self.decision_grid()
        return report

    def _running_means(self) -> tuple[float, dict[str, float], dict[str, float]]:
        """Train loss, train metrics and penalty terms averaged over the batches since the last summary."""
        run = self._running
        train_loss = run.loss / run.batches if run.batches else float("nan")
        metrics = {"accuracy": run.correct / run.seen} if run.seen else {}
        terms = {k: v / run.batches for k, v in run.terms.items()} if run.batches else {}
        return train_loss, metrics, terms

    def _skipped_epoch_end(self) -> None:
        """An epoch ended without a report: keep its scalars for the next report, and do not
        let that report claim an epoch end it was not at."""
        if self._epoch_end:
            train_loss, metrics, terms = self._running_means()
            self._earlier.append(EpochPoint(self.iteration, train_loss, metrics, terms, self._last_val_loss,
                                            dict(self._last_val_metrics)))
            self._running = _Running()
        self._epoch_end = False

    def decision_grid(self) -> DecisionGrid | None:
        if self.data.grid_extent is None:
            return None
        return probes.decision_grid(self.net, self.data.grid_extent, self.grid_resolution,
                                    self.data.grid_transform, self._to_probability)

    def steps(self) -> Iterator[Report]:
        """Train until done or stopped, yielding a report at most every ``report_every_s``.

        Reports land on epoch ends when epochs are short (so validation points and
        per-epoch pictures line up with epochs) and also mid-epoch when an epoch takes
        longer than the interval. Tiny data trains hundreds of epochs a second: a
        report per epoch would flood whoever draws them, so the epochs in between
        are trained and validated (early stopping still sees every one) but not reported.
        """
        last, epoch_started = -math.inf, time.perf_counter()  # the first epoch end is always shown
        while not self.finished and not self.stop_requested:
            self.run_batch()
            now, ended = time.perf_counter(), self._epoch_end
            due = now - last >= self.report_every_s
            long_epoch = now - epoch_started >= (self.report_every_s if self.long_epoch_s is None
                                                 else self.long_epoch_s)
            if self.finished or (due and (ended or long_epoch)):
                last = now
                yield self.report()
            if ended:
                self._skipped_epoch_end()
                epoch_started = time.perf_counter()  # after a paced wait too: the wait is no training time
        if self.stop_requested and not self.finished:
            self.finished = True
            self.message = f"Stopped at iteration {self.iteration} (epoch {self.epoch + 1})."
            yield self.report()
