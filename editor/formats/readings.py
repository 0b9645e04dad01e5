"""Reading texts of a witness, and the cutting of a text into properly nested runs.

Three readings of one witness are offered to exporters:

``transcribed``
    the witness text exactly as the model holds it: everything on the page, deleted
    passages included, no marks at all.
``clean``
    a text for reading: deletions (and the deleted part of a substitution) removed,
    additions kept without marks, supplied words in ``[brackets]``, a ``sic`` replaced by
    its correction when one is recorded, an abbreviation by its expansion when one is
    recorded, a gap as ``[…]``; notes, remarks and variants omitted.  Where removing a
    deletion leaves two spaces, or a space before punctuation or a line end, one space
    is taken out, so that the reading stays tidy; no word is ever changed.
``diplomatic``
    the page with its changes shown: ``⟦deleted⟧``, ``⸢added⸣``, a substitution as
    ``⟦old⟧⸢new⸣``, ``[supplied]``, ``word [sic]`` (``word [sic: correction]``),
    ``word[?]`` for unclear words, ``[…]`` for a gap, ``abbr [= expansion]``, and notes and
    remarks as numbered calls ``[^1]`` listed after the text (``[^1]: Translator's note:
    …``), in the manner of Markdown footnotes.

Marks that overlap are written as their positions come (``⟦a ⸢b⟧ c⸣``): plain text has no
nesting to keep.  Rejected annotations are ignored unless asked for; orphaned ones (whose
words are gone) are ignored too, since they no longer sit on any text.

:func:`nested_runs` cuts a paragraph into runs over which the set of marks is constant and
orders the marks so that a writer of nested markup (HTML) can split overlapping marks into
properly nested pieces.  All positions are code points of the witness text, half-open
``[start, end)``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from editor.errors import VariorumError
from editor.model.annotation import Annotation
from editor.model.edition import Edition

READINGS = ("transcribed", "clean", "diplomatic")

#: the marks of the diplomatic reading (documented in docs/exports.md)
DIPLOMATIC = {
    "deletion": ("⟦", "⟧"),
    "addition": ("⸢", "⸣"),
    "supplied": ("[", "]"),
    "gap_point": "[…]",
    "unclear_after": "[?]",
}

_JUNCTION = "\x00"   # never in a witness text: normalise_newlines replaces C0 controls


# ======================================================================================
# choosing the annotations


def is_orphaned(annotation: Annotation) -> bool:
    return (annotation.status == "orphaned"
            or (annotation.anchoring is not None and annotation.anchoring.state == "orphaned"))


def visible_annotations(edition: Edition, witness_id: str,
                        include_rejected: bool = False) -> list[Annotation]:
    """Annotations of ``witness_id`` that a reading shows, in document order.

    Rejected annotations are left out unless ``include_rejected``; orphaned ones always
    (their range no longer holds their words).  Ranges outside the text are clamped to it
    on copies, so the edition itself is untouched.
    """
    witness = edition.witnesses.get(witness_id)
    if witness is None:
        return []
    length = len(witness.text)
    out = []
    for ann in edition.annotations_of(witness_id):
        if ann.status == "rejected" and not include_rejected:
            continue
        if is_orphaned(ann):
            continue
        if not (0 <= ann.start <= ann.end <= length):
            ann = ann.copy()
            ann.start = min(max(ann.start, 0), length)
            ann.end = min(max(ann.end, ann.start), length)
        out.append(ann)
    return out


def choose_witness(edition: Edition, witness_id: str | None) -> str:
    """``witness_id`` when the edition has it, the first witness when it is ``None``."""
    if not edition.witnesses:
        raise VariorumError("the edition has no witness to export")
    if witness_id is None or witness_id == "":
        return next(iter(edition.witnesses))
    if witness_id not in edition.witnesses:
        raise VariorumError(f"the edition has no witness {witness_id!r}; it has "
                            f"{', '.join(edition.witnesses)}")
    return witness_id


def substitution_split(annotation: Annotation) -> int:
    """Code points of a substitution's range that are the deleted part (the rest is added)."""
    try:
        split = int(annotation.attrs.get("split", "0"))
    except ValueError:
        split = 0
    return min(max(split, 0), annotation.length)


# ======================================================================================
# nested runs (for markup)


@dataclass
class Run:
    """``[start, end)`` of the text, covered by ``marks`` (outermost first)."""

    start: int
    end: int
    marks: list[Annotation] = field(default_factory=list)


def mark_order(annotation: Annotation) -> tuple:
    """Outer marks first: earlier start, then longer, then id (a stable tie-break)."""
    return (annotation.start, -annotation.end, annotation.id)


