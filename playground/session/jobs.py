"""Any slow job in a child process: progress while it runs, cancel, a result or a plain-words message.

Why a process: a thread that trains (many small NumPy calls, each dropping and
retaking the GIL) starves the window's thread of the GIL — a 4 ms redraw took
60 ms. A child process has its own interpreter (see :mod:`.remote`, which runs
Play the same way and shares this module's forkserver).

The job is a module-level function (so it can be pickled by name) called in the
child as ``function(handle, *args)``; its arguments and its return value travel
pickled, so they must be plain data: a project as
``playground.model.fileio.project_to_bytes(project)``, arrays, dataclasses of
arrays. In the child:

* ``handle.report(value)`` sends ``value`` to the parent (progress);
* ``handle.cancelled`` becomes true once the parent called :meth:`JobProcess.cancel`;
  a job should look at it now and then and return early (what it has so far).

In the parent, :meth:`JobProcess.receive` gives the child's messages in order:
``("progress", value)`` … then one ``("done", result)`` or ``("failed", text)``.
An exception in the job becomes one sentence (:func:`readable_error`; the
traceback goes to the child's stderr), and a child that dies without a word
becomes a ``"failed"`` message too.

>>> job = JobProcess(train_a_little, project_bytes, 5)    # doctest: +SKIP
>>> job.receive()                                           # ("progress", …) … ("done", result)
>>> job.close()                                             # cancel, wait briefly, kill if needed
"""

from __future__ import annotations

import multiprocessing
import pickle
import traceback
from collections.abc import Callable
from typing import Any

# imported by the forkserver once, so a job's child starts in milliseconds with the engine loaded.
# Not scikit-learn: it would make the forkserver's start (the first Play) seconds slower; a job on the
# digits or a table imports it in its child (about 0.8 s).
PRELOAD = ["playground.session.jobs", "playground.session.remote", "playground.session.compile",
           "playground.session.teaching.jobs"]


def can_travel(obj: Any) -> bool:
    """Whether ``obj`` can be sent to a child process (a module-level function or plain data can; a
    closure or a generator holding a lambda cannot)."""
    try:
        pickle.dumps(obj)
    except Exception:  # noqa: BLE001 - PicklingError, AttributeError, TypeError …
        return False
    return True


def readable_error(exc: BaseException) -> str:
    """One plain sentence for the window (the traceback goes to the console).

    Our own errors (``ValueError``, ``KeyError``, ``RuntimeError`` and their kin:
    compile errors, dataset errors, …) already speak plain words; anything else
    says what kind of error it was.
    """
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, (ValueError, KeyError, RuntimeError)):
        return text
    return f"{type(exc).__name__}: {text}"


# -----------------------------------------------------------------------------
# the child
# -----------------------------------------------------------------------------
class JobHandle:
    """What the job function gets in the child: ``report(value)`` and ``cancelled``."""

    def __init__(self, commands, replies):
        self._commands, self._replies = commands, replies
        self._cancelled = False

    def report(self, value: Any) -> None:
        """Send ``value`` (picklable) to the parent as progress."""
        self._replies.send(("progress", value))

    @property
    def cancelled(self) -> bool:
        """Whether the parent asked the job to stop (stays true once it did)."""
        if not self._cancelled:
            try:
                if self._commands.poll():
                    self._commands.recv()  # the only command is "cancel"
                    self._cancelled = True
            except (EOFError, OSError):
                self._cancelled = True  # the parent went away: nobody waits for the result
        return self._cancelled


def serve(function: Callable[..., Any], args: tuple, commands, replies) -> None:
    """The child's main function: run the job and send its result, or what went wrong."""
    try:
        limit_blas_threads()
        result = function(JobHandle(commands, replies), *args)
        replies.send(("done", result))
    except (EOFError, BrokenPipeError):
        pass  # the parent went away: nothing to tell
    except Exception as exc:  # noqa: BLE001 - every failure becomes a readable message
        traceback.print_exc()
        try:
            replies.send(("failed", readable_error(exc)))
        except (EOFError, BrokenPipeError):
            pass
    finally:
        replies.close()


def limit_blas_threads() -> None:
    """One BLAS thread, as in the window and in Play's child (small matrices, same numbers)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


# -----------------------------------------------------------------------------
# the parent
# -----------------------------------------------------------------------------
def context():
    """A forkserver that has imported the engine and the session once (plain spawn where there is no fork).

    The forkserver is one per parent process; whichever of this module and
    :mod:`.remote` starts it first decides what it preloads (this list is the union).
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


class ChildProcess:
    """The parent's handle on one child started from the forkserver: a pipe of commands to it, a
    pipe of replies from it, and a plain-words ``("failed", …)`` when it dies without a word.
    :class:`JobProcess` (teaching jobs) and ``remote.TrainingProcess`` (Play) are its two kinds."""

    ended_text = "The background job ended unexpectedly"
    stop_message: Any = "cancel"  # what asks the child to end
    final_kinds = ("done", "failed")  # after these the child says nothing more

    def __init__(self, target: Callable[..., Any], args: tuple, name: str):
        ctx = context()
        commands_in, self._commands = ctx.Pipe(duplex=False)
        self._replies, replies_out = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=target, args=(*args, commands_in, replies_out), daemon=True, name=name)
        try:
            self.process.start()  # pickles the target's arguments (a TypeError if they cannot be)
        finally:
            commands_in.close()  # the child's ends live in the child now
            replies_out.close()

    def _send(self, message: Any) -> None:
        try:
            self._commands.send(message)
        except (BrokenPipeError, EOFError, OSError):
            pass  # already gone

    def receive(self) -> tuple:
        """The child's next message (blocks)."""
        try:
            message = self._replies.recv()
        except (EOFError, OSError):
            self.process.join(1.0)
            code = self.process.exitcode
            message = ("failed", self.ended_text + (f" (exit code {code})." if code is not None else "."))
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled here
            message = ("failed", readable_error(exc))
        if message[0] in self.final_kinds:
            self._replies.close()  # the last word: nothing more will come
        return message

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def join(self, timeout_s: float | None = None) -> bool:
        """Wait for the child to end; True if it has."""
        self.process.join(timeout_s)
        return not self.process.is_alive()

    def close(self, timeout_s: float = 1.0) -> None:
        """Ask the child to end, give it ``timeout_s`` to do so, then kill it."""
        self._send(self.stop_message)
        if not self.join(timeout_s):
            self.process.kill()
            self.process.join(1.0)
        self._commands.close()  # the reply pipe is the reader's: it sees its end when the child exits


class JobProcess(ChildProcess):
    """The parent's handle on one job running in a child process."""

    def __init__(self, function: Callable[..., Any], *args, name: str = "playground-job"):
        super().__init__(serve, (function, args), name)

    def cancel(self) -> None:
        """Ask the job to stop (it sees ``handle.cancelled``); its result still comes."""
        self._send("cancel")

    def receive(self) -> tuple[str, Any]:
        """``("progress", v)``, ``("done", result)`` or ``("failed", text)``."""
        return super().receive()
