"""Word-level alignment of two witnesses."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.align.alignment import EQUAL, Alignment, align_texts
import editor.align.alignment as alignment_module

A = "Agreeing with this, Cde. Mao Zedong noted that we do\n\nnot want it."
B = "Agreeing with the issue we raised, Cde. Mao Zedong noted that we do not want it. Extra."


def readings(a, b):
    return [(s.op, a[s.a_start:s.a_end], b[s.b_start:s.b_end]) for s in align_texts(a, b)
            if s.op != EQUAL]


def test_replacement_insertion_and_whitespace():
    assert readings(A, B) == [("replace", "this", "the issue we raised"), ("insert", "", "Extra.")]


def test_counterpart_of_words_both_ways():
    al = Alignment.of("a", A, "b", B)
    start = A.index("this")
    cs, ce = al.counterpart("a", start, start + 4)
    assert B[cs:ce] == "the issue we raised"
    start = B.index("Zedong")
    cs, ce = al.counterpart("b", start, start + 6)
    assert A[cs:ce] == "Zedong"
    # equal words across a paragraph break against a space
    start = A.index("not want")
    cs, ce = al.counterpart("a", start, start + 8)
    assert B[cs:ce] == "not want"


def test_counterpart_of_a_position_in_trimmed_whitespace_stays_near():
    a, b = "one two three four", "one two extra three four"
    al = Alignment.of("a", a, "b", b)
    gap = a.index(" three")            # the space a trimmed insertion leaves uncovered
    cs, _ = al.counterpart("a", gap, gap)
    assert abs(cs - b.index(" three")) <= len(" extra")


words = st.lists(st.sampled_from(["a", "b", "c", "dd", "e.", ",", "\n\n", "x y"]), max_size=40)


@settings(max_examples=150, deadline=None)
@given(words, words)
def test_equal_segments_hold_the_same_words(wa, wb):
    a, b = " ".join(wa), " ".join(wb)
    for seg in align_texts(a, b):
        if seg.op == EQUAL:
            assert a[seg.a_start:seg.a_end].split() == b[seg.b_start:seg.b_end].split()
        assert 0 <= seg.a_start <= seg.a_end <= len(a)
        assert 0 <= seg.b_start <= seg.b_end <= len(b)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "eps"]), min_size=5,
                max_size=60), st.data())
def test_paragraph_pass_finds_the_same_differences(tokens, data):
    """The paragraph-level first pass of long texts changes speed, not the answer's words."""
    paragraphs = [" ".join(tokens[i:i + 5]) for i in range(0, len(tokens), 5)]
    a = "\n\n".join(paragraphs)
    edited = list(paragraphs)
    i = data.draw(st.integers(0, len(edited) - 1))
    edited[i] = edited[i] + " inserted words"
    b = "\n\n".join(edited)
    direct = readings(a, b)
    old = alignment_module.PARAGRAPH_PASS_THRESHOLD
    alignment_module.PARAGRAPH_PASS_THRESHOLD = 0
    try:
        staged = readings(a, b)
    finally:
        alignment_module.PARAGRAPH_PASS_THRESHOLD = old
    assert [r[2].split() for r in staged] == [r[2].split() for r in direct]
