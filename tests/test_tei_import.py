"""Importing TEI: every supported element, roots other than TEI, parallel segmentation,
standoff collations, and hostile input."""

from __future__ import annotations

from collections import Counter

import pytest

from editor.errors import FileFormatError, UnsafeInputError, VariorumError
from editor.formats import native
from editor.formats.registry import ExportOptions
from editor.formats.tei_common import COMPLETION_SUFFIX, parse_shell
from editor.formats.tei_import import import_tei
from editor.formats.tei_inline import export_tei_inline
from editor.formats.tei_walk import Walker
from editor.formats.xmlsafe import parse_bytes
from editor.model.validate import validate_edition

TEI = 'xmlns="http://www.tei-c.org/ns/1.0"'

HEADER = """<teiHeader>
  <fileDesc>
    <titleStmt>
      <title type="main">A letter</title><title type="sub">transcription</title>
      <author>A. Writer</author>
      <editor>E. Ditor</editor>
      <respStmt><resp>encoding</resp><persName xml:id="jd">Jane Doe</persName></respStmt>
    </titleStmt>
    <publicationStmt>
      <publisher>The Project</publisher><idno>rec-42</idno>
      <availability><licence target="https://creativecommons.org/licenses/by/4.0/">
        <p>CC BY 4.0</p></licence></availability>
    </publicationStmt>
    <sourceDesc><msDesc><msIdentifier><settlement>Wien</settlement>
      <repository>Archive</repository><idno>MS 1</idno></msIdentifier>
      <history><origin><origDate when="1913-04-15">15 April 1913</origDate></origin></history>
    </msDesc></sourceDesc>
  </fileDesc>
  <profileDesc>
    <abstract><p>A short letter.</p></abstract>
    <langUsage><language ident="de">German</language></langUsage>
    <handNotes>
      <handNote xml:id="h1" medium="ink">The writer</handNote>
      <handNote xml:id="h2" medium="pencil" scribe="Editor">A later hand</handNote>
    </handNotes>
  </profileDesc>
</teiHeader>"""

# one of every element the import maps, and some it keeps as markup
EVERYTHING = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI {TEI} xmlns:f="http://example.org/project">
{HEADER}
<text><body>
  <p>Dear <add hand="#h2" place="above" rend="caret">dear</add> friend,
     <del rend="strikethrough">not</del> now <subst><del>b</del><add place="over">B</add></subst>ut
     <supplied reason="omitted" resp="#jd">the</supplied> end.</p>
  <p><choice><sic>teh</sic><corr>the</corr></choice> and <choice><abbr>Dr.</abbr><expan>Doctor</expan></choice>
     <unclear reason="faded" cert="low" resp="#jd">word</unclear> <gap reason="illegible" quantity="2" unit="chars"/>
     x<note type="editorial" place="foot">A note.</note> <handShift new="#h1"/><add>inherited</add>
     <mod f:revType="soon"><del>a</del><add>b</add></mod> <f:overw><f:under>u</f:under><f:over>o</f:over></f:overw>
     <!-- a comment --></p>
  <lg><l>first line<lb/>second line</l><l>third <addSpan hand="#h2" spanTo="#a1"/>line</l>
      <l>fourth<anchor xml:id="a1"/> line</l></lg>
  <p><abbr>Mr</abbr> <sic>speling</sic> <pb n="2"/>next page</p>
