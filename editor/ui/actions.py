"""Making actions: one place for the details every menu item and shortcut needs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence


def make_action(owner, text: str, slot=None, shortcut=None, tip: str = "",
                checkable: bool = False, checked: bool = False, menu=None,
                group: QActionGroup | None = None,
                context=Qt.ShortcutContext.WindowShortcut) -> QAction:
    """An action added to ``owner`` (so its shortcut works), and to ``menu`` if given.

    ``shortcut`` is a key string, a standard key, or a list of them; the tooltip shows
    the first.  ``slot`` receives the checked state for checkable actions, nothing
    otherwise.
    """
    action = QAction(text, owner)
    keys = shortcut if isinstance(shortcut, (list, tuple)) else ([shortcut] if shortcut else [])
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(context)
    shown = action.shortcut().toString() if keys else ""
    if tip:
        action.setStatusTip(tip)
    action.setToolTip(f"{tip or text} ({shown})" if shown else (tip or text))
    if checkable:
        action.setCheckable(True)
        action.setChecked(checked)
    if group is not None:
        group.addAction(action)
    if slot is not None:
        if checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _checked=False: slot())
    owner.addAction(action)
    if menu is not None:
        menu.addAction(action)
    return action
