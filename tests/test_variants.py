"""The variant table: differences from the alignment and from the annotations, one place
once, with the right kind; the ``variorum variants`` command."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.align.alignment import Alignment
from editor.align.variants import (VARIANT_KINDS, choose_pair, counts, variance_by_paragraph,
                                   variant_table)
from editor.cli import main
from editor.errors import VariorumError
from editor.formats import native
from editor.model import Edition, Span, Witness
from editor.model import operations as ops
from tests.conftest import SEED_EDITION


def two(typed: str, hand: str) -> Edition:
    e = Edition()
    e.add_witness(Witness("typed", "Typed", "typed", typed))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten", hand))
    return e


def mark(e: Edition, wid: str, words: str, kind: str, occurrence: int = 0, **kwargs):
    text = e.text(wid)
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    change = ops.add_annotation(e, wid, start, start + len(words), kind, **kwargs)
    return next(aid for aid in change.after if aid in e.annotations)


def entry_with(variants, words: str):
    found = [v for v in variants if any(words in r for r in v.readings.values())]
    assert len(found) == 1, f"{words!r} is in {len(found)} entries: {found}"
    return found[0]


# -- the seed ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_variants():
    if not SEED_EDITION.exists():
        pytest.fail(f"the seed's edition is missing: {SEED_EDITION}")
    return variant_table(native.load(SEED_EDITION).edition)


@pytest.mark.parametrize("words, kind, witness", [
    ("absolutely", "variant", "handwritten"),
    ("the issue we raised", "variant", "handwritten"),
    ("speak out", "variant", "handwritten"),
    ("and the CC plenum", "addition", "handwritten"),
    ("We completely disagree with such an assessment", "cancelled-addition", "handwritten"),
    ("reprisals against honest Party members are halted", "deletion", "handwritten"),
    ("18 September", "addition", "typed"),
])
def test_seed_lists_each_difference_once_with_its_kind(seed_variants, words, kind, witness):
    v = entry_with(seed_variants, words)
    assert (v.kind, v.witness) == (kind, witness)
    other = "typed" if witness == "handwritten" else "handwritten"
    assert v.readings[other] == ""                  # the other version lacks these words
    s, e = v.ranges[other]
    assert s == e
    assert v.annotations                           # it comes from the editor's marks


def test_seed_entries_carry_hand_and_note(seed_variants):
    plenum = entry_with(seed_variants, "and the CC plenum")
    assert plenum.hand == "hand-draft" and plenum.hand_label
    crossed = entry_with(seed_variants, "We completely disagree")
    # the addition, the deletion and the translator's note beside the gap in the typed text
    assert len(crossed.annotations) == 3
    assert "crossed out" in crossed.note
    assert crossed.readings["handwritten"] == "We completely disagree with such an assessment"


def test_seed_table_is_in_typed_document_order(seed_variants):
    starts = [v.ranges["typed"][0] for v in seed_variants]
    assert starts == sorted(starts)
    assert [v.number for v in seed_variants] == list(range(1, len(seed_variants) + 1))


# -- kinds ----------------------------------------------------------------------------------------


def test_unmarked_differences_come_from_the_alignment():
    e = two("We said that the facts show a situation.",
            "We said that the known facts show an unhealthy situation.")
    variants = variant_table(e)
    known = entry_with(variants, "known")
    assert (known.kind, known.witness, known.source) == ("addition", "handwritten", "alignment")
    assert known.annotations == [] and known.hand == ""
    changed = entry_with(variants, "unhealthy")
    assert changed.kind == "variant" and changed.witness == ""
    assert changed.readings == {"typed": "a", "handwritten": "an unhealthy"}
    lacking = variant_table(two("one two three", "one three"))
    assert [(v.kind, v.witness, v.readings["typed"]) for v in lacking] == \
        [("addition", "typed", "two")]


def test_a_mark_absorbs_the_alignment_difference_on_its_words():
    e = two("We still do not have a final opinion.",
            "We completely disagree with such an assessment We still do not have a final "
            "opinion.")
    added = mark(e, "handwritten", "We completely disagree with such an assessment", "addition",
                 attrs={"hand": "h1"})
    struck = mark(e, "handwritten", "We completely disagree with such an assessment", "deletion")
    variants = variant_table(e)
    assert len(variants) == 1          # not a second row for the alignment's own cut
    v = variants[0]
    assert v.kind == "cancelled-addition" and v.source == "both"
    assert v.annotations == [added, struck]
    # the alignment put the insertion after the first "We"; the marks decide where it is
    assert v.readings["handwritten"] == "We completely disagree with such an assessment"
    assert v.ranges["typed"] == (0, 0)
    assert v.hand == "h1"


def test_substitution_and_deletion_kinds():
    e = two("and read the old new agenda", "and read the old new agenda")
    sid = mark(e, "typed", "old new", "substitution", attrs={"split": "4"})
    did = mark(e, "handwritten", "read", "deletion", attrs={"hand": "h2"})
    variants = variant_table(e)
    assert [(v.kind, v.witness, v.annotations) for v in variants] == \
        [("deletion", "handwritten", [did]), ("substitution", "typed", [sid])]
    # both versions have the words: each reading is shown
    assert variants[1].readings == {"typed": "old new", "handwritten": "old new"}


def test_a_variant_marked_in_both_witnesses_is_one_entry():
    e = two("they would not pursue work against them", "they would not speak out against them")
    t = e.text("typed").index("pursue work")
    h = e.text("handwritten").index("speak out")
    a1 = mark(e, "typed", "pursue work", "variant", counterpart=Span("handwritten", h, h + 9))
    a2 = mark(e, "handwritten", "speak out", "variant", counterpart=Span("typed", t, t + 11))
    variants = variant_table(e)
    assert len(variants) == 1
    assert variants[0].annotations == [a1, a2]
    assert variants[0].readings == {"typed": "pursue work", "handwritten": "speak out"}


def test_marks_inside_one_replacement_get_their_own_counterparts():
    e = two("The commission approved the plan and closed the meeting.",
            "The commission approved the plan without discussion and after a short debate "
            "closed the meeting.")
    mark(e, "handwritten", "without discussion", "deletion")
    mark(e, "handwritten", "after a short debate", "addition")
    variants = variant_table(e)
    typed = e.text("typed")
    by_reading = {v.readings["handwritten"]: v for v in variants}
    assert set(by_reading) == {"without discussion", "after a short debate"}
    gap1 = by_reading["without discussion"].ranges["typed"]
    gap2 = by_reading["after a short debate"].ranges["typed"]
    assert gap1 == (typed.index("and"),) * 2                  # before "and"
    assert gap2 == (typed.index("and") + 3,) * 2              # after it


def test_a_mark_on_part_of_a_replacement_cuts_it():
    # the alignment sees "a" replaced by "an absolutely unhealthy"; the mark on
    # "absolutely" must not swallow "an" and "unhealthy", nor list "absolutely" twice
    e = two("the facts show a situation", "the facts show an absolutely unhealthy situation")
    aid = mark(e, "handwritten", "absolutely", "variant")
    rows = [(v.kind, v.readings["typed"], v.readings["handwritten"], v.annotations)
            for v in variant_table(e)]
    assert rows == [("variant", "a", "an", []), ("variant", "", "absolutely", [aid]),
                    ("addition", "", "unhealthy", [])]


def test_notes_beside_a_gap_explain_it_but_unrelated_notes_do_not():
    e = two("The plenum ended. We still do not know.",
            "The plenum ended. Nothing changed. We still do not know.")
    mark(e, "handwritten", "Nothing changed.", "addition")
    typed = e.text("typed")
    at = typed.index("We") - 1
    noted = ops.add_annotation(e, "typed", at, at, "note", {"type": "translator"},
                               note="the draft adds a sentence here")
    far = typed.index("know")
    ops.add_annotation(e, "typed", far, far, "note", note="unrelated")
    variants = variant_table(e)
    assert len(variants) == 1
    v = variants[0]
    assert v.note == "the draft adds a sentence here"
    assert next(iter(noted.after)) in v.annotations


def test_rejected_annotations_are_left_out_unless_asked_for():
    e = two("one two three", "one two three")
    aid = mark(e, "typed", "two", "deletion")
    ops.set_status(e, aid, "rejected")
    assert variant_table(e) == []
    assert [v.annotations for v in variant_table(e, include_rejected=True)] == [[aid]]


def test_a_given_alignment_is_used_in_either_order():
    e = two("a b c d", "a x c d e")
    direct = [v.as_dict() for v in variant_table(e)]
    backwards = Alignment.of("handwritten", e.text("handwritten"), "typed", e.text("typed"))
    assert [v.as_dict() for v in variant_table(e, alignment=backwards)] == direct


def test_choose_pair():
    e = two("a", "b")
    e.add_witness(Witness("printed", "Printed", "printed", "c"))
    assert choose_pair(e) == ("typed", "handwritten")
    assert choose_pair(e, ["printed", "typed"]) == ("printed", "typed")
    for bad in (["typed"], ["typed", "typed"], ["typed", "nope"]):
        with pytest.raises(VariorumError):
            choose_pair(e, bad)
    lone = Edition()
    lone.add_witness(Witness("typed", text="x"))
    with pytest.raises(VariorumError, match="fewer than two"):
        variant_table(lone)


def test_counts_and_variance_by_paragraph():
    e = two("One two.\n\nThree four five.\n\nSix.", "One two.\n\nThree for five six.\n\nSix.")
    mark(e, "handwritten", "six", "addition", attrs={"hand": "h1"})
    variants = variant_table(e)
    figures = counts(variants)
    assert figures["by_kind"] == {"addition": 1, "variant": 1}
    assert figures["by_hand"] == {"": {"variant": 1}, "h1": {"addition": 1}}
    assert figures["by_paragraph"] == {2: {"addition": 1, "variant": 1}}
    rows = variance_by_paragraph(e.text("typed"), variants, "typed")
    assert [r.count for r in rows] == [0, 2, 0]
    assert rows[1].density > 0 == rows[0].density
    assert rows[1].first is variants[0]
    assert [(r.start, r.end) for r in rows] == [(0, 8), (10, 26), (28, 32)]


# -- properties -------------------------------------------------------------------------------

WORDS = st.sampled_from(["a", "b", "c", "dd", "e", "𝔄", ",", "."])
TEXTS = st.lists(WORDS, max_size=14).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(TEXTS, TEXTS, st.lists(st.tuples(st.booleans(), st.integers(0, 40), st.integers(0, 6),
                                        st.sampled_from(["addition", "deletion", "variant",
                                                         "substitution", "note"])),
                              max_size=5))
def test_every_mark_listed_once_and_readings_match_ranges(typed, hand, marks):
    e = two(typed, hand)
    ids = []
    for in_typed, start, length, kind in marks:
        wid = "typed" if in_typed else "handwritten"
        text = e.text(wid)
        start = min(start, len(text))
        end = min(start + length, len(text))
        if end == start and kind != "note":
            continue
        change = ops.add_annotation(e, wid, start, end, kind)
        if kind != "note":
            ids.extend(aid for aid in change.after if aid in e.annotations)
    variants = variant_table(e)
    listed = [aid for v in variants for aid in v.annotations]
    assert len(listed) == len(set(listed))                  # no annotation twice
    assert set(ids) <= set(listed)                          # every difference mark once
    for v in variants:
        assert v.kind in VARIANT_KINDS
        for wid, (s, end) in v.ranges.items():
            assert 0 <= s <= end <= len(e.text(wid))
            assert v.readings[wid] == e.text(wid)[s:end]
    keys = [(v.ranges["typed"][0], v.ranges["typed"][1]) for v in variants]
    assert keys == sorted(keys)
    if not ids:
        # without marks, the table is the alignment's differences, one row each
        alignment = Alignment.of("typed", typed, "handwritten", hand)
        assert len(variants) == len(alignment.differences)


# -- the command --------------------------------------------------------------------------------


@pytest.fixture()
def edition_file(tmp_path):
    e = two("We said that the facts show a situation.",
            "We said that the known facts show an absolutely unhealthy situation.")
    mark(e, "handwritten", "absolutely", "variant", note="a, b \"quoted\"")
    path = tmp_path / "e.variorum.xml"
    native.save(e, path)
    return path


def test_command_json_has_the_promised_keys(edition_file, capsys):
    assert main(["variants", str(edition_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == 4
    for item in data:
        assert {"kind", "readings", "ranges", "hand", "note", "annotations"} <= set(item)
        assert set(item["readings"]) == {"typed", "handwritten"}
        assert all(len(r) == 2 for r in item["ranges"].values())
    assert [(d["kind"], d["readings"]["handwritten"]) for d in data] == [
        ("addition", "known"), ("variant", "an"), ("variant", "absolutely"),
        ("addition", "unhealthy")]
    assert data[2]["annotations"] and data[2]["note"] == 'a, b "quoted"'


def test_command_csv_and_text(edition_file, capsys):
    assert main(["variants", str(edition_file), "--csv", "--witnesses",
                 "handwritten,typed"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["handwritten"] == "known" and rows[0]["typed"] == ""
    assert any(r["note"] == 'a, b "quoted"' for r in rows)
    assert main(["variants", str(edition_file)]) == 0
    out = capsys.readouterr().out
    assert "absolutely" in out and "4 differences between Typed and Handwritten" in out


def test_command_errors_are_one_line(edition_file, tmp_path, capsys):
    assert main(["variants", str(edition_file), "--witnesses", "typed,nope"]) == 1
    assert "no witness 'nope'" in capsys.readouterr().err
    assert main(["variants", str(tmp_path / "missing.xml")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err
