"""Benchmark the desktop app: training speed with the window open, event-loop latency, launch time.

Three figures (issue 5, "Speed and responsiveness"), each for the ``tiny`` and
``mlp`` workloads, offscreen (``QT_QPA_PLATFORM=offscreen``):

1. **Steps/s with the window, as a fraction of headless** (target ≥ 0.7).
   Headless: ``build_run(project).trainer.steps()`` iterated in this process.
   Window: a fresh :class:`~playground.ui.main_window.MainWindow` with the
   project loaded, Play *clicked* (``QTest.mouseClick`` on the Play button of
   the Training dock), the worker thread training while the GUI thread runs its
   normal event loop (plots on the ~30 Hz refresher, unit maps on the canvas,
   counters). Both count iterations (the window: those of the reports arriving
   from the training process) over the same wall-clock window
   after the same warm-up; headless and window runs are interleaved so they
   share the machine's load, and the ratio is the median of the per-repeat
   ratios (window run / the headless run just before it).
2. **p95 event-loop latency while training** (target ≤ 30 ms): a
   ``Qt.PreciseTimer`` QTimer on the GUI thread fires every 5 ms during the
   window measurement; each tick's lateness is (time since the previous tick)
   − 5 ms. Reported: p95 (median over repeats) and the worst tick seen.
3. **Launch to a usable window** (target ≤ 2 s): a fresh ``python -c`` process
   runs the real ``playground`` entry point (``playground.__main__.main([])``,
   the console script's function) with a QApplication event filter that notes
   the first paint of the main window; the figure is from just before the
   parent spawns the process to the end of that first paint (the event loop
   has delivered it). The breakdown shows interpreter start, imports + app
   creation, window construction (its Show event) and the first paint.
   Settings and recovery files go to a temporary XDG directory.

"All plots live": the refresher skips hidden plots and the Plots dock shows
one tab per side, so by default (``--layout all``) every plot the data offers
(the tabs ``PlotsPanel.show_for`` leaves visible: e.g. decision boundary,
confusion matrix, loss, accuracy, gradient norms, weights for ``tiny``) is
taken out of its tab and laid out in a grid that replaces the Plots dock's
contents, the window is 1920×1200 and the Plots dock ~560 px tall, so all of
them are visible and redraw at once (the worst case). ``--layout default``
keeps the window's own layout (one tab per side visible, as a student first
sees it).

BLAS: training uses one BLAS thread, set through ``OPENBLAS_NUM_THREADS`` &c.
before NumPy loads (what the app means to do; ``--blas-threads N`` to change).
``--blas-threads app`` instead calls the app's own ``limit_blas_threads()`` at
the point the app calls it; today that is before NumPy is imported, so it
limits nothing and two OpenBLAS threads fight the GUI and worker threads.

Diagnostics: ``--breakdown`` pauses after the last window run and times each
live plot's full redraw + paint and the canvas update alone (no training
thread competing); ``--profile WORKLOAD`` runs cProfile on the GUI thread
during a window run. When the event loop is blocked for long stretches the
probe ticks only a few times (a free loop gives ~200 per second): the
table shows the median tick count per run.

    python scripts/bench_gui.py                         # both workloads, a table
    python scripts/bench_gui.py --workloads tiny --repeats 5 --seconds 4
    python scripts/bench_gui.py --json                  # one JSON object for machines
    python scripts/bench_gui.py --profile tiny          # cProfile the GUI thread while training
    python scripts/bench_gui.py --skip-launch --layout default --breakdown
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
LAUNCH_ENV = dict(os.environ)  # the launch test runs the app with the environment as it was given
BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

TARGET_RATIO = 0.7
TARGET_LATENCY_MS = 30.0
TARGET_LAUNCH_S = 2.0
TICK_MS = 5
LONG_EPOCHS = 100_000  # the runs never finish by themselves: the benchmark stops them


# ----------------------------------------------------------------------------
# workloads: projects built in code, as the examples are
# ----------------------------------------------------------------------------
@dataclass
class Workload:
    name: str
    description: str
    make: Callable[[], Any]  # () -> Project


def _project(title: str, dataset: str, options: dict, optimizer: str, lr: float, batch: int, layers: list):
    from playground.model.builder import chain
    from playground.model.project import Project
    from playground.model.settings import DatasetRef

    p = Project(title=title)
    p.dataset = DatasetRef(name=dataset, options=dict(options))
    s = p.settings
    s.optimizer.name, s.optimizer.lr, s.batch_size, s.epochs = optimizer, lr, batch, LONG_EPOCHS
    s.backend = "numpy"
    chain(p.graph, ["input", *layers])
    return p


def tiny_project():
    return _project("bench tiny", "spiral", {"n": 500, "noise": 0.1}, "sgd", 0.03, 10,
                    [("dense", {"units": 8}), "tanh", ("dense", {"units": 8}), "tanh", ("dense", {"units": 1}),
                     "sigmoid", ("output", {"loss": "bce"})])


def mlp_project():
    return _project("bench mlp", "digits8", {"as_images": False}, "adam", 1e-3, 64,
                    [("dense", {"units": 128}), "relu", ("dense", {"units": 64}), "relu", ("dense", {"units": 10}),
                     ("output", {"loss": "softmax_cross_entropy"})])


WORKLOADS = {
    "tiny": Workload("tiny", "two spirals (500 pts), 2→8→8→1 tanh, sigmoid/BCE, SGD 0.03, batch 10",
                     tiny_project),
    "mlp": Workload("mlp", "digits 64→128→64→10 ReLU, softmax CE, Adam 1e-3, batch 64", mlp_project),
}


# ----------------------------------------------------------------------------
# headless
# ----------------------------------------------------------------------------
def headless_steps_per_s(project, seconds: float, warmup: float) -> float:
    """Iterate ``build_run(project).trainer.steps()`` here; steps/s over ``seconds`` after ``warmup``."""
    from playground.session.compile import build_run

    trainer = build_run(project).trainer
    steps = trainer.steps()
    start = time.perf_counter()
    t0 = i0 = None
    for _report in steps:
        now = time.perf_counter()
        if t0 is None and now - start >= warmup:
            t0, i0 = now, trainer.iteration
        elif t0 is not None and now - t0 >= seconds:
            break
    steps.close()
    return (trainer.iteration - i0) / (time.perf_counter() - t0)


# ----------------------------------------------------------------------------
# the window
# ----------------------------------------------------------------------------
@dataclass
class WindowRun:
    steps_per_s: float
    latencies_ms: list[float]
    plots_live: list[str]
    reports: int  # reports the GUI took during the measurement
    costs_ms: dict[str, float] = field(default_factory=dict)
    backlog: int = 0  # reports made by the worker but not yet taken by the GUI at the end
    overrun_s: float = 0.0  # how late the GUI thread came back after the measurement ended
    warmup_backlog: int = 0  # reports queued at the end of the warm-up (dropped if the GUI did not catch up)

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def app():
    from PySide6.QtCore import qInstallMessageHandler

    from playground.ui.app import create_app

    def quiet(_kind, _context, text):  # the offscreen platform warns on every dock/tool window shown
        if "propagateSizeHints" not in text:
            print(text, file=sys.stderr)

    qInstallMessageHandler(quiet)
    return create_app()


def spin(seconds: float, on_time: Callable[[], None] | None = None) -> None:
    """Run the Qt event loop (a real one, as ``app.exec()``) for ``seconds``.

    The loop is ended from a Python thread, not a QTimer: when the GUI falls
    behind, a backlog of queued reports can starve Qt timers for minutes.
    ``on_time()`` runs on that thread at the deadline, before the loop is told
    to quit (e.g. to note the iteration count exactly at the end).
    """
    import threading

    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()

    def end() -> None:
        if on_time is not None:
            on_time()
        loop.quit()  # thread-safe: sets the exit flag and wakes the GUI thread's dispatcher

    timer = threading.Timer(max(0.0, seconds), end)
    timer.start()
    loop.exec()
    timer.join()


def spin_guarded(seconds: float, gate, grace: float = 5.0) -> int:
    """:func:`spin` while training; if the GUI has not come back ``grace`` s after the end, drop the backlog.

    Returns how many reports were queued for the GUI at the end (0: it kept up).
    """
    import threading

    backlog = {"n": 0}
    rescue = threading.Timer(seconds + grace, lambda: setattr(gate, "drop", True))

    def at_end() -> None:
        backlog["n"] = gate.backlog
        rescue.start()

    spin(seconds, on_time=at_end)
    rescue.cancel()
    gate.drop = False
    return backlog["n"]


def make_report_gate(controller):
    """A :class:`ReportGate` on the run model ``controller``: counts reports made and taken; stops feeding
    the history on ``drop``."""

    class ReportGate:
        """Counts the reports the worker makes and the GUI takes into its history.

        The controller keeps at most one "reports ready" event queued and takes
        every waiting report at once, so the backlog (made − taken at the end)
        is the reports the GUI had not picked up yet. Once ``drop`` is set,
        reports still arriving are counted but kept out of the history.
        """

        def __init__(self):
            self.made = self.taken = 0
            self.iteration = 0  # of the newest report the training process sent
            self.drop = False
            history = controller.history
            forward = history.append

            def append(report) -> None:
                self.taken += 1
                if not self.drop:
                    forward(report)

            history.append = append

        def watch(self, reader) -> None:
            """Count each report that arrives from the training process (on the reader thread)."""
            forward = reader._queue

            def queue(report) -> None:
                self.made += 1
                self.iteration = report.iteration
                forward(report)

            reader._queue = queue

        @property
        def backlog(self) -> int:
            return self.made - self.taken

    return ReportGate()


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        spin(0.01)


class LatencyProbe:
    """A 5 ms precise timer on the GUI thread; records how late each tick arrives."""

    def __init__(self, interval_ms: int = TICK_MS):
        from PySide6.QtCore import Qt, QTimer

        self.interval = interval_ms / 1000
        self.lateness_ms: list[float] = []
        self._last: float | None = None
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.lateness_ms.append(max(0.0, (now - self._last - self.interval) * 1000))
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()  # the first tick is late if it comes later than 5 ms from now
        self.timer.start()

    def stop(self, at: float | None = None) -> None:
        """Stop ticking; ``at`` (perf_counter) counts the gap from the last tick to the end as a tick."""
        self.timer.stop()
        if at is not None and self._last is not None:
            self.lateness_ms.append(max(0.0, (at - self._last - self.interval) * 1000))


def make_window(tmp: Path):
    from PySide6.QtCore import QSettings

    from playground.ui import theme
    from playground.ui.main_window import MainWindow

    theme.apply_theme("light", app())
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=tmp / "recovery", autosave_ms=3_600_000)
    window.resize(1920, 1200)
    window.show()
    return window


def show_all_plots(window) -> list[str]:
    """Un-tab every plot the data offers into one grid in the Plots dock, so all are visible and live."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

    offered = window.plots.visible_plots()  # (title, plot) for the tabs show_for left visible
    grid_host = QWidget()
    grid = QGridLayout(grid_host)
    grid.setContentsMargins(2, 2, 2, 2)
    columns = 3
    for i, (title, plot) in enumerate(offered):
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel(title))
        column.addWidget(plot, 1)  # reparents it out of its QTabWidget
        plot.show()  # the tab widget hid it explicitly (a page not current)
        grid.addWidget(cell, i // columns, i % columns)
    dock = window.docks["plots"]
    dock.setWidget(grid_host)
    dock.show()
    window.resizeDocks([dock], [560], Qt.Orientation.Vertical)
    return [title for title, _plot in offered]


def shown_plots(window, titles: dict[int, str]) -> list[str]:
    """Titles of the plots the refresher will redraw now (visible ones)."""
    out = []
    for plot in window.refresher.plots:
        if plot.isVisible():
            out.append(titles.get(id(plot), type(plot).__name__))
    return out


def frame_costs(window, titles: dict[int, str], rounds: int = 7) -> dict[str, float]:
    """GUI-thread milliseconds per frame for each live piece, measured alone (training paused).

    Each plot: ``invalidate(); refresh(history); grab()`` (redraw from the
    whole history, heavy data included, and paint it), the median of ``rounds``. Also the
    canvas unit maps/edge colours (the ~12 Hz ``_show_report_on_canvas`` plus a
    canvas repaint) and one report's handling on the GUI thread (history
    append, counters). No training thread competes here: these are the costs
    the GUI pays per frame even on an idle machine.
    """
    def timed(action) -> float:
        samples = []
        for _ in range(rounds):
            t = time.perf_counter()
            action()
            samples.append((time.perf_counter() - t) * 1000)
        return statistics.median(samples)

    history = window.refresher.history
    costs = {}
    for plot in window.refresher.plots:
        if plot.isVisible():
            def redraw(plot=plot):
                plot.invalidate()
                plot._data_history = plot._data_value = None  # heavy data too (new in every report)
                plot.refresh(history)
                plot.grab()  # paint it now (as a frame does)
            costs[titles.get(id(plot), type(plot).__name__)] = timed(redraw)
    latest = history.latest
    if latest is not None:
        def canvas(report=latest):
            window._pending_report = report
            window._show_report_on_canvas()
            window.canvas.viewport().grab()
        costs["canvas (unit maps, edges)"] = timed(canvas)
        def one_report(report=latest) -> None:
            window.run.append([report])
        costs["one report (history, counters)"] = timed(one_report)
    return costs


def window_run(project, seconds: float, warmup: float, layout: str, tmp: Path,
               profiler: cProfile.Profile | None = None, breakdown: bool = False,
               prepare: Callable[[Any], None] | None = None) -> WindowRun:
    """Open a fresh main window with ``project``, click Play, measure, stop and close.

    ``prepare(window)`` (optional) runs before Play: for what-if experiments.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = make_window(tmp)
    try:
        window.set_project(project, None)
        wait_until(lambda: window.dataset_panel.dataset is not None and window.dataset_panel.wait_idle(0),
                   60, "the dataset to load")
        spin(0.05)  # dataset_loaded → plots.show_for
        window.canvas.zoom_fit()
        titles = {id(plot): title for title, plot in window.plots.visible_plots()}
        if layout == "all":
            show_all_plots(window)
        if prepare is not None:
            prepare(window)  # experiments: change something in the window before training
        spin(0.2)
        panel, run = window.training, window.run
        gate = make_report_gate(run)
        QTest.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: run.state != "preparing", 120, "training to start")  # built (or failed)
        if run.state != "training":
            raise RuntimeError(f"training did not run (state {run.state!r}): {window.banner.label.text()}")
        gate.watch(window.controller._reader)
        live = shown_plots(window, titles)
        warm_backlog = spin_guarded(warmup, gate)
        probe = LatencyProbe()
        taken0 = gate.taken
        i0, t0 = gate.iteration, time.perf_counter()
        end: dict[str, float] = {}

        def at_end() -> None:  # on the timer thread, exactly at the end of the measurement
            end.update(iteration=gate.iteration, time=time.perf_counter(), taken=gate.taken,
                       backlog=gate.backlog)
            gate.drop = True

        probe.start()
        if profiler is not None:
            profiler.enable()
        spin(seconds, on_time=at_end)
        if profiler is not None:
            profiler.disable()
        probe.stop(at=end["time"])
        overrun = time.perf_counter() - end["time"]  # how long the GUI needed to notice the end
        costs = {}
        if breakdown:
            QTest.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
            wait_until(lambda: run.state == "paused", 60, "training to pause")
            spin(0.2)  # the worker finishes its batch; late reports arrive
            gate.drop = False
            costs = frame_costs(window, titles)
            gate.drop = True
        QTest.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: run.state in ("finished", "untrained"), 60, "training to stop")
        return WindowRun((end["iteration"] - i0) / (end["time"] - t0), probe.lateness_ms, live,
                         int(end["taken"] - taken0), costs, backlog=int(end["backlog"]), overrun_s=overrun,
                         warmup_backlog=warm_backlog)
    finally:
        close_window(window)


def close_window(window) -> None:
    """Close the window and delete it at once (events still queued for it are discarded)."""
    import shiboken6

    window.controller.shutdown()
    window.dataset_panel.wait_idle(5000)
    window.refresher.stop()
    window.autosaver.stop()
    window.forget_changes()  # no "save changes?" question
    window.close()
    shiboken6.delete(window)
    spin(0.05)


# ----------------------------------------------------------------------------
# launch time, in a fresh process
# ----------------------------------------------------------------------------
CHILD = r"""
import time
stamps = {"interpreter": time.time()}
import json, os, sys
sys.argv = ["playground"]
import playground.ui.app as app_module
from PySide6.QtCore import QEvent, QObject, QTimer

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        kind = event.type()
        if kind in (QEvent.Type.Show, QEvent.Type.Paint) and obj.isWidgetType() \
                and obj.window().metaObject().className() == "MainWindow":
            if kind == QEvent.Type.Show and obj.isWindow():
                stamps.setdefault("window_shown", time.time())
            elif kind == QEvent.Type.Paint and "first_paint" not in stamps:
                stamps["first_paint"] = time.time()
                QTimer.singleShot(0, done)
        return False

def done():
    stamps["painted"] = time.time()
    print("BENCH_LAUNCH " + json.dumps(stamps), flush=True)
    os._exit(0)

original = app_module.create_app
def create_app(argv=None):
    app = original(argv)
    stamps["app_created"] = time.time()
    app._bench_filter = FirstPaint()
    app.installEventFilter(app._bench_filter)
    return app
app_module.create_app = create_app
from playground.__main__ import main
main([])
"""


def launch_once(timeout: float = 60) -> dict[str, float]:
    """Spawn the app in a fresh process; seconds from spawn to each stage."""
    with tempfile.TemporaryDirectory(prefix="bench-gui-launch-") as tmp:
        env = dict(LAUNCH_ENV, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(Path(tmp) / "config"),
                   XDG_DATA_HOME=str(Path(tmp) / "data"), XDG_CACHE_HOME=str(Path(tmp) / "cache"),
                   PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
        start = time.time()
        done = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=tmp, capture_output=True, text=True,
                              check=False, timeout=timeout)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_LAUNCH "):
            stamps = json.loads(line.split(" ", 1)[1])
            return {k: v - start for k, v in stamps.items()}
    raise RuntimeError(f"the app did not paint its window (exit {done.returncode}):\n{done.stderr[-2000:]}")


# ----------------------------------------------------------------------------
# the benchmark
# ----------------------------------------------------------------------------
@dataclass
class Result:
    workload: str
    description: str
    headless: list[float] = field(default_factory=list)
    window: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    p95_ms: list[float] = field(default_factory=list)
    max_ms: list[float] = field(default_factory=list)
    ticks: list[int] = field(default_factory=list)
    backlog: list[int] = field(default_factory=list)
    overrun_s: list[float] = field(default_factory=list)
    reports_per_s: list[float] = field(default_factory=list)
    plots_live: list[str] = field(default_factory=list)
    frame_costs_ms: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        med = statistics.median
        return {
            "workload": self.workload, "description": self.description,
            "headless_steps_per_s": med(self.headless), "window_steps_per_s": med(self.window),
            "ratio": med(self.ratios), "ratio_all": self.ratios, "ratio_target": TARGET_RATIO,
            "p95_latency_ms": med(self.p95_ms), "p95_latency_ms_all": self.p95_ms,
            "max_latency_ms": max(self.max_ms), "latency_target_ms": TARGET_LATENCY_MS,
            "probe_ticks": self.ticks, "report_backlog": self.backlog, "gui_overrun_s": self.overrun_s,
            "reports_per_s": med(self.reports_per_s), "plots_live": self.plots_live,
            "headless_all": self.headless, "window_all": self.window,
            "frame_costs_ms": self.frame_costs_ms,
        }


def bench_workload(workload: Workload, repeats: int, seconds: float, warmup: float, layout: str,
                   tmp: Path, log, breakdown: bool = False) -> Result:
    result = Result(workload.name, workload.description)
    for r in range(repeats):
        headless = headless_steps_per_s(workload.make(), seconds, warmup)
        run = window_run(workload.make(), seconds, warmup, layout, tmp, breakdown=breakdown and r == repeats - 1)
        result.frame_costs_ms = run.costs_ms or result.frame_costs_ms
        result.headless.append(headless)
        result.window.append(run.steps_per_s)
        result.ratios.append(run.steps_per_s / headless)
        result.p95_ms.append(run.p95_ms)
        result.max_ms.append(max(run.latencies_ms, default=float("nan")))
        result.ticks.append(len(run.latencies_ms))
        result.backlog.append(run.backlog)
        result.overrun_s.append(run.overrun_s)
        result.reports_per_s.append(run.reports / seconds)
        result.plots_live = run.plots_live
        log(f"  {workload.name} #{r + 1}: headless {headless:8.1f}/s  window {run.steps_per_s:8.1f}/s  "
            f"ratio {run.steps_per_s / headless:5.2f}  p95 {run.p95_ms:5.1f} ms  "
            f"max {result.max_ms[-1]:6.1f} ms  ({len(run.latencies_ms)} ticks, {run.reports} reports taken, "
            f"{run.backlog} queued at the end, GUI back {run.overrun_s:.1f} s after it; "
            f"{run.warmup_backlog} queued after warm-up)")
    return result


def bench_launch(repeats: int, log) -> dict[str, Any]:
    runs = []
    for r in range(repeats):
        stages = launch_once()
        runs.append(stages)
        log(f"  launch #{r + 1}: " + "  ".join(f"{k} {v:.2f}s" for k, v in stages.items()))
    med = {k: statistics.median(run[k] for run in runs) for k in runs[0]}
    painted = [run["painted"] for run in runs]
    return {"launch_s": med["painted"], "launch_all_s": painted, "min_s": min(painted), "max_s": max(painted),
            "stages_median_s": med, "target_s": TARGET_LAUNCH_S}


def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_table(results: list[dict[str, Any]], launch: dict[str, Any] | None, layout: str, blas: str) -> None:
    print()
    print(f"GUI benchmark (offscreen, layout={layout}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
          f"threads: {blas}); medians over repeats, [min–max] across repeats")
    head = (f"{'workload':<8} {'headless/s':>11} {'window/s':>10} {'ratio':>18} {'p95 latency':>24} {'max':>8} "
            f"{'reports/s':>9} {'ticks':>6} {'backlog':>7}")
    print(head)
    print("-" * len(head))
    for s in results:
        ratio = f"{s['ratio']:.2f} [{min(s['ratio_all']):.2f}–{max(s['ratio_all']):.2f}]"
        p95 = f"{s['p95_latency_ms']:.1f} ms [{min(s['p95_latency_ms_all']):.1f}–{max(s['p95_latency_ms_all']):.1f}]"
        print(f"{s['workload']:<8} {s['headless_steps_per_s']:11.1f} {s['window_steps_per_s']:10.1f} "
              f"{ratio:>18} {p95:>24} {s['max_latency_ms']:6.0f}ms {s['reports_per_s']:9.1f} "
              f"{statistics.median(s['probe_ticks']):6.0f} {statistics.median(s['report_backlog']):7.0f}")
    print("  (reports/s: reports the GUI took; ticks: 5 ms probe ticks per run, ~200/s when the loop is free; "
          "backlog: reports queued for the GUI at the end)")
    for s in results:
        print(f"  {s['workload']}: {s['description']}; plots live: {', '.join(s['plots_live'])}")
    print()
    for s in results:
        print(f"  {s['workload']:<5} steps/s window/headless {s['ratio']:.2f} (target ≥ {TARGET_RATIO}) "
              f"{mark(s['ratio'] >= TARGET_RATIO)};  p95 event-loop latency {s['p95_latency_ms']:.1f} ms "
              f"(target ≤ {TARGET_LATENCY_MS:.0f}) {mark(s['p95_latency_ms'] <= TARGET_LATENCY_MS)}")
    for s in results:
        if s["frame_costs_ms"]:
            costs = s["frame_costs_ms"]
            print(f"  {s['workload']}: GUI-thread ms per full redraw, training paused (sum "
                  f"{sum(costs.values()):.1f} ms; frame budget at 30 Hz is 33 ms): "
                  + ", ".join(f"{k} {v:.1f}" for k, v in costs.items()))
    if launch is not None:
        st = launch["stages_median_s"]
        print(f"  launch to first paint of the main window {launch['launch_s']:.2f} s "
              f"[{launch['min_s']:.2f}–{launch['max_s']:.2f}] (target ≤ {TARGET_LAUNCH_S:.0f}) "
              f"{mark(launch['launch_s'] <= TARGET_LAUNCH_S)}")
        print("    median stages from spawn: " + ", ".join(f"{k} {v:.2f}s" for k, v in st.items()))


def profile_gui(workload: Workload, seconds: float, warmup: float, layout: str, tmp: Path, top: int) -> None:
    """cProfile the GUI thread while the window trains (the worker thread is not profiled)."""
    profiler = cProfile.Profile()
    run = window_run(workload.make(), seconds, warmup, layout, tmp, profiler=profiler)
    print(f"{workload.name}: window {run.steps_per_s:.1f} steps/s, p95 latency {run.p95_ms:.1f} ms, "
          f"{run.reports} reports in {seconds:.1f} s; plots live: {', '.join(run.plots_live)}")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(key).print_stats(top)
        print(out.getvalue())


def set_blas_threads(choice: str) -> str:
    """Set the BLAS thread count before NumPy loads; return a description of what training runs with.

    ``threadpool_limits`` only limits libraries already loaded; the environment
    variables are read by each OpenBLAS/MKL/OpenMP copy when it loads (NumPy's
    and SciPy's own OpenBLAS both), so they are the reliable way.
    """
    if choice == "app":
        from playground.__main__ import limit_blas_threads

        limit_blas_threads()
    elif any(name in os.environ for name in BLAS_ENV):
        pass  # the user chose
    else:
        for name in BLAS_ENV:
            os.environ[name] = str(int(choice))
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401  (its OpenBLAS, loaded by scikit-learn for the digits)
    from threadpoolctl import threadpool_info

    return ", ".join(sorted({f"{d['internal_api']} {d['num_threads']}" for d in threadpool_info()}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=list(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=3, help="headless/window pairs per workload (default 3)")
    parser.add_argument("--seconds", type=float, default=4.0, help="measured training time per run (default 4)")
    parser.add_argument("--warmup", type=float, default=1.0, help="training time before measuring (default 1)")
    parser.add_argument("--launch-repeats", type=int, default=5, help="fresh-process launches (default 5)")
    parser.add_argument("--skip-launch", action="store_true", help="do not measure the launch time")
    parser.add_argument("--breakdown", action="store_true",
                        help="after the last window run, pause and time each plot's full redraw and the canvas")
    parser.add_argument("--layout", choices=("all", "default"), default="all",
                        help="all: every offered plot visible in a grid (default); default: the window's own tabs")
    parser.add_argument("--blas-threads", default="1",
                        help="BLAS threads: a number, set through OPENBLAS/OMP/MKL_NUM_THREADS before NumPy loads "
                             "(default 1: what the app means to use), or 'app' to call the app's own "
                             "limit_blas_threads() where the app calls it (before NumPy is imported)")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="diagnostic: sys.setswitchinterval(SECONDS) for this process (Python's default 0.005)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--profile", choices=list(WORKLOADS), help="cProfile the GUI thread for this workload")
    parser.add_argument("--top", type=int, default=35, help="rows of the profile to print")
    args = parser.parse_args(argv)

    blas = set_blas_threads(args.blas_threads)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    app()
    log = (lambda text: print(text, file=sys.stderr, flush=True)) if args.json else \
        (lambda text: print(text, flush=True))
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as tmp:
        tmp = Path(tmp)
        if args.profile:
            profile_gui(WORKLOADS[args.profile], args.seconds, args.warmup, args.layout, tmp, args.top)
            return 0
        results = [bench_workload(WORKLOADS[name], args.repeats, args.seconds, args.warmup, args.layout, tmp,
                                  log, args.breakdown).summary() for name in args.workloads]
    launch = None if args.skip_launch else bench_launch(args.launch_repeats, log)
    if args.json:
        print(json.dumps({"layout": args.layout, "cores": os.cpu_count(), "load": os.getloadavg()[0], "blas": blas,
                          "workloads": results, "launch": launch}, indent=2))
    else:
        print_table(results, launch, args.layout, blas)
    return 0


if __name__ == "__main__":
    sys.exit(main())
