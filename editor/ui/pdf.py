"""PDF editions through Qt's printing: one version, or two side by side.

The page is built as a ``QTextDocument`` with the very character formats the editor uses
(:func:`editor.ui.style.char_format`), so a printed edition shows the same conventions:
additions raised in their hand's colour, deletions struck through, supplied words in
brackets, ``sic`` wavy, notes as numbered calls with the notes listed at the end.  Side by
side, each row pairs a paragraph of the first version with the passage of the second that
the word alignment puts against it.
"""

from __future__ import annotations

import os
import tempfile

from editor.errors import VariorumError
from editor.model.edition import Edition
from editor.model.text import paragraph_starts


def _ensure_app():
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["variorum"])
    return app


def _paragraph_ranges(text: str) -> list[tuple[int, int]]:
    starts = paragraph_starts(text)
    ranges = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 2 if i + 1 < len(starts) else len(text)
        ranges.append((start, end))
    return ranges


def _write_passage(cursor, edition: Edition, witness_id: str, start: int, end: int,
                   notes: list[str], hands: list[str]) -> None:
    """Insert ``[start, end)`` of a witness with its annotations' formats and note calls."""
    from PySide6.QtGui import QTextCharFormat

    from editor.ui import style
    text = edition.witnesses[witness_id].text
    anns = [a for a in edition.annotations_of(witness_id)
            if a.status != "rejected" and a.end >= start and a.start <= end
            and not (a.anchoring is not None and a.anchoring.state == "orphaned")]
    bounds = {start, end}
    for a in anns:
        for b in (a.start, a.end):
            if start <= b <= end:
                bounds.add(b)
        if a.kind == "substitution" and "split" in a.attrs:
            try:
                bounds.add(min(max(a.start + int(a.attrs["split"]), start), end))
            except ValueError:
                pass
    points = sorted(bounds)
    base = QTextCharFormat()
    for lo, hi in zip(points, points[1:] + [None]):
        # notes and other point marks sitting at ``lo``
        for a in anns:
            if a.start == a.end == lo and a.kind in ("note", "gap", "remark", "variant"):
                call = QTextCharFormat()
                call.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
                if a.kind == "note" or a.note:
                    notes.append(f"{a.note}" if a.kind == "note" else
                                 f"{a.kind}: {a.note}")
                    cursor.insertText(f"{len(notes)}", call)
                elif a.kind == "gap":
                    cursor.insertText("⟨…⟩", call)
            if a.kind == "supplied" and a.start == lo and a.end > a.start:
                cursor.insertText("[", base)
        if hi is None:
            break
        covering = [a for a in anns if a.start <= lo and a.end >= hi and a.end > a.start]
        fmt = QTextCharFormat()
        for a in covering:
            part = ""
            if a.kind == "substitution":
                try:
                    part = "del" if lo < a.start + int(a.attrs.get("split", "0")) else "add"
                except ValueError:
                    part = "add"
            fmt.merge(style.char_format(a, hands, part))
        cursor.insertText(text[lo:hi].replace("\n", "\u2028"), fmt)
        for a in anns:
            if a.kind == "supplied" and a.end == hi and a.end > a.start:
                cursor.insertText("]", base)
            if a.kind != "note" and a.note and a.end == hi and a.end > a.start:
                notes.append(f"{a.kind}: {a.note}")
                call = QTextCharFormat()
                call.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
                cursor.insertText(f"{len(notes)}", call)
            elif a.kind == "note" and a.end == hi and a.end > a.start:
                notes.append(a.note)
                call = QTextCharFormat()
                call.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
                cursor.insertText(f"{len(notes)}", call)


