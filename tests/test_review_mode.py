"""Review mode in the window, driven by keyboard alone: a full review pass on the seed's
edition saved and reopened intact; the own-annotation rule; filters; the differences dock;
merging another copy as one undo step."""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from editor.formats import native
from editor.model import operations as ops
from tests.conftest import ROOT, SEED_EDITION, build_sample_edition


def press(window, sequence: str) -> None:
    """Press a key where the keyboard is (the focused widget, else the window)."""
    combo = QKeySequence(sequence)[0]
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, combo.key(), combo.keyboardModifiers())


def type_text(window, text: str) -> None:
    QTest.keyClicks(QApplication.focusWidget(), text)


@pytest.fixture()
def seed_copy(tmp_path):
    if not SEED_EDITION.exists():
        pytest.fail(f"the seed's edition is missing: {SEED_EDITION}")
    path = tmp_path / "telegram.variorum.xml"
    shutil.copy(SEED_EDITION, path)
    return path


@pytest.fixture()
def sample_path(tmp_path):
    path = tmp_path / "sample.variorum.xml"
    native.save(build_sample_edition(), path)
    return path


def shown_in_pane(window, ann) -> bool:
    pane = next(p for p in window.panes if p.witness_id == ann.witness)
    return pane.selection() == (ann.start, ann.end)


def test_a_full_review_pass_by_keyboard_is_saved_and_reopened_intact(make_window, seed_copy,
                                                                       assert_valid_tei):
    window = make_window(seed_copy)
    mode = window.features["review_mode"]
    edition = window.doc.edition
    order = [a.id for a in edition.sorted_annotations()]
    window.annotation_list.table.setFocus()
    press(window, "Ctrl+Shift+R")
    assert mode.active and mode.act_mode.isChecked()
    assert all(pane.editor.isReadOnly() for pane in window.panes)
    assert window.inspector.annotation.id == order[0]
    assert shown_in_pane(window, edition.annotations[order[0]])

    press(window, "A")                                  # accept the first
    assert window.inspector.annotation.id == order[1]   # ... and on to the next
    assert shown_in_pane(window, edition.annotations[order[1]])
    press(window, "R")                                  # reject the second
    press(window, "Q")                                  # query the third, with a question
    assert QApplication.focusWidget() is mode.panel.comment
    type_text(window, "Which hand wrote this?")
    press(window, "Return")
    assert QApplication.focusWidget() is not mode.panel.comment
    press(window, "N")                                  # skip the fourth
    assert window.inspector.annotation.id == order[4]
    press(window, "Shift+A")                            # accept the fifth with a comment
    type_text(window, "Checked against the scan.")
    press(window, "Return")
    press(window, "P")                                  # back to the skipped fourth
    assert window.inspector.annotation.id == order[3]
    press(window, "R")

    statuses = {aid: edition.annotations[aid].status for aid in order[:5]}
    assert statuses == {order[0]: "accepted", order[1]: "rejected", order[2]: "queried",
                        order[3]: "rejected", order[4]: "accepted"}
    assert mode.panel.progress.value() == 5
    assert mode.status_label.text() == f"Review: 5/{len(order)}"
    # a rejected annotation is struck out in the list and hidden in the panes
    rejected = edition.annotations[order[1]]
    pane = next(p for p in window.panes if p.witness_id == rejected.witness)
    assert not pane.options.shows(rejected)
    model = window.annotation_list.model
    font = model.data(model.index(model.rows[rejected.id], 0), 6)   # Qt.FontRole
    assert font.strikeOut()

    press(window, "Ctrl+S")
    assert not window.doc.modified
    assert_valid_tei(seed_copy)
    saved = native.load(seed_copy).edition
    for aid, status in statuses.items():
        ann = saved.annotations[aid]
        assert ann.status == status
        assert ann.history[-1].who == "jane-doe" and ann.history[-1].action == "reviewed"
    assert saved.annotations[order[2]].history[-1].comment == "Which hand wrote this?"
    assert saved.annotations[order[4]].history[-1].comment == "Checked against the scan."
    assert saved.person_name("jane-doe") == "Jane Doe"
    assert all(saved.annotations[aid].status == "proposed" for aid in order[5:])

    # reopened in a window, the decisions show and the walk resumes where it stopped
    again = make_window(seed_copy)
    again.enter_review_mode()
    assert again.inspector.annotation.id == order[5]
    assert again.features["review_mode"].panel.progress.value() == 5


def test_undo_takes_back_a_decision(make_window, sample_path):
    window = make_window(sample_path)
    window.enter_review_mode()
    first = window.inspector.annotation
    press(window, "A")
    assert first.status == "accepted"
    press(window, "Ctrl+Z")
    assert window.doc.edition.annotations[first.id].status == "proposed"


