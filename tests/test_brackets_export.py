"""Writing editions that did not come from brackets: canonical wording for every kind,
differences nobody marked, review status, marks that cannot nest."""

from __future__ import annotations

import pytest

from editor.formats.brackets import export_brackets, parse_brackets
from editor.formats.brackets_classify import Context, classify
from editor.formats.brackets_export import canonical_form
from editor.formats.registry import ExportOptions
from editor.model.annotation import Anchoring, Annotation, Span
from editor.model.edition import Edition, Hand, Witness
from editor.model.operations import add_annotation, edit_text

TYPED = "The commission met on Monday and approved the plan."
HANDWRITTEN = "The commission met on Monday and approved the plan."


def two_witnesses(typed=TYPED, handwritten=HANDWRITTEN) -> Edition:
    e = Edition()
    e.add_witness(Witness("typed", "Typed", "typed", typed))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten", handwritten))
    e.hands["hand-1"] = Hand("hand-1", "A hand")
    return e


def body(edition, **options) -> str:
    return export_brackets(edition, ExportOptions(**options)).decode("utf-8").rstrip("\n")


def mark(edition, witness, words, kind, **kwargs):
    text = edition.text(witness)
    start = text.index(words)
    add_annotation(edition, witness, start, start + len(words), kind, **kwargs)


CASES = [
    ("typed", "Monday", "addition", {"hand": "hand-1"}, "[inserted by hand: Monday]"),
    ("typed", "Monday", "addition", {}, "[inserted: Monday]"),
    ("typed", "Monday", "addition", {"place": "margin"}, "[in the margin: Monday]"),
    ("typed", "Monday", "deletion", {}, "[crossed out: Monday]"),
    ("typed", "Monday", "supplied", {}, "[Monday]"),
    ("typed", "met on", "unclear", {}, "[unclear: met on]"),
    ("typed", "Monday", "sic", {}, "Monday [sic]"),
    ("typed", "Monday", "sic", {"corr": "Tuesday"}, "Monday [sic: Tuesday]"),
    ("typed", "Monday", "expansion", {"expan": "Mon."}, "Monday [expanded: Mon.]"),
    ("typed", "Monday", "substitution", {"split": "3"}, "[substitution: Mon|day]"),
    ("typed", "Monday", "variant", {}, "[not in the handwritten version: Monday]"),
]


@pytest.mark.parametrize("witness, words, kind, attrs, written", CASES)
def test_canonical_wording_of_marks_of_the_base_text(witness, words, kind, attrs, written):
    e = two_witnesses()
    mark(e, witness, words, kind, attrs=attrs)
    assert written in body(e)


@pytest.mark.parametrize("witness, words, kind, attrs, written",
                         [c for c in CASES if c[2] != "variant"])   # a variant needs two texts
def test_canonical_wording_reads_back_as_the_same_mark(witness, words, kind, attrs, written):
    e = Edition()
    e.add_witness(Witness("typed", "Typed", "typed", TYPED))
    e.hands["hand-1"] = Hand("hand-1", "A hand")
    mark(e, witness, words, kind, attrs=attrs)
    again = parse_brackets(body(e)).edition
    assert again.text("typed") == TYPED
    (ann,) = again.annotations.values()
    original = next(iter(e.annotations.values()))
    assert (ann.kind, ann.start, ann.end) == (original.kind, original.start, original.end)
    for name in ("corr", "expan", "place", "split"):
        assert ann.attrs.get(name) == original.attrs.get(name)


@pytest.mark.parametrize("kind, attrs, note, written", [
    ("note", {"type": "translator"}, "a remark", "[Translator's note: a remark]"),
    ("note", {"type": "editor"}, "x", "[Ed. note: x]"),
    ("note", {"type": "author"}, "x", "[Author's note: x]"),
    ("note", {}, "x", "[Note: x]"),
    ("gap", {"reason": "illegible"}, "", "[illegible]"),
    ("gap", {"reason": "illegible", "extent": "two words"}, "", "[two words illegible]"),
    ("gap", {"reason": "omitted"}, "", "[...]"),
    ("gap", {"reason": "damage"}, "", "[damaged]"),
    ("remark", {}, "[page 4]", "[page 4]"),
    ("remark", {}, "check the original", "[check the original]"),
    ("remark", {}, "to the", "[Remark: to the]"),           # would read as supplied words
    ("remark", {}, "a [bad] note]", "[Remark: a (bad) note)]"),
])
def test_points(kind, attrs, note, written):
    e = two_witnesses()
    at = TYPED.index(" and")
    add_annotation(e, "typed", at, at, kind, attrs=attrs, note=note)
    text = body(e)
    assert f"Monday {written} and" in text
    again = parse_brackets(text).edition
    assert again.text("typed") == TYPED
    (ann,) = again.annotations.values()
    assert (ann.kind, ann.start) == (kind, at)


def test_marks_of_the_handwritten_passages():
    e = two_witnesses(handwritten="The commission met on Monday and quickly approved the plan.")
    mark(e, "handwritten", "quickly", "addition", attrs={"hand": "hand-1"})
    assert "and [inserted by hand in the handwritten version: quickly] approved" in body(e)
    e = two_witnesses(handwritten="The commission met on Monday and quickly approved the plan.")
    mark(e, "handwritten", "quickly", "deletion")
    assert "and [deleted in the handwritten version: quickly] approved" in body(e)


