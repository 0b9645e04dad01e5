"""Merging two copies of one edition: one-sided changes taken, histories united, true
conflicts kept for a decision and listed; the ``merge`` command and its exit status."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from editor.cli import main as cli_main
from editor.formats import native
from editor.model import Hand
from editor.model import operations as ops
from editor.review.merge import MergeError, merge_editions, united_history
from tests.conftest import ROOT, SEED_EDITION, build_sample_edition

T1, T2, T3, T4 = ("2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z", "2026-03-03T10:00:00Z",
                  "2026-03-04T10:00:00Z")


def copies():
    base = build_sample_edition()
    for ann in base.annotations.values():        # a fixed past, so that times order
        for event in ann.history:
            event.when = "2026-01-01T00:00:00Z"
    base.person_for("Ann Reviewer", "reviewer")
    base.person_for("Bob Checker", "reviewer")
    return copy.deepcopy(base), copy.deepcopy(base)


def decide(edition, aid, status, who, when, comment=""):
    ops.set_status(edition, aid, status, who, comment)
    edition.annotations[aid].history[-1].when = when


def modify(edition, aid, who, when, **changes):
    ops.update_annotation(edition, aid, who=who, **changes)
    edition.annotations[aid].history[-1].when = when


def ids(edition, kind):
    return [a.id for a in edition.sorted_annotations() if a.kind == kind]


def test_identical_copies_merge_to_the_same_edition():
    mine, theirs = copies()
    result = merge_editions(mine, theirs)
    assert result.conflicts == [] and result.added == [] and result.taken == []
    assert native.to_bytes(result.edition) == native.to_bytes(mine)


def test_one_sided_decisions_are_taken_from_either_side():
    mine, theirs = copies()
    addition, sic = ids(mine, "addition")[0], ids(mine, "sic")[0]
    decide(theirs, addition, "accepted", "ann-reviewer", T1)
    decide(mine, sic, "rejected", "bob-checker", T2, "it is the typist's error, not the author's")
    result = merge_editions(mine, theirs)
    merged = result.edition.annotations
    assert result.conflicts == []
    assert merged[addition].status == "accepted" and merged[addition].reviewers == ["ann-reviewer"]
    assert merged[sic].status == "rejected"
    assert result.taken == [addition]
    assert mine.annotations[addition].status == "proposed"          # inputs untouched


def test_both_deciding_the_same_way_unites_the_histories_in_time_order():
    mine, theirs = copies()
    aid = ids(mine, "addition")[0]
    decide(mine, aid, "accepted", "bob-checker", T2, "checked the scan")
    decide(theirs, aid, "accepted", "ann-reviewer", T1)
    result = merge_editions(mine, theirs)
    ann = result.edition.annotations[aid]
    assert result.conflicts == [] and ann.status == "accepted"
    assert [e.who for e in ann.history[1:]] == ["ann-reviewer", "bob-checker"]
    assert sorted(ann.reviewers) == ["ann-reviewer", "bob-checker"]


def test_deciding_differently_is_a_conflict_kept_for_a_decision(assert_valid_tei):
    mine, theirs = copies()
    aid = ids(mine, "addition")[0]
    decide(mine, aid, "accepted", "bob-checker", T1)
    decide(theirs, aid, "rejected", "ann-reviewer", T2, "no addition: the typist's own line")
    result = merge_editions(mine, theirs, who="bob-checker", when=T3)
    (conflict,) = result.conflicts
    line = conflict.line()
    assert line.startswith("conflict ") and aid in line
    assert "accepted by bob-checker" in line and "rejected by ann-reviewer" in line
    ann = result.edition.annotations[aid]
    assert ann.status == "queried"
    assert [e.status for e in ann.history] == ["proposed", "accepted", "rejected", "queried"]
    last = ann.history[-1]
    assert (last.action, last.who, last.when) == ("merged", "bob-checker", T3)
    assert "rejected by ann-reviewer" in last.comment
    # both decisions and their comments are kept, and the file is valid TEI
    data = native.to_bytes(result.edition)
    assert_valid_tei(data)
    back = native.from_bytes(data).edition.annotations[aid]
    assert "no addition: the typist's own line" in [e.comment for e in back.history]


def test_both_changing_the_claim_differently_is_a_conflict():
    mine, theirs = copies()
    aid = ids(mine, "addition")[0]
    modify(mine, aid, "bob-checker", T1, attrs={"hand": "hand-2", "place": "above"})
    modify(theirs, aid, "ann-reviewer", T2, attrs={"hand": "hand-1", "place": "margin"})
    result = merge_editions(mine, theirs)
    (conflict,) = result.conflicts
    assert "place=above" in conflict.mine and "place=margin" in conflict.theirs
    ann = result.edition.annotations[aid]
    assert ann.attrs["place"] == "above" and ann.status == "queried"
    assert "place=margin" in ann.history[-1].comment


def test_a_change_after_an_acceptance_elsewhere_needs_review_again():
    mine, theirs = copies()
    aid = ids(mine, "addition")[0]
    decide(mine, aid, "accepted", "bob-checker", T1)
    start = theirs.annotations[aid].start
    modify(theirs, aid, "gary-goldberg", T2, start=start + 3)       # "September" only
    result = merge_editions(mine, theirs)
    assert result.conflicts == []
    ann = result.edition.annotations[aid]
    assert ann.start == start + 3                           # the change is taken
    assert ann.status == "proposed"                         # the acceptance lapsed
    assert ann.history[-1].action == "merged" and "accepted an earlier version" in \
        ann.history[-1].comment
    assert result.combined == [aid]


def test_a_change_against_a_rejection_elsewhere_is_a_conflict():
    mine, theirs = copies()
    aid = ids(mine, "sic")[0]
    decide(theirs, aid, "rejected", "ann-reviewer", T1, "not an error")
    modify(mine, aid, "gary-goldberg", T2, note="August for September: a slip")
    result = merge_editions(mine, theirs)
    (conflict,) = result.conflicts
    assert "rejected by ann-reviewer" in conflict.theirs
    assert result.edition.annotations[aid].note == "August for September: a slip"
    assert result.edition.annotations[aid].status == "queried"


def test_new_annotations_of_both_sides_are_kept_even_with_the_same_id():
    mine, theirs = copies()
    theirs.hands["hand-3"] = Hand("hand-3", "Red crayon")
    text = mine.witnesses["typed"].text
    a = ops.add_annotation(mine, "typed", 0, 1, "unclear", who="bob-checker")
    b = ops.add_annotation(theirs, "typed", 2, 14, "addition", {"hand": "hand-3"},
                           who="ann-reviewer")
    (mine_id,), (theirs_id,) = a.after, b.after
    assert mine_id == theirs_id                                # both made "ann-4"
    mine.annotations[mine_id].history[0].when = T1
    theirs.annotations[theirs_id].history[0].when = T2
    result = merge_editions(mine, theirs)
    assert result.conflicts == []
    new_id = result.renamed[theirs_id]
    merged = result.edition.annotations
    assert merged[mine_id].kind == "unclear" and merged[new_id].kind == "addition"
    assert result.edition.quote(merged[new_id]) == text[2:14]
    assert "hand-3" in result.edition.hands                    # their hand came along
    assert new_id in result.added


def test_copies_with_different_texts_are_refused_clearly():
    mine, theirs = copies()
    ops.edit_text(theirs, "handwritten", 0, 1, "Our")
    with pytest.raises(MergeError, match="text of witness 'handwritten' differs.*character 0"):
        merge_editions(mine, theirs)


def test_differing_metadata_keeps_mine_and_is_listed_blanks_are_filled():
    mine, theirs = copies()
    theirs.metadata.title = "Another title"
    theirs.metadata.rights = "CC BY 4.0"
    result = merge_editions(mine, theirs)
    assert result.edition.metadata.title == "Window test"
    assert result.edition.metadata.rights == "CC BY 4.0"
    (conflict,) = result.conflicts
    assert conflict.subject == "metadata" and "Another title" in conflict.theirs


def test_united_history_keeps_each_event_once():
    mine, theirs = copies()
    aid = ids(mine, "addition")[0]
    decide(mine, aid, "queried", "bob-checker", T1, "which hand?")
    theirs.annotations[aid].history = copy.deepcopy(mine.annotations[aid].history)
    decide(theirs, aid, "queried", "ann-reviewer", T3, "pencil")
    decide(mine, aid, "queried", "gary-goldberg", T2, "the translator's")
    united = united_history(mine.annotations[aid].history, theirs.annotations[aid].history)
    assert [e.comment for e in united] == ["", "which hand?", "the translator's", "pencil"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 2),
                          st.sampled_from(["accepted", "rejected", "queried"])), max_size=6))
def test_merging_is_symmetric_in_what_conflicts(moves):
    mine, theirs = copies()
    order = sorted(mine.annotations)
    for n, (on_mine, which, status) in enumerate(moves):
        side = mine if on_mine else theirs
        decide(side, order[which], status, "ann-reviewer" if on_mine else "bob-checker",
               f"2026-03-{n + 1:02d}T00:00:00Z")
    one = merge_editions(mine, theirs)
    other = merge_editions(theirs, mine)
    assert sorted(c.subject for c in one.conflicts) == sorted(c.subject for c in other.conflicts)
    for aid in order:
        a, b = one.edition.annotations[aid], other.edition.annotations[aid]
        if aid not in {c.subject for c in one.conflicts}:
            assert a.status == b.status
            assert [e.when for e in a.history] == [e.when for e in b.history]


# -- the command --------------------------------------------------------------------------------

def test_the_merge_command_lists_conflicts_and_exits_1(tmp_path, capsys, assert_valid_tei):
    mine, theirs = copies()
    aid = ids(mine, "addition")[0]
    sic = ids(mine, "sic")[0]
    decide(mine, aid, "accepted", "bob-checker", T1)
    decide(theirs, aid, "rejected", "ann-reviewer", T2)
    decide(theirs, sic, "accepted", "ann-reviewer", T2)
    native.save(mine, tmp_path / "mine.xml")
    native.save(theirs, tmp_path / "theirs.xml")
    out = tmp_path / "out.xml"
    code = cli_main(["merge", str(tmp_path / "mine.xml"), str(tmp_path / "theirs.xml"),
                     "-o", str(out), "--who", "Carol Merger"])
    captured = capsys.readouterr()
    assert code == 1
    lines = [line for line in captured.out.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "conflict" in lines[0] and aid in lines[0]
    assert "accepted" in lines[0] and "rejected" in lines[0]
    assert_valid_tei(out)
    merged = native.load(out).edition
    assert merged.annotations[aid].status == "queried"
    assert merged.annotations[sic].status == "accepted"
    assert merged.annotations[aid].history[-1].who == "carol-merger"
    assert merged.person_name("carol-merger") == "Carol Merger"


def test_the_merge_command_exits_0_without_conflicts_and_2_on_different_texts(tmp_path, capsys):
    mine, theirs = copies()
    decide(theirs, ids(theirs, "sic")[0], "accepted", "ann-reviewer", T2)
    native.save(mine, tmp_path / "mine.xml")
    native.save(theirs, tmp_path / "theirs.xml")
    args = ["merge", str(tmp_path / "mine.xml"), str(tmp_path / "theirs.xml"), "-o",
            str(tmp_path / "out.xml")]
    assert cli_main(args) == 0
    assert "conflict" not in capsys.readouterr().out
    ops.edit_text(theirs, "typed", 0, 1, "Our")
    native.save(theirs, tmp_path / "theirs.xml")
    (tmp_path / "out.xml").unlink()
    assert cli_main(args) == 2
    err = capsys.readouterr().err
    assert "differs" in err and "Traceback" not in err
    assert not (tmp_path / "out.xml").exists()


def test_the_merge_command_runs_as_a_program_on_the_seed(tmp_path):
    if not SEED_EDITION.exists():
        pytest.fail(f"the seed's edition is missing: {SEED_EDITION}")
    seed = native.load(SEED_EDITION).edition
    seed.person_for("Ann Reviewer", "reviewer")
    mine, theirs = copy.deepcopy(seed), copy.deepcopy(seed)
    first = sorted(seed.annotations)[0]
    decide(mine, first, "accepted", "ann-reviewer", T1)
    decide(theirs, first, "queried", "ann-reviewer", T2, "really?")
    native.save(mine, tmp_path / "mine.xml")
    native.save(theirs, tmp_path / "theirs.xml")
    run = subprocess.run([sys.executable, "-m", "editor", "merge", str(tmp_path / "mine.xml"),
                          str(tmp_path / "theirs.xml"), "-o", str(tmp_path / "out.xml")],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1, run.stderr
    assert run.stdout.count("conflict") == 1 and first in run.stdout
