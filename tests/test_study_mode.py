"""Study mode, driven like a student would: nothing can be changed, layers change what is
drawn (never the text), the variant table takes both panes to each difference, the
overview and the figures agree with the table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtTest import QTest

from editor.align.variants import counts
from editor.formats import native
from editor.model import operations as ops
from editor.ui.main_window import KIND_SHORTCUTS
from editor.ui.study_mode import ELISION_GAP, STUDY_SHORTCUT
from tests.conftest import SEED_EDITION, build_sample_edition
from tests.window_helpers import select, shortcut


def study_edition():
    """The window test edition, with a deleted passage and a substitution in the
    handwritten version."""
    e = build_sample_edition()
    hand = e.text("handwritten")
    i = hand.index("the issue we raised")
    ops.add_annotation(e, "handwritten", i, i + len("the issue we raised"), "deletion",
                       {"hand": "hand-2"})
    i = hand.index("Kim understood")
    ops.add_annotation(e, "handwritten", i, i + len("Kim understood"), "substitution",
                       {"split": "4"})
    typed = e.text("typed")
    i = typed.index("Chinese")
    ops.add_annotation(e, "typed", i, i + len("Chinese"), "supplied")
    return e


@pytest.fixture()
def edition_path(tmp_path):
    path = tmp_path / "study.variorum.xml"
    native.save(study_edition(), path)
    return path


@pytest.fixture()
def studying(make_window, edition_path):
    window = make_window(edition_path)
    window.aligner.wait()
    window.enter_study_mode()
    return window, window.features["study_mode"]


def formats_at(pane, start: int, end: int):
    """The highlighter's formats over ``[start, end)`` (code points) of the pane."""
    document = pane.editor.document()
    q0, q1 = pane.pmap.to_qt(start), pane.pmap.to_qt(end)
    block = document.findBlock(q0)
    out = []
    for fr in block.layout().formats():
        lo, hi = block.position() + fr.start, block.position() + fr.start + fr.length
        if lo < q1 and hi > q0:
            out.append(QTextCharFormat(fr.format))     # a copy: the range goes away
    return out


def width_of(pane, start: int, end: int) -> float:
    """How wide ``[start, end)`` is drawn (same line), in pixels."""
    cursor = QTextCursor(pane.editor.document())
    cursor.setPosition(pane.pmap.to_qt(start))
    x0 = pane.editor.cursorRect(cursor).left()
    cursor.setPosition(pane.pmap.to_qt(end))
    return pane.editor.cursorRect(cursor).left() - x0


# -- nothing can be changed ----------------------------------------------------------------------


def test_study_mode_by_shortcut_makes_everything_read_only(make_window, edition_path):
    window = make_window(edition_path)
    pane = window.panes[0]
    select(pane, 0, 1)
    QTest.keyClicks(pane.editor, "X")                  # an edit before studying
    assert window.doc.undo_stack.count() == 1
    texts = {w: window.doc.edition.text(w) for w in window.doc.edition.witnesses}
    annotations = set(window.doc.edition.annotations)
    study = window.features["study_mode"]

    shortcut(pane.editor, STUDY_SHORTCUT)
    assert study.active and study.act_study.isChecked()
    assert window.doc.read_only
    assert all(p.editor.isReadOnly() for p in window.panes)
    assert not window.mark_toolbar.isVisible()
    assert not any(a.isEnabled() for a in window.mark_actions.values())
    assert not window.act_undo.isEnabled()
    assert "(read-only)" in window.windowTitle()

    # typing, marking, deleting, undoing: nothing changes
    for p in window.panes:
        select(p, 2, 12)
        QTest.keyClicks(p.editor, "typed by accident")
        QTest.keyClick(p.editor, Qt.Key.Key_Backspace)
        QTest.keyClick(p.editor, Qt.Key.Key_Delete)
        for kind, keys in KIND_SHORTCUTS.items():
            shortcut(p.editor, keys)
        shortcut(p.editor, "Ctrl+Z")
        shortcut(p.editor, "Ctrl+Shift+Backspace")
    window.mark("addition")                             # even called directly
    assert {w: window.doc.edition.text(w) for w in texts} == texts
    assert set(window.doc.edition.annotations) == annotations
    assert window.doc.undo_stack.count() == 1 and window.doc.undo_stack.index() == 1
    assert all(p.editor.toPlainText() == texts[p.witness_id] for p in window.panes)

    # the inspector shows annotations but edits nothing
    ann = next(a for a in window.doc.edition.annotations.values() if a.kind == "addition")
    window.go_to_annotation(ann.id)
    assert window.inspector.annotation is ann
    assert not window.inspector.kind.isEnabled() and window.inspector.note.isReadOnly()

    # leaving gives everything back
    shortcut(window.panes[0].editor, STUDY_SHORTCUT)
    assert not study.active
    assert not window.doc.read_only
    assert window.mark_toolbar.isVisible()
    assert all(a.isEnabled() for a in window.mark_actions.values())
    assert window.act_undo.isEnabled()
    assert not window.panes[0].editor.isReadOnly()
    select(window.panes[0], 0, 0)
    QTest.keyClicks(window.panes[0].editor, "Y")
    assert window.doc.edition.text("typed").startswith("YX")


