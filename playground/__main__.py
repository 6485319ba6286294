"""Entry point: ``playground [PROJECT]`` opens the window; ``train``, ``info`` and ``figure`` run headless."""

from __future__ import annotations

import os
import sys

HEADLESS_COMMANDS = ("train", "info", "figure")
CLI_OPTIONS = ("-h", "--help", "-V", "--version")
BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads() -> None:
    """Use one BLAS thread unless the user chose otherwise.

    Our networks are small: a threaded BLAS spends more time handing work
    between threads than computing, and it fights the GUI and training threads
    for the cores. Measured on 2 cores under load: the digits MLP trained 2.4×
    faster and an LSTM ~10× faster with one BLAS thread.
    """
    if any(name in os.environ for name in BLAS_ENV):
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and (argv[0] in HEADLESS_COMMANDS or argv[0] in CLI_OPTIONS):
            limit_blas_threads()
            from playground.session.cli import OUTSIDE_COMMANDS, run_command

            if argv[0] == "figure":  # draws with Qt (offscreen without a display), which the session never imports
                from playground.ui.figures.command import figure_command

                OUTSIDE_COMMANDS["figure"] = figure_command
            return run_command(argv)
    except KeyboardInterrupt:  # Ctrl-C while the modules load: one line, no traceback
        print("playground: interrupted (Ctrl-C)", file=sys.stderr)
        return 130
    limit_blas_threads()
    from playground.ui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
