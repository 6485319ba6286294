"""Specific errors of the document model.

Every edit the model refuses raises a subclass of :class:`GraphEditError`, so an
undo command (or a test) can tell *why* a connection was refused, and the UI can
show the message as it is: each message says what is wrong and what to do.

::

    ModelError
    ├── GraphEditError (ValueError)
    │   ├── UnknownNodeError
    │   ├── UnknownKindError
    │   ├── UnknownPortError
    │   ├── UnknownEdgeError
    │   ├── DuplicateNodeError
    │   ├── DuplicateEdgeError
    │   ├── PortTakenError
    │   ├── CycleError
    │   └── ParamError
    │       ├── UnknownParamError
    │       └── InvalidParamError
    ├── SettingsError (ValueError)
    ├── ProjectError (ValueError)      (weights, history, locks that do not fit the project)
    └── ProjectFileError          (one clear message for any file that cannot be opened or saved)
"""

from __future__ import annotations

from os import PathLike


class ModelError(Exception):
    """Base of every error raised by :mod:`playground.model`."""


class GraphEditError(ModelError, ValueError):
    """The graph refused an edit; the graph is unchanged."""


class UnknownNodeError(GraphEditError):
    """A node id that is not in the graph."""

    def __init__(self, node_id: str):
        self.node_id = node_id
        super().__init__(f"There is no node {node_id!r} in this network")


class UnknownKindError(GraphEditError):
    """A layer kind that the catalog does not know."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(f"Unknown layer kind {kind!r}: it is not in the layer catalog")


class UnknownPortError(GraphEditError):
    """A port number a node does not have (or a node without an output, like Output)."""


class UnknownEdgeError(GraphEditError):
    """Disconnecting a connection that does not exist."""


class DuplicateNodeError(GraphEditError):
    """Adding a node with an id that is already taken."""

    def __init__(self, node_id: str):
        self.node_id = node_id
        super().__init__(f"There is already a node called {node_id!r}")


class DuplicateEdgeError(GraphEditError):
    """The source already feeds this target."""


class PortTakenError(GraphEditError):
    """An input port takes one connection; this one already has it."""


class CycleError(GraphEditError):
    """The connection would make a loop; data must flow one way (input → output)."""


class ParamError(GraphEditError):
    """A layer parameter cannot be set."""


class UnknownParamError(ParamError):
    """The layer kind has no parameter of this name."""


class InvalidParamError(ParamError):
    """The value does not fit the parameter (wrong type, out of range, not a choice)."""


class SettingsError(ModelError, ValueError):
    """A training setting or dataset reference is not valid."""


class ProjectError(ModelError, ValueError):
    """A project's parts do not fit together (weights for unknown nodes, bad history, …)."""


class ProjectFileError(ModelError):
    """A project file cannot be opened or saved.

    ``str(error)`` is one sentence or two for a dialog, e.g.
    ``Cannot open lab1.nnpg. The file is damaged: weights.npz fails its checksum.``
    ``detail`` is the second part alone, ``path`` the file (or None).
    ``unexpected`` is True when the message comes from the last-resort safety net
    rather than a specific check (tests use it to prove the checks are complete).
    """

    def __init__(self, detail: str, path: "str | PathLike | None" = None, *,
                 action: str = "open", unexpected: bool = False):
        self.detail = detail
        self.path = path
        self.action = action
        self.unexpected = unexpected
        if path is None:
            message = detail
        else:
            from pathlib import Path

            message = f"Cannot {action} {Path(path).name}. {detail}"
        super().__init__(message)
