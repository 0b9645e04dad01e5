"""Differences of the alignment as proposals: stable ids, what counts as explained, which
kind is proposed, and the bulk proposal as one change."""

from __future__ import annotations

import pytest

from editor.align.alignment import Alignment
from editor.formats import native
from editor.model import Edition, Witness
from editor.model import operations as ops
from editor.review import proposals as props
from tests.conftest import SEED_EDITION, build_sample_edition


def align(e: Edition, a: str = "typed", b: str = "handwritten") -> Alignment:
    return Alignment.of(a, e.witnesses[a].text, b, e.witnesses[b].text)


def two_texts(typed: str, hand: str) -> Edition:
    e = Edition()
    e.add_witness(Witness("typed", "Typed", "typed", typed))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten", hand))
    return e


def by_words(diffs, words: str):
    return next(d for d in diffs if words in (d.a_words, d.b_words))


# -- ids -----------------------------------------------------------------------------------

def test_ids_are_stable_across_edits_elsewhere_and_swapped_panes():
    e = build_sample_edition()
    first = [d.id for d in props.differences(e, align(e))]
    assert len(first) == len(set(first)) == 3
    assert all(i.startswith("diff-") and len(i) == 17 for i in first)
    # the same pair compared the other way round
    swapped = [d.id for d in props.differences(e, align(e, "handwritten", "typed"))]
    assert sorted(swapped) == sorted(first)
    # typing elsewhere (an equal passage) does not change them
    ops.edit_text(e, "typed", 0, 1, "The a")
    ops.edit_text(e, "handwritten", 0, 1, "The a")
    assert [d.id for d in props.differences(e, align(e))] == first


def test_repeated_identical_differences_get_distinct_ids_and_words_matter():
    e = two_texts("one cat, two cat, red cat", "one dog, two dog, red cat")
    diffs = props.differences(e, align(e))
    assert [(d.a_words, d.b_words) for d in diffs] == [("cat", "dog"), ("cat", "dog")]
    assert diffs[0].id != diffs[1].id
    other = two_texts("one cat, two cat, red cat", "one dot, two dog, red cat")
    assert props.differences(other, align(other))[0].id != diffs[0].id


# -- explained ---------------------------------------------------------------------------------

def test_every_difference_of_the_seed_is_explained_by_its_marks():
    if not SEED_EDITION.exists():
        pytest.fail(f"the seed's edition is missing: {SEED_EDITION}")
    e = native.load(SEED_EDITION).edition
    alignment = align(e)
    assert len(props.differences(e, alignment)) >= 5
    assert props.unexplained(e, alignment) == []


def test_removing_or_rejecting_the_explaining_mark_leaves_the_difference_unexplained():
    e = build_sample_edition()
    alignment = align(e)
    absolutely = by_words(props.differences(e, alignment), "absolutely")
    (variant,) = props.explaining_annotations(e, absolutely)
    assert variant.kind == "variant"
    ops.set_status(e, variant.id, "rejected", "reviewer")
    assert absolutely in props.unexplained(e, alignment)
    assert props.explaining_annotations(e, absolutely, include_rejected=True) == [variant]
    ops.set_status(e, variant.id, "accepted", "reviewer")
    assert absolutely not in props.unexplained(e, alignment)
    ops.remove_annotations(e, [variant.id])
    assert absolutely in props.unexplained(e, alignment)


def test_a_note_at_the_place_of_missing_words_explains_them():
    e = two_texts("We met on 18 September in Beijing.", "We met in Beijing.")
    alignment = align(e)
    (diff,) = props.unexplained(e, alignment)
    point = e.witnesses["handwritten"].text.index("in Beijing")
    # a note one space away from the point still sits at it
    ops.add_annotation(e, "handwritten", point - 1, point - 1, "note", {"type": "editor"})
    assert props.unexplained(e, alignment) == []
    assert props.explaining_annotations(e, diff)[0].kind == "note"


