"""Checks of an edition's consistency, reported as data (never raised)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from editor.model.annotation import CERTAINTIES, STATUSES
from editor.model.edition import Edition, is_ncname
from editor.model.kinds import KINDS, KNOWN_ATTRIBUTES, spec


@dataclass(frozen=True)
class Problem:
    severity: str          # "error" or "warning"
    code: str              # a stable identifier, e.g. "range-outside-text"
    message: str           # a sentence a person understands
    where: str = ""        # annotation, witness or hand id

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.severity}: {where}{self.message}"


def validate_edition(edition: Edition) -> list[Problem]:
    """Every problem found in ``edition``; an empty list means it is consistent."""
    problems: list[Problem] = []
    add = problems.append

    all_ids = Counter()
    all_ids.update(list(edition.witnesses))
    all_ids.update(list(edition.annotations))
    all_ids.update(list(edition.hands))
    all_ids.update(list(edition.people))
    for surface in edition.surfaces:
        all_ids[surface.id] += 1
        all_ids.update(z.id for z in surface.zones)
    for ident, count in sorted(all_ids.items()):
        if count > 1:
            add(Problem("error", "duplicate-id", f"the id {ident!r} is used {count} times", ident))
        if not is_ncname(ident):
            add(Problem("error", "bad-id", f"{ident!r} cannot be an XML identifier", ident))

    if not edition.witnesses:
        add(Problem("warning", "no-witness", "the edition has no witness"))

    for ann in edition.sorted_annotations():
        where = ann.id
        witness = edition.witnesses.get(ann.witness)
        if witness is None:
            add(Problem("error", "unknown-witness",
                        f"points into witness {ann.witness!r}, which the edition does not have", where))
            continue
        length = len(witness.text)
        if not (0 <= ann.start <= ann.end <= length):
            add(Problem("error", "range-outside-text",
                        f"range [{ann.start}, {ann.end}) lies outside the {length} characters of "
                        f"witness {ann.witness!r}", where))
        if ann.kind not in KINDS:
            add(Problem("error", "unknown-kind", f"unknown kind {ann.kind!r}", where))
        elif ann.start == ann.end and not spec(ann.kind).point_ok and ann.status != "orphaned":
            add(Problem("warning", "empty-mark",
                        f"a {ann.kind} that covers no text", where))
        if ann.status not in STATUSES:
            add(Problem("error", "unknown-status", f"unknown review status {ann.status!r}", where))
        if ann.cert and ann.cert not in CERTAINTIES:
            try:
                value = float(ann.cert)
                if not 0.0 <= value <= 1.0:
                    raise ValueError
            except ValueError:
                add(Problem("warning", "bad-cert", f"certainty {ann.cert!r} is not high, medium, "
                            "low, unknown or a probability", where))
        for name in ann.attrs:
            if name not in KNOWN_ATTRIBUTES:
                add(Problem("warning", "unknown-attribute", f"unknown attribute {name!r}", where))
        quantity = ann.attrs.get("quantity")
        if quantity:
            try:
                float(quantity)
            except ValueError:
                add(Problem("warning", "bad-quantity",
                            f"quantity {quantity!r} is not a number; it cannot be saved", where))
        hand = ann.attrs.get("hand")
        if hand and hand not in edition.hands:
            add(Problem("warning", "unknown-hand", f"hand {hand!r} is not declared", where))
        if ann.resp and ann.resp not in edition.people:
            add(Problem("warning", "unknown-person", f"person {ann.resp!r} is not declared", where))
        if "split" in ann.attrs:
            try:
                split = int(ann.attrs["split"])
                # an orphan's split refers to its last words, kept in its anchoring record
                orphaned = ann.anchoring is not None and ann.anchoring.state == "orphaned"
                length = len(ann.anchoring.quote) if orphaned else ann.end - ann.start
                if not 0 <= split <= length:
                    raise ValueError
            except ValueError:
                add(Problem("error", "bad-split",
                            f"substitution split {ann.attrs['split']!r} is not inside the mark", where))
        cp = ann.counterpart
        if cp is not None:
            other = edition.witnesses.get(cp.witness)
            if other is None:
                add(Problem("error", "unknown-witness",
                            f"its counterpart is in witness {cp.witness!r}, which does not exist", where))
            elif not 0 <= cp.start <= cp.end <= len(other.text):
                add(Problem("error", "range-outside-text",
                            f"its counterpart [{cp.start}, {cp.end}) lies outside witness "
                            f"{cp.witness!r}", where))
        if ann.anchoring is not None:
            state = ann.anchoring.state
            if state == "orphaned":
                add(Problem("warning", "orphaned",
                            f"orphaned: its words {ann.anchoring.quote!r} are no longer in the text",
                            where))
            elif state == "fuzzy":
                add(Problem("warning", "fuzzy",
                            f"re-anchored by a fuzzy match (score {ann.anchoring.score:.2f}); "
                            "check its place", where))
    for surface in edition.surfaces:
        if surface.witness not in edition.witnesses:
            add(Problem("error", "unknown-witness",
                        f"page image {surface.path!r} belongs to missing witness "
                        f"{surface.witness!r}", surface.id))
        for zone in surface.zones:
            if zone.annotation and zone.annotation not in edition.annotations:
                add(Problem("warning", "dangling-zone",
                            f"region is linked to missing annotation {zone.annotation!r}", zone.id))
    return problems
