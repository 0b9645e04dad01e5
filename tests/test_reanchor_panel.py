"""Review of what moved: replacing a witness's text in the window, and the "Moved
annotations" dock (accept the new place, place on a selection, delete; each one undo step)."""

from __future__ import annotations

import copy
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from editor.model import operations as ops
from editor.ui import reanchor_panel
from editor.ui.reanchor_panel import SHORTCUTS, ReplaceTextDialog
from tests.conftest import SEED_EDITION
from tests.window_helpers import select, shortcut

# the corrections applied to the seed's typed text: (old, new), each once
CORRECTIONS = [
    ("Nie Rongzhen,", "Nie Rongzen,"),                        # a word corrected inside a mark
    ("After a mutual exchange of", "After a mutual exchanging of"),   # the same
    ("is fortuitous and the only correct proposal.", "is fortuitous."),   # marked words gone
    ("held today, 18 September, which", "held today, which"),        # the same
]


def corrected(text: str) -> str:
    for old, new in CORRECTIONS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def mark_on(edition, quote: str) -> str:
    """The id of the typed witness's annotation covering exactly ``quote``."""
    text = edition.text("typed")
    found = [a.id for a in edition.annotations_of("typed") if text[a.start:a.end] == quote]
    if not found:
        pytest.fail(f"the seed's edition has no mark on {quote!r} any more")
    return found[0]


def listed(feature) -> dict[str, str]:
    """What the dock lists: annotation id -> state, in the list's order."""
    model = feature.panel.model
    return {model.ids[row]: model.data(model.index(row, 0)) for row in range(model.rowCount())}


def choose(feature, annotation_id: str) -> None:
    """Make a row current as a click would (which shows it in its pane)."""
    row = feature.panel.model.ids.index(annotation_id)
    feature.panel.table.setFocus()
    feature.panel.table.setCurrentIndex(feature.panel.model.index(row, 0))


@pytest.fixture()
def seed_window(make_window):
    if not SEED_EDITION.exists():
        pytest.fail(f"the seed's edition is missing: {SEED_EDITION}")
    window = make_window(SEED_EDITION)
    edition = window.doc.edition
    ids = {
        "rongzhen": mark_on(edition, "Rongzhen"),
        "exchange": mark_on(edition, "exchange"),
        "proposal": mark_on(edition, "proposal"),
        "september": mark_on(edition, "18 September"),
    }
    return window, window.features["reanchor_panel"], ids


@pytest.fixture()
def replaced(seed_window):
    """The seed's edition with its typed text replaced by the corrected one."""
    window, feature, ids = seed_window
    new_text = corrected(window.doc.edition.text("typed"))
    steps = window.doc.undo_stack.count()
    report = feature.replace_witness_text("typed", new_text, "typed-corrected.txt")
    assert report is not None
    assert window.doc.undo_stack.count() == steps + 1            # one undo step
    return window, feature, ids, new_text, report


# -- replacing the text ---------------------------------------------------------------------


