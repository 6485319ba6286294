"""Export a project as a script that trains the same network on the same data, outside the app.

* :func:`to_pytorch` — a PyTorch script: an ``nn.Module`` with the layers in order and a
  ``forward`` that follows the graph (skip connections, concatenations), the app's data
  (loaded with ``playground.data``, split with the same seed), the same loss, optimizer,
  hyperparameters and training loop. This is how a design leaves the playground.
* :func:`to_numpy` — the same on our own engine (``playground.engine``), short: it shows
  the engine's public API.

Both take ``epochs`` to override the project's number of epochs, and raise
:class:`ExportError` naming the layer or setting that cannot be written.
The generators live in :mod:`playground.session.codegen`.
"""

from __future__ import annotations

from pathlib import Path

from playground.model.project import Project

from .codegen import ExportError, to_numpy, to_pytorch

FLAVOURS = {"pytorch": to_pytorch, "numpy": to_numpy}


def export_script(project: Project, path: str | Path, flavour: str = "pytorch", epochs: int | None = None) -> Path:
    """Write the ``flavour`` script (``"pytorch"`` or ``"numpy"``) for ``project`` to ``path``."""
    try:
        make = FLAVOURS[flavour]
    except KeyError:
        raise ExportError(f"Unknown script flavour {flavour!r}; choose pytorch or numpy") from None
    text = make(project, epochs=epochs)
    path = Path(path)
    path.write_text(text, encoding="utf-8")
    return path


__all__ = ["FLAVOURS", "ExportError", "export_script", "to_numpy", "to_pytorch"]
