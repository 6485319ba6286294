"""Training in a child process: the same numbers as in-process, commands obeyed, failures in words."""

import numpy as np

from playground.model.fileio import load_project, project_to_bytes
from playground.session.compile import build_run
from playground.session.remote import Job, TrainingProcess
from tests.session.test_examples import EXAMPLES


def xor_run(epochs=4):
    project = load_project(EXAMPLES / "xor.nnpg")
    project.settings.epochs = epochs
    return build_run(project, backend="numpy")


def job_for(run, paused=False, **kw):
    return Job(project_to_bytes(run.project), "numpy", run.dataset, dict(run.net.state_dict()), paused, **kw)


def messages_until_end(process):
    messages = []
    while True:
        message = process.receive()
        messages.append(message)
        if message[0] != "report":
            return messages


def test_the_child_trains_exactly_the_run_the_parent_built():
    run = xor_run()
    process = TrainingProcess(job_for(run))
    messages = messages_until_end(process)
    process.close()
    kind, outcome = messages[-1]
    assert kind == "done" and outcome.message == "Finished 4 epochs." and outcome.epoch == 4
    reports = [m[1] for m in messages[:-1]]
    assert reports[-1].done and reports[-1].val_metrics["accuracy"] > 0
    local = xor_run()  # the same project trained here, in this process
    for _ in local.trainer.steps():
        pass
    for name, value in local.net.state_dict().items():
        np.testing.assert_array_equal(outcome.weights[name], value)  # bit for bit
    assert outcome.optimizer_state["t"] == local.trainer.optimizer.state_dict()["t"]


def test_commands_step_change_the_rate_and_stop():
    run = xor_run(epochs=1000)
    process = TrainingProcess(job_for(run, paused=True))
    process.send("step")
    kind, report = process.receive()
    assert kind == "report" and report.iteration == 1
    kind, state = process.receive()  # paused after a step: the weights so far come back
    assert kind == "state" and state.iteration == 1 and "dense_1.W" in state.weights
    process.send("lr", 0.5)
    process.send("step")
    assert process.receive()[1].learning_rate == 0.5
    assert process.receive()[0] == "state"
    process.send("resume")
    process.send("stop")
    messages = messages_until_end(process)
    process.close()
    kind, outcome = messages[-1]
    assert kind == "done" and outcome.message.startswith("Stopped at iteration")
    assert 2 <= outcome.iteration < 1000 * 15


def test_a_failure_in_the_child_comes_back_in_words():
    run = xor_run()
    job = job_for(run)
    job.initial_state = {"no_such_layer.W": np.zeros(3, np.float32)}
    process = TrainingProcess(job)
    kind, text = process.receive()
    process.close()
    assert kind == "failed" and text.startswith("Training failed") and "no_such_layer" in text


def test_a_child_that_dies_is_reported_not_waited_for():
    run = xor_run(epochs=100000)
    process = TrainingProcess(job_for(run, paused=True))
    process.process.kill()
    kind, text = process.receive()
    process.close()
    assert kind == "failed" and "ended unexpectedly" in text


def test_a_paced_run_reports_every_epoch_at_the_chosen_speed_and_the_speed_changes_live():
    import time

    run = xor_run(epochs=12)
    process = TrainingProcess(job_for(run, epochs_per_s=10))
    started = time.monotonic()
    reports = []
    while len(reports) < 5:
        kind, report = process.receive()
        reports.append(report)
    five = time.monotonic() - started
    assert [r.epoch for r in reports] == [1, 2, 3, 4, 5]  # every epoch is sent: every frame drawn
    assert 0.35 <= five  # 10 epochs a second: 4 waits of 0.1 s after the first
    process.send("pace", None)  # as fast as possible from here
    messages = messages_until_end(process)
    rest = time.monotonic() - started - five
    process.close()
    assert messages[-1][0] == "done" and messages[-1][1].epoch == 12
    assert rest < 0.6  # seven more epochs at 10 a second would take 0.7 s


def test_pace_waits_only_as_long_as_the_speed_asks():
    from playground.session.remote import Pace

    assert Pace(None).wait_s(3) == 0.0
    pace = Pace(4)
    assert pace.wait_s(0) == 0.0  # the first epoch starts at once
    assert 0.2 < pace.wait_s(1) <= 0.25
    pace.restart()  # after a pause: no catching up
    assert pace.wait_s(5) == 0.0
