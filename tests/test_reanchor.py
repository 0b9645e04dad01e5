"""Re-anchoring after a witness text is replaced wholesale (editor.anchor.reanchor)."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.anchor.reanchor import (FUZZY_MIN, MOVED_MIN, locate_quote, reanchor,
                                    repair_on_load)
from editor.anchor.search import QuoteSearch, context_of, levenshtein
from editor.anchor.textdiff import diff_step_map
from editor.errors import VariorumError
from editor.formats import native
from editor.model import Edition, Span, Surface, Witness, Zone
from editor.model import operations as ops

PARAGRAPHS = [
    "Comrade Mao Zedong received us at his residence. We discussed the situation in "
    "Poland and Hungary.",
    "The Chinese comrades asked about the telegram sent yesterday.",
    "Liu Shaoqi spoke at length about the events.",
    "Zhou Enlai proposed a joint statement on the question of the Soviet troops.",
    "At the end of the meeting, Mao thanked the delegation.",
]
OLD = "\n\n".join(PARAGRAPHS)


def _edition(text: str = OLD) -> Edition:
    edition = Edition()
    edition.add_witness(Witness("typed", text=text))
    return edition


def _mark(edition: Edition, words: str, kind: str = "supplied", aid: str | None = None,
          nth: int = 0, **kwargs) -> str:
    text = edition.text("typed")
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    aid = aid or words.replace(" ", "_").strip(".,")
    ops.add_annotation(edition, "typed", at, at + len(words), kind, annotation_id=aid, **kwargs)
    return aid


def _outcomes(report) -> dict[str, str]:
    return {r.id: r.outcome for r in report.results if r.target == "annotation"}


def _check_placed(edition: Edition, report) -> None:
    """Every result's new range holds what the report says; exact and moved hold the
    quote itself; orphans are collapsed and flagged."""
    text = edition.text(report.witness)
    for r in report.results:
        assert 0 <= r.new_start <= r.new_end <= len(text)
        if r.outcome in ("exact", "moved"):
            assert text[r.new_start:r.new_end] == r.quote == r.new_quote
        if r.outcome != "orphaned":
            assert text[r.new_start:r.new_end] == r.new_quote
        if r.outcome == "fuzzy":
            assert FUZZY_MIN <= r.score < 1.0 or r.old_start == r.old_end
        if r.target == "annotation":
            ann = edition.annotations[r.id]
            assert (ann.start, ann.end) == (r.new_start, r.new_end)
            if r.outcome == "orphaned":
                assert ann.status == "orphaned" and ann.anchoring.state == "orphaned"
                assert ann.anchoring.quote == r.quote and ann.start == ann.end


# -- each outcome ----------------------------------------------------------------------


def test_words_changed_inside_beside_and_far_from_marks_deleted_and_moved():
    edition = _edition()
    inside = _mark(edition, "his residence")
    beside = _mark(edition, "Poland")
    far = _mark(edition, "joint statement")
    deleted = _mark(edition, "Liu Shaoqi spoke")
    moved = _mark(edition, "asked about the telegram")
    point = "hungary-note"
    at = OLD.index("Hungary") + len("Hungary")
    ops.add_annotation(edition, "typed", at, at, "note", annotation_id=point)
    first = PARAGRAPHS[0].replace("residence", "residense").replace("Poland and",
                                                                      "Poland, and")
    # the second paragraph moves to the end, the third is deleted
    new = "\n\n".join([first, PARAGRAPHS[3], PARAGRAPHS[4], PARAGRAPHS[1]])
    report = reanchor(edition, "typed", new, who="ed")
    outcomes = _outcomes(report)
    assert outcomes[inside] == "fuzzy"
    assert outcomes[beside] == "exact"
    assert outcomes[far] == "exact"
    assert outcomes[deleted] == "orphaned"
    assert outcomes[moved] == "moved"
    assert outcomes[point] == "exact"
    assert edition.text("typed") == new
    _check_placed(edition, report)
    fuzzy = edition.annotations[inside]
    assert edition.quote(fuzzy) == "his residense"
    assert fuzzy.anchoring.state == "fuzzy" and fuzzy.anchoring.quote == "his residence"
    assert fuzzy.history[-1].action == "reanchored" and fuzzy.history[-1].who == "ed"
    orphan = edition.annotations[deleted]
    assert orphan.anchoring.quote == "Liu Shaoqi spoke"
    assert orphan.history[-1].action == "orphaned"
    assert edition.annotations[moved].history[-1].action == "reanchored"
    assert new[edition.annotations[point].start - 7:edition.annotations[point].start] == \
        "Hungary"
    assert report.counts() == {"exact": 3, "moved": 1, "fuzzy": 1, "orphaned": 1}


def test_a_corrected_word_under_a_mark_keeps_the_mark_for_review():
    edition = _edition("It was teh last telegram.")
    aid = _mark(edition, "teh", "sic", status="accepted")
    report = reanchor(edition, "typed", "It was the last telegram.")
    assert report.results[0].outcome == "fuzzy"
    assert edition.quote(edition.annotations[aid]) == "the"
    assert edition.annotations[aid].status == "proposed"


def test_the_change_undoes_and_redoes_the_whole_replacement():
    edition = _edition()
    edition.add_witness(Witness("handwritten", text="Mao received us. Liu spoke."))
    _mark(edition, "his residence")
    _mark(edition, "Liu Shaoqi spoke", status="accepted")
    ops.add_annotation(edition, "handwritten", 0, 3, "variant", annotation_id="v",
                       counterpart=Span("typed", OLD.index("Mao"), OLD.index("Mao") + 10))
    zone = Zone("z1", [(0, 0), (5, 0), (5, 5), (0, 5)], "typed", OLD.index("Poland"),
                OLD.index("Poland") + 6)
    edition.surfaces.append(Surface("page-2", "typed", "2.png",
                                    text_start=OLD.index("The Chinese"), zones=[zone]))
    original = copy.deepcopy(edition)
    new = "Preface.\n\n" + OLD.replace("Liu Shaoqi spoke at length", "He spoke")
    report = reanchor(edition, "typed", new)
    assert edition.annotations["v"].counterpart == Span("typed", new.index("Mao"),
                                                        new.index("Mao") + 10)
    assert (zone.start, zone.end) == (new.index("Poland"), new.index("Poland") + 6)
    assert edition.surfaces[0].text_start == new.index("The Chinese")
    assert {r.target for r in report.results} == {"annotation", "counterpart", "zone"}
    edited = copy.deepcopy(edition)
    ops.undo(edition, report.change)
    assert edition == original
    ops.redo(edition, report.change)
    assert edition == edited


def test_look_alike_words_are_never_taken_for_deleted_ones():
    text = ("The delegation met the Chinese comrades in the morning.\n\n"
            "In the evening the Soviet comrades dined with the Chinese comrades at length.")
    edition = _edition(text)
    aid = _mark(edition, "the Chinese comrades")        # the first one
    new = text.replace("The delegation met the Chinese comrades in the morning.",
                       "The delegation rested in the morning.")
    report = reanchor(edition, "typed", new)
    result = report.results[0]
    assert result.outcome == "orphaned"                 # not moved onto the second one
    assert edition.annotations[aid].is_point


def test_several_equally_good_places_are_fuzzy_at_best():
    words = "the friendship of the peoples of the world"
    text = "bbbb. " + words + " wwww. cccc. " + words + " vvvv."
    search = QuoteSearch(text)
    # the old context is unlike both places, equally
    placement = locate_quote(search, words, "aaaa. ", " yyyy.", len(text) // 2)
    assert placement.outcome == "fuzzy"
    assert placement.note == "1 other place as good" and placement.score < 1.0
    # with its own context, one place wins
    placement = locate_quote(search, words, "cccc. ", " vvvv.", 0)
    assert placement.outcome == "moved" and placement.start == text.rindex(words)


def test_repeated_words_with_their_context_are_moved_not_doubted():
    text = "First the telegram came. Then Mao spoke about the telegram from Moscow. End."
    edition = _edition(text)
    aid = _mark(edition, "the telegram", nth=1)
    new = "End. Then Mao spoke about the telegram from Moscow. First the telegram came."
    report = reanchor(edition, "typed", new)
    assert report.results[0].outcome in ("exact", "moved")
    assert edition.quote(edition.annotations[aid]) == "the telegram"
    assert new[edition.annotations[aid].start - 6:edition.annotations[aid].start] == "about "


def test_long_quotes_are_found_by_head_and_tail():
    sentence = ("Zhou Enlai proposed a joint statement on the question of the Soviet "
                "troops in Hungary and Poland")
    text = "Before it all. " * 3 + sentence + ". After it all." * 3
    edition = _edition(text)
    aid = _mark(edition, sentence)
    assert len(sentence) > 64
    corrected = sentence.replace("question", "questions").replace("Soviet", "Soviet Army")
    new = text.replace("Before it all. Before", "Before everything. Before").replace(
        sentence, corrected)
    # the search alone, without the mapped range: head and tail, then the whole checked
    search = QuoteSearch(new)
    prefix, suffix = context_of(text, text.index(sentence), text.index(sentence) + len(sentence))
    found = search.find(sentence, prefix, suffix, text.index(sentence) + 5)
    assert new[found.best.start:found.best.end] == corrected
    assert found.best.quote_score > 0.85 and not found.best.exact_quote
    report = reanchor(edition, "typed", new)
    result = report.results[0]
    assert result.outcome == "fuzzy"
    assert result.new_quote == corrected and result.score >= 0.9
    assert edition.quote(edition.annotations[aid]) == corrected


def test_a_long_quote_moved_far_away_is_moved():
    sentence = "Comrade Mao said that the Polish comrades were right to act as they did"
    filler = "Other business was discussed at length by everyone present. " * 40
    text = sentence + ". " + filler + "Closing words."
    edition = _edition(text)
    aid = _mark(edition, sentence)
    new = filler + sentence + ". Closing words."
    report = reanchor(edition, "typed", new)
    assert report.results[0].outcome == "moved"
    assert edition.quote(edition.annotations[aid]) == sentence


def test_a_substitution_split_follows_a_fuzzy_match():
    edition = _edition("He wrote Poland then Hungary in the margin.")
    _mark(edition, "Poland then Hungary", "substitution", aid="s", attrs={"split": "12"})
    report = reanchor(edition, "typed", "He wrote Poland thenn Hungary in the margin.")
    ann = edition.annotations["s"]
    assert report.results[0].outcome == "fuzzy"
    assert edition.quote(ann) == "Poland thenn Hungary"
    assert ann.attrs["split"] == "13"


def test_a_point_in_rewritten_text_is_kept_and_flagged_not_orphaned():
    edition = _edition()
    at = OLD.index("length") + 2
    ops.add_annotation(edition, "typed", at, at, "note", annotation_id="n")
    new = OLD.replace("Liu Shaoqi spoke at length about the events.", "Nobody spoke.")
    report = reanchor(edition, "typed", new)
    result = report.results[0]
    assert result.outcome == "fuzzy" and result.old_start == at
    assert edition.annotations["n"].status != "orphaned"


def test_an_orphan_stays_an_orphan_and_accepted_marks_that_need_review_are_proposed():
    edition = _edition()
    _mark(edition, "his residence", status="accepted")
    _mark(edition, "Poland", aid="gone")
    ops.edit_text(edition, "typed", OLD.index("Poland"), OLD.index("Poland") + 6, "")
    assert edition.annotations["gone"].status == "orphaned"
    text = edition.text("typed")
    report = reanchor(edition, "typed", text.replace("residence", "house"))
    assert _outcomes(report)["gone"] == "orphaned"
    assert "already" in report.results[[r.id for r in report.results].index("gone")].note
    assert edition.annotations["gone"].anchoring.quote == "Poland"
    assert edition.annotations["his_residence"].status == "proposed"


def test_the_same_text_leaves_everything_exact():
    edition = _edition()
    _mark(edition, "his residence")
    _mark(edition, "Poland")
    original = copy.deepcopy(edition)
    report = reanchor(edition, "typed", OLD.replace("\n", "\r\n"))   # normalised first
    assert set(_outcomes(report).values()) == {"exact"}
    assert edition == original and report.change.empty


def test_cancelling_leaves_the_edition_untouched_and_progress_is_reported():
    edition = _edition()
    for word in ("Mao", "Poland", "Hungary", "telegram", "Liu", "Zhou", "Soviet", "delegation"):
        _mark(edition, word)
    original = copy.deepcopy(edition)
    calls = []
    with pytest.raises(InterruptedError):
        reanchor(edition, "typed", OLD + " More.", should_stop=lambda: len(calls) >= 0)
    assert edition == original
    reanchor(edition, "typed", OLD + " More.", progress=lambda done, total: calls.append(
        (done, total)))
    assert calls[-1] == (8, 8)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_an_unknown_witness_is_a_clear_error():
    with pytest.raises(VariorumError, match="no witness 'printed'"):
        reanchor(_edition(), "printed", "x")


def test_the_report_as_json_lists_every_annotation():
    edition = _edition()
    _mark(edition, "his residence")
    _mark(edition, "Liu Shaoqi spoke")
    report = reanchor(edition, "typed", OLD.replace("Liu Shaoqi spoke ", ""))
    data = json.loads(report.to_json())
    assert data["witness"] == "typed" and data["counts"]["orphaned"] == 1
    assert {r["id"] for r in data["results"]} == {"his_residence", "Liu_Shaoqi_spoke"}
    orphan = [r for r in data["results"] if r["outcome"] == "orphaned"][0]
    assert orphan["quote"] == "Liu Shaoqi spoke" and orphan["old_after"].startswith(" at")
    assert set(orphan) >= {"old_start", "old_end", "new_start", "new_end", "score",
                           "new_quote", "old_before", "new_before"}
    assert report.summary().startswith("typed: 2 annotations: 1 exact, 0 moved")


def test_fuzzy_and_orphaned_annotations_survive_save_and_load():
    edition = _edition()
    _mark(edition, "his residence")
    _mark(edition, "Liu Shaoqi spoke")
    report = reanchor(edition, "typed", OLD.replace("residence", "house").replace(
        "Liu Shaoqi spoke ", ""))
    assert report.counts() == {"exact": 0, "moved": 0, "fuzzy": 1, "orphaned": 1}
    loaded = native.from_bytes(native.to_bytes(edition))
    assert loaded.edition == edition
    assert not loaded.mismatched


# -- the pieces --------------------------------------------------------------------------


def test_the_diff_is_exact_outside_its_ranges_and_replaces_whole_words():
    old = "the quick brown fox jumps"
    new = "the quack browne fox jumps high"
    step = diff_step_map(old, new)
    last, at = 0, 0
    for start, old_size, new_size in step.ranges:
        assert old[last:start] == new[at:at + start - last]
        at += start - last + new_size
        last = start + old_size
    assert old[last:] == new[at:]
    replaced = [old[s:s + o] for s, o, _ in step.ranges]
    assert "brown" in replaced and "quick" in replaced


def test_search_scores_context_and_quote():
    text = "alpha beta gamma delta. The beta gamma here."
    search = QuoteSearch(text)
    old = "alpha beta gamma delta."
    prefix, suffix = context_of(old, 6, 16)
    found = search.find("beta gamma", prefix, suffix, 30)
    assert (found.best.start, found.best.end) == (6, 16) and found.rivals(found.best) == 0
    assert found.best.exact_quote and found.best.score >= MOVED_MIN


# -- repair on load ----------------------------------------------------------------------


def _hand_edit(data: bytes, old: str, new: str) -> bytes:
    assert old.encode() in data
    return data.replace(old.encode(), new.encode(), 1)


def test_a_hand_edited_file_is_repaired_on_load():
    edition = _edition()
    _mark(edition, "received us")
    _mark(edition, "Liu Shaoqi spoke")
    _mark(edition, "joint statement")
    _mark(edition, "thanked the delegation")
    data = native.to_bytes(edition)
    # someone edits the text in the XML by hand: offsets after the edits no longer hold
    data = _hand_edit(data, "Comrade Mao Zedong", "Comrade Mao Zedong himself")
    data = _hand_edit(data, "Liu Shaoqi spoke at length about the events.", "None.")
    data = _hand_edit(data, "a joint statement", "a jiont statement")
    loaded = native.from_bytes(data)
    anns = loaded.edition.annotations
    codes = {p.where: p.code for p in loaded.problems}
    assert codes["received_us"] == "reanchored"
    assert loaded.edition.quote(anns["received_us"]) == "received us"
    assert codes["Liu_Shaoqi_spoke"] == "orphaned"
    assert anns["Liu_Shaoqi_spoke"].anchoring.quote == "Liu Shaoqi spoke"
    assert codes["joint_statement"] == "fuzzy"
    assert loaded.edition.quote(anns["joint_statement"]) == "jiont statement"
    assert "thanked_the_delegation" not in codes    # its paragraph was not edited


def test_repair_on_load_keeps_its_signature_and_reports_each_annotation():
    edition = _edition("one two three two one")
    ops.add_annotation(edition, "typed", 4, 7, "sic", annotation_id="a")
    problems = repair_on_load(edition, {"a": "three"})
    assert [p.code for p in problems] == ["reanchored"]
    assert edition.quote(edition.annotations["a"]) == "three"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab 𝔄", max_size=40), st.text(alphabet="ab 𝔄", max_size=50),
       st.booleans())
def test_the_bit_parallel_edit_distance_agrees_with_the_textbook_table(a, b, prefix):
    rows = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[j] + 1, row[j - 1] + 1, rows[j - 1] + (a[i - 1] != b[j - 1]))
        rows = row
    assert levenshtein(a, b, prefix) == (min(rows) if prefix else rows[-1])


def test_repair_keeps_a_range_whose_file_gives_no_words():
    edition = _edition("one two three")
    ops.add_annotation(edition, "typed", 4, 7, "unclear", annotation_id="u")
    problems = repair_on_load(edition, {"u": ""})
    assert [p.code for p in problems] == ["empty-quote"]
    assert (edition.annotations["u"].start, edition.annotations["u"].end) == (4, 7)
