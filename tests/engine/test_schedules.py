import math

import numpy as np
import pytest

from playground.engine.layer import Parameter
from playground.engine.optimizers import SGD
from playground.engine.schedules import (
    SCHEDULES,
    Constant,
    Cosine,
    Exponential,
    StepDecay,
    Warmup,
    get_schedule,
)


def test_constant():
    assert Constant(0.1)(0, 0) == Constant(0.1)(500, 9) == 0.1


def test_step_decay_counts_epochs_or_iterations():
    s = StepDecay(0.1, step_size=10, gamma=0.5)
    # epochs 0–9: 0.1; 10–19: 0.05; 25: 0.1·0.5² = 0.025 (iterations do not matter)
    assert [s(999, e) for e in (0, 9, 10, 19, 25)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    per_iteration = StepDecay(1.0, step_size=3, gamma=0.1, unit="iteration")
    assert [per_iteration(i, 0) for i in (0, 2, 3, 6)] == pytest.approx([1.0, 1.0, 0.1, 0.01])


def test_exponential():
    s = Exponential(0.2, gamma=0.9)
    assert [s(0, e) for e in (0, 1, 2)] == pytest.approx([0.2, 0.18, 0.162])  # 0.2·0.9ⁿ


def test_cosine():
    s = Cosine(1.0, total=100, min_lr=0.1)
    # start 1.0; half-way 0.1 + 0.9·½ = 0.55; end and after: 0.1
    assert [s(i, 0) for i in (0, 50, 100, 150)] == pytest.approx([1.0, 0.55, 0.1, 0.1])
    # a quarter of the way: 0.1 + 0.9·(1 + cos(π/4))/2 = 0.86820…
    assert s(25, 0) == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi / 4)) / 2)


def test_warmup_then_follows_the_next_schedule():
    s = Warmup(4, then=StepDecay(0.8, step_size=1, gamma=0.5, unit="iteration"))
    # iteration 0: 0.8·¼ = 0.2; iteration 1: 0.4·½ = 0.2; 3: 0.1·4/4 = 0.1; 4: 0.05
    assert [s(i, 0) for i in range(5)] == pytest.approx([0.2, 0.2, 0.15, 0.1, 0.05])
    plain = Warmup(2, then=0.1)
    assert [plain(i, 0) for i in range(3)] == pytest.approx([0.05, 0.1, 0.1])


def test_schedule_drives_an_optimizer():
    opt = SGD([Parameter("a.W", np.ones(1))], lr=1.0)
    schedule = Exponential(1.0, gamma=0.5, unit="iteration")
    seen = []
    for i in range(3):
        opt.lr = schedule(i, 0)
        seen.append(opt.lr)
    assert seen == [1.0, 0.5, 0.25]


def test_registry():
    assert set(SCHEDULES) == {"constant", "step", "exponential", "cosine", "warmup"}
    s = get_schedule("warmup", steps=2, then={"name": "cosine", "lr": 1.0, "total": 10})
    assert isinstance(s.then, Cosine) and s(0, 0) == pytest.approx(0.5)
    assert repr(get_schedule("step", lr=0.1)) == "StepDecay(lr=0.1, step_size=10, gamma=0.1, unit='epoch')"
    with pytest.raises(ValueError, match="Unknown schedule"):
        get_schedule("cyclic")
    with pytest.raises(ValueError, match="unit must be"):
        StepDecay(0.1, unit="batch")