def test_differences_nobody_marked_are_written_as_readings():
    e = two_witnesses(handwritten="The commission met on Tuesday and approved the new plan.")
    text = body(e)
    assert "[not in the handwritten version: Monday] [in the handwritten version: Tuesday]" in text
    assert "the [in the handwritten version: new] plan" in text
    again = parse_brackets(text).edition
    assert again.text("typed") == e.text("typed")
    assert again.text("handwritten") == e.text("handwritten")


def test_an_edited_import_exports_its_edits():
    e = parse_brackets("We met [in the handwritten version: again] today [to the] end.").edition
    typed = e.text("typed")
    edit_text(e, "typed", typed.index("today"), typed.index("today") + 5, "yesterday")
    text = body(e)
    assert "[to the]" in text and "[in the handwritten version: again]" in text
    again = parse_brackets(text).edition
    assert again.text("typed") == e.text("typed")
    assert again.text("handwritten") == e.text("handwritten")


def test_an_imported_bracket_keeps_its_wording_until_its_kind_changes():
    e = parse_brackets("A [handwritten: signed] B [SIC] C.").edition
    assert body(e) == "A [handwritten: signed] B [SIC] C."
    addition = next(a for a in e.annotations.values() if a.kind == "addition")
    addition.kind = "deletion"
    assert body(e).startswith("A [crossed out by hand: signed]")


def test_rejected_marks_are_left_out_unless_asked():
    e = two_witnesses()
    mark(e, "typed", "Monday", "supplied", status="rejected")
    assert "[Monday]" not in body(e)
    assert "[Monday]" in body(e, include_rejected=True)


def test_a_rejected_handwritten_passage_still_reaches_the_text():
    e = two_witnesses(handwritten="The commission met on Monday and quickly approved the plan.")
    mark(e, "handwritten", "quickly", "variant", status="rejected")
    again = parse_brackets(body(e)).edition
    assert again.text("handwritten") == e.text("handwritten")


def test_marks_that_cross_are_split():
    e = two_witnesses()
    mark(e, "typed", "met on", "unclear")
    mark(e, "typed", "on Monday", "deletion")
    text = body(e)
    assert "[unclear: met [crossed out: on]] [crossed out: Monday]" in text
    again = parse_brackets(text).edition
    assert again.text("typed") == TYPED


def test_a_bracket_never_starts_or_ends_on_a_space():
    e = two_witnesses()
    mark(e, "typed", " on Monday ", "deletion")
    text = body(e)
    assert "met [crossed out: on Monday] and" in text
    assert parse_brackets(text).edition.text("typed") == TYPED


def test_a_substitution_that_crosses_a_mark_becomes_words_and_a_remark():
    e = two_witnesses()
    mark(e, "typed", "met on", "substitution", attrs={"split": "3"})
    mark(e, "typed", "on Monday", "deletion")
    text = body(e)
    assert "[Remark: a substitution over “met on”]" in text
    assert parse_brackets(text).edition.text("typed") == TYPED


def test_handwritten_marks_on_shared_words_become_remarks():
    e = two_witnesses()
    mark(e, "handwritten", "approved", "unclear", note="faint")
    text = body(e)
    assert "[handwritten version, unclear: “approved”, faint]" in text
    again = parse_brackets(text).edition
    assert again.text("typed") == TYPED


def test_orphaned_marks_are_kept_as_remarks():
    e = two_witnesses()
    ann = Annotation("ann-9", "typed", 3, 3, "supplied", status="orphaned",
                     anchoring=Anchoring("orphaned", "lost words", 3, 13))
    e.add_annotation(ann)
    assert "[orphaned supplied: “lost words”]" in body(e)


def test_a_paragraph_of_its_own():
    e = Edition()
    e.add_witness(Witness("typed", "Typed", "typed", "First.\n\nSecond."))
    add_annotation(e, "typed", len("First.") + 1, len("First.") + 1, "remark", note="[page 2]")
    assert body(e) == "First.\n\n[page 2]\n\nSecond."


def test_a_variant_tied_at_a_point_is_a_remark():
    e = two_witnesses()
    add_annotation(e, "typed", 3, 3, "variant", counterpart=Span("handwritten", 3, 3))
    assert "[Remark: a variant here]" in body(e)


def test_choosing_witnesses():
    e = two_witnesses(handwritten="The commission met.")
    assert body(e, witness="handwritten").startswith("The commission met")
    assert "[in the typed version: " in body(e, witness="handwritten")
    single = Edition()
    single.add_witness(Witness("w", "W", "other", "Only text."))
    assert body(single) == "Only text."
    assert body(Edition()) == ""


def test_every_canonical_form_reads_back_as_its_kind():
    from editor.model.kinds import KIND_IDS
    other = Witness("handwritten", "Handwritten", "handwritten", "")
    for kind in KIND_IDS:
        for role in ("base", "other"):
            ann = Annotation("ann-1", "typed", 0, 5, kind, {"split": "2", "expan": "x",
                                                           "corr": "y"}, "n")
            form = canonical_form(ann, role, other)
            if form.style == "wrap" and form.open:
                inner = (form.open + "words" + form.close)[1:-1]
            else:
                inner = form.close[1:-1]
            if kind == "substitution":
                inner = inner.replace("words", "wo|rds")
            reading = classify(inner, Context(" ", " "))
            assert reading.kind == kind, (kind, role, inner)
