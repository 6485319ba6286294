import numpy as np
import pytest

from playground.session.teaching.race import PROBLEMS, contour_grid, race, run_racer


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_gradients_match_finite_differences(name):
    problem = PROBLEMS[name]
    rng = np.random.default_rng(0)
    xmin, xmax, ymin, ymax = problem.extent
    for x, y in zip(rng.uniform(xmin, xmax, 5), rng.uniform(ymin, ymax, 5)):
        h = 1e-6
        gx = (problem.f(x + h, y) - problem.f(x - h, y)) / (2 * h)
        gy = (problem.f(x, y + h) - problem.f(x, y - h)) / (2 * h)
        np.testing.assert_allclose(problem.grad(x, y), (gx, gy), rtol=1e-5, atol=1e-5)


def test_sgd_first_step_by_hand_on_the_saddle():
    # f = x² − y², ∇f = (2x, −2y). From (1, 0.001) with η = 0.05:
    # (1 − 0.05·2, 0.001 + 0.05·0.002) = (0.9, 0.0011)
    racer = run_racer("saddle", "sgd", steps=1)
    np.testing.assert_allclose(racer.path, [[1.0, 0.001], [0.9, 0.0011]])
    np.testing.assert_allclose(racer.losses, [1.0 - 1e-6, 0.81 - 0.0011 ** 2])


def test_on_the_ridge_of_the_saddle_every_optimizer_stops_at_the_saddle_point():
    result = race("saddle", start=(1.0, 0.0), steps=300)
    for racer in result.racers:
        assert np.all(racer.path[:, 1] == 0.0), racer.name  # no gradient in y, ever
        # stuck at (0, 0), where ∇f = 0 (RMSProp's steps stay about η long: it jitters around it)
        assert abs(racer.final_point[0]) < 0.05 and abs(racer.final_loss) < 1e-3, racer.name


def test_a_tiny_nudge_off_the_ridge_escapes_downhill():
    stuck = run_racer("saddle", "sgd", start=(1.0, 0.0))
    escaped = run_racer("saddle", "sgd", start=(1.0, 1e-3))
    assert abs(escaped.final_point[1]) > 1.0 and escaped.final_loss < -1.0
    assert escaped.final_loss < stuck.final_loss - 1.0
    # Adam rescales the tiny gradient in y, so it leaves sooner than SGD
    adam = run_racer("saddle", "adam", start=(1.0, 1e-3))
    first_out = lambda r: int(np.argmax(np.abs(r.path[:, 1]) > 0.5))  # noqa: E731
    assert 0 < first_out(adam) < first_out(escaped)


@pytest.mark.parametrize("name", ["ravine", "rosenbrock"])
def test_in_a_ravine_momentum_and_adam_beat_plain_sgd(name):
    result = race(name)
    sgd = result.racer("SGD").final_loss
    assert result.racer("Momentum").final_loss < sgd / 10
    assert result.racer("Adam").final_loss < (sgd / 10 if name == "ravine" else sgd)
    for racer in result.racers:
        assert racer.left_at is None and len(racer.path) == result.problem.steps + 1
        np.testing.assert_allclose(racer.losses, result.problem.f(racer.path[:, 0], racer.path[:, 1]))


def test_sgd_settles_in_the_local_minimum_while_momentum_rolls_over_the_ridge():
    problem = PROBLEMS["two_valleys"]
    result = race(problem)
    local, best = problem.value((0.9611, 0.0)), problem.value((-1.0363, 0.0))
    assert local > best
    sgd = result.racer("SGD")
    assert sgd.final_point[0] > 0 and sgd.final_loss == pytest.approx(local, abs=1e-3)
    momentum = result.racer("Momentum")
    assert momentum.final_point[0] < 0 and momentum.final_loss == pytest.approx(best, abs=1e-3)


def test_contour_grid_and_racers_share_the_start():
    xs, ys, values = contour_grid("beale", resolution=30)
    assert values.shape == (30, 30)
    assert values[3, 7] == pytest.approx(PROBLEMS["beale"].f(xs[7], ys[3]))
    result = race("beale", racers={"slow": ("sgd", {"lr": 1e-3}), "adam": ("adam", {})}, steps=50)
    assert [r.name for r in result.racers] == ["slow", "adam"]
    for racer in result.racers:
        np.testing.assert_array_equal(racer.path[0], PROBLEMS["beale"].start)
        assert racer.path.shape == (51, 2)
    assert "lr=0.001" in result.racer("slow").optimizer
    with pytest.raises(ValueError, match="Unknown toy problem"):
        race("himmelblau")


def test_a_racer_that_runs_away_is_stopped():
    racer = run_racer("ravine", "sgd", lr=0.05)  # η·100 = 5 > 2: every step overshoots more
    assert racer.left_at is not None and len(racer.path) == racer.left_at + 1
