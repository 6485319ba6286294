"""Rules that guide a first-time student, written once and free of Qt.

* :func:`loss_for_task` — the loss a dataset's task calls for (binary → binary
  cross-entropy, several classes → softmax cross-entropy, numbers → MSE).
* :class:`LossFollower` — which Output nodes still follow that rule: an Output
  whose loss nobody picked (the catalog default, or exactly what the task calls
  for) follows the task; once the student picks a loss it stays theirs.
* :func:`unusual_setting` — a quiet warning for a value that is allowed but
  unusual (an SGD learning rate above 1, a batch larger than the data).
"""

from __future__ import annotations

from typing import Any, Iterable

from .catalog import get_spec

TASK_LOSS = {
    "binary": "bce",
    "multiclass": "softmax_cross_entropy",
    "regression": "mse",
    "reconstruction": "mse",
    "sequence": "mse",
    "multilabel": "multilabel_bce",
}
DEFAULT_LOSS = get_spec("output").param("loss").default


def loss_for_task(task: str | None, classes: int = 0) -> str | None:
    """The loss for a dataset's ``task`` (``None`` for an unknown task).

    A "multiclass" set of only two classes still takes softmax cross-entropy (one
    unit per class); a "binary" task always takes binary cross-entropy.
    """
    if task is None:
        return None
    return TASK_LOSS.get(task)


class LossFollower:
    """Remembers which Output nodes' losses follow the task (Qt-free; the UI applies the changes).

    :meth:`reset` after another project is opened; :meth:`picked` when a loss
    was set by anyone but this rule; :meth:`changes` gives ``[(node_id, loss)]``
    to apply for a dataset's task.
    """

    def __init__(self) -> None:
        self.picked_ids: set[str] = set()

    def reset(self, outputs: Iterable[tuple[str, str]], task: str | None = None) -> None:
        """``outputs``: ``(node_id, loss)`` of the new project's Output nodes."""
        wanted = loss_for_task(task)
        self.picked_ids = {node_id for node_id, loss in outputs if loss not in (DEFAULT_LOSS, wanted)}

    def picked(self, node_id: str) -> None:
        self.picked_ids.add(node_id)

    def follows(self, node_id: str) -> bool:
        return node_id not in self.picked_ids

    def changes(self, outputs: Iterable[tuple[str, str]], task: str | None) -> list[tuple[str, str]]:
        """The ``(node_id, loss)`` changes that make every following Output fit ``task``."""
        wanted = loss_for_task(task)
        if wanted is None:
            return []
        return [(node_id, wanted) for node_id, loss in outputs if self.follows(node_id) and loss != wanted]


def output_losses(graph) -> list[tuple[str, str]]:
    """``(node_id, loss)`` of every Output node of ``graph``."""
    return [(node.id, node.params.get("loss", DEFAULT_LOSS)) for node in graph if node.kind == "output"]


def unusual_setting(path: str, value: Any, settings=None, samples: int | None = None) -> str:
    """A short warning for an allowed but unusual value of setting ``path``, or ``""``.

    ``settings`` (a :class:`~playground.model.settings.TrainingSettings`) gives the
    context (which optimizer); ``samples`` is the number of training samples.
    """
    if value is None or isinstance(value, bool):
        return ""
    optimizer = getattr(getattr(settings, "optimizer", None), "name", None)
    if path == "optimizer.lr" and isinstance(value, (int, float)):
        if optimizer == "sgd" and value > 1:
            return f"Unusual: an SGD learning rate above 1 ({value:g}) usually makes the loss jump or diverge."
        if optimizer in ("adam", "adamw", "rmsprop") and value > 0.1:
            return f"Unusual: {value:g} is large for {optimizer}; 0.001–0.01 is typical."
    if path == "batch_size" and isinstance(value, int) and samples:
        if value > samples:
            return f"Larger than the {samples:,} training samples: each step uses all of them (batch gradient descent)."
    if path == "epochs" and isinstance(value, int) and value > 100_000:
        return "Unusual: that many epochs takes a very long time."
    return ""
