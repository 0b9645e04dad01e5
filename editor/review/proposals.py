"""Differences between two witnesses, which of them an annotation explains, and what to
propose for the others.

The alignment (:mod:`editor.align.alignment`) finds where witness A (the first pane) and
witness B (the second) differ: words only in B (``insert``), only in A (``delete``), or
read differently (``replace``).  Positions are code points, half-open ``[start, end)``;
the side of a one-sided difference that lacks the words is a point (``start == end``),
the place where the other side's words would be.

**Ids.**  Each difference gets an id stable across sessions, saves and swapped panes:
``diff-`` and 12 hex digits of a hash of both sides (witness id and words, whitespace
runs counted as one space and punctuation at the edges left out, sides sorted by witness
id) and of the occurrence count of that same pair in reading order.  Editing the text
elsewhere leaves it unchanged; editing the words of the difference, or adding an
identical difference earlier, changes it.

**Explained.**  A difference is explained when its id is in ``edition.explained`` (an
editor said so), or when an annotation that is neither rejected nor orphaned touches it
in either witness: its range (or a variant's counterpart) overlaps the words of a side;
for the side that lacks the words (a point), a marked range must contain the point
strictly inside, and a point annotation (a note, a gap) must sit at it, whitespace
apart.  A rejected annotation explains nothing: its claim was turned down.

**Proposals.**  What the alignment knows is that the versions differ, not what happened
on the page, so a proposal is only a ``proposed`` annotation for a reviewer:

* a replacement becomes a ``variant`` on B's reading, its counterpart A's reading;
* words only one witness has become an ``addition`` in that witness (most often a
  typist's or a hand's insertion); the editor may ask for a ``deletion`` there instead
  (cancelled words of a draft that the fair copy leaves out), or for a ``variant`` on
  them with a point counterpart in the other witness (the neutral "only here").
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from editor.align.alignment import DELETE, INSERT, REPLACE, Alignment
from editor.model import operations as ops
from editor.model.annotation import Annotation, Span
from editor.model.edition import Edition

_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")

#: the kinds a difference may be turned into
PROPOSAL_KINDS = ("variant", "addition", "deletion")


@dataclass(frozen=True)
class Difference:
    """One difference of an alignment: ``[a_start, a_end)`` of witness ``a`` against
    ``[b_start, b_end)`` of witness ``b`` (code points)."""

    id: str
    op: str                 # insert (only in b), delete (only in a), replace
    a: str
    a_start: int
    a_end: int
    b: str
    b_start: int
    b_end: int
    a_words: str
    b_words: str

    def side(self, witness: str) -> tuple[int, int]:
        return (self.a_start, self.a_end) if witness == self.a else (self.b_start, self.b_end)

    @property
    def one_sided_witness(self) -> str:
        """The witness holding the words of a one-sided difference ("" for a replacement)."""
        if self.op == INSERT:
            return self.b
        if self.op == DELETE:
            return self.a
        return ""


def _squash(text: str) -> str:
    """The words of a side as its id sees them: whitespace runs as one space, and
    punctuation at the edges left out (the alignment may put a comma on either side of
    a one-sided difference), unless the side is nothing but punctuation."""
    words = " ".join(text.split())
    core = _EDGE_PUNCTUATION.sub("", words)
    return core or words


def difference_id(a: str, a_words: str, b: str, b_words: str, occurrence: int) -> str:
    """The stable id of a difference (see the module documentation)."""
    sides = sorted([(a, _squash(a_words)), (b, _squash(b_words))])
    key = "\x1f".join([sides[0][0], sides[0][1], sides[1][0], sides[1][1], str(occurrence)])
    return "diff-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def differences(edition: Edition, alignment: Alignment) -> list[Difference]:
    """Every difference of ``alignment`` (over the edition's current texts), in order."""
    a_text = edition.witnesses[alignment.a].text
    b_text = edition.witnesses[alignment.b].text
    seen: Counter = Counter()
    out = []
    for seg in alignment.differences:
        a_words, b_words = a_text[seg.a_start:seg.a_end], b_text[seg.b_start:seg.b_end]
        key = (_squash(a_words), _squash(b_words))
        seen[key] += 1
        did = difference_id(alignment.a, a_words, alignment.b, b_words, seen[key])
        out.append(Difference(did, seg.op, alignment.a, seg.a_start, seg.a_end,
                              alignment.b, seg.b_start, seg.b_end, a_words, b_words))
    return out


def _only_space(text: str, lo: int, hi: int) -> bool:
    lo, hi = min(lo, hi), max(lo, hi)
    return not text[lo:hi].strip()


def _touches(text: str, side: tuple[int, int], start: int, end: int) -> bool:
    """Whether the range ``[start, end)`` touches a side ``[s, e)`` of a difference (see
    the module documentation for points)."""
    s, e = side
    if s < e:
        if start < end:
            return start < e and end > s
        return s <= start <= e
    if start < end:
        return start < s < end
    return _only_space(text, start, s)


class AnnotationRanges:
    """The ranges annotations cover in each witness (their own, and variants'
    counterparts), sorted by start, for quick look-ups of what touches a place."""

    def __init__(self, edition: Edition, include_rejected: bool = False):
        self.edition = edition
        by_witness: dict[str, list[tuple[int, int, Annotation]]] = {}
        for ann in edition.annotations.values():
            if ann.status == "rejected" and not include_rejected:
                continue
            if ann.anchoring is not None and ann.anchoring.state == "orphaned":
                continue
            by_witness.setdefault(ann.witness, []).append((ann.start, ann.end, ann))
            cp = ann.counterpart
            if cp is not None:
                by_witness.setdefault(cp.witness, []).append((cp.start, cp.end, ann))
        # short ranges sorted by start, searched in a window as wide as the longest of
        # them; the few long ones (whole passages) are checked one by one
        self.ranges: dict[str, list[tuple[int, int, Annotation]]] = {}
        self.starts: dict[str, list[int]] = {}
        self.widest: dict[str, int] = {}
        self.long: dict[str, list[tuple[int, int, Annotation]]] = {}
        for witness, items in by_witness.items():
            short = [r for r in items if r[1] - r[0] <= LONG_RANGE]
            short.sort(key=lambda r: (r[0], r[1]))
            self.ranges[witness] = short
            self.starts[witness] = [r[0] for r in short]
            self.widest[witness] = max((r[1] - r[0] for r in short), default=0)
            self.long[witness] = [r for r in items if r[1] - r[0] > LONG_RANGE]

    def touching(self, witness: str, side: tuple[int, int]) -> list[Annotation]:
        if witness not in self.edition.witnesses or witness not in self.ranges:
            return []
        text = self.edition.witnesses[witness].text
        s, e = side
        # a point annotation may sit anywhere in the whitespace around a point side
        lo, hi = s, e
        while lo > 0 and text[lo - 1].isspace():
            lo -= 1
        while hi < len(text) and text[hi].isspace():
            hi += 1
        starts = self.starts[witness]
        first = bisect.bisect_left(starts, lo - self.widest[witness])
        last = bisect.bisect_right(starts, hi)
        candidates = self.ranges[witness][first:last] + self.long[witness]
        return [ann for start, end, ann in candidates if _touches(text, side, start, end)]


#: ranges longer than this (code points) are kept apart in :class:`AnnotationRanges`
LONG_RANGE = 2_000


def explaining_annotations(edition: Edition, diff: Difference, include_rejected: bool = False,
                           ranges: AnnotationRanges | None = None) -> list[Annotation]:
    """Annotations that touch ``diff`` in either witness, in reading order (rejected ones
    only on request; orphaned ones never: they have no place)."""
    ranges = ranges or AnnotationRanges(edition, include_rejected)
    found = {}
    for witness in (diff.a, diff.b):
        for ann in ranges.touching(witness, diff.side(witness)):
            found[ann.id] = ann
    return sorted(found.values(), key=Annotation.sort_key)


def is_explained(edition: Edition, diff: Difference, ranges: AnnotationRanges | None = None) -> bool:
    return diff.id in edition.explained or \
        bool(explaining_annotations(edition, diff, ranges=ranges))


def unexplained(edition: Edition, alignment: Alignment) -> list[Difference]:
    """The differences no annotation explains and no editor marked as explained."""
    ranges = AnnotationRanges(edition)
    return [d for d in differences(edition, alignment) if not is_explained(edition, d, ranges)]


# ----------------------------------------------------------------------------- proposals


@dataclass(frozen=True)
class Proposal:
    """The annotation to propose for a difference."""

    difference: Difference
    kind: str
    witness: str
    start: int
    end: int
    counterpart: Span | None = None


def default_kind(diff: Difference) -> str:
    """The fitting kind: ``variant`` for a replacement, ``addition`` for one-sided words."""
    return "variant" if diff.op == REPLACE else "addition"


def proposal_for(diff: Difference, kind: str | None = None) -> Proposal:
    """What to propose for ``diff`` as ``kind`` (default: :func:`default_kind`).

    A variant of a replacement sits on B's reading with A's as its counterpart; any other
    proposal sits on the words of the witness that has them (B's for a replacement).  A
    variant of one-sided words has a point counterpart where the other witness lacks them.
    """
    kind = kind or default_kind(diff)
    if kind not in PROPOSAL_KINDS:
        raise ValueError(f"a difference cannot be proposed as {kind!r}")
    holder = diff.one_sided_witness or diff.b
    other = diff.a if holder == diff.b else diff.b
    start, end = diff.side(holder)
    counterpart = Span(other, *diff.side(other)) if kind == "variant" else None
    return Proposal(diff, kind, holder, start, end, counterpart)


def rejected_twin(edition: Edition, proposal: Proposal) -> Annotation | None:
    """A rejected annotation identical in place and kind to ``proposal``: proposing it
    again would only repeat a claim a reviewer turned down."""
    for ann in edition.annotations.values():
        if ann.status == "rejected" and ann.kind == proposal.kind and \
                (ann.witness, ann.start, ann.end) == (proposal.witness, proposal.start,
                                                      proposal.end):
            return ann
    return None


def describe(edition: Edition, proposal: Proposal) -> str:
    """``addition in Handwritten`` (for lists and messages)."""
    witness = edition.witnesses.get(proposal.witness)
    return f"{proposal.kind} in {witness.label if witness else proposal.witness}"


def propose(edition: Edition, proposals: list[Proposal], who: str = "",
            description: str = "") -> ops.Change:
    """Add each proposal as a ``proposed`` annotation, all as one change (one undo step).

    The history of each says where it came from.  Proposals with a rejected twin (see
    :func:`rejected_twin`) are skipped; the caller can find them with that function.
    """
    changes = []
    for proposal in proposals:
        if rejected_twin(edition, proposal) is not None:
            continue
        diff = proposal.difference
        change = ops.add_annotation(edition, proposal.witness, proposal.start, proposal.end,
                                    proposal.kind, who=who, counterpart=proposal.counterpart)
        aid = next(iter(change.after))
        ann = edition.annotations[aid]
        ann.history[-1].comment = (f"proposed from the difference {diff.id} between "
                                   f"{diff.a} and {diff.b}")
        change.after[aid] = ann.copy()
        changes.append(change)
    if not changes:
        return ops.Change()
    if description == "":
        description = "Propose an annotation" if len(changes) == 1 else \
            f"Propose {len(changes)} annotations"
    return ops.combine(changes, description)


def set_explained(edition: Edition, ids: list[str], explained: bool = True) -> ops.Change:
    """Mark differences as explained (or no longer), as one undoable header change; the
    list is saved in the file (``editorialDecl/p[@n='explained-differences']``)."""
    def apply(e: Edition) -> None:
        if explained:
            e.explained.extend(i for i in dict.fromkeys(ids) if i not in e.explained)
        else:
            e.explained[:] = [i for i in e.explained if i not in set(ids)]
    label = "Mark as explained" if explained else "Mark as not explained"
    return ops.update_header(edition, apply, label if len(ids) == 1 else
                             f"{label}: {len(ids)} differences")
