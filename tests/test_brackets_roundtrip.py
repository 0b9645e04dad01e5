"""Import then export gives the document back; export then import gives the texts back;
the importer never fails, whatever the text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from editor.formats import native
from editor.formats.brackets import export_brackets, import_brackets, parse_brackets
from editor.formats.registry import ExportOptions
from editor.model.annotation import Annotation, ReviewEvent, Span
from editor.model.edition import Edition, Hand, Witness
from editor.model.kinds import KIND_IDS
from editor.model.validate import validate_edition

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
OWN_SAMPLES = ["diary-brackets.txt", "wilson-style-brackets.txt", "all-kinds-brackets.txt"]


def no_space(text: str) -> str:
    return "".join(text.split())


def words(text: str) -> list[str]:
    """Whitespace aside, but words kept apart: the words (runs of letters and digits) and
    punctuation marks of ``text``, in order; two words that ran together would differ."""
    return re.findall(r"\w+|[^\w\s]", text)


def document_of(text: str) -> str:
    """The document proper of a page, found by the importer's own furniture reader."""
    from editor.formats.brackets_page import split_page
    return split_page(text).document


def texts(edition: Edition) -> dict[str, str]:
    return {w: edition.text(w) for w in edition.witnesses}


# -- our own documents in other bracket styles ------------------------------------------


@pytest.mark.parametrize("name", OWN_SAMPLES)
def test_import_then_export_gives_back_the_document(name):
    source = (SAMPLES / name).read_text(encoding="utf-8")
    edition = import_brackets(SAMPLES / name).edition
    exported = export_brackets(edition, ExportOptions()).decode("utf-8")
    assert no_space(document_of(exported)) == no_space(document_of(source))


@pytest.mark.parametrize("name", OWN_SAMPLES)
def test_export_then_import_gives_back_the_edition(name):
    edition = import_brackets(SAMPLES / name).edition
    again = parse_brackets(export_brackets(edition).decode("utf-8")).edition
    assert texts(again) == texts(edition)
    assert again.metadata == edition.metadata

    def essence(e):
        return sorted((a.witness, a.start, a.end, a.kind, sorted(a.attrs.items()), a.note,
                       a.counterpart) for a in e.annotations.values())
    assert essence(again) == essence(edition)


def test_the_diary_keeps_its_paragraphs_except_where_the_layout_is_a_guess():
    source = (SAMPLES / "diary-brackets.txt").read_text(encoding="utf-8")
    exported = export_brackets(import_brackets(SAMPLES / "diary-brackets.txt").edition).decode()

    def paragraphs(text):
        return [no_space(p) for p in text.split("\n\n") if p.strip()]
    src, out = paragraphs(source), paragraphs(exported)
    # a page marker ending the document is written as a paragraph of its own
    assert out[:-2] == src[:-1]
    assert out[-2:] == [no_space("[We] left for the station at six; the train was late again"),
                        "[Page3of5]"]


def test_the_wilson_style_page():
    result = import_brackets(SAMPLES / "wilson-style-brackets.txt")
    e = result.edition
    md = e.metadata
    assert (md.date, md.classification, md.translator, md.record_id) == (
        "1953-03-05", "Top Secret", "Ann Example", "900001")
    assert md.source.endswith("Obtained and translated by Ann Example for the sample collection.")
    assert md.extra["Type"] == "Record of Conversation"
    assert md.authors == ["Orlov, V. N."]
    assert e.text("typed").startswith("Copy No. 3")
    assert "the sooner, the better" in e.text("handwritten")
    assert "the sooner, the better" not in e.text("typed")
    kinds = sorted(a.kind for a in e.annotations.values())
    assert kinds.count("supplied") == 3 and kinds.count("gap") == 1


@pytest.mark.parametrize("name", OWN_SAMPLES)
def test_each_sample_imports_to_valid_tei(name, assert_valid_tei):
    edition = import_brackets(SAMPLES / name).edition
    assert [p for p in validate_edition(edition) if p.severity == "error"] == []
    data = native.to_bytes(edition)
    assert_valid_tei(data)
    assert native.from_bytes(data).edition == edition


