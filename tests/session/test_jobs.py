"""The child-process job runner: progress, result, cancel, failures in words, kill."""

import os

import pytest

from playground.session.jobs import JobProcess, readable_error
from tests.session import job_functions as jobs


def messages(job, limit=10_000):
    """Every message up to the last word."""
    out = []
    for _ in range(limit):
        kind, payload = job.receive()
        out.append((kind, payload))
        if kind != "progress":
            return out
    raise AssertionError("no last word")


def test_progress_then_the_result_in_order():
    job = JobProcess(jobs.count, 4)
    assert messages(job) == [("progress", 0), ("progress", 1), ("progress", 2), ("progress", 3), ("done", 6)]
    assert job.join(5)


def test_the_job_runs_in_another_process():
    job = JobProcess(jobs.pid)
    (kind, child), = messages(job)
    assert kind == "done" and child != os.getpid()


def test_cancel_stops_a_job_that_looks_and_its_result_still_comes():
    job = JobProcess(jobs.until_cancelled)
    assert job.receive() == ("progress", 1)
    job.cancel()
    *_, (kind, result) = messages(job)
    assert kind == "done" and result[0] == "cancelled"
    assert job.join(5)


def test_an_exception_arrives_as_a_plain_sentence():
    job = JobProcess(jobs.fail, "Choose a dataset first.")
    assert messages(job) == [("progress", "about to fail"), ("failed", "Choose a dataset first.")]
    (kind, text), = messages(JobProcess(jobs.fail_oddly))
    assert kind == "failed" and text == "ZeroDivisionError: division by zero"


def test_a_child_that_dies_is_a_message():
    job = JobProcess(jobs.die)
    assert messages(job) == [("progress", "dying"),
                             ("failed", "The background job ended unexpectedly (exit code 3).")]


def test_a_result_that_cannot_travel_is_a_message():
    (kind, text), = messages(JobProcess(jobs.unpicklable_result))
    assert kind == "failed" and "pickle" in text.lower()


def test_close_kills_a_job_that_does_not_look_at_cancel():
    job = JobProcess(jobs.ignore_cancel)
    assert job.receive() == ("progress", "started")
    job.close(timeout_s=0.1)
    assert not job.alive
    kind, text = job.receive()
    assert kind == "failed" and "ended unexpectedly" in text


def test_a_function_that_cannot_be_pickled_is_refused_at_start():
    with pytest.raises(Exception):  # noqa: B017 - pickle's error type varies (PicklingError, AttributeError)
        JobProcess(lambda handle: None)


def test_readable_error_is_plain_words():
    assert readable_error(ValueError("The learning rate must be positive.")) == "The learning rate must be positive."
    assert readable_error(KeyError("x")) == "'x'"
    assert readable_error(TypeError("bad")) == "TypeError: bad"
    assert readable_error(RuntimeError()) == "RuntimeError"