def test_replacing_the_typed_text_lists_the_fuzzy_and_orphaned_annotations(replaced):
    window, feature, ids, new_text, report = replaced
    edition = window.doc.edition
    outcomes = {r.id: r.outcome for r in report.results if r.target == "annotation"}
    assert outcomes.pop(ids["rongzhen"]) == "fuzzy"
    assert outcomes.pop(ids["exchange"]) == "fuzzy"
    assert outcomes.pop(ids["proposal"]) == "orphaned"
    assert outcomes.pop(ids["september"]) == "orphaned"
    assert set(outcomes.values()) == {"exact"}
    assert edition.text("typed") == new_text
    typed_pane = next(p for p in window.panes if p.witness_id == "typed")
    assert typed_pane.editor.toPlainText() == new_text
    # the dock opened by itself, with the counts and every annotation to review
    assert feature.dock.isVisible()
    assert listed(feature) == {ids["september"]: "orphaned", ids["exchange"]: "fuzzy",
                               ids["proposal"]: "orphaned", ids["rongzhen"]: "fuzzy"}
    summary = feature.panel.summary.text()
    assert "2 fuzzy, 2 orphaned" in summary and "Last text replacement" in summary
    assert feature.status_button.isVisible() and "4 to review" in feature.status_button.text()
    assert "Replace the text of Typed from typed-corrected.txt" == \
        window.doc.undo_stack.undoText()
    # the new words and the old context are shown for review
    model = feature.panel.model
    row = model.ids.index(ids["rongzhen"])
    assert model.data(model.index(row, 3)) == "Rongzhen"
    assert model.data(model.index(row, 4)) == "Rongzen"
    assert float(model.data(model.index(row, 5))) < 1
    details = feature.panel.details_html(edition.annotations[ids["proposal"]])
    assert "only correct" in details and "proposal" in details    # the old text around it
    assert "its words are gone" in details
    # undo puts back the old text and empties the list; redo brings both back
    window.doc.undo_stack.undo()
    assert edition.text("typed") != new_text and not listed(feature)
    assert not feature.status_button.isVisible()
    window.doc.undo_stack.redo()
    assert edition.text("typed") == new_text and len(listed(feature)) == 4
    assert typed_pane.editor.toPlainText() == new_text


def test_selecting_a_row_shows_the_annotation_or_the_orphans_last_place(replaced):
    window, feature, ids, _new_text, _report = replaced
    edition = window.doc.edition
    typed_pane = next(p for p in window.panes if p.witness_id == "typed")
    fuzzy = edition.annotations[ids["rongzhen"]]
    choose(feature, fuzzy.id)
    assert typed_pane.selection() == (fuzzy.start, fuzzy.end)
    assert edition.text("typed")[fuzzy.start:fuzzy.end] == "Rongzen"
    assert window.inspector.annotation_id == fuzzy.id
    orphan = edition.annotations[ids["proposal"]]
    choose(feature, orphan.id)
    assert typed_pane.selection() == (orphan.start, orphan.start)     # the cursor, no words
    assert typed_pane.cursor_position() == orphan.start
    assert edition.text("typed")[orphan.start - len("fortuitous"):orphan.start] == "fortuitous"
    # F8 and Shift+F8 go round the list from anywhere in the window
    first, second = feature.panel.model.ids[:2]
    choose(feature, first)
    shortcut(typed_pane.editor, SHORTCUTS["next"])
    assert feature.panel.current_id() == second
    shortcut(typed_pane.editor, SHORTCUTS["previous"])
    shortcut(typed_pane.editor, SHORTCUTS["previous"])
    assert feature.panel.current_id() == feature.panel.model.ids[-1]


