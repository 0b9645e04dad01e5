"""Position maps: where a position goes when a witness text is edited.

In the spirit of ProseMirror's ``StepMap``/``Mapping``.  An edit is a list of replaced
ranges ``(start, old_size, new_size)`` in the coordinates of the text *before* the edit,
sorted and not overlapping; two ranges that touch (one ends where the next starts) are one
replacement and are merged.  Positions are code-point offsets (half-open ranges
``[start, end)`` over the witness text, see :mod:`editor.model.text`).

Bias (``assoc`` in ProseMirror; CodeMirror's default is the opposite) says on which side a
position falls when text is *inserted exactly at it*:

* ``bias = -1``: the position stays before the inserted text;
* ``bias = +1`` (or 0): the position moves after the inserted text.

For a replacement of a non-empty range, a position at the range's start always stays at
the start and a position at its end always goes to the end of the new text, whatever the
bias; a position strictly inside the replaced range goes to the start (``bias < 0``) or
to the end (``bias >= 0``) of the new text and is reported as *deleted*.

A position that is not deleted maps back exactly through :meth:`StepMap.invert` with the
same bias, so undo restores it; a deleted one cannot be recovered from the map (undo
restores annotations from snapshots instead).

The second half of the module shifts the positions an edition holds (annotation ranges
and variant counterparts) that lie *after* an edit: the cheap part of mapping,
which :func:`editor.model.operations.edit_text` does without taking snapshots, and which
undo and redo repeat through :func:`shift_positions`.
"""

from __future__ import annotations

import bisect
import copy
from dataclasses import dataclass, field
from typing import Iterable, Sequence


@dataclass(frozen=True)
class MapResult:
    pos: int
    deleted: bool      # the position lay strictly inside a replaced range
    #: ``(range index, offset from the range's start)`` when the position lay in or at the
    #: edge of a replaced range: what the inverse map needs to put it back exactly
    recover: tuple[int, int] | None = field(default=None, compare=False)


