"""Teach ▸ Classroom lock…: the lecturer ticks what students may change and what they do not see.

A tree of every lockable setting (grouped like the settings panel, plus the network and
the dataset) and check boxes for the controls to hide. *Lock for students* hands the
choice to :meth:`playground.ui.classroom.ClassroomMode.lock`, which stores it in the
project (marked modified; saved as usual) and shows at once what students will see.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.model.project import HIDEABLE_CONTROLS, Project
from playground.model.settings import TrainingSettings

from ..classroom import NOT_SECURITY, setting_label
from ..settings_panel import SECTIONS

TARGET_ROLE = Qt.ItemDataRole.UserRole
WHOLE = {"graph": "The network (canvas, layer settings and the loss)", "dataset": "The dataset and its options"}
HIDE_CHOICES = (
    ("palette", "The Layers palette"),
    ("dataset_panel", "The Dataset panel"),
    ("locked_settings", "Locked settings (hide them instead of greying them out)"),
    ("presets", "Teach ▸ Presets"),
    ("templates", "Teach ▸ New from template"),
    ("step_through", "Teach ▸ Step through (it shows every gradient)"),
    ("gradient_check", "Teach ▸ Check gradients"),
    ("diagnostics", "Teach ▸ Diagnostics (it names the problem)"),
    ("code_export", "Export as a PyTorch / NumPy script"),
)


def lock_groups() -> list[tuple[str, str | None, list[str]]]:
    """``(title, whole-group target or None, setting paths)`` in the settings panel's order.

    Settings the panel does not show (``hooks.frozen``) join the group of their section.
    """
    groups = []
    for title, paths in SECTIONS:
        sections = {p.split(".")[0] for p in paths if "." in p}
        target = sections.pop() if len(sections) == 1 and all("." in p for p in paths) else None
        groups.append((title, target, list(paths)))
    listed = {p for _, _, paths in groups for p in paths}
    for path in TrainingSettings.setting_paths():
        if path not in listed:
            section = path.split(".")[0] if "." in path else None
            group = next((g for g in groups if g[1] == section), groups[-1])
            group[2].append(path)
    return groups


class ClassroomDialog(QDialog):
    """Tick what students may change and what they do not see; *Lock for students* applies it."""

    def __init__(self, student_editable: list[str] | None, hidden: list[str], parent: QWidget | None = None,
                 available: list[str] | None = None):
        """``available``: the controls this window can hide (default: all); others are kept as they are."""
        super().__init__(parent)
        self._kept_hidden = [name for name in hidden if available is not None and name not in available]
        self.setWindowTitle("Classroom lock")
        intro = QLabel("Choose what students may change and what they do not see. Students who open the "
                       "saved file get exactly this: everything else is greyed out with “Locked by your "
                       "lecturer”.")
        intro.setWordWrap(True)
        self.tree = self._make_tree()
        allow_all, allow_none = QPushButton("Allow all"), QPushButton("Allow nothing")
        for button in (allow_all, allow_none):
            button.setAutoDefault(False)  # Enter means "Lock for students"
        allow_all.clicked.connect(lambda: self._check_all(Qt.CheckState.Checked))
        allow_none.clicked.connect(lambda: self._check_all(Qt.CheckState.Unchecked))
        may = QGroupBox("Students may change")
        may_column = QVBoxLayout(may)
        may_column.addWidget(self.tree, 1)
        quick = QHBoxLayout()
        quick.addWidget(allow_all)
        quick.addWidget(allow_none)
        quick.addStretch(1)
        may_column.addLayout(quick)
        hide = QGroupBox("Hide from students")
        hide_column = QVBoxLayout(hide)
        self.hide_boxes: dict[str, QCheckBox] = {}
        for name, text in HIDE_CHOICES:
            if available is not None and name not in available:
                continue
            box = QCheckBox(text)
            box.setObjectName(f"hide_{name}")
            hide_column.addWidget(box)
            self.hide_boxes[name] = box
        hide_column.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(may, 3)
        columns.addWidget(hide, 2)
        note = QLabel(NOT_SECURITY)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        self.lock_button = QPushButton("Lock for students")
        self.lock_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        buttons.addButton(self.lock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(columns, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.set_choice(student_editable, hidden)
        self.resize(860, 640)

    def _make_tree(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setHeaderHidden(True)
        checkable = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
        for target, title in WHOLE.items():
            item = QTreeWidgetItem([title])
            item.setFlags(checkable)
            item.setData(0, TARGET_ROLE, target)
            tree.addTopLevelItem(item)
        for title, target, paths in lock_groups():
            top = QTreeWidgetItem([title])
            top.setFlags(checkable | Qt.ItemFlag.ItemIsAutoTristate)
            top.setData(0, TARGET_ROLE, target)
            for path in paths:
                child = QTreeWidgetItem([setting_label(path)])
                child.setFlags(checkable)
                child.setData(0, TARGET_ROLE, path)
                child.setToolTip(0, path)
                top.addChild(child)
            tree.addTopLevelItem(top)
        tree.expandAll()
        return tree

    def _items(self):
        """Every item of the tree, groups before their settings."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            yield top
            for j in range(top.childCount()):
                yield top.child(j)

    def item_for(self, target: str) -> QTreeWidgetItem:
        """The tree item of a setting path, a group or ``"graph"``/``"dataset"`` (tests click these)."""
        for item in self._items():
            if target in (item.data(0, TARGET_ROLE), item.text(0)):
                return item
        raise KeyError(target)

    def _check_all(self, state: Qt.CheckState) -> None:
        for i in range(self.tree.topLevelItemCount()):
            self.tree.topLevelItem(i).setCheckState(0, state)

    # -- the choice ------------------------------------------------------------------------
    def set_choice(self, student_editable: list[str] | None, hidden: list[str]) -> None:
        rule = Project(student_editable=student_editable)
        for item in self._items():
            target = item.data(0, TARGET_ROLE)
            if item.childCount() == 0:
                checked = rule.may_change(target)
                item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for name, box in self.hide_boxes.items():
            box.setChecked(name in hidden)

    def student_editable(self) -> list[str]:
        """What is ticked: a whole group as its section (``"optimizer"``), else its ticked settings."""
        checked = Qt.CheckState.Checked
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            target = top.data(0, TARGET_ROLE)
            if target and top.checkState(0) == checked:
                out.append(target)  # the network, the dataset or a whole section
            else:
                out += [top.child(j).data(0, TARGET_ROLE) for j in range(top.childCount())
                        if top.child(j).checkState(0) == checked]
        return out

    def hidden(self) -> list[str]:
        return [name for name in HIDEABLE_CONTROLS
                if name in self._kept_hidden or (name in self.hide_boxes and self.hide_boxes[name].isChecked())]


