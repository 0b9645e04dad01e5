"""Properties of re-anchoring after a wholesale replacement, for random texts and edits."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.anchor import textdiff
from editor.anchor.reanchor import reanchor
from editor.model import KINDS, Annotation, Edition, Span, Surface, Witness, Zone
from editor.model import operations as ops

# -- texts of distinct words, edited word by word ----------------------------------------


@st.composite
def word_texts(draw):
    """A list of distinct words with separators, marks over whole words, and word edits.

    Returns ``(count, separators, marks, new_words, moves)``: ``marks`` are
    ``(first, last)`` word indices; ``new_words`` is the edited list of word ids (ints for
    old words, strings for new ones); ``moves`` tells whether blocks of words moved."""
    count = draw(st.integers(3, 40))
    seps = [draw(st.sampled_from([" ", " ", ", ", ". ", "\n\n"])) for _ in range(count - 1)]
    marks = []
    for _ in range(draw(st.integers(1, 6))):
        first = draw(st.integers(0, count - 1))
        marks.append((first, draw(st.integers(first, min(count - 1, first + 3)))))
    words: list = list(range(count))
    fresh = 0
    moves = False
    ops_allowed = ["insert", "delete", "replace"] + (["move"] if draw(st.booleans()) else [])
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(ops_allowed))
        moves = moves or op == "move"
        at = draw(st.integers(0, max(0, len(words) - 1)))
        if op == "insert" or not words:
            fresh += 1
            words.insert(at, f"new{fresh}")
        elif op == "delete":
            del words[at]
        elif op == "replace":
            fresh += 1
            words[at] = f"new{fresh}"
        else:
            span = draw(st.integers(1, 4))
            block = words[at:at + span]
            del words[at:at + span]
            to = draw(st.integers(0, len(words)))
            words[to:to] = block
    return count, seps, marks, words, moves


def _word(i) -> str:
    return f"w{i}" if isinstance(i, int) else i


def _join(words: list, seps: list) -> tuple[str, list[tuple[int, int]]]:
    """The text of ``words`` and each word's span; an old word keeps the separator that
    followed it (a new one is followed by a space)."""
    out, spans, pos = [], [], 0
    for k, word in enumerate(words):
        token = _word(word)
        spans.append((pos, pos + len(token)))
        sep = "" if k == len(words) - 1 else (
            seps[word] if isinstance(word, int) and word < len(seps) else " ")
        out.append(token + sep)
        pos += len(token) + len(sep)
    return "".join(out), spans


@pytest.mark.parametrize("line_pass", [False, True], ids=["words", "lines-then-words"])
def test_marks_on_untouched_words_stay_exact(line_pass, monkeypatch):
    if line_pass:
        monkeypatch.setattr(textdiff, "LINE_PASS_THRESHOLD", 0)

    @settings(max_examples=150, deadline=None)
    @given(word_texts())
    def check(case):
        count, seps, marks, new_words, moves = case
        old_text, old_spans = _join(list(range(count)), seps)
        new_text, new_spans = _join(new_words, seps)
        edition = Edition()
        edition.add_witness(Witness("typed", text=old_text))
        for n, (first, last) in enumerate(marks):
            edition.add_annotation(Annotation(f"m{n}", "typed", old_spans[first][0],
                                              old_spans[last][1], "unclear"))
        report = reanchor(edition, "typed", new_text)
        position = {w: k for k, w in enumerate(new_words)}
        for n, (first, last) in enumerate(marks):
            ann = edition.annotations[f"m{n}"]
            result = next(r for r in report.results if r.id == ann.id)
            ks = [position.get(i) for i in range(first, last + 1)]
            untouched = None not in ks and ks == list(range(ks[0], ks[0] + len(ks)))
            if untouched and new_text[new_spans[ks[0]][0]:new_spans[ks[-1]][1]] == \
                    old_text[old_spans[first][0]:old_spans[last][1]]:
                # its words survive side by side (with the same separators), and a
                # neighbour is still beside them (short words are known by their context)
                kept_neighbour = (first > 0 and position.get(first - 1) == ks[0] - 1) or \
                    (last < count - 1 and position.get(last + 1) == ks[-1] + 1)
                if not moves and kept_neighbour:
                    assert result.outcome in ("exact", "moved")
                if result.outcome in ("exact", "moved"):
                    assert (ann.start, ann.end) == (new_spans[ks[0]][0],
                                                    new_spans[ks[-1]][1])
                # a block moved into new surroundings may lose a short mark (its context
                # says nothing): orphaned or fuzzy, never silently elsewhere
            assert ann.anchoring is None or ann.anchoring.state in ("fuzzy", "orphaned")

    check()


# -- any text, any edit: invariants ------------------------------------------------------

ALPHABET = st.sampled_from(list("ab ") + ["cd", "e f", "\n\n", "𝔄", "é", ".", "\r\n"])
TEXTS = st.lists(ALPHABET, max_size=30).map("".join)


@st.composite
def editions_and_new_texts(draw):
    edition = Edition()
    edition.add_witness(Witness("typed", text=draw(TEXTS)))
    edition.add_witness(Witness("handwritten", text=draw(TEXTS)))
    for n in range(draw(st.integers(0, 8))):
        wid = draw(st.sampled_from(["typed", "handwritten"]))
        text = edition.text(wid)
        kind = draw(st.sampled_from(sorted(KINDS)))
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        if start == end and not KINDS[kind].point_ok:
            continue
        ann = Annotation(f"a{n}", wid, start, end, kind,
                         status=draw(st.sampled_from(["proposed", "accepted"])))
        if kind == "substitution":
            ann.attrs["split"] = str(draw(st.integers(0, end - start)))
        if kind == "variant":
            other = "handwritten" if wid == "typed" else "typed"
            cs = draw(st.integers(0, len(edition.text(other))))
            ann.counterpart = Span(other, cs, draw(st.integers(cs, len(edition.text(other)))))
        edition.add_annotation(ann)
    typed = edition.text("typed")
    zs = draw(st.integers(0, len(typed)))
    edition.surfaces.append(Surface("s1", "typed", "1.png",
                                    text_start=draw(st.integers(0, len(typed))),
                                    zones=[Zone("z1", [(0, 0), (1, 0), (1, 1), (0, 1)], "typed",
                                                zs, draw(st.integers(zs, len(typed))))]))
    # the new text: the old one with a few edits
    new = typed
    for _ in range(draw(st.integers(0, 4))):
        a = draw(st.integers(0, len(new)))
        b = draw(st.integers(a, min(len(new), a + 6)))
        new = new[:a] + draw(TEXTS.map(lambda t: t[:5])) + new[b:]
    return edition, new


@settings(max_examples=300, deadline=None)
@given(editions_and_new_texts())
def test_every_annotation_is_placed_or_orphaned_and_undo_is_exact(case):
    edition, new = case
    original = copy.deepcopy(edition)
    others = {a.id: a.copy() for a in edition.annotations.values()
              if a.witness != "typed" and (a.counterpart is None
                                          or a.counterpart.witness != "typed")}
    report = reanchor(edition, "typed", new)
    text = edition.text("typed")
    assert "\r" not in text
    assert set(edition.annotations) == set(original.annotations)      # none disappears
    own = sorted(a.id for a in original.annotations.values() if a.witness == "typed")
    assert sorted(r.id for r in report.results if r.target == "annotation") == own
    counterparts = sorted(a.id for a in original.annotations.values()
                          if a.counterpart is not None and a.counterpart.witness == "typed")
    assert sorted(r.id for r in report.results if r.target == "counterpart") == counterparts
    for r in report.results:
        assert 0 <= r.new_start <= r.new_end <= len(text)
        if r.outcome in ("exact", "moved"):
            assert text[r.new_start:r.new_end] == r.quote
        if r.outcome == "fuzzy":
            assert r.score < 1.0
        if r.target == "annotation":
            ann = edition.annotations[r.id]
            assert (ann.start, ann.end) == (r.new_start, r.new_end)
            if r.outcome == "orphaned":
                assert ann.status == "orphaned" and ann.is_point
                assert ann.anchoring.state == "orphaned"
            elif r.old_start < r.old_end:
                assert ann.end > ann.start
    for aid, ann in others.items():
        assert edition.annotations[aid] == ann                       # other witness untouched
    edited = copy.deepcopy(edition)
    ops.undo(edition, report.change)
    assert edition == original
    ops.redo(edition, report.change)
    assert edition == edited