def test_leaving_and_entering_again_keeps_the_layout_and_the_choices(studying):
    window, study = studying
    study.set_reading("clean")
    study.set_layer("notes", False)
    window.leave_study_mode()
    assert window.options.hidden_kinds == set()          # the editor draws everything again
    assert window.options.reading == "diplomatic"
    hand = window.panes[1]
    text = window.doc.edition.text("handwritten")
    s = text.index("the issue we raised")
    assert width_of(hand, s, s + 19) > 50                 # struck-out words are back
    window.enter_study_mode()
    assert study.reading == "clean" and not study.layers["notes"]
    assert width_of(hand, s, s + 19) <= ELISION_GAP + 1
    for dock in (study.table_dock, study.figures_dock, study.guide_dock):
        assert not dock.isHidden()
    assert study.table.model.rowCount() == len(study.variants) > 0


def test_opening_another_edition_while_studying_stays_read_only(studying, tmp_path):
    window, study = studying
    other = tmp_path / "other.variorum.xml"
    native.save(build_sample_edition(), other)
    assert window.open_path(str(other), confirm=False)
    assert study.active and window.doc.read_only
    assert all(p.editor.isReadOnly() for p in window.panes)
    assert study.variants and study.table.model.rowCount() == len(study.variants)


def test_other_editing_docks_are_out_of_the_way_and_come_back(studying):
    window, study = studying
    assert study.table_dock.isVisible() and study.figures_dock.isVisible()
    assert not window.list_dock.isVisible()
    window.leave_study_mode()
    assert window.list_dock.isVisible()
    assert not study.table_dock.isVisible() and not study.toolbar.isVisible()


# -- layers -----------------------------------------------------------------------------------------


def test_layer_toggles_change_the_drawing_not_the_text(studying):
    window, study = studying
    hand = window.panes[1]
    text = window.doc.edition.text("handwritten")
    s = text.index("the issue we raised")
    e = s + len("the issue we raised")
    assert any(f.fontStrikeOut() for f in formats_at(hand, s, e))
    study.set_layer("deletions", False)
    assert "deletion" in window.options.hidden_kinds
    assert not any(f.fontStrikeOut() for f in formats_at(hand, s, e))
    study.set_layer("deletions", True)
    assert any(f.fontStrikeOut() for f in formats_at(hand, s, e))

    typed = window.panes[0]
    t = window.doc.edition.text("typed")
    a = t.index("18 September")
    assert any(f.verticalAlignment() or f.baselineOffset() for f in formats_at(typed, a, a + 12))
    study.layer_actions["additions"].trigger()        # through the toolbar's action
    assert not study.layers["additions"]
    assert not any(f.baselineOffset() for f in formats_at(typed, a, a + 12))

    c = t.index("Chinese")
    assert any(f.fontItalic() for f in formats_at(typed, c, c + 7))
    study.set_layer("supplied", False)
    assert not any(f.fontItalic() for f in formats_at(typed, c, c + 7))
    study.set_layer("notes", False)
    assert {"note", "remark"} <= window.options.hidden_kinds
    # the texts never changed
    assert typed.editor.toPlainText() == t and hand.editor.toPlainText() == text


