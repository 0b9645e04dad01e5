"""The HTML edition: escaping, self-containment, nesting of overlapping marks, content."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.formats.html import export_html
from editor.formats.registry import ExportOptions, exporter
from editor.model.annotation import Span
from editor.model.edition import Edition, Hand, Witness
from editor.model.kinds import KINDS
from editor.model.operations import add_annotation, set_status

EVIL = "<script>alert('x')</script> \"quoted\" & </style><b>bold</b>"
VOID = {"br", "meta", "hr", "img", "input", "link"}
#: elements the exporter inserts (signs, calls, expansions), which are not witness text
INSERTED = {"caret", "bracket", "call", "expansion-text", "var-anchor", "gap-point", "variant-point"}


class Page(HTMLParser):
    """Parses the page and checks that every element is closed in order (well nested)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.paragraphs: dict[str, list[str]] = {}   # witness -> text of each <p>
        self.witness = None
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "article":
            self.witness = attrs.get("id", "").removeprefix("witness-")
            self.paragraphs[self.witness] = []
        if tag == "p" and self.witness is not None and self._in_class("witness-text"):
            self.paragraphs[self.witness].append("")
        if tag == "br" and self._collecting():
            self.paragraphs[self.witness][-1] += "\n"
        if tag not in VOID:
            self.stack.append((tag, set((attrs.get("class") or "").split())))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        if tag == "article":
            self.witness = None

    def handle_data(self, data):
        self.text.append(data)
        if self._collecting() and not any(c & INSERTED for _, c in self.stack):
            self.paragraphs[self.witness][-1] += data

    def _in_class(self, name):
        return any(name in classes for _, classes in self.stack)

    def _collecting(self):
        return (self.witness is not None and self.paragraphs[self.witness]
                and any(tag == "p" for tag, _ in self.stack))


def parse(data: bytes) -> Page:
    page = Page()
    page.feed(data.decode("utf-8"))
    page.close()
    assert not page.errors, page.errors
    assert not page.stack, f"unclosed: {page.stack}"
    return page


def _at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


TYPED = ("TOP SECRET\n\nToday we talked with Nie Rongzhen about teh situation, which is "
         "absolutely unhealthy.\nSecond line.\n\nWe agreed to continue 𝔄.")
HAND = "TOP SECRET\n\nToday we spoke with Nie about the situation.\n\nWe agreed."


@pytest.fixture()
def edition() -> Edition:
    e = Edition()
    e.metadata.title = "Telegram to the CC"
    e.metadata.date, e.metadata.classification = "1956-09-19", "Secret"
    e.metadata.translator = "Gary Goldberg"
    e.add_witness(Witness("typed", "Typed copy", "typed", TYPED))
    e.add_witness(Witness("handwritten", "Handwritten draft", "handwritten", HAND))
    e.hands["hand-1"] = Hand("hand-1", "Mikoyan")
    add_annotation(e, "typed", *_at(TYPED, "Rongzhen"), "supplied", annotation_id="sup")
    add_annotation(e, "typed", *_at(TYPED, "teh"), "sic", annotation_id="sic")
    add_annotation(e, "typed", *_at(TYPED, "absolutely"), "addition",
                   {"hand": "hand-1", "place": "above"}, annotation_id="add")
    add_annotation(e, "typed", *_at(TYPED, "Second line"), "unclear", annotation_id="unc")
    end = _at(TYPED, "unhealthy")[1]
    add_annotation(e, "typed", end, end, "note", {"type": "translator"},
                   note="Underlined twice.", annotation_id="note")
    add_annotation(e, "handwritten", *_at(HAND, "spoke"), "deletion", annotation_id="del")
    end = _at(HAND, "agreed")[1]
    add_annotation(e, "handwritten", end, end, "gap", {"reason": "illegible"}, annotation_id="gap")
    add_annotation(e, "typed", *_at(TYPED, "talked"), "variant", annotation_id="var",
                   counterpart=Span("handwritten", *_at(HAND, "spoke")))
    return e


def test_both_versions_side_by_side_with_their_marks(edition):
    data = export_html(edition)
    page = parse(data)
    html = data.decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert exporter("html") is export_html
    assert "Typed copy" in html and "Handwritten draft" in html
    assert "repeat(2, minmax(0, 1fr))" in html                     # two columns
    for kind in ("supplied", "sic", "addition", "unclear", "deletion", "gap", "variant"):
        assert f'class="mark {kind}' in html, kind
    assert 'class="mark addition hand-1"' in html                 # coloured by hand
    # each witness's paragraphs hold exactly its text (inserted signs aside)
    assert page.paragraphs["typed"] == TYPED.split("\n\n")
    assert page.paragraphs["handwritten"] == HAND.split("\n\n")


def test_metadata_legend_notes_and_variants(edition):
    page = parse(export_html(edition))
    text = "".join(page.text)
    assert "Telegram to the CC" in text and "Gary Goldberg" in text and "Secret" in text
    assert "How to read this edition" in text
    assert re.search(r"Translator's note \(Typed copy\): Underlined twice\.", text)
    ids = {attrs.get("id") for _, attrs in page.tags}
    assert {"note-1", "call-1"} <= ids
    assert "Variants" in text and "marked variant" in text
    # every link inside the page leads to an element of the page
    for tag, attrs in page.tags:
        if tag == "a" and attrs.get("href"):
            assert attrs["href"].startswith("#") and attrs["href"][1:] in ids, attrs["href"]


