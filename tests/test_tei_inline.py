"""The inline TEI export of editions made in Variorum: each mark as its element, overlaps
written with TEI's own means, one witness or all of them, always valid TEI P5."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from editor.errors import VariorumError
from editor.formats.registry import ExportOptions, exporter
from editor.formats.tei_common import T
from editor.formats.tei_import import import_tei
from editor.formats.tei_inline import export_tei_inline
from editor.model import Anchoring, Annotation, Edition, Hand, Span, Witness
from editor.model import operations as ops
from tests.strategies import editions


def marked_edition() -> Edition:
    """Two witnesses and one mark of every kind, none overlapping."""
    e = Edition()
    e.metadata.title = "Telegram"
    e.metadata.date = "1956-09-19"
    e.add_witness(Witness("typed", "Typed", "typed",
                          "Dear Comrade, the meeting was heald on Sept. 19.\n\n"
                          "We shall inform you about the results tomorow."))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten",
                          "Dear Comrade, the meeting was held on 19 September.\n\n"
                          "We will inform you tomorrow."))
    e.hands["pencil"] = Hand("pencil", "Blue pencil", "A. Mikoyan", "pencil")
    jd = e.person_for("Jane Doe", "editor", "JD").id
    t = e.witnesses["typed"].text

    def at(word, kind, attrs=None, note="", nth=0, **kw):
        start = [m.start() for m in re.finditer(re.escape(word), t)][nth]
        ops.add_annotation(e, "typed", start, start + len(word), kind, attrs, note, who=jd,
                           **kw)

    at("Dear", "addition", {"hand": "pencil", "place": "above"})
    at("Comrade", "unclear", {"reason": "faded"}, cert="low")
    at("heald", "sic", {"corr": "held"})
    at("Sept.", "expansion", {"expan": "September"})
    at("meeting", "supplied", {"reason": "omitted"})
    at("shall", "deletion", {"rend": "strikethrough"})
    at("inform you", "substitution", {"split": "6"})
    at("results", "note", {"type": "translator"}, "A note on the results.")
    ops.add_annotation(e, "typed", t.index("19."), t.index("19."), "gap",
                       {"reason": "illegible", "quantity": "2", "unit": "chars"}, who=jd)
    h = e.witnesses["handwritten"].text
    ops.add_annotation(e, "typed", t.index("tomorow"), t.index("tomorow") + 7, "variant",
                       who=jd, counterpart=Span("handwritten", h.index("tomorrow"),
                                                h.index("tomorrow") + 8))
    return e


def _export(edition, **options) -> bytes:
    return export_tei_inline(edition, ExportOptions(**options))


def _reimport(tmp_path, data: bytes) -> Edition:
    path = tmp_path / "export.xml"
    path.write_bytes(data)
    return import_tei(path).edition


def test_every_kind_becomes_its_element(assert_valid_tei):
    data = _export(marked_edition(), witness="typed")
    assert_valid_tei(data)
    text = data.decode()
    for element in ('<add hand="#pencil" place="above" resp="#jane-doe">Dear</add>',
                    '<unclear reason="faded" cert="low" resp="#jane-doe">Comrade</unclear>',
                    '<choice resp="#jane-doe"><sic>heald</sic><corr>held</corr></choice>',
                    '<choice resp="#jane-doe"><abbr>Sept.</abbr><expan>September</expan>'
                    '</choice>',
                    '<supplied reason="omitted">meeting</supplied>',
                    '<del rend="strikethrough" resp="#jane-doe">shall</del>',
                    '<subst resp="#jane-doe"><del>inform</del><add> you</add></subst>',
                    '<gap reason="illegible" unit="chars" quantity="2" resp="#jane-doe"/>',
                    '<app resp="#jane-doe"><lem wit="#typed">tomorow</lem>'
                    '<rdg wit="#handwritten">tomorrow</rdg></app>'):
        assert element in text, element
    # a note over words: written where they start, pointing to an anchor where they end
    assert re.search(r'<note type="translator" targetEnd="#([\w.-]+)">A note on the '
                     r'results.</note>results<anchor xml:id="\1"/>', text)
    header = etree.fromstring(data).find(f"{T}teiHeader")
    assert header.find(f".//{T}handNote[@{{http://www.w3.org/XML/1998/namespace}}id='pencil']") \
        is not None
    assert [w.get("{http://www.w3.org/XML/1998/namespace}id")
            for w in header.iter(f"{T}witness")] == ["typed", "handwritten"]


def test_the_marks_come_back_from_the_export(tmp_path):
    edition = marked_edition()
    again = _reimport(tmp_path, _export(edition, witness="typed"))
    assert again.witnesses["typed"].text == edition.witnesses["typed"].text
    assert again.hands == edition.hands

    def marks(e):
        substitutions = [a for a in e.annotations.values() if a.kind == "substitution"]
        return sorted((a.kind, a.start, a.end, tuple(sorted(a.attrs.items())), a.note, a.cert)
                      for a in e.annotations.values()
                      if a.witness == "typed" and a.kind not in ("remark", "variant")
                      and not (a.kind in ("addition", "deletion") and any(
                          s.start <= a.start and a.end <= s.end for s in substitutions)))
    assert marks(again) == marks(edition)
    # the substitution's <del> and <add> are read back as its parts
    subst, = [a for a in again.annotations.values() if a.kind == "substitution"]
    parts = sorted((a.kind, a.start, a.end) for a in again.annotations.values()
                   if a.kind in ("addition", "deletion") and subst.start <= a.start
                   and a.end <= subst.end)
    assert parts == [("addition", subst.start + 6, subst.end),
                     ("deletion", subst.start, subst.start + 6)]
    # and a second export writes them once, as they were
    assert _export(again, witness="typed").count(b"<subst") == 1


def test_all_witnesses_in_text_group_text(tmp_path, assert_valid_tei):
    edition = marked_edition()
    data = _export(edition)
    assert_valid_tei(data)
    root = etree.fromstring(data)
    texts = root.findall(f"{T}text/{T}group/{T}text")
    assert [t.get("corresp") for t in texts] == ["#typed", "#handwritten"]
    again = _reimport(tmp_path, data)
    assert {w.id: (w.label, w.kind, w.text) for w in again.witnesses.values()} == \
        {w.id: (w.label, w.kind, w.text) for w in edition.witnesses.values()}
    variant, = [a for a in again.annotations.values() if a.kind == "variant"]
    original, = [a for a in edition.annotations.values() if a.kind == "variant"]
    assert (variant.start, variant.end, variant.counterpart) == \
        (original.start, original.end, original.counterpart)


def test_overlapping_marks_use_spans_and_linked_parts(tmp_path, assert_valid_tei):
    e = Edition()
    e.add_witness(Witness("w", "W", "typed", "one two three\n\nfour five six"))
    t = e.witnesses["w"].text
    ops.add_annotation(e, "w", t.index("two"), t.index("five") + 4, "deletion")   # across a
    ops.add_annotation(e, "w", 0, t.index("three") - 1, "unclear")                # paragraph
    ops.add_annotation(e, "w", t.index("two"), t.index("three") + 5, "supplied")  # overlaps
    ops.add_annotation(e, "w", t.index("five"), t.index("six") + 3, "addition")   # crosses del
    report: list = []
    data = _export(e, witness="w", extra={"report": report})
    assert_valid_tei(data)
    text = data.decode()
    assert "<delSpan" in text and "<anchor" in text
    first = re.search(r'<supplied xml:id="([^"]+)" next="#([^"]+)">', text)
    assert first and re.search(f'<supplied xml:id="{first.group(2)}" prev="#{first.group(1)}">',
                               text)
    assert {p.code for p in report} >= {"split", "span"}
    again = _reimport(tmp_path, data)
    assert again.witnesses["w"].text == t
    spans = lambda ed, kind: sorted((a.start, a.end) for a in ed.annotations.values()  # noqa
                                    if a.kind == kind)
    for kind in ("deletion", "addition"):
        assert spans(again, kind) == spans(e, kind), kind
    # the split supplied comes back in parts over the same words
    parts = spans(again, "supplied")
    assert parts[0][0] == t.index("two") and parts[-1][1] == t.index("three") + 5
    assert spans(again, "unclear") == spans(e, "unclear")


def test_spaces_that_tei_would_collapse_are_preserved(tmp_path, assert_valid_tei):
    e = Edition()
    e.add_witness(Witness("w", "W", "typed", "  Two  spaces\tand a tab \nline"))
    ops.add_annotation(e, "w", 2, 5, "deletion")
    data = _export(e, witness="w")
    assert_valid_tei(data)
    assert b'xml:space="preserve"' in data
    assert _reimport(tmp_path, data).witnesses["w"].text == e.witnesses["w"].text


def test_what_is_not_written_is_reported():
    e = Edition()
    e.add_witness(Witness("w", "W", "typed", "alpha beta"))
    ops.add_annotation(e, "w", 0, 5, "deletion", status="rejected")
    orphan = Annotation("orphan", "w", 6, 6, "addition", status="orphaned",
                        anchoring=Anchoring("orphaned", "gamma", 6, 11))
    e.add_annotation(orphan)
    report: list = []
    data = _export(e, witness="w", extra={"report": report})
    assert b"<del" not in data and b"<add" not in data
    assert {p.code for p in report} == {"rejected-not-written", "orphan-not-written"}
    assert b"<del>alpha</del>" in _export(e, witness="w", include_rejected=True)


def test_unknown_witness_is_a_clear_error():
    with pytest.raises(VariorumError) as caught:
        _export(marked_edition(), witness="printed")
    assert "printed" in str(caught.value) and "typed" in str(caught.value)


def test_registered_as_tei_inline():
    assert exporter("tei-inline") is export_tei_inline


def _normalised(text: str) -> str:
    """What inline TEI keeps of a witness text: no break at its start, empty paragraphs
    and breaks at paragraph starts gone (an <lb/> there only begins a line)."""
    text = re.sub(r"\n{3,}", "\n\n", text).lstrip("\n")
    return text[:-2] if text.endswith("\n\n") else text


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(edition=editions())
def test_any_edition_exports_valid_tei_that_reads_back(edition, tmp_path_factory,
                                                       tei_schema):
    for wid in list(edition.witnesses) + [None]:
        data = _export(edition, witness=wid)
        tree = etree.fromstring(data)
        assert tei_schema.validate(tree), str(tei_schema.error_log)
        if wid is None:
            continue
        path = tmp_path_factory.mktemp("inline") / "export.xml"
        path.write_bytes(data)
        back = import_tei(path).edition
        assert next(iter(back.witnesses.values())).text == \
            _normalised(edition.witnesses[wid].text)
