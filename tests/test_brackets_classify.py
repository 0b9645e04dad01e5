"""What one bracket says: the wording real translations use, read with confidence or kept
as a remark."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from editor.formats.brackets_classify import Context, classify

MID = Context(" ", " ")              # inside a sentence, spaces around
ALONE = Context("\n", "\n")          # a paragraph of its own
IN_WORD = Context("m", " ")          # Dim[itrov]


@pytest.mark.parametrize("inner, kind, shape, side, hand", [
    ("inserted by hand: 18 September", "addition", "content", "typed", "typed"),
    ("handwritten: authenticated: V. Chistov", "addition", "content", "typed", "typed"),
    ("Handwritten note: Agreed", "addition", "content", "typed", "typed"),
    ("in the handwritten version: absolutely", "variant", "content", "handwritten", ""),
    ("In the draft: still", "variant", "content", "handwritten", ""),
    ("handwritten version: still", "variant", "content", "handwritten", ""),
    ("inserted by hand in the handwritten version: and the CC plenum", "addition", "content",
     "handwritten", "draft"),
    ("added in the handwritten draft: x", "addition", "content", "handwritten", ""),
    ("deleted in the handwritten version: reprisals", "deletion", "content", "handwritten", ""),
    ("crossed out in the draft: x", "deletion", "content", "handwritten", ""),
    ("not in the handwritten version: by the departments", "variant", "content", "typed", ""),
    ("omitted in the handwritten version: x", "variant", "content", "typed", ""),
    ("crossed out: at ten o'clock", "deletion", "content", "both", ""),
    ("crossed out by hand: x", "deletion", "content", "both", "typed"),
    ("inserted: x", "addition", "content", "typed", ""),
    ("unclear: 1,400", "unclear", "content", "both", ""),
    ("substitution: old|new", "substitution", "content", "both", ""),
])
def test_labelled_brackets(inner, kind, shape, side, hand):
    reading = classify(inner, MID)
    assert (reading.kind, reading.shape, reading.side, reading.hand) == (kind, shape, side, hand)


def test_the_content_of_a_labelled_bracket_excludes_its_label_and_edge_spaces():
    inner = "inserted by hand:   18 September "
    reading = classify(inner, MID)
    assert reading.content_of(inner) == "18 September"
    assert reading.prefix(inner) == "[inserted by hand:   "
    assert reading.suffix(inner) == " ]"


def test_margin_and_line_additions_say_where():
    assert classify("in the margin: see copy", MID).attrs == {"place": "margin"}
    assert classify("above the line: not", MID).attrs == {"place": "above"}


@pytest.mark.parametrize("inner, note_type, text", [
    ("Translator's note: a handwritten version follows", "translator",
     "a handwritten version follows"),
    ("Translator’s Note: curly apostrophe", "translator", "curly apostrophe"),
    ("TN: short", "translator", "short"),
    ("Ed. note: the minutes are lost.", "editor", "the minutes are lost."),
    ("Editor's note: x", "editor", "x"),
    ("Author's note: x", "author", "x"),
    ("Note: x", "", "x"),
    ("Sejm, the Polish parliament --trans.", "translator", "Sejm, the Polish parliament"),
    ("i.e., the KGB —Ed.", "editor", "i.e., the KGB"),
])
def test_notes(inner, note_type, text):
    reading = classify(inner, MID)
    assert (reading.kind, reading.shape) == ("note", "point")
    assert reading.attrs.get("type", "") == note_type
    assert reading.content_of(inner) == text


def test_a_note_telling_of_a_passage_added_then_crossed_out():
    inner = ("Translator's note: in the handwritten version the following sentence was inserted "
             'at this point, then crossed out: "We completely disagree with such an assessment"')
    reading = classify(inner, MID)
    assert reading.shape == "passage"
    assert reading.passage == "We completely disagree with such an assessment"
    assert reading.side == "handwritten"


def test_other_wordings_of_a_crossed_out_passage():
    reading = classify('Translator\'s Note: In the draft the phrase “the sooner, the better” '
                       "was added here and then struck out; see “the sooner, the better”", MID)
    assert reading.shape == "passage"
    assert reading.passage == "the sooner, the better"


def test_a_crossed_out_passage_in_the_typed_version_is_only_a_note():
    reading = classify('Translator\'s note: the words "to be sent" were typed, then crossed out',
                       MID)
    assert reading.shape == "point"


@pytest.mark.parametrize("inner, corr", [("SIC", None), ("sic", None), ("sic!", None),
                                         ("sic: received", "received"),
                                         ("sic, received", "received")])
def test_sic(inner, corr):
    reading = classify(inner, MID)
    assert (reading.kind, reading.shape) == ("sic", "preceding")
    assert reading.attrs.get("corr") == corr


def test_expansion():
    reading = classify("expanded: Secretary", MID)
    assert (reading.kind, reading.shape, reading.attrs) == (
        "expansion", "preceding", {"expan": "Secretary"})


@pytest.mark.parametrize("inner, remark_type", [
    ("1", "footnote-call"), ("12", "footnote-call"), ("*", "footnote-call"),
    ("page two", "page"), ("Page 111", "page"), ("p. 3", "page"), ("Page 3 of 5", "page"),
    ("l. 35 ob.", "page"), ("end of page 4", "page"),
    ("Stamp: Received 14.III.49", "stamp"), ("stamp", "stamp"), ("Seal of the embassy", "stamp"),
    ("Signature", "signature"), ("signed: V. Orlov", "signature"),
    ("?", "query"),
])
def test_remarks_recognised_with_confidence(inner, remark_type):
    reading = classify(inner, MID)
    assert (reading.kind, reading.shape) == ("remark", "point")
    assert reading.attrs == {"type": remark_type}


@pytest.mark.parametrize("inner, attrs", [
    ("Illegible text", {"reason": "illegible"}),
    ("illegible", {"reason": "illegible"}),
    ("two words illegible", {"reason": "illegible", "extent": "two words"}),
    ("illegible signature", {"reason": "illegible"}),
    ("signature illegible", {"reason": "illegible"}),
    ("...", {"reason": "omitted"}),
    ("…", {"reason": "omitted"}),
    ("torn", {"reason": "damage"}),
    ("text missing", {"reason": "lost"}),
    ("gap: redacted", {"reason": "redacted"}),
])
def test_gaps(inner, attrs):
    reading = classify(inner, MID)
    assert (reading.kind, reading.shape, reading.attrs) == ("gap", "point", attrs)


@pytest.mark.parametrize("inner, context, cert", [
    ("to the", MID, ""), ("exchange", MID, ""), ("We", Context("", " "), ""),
    ("Rongzhen", MID, ""), ("itrov", IN_WORD, ""), ("Dim", Context(" ", "i"), ""),
    ("1949", MID, ""), ("Rongzhen?", MID, "low"), ("it is", MID, ""),
    ("the Soviet Union's", MID, ""),
])
def test_supplied_words(inner, context, cert):
    reading = classify(inner, context)
    assert (reading.kind, reading.shape, reading.side) == ("supplied", "content", "both")
    assert reading.cert == cert
    assert reading.attrs == {"reason": "omitted"}


@pytest.mark.parametrize("inner, context", [
    ("to the", ALONE),                                  # alone on its line: about the text
    ("the letter is lost", MID),                        # a sentence about the document
    ("Untitled", MID), ("text continues overleaf", MID),
    ("one two three four five six seven", MID),         # too long for supplied words
    ("Foo: bar", MID),                                  # an unknown label
    ("", MID), ("   ", MID),
    ("with a drawing [torn]", Context(" ", " ", nested=True)),
    ("inserted by hand:", MID),                         # a content bracket without content
    ("substitution: no bar here", MID),
    ("x" * 3000, MID),
])
def test_everything_else_is_a_remark(inner, context):
    reading = classify(inner, context)
    assert reading.kind == "remark"
    assert reading.shape == "point"


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["", " ", "\n", "a", "."]),
       st.sampled_from(["", " ", "\n", "a", ","]), st.booleans())
def test_classify_never_raises_and_content_lies_inside(inner, before, after, nested):
    reading = classify(inner, Context(before, after, nested))
    start, end = reading.content
    assert 0 <= start <= end <= len(inner)
    assert reading.prefix(inner) + inner[start:end] + reading.suffix(inner) == f"[{inner}]"
    assert reading.shape in ("content", "point", "preceding", "passage")
