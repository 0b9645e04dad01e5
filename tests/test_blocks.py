"""Patience matching of paragraph sequences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.align.blocks import CHANGE, EQUAL, match_blocks

items = st.lists(st.sampled_from(list("abcdefgh")), max_size=30)


@settings(max_examples=400, deadline=None)
@given(items, items)
def test_blocks_cover_both_sequences_in_order_and_equal_blocks_are_equal(a, b):
    blocks = match_blocks(a, b)
    ai = bi = 0
    for op, a0, a1, b0, b1 in blocks:
        assert (a0, b0) == (ai, bi)
        assert a1 >= a0 and b1 >= b0 and (a1 > a0 or b1 > b0)
        if op == EQUAL:
            assert a[a0:a1] == b[b0:b1]
        else:
            assert op == CHANGE
        ai, bi = a1, b1
    assert (ai, bi) == (len(a), len(b))


def test_paragraphs_corrected_in_place_are_paired_one_to_one():
    a = ["intro", "p1", "p2", "p3", "unique middle", "p4", "end"]
    b = ["intro", "p1*", "p2*", "p3*", "unique middle", "p4*", "end"]
    assert match_blocks(a, b) == [
        (EQUAL, 0, 1, 0, 1), (CHANGE, 1, 2, 1, 2), (CHANGE, 2, 3, 2, 3), (CHANGE, 3, 4, 3, 4),
        (EQUAL, 4, 5, 4, 5), (CHANGE, 5, 6, 5, 6), (EQUAL, 6, 7, 6, 7)]


def test_a_moved_paragraph_and_a_merge():
    a = ["one", "two", "three", "four", "five"]
    b = ["one", "three", "two", "four five"]
    blocks = match_blocks(a, b)
    equal = [(a0, a1, b0, b1) for op, a0, a1, b0, b1 in blocks if op == EQUAL]
    assert (0, 1, 0, 1) in equal
    assert sum(a1 - a0 for a0, a1, _b0, _b1 in equal) >= 2     # "one" and two or three


def test_ten_thousand_slightly_changed_paragraphs_are_paired_not_diffed_as_a_whole():
    a = [f"paragraph {i} text" for i in range(10_000)]
    b = [p + " corrected" if i % 5 else p for i, p in enumerate(a)]
    blocks = match_blocks(a, b)
    changes = [blk for blk in blocks if blk[0] == CHANGE]
    assert len(changes) == 8_000 and all(a1 - a0 == 1 == b1 - b0 for _, a0, a1, b0, b1 in changes)
