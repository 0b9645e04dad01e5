"""A pane showing one witness: its text, its annotations drawn, and edits fed to the model.

The pane's ``QTextDocument`` mirrors the witness text (each ``\\n`` a block break).  When
the user types, the pane turns Qt's ``contentsChange`` into a model edit (code points, via
:class:`~editor.ui.positions.PositionMap`), so annotations follow their words; when an
edit comes from elsewhere (undo, redo, another pane on the same witness) the pane replays
it without feeding it back.  Annotations are drawn in two layers: character formats by a
``QSyntaxHighlighter`` (restyling only the blocks a change touches) and markers (carets,
brackets, note flags, differences between the versions) painted over the visible part.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (QColor, QFont, QKeySequence, QPainter, QPainterPath, QPen,
                           QSyntaxHighlighter, QTextCursor, QTextOption)
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QToolTip,
                               QVBoxLayout, QWidget)

from editor.model.annotation import Annotation
from editor.model.kinds import spec
from editor.ui import style
from editor.ui.annotation_index import WitnessIndex
from editor.ui.positions import PositionMap, qt_text_to_model
from editor.ui.richtext import escape


_UNDO_KEYS = {QKeySequence("Ctrl+Shift+Z")[0].toCombined(), QKeySequence("Ctrl+Y")[0].toCombined()}


class ViewOptions:
    """What a pane draws (study mode toggles these)."""

    def __init__(self):
        self.hidden_kinds: set[str] = set()
        self.show_rejected = False
        self.show_differences = True
        self.reading = "diplomatic"    # or "clean": deletions hidden, supplied in brackets

    def shows(self, annotation: Annotation) -> bool:
        if annotation.kind in self.hidden_kinds:
            return False
        if annotation.status == "rejected" and not self.show_rejected:
            return False
        return True


class AnnotationHighlighter(QSyntaxHighlighter):
    """Applies each annotation's character format to the blocks it covers."""

    def __init__(self, pane: "WitnessPane"):
        self.pane = pane
        super().__init__(pane.editor.document())

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        pane = self.pane
        if pane.index is None:
            return
        block = self.currentBlock()
        cp_start = pane.pmap.to_model(block.position())
        cp_end = cp_start + len(text)
        anns = [a for a in pane.index.overlapping(cp_start, cp_end)
                if a.end > a.start and pane.options.shows(a)
                and not (a.anchoring is not None and a.anchoring.state == "orphaned")]
        if not anns:
            return
        hands = pane.hand_order
        pieces = []   # (start, end, format) in code points relative to the block
        for ann in anns:
            s, e = max(ann.start, cp_start) - cp_start, min(ann.end, cp_end) - cp_start
            if ann.kind == "substitution":
                try:
                    split = ann.start + int(ann.attrs.get("split", "0")) - cp_start
                except ValueError:
                    split = s
                split = min(max(split, s), e)
                pieces.append((s, split, style.char_format(ann, hands, "del")))
                pieces.append((split, e, style.char_format(ann, hands, "add")))
            else:
                pieces.append((s, e, style.char_format(ann, hands)))
        bounds = sorted({b for s, e, _ in pieces for b in (s, e)})
        astral = any(ord(c) > 0xFFFF for c in text) if pane.pmap.astral else False
        for lo, hi in zip(bounds, bounds[1:]):
            covering = [f for s, e, f in pieces if s <= lo and e >= hi and e > s]
            if not covering:
                continue
            fmt = covering[0]
            if len(covering) > 1:
                fmt = type(fmt)(fmt)
                for other in covering[1:]:
                    fmt.merge(other)
            if astral:
                u_lo = len(text[:lo].encode("utf-16-le")) // 2
                u_hi = len(text[:hi].encode("utf-16-le")) // 2
            else:
                u_lo, u_hi = lo, hi
            self.setFormat(u_lo, u_hi - u_lo, fmt)


