"""Module-level jobs for the tests of the child-process runner (Qt-free: the child imports this module)."""

import os
import time


def count(handle, n, delay_s=0.0):
    """Report 0 … n−1, then return their sum."""
    for i in range(n):
        handle.report(i)
        time.sleep(delay_s)
    return sum(range(n))


def until_cancelled(handle, limit_s=30.0):
    """Report ticks until cancelled; return how many (a cancelled job still returns its result)."""
    ticks, start = 0, time.monotonic()
    while not handle.cancelled and time.monotonic() - start < limit_s:
        ticks += 1
        handle.report(ticks)
        time.sleep(0.01)
    return ("cancelled" if handle.cancelled else "timed out", ticks)


def ignore_cancel(handle, sleep_s=30.0):
    """Never looks at ``handle.cancelled`` (like a gradient check): only killing ends it early."""
    handle.report("started")
    time.sleep(sleep_s)
    return "slept"


def fail(handle, text):
    handle.report("about to fail")
    raise ValueError(text)


def fail_oddly(handle):
    return 1 / 0


def die(handle):
    handle.report("dying")
    os._exit(3)


def unpicklable_result(handle):
    return lambda: None


def pid(handle):
    return os.getpid()
