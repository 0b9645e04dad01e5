"""Word-level alignment of two texts.

The texts are cut into tokens (words, single punctuation marks, runs of whitespace); each
distinct token becomes one character, and diff-match-patch diffs the two token strings.
Runs of whitespace all count as the same token, so a line break against a space is no
difference.  The result is a list of :class:`Segment` in code points of both texts:
``equal``, ``insert`` (only in B), ``delete`` (only in A) and ``replace`` (A reads
differently from B).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Callable

from diff_match_patch import diff_match_patch

from editor.align.blocks import match_blocks
from editor.align.tokens import TokenEncoder

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

EQUAL, INSERT, DELETE, REPLACE = "equal", "insert", "delete", "replace"


@dataclass(frozen=True)
class Segment:
    """An aligned piece: ``[a_start, a_end)`` of text A against ``[b_start, b_end)`` of B."""

    op: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int

    @property
    def is_difference(self) -> bool:
        return self.op != EQUAL


def _word_tokens(text: str, spans):
    """The tokens at ``spans``; every run of whitespace counts as the same token."""
    for start, end in spans:
        token = text[start:end]
        yield " " if token[0].isspace() else token


def tokenize(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every token of ``text``."""
    return [m.span() for m in _TOKEN.finditer(text)]


def _trim_whitespace(a_text: str, b_text: str, seg: Segment) -> Segment:
    """Leave the whitespace at a difference's edges out of it (it is shared)."""
    a0, a1, b0, b1 = seg.a_start, seg.a_end, seg.b_start, seg.b_end
    while a0 < a1 and a_text[a0].isspace() and (b0 == b1 or b_text[b0].isspace()):
        a0 += 1
        if b0 < b1:
            b0 += 1
    while a1 > a0 and a_text[a1 - 1].isspace() and (b0 == b1 or b_text[b1 - 1].isspace()):
        a1 -= 1
        if b1 > b0:
            b1 -= 1
    while b0 < b1 and b_text[b0].isspace() and a0 == a1:
        b0 += 1
    while b1 > b0 and b_text[b1 - 1].isspace() and a0 == a1:
        b1 -= 1
    return Segment(seg.op, a0, a1, b0, b1)


def align_texts(a_text: str, b_text: str, timeout: float = 2.0,
                should_stop: Callable[[], bool] | None = None) -> list[Segment]:
    """Align two texts word by word; see the module documentation.

    Long texts are first aligned paragraph by paragraph; only the paragraphs that differ
    are then aligned word by word, which keeps a 600,000-character pair well under a
    second.  ``should_stop`` is polled and may cancel the work (``InterruptedError``).
    """
    if len(a_text) + len(b_text) <= PARAGRAPH_PASS_THRESHOLD:
        return _align_words(a_text, b_text, 0, len(a_text), 0, len(b_text), timeout, should_stop)
    return _align_paragraphs(a_text, b_text, timeout, should_stop)


