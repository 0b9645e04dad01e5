"""Review statuses in the model: decisions, the send-back-to-proposed rule, and the history
saved as ``revisionDesc/change`` (round trip, TEI validity)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from editor.formats import native
from editor.model import Anchoring, Edition, Span, Witness
from editor.model import operations as ops
from editor.review.state import acceptance_refusal, progress, step_through

TEXT = "The delegation arrived on 18 September and met the comrades at noon."


def edition_with_mark(status: str = "proposed") -> tuple[Edition, str]:
    e = Edition()
    e.add_witness(Witness("typed", "Typed", "typed", TEXT))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten", TEXT.replace("18 ", "")))
    author = e.person_for("Gary Goldberg", "translator").id
    reviewer = e.person_for("Ann Reviewer", "reviewer").id
    start = TEXT.index("18 September")
    change = ops.add_annotation(e, "typed", start, start + 12, "addition", {"hand": "h1"},
                                who=author)
    aid = next(iter(change.after))
    if status != "proposed":
        ops.set_status(e, aid, status, reviewer, f"{status} after checking the scan")
    return e, aid


# -- decisions ---------------------------------------------------------------------------

def test_a_decision_is_recorded_with_who_and_comment_and_undoes():
    e, aid = edition_with_mark()
    ann = e.annotations[aid]
    change = ops.set_status(e, aid, "queried", "ann-reviewer", "Which hand is this?")
    assert ann.status == "queried"
    last = ann.history[-1]
    assert (last.status, last.who, last.action, last.comment) == \
        ("queried", "ann-reviewer", "reviewed", "Which hand is this?")
    assert last.when.endswith("Z")
    assert ann.reviewers == ["ann-reviewer"]
    ops.undo(e, change)
    assert ann.status == "proposed" and len(ann.history) == 1
    ops.redo(e, change)
    assert ann.status == "queried" and ann.history[-1].comment == "Which hand is this?"


def test_the_same_status_again_records_only_a_comment():
    e, aid = edition_with_mark("queried")
    ann = e.annotations[aid]
    count = len(ann.history)
    assert ops.set_status(e, aid, "queried", "ann-reviewer").empty
    assert len(ann.history) == count
    ops.set_status(e, aid, "queried", "gary-goldberg", "It is Mikoyan's pencil.")
    assert len(ann.history) == count + 1 and ann.history[-1].comment == "It is Mikoyan's pencil."


def test_an_orphan_cannot_be_accepted_but_can_be_rejected():
    e, aid = edition_with_mark()
    ann = e.annotations[aid]
    ann.anchoring = Anchoring("orphaned", "18 September", ann.start, ann.end)
    ann.status = "orphaned"
    with pytest.raises(ValueError, match="orphaned"):
        ops.set_status(e, aid, "accepted", "ann-reviewer")
    assert acceptance_refusal(ann, "ann-reviewer", forbid_own=False)
    ops.set_status(e, aid, "rejected", "ann-reviewer", "the words are gone")
    assert ann.status == "rejected"


def test_accepting_a_fuzzy_placement_settles_it():
    e, aid = edition_with_mark()
    ann = e.annotations[aid]
    ann.anchoring = Anchoring("fuzzy", "18 Septembre", ann.start, ann.end, 0.8)
    ops.set_status(e, aid, "accepted", "ann-reviewer")
    assert ann.anchoring is None and ann.status == "accepted"


def test_authors_may_not_accept_their_own_unless_the_rule_is_off():
    e, aid = edition_with_mark()
    ann = e.annotations[aid]
    assert "yourself" in acceptance_refusal(ann, "gary-goldberg")
    assert acceptance_refusal(ann, "gary-goldberg", forbid_own=False) == ""
    assert acceptance_refusal(ann, "ann-reviewer") == ""


def test_progress_counts_queried_as_looked_at_and_proposed_as_open():
    e, aid = edition_with_mark()
    for n in range(3):
        ops.add_annotation(e, "typed", n, n + 1, "sic")
    ids = sorted(e.annotations)
    ops.set_status(e, ids[0], "accepted", "x")
    ops.set_status(e, ids[1], "rejected", "x")
    ops.set_status(e, ids[2], "queried", "x", "why?")
    p = progress(e.annotations.values())
    assert (p.total, p.reviewed, p.remaining) == (4, 3, 1)
    assert p.summary() == "3 of 4 reviewed (1 accepted, 1 rejected, 1 queried), 1 to go"


def test_step_through_skips_unwanted_and_does_not_wrap():
    order = ["a", "b", "c", "d"]
    wanted = {"b", "d"}.__contains__
    assert step_through(order, "a", 1, wanted) == "b"
    assert step_through(order, "b", 1, wanted) == "d"
    assert step_through(order, "d", 1, wanted) is None
    assert step_through(order, "d", -1, wanted) == "b"
    assert step_through(order, None, -1, wanted) == "d"
    assert step_through(order, None, 1, wanted) == "b"


# -- the send-back-to-proposed rule -----------------------------------------------------------

@pytest.mark.parametrize("changes", [
    {"attrs": {"hand": "h2"}},
    {"kind": "deletion"},
    {"start": TEXT.index("September"), "end": TEXT.index("September") + 9},
    {"note": "in pencil"},
    {"cert": "low"},
    {"counterpart": Span("handwritten", 0, 3)},
])
def test_changing_an_accepted_claim_sends_it_back_to_proposed(changes):
    e, aid = edition_with_mark("accepted")
    ann = e.annotations[aid]
    change = ops.update_annotation(e, aid, who="gary-goldberg", **changes)
    assert ann.status == "proposed"
    last = ann.history[-1]
    assert (last.status, last.action, last.who) == ("proposed", "modified", "gary-goldberg")
    assert "sent back to proposed" in last.comment
    ops.undo(e, change)
    assert ann.status == "accepted" and ann.history[-1].action == "reviewed"


def test_crediting_someone_else_is_not_a_new_claim():
    e, aid = edition_with_mark("accepted")
    ops.update_annotation(e, aid, who="gary-goldberg", resp="ann-reviewer")
    ann = e.annotations[aid]
    assert ann.status == "accepted"
    assert ann.history[-1].action == "modified"


@pytest.mark.parametrize("status", ["rejected", "queried"])
def test_rejected_and_queried_keep_their_status_when_changed(status):
    e, aid = edition_with_mark(status)
    ops.update_annotation(e, aid, who="gary-goldberg", attrs={"hand": "h2"})
    assert e.annotations[aid].status == status


def test_changing_the_words_under_an_accepted_mark_sends_it_back():
    e, aid = edition_with_mark("accepted")
    ann = e.annotations[aid]
    inside = ann.start + 3                       # "18 S|eptember"
    change = ops.edit_text(e, "typed", inside, inside + 1, "z", who="gary-goldberg")
    assert ann.status == "proposed"
    assert ann.history[-1].action == "modified" and "words" in ann.history[-1].comment
    ops.undo(e, change)
    assert ann.status == "accepted"


def test_typing_at_the_edge_of_an_accepted_mark_keeps_it_accepted():
    e, aid = edition_with_mark("accepted")
    ann = e.annotations[aid]
    ops.edit_text(e, "typed", ann.end, ann.end, ",")        # after "September"
    ops.edit_text(e, "typed", ann.start, ann.start, "on ")   # before "18"
    assert ann.status == "accepted"
    assert e.quote(ann) == "18 September"


# -- the history in the file ----------------------------------------------------------------

def test_history_round_trips_and_validates_as_tei(assert_valid_tei):
    e, aid = edition_with_mark("accepted")
    ops.update_annotation(e, aid, who="gary-goldberg", attrs={"hand": "h2"})
    ops.set_status(e, aid, "queried", "ann-reviewer", "Pencil or ink? <see scan> & “page 2”")
    ops.set_status(e, aid, "rejected", "ann-reviewer", "Ink: a later hand.\nSecond line.")
    data = native.to_bytes(e)
    assert_valid_tei(data)
    assert b"<revisionDesc status=\"rejected\">" in data
    back = native.from_bytes(data).edition.annotations[aid]
    assert back.status == "rejected"
    assert [(h.status, h.who, h.when, h.action, h.comment) for h in back.history] == \
        [(h.status, h.who, h.when, h.action, h.comment) for h in e.annotations[aid].history]


_comment = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["accepted", "rejected", "queried", "proposed"]),
                          st.sampled_from(["ann-reviewer", "gary-goldberg", ""]), _comment),
                max_size=8))
def test_any_sequence_of_decisions_survives_a_round_trip(decisions):
    e, aid = edition_with_mark()
    for status, who, comment in decisions:
        ops.set_status(e, aid, status, who, comment)
    back = native.from_bytes(native.to_bytes(e)).edition.annotations[aid]
    ann = e.annotations[aid]
    assert back.status == ann.status
    assert [(h.status, h.who, h.when, h.action, h.comment) for h in back.history] == \
        [(h.status, h.who, h.when, h.action, h.comment) for h in ann.history]


def test_the_review_package_and_its_commands_work_without_qt():
    import subprocess
    import sys
    import textwrap
    from tests.conftest import ROOT
    script = textwrap.dedent("""
        import sys
        sys.modules["PySide6"] = None          # any import of PySide6 now fails
        from editor.review import merge, proposals, report, state
        from editor.cli import merge_cmd, review_cmd
        from tests.conftest import build_sample_edition
        e = build_sample_edition()
        assert report.review_report(e)["total"] == 3
        assert merge.merge_editions(e, e).conflicts == []
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_changing_the_words_of_a_counterpart_sends_an_accepted_variant_back():
    from editor.model import Edition, Span, Witness
    from editor.model import operations as ops
    e = Edition()
    e.add_witness(Witness("typed", text="we pursue work against them"))
    e.add_witness(Witness("handwritten", text="we speak out against them"))
    t = e.witnesses["typed"].text
    ops.add_annotation(e, "handwritten", 3, 12, "variant", annotation_id="v",
                       counterpart=Span("typed", t.index("pursue"), t.index(" against")))
    ops.set_status(e, "v", "accepted", "reviewer")
    i = t.index("work")
    ops.edit_text(e, "typed", i, i + 4, "labour")        # inside the counterpart
    ann = e.annotations["v"]
    assert ann.status == "proposed"
    assert "counterpart" in ann.history[-1].comment
    assert e.text("typed")[ann.counterpart.start:ann.counterpart.end] == "pursue labour"
