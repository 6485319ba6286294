"""Smoke test of scripts/bench_gui.py: it runs end to end with tiny settings and reports its three figures.

Not a timed test: the numbers depend on the machine. It checks that the
benchmark really drives the window (training ran, all offered plots were
live, the latency probe ticked) and that the launch measurement saw a paint.
"""

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_gui.py"


@pytest.fixture
def bench(monkeypatch):
    # the benchmark sets BLAS thread variables only when none is set: keep it off this process's environment
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    spec = importlib.util.spec_from_file_location("bench_gui", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_gui", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_percentile_interpolates_like_numpy(bench):
    # 95th percentile of 0..20: position 0.95 * 20 = 19 → 19.0; of [0, 10]: 0 + 0.95 * 10 = 9.5
    assert bench.percentile(list(range(21)), 95) == pytest.approx(19.0)
    assert bench.percentile([10.0, 0.0], 95) == pytest.approx(9.5)
    assert math.isnan(bench.percentile([], 95))


def test_benchmark_runs_tiny_with_all_plots_live_and_reports_json(bench, qapp, capsys):
    code = bench.main(["--workloads", "tiny", "--repeats", "1", "--seconds", "0.4", "--warmup", "0.1",
                       "--launch-repeats", "1", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    (tiny,) = out["workloads"]
    assert tiny["workload"] == "tiny"
    assert tiny["headless_steps_per_s"] > 0 and tiny["window_steps_per_s"] > 0
    assert tiny["ratio"] == pytest.approx(tiny["window_steps_per_s"] / tiny["headless_steps_per_s"])
    assert {"Decision boundary", "Loss", "Accuracy", "Gradient norms", "Weights"} <= set(tiny["plots_live"])
    assert tiny["reports_per_s"] > 0  # the window received training reports
    assert tiny["p95_latency_ms"] >= 0 and math.isfinite(tiny["p95_latency_ms"])
    launch = out["launch"]
    stages = launch["stages_median_s"]
    assert 0 < stages["app_created"] <= stages["window_shown"] <= stages["first_paint"] <= stages["painted"]
    assert launch["launch_s"] == stages["painted"]