def test_accept_place_on_a_selection_and_delete_each_one_undo_step_then_save_and_reopen(
        replaced, make_window, tmp_path):
    window, feature, ids, new_text, _report = replaced
    edition = window.doc.edition
    stack = window.doc.undo_stack
    typed_pane = next(p for p in window.panes if p.witness_id == "typed")

    # 1. accept a fuzzy proposal, by key
    rongzhen = edition.annotations[ids["rongzhen"]]
    place, score = (rongzhen.start, rongzhen.end), rongzhen.anchoring.score
    choose(feature, rongzhen.id)
    steps = stack.count()
    shortcut(typed_pane.editor, SHORTCUTS["accept"])         # from the pane showing it
    assert stack.count() == steps + 1
    assert rongzhen.anchoring is None and (rongzhen.start, rongzhen.end) == place
    assert rongzhen.id not in listed(feature)
    assert rongzhen.history[-1].who == window.user_id() != ""
    stack.undo()
    assert rongzhen.anchoring is not None and rongzhen.anchoring.score == score
    assert listed(feature)[rongzhen.id] == "fuzzy"
    stack.redo()
    assert rongzhen.anchoring is None and rongzhen.id not in listed(feature)

    # 2. place an orphan on the words selected in its pane, by key from the pane
    proposal = edition.annotations[ids["proposal"]]
    choose(feature, proposal.id)
    start = new_text.index("fortuitous")
    select(typed_pane, start, start + len("fortuitous"))
    steps = stack.count()
    shortcut(typed_pane.editor, SHORTCUTS["use_selection"])
    assert stack.count() == steps + 1
    assert (proposal.start, proposal.end) == (start, start + len("fortuitous"))
    assert proposal.anchoring is None and proposal.status == "proposed"
    assert proposal.id not in listed(feature)
    stack.undo()
    assert proposal.status == "orphaned" and proposal.anchoring.quote == "proposal"
    assert proposal.start == proposal.end and listed(feature)[proposal.id] == "orphaned"
    stack.redo()
    assert edition.quote(proposal) == "fortuitous" and proposal.anchoring is None

    # 3. delete an orphan, by the Delete key in the list
    september = ids["september"]
    choose(feature, september)
    steps = stack.count()
    shortcut(feature.panel.table, SHORTCUTS["delete"])
    assert stack.count() == steps + 1
    assert september not in edition.annotations and september not in listed(feature)
    stack.undo()
    assert edition.annotations[september].anchoring.quote == "18 September"
    assert listed(feature)[september] == "orphaned"
    stack.redo()
    assert september not in edition.annotations

    # the rest is still flagged after saving, closing and opening again
    assert listed(feature) == {ids["exchange"]: "fuzzy"}
    exchange = edition.annotations[ids["exchange"]]
    path = tmp_path / "reviewed.variorum.xml"
    assert window.save_to(str(path))
    window.close()
    again = make_window(path)
    reopened = again.features["reanchor_panel"]
    kept = again.doc.edition.annotations
    assert listed(reopened) == {exchange.id: "fuzzy"}
    assert kept[exchange.id].anchoring.quote == "exchange"
    assert kept[exchange.id].anchoring.score == pytest.approx(exchange.anchoring.score,
                                                              abs=1e-4)
    assert again.doc.edition.quote(kept[exchange.id]) == "exchanging"
    assert kept[rongzhen.id].anchoring is None
    assert again.doc.edition.quote(kept[proposal.id]) == "fortuitous"
    assert september not in kept
    assert reopened.dock.isVisible()                               # opened by itself
    assert "1 to review" in reopened.status_button.text()


def test_orphans_are_saved_as_such_and_reopen_flagged(replaced, make_window, tmp_path):
    window, _feature, ids, _new_text, _report = replaced
    path = tmp_path / "replaced.variorum.xml"
    assert window.save_to(str(path))
    window.close()
    again = make_window(path)
    feature = again.features["reanchor_panel"]
    assert listed(feature) == {ids["september"]: "orphaned", ids["exchange"]: "fuzzy",
                               ids["proposal"]: "orphaned", ids["rongzhen"]: "fuzzy"}
    orphan = again.doc.edition.annotations[ids["september"]]
    assert orphan.status == "orphaned" and orphan.anchoring.quote == "18 September"
    assert not getattr(again, "last_problems", [])                 # nothing to repair
    QTest.qWait(0)                   # the status-bar message follows the window's own
    assert "4 annotations need review (2 fuzzy, 2 orphaned)" in \
        again.statusBar().currentMessage()


def test_an_orphan_that_must_cover_words_cannot_be_accepted_as_a_point(replaced):
    window, feature, ids, _new_text, _report = replaced
    choose(feature, ids["proposal"])
    assert not feature.panel.accept_button.isEnabled()
    steps = window.doc.undo_stack.count()
    shortcut(feature.panel.table, SHORTCUTS["accept"])
    assert window.doc.undo_stack.count() == steps
    assert window.doc.edition.annotations[ids["proposal"]].status == "orphaned"
    assert "must cover words" in window.statusBar().currentMessage()
    # an empty selection is refused too: a supplied word needs words
    typed_pane = next(p for p in window.panes if p.witness_id == "typed")
    select(typed_pane, 10, 10)
    shortcut(typed_pane.editor, SHORTCUTS["use_selection"])
    assert window.doc.undo_stack.count() == steps
    assert "Select the right words" in window.statusBar().currentMessage()


