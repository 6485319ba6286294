"""A small trained-looking project for the file tests."""

import numpy as np

from playground.model.graph import Graph
from playground.model.project import Project
from playground.model.settings import DatasetRef, TrainingSettings


def make_graph() -> Graph:
    g = Graph()
    x = g.add_node("input", 0, 0, {"shape": [2]})
    h = g.add_node("dense", 150, 0, {"units": 3, "init": "he_uniform"})
    a = g.add_node("relu", 300, 0)
    bn = g.add_node("batchnorm", 450, 0)
    y = g.add_node("dense", 600, 0, {"units": 1})
    s = g.add_node("sigmoid", 750, 0, {"steepness": 2.0})
    out = g.add_node("output", 900, 0, {"loss": "bce"})
    for src, dst in ((x, h), (h, a), (a, bn), (bn, y), (y, s), (s, out)):
        g.connect(src.id, dst.id)
    return g


def engine_network(graph: Graph, seed: int = 0):
    """Build the engine network by hand (the session's compiler is someone else's)."""
    from playground.engine.network import Network

    net = Network()
    for node_id in graph.topological_order():
        node = graph.node(node_id)
        if node.kind == "input":
            net.add_input(node_id, node.params["shape"])
        elif node.kind == "output":
            net.set_output(graph.inputs_of(node_id)[0])
        else:
            net.add(node_id, node.spec.build(node.params), graph.inputs_of(node_id))
    net.set_output(graph.inputs_of(graph.nodes_of_kind("output")[0].id)[0])
    return net.build(seed=seed)


def make_project(trained: bool = True) -> Project:
    graph = make_graph()
    settings = TrainingSettings.from_dict({"batch_size": 16, "epochs": 7, "seed": 42,
                                           "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9},
                                           "hooks": {"l2": 1e-4, "frozen": ["dense_1"]},
                                           "early_stopping": {"enabled": True, "patience": 3}})
    project = Project(graph, settings, DatasetRef(name="moons", options={"n": 300, "noise": 0.2}),
                      title="Übung 3: XOR ✓", description="Two moons with a tiny MLP.\nSecond line.",
                      student_editable=["optimizer.lr", "batch_size", "hooks"])
    if trained:
        net = engine_network(graph, seed=1)
        project.initial_weights = net.state_dict()
        rng = np.random.default_rng(5)
        project.weights = {k: (v + rng.normal(size=v.shape)).astype(v.dtype) for k, v in net.state_dict().items()}
        project.optimizer_state = {"name": "sgd", "t": 12, "lr": 0.1,
                                   "state": {"dense_1.W": {"v": rng.normal(size=(2, 3)).astype(np.float32)},
                                             "dense_2.b": {"v": np.zeros(1, np.float32)}}}
        project.history = {"train_loss": [[0, 0.69], [1, 0.5], [2, float("nan")]],
                           "val_accuracy": [[0, 0.5], [1, 0.875]], "grad_norm/dense_1": [[1, 1e-30]]}
        project.thumbnail = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    return project