def test_all_kinds_sample_has_every_kind(assert_valid_tei):
    edition = import_brackets(SAMPLES / "all-kinds-brackets.txt").edition
    assert {a.kind for a in edition.annotations.values()} == set(KIND_IDS)
    assert validate_edition(edition) == []
    assert_valid_tei(native.to_bytes(edition))


def test_all_kinds_edition_file_is_current():
    saved = native.load(SAMPLES / "all-kinds.variorum.xml")
    assert saved.problems == []
    stamp = next(iter(saved.edition.annotations.values())).history[0].when
    fresh = import_brackets(SAMPLES / "all-kinds-brackets.txt", when=stamp).edition
    assert saved.edition == fresh
    assert (SAMPLES / "all-kinds.variorum.xml").read_bytes() == native.to_bytes(fresh)


# -- the importer never fails -----------------------------------------------------------

PIECES = st.sampled_from(
    list("ab [] [[]] :|\n\n \xa0.,\"'") + [
        "inserted by hand: ", "in the handwritten version: ", "deleted in the handwritten "
        "version: ", "inserted by hand in the handwritten version: ", "not in the handwritten "
        "version: ", "sic", "SIC", "Translator's note: ", "Ed. note: ", "1", "page 2",
        "illegible", "Dim", "handwritten: ", "substitution: ", "expanded: ", " --trans.",
        "inserted at this point, then crossed out: \"x y\" handwritten", "supplied: ",
        "unclear: ", "crossed out: ", "...", "𝔄", "\u0301", "שלום", "\r\n", "\t"])
FURNITURE = st.sampled_from(["Skip to content\n\n", "September 19, 1956\n\n", "Secret\n\n",
                             "Document Information\n\n", "Author(s):\n\n", "Source\n\n",
                             "Record ID\n\n", "Translated by X.\n\n"])
BRACKETED = st.lists(PIECES, max_size=80).map("".join)
ANY_PAGE = st.one_of(st.text(max_size=400), BRACKETED,
                     st.lists(st.one_of(PIECES, FURNITURE), max_size=80).map("".join))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(ANY_PAGE)
def test_any_text_gives_a_consistent_edition(text):
    result = parse_brackets(text)
    edition = result.edition
    assert [p for p in validate_edition(edition) if p.severity == "error"] == []
    for ann in edition.annotations.values():
        assert ann.status == "proposed"
    assert native.from_bytes(native.to_bytes(edition)).edition == edition
    export_brackets(edition)                     # and it can be written back


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(BRACKETED)
def test_export_then_import_keeps_both_texts(text):
    edition = parse_brackets(text).edition
    again = parse_brackets(export_brackets(edition).decode("utf-8")).edition
    assert set(again.witnesses) == set(edition.witnesses)
    for witness in edition.witnesses:
        assert words(again.text(witness)) == words(edition.text(witness))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(BRACKETED)
def test_import_then_export_keeps_the_words_of_a_bracketed_text(text):
    """Written out again, a document reads the same: a second round changes nothing.
    (Nested brackets are left to the tests above: one that contradicts its parent, such
    as typed-only words inside handwritten-only ones, is kept but may move.)"""
    from editor.formats.brackets_scan import Bracket, scan
    nodes, _ = scan(text)
    assume(any(isinstance(n, Bracket) for n in nodes))
    assume(not any(isinstance(c, Bracket) for n in nodes if isinstance(n, Bracket)
                   for c in n.children))
    edition = parse_brackets(text).edition
    exported = export_brackets(edition).decode("utf-8")
    again = parse_brackets(exported).edition
    assert no_space(export_brackets(again).decode("utf-8")) == no_space(exported)


# -- any edition, exported then imported, keeps its texts ------------------------------

WORDS = ["the", "plan", "Party", "we", "said", "Kim", "agreed", "comrades", "and", "of",
         "meeting", "report", "19", "May", ",", ".", "—", "“quoted”", "Ünïcödé", "𝔄", "日本",
         "l'État", "Il-u", "A.", "M."]
NOTE_WORDS = ["see", "the", "original", "copy", "ink", "blue", "word", "page", "two", "Remark",
              "to", "we"]


@st.composite
def paragraphs_text(draw, min_size=0):
    paras = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
                          min_size=min_size, max_size=4))
    return "\n\n".join(" ".join(p) for p in paras)


