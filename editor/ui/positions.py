"""Model code points <-> Qt positions: the one place where they are converted.

The model counts code points over a text whose paragraphs are separated by ``\\n\\n``.
A ``QTextDocument`` counts UTF-16 code units, and turns every ``\\n`` into a block
separator (U+2029) that also counts one unit.  So the two differ only by characters
outside the Basic Multilingual Plane (two UTF-16 units, one code point).  A
:class:`PositionMap` keeps the code-point offsets of those characters, sorted, and
updates them incrementally on every edit.
"""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def astral_offsets(text: str) -> list[int]:
    return [m.start() for m in _ASTRAL.finditer(text)]


def qt_text_to_model(text: str) -> str:
    """Text taken from Qt (selections use U+2029 between blocks) as model text."""
    return text.replace("\u2029", "\n").replace("\u2028", "\n").replace("\r\n", "\n") \
        .replace("\r", "\n")


class PositionMap:
    """Converts between code points (model) and UTF-16 units (Qt) for one text."""

    __slots__ = ("astral",)

    def __init__(self, text: str = ""):
        self.astral: list[int] = astral_offsets(text)

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code-point position ``cp``."""
        if not self.astral:
            return cp
        return cp + bisect.bisect_left(self.astral, cp)

    def to_model(self, u16: int) -> int:
        """Code-point position of UTF-16 position ``u16`` (inside a surrogate pair it
        rounds down to the character's start)."""
        if not self.astral:
            return u16
        lo, hi = 0, len(self.astral)
        # the number k of astral characters whose UTF-16 start lies before u16
        while lo < hi:
            mid = (lo + hi) // 2
            if self.astral[mid] + mid < u16:
                lo = mid + 1
            else:
                hi = mid
        k = lo
        cp = u16 - k
        if k and self.astral[k - 1] + (k - 1) + 1 == u16:   # between the two halves of a pair
            cp = self.astral[k - 1]
        return cp

    def replace(self, start: int, end: int, new_text: str) -> None:
        """Update after ``[start, end)`` (code points) was replaced by ``new_text``."""
        if not self.astral and not _ASTRAL.search(new_text):
            return
        lo = bisect.bisect_left(self.astral, start)
        hi = bisect.bisect_left(self.astral, end)
        delta = len(new_text) - (end - start)
        inserted = [start + off for off in astral_offsets(new_text)]
        tail = [p + delta for p in self.astral[hi:]]
        self.astral[lo:] = inserted + tail
