"""The variant table: every place where two witnesses differ, each listed once.

Two sources are merged:

* the **annotations** that say how the page changed: additions, deletions, substitutions
  and variants (a variant may name its counterpart in the other witness), together with
  the notes written next to them;
* the **word-level alignment** (:mod:`editor.align.alignment`), which also finds the
  differences nobody marked.

One place is one entry: the marks an editor made on the same words (an addition and a
deletion of the same sentence, a variant marked in both witnesses) become one entry, and
an alignment difference that falls on marked words is absorbed by that entry instead of
being listed again.

The kinds (a small, fixed vocabulary; ``KIND_LABELS`` gives the words shown to readers):

``addition``
    words one version has and the other lacks, written in: an ``addition`` mark (with its
    hand), or, where nothing is marked, words the alignment finds in one version only.
``deletion``
    words struck out in a version: they are on the page but cancelled (a ``deletion``
    mark).  The other version usually lacks them.
``cancelled-addition``
    words written in and then struck out again: an ``addition`` and a ``deletion`` over
    the same words (TEI ``<del><add>…</add></del>``).  Neither reading keeps them.
``substitution``
    words struck out and replaced by others within one version (a ``substitution`` mark).
``variant``
    the versions read differently here and nothing says one reading was added or struck
    out: a ``variant`` mark, or words the alignment finds replaced by others.

``witness`` says in which version the kind applies ("an addition in the handwritten
version"); it is ``""`` for an unmarked differing reading, which belongs to both.

Positions are code points of each witness text, half-open ``[start, end)``.  A version that
lacks the words has a zero-length range ``[p, p]``: the place between ``p - 1`` and ``p``
where they would stand.  The table is in document order of the first witness.
Rejected and orphaned annotations are left out (unless ``include_rejected``): they do not
describe the page any more.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from editor.align.alignment import DELETE, EQUAL, INSERT, REPLACE, Alignment, Segment
from editor.errors import VariorumError
from editor.model.annotation import Annotation
from editor.model.edition import Edition
from editor.model.text import is_word_char, paragraph_starts

VARIANT_KINDS = ("addition", "deletion", "cancelled-addition", "substitution", "variant")

KIND_LABELS = {
    "addition": "Addition",
    "deletion": "Deletion",
    "cancelled-addition": "Added, then struck out",
    "substitution": "Substitution",
    "variant": "Variant reading",
}

KIND_PLURALS = {
    "addition": "additions",
    "deletion": "deletions",
    "cancelled-addition": "added, then struck out",
    "substitution": "substitutions",
    "variant": "variant readings",
}

#: plain explanations, for readers who have never seen an edition (the study glossary)
KIND_DESCRIPTIONS = {
    "addition": "words one version has and the other lacks: written in between the lines "
                "or in the margin, or simply not in the other version",
    "deletion": "words struck out: you can still read them on the page, but the writer "
                "cancelled them",
    "cancelled-addition": "words written in and then struck out again: the writer changed "
                          "their mind twice",
    "substitution": "words struck out and replaced by others in the same version",
    "variant": "the two versions read differently at this place",
}

#: annotation kinds that describe a difference
MARK_KINDS = ("addition", "deletion", "substitution", "variant")
#: annotation kinds whose text may explain a difference next to them (remarks are brackets
#: Variorum could not classify, page furniture mostly: they explain nothing)
NOTE_KINDS = ("note",)

#: when marks of several kinds make one entry, the most telling kind names it
_PRIORITY = {"substitution": 0, "cancelled-addition": 1, "deletion": 2, "addition": 3,
             "variant": 4}

#: how far (in non-space tokens) an alignment difference may slide to meet a mark
MAX_SLIDE = 12
#: a point note explains an entry when at most this many non-word characters lie between
NOTE_REACH = 3


@dataclass
class Variant:
    """One place where the two witnesses differ (see the module documentation).

    ``ranges`` and ``readings`` have one item per witness of the pair; ``context`` gives,
    per witness, up to ``context_width`` characters before and after (whitespace
    collapsed).  ``paragraph`` is the 1-based paragraph of the first witness holding the
    place.
    """

    kind: str
    witness: str
    readings: dict[str, str]
    ranges: dict[str, tuple[int, int]]
    context: dict[str, tuple[str, str]] = field(default_factory=dict)
    hand: str = ""                     # the hand's id ("" when none is recorded)
    hand_label: str = ""
    hands: list[str] = field(default_factory=list)
    note: str = ""
    annotations: list[str] = field(default_factory=list)
    source: str = "alignment"          # "annotation", "alignment" or "both"
    paragraph: int = 1
    number: int = 0                    # 1-based row in the table

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def as_dict(self) -> dict:
        """A JSON-ready object: ``kind``, ``readings``, ``ranges``, ``hand``, ``note``,
        ``annotations`` and the rest of the fields."""
        return {
            "number": self.number,
            "kind": self.kind,
            "witness": self.witness,
            "readings": dict(self.readings),
            "ranges": {w: [s, e] for w, (s, e) in self.ranges.items()},
            "context": {w: {"before": b, "after": a} for w, (b, a) in self.context.items()},
            "hand": self.hand,
            "hand_label": self.hand_label,
            "hands": list(self.hands),
            "note": self.note,
            "annotations": list(self.annotations),
            "source": self.source,
            "paragraph": self.paragraph,
        }


# ======================================================================================
# choosing the pair


def choose_pair(edition: Edition, witnesses=None) -> tuple[str, str]:
    """The two witnesses to compare: ``witnesses`` when given (two ids), else typed and
    handwritten when the edition has them, else its first two."""
    ids = list(edition.witnesses)
    if witnesses:
        pair = [w.strip() for w in witnesses if w and w.strip()]
        if len(pair) != 2:
            raise VariorumError(f"name exactly two witnesses to compare, not {len(pair)}")
        for wid in pair:
            if wid not in edition.witnesses:
                raise VariorumError(f"the edition has no witness {wid!r}; it has "
                                    f"{', '.join(ids) or 'none'}")
        if pair[0] == pair[1]:
            raise VariorumError(f"compare two different witnesses, not {pair[0]!r} with itself")
        return pair[0], pair[1]
    if len(ids) < 2:
        raise VariorumError("the edition has fewer than two witnesses: there is nothing to "
                            "compare")
    if "typed" in ids and "handwritten" in ids:
        return "typed", "handwritten"
    return ids[0], ids[1]


# ======================================================================================
# small range helpers (half-open code-point ranges; a point is ``(p, p)``)


def _word_trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the non-word characters at its edges (a range holding no
    word character is only stripped of whitespace)."""
    s, e = start, end
    while s < e and not is_word_char(text[s]):
        s += 1
    while e > s and not is_word_char(text[e - 1]):
        e -= 1
    if s == e:
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
    return s, e


