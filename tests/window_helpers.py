"""Driving the window in tests as a user would: select words, press shortcuts."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtTest import QTest


def select(pane, start: int, end: int) -> None:
    """Select ``[start, end)`` (code points) in a witness pane and give it the focus."""
    cursor = pane.editor.textCursor()
    cursor.setPosition(pane.pmap.to_qt(start))
    cursor.setPosition(pane.pmap.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    pane.editor.setTextCursor(cursor)
    pane.editor.setFocus()


def find(pane, word: str) -> tuple[int, int]:
    """The range of the first ``word`` in the pane's witness text."""
    text = pane.edition.witnesses[pane.witness_id].text
    start = text.index(word)
    return start, start + len(word)


def shortcut(widget, sequence: str) -> None:
    """Press a key sequence such as ``"Ctrl+Shift+Z"`` on ``widget``."""
    combo = QKeySequence(sequence)[0]
    QTest.keyClick(widget, combo.key(), combo.keyboardModifiers())
