"""Matching long sequences of paragraphs quickly: patience matching.

diff-match-patch's bisection costs about N × D (sequence length times number of
differences).  Between two versions of a long document in which most paragraphs differ a
little, that grows with the square of the length: 10,000 paragraphs took seconds, and a
word-level diff of the whole text minutes.  Patience matching (as in Bazaar and git's
``--patience``) avoids it: paragraphs that occur exactly once in each text and in the same
order are anchors; runs of equal paragraphs grow around them; what lies between two runs
is a small *changed block*.  A changed block with as many paragraphs on each side is
paired one to one (the usual case: each paragraph was corrected in place); other blocks
are returned whole, for a finer diff.

Everything here works on sequences of hashable items and knows nothing of words or
positions.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Hashable, Sequence

EQUAL, CHANGE = "equal", "change"


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by first item) whose second items
    increase (patience sorting, O(n log n))."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for i, (_a, b) in enumerate(pairs):
        k = bisect.bisect_left(tails, b)
        if k == len(tails):
            tails.append(b)
            tail_index.append(i)
        else:
            tails[k] = b
            tail_index[k] = i
        previous[i] = tail_index[k - 1] if k > 0 else -1
    out = []
    i = tail_index[-1] if tail_index else -1
    while i != -1:
        out.append(pairs[i])
        i = previous[i]
    out.reverse()
    return out


def _anchors(a: Sequence[Hashable], b: Sequence[Hashable], a_lo: int, a_hi: int,
             b_lo: int, b_hi: int) -> list[tuple[int, int]]:
    count_a = Counter(a[a_lo:a_hi])
    count_b = Counter(b[b_lo:b_hi])
    where_b = {b[j]: j for j in range(b_lo, b_hi) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(a_lo, a_hi)
             if count_a[a[i]] == 1 and a[i] in where_b]
    return _longest_increasing(pairs)


def match_blocks(a: Sequence[Hashable], b: Sequence[Hashable],
                 depth: int = 0) -> list[tuple[str, int, int, int, int]]:
    """``(op, a_start, a_end, b_start, b_end)`` covering both sequences in order, ``op``
    being ``equal`` (the items are the same) or ``change``.  Changed blocks with as many
    items on each side are split into one block per pair of items."""
    out: list[tuple[str, int, int, int, int]] = []
    _match(a, b, 0, len(a), 0, len(b), out, depth)
    return out


def _match(a, b, a_lo, a_hi, b_lo, b_hi, out, depth) -> None:
    # common ends first
    while a_lo < a_hi and b_lo < b_hi and a[a_lo] == b[b_lo]:
        _emit(out, EQUAL, a_lo, a_lo + 1, b_lo, b_lo + 1)
        a_lo += 1
        b_lo += 1
    tail: list[tuple[str, int, int, int, int]] = []
    while a_lo < a_hi and b_lo < b_hi and a[a_hi - 1] == b[b_hi - 1]:
        tail.append((EQUAL, a_hi - 1, a_hi, b_hi - 1, b_hi))
        a_hi -= 1
        b_hi -= 1
    anchors = _anchors(a, b, a_lo, a_hi, b_lo, b_hi) if depth < 8 else []
    if not anchors:
        _changed(out, a_lo, a_hi, b_lo, b_hi)
    else:
        i, j = a_lo, b_lo
        for ai, bj in anchors:
            if ai < i or bj < j:
                continue
            _match(a, b, i, ai, j, bj, out, depth + 1)     # the gap before the anchor
            _emit(out, EQUAL, ai, ai + 1, bj, bj + 1)
            i, j = ai + 1, bj + 1
        _match(a, b, i, a_hi, j, b_hi, out, depth + 1)
    for block in reversed(tail):
        _emit(out, *block)


def _changed(out, a_lo, a_hi, b_lo, b_hi) -> None:
    if a_lo == a_hi and b_lo == b_hi:
        return
    if a_hi - a_lo == b_hi - b_lo and a_hi - a_lo > 1:
        for k in range(a_hi - a_lo):      # corrected in place, paragraph by paragraph
            _emit(out, CHANGE, a_lo + k, a_lo + k + 1, b_lo + k, b_lo + k + 1)
    else:
        _emit(out, CHANGE, a_lo, a_hi, b_lo, b_hi)


def _emit(out, op, a0, a1, b0, b1) -> None:
    """Append, joining an equal block to the equal block before it."""
    if out and op == EQUAL and out[-1][0] == EQUAL and out[-1][2] == a0 and out[-1][4] == b0:
        out[-1] = (EQUAL, out[-1][1], a1, out[-1][3], b1)
    else:
        out.append((op, a0, a1, b0, b1))
