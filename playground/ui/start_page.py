"""The start page: the way in for a first-time student.

Shown over the canvas when the app starts without a project, and again from
File ▸ New from…. It lists the bundled examples and the templates as cards — a
picture of the network and one line each — in the order of the course
(perceptron and logistic regression → MLP → regularization → CNN → RNN →
autoencoders), the recent files, and a blank network. A card opens through
the window's own ``open_file`` (examples) or the template gallery's
``open_template``, so nothing of the previous project stays behind; opening
anything hides the page.

Pictures are the network drawn by an offscreen canvas, made one card per
event-loop turn after the page shows (the page appears at once) and kept in
memory for the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap, QUndoStack
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy,
                               QVBoxLayout, QWidget)

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "resources" / "examples"
THUMB_SIZE = QSize(216, 112)
COLUMNS = 5
CELL = (240.0, 110.0)  # room for one card in a thumbnail's rows

# The course, in order: (section title, [("example", file stem) | ("template", key), …])
COURSE: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("1 · Perceptron and logistic regression", (
        ("template", "perceptron"), ("example", "logistic_regression"), ("template", "logistic_regression"))),
    ("2 · Multilayer perceptrons", (
        ("example", "xor"), ("template", "mlp"), ("example", "spirals"), ("example", "digits_mlp"))),
    ("3 · Regularization", (("example", "circle_l2"),)),
    ("4 · Convolutional networks", (
        ("example", "digits_cnn"), ("example", "lenet5"), ("template", "lenet5"), ("template", "alexnet"),
        ("template", "vgg_block"), ("template", "inception"), ("example", "resnet_block"),
        ("template", "resnet_block"), ("template", "mobilenet_block"))),
    ("5 · Recurrent networks", (
        ("example", "lstm_sine"), ("template", "simple_rnn"), ("template", "lstm"), ("template", "gru"),
        ("template", "stacked_lstm"), ("template", "encoder_decoder"))),
    ("6 · Autoencoders", (
        ("example", "autoencoder"), ("template", "autoencoder"), ("template", "sparse_autoencoder"),
        ("example", "denoising_autoencoder"), ("template", "denoising_autoencoder"),
        ("template", "contractive_autoencoder"), ("template", "conv_autoencoder"), ("example", "vae"),
        ("template", "vae"))),
    ("7 · Beyond", (("template", "siamese"),)),
)


@dataclass(frozen=True)
class Entry:
    """One card: an example file or a template."""

    kind: str  # "example" or "template"
    key: str  # file stem or template key
    title: str
    line: str  # one sentence

    @property
    def path(self) -> Path | None:
        return EXAMPLES_DIR / f"{self.key}.nnpg" if self.kind == "example" else None


def first_sentence(text: str, limit: int = 110) -> str:
    """The first sentence of ``text`` (cut at ``limit`` characters with an ellipsis)."""
    text = " ".join((text or "").split())
    for end in (". ", ": "):
        if end in text:
            text = text[:text.index(end) + 1].rstrip(":") + ("" if end == ". " else ".")
            break
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


@lru_cache(maxsize=None)
def _example_project(key: str):
    from .autosave import read_project

    return read_project(str(EXAMPLES_DIR / f"{key}.nnpg"))


def course_entries() -> list[tuple[str, list[Entry]]]:
    """The sections of the page with their cards (examples that are missing are left out);
    templates or examples not placed in :data:`COURSE` go to a last section, so none is lost."""
    from playground.model.templates import gallery, get_template

    placed: set[tuple[str, str]] = set()
    out: list[tuple[str, list[Entry]]] = []
    for title, items in COURSE:
        cards = []
        for kind, key in items:
            entry = _entry(kind, key, get_template)
            if entry is not None:
                cards.append(entry)
                placed.add((kind, key))
        out.append((title, cards))
    rest = [_entry("template", t.key, get_template) for _g, ts in gallery() for t in ts
            if ("template", t.key) not in placed]
    rest += [_entry("example", p.stem, get_template) for p in sorted(EXAMPLES_DIR.glob("*.nnpg"))
             if ("example", p.stem) not in placed]
    rest = [e for e in rest if e is not None]
    if rest:
        out.append(("More", rest))
    return [(t, cards) for t, cards in out if cards]


def _entry(kind: str, key: str, get_template) -> Entry | None:
    try:
        if kind == "example":
            project = _example_project(key)
            return Entry(kind, key, project.title or key, first_sentence(getattr(project, "description", "")))
        template = get_template(key)
        return Entry(kind, key, template.title, first_sentence(template.paragraph))
    except Exception:  # noqa: BLE001 - a missing or broken example is left off the page, never a crash
        return None


def entry_project(entry: Entry, fresh: bool = False):
    from playground.model.templates import template_project

    if entry.kind == "template":
        return template_project(entry.key)
    if fresh:
        from .autosave import read_project

        return read_project(str(entry.path))
    return _example_project(entry.key)


def wrap_layout(graph, aspect: float) -> None:
    """Lay ``graph`` out in rows, like lines of text, in the reading order of the canvas (left to right),
    with as many columns as make the picture about ``aspect`` wide per high: a long chain becomes a
    picture that reads instead of a thin strip."""
    import math

    nodes = sorted(graph, key=lambda n: (round(n.x / 40), n.y))
    if not nodes:
        return
    count = len(nodes)

    def mismatch(columns: int) -> float:
        rows = math.ceil(count / columns)
        return abs(math.log((columns * CELL[0]) / (rows * CELL[1]) / aspect))

    columns = min(range(1, count + 1), key=mismatch)
    for i, node in enumerate(nodes):
        graph.move_node(node.id, (i % columns) * CELL[0], (i // columns) * CELL[1])


_THUMBNAILS: dict[tuple[str, str], QImage] = {}


def thumbnail(entry: Entry, size: QSize = THUMB_SIZE) -> QImage:
    """The network of ``entry`` drawn by an offscreen canvas, fitted into ``size`` (cached)."""
    cached = _THUMBNAILS.get((entry.kind, entry.key))
    if cached is not None:
        return cached
    from .canvas.scene import CanvasScene

    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#fbfbfc"))
    try:
        project = entry_project(entry, fresh=True)  # a graph of its own: the scene goes with it
        wrap_layout(project.graph, size.width() / size.height())
        stack = QUndoStack()
        scene = CanvasScene(project.graph, stack)
        source = QRectF()
        for item in scene.node_items.values():  # the cards (hidden helpers such as the map popup left out)
            source = source.united(item.sceneBoundingRect())
        for item in scene.edge_items.values():
            source = source.united(item.sceneBoundingRect())
        source = source.adjusted(-12, -12, 12, 12)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        scene.render(painter, QRectF(4, 4, size.width() - 8, size.height() - 8), source,
                     Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
        scene.deleteLater()
    except Exception:  # noqa: BLE001 - a card without a picture is better than no start page
        pass
    _THUMBNAILS[(entry.kind, entry.key)] = image
    return image


class Card(QFrame):
    """A clickable card: picture, title, one line."""

    clicked = Signal(object)  # Entry

    def __init__(self, entry: Entry, parent: QWidget | None = None):
        super().__init__(parent)
        self.entry = entry
        self.setObjectName("start_card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFixedWidth(THUMB_SIZE.width() + 16)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(entry.title)
        self.picture = QLabel()
        self.picture.setFixedSize(THUMB_SIZE)
        self.picture.setStyleSheet("background: #fbfbfc; border: 1px solid #d8dbe0; border-radius: 4px;")
        self.title = QLabel(f"<b>{entry.title}</b>")
        self.title.setWordWrap(True)
        badge = "Example · ready to Play" if entry.kind == "example" else "Template"
        self.badge = QLabel(badge)
        self.badge.setStyleSheet("color: #2c7a3f;" if entry.kind == "example" else "color: palette(placeholder-text);")
        self.line = QLabel(entry.line)
        self.line.setWordWrap(True)
        self.line.setStyleSheet("color: palette(placeholder-text);")
        self.line.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(3)
        for w in (self.picture, self.title, self.badge, self.line):
            column.addWidget(w)
        column.addStretch(1)
        self.setToolTip(f"{entry.title}\n{entry.line}\n\nClick to open it as a new project.")

    def show_picture(self) -> None:
        self.picture.setPixmap(QPixmap.fromImage(thumbnail(self.entry)))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.entry)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.entry)
            return
        super().keyPressEvent(event)


class StartPage(QFrame):
    """The page over the canvas: blank network, recent files, the course's examples and templates."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setObjectName("start_page")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.cards: list[Card] = []
        self._pending: list[Card] = []
        self._painter = QTimer(self, interval=0)
        self._painter.timeout.connect(self._paint_next)

        heading = QLabel("<span style='font-size:20pt; font-weight:600'>Network Playground</span>")
        intro = QLabel("Open an example and press <b>Play</b> (F5) to watch it learn — or start from a blank "
                       "network and drag layers from the <b>Layers</b> panel. Help ▸ Quick tour shows the way round.")
        intro.setWordWrap(True)
        self.blank_button = QPushButton("Blank network")
        self.blank_button.setToolTip("An Input and an Output on the circle dataset: drag layers in between")
        self.open_button = QPushButton("Open a file…")
        self.tour_button = QPushButton("Quick tour")
        self.close_button = QPushButton("Back to the network")
        self.close_button.setToolTip("Hide this page (Esc)")
        buttons = QHBoxLayout()
        for b in (self.blank_button, self.open_button, self.tour_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        self.blank_button.clicked.connect(self._blank)
        self.open_button.clicked.connect(lambda: window.open_dialog())
        self.tour_button.clicked.connect(self._tour)
        self.close_button.clicked.connect(self.hide_page)

        self.recent_box = QWidget()
        self.recent_layout = QHBoxLayout(self.recent_box)
        self.recent_layout.setContentsMargins(0, 0, 0, 0)

        body = QWidget()
        body.setObjectName("start_body")
        column = QVBoxLayout(body)
        column.setContentsMargins(24, 18, 24, 18)
        column.addWidget(heading)
        column.addWidget(intro)
        column.addLayout(buttons)
        column.addWidget(self.recent_box)
        self.sections: list[str] = []
        self._grids: list[tuple[QGridLayout, list[Card]]] = []
        self.columns = COLUMNS
        for title, entries in course_entries():
            label = QLabel(f"<span style='font-size:13pt; font-weight:600'>{title}</span>")
            column.addSpacing(8)
            column.addWidget(label)
            grid = QGridLayout()
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(10)
            cards = []
            for entry in entries:
                card = Card(entry)
                card.clicked.connect(self.open_entry)
                cards.append(card)
                self.cards.append(card)
            self._grids.append((grid, cards))
            column.addLayout(grid)
            self.sections.append(title)
        self._reflow(COLUMNS)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.scroll = scroll
        self.hide()
        self._follow_parent = _FillParent(self)
        window.recent.changed.connect(self._fill_recent)
        self._fill_recent()

    # -- showing ------------------------------------------------------------------------------
    def _reflow(self, columns: int) -> None:
        """Cards in rows of ``columns`` (as many as the page's width holds)."""
        self.columns = columns
        for grid, cards in self._grids:
            for card in cards:
                grid.removeWidget(card)
            for i, card in enumerate(cards):
                grid.addWidget(card, i // columns, i % columns, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            for c in range(COLUMNS * 3):
                grid.setColumnStretch(c, 0)
            grid.setColumnStretch(columns, 1)

    def fit(self) -> None:
        """Cover the window between the toolbar and the status bar; as many cards a row as fit."""
        w = self.window_
        top = w.menuBar().geometry().bottom() + 1
        toolbar = getattr(w, "toolbar", None)
        if toolbar is not None and toolbar.isVisible():
            top = max(top, toolbar.geometry().bottom() + 1)
        bottom = w.statusBar().geometry().top() if w.statusBar().isVisible() else w.height()
        self.setGeometry(0, top, w.width(), max(100, bottom - top))
        columns = max(1, (self.width() - 60) // (THUMB_SIZE.width() + 26))
        if columns != self.columns:
            self._reflow(columns)

    def show_page(self) -> None:
        self._fill_recent()
        self.fit()
        self.show()
        self.raise_()
        self.setFocus()
        self._pending = [c for c in self.cards if c.picture.pixmap() is None or c.picture.pixmap().isNull()]
        self._painter.start()

    def hide_page(self) -> None:
        self._painter.stop()
        self.hide()

    def _paint_next(self) -> None:
        if not self._pending or not self.isVisible():
            self._painter.stop()
            return
        self._pending.pop(0).show_picture()

    def paint_all(self) -> None:
        """Every card's picture now (tests and screenshots)."""
        for card in self.cards:
            card.show_picture()
        self._pending = []

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.hide_page()
            return
        super().keyPressEvent(event)

    # -- opening -----------------------------------------------------------------------------
    def card(self, kind: str, key: str) -> Card:
        return next(c for c in self.cards if c.entry.kind == kind and c.entry.key == key)

    def open_entry(self, entry: Entry) -> bool:
        w = self.window_
        if entry.kind == "example":
            ok = w.open_file(str(entry.path))
            if ok:
                w.show_status(f"Opened the example {entry.title} — press Play (F5) to watch it learn")
        else:
            from .teach_menu import open_template

            ok = open_template(w, entry.key)
        if ok:
            self.hide_page()
        return ok

    def _blank(self) -> None:
        w = self.window_
        if not w.maybe_save():
            return
        w.autosaver.discard()
        w.set_project(_blank_project(), None)
        self.hide_page()
        w.show_status("A blank network: drag layers from the Layers panel between Input and Output")

    def _tour(self) -> None:
        self.hide_page()
        from .tour import start_tour

        start_tour(self.window_)

    def _fill_recent(self) -> None:
        while self.recent_layout.count():
            item = self.recent_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        files = self.window_.recent.files()[:5]
        self.recent_box.setVisible(bool(files))
        if not files:
            return
        self.recent_layout.addWidget(QLabel("<b>Recent:</b>"))
        for path in files:
            button = QPushButton(Path(path).name)
            button.setToolTip(path)
            button.setFlat(True)
            button.setStyleSheet("text-decoration: underline; color: palette(link);")
            button.clicked.connect(lambda _c=False, p=path: self._open_recent(p))
            self.recent_layout.addWidget(button)
        self.recent_layout.addStretch(1)

    def _open_recent(self, path: str) -> None:
        if self.window_.open_file(path):
            self.hide_page()


def _blank_project():
    from .main_window import new_project

    return new_project()


class _FillParent(QObject):
    """Keeps the page the size of the window (below the toolbar)."""

    def __init__(self, page: StartPage):
        super().__init__(page)
        self.page = page
        page.window_.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and self.page.isVisible():
            self.page.fit()
        return False
