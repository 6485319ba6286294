"""Save screenshots of the real main window for the README (offscreen, no display needed).

    python scripts/screenshot.py [resources/screenshots]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def wait(app: QApplication, ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out_dir: str) -> int:
    from playground.ui.app import create_app
    from playground.ui.main_window import MainWindow

    app = create_app([])
    scratch = tempfile.mkdtemp()
    settings = QSettings(os.path.join(scratch, "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=Path(scratch) / "recovery")
    window.resize(1600, 1000)
    window.show()
    window.open_file(str(ROOT / "resources" / "examples" / "xor.nnpg"))
    window.dataset_panel.wait_idle()
    finished = QEventLoop()
    window.training.run_finished.connect(finished.quit)
    window.training.play()
    finished.exec()
    window.canvas.zoom_fit()
    wait(app, 400)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out / "main_window.png"))
    print(f"wrote {out / 'main_window.png'}")
    window.setWindowModified(False)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "resources" / "screenshots")))
