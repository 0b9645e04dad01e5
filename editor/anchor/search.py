"""Finding an annotation's words again in a text that changed around them.

In the spirit of the Hypothesis annotation client: an annotation is known by its quote
(the words it covered), a little context on either side (the *prefix* and *suffix*, up to
:data:`CONTEXT_CHARS` code points of the old text) and the place where the differences
say it should be.  Candidates come from two searches:

* every exact occurrence of the quote, nearest to the expected place first (a passage that
  moved keeps its words exactly);
* diff-match-patch's ``match_main`` near the expected place, which tolerates errors (words
  corrected inside the quote).  ``match_main`` handles at most ``Match_MaxBits`` (32) code
  points, so a longer quote is searched by its head and its tail, each 32 long, and the
  range between them is checked against the whole quote.

Each candidate gets a score between 0 and 1::

    score = (len(quote) * quote_similarity + len(context) * context_similarity)
            / (len(quote) + len(context))

where a similarity is ``1 - levenshtein(a, b) / max(len(a), len(b))`` and the context
similarity is ``0.7 * better side + 0.3 * worse side`` (one intact side is strong
evidence; a paragraph that moved keeps the words after its first sentence, not before).
A short quote thus counts mostly by its context (three letters found elsewhere are
probably other words) and a long quote mostly by itself.  All positions are code points;
ranges are half-open ``[start, end)``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from diff_match_patch import diff_match_patch

#: code points of old text kept on each side of a quote to recognise its place
CONTEXT_CHARS = 32
#: diff-match-patch ``Match_Threshold``: 0 asks for perfection, 1 accepts anything
MATCH_THRESHOLD = 0.45
#: diff-match-patch ``Match_Distance``: how far (code points) from the expected place a
#: match may be before its distance alone makes it fail (at the threshold above, a perfect
#: match is found up to ``MATCH_THRESHOLD * MATCH_DISTANCE`` away)
MATCH_DISTANCE = 1000
#: exact occurrences of a quote examined, nearest to the expected place first
MAX_OCCURRENCES = 2000
#: candidates whose context is measured precisely (after a cheap ranking)
PRECISE_CANDIDATES = 8
#: two candidates whose scores differ by less than this are equally good
TIE_MARGIN = 0.02


@dataclass(frozen=True)
class Candidate:
    """A place where the annotation's words might be now."""

    start: int
    end: int
    quote_score: float       # similarity of the words found to the quote
    context_score: float     # similarity of the surroundings (0 when there are none)
    score: float             # the combined score (see the module documentation)
    exact_quote: bool        # the words found are the quote, letter for letter


@dataclass(frozen=True)
class Found:
    """The outcome of a search: every candidate, best first."""

    candidates: tuple[Candidate, ...] = ()

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def best_exact(self) -> Candidate | None:
        """The best candidate holding the quote letter for letter."""
        return next((c for c in self.candidates if c.exact_quote), None)

    def rivals(self, of: Candidate, exact_only: bool = False) -> int:
        """Other places (not overlapping ``of``) scoring within TIE_MARGIN of it."""
        return sum(1 for c in self.candidates
                   if c is not of and c.score >= of.score - TIE_MARGIN
                   and (c.exact_quote or not exact_only)
                   and (c.end <= of.start or c.start >= of.end)
                   and not (c.start == c.end == of.start))


def context_of(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str]:
    """``(prefix, suffix)``: up to ``width`` code points before ``start`` and after ``end``."""
    return text[max(0, start - width):start], text[end:end + width]


