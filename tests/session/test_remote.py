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
