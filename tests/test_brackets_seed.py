"""The seed telegram, imported from its bracketed translation: the figures issue 2 asks for,
its metadata, TEI validity, and the export giving back the document proper."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from editor.formats import native
from editor.formats.brackets import export_brackets, import_brackets, parse_brackets
from editor.formats.registry import ExportOptions, detect_format, exporter, importer
from editor.model.validate import validate_edition

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "samples" / "mikoyan-telegram-1956-09-19.txt"
SEED_EDITION = ROOT / "samples" / "mikoyan-telegram-1956-09-19.variorum.xml"

FIRST_WORDS = "[to the] CPSU CC"
LAST_NOTE = "[Translator's note: a handwritten version of the preceding document follows]"
HANDWRITTEN_ONLY = ("absolutely unhealthy", "Agreeing with the issue we raised",
                    "We completely disagree with such an assessment",
                    "reprisals against honest Party members are halted", "and the CC plenum",
                    "speak out")


@pytest.fixture(scope="module")
def source() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result(source):
    return parse_brackets(source)


@pytest.fixture(scope="module")
def edition(result):
    return result.edition


def marks(edition, witness, kind):
    return [a for a in edition.annotations_of(witness) if a.kind == kind]


def quotes(edition, witness, kind):
    return [edition.quote(a) for a in marks(edition, witness, kind)]


def document_proper(text: str) -> str:
    """From the heading to the last note, all whitespace removed."""
    start = text.index(FIRST_WORDS)
    end = text.index(LAST_NOTE) + len(LAST_NOTE)
    return "".join(text[start:end].split())


# -- the figures ----------------------------------------------------------------------


def test_typed_witness_has_the_figures_of_issue_2(edition):
    counts = Counter(a.kind for a in edition.annotations_of("typed"))
    assert counts["supplied"] == 7
    assert counts["addition"] == 2
    assert counts["sic"] == 1
    notes = marks(edition, "typed", "note")
    assert len(notes) == 2
    assert all(n.attrs.get("type") == "translator" for n in notes)
    assert set(counts) == {"supplied", "addition", "sic", "note"}


def test_supplied_words_are_the_translators_brackets(edition):
    assert quotes(edition, "typed", "supplied") == [
        "to the", "exchange", "proposal", "Rongzhen", "We", "them", "we"]
    for ann in marks(edition, "typed", "supplied"):
        assert ann.attrs["reason"] == "omitted"
        assert ann.attrs["resp"] == "gary-goldberg"


def test_additions_by_hand_on_the_typescript(edition):
    additions = marks(edition, "typed", "addition")
    assert [edition.quote(a) for a in additions] == [
        "18 September", "authenticated: V. Chistov\n\nMFA 19 September Spets N 1423-1427"]
    for ann in additions:
        assert ann.attrs["hand"] == "hand-typed-annotator"
    assert edition.hands["hand-typed-annotator"].label == "Hand on the typescript"


def test_sic_marks_the_word_before_it(edition):
    assert quotes(edition, "typed", "sic") == ["August"]


def test_translator_notes_are_points_with_their_text(edition):
    notes = marks(edition, "typed", "note")
    assert all(n.is_point for n in notes)
    assert notes[0].note.startswith("in the handwritten version the following sentence")
    assert notes[1].note == "a handwritten version of the preceding document follows"
    typed = edition.text("typed")
    assert typed[:notes[0].start].endswith("Party unity had been strengthened.")
    assert notes[1].start == len(typed)


def test_handwritten_text_holds_the_readings_the_typed_text_lacks(edition):
    typed, handwritten = edition.text("typed"), edition.text("handwritten")
    for phrase in HANDWRITTEN_ONLY:
        assert phrase in handwritten, phrase
        assert phrase not in typed, phrase


def test_handwritten_marks(edition):
    assert quotes(edition, "handwritten", "variant") == [
        "absolutely", "the issue we raised", "speak out/ actvystupili"]
    crossed = "We completely disagree with such an assessment"
    assert quotes(edition, "handwritten", "addition") == [crossed, "and the CC plenum"]
    assert quotes(edition, "handwritten", "deletion") == [
        crossed, "reprisals against honest Party members are halted"]
    added, deleted = marks(edition, "handwritten", "addition")[0], \
        marks(edition, "handwritten", "deletion")[0]
    assert (added.start, added.end) == (deleted.start, deleted.end)
    assert all(a.attrs.get("hand") == "hand-draft" for a in marks(edition, "handwritten",
                                                                   "addition"))
    assert "hand-draft" in edition.hands


def test_variants_point_at_the_place_in_the_typed_text(edition):
    typed = edition.text("typed")
    before = []
    for ann in marks(edition, "handwritten", "variant"):
        cp = ann.counterpart
        assert cp is not None and cp.witness == "typed" and cp.start == cp.end
        before.append(typed[:cp.start].rsplit(None, 2)[-2:])
    assert before == [["demonstrate", "an"], ["Agreeing", "with"], ["pursue", "work"]]


def test_a_multi_paragraph_handwritten_bracket_stays_one_mark(edition):
    last = marks(edition, "typed", "addition")[-1]
    assert "\n\n" in edition.quote(last)


def test_texts_have_no_furniture_and_no_spacers(edition):
    for witness in edition.witnesses.values():
        text = witness.text
        assert "Skip to content" not in text
        assert "Document Information" not in text
        assert "Telegram from A. Mikoyan" not in text
        assert "\xa0" not in text
        assert "[" not in text and "]" not in text
        assert all(p.strip() == p and p for p in text.split("\n\n"))
    assert edition.text("typed").startswith("to the CPSU CC\n\nA conversation")
    assert edition.text("typed").endswith("MFA 19 September Spets N 1423-1427")
    assert edition.text("typed").count("\n\n") == 27


def test_no_doubled_spaces_where_brackets_were_taken_out(edition):
    for witness in edition.witnesses.values():
        assert "  " not in witness.text
        assert " ," not in witness.text and " ." not in witness.text


def test_metadata(edition):
    md = edition.metadata
    assert md.title == "Telegram from A. Mikoyan to the CPSU Central Committee"
    assert md.date == "1956-09-19"
    assert md.date_text == "September 19, 1956"
    assert md.classification == "Secret"
    assert md.translator == "Gary Goldberg"
    assert md.record_id == "121799"
    assert md.source == "GARF, Fond 5446, Opis 98c, Delo 718, Listy 35-38."
    assert md.uploaded == "2015-03-27"
    assert md.summary.startswith("Mao Zedong reveals that several Korean Workers' Party")
    assert md.summary.endswith("the next morning.")
    assert md.rights.startswith("The History and Public Policy Program welcomes reuse")
    assert md.rights.count("\n\n") == 1
    assert md.language == ""
    assert md.authors == []
    assert md.extra == {}


def test_every_annotation_is_a_proposal_imported_by_variorum(edition):
    assert edition.people["gary-goldberg"].role == "translator"
    assert edition.people["variorum"].role == "software"
    for ann in edition.annotations.values():
        assert ann.status == "proposed"
        assert ann.resp == "gary-goldberg"
        assert len(ann.history) == 1
        event = ann.history[0]
        assert (event.action, event.who, event.status) == ("imported", "variorum", "proposed")
        assert event.comment.startswith("from the bracket [") and event.comment.endswith("]")


def test_the_edition_is_consistent(edition):
    assert validate_edition(edition) == []


def test_report_says_what_was_read_as_metadata(result):
    assert len(result.report) == 1
    assert "Skip to content" in result.report[0].message
    assert result.format == "brackets"


# -- files ----------------------------------------------------------------------------


def test_saved_edition_is_valid_tei(edition, assert_valid_tei):
    assert_valid_tei(native.to_bytes(edition))


def test_native_round_trip(edition):
    assert native.from_bytes(native.to_bytes(edition)).edition == edition


def test_the_sample_edition_is_the_import_of_the_sample_text(assert_valid_tei):
    saved = native.load(SEED_EDITION)
    assert saved.problems == []
    stamp = next(iter(saved.edition.annotations.values())).history[0].when
    fresh = import_brackets(SEED_TEXT, when=stamp).edition
    assert saved.edition == fresh
    assert SEED_EDITION.read_bytes() == native.to_bytes(fresh)
    assert_valid_tei(SEED_EDITION)


def test_registry_and_detection_find_the_bracket_format():
    assert importer("brackets") is import_brackets
    assert exporter("brackets") is export_brackets
    assert detect_format(SEED_TEXT) == "brackets"


# -- export ---------------------------------------------------------------------------


def test_export_gives_back_the_document_proper(source, edition):
    exported = export_brackets(edition, ExportOptions()).decode("utf-8")
    assert document_proper(exported) == document_proper(source)


def test_export_keeps_the_paragraphs_of_the_document_proper(source, edition):
    exported = export_brackets(edition, ExportOptions()).decode("utf-8")

    def paragraphs(text):
        start = text.index(FIRST_WORDS)
        end = text.index(LAST_NOTE) + len(LAST_NOTE)
        return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text[start:end]) if p.strip()]
    assert paragraphs(exported) == paragraphs(source)


def test_export_writes_the_metadata_as_furniture(edition):
    exported = export_brackets(edition, ExportOptions()).decode("utf-8")
    head = exported.split("\n\n")[:3]
    assert head == ["September 19, 1956", "Telegram from A. Mikoyan to the CPSU Central Committee",
                    "Secret"]
    assert "\n\nDocument Information\n\nSource\n\nGARF, Fond 5446, Opis 98c, Delo 718, Listy " \
           "35-38. Translated by Gary Goldberg.\n\n" in exported
    assert "\n\nRecord ID\n\n121799\n" in exported


def test_importing_the_export_gives_the_same_edition(edition):
    again = parse_brackets(export_brackets(edition).decode("utf-8")).edition
    assert again.metadata == edition.metadata
    assert {w: again.text(w) for w in again.witnesses} == \
        {w: edition.text(w) for w in edition.witnesses}

    def essence(e):
        return sorted((a.id, a.witness, a.start, a.end, a.kind, sorted(a.attrs.items()), a.note,
                       a.counterpart, a.history[0].comment) for a in e.annotations.values())
    assert essence(again) == essence(edition)
