import numpy as np

from playground.engine.initializers import constant, normal
from playground.engine.layers.activation import Activation
from playground.engine.layers.dense import Dense
from playground.engine.losses import MSE
from playground.engine.network import Network
from playground.engine.optimizers import SGD
from playground.engine.training import train_step
from playground.session.report import Report
from playground.session.teaching.diagnostics import (
    dead_fractions,
    diagnose,
    diagnose_network,
    diagnose_report,
    gradient_notes,
    symmetric_units,
)


def batch(n=32, inputs=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, inputs)).astype(np.float32), rng.normal(size=(n, 1)).astype(np.float32)


def stack(activation, depth, width=8, backend=None, **dense):
    layers = []
    for _ in range(depth):
        layers += [Dense(width, **dense), Activation(activation)]
    return Network.sequential((4,), layers + [Dense(1, **dense)]).build(backend)


def kinds(notes):
    return [n.kind for n in notes]


def test_ten_layer_sigmoid_stack_has_vanishing_gradients_in_the_first_layers(backend):
    x, t = batch()
    notes = diagnose_network(stack("sigmoid", 10, backend=backend), MSE(), x, t)
    vanishing = [n for n in notes if n.kind == "vanishing"]
    assert len(vanishing) == 1
    note = vanishing[0]
    assert note.layers[0] == "dense1" and all(v < 1e-6 for v in note.values.values())
    assert note.text.startswith(f"Vanishing gradients in dense1–{note.layers[-1]} (norm < 1e−6)")
    assert "ReLU, He initialization, batch norm or skip connections" in note.text
    # the same stack with ReLU and He initialization does not vanish
    relu = diagnose_network(stack("relu", 10, init="he_normal"), MSE(), x, t)
    assert "vanishing" not in kinds(relu)


def test_large_initial_weights_give_exploding_gradients():
    x, t = batch()
    notes = diagnose_network(stack("relu", 6, width=16, init=normal(1.5)), MSE(), x, t)
    exploding = [n for n in notes if n.kind == "exploding"]
    assert exploding and "Exploding gradients (norm > 1e3 in dense1" in exploding[0].text
    assert "lower learning rate or gradient clipping" in exploding[0].text


def test_gradient_notes_group_consecutive_layers_and_name_nan():
    norms = {"dense1": 1e-9, "dense2": 1e-8, "dense3": 0.1, "dense4": 1e-7, "dense5": float("nan")}
    notes = gradient_notes(norms)
    texts = [n.text for n in notes]
    assert any(t.startswith("Gradients are not finite numbers in dense5") for t in texts)
    assert [n.layers for n in notes if n.kind == "vanishing"] == [["dense1", "dense2"], ["dense4"]]
    assert gradient_notes({"a": 0.5, "b": 0.2}) == []
    shrinking = gradient_notes({"dense1": 1e-5, "dense2": 1e-3, "dense3": 0.5})
    assert kinds(shrinking) == ["shrinking"] and shrinking[0].severity == "info"


def test_constant_initialization_gives_symmetric_units_that_stay_symmetric():
    x, t = batch()
    net = Network.sequential((4,), [Dense(4, init=constant(0.5)), Activation("tanh"),
                                    Dense(1, init=constant(0.5))]).build()
    opt = SGD(net.parameters(), lr=0.1)
    for _ in range(5):  # equal units get equal gradients: training does not break the symmetry
        train_step(net, MSE(), opt, x, target=t)
    assert symmetric_units(net.state_dict()) == {"dense1": [[0, 1, 2, 3]]}
    notes = diagnose_network(net, MSE(), x, t)
    (note,) = [n for n in notes if n.kind == "symmetry"]
    assert note.text == ("dense1: all 4 units have identical weights — they will learn the same thing "
                         "(symmetry). Use a random initializer.")
    random = Network.sequential((4,), [Dense(4), Activation("tanh"), Dense(1)]).build()
    assert symmetric_units(random.state_dict()) == {}


def test_partly_symmetric_units_are_listed():
    w = np.array([[1.0, 2.0, 1.0], [3.0, 4.0, 3.0]])  # units 1 and 3 equal
    notes = diagnose(weights={"d.W": w, "d.b": np.array([0.5, 0.5, 0.5])})
    assert "d: units 1, 3 have identical weights" in notes[0].text
    # a different bias breaks the tie
    assert symmetric_units({"d.W": w, "d.b": np.array([0.5, 0.5, 0.6])}) == {}


def test_large_negative_bias_kills_relu_units():
    x, t = batch()
    dead_bias = lambda shape, fan_in, fan_out, rng: np.full(shape, -10.0)  # noqa: E731
    net = Network.sequential((4,), [Dense(8, init="he_normal", bias_init=dead_bias), Activation("relu"),
                                    Dense(8, init="he_normal"), Activation("tanh"), Dense(1)]).build()
    notes = diagnose_network(net, MSE(), x, t)
    (dead,) = [n for n in notes if n.kind == "dead_units"]
    assert dead.layers == ["activation2"] and dead.severity == "warning"
    assert dead.text.startswith("activation2: 8 of 8 units (100%) are dead")
    # no gradient reaches dense1 at all
    assert any(n.kind == "vanishing" and n.layers == ["dense1"] and "norm 0" in n.text for n in notes)
    # the fraction per layer, by hand: unit 2 never fires in 3 samples, unit 1 does once
    fractions = dead_fractions({"r": np.array([[0.0, 0.0, 1.0], [0.2, 0.0, 0.0], [0.0, 0.0, 3.0]])})
    assert fractions == {"r": 1 / 3}


def test_diagnose_report_reads_the_reports_gradient_norms():
    report = Report(epoch=1, iteration=10, iterations_total=100, learning_rate=0.1, train_loss=0.3,
                    grad_norms={"dense1": 5e-7, "dense2": 0.02, "dense3": 2e4})
    notes = diagnose_report(report)
    assert kinds(notes) == ["exploding", "vanishing"]
    assert "dense3" in notes[0].text and "dense1" in notes[1].text
