"""Undo commands: each applies a model :class:`~editor.model.operations.Change` and its
inverse.  The logic lives in :mod:`editor.model.operations`; a command only replays it."""

from editor.commands.change_command import ChangeCommand

__all__ = ["ChangeCommand"]