class WitnessEdit(QPlainTextEdit):
    """The text widget; paints markers over the text and shows notes on hover."""

    def __init__(self, pane: "WitnessPane"):
        super().__init__(pane)
        self.pane = pane
        self.setFont(style.text_font())
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        self.document().setUndoRedoEnabled(False)   # the edition's QUndoStack does undo
        self.document().setDocumentMargin(14)

    # Let the window's Undo/Redo actions have these keys, not the widget.
    def event(self, event):
        if event.type() == QEvent.Type.ShortcutOverride:
            if event.matches(QKeySequence.StandardKey.Undo) or \
                    event.matches(QKeySequence.StandardKey.Redo) or \
                    event.keyCombination().toCombined() in _UNDO_KEYS:
                event.ignore()
                return True
        if event.type() == QEvent.Type.ToolTip:
            self.pane.show_tooltip(event.pos(), event.globalPos())
            return True
        return super().event(event)

    def insertFromMimeData(self, source) -> None:  # noqa: N802 - Qt's name
        """Paste plain text only (formatting has no place in a transcription)."""
        if source.hasText():
            self.textCursor().insertText(source.text())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        try:
            self.pane.paint_overlay(painter, event.rect())
        finally:
            painter.end()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().mouseReleaseEvent(event)
        self.pane.clicked.emit(self.pane)


