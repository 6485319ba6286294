"""The status bar's permanent part: the backend in use, the parameter count, the training state.

The backend is found on a worker thread (importing CuPy and trying the GPU
takes a moment), so the window shows at once with "Checking for a GPU…".
It then reads "NumPy", "CuPy on <GPU name>", or "NumPy — GPU unavailable:
<why>" (shortened; the tooltip has the whole reason). Once a run starts, the
run's own backend is shown.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QStatusBar



class _BackendProbe(QObject):
    found = Signal(object)

    def run(self) -> None:
        from playground.engine.backend import get_backend

        self.found.emit(get_backend("auto"))


def backend_text(backend) -> str:
    """What the status bar says about ``backend``."""
    text = backend.label
    if backend.note.startswith("GPU unavailable"):
        why = backend.note.split(":", 1)[-1].strip()
        text += f" — GPU unavailable: {why[:60] + '…' if len(why) > 60 else why}"
    return text


def parameter_text(graph, infos) -> str:
    """``"1,234 parameters"``, or ``"? parameters"`` while a layer's shape is unknown."""
    unknown = any(infos.get(n.id) is None or infos[n.id].params is None
                  for n in graph if n.kind not in ("input", "output"))
    if unknown:
        return "? parameters"
    total = sum(i.params or 0 for i in infos.values())
    return f"{total:,} parameter{'s' if total != 1 else ''}"


class StatusInfo(QObject):
    """Three labels for the right of the status bar."""

    def __init__(self, run, parent: QObject | None = None):
        super().__init__(parent)
        self.run = run
        self.backend_label = QLabel("  Checking for a GPU…  ")
        self.params_label = QLabel()
        self.state_label = QLabel()
        run.state_changed.connect(self.show_state)
        self.show_state()
        self._probe = _BackendProbe(self)
        self._probe.found.connect(self._on_probe)
        threading.Thread(target=self._probe.run, daemon=True, name="playground-gpu-probe").start()

    def add_to(self, bar: QStatusBar) -> None:
        for label in (self.backend_label, self.params_label, self.state_label):
            bar.addPermanentWidget(label)

    def _on_probe(self, backend) -> None:
        self.show_backend(backend)

    def show_backend(self, backend) -> None:
        self.backend_label.setText(f"  {backend_text(backend)}  ")
        self.backend_label.setToolTip(backend.note or backend.label)

    def show_params(self, graph, infos) -> None:
        self.params_label.setText(f"  {parameter_text(graph, infos)}  ")

    def show_state(self, *_args) -> None:
        self.state_label.setText(f"  {self.run.state_text()}  ")
