"""Live training plots: standalone widgets the main window docks.

Each plot is a ``QWidget`` with ``refresh(history)`` that redraws from a
``playground.session.history.MetricHistory`` only when its ``version``
changed; a :class:`PlotRefresher` calls it on a ~30 Hz timer. Plots follow
the app theme (:mod:`playground.ui.theme`).
"""

from .base import HistoryPlot
from .confusion import ConfusionMatrixView
from .decision_boundary import DecisionBoundaryPlot
from .feature_maps import FeatureMapGrid
from .grad_norm import GradNormPlot, gradient_warning
from .latent import LatentScatter
from .loss import LossPlot
from .metric import MetricPlot
from .prediction import PredictionPlot
from .reconstruction import ReconstructionView
from .refresher import PlotRefresher
from .weight_histogram import WeightHistogramPlot

__all__ = [
    "ConfusionMatrixView", "DecisionBoundaryPlot", "FeatureMapGrid", "GradNormPlot",
    "HistoryPlot", "LatentScatter", "LossPlot", "MetricPlot", "PlotRefresher",
    "PredictionPlot", "ReconstructionView", "WeightHistogramPlot", "gradient_warning",
]