</body></text>
</TEI>
""".encode()


@pytest.fixture()
def everything(tmp_path):
    path = tmp_path / "everything.xml"
    path.write_bytes(EVERYTHING)
    return import_tei(path)


def _by_kind(edition, kind):
    return sorted((a for a in edition.annotations.values() if a.kind == kind),
                  key=lambda a: a.start)


def test_text_of_the_witness(everything):
    witness = next(iter(everything.edition.witnesses.values()))
    assert witness.text == (
        "Dear dear friend, not now bBut the end.\n\n"
        "teh and Dr. word x inherited ab uo\n\n"
        "first line\nsecond line\nthird line\nfourth line\n\n"
        "Mr speling next page")
    assert witness.kind == "handwritten"       # it has hands


def test_every_element_becomes_an_annotation_of_its_kind(everything):
    edition = everything.edition
    text = next(iter(edition.witnesses.values())).text
    quote = lambda a: text[a.start:a.end]   # noqa: E731
    additions = _by_kind(edition, "addition")
    assert [(quote(a), a.attrs) for a in additions] == [
        ("dear", {"hand": "h2", "place": "above", "rend": "caret"}),
        ("B", {"place": "over"}),
        ("inherited", {"hand": "h1"}),                 # from the handShift
        ("b", {"hand": "h1"}),
        ("line\nfourth", {"hand": "h2"}),              # the addSpan, to its anchor
    ]
    assert [quote(a) for a in _by_kind(edition, "deletion")] == ["not", "b", "a"]
    subst, = _by_kind(edition, "substitution")
    assert quote(subst) == "bB" and subst.attrs == {"place": "over", "split": "1"}
    supplied, = _by_kind(edition, "supplied")
    assert quote(supplied) == "the" and supplied.attrs == {"reason": "omitted", "resp": "jd"}
    sics = _by_kind(edition, "sic")
    assert [(quote(a), a.attrs) for a in sics] == [("teh", {"corr": "the"}), ("speling", {})]
    expansions = _by_kind(edition, "expansion")
    assert [(quote(a), a.attrs) for a in expansions] == [("Dr.", {"expan": "Doctor"}),
                                                          ("Mr", {})]
    unclear, = _by_kind(edition, "unclear")
    assert (quote(unclear), unclear.attrs, unclear.cert, unclear.resp) == \
        ("word", {"reason": "faded"}, "low", "jd")
    gap, = _by_kind(edition, "gap")
    assert gap.start == gap.end and gap.attrs == {"reason": "illegible", "quantity": "2",
                                                  "unit": "chars"}
    note, = _by_kind(edition, "note")
    assert note.start == note.end == text.index("x") + 1
    assert (note.note, note.attrs) == ("A note.", {"type": "editorial", "place": "foot"})


def test_hands_people_and_metadata(everything):
    edition = everything.edition
    md = edition.metadata
    assert md.title == "A letter" and md.extra["title (sub)"] == "transcription"
    assert md.authors == ["A. Writer"]
    assert ("editor", "E. Ditor") in md.responsible
    assert edition.people["jd"].name == "Jane Doe"
    assert edition.people["jd"].role == "encoding"
    assert (md.publisher, md.record_id, md.rights) == ("The Project", "rec-42", "CC BY 4.0")
    assert md.extra["licence"] == "https://creativecommons.org/licenses/by/4.0/"
    assert (md.source, md.repository) == ("MS 1", "Archive, Wien")
    assert (md.date, md.date_text) == ("1913-04-15", "15 April 1913")
    assert (md.summary, md.language) == ("A short letter.", "de")
    assert set(edition.hands) == {"h1", "h2"}
    assert (edition.hands["h2"].label, edition.hands["h2"].medium,
            edition.hands["h2"].scribe) == ("A later hand", "pencil", "Editor")


def test_what_has_no_kind_is_kept_as_markup_and_reported(everything):
    edition = everything.edition
    remarks = [a for a in edition.annotations.values() if a.kind == "remark"]
    notes = "\n".join(a.note for a in remarks)
    for markup in ("<mod ", 'f:revType="soon"', "<f:overw", "<lg/>", "<l/>", 'anchor xml:id="a1"',
                   '<pb n="2"/>', "<!-- a comment -->", '<handShift new="#h1"/>'):
        assert markup in notes, markup
    for remark in remarks:
        assert parse_shell(remark.note) is not None, remark.note
    # the addSpan's own markup is kept beside the addition it became
    span = _by_kind(edition, "addition")[-1]
    beside = edition.annotations[span.id + COMPLETION_SUFFIX]
    assert beside.attrs == {"type": "tei-attributes"} and "<addSpan" in beside.note
    codes = Counter(p.code for p in everything.report)
    assert codes["kept-as-remark"] >= 5
    assert codes["not-tei"] == 3                # f:overw, f:under, f:over
    assert codes["not-tei-attribute"] == 1      # f:revType
    assert codes["comment-kept"] == 1
    messages = " ".join(p.message for p in everything.report)
    assert "<f:overw>" in messages and "f:revType" in messages


def test_the_import_is_a_valid_native_edition(everything, assert_valid_tei):
    edition = everything.edition
    assert not [p for p in validate_edition(edition) if p.severity == "error"]
    data = native.to_bytes(edition)
    assert_valid_tei(data)
    assert native.from_bytes(data).edition == edition


def test_round_trip_through_inline_tei(everything, tmp_path, assert_valid_tei):
    edition = everything.edition
    wid = next(iter(edition.witnesses))
    data = export_tei_inline(edition, ExportOptions(witness=wid))
    assert_valid_tei(data)
    out = tmp_path / "out.xml"
    out.write_bytes(data)
    again = import_tei(out).edition
    assert again.witnesses[wid].text == edition.witnesses[wid].text
    kinds = lambda e: sorted((a.kind, a.start, a.end, tuple(sorted(a.attrs.items())))   # noqa
                             for a in e.annotations.values() if a.kind != "remark")
    assert kinds(again) == kinds(edition)
    text = data.decode()
    assert '<add hand="#h2" place="above" rend="caret">dear</add>' in text
    assert '<choice><sic>teh</sic><corr>the</corr></choice>' in text
    assert '<addSpan hand="#h2" spanTo="#a1"/>' in text
    assert "f:overw" not in text and "revType" not in text     # reported at import


OVERLAPS = f"""<TEI {TEI}><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
<text><body>
<p>one <delSpan spanTo="#e1"/>two</p><p>three<anchor xml:id="e1"/> four</p>
<p><seg xml:id="s1"><hi>five</hi></seg> <addSpan spanTo="#e2"/>six <del>seven<anchor xml:id="e2"/> eight</del></p>
</body></text></TEI>""".encode()


def test_spans_across_paragraphs_and_overlapping_marks(tmp_path, assert_valid_tei):
    path = tmp_path / "overlaps.xml"
    path.write_bytes(OVERLAPS)
    edition = import_tei(path).edition
    text = next(iter(edition.witnesses.values())).text
    assert text == "one two\n\nthree four\n\nfive six seven eight"
    deletions = _by_kind(edition, "deletion")
    assert [text[a.start:a.end] for a in deletions] == ["two\n\nthree", "seven eight"]
    addition, = _by_kind(edition, "addition")
    assert text[addition.start:addition.end] == "six seven"    # overlaps the del
    wid = next(iter(edition.witnesses))
    data = export_tei_inline(edition, ExportOptions(witness=wid))
    assert_valid_tei(data)
    out = tmp_path / "out.xml"
    out.write_bytes(data)
    again = import_tei(out).edition
    assert [(a.start, a.end) for a in _by_kind(again, "deletion")] == \
        [(a.start, a.end) for a in deletions]
    assert [(a.start, a.end) for a in _by_kind(again, "addition")] == \
        [(addition.start, addition.end)]


# ======================================================================================
# how text is made


def _walk(xml: str) -> str:
    root = parse_bytes(f"<text {TEI}>{xml}</text>".encode()).getroot()
    return Walker().walk(root)[0]


@pytest.mark.parametrize("xml, text", [
    ("<body><p>a   b\n  c</p></body>", "a b c"),
    ("<body><p>one</p>\n<p>two</p></body>", "one\n\ntwo"),
    ("<body><lg><l>one</l><l>two</l></lg><p>three</p></body>", "one\ntwo\n\nthree"),
    ("<body><p><lb/>one<lb/>two <lb/> three</p></body>", "one\ntwo\nthree"),   # lb begins lines
    ("<body><p>Trotzdem<space quantity='1'/>sende</p></body>", "Trotzdem sende"),
    ("<body><p>Peters<pb n='2'/>burgh</p></body>", "Petersburgh"),
    ("<body><p>x <choice>\n <sic>a</sic>\n <corr>b</corr>\n</choice> y</p></body>", "x a y"),
    ("<body><p>a <note>not text</note>b</p></body>", "a b"),
    ("<body><p xml:space='preserve'>a  b\tc</p></body>", "a  b\tc"),
    ("<body><p>a<app><lem>b</lem><rdg>c</rdg></app>d</p></body>", "abd"),
])
def test_text_conventions(xml, text):
    assert _walk(xml) == text


# ======================================================================================
# roots


def _write(tmp_path, name: str, xml: str):
    path = tmp_path / name
    path.write_text(xml, encoding="utf-8")
    return path


def test_a_surface_root(tmp_path):
    path = _write(tmp_path, "page.xml", f"""<surface {TEI} xml:id="page1">
      <graphic url="page.jpg"/><zone><line>one <add hand="#x">two</add></line><line>three</line></zone>
      </surface>""")
    result = import_tei(path)
    witness, = result.edition.witnesses.values()
    assert witness.text == "one two\nthree" and witness.kind == "handwritten"
    assert witness.id == "page1-witness"          # page1 stays the surface's id
    assert "x" in result.edition.hands
    assert any(p.code == "undeclared-hand" for p in result.report)


def test_a_corpus_gives_a_witness_per_text(tmp_path):
    path = _write(tmp_path, "corpus.xml", f"""<teiCorpus {TEI}>{HEADER}
      <TEI xml:id="one"><teiHeader><fileDesc><titleStmt><title>1</title></titleStmt>
        <publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
        <text><body><p>First.</p></body></text></TEI>
      <TEI xml:id="two"><teiHeader><fileDesc><titleStmt><title>2</title></titleStmt>
        <publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
        <text><body><p>Second.</p></body></text></TEI></teiCorpus>""")
    edition = import_tei(path).edition
    assert {w.id: w.text for w in edition.witnesses.values()} == {"one": "First.",
                                                                   "two": "Second."}
    assert edition.metadata.title == "A letter"     # the corpus header comes first


def test_a_source_document_and_a_text_give_two_witnesses(tmp_path):
    path = _write(tmp_path, "both.xml", f"""<TEI {TEI}><teiHeader><fileDesc><titleStmt>
      <title>t</title></titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/>
      </sourceDesc></fileDesc></teiHeader>
      <sourceDoc><surface><zone><line>Diplomatic</line></zone></surface></sourceDoc>
      <text><body><p>Reading text</p></body></text></TEI>""")
    edition = import_tei(path).edition
    assert [(w.id, w.text) for w in edition.witnesses.values()] == [
        ("both-doc", "Diplomatic"), ("both-text", "Reading text")]


def test_tei_without_namespace_is_read_and_reported(tmp_path):
    path = _write(tmp_path, "nons.xml", "<TEI><text><body><p>Hello <del>old</del></p>"
                  "</body></text></TEI>")
    result = import_tei(path)
    assert next(iter(result.edition.witnesses.values())).text == "Hello old"
    assert any(p.code == "no-namespace" for p in result.report)


@pytest.mark.parametrize("xml, words", [
    ("<html><body>hi</body></html>", "not a TEI document"),
    (f"<TEI {TEI}><teiHeader/></TEI>", "holds no text"),
    (f"<TEI {TEI}><text><body><p>unclosed</body></text></TEI>", "not well-formed"),
])
def test_what_is_not_tei_is_refused_clearly(tmp_path, xml, words):
    path = _write(tmp_path, "bad.xml", xml)
    with pytest.raises(FileFormatError) as caught:
        import_tei(path)
    assert words in str(caught.value)


def test_options_are_checked(tmp_path):
    path = _write(tmp_path, "a.xml", f"<TEI {TEI}><text><body><p>a</p></body></text></TEI>")
    assert list(import_tei(path, witness="typed").edition.witnesses) == ["typed"]
    assert import_tei(path, kind="typed").edition.witnesses["a"].kind == "typed"
    with pytest.raises(VariorumError):
        import_tei(path, witness="1 bad")
    with pytest.raises(VariorumError):
        import_tei(path, kind="carved")
    with pytest.raises(VariorumError):
        import_tei(path, status="maybe")


# ======================================================================================
# apparatus

PARALLEL = f"""<TEI {TEI}><teiHeader><fileDesc><titleStmt><title>Poem</title></titleStmt>
  <publicationStmt><p/></publicationStmt><sourceDesc><listWit>
    <witness xml:id="A">Manuscript A</witness><witness xml:id="B">Print B</witness>
    <witness xml:id="C">Print C</witness></listWit></sourceDesc></fileDesc></teiHeader>
  <text><body><lg>
    <l>The <app type="substantive"><rdg wit="#A">quick</rdg><rdg wit="#B #C">swift</rdg></app> fox</l>
    <l>jumps <app><lem wit="#A #B">over</lem><rdg wit="#C"/></app> the <del>lazy</del> dog<app><rdg wit="#A">.</rdg><rdg wit="#B">!</rdg><rdgGrp><rdg wit="#C">?</rdg></rdgGrp></app></l>
  </lg></body></text></TEI>"""


def test_parallel_segmentation_rebuilds_each_witness(tmp_path, assert_valid_tei):
    path = _write(tmp_path, "parallel.xml", PARALLEL)
    result = import_tei(path)
    edition = result.edition
    assert {w.id: (w.label, w.text) for w in edition.witnesses.values()} == {
        "A": ("Manuscript A", "The quick fox\njumps over the lazy dog."),
        "B": ("Print B", "The swift fox\njumps over the lazy dog!"),
        "C": ("Print C", "The swift fox\njumps the lazy dog?"),
    }
    variants = [(a.witness, edition.quote(a), a.attrs,
                 edition.witnesses["A"].text[a.counterpart.start:a.counterpart.end])
                for a in edition.sorted_annotations() if a.kind == "variant"]
    assert variants == [("B", "swift", {"type": "substantive"}, "quick"),
                        ("B", "!", {}, "."),
                        ("C", "swift", {"type": "substantive"}, "quick"),
                        ("C", "", {}, "over"),
                        ("C", "?", {}, ".")]
    # markup outside the apparatus is in every witness
    assert len([a for a in edition.annotations.values() if a.kind == "deletion"]) == 3
    assert any(p.code == "parallel-segmentation" for p in result.report)
    # all witnesses exported in text/group/text, then read back the same
    data = export_tei_inline(edition, ExportOptions())
    assert_valid_tei(data)
    out = tmp_path / "all.xml"
    out.write_bytes(data)
    again = import_tei(out).edition
    assert {w.id: w.text for w in again.witnesses.values()} == \
        {w.id: w.text for w in edition.witnesses.values()}
    spans = lambda e: sorted((a.witness, a.start, a.end, a.counterpart.witness,  # noqa
                              a.counterpart.start, a.counterpart.end)
                             for a in e.annotations.values() if a.kind == "variant")
    assert spans(again) == spans(edition)


SPINE = f"""<TEI {TEI}><teiHeader><fileDesc><titleStmt><title>Spine</title></titleStmt>
  <publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
  <text><body><ab>
   <app xml:id="app1"><rdgGrp><rdg wit="w1"><ptr target="https://example.org/chunks/one.xml#s1"/></rdg>
     <rdg wit="w2"><ptr target="two.xml#t1"/></rdg></rdgGrp></app>
   <app xml:id="app2"><rdg wit="w1"><ptr target="one.xml#s2"/></rdg>
     <rdg wit="w2"><ptr target="two.xml#t2"/></rdg><rdg wit="w3"><ptr target="three.xml#x"/></rdg></app>
  </ab></body></text></TEI>"""
CHUNK = f"""<TEI {TEI}><text><body><p><seg xml:id="{{a}}">{{ta}}</seg> <seg xml:id="{{b}}">{{tb}}</seg></p></body></text></TEI>"""


def test_standoff_collation_resolves_what_is_here_and_reports_the_rest(tmp_path):
    path = _write(tmp_path, "spine.xml", SPINE)
    _write(tmp_path, "one.xml", CHUNK.format(a="s1", ta="It was <del>a</del> dark", b="s2",
                                             tb="night."))
    _write(tmp_path, "two.xml", CHUNK.format(a="t1", ta="It was dark", b="t2", tb="night!"))
    result = import_tei(path)
    edition = result.edition
    assert list(edition.witnesses) == ["w1", "w2", "w3"]
    assert edition.witnesses["w2"].text == "It was dark\n\nnight!"
    assert edition.witnesses["w3"].text == ""
    unresolved = [p for p in result.report if p.code == "unresolved-pointer"]
    assert len(unresolved) == 1 and "three.xml" in unresolved[0].message
    assert "never fetches from the network" in unresolved[0].message
    assert edition.witnesses["w1"].text == "It was a dark\n\nnight."
    deletion, = [a for a in edition.annotations.values() if a.kind == "deletion"]
    assert (deletion.witness, edition.quote(deletion)) == ("w1", "a")
    variants = [(a.witness, edition.quote(a), edition.witnesses["w1"].text[
        a.counterpart.start:a.counterpart.end]) for a in edition.sorted_annotations()
        if a.kind == "variant"]
    assert variants == [("w2", "It was dark", "It was a dark"), ("w2", "night!", "night.")]
    # the apparatus itself is kept as markup on the first witness
    kept = "\n".join(a.note for a in edition.annotations.values() if a.witness == "w1")
    assert 'xml:id="app1"' in kept and "three.xml#x" in kept


# ======================================================================================
# hostile input

HOSTILE = {
    "dtd": b'<?xml version="1.0"?><!DOCTYPE TEI SYSTEM "tei.dtd"><TEI/>',
    "internal entity": b'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x "boom">]>'
                       b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&x;</p>'
                       b'</body></text></TEI>',
    "external entity": b'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM '
                       b'"file:///etc/passwd">]><TEI><text><body><p>&x;</p></body></text>'
                       b'</TEI>',
    "billion laughs": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                      b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                      b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                      b'<TEI><text><body><p>&lol3;</p></body></text></TEI>',
    "parameter entity": b'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY % p SYSTEM '
                        b'"http://example.org/evil.dtd"> %p;]><TEI/>',
    "utf-16 doctype": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE TEI [<!ENTITY x '
                      '"y">]><TEI/>'.encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_refused_with_a_clear_message(tmp_path, name):
    path = tmp_path / "hostile.xml"
    path.write_bytes(HOSTILE[name])
    with pytest.raises(UnsafeInputError) as caught:
        import_tei(path)
    message = str(caught.value)
    assert "DTD" in message or "entit" in message, message
    assert "hostile.xml" in message


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileFormatError) as caught:
        import_tei(tmp_path / "nothing.xml")
    assert "cannot" in str(caught.value)
