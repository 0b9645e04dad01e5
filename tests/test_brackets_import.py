"""How brackets become witness texts and annotations: where the words go, where points
land, how the spaces around a removed bracket are mended, nesting, and broken input."""

from __future__ import annotations

import pytest

from editor.formats.brackets import import_brackets, parse_brackets
from editor.errors import VariorumError
from editor.model.validate import validate_edition


def imported(text):
    result = parse_brackets(text)
    assert [p for p in validate_edition(result.edition) if p.severity == "error"] == []
    return result.edition


def only(edition, kind, witness="typed"):
    found = [a for a in edition.annotations_of(witness) if a.kind == kind]
    assert len(found) == 1, found
    return found[0]


def test_plain_text_is_one_typed_witness_without_marks():
    e = imported("One paragraph.\n\nAnother one.")
    assert list(e.witnesses) == ["typed"]
    assert e.text("typed") == "One paragraph.\n\nAnother one."
    assert e.annotations == {}


def test_the_handwritten_witness_exists_only_when_a_bracket_speaks_of_it():
    assert list(imported("A [to the] B [inserted by hand: C].").witnesses) == ["typed"]
    e = imported("A [in the handwritten version: new] B.")
    assert list(e.witnesses) == ["typed", "handwritten"]
    assert (e.text("typed"), e.text("handwritten")) == ("A B.", "A new B.")


@pytest.mark.parametrize("text, typed", [
    ("an [1] unhealthy", "an unhealthy"),
    ("corrected [Ed. note: x], and", "corrected, and"),
    ("strengthened. [Translator's note: x] We still", "strengthened. We still"),
    ("word[1] next", "word next"),
    ("word [1]next", "word next"),
    ("Dim[1]itrov", "Dimitrov"),
    ("[page 1] The meeting", "The meeting"),
    ("The end. [page 1]", "The end."),
    ("a [1] [2] [3] b", "a b"),
    ("a [1], [2] b", "a, b"),
])
def test_spaces_around_a_bracket_that_sends_no_words(text, typed):
    e = imported(text)
    assert e.text("typed") == typed


def test_a_point_lands_right_after_the_preceding_word():
    e = imported("strengthened. [Translator's note: x] We still")
    note = only(e, "note")
    assert e.text("typed")[:note.start] == "strengthened."


def test_a_bracket_standing_alone_between_paragraphs_lands_inside_the_separator():
    e = imported("First.\n\n[page 2]\n\nSecond.")
    remark = only(e, "remark")
    assert e.text("typed") == "First.\n\nSecond."
    assert remark.start == len("First.") + 1


def test_brackets_at_the_edges_of_paragraphs():
    e = imported("First [1]\n\n[2] Second.")
    first, second = sorted(e.annotations.values(), key=lambda a: a.start)
    assert e.text("typed") == "First\n\nSecond."
    assert first.start == len("First")                       # end of the first paragraph
    assert second.start == len("First\n\n")                  # start of the second


def test_points_at_one_place_each_keep_where_they_stood():
    e = imported("Nobody answered. [Ed. note: x]\n\n[Stamp: y]\n\n[1] The footnote.")
    note, stamp, call = sorted(e.annotations.values(), key=lambda a: a.id)
    n = len("Nobody answered.")
    assert (note.start, stamp.start, call.start) == (n, n + 1, n + 2)


def test_ids_follow_the_order_brackets_close_in():
    e = imported("[handwritten: signed [illegible]] [1]")
    by_id = {a.id: a.kind for a in e.annotations.values()}
    assert by_id == {"ann-1": "gap", "ann-2": "addition", "ann-3": "remark"}


def test_typed_only_words_leave_the_handwritten_text():
    e = imported("held today, [inserted by hand: 18 September], which [in the handwritten "
                 "version: then] lasted")
    assert e.text("typed") == "held today, 18 September, which lasted"
    assert e.text("handwritten") == "held today,, which then lasted"


def test_nested_brackets_go_to_the_witnesses_their_parent_sends_words_to():
    e = imported("A [in the handwritten version: the [new] plan [illegible]] B [handwritten: "
                 "seen [sic]].")
    assert e.text("typed") == "A B seen."
    assert e.text("handwritten") == "A the new plan B."
    supplied = only(e, "supplied", "handwritten")
    assert e.quote(supplied) == "new"
    gap = only(e, "gap", "handwritten")
    assert e.text("handwritten")[:gap.start].endswith("plan")
    sic = only(e, "sic")
    assert e.quote(sic) == "seen"
    variant = only(e, "variant", "handwritten")
    assert e.quote(variant) == "the new plan"
    assert variant.counterpart.start == 1


def test_a_handwritten_reading_inside_typed_only_words_is_kept_as_a_remark():
    e = imported("A [inserted by hand: x [in the handwritten version: y]] B")
    assert e.text("typed") == "A x B"
    remark = only(e, "remark")
    assert remark.note == "[in the handwritten version: y]"


