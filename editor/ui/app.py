"""Starting the window: ``variorum [FILE] [--study] [--screenshot OUT.png]``."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def make_app():
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Variorum")
        app.setOrganizationName("Variorum")
        app.setApplicationDisplayName("Variorum")
        icon = Path(__file__).resolve().parents[2] / "resources" / "variorum.svg"
        if icon.exists():
            from PySide6.QtGui import QIcon
            app.setWindowIcon(QIcon(str(icon)))
    return app


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
        if width < 200 or height < 150:
            raise ValueError
        return width, height
    except ValueError:
        raise SystemExit(f"variorum: --size must look like 1600x1000, not {text!r}") from None


def run_window(args) -> int:
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = make_app()
    from editor.ui.main_window import MainWindow
    window = MainWindow()
    if getattr(args, "file", None):
        if not os.path.exists(args.file):
            print(f"variorum: {args.file}: no such file", file=sys.stderr)
            if args.screenshot:
                return 1
        else:
            os.environ.setdefault("VARIORUM_NO_MODAL", "1") if args.screenshot else None
            if not window.open_path(args.file, confirm=False) and args.screenshot:
                print(f"variorum: could not open {args.file}", file=sys.stderr)
                return 1
    if getattr(args, "study", False) and hasattr(window, "enter_study_mode"):
        window.enter_study_mode()
    if getattr(args, "review", False) and hasattr(window, "enter_review_mode"):
        window.enter_review_mode()
    if args.screenshot:
        width, height = parse_size(args.size)
        return screenshot(window, args.screenshot, width, height)
    window.show()
    return app.exec()


def screenshot(window, path: str, width: int, height: int) -> int:
    """Render ``window`` off screen to a PNG."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    window.resize(width, height)
    window.show()
    loop = QEventLoop()
    QTimer.singleShot(400, loop.quit)
    loop.exec()
    QCoreApplication.processEvents()
    if hasattr(window, "aligner"):
        window.aligner.wait()
        QCoreApplication.processEvents()
    image = window.grab()
    # nothing was edited: close without asking, so that no window outlives the command
    window.doc.undo_stack.setClean()
    window.close()
    window.deleteLater()
    QCoreApplication.processEvents()
    if not image.save(path):
        print(f"variorum: cannot write {path}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({width}x{height})")
    return 0