def test_the_list_follows_changes_made_elsewhere(replaced):
    window, feature, ids, _new_text, _report = replaced
    edition = window.doc.edition
    # accepting in review (the inspector, review mode) settles a fuzzy place
    window.doc.run(ops.set_status, ids["exchange"], "accepted", who=window.user_id())
    assert ids["exchange"] not in listed(feature)
    window.doc.undo_stack.undo()
    assert listed(feature)[ids["exchange"]] == "fuzzy"
    # deleting every word of a mark by typing orphans it: the list shows it at once
    august = mark_on(edition, "August")
    ann = edition.annotations[august]
    typed_pane = next(p for p in window.panes if p.witness_id == "typed")
    select(typed_pane, ann.start, ann.end)
    QTest.keyClick(typed_pane.editor, Qt.Key.Key_Delete)
    assert listed(feature)[august] == "orphaned"
    assert "5 to review" in feature.status_button.text()
    window.doc.undo_stack.undo()
    assert august not in listed(feature)


# -- the dialog ---------------------------------------------------------------------------------


def test_the_menu_action_reads_a_text_file_in_any_encoding(seed_window, tmp_path,
                                                           monkeypatch):
    window, feature, ids = seed_window
    new_text = corrected(window.doc.edition.text("typed"))
    path = tmp_path / "typed-corrected.txt"
    path.write_bytes((new_text + "\n").replace("\n", "\r\n").encode("utf-16"))
    assert feature.act_replace in window.menus["edit"].actions()

    def fake_exec(dialog):
        assert dialog.witness_id() == window.active_pane().witness_id   # the default
        dialog.witness.setCurrentIndex(dialog.witness.findData("typed"))
        dialog.path.setText(str(path))
        return 1
    monkeypatch.setattr(ReplaceTextDialog, "exec", fake_exec)
    feature.act_replace.trigger()
    assert window.doc.edition.text("typed") == new_text   # CRLF and the final line break gone
    assert window.doc.undo_stack.undoText().endswith("from typed-corrected.txt")
    assert len(listed(feature)) == 4


def test_an_unreadable_file_is_a_clear_message_and_changes_nothing(seed_window, tmp_path,
                                                                   monkeypatch):
    window, feature, _ids = seed_window
    before = window.doc.edition.text("typed")
    (tmp_path / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)

    def fake_exec(dialog):
        dialog.path.setText(str(tmp_path / "scan.txt"))
        return 1
    monkeypatch.setattr(ReplaceTextDialog, "exec", fake_exec)
    feature.act_replace.trigger()
    title, message = window.last_error
    assert title == "The text was not replaced" and "scan.txt" in message
    assert window.doc.edition.text("typed") == before
    assert window.doc.undo_stack.count() == 0


def test_an_unknown_witness_or_the_same_text_changes_nothing(seed_window):
    window, feature, _ids = seed_window
    text = window.doc.edition.text("typed")
    assert feature.replace_witness_text("printed", "anything") is None
    assert "no version 'printed'" in window.last_error[1]
    assert feature.replace_witness_text("typed", text + "\n") is None
    assert "nothing to replace" in window.statusBar().currentMessage()
    assert window.doc.undo_stack.count() == 0


# -- off the interface thread ---------------------------------------------------------------


class SlowReanchor:
    """Stands in for ``reanchor``: reports progress, then works until told to stop (or,
    once ``release`` is set, does the real work)."""

    def __init__(self):
        self.started = threading.Event()
        self.release = threading.Event()
        self.stopped = threading.Event()
        self.thread_name = ""

    def __call__(self, edition, witness_id, text, who="", progress=None, should_stop=None):
        self.thread_name = threading.current_thread().name
        self.edition = edition
        progress(1, 10)
        self.started.set()
        deadline = time.monotonic() + 60           # never hang the test run
        while time.monotonic() < deadline:
            if should_stop():
                self.stopped.set()
                raise InterruptedError("re-anchoring cancelled")
            if self.release.is_set():
                return REAL_REANCHOR(edition, witness_id, text, who, progress, should_stop)
            time.sleep(0.005)
        raise AssertionError("the worker was never stopped nor released")


REAL_REANCHOR = reanchor_panel.reanchor


