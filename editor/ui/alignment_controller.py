"""Keeps the word-level alignment of the shown witnesses up to date, off the interface
thread for long texts, and tells the panes which words differ."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal

from editor.align.alignment import Alignment, align_texts

#: texts shorter than this (both together) are aligned at once, on the interface thread
SYNC_LIMIT = 60_000


class AlignmentController(QObject):
    #: a new alignment is ready: (a witness id, b witness id, Alignment)
    aligned = Signal(str, str, object)
    busy = Signal(bool)
    _finished = Signal(int, str, str, object)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.pair: tuple[str, str] | None = None
        self.alignment: Alignment | None = None
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(350)
        self._timer.timeout.connect(self.realign)
        self._finished.connect(self._done)
        document.changed.connect(self._changed)

    def set_pair(self, a: str, b: str) -> None:
        self.pair = (a, b)
        self.realign()

    def _changed(self, change, _undo, _origin) -> None:
        if self.pair and (change.witnesses & set(self.pair) or change.header_changed):
            self.alignment = None
            self._timer.start()

    def cancel(self) -> None:
        self._generation += 1
        self._timer.stop()

    def realign(self) -> None:
        self._timer.stop()
        if not self.pair:
            return
        a, b = self.pair
        edition = self.doc.edition
        if a not in edition.witnesses or b not in edition.witnesses or a == b:
            self.alignment = None
            self.aligned.emit(a, b, None)
            return
        a_text, b_text = edition.witnesses[a].text, edition.witnesses[b].text
        self._generation += 1
        generation = self._generation
        if len(a_text) + len(b_text) <= SYNC_LIMIT:
            self._done(generation, a, b, Alignment(a, b, align_texts(a_text, b_text)))
            return
        self.busy.emit(True)

        def work() -> None:
            try:
                segments = align_texts(a_text, b_text,
                                       should_stop=lambda: generation != self._generation)
            except InterruptedError:
                return
            self._finished.emit(generation, a, b, Alignment(a, b, segments))
        threading.Thread(target=work, name="variorum-align", daemon=True).start()

    def _done(self, generation: int, a: str, b: str, alignment) -> None:
        if generation != self._generation:
            return
        self.alignment = alignment
        self.busy.emit(False)
        self.aligned.emit(a, b, alignment)
