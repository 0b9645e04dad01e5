"""What re-anchoring did to each annotation, for the command line, the window and review."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from editor.model.operations import Change

#: every outcome, from best to worst
OUTCOMES = ("exact", "moved", "fuzzy", "orphaned")

#: what was re-anchored: an annotation's own range, a variant's counterpart in the replaced
#: witness, or a facsimile zone linked to text
TARGETS = ("annotation", "counterpart", "zone")


@dataclass
class AnchorResult:
    """Where one range went.  Ranges are half-open ``[start, end)`` in code points: the old
    one in the old text, the new one in the new text."""

    id: str                  # annotation or zone id
    target: str              # one of TARGETS
    kind: str                # the annotation's kind, or "zone"
    outcome: str             # one of OUTCOMES
    old_start: int
    old_end: int
    new_start: int
    new_end: int
    quote: str               # the words it covered before
    new_quote: str           # the words it covers now ("" when orphaned)
    score: float             # 1.0 for exact; see editor.anchor.search for the others
    note: str = ""           # why, when it is not obvious ("2 other places as good")
    #: context for review: the old text around the old range, the new around the new
    old_before: str = ""
    old_after: str = ""
    new_before: str = ""
    new_after: str = ""

    @property
    def needs_review(self) -> bool:
        return self.outcome in ("fuzzy", "orphaned")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["score"] = round(self.score, 4)
        return data


@dataclass
class ReanchorReport:
    """Every annotation (and counterpart and zone) of a witness whose text was replaced,
    with its outcome; ``change`` undoes and redoes the whole replacement in one step."""

    witness: str
    old_length: int          # code points
    new_length: int
    differences: int         # replaced ranges found by the diff
    results: list[AnchorResult] = field(default_factory=list)
    change: Change = field(default_factory=Change, repr=False, compare=False)

    def counts(self, target: str | None = None) -> dict[str, int]:
        """Results per outcome (all targets, or one), every outcome listed."""
        counter = Counter(r.outcome for r in self.results
                          if target is None or r.target == target)
        return {outcome: counter.get(outcome, 0) for outcome in OUTCOMES}

    def for_review(self) -> list[AnchorResult]:
        """The fuzzy and orphaned results, which a person must look at."""
        return [r for r in self.results if r.needs_review]

    def summary(self) -> str:
        """One line: ``typed: 12 annotations: 9 exact, 1 moved, 1 fuzzy, 1 orphaned``."""
        parts = []
        for target, noun in (("annotation", "annotation"), ("counterpart", "counterpart"),
                             ("zone", "zone")):
            counts = self.counts(target)
            total = sum(counts.values())
            if total or target == "annotation":
                detail = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
                parts.append(f"{total} {noun}{'' if total == 1 else 's'}: {detail}")
        return f"{self.witness}: " + "; ".join(parts)

    def to_dict(self) -> dict:
        return {
            "witness": self.witness,
            "old_length": self.old_length,
            "new_length": self.new_length,
            "differences": self.differences,
            "counts": self.counts(),
            "results": [r.to_dict() for r in self.results],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