def build_document(edition: Edition, witnesses: list[str]):
    """The ``QTextDocument`` of the printed edition (one or two witnesses)."""
    from PySide6.QtGui import (QFont, QTextBlockFormat, QTextCharFormat, QTextCursor,
                               QTextDocument, QTextLength, QTextTableFormat)

    from editor.align.alignment import Alignment
    from editor.ui import style
    document = QTextDocument()
    document.setDefaultFont(style.text_font(10))
    cursor = QTextCursor(document)
    md = edition.metadata
    title_fmt = QTextCharFormat()
    title_fmt.setFontPointSize(15)
    title_fmt.setFontWeight(QFont.Weight.Bold)
    cursor.insertText(md.title or "Untitled edition", title_fmt)
    details = [x for x in (md.date_text or md.date, md.classification, md.source,
                           f"Translated by {md.translator}" if md.translator else "") if x]
    if details:
        cursor.insertBlock()
        grey = QTextCharFormat()
        grey.setForeground(style.QColor("#555555"))
        cursor.insertText(" · ".join(details), grey)
    cursor.insertBlock(QTextBlockFormat())
    hands = list(edition.hands)
    notes: list[str] = []
    if len(witnesses) == 1:
        wid = witnesses[0]
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        cursor.insertText(edition.witnesses[wid].label, heading)
        for start, end in _paragraph_ranges(edition.witnesses[wid].text):
            cursor.insertBlock()
            _write_passage(cursor, edition, wid, start, end, notes, hands)
    else:
        a_id, b_id = witnesses[:2]
        a_text, b_text = edition.witnesses[a_id].text, edition.witnesses[b_id].text
        alignment = Alignment.of(a_id, a_text, b_id, b_text)
        a_paras = _paragraph_ranges(a_text)
        b_cuts = [0]
        for start, _end in a_paras[1:]:
            b_cuts.append(max(b_cuts[-1], alignment.counterpart("a", start, start)[0]))
        b_cuts.append(len(b_text))
        table_format = QTextTableFormat()
        table_format.setCellPadding(4)
        table_format.setCellSpacing(0)
        table_format.setBorder(0)
        table_format.setHeaderRowCount(1)
        table_format.setColumnWidthConstraints([QTextLength(QTextLength.Type.PercentageLength, 50)] * 2)
        table = cursor.insertTable(len(a_paras) + 1, 2, table_format)
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        table.cellAt(0, 0).firstCursorPosition().insertText(edition.witnesses[a_id].label, heading)
        table.cellAt(0, 1).firstCursorPosition().insertText(edition.witnesses[b_id].label, heading)
        for row, (start, end) in enumerate(a_paras, start=1):
            _write_passage(table.cellAt(row, 0).firstCursorPosition(), edition, a_id, start, end,
                           notes, hands)
            b_start, b_end = b_cuts[row - 1], b_cuts[row]
            while b_end > b_start and b_text[b_end - 1] == "\n":
                b_end -= 1
            while b_start < b_end and b_text[b_start] == "\n":
                b_start += 1
            _write_passage(table.cellAt(row, 1).firstCursorPosition(), edition, b_id, b_start,
                           b_end, notes, hands)
        cursor.movePosition(QTextCursor.MoveOperation.End)
    if notes:
        cursor.insertBlock()
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        cursor.insertText("Notes", heading)
        for n, note in enumerate(notes, start=1):
            cursor.insertBlock()
            cursor.insertText(f"{n}. {note}", QTextCharFormat())
    return document


def export_pdf(edition: Edition, options) -> bytes:
    """Registry entry: the PDF of one witness (``options.witness``) or of the first two
    witnesses side by side (``options.witnesses`` chooses them)."""
    if not edition.witnesses:
        raise VariorumError("the edition has no witness to print")
    if options.witness:
        witnesses = [options.witness]
    else:
        witnesses = [w for w in (options.witnesses or list(edition.witnesses))
                     if w in edition.witnesses][:2] or list(edition.witnesses)[:1]
    _ensure_app()
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter
    document = build_document(edition, witnesses)
    handle, path = tempfile.mkstemp(suffix=".pdf")
    os.close(handle)
    try:
        writer = QPdfWriter(path)
        writer.setTitle(edition.metadata.title or "Variorum edition")
        writer.setCreator("Variorum")
        layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                             QPageLayout.Orientation.Landscape if len(witnesses) > 1
                             else QPageLayout.Orientation.Portrait,
                             QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
        writer.setPageLayout(layout)
        document.print_(writer)
        del writer
        with open(path, "rb") as handle:
            data = handle.read()
    finally:
        os.unlink(path)
    if not data.startswith(b"%PDF"):
        raise VariorumError("Qt did not produce a PDF")
    return data
