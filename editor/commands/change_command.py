"""The one undo command Variorum needs: replay a model change backwards or forwards."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from editor.model import operations as ops

#: command ids for merging (QUndoCommand.id)
TYPING_ID = 1


class ChangeCommand(QUndoCommand):
    """Wraps a :class:`~editor.model.operations.Change` already applied to the model.

    The first ``redo()`` (called by ``QUndoStack.push``) does nothing: the operation has
    already run.  Later ``undo()``/``redo()`` calls replay the change and ask the document
    to tell the views.
    """

    def __init__(self, document, change: ops.Change, origin=None, typing: bool = False):
        super().__init__(change.description or "Change")
        self.document = document
        self.change = change
        self.origin = origin          # the view where the edit was made (it is up to date)
        self.typing = typing
        self._applied = True

    # QUndoCommand ------------------------------------------------------------------
    def id(self) -> int:  # noqa: A003 - Qt's name
        return TYPING_ID if self.typing else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        """Merge consecutive typing in one witness into one undo step (per word run)."""
        if not (isinstance(other, ChangeCommand) and self.typing and other.typing):
            return False
        mine, theirs = self.change.text_edits, other.change.text_edits
        if len(theirs) != 1 or not mine:
            return False
        last, new = mine[-1], theirs[0]
        if new.witness != last.witness:
            return False
        inserting = not new.old and new.new and not last.old
        deleting = not new.new and new.old and not last.new
        contiguous_insert = inserting and new.start == last.start + len(last.new)
        contiguous_delete = deleting and (new.start + len(new.old) == last.start   # Backspace
                                          or new.start == last.start)              # Delete
        if not (contiguous_insert or contiguous_delete):
            return False
        # a word boundary after a space starts a new step, as in most editors
        if contiguous_insert and last.new.endswith((" ", "\n")) and not new.new.isspace():
            return False
        self.change = self.change.merged_with(other.change)
        return True

    def undo(self) -> None:
        ops.undo(self.document.edition, self.change)
        self._applied = False
        self.document.notify(self.change, undo=True, origin=None)

    def redo(self) -> None:
        if self._applied:
            return
        ops.redo(self.document.edition, self.change)
        self._applied = True
        self.document.notify(self.change, undo=False, origin=None)