def _space_trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _touch(r1: tuple[int, int], r2: tuple[int, int]) -> bool:
    """True when two ranges are at the same place: they share a character, a point lies
    strictly inside a range, or two points coincide."""
    (s1, e1), (s2, e2) = r1, r2
    if s1 < e1 and s2 < e2:
        return max(s1, s2) < min(e1, e2)
    if s1 == e1 and s2 == e2:
        return s1 == s2
    if s1 == e1:
        return s2 < s1 < e2
    return s1 < s2 < e1


def _loose_touch(r1: tuple[int, int], r2: tuple[int, int]) -> bool:
    """Like :func:`_touch`, but a point may also sit at a range's edge."""
    if _touch(r1, r2):
        return True
    (s1, e1), (s2, e2) = r1, r2
    return (s1 == e1 and s2 <= s1 <= e2) or (s2 == e2 and s1 <= s2 <= e1)


def _word_chars(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if is_word_char(text[i])]


def _hull(ranges) -> tuple[int, int]:
    ranges = list(ranges)
    return min(s for s, _ in ranges), max(e for _, e in ranges)


class _RangeIndex:
    """Items by range, for finding those near a range without looking at all of them."""

    def __init__(self, items):
        """``items``: ``((start, end), item)`` pairs."""
        self.items = sorted(items, key=lambda it: it[0][0])
        self.starts = [r[0] for r, _ in self.items]
        self.span = max((e - s for (s, e), _ in self.items), default=0)

    def near(self, lo: int, hi: int) -> list:
        """Items whose range may touch ``[lo, hi]`` (edges included), in start order; the
        caller applies the exact test."""
        i = bisect.bisect_left(self.starts, lo - self.span)
        j = bisect.bisect_right(self.starts, hi)
        return [(r, item) for r, item in self.items[i:j] if r[1] >= lo]


# ======================================================================================
# marks: the difference annotations of one witness, grouped by the words they cover


@dataclass
class _Mark:
    witness: str
    start: int
    end: int
    kind: str
    annotations: list[Annotation]
    counterpart: tuple[int, int] | None = None    # the other witness's range
    explicit_counterpart: bool = False


