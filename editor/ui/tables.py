"""The look and behaviour shared by Variorum's lists (annotations, differences, variants)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView

ROW_HEIGHT = 22


def make_list_table(view: QAbstractItemView, row_height: int = ROW_HEIGHT) -> None:
    """Whole rows selected one at a time, nothing edited in place, no row numbers."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(row_height)
