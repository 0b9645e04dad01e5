"""W3C Web Annotation export: structure, selectors that match the text, ids, options."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.formats.jsonld import CONTEXT, export_jsonld
from editor.formats.registry import ExportOptions, exporter
from editor.model.annotation import Anchoring, Span
from editor.model.edition import Edition, Hand, Witness
from editor.model.kinds import KINDS
from editor.model.operations import add_annotation, set_status

TYPED = "𝔄 TOP SECRET\n\nToday we talked with Nie Rongzhen about the situation, which is unhealthy."
HAND = "Today we spoke with Nie about the situation."


@pytest.fixture()
def edition() -> Edition:
    e = Edition()
    e.metadata.title = "Telegram"
    e.metadata.record_id = "121799"
    e.add_witness(Witness("typed", "Typed", "typed", TYPED))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten", HAND))
    e.hands["hand-1"] = Hand("hand-1", "Mikoyan's pencil")
    translator = e.person_for("Gary Goldberg", "translator", "GG")
    start = TYPED.index("Rongzhen")
    add_annotation(e, "typed", start, start + 8, "supplied", {"resp": translator.id},
                   who=translator.id, annotation_id="sup")
    start = TYPED.index("unhealthy")
    add_annotation(e, "typed", start, start + 9, "addition", {"hand": "hand-1", "place": "above"},
                   annotation_id="add", cert="medium")
    end = TYPED.index("situation") + 9
    add_annotation(e, "typed", end, end, "note", {"type": "translator"},
                   note="Underlined twice.", who=translator.id, annotation_id="note")
    add_annotation(e, "typed", TYPED.index("talked"), TYPED.index("talked") + 6, "variant",
                   counterpart=Span("handwritten", HAND.index("spoke"), HAND.index("spoke") + 5),
                   annotation_id="var")
    add_annotation(e, "typed", 0, 1, "unclear", annotation_id="rej")
    set_status(e, "rej", "rejected", who="ed")
    return e


def _document(edition: Edition, **options) -> dict:
    return json.loads(export_jsonld(edition, ExportOptions(**options)).decode("utf-8"))


def _targets(annotation: dict) -> list[dict]:
    target = annotation["target"]
    return target if isinstance(target, list) else [target]


def _check_selectors(document: dict, texts: dict[str, str]) -> int:
    """Every quote equals the text at its position; return how many were checked."""
    checked = 0
    for annotation in document["first"]["items"]:
        for target in _targets(annotation):
            text = texts[target["source"]]
            selectors = target["selector"]
            if isinstance(selectors, dict):
                continue     # an orphan: no position to check
            quote = next(s for s in selectors if s["type"] == "TextQuoteSelector")
            position = next(s for s in selectors if s["type"] == "TextPositionSelector")
            assert quote["exact"] == text[position["start"]:position["end"]]
            assert text[:position["start"]].endswith(quote["prefix"])
            assert text[position["end"]:].startswith(quote["suffix"])
            assert len(quote["prefix"]) <= CONTEXT and len(quote["suffix"]) <= CONTEXT
            checked += 1
    return checked


def _texts(document: dict) -> dict[str, str]:
    return {w["id"]: w["variorum:text"] for w in document["variorum:witnesses"]}


def test_the_collection_and_its_annotations(edition):
    document = _document(edition)
    assert document["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert document["type"] == "AnnotationCollection"
    assert document["label"] == "Telegram"
    items = document["first"]["items"]
    assert document["total"] == len(items) == 4           # the rejected mark is left out
    assert document["first"]["type"] == "AnnotationPage"
    by_id = {item["id"].rsplit(":", 1)[-1]: item for item in items}
    assert set(by_id) == {"sup", "add", "note", "var"}
    for item in items:
        assert item["type"] == "Annotation"
        assert item["created"] and item["modified"]
    assert exporter("jsonld") is export_jsonld


def test_bodies_carry_kind_attributes_and_note(edition):
    by_id = {i["id"].rsplit(":", 1)[-1]: i for i in _document(edition)["first"]["items"]}
    addition = by_id["add"]
    assert addition["motivation"] == "editing"
    classifying = addition["body"][0]
    assert classifying["purpose"] == "classifying" and classifying["value"] == "addition"
    assert classifying["variorum:tei"] == "add"
    assert classifying["variorum:attributes"] == {
        "hand": "hand-1", "place": "above", "variorum:handLabel": "Mikoyan's pencil"}
    assert classifying["variorum:certainty"] == "medium"
    note = by_id["note"]
    assert note["motivation"] == "commenting"
    assert note["body"][1] == {"type": "TextualBody", "purpose": "commenting",
                               "value": "Underlined twice.", "format": "text/plain"}
    assert note["creator"] == {"id": "urn:variorum:121799:gary-goldberg", "type": "Person",
                               "name": "Gary Goldberg", "nickname": "GG"}
    selectors = note["target"]["selector"]
    assert selectors[0]["exact"] == "" and selectors[1]["start"] == selectors[1]["end"]


def test_every_quote_matches_the_text_at_its_position(edition):
    document = _document(edition)
    texts = _texts(document)
    assert texts == {"urn:variorum:121799:typed": TYPED,
                     "urn:variorum:121799:handwritten": HAND}
    assert _check_selectors(document, texts) == 5       # 4 marks, the variant has 2 targets
    addition = next(i for i in document["first"]["items"] if i["id"].endswith(":add"))
    position = addition["target"]["selector"][1]
    # code points, not UTF-16 units: 𝔄 counts as one
    assert position["start"] == TYPED.index("unhealthy")


def test_a_variant_targets_both_witnesses(edition):
    variant = next(i for i in _document(edition)["first"]["items"] if i["id"].endswith(":var"))
    assert variant["motivation"] == "linking"
    sources = [t["source"] for t in variant["target"]]
    assert sources == ["urn:variorum:121799:typed", "urn:variorum:121799:handwritten"]
    assert [t["selector"][0]["exact"] for t in variant["target"]] == ["talked", "spoke"]


def test_options_choose_witness_rejected_and_ids(edition, tmp_path):
    assert _document(edition, include_rejected=True)["total"] == 5
    assert _document(edition, witness="handwritten")["total"] == 0
    path = tmp_path / "telegram.variorum.xml"
    document = _document(edition, extra={"edition_path": str(path)})
    assert document["variorum:witnesses"][0]["id"] == path.resolve().as_uri() + "#typed"
    assert document["first"]["items"][0]["id"].startswith(path.resolve().as_uri() + "#")
    assert export_jsonld(edition) == export_jsonld(edition)     # deterministic


def test_an_orphan_keeps_its_words_without_a_position(edition):
    ann = edition.annotations["sup"]
    ann.anchoring = Anchoring("orphaned", "Rongzhen", 10, 18)
    ann.status = "orphaned"
    item = next(i for i in _document(edition)["first"]["items"] if i["id"].endswith(":sup"))
    assert item["target"]["selector"] == {"type": "TextQuoteSelector", "exact": "Rongzhen"}
    assert item["body"][0]["variorum:anchoring"] == "orphaned"


# -- property: random marks anywhere, quotes always match -------------------------------

@st.composite
def editions(draw):
    alphabet = st.sampled_from(list("ab 𝔄é\n,") + ["שלום", "\n\n", "\u0301"])
    e = Edition()
    for wid in ("typed", "handwritten"):
        e.add_witness(Witness(wid, text="".join(draw(st.lists(alphabet, max_size=60)))))
    for _ in range(draw(st.integers(0, 8))):
        wid = draw(st.sampled_from(["typed", "handwritten"]))
        length = len(e.text(wid))
        start = draw(st.integers(0, length))
        end = draw(st.integers(start, length))
        kind = draw(st.sampled_from(sorted(KINDS)))
        if start == end and not KINDS[kind].point_ok:
            kind = "note"
        counterpart = None
        if kind == "variant":
            other = "handwritten" if wid == "typed" else "typed"
            cs = draw(st.integers(0, len(e.text(other))))
            counterpart = Span(other, cs, draw(st.integers(cs, len(e.text(other)))))
        add_annotation(e, wid, start, end, kind, note=draw(st.sampled_from(["", "n <b>&"])),
                       counterpart=counterpart)
    return e


@settings(max_examples=200, deadline=None)
@given(editions())
def test_json_parses_and_quotes_match_positions(edition):
    document = json.loads(export_jsonld(edition))
    assert document["total"] == len(edition.annotations)
    expected = len(edition.annotations) + sum(
        1 for a in edition.annotations.values() if a.counterpart is not None)
    assert _check_selectors(document, _texts(document)) == expected


def test_the_seed_telegram():
    from conftest import SEED_EDITION
    if not SEED_EDITION.exists():
        pytest.skip("the seed edition is not in samples/ yet")
    from editor.formats import native
    seed = native.load(SEED_EDITION).edition
    document = json.loads(export_jsonld(seed))
    visible = [a for a in seed.annotations.values() if a.status != "rejected"]
    assert document["total"] == len(visible) >= 19
    checked = _check_selectors(document, _texts(document))
    assert checked == len(visible) + sum(1 for a in visible if a.counterpart is not None)
    for item in document["first"]["items"]:
        if "creator" in item:
            person = seed.people.get(item["creator"]["id"].rsplit(":", 1)[-1])
            expected = "Software" if person is not None and person.role == "software" else "Person"
            assert item["creator"]["type"] == expected
