"""The teaching windows' slow work, as jobs for a child process (:mod:`playground.session.jobs`).

Each function runs in the child as ``function(handle, project_bytes, …)``: the project
arrives as a ``.nnpg`` file's bytes (``fileio.project_to_bytes``), the data is loaded
in the child, progress goes out through ``handle.report`` and ``handle.cancelled``
stops the work early. Results are plain dataclasses of host arrays. Nothing here
imports Qt, so the child never loads it; the forkserver imports this module once
(:data:`playground.session.jobs.PRELOAD`), so a job's child starts with all of it loaded.

=====================  ==========================================  =========================
job                    progress values                             result
=====================  ==========================================  =========================
:func:`sweep`          ``(run index, Report)`` for every report    ``SweepResult``
:func:`landscape`      a sentence (training / computing)           ``Landscape``
:func:`replay`         ``ReplayProgress`` now and then             ``ReplayResult``
:func:`generative`     —                                           ``GenerativeResult``
:func:`gradient_check` —                                           ``list[LayerCheck]``
=====================  ==========================================  =========================
"""

from __future__ import annotations

from typing import Any

from playground.model.fileio import project_from_bytes
from playground.session.compile import build_run, load_data
from playground.session.replay import replay as run_replay

from .generative import compute
from .gradcheck import check_project
from .landscape import MAX_SAMPLES, landscape_of, train_with_snapshots
from .sweep import project_with
from .sweep import sweep as run_sweep


def _project(raw: bytes):
    return project_from_bytes(raw)


def sweep(handle, project_bytes: bytes, key: str, values: list, epochs: int, labels: list[str]):
    """One freshly trained copy of the project per value of the setting at ``key``; stops when cancelled."""
    project = _project(project_bytes)
    dataset = load_data(project)  # once for all runs

    def make_trainer(value):
        return build_run(project_with(project, key, value), epochs=epochs, dataset=dataset).trainer

    return run_sweep(make_trainer, values, setting=key, label=lambda value: labels[values.index(value)],
                     on_report=lambda index, report: handle.report((index, report)),
                     should_stop=lambda: handle.cancelled)


def landscape(handle, project_bytes: bytes, epochs: int, directions: str, resolution: int):
    """Train a copy of the project (NumPy) keeping snapshots, then slice the loss around its end."""
    project = _project(project_bytes)
    run = build_run(project, backend="numpy", epochs=epochs)
    handle.report("Training a copy of the project …")
    snapshots = train_with_snapshots(run.trainer, handle=handle)
    handle.report(f"Computing the loss on a {resolution} × {resolution} grid …")
    x, t = run.data.x_train[:MAX_SAMPLES], run.data.y_train[:MAX_SAMPLES]
    return landscape_of(run.net, run.loss, x, t, snapshots, directions=directions,
                        resolution=resolution, seed=project.settings.seed)


def replay(handle, project_bytes: bytes, backend: Any = None):
    """Train the recorded run again and compare it with its recording (``session.replay.replay``)."""
    return run_replay(_project(project_bytes), backend, progress=handle.report,
                      cancelled=lambda: handle.cancelled)


def generative(handle, project_bytes: bytes):
    """Samples from the prior, the latent-grid walk and anomaly scores of an autoencoder."""
    return compute(_project(project_bytes), handle)


def gradient_check(handle, project_bytes: bytes, batch_size: int):
    """Backpropagation against finite differences, per layer, in float64."""
    return check_project(_project(project_bytes), batch_size)
