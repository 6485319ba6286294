"""A network is a directed acyclic graph of layers run in topological order.

Nodes have stable string ids; parameters are named ``"<node id>.<param>"`` so
a state_dict saved from one run loads into another built from the same graph.

After a training step everything the plots need is already there, with no
extra pass: every node's last output (``node_output``), every parameter's
gradient (``grad_norms``) and values (``weight_stats``).

**Shared weights** (a Siamese pair): ``net.add("dense_b", Dense(16), "right",
shares_with="dense_a")`` makes node ``dense_b`` use the very same
:class:`Parameter` objects as ``dense_a`` (same kind and shapes, checked at
build). Both uses add to the one gradient, ∂L/∂W = Σ over the uses of W; the
parameter is listed, counted, updated and saved once, under the owner's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from .backend import Backend, numpy_backend, to_host
from .layer import Layer, Parameter, Shape, ShapeError


class GraphError(ValueError):
    """The wiring is wrong: unknown node, cycle, missing input or output."""


class Input(Layer):
    """Where data enters. ``shape`` is per sample, e.g. ``(2,)`` or ``(1, 28, 28)``."""

    kind = "input"
    num_inputs = 0

    def __init__(self, shape: Iterable[int], name: str | None = None):
        super().__init__(name)
        self.shape = tuple(int(s) for s in shape)

    def output_shape(self, *input_shapes):
        return self.shape

    def forward(self, x):
        return x

    def backward(self, dy):
        return dy

    def config(self):
        return {"shape": self.shape}


@dataclass
class Node:
    id: str
    layer: Layer
    inputs: list[str] = field(default_factory=list)
    shape: Shape | None = None  # per-sample output shape, known after build
    shares_with: str | None = None  # the node whose parameters this one uses (shared weights)


def _param_shapes_text(layer: Layer) -> str:
    """``"W (64, 16), b (16,)"``: a layer's parameter shapes in words (for messages)."""
    return ", ".join(f"{k} {tuple(p.data.shape)}" for k, p in layer.params.items()) or "none"


