"""The open edition: its model, file, undo stack, and the signals views listen to.

Every change to the edition goes through :meth:`EditionDocument.push`, which records it
on the one ``QUndoStack`` and tells the views what changed (a model ``Change``), so each
view redraws only that.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from editor.commands import ChangeCommand
from editor.model import operations as ops
from editor.model.edition import Edition, Witness


@dataclass
class TextApplied:
    """One text edit a view must replay: ``[start, start + len(old))`` became ``new``."""

    witness: str
    start: int
    old: str
    new: str


class EditionDocument(QObject):
    #: a model change was made, undone or redone: (Change, is_undo, origin view or None)
    changed = Signal(object, bool, object)
    #: a text edit views showing the witness must replay (unless they are its origin)
    textApplied = Signal(object, object)
    #: a whole new edition replaced the old one (open, new, reload)
    reset = Signal()
    #: the file path or the unsaved-changes state changed
    fileStateChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edition: Edition = self.blank_edition()
        self.path: str = ""
        self.stamp = None             # editor.io.filestamp.FileStamp of the file as loaded
        self.read_only = False
        self.user_id = ""             # the person id of the user, declared on first use
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    @staticmethod
    def blank_edition() -> Edition:
        edition = Edition()
        edition.add_witness(Witness("typed", "Typed", "typed", ""))
        edition.add_witness(Witness("handwritten", "Handwritten", "handwritten", ""))
        return edition

    def _clean_changed(self, _clean: bool) -> None:
        self.fileStateChanged.emit()

    # -- state ------------------------------------------------------------------------
    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def display_name(self) -> str:
        return os.path.basename(self.path) if self.path else "Untitled"

    def replace_edition(self, edition: Edition, path: str = "", stamp=None) -> None:
        """Show another edition (after Open, New, Import or Reload); clears undo."""
        self.edition = edition
        self.path = path
        self.stamp = stamp
        self.user_id = ""
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.reset.emit()
        self.fileStateChanged.emit()

    def mark_saved(self, path: str, stamp=None) -> None:
        self.path = path
        self.stamp = stamp
        self.undo_stack.setClean()
        self.fileStateChanged.emit()

    # -- changes ----------------------------------------------------------------------
    def push(self, change: ops.Change, origin=None, typing: bool = False) -> None:
        """Record an applied change as one undo step and tell the views."""
        if change.empty:
            return
        self.notify(change, undo=False, origin=origin)
        self.undo_stack.push(ChangeCommand(self, change, origin, typing))

    def notify(self, change: ops.Change, undo: bool, origin=None) -> None:
        edits = change.text_edits
        if undo:
            for e in reversed(edits):
                self.textApplied.emit(TextApplied(e.witness, e.start, e.new, e.old), origin)
        else:
            for e in edits:
                self.textApplied.emit(TextApplied(e.witness, e.start, e.old, e.new), origin)
        self.changed.emit(change, undo, origin)

    def run(self, operation, *args, origin=None, **kwargs) -> ops.Change:
        """Run a model operation and push its change (one undo step)."""
        change = operation(self.edition, *args, **kwargs)
        self.push(change, origin=origin)
        return change
