"""Screenshots of every teaching window with real data, for looking at (not a test).

    QT_QPA_PLATFORM=offscreen python -m tests.ui.teaching.screenshots [/tmp/shots]

Writes ``teach_<tool>[_<variant>]_<theme>.png`` for the light and dark themes, so a
person can judge them as a student in a lecture would: big text, readable numbers,
paths and curves that stand out, nothing clipped.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from playground.model.fileio import load_project
from playground.ui import theme
from playground.ui.teaching import (
    ActivationGallery,
    CompareRunsView,
    DiagnosticsPanel,
    GradientCheckDialog,
    LossLandscapeView,
    OptimizerRaceView,
    StepThroughView,
    SweepDialog,
)
from tests.ui import fakes
from tests.ui.screenshots import settle

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"
_app = None


def example(name: str):
    return load_project(EXAMPLES / f"{name}.nnpg")


def wait(app, busy, timeout: float = 60.0) -> None:
    end = time.time() + timeout
    while busy() and time.time() < end:
        app.processEvents()
        time.sleep(0.01)


def shots(app):
    """``(name, widget, size, prepare)``: ``prepare(widget)`` runs before the grab."""
    gallery = ActivationGallery()
    yield "gallery_sigmoid", gallery, (1000, 700), lambda w: w.set_param("steepness", 2.0)
    yield "gallery_relu", gallery, (1000, 700), lambda w: w.select("relu")
    yield "gallery_step", gallery, (1000, 700), lambda w: w.select("binary_step")
    yield "gallery_softmax", gallery, (1000, 700), lambda w: w.select("softmax")

    step = StepThroughView(example("xor"))
    for i, variant in enumerate(["forward1", "forward2", "loss", "backward2", "backward1", "update"]):
        yield f"stepthrough_{variant}", step, (1200, 780), (lambda w, i=i: w.show_stage(i))
    yield "stepthrough_refused", StepThroughView(example("spirals")), (1000, 400), None

    race = OptimizerRaceView()
    for problem in ("saddle", "ravine", "rosenbrock", "beale", "two_valleys"):
        yield f"race_{problem}", race, (1300, 720), (lambda w, p=problem: w.set_problem(p))

    land = LossLandscapeView(example("xor"))
    yield "landscape", land, (820, 720), lambda w: (w.start(), wait(app, lambda: w.busy))

    compare = CompareRunsView()
    for label, seed in (("lr = 0.001", 0), ("lr = 0.01", 1), ("lr = 0.1", 2)):
        compare.add_run(label, fakes.training_history(n=40, seed=seed))
    yield "compare_runs", compare, (900, 520), None

    sweep = SweepDialog(example("xor"), values="0.0003, 0.003, 0.03, 0.3, 3, 30", epochs=20)
    yield "sweep", sweep, (1000, 820), lambda w: (w.start(), wait(app, lambda: w.running))

    check = GradientCheckDialog(example("circle_l2"))
    yield "gradcheck", check, (900, 520), lambda w: wait(app, lambda: w.checks is None and not w.error)

    diag = DiagnosticsPanel()
    history = fakes.training_history(n=20, vanish="dense_1")
    yield "diagnostics", diag, (800, 420), lambda w: w.refresh(history)


def main(out: str = "/tmp/shots") -> None:
    global _app  # the QApplication must outlive every widget
    _app = app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for theme_name in ("light", "dark"):
        theme.apply_theme(theme_name, app)
        for name, widget, (w, h), prepare in shots(app):
            widget.resize(w, h)
            widget.show()
            settle(app)
            if prepare is not None:
                prepare(widget)
            settle(app, 10)
            widget.grab().save(str(folder / f"teach_{name}_{theme_name}.png"))
        for widget in app.topLevelWidgets():
            widget.close()
        settle(app)
    theme.apply_theme("light", app)
    print(f"screenshots in {folder}")


if __name__ == "__main__":
    main(*sys.argv[1:])
