"""The teaching tools' windows: see inside the maths, compare runs, check gradients.

Each tool is a standalone widget or dialog with a simple constructor, so the main
window's *Teach* menu can open it (the headless computations are in
:mod:`playground.session.teaching`; nothing here redoes their maths):

=========================================  =====================================================
``ActivationGallery(parent=None,           every activation, f and f' with sliders for λ, a, α, β, q;
initial="sigmoid")``                       formula, derivative, range, note
``StepThroughView(project=None,            one sample through one training step, stage by stage
parent=None, sample=0)``                   (Back/Next): tables of z, h, δ, gradients, updates;
                                           signal ``canvas_values(CanvasValues)`` for the canvas
``LossLandscapeView(project=None,          2-D slice of the loss around the trained weights with
parent=None)``                             the optimizer's path (*Compute* trains a copy)
``OptimizerRaceView(problem="saddle",      SGD, momentum, Nesterov, RMSProp, Adam racing on a toy
parent=None)``                             function; paths on contours and f per step
``CompareRunsView(parent=None)``           loss curves of several runs (``add_run(label, history)``)
``SweepDialog(project, parent=None,        one setting over a list of values, trained in a child; final
setting="optimizer.lr")``                  loss vs value and the runs' curves
``GradientCheckDialog(project,             engine gradients vs finite differences in float64,
parent=None)``                             worst relative error per layer (green/red at 1e−5)
``DiagnosticsPanel(parent=None)``          plain-words notes (vanishing, exploding, dead, symmetric)
                                           for the latest report; ``refresh(history)``
=========================================  =====================================================

Widgets are windows when shown without a parent (``w.show()``); dialogs can be
``exec()``-ed. Background work (sweep, landscape, replay, generative views, gradient check) runs in
a child process (:class:`~playground.ui.teaching.common.BackgroundTask` over
:mod:`playground.session.jobs`; the jobs are in :mod:`playground.session.teaching.jobs`) and
stops when the window closes.
"""

from .activation_gallery import ActivationGallery
from .compare_runs import CompareRunsView
from .diagnostics_panel import DiagnosticsPanel
from .gradcheck_dialog import GradientCheckDialog
from .landscape_view import LossLandscapeView
from .race_view import OptimizerRaceView
from .stepthrough_view import CanvasValues, StepThroughView
from .sweep_dialog import SweepDialog

__all__ = [
    "ActivationGallery", "CanvasValues", "CompareRunsView", "DiagnosticsPanel", "GradientCheckDialog",
    "LossLandscapeView", "OptimizerRaceView", "StepThroughView", "SweepDialog",
]