class QuoteSearch:
    """Searches one text (the new text of a witness) for quotes."""

    def __init__(self, text: str, threshold: float = MATCH_THRESHOLD,
                 distance: int = MATCH_DISTANCE):
        self.text = text
        self.dmp = diff_match_patch()
        self.dmp.Match_Threshold = threshold
        self.dmp.Match_Distance = distance
        self.dmp.Diff_Timeout = 0.5
        self.max_bits = self.dmp.Match_MaxBits or 32

    # -- measures ----------------------------------------------------------------------

    @staticmethod
    def similarity(a: str, b: str) -> float:
        """``1 - levenshtein(a, b) / longer length``: 1.0 for equal strings, 0.0 for
        strings with nothing in common."""
        if a == b:
            return 1.0
        if not a or not b:
            return 0.0
        return 1.0 - levenshtein(a, b) / max(len(a), len(b))

    @staticmethod
    def side_similarity(old_side: str, window: str) -> float:
        """How well ``old_side`` matches the start of ``window`` (which may be longer):
        ``1 - edits / len(old_side)``, the window's text after the match not counted, so
        that words inserted next to the quote cost only their own length."""
        if window.startswith(old_side):
            return 1.0
        if not old_side or not window:
            return 0.0
        return max(0.0, 1.0 - levenshtein(old_side, window, prefix=True) / len(old_side))

    def context_score(self, prefix: str, suffix: str, start: int, end: int) -> float:
        """How well the text around ``[start, end)`` matches the old ``prefix``/``suffix``
        (each compared with a window half as long again, read away from the quote)."""
        text = self.text
        sides = []
        if prefix:
            window = text[max(0, start - len(prefix) * 3 // 2):start]
            sides.append(self.side_similarity(prefix[::-1], window[::-1]))
        if suffix:
            sides.append(self.side_similarity(suffix, text[end:end + len(suffix) * 3 // 2]))
        if not sides:
            return 0.0
        if len(sides) == 1:
            return sides[0]
        return 0.7 * max(sides) + 0.3 * min(sides)

    def evaluate(self, quote: str, prefix: str, suffix: str, start: int, end: int) -> Candidate:
        """Score the candidate ``[start, end)`` for ``quote`` with its old context.

        A candidate that cuts a word where the quote did not (``w2`` inside ``new2``) is
        not the same words: it is never exact and loses a quarter of its score per edge.
        """
        text = self.text
        found = text[start:end]
        quote_score = self.similarity(quote, found) if quote else 1.0
        context_score = self.context_score(prefix, suffix, start, end)
        weight_q, weight_c = len(quote), len(prefix) + len(suffix)
        if weight_q + weight_c == 0:
            score = 1.0 if found == quote else 0.0
        else:
            score = (weight_q * quote_score + weight_c * context_score) / (weight_q + weight_c)
        broken = 0
        if quote and found:
            if not _joined(prefix[-1:], quote[0]) and _joined(text[start - 1:start], found[0]):
                broken += 1
            if not _joined(quote[-1], suffix[:1]) and _joined(found[-1], text[end:end + 1]):
                broken += 1
        score *= 0.75 ** broken
        return Candidate(start, end, quote_score, context_score, score,
                         found == quote and not broken)

    # -- searching ---------------------------------------------------------------------

    def find(self, quote: str, prefix: str, suffix: str, expected: int,
             hints: tuple[tuple[int, int], ...] = (), approximate: bool = True,
             enough: Callable[[Found], bool] | None = None) -> Found:
        """The places for ``quote`` (old context ``prefix``/``suffix``) near the code
        point ``expected``, best first; ``hints`` are further ranges to consider (the
        mapped range).

        An empty quote (a point) is searched by its context alone.  With ``approximate``
        False only exact occurrences are considered; ``enough(found)``, when given, is
        asked after the exact search and may spare the approximate one (the slow part).
        """
        expected = max(0, min(expected, len(self.text)))
        candidates: dict[tuple[int, int], Candidate] = {}

        def consider(start: int, end: int) -> None:
            if 0 <= start <= end <= len(self.text) and (start, end) not in candidates:
                candidates[(start, end)] = self.evaluate(quote, prefix, suffix, start, end)

        for start, end in self._exact_places(quote, prefix, suffix, expected):
            consider(start, end)
        for start, end in hints:
            consider(start, end)
        def ranked() -> Found:
            return Found(tuple(sorted(candidates.values(),
                                      key=lambda c: (-c.score, abs(c.start - expected),
                                                     c.start))))

        if approximate and not (enough is not None and enough(ranked())):
            for start, end in self._approximate_places(quote, prefix, suffix, expected):
                consider(start, end)
        return ranked()

    def _occurrences(self, needle: str, expected: int) -> list[int]:
        """Starts of exact occurrences of ``needle``, nearest to ``expected`` first (at
        most MAX_OCCURRENCES: a very common quote is judged by its nearest places)."""
        text, n = self.text, len(needle)
        found: list[int] = []
        forward = text.find(needle, expected)                   # starts >= expected
        backward = text.rfind(needle, 0, expected - 1 + n) if expected > 0 else -1
        while (forward != -1 or backward != -1) and len(found) < MAX_OCCURRENCES:
            if backward == -1 or (forward != -1 and forward - expected <= expected - backward):
                found.append(forward)
                forward = text.find(needle, forward + 1)
            else:
                found.append(backward)
                backward = text.rfind(needle, 0, backward - 1 + n) if backward > 0 else -1
        return found

    def _exact_places(self, quote: str, prefix: str, suffix: str,
                      expected: int) -> list[tuple[int, int]]:
        """Ranges where the quote (for a point: its context) occurs exactly, the most
        promising first, at most PRECISE_CANDIDATES of them."""
        text = self.text
        if quote:
            starts = self._occurrences(quote, expected)
            places = [(s, s + len(quote)) for s in starts]
        else:
            pattern = prefix + suffix
            if not pattern:
                return []
            starts = self._occurrences(pattern, max(0, expected - len(prefix)))
            places = [(s + len(prefix), s + len(prefix)) for s in starts]
        if len(places) <= PRECISE_CANDIDATES:
            return places

        # cheap ranking: how many characters of context touch the words unchanged
        def adjacency(place: tuple[int, int]) -> int:
            start, end = place
            before = text[max(0, start - len(prefix)):start]
            after = text[end:end + len(suffix)]
            same_before = len(os.path.commonprefix([prefix[::-1], before[::-1]]))
            same_after = len(os.path.commonprefix([suffix, after]))
            return same_before + same_after

        places.sort(key=lambda p: (-adjacency(p), abs(p[0] - expected), p[0]))
        return places[:PRECISE_CANDIDATES]

    def _approximate_places(self, quote: str, prefix: str, suffix: str,
                            expected: int) -> list[tuple[int, int]]:
        """Ranges found by ``match_main`` near ``expected`` (errors allowed)."""
        text = self.text
        bits = self.max_bits
        if not text:
            return []
        if not quote:
            # a point: match the context around it, then put the point in the middle
            half = bits // 2
            left, right = prefix[-half:], suffix[:bits - len(prefix[-half:])]
            pattern = left + right
            if not pattern:
                return []
            at = self._match(pattern, expected - len(left))
            return [] if at < 0 else [(at + len(left),) * 2]
        length = len(quote)
        if length <= bits:
            at = self._match(quote, expected)
            return [] if at < 0 else [self._extent_forward(quote, at)]
        places = []
        head, tail = quote[:bits], quote[-bits:]
        at_head = self._match(head, expected)
        tail_expected = (at_head if at_head >= 0 else expected) + length - bits
        at_tail = self._match(tail, tail_expected)
        if at_head >= 0:
            places.append(self._extent_forward(quote, at_head))
        if at_tail >= 0:
            places.append(self._extent_backward(quote, at_tail + bits))
        if at_head >= 0 and at_tail >= 0:
            start = self._extent_forward(head, at_head)[0]
            end = self._extent_forward(tail, at_tail)[1]
            if start < end and 0.5 * length <= end - start <= 1.5 * length:
                places.append((start, end))
        return places

    def _match(self, pattern: str, loc: int) -> int:
        try:
            return self.dmp.match_main(self.text, pattern, max(0, min(loc, len(self.text))))
        except ValueError:   # pattern longer than Match_MaxBits: callers split it first
            return -1

    def _extent_forward(self, quote: str, at: int) -> tuple[int, int]:
        """The range starting near ``at`` that best covers ``quote``: the text after
        ``at`` is aligned with the quote and cut where the quote ends."""
        window = self.text[at:at + len(quote) + len(quote) // 4 + 8]
        start, end = _aligned_extent(self.dmp, quote, window)
        return at + start, at + end

    def _extent_backward(self, quote: str, end: int) -> tuple[int, int]:
        """The range ending near ``end`` that best covers ``quote``."""
        lo = max(0, end - len(quote) - len(quote) // 4 - 8)
        window = self.text[lo:end]
        r_start, r_end = _aligned_extent(self.dmp, quote[::-1], window[::-1])
        return end - r_end, end - r_start


def levenshtein(a: str, b: str, prefix: bool = False) -> int:
    """The edit distance (insertions, deletions, substitutions, each costing 1) between
    ``a`` and ``b``; with ``prefix``, between ``a`` and the closest prefix of ``b``.

    Myers' bit-parallel algorithm in Hyyrö's form: one pass over ``b`` with bit vectors
    as long as ``a`` (Python integers), so a 32-character context costs a few dozen
    operations instead of a table of a thousand cells.
    """
    m = len(a)
    if m == 0:
        return 0 if prefix else len(b)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv = full, 0
    score = best = m
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        if score < best:
            best = score
        ph = ((ph << 1) | 1) & full     # row 0 grows by one per column: a global alignment
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return best if prefix else score


def _joined(left: str, right: str) -> bool:
    """True when ``left`` and ``right`` (one character each, or empty at a text's edge)
    are both word characters: a boundary between them would cut a word."""
    return bool(left) and bool(right) and (left.isalnum() or left == "_") and (
        right.isalnum() or right == "_")


def _aligned_extent(dmp: diff_match_patch, quote: str, window: str) -> tuple[int, int]:
    """Where ``quote`` lies in ``window``, which starts near the quote's start: the
    offsets in ``window`` of its first and last aligned characters (half-open)."""
    diffs = dmp.diff_main(quote, window, False)
    qi = wi = 0
    start = None
    end = 0
    for op, chunk in diffs:
        n = len(chunk)
        if op == 1:              # only in the window
            if qi >= len(quote):
                break            # after the quote: not part of it
            if start is None and qi == 0:
                wi += n          # before the quote: not part of it
                continue
            wi += n
        elif op == -1:           # only in the quote
            if start is None:
                start = wi
            qi += n
            end = wi
        else:
            if start is None:
                start = wi
            qi += n
            wi += n
            end = wi
        if qi >= len(quote):
            break
    if start is None:
        start = 0
    return start, max(start, end)
