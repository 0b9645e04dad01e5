"""The editor window, driven like a user would: select, mark by shortcut, inspect, type,
undo, redo, save, reopen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from editor.formats import native
from editor.model.kinds import KINDS
from editor.ui.main_window import KIND_SHORTCUTS
from tests.conftest import SEED_EDITION, build_sample_edition
from tests.window_helpers import find, select, shortcut


@pytest.fixture()
def sample_path(tmp_path):
    path = tmp_path / "sample.variorum.xml"
    native.save(build_sample_edition(), path)
    return path


def pane_matches_model(pane) -> bool:
    return pane.editor.toPlainText() == pane.edition.witnesses[pane.witness_id].text


def test_seed_edition_opens_side_by_side(make_window):
    if not SEED_EDITION.exists():
        pytest.fail(f"the seed's edition is missing: {SEED_EDITION}")
    window = make_window(SEED_EDITION)
    left, right = window.panes[0], window.panes[1]
    assert (left.witness_id, right.witness_id) == ("typed", "handwritten")
    assert pane_matches_model(left) and pane_matches_model(right)
    assert "absolutely" in right.editor.toPlainText()
    assert "absolutely" not in left.editor.toPlainText()
    # the alignment marks the differing words on both sides
    assert window.aligner.alignment is not None
    diffs = [right.edition.witnesses["handwritten"].text[s:e] for s, e in right.differences]
    assert any("absolutely" in d for d in diffs)
    assert window.annotation_list.model.rowCount() == len(window.doc.edition.annotations)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "remark"])
def test_mark_each_kind_by_shortcut_then_undo_and_redo(make_window, sample_path, kind):
    window = make_window(sample_path)
    pane = window.panes[0]
    edition = window.doc.edition
    before = set(edition.annotations)
    start, end = find(pane, "conversation")
    select(pane, start, end)
    shortcut(pane.editor, KIND_SHORTCUTS[kind])
    new = set(edition.annotations) - before
    assert len(new) == 1, f"{KIND_SHORTCUTS[kind]} did not mark a {kind}"
    ann = edition.annotations[new.pop()]
    assert (ann.kind, ann.witness, ann.start, ann.end) == (kind, "typed", start, end)
    assert edition.person_name(ann.resp) == "Jane Doe"      # the user is recorded
    assert window.inspector.annotation is ann
    shortcut(pane.editor, "Ctrl+Z")
    assert ann.id not in edition.annotations
    shortcut(pane.editor, "Ctrl+Shift+Z")
    assert edition.annotations[ann.id].kind == kind


def test_point_note_and_refusal_without_selection(make_window, sample_path):
    window = make_window(sample_path)
    pane = window.panes[0]
    edition = window.doc.edition
    start, _ = find(pane, "We said")
    select(pane, start, start)
    count = len(edition.annotations)
    shortcut(pane.editor, KIND_SHORTCUTS["deletion"])       # a deletion needs words
    assert len(edition.annotations) == count
    assert "Select the words" in window.statusBar().currentMessage()
    shortcut(pane.editor, KIND_SHORTCUTS["note"])           # a note may sit at a point
    assert len(edition.annotations) == count + 1
    note = window.inspector.annotation
    assert note.kind == "note" and note.start == note.end == start


def test_inspector_edits_are_undoable(make_window, sample_path):
    window = make_window(sample_path)
    edition = window.doc.edition
    ann = next(a for a in edition.annotations.values() if a.kind == "addition")
    window.go_to_annotation(ann.id)
    inspector = window.inspector
    assert inspector.annotation is ann
    # hand: choose the second hand from the combo
    inspector.hand.setCurrentIndex(inspector.hand.findData("hand-2"))
    inspector.hand.activated.emit(inspector.hand.currentIndex())
    assert ann.attrs["hand"] == "hand-2"
    # place: type in the editable combo
    inspector.place.setCurrentText("margin")
    inspector.place.lineEdit().editingFinished.emit()
    assert ann.attrs["place"] == "margin"
    # certainty and note text
    inspector.cert.setCurrentIndex(inspector.cert.findData("low"))
    inspector.cert.activated.emit(inspector.cert.currentIndex())
    inspector.note.setPlainText("Pencil, faint.")
    inspector.note.committed.emit()
    assert (ann.cert, ann.note) == ("low", "Pencil, faint.")
    stack = window.doc.undo_stack
    for expected in [("hand-2", "margin", "low", ""), ("hand-2", "margin", "", ""),
                     ("hand-2", None, "", ""), ("hand-1", None, "", "")]:
        stack.undo()
        assert (ann.attrs.get("hand"), ann.attrs.get("place"), ann.cert, ann.note) == expected
    for _ in range(4):
        stack.redo()
    assert (ann.attrs["hand"], ann.attrs["place"], ann.cert, ann.note) == \
        ("hand-2", "margin", "low", "Pencil, faint.")


def test_declaring_a_new_hand_from_the_inspector(make_window, sample_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog
    window = make_window(sample_path)
    edition = window.doc.edition
    ann = next(a for a in edition.annotations.values() if a.kind == "sic")
    window.go_to_annotation(ann.id)
    ann = next(a for a in edition.annotations.values() if a.kind == "addition")
    window.go_to_annotation(ann.id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Mikoyan, blue pencil", True))
    window.inspector.declare_hand()
    hand = edition.hands[ann.attrs["hand"]]
    assert hand.label == "Mikoyan, blue pencil"
    window.doc.undo_stack.undo()                 # one step: the hand and its use
    assert hand.id not in edition.hands and ann.attrs["hand"] == "hand-1"


def test_typing_inside_and_around_marks(make_window, sample_path):
    window = make_window(sample_path)
    pane = window.panes[0]
    edition = window.doc.edition
    sic = next(a for a in edition.annotations.values() if a.kind == "sic")   # "August"
    original = edition.witnesses["typed"].text
    # inside: the mark grows
    select(pane, sic.start + 3, sic.start + 3)
    QTest.keyClicks(pane.editor, "XY")
    assert edition.quote(sic) == "AugXYust"
    # at the start edge: it does not
    select(pane, sic.start, sic.start)
    QTest.keyClicks(pane.editor, "Q")
    assert edition.quote(sic) == "AugXYust"
    # at the end edge: it does not
    select(pane, sic.end, sic.end)
    QTest.keyClicks(pane.editor, "Z")
    assert edition.quote(sic) == "AugXYust"
    assert pane_matches_model(pane)
    # deleting text before the mark shifts it, words intact
    start, end = find(pane, "A conversation ")
    select(pane, start, end)
    QTest.keyClick(pane.editor, Qt.Key.Key_Delete)
    assert edition.quote(sic) == "AugXYust" and pane_matches_model(pane)
    # typing beside the astral character keeps positions straight
    i = edition.witnesses["typed"].text.index("𝔄") + 1
    select(pane, i, i)
    QTest.keyClicks(pane.editor, "!")
    assert "𝔄! Kim" in edition.witnesses["typed"].text and pane_matches_model(pane)
    # undo everything, step by step
    while window.doc.undo_stack.canUndo():
        window.doc.undo_stack.undo()
    assert edition.witnesses["typed"].text == original
    assert edition.quote(sic) == "August" and pane_matches_model(pane)
    while window.doc.undo_stack.canRedo():
        window.doc.undo_stack.redo()
    assert edition.quote(sic) == "AugXYust" and pane_matches_model(pane)


def test_typing_merges_into_word_steps(make_window, sample_path):
    window = make_window(sample_path)
    pane = window.panes[1]
    start, _ = find(pane, "We said")
    select(pane, start, start)
    QTest.keyClicks(pane.editor, "Then we ")
    # "Then " and "we " are two steps, not eight
    assert window.doc.undo_stack.count() == 2
    window.doc.undo_stack.undo()
    window.doc.undo_stack.undo()
    assert pane_matches_model(pane) and "Then" not in pane.editor.toPlainText()


def test_deleting_a_marked_passage_orphans_the_mark_and_undo_restores_it(make_window,
                                                                        sample_path):
    window = make_window(sample_path)
    pane = window.panes[0]
    edition = window.doc.edition
    sic = next(a for a in edition.annotations.values() if a.kind == "sic")
    select(pane, sic.start - 1, sic.end)
    QTest.keyClick(pane.editor, Qt.Key.Key_Backspace)
    assert sic.status == "orphaned" and sic.anchoring.quote == "August"
    assert sic.id in edition.annotations                       # never dropped
    window.doc.undo_stack.undo()
    assert sic.status == "proposed" and edition.quote(sic) == "August"


def test_save_then_reopen_gives_the_same_edition(make_window, sample_path, tmp_path):
    window = make_window(sample_path)
    pane = window.panes[0]
    start, end = find(pane, "lasted")
    select(pane, start, end)
    shortcut(pane.editor, KIND_SHORTCUTS["unclear"])
    select(pane, start, start)
    QTest.keyClicks(pane.editor, "had ")
    assert window.isWindowModified()
    target = tmp_path / "saved.variorum.xml"
    assert window.save_to(str(target), new_name=True)
    assert not window.isWindowModified()
    assert window.doc.path == str(target)
    again = make_window(target)
    assert again.doc.edition == window.doc.edition


def test_corrupt_file_keeps_what_is_open(make_window, sample_path, tmp_path):
    window = make_window(sample_path)
    before = window.doc.edition
    for name, data in [("broken.xml", b"<TEI><teiHeader>"), ("empty.xml", b""),
                       ("binary.xml", b"\x89PNG\r\n\x1a\n\x00\x00"),
                       ("foreign.xml", b"<html><body>hi</body></html>")]:
        bad = tmp_path / name
        bad.write_bytes(data)
        window.last_error = None
        assert not window.open_path(str(bad), confirm=False)
        assert window.doc.edition is before
        assert window.last_error is not None and name in window.last_error[0]


def test_unsaved_changes_are_asked_about_on_close(make_window, sample_path):
    from PySide6.QtWidgets import QMessageBox
    window = make_window(sample_path, answers=[QMessageBox.StandardButton.Cancel])
    pane = window.panes[0]
    select(pane, 0, 0)
    QTest.keyClicks(pane.editor, "X")
    assert not window.close()                 # cancelled: the window stays
    assert window.asked and "Save the changes" in window.asked[0]


def test_find_and_replace_all_is_one_undo_step(make_window, sample_path):
    window = make_window(sample_path)
    bar = window.find_bar
    bar.open(replace=True)
    bar.find_field.setText(r"Ma\w")
    bar.regex.setChecked(True)
    assert bar.find(1)
    pane = window.active_pane()
    start, end = pane.selection()
    assert pane.edition.witnesses[pane.witness_id].text[start:end] == "Mao"
    bar.replace_field.setText("MAO")
    bar.replace_all()
    edition = window.doc.edition
    assert "MAO" in edition.witnesses["typed"].text and "MAO" in edition.witnesses["handwritten"].text
    window.doc.undo_stack.undo()
    assert "MAO" not in edition.witnesses["typed"].text
    assert all(pane_matches_model(p) for p in window.panes)


def test_metadata_dialog_change_is_undoable(make_window, sample_path):
    from editor.ui.metadata_dialog import MetadataDialog
    window = make_window(sample_path)
    dialog = MetadataDialog(window.doc.edition, window)
    dialog.fields["title"].setText("Telegram, corrected")
    dialog.witness_table.item(1, 1).setText("Draft")
    from editor.model import operations as ops
    window.doc.push(ops.update_header(window.doc.edition, dialog.apply_to))
    assert window.doc.edition.metadata.title == "Telegram, corrected"
    assert window.panes[1].chooser.currentText() == "Draft"
    window.doc.undo_stack.undo()
    assert window.doc.edition.metadata.title == "Window test"
    assert window.panes[1].chooser.currentText() == "Handwritten"


def test_clicking_a_word_highlights_its_counterpart(make_window, sample_path):
    window = make_window(sample_path)
    left, right = window.panes
    start, end = find(left, "Agreeing")
    select(left, start + 2, start + 2)
    window._pane_clicked(left)
    cs, ce = right.counterpart
    assert right.edition.witnesses["handwritten"].text[cs:ce] == "Agreeing"
    # a word the other version reads differently points at that reading
    start, end = find(left, "this")
    select(left, start, end)
    window._pane_clicked(left)
    cs, ce = right.counterpart
    assert right.edition.witnesses["handwritten"].text[cs:ce] == "the issue we raised"


def test_choosing_other_witnesses_and_a_third_pane(make_window, sample_path):
    window = make_window(sample_path)
    left = window.panes[0]
    left.chooser.setCurrentIndex(left.chooser.findData("handwritten"))
    left.chooser.activated.emit(left.chooser.currentIndex())
    assert left.witness_id == "handwritten" and pane_matches_model(left)
    window.act_third.setChecked(True)
    assert len(window.panes) == 3


def test_every_kind_has_a_shortcut_listed_in_the_readme():
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind, keys in KIND_SHORTCUTS.items():
        assert kind in KINDS
        assert keys in readme, f"README does not list {keys} for {kind}"


def test_no_two_actions_share_a_shortcut(make_window, sample_path):
    """Qt silently ignores an ambiguous shortcut, so every key must belong to one action
    (actions of one context group, such as review-mode letters, are checked together)."""
    from PySide6.QtGui import QAction
    window = make_window(sample_path)
    seen = {}
    for action in window.findChildren(QAction):
        if action.shortcutContext() != Qt.ShortcutContext.WindowShortcut:
            continue
        for key in action.shortcuts():
            text = key.toString()
            if not text:
                continue
            assert text not in seen or seen[text] is action, \
                f"{text} is both {seen[text].text()!r} and {action.text()!r}"
            seen[text] = action


def test_panes_scroll_together_keeping_aligned_passages_level(make_window):
    window = make_window(SEED_EDITION)
    window.resize(1400, 700)
    left, right = window.panes
    alignment = window.aligner.alignment
    text = left.edition.witnesses["typed"].text
    target = text.index("Mao Zedong agreed with our proposal")
    left.scroll_to_position(target)
    window._sync_from(left)
    top_left = left.top_position()
    expected, _ = alignment.counterpart("a", top_left, top_left)
    hand = right.edition.witnesses["handwritten"].text
    top_right = right.top_position()
    # the same passage is at the top of both panes: within a line of text
    assert abs(top_right - expected) < 120, (hand[top_right:top_right + 60],
                                             hand[expected:expected + 60])


def test_a_note_shows_its_text_on_hover(make_window, sample_path, monkeypatch):
    from PySide6.QtWidgets import QToolTip
    window = make_window(sample_path)
    pane = window.panes[0]
    start, _ = find(pane, "We said")
    select(pane, start, start)
    shortcut(pane.editor, KIND_SHORTCUTS["note"])
    note = window.inspector.annotation
    window.inspector.note.setPlainText("Typed over an erasure.")
    window.inspector.note.committed.emit()
    shown = []
    monkeypatch.setattr(QToolTip, "showText", lambda pos, text, *a: shown.append(text))
    cursor = pane.editor.textCursor()
    cursor.setPosition(pane.pmap.to_qt(note.start))
    rect = pane.editor.cursorRect(cursor)
    pane.show_tooltip(rect.center(), pane.editor.mapToGlobal(rect.center()))
    assert shown and "Typed over an erasure." in shown[-1] and "Note" in shown[-1]