def _visible(edition: Edition, witness_id: str, kinds, include_rejected: bool):
    text = edition.text(witness_id)
    for ann in edition.annotations_of(witness_id):
        if ann.kind not in kinds:
            continue
        if ann.status == "rejected" and not include_rejected:
            continue
        if ann.status == "orphaned" or (ann.anchoring is not None
                                        and ann.anchoring.state == "orphaned"):
            continue
        if not (0 <= ann.start <= ann.end <= len(text)):
            continue
        yield ann


def _marks_of(edition: Edition, witness_id: str, include_rejected: bool) -> list[_Mark]:
    """Difference marks of one witness; marks over the same words (edges' spaces and
    punctuation aside) are one mark, an addition with a deletion a cancelled addition."""
    text = edition.text(witness_id)
    groups: dict[tuple[int, int], list[Annotation]] = {}
    for ann in _visible(edition, witness_id, MARK_KINDS, include_rejected):
        groups.setdefault(_word_trim(text, ann.start, ann.end), []).append(ann)
    marks = []
    for (s, e), anns in groups.items():
        kinds = {a.kind for a in anns}
        if {"addition", "deletion"} <= kinds:
            kind = "cancelled-addition"
        else:
            kind = min(kinds, key=_PRIORITY.__getitem__)
        start, end = _space_trim(text, *_hull((a.start, a.end) for a in anns))
        if s == e:
            start = end = s
        anns.sort(key=lambda a: (MARK_KINDS.index(a.kind), _natural(a.id)))
        marks.append(_Mark(witness_id, start, end, kind, anns))
    marks.sort(key=lambda m: (m.start, m.end))
    return marks


# ======================================================================================
# differences from the alignment, slid to meet the marks


@dataclass
class _Difference:
    op: str
    a: tuple[int, int]
    b: tuple[int, int]


_NONSPACE_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)   # the alignment's tokens, less spaces

#: characters looked at either side of a difference when sliding it
SLIDE_MARGIN = 40 * MAX_SLIDE


