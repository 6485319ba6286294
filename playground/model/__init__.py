"""The document a student edits: graph, catalog, settings, project files.

No Qt here (import-linter checks it): the canvas follows the model through
psygnal signals, and the engine is used only through its public layer classes.
"""

from .analysis import GraphAnalysis, NodeInfo, Problem, infer_shapes, validate_graph
from .catalog import CATALOG, GROUPS, LOSSES, LayerSpec, LossSpec, build_loss, get_spec, loss_config, palette
from .errors import (CycleError, DuplicateEdgeError, DuplicateNodeError, GraphEditError, InvalidParamError,
                     ModelError, ParamError, PortTakenError, ProjectError, ProjectFileError, SettingsError,
                     UnknownEdgeError, UnknownKindError, UnknownNodeError, UnknownParamError, UnknownPortError)
from .fileio import EXTENSION, FORMAT_VERSION, load_project, save_project
from .graph import Edge, Graph, Node
from .params import ParamSpec
from .project import Project
from .settings import (DatasetRef, EarlyStoppingSettings, HookSettings, OptimizerSettings, ScheduleSettings,
                       TrainingSettings)

__all__ = [
    "CATALOG", "GROUPS", "LOSSES", "EXTENSION", "FORMAT_VERSION",
    "CycleError", "DatasetRef", "DuplicateEdgeError", "DuplicateNodeError", "EarlyStoppingSettings", "Edge",
    "Graph", "GraphAnalysis", "GraphEditError", "HookSettings", "InvalidParamError", "LayerSpec", "LossSpec",
    "ModelError", "Node", "NodeInfo", "OptimizerSettings", "ParamError", "ParamSpec", "PortTakenError",
    "Problem", "Project", "ProjectError", "ProjectFileError", "ScheduleSettings", "SettingsError",
    "TrainingSettings", "UnknownEdgeError", "UnknownKindError", "UnknownNodeError", "UnknownParamError",
    "UnknownPortError", "build_loss", "get_spec", "infer_shapes", "load_project", "loss_config", "palette",
    "save_project", "validate_graph",
]
