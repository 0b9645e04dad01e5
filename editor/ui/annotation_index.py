"""Fast look-up of the annotations overlapping a range of one witness.

Annotations are kept sorted by start.  Edits of the text shift positions monotonically
(see :mod:`editor.model.mapping`), so the order survives every keystroke and the index is
rebuilt only when annotations are created, deleted or moved by hand.  Long annotations
(several paragraphs) live in a short separate list scanned in full.
"""

from __future__ import annotations

import bisect
from typing import Iterable

from editor.model.annotation import Annotation

LONG = 4000   # code points


def _start(annotation: Annotation) -> int:
    return annotation.start


class WitnessIndex:
    def __init__(self, witness: str, annotations: Iterable[Annotation] = ()):
        self.witness = witness
        self.rebuild(annotations)

    def rebuild(self, annotations: Iterable[Annotation]) -> None:
        short, long_ = [], []
        for ann in annotations:
            if ann.witness != self.witness:
                continue
            (long_ if ann.end - ann.start > LONG else short).append(ann)
        short.sort(key=_start)
        self.short = short
        self.long = long_
        self.max_len = max((a.end - a.start for a in short), default=0)

    def update(self, ids, annotations: dict[str, Annotation]) -> None:
        """Take in the annotations ``ids`` whose existence or place changed other than by
        a shift (``annotations`` is the edition's live dictionary)."""
        ids = set(ids)
        if len(ids) > 64:
            self.rebuild(annotations.values())
            return
        self.short = [a for a in self.short if a.id not in ids]
        self.long = [a for a in self.long if a.id not in ids]
        for aid in ids:
            ann = annotations.get(aid)
            if ann is None or ann.witness != self.witness:
                continue
            if ann.end - ann.start > LONG:
                self.long.append(ann)
            else:
                bisect.insort(self.short, ann, key=_start)
                self.max_len = max(self.max_len, ann.end - ann.start)

    def note_lengths(self, annotations: Iterable[Annotation]) -> None:
        """Take into account annotations an edit made longer."""
        for ann in annotations:
            if ann.witness == self.witness and ann.end - ann.start > self.max_len:
                self.max_len = ann.end - ann.start

    def overlapping(self, start: int, end: int) -> list[Annotation]:
        """Annotations with ``a.start < end and a.end > start``, and points in
        ``[start, end]`` (zero-length annotations at either edge count)."""
        lo = bisect.bisect_left(self.short, start - self.max_len, key=_start)
        hi = bisect.bisect_right(self.short, end, key=_start)
        found = [a for a in self.short[lo:hi]
                 if (a.start < end and a.end > start) or (a.start == a.end and start <= a.start <= end)]
        found.extend(a for a in self.long if a.start < end and a.end > start)
        return found

    def __len__(self) -> int:
        return len(self.short) + len(self.long)