def test_a_content_bracket_without_words_is_one_remark_holding_its_nested_brackets():
    e = imported("A [handwritten: [illegible]] B")
    assert e.text("typed") == "A B"
    remark = only(e, "remark")
    assert list(e.annotations.values()) == [remark]
    assert remark.note == "[handwritten: [illegible]]"
    assert remark.start == 1


def test_a_translation_following_the_handwritten_version():
    e = imported("We [in the typed version: fully] agree [deleted in the typescript: here] "
                 "[inserted by hand: today].")
    assert e.text("handwritten") == "We agree today."
    assert e.text("typed") == "We fully agree here."
    variant = only(e, "variant", "typed")
    assert variant.counterpart.witness == "handwritten"
    addition = only(e, "addition", "handwritten")
    assert e.hands[addition.attrs["hand"]].label == "Later hand on the handwritten version"


def test_a_passage_added_then_crossed_out_enters_the_handwritten_text():
    e = imported('One. [Translator\'s note: in the draft the words "Long live" were added at '
                 'this point, then crossed out] Two.')
    assert e.text("typed") == "One. Two."
    assert e.text("handwritten") == "One. Long live Two."
    added, deleted = only(e, "addition", "handwritten"), only(e, "deletion", "handwritten")
    assert e.quote(added) == e.quote(deleted) == "Long live"
    assert only(e, "note").note.startswith("in the draft the words")


def test_substitution_splits_where_the_bar_was():
    e = imported("the [substitution: old |new] agenda")
    sub = only(e, "substitution")
    assert e.text("typed") == "the old new agenda"
    assert e.quote(sub) == "old new"
    assert sub.attrs["split"] == "4"


@pytest.mark.parametrize("text, quote", [
    ("on 19 August [SIC] at", "August"),
    ('"fulfilled on paper only" [sic].', 'only"'),
    ("the Secy. [expanded: Secretary] read", "Secy."),
    ("word, [sic] next", "word"),
])
def test_marks_on_the_preceding_word(text, quote):
    e = imported(text)
    (ann,) = e.annotations.values()
    assert e.quote(ann) == quote


def test_sic_with_nothing_before_it_is_a_remark():
    e = imported("[sic] at the start")
    assert only(e, "remark").note == "[sic]"
    assert e.text("typed") == "at the start"


def test_unpaired_brackets_stay_text_and_are_reported():
    result = parse_brackets("B ] close.\n\nA [open and [1] more.")
    e = result.edition
    assert e.text("typed") == "B ] close.\n\nA [open and more."
    assert only(e, "remark").attrs == {"type": "footnote-call"}
    codes = [p.code for p in result.report]
    assert codes.count("unpaired-bracket") == 2
    assert any("paragraph 1" in p.message for p in result.report)
    assert any("paragraph 2" in p.message for p in result.report)


def test_a_late_closing_bracket_pairs_with_an_early_opening_one():
    # the stack pairs them: the whole span becomes one remark, its words kept in the note
    e = imported("A [open and [1] more.\n\nB ] close.")
    assert e.text("typed") == "A close."
    (remark,) = e.annotations.values()
    assert remark.note == "[open and [1] more.\n\nB ]"


def test_unrecognised_brackets_are_kept_whole_and_reported():
    result = parse_brackets("A [the letter is lost] B.")
    remark = only(result.edition, "remark")
    assert remark.note == "[the letter is lost]"
    assert remark.attrs == {}
    assert [p.code for p in result.report] == ["bracket-kept-as-remark"]
    assert result.report[0].where == remark.id


def test_very_deep_nesting_does_not_recurse_without_end():
    depth = 5000
    text = "x " + "[handwritten: " * depth + "y" + "]" * depth + " z"
    e = imported(text)
    assert e.text("typed").startswith("x ")
    assert e.text("typed").endswith(" z")
    assert len(e.annotations) >= 1


def test_unclosed_brackets_by_the_thousand():
    e = imported("[" * 20000 + "end")
    assert e.text("typed") == "[" * 20000 + "end"


def test_no_translator_no_resp():
    e = imported("A [to the] B.")
    ann = only(e, "supplied")
    assert ann.resp == ""
    assert "resp" not in ann.attrs
    assert list(e.people) == ["variorum"]


def test_reading_a_file_in_another_encoding(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes("Stra\u00dfe [to the] Caf\u00e9.\r\n".encode("cp1252"))
    e = import_brackets(path).edition
    assert e.text("typed") == "Straße to the Café."


def test_unreadable_files_are_a_variorum_error(tmp_path):
    with pytest.raises(VariorumError):
        import_brackets(tmp_path / "missing.txt")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(VariorumError):
        import_brackets(binary)
    with pytest.raises(VariorumError):
        import_brackets(tmp_path)