def test_clean_reading_hides_struck_out_words_without_touching_offsets(studying):
    window, study = studying
    hand = window.panes[1]
    text = window.doc.edition.text("handwritten")
    s = text.index("the issue we raised")
    e = s + len("the issue we raised")
    sub = text.index("Kim understood")
    diplomatic_width = width_of(hand, s, e)
    assert diplomatic_width > 50
    before = hand.editor.grab().toImage()

    study.set_reading("clean")
    assert study.act_clean.isChecked() and window.options.reading == "clean"
    # the words take no room but the small gap where their ⟦⟧ is drawn
    assert width_of(hand, s, e) <= ELISION_GAP + 1
    assert width_of(hand, s + 1, e) == 0
    assert width_of(hand, sub, sub + 4) <= ELISION_GAP + 1     # a substitution's struck part
    assert width_of(hand, sub + 4, sub + 14) > 20         # its added part stays
    assert all(f.fontPointSize() < 1 for f in formats_at(hand, s + 1, e - 1))
    assert not study.layer_actions["deletions"].isEnabled()
    assert hand.editor.toPlainText() == text == window.doc.edition.text("handwritten")
    assert hand.select_range(s, e) is None and hand.selection() == (s, e)   # offsets hold
    assert study._overlays[id(hand)].marks()              # a ⟦⟧ where the words were
    assert hand.editor.grab().toImage() != before

    study.set_reading("diplomatic")
    assert width_of(hand, s, e) == pytest.approx(diplomatic_width, abs=1)


def test_versions_one_or_both(studying):
    window, study = studying
    assert study.version_actions["a"].text() == "Typed Only"
    study.version_actions["b"].trigger()
    assert not window.panes[0].isVisible() and window.panes[1].isVisible()
    study.set_versions("a")
    assert window.panes[0].isVisible() and not window.panes[1].isVisible()
    study.set_versions("both")
    assert window.panes[0].isVisible() and window.panes[1].isVisible()
    study.set_versions("a")
    window.leave_study_mode()
    assert window.panes[1].isVisible()


# -- the variant table ---------------------------------------------------------------------------


def test_choosing_a_row_brings_both_panes_there(studying):
    window, study = studying
    table = study.table
    rows = table.rows()
    assert rows == study.variants and len(rows) >= 4
    target = next(v for v in rows if "absolutely" in v.readings["handwritten"])
    row = rows.index(target)
    table.table.setFocus()
    table.table.selectRow(row)
    typed, hand = window.panes
    assert hand.selection() == target.ranges["handwritten"]
    assert typed.selection() == target.ranges["typed"]          # the point where it lacks it
    assert typed.counterpart == target.ranges["typed"]
    # the keyboard walks on
    QTest.keyClick(table.table, Qt.Key.Key_Down)
    following = rows[row + 1]
    assert hand.selection() == following.ranges["handwritten"]
    assert typed.selection() == following.ranges["typed"]


