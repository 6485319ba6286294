"""BackgroundTask: a job in a child process, its signals in order on the GUI thread, cancel, failures."""

import threading

from playground.ui.teaching.common import BackgroundTask
from tests.session import job_functions as jobs


class Recorder:
    def __init__(self, task):
        self.signals = []
        task.progress.connect(lambda v: self.signals.append(("progress", v)))
        task.done.connect(lambda v: self.signals.append(("done", v)))
        task.failed.connect(lambda t: self.signals.append(("failed", t)))
        task.running_changed.connect(lambda r: self.signals.append(("running", r)))
        self.thread_ids = set()
        task.progress.connect(lambda _v: self.thread_ids.add(threading.get_ident()))


def test_progress_and_result_arrive_in_order_on_the_gui_thread(qtbot):
    task = BackgroundTask()
    seen = Recorder(task)
    with qtbot.waitSignal(task.done, timeout=10000):
        task.start(jobs.count, 3)
    assert task.where == "process" and not task.running
    assert seen.signals == [("running", True), ("progress", 0), ("progress", 1), ("progress", 2),
                            ("running", False), ("done", 3)]
    assert seen.thread_ids == {threading.get_ident()}


def test_cancel_stops_the_job_and_its_result_still_arrives(qtbot):
    task = BackgroundTask()
    seen = Recorder(task)
    task.start(jobs.until_cancelled)
    qtbot.waitUntil(lambda: any(kind == "progress" for kind, _ in seen.signals), timeout=10000)
    with qtbot.waitSignal(task.done, timeout=10000) as blocker:
        task.cancel()
    assert blocker.args[0][0] == "cancelled"


def test_a_failure_arrives_as_a_message(qtbot):
    task = BackgroundTask()
    with qtbot.waitSignal(task.failed, timeout=10000) as blocker:
        task.start(jobs.fail, "The data has no labels.")
    assert blocker.args == ["The data has no labels."] and not task.running
    with qtbot.waitSignal(task.failed, timeout=10000) as blocker:
        task.start(jobs.die)
    assert blocker.args == ["The background job ended unexpectedly (exit code 3)."]


def test_shutdown_ends_a_job_that_ignores_cancel_and_drops_its_signals(qtbot):
    task = BackgroundTask()
    seen = Recorder(task)
    task.start(jobs.ignore_cancel)
    qtbot.waitUntil(lambda: ("progress", "started") in seen.signals, timeout=10000)
    run = task._run
    task.shutdown()
    assert not run.job.alive and not task.running
    qtbot.wait(50)
    assert seen.signals == [("running", True), ("progress", "started"), ("running", False)]


def test_a_new_start_replaces_the_running_job(qtbot):
    task = BackgroundTask()
    seen = Recorder(task)
    task.start(jobs.until_cancelled)
    with qtbot.waitSignal(task.done, timeout=10000):
        task.start(jobs.count, 1)
    assert [s for s in seen.signals if s[0] == "done"] == [("done", 0)]


def test_a_closure_runs_on_a_thread_for_small_work_that_never_trains(qtbot):
    task = BackgroundTask()
    with qtbot.waitSignal(task.done, timeout=10000) as blocker:
        task.start(lambda handle, x: x * 2, 21)
    assert blocker.args == [42] and task.where == "thread"


def test_a_project_that_cannot_be_saved_fails_in_words(qtbot, example):
    project = example("xor")
    project.settings.epochs = -1  # invalid: saving refuses it
    task = BackgroundTask()
    with qtbot.waitSignal(task.failed, timeout=10000) as blocker:
        task.start_on_project(jobs.count, project)
    assert "epochs" in blocker.args[0] and not task.running
