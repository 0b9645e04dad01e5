"""Long work off the interface thread, with a progress dialog that can cancel it.

Opening, importing and saving a large edition take seconds.  :func:`run_with_progress`
runs such work in a thread while a window-modal progress dialog keeps the window painted
and answering (the interface thread only waits in an event loop); the user cannot change
the edition meanwhile, so work that reads it (saving) sees it whole.  Cancelling returns at
once: work that cannot be interrupted (a parser) finishes in the background and its result
is thrown away; nothing it would have done (showing, writing) happens.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog

#: work on inputs smaller than this (bytes, or annotations for saving) runs directly
FILE_THRESHOLD = 2_000_000
ANNOTATION_THRESHOLD = 20_000


class Cancelled(Exception):
    """The user cancelled the work."""


class _Relay(QObject):
    done = Signal()


def run_with_progress(parent, label: str, function, *args, **kwargs):
    """``function(*args, **kwargs)`` in a thread, the window kept alive meanwhile.

    Returns its result, raises the exception it raised, or raises :class:`Cancelled`.
    """
    outcome: dict = {}
    relay = _Relay()

    def work() -> None:
        try:
            outcome["result"] = function(*args, **kwargs)
        except BaseException as exc:      # handed to the interface thread below
            outcome["error"] = exc
        relay.done.emit()

    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setWindowTitle("Variorum")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(1_000_000)    # shown by the timer below, not by Qt
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    loop = QEventLoop()
    relay.done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(loop.quit)
    thread = threading.Thread(target=work, name="variorum-work", daemon=True)
    started = time.perf_counter()
    thread.start()
    # a safety net: the relay's queued signal could be missed if the thread finished
    # before the loop started; poll the thread as well
    poll = QTimer()
    poll.setInterval(50)
    poll.timeout.connect(lambda: (not thread.is_alive() or dialog.wasCanceled())
                         and loop.quit())
    poll.start()
    # quick work shows no dialog at all; longer work shows it after a moment
    QTimer.singleShot(300, lambda: thread.is_alive() and not dialog.wasCanceled()
                      and dialog.show())
    if thread.is_alive():
        loop.exec()
    poll.stop()
    cancelled = dialog.wasCanceled() and thread.is_alive()
    dialog.close()
    dialog.deleteLater()
    QApplication.processEvents()
    if cancelled:
        raise Cancelled(f"{label.rstrip('…. ')} was cancelled")
    thread.join()
    run_with_progress.last_seconds = time.perf_counter() - started
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


run_with_progress.last_seconds = 0.0
