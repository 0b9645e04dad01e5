"""Plain-text export of a witness: transcribed, clean and diplomatic readings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.errors import VariorumError
from editor.formats.plaintext import export_text
from editor.formats.registry import ExportOptions, exporter
from editor.model.edition import Edition, Witness
from editor.model.operations import add_annotation, set_status

TYPED = ("TOP SECRET 𝔄\n\nToday we talked with Nie Rongzhen about teh situation, which is "
         "absolutely unhealthy.\nA second line.\n\nWe agreed.")
HAND = "Today we spoke with Nie about the situation."


def _at(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


@pytest.fixture()
def edition() -> Edition:
    e = Edition()
    e.add_witness(Witness("typed", "Typed", "typed", TYPED))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten", HAND))
    add_annotation(e, "typed", *_at(TYPED, "Rongzhen"), "supplied", annotation_id="sup")
    add_annotation(e, "typed", *_at(TYPED, "absolutely "), "deletion", annotation_id="del")
    add_annotation(e, "typed", *_at(TYPED, "unhealthy"), "addition", {"hand": "h1"},
                   annotation_id="add")
    add_annotation(e, "typed", *_at(TYPED, "teh"), "sic", {"corr": "the"}, annotation_id="sic")
    end = _at(TYPED, "situation")[1]
    add_annotation(e, "typed", end, end, "note", {"type": "translator"},
                   note="Underlined in the original.", annotation_id="note")
    return e


def text_of(edition: Edition, **options) -> str:
    return export_text(edition, ExportOptions(**options)).decode("utf-8")


def test_transcribed_is_the_witness_text_exactly(edition):
    assert text_of(edition) == TYPED
    assert text_of(edition, reading="transcribed", witness="handwritten") == HAND
    assert export_text(edition) == TYPED.encode("utf-8")     # no BOM, nothing added


def test_the_registry_finds_the_text_exporter(edition):
    assert exporter("text") is export_text


def test_clean_reading(edition):
    clean = text_of(edition, reading="clean")
    assert clean == ("TOP SECRET 𝔄\n\nToday we talked with Nie [Rongzhen] about the situation, "
                     "which is unhealthy.\nA second line.\n\nWe agreed.")


def test_diplomatic_reading(edition):
    diplomatic = text_of(edition, reading="diplomatic")
    assert "Nie [Rongzhen]" in diplomatic
    assert "⟦absolutely ⟧⸢unhealthy⸣." in diplomatic
    assert "teh [sic: the]" in diplomatic
    assert "situation[^1]," in diplomatic
    assert diplomatic.endswith("We agreed.\n\n[^1]: Translator's note: Underlined in the original.")


def test_rejected_annotations_are_ignored_unless_asked_for(edition):
    set_status(edition, "del", "rejected", who="ed")
    assert "absolutely unhealthy" in text_of(edition, reading="clean")
    assert "⟦absolutely" not in text_of(edition, reading="diplomatic")
    assert "absolutely" not in text_of(edition, reading="clean", include_rejected=True)


def test_unknown_witness_and_reading_are_clear_errors(edition):
    with pytest.raises(VariorumError, match="no witness 'printed'"):
        text_of(edition, witness="printed")
    with pytest.raises(VariorumError, match="unknown reading"):
        text_of(edition, reading="fancy")
    with pytest.raises(VariorumError, match="no witness"):
        export_text(Edition(), ExportOptions())


def test_substitution_gap_unclear_and_expansion():
    text = "He wrote cat here. Dr Smith came, the rest unclear."
    e = Edition()
    e.add_witness(Witness("typed", text=text))
    add_annotation(e, "typed", *_at(text, "cat"), "substitution", {"split": "1"})  # c -> at
    pos = _at(text, "here")[1]
    add_annotation(e, "typed", pos, pos, "gap", {"reason": "illegible"})
    add_annotation(e, "typed", *_at(text, "Dr"), "expansion", {"expan": "Doctor"})
    add_annotation(e, "typed", *_at(text, "rest"), "unclear")
    assert text_of(e, reading="clean") == "He wrote at here[…]. Doctor Smith came, the rest unclear."
    assert text_of(e, reading="diplomatic") == (
        "He wrote ⟦c⟧⸢at⸣ here[…]. Dr [= Doctor] Smith came, the rest[?] unclear.")


def test_marks_inside_a_deleted_passage_vanish_from_the_clean_reading():
    text = "keep this [sic] and drop all of this please"
    e = Edition()
    e.add_witness(Witness("typed", text=text))
    add_annotation(e, "typed", *_at(text, "drop all of this "), "deletion")
    add_annotation(e, "typed", *_at(text, "all"), "supplied")
    pos = _at(text, "this", 1)[1]
    add_annotation(e, "typed", pos, pos, "gap")
    assert text_of(e, reading="clean") == "keep this [sic] and please"
    assert text_of(e, reading="diplomatic") == "keep this [sic] and ⟦drop [all] of this[…] ⟧please"


def test_deleting_a_whole_paragraph_leaves_no_stray_space():
    text = "First.\n\nGone entirely.\n\nLast, she said."
    e = Edition()
    e.add_witness(Witness("typed", text=text))
    add_annotation(e, "typed", *_at(text, "Gone entirely.\n\n"), "deletion")
    add_annotation(e, "typed", *_at(text, ", she said"), "deletion")
    assert text_of(e, reading="clean") == "First.\n\nLast."


def test_notes_are_numbered_in_the_order_of_their_calls():
    text = "alpha beta gamma"
    e = Edition()
    e.add_witness(Witness("typed", text=text))
    add_annotation(e, "typed", 16, 16, "note", note="second", annotation_id="a")
    add_annotation(e, "typed", *_at(text, "alpha"), "note", {"type": "editor"}, note="first",
                   annotation_id="b")
    add_annotation(e, "typed", 10, 10, "remark", note="[page two]", annotation_id="c")
    out = text_of(e, reading="diplomatic")
    assert out == ("alpha[^1] beta[^2] gamma[^3]\n\n"
                   "[^1]: Editor's note on “alpha”: first\n[^2]: Remark: [page two]\n"
                   "[^3]: Note: second")


# -- properties -------------------------------------------------------------------------

WORDS = st.sampled_from(["word", "𝔄", "é", "the", ",", ".", " ", " ", "\n", "\n\n", "שלום"])


@st.composite
def marked_editions(draw, kinds=("addition", "deletion")):
    text = "".join(draw(st.lists(WORDS, min_size=1, max_size=30)))
    e = Edition()
    e.add_witness(Witness("w", text=text))
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        add_annotation(e, "w", start, end, draw(st.sampled_from(kinds)))
    return e


@settings(max_examples=150, deadline=None)
@given(marked_editions())
def test_diplomatic_marks_removed_give_back_the_transcription(edition):
    out = text_of(edition, reading="diplomatic")
    for mark in "⟦⟧⸢⸣":
        out = out.replace(mark, "")
    assert out == edition.text("w")


@settings(max_examples=150, deadline=None)
@given(marked_editions(kinds=("deletion",)))
def test_clean_reading_drops_exactly_the_deleted_characters(edition):
    text = edition.text("w")
    deleted = set()
    for ann in edition.annotations.values():
        deleted.update(range(ann.start, ann.end))
    kept = "".join(ch for i, ch in enumerate(text) if i not in deleted)
    clean = text_of(edition, reading="clean")
    # tidying takes out spaces only, never anything else
    assert "".join(clean.split()) == "".join(kept.split())
    assert len(clean) <= len(kept)


@settings(max_examples=100, deadline=None)
@given(marked_editions(kinds=("note", "gap", "variant", "remark", "unclear")))
def test_marks_that_remove_nothing_leave_the_clean_text_whole(edition):
    # gaps add "[…]" or brackets; everything else leaves the words alone
    clean = text_of(edition, reading="clean")
    for mark in ("[…]", "[", "]"):
        clean = clean.replace(mark, "")
    assert clean == edition.text("w").replace("[", "").replace("]", "")


# -- the seed ---------------------------------------------------------------------------

def test_readings_of_the_seed_telegram():
    from conftest import SEED_EDITION
    if not SEED_EDITION.exists():
        pytest.skip("the seed edition is not in samples/ yet")
    from editor.formats import native
    seed = native.load(SEED_EDITION).edition
    deleted = "reprisals against honest Party members are halted"
    added_then_deleted = "We completely disagree with such an assessment"
    transcribed = text_of(seed, witness="handwritten")
    assert deleted in transcribed and added_then_deleted in transcribed
    clean = text_of(seed, witness="handwritten", reading="clean")
    assert deleted not in clean and added_then_deleted not in clean
    assert "and the CC plenum" in clean
    diplomatic = text_of(seed, witness="handwritten", reading="diplomatic")
    assert f"⟦{deleted}⟧" in diplomatic
    assert f"⸢⟦{added_then_deleted}⟧⸣" in diplomatic
    assert "⸢and the CC plenum⸣" in diplomatic
    typed_clean = text_of(seed, reading="clean")
    assert typed_clean.startswith("[to the] CPSU CC")
    assert "Nie [Rongzhen]" in typed_clean and "Translator" not in typed_clean