def nested_runs(lo: int, hi: int, spans: list[Annotation], cuts=()) -> list[Run]:
    """Cut ``[lo, hi)`` at every edge of ``spans`` (non-empty marks) and at ``cuts``
    (positions where something is inserted, such as a note call).

    Each run lists the marks covering it, outermost first by :func:`mark_order`.  A writer
    keeps a stack of open elements; for each run it closes what is not a prefix of the
    run's marks and opens the rest, which splits overlapping marks into nested pieces.
    """
    cuts = {lo, hi} | {c for c in cuts if lo < c < hi}
    for ann in spans:
        if ann.end > lo and ann.start < hi:
            cuts.add(max(ann.start, lo))
            cuts.add(min(ann.end, hi))
    edges = sorted(cuts)
    ordered = sorted((a for a in spans if a.end > lo and a.start < hi and a.end > a.start),
                     key=mark_order)
    runs = []
    for start, end in zip(edges, edges[1:]):
        if end <= start:
            continue
        runs.append(Run(start, end, [a for a in ordered if a.start <= start and a.end >= end]))
    return runs


# ======================================================================================
# plain readings


@dataclass
class _Insert:
    pos: int
    order: tuple      # sort key among inserts at the same position
    text: str


@dataclass
class Reading:
    """A reading of one witness: its text and, for the diplomatic one, the notes."""

    text: str
    notes: list[tuple[int, str]] = field(default_factory=list)   # (number, line)

    def render(self) -> str:
        if not self.notes:
            return self.text
        lines = [f"[^{n}]: {line}" for n, line in self.notes]
        return self.text.rstrip("\n") + "\n\n" + "\n".join(lines)


def _note_line(edition: Edition, ann: Annotation) -> str:
    if ann.kind == "remark":
        label = "Remark"
    else:
        note_type = ann.attrs.get("type", "")
        label = f"{note_type.capitalize()}'s note" if note_type else "Note"
    text = " ".join(ann.note.split()) or "(no text)"
    quote = edition.text(ann.witness)[ann.start:ann.end]
    if quote:
        short = " ".join(quote.split())
        if len(short) > 60:
            short = short[:57] + "…"
        return f"{label} on “{short}”: {text}"
    return f"{label}: {text}"


