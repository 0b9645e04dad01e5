"""The inspector: shows and edits the annotation under the cursor.

Every edit becomes one undoable model operation (``update_annotation``); the fields shown
follow the annotation's kind (see :mod:`editor.model.kinds`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QInputDialog, QLabel,
                               QLineEdit, QListWidget, QPlainTextEdit, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from editor.model import operations as ops
from editor.model.annotation import CERTAINTIES, Annotation
from editor.model.edition import Hand, make_ncname
from editor.model.kinds import KIND_IDS, NOTE_TYPES, spec
from editor.ui.richtext import escape

PLACES = ["", "above", "below", "inline", "margin", "margin-left", "margin-right", "top",
          "bottom", "overwritten", "interlinear", "opposite"]
REASONS = ["", "illegible", "faded", "damage", "omitted", "cancelled", "overwritten"]


class _NoteEdit(QPlainTextEdit):
    """A note field that applies its text when it loses focus."""

    committed = Signal()

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.committed.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.committed.emit()
            return
        super().keyPressEvent(event)


class Inspector(QWidget):
    """Shows one annotation; emits nothing itself: it pushes changes on the document."""

    #: the user asked to delete the shown annotation
    deleteRequested = Signal(str)
    #: the user asked to take the other pane's selection as the variant's counterpart
    counterpartRequested = Signal(str)

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.annotation_id = ""
        self.user_id_provider = lambda: ""
        self._loading = False

        self.heading = QLabel("No annotation at the cursor. Select words and mark them "
                              "(Ctrl+1 … Ctrl+0).")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)

        self.kind = QComboBox()
        for kind in KIND_IDS:
            self.kind.addItem(spec(kind).label, kind)
        self.hand = QComboBox()
        self.place = QComboBox()
        self.place.setEditable(True)
        self.place.addItems(PLACES)
        self.rend = QLineEdit()
        self.rend.setPlaceholderText("e.g. strikethrough, caret, underline")
        self.cert = QComboBox()
        self.cert.addItem("", "")
        for c in CERTAINTIES:
            self.cert.addItem(c, c)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(REASONS)
        self.extent = QLineEdit()
        self.extent.setPlaceholderText("e.g. 2 words")
        self.corr = QLineEdit()
        self.corr.setPlaceholderText("the correct reading")
        self.expan = QLineEdit()
        self.expan.setPlaceholderText("the expanded form")
        self.note_type = QComboBox()
        self.note_type.setEditable(True)
        self.note_type.addItems(list(NOTE_TYPES))
        self.split = QSpinBox()
        self.split.setToolTip("Where the deleted part ends and the added part begins "
                              "(characters from the start)")
        self.counterpart = QLabel()
        self.counterpart.setWordWrap(True)
        self.counterpart_button = QPushButton("Use selection in other pane")
        self.note = _NoteEdit()
        self.note.setPlaceholderText("Note text (Ctrl+Enter or leaving the field applies it)")
        self.note.setMaximumHeight(110)
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.status = QLabel()
        self.history = QListWidget()
        self.history.setMaximumHeight(120)
        self.history.setWordWrap(True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.delete_button = QPushButton("Delete annotation")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form
        self.rows = {}

        def row(name: str, label: str, widget) -> None:
            form.addRow(label, widget)
            self.rows[name] = widget

        row("kind", "Kind", self.kind)
        row("hand", "Hand", self.hand)
        row("place", "Place", self.place)
        row("rend", "Rend", self.rend)
        row("cert", "Certainty", self.cert)
        row("reason", "Reason", self.reason)
        row("extent", "Extent", self.extent)
        row("corr", "Correction", self.corr)
        row("expan", "Expansion", self.expan)
        row("type", "Note by", self.note_type)
        row("split", "Split at", self.split)
        cp_box = QWidget()
        cp_layout = QVBoxLayout(cp_box)
        cp_layout.setContentsMargins(0, 0, 0, 0)
        cp_layout.addWidget(self.counterpart)
        cp_layout.addWidget(self.counterpart_button)
        row("counterpart", "Other version", cp_box)
        row("note", "Note", self.note)
        row("who", "Made by", self.who)
        row("status", "Review", self.status)
        row("history", "History", self.history)

        self.body = QWidget()
        body_layout = QVBoxLayout(self.body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        body_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        layout.addStretch(1)

        self.kind.activated.connect(lambda _i: self._set("kind", self.kind.currentData()))
        self.hand.activated.connect(self._hand_chosen)
        self.place.lineEdit().editingFinished.connect(lambda: self._set_attr("place", self.place.currentText()))
        self.place.activated.connect(lambda _i: self._set_attr("place", self.place.currentText()))
        self.rend.editingFinished.connect(lambda: self._set_attr("rend", self.rend.text()))
        self.cert.activated.connect(lambda _i: self._set("cert", self.cert.currentData()))
        self.reason.lineEdit().editingFinished.connect(lambda: self._set_attr("reason", self.reason.currentText()))
        self.reason.activated.connect(lambda _i: self._set_attr("reason", self.reason.currentText()))
        self.extent.editingFinished.connect(lambda: self._set_attr("extent", self.extent.text()))
        self.corr.editingFinished.connect(lambda: self._set_attr("corr", self.corr.text()))
        self.expan.editingFinished.connect(lambda: self._set_attr("expan", self.expan.text()))
        self.note_type.activated.connect(lambda _i: self._set_attr("type", self.note_type.currentText()))
        self.note_type.lineEdit().editingFinished.connect(lambda: self._set_attr("type", self.note_type.currentText()))
        self.split.editingFinished.connect(lambda: self._set_attr("split", str(self.split.value())))
        self.note.committed.connect(lambda: self._set("note", self.note.toPlainText()))
        self.delete_button.clicked.connect(lambda: self.deleteRequested.emit(self.annotation_id))
        self.counterpart_button.clicked.connect(
            lambda: self.counterpartRequested.emit(self.annotation_id))
        document.changed.connect(self._changed)
        document.reset.connect(lambda: self.show_annotation(None))
        self.show_annotation(None)

    # -- showing -------------------------------------------------------------------------
    @property
    def annotation(self) -> Annotation | None:
        return self.doc.edition.annotations.get(self.annotation_id)

    def show_annotation(self, annotation: Annotation | None) -> None:
        if self.annotation is not None and self.note.hasFocus():
            self._set("note", self.note.toPlainText())     # do not lose a note being typed
        self.annotation_id = annotation.id if annotation is not None else ""
        self._refresh()

    def _changed(self, change, _undo, _origin) -> None:
        ann = self.annotation
        if self.annotation_id in change.annotation_ids or change.header_changed or \
                (ann is not None and ann.witness in change.witnesses):
            self._refresh()

    def _refresh(self) -> None:
        ann = self.annotation
        self.body.setVisible(ann is not None)
        if ann is None:
            self.heading.setText("No annotation at the cursor. Select words and mark them "
                                 "(Ctrl+1 … Ctrl+0), or choose one in the list.")
            return
        self._loading = True
        try:
            self._load(ann)
        finally:
            self._loading = False

    def _load(self, ann: Annotation) -> None:
        edition = self.doc.edition
        quote = edition.quote(ann)
        witness = edition.witnesses.get(ann.witness)
        where = f"{escape(witness.label if witness else ann.witness)}, " \
                f"characters {ann.start}–{ann.end}"
        shown = quote if len(quote) <= 160 else quote[:157] + "…"
        extra = ""
        if ann.anchoring is not None:
            extra = (f"<br><span style='color:#a00'>{ann.anchoring.state}: was "
                     f"“{escape(ann.anchoring.quote[:80])}”</span>")
        self.heading.setText(f"<b>{escape(spec(ann.kind).label)}</b> "
                             f"<span style='color:#666'>{ann.id}</span><br>{where}<br>"
                             f"“{escape(shown)}”{extra}")
        self.kind.setCurrentIndex(max(0, self.kind.findData(ann.kind)))
        allowed = set(spec(ann.kind).attributes)
        for name in ("hand", "place", "rend", "reason", "extent", "corr", "expan", "type",
                     "split"):
            self._show_row(name, name in allowed)
        self._show_row("counterpart", ann.kind == "variant")
        type_label = self.form.labelForField(self.note_type)
        if type_label is not None:
            type_label.setText("Note by" if ann.kind == "note" else "Type")
        self.hand.clear()
        self.hand.addItem("(none)", "")
        for hand in edition.hands.values():
            self.hand.addItem(hand.label or hand.id, hand.id)
        self.hand.addItem("New hand…", "__new__")
        self.hand.setCurrentIndex(max(0, self.hand.findData(ann.attrs.get("hand", ""))))
        self.place.setCurrentText(ann.attrs.get("place", ""))
        self.rend.setText(ann.attrs.get("rend", ""))
        self.cert.setCurrentIndex(max(0, self.cert.findData(ann.cert)))
        self.reason.setCurrentText(ann.attrs.get("reason", ""))
        self.extent.setText(ann.attrs.get("extent", ""))
        self.corr.setText(ann.attrs.get("corr", ""))
        self.expan.setText(ann.attrs.get("expan", ""))
        self.note_type.setCurrentText(ann.attrs.get("type", ""))
        self.split.setRange(0, max(0, ann.end - ann.start))
        try:
            self.split.setValue(int(ann.attrs.get("split", "0")))
        except ValueError:
            self.split.setValue(0)
        cp = ann.counterpart
        if cp is not None:
            other = edition.witnesses.get(cp.witness)
            reading = other.text[cp.start:cp.end] if other else ""
            self.counterpart.setText(f"{escape(other.label if other else cp.witness)}: "
                                     f"“{escape(reading[:120]) or '(nothing: a point)'}” "
                                     f"at {cp.start}")
        else:
            self.counterpart.setText("(not linked)")
        if not self.note.hasFocus():
            self.note.setPlainText(ann.note)
        author = edition.person_name(ann.author) if ann.author else "unknown"
        self.who.setText(f"{escape(author)}<br><span style='color:#666'>created "
                         f"{escape(ann.created or '?')}, changed {escape(ann.modified or '?')}"
                         "</span>")
        self.status.setText(f"<b>{ann.status}</b>")
        self.history.clear()
        for event in ann.history:
            who = edition.person_name(event.who) if event.who else "?"
            text = f"{event.when[:16].replace('T', ' ')} {event.action} → {event.status}, {who}"
            if event.comment:
                text += f": {event.comment}"
            self.history.addItem(text)
        read_only = self.doc.read_only
        for widget in (self.kind, self.hand, self.place, self.rend, self.cert, self.reason,
                       self.extent, self.corr, self.expan, self.note_type, self.split,
                       self.counterpart_button, self.delete_button):
            widget.setEnabled(not read_only)
        self.note.setReadOnly(read_only)

    def _show_row(self, name: str, visible: bool) -> None:
        widget = self.rows[name]
        label = self.form.labelForField(widget)
        widget.setVisible(visible)
        if label is not None:
            label.setVisible(visible)

    # -- editing -------------------------------------------------------------------------
    def _set(self, field: str, value) -> None:
        ann = self.annotation
        if self._loading or ann is None or self.doc.read_only:
            return
        if getattr(ann, field) == value:
            return
        change = ops.update_annotation(self.doc.edition, ann.id, who=self.user_id_provider(),
                                       **{field: value})
        self.doc.push(change)

    def _set_attr(self, name: str, value: str) -> None:
        ann = self.annotation
        if self._loading or ann is None:
            return
        attrs = dict(ann.attrs)
        if value.strip():
            attrs[name] = value.strip()
        else:
            attrs.pop(name, None)
        self._set("attrs", attrs)

    def _hand_chosen(self, _index: int) -> None:
        if self._loading:
            return
        choice = self.hand.currentData()
        if choice == "__new__":
            self.declare_hand()
            return
        self._set_attr("hand", choice or "")

    def declare_hand(self) -> None:
        """Ask for a new hand, declare it and give it to the shown annotation: one step."""
        ann = self.annotation
        label, ok = QInputDialog.getText(self, "New hand",
                                         "Describe the hand (e.g. “Mikoyan, blue pencil”):")
        if not ok or not label.strip():
            self._refresh()
            return
        label = label.strip()
        edition = self.doc.edition
        base = make_ncname(label, "hand")
        hid, n = base, 2
        while hid in edition._ids():
            hid, n = f"{base}-{n}", n + 1

        def declare(e):
            e.hands[hid] = Hand(hid, label)
        changes = [ops.update_header(edition, declare, "Declare hand")]
        if ann is not None:
            attrs = dict(ann.attrs)
            attrs["hand"] = hid
            changes.append(ops.update_annotation(edition, ann.id, who=self.user_id_provider(),
                                                 attrs=attrs))
        self.doc.push(ops.combine(changes, f"Declare hand {label}"))
