"""Small Qt helpers shared by the UI tests and the screenshot script."""

from PySide6.QtTest import QTest


def settle(rounds: int = 3) -> None:
    """Process events a few times: axes resize to their tick text one paint later."""
    for _ in range(rounds):
        QTest.qWait(2)


class Models:
    """The models a window composes, for testing a panel on its own: the document, its undo stack,
    the edits, the run and (with ``controller=True``) the training controller."""

    def __init__(self, project, controller: bool = False):
        from PySide6.QtGui import QUndoStack

        from playground.model.document import Document
        from playground.session.run_state import RunModel
        from playground.ui.edits import Edits

        self.document = Document(project)
        self.undo_stack = QUndoStack()
        self.edits = Edits(self.document, self.undo_stack)
        self.run = RunModel()
        self.controller = None
        if controller:
            from playground.ui.training_controller import TrainingController

            self.controller = TrainingController(self.document, self.run)

    @property
    def project(self):
        return self.document.project
