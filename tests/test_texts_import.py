"""Importing two or more plain transcriptions as one edition."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.errors import FileFormatError, VariorumError
from editor.formats import native
from editor.formats.registry import importer
from editor.formats.texts import import_texts, paragraphs_from_plain_text


@pytest.fixture()
def two_files(tmp_path):
    typed = tmp_path / "typed.txt"
    hand = tmp_path / "hand.txt"
    typed.write_text("\n\nTOP SECRET\n\n\n\nToday we talked  with Mao.\nSecond line.\n  \n\t\n"
                     "Last paragraph.\n\n\n", encoding="utf-8")
    hand.write_bytes(codecs.BOM_UTF16_LE + "Today we spoke with Mao.\r\n\r\nEnd 𝔄.\r\n"
                     .encode("utf-16-le"))
    return typed, hand


def test_two_transcriptions_become_two_witnesses(two_files):
    typed, hand = two_files
    result = import_texts([("typed", str(typed)), ("handwritten", str(hand))])
    edition = result.edition
    assert list(edition.witnesses) == ["typed", "handwritten"]
    assert edition.witnesses["typed"].kind == "typed"
    assert edition.witnesses["handwritten"].kind == "handwritten"
    assert edition.text("typed") == ("TOP SECRET\n\nToday we talked  with Mao.\nSecond line.\n\n"
                                     "Last paragraph.")
    assert edition.text("handwritten") == "Today we spoke with Mao.\n\nEnd 𝔄."
    assert result.format == "texts"
    codes = [p.code for p in result.report]
    assert codes == ["blank-lines-collapsed"]       # 2 runs in typed.txt; hand.txt was clean
    assert "2 run(s)" in result.report[0].message
    assert not edition.annotations


def test_the_registry_and_the_generic_witness_option(two_files, tmp_path):
    typed, hand = two_files
    result = importer("texts")(["draft=" + str(hand), ("fair-copy", typed)],
                               labels={"draft": "Draft in pencil"}, kinds={"draft": "handwritten"},
                               title="A telegram")
    edition = result.edition
    assert list(edition.witnesses) == ["draft", "fair-copy"]
    assert edition.witnesses["draft"].label == "Draft in pencil"
    assert edition.witnesses["draft"].kind == "handwritten"
    assert edition.witnesses["fair-copy"].kind == "other"
    assert edition.witnesses["fair-copy"].label == "Fair copy"
    assert edition.metadata.title == "A telegram"


def test_a_folder_gives_one_witness_per_text_file(tmp_path):
    (tmp_path / "b.txt").write_text("second", encoding="utf-8")
    (tmp_path / "a.txt").write_text("first", encoding="utf-8")
    (tmp_path / "notes.xml").write_text("<x/>", encoding="utf-8")
    edition = import_texts(path=tmp_path).edition
    assert [(w.id, w.text) for w in edition.witnesses.values()] == [("a", "first"), ("b", "second")]


def test_windows_1252_is_read_and_reported(tmp_path):
    old = tmp_path / "old.txt"
    old.write_bytes("Caf\u00e9 \u201cquoted\u201d".encode("cp1252"))
    new = tmp_path / "new.txt"
    new.write_text("Café", encoding="utf-8")
    result = import_texts([("typed", old), ("handwritten", new)])
    assert result.edition.text("typed") == "Café “quoted”"
    assert [p.code for p in result.report] == ["encoding-guessed"]


def test_control_characters_are_replaced_and_reported(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"a\x01b")
    result = import_texts([("typed", bad)])
    assert result.edition.text("typed") == "a\ufffdb"
    codes = {p.code for p in result.report}
    assert {"characters-replaced", "single-witness"} <= codes


def test_bad_requests_are_clear_errors(tmp_path, two_files):
    typed, hand = two_files
    with pytest.raises(VariorumError, match="give the transcriptions"):
        import_texts()
    with pytest.raises(VariorumError, match="witness id 'typed'"):
        import_texts([("typed", typed), ("typed", hand)])
    with pytest.raises(FileFormatError, match="cannot read"):
        import_texts([("typed", tmp_path / "missing.txt"), ("handwritten", hand)])
    with pytest.raises(VariorumError, match="unknown kind"):
        import_texts([("typed", typed)], kinds={"typed": "carved"})
    with pytest.raises(VariorumError, match="ID=PATH"):
        import_texts(["typed.txt"])
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\x00\x00")
    with pytest.raises(FileFormatError, match="binary"):
        import_texts([("typed", binary)])


def test_an_id_that_cannot_be_an_xml_id_is_mended(two_files):
    typed, hand = two_files
    result = import_texts([("1st copy", typed), ("handwritten", hand)])
    assert list(result.edition.witnesses) == ["witness-1st-copy", "handwritten"]
    assert "witness-id-changed" in {p.code for p in result.report}


def test_the_imported_edition_saves_and_loads(two_files, assert_valid_tei):
    typed, hand = two_files
    edition = import_texts([("typed", typed), ("handwritten", hand)]).edition
    data = native.to_bytes(edition)
    assert_valid_tei(data)
    loaded = native.from_bytes(data).edition
    assert {w: loaded.text(w) for w in loaded.witnesses} == \
        {w: edition.text(w) for w in edition.witnesses}


# -- properties -------------------------------------------------------------------------

LINES = st.lists(st.sampled_from(["word", "two words", "𝔄 é", "  indented", "", " ", "\t",
                                  "end.  "]), max_size=25)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(LINES, st.sampled_from(["\n", "\r\n", "\r"]))
def test_words_and_lines_are_never_changed(tmp_path, lines, newline):
    source = newline.join(lines)
    path = tmp_path / "t.txt"
    path.write_bytes(source.encode("utf-8"))
    text = import_texts([("typed", path)]).edition.text("typed")
    # the same words in the same order
    assert text.split() == source.split()
    # every non-blank line is kept exactly, in order
    assert [ln for ln in text.split("\n") if ln.strip()] == \
        [ln for ln in lines if ln.strip()]
    # blank runs are exactly one paragraph break, none at the edges
    assert "\n\n\n" not in text
    assert not text.startswith("\n") and not text.endswith("\n")
    assert text == "" or all(chunk.strip() for chunk in text.split("\n\n"))


def test_paragraph_rule_by_example():
    assert paragraphs_from_plain_text("a\n \n\n\nb\nc\n\n") == ("a\n\nb\nc", 1)
    assert paragraphs_from_plain_text("a\n\nb") == ("a\n\nb", 0)