def test_table_filters_sorts_and_searches(studying):
    window, study = studying
    table = study.table
    total = table.model.rowCount()
    kinds = {v.kind for v in study.variants}
    assert {"addition", "deletion", "variant"} <= kinds
    table.kind_filter.setCurrentIndex(table.kind_filter.findData("deletion"))
    table._filters_changed()
    assert [v.kind for v in table.rows()] == ["deletion"]
    table.kind_filter.setCurrentIndex(0)
    table.hand_filter.setCurrentIndex(table.hand_filter.findData("hand-1"))
    table._filters_changed()
    assert table.rows() and all("hand-1" in v.hands for v in table.rows())
    table.hand_filter.setCurrentIndex(table.hand_filter.findData(""))      # no hand
    table._filters_changed()
    assert table.rows() and all(not v.hands for v in table.rows())
    table.hand_filter.setCurrentIndex(0)
    table._filters_changed()
    QTest.keyClicks(table.search, "absolutely")
    assert [v.readings["handwritten"] for v in table.rows()] == ["absolutely"]
    table.search.clear()
    assert table.proxy.rowCount() == total
    table.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)       # by kind
    order = ["addition", "deletion", "cancelled-addition", "substitution", "variant"]
    sorted_kinds = [order.index(v.kind) for v in table.rows()]
    assert sorted_kinds == sorted(sorted_kinds)
    table.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [v.number for v in table.rows()] == list(range(total, 0, -1))


def test_overview_and_figures_agree_with_the_table(studying):
    window, study = studying
    figures = counts(study.variants)
    assert study.figures.figures == figures
    assert study.figures.total == len(study.variants)
    overview = study.overview
    assert overview.isVisible()
    assert sum(r.count for r in overview.rows) == len(study.variants)
    busy = max(overview.rows, key=lambda r: r.count)
    # clicking the band of the busiest paragraph goes to its first difference
    study.table.table.clearSelection()
    y = int((overview._y(busy.start) + overview._y(busy.end)) / 2)
    QTest.mouseClick(overview, Qt.MouseButton.LeftButton, pos=QPoint(overview.width() // 2, y))
    target = busy.first
    assert window.panes[1].selection() == target.ranges["handwritten"]
    current = study.table.proxy.data(study.table.table.currentIndex(), Qt.ItemDataRole.UserRole + 1)
    assert current is target
    # a paragraph's bar in the figures does the same
    study.go_to_paragraph(busy.number)
    assert window.panes[0].selection() == target.ranges["typed"]
    image = study.figures.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2).isValid()


def test_guide_explains_the_marks_for_a_student(studying):
    window, study = studying
    text = study.guide.toPlainText()
    for words in ("struck out", "Supplied", "[sic]", "Addition", "Deletion", "hand"):
        assert words in text
    assert not study.guide_dock.isHidden()
    window.leave_study_mode()
    assert study.guide_dock.isHidden()


# -- the seed --------------------------------------------------------------------------------------


def test_seed_in_study_mode(make_window):
    if not SEED_EDITION.exists():
        pytest.fail(f"the seed's edition is missing: {SEED_EDITION}")
    window = make_window(SEED_EDITION)
    window.aligner.wait()
    window.enter_study_mode()
    study = window.features["study_mode"]
    listed = {(v.kind, " ".join(v.readings["handwritten"].split())) for v in study.table.rows()}
    for expected in [("variant", "absolutely"), ("variant", "the issue we raised"),
                     ("addition", "and the CC plenum"),
                     ("cancelled-addition", "We completely disagree with such an assessment"),
                     ("deletion", "reprisals against honest Party members are halted")]:
        assert expected in listed
    assert any(k == "variant" and r.startswith("speak out") for k, r in listed)
    deleted = next(v for v in study.variants if v.kind == "deletion")
    study.choose_variant(deleted)
    assert window.panes[1].selection() == deleted.ranges["handwritten"]


def test_study_flag_and_screenshot(tmp_path, qtbot):
    """``variorum --study FILE --screenshot OUT`` opens study mode before rendering."""
    from editor.cli import main
    path = tmp_path / "e.variorum.xml"
    native.save(study_edition(), path)
    out = tmp_path / "study.png"
    assert main([str(path), "--study", "--screenshot", str(out), "--size", "1200x800"]) == 0
    assert out.stat().st_size > 10_000