@st.composite
def editions(draw):
    typed = draw(paragraphs_text(min_size=1))
    words = typed.split(" ")
    edited = list(words)
    for _ in range(draw(st.integers(0, 4))):
        if not edited:
            break
        at = draw(st.integers(0, len(edited) - 1))
        action = draw(st.sampled_from(["drop", "insert", "replace"]))
        new = draw(st.sampled_from(WORDS))
        if action == "drop":
            del edited[at]
        elif action == "insert":
            edited.insert(at, new)
        else:
            edited[at] = new
    handwritten = " ".join(edited)
    e = Edition()
    e.add_witness(Witness("typed", "Typed", "typed", typed))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten", handwritten))
    e.hands["hand-1"] = Hand("hand-1", "Some hand")
    for n in range(draw(st.integers(0, 8))):
        witness = draw(st.sampled_from(["typed", "handwritten"]))
        text = e.text(witness)
        kind = draw(st.sampled_from(KIND_IDS))
        point_ok = kind in ("gap", "note", "variant", "remark")
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        if end == start and not point_ok:
            continue
        note = " ".join(draw(st.lists(st.sampled_from(NOTE_WORDS), max_size=4)))
        attrs = {}
        if kind in ("addition", "deletion") and draw(st.booleans()):
            attrs["hand"] = "hand-1"
        if kind == "substitution":
            attrs["split"] = str(draw(st.integers(0, end - start)))
        if kind == "sic" and draw(st.booleans()):
            attrs["corr"] = "right"
        if kind == "expansion":
            attrs["expan"] = "expanded words"
        if kind == "gap":
            attrs["reason"] = draw(st.sampled_from(["illegible", "damage", "omitted", "lost"]))
        if kind == "note":
            attrs["type"] = draw(st.sampled_from(["translator", "editor", "author"]))
        counterpart = None
        if kind == "variant" and draw(st.booleans()):
            other = "typed" if witness == "handwritten" else "handwritten"
            at = draw(st.integers(0, len(e.text(other))))
            counterpart = Span(other, at, at)
        status = draw(st.sampled_from(["proposed", "accepted", "rejected", "queried"]))
        e.add_annotation(Annotation(f"ann-{n + 1}", witness, start, end, kind, attrs, note,
                                    status=status, counterpart=counterpart,
                                    history=[ReviewEvent(status, "", "2026-01-01T00:00:00Z",
                                                         "created")]))
    return e


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(editions(), st.booleans())
def test_any_edition_exported_then_imported_keeps_both_texts(edition, include_rejected):
    exported = export_brackets(edition, ExportOptions(include_rejected=include_rejected))
    again = parse_brackets(exported.decode("utf-8")).edition
    # marks may cover part of a word or only a space here, so spaces may move: the texts
    # are compared whitespace aside (issue 2's measure)
    assert no_space(again.text("typed")) == no_space(edition.text("typed"))
    if "handwritten" in again.witnesses:
        assert no_space(again.text("handwritten")) == no_space(edition.text("handwritten"))
    else:
        # no bracket had to speak of it: it reads as the typed text without the words
        # marked as the typed version's own (additions and variants)
        typed = edition.text("typed")
        own = sorted((a.start, a.end) for a in edition.annotations_of("typed")
                     if a.kind in ("addition", "variant") and not a.is_point
                     and (include_rejected or a.status != "rejected"))
        kept, cursor = [], 0
        for start, end in own:
            kept.append(typed[cursor:max(cursor, start)])
            cursor = max(cursor, end)
        kept.append(typed[cursor:])
        assert no_space("".join(kept)) == no_space(edition.text("handwritten"))


def test_the_handwritten_version_as_base():
    edition = import_brackets(SAMPLES / "all-kinds-brackets.txt").edition
    exported = export_brackets(edition, ExportOptions(witness="handwritten")).decode("utf-8")
    assert "[in the typed version: " in exported and "[not in the typed version: " in exported
    again = parse_brackets(exported).edition
    for witness in ("typed", "handwritten"):
        assert no_space(again.text(witness)) == no_space(edition.text(witness))


def test_export_is_deterministic_utf8():
    edition = import_brackets(SAMPLES / "wilson-style-brackets.txt").edition
    first = export_brackets(edition)
    assert first == export_brackets(edition)
    first.decode("utf-8")
    assert not re.search(rb"\r", first)