def test_cancelling_the_progress_dialog_leaves_everything_untouched(seed_window, monkeypatch,
                                                                    qtbot):
    window, feature, _ids = seed_window
    slow = SlowReanchor()
    monkeypatch.setattr(reanchor_panel, "reanchor", slow)
    edition = window.doc.edition
    before_text, people = edition.text("typed"), set(edition.people)
    ticks = []
    seen = {}

    def tick():
        # the interface thread keeps running while the worker works
        ticks.append(1)
        dialog = feature.progress_dialog
        if slow.started.is_set() and len(ticks) > 3 and dialog is not None and \
                dialog.maximum() == 10:                     # the worker's progress arrived
            seen["label"] = dialog.labelText()
            seen["modality"] = dialog.windowModality()
            dialog.findChild(QPushButton).click()          # its Cancel button
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    try:
        result = feature.replace_witness_text("typed", corrected(before_text))
    finally:
        timer.stop()
    assert result is None
    assert slow.stopped.wait(10)                   # the worker saw should_stop()
    assert slow.thread_name == "variorum-reanchor"
    assert slow.edition is not edition             # it worked on a copy
    assert seen["modality"] == Qt.WindowModality.WindowModal
    assert "Placing the annotations" in seen["label"]
    assert edition.text("typed") == before_text and set(edition.people) == people
    assert window.doc.undo_stack.count() == 0
    assert "cancelled" in window.statusBar().currentMessage()
    assert not feature.busy and feature.progress_dialog is None


def test_a_change_made_while_the_worker_runs_is_never_overwritten(seed_window, monkeypatch):
    window, feature, ids = seed_window
    slow = SlowReanchor()
    monkeypatch.setattr(reanchor_panel, "reanchor", slow)
    edition = window.doc.edition
    before_text = edition.text("typed")

    def meanwhile():
        if not slow.started.is_set():
            QTimer.singleShot(10, meanwhile)
            return
        # something changes the live edition (the copy no longer matches it)
        window.doc.run(ops.set_status, ids["rongzhen"], "queried", who="",
                       comment="checked while the text was replaced")
        slow.release.set()
    QTimer.singleShot(10, meanwhile)
    assert feature.replace_witness_text("typed", corrected(before_text)) is None
    assert "changed while" in window.last_error[1]
    assert edition.text("typed") == before_text
    assert edition.annotations[ids["rongzhen"]].status == "queried"    # kept
    assert window.doc.undo_stack.count() == 1


def test_a_long_text_gives_the_same_result_as_re_anchoring_directly(seed_window):
    """The real re-anchoring, in the worker, on a text long enough to take a while: the
    edition ends as if ``reanchor`` had run on it directly."""
    window, feature, _ids = seed_window
    edition = window.doc.edition
    old = edition.text("typed")
    new = "\n\n".join([corrected(old)] * 13)               # about 110,000 characters
    direct = copy.deepcopy(edition)
    direct.person_for("Jane Doe", "editor", "JD")
    expected = REAL_REANCHOR(direct, "typed", new, who=direct.person_for("Jane Doe").id)
    report = feature.replace_witness_text("typed", new)
    assert report is not None and edition.text("typed") == new
    assert [(r.id, r.outcome, r.new_start, r.new_end, r.score) for r in report.results] == \
        [(r.id, r.outcome, r.new_start, r.new_end, r.score) for r in expected.results]
    for aid, ann in direct.annotations.items():
        mine = edition.annotations[aid]
        assert (mine.start, mine.end, mine.status, mine.anchoring) == \
            (ann.start, ann.end, ann.status, ann.anchoring)
    typed_pane = next(p for p in window.panes if p.witness_id == "typed")
    assert typed_pane.editor.toPlainText() == new
    assert set(listed(feature)) == {r.id for r in expected.for_review()
                                    if r.target == "annotation"} != set()


# -- read-only and hand-edited files ------------------------------------------------------------


def test_a_read_only_edition_refuses_a_replacement(seed_window):
    window, feature, ids = seed_window
    window.doc.read_only = True
    assert feature.replace_witness_text("typed", "new") is None
    assert "read-only" in window.statusBar().currentMessage()
    assert window.doc.undo_stack.count() == 0


