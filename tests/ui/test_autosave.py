"""Autosave: debounced after the last edit, off the GUI thread, nothing left behind by a killed write."""

import os
import time

from playground.model.project import Project
from playground.model.settings import DatasetRef
from playground.ui.autosave import Autosaver, snapshot_project


def small_project() -> Project:
    project = Project(dataset=DatasetRef(name="xor"))
    g = project.graph
    a, b = g.add_node("input", 0, 0).id, g.add_node("dense", 200, 0, {"units": 1}).id
    g.connect(a, b)
    g.connect(b, g.add_node("output", 400, 0, {"loss": "mse"}).id)
    return project


def test_a_burst_of_edits_is_one_write_shortly_after_the_last(tmp_path, qtbot):
    project = small_project()
    taken = []

    def snapshot():
        taken.append(time.perf_counter())
        return snapshot_project(project), None

    saver = Autosaver(snapshot, tmp_path / "rec", interval_ms=3_600_000, debounce_ms=300)
    written = []
    saver.saved.connect(written.append)
    started = time.perf_counter()
    for _ in range(5):  # five edits, 100 ms apart
        saver.poke()
        last_edit = time.perf_counter()
        qtbot.wait(100)
    qtbot.waitUntil(lambda: len(written) == 1, timeout=5000)
    qtbot.wait(400)
    assert len(written) == 1 and len(taken) == 1  # debounced: one snapshot, one write
    assert taken[0] - last_edit >= 0.25  # after the last edit, not the first
    assert taken[0] - started < 3.0
    assert os.path.exists(written[0])
    saver.stop()


def test_an_edit_during_a_busy_write_is_written_after_it(tmp_path, qtbot, monkeypatch):
    import playground.model.autosave as recovery

    project = small_project()
    real = recovery.write_recovery

    def slow_write(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(recovery, "write_recovery", slow_write)
    titles = []

    def snapshot():
        titles.append(project.title)
        return snapshot_project(project), None

    saver = Autosaver(snapshot, tmp_path / "rec", interval_ms=3_600_000, debounce_ms=10)
    written = []
    saver.saved.connect(written.append)
    assert saver.save_now()
    project.title = "edited while writing"
    assert not saver.save_now()  # busy: remembered, not dropped
    qtbot.waitUntil(lambda: len(written) == 2, timeout=5000)
    assert titles == ["Untitled", "edited while writing"]
    saver.stop()


def test_temp_files_of_killed_autosaves_are_removed_at_start(tmp_path, qtbot):
    folder = tmp_path / "rec"
    folder.mkdir()
    stale = folder / ".untitled-abc.nnpg.0123abcd.tmp"
    stale.write_bytes(b"half a zip")
    os.utime(stale, (time.time() - 60, time.time() - 60))
    unrelated = folder / "notes.tmp"
    unrelated.write_bytes(b"not ours")
    saver = Autosaver(lambda: None, folder, interval_ms=3_600_000)
    assert not stale.exists() and unrelated.exists()
    saver.stop()