def test_keys_are_letters_only_in_review_mode(make_window, sample_path):
    window = make_window(sample_path)
    pane = window.panes[0]
    pane.editor.setFocus()
    before = pane.editor.toPlainText()
    QTest.keyClicks(pane.editor, "A")                  # outside review mode: typing
    assert pane.editor.toPlainText() != before
    assert all(a.status == "proposed" for a in window.doc.edition.annotations.values())
    window.enter_review_mode()
    pane.editor.setFocus()
    text = pane.editor.toPlainText()
    press(window, "R")
    assert pane.editor.toPlainText() == text           # read-only: R rejected instead
    assert sum(a.status == "rejected" for a in window.doc.edition.annotations.values()) == 1
    press(window, "Ctrl+Shift+R")                      # leave: the panes are editable again
    assert not window.features["review_mode"].active
    assert not any(p.editor.isReadOnly() for p in window.panes)


def own_annotation_path(tmp_path):
    e = build_sample_edition()
    jane = e.person_for("Jane Doe", "editor").id
    for ann in e.annotations.values():
        ann.resp = jane
    path = tmp_path / "own.variorum.xml"
    native.save(e, path)
    return path


def test_accepting_your_own_annotation_needs_an_explicit_yes(make_window, tmp_path):
    window = make_window(own_annotation_path(tmp_path),
                         answers=[QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.Yes])
    mode = window.features["review_mode"]
    assert mode.act_forbid_own.isChecked()              # on by default
    window.enter_review_mode()
    first = window.inspector.annotation
    press(window, "A")
    assert first.status == "proposed"
    assert "yourself" in window.asked[-1]
    assert "yourself" in mode.panel.message.text()
    press(window, "A")                                   # the second answer is Yes
    assert first.status == "accepted"
    assert first.history[-1].comment == "accepted by its own author"
    press(window, "R")                                   # rejecting your own needs no yes
    assert len(window.asked) == 2


def test_a_one_person_project_turns_the_rule_off(make_window, tmp_path):
    from editor.ui import settings
    from editor.ui.review_mode import FORBID_OWN_SETTING
    window = make_window(own_annotation_path(tmp_path))
    mode = window.features["review_mode"]
    mode.act_forbid_own.trigger()
    assert settings.flag(FORBID_OWN_SETTING, True) is False
    window.enter_review_mode()
    first = window.inspector.annotation
    press(window, "A")
    assert first.status == "accepted" and not getattr(window, "asked", [])
    # the setting is remembered by the next window
    assert not make_window().features["review_mode"].act_forbid_own.isChecked()


def test_filters_by_author_and_reviewer_steer_the_walk(make_window, tmp_path):
    e = build_sample_edition()
    other = e.person_for("Ann Other", "editor").id
    ids = [a.id for a in e.sorted_annotations()]
    e.annotations[ids[1]].resp = other
    ops.set_status(e, ids[2], "queried", other, "?")
    path = tmp_path / "people.xml"
    native.save(e, path)
    window = make_window(path)
    mode = window.features["review_mode"]
    assert mode.author_filter.findData(other) > 0
    assert mode.reviewer_filter.findData(other) > 0
    mode.set_people_filter(author=other)
    assert window.annotation_list.visible_ids() == [ids[1]]
    window.enter_review_mode()
    assert window.inspector.annotation.id == ids[1]
    press(window, "N")                                  # nothing else by that author
    assert window.inspector.annotation.id == ids[1]
    assert "No other unreviewed" in mode.panel.message.text()
    mode.set_people_filter(author="", reviewer=other)
    assert window.annotation_list.visible_ids() == [ids[2]]
    press(window, "Shift+N")
    assert window.inspector.annotation.id == ids[2]
    assert mode.panel.progress.format() == "1 / 1 reviewed"
    # the list's own filters apply too: kind
    mode.set_people_filter(reviewer="")
    alist = window.annotation_list
    alist.kind_filter.setCurrentIndex(alist.kind_filter.findData("sic"))
    alist._filters_changed()
    press(window, "N")
    assert window.inspector.annotation.kind == "sic"


def test_differences_become_proposals_by_one_key(make_window, sample_path):
    window = make_window(sample_path)
    mode = window.features["review_mode"]
    edition = window.doc.edition
    window.enter_review_mode()                         # A must propose here, not accept
    mode.diff_dock.show()
    mode.diff_dock.raise_()
    panel = mode.differences
    panel.refresh()
    assert panel.summary.text().startswith("1 unexplained of 3")
    (diff,) = panel.items
    panel.table.setFocus()
    count, steps = len(edition.annotations), window.doc.undo_stack.count()
    press(window, "Return")
    assert len(edition.annotations) == count + 1
    new = max(edition.annotations.values(), key=lambda a: int(a.id.split("-")[1]))
    assert (new.kind, new.status, new.witness) == ("variant", "proposed", "handwritten")
    assert new.counterpart.witness == "typed"
    assert window.doc.undo_stack.count() == steps + 1
    assert panel.items == [] and panel.summary.text().startswith("0 unexplained")
    press(window, "Ctrl+Z")
    assert len(edition.annotations) == count
    panel.refresh()
    panel.table.setFocus()
    press(window, "A")                                 # an addition instead
    assert len(edition.annotations) == count + 1
    assert all(a.status == "proposed" for a in edition.annotations.values())
    press(window, "Ctrl+Z")
    panel.refresh()
    panel.table.setFocus()
    press(window, "E")                                 # or: explained as it is
    assert edition.explained == [diff.id] and len(edition.annotations) == count
    press(window, "Ctrl+S")
    assert native.load(sample_path).edition.explained == [diff.id]
    panel.show_explained.setChecked(True)              # and back, from the full list
    assert panel.select(diff.id)
    panel.table.setFocus()
    press(window, "U")
    assert edition.explained == []