#: above this many characters (both texts), a paragraph-level pass comes first
PARAGRAPH_PASS_THRESHOLD = 40_000


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs with the blank lines after them, as ``(start, end)``."""
    spans = []
    start = 0
    for m in re.finditer(r"\n\s*\n", text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return [s for s in spans if s[1] > s[0]] or [(0, len(text))]


def _align_paragraphs(a_text: str, b_text: str, timeout: float,
                      should_stop: Callable[[], bool] | None) -> list[Segment]:
    """Paragraphs first (patience matching, see :mod:`editor.align.blocks`), then the
    words of the paragraphs that differ."""
    a_paras = _paragraph_spans(a_text)
    b_paras = _paragraph_spans(b_text)
    a_items = [a_text[s:e].rstrip() for s, e in a_paras]
    b_items = [b_text[s:e].rstrip() for s, e in b_paras]
    segments: list[Segment] = []

    def a_at(i):
        return a_paras[i][0] if i < len(a_paras) else len(a_text)

    def b_at(i):
        return b_paras[i][0] if i < len(b_paras) else len(b_text)

    for n, (op, a0, a1, b0, b1) in enumerate(match_blocks(a_items, b_items)):
        if op == "equal":
            for k in range(a1 - a0):   # equal paragraphs may still differ in trailing space
                (as_, ae), (bs, be) = a_paras[a0 + k], b_paras[b0 + k]
                _append_equal_text(segments, a_text, b_text, as_, ae, bs, be)
        else:
            segments.extend(_align_words(a_text, b_text, a_at(a0), a_at(a1), b_at(b0),
                                         b_at(b1), timeout, should_stop))
        if should_stop is not None and n % 64 == 0 and should_stop():
            raise InterruptedError("alignment cancelled")
    return _merge_equal(segments)


def _append_equal_text(segments, a_text, b_text, as_, ae, bs, be) -> None:
    if ae - as_ == be - bs:
        segments.append(Segment(EQUAL, as_, ae, bs, be))
        return
    # same words, different trailing whitespace
    core = len(a_text[as_:ae].rstrip())
    segments.append(Segment(EQUAL, as_, as_ + core, bs, bs + core))
    segments.append(Segment(EQUAL, as_ + core, ae, bs + core, be))


def _merge_equal(segments: list[Segment]) -> list[Segment]:
    """Join adjacent equal segments whose parts have the same length."""
    out: list[Segment] = []
    for seg in segments:
        if out and seg.op == EQUAL and out[-1].op == EQUAL:
            last = out[-1]
            if (last.a_end == seg.a_start and last.b_end == seg.b_start
                    and last.a_end - last.a_start == last.b_end - last.b_start
                    and seg.a_end - seg.a_start == seg.b_end - seg.b_start):
                out[-1] = Segment(EQUAL, last.a_start, seg.a_end, last.b_start, seg.b_end)
                continue
        out.append(seg)
    return out


def _align_words(a_text: str, b_text: str, a_lo: int, a_hi: int, b_lo: int, b_hi: int,
                 timeout: float, should_stop: Callable[[], bool] | None) -> list[Segment]:
    """Word-level alignment of ``a_text[a_lo:a_hi]`` with ``b_text[b_lo:b_hi]`` (offsets
    in the result are absolute)."""
    a_spans = [(s + a_lo, e + a_lo) for s, e in tokenize(a_text[a_lo:a_hi])]
    b_spans = [(s + b_lo, e + b_lo) for s, e in tokenize(b_text[b_lo:b_hi])]
    encoder = TokenEncoder()
    a_chars = encoder.encode(_word_tokens(a_text, a_spans))
    b_chars = encoder.encode(_word_tokens(b_text, b_spans))
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    diffs = dmp.diff_main(a_chars, b_chars, checklines=False)
    dmp.diff_cleanupSemantic(diffs)
    segments: list[Segment] = []
    ai = bi = 0   # token indices

    def a_pos(i: int) -> int:
        return a_spans[i][0] if i < len(a_spans) else a_hi

    def b_pos(i: int) -> int:
        return b_spans[i][0] if i < len(b_spans) else b_hi

    pending_del: tuple[int, int] | None = None
    pending_ins: tuple[int, int] | None = None

    def flush() -> None:
        nonlocal pending_del, pending_ins
        if pending_del is None and pending_ins is None:
            return
        if pending_del and pending_ins:
            seg = Segment(REPLACE, a_pos(pending_del[0]), a_pos(pending_del[1]),
                          b_pos(pending_ins[0]), b_pos(pending_ins[1]))
        elif pending_del:
            at = b_pos(bi)
            seg = Segment(DELETE, a_pos(pending_del[0]), a_pos(pending_del[1]), at, at)
        else:
            at = a_pos(ai)
            seg = Segment(INSERT, at, at, b_pos(pending_ins[0]), b_pos(pending_ins[1]))
        seg = _trim_whitespace(a_text, b_text, seg)
        if seg.a_start == seg.a_end and seg.b_start == seg.b_end:
            pass
        elif seg.op == REPLACE and seg.a_start == seg.a_end:
            segments.append(Segment(INSERT, seg.a_start, seg.a_end, seg.b_start, seg.b_end))
        elif seg.op == REPLACE and seg.b_start == seg.b_end:
            segments.append(Segment(DELETE, seg.a_start, seg.a_end, seg.b_start, seg.b_end))
        else:
            segments.append(seg)
        pending_del = pending_ins = None

    for op, chars in diffs:
        n = len(chars)
        if op == 0:
            flush()
            _append_equal(segments, a_pos, b_pos, a_spans, b_spans, ai, bi, n)
            ai += n
            bi += n
        elif op == -1:
            pending_del = (ai, ai + n) if pending_del is None else (pending_del[0], ai + n)
            ai += n
        else:
            pending_ins = (bi, bi + n) if pending_ins is None else (pending_ins[0], bi + n)
            bi += n
        if should_stop is not None and should_stop():
            raise InterruptedError("alignment cancelled")
    flush()
    return segments


def _append_equal(segments, a_pos, b_pos, a_spans, b_spans, ai: int, bi: int, n: int) -> None:
    """Append an equal run of ``n`` tokens, split where whitespace runs differ in length so
    that positions inside equal segments correspond one for one."""
    if a_pos(ai + n) - a_pos(ai) == b_pos(bi + n) - b_pos(bi):
        segments.append(Segment(EQUAL, a_pos(ai), a_pos(ai + n), b_pos(bi), b_pos(bi + n)))
        return
    run_a, run_b = a_pos(ai), b_pos(bi)
    for k in range(n):
        a0, a1 = a_spans[ai + k]
        b0, b1 = b_spans[bi + k]
        if a1 - a0 != b1 - b0:     # differing whitespace: its own equal segment
            if a0 > run_a:
                segments.append(Segment(EQUAL, run_a, a0, run_b, b0))
            segments.append(Segment(EQUAL, a0, a1, b0, b1))
            run_a, run_b = a1, b1
    if a_pos(ai + n) > run_a or b_pos(bi + n) > run_b:
        segments.append(Segment(EQUAL, run_a, a_pos(ai + n), run_b, b_pos(bi + n)))


@dataclass
class Alignment:
    """The alignment of witness ``a`` with witness ``b``, with look-ups both ways."""

    a: str
    b: str
    segments: list[Segment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._a_starts = [s.a_start for s in self.segments]
        self._b_starts = [s.b_start for s in self.segments]

    @classmethod
    def of(cls, a_id: str, a_text: str, b_id: str, b_text: str, **kwargs) -> "Alignment":
        return cls(a_id, b_id, align_texts(a_text, b_text, **kwargs))

    @property
    def differences(self) -> list[Segment]:
        return [s for s in self.segments if s.op != EQUAL]

    def _find(self, starts: list[int], pos: int, side: str) -> Segment | None:
        i = bisect.bisect_right(starts, pos) - 1
        # several zero-width segments may share a start: look around for one containing pos
        for j in range(max(0, i - 2), min(len(self.segments), i + 3)):
            seg = self.segments[j]
            lo, hi = (seg.a_start, seg.a_end) if side == "a" else (seg.b_start, seg.b_end)
            if lo <= pos < hi:
                return seg
        return None

    def counterpart(self, side: str, start: int, end: int) -> tuple[int, int]:
        """The range of the other text that corresponds to ``[start, end)`` of ``side``
        (``"a"`` or ``"b"``)."""
        starts = self._a_starts if side == "a" else self._b_starts

        def project(pos: int, at_end: bool) -> int:
            seg = self._find(starts, pos - 1 if at_end and pos > 0 else pos, side)
            if seg is None:
                # a position no segment covers (whitespace trimmed off a difference, or the
                # very end): the end, on the other side, of the last segment before it
                if not self.segments:
                    return 0
                i = bisect.bisect_right(starts, pos) - 1
                before = self.segments[max(0, i)]
                if i < 0:
                    return before.b_start if side == "a" else before.a_start
                return before.b_end if side == "a" else before.a_end
            lo, hi = (seg.a_start, seg.a_end) if side == "a" else (seg.b_start, seg.b_end)
            olo, ohi = (seg.b_start, seg.b_end) if side == "a" else (seg.a_start, seg.a_end)
            if seg.op == EQUAL:
                return min(olo + (pos - lo), ohi)
            return ohi if at_end else olo

        a = project(start, False)
        b = project(end, True) if end > start else a
        return (a, max(a, b))

    def differences_in(self, side: str, start: int, end: int) -> list[Segment]:
        """Differences touching ``[start, end)`` of ``side``."""
        out = []
        for seg in self.segments:
            if seg.op == EQUAL:
                continue
            lo, hi = (seg.a_start, seg.a_end) if side == "a" else (seg.b_start, seg.b_end)
            if lo < end and (hi > start or (lo == hi and start <= lo)):
                out.append(seg)
        return out
