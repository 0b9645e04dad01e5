"""TEI parallel segmentation: export, validity, and the round trip through the importer."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from editor.errors import FileFormatError
from editor.formats.registry import ExportOptions, exporter
from editor.formats.tei_parallel import (
    export_tei_parallel, import_tei_parallel, is_parallel_segmentation,
)
from editor.model.annotation import Span
from editor.model.edition import Edition, Hand, Witness
from editor.model.operations import add_annotation

NS = {"t": "http://www.tei-c.org/ns/1.0"}

TYPED = ("TOP SECRET\n\nToday we talked with Mao Zedong about the situation, which is "
         "unhealthy.\nSecond line here.\n\nWe agreed to continue the exchange of opinions.")
HAND = ("TOP SECRET\n\nToday we spoke with Mao Zedong about the situation, which is absolutely "
        "unhealthy.\n\nA new paragraph only here.\n\nWe agreed to continue.")


def _edition(*texts: tuple[str, str]) -> Edition:
    e = Edition()
    e.metadata.title = "A telegram & its draft"
    for wid, text in texts:
        e.add_witness(Witness(wid, kind=wid if wid in ("typed", "handwritten") else "other",
                              text=text))
    return e


def _roundtrip(edition: Edition, **options) -> Edition:
    data = export_tei_parallel(edition, ExportOptions(**options))
    return import_tei_parallel(data).edition


def test_export_is_valid_tei_and_says_how_it_encodes_variants(assert_valid_tei):
    data = export_tei_parallel(_edition(("typed", TYPED), ("handwritten", HAND)))
    assert_valid_tei(data)
    root = etree.fromstring(data)
    assert [w.get("{http://www.w3.org/XML/1998/namespace}id")
            for w in root.iterfind(".//t:listWit/t:witness", NS)] == ["typed", "handwritten"]
    encoding = root.find(".//t:variantEncoding", NS)
    assert encoding.get("method") == "parallel-segmentation"
    assert encoding.get("location") == "internal"
    apps = root.findall(".//t:body//t:app", NS)
    assert apps, "every difference is an app"
    for app in apps:
        wits = [w for rdg in app.iterfind("t:rdg", NS) for w in rdg.get("wit").split()]
        assert sorted(wits) == ["#handwritten", "#typed"]   # each witness reads once
    # the shared text is written once
    body_text = "".join(root.find(".//t:body", NS).itertext())
    assert body_text.count("Mao Zedong") == 1
    assert exporter("tei-parallel") is export_tei_parallel


def test_each_witness_comes_back_exactly():
    edition = _edition(("typed", TYPED), ("handwritten", HAND))
    back = _roundtrip(edition)
    assert list(back.witnesses) == ["typed", "handwritten"]
    assert back.text("typed") == TYPED
    assert back.text("handwritten") == HAND
    assert back.metadata.title == "A telegram & its draft"
    assert back.witnesses["handwritten"].kind == "handwritten"


def test_three_witnesses_share_one_app_per_place(assert_valid_tei):
    edition = _edition(("typed", "the cat sat on the mat"),
                       ("handwritten", "the dog sat on the mat"),
                       ("printed", "the cat sat on a mat"))
    data = export_tei_parallel(edition)
    assert_valid_tei(data)
    root = etree.fromstring(data)
    readings = [[(r.get("wit"), "".join(r.itertext())) for r in app.iterfind("t:rdg", NS)]
                for app in root.iterfind(".//t:app", NS)]
    assert readings == [[("#typed #printed", "cat"), ("#handwritten", "dog")],
                        [("#typed #handwritten", "the"), ("#printed", "a")]]
    back = _roundtrip(edition)
    assert {w: back.text(w) for w in back.witnesses} == \
        {w: edition.text(w) for w in edition.witnesses}


def test_the_base_witness_can_be_chosen():
    edition = _edition(("typed", TYPED), ("handwritten", HAND))
    data = export_tei_parallel(edition, ExportOptions(witness="handwritten"))
    root = etree.fromstring(data)
    first_rdg = root.find(".//t:app/t:rdg", NS)
    assert first_rdg.get("wit") == "#handwritten"
    back = import_tei_parallel(data).edition
    assert back.text("typed") == TYPED and back.text("handwritten") == HAND


def test_a_variant_annotation_becomes_an_app_with_its_type_and_note(assert_valid_tei):
    typed, hand = "raised at the plenum today", "raised at the CC plenum today"
    edition = _edition(("typed", typed), ("handwritten", hand))
    add_annotation(edition, "typed", 0, 20, "variant", {"type": "wording"},
                   note="The draft names the CC.", annotation_id="var-1",
                   counterpart=Span("handwritten", 0, 23))
    data = export_tei_parallel(edition)
    assert_valid_tei(data)
    root = etree.fromstring(data)
    app = root.find(".//t:app", NS)
    assert app.get("n") == "var-1" and app.get("type") == "wording"
    assert [("".join(r.itertext())) for r in app.iterfind("t:rdg", NS)] == \
        ["raised at the plenum", "raised at the CC plenum"]
    assert app.find("t:note", NS).text == "The draft names the CC."
    back = import_tei_parallel(data)
    assert back.edition.text("typed") == typed and back.edition.text("handwritten") == hand
    notes = [a for a in back.edition.annotations.values() if a.kind == "note"]
    assert [n.note for n in notes] == ["The draft names the CC."]


def test_line_breaks_and_paragraphs_inside_readings():
    edition = _edition(("typed", "one\ntwo three"), ("handwritten", "one two\n\nthree"))
    data = export_tei_parallel(edition)
    assert b"<lb/>" in data and b'<milestone unit="paragraph"/>' in data
    back = _roundtrip(edition)
    assert back.text("typed") == "one\ntwo three"
    assert back.text("handwritten") == "one two\n\nthree"


def test_spacing_only_differences_take_the_base_spacing():
    edition = _edition(("typed", "a  b c"), ("handwritten", "a b c"))
    data = export_tei_parallel(edition)
    assert b"<app>" not in data and b"<app " not in data
    back = _roundtrip(edition)
    assert back.text("handwritten") == "a  b c"    # whitespace aside, the same text


def test_foreign_parallel_segmentation_is_read():
    document = b"""<?xml version="1.0"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>Poem</title></titleStmt>
    <publicationStmt><p/></publicationStmt>
    <sourceDesc><listWit><listWit><witness xml:id="A">Manuscript A</witness>
      <witness xml:id="B">Print B</witness></listWit></listWit></sourceDesc></fileDesc>
  </teiHeader>
  <text><body>
    <lg>
      <l>The <app><lem>grey</lem><rdg wit="#B">gray</rdg></app> sea
         <hi rend="italic">and</hi> the long</l>
      <l>black <app><rdgGrp wit="#A"><rdg>land</rdg></rdgGrp><rdg wit="#B"/></app>;<note
        type="editor">B omits the word.</note></l>
    </lg>
    <p>Second <app><rdg wit="#A #B">part<app><rdg wit="#A">s</rdg><rdg wit="#B"/></app></rdg></app>
       <gap reason="illegible"/> end.</p>
  </body></text>
