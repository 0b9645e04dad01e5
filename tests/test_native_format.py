"""The native file: TEI P5 with a standOff, read back exactly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from editor.errors import FileFormatError, UnsafeInputError
from editor.formats import native
from editor.model import Annotation, Edition, Hand, Span, Witness
from editor.model import operations as ops
from tests.strategies import editions


def small_edition() -> Edition:
    e = Edition()
    e.metadata.title = "A test"
    e.metadata.date = "1956-09-19"
    e.metadata.date_text = "September 19, 1956"
    e.metadata.translator = "Gary Goldberg"
    e.add_witness(Witness("typed", "Typed", "typed", "Hello brave world.\n\nSecond 𝔄 para."))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten",
                          "Hello absolutely brave world.\n\nSecond para."))
    e.hands["hand-1"] = Hand("hand-1", "Pencil", "A. Mikoyan", "blue pencil")
    editor = e.person_for("Jane Doe", "editor", "JD")
    ops.add_annotation(e, "typed", 6, 11, "addition", {"hand": "hand-1", "place": "above"},
                       who=editor.id)
    ops.add_annotation(e, "typed", 13, 28, "deletion", who=editor.id)   # across paragraphs
    ops.add_annotation(e, "handwritten", 6, 17, "variant", who=editor.id,
                       counterpart=Span("typed", 6, 6))
    ops.add_annotation(e, "typed", 18, 18, "note", {"type": "translator"}, "A note.",
                       who=editor.id)
    return e


def test_small_edition_round_trips_and_is_valid_tei(assert_valid_tei):
    edition = small_edition()
    data = native.to_bytes(edition)
    assert_valid_tei(data)
    result = native.from_bytes(data)
    assert result.problems == []
    assert result.edition == edition


def test_writing_is_deterministic():
    edition = small_edition()
    assert native.to_bytes(edition) == native.to_bytes(edition)
    # the order annotations were added in does not change the bytes
    shuffled = Edition(edition.metadata, edition.witnesses, edition.hands, edition.people,
                       dict(reversed(list(edition.annotations.items()))))
    assert native.to_bytes(shuffled) == native.to_bytes(edition)


def test_pointer_forms():
    edition = small_edition()
    data = native.to_bytes(edition).decode()
    assert 'target="#string-range(typed-p1,6,5)"' in data
    assert "#range(string-range(typed-p1,13,0),string-range(typed-p2,8,0))" in data
    assert 'target="#string-range(handwritten-p1,6,11) #string-range(typed-p1,6,0)"' in data
    assert '<add hand="#hand-1" place="above">brave</add>' in data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(editions())
def test_round_trip_property(edition):
    """load(save(e)) == e for random editions: non-BMP, combining, RTL text, CRLF input."""
    data = native.to_bytes(edition)
    result = native.from_bytes(data)
    assert result.mismatched == {}
    assert result.edition == edition
    assert native.to_bytes(result.edition) == data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edition=editions(max_annotations=6))
def test_random_editions_are_valid_tei(edition, assert_valid_tei):
    assert_valid_tei(native.to_bytes(edition))


def test_save_and_load_file(tmp_path):
    edition = small_edition()
    path = tmp_path / "e.xml"
    native.save(edition, path)
    native.save(edition, path)
    assert (tmp_path / "e.xml~").exists()      # the previous version is kept
    assert native.load(path).edition == edition


def test_quote_mismatch_is_kept_and_flagged():
    edition = small_edition()
    data = native.to_bytes(edition).replace(b"Hello brave world.", b"Hello grave world.")
    result = native.from_bytes(data)
    ann = result.edition.annotations["ann-1"]       # the addition over "brave"
    assert "ann-1" in result.mismatched
    assert ann.anchoring is not None                 # kept, flagged for review, never dropped
    assert len(result.edition.annotations) == len(edition.annotations)


def test_target_outside_text_is_kept_as_orphan():
    data = native.to_bytes(small_edition()).replace(b"string-range(typed-p1,6,5)",
                                                    b"string-range(typed-p1,600,5)")
    result = native.from_bytes(data)
    ann = result.edition.annotations["ann-1"]
    assert ann.status == "orphaned" and ann.anchoring.quote == "brave"
    assert any(p.code == "unresolvable-target" and p.where == "ann-1" for p in result.problems)
    assert any("line" in p.message for p in result.problems)


def test_duplicate_annotation_id_is_renamed_and_reported():
    data = native.to_bytes(small_edition()).replace(b'xml:id="ann-2"', b'xml:id="ann-1"')
    result = native.from_bytes(data)
    assert len(result.edition.annotations) == 4
    assert any(p.code == "duplicate-id" for p in result.problems)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>", "not well-formed"),
    (b"<html><body/></html>", "not a Variorum edition"),
    (b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader/></TEI>", "not a Variorum edition"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
])
def test_unreadable_files_give_clear_errors(data, message):
    with pytest.raises(FileFormatError) as info:
        native.from_bytes(data, "x.xml")
    assert message in str(info.value)


def test_dtd_and_entities_are_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><TEI>&lol2;</TEI>')
    with pytest.raises(UnsafeInputError):
        native.from_bytes(bomb)


def test_newer_format_version_is_refused():
    data = native.to_bytes(small_edition()).replace(b'ident="variorum" version="1"',
                                                    b'ident="variorum" version="99"')
    with pytest.raises(FileFormatError, match="newer Variorum"):
        native.from_bytes(data)


def test_separator_positions_survive():
    """A point between the two newlines of a paragraph break is written and read back."""
    e = Edition()
    e.add_witness(Witness("typed", text="ab\n\ncd"))
    e.add_annotation(Annotation("ann-1", "typed", 3, 3, "note", {"type": "editor"}, "x"))
    e.add_annotation(Annotation("ann-2", "typed", 1, 3, "remark", {}, "y"))
    assert native.from_bytes(native.to_bytes(e)).edition == e
