"""Standoff annotations: a claim about a range of one witness's text."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timezone

STATUSES = ("proposed", "accepted", "rejected", "queried", "orphaned")
CERTAINTIES = ("high", "medium", "low", "unknown")

#: what a history entry records
ACTIONS = ("created", "modified", "reviewed", "orphaned", "reanchored", "imported", "merged")


def now_iso() -> str:
    """The current time in UTC, ISO 8601 to the second (``2026-11-27T10:00:00Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ReviewEvent:
    """One entry in an annotation's history: who did what, when, and why."""

    status: str           # the status after this event
    who: str = ""         # a person id (without ``#``), or "" when unknown
    when: str = ""        # ISO 8601
    action: str = "reviewed"
    comment: str = ""


@dataclass
class Span:
    """A range in some witness: the other side of a ``variant``."""

    witness: str
    start: int
    end: int


@dataclass
class Anchoring:
    """How re-anchoring left an annotation that no longer sat exactly on its words.

    ``state`` is ``"fuzzy"`` (placed on the best match, below exact) or ``"orphaned"``
    (no acceptable match: the range is collapsed to its last known position).
    ``quote`` is the text the annotation covered before, kept so that nothing is lost.
    """

    state: str
    quote: str
    old_start: int
    old_end: int
    score: float = 0.0


@dataclass
class Annotation:
    """A standoff mark over ``[start, end)`` (code points) of one witness's text."""

    id: str
    witness: str
    start: int
    end: int
    kind: str
    attrs: dict[str, str] = field(default_factory=dict)
    note: str = ""                # note text (notes), or a comment on any mark
    resp: str = ""                # person id of who made the annotation
    cert: str = ""                # certainty of the claim: high, medium, low, unknown
    status: str = "proposed"
    history: list[ReviewEvent] = field(default_factory=list)
    counterpart: Span | None = None   # variants: the corresponding place in another witness
    anchoring: Anchoring | None = None

    @property
    def is_point(self) -> bool:
        return self.start == self.end

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def created(self) -> str:
        """When the annotation was made: its first history entry (ISO 8601)."""
        return self.history[0].when if self.history else ""

    @property
    def modified(self) -> str:
        """When it last changed: its last history entry (ISO 8601)."""
        return self.history[-1].when if self.history else ""

    @property
    def author(self) -> str:
        """Who made it: ``resp``, else whoever the first history entry names."""
        if self.resp:
            return self.resp
        return self.history[0].who if self.history else ""

    def copy(self) -> "Annotation":
        """An independent copy (a snapshot for undo); much cheaper than ``deepcopy``."""
        return Annotation(self.id, self.witness, self.start, self.end, self.kind,
                          dict(self.attrs), self.note, self.resp, self.cert, self.status,
                          [copy.copy(e) for e in self.history], copy.copy(self.counterpart),
                          copy.copy(self.anchoring))

    def restore_from(self, snapshot: "Annotation") -> None:
        """Become ``snapshot`` again, in place (views holding this object stay valid)."""
        other = snapshot.copy()
        self.witness, self.start, self.end, self.kind = (other.witness, other.start, other.end,
                                                         other.kind)
        self.attrs, self.note, self.resp, self.cert = other.attrs, other.note, other.resp, \
            other.cert
        self.status, self.history = other.status, other.history
        self.counterpart, self.anchoring = other.counterpart, other.anchoring

    def record(self, action: str, who: str = "", comment: str = "", when: str | None = None) -> None:
        """Append a history entry (with the current status) to the annotation."""
        self.history.append(ReviewEvent(self.status, who, when or now_iso(), action, comment))

    @property
    def reviewers(self) -> list[str]:
        return [e.who for e in self.history if e.action == "reviewed" and e.who]

    def sort_key(self) -> tuple:
        return (self.witness, self.start, -self.end, self.id)
