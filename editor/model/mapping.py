"""Position maps: where a position goes when a witness text is edited.

In the spirit of ProseMirror's ``StepMap``/``Mapping``.  An edit is a list of replaced
ranges ``(start, old_size, new_size)`` in the coordinates of the text *before* the edit,
sorted and not overlapping.  Positions are code-point offsets.

Bias (``assoc`` in ProseMirror) says on which side a position falls when text is
*inserted exactly at it*:

* ``bias = -1``: the position stays before the inserted text;
* ``bias = +1``: the position moves after the inserted text.

For a replacement of a non-empty range, a position at the range's start always stays at
the start and a position at its end always goes to the end of the new text, whatever the
bias; a position strictly inside the replaced range goes to the start (``bias < 0``) or
to the end (``bias > 0``) of the new text and is reported as *deleted*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class MapResult:
    pos: int
    deleted: bool      # the position lay strictly inside a replaced range


class StepMap:
    """The replaced ranges of one edit."""

    __slots__ = ("ranges",)

    def __init__(self, ranges: Iterable[tuple[int, int, int]] = ()):
        cleaned: list[tuple[int, int, int]] = []
        last_end = -1
        for start, old_size, new_size in ranges:
            if start < 0 or old_size < 0 or new_size < 0:
                raise ValueError("a replaced range has a negative start or size")
            if start < last_end:
                raise ValueError("replaced ranges must be sorted and must not overlap")
            if old_size == 0 and new_size == 0:
                continue
            cleaned.append((start, old_size, new_size))
            last_end = start + old_size
        self.ranges: tuple[tuple[int, int, int], ...] = tuple(cleaned)

    @classmethod
    def replace(cls, start: int, end: int, new_size: int) -> "StepMap":
        """The map of replacing ``[start, end)`` by ``new_size`` code points."""
        return cls(((start, end - start, new_size),))

    @property
    def empty(self) -> bool:
        return not self.ranges

    def map_result(self, pos: int, bias: int = 1) -> MapResult:
        """Map ``pos`` (old coordinates) through this edit; see the module doc for ``bias``."""
        diff = 0
        for start, old_size, new_size in self.ranges:
            if start > pos:
                break
            end = start + old_size
            if pos <= end:
                if old_size == 0:
                    side = bias
                elif pos == start:
                    side = -1
                elif pos == end:
                    side = 1
                else:
                    side = bias
                mapped = start + diff + (0 if side < 0 else new_size)
                deleted = start < pos < end
                return MapResult(mapped, deleted)
            diff += new_size - old_size
        return MapResult(pos + diff, False)

    def map(self, pos: int, bias: int = 1) -> int:
        return self.map_result(pos, bias).pos

    def invert(self) -> "StepMap":
        """The map that undoes this edit (new coordinates back to old ones)."""
        out = []
        diff = 0
        for start, old_size, new_size in self.ranges:
            out.append((start + diff, new_size, old_size))
            diff += new_size - old_size
        return StepMap(out)

    def touches(self, start: int, end: int) -> bool:
        """True when the edit replaces anything in or at the edges of ``[start, end]``."""
        return any(s <= end and s + o >= start for s, o, _ in self.ranges)

    @property
    def delta(self) -> int:
        return sum(n - o for _, o, n in self.ranges)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StepMap) and other.ranges == self.ranges

    def __hash__(self) -> int:
        return hash(self.ranges)

    def __repr__(self) -> str:
        return f"StepMap({list(self.ranges)!r})"


class Mapping:
    """A pipeline of step maps, applied in order."""

    __slots__ = ("maps",)

    def __init__(self, maps: Sequence[StepMap] = ()):
        self.maps: list[StepMap] = list(maps)

    def append(self, step: StepMap) -> None:
        self.maps.append(step)

    def map_result(self, pos: int, bias: int = 1) -> MapResult:
        deleted = False
        for step in self.maps:
            result = step.map_result(pos, bias)
            pos = result.pos
            deleted = deleted or result.deleted
        return MapResult(pos, deleted)

    def map(self, pos: int, bias: int = 1) -> int:
        for step in self.maps:
            pos = step.map(pos, bias)
        return pos

    def invert(self) -> "Mapping":
        return Mapping([m.invert() for m in reversed(self.maps)])

    def compose(self, other: "Mapping") -> "Mapping":
        return Mapping(self.maps + other.maps)
