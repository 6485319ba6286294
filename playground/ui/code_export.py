"""File ▸ Export ▸ Python scripts: the network as a runnable PyTorch (or NumPy-engine) script.

This is how a design leaves the playground: the script trains the same
network on the same data with the same settings (see
:mod:`playground.session.export_code`). The window keeps the two actions in its
``menu_actions`` as ``export_pytorch`` and ``export_numpy``, so a classroom
project can hide them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu

from playground.session.export_code import ExportError, to_numpy, to_pytorch

from . import export
from .export import write_text_for

FLAVOURS = {
    "export_pytorch": ("PyTorch script…", "pytorch", to_pytorch,
                       "A runnable PyTorch script that trains this network on the same data"),
    "export_numpy": ("NumPy script (our engine)…", "numpy", to_numpy,
                     "A short script that trains this network with the playground's own engine"),
}


class CodeExports:
    """The two script exports of main window ``window``."""

    def __init__(self, window):
        self.window = window
        self.actions: dict[str, QAction] = {}
        for name, (text, _flavour, _make, tip) in FLAVOURS.items():
            action = QAction(text, window)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _checked=False, n=name: self.save(n))
            self.actions[name] = action

    def fill_menu(self, menu: QMenu) -> None:
        for action in self.actions.values():
            if action.isVisible():
                menu.addAction(action)

    def save(self, name: str, path: str | None = None) -> str | None:
        """Write the script; ``path`` skips the dialog (tests). Returns the path or ``None``."""
        _text, flavour, make, _tip = FLAVOURS[name]
        try:
            script = make(self.window.project)
        except ExportError as exc:
            self.window.show_error(f"Cannot write the script: {exc}")
            return None
        path = path or self._ask(flavour)
        if not path:
            return None
        name = "PyTorch" if flavour == "pytorch" else "NumPy"
        return write_text_for(self.window, path, script, f"Wrote the {name} script to {path}")

    def _ask(self, flavour: str) -> str | None:
        w = self.window
        stem = Path(w.path).stem if w.path else "network"
        folder = export.start_folder(w)
        default = str(Path(folder) / f"{stem}_{flavour}.py")
        path, _ = QFileDialog.getSaveFileName(w, "Export as a Python script", default, "Python script (*.py)")
        if not path:
            return None
        if not path.endswith(".py"):
            path += ".py"
        w.settings.setValue("export/folder", str(Path(path).parent))
        return path
