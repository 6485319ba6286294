"""Entry point: ``playground [PROJECT]`` opens the window; ``train`` and ``info`` run headless."""

from __future__ import annotations

import sys

HEADLESS_COMMANDS = ("train", "info")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and (argv[0] in HEADLESS_COMMANDS or argv[0] in ("-h", "--help")):
        from playground.session.cli import run_command

        if argv[0] in ("-h", "--help"):
            print("usage: playground [PROJECT] | playground train PROJECT … | playground info PROJECT")
            return 0
        return run_command(argv)
    from playground.ui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