def reading(edition: Edition, witness_id: str, mode: str = "transcribed",
            include_rejected: bool = False) -> Reading:
    """The ``mode`` reading of ``witness_id`` (see the module documentation)."""
    if mode not in READINGS:
        raise VariorumError(f"unknown reading {mode!r}; choose one of {', '.join(READINGS)}")
    text = edition.text(witness_id)
    if mode == "transcribed":
        return Reading(text)
    anns = visible_annotations(edition, witness_id, include_rejected)
    clean = mode == "clean"

    dropped: list[tuple[int, int]] = []         # ranges left out of the reading
    replaced: list[tuple[int, int, str]] = []   # ranges whose words give way to others
    for ann in anns:
        if ann.kind == "deletion" and clean:
            dropped.append((ann.start, ann.end))
        elif ann.kind == "substitution" and clean:
            dropped.append((ann.start, ann.start + substitution_split(ann)))
        elif clean and ann.kind == "sic" and ann.attrs.get("corr"):
            replaced.append((ann.start, ann.end, ann.attrs["corr"]))
        elif clean and ann.kind == "expansion" and ann.attrs.get("expan"):
            replaced.append((ann.start, ann.end, ann.attrs["expan"]))
    gone = _union(dropped + [(s, e) for s, e, _ in replaced])

    gone_starts = [s for s, _ in gone]

    def hidden(ann: Annotation) -> bool:
        """True when the reading leaves out all the words ``ann`` covers (points: when
        they fall strictly inside a left-out passage)."""
        # ``gone`` is sorted and disjoint: only the last range starting at or before
        # the annotation's start can hold it
        i = bisect.bisect_right(gone_starts, ann.start) - 1
        if i < 0:
            return False
        s, e = gone[i]
        if ann.is_point:
            return s < ann.start < e
        return ann.end <= e

    inserts: list[_Insert] = []
    # notes are numbered in the order their calls appear (a call follows its words)
    called = sorted((a for a in anns if not clean and not hidden(a)
                     and (a.kind == "note" or (a.kind == "remark" and a.note))),
                    key=lambda a: (a.end, a.start, a.id))
    numbers = {a.id: n for n, a in enumerate(called, 1)}
    notes = [(numbers[a.id], _note_line(edition, a)) for a in called]

    def wrap(ann: Annotation, opening: str, closing: str, start: int | None = None) -> None:
        s = ann.start if start is None else start
        # closes: inner (later start) first; opens: outer (later end) first
        inserts.append(_Insert(s, (2, -ann.end, ann.id), opening))
        inserts.append(_Insert(ann.end, (0, -s, _rev(ann.id)), closing))

    def point(pos: int, ann: Annotation, value: str) -> None:
        inserts.append(_Insert(pos, (1, ann.start, ann.id), value))

    for start, end, value in replaced:
        inserts.append(_Insert(start, (1, 0, ""), value))
    for ann in anns:
        if hidden(ann):
            continue
        kind = ann.kind
        if kind == "addition" and not clean:
            wrap(ann, *DIPLOMATIC["addition"])
        elif kind == "deletion" and not clean:
            wrap(ann, *DIPLOMATIC["deletion"])
        elif kind == "substitution" and not clean:
            split = ann.start + substitution_split(ann)
            if split > ann.start:
                inserts.append(_Insert(ann.start, (2, -split, ann.id), DIPLOMATIC["deletion"][0]))
                inserts.append(_Insert(split, (0, -ann.start, _rev(ann.id)),
                                       DIPLOMATIC["deletion"][1]))
            if ann.end > split:
                inserts.append(_Insert(split, (2, -ann.end, ann.id + "+"),
                                       DIPLOMATIC["addition"][0]))
                inserts.append(_Insert(ann.end, (0, -split, _rev(ann.id + "+")),
                                       DIPLOMATIC["addition"][1]))
        elif kind == "supplied":
            wrap(ann, *DIPLOMATIC["supplied"])
        elif kind == "gap":
            if ann.is_point:
                point(ann.start, ann, DIPLOMATIC["gap_point"])
            else:
                wrap(ann, "[", "]")
        elif kind == "sic" and not clean:
            corr = ann.attrs.get("corr", "")
            point(ann.end, ann, f" [sic: {corr}]" if corr else " [sic]")
        elif kind == "unclear" and not clean:
            point(ann.end, ann, DIPLOMATIC["unclear_after"])
        elif kind == "expansion" and not clean and ann.attrs.get("expan"):
            point(ann.end, ann, f" [= {ann.attrs['expan']}]")
        elif ann.id in numbers:
            point(ann.end, ann, f"[^{numbers[ann.id]}]")
        # additions (clean), notes and remarks (clean), variants: no mark

    return Reading(_tidy(_assemble(text, gone, inserts)), notes)


def _rev(ident: str) -> tuple:
    """A key that sorts ids in reverse (closings mirror openings at one position)."""
    return tuple(-ord(c) for c in ident) + (1,)


def _union(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(r for r in ranges if r[1] > r[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _assemble(text: str, gone: list[tuple[int, int]], inserts: list[_Insert]) -> str:
    """The text with ``gone`` ranges left out (a junction mark in their place) and the
    inserts placed at their positions."""
    inserts.sort(key=lambda i: (i.pos, i.order))
    cuts = sorted({0, len(text)} | {i.pos for i in inserts} | {p for r in gone for p in r})
    out: list[str] = []
    k = 0
    gone_starts = {s for s, _ in gone}
    g = 0   # index of the first gone range that may still cover a run
    for a, b in zip(cuts, cuts[1:] + [None]):
        while k < len(inserts) and inserts[k].pos == a:
            out.append(inserts[k].text)
            k += 1
        if a in gone_starts:
            out.append(_JUNCTION)
        if b is None:
            break
        while g < len(gone) and gone[g][1] <= a:
            g += 1
        if not (g < len(gone) and gone[g][0] <= a and b <= gone[g][1]):
            out.append(text[a:b])
    return "".join(out)


_AROUND_JUNCTION = re.compile(f"([ \\t]*){_JUNCTION}+([ \\t]*)")
_CLOSING_PUNCT = set(",.;:!?)]»”’…")


def _tidy(out: str) -> str:
    """Take out the space a removed passage leaves behind (see the module doc)."""
    if _JUNCTION not in out:
        return out

    def fix(m: re.Match) -> str:
        spaces = m.group(1) + m.group(2)
        if not spaces:
            return ""
        before = out[m.start() - 1] if m.start() > 0 else "\n"
        after = out[m.end()] if m.end() < len(out) else "\n"
        if before == "\n" or after == "\n" or after in _CLOSING_PUNCT:
            return ""
        return m.group(1) or m.group(2)

    return _AROUND_JUNCTION.sub(fix, out)