</TEI>"""
    tree = etree.ElementTree(etree.fromstring(document))
    assert is_parallel_segmentation(tree)
    result = import_tei_parallel(tree)
    edition = result.edition
    assert list(edition.witnesses) == ["A", "B"]
    assert edition.witnesses["A"].label == "Manuscript A"
    assert edition.text("A") == "The grey sea and the long\nblack land;\n\nSecond parts end."
    assert edition.text("B") == "The gray sea and the long\nblack ;\n\nSecond part end."
    kinds = sorted((a.witness, a.kind) for a in edition.annotations.values())
    assert kinds == [("A", "gap"), ("A", "note"), ("B", "gap")]
    note = next(a for a in edition.annotations.values() if a.kind == "note")
    assert note.note == "B omits the word." and note.attrs == {"type": "editor"}
    assert edition.text("A")[:note.start].endswith("black land;")
    assert any("hi (1)" in p.message for p in result.report)


def test_not_parallel_segmentation_is_a_clear_error(tmp_path):
    plain = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body><p>x</p></body></text></TEI>'
    assert not is_parallel_segmentation(etree.fromstring(plain))
    with pytest.raises(FileFormatError, match="names no witness"):
        import_tei_parallel(plain)
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<TEI><text>")
    with pytest.raises(FileFormatError, match="not well-formed"):
        import_tei_parallel(broken)
    with pytest.raises(FileFormatError, match="no text body"):
        import_tei_parallel(b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/></TEI>')


def test_the_header_keeps_the_metadata_and_hands(assert_valid_tei):
    edition = _edition(("typed", TYPED), ("handwritten", HAND))
    edition.metadata.date = "1956-09-19"
    edition.metadata.classification = "Secret"
    edition.hands["hand-1"] = Hand("hand-1", "Mikoyan", "A. Mikoyan", "pencil")
    data = export_tei_parallel(edition)
    assert_valid_tei(data)
    assert b'ident="variorum"' not in data    # never mistaken for a native edition
    back = import_tei_parallel(data).edition
    assert back.metadata.date == "1956-09-19"
    assert back.metadata.classification == "Secret"
    assert back.hands["hand-1"].label == "Mikoyan"


# -- property: every witness comes back, whitespace aside -------------------------------

PIECES = st.sampled_from(["word", "other", "𝔄", "é", "the", ",", ".", " ", "  ", "\n", "\n\n",
                          "&", "<", "שלום"])
TEXTS = st.lists(PIECES, max_size=25).map("".join)


def _spaces(text: str) -> str:
    """Whitespace aside: runs of spaces count as one."""
    return re.sub(" +", " ", text)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=3))
def test_every_witness_comes_back_whitespace_aside(assert_valid_tei, texts):
    edition = Edition()
    for index, text in enumerate(texts):
        edition.add_witness(Witness(f"w{index}", text=text))
    data = export_tei_parallel(edition)
    assert_valid_tei(data)
    back = import_tei_parallel(data).edition
    assert list(back.witnesses) == list(edition.witnesses)
    for wid in edition.witnesses:
        assert _spaces(back.text(wid)) == _spaces(edition.text(wid))
    # the base witness is never touched at all
    assert back.text("w0") == edition.text("w0")


def test_the_seed_telegram(assert_valid_tei):
    from conftest import SEED_EDITION
    if not SEED_EDITION.exists():
        pytest.skip("the seed edition is not in samples/ yet")
    from editor.formats import native
    seed = native.load(SEED_EDITION).edition
    data = export_tei_parallel(seed)
    assert_valid_tei(data)
    root = etree.fromstring(data)
    apps = root.findall(".//t:app", NS)
    readings = {"".join(r.itertext()) for app in apps for r in app.iterfind("t:rdg", NS)}
    assert "reprisals against honest Party members are halted" in " ".join(readings)
    back = import_tei_parallel(data).edition
    for wid in seed.witnesses:
        assert _spaces(back.text(wid)) == _spaces(seed.text(wid))