def test_proposing_for_all_unexplained_differences_is_one_undo_step(make_window, tmp_path):
    e = build_sample_edition()
    for aid in list(e.annotations):
        ops.remove_annotations(e, [aid])
    path = tmp_path / "bare.xml"
    native.save(e, path)
    window = make_window(path)
    mode = window.features["review_mode"]
    steps = window.doc.undo_stack.count()
    mode.act_propose_all.trigger()
    edition = window.doc.edition
    assert sorted(a.kind for a in edition.annotations.values()) == \
        ["addition", "addition", "variant"]
    assert window.doc.undo_stack.count() == steps + 1
    press(window, "Ctrl+Z")
    assert edition.annotations == {}
    press(window, "Ctrl+Shift+Z")
    assert len(edition.annotations) == 3


def test_merging_another_copy_is_one_undo_step_and_shows_the_conflicts(make_window, tmp_path):
    e = build_sample_edition()
    e.person_for("Jane Doe", "editor")
    e.person_for("Ann Reviewer", "reviewer")
    for ann in e.annotations.values():
        ann.history[0].when = "2026-01-01T00:00:00Z"
    ids = [a.id for a in e.sorted_annotations()]
    mine, theirs = copy.deepcopy(e), copy.deepcopy(e)
    ops.set_status(mine, ids[0], "accepted", "jane-doe")
    ops.set_status(theirs, ids[0], "rejected", "ann-reviewer", "no")
    ops.set_status(theirs, ids[1], "accepted", "ann-reviewer")
    native.save(mine, tmp_path / "mine.xml")
    native.save(theirs, tmp_path / "theirs.xml")
    window = make_window(tmp_path / "mine.xml")
    mode = window.features["review_mode"]
    steps = window.doc.undo_stack.count()
    result = mode.merge_from_path(str(tmp_path / "theirs.xml"))
    edition = window.doc.edition
    assert [c.subject for c in result.conflicts] == [ids[0]]
    assert edition.annotations[ids[0]].status == "queried"
    assert edition.annotations[ids[1]].status == "accepted"
    assert window.doc.undo_stack.count() == steps + 1
    assert any("conflict" in line and ids[0] in line for line in window.last_problems)
    press(window, "Ctrl+Z")
    assert edition.annotations[ids[0]].status == "accepted"
    assert edition.annotations[ids[1]].status == "proposed"
    # a copy of another edition is refused with a clear message, nothing changes
    other = build_sample_edition()
    ops.edit_text(other, "typed", 0, 1, "The")
    native.save(other, tmp_path / "other.xml")
    index = window.doc.undo_stack.index()
    assert mode.merge_from_path(str(tmp_path / "other.xml")) is None
    assert "differs" in window.last_error[1]
    assert window.doc.undo_stack.index() == index


def test_review_flag_opens_the_window_in_review_mode(tmp_path, seed_copy):
    out = tmp_path / "review.png"
    run = subprocess.run([sys.executable, "-m", "editor", str(seed_copy), "--review",
                          "--screenshot", str(out), "--size", "1400x900"],
                         capture_output=True, text=True, cwd=ROOT,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen",
                              "VARIORUM_CONFIG_DIR": str(tmp_path / "config")})
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 10_000


def test_review_letters_leave_other_views_their_own_keys(make_window, sample_path):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QPushButton
    window = make_window(sample_path)
    # another feature's view with its own single-letter key (as the facsimile view has)
    button = QPushButton("view")
    rotated = []
    rotate = QAction("Rotate", button)
    rotate.setShortcut(QKeySequence("R"))
    rotate.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    rotate.triggered.connect(lambda: rotated.append(True))
    button.addAction(rotate)
    dock = QDockWidget("Other view", window)
    dock.setWidget(button)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    dock.show()
    QApplication.processEvents()
    window.enter_review_mode()
    button.setFocus()
    press(window, "R")
    assert rotated == [True]
    assert all(a.status == "proposed" for a in window.doc.edition.annotations.values())
    window.annotation_list.table.setFocus()
    press(window, "R")
    assert rotated == [True]
    assert sum(a.status == "rejected" for a in window.doc.edition.annotations.values()) == 1
