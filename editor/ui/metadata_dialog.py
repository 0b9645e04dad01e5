"""Editing an edition's metadata, witnesses and hands (applied as one undoable step)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from editor.model.edition import WITNESS_KINDS, Edition, Hand, make_ncname

_ISO = re.compile(r"^-?\d{4}(-\d{2}(-\d{2})?)?$")


class MetadataDialog(QDialog):
    def __init__(self, edition: Edition, parent=None, read_only: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Edition metadata")
        self.resize(720, 560)
        self.edition = edition
        md = edition.metadata
        tabs = QTabWidget()

        # document -----------------------------------------------------------------------
        doc_tab = QWidget()
        form = QFormLayout(doc_tab)
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}

        def line(key: str, label: str, value: str, tip: str = "") -> None:
            widget = QLineEdit(value)
            widget.setToolTip(tip)
            widget.setReadOnly(read_only)
            self.fields[key] = widget
            form.addRow(label, widget)

        def para(key: str, label: str, value: str) -> None:
            widget = QPlainTextEdit(value)
            widget.setMaximumHeight(90)
            widget.setReadOnly(read_only)
            self.fields[key] = widget
            form.addRow(label, widget)

        line("title", "Title", md.title)
        line("date", "Date (ISO)", md.date, "e.g. 1956-09-19, 1956-09 or 1956")
        line("date_text", "Date as written", md.date_text)
        line("classification", "Classification", md.classification)
        line("source", "Archival source", md.source)
        line("repository", "Repository", md.repository)
        line("translator", "Translator", md.translator)
        line("record_id", "Record ID", md.record_id)
        line("language", "Language", md.language)
        line("publisher", "Publisher", md.publisher)
        para("rights", "Rights", md.rights)
        para("summary", "Summary", md.summary)
        self.date_warning = QLabel()
        self.date_warning.setStyleSheet("color:#b00")
        form.addRow("", self.date_warning)
        self.fields["date"].textChanged.connect(self._check_date)
        tabs.addTab(doc_tab, "Document")

        # witnesses -------------------------------------------------------------------------
        self.witness_table = QTableWidget(len(edition.witnesses), 4)
        self.witness_table.setHorizontalHeaderLabels(["Id", "Label", "Kind", "Description"])
        for row, w in enumerate(edition.witnesses.values()):
            item = QTableWidgetItem(w.id)
            item.setFlags(item.flags() & ~item.flags().ItemIsEditable)
            self.witness_table.setItem(row, 0, item)
            self.witness_table.setItem(row, 1, QTableWidgetItem(w.label))
            combo = QComboBox()
            combo.addItems(list(WITNESS_KINDS))
            combo.setCurrentText(w.kind if w.kind in WITNESS_KINDS else "other")
            combo.setEnabled(not read_only)
            self.witness_table.setCellWidget(row, 2, combo)
            self.witness_table.setItem(row, 3, QTableWidgetItem(w.description))
        self.witness_table.horizontalHeader().setStretchLastSection(True)
        tabs.addTab(self.witness_table, "Witnesses")

        # hands ------------------------------------------------------------------------------
        hands_tab = QWidget()
        hands_layout = QVBoxLayout(hands_tab)
        self.hand_table = QTableWidget(0, 5)
        self.hand_table.setHorizontalHeaderLabels(["Id", "Label", "Scribe", "Medium",
                                                   "Description"])
        self.hand_table.horizontalHeader().setStretchLastSection(True)
        for hand in edition.hands.values():
            self._add_hand_row(hand)
        buttons = QHBoxLayout()
        add = QPushButton("Add hand")
        remove = QPushButton("Remove hand")
        add.clicked.connect(lambda: self._add_hand_row(None))
        remove.clicked.connect(self._remove_hand_row)
        add.setEnabled(not read_only)
        remove.setEnabled(not read_only)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        hands_layout.addWidget(self.hand_table)
        hands_layout.addLayout(buttons)
        hands_layout.addWidget(QLabel("A hand still used by annotations cannot be removed."))
        tabs.addTab(hands_tab, "Hands")

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(box)
        self.tabs = tabs

    def _check_date(self, text: str) -> None:
        self.date_warning.setText("" if not text or _ISO.match(text) else
                                  "Not an ISO date (YYYY-MM-DD); it is kept as written.")

    def _add_hand_row(self, hand: Hand | None) -> None:
        row = self.hand_table.rowCount()
        self.hand_table.insertRow(row)
        values = [hand.id, hand.label, hand.scribe, hand.medium, hand.description] if hand \
            else ["", "", "", "", ""]
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == 0 and hand is not None:
                item.setFlags(item.flags() & ~item.flags().ItemIsEditable)
            self.hand_table.setItem(row, column, item)

    def _remove_hand_row(self) -> None:
        row = self.hand_table.currentRow()
        if row < 0:
            return
        hid = self.hand_table.item(row, 0).text()
        if any(a.attrs.get("hand") == hid for a in self.edition.annotations.values()):
            return
        self.hand_table.removeRow(row)

    def _text(self, key: str) -> str:
        widget = self.fields[key]
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def apply_to(self, edition: Edition) -> None:
        """Write the dialog's values into ``edition`` (called inside an undoable change)."""
        md = edition.metadata
        for key in ("title", "date", "date_text", "classification", "source", "repository",
                    "translator", "record_id", "language", "publisher", "rights", "summary"):
            setattr(md, key, self._text(key).strip())
        for row in range(self.witness_table.rowCount()):
            wid = self.witness_table.item(row, 0).text()
            if wid in edition.witnesses:
                w = edition.witnesses[wid]
                w.label = self.witness_table.item(row, 1).text().strip() or wid
                w.kind = self.witness_table.cellWidget(row, 2).currentText()
                w.description = self.witness_table.item(row, 3).text().strip()
        hands: dict[str, Hand] = {}
        for row in range(self.hand_table.rowCount()):
            cells = [(self.hand_table.item(row, c).text().strip()
                      if self.hand_table.item(row, c) else "") for c in range(5)]
            hid = cells[0]
            if not hid:
                if not any(cells[1:]):
                    continue
                base = make_ncname(cells[1] or "hand", "hand")
                hid, n = base, 2
                while hid in hands or hid in edition._ids() and hid not in edition.hands:
                    hid, n = f"{base}-{n}", n + 1
            hands[hid] = Hand(hid, cells[1], cells[2], cells[3], cells[4])
        for hid, hand in edition.hands.items():   # hands in use are never dropped
            if hid not in hands and any(a.attrs.get("hand") == hid
                                        for a in edition.annotations.values()):
                hands[hid] = hand
        edition.hands = hands
