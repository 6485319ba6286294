"""Starting the desktop app: the QApplication (high-DPI, names, theme) and the main window.

``playground`` with no arguments opens an empty network (Input and Output
ready); ``playground FILE.nnpg`` opens that project. Call :func:`run` from the
command line entry point::

    from playground.ui.app import run
    sys.exit(run(sys.argv[1:]))
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication


ORGANIZATION = "Network Playground"
APPLICATION = "Network Playground"
THEME_KEY = "ui/theme"


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, made once: crisp on high-DPI screens, named for QSettings, themed."""
    app = QApplication.instance()
    if app is not None:
        return app
    # fractional scale factors (125 %, 150 %) are used as they are, not rounded: crisp text
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication(["playground", *(argv or [])])
    apply_saved_theme(app)
    return app


def apply_saved_theme(app: QApplication | None = None, settings: QSettings | None = None) -> str:
    """Apply the theme remembered in QSettings (light by default); return its name."""
    from . import theme

    settings = settings if settings is not None else QSettings()
    name = str(settings.value(THEME_KEY, "light"))
    if name not in theme.THEMES:
        name = "light"
    theme.apply_theme(name, app)
    return name


def parse_args(argv: list[str]) -> tuple[str | None, str | None]:
    """``(project path or None, error text or None)``: ``playground [FILE.nnpg]``."""
    files = [a for a in argv if not a.startswith("-")]
    unknown = [a for a in argv if a.startswith("-") and a not in ("--", "-")]
    if unknown:
        return None, f"Unknown option {unknown[0]!r}. Usage: playground [PROJECT.nnpg]"
    if len(files) > 1:
        return None, "Open one project at a time. Usage: playground [PROJECT.nnpg]"
    return (files[0] if files else None), None


def run(argv: list[str] | None = None) -> int:
    """Open the main window (with ``argv[0]`` as a project file if given) and run the event loop.

    Returns the exit code: 0 after a normal quit, 2 for bad arguments.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    path, error = parse_args(argv)
    if error:
        print(error, file=sys.stderr)
        return 2
    app = create_app()
    from .main_window import MainWindow

    window = MainWindow()
    window.show()
    if path is not None:
        window.open_file(os.fspath(Path(path).expanduser()))
    else:
        window.start_page.show_page()  # no project named: the examples, templates and recent files
    QTimer.singleShot(0, window.offer_recovery)
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