def test_everything_from_the_edition_is_escaped(edition):
    edition.metadata.title = EVIL
    edition.metadata.summary = EVIL
    edition.metadata.source = EVIL
    edition.witnesses["typed"].label = EVIL
    edition.hands["hand-1"].label = EVIL
    edition.hands["hand-1"].description = EVIL
    edition.annotations["note"].note = EVIL
    edition.annotations["sup"].attrs["reason"] = EVIL
    start = len(edition.text("handwritten"))
    edition.witnesses["handwritten"].text += "\n\n" + EVIL
    add_annotation(edition, "handwritten", start + 2, start + 2 + len(EVIL), "remark",
                   note=EVIL, annotation_id="evil")
    data = export_html(edition)
    page = parse(data)
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "b" not in tags
    assert tags.count("style") == 1
    assert data.count(b"</style>") == 1
    text = "".join(page.text)
    assert text.count("<script>alert('x')</script>") >= 6     # shown as text
    assert page.paragraphs["handwritten"][-1] == EVIL
    for _, attrs in page.tags:                               # and never in an attribute name
        assert all(re.fullmatch(r"[a-z-]+", name) for name in attrs)


def test_the_page_needs_nothing_from_outside(edition):
    html = export_html(edition).decode("utf-8")
    page = parse(html.encode())
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed")
        assert "src" not in attrs
    assert not re.search(r"url\(|@import|https?://", html)


def test_rejected_marks_are_left_out_and_orphans_listed(edition):
    set_status(edition, "sic", "rejected", who="ed")
    ann = edition.annotations["unc"]
    from editor.model.annotation import Anchoring
    ann.anchoring = Anchoring("orphaned", "Second line", 0, 0)
    html = export_html(edition).decode("utf-8")
    assert 'data-id="sic"' not in html and 'data-id="unc"' not in html
    assert "Marks whose words were lost" in html and "Second line" in html
    assert 'data-id="sic"' in export_html(
        edition, ExportOptions(include_rejected=True)).decode("utf-8")


def test_one_witness_alone(edition):
    html = export_html(edition, ExportOptions(witness="handwritten")).decode("utf-8")
    assert 'id="witness-handwritten"' in html and 'id="witness-typed"' not in html
    assert "repeat(1, minmax(0, 1fr))" in html


def test_overlapping_marks_are_split_into_nested_elements():
    text = "one two three four five"
    e = Edition()
    e.add_witness(Witness("typed", text=text))
    add_annotation(e, "typed", 0, 13, "deletion", annotation_id="a")      # one two three
    add_annotation(e, "typed", 4, 18, "addition", annotation_id="b")      # two three four
    add_annotation(e, "typed", 8, 23, "supplied", annotation_id="c")      # three four five
    page = parse(export_html(e))
    assert page.paragraphs["typed"] == [text]
    pieces = [attrs["data-id"] for tag, attrs in page.tags if attrs.get("data-id")]
    assert pieces.count("a") == 1 and pieces.count("b") == 2 and pieces.count("c") == 2


# -- property: random overlapping marks always give a well-nested page ------------------

@st.composite
def marked(draw):
    text = "".join(draw(st.lists(st.sampled_from(["ab", " ", "𝔄", "\n", "\n\n", "<&>", "é"]),
                                 min_size=1, max_size=30)))
    e = Edition()
    e.add_witness(Witness("typed", text=text))
    e.add_witness(Witness("handwritten", text=draw(st.sampled_from(["", text, "ab cd"]))))
    for _ in range(draw(st.integers(0, 10))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        kind = draw(st.sampled_from(sorted(KINDS)))
        if start == end and not KINDS[kind].point_ok:
            kind = "gap"
        attrs = {"split": str(draw(st.integers(0, 3)))} if kind == "substitution" else {}
        if kind == "expansion":
            attrs = {"expan": "exp"}
        add_annotation(e, "typed", start, end, kind, attrs, note="n")
    return e


@settings(max_examples=200, deadline=None)
@given(marked())
def test_any_marks_render_well_nested_with_the_text_intact(edition):
    page = parse(export_html(edition))
    assert page.paragraphs["typed"] == edition.text("typed").split("\n\n")


def test_the_seed_telegram():
    from conftest import SEED_EDITION
    if not SEED_EDITION.exists():
        pytest.skip("the seed edition is not in samples/ yet")
    from editor.formats import native
    seed = native.load(SEED_EDITION).edition
    data = export_html(seed)
    page = parse(data)
    for wid in seed.witnesses:
        assert page.paragraphs[wid] == seed.text(wid).split("\n\n")
    html = data.decode("utf-8")
    notes = [a for a in seed.annotations.values() if a.kind == "note"]
    for number in range(1, len(notes) + 1):
        assert f'id="note-{number}"' in html
    assert "reprisals against honest Party members are halted" in html
    assert 'class="mark deletion"' in html and 'class="mark addition' in html