class StepMap:
    """The replaced ranges of one edit (see the module documentation for the bias)."""

    __slots__ = ("ranges", "_starts", "_diffs")

    def __init__(self, ranges: Iterable[tuple[int, int, int]] = ()):
        cleaned: list[list[int]] = []
        last_end = -1
        for start, old_size, new_size in ranges:
            if start < 0 or old_size < 0 or new_size < 0:
                raise ValueError("a replaced range has a negative start or size")
            if start < last_end:
                raise ValueError("replaced ranges must be sorted and must not overlap")
            if old_size == 0 and new_size == 0:
                continue
            if cleaned and start == last_end:
                # touching ranges are one replacement: otherwise a position between them
                # would see only the first and ignore an insertion made by the second
                cleaned[-1][1] += old_size
                cleaned[-1][2] += new_size
            else:
                cleaned.append([start, old_size, new_size])
            last_end = start + old_size
        self.ranges: tuple[tuple[int, int, int], ...] = tuple(tuple(r) for r in cleaned)
        # for a binary search: the start of each range, and the shift before it
        self._starts = [r[0] for r in self.ranges]
        diffs, diff = [], 0
        for _, old_size, new_size in self.ranges:
            diffs.append(diff)
            diff += new_size - old_size
        diffs.append(diff)
        self._diffs = diffs

    @classmethod
    def replace(cls, start: int, end: int, new_size: int) -> "StepMap":
        """The map of replacing ``[start, end)`` by ``new_size`` code points."""
        return cls(((start, end - start, new_size),))

    @property
    def empty(self) -> bool:
        return not self.ranges

    def map_result(self, pos: int, bias: int = 1) -> MapResult:
        """Map ``pos`` (old coordinates, code points) through this edit.

        ``bias`` -1 keeps a position before text inserted exactly at it, +1 puts it after;
        see the module documentation.  Costs O(log n) in the number of ranges.
        """
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return MapResult(pos, False)
        start, old_size, new_size = self.ranges[i]
        end = start + old_size
        if pos > end:
            return MapResult(pos + self._diffs[i + 1], False)
        if old_size == 0:
            side = bias
        elif pos == start:
            side = -1
        elif pos == end:
            side = 1
        else:
            side = bias
        mapped = start + self._diffs[i] + (0 if side < 0 else new_size)
        return MapResult(mapped, start < pos < end, (i, pos - start))

    def map(self, pos: int, bias: int = 1) -> int:
        """Where ``pos`` goes (see :meth:`map_result`)."""
        return self.map_result(pos, bias).pos

    def recover(self, value: tuple[int, int]) -> int:
        """The position, in this map's output coordinates, at ``offset`` from the start of
        range ``index``: for a map that is the inverse of the one that produced ``value``
        (a :attr:`MapResult.recover`), the position that map was given, even if deleted."""
        index, offset = value
        return self.ranges[index][0] + self._diffs[index] + offset

    def invert(self) -> "StepMap":
        """The map that undoes this edit (new coordinates back to old ones)."""
        return StepMap((start + self._diffs[i], new_size, old_size)
                       for i, (start, old_size, new_size) in enumerate(self.ranges))

    def touches(self, start: int, end: int) -> bool:
        """True when the edit replaces anything in or at the edges of ``[start, end]``."""
        i = bisect.bisect_right(self._starts, end) - 1
        return i >= 0 and self.ranges[i][0] + self.ranges[i][1] >= start

    def changes_inside(self, start: int, end: int) -> bool:
        """True when the edit changes the characters of ``[start, end)``: it replaces one
        of them, or inserts text strictly inside the range (an insertion at either edge
        does not count: marks do not grow at their edges)."""
        if start >= end:
            return False
        i = bisect.bisect_left(self._starts, end) - 1   # ranges starting before ``end``
        while i >= 0:
            s, old_size, _ = self.ranges[i]
            if s + old_size < start or (old_size == 0 and s <= start):
                return False
            if old_size == 0 or s + old_size > start:
                return True
            i -= 1
        return False

    @property
    def delta(self) -> int:
        """How much longer the text is after the edit (code points; may be negative)."""
        return self._diffs[-1]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StepMap) and other.ranges == self.ranges

    def __hash__(self) -> int:
        return hash(self.ranges)

    def __repr__(self) -> str:
        return f"StepMap({list(self.ranges)!r})"


class Mapping:
    """A pipeline of step maps, applied in order (the composition of several edits).

    ``mirror`` pairs the indices of steps that undo each other (as ProseMirror's
    ``Mapping`` does).  When a position falls in a replaced range of a step whose mirror
    comes later in the pipeline, mapping jumps straight to that mirror and puts the
    position back where it was, so mapping through edits and then through their inverses
    (:meth:`with_inverse`) restores every position, even one the edits deleted.
    """

    __slots__ = ("maps", "mirror")

    def __init__(self, maps: Sequence[StepMap] = (), mirror: dict[int, int] | None = None):
        self.maps: list[StepMap] = list(maps)
        self.mirror: dict[int, int] = dict(mirror or {})

    def append(self, step: StepMap, mirrors: int | None = None) -> None:
        """Add ``step``; ``mirrors`` is the index of an earlier step it undoes."""
        if mirrors is not None:
            self.mirror[len(self.maps)] = mirrors
            self.mirror[mirrors] = len(self.maps)
        self.maps.append(step)

    def map_result(self, pos: int, bias: int = 1) -> MapResult:
        """Map ``pos`` through every step with the same ``bias`` (see the module doc);
        ``deleted`` when a step deleted it and no mirror put it back."""
        deleted = False
        i, count = 0, len(self.maps)
        while i < count:
            result = self.maps[i].map_result(pos, bias)
            if result.recover is not None:
                partner = self.mirror.get(i)
                if partner is not None and partner > i:
                    pos = self.maps[partner].recover(result.recover)
                    i = partner + 1
                    continue
            pos = result.pos
            deleted = deleted or result.deleted
            i += 1
        return MapResult(pos, deleted)

    def map(self, pos: int, bias: int = 1) -> int:
        return self.map_result(pos, bias).pos

    def invert(self) -> "Mapping":
        """The mapping that undoes this one: inverted steps in reverse order."""
        last = len(self.maps) - 1
        return Mapping([m.invert() for m in reversed(self.maps)],
                       {last - a: last - b for a, b in self.mirror.items()})

    def compose(self, other: "Mapping") -> "Mapping":
        """This mapping followed by ``other``."""
        shift = len(self.maps)
        mirror = dict(self.mirror)
        mirror.update({a + shift: b + shift for a, b in other.mirror.items()})
        return Mapping(self.maps + other.maps, mirror)

    def with_inverse(self) -> "Mapping":
        """This mapping followed by its inverse, each step mirrored with its inverse: maps
        every position back to itself (what undo needs)."""
        total = self.compose(self.invert())
        count = len(total.maps)
        for i in range(len(self.maps)):
            total.mirror[i] = count - 1 - i
            total.mirror[count - 1 - i] = i
        return total


