"""PySide6 widgets: the desktop app."""
