"""Keeps the word-level alignment of the shown witnesses up to date and tells the panes
which words differ.

Short texts are aligned at once.  Long ones are aligned in a separate *process*, not a
thread: diff-match-patch is pure Python and a thread would hold the interpreter lock and
make typing stutter.  A newer request supersedes an older one (its result is ignored);
requests are coalesced, so opening a file aligns once.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import multiprocessing

from PySide6.QtCore import QObject, QTimer, Signal

from editor.align.alignment import Alignment, align_texts

#: texts shorter than this (both together) are aligned at once, on the interface thread
SYNC_LIMIT = 60_000

_pool: concurrent.futures.ProcessPoolExecutor | None = None


def _worker_pool() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    if _pool is None:
        context = multiprocessing.get_context("spawn")   # never fork a Qt process
        _pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context)
        atexit.register(shutdown_pool)
    return _pool


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _align_in_worker(a_text: str, b_text: str):
    return align_texts(a_text, b_text)


class AlignmentController(QObject):
    #: a new alignment is ready: (a witness id, b witness id, Alignment or None)
    aligned = Signal(str, str, object)
    busy = Signal(bool)
    _finished = Signal(int, str, str, object)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.pair: tuple[str, str] | None = None
        self.alignment: Alignment | None = None
        self._generation = 0
        self._stale = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(350)
        self._timer.timeout.connect(self.realign)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.realign)
        self._finished.connect(self._done)
        document.changed.connect(self._changed)
        document.reset.connect(self._reset)

    def set_pair(self, a: str, b: str) -> None:
        """Align witnesses ``a`` and ``b`` (soon; repeated calls are coalesced)."""
        if (a, b) != self.pair:
            self.pair = (a, b)
            self._stale = True
        if self._stale:
            self._soon.start()

    def _reset(self) -> None:
        self._stale = True
        self.alignment = None
        if self.pair:
            self._soon.start()

    def _changed(self, change, _undo, _origin) -> None:
        if self.pair and (change.witnesses & set(self.pair) or change.header_changed):
            self._stale = True
            self._timer.start()

    def cancel(self) -> None:
        self._generation += 1
        self._timer.stop()
        self._soon.stop()

    def realign(self) -> None:
        """Align now (synchronously for short texts; long ones report through ``aligned``)."""
        self._timer.stop()
        self._soon.stop()
        if not self.pair:
            return
        a, b = self.pair
        edition = self.doc.edition
        self._stale = False
        self._generation += 1
        generation = self._generation
        if a not in edition.witnesses or b not in edition.witnesses or a == b:
            self._done(generation, a, b, None)
            return
        a_text, b_text = edition.witnesses[a].text, edition.witnesses[b].text
        if len(a_text) + len(b_text) <= SYNC_LIMIT:
            self._done(generation, a, b, Alignment(a, b, align_texts(a_text, b_text)))
            return
        self.busy.emit(True)
        try:
            future = _worker_pool().submit(_align_in_worker, a_text, b_text)
        except (RuntimeError, OSError):      # no worker process possible: align here
            self._done(generation, a, b, Alignment(a, b, align_texts(a_text, b_text)))
            return

        def finished(f: concurrent.futures.Future) -> None:
            if f.cancelled() or f.exception() is not None:
                self._finished.emit(generation, a, b, "failed")
                return
            self._finished.emit(generation, a, b, Alignment(a, b, f.result()))
        future.add_done_callback(finished)

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until the current alignment is ready (for tests and screenshots)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QThread
        if self._soon.isActive() or self._timer.isActive():
            self.realign()
        deadline = QDeadlineTimer(int(timeout * 1000))
        while self.alignment is None and self.pair and not deadline.hasExpired():
            QCoreApplication.processEvents()
            QThread.msleep(5)
        return self.alignment is not None

    def _done(self, generation: int, a: str, b: str, alignment) -> None:
        if generation != self._generation:
            return      # superseded by a newer request
        self.busy.emit(False)
        if alignment == "failed":
            self.alignment = None
            self.aligned.emit(a, b, None)
            return
        self.alignment = alignment
        self.aligned.emit(a, b, alignment)
