"""Render the README's screenshots off screen (``make screenshots``).

Each picture is the real window, driven as a user would, saved to ``docs/images/``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VARIORUM_NO_MODAL", "1")
os.environ.setdefault("VARIORUM_CONFIG_DIR", tempfile.mkdtemp(prefix="variorum-shots-"))

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
SEED = ROOT / "samples" / "mikoyan-telegram-1956-09-19.variorum.xml"


def settle(window, ms: int = 300) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    QCoreApplication.processEvents()


def editor_screenshot(path: Path) -> None:
    from editor.ui.app import make_app
    from editor.ui import settings
    from editor.ui.main_window import MainWindow
    make_app()
    settings.set_user_identity("Jane Doe", "JD")
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    window.open_path(str(SEED), confirm=False)
    window.aligner.wait()
    edition = window.doc.edition
    addition = next(a for a in edition.annotations.values()
                    if a.kind == "addition" and edition.quote(a) == "18 September")
    window.go_to_annotation(addition.id)
    left, right = window.panes[0], window.panes[1]
    left.editor.verticalScrollBar().setValue(0)
    right.editor.verticalScrollBar().setValue(0)
    # click "unhealthy" in the typed pane: its counterpart lights up in the draft
    text = edition.witnesses["typed"].text
    start = text.index("unhealthy")
    left.select_range(start + 3, start + 3, center=False)
    window.last_pane = left
    window._show_counterpart(left)
    window._set_current(addition)
    left.editor.verticalScrollBar().setValue(0)
    right.editor.verticalScrollBar().setValue(0)
    settle(window)
    window.grab().save(str(path))
    window.doc.undo_stack.setClean()
    window.close()
    print(f"wrote {path}")


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    editor_screenshot(IMAGES / "editor.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