def _nonspace_tokens(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of the non-space tokens of ``text[lo:hi]`` (absolute offsets); a
    token cut by a window edge inside the text is left out."""
    hi = len(text) if hi is None else hi
    spans = [m.span() for m in _NONSPACE_TOKEN.finditer(text, lo, hi)]
    if spans and lo > 0 and spans[0][0] == lo and not text[lo - 1].isspace():
        spans.pop(0)
    if spans and hi < len(text) and spans[-1][1] == hi and not text[hi].isspace():
        spans.pop()
    return spans


def _slide(diff: _Difference, a_text: str, b_text: str, a_edges: set,
           b_edges: set) -> _Difference:
    """An insertion or omission that could equally be placed a few words earlier or later
    (``x [y x] z`` = ``[x y] x z``) is moved to where a mark's edges are, if one is.

    The alignment places such a difference arbitrarily; the editor's mark says where it
    really is.  Only whole tokens are moved (at most :data:`MAX_SLIDE`), and only across
    text both witnesses share.
    """
    if diff.op == INSERT:
        here, there, here_text, there_text, edges = diff.b, diff.a[0], b_text, a_text, b_edges
    elif diff.op == DELETE:
        here, there, here_text, there_text, edges = diff.a, diff.b[0], a_text, b_text, a_edges
    else:
        return diff
    if not edges or _word_trim(here_text, *here) in edges:
        return diff
    here_tokens = _nonspace_tokens(here_text, max(0, here[0] - SLIDE_MARGIN),
                                   min(len(here_text), here[1] + SLIDE_MARGIN))
    there_tokens = _nonspace_tokens(there_text, max(0, there - SLIDE_MARGIN),
                                    min(len(there_text), there + SLIDE_MARGIN))
    here_starts = [t[0] for t in here_tokens]
    i0 = bisect.bisect_left(here_starts, here[0])
    i1 = bisect.bisect_left(here_starts, here[1])
    if i1 <= i0:
        return diff
    j = bisect.bisect_left([t[0] for t in there_tokens], there)   # the token after the point

    def tok(tokens, text, k):
        s, e = tokens[k]
        return text[s:e]

    candidates = []
    for k in range(1, MAX_SLIDE + 1):               # to the left
        if i0 - k < 0 or j - k < 0:
            break
        word = tok(here_tokens, here_text, i0 - k)
        if word != tok(here_tokens, here_text, i1 - k) or \
                word != tok(there_tokens, there_text, j - k):
            break
        candidates.append((k, here_tokens[i0 - k][0], here_tokens[i1 - k - 1][1],
                           there_tokens[j - k][0]))
    for k in range(1, MAX_SLIDE + 1):               # to the right
        if i1 + k - 1 >= len(here_tokens) or j + k - 1 >= len(there_tokens):
            break
        word = tok(here_tokens, here_text, i1 + k - 1)
        if word != tok(here_tokens, here_text, i0 + k - 1) or \
                word != tok(there_tokens, there_text, j + k - 1):
            break
        if j + k < len(there_tokens):
            point = there_tokens[j + k][0]
        elif there_tokens[j + k - 1][1] + SLIDE_MARGIN // 2 < len(there_text):
            break                                   # the next token is beyond the window
        else:
            point = there_tokens[j + k - 1][1]
        candidates.append((k, here_tokens[i0 + k][0], here_tokens[i1 + k - 1][1], point))
    for _k, s, e, point in sorted(candidates):
        if _word_trim(here_text, s, e) in edges:
            if diff.op == INSERT:
                return _Difference(INSERT, (point, point), (s, e))
            return _Difference(DELETE, (s, e), (point, point))
    return diff


def _refine(seg: Segment, a_text: str, b_text: str) -> list[Segment]:
    """A replaced passage cut finer: the words both sides share inside it become equal
    pieces, one token each, and the rest insertions, omissions and replacements.

    The alignment's semantic clean-up joins near differences into one replacement, which
    reads well until a mark sits on part of it; then each marked word needs its own
    counterpart.  Insertion points are the start of the next token (the alignment's own
    convention)."""
    a_tokens = [m.span() for m in _NONSPACE_TOKEN.finditer(a_text, seg.a_start, seg.a_end)]
    b_tokens = [m.span() for m in _NONSPACE_TOKEN.finditer(b_text, seg.b_start, seg.b_end)]
    matcher = SequenceMatcher(None, [a_text[s:e] for s, e in a_tokens],
                              [b_text[s:e] for s, e in b_tokens], autojunk=False)
    out = []

    def span(tokens, i1, i2, end):
        if i1 < i2:
            return tokens[i1][0], tokens[i2 - 1][1]
        point = tokens[i1][0] if i1 < len(tokens) else end
        return point, point

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out.append(Segment(EQUAL, *a_tokens[i1 + k], *b_tokens[j1 + k]))
            continue
        a0, a1 = span(a_tokens, i1, i2, seg.a_end)
        b0, b1 = span(b_tokens, j1, j2, seg.b_end)
        op = REPLACE if a1 > a0 and b1 > b0 else DELETE if a1 > a0 else INSERT
        out.append(Segment(op, a0, a1, b0, b1))
    return out


def _pieces(alignment: Alignment, a_text: str, b_text: str, a_marks: list[_Mark],
            b_marks: list[_Mark]) -> list[Segment]:
    """The alignment's segments, each replacement that a mark covers only in part refined
    by :func:`_refine` and then cut at the marks' edges by :func:`_cut_at_marks`."""
    a_trims = [_word_trim(a_text, m.start, m.end) for m in a_marks if m.end > m.start]
    b_trims = [_word_trim(b_text, m.start, m.end) for m in b_marks if m.end > m.start]
    a_index = _RangeIndex((t, t) for t in a_trims)
    b_index = _RangeIndex((t, t) for t in b_trims)

    def near(index: _RangeIndex, rng: tuple[int, int]) -> list[tuple[int, int]]:
        return [t for t, _ in index.near(*rng) if _touch(t, rng)]

    def partly_marked(seg: Segment) -> bool:
        a_side, b_side = (seg.a_start, seg.a_end), (seg.b_start, seg.b_end)
        a_trim, b_trim = _word_trim(a_text, *a_side), _word_trim(b_text, *b_side)
        return any(t != a_trim for t in near(a_index, a_side)) or \
            any(t != b_trim for t in near(b_index, b_side))

    out = []
    for seg in alignment.segments:
        if seg.op != REPLACE or not partly_marked(seg):
            out.append(seg)
            continue
        for piece in _refine(seg, a_text, b_text):
            if piece.op == REPLACE and partly_marked(piece):
                a_near = near(a_index, (piece.a_start, piece.a_end))
                for cut in _cut_at_marks(piece, "a", a_near, a_text):
                    b_near = near(b_index, (cut.b_start, cut.b_end))
                    out.extend(_cut_at_marks(cut, "b", b_near, b_text)
                               if cut.op == REPLACE else [cut])
            else:
                out.append(piece)
    return out


def _cut_at_marks(piece: Segment, side: str, trims: list[tuple[int, int]],
                  text: str) -> list[Segment]:
    """A replacement cut where marks of ``side`` begin and end.

    The marked chunks become insertions (or omissions) of their own; the other side's
    reading goes with the first unmarked chunk, as the reading it replaces (``a`` against
    ``an [absolutely] unhealthy`` with ``absolutely`` marked: ``a``/``an`` replaced,
    ``absolutely`` and ``unhealthy`` inserted after it).  When every chunk is marked the
    piece is left whole: the marks explain it."""
    lo, hi = _own(piece, side)
    edges = {lo, hi}
    for s, e in trims:
        if _touch((s, e), (lo, hi)):
            edges.update(x for x in (s, e) if lo < x < hi)
    bounds = sorted(edges)
    chunks = []
    for s, e in zip(bounds, bounds[1:]):
        s, e = _space_trim(text, s, e)
        if e > s:
            chunks.append(((s, e), any(t[0] <= s and e <= t[1] for t in trims)))
    if len(chunks) < 2 or all(marked for _, marked in chunks):
        return [piece]
    olo, ohi = _other(piece, side)
    holder = next(i for i, (_, marked) in enumerate(chunks) if not marked)
    out = []
    for i, ((s, e), _marked) in enumerate(chunks):
        if i == holder:
            other = (olo, ohi)
        else:
            point = olo if i < holder else ohi
            other = (point, point)
        own_op = REPLACE if other[1] > other[0] else (INSERT if side == "b" else DELETE)
        if side == "a":
            out.append(Segment(own_op, s, e, *other))
        else:
            out.append(Segment(own_op, *other, s, e))
    return out


class _Projector:
    """Maps ranges of one text to the other through aligned pieces, like
    :meth:`Alignment.counterpart`, but also for positions in the whitespace the pieces
    leave out between them (mapped at the same distance from the piece before)."""

    def __init__(self, pieces: list[Segment], a_len: int, b_len: int):
        self.sides = {}
        for side in ("a", "b"):
            own = [p for p in pieces if _own(p, side)[1] > _own(p, side)[0]]
            own.sort(key=lambda p: _own(p, side)[0])
            self.sides[side] = (own, [_own(p, side)[0] for p in own])
        self.lengths = {"a": b_len, "b": a_len}      # length of the *other* text

    def project(self, side: str, pos: int, at_end: bool) -> int:
        own, starts = self.sides[side]
        probe = pos - 1 if at_end and pos > 0 else pos
        i = bisect.bisect_right(starts, probe) - 1
        if i >= 0:
            piece = own[i]
            lo, hi = _own(piece, side)
            olo, ohi = _other(piece, side)
            if lo <= probe < hi:
                if piece.op == EQUAL:
                    return min(olo + (pos - lo), ohi)
                return ohi if at_end else olo
            limit = _other(own[i + 1], side)[0] if i + 1 < len(own) else self.lengths[side]
            return max(ohi, min(ohi + (pos - hi), limit))
        first = _other(own[0], side)[0] if own else self.lengths[side]
        return min(pos, first)

    def counterpart(self, side: str, start: int, end: int) -> tuple[int, int]:
        lo = self.project(side, start, False)
        hi = self.project(side, end, True) if end > start else lo
        return lo, max(lo, hi)


def _own(piece: Segment, side: str) -> tuple[int, int]:
    return (piece.a_start, piece.a_end) if side == "a" else (piece.b_start, piece.b_end)


def _other(piece: Segment, side: str) -> tuple[int, int]:
    return (piece.b_start, piece.b_end) if side == "a" else (piece.a_start, piece.a_end)


def _differences(pieces: list[Segment], a_text: str, b_text: str,
                 a_marks: list[_Mark], b_marks: list[_Mark]) -> list[_Difference]:
    a_edges = {_word_trim(a_text, m.start, m.end) for m in a_marks}
    b_edges = {_word_trim(b_text, m.start, m.end) for m in b_marks}
    out = []
    for seg in pieces:
        if seg.op == EQUAL:
            continue
        diff = _Difference(seg.op, (seg.a_start, seg.a_end), (seg.b_start, seg.b_end))
        out.append(_slide(diff, a_text, b_text, a_edges, b_edges))
    return out


# ======================================================================================
# the table


@dataclass
class _Place:
    marks: list[_Mark]
    ranges: dict[str, tuple[int, int]]
    differences: list[_Difference] = field(default_factory=list)
    notes: list[Annotation] = field(default_factory=list)


def _counterpart(mark: _Mark, other: str, side: str, projector: _Projector,
                 gaps: dict, text: str) -> tuple[tuple[int, int], bool]:
    """The other witness's range for a mark, and whether the annotation itself names it."""
    explicit = [a.counterpart for a in mark.annotations
                if a.kind == "variant" and a.counterpart is not None
                and a.counterpart.witness == other]
    if explicit:
        return _hull((cp.start, cp.end) for cp in explicit), True
    # a (slid) difference over the same words knows where the other version lacks them
    opposite = gaps.get(_word_trim(text, mark.start, mark.end))
    if opposite is not None:
        return opposite, False
    return projector.counterpart(side, mark.start, mark.end), False


def variant_table(edition: Edition, witnesses=None, alignment: Alignment | None = None,
                  include_rejected: bool = False, context_width: int = 40) -> list[Variant]:
    """Every difference between two witnesses (see the module documentation).

    ``witnesses`` names the pair (default: :func:`choose_pair`); ``alignment`` may be
    passed when already computed for the same pair (in either order), else it is computed.
    """
    a, b = choose_pair(edition, witnesses)
    a_text, b_text = edition.text(a), edition.text(b)
    if alignment is not None and (alignment.a, alignment.b) == (b, a):
        alignment = _swapped(alignment)
    if alignment is None or (alignment.a, alignment.b) != (a, b):
        alignment = Alignment.of(a, a_text, b, b_text)
    texts = {a: a_text, b: b_text}
    marks = {a: _marks_of(edition, a, include_rejected), b: _marks_of(edition, b, include_rejected)}
    pieces = _pieces(alignment, a_text, b_text, marks[a], marks[b])
    diffs = _differences(pieces, a_text, b_text, marks[a], marks[b])
    projector = _Projector(pieces, len(a_text), len(b_text))

    # 1. each mark is a place, with its counterpart in the other witness
    gaps = {"a": {}, "b": {}}
    for diff in reversed(diffs):         # the first difference wins
        if diff.a[1] > diff.a[0]:
            gaps["a"][_word_trim(a_text, *diff.a)] = diff.b
        if diff.b[1] > diff.b[0]:
            gaps["b"][_word_trim(b_text, *diff.b)] = diff.a
    places: list[_Place] = []
    for wid, other, side in ((a, b, "a"), (b, a, "b")):
        for mark in marks[wid]:
            mark.counterpart, mark.explicit_counterpart = _counterpart(
                mark, other, side, projector, gaps[side], texts[wid])
            places.append(_Place([mark], {wid: (mark.start, mark.end),
                                          other: mark.counterpart}))

    # 2. marks of the two witnesses at the same place (each where the other's
    #    counterpart is) are one place
    a_places = _RangeIndex(((p.marks[0].start, p.marks[0].end), p) for p in places
                           if p.marks[0].witness == a)
    merged: list[_Place] = [p for p in places if p.marks[0].witness == a]
    for place in places:
        mark = place.marks[0]
        if mark.witness != b:
            continue
        twin = None
        for rng, candidate in a_places.near(*mark.counterpart):
            first = candidate.marks[0]
            if len(candidate.marks) == 1 and _loose_touch(rng, mark.counterpart) \
                    and _loose_touch((mark.start, mark.end), first.counterpart):
                twin = candidate
                break
        if twin is None:
            merged.append(place)
        else:
            twin.marks.append(mark)
            twin.ranges[b] = (mark.start, mark.end)
    places = merged
    _separate(places, a, b)

    # 3. alignment differences on marked words belong to those marks; the rest are
    #    places of their own
    by_a = _RangeIndex((p.ranges[a], p) for p in places)
    by_b = _RangeIndex((p.ranges[b], p) for p in places)
    for diff in diffs:
        touching = []
        for index, rng in ((by_a, diff.a), (by_b, diff.b)):
            for place_range, place in index.near(*rng):
                if _touch(place_range, rng) and place not in touching:
                    touching.append(place)
        touching.sort(key=lambda p: (p.ranges[a], p.ranges[b]))
        if touching and _mostly_covered(diff, touching, a, b, a_text, b_text):
            touching[0].differences.append(diff)
            continue
        places.append(_Place([], {a: diff.a, b: diff.b}, [diff]))

    # 4. notes explain the place they sit on, or the gap where the other version's
    #    words are missing
    for wid in (a, b):
        text = texts[wid]
        index = _RangeIndex((p.ranges[wid], p) for p in places)
        for note in _visible(edition, wid, NOTE_KINDS, include_rejected):
            place = _place_for_note(note, index, text)
            if place is not None:
                place.notes.append(note)

    variants = [_variant(edition, place, a, b, texts, context_width) for place in places]
    starts = paragraph_starts(a_text)
    for v in variants:
        v.paragraph = bisect.bisect_right(starts, v.ranges[a][0])
    variants.sort(key=lambda v: (v.ranges[a][0], v.ranges[a][1], v.ranges[b][0],
                                 v.ranges[b][1], _PRIORITY.get(v.kind, 9)))
    for number, v in enumerate(variants, 1):
        v.number = number
    return variants


def _separate(places: list[_Place], a: str, b: str) -> None:
    """A mark whose computed counterpart falls on words another place already explains
    (a mark of the other witness with its own counterpart) gets a point there instead:
    the alignment paired two unrelated passages (``Copy to the archive.`` against a
    different sentence added and struck out)."""
    only = {}
    for place in places:
        witnesses = {m.witness for m in place.marks}
        only[id(place)] = witnesses.pop() if len(witnesses) == 1 else ""
    rivals = {wid: _RangeIndex((p.ranges[wid], p) for p in places if only[id(p)] == wid)
              for wid in (a, b)}
    for place in places:
        if not only[id(place)]:
            continue
        mark = place.marks[0]
        if mark.explicit_counterpart:
            continue
        other = b if mark.witness == a else a
        cs, ce = place.ranges[other]
        if cs == ce:
            continue
        for (rs, re_), rival in rivals[other].near(cs, ce):
            if rival is place or not (rs < re_ and max(rs, cs) < min(re_, ce)):
                continue
            # before or after the rival, as the rival's own counterpart lies
            point = re_ if rival.ranges[mark.witness][1] <= mark.start else rs
            place.ranges[other] = (point, point)
            mark.counterpart = (point, point)
            break


def _swapped(alignment: Alignment) -> Alignment:
    """The same alignment seen from the other witness."""
    flip = {INSERT: DELETE, DELETE: INSERT}
    return Alignment(alignment.b, alignment.a,
                     [Segment(flip.get(s.op, s.op), s.b_start, s.b_end, s.a_start, s.a_end)
                      for s in alignment.segments])


def _mostly_covered(diff: _Difference, places: list[_Place], a: str, b: str,
                    a_text: str, b_text: str) -> bool:
    """True when marks cover most of the difference's words in a witness they are in."""
    for wid, rng, text in ((a, diff.a, a_text), (b, diff.b, b_text)):
        chars = _word_chars(text, *rng) or list(range(*rng))
        marked = [(m.start, m.end) for p in places for m in p.marks if m.witness == wid]
        if not chars or not marked:
            continue
        covered = sum(1 for i in chars if any(s <= i < e for s, e in marked))
        if covered * 2 > len(chars):
            return True
    # an insertion against a mark at its point (a variant marked on the missing side)
    return any(m.start == m.end and ((m.witness == a and (m.start, m.end) == diff.a)
                                     or (m.witness == b and (m.start, m.end) == diff.b))
               for p in places for m in p.marks)


def _place_for_note(note: Annotation, index: _RangeIndex, text: str):
    """The place a note explains: one whose words it covers, or (a note at a point) one
    whose range in this witness is a point with only spaces or punctuation between."""
    best = None
    for (s, e), place in index.near(note.start - NOTE_REACH, note.end + NOTE_REACH):
        if note.start < note.end and s < e and max(s, note.start) < min(e, note.end):
            return place
        if s == e and note.is_point:
            lo, hi = sorted((s, note.start))
            gap = text[lo:hi]
            if len(gap) <= NOTE_REACH and not any(is_word_char(c) for c in gap):
                if best is None or abs(s - note.start) < best[0]:
                    best = (abs(s - note.start), place)
    return best[1] if best else None


def _natural(ident: str) -> tuple:
    """``ann-9`` before ``ann-10``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", ident))


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    before = text[max(0, start - width):start]
    after = text[end:end + width]
    if start - width > 0 and " " in before:          # start at a word boundary
        before = "…" + before[before.index(" ") + 1:]
    if end + width < len(text) and " " in after:
        after = after[:after.rindex(" ")] + "…"
    lead = " " if before[-1:].isspace() else ""
    trail = " " if after[:1].isspace() else ""
    return _collapse(before) + lead, trail + _collapse(after)


def _variant(edition: Edition, place: _Place, a: str, b: str, texts: dict[str, str],
             width: int) -> Variant:
    ranges = {w: place.ranges[w] for w in (a, b)}
    readings = {w: texts[w][s:e] for w, (s, e) in ranges.items()}
    context = {w: _context(texts[w], s, e, width) for w, (s, e) in ranges.items()}
    if place.marks:
        lead = min(place.marks, key=lambda m: _PRIORITY.get(m.kind, 9))
        kind, witness = lead.kind, lead.witness
        anns = [ann for m in place.marks for ann in m.annotations]
        source = "both" if place.differences else "annotation"
    else:
        diff = place.differences[0]
        kind = {INSERT: "addition", DELETE: "addition", REPLACE: "variant"}[diff.op]
        witness = {INSERT: b, DELETE: a}.get(diff.op, "")
        anns = []
        source = "alignment"
    hands = []
    for ann in anns:
        hand = ann.attrs.get("hand", "")
        for h in hand.split():
            h = h.lstrip("#")
            if h and h not in hands:
                hands.append(h)
    notes = []
    for ann in anns + place.notes:
        text = _collapse(ann.note)
        if text and text not in notes:
            notes.append(text)
    ids = [ann.id for ann in anns + place.notes]
    hand = hands[0] if hands else ""
    return Variant(kind=kind, witness=witness, readings=readings, ranges=ranges,
                   context=context, hand=hand,
                   hand_label=", ".join(edition.hand_label(h) for h in hands),
                   hands=hands, note="; ".join(notes), annotations=ids, source=source)


# ======================================================================================
# figures


def counts(variants: list[Variant]) -> dict:
    """How many entries of each kind, overall, by hand and by paragraph.

    ``{"by_kind": {kind: n}, "by_hand": {hand id or "": {kind: n}},
    "by_paragraph": {paragraph: {kind: n}}}``; kinds in :data:`VARIANT_KINDS` order,
    kinds with no entry left out.
    """
    by_kind = {k: 0 for k in VARIANT_KINDS}
    by_hand: dict[str, dict[str, int]] = {}
    by_paragraph: dict[int, dict[str, int]] = {}
    for v in variants:
        by_kind[v.kind] = by_kind.get(v.kind, 0) + 1
        row = by_hand.setdefault(v.hand, {})
        row[v.kind] = row.get(v.kind, 0) + 1
        row = by_paragraph.setdefault(v.paragraph, {})
        row[v.kind] = row.get(v.kind, 0) + 1

    def ordered(row: dict[str, int]) -> dict[str, int]:
        return {k: row[k] for k in VARIANT_KINDS if row.get(k)}
    return {"by_kind": ordered(by_kind),
            "by_hand": {h: ordered(r) for h, r in by_hand.items()},
            "by_paragraph": {p: ordered(r) for p, r in sorted(by_paragraph.items())}}


@dataclass
class ParagraphVariance:
    """How much one paragraph of the first witness differs from the other witness.

    ``start``/``end`` are code points of the first witness; ``changed`` counts the
    characters of its entries (the longer reading of each, so that words only the other
    version has count too); ``density`` is ``changed / length``, at most 1.
    """

    number: int
    start: int
    end: int
    count: int
    changed: int
    first: Variant | None = None

    @property
    def density(self) -> float:
        return min(1.0, self.changed / max(1, self.end - self.start))


def variance_by_paragraph(text: str, variants: list[Variant], witness: str) -> list[ParagraphVariance]:
    """One :class:`ParagraphVariance` per paragraph of ``text`` (the witness ``witness``,
    the first of the pair), in order."""
    starts = paragraph_starts(text)
    out = []
    for number, start in enumerate(starts, 1):
        end = starts[number] - 2 if number < len(starts) else len(text)
        out.append(ParagraphVariance(number, start, max(start, end), 0, 0))
    for v in variants:
        row = out[min(max(v.paragraph, 1), len(out)) - 1]
        row.count += 1
        row.changed += max(len(r.strip()) for r in v.readings.values()) if v.readings else 0
        if row.first is None:
            row.first = v
    return out
