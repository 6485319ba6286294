"""Small Qt helpers shared by the UI tests and the screenshot script."""

from PySide6.QtTest import QTest


def settle(rounds: int = 3) -> None:
    """Process events a few times: axes resize to their tick text one paint later."""
    for _ in range(rounds):
        QTest.qWait(2)