def test_a_mark_next_to_missing_words_does_not_explain_them():
    e = two_texts("We met on 18 September in Beijing.", "We met in Beijing.")
    hand = e.witnesses["handwritten"].text
    start = hand.index("in")
    ops.add_annotation(e, "handwritten", start, start + 2, "sic")      # starts at the point
    assert len(props.unexplained(e, align(e))) == 1


def test_marking_explained_is_one_undoable_step_saved_in_the_file(assert_valid_tei):
    e = build_sample_edition()
    alignment = align(e)
    (diff,) = props.unexplained(e, alignment)
    change = props.set_explained(e, [diff.id])
    assert props.unexplained(e, alignment) == []
    data = native.to_bytes(e)
    assert_valid_tei(data)
    assert native.from_bytes(data).edition.explained == [diff.id]
    ops.undo(e, change)
    assert props.unexplained(e, alignment) == [diff]
    ops.redo(e, change)
    assert props.set_explained(e, [diff.id]).empty          # already explained
    props.set_explained(e, [diff.id], explained=False)
    assert e.explained == []


# -- proposals --------------------------------------------------------------------------------

def test_the_fitting_kind_for_each_shape_of_difference():
    e = build_sample_edition()
    diffs = props.differences(e, align(e))
    replace = by_words(diffs, "the issue we raised")
    p = props.proposal_for(replace)
    hand = e.witnesses["handwritten"].text
    assert (p.kind, p.witness, hand[p.start:p.end]) == \
        ("variant", "handwritten", "the issue we raised")
    typed = e.witnesses["typed"].text
    assert p.counterpart.witness == "typed" and \
        typed[p.counterpart.start:p.counterpart.end] == "this"

    only_hand = by_words(diffs, "absolutely")
    p = props.proposal_for(only_hand)
    assert (p.kind, p.witness, hand[p.start:p.end]) == ("addition", "handwritten", "absolutely")
    assert p.counterpart is None

    only_typed = next(d for d in diffs if d.op == "delete")
    p = props.proposal_for(only_typed, "deletion")
    assert (p.kind, p.witness) == ("deletion", "typed")
    assert "18 September" in typed[p.start:p.end]
    p = props.proposal_for(only_typed, "variant")
    assert p.witness == "typed" and p.counterpart.witness == "handwritten"
    assert p.counterpart.start == p.counterpart.end            # "only here"
    with pytest.raises(ValueError):
        props.proposal_for(only_typed, "sic")


def test_proposing_makes_proposed_annotations_that_explain_and_say_where_they_came_from():
    e = build_sample_edition()
    alignment = align(e)
    (diff,) = props.unexplained(e, alignment)
    change = props.propose(e, [props.proposal_for(diff)], who="jane-doe")
    (aid,) = change.after
    ann = e.annotations[aid]
    assert (ann.kind, ann.status, ann.resp) == ("variant", "proposed", "jane-doe")
    assert diff.id in ann.history[0].comment
    assert props.unexplained(e, alignment) == []
    ops.undo(e, change)
    assert aid not in e.annotations


def test_proposing_all_is_one_change_and_skips_what_was_rejected():
    e = build_sample_edition()
    for aid in list(e.annotations):
        ops.remove_annotations(e, [aid])
    alignment = align(e)
    diffs = props.unexplained(e, alignment)
    assert len(diffs) == 3
    first = props.propose(e, [props.proposal_for(diffs[0])])
    ops.set_status(e, next(iter(first.after)), "rejected", "reviewer")
    diffs = props.unexplained(e, alignment)
    assert len(diffs) == 3                          # the rejected proposal explains nothing
    proposals = [props.proposal_for(d) for d in diffs]
    assert props.rejected_twin(e, proposals[0]) is not None
    count = len(e.annotations)
    change = props.propose(e, proposals, "jane-doe", "Propose all")
    assert change.description == "Propose all"
    assert len(e.annotations) == count + 2
    assert len(props.unexplained(e, alignment)) == 1        # only the rejected one
    ops.undo(e, change)
    assert len(e.annotations) == count
    ops.redo(e, change)
    assert len(e.annotations) == count + 2