# ======================================================================================
# shifting the positions an edition holds
#
# Typing in a long witness must not copy every annotation after the cursor: those are only
# shifted, in place.  The rule that keeps undo exact without snapshots: applying a text
# edit (forwards by ``edit_text`` or ``redo``, backwards by ``undo``) shifts every
# annotation and counterpart position *strictly after* the replaced range by the length
# difference.  Annotations meeting the replaced range are mapped with their kind's biases
# and snapshotted in the change, so undo puts them back from the snapshot.


def shift_positions(edition, witness: str, start: int, old_size: int, new_size: int) -> None:
    """Shift the positions of ``witness`` after a replacement of ``old_size`` code points
    at ``start`` by ``new_size`` ones: called by undo and redo for each text edit.

    Every annotation and variant-counterpart position ``> start + old_size`` moves by
    ``new_size - old_size``; those meeting the replaced range are restored from the
    change's snapshots afterwards.  Zones and page starts are not shifted here: text edits
    record every one they move (``Change.zones_before``/``zones_after``).
    """
    after = start + old_size
    delta = new_size - old_size
    if not delta:
        return
    for ann in edition.annotations.values():
        if ann.witness == witness:
            if ann.start > after:
                ann.start += delta
            if ann.end > after:
                ann.end += delta
        cp = ann.counterpart
        if cp is not None and cp.witness == witness:
            if cp.start > after:
                cp.start += delta
            if cp.end > after:
                cp.end += delta


def rebase_snapshot(snapshot, text_edits, undo: bool = False):
    """A copy of the annotation ``snapshot`` with the positions shifted as applying
    ``text_edits`` (objects with ``witness``, ``start``, ``old``, ``new``) would shift
    them; with ``undo``, as undoing them (last edit first) would.

    Used when two changes merge into one undo step: a snapshot taken between them must be
    expressed in the coordinates before the first (``undo=True``) or after the second.
    Returns ``snapshot`` itself (possibly ``None``) when nothing moves.
    """
    if snapshot is None or not text_edits:
        return snapshot
    result = snapshot
    for edit in (reversed(text_edits) if undo else text_edits):
        replaced, inserted = (edit.new, edit.old) if undo else (edit.old, edit.new)
        after = edit.start + len(replaced)
        delta = len(inserted) - len(replaced)
        if delta == 0:
            continue
        cp = result.counterpart
        own = result.witness == edit.witness and result.end > after
        other = cp is not None and cp.witness == edit.witness and cp.end > after
        if not (own or other):
            continue
        if result is snapshot:
            result = copy.deepcopy(snapshot)
            cp = result.counterpart
        if own:
            if result.start > after:
                result.start += delta
            result.end += delta
        if other:
            if cp.start > after:
                cp.start += delta
            cp.end += delta
    return result
