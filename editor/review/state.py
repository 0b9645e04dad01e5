"""Where the review of an edition stands, and who may decide what.

Statuses (see :data:`editor.model.annotation.STATUSES`):

* ``proposed`` and ``orphaned`` are **open**: no reviewer has looked at the annotation
  since it was made or last changed (an orphan lost its words and waits for someone to
  place it again).  "Next unreviewed" in review mode walks through these.
* ``accepted`` and ``rejected`` are **decided**.
* ``queried`` has been looked at and needs discussion: it counts as reviewed in the
  progress (a reviewer has been there) but is listed as an open query in the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from editor.model.annotation import Annotation
from editor.model.edition import Edition

#: statuses still waiting for a reviewer
OPEN_STATUSES = frozenset({"proposed", "orphaned"})
#: statuses of a decision
DECIDED_STATUSES = frozenset({"accepted", "rejected"})


def is_unreviewed(annotation: Annotation) -> bool:
    return annotation.status in OPEN_STATUSES


@dataclass
class Progress:
    """How far the review of a set of annotations has come."""

    total: int = 0
    reviewed: int = 0                       # accepted + rejected + queried
    by_status: Counter = field(default_factory=Counter)

    @property
    def remaining(self) -> int:
        return self.total - self.reviewed

    @property
    def fraction(self) -> float:
        return self.reviewed / self.total if self.total else 1.0

    def summary(self) -> str:
        """``12 of 19 reviewed (8 accepted, 2 rejected, 2 queried), 7 to go``."""
        detail = ", ".join(f"{self.by_status[s]} {s}" for s in ("accepted", "rejected", "queried")
                           if self.by_status[s])
        text = f"{self.reviewed} of {self.total} reviewed"
        if detail:
            text += f" ({detail})"
        if self.remaining:
            text += f", {self.remaining} to go"
        return text


def progress(annotations) -> Progress:
    """The progress over ``annotations`` (an iterable of :class:`Annotation`)."""
    counts = Counter(a.status for a in annotations)
    total = sum(counts.values())
    open_count = sum(counts[s] for s in OPEN_STATUSES)
    return Progress(total, total - open_count, counts)


def acceptance_refusal(annotation: Annotation, who: str, forbid_own: bool = True) -> str:
    """Why ``who`` (a person id) may not accept ``annotation``, or ``""`` when they may.

    With ``forbid_own`` (the default, and the window's default setting) the author of an
    annotation cannot accept it: an edition is publishable when someone other than the
    author has checked each claim.  A one-person project turns the rule off.  An orphaned
    annotation cannot be accepted by anyone (it has no words).
    """
    if annotation.anchoring is not None and annotation.anchoring.state == "orphaned":
        return "it lost its words (orphaned): place it on its words again first"
    if forbid_own and who and annotation.author == who:
        return "you made this annotation yourself; someone else should accept it"
    return ""


def step_through(order: list[str], current: str | None, step: int, wanted) -> str | None:
    """The next (``step`` = +1) or previous (-1) id of ``order`` after ``current`` for
    which ``wanted(id)`` holds, or None.  When ``current`` is not in ``order`` (or None),
    the walk starts before the first (forward) or after the last (backward) id.  The
    walk does not wrap round: at the end, there is no next."""
    if current in order:
        index = order.index(current) + step
    else:
        index = 0 if step > 0 else len(order) - 1
    while 0 <= index < len(order):
        if wanted(order[index]):
            return order[index]
        index += step
    return None


def document_order(edition: Edition) -> list[str]:
    """Annotation ids in reading order: witness by witness, then by position."""
    return [a.id for a in edition.sorted_annotations()]
