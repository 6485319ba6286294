"""Screenshots of every plot with synthetic data, for looking at (not a test).

    QT_QPA_PLATFORM=offscreen python -m tests.ui.screenshots [/tmp/shots]

Writes ``<plot>_<theme>.png`` (1×) for the light and dark themes, plus a 2×
export of the loss plot, so a person can check the plots read well on a
lecture slide: big fonts, thick lines, nothing clipped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.ui import export, theme  # noqa: E402
from playground.ui.plots import (  # noqa: E402
    ConfusionMatrixView, DecisionBoundaryPlot, FeatureMapGrid, GradNormPlot, LatentScatter,
    LossPlot, MetricPlot, PredictionPlot, ReconstructionView, WeightHistogramPlot)
from tests.ui import fakes  # noqa: E402


def build_plots():
    """``(name, widget, history)`` for every plot, filled with fake data."""
    train = fakes.training_history(vanish="dense_3")
    x, y = fakes.two_moons(160)
    decision = DecisionBoundaryPlot()
    decision.set_points(x[::2], y[::2], x[1::2], y[1::2])
    multi = DecisionBoundaryPlot()
    xb, yb = fakes.blobs(3)
    multi.set_points(xb[::2], yb[::2], xb[1::2], yb[1::2])
    ae = fakes.autoencoder_report()
    loss_log = LossPlot()
    loss_log.set_log_y(True)
    return [
        ("loss", LossPlot(), train),
        ("loss_log", loss_log, train),
        ("accuracy", MetricPlot(), train),
        ("grad_norm", GradNormPlot(), train),
        ("weight_histogram", WeightHistogramPlot(), train),
        ("feature_maps", FeatureMapGrid(), fakes.history_of(fakes.conv_report(channels=12))),
        ("decision_binary", decision,
         fakes.history_of(fakes.report(1, decision_grid=fakes.binary_grid()))),
        ("decision_multiclass", multi,
         fakes.history_of(fakes.report(1, decision_grid=fakes.multiclass_grid(3)))),
        ("reconstruction", ReconstructionView(), fakes.history_of(ae)),
        ("latent", LatentScatter(), fakes.history_of(ae)),
        ("prediction_function", PredictionPlot(), fakes.history_of(fakes.regression_report())),
        ("prediction_sequence", PredictionPlot(), fakes.history_of(fakes.sequence_report())),
        ("prediction_scatter", PredictionPlot(mode="scatter"),
         fakes.history_of(fakes.regression_report())),
        ("confusion", ConfusionMatrixView(), fakes.history_of(fakes.confusion_report())),
    ]


_app = None


def settle(app, rounds: int = 6) -> None:
    """Let layouts and axes size themselves (axis width follows its tick text a paint later)."""
    for _ in range(rounds):
        app.processEvents()
        QTest.qWait(5)


def main(out: str = "/tmp/shots") -> None:
    global _app  # the QApplication must outlive every widget, or Qt crashes at exit
    _app = app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for theme_name in ("light", "dark"):
        theme.apply_theme(theme_name, app)
        for name, widget, history in build_plots():
            widget.resize(640, 440)
            widget.show()
            if name == "weight_histogram":  # an early refresh gives the faded "start" histogram
                widget.refresh(fakes.training_history(n=3))
            widget.refresh(history)
            settle(app)
            widget.grab().save(str(folder / f"{name}_{theme_name}.png"))
            if name == "loss" and theme_name == "light":
                export.save_png(widget, folder / "loss_export_2x.png", scale=2, background="white")
                export.save_svg(widget, folder / "loss_export.svg", background="white")
            widget.close()
    theme.apply_theme("light", app)
    print(f"screenshots in {folder}")


if __name__ == "__main__":
    main(*sys.argv[1:])
