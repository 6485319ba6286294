"""Command line entry point: ``playground`` (the window) and sub-commands."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from playground.engine.backend import get_backend

    backend = get_backend("auto")
    print(f"Network Playground — engine backend: {backend.label} ({backend.note})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
