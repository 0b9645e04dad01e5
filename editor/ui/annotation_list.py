"""The annotation list: every annotation with kind, witness, text, hand, status and author;
sortable, filterable, and selecting a row selects the range in its pane."""

from __future__ import annotations

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt,
                            Signal)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView,
                               QLineEdit, QTableView, QVBoxLayout, QWidget)

from editor.model.annotation import STATUSES, Annotation
from editor.model.kinds import KIND_IDS, spec
from editor.ui.tables import make_list_table

COLUMNS = ("Kind", "Version", "Text", "Hand", "Status", "By", "Note")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class AnnotationTableModel(QAbstractTableModel):
    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.ids: list[str] = []
        self.rows: dict[str, int] = {}
        document.reset.connect(self.reload)
        document.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.ids = [a.id for a in self.doc.edition.sorted_annotations()]
        self.rows = {aid: i for i, aid in enumerate(self.ids)}
        self.endResetModel()

    def _changed(self, change, _undo, _origin) -> None:
        ids = change.annotation_ids
        if not ids and not change.header_changed:
            return
        existing = self.doc.edition.annotations
        if any((aid in existing) != (aid in self.rows) for aid in ids) or change.header_changed:
            self.reload()
            return
        # only the rows that changed are redrawn (typing shifts offsets, not shown here)
        for aid in ids:
            row = self.rows.get(aid)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def annotation(self, row: int) -> Annotation | None:
        if 0 <= row < len(self.ids):
            return self.doc.edition.annotations.get(self.ids[row])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        ann = self.annotation(index.row())
        if ann is None:
            return None
        column = index.column()
        edition = self.doc.edition
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
            if column == 0:
                label = spec(ann.kind).label
                if ann.kind == "note" and ann.attrs.get("type"):
                    label += f" ({ann.attrs['type']})"
                return label
            if column == 1:
                w = edition.witnesses.get(ann.witness)
                return w.label if w else ann.witness
            if column == 2:
                if role == SORT_ROLE:
                    order = list(edition.witnesses).index(ann.witness) \
                        if ann.witness in edition.witnesses else 99
                    return f"{order:03d}{ann.start:012d}"
                quote = edition.quote(ann).replace("\n", " ⏎ ")
                if role == Qt.ItemDataRole.DisplayRole and len(quote) > 80:
                    quote = quote[:77] + "…"
                return quote or "(point)"
            if column == 3:
                hand = ann.attrs.get("hand", "")
                return edition.hand_label(hand) if hand else ""
            if column == 4:
                return ann.status
            if column == 5:
                return edition.person_name(ann.author) if ann.author else ""
            if column == 6:
                note = ann.note.replace("\n", " ")
                return note if role != Qt.ItemDataRole.DisplayRole or len(note) < 60 \
                    else note[:57] + "…"
        if role == ID_ROLE:
            return ann.id
        if role == Qt.ItemDataRole.FontRole and ann.status == "rejected":
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if ann.status == "rejected":
                return QBrush(QColor("#888888"))
            if ann.status == "orphaned":
                return QBrush(QColor("#b00020"))
        return None


class AnnotationFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = ""
        self.witness = ""
        self.hand = ""
        self.status = ""
        self.author = ""
        self.reviewer = ""
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, **values) -> None:
        self.beginFilterChange()
        for key, value in values.items():
            setattr(self, key, value or "")
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802
        ann = self.sourceModel().annotation(row)
        if ann is None:
            return False
        if self.kind and ann.kind != self.kind:
            return False
        if self.witness and ann.witness != self.witness:
            return False
        if self.hand and ann.attrs.get("hand", "") != self.hand:
            return False
        if self.status and ann.status != self.status:
            return False
        if self.author and ann.author != self.author:
            return False
        if self.reviewer and self.reviewer not in ann.reviewers:
            return False
        if self.text:
            needle = self.text.lower()
            edition = self.sourceModel().doc.edition
            if needle not in edition.quote(ann).lower() and needle not in ann.note.lower():
                return False
        return True


class AnnotationList(QWidget):
    """The dock's contents: filters above a sortable table."""

    #: a row was chosen: the annotation id
    annotationActivated = Signal(str)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.model = AnnotationTableModel(document, self)
        self.proxy = AnnotationFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        # the source rows are already in document order; sorting tens of thousands of rows
        # through data() would cost a second, so the table starts unsorted (document order)
        # and sorts only when a header is clicked
        self.table.setSortingEnabled(True)
        self.proxy.sort(-1)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        make_list_table(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(1, 95)
        self.table.setColumnWidth(3, 110)
        self.table.setColumnWidth(4, 80)
        self.table.setColumnWidth(5, 100)

        self.kind_filter = QComboBox()
        self.witness_filter = QComboBox()
        self.hand_filter = QComboBox()
        self.status_filter = QComboBox()
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter by text or note…")
        self.text_filter.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        for widget in (self.kind_filter, self.witness_filter, self.hand_filter,
                       self.status_filter):
            filters.addWidget(widget)
        filters.addWidget(self.text_filter, 1)
        self.filter_row = filters
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self.kind_filter.activated.connect(self._filters_changed)
        self.witness_filter.activated.connect(self._filters_changed)
        self.hand_filter.activated.connect(self._filters_changed)
        self.status_filter.activated.connect(self._filters_changed)
        self.text_filter.textChanged.connect(self._filters_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(lambda index: self._row_changed(index, None))
        document.reset.connect(self._fill_filters)
        document.changed.connect(lambda change, *_: change.header_changed and self._fill_filters())
        self._fill_filters()

    def add_filter_widget(self, widget: QWidget) -> None:
        """Add a filter control (e.g. author, reviewer) before the text filter."""
        self.filter_row.insertWidget(self.filter_row.count() - 1, widget)

    def _fill_filters(self) -> None:
        edition = self.doc.edition

        def fill(combo: QComboBox, label: str, items) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(label, "")
            for value, text in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        fill(self.kind_filter, "All kinds", [(k, spec(k).label) for k in KIND_IDS])
        fill(self.witness_filter, "All versions",
             [(w.id, w.label) for w in edition.witnesses.values()])
        fill(self.hand_filter, "All hands",
             [(h.id, h.label or h.id) for h in edition.hands.values()])
        fill(self.status_filter, "All statuses", [(s, s) for s in STATUSES])

    def _filters_changed(self, *_args) -> None:
        self.proxy.set_filter(kind=self.kind_filter.currentData(),
                              witness=self.witness_filter.currentData(),
                              hand=self.hand_filter.currentData(),
                              status=self.status_filter.currentData(),
                              text=self.text_filter.text())

    def _row_changed(self, current, _previous) -> None:
        if current is None or not current.isValid():
            return
        aid = self.proxy.data(self.proxy.index(current.row(), 0), ID_ROLE)
        if aid:
            self.annotationActivated.emit(aid)

    def select_annotation(self, annotation_id: str) -> None:
        """Show ``annotation_id`` as the current row without re-emitting it."""
        row = self.model.rows.get(annotation_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return
        self.table.selectionModel().blockSignals(True)
        self.table.setCurrentIndex(index)
        self.table.selectionModel().blockSignals(False)
        self.table.scrollTo(index)
        self.table.viewport().update()

    def visible_ids(self) -> list[str]:
        return [self.proxy.data(self.proxy.index(r, 0), ID_ROLE)
                for r in range(self.proxy.rowCount())]
