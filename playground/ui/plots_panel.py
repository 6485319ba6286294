"""The Plots dock: what the network does (left tabs) next to how training goes (right tabs).

Left: decision boundary, feature maps, reconstructions, latent space,
predictions, confusion matrix. Right: loss, accuracy, gradient norms, weight
histograms. Only the pictures that fit the data are offered
(:meth:`PlotsPanel.show_for`): a decision boundary for 2-D points, feature maps
for images, reconstructions for autoencoders, and so on. The panel follows the run
model's ``data_changed`` (the points, class names and task of the open project; ``None``
clears them, so nothing of an earlier project stays). The plots themselves live in
:mod:`playground.ui.plots` and redraw from the run's history on the window's PlotRefresher.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

from .plots import (
    ConfusionMatrixView,
    DecisionBoundaryPlot,
    FeatureMapGrid,
    GradNormPlot,
    LatentScatter,
    LossPlot,
    MetricPlot,
    PredictionPlot,
    ReconstructionView,
    WeightHistogramPlot,
)


class PlotsPanel(QSplitter):
    """What the network does (left tabs) next to how training goes (right tabs)."""

    def __init__(self, run=None, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.boundary, self.features = DecisionBoundaryPlot(), FeatureMapGrid()
        self.reconstruction, self.latent = ReconstructionView(), LatentScatter()
        self.prediction, self.confusion = PredictionPlot(), ConfusionMatrixView()
        self.loss, self.accuracy = LossPlot(), MetricPlot()
        self.grad_norm, self.weights = GradNormPlot(), WeightHistogramPlot()
        self.left, self.right = QTabWidget(), QTabWidget()
        for tabs, plots in ((self.left, ((self.boundary, "Decision boundary"), (self.features, "Feature maps"),
                                         (self.reconstruction, "Reconstructions"), (self.latent, "Latent space"),
                                         (self.prediction, "Predictions"), (self.confusion, "Confusion matrix"))),
                            (self.right, ((self.loss, "Loss"), (self.accuracy, "Accuracy"),
                                          (self.grad_norm, "Gradient norms"), (self.weights, "Weights")))):
            tabs.setDocumentMode(True)
            for plot, title in plots:
                tabs.addTab(plot, title)
            self.addWidget(tabs)
        self.setChildrenCollapsible(False)
        if run is not None:
            run.data_changed.connect(self.show_data)

    def show_data(self, data) -> None:
        """Offer the pictures that fit ``data`` (a ``RunData``) and give them its points and class names."""
        if data is None:
            self.boundary.set_points(None, None)
        else:
            self.show_for(data.task, data.plane, data.images)
            if data.plane:
                self.boundary.set_points(data.x_train, data.y_train, data.x_test, data.y_test)
        names = list(data.class_names) if data is not None else []
        for plot in (self.boundary, self.confusion, self.latent):
            plot.set_class_names(names or None)

    def plots(self) -> list:
        return [self.left.widget(i) for i in range(self.left.count())] + \
            [self.right.widget(i) for i in range(self.right.count())]

    def visible_plots(self) -> list[tuple[str, QWidget]]:
        out = []
        for tabs in (self.left, self.right):
            out += [(tabs.tabText(i), tabs.widget(i)) for i in range(tabs.count()) if tabs.isTabVisible(i)]
        return out

    def show_for(self, task: str | None, plane: bool, images: bool) -> None:
        """Offer only the pictures that fit the data (a decision boundary for 2-D points, …)."""
        wanted = {self.boundary: plane, self.features: images, self.reconstruction: task == "reconstruction",
                  self.latent: task == "reconstruction", self.prediction: task in ("regression", "sequence"),
                  self.confusion: task in ("binary", "multiclass"), self.accuracy: task in ("binary", "multiclass")}
        for tabs in (self.left, self.right):
            for i in range(tabs.count()):
                tabs.setTabVisible(i, wanted.get(tabs.widget(i), True))