def test_a_hand_edited_file_opens_with_the_dock_and_a_count(make_window, tmp_path):
    if not SEED_EDITION.exists():
        pytest.fail(f"the seed's edition is missing: {SEED_EDITION}")
    data = SEED_EDITION.read_bytes()
    # someone corrects the typed text in the XML by hand, leaving the annotations be
    old = b'<p xml:id="typed-p11">Peng Dehuai, Nie Rongzhen,'
    assert data.count(old) == 1
    data = data.replace(old, b'<p xml:id="typed-p11">Peng Dehuai, Nie Rongzen,')
    path = tmp_path / "hand-edited.variorum.xml"
    path.write_bytes(data)
    window = make_window(path)
    feature = window.features["reanchor_panel"]
    edition = window.doc.edition
    rongzhen = next(a for a in edition.annotations.values()
                    if a.anchoring is not None and a.anchoring.quote == "Rongzhen")
    assert edition.quote(rongzhen) == "Rongzen"
    assert listed(feature) == {rongzhen.id: "fuzzy"}
    assert feature.dock.isVisible()
    QTest.qWait(0)
    assert "1 annotation needs review (1 fuzzy, 0 orphaned)" in \
        window.statusBar().currentMessage()
    assert "1 to review" in feature.status_button.text()
    # a file with nothing to review leaves the dock closed
    clean = make_window(SEED_EDITION)
    assert not clean.features["reanchor_panel"].dock.isVisible()
    assert not clean.features["reanchor_panel"].status_button.isVisible()


def test_the_panes_find_every_annotation_after_a_paragraph_moved(seed_window):
    """A replacement may move annotations out of order; the panes' indexes follow, through
    undo and redo too."""
    window, feature, _ids = seed_window
    edition = window.doc.edition
    old = edition.text("typed")
    them = edition.annotations[mark_on(edition, "them")]
    start = old.rindex("\n\n", 0, them.start) + 2
    end = old.index("\n\n", them.end) + 2
    paragraph = old[start:end]
    new = paragraph + old[:start] + old[end:]                 # that paragraph comes first
    assert feature.replace_witness_text("typed", new) is not None
    assert them.start < len(paragraph) and new[them.start:them.end] == "them"
    typed_pane = next(p for p in window.panes if p.witness_id == "typed")

    def every_annotation_found() -> bool:
        return all(ann in typed_pane.index.overlapping(ann.start, ann.end)
                   for ann in edition.annotations_of("typed"))
    assert every_annotation_found()
    window.doc.undo_stack.undo()
    assert edition.text("typed") == old and every_annotation_found()
    window.doc.undo_stack.redo()
    assert edition.text("typed") == new and every_annotation_found()


def test_pasted_text_from_the_clipboard_and_return_to_go_to_the_pane(seed_window,
                                                                     monkeypatch):
    window, feature, ids = seed_window
    from PySide6.QtGui import QGuiApplication
    new_text = corrected(window.doc.edition.text("typed"))
    QGuiApplication.clipboard().setText(new_text.replace("\n", "\r\n"))

    def fake_exec(dialog):
        assert dialog.from_clipboard.isEnabled()
        dialog.witness.setCurrentIndex(dialog.witness.findData("typed"))
        dialog.from_clipboard.setChecked(True)
        return 1
    monkeypatch.setattr(ReplaceTextDialog, "exec", fake_exec)
    feature.act_replace.trigger()
    assert window.doc.edition.text("typed") == new_text
    assert window.doc.undo_stack.undoText().endswith("from the clipboard")
    # Return in the list goes to the pane, to pick words with the keyboard
    choose(feature, ids["proposal"])
    QTest.keyClick(feature.panel.table, Qt.Key.Key_Return)
    typed_pane = next(p for p in window.panes if p.witness_id == "typed")
    assert typed_pane.editor.hasFocus()
    assert typed_pane.cursor_position() == window.doc.edition.annotations[ids["proposal"]].start