class WitnessPane(QWidget):
    """One witness: a title bar with a witness selector, and the text."""

    #: the user chose another witness in this pane: (pane, witness id)
    witnessChosen = Signal(object, str)
    #: the cursor or selection moved: (pane)
    cursorMoved = Signal(object)
    clicked = Signal(object)
    scrolled = Signal(object)

    def __init__(self, document, options: ViewOptions | None = None, parent=None):
        super().__init__(parent)
        self.doc = document
        self.options = options or ViewOptions()
        self.witness_id = ""
        self.pmap = PositionMap("")
        self.index: WitnessIndex | None = None
        self.hand_order: list[str] = []
        self._applying = False
        self.differences: list[tuple[int, int]] = []     # ranges of this side that differ
        self.counterpart: tuple[int, int] | None = None  # highlighted range (other pane's click)
        self.current: Annotation | None = None           # the annotation shown in the inspector
        self.user_id_provider = lambda: ""

        self.title = QLabel()
        self.title.setObjectName("paneTitle")
        self.chooser = QComboBox()
        self.chooser.setToolTip("Which version this pane shows")
        self.chooser.activated.connect(self._chosen)
        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 2)
        top.addWidget(self.title, 1)
        top.addWidget(self.chooser)
        self.editor = WitnessEdit(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)

        # our slot must run before the highlighter's, so connect first
        self.editor.document().contentsChange.connect(self._contents_changed)
        self.highlighter = AnnotationHighlighter(self)
        self.editor.cursorPositionChanged.connect(lambda: self.cursorMoved.emit(self))
        self.editor.selectionChanged.connect(lambda: self.cursorMoved.emit(self))
        self.editor.verticalScrollBar().valueChanged.connect(lambda _v: self.scrolled.emit(self))
        document.textApplied.connect(self._text_applied)
        document.changed.connect(self._model_changed)
        document.reset.connect(self._reset)

    # -- showing a witness -----------------------------------------------------------
    @property
    def edition(self):
        return self.doc.edition

    def set_witness(self, witness_id: str) -> None:
        self.witness_id = witness_id
        self._reset()

    def _reset(self) -> None:
        edition = self.edition
        if self.witness_id not in edition.witnesses:
            self.witness_id = next(iter(edition.witnesses), "")
        self._fill_chooser()
        witness = edition.witnesses.get(self.witness_id)
        text = witness.text if witness else ""
        self.hand_order = list(edition.hands)
        self.current = None
        self.counterpart = None
        self.differences = []
        self.index = WitnessIndex(self.witness_id, edition.annotations.values())
        self._update_title()
        self.pmap = PositionMap(text)
        self._applying = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._applying = False
        self.editor.setReadOnly(self.doc.read_only or witness is None)

    def _fill_chooser(self) -> None:
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for w in self.edition.witnesses.values():
            self.chooser.addItem(w.label or w.id, w.id)
        self.chooser.setCurrentIndex(max(0, self.chooser.findData(self.witness_id)))
        self.chooser.blockSignals(False)

    def _update_title(self) -> None:
        witness = self.edition.witnesses.get(self.witness_id)
        if witness is None:
            self.title.setText("")
            return
        count = len(self.index) if self.index is not None else 0
        self.title.setText(f"<span style='color:#555'>{escape(witness.kind)} version · "
                           f"{count} mark{'s' if count != 1 else ''}</span>")

    def _chosen(self, row: int) -> None:
        wid = self.chooser.itemData(row)
        if wid and wid != self.witness_id:
            self.set_witness(wid)
            self.witnessChosen.emit(self, wid)

    def refresh_all(self) -> None:
        """Redraw every annotation (after options or hands changed)."""
        self.hand_order = list(self.edition.hands)
        self.highlighter.rehighlight()
        self.editor.viewport().update()

    # -- positions ---------------------------------------------------------------------
    def selection(self) -> tuple[int, int]:
        cursor = self.editor.textCursor()
        return (self.pmap.to_model(cursor.selectionStart()),
                self.pmap.to_model(cursor.selectionEnd()))

    def cursor_position(self) -> int:
        return self.pmap.to_model(self.editor.textCursor().position())

    def select_range(self, start: int, end: int, center: bool = True) -> None:
        """Select ``[start, end)`` (code points) and bring it into view."""
        cursor = QTextCursor(self.editor.document())
        length = self.editor.document().characterCount() - 1
        cursor.setPosition(min(self.pmap.to_qt(start), length))
        cursor.setPosition(min(self.pmap.to_qt(end), length), QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        if center:
            self.editor.centerCursor()
        else:
            self.editor.ensureCursorVisible()

    def top_position(self) -> int:
        """Model position of the first character visible at the top of the pane."""
        cursor = self.editor.cursorForPosition(QPoint(2, 2))
        return self.pmap.to_model(cursor.position())

    def scroll_to_position(self, position: int, y_offset: int = 0) -> None:
        """Scroll so that ``position`` appears ``y_offset`` pixels below the top."""
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(min(self.pmap.to_qt(position),
                               self.editor.document().characterCount() - 1))
        rect = self.editor.cursorRect(cursor)
        bar = self.editor.verticalScrollBar()
        # QPlainTextEdit scrolls by lines (blocks); step until the position is near the top
        block = cursor.block()
        line = block.layout().lineForTextPosition(cursor.positionInBlock())
        first_line = block.firstLineNumber() + (line.lineNumber() if line.isValid() else 0)
        bar.setValue(max(0, first_line - max(0, y_offset // max(1, rect.height()))))

    def annotations_at(self, position: int) -> list[Annotation]:
        """Shown annotations touching the cursor at ``position`` (either side of it)."""
        if self.index is None:
            return []
        return [a for a in self.index.overlapping(max(0, position - 1), position + 1)
                if a.start <= position <= a.end and self.options.shows(a)]

    # -- edits from the user ----------------------------------------------------------------
    def _contents_changed(self, pos: int, removed: int, added: int) -> None:
        if self._applying or not self.witness_id:
            return
        witness = self.edition.witnesses[self.witness_id]
        old_text = witness.text
        start = self.pmap.to_model(pos)
        end = min(self.pmap.to_model(pos + removed), len(old_text))
        cursor = QTextCursor(self.editor.document())
        doc_len = self.editor.document().characterCount() - 1
        cursor.setPosition(min(pos, doc_len))
        cursor.setPosition(min(pos + added, doc_len), QTextCursor.MoveMode.KeepAnchor)
        new = qt_text_to_model(cursor.selectedText())
        old = old_text[start:end]
        if old == new:
            return   # a format-only change (Qt reports those too)
        # Qt sometimes reports a larger range than what changed: keep only the difference
        prefix = 0
        limit = min(len(old), len(new))
        while prefix < limit and old[prefix] == new[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
            suffix += 1
        start, end = start + prefix, end - suffix
        new = new[prefix:len(new) - suffix]
        from editor.model import operations as ops
        change = ops.edit_text(self.edition, self.witness_id, start, end, new,
                               who=self.user_id_provider(), description="Typing")
        self.pmap.replace(start, end, new)
        if self.index is not None and change.after:
            annotations = self.edition.annotations
            self.index.note_lengths(annotations[i] for i in change.after if i in annotations)
        self.doc.push(change, origin=self, typing=True)

    # -- edits from elsewhere ------------------------------------------------------------------
    def _text_applied(self, applied, origin) -> None:
        if applied.witness != self.witness_id or origin is self:
            return
        cursor = QTextCursor(self.editor.document())
        qt_start = self.pmap.to_qt(applied.start)
        qt_end = self.pmap.to_qt(applied.start + len(applied.old))
        self.pmap.replace(applied.start, applied.start + len(applied.old), applied.new)
        self._applying = True
        try:
            cursor.setPosition(qt_start)
            cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(applied.new)
        finally:
            self._applying = False

    def _model_changed(self, change, undo: bool, origin) -> None:
        """Restyle the blocks whose annotations changed (and only those)."""
        if not self.witness_id:
            return
        if change.header_changed:
            if self.witness_id not in self.edition.witnesses:
                self._reset()
                return
            self.hand_order = list(self.edition.hands)
            self._fill_chooser()
            self._update_title()
        # Typing in a pane only shifts positions, which keeps the index's order; anything
        # else (marking, deleting, undo, redo, re-anchoring) may move annotations out of it.
        typed_here = isinstance(origin, WitnessPane) and not undo
        if change.annotation_ids and not typed_here:
            self.index.update(change.annotation_ids, self.edition.annotations)
            self._update_title()
        ranges = []
        for snapshots in (change.before, change.after):
            for ann in snapshots.values():
                if ann is not None and ann.witness == self.witness_id:
                    ranges.append((ann.start, ann.end))
        for aid in change.annotation_ids:
            ann = self.edition.annotations.get(aid)
            if ann is not None and ann.witness == self.witness_id:
                ranges.append((ann.start, ann.end))
        if change.header_changed:
            self.highlighter.rehighlight()
        else:
            self.rehighlight_ranges(ranges)
        self.editor.viewport().update()

    def rehighlight_ranges(self, ranges) -> None:
        document = self.editor.document()
        length = document.characterCount()
        done = set()
        for start, end in ranges:
            block = document.findBlock(min(self.pmap.to_qt(start), length - 1))
            last = document.findBlock(min(self.pmap.to_qt(end), length - 1))
            while block.isValid():
                if block.blockNumber() not in done:
                    done.add(block.blockNumber())
                    self.highlighter.rehighlightBlock(block)
                if block == last:
                    break
                block = block.next()

    # -- painting --------------------------------------------------------------------------------
    def _rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles covering ``[start, end)`` (code points), line by line."""
        edit = self.editor
        document = edit.document()
        length = document.characterCount() - 1
        q0, q1 = min(self.pmap.to_qt(start), length), min(self.pmap.to_qt(end), length)
        rects = []
        block = document.findBlock(q0)
        offset = edit.contentOffset()
        while block.isValid() and block.position() <= q1:
            geometry = edit.blockBoundingGeometry(block).translated(offset)
            layout = block.layout()
            b0 = max(q0, block.position()) - block.position()
            b1 = min(q1, block.position() + block.length() - 1) - block.position()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                l0, l1 = line.textStart(), line.textStart() + line.textLength()
                s, e = max(b0, l0), min(b1, l1)
                if s > e or (s == e and b0 != b1):
                    continue
                x0 = line.cursorToX(s)[0]
                x1 = line.cursorToX(e)[0]
                rects.append(QRectF(geometry.left() + x0, geometry.top() + line.y(),
                                    max(x1 - x0, 1.0), line.height()))
            block = block.next()
        return rects

    def _visible_range(self) -> tuple[int, int]:
        edit = self.editor
        top = edit.cursorForPosition(QPoint(0, 0)).position()
        bottom = edit.cursorForPosition(QPoint(edit.viewport().width(),
                                               edit.viewport().height())).position()
        return self.pmap.to_model(top), self.pmap.to_model(bottom) + 1

    def paint_overlay(self, painter: QPainter, clip: QRect) -> None:
        if not self.witness_id or self.index is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        vis_start, vis_end = self._visible_range()
        if self.options.show_differences and self.differences:
            first = max(0, bisect.bisect_left(self.differences, (vis_start, -1)) - 1)
            for start, end in self.differences[first:]:
                if start > vis_end:
                    break
                if end < vis_start:
                    continue
                if start == end:
                    for rect in self._rects(start, start):
                        painter.fillRect(QRectF(rect.left() - 2, rect.top(), 4, rect.height()),
                                         style.DIFF_FILL.darker(130))
                    continue
                for rect in self._rects(start, end):
                    painter.fillRect(rect, style.DIFF_FILL)
        if self.counterpart is not None:
            start, end = self.counterpart
            for rect in self._rects(start, max(end, start)):
                painter.fillRect(rect.adjusted(-1, 0, 1, 0) if end > start else
                                 QRectF(rect.left() - 2, rect.top(), 4, rect.height()),
                                 style.COUNTERPART_FILL)
        marker_font = QFont(self.editor.font())
        marker_font.setPointSizeF(max(6.0, marker_font.pointSizeF() * 0.62))
        marker_font.setBold(True)
        painter.setFont(marker_font)
        note_number = 0
        for ann in self.index.overlapping(vis_start, vis_end):
            if not self.options.shows(ann):
                continue
            if ann.anchoring is not None and ann.anchoring.state == "orphaned":
                continue
            self._paint_marker(painter, ann)
        if self.current is not None and self.current.witness == self.witness_id:
            pen = QPen(style.CURRENT_OUTLINE, 1.2, Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in self._rects(self.current.start, self.current.end):
                painter.drawRoundedRect(rect.adjusted(-2, 0, 2, 0), 3, 3)
        del note_number

    def _paint_marker(self, painter: QPainter, ann: Annotation) -> None:
        kind = ann.kind
        colour = style.marker_pen_colour(kind)
        if kind in ("addition", "substitution"):
            start = ann.start
            if kind == "substitution":
                try:
                    start = ann.start + int(ann.attrs.get("split", "0"))
                except ValueError:
                    pass
            rects = self._rects(start, start)
            if rects:
                r = rects[0]
                colour = style.hand_colour(ann.attrs.get("hand", ""), self.hand_order)
                painter.setPen(QPen(colour, 1.4))
                x, y = r.left(), r.bottom() - 1
                path = QPainterPath(QPointF(x - 3.5, y))
                path.lineTo(QPointF(x, y - 6))
                path.lineTo(QPointF(x + 3.5, y))
                painter.drawPath(path)
            return
        if kind == "supplied":
            rects = self._rects(ann.start, ann.end)
            if rects:
                painter.setPen(QPen(colour, 1.2))
                first, last = rects[0], rects[-1]
                self._bracket(painter, first.left() - 1, first.top() + 2, first.bottom() - 2, -1)
                self._bracket(painter, last.right() + 1, last.top() + 2, last.bottom() - 2, 1)
            return
        if ann.start == ann.end:   # point markers: note, gap, variant, remark
            rects = self._rects(ann.start, ann.start)
            if not rects:
                return
            r = rects[0]
            symbol = {"note": "✱", "gap": "⟨…⟩", "variant": "≈", "remark": "¶"}.get(kind, "•")
            metrics = painter.fontMetrics()
            width = metrics.horizontalAdvance(symbol) + 4
            box = QRectF(r.left() - width / 2, r.top() - 2, width, metrics.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 210))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QPen(colour))
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), symbol)

    @staticmethod
    def _bracket(painter: QPainter, x: float, top: float, bottom: float, side: int) -> None:
        arm = 3.0 * side
        path = QPainterPath(QPointF(x - arm, top))
        path.lineTo(QPointF(x - arm * 0.2, top))
        path.lineTo(QPointF(x - arm * 0.2, bottom))
        path.lineTo(QPointF(x - arm, bottom))
        painter.drawPath(path)

    # -- tooltips ----------------------------------------------------------------------------
    def show_tooltip(self, pos: QPoint, global_pos: QPoint) -> None:
        cursor = self.editor.cursorForPosition(pos)
        position = self.pmap.to_model(cursor.position())
        found = [a for a in self.index.overlapping(max(0, position - 1), position + 1)
                 if self.options.shows(a)] if self.index else []
        if not found:
            QToolTip.hideText()
            return
        lines = []
        for ann in found[:6]:
            label = spec(ann.kind).label
            detail = []
            hand = ann.attrs.get("hand")
            if hand:
                detail.append(self.edition.hand_label(hand))
            if ann.attrs.get("place"):
                detail.append(ann.attrs["place"])
            head = f"<b>{escape(label)}</b>" + (f" ({escape(', '.join(detail))})" if detail else "")
            if ann.note:
                head += f": {escape(ann.note[:400])}"
            if ann.status != "proposed":
                head += f" <i>[{ann.status}]</i>"
            lines.append(head)
        QToolTip.showText(global_pos, "<br>".join(lines), self.editor)


