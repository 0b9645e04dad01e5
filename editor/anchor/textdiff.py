"""The differences between an old and a new witness text, as a position map.

Re-anchoring maps every annotation through the differences, so they must be *exact*
(unlike the alignment shown to readers, which ignores whitespace): outside the replaced
ranges the two texts are identical character for character.

The diff works on words, not characters: a corrected word is replaced whole, so a mark on
"brown" corrected to "browne" is seen to have changed (and is checked), rather than kept
on the first five letters of the new word.  Long texts are first compared line by line
(paragraphs are lines); only the lines that differ are then compared word by word, with
diff-match-patch on strings where each distinct token stands for one character.
"""

from __future__ import annotations

import re
import time
from typing import Callable

from diff_match_patch import diff_match_patch

from editor.model.mapping import StepMap
from editor.align.blocks import match_blocks
from editor.align.tokens import TokenEncoder, TooManyTokens

#: a token: a run of word characters, a run of whitespace, or one other character
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

#: above this many characters (both middles), lines are compared before words
LINE_PASS_THRESHOLD = 20_000


def diff_step_map(old: str, new: str, timeout: float = 10.0,
                  should_stop: Callable[[], bool] | None = None) -> StepMap:
    """The replaced ranges ``(start, old_size, new_size)`` (code points, in ``old``'s
    coordinates) that turn ``old`` into ``new``.

    ``timeout`` (seconds, for the whole diff) bounds diff-match-patch's search; past it the
    differences are still correct, only coarser.  ``should_stop`` is polled between pieces
    of work; when it returns True, ``InterruptedError`` is raised.
    """
    deadline = time.monotonic() + timeout if timeout > 0 else None
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old[prefix:], new[prefix:])
    old_hi, new_hi = len(old) - suffix, len(new) - suffix
    ranges: list[tuple[int, int, int]] = []
    if prefix == old_hi and prefix == new_hi:
        return StepMap()
    # widen to word boundaries, so that a word changed at one end is replaced whole
    lo = prefix
    if _mid_word(old, lo) or _mid_word(new, lo):
        while lo > 0 and _is_word(old[lo - 1]):
            lo -= 1
    if _mid_word(old, old_hi) or _mid_word(new, new_hi):
        while old_hi < len(old) and _is_word(old[old_hi]):   # the suffix is common
            old_hi += 1
            new_hi += 1
    if (old_hi - lo) + (new_hi - lo) > LINE_PASS_THRESHOLD:
        _diff_lines(old, new, lo, old_hi, lo, new_hi, ranges, deadline, should_stop)
    else:
        _diff_words(old, new, lo, old_hi, lo, new_hi, ranges, deadline)
    return StepMap(ranges)


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    lo, hi = 0, n
    while lo < hi:   # binary search on slices: fast in C
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


_WORD = re.compile(r"\w")


def _is_word(ch: str) -> bool:
    return _WORD.match(ch) is not None


def _mid_word(text: str, pos: int) -> bool:
    """True when ``pos`` falls between two word characters of ``text``."""
    return 0 < pos < len(text) and _is_word(text[pos - 1]) and _is_word(text[pos])


def _diff(a: str, b: str, deadline: float | None) -> list[tuple[int, str]]:
    dmp = diff_match_patch()
    if deadline is None:
        dmp.Diff_Timeout = 0
    else:
        dmp.Diff_Timeout = max(0.05, deadline - time.monotonic())
    return dmp.diff_main(a, b, checklines=False)


def _walk(diffs, emit) -> None:
    """Call ``emit(a_index, a_count, b_index, b_count)`` (in units) for each run of
    deletions and insertions between equalities."""
    ai = bi = 0
    del_n = ins_n = 0
    start_a = start_b = 0
    for op, chars in diffs:
        n = len(chars)
        if op == 0:
            if del_n or ins_n:
                emit(start_a, del_n, start_b, ins_n)
                del_n = ins_n = 0
            ai += n
            bi += n
            start_a, start_b = ai, bi
        elif op == -1:
            del_n += n
            ai += n
        else:
            ins_n += n
            bi += n
    if del_n or ins_n:
        emit(start_a, del_n, start_b, ins_n)


def _diff_words(old: str, new: str, a_lo: int, a_hi: int, b_lo: int, b_hi: int,
                ranges: list, deadline: float | None) -> None:
    """Word-level differences of ``old[a_lo:a_hi]`` and ``new[b_lo:b_hi]``, appended to
    ``ranges`` in absolute ``old`` coordinates."""
    if a_lo == a_hi and b_lo == b_hi:
        return
    if a_lo == a_hi or b_lo == b_hi:
        ranges.append((a_lo, a_hi - a_lo, b_hi - b_lo))
        return
    a_spans = [m.span() for m in _TOKEN.finditer(old, a_lo, a_hi)]
    b_spans = [m.span() for m in _TOKEN.finditer(new, b_lo, b_hi)]
    encoder = TokenEncoder()
    try:
        a_chars = encoder.encode(old[s:e] for s, e in a_spans)
        b_chars = encoder.encode(new[s:e] for s, e in b_spans)
    except TooManyTokens:     # compare characters instead: slower, still exact
        a_spans = [(i, i + 1) for i in range(a_lo, a_hi)]
        b_spans = [(i, i + 1) for i in range(b_lo, b_hi)]
        a_chars, b_chars = old[a_lo:a_hi], new[b_lo:b_hi]

    def a_at(i: int) -> int:
        return a_spans[i][0] if i < len(a_spans) else a_hi

    def b_at(i: int) -> int:
        return b_spans[i][0] if i < len(b_spans) else b_hi

    def emit(ai: int, an: int, bi: int, bn: int) -> None:
        start = a_at(ai)
        ranges.append((start, a_at(ai + an) - start, b_at(bi + bn) - b_at(bi)))

    _walk(_diff(a_chars, b_chars, deadline), emit)


def _diff_lines(old: str, new: str, a_lo: int, a_hi: int, b_lo: int, b_hi: int,
                ranges: list, deadline: float | None,
                should_stop: Callable[[], bool] | None) -> None:
    """Lines first (patience matching, see :mod:`editor.align.blocks`: a diff of lines
    that nearly all differ a little would cost the square of their number); the blocks
    that differ are then compared by words."""
    a_lines = _line_spans(old, a_lo, a_hi)
    b_lines = _line_spans(new, b_lo, b_hi)

    def a_at(i: int) -> int:
        return a_lines[i][0] if i < len(a_lines) else a_hi

    def b_at(i: int) -> int:
        return b_lines[i][0] if i < len(b_lines) else b_hi

    blocks = match_blocks([old[s:e] for s, e in a_lines], [new[s:e] for s, e in b_lines])
    for n, (op, a0, a1, b0, b1) in enumerate(blocks):
        if op == "equal":
            continue
        if should_stop is not None and n % 32 == 0 and should_stop():
            raise InterruptedError("re-anchoring cancelled")
        _diff_words(old, new, a_at(a0), a_at(a1), b_at(b0), b_at(b1), ranges, deadline)


def _line_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``text[lo:hi]``, the line break included."""
    spans = []
    start = lo
    while start < hi:
        end = text.find("\n", start, hi)
        end = hi if end == -1 else end + 1
        spans.append((start, end))
        start = end
    return spans