class Network:
    def __init__(self):
        self.nodes: dict[str, Node] = {}
        self.input_ids: list[str] = []
        self.output_id: str | None = None
        self.backend: Backend = numpy_backend()
        self.built = False
        self.loss_terms: dict[str, Any] = {}
        self.input_gradients = False  # set before build to get ∂L/∂input back (saliency maps)

    # -- wiring -----------------------------------------------------------
    def add_input(self, node_id: str, shape: Iterable[int]) -> str:
        self.add(node_id, Input(shape))
        self.input_ids.append(node_id)
        return node_id

    def add(self, node_id: str, layer: Layer, inputs: "str | list[str] | None" = None,
            shares_with: str | None = None) -> str:
        """Add ``layer`` as node ``node_id`` fed by ``inputs`` (ids, in port order).

        ``shares_with``: the id of a node of the same kind whose weights this one
        uses instead of its own (it may be added later; checked at build).
        """
        if node_id in self.nodes:
            raise GraphError(f"There is already a node called {node_id!r}")
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        for src in inputs:
            if src not in self.nodes:
                raise GraphError(f"{node_id}: input {src!r} is not a node of this network")
        layer.name = node_id
        self.nodes[node_id] = Node(node_id, layer, inputs, shares_with=shares_with)
        self.output_id = node_id  # the last node added is the output until told otherwise
        self.built = False
        return node_id

    def set_output(self, node_id: str) -> None:
        if node_id not in self.nodes:
            raise GraphError(f"Output {node_id!r} is not a node of this network")
        self.output_id = node_id

    @classmethod
    def sequential(cls, input_shape: Iterable[int], layers: Iterable[Layer]) -> "Network":
        """A plain stack: input → layers[0] → layers[1] → …; ids are ``"input"``, ``"<kind><i>"``."""
        net = cls()
        prev = net.add_input("input", input_shape)
        for i, layer in enumerate(layers, start=1):
            prev = net.add(f"{layer.kind}{i}", layer, prev)
        return net

    # -- build ------------------------------------------------------------
    def topological_order(self) -> list[str]:
        """Node ids so that every node comes after its inputs; raise on a cycle."""
        state: dict[str, int] = {}  # 1 = visiting, 2 = done
        order: list[str] = []

        def visit(node_id: str, path: list[str]) -> None:
            if state.get(node_id) == 2:
                return
            if state.get(node_id) == 1:
                cycle = " → ".join(path[path.index(node_id):] + [node_id])
                raise GraphError(f"The graph has a cycle: {cycle}")
            state[node_id] = 1
            for src in self.nodes[node_id].inputs:
                visit(src, path + [node_id])
            state[node_id] = 2
            order.append(node_id)

        for node_id in self.nodes:
            visit(node_id, [])
        return order

    def infer_shapes(self) -> dict[str, Shape]:
        """Per-sample output shape of every node, from shapes alone (no data, no arrays)."""
        shapes: dict[str, Shape] = {}
        for node_id in self.topological_order():
            node = self.nodes[node_id]
            self._check_arity(node)
            node.shape = tuple(node.layer.output_shape(*[shapes[s] for s in node.inputs]))
            shapes[node_id] = node.shape
        return shapes

    def _check_arity(self, node: Node) -> None:
        want, got = node.layer.num_inputs, len(node.inputs)
        if want is None:
            if got < 1:
                raise GraphError(f"{node.id}: needs at least one input, but nothing is connected")
        elif got != want:
            raise GraphError(f"{node.id}: needs {want} input(s), but {got} are connected")

    def build(self, backend: Backend | None = None, seed: int = 0) -> "Network":
        """Check shapes and create parameters. Each layer gets its own seeded generator."""
        if not self.input_ids:
            raise GraphError("The network has no Input node")
        if self.output_id is None:
            raise GraphError("The network has no output")
        self.backend = backend or self.backend
        self.order = self.topological_order()
        for index, node_id in enumerate(self.order):
            node = self.nodes[node_id]
            self._check_arity(node)
            in_shapes = [self.nodes[s].shape for s in node.inputs]
            rng = np.random.default_rng([seed, index])
            node.shape = tuple(node.layer.build(in_shapes, self.backend.xp, self.backend.dtype, rng))
        self._tie_shared_weights()
        self._compile_plan()
        self.built = True
        return self

    def _weight_owner(self, node: Node) -> Node:
        """The node whose parameters ``node`` shares; a plain :class:`GraphError` if it cannot."""
        owner_id = node.shares_with
        if owner_id not in self.nodes:
            raise GraphError(f"{node.id}: shares weights with {owner_id!r}, which is not a node of this network")
        if owner_id == node.id:
            raise GraphError(f"{node.id}: a layer cannot share weights with itself")
        owner = self.nodes[owner_id]
        if owner.shares_with is not None:
            raise GraphError(f"{node.id}: shares weights with {owner_id}, which itself shares the weights of "
                             f"{owner.shares_with}: let {node.id} share with {owner.shares_with} directly")
        if type(owner.layer) is not type(node.layer):
            raise GraphError(f"{node.id}: only layers of the same kind can share weights, but {node.id} is "
                             f"a {node.layer.kind} layer and {owner_id} a {owner.layer.kind} layer")
        return owner

    def _tie_shared_weights(self) -> None:
        """Give every sharing node its owner's Parameter objects (after all layers are built).

        The sharing layer made its own parameters in build; they are dropped here, so
        both layers read and train one ``W``. The shapes must match exactly.
        """
        for node in self.nodes.values():
            if node.shares_with is None:
                continue
            owner = self._weight_owner(node)
            mine, theirs = _param_shapes_text(node.layer), _param_shapes_text(owner.layer)
            if mine != theirs:
                raise ShapeError(node.id, f"shares weights with {owner.id}, but it needs weights {mine} "
                                          f"where {owner.id} has {theirs}: give both layers the same "
                                          "settings and inputs of the same shape")
            node.layer.params = dict(owner.layer.params)

    def _compile_plan(self) -> None:
        """Precompute integer wiring so a step does no dictionary work per node."""
        position = {node_id: i for i, node_id in enumerate(self.order)}
        self._layers = [self.nodes[n].layer for n in self.order]
        self._sources = [[position[s] for s in self.nodes[n].inputs] for n in self.order]
        self._multi = [layer.num_inputs != 1 for layer in self._layers]
        self._input_pos = [position[n] for n in self.input_ids]
        self._output_pos = position[self.output_id]
        # only nodes the output depends on take part in backward
        needed = {self._output_pos}
        for i in range(len(self.order) - 1, -1, -1):
            if i in needed:
                needed.update(self._sources[i])
        self._backward_plan = [i for i in range(len(self.order) - 1, -1, -1)
                               if i in needed and not isinstance(self._layers[i], Input)]
        for layer, srcs in zip(self._layers, self._sources):
            fed_by_data = bool(srcs) and all(isinstance(self._layers[s], Input) for s in srcs)
            layer.input_grad_needed = not (fed_by_data and layer.num_inputs == 1 and not self.input_gradients)
        self._penalty_layers = [layer for layer in self._layers if hasattr(layer, "penalty_name")]
        shared = {id(p) for n in self.nodes.values() if n.shares_with for p in n.layer.params.values()}
        self._shares_weights = [any(id(p) in shared for p in layer.params.values()) for layer in self._layers]
        self._values: list[Any] = [None] * len(self.order)

    # -- running ------------------------------------------------------------
    def forward(self, *inputs):
        """Run the graph on one batch per Input node (in ``input_ids`` order)."""
        if not self.built:
            raise GraphError("Build the network before running it")
        if len(inputs) != len(self._input_pos):
            raise GraphError(f"The network has {len(self._input_pos)} input(s) but got {len(inputs)} arrays")
        values = self._values
        for pos, x in zip(self._input_pos, inputs):
            self._check_batch(pos, x)
            values[pos] = x
        for i, layer in enumerate(self._layers):
            srcs = self._sources[i]
            if not srcs:
                continue
            if self._multi[i]:
                values[i] = layer.forward(*[values[s] for s in srcs])
            else:
                values[i] = layer.forward(values[srcs[0]])
        self.loss_terms = self._collect_penalties()
        return values[self._output_pos]

    def _collect_penalties(self) -> dict[str, Any]:
        """Extra loss terms by name; two layers with the same kind of penalty add up."""
        terms: dict[str, Any] = {}
        for layer in self._penalty_layers:
            if layer.penalty is not None:
                name = layer.penalty_name
                terms[name] = layer.penalty if name not in terms else terms[name] + layer.penalty
        return terms

    def _check_batch(self, pos: int, x) -> None:
        node = self.nodes[self.order[pos]]
        if tuple(x.shape[1:]) != node.shape:
            raise ShapeError(node.id, f"expects samples of shape {node.shape}, "
                                      f"but the data has samples of shape {tuple(x.shape[1:])}")

    def backward(self, dy) -> list[Any]:
        """Backpropagate ``dy = ∂L/∂output``; fill every parameter's ``grad``.

        Returns the gradients with respect to the inputs (in ``input_ids`` order;
        ``None`` unless ``input_gradients`` was set before build). Where a node
        feeds several others, their gradients are summed.
        """
        grads: list[Any] = [None] * len(self._layers)
        grads[self._output_pos] = dy
        written: set[int] = set()  # shared parameters whose grad this pass has already set
        for i in self._backward_plan:
            g = grads[i]
            if g is None:
                continue
            if self._shares_weights[i]:
                dx = self._backward_adding_grads(self._layers[i], g, written)
            else:
                dx = self._layers[i].backward(g)
            if dx is None:  # a first layer that skipped ∂L/∂x (input_grad_needed False)
                continue
            srcs = self._sources[i]
            if not self._multi[i]:
                dx = (dx,)
            for s, d in zip(srcs, dx):
                grads[s] = d if grads[s] is None else grads[s] + d
        return [grads[p] for p in self._input_pos]

    @staticmethod
    def _backward_adding_grads(layer: Layer, dy, written: set[int]):
        """Backward of a layer whose weights another node also uses: the gradients add up.

        A layer *assigns* ``p.grad`` (the gradient of its own use of ``p``). The first
        user in this pass keeps that; each later user adds the total so far, so in
        the end ``p.grad`` = Σ over all uses of ``p`` (for y = W·x₁ + W·x₂:
        ∂L/∂W = δ·x₁ᵀ + δ·x₂ᵀ).
        """
        earlier = {key: p.grad for key, p in layer.params.items() if id(p) in written}
        dx = layer.backward(dy)
        for key, grad in earlier.items():
            param = layer.params[key]
            param.grad = param.grad + grad
        written.update(id(p) for p in layer.params.values())
        return dx

    def predict(self, *inputs):
        """Forward in evaluation mode, then back to the previous mode."""
        was_training = self.training
        self.train(False)
        try:
            return self.forward(*inputs)
        finally:
            self.train(was_training)

    def total_penalty(self):
        """The sum of the extra loss terms (sparsity, KL, contractive) from the last forward."""
        return sum(self.loss_terms.values()) if self.loss_terms else 0.0

    # -- modes and parameters ----------------------------------------------
    @property
    def training(self) -> bool:
        return all(node.layer.training for node in self.nodes.values())

    def train(self, mode: bool = True) -> None:
        for node in self.nodes.values():
            node.layer.train(mode)

    def eval(self) -> None:
        self.train(False)

    def named_parameters(self) -> dict[str, Parameter]:
        """``{"dense1.W": Parameter, …}`` in topological order; shared weights once, by their owner."""
        order = self.order if self.built else list(self.nodes)
        return {f"{n}.{k}": p for n in order if self.nodes[n].shares_with is None
                for k, p in self.nodes[n].layer.params.items()}

    def parameters(self) -> list[Parameter]:
        return list(self.named_parameters().values())

    def freeze(self, node_ids: Iterable[str], frozen: bool = True) -> None:
        for node_id in node_ids:
            for p in self.nodes[node_id].layer.params.values():
                p.frozen = frozen

    def count_params(self) -> tuple[int, int]:
        """``(trainable, non_trainable)`` for the whole network, from shapes alone (shared weights once)."""
        shapes = self.infer_shapes()
        total = [0, 0]
        for node in self.nodes.values():
            t, f = node.layer.count_params(*[shapes[s] for s in node.inputs])
            if node.shares_with is not None:
                t = 0  # counted with the owner
            total[0] += t
            total[1] += f
        return total[0], total[1]

    def summary(self) -> list[dict[str, Any]]:
        """One row per node: id, kind, inputs, output shape, parameter counts.

        A node that shares weights counts 0 trainable parameters (its owner counts
        them) and names its owner in ``shares_with``.
        """
        shapes = self.infer_shapes()
        rows = []
        for node_id in self.topological_order():
            node = self.nodes[node_id]
            t, f = node.layer.count_params(*[shapes[s] for s in node.inputs])
            rows.append({"id": node_id, "kind": node.layer.kind, "inputs": list(node.inputs),
                         "shape": shapes[node_id], "trainable": 0 if node.shares_with else t,
                         "non_trainable": f, "shares_with": node.shares_with})
        return rows

    # -- instruments (no extra passes) --------------------------------------
    def node_output(self, node_id: str, sample: int | None = None) -> np.ndarray:
        """The last forward output of a node as a host array (one sample or the batch)."""
        value = self._values[self.order.index(node_id)]
        if value is None:
            raise GraphError(f"{node_id} has no output yet: run a forward pass first")
        return to_host(value if sample is None else value[sample])

    def grad_norms(self) -> dict[str, float]:
        """L2 norm of the gradient of each node's parameters together, per node."""
        xp = self.backend.xp
        norms = {}
        for node_id in self.order:
            params = self.nodes[node_id].layer.params.values()
            if params:
                sq = sum(xp.sum(p.grad.astype(xp.float64) ** 2) for p in params)
                norms[node_id] = float(xp.sqrt(sq))
        return norms

    def weight_stats(self) -> dict[str, dict[str, float]]:
        """Mean, std, min, max and mean |w| of every parameter."""
        stats = {}
        for name, p in self.named_parameters().items():
            d = p.data
            stats[name] = {"mean": float(d.mean()), "std": float(d.std()), "min": float(d.min()),
                           "max": float(d.max()), "abs_mean": float(abs(d).mean())}
        return stats

    # -- state ---------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Host copies of all parameters and buffers, keyed by stable id."""
        state = {name: to_host(p.data).copy() for name, p in self.named_parameters().items()}
        for node_id in self.order:
            for key, value in self.nodes[node_id].layer.buffers.items():
                state[f"{node_id}.{key}"] = to_host(value).copy()
        return state

    def load_state_dict(self, state: dict[str, np.ndarray], strict: bool = True) -> None:
        """Load arrays saved by :meth:`state_dict`; shapes must match exactly."""
        targets: dict[str, tuple[Any, str, Any]] = {}
        for name, p in self.named_parameters().items():  # shared weights once: both users see them
            targets[name] = (p, "data", p.data)
        for node_id in self.order:
            layer = self.nodes[node_id].layer
            for key, value in layer.buffers.items():
                targets[f"{node_id}.{key}"] = (layer.buffers, key, value)
        missing = sorted(set(targets) - set(state))
        unexpected = sorted(set(state) - set(targets))
        if strict and (missing or unexpected):
            raise KeyError(f"Weights do not match this network: missing {missing}, unexpected {unexpected}")
        for name, (owner, attr, current) in targets.items():
            if name not in state:
                continue
            value = np.asarray(state[name])
            if value.shape != tuple(current.shape):
                raise ShapeError(name, f"saved weights have shape {value.shape}, "
                                       f"the network expects {tuple(current.shape)}")
            new = self.backend.xp.asarray(value, dtype=current.dtype)
            if isinstance(owner, dict):
                owner[attr] = new
            else:
                owner.data = new

    def save_npz(self, path) -> None:
        np.savez(path, **self.state_dict())

    def load_npz(self, path) -> None:
        with np.load(path, allow_pickle=False) as data:
            self.load_state_dict({k: data[k] for k in data.files})
