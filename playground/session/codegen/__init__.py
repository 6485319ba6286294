"""Code generation: a project as a runnable, readable script (PyTorch, or our own engine)."""

from .common import ExportError
from .numpy_script import to_numpy
from .pytorch import to_pytorch

__all__ = ["ExportError", "to_numpy", "to_pytorch"]
