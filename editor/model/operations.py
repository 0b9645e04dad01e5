"""Model operations.

Each operation changes the edition and returns a :class:`Change`: what it touched (so a
view redraws only that) and the snapshots needed to undo and redo it.  The interface
wraps a change in an undo command that calls :func:`undo` and :func:`redo`; all logic
lives here, where it is tested without a window.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from editor.model.annotation import Anchoring, Annotation, STATUSES, Span, now_iso
from editor.model.edition import Edition, Hand, Metadata, Person, Surface, Witness
from editor.model.kinds import KINDS, normalise_attrs, spec
from editor.model.mapping import StepMap, rebase_snapshot, shift_positions


# --------------------------------------------------------------------------------------
# the change record


@dataclass
class TextEdit:
    """``old`` at ``[start, start + len(old))`` of ``witness`` became ``new``."""

    witness: str
    start: int
    old: str
    new: str

    @property
    def step(self) -> StepMap:
        return StepMap.replace(self.start, self.start + len(self.old), len(self.new))


@dataclass
class Header:
    """Everything of an edition but its annotations and the texts of its witnesses (a
    metadata-dialog edit, hands, people, facsimiles; adding or removing a witness)."""

    metadata: Metadata
    hands: dict[str, Hand]
    people: dict[str, Person]
    witnesses: list[Witness]      # copies; texts are immutable strings, so this is cheap
    surfaces: list[Surface]
    explained: list[str]

    @classmethod
    def of(cls, edition: Edition) -> "Header":
        return cls(
            copy.deepcopy(edition.metadata), copy.deepcopy(edition.hands),
            copy.deepcopy(edition.people),
            [copy.copy(w) for w in edition.witnesses.values()],
            copy.deepcopy(edition.surfaces), list(edition.explained),
        )

    def apply_to(self, edition: Edition) -> None:
        """Put the header back.  A witness that still exists keeps its *text* (texts
        belong to the text edits of the changes, which may be combined with this one) and
        its identity; one that had been removed comes back with the text it had."""
        edition.metadata = copy.deepcopy(self.metadata)
        edition.hands = copy.deepcopy(self.hands)
        edition.people = copy.deepcopy(self.people)
        witnesses = {}
        for w in self.witnesses:
            live = edition.witnesses.get(w.id)
            if live is not None:
                live.label, live.kind, live.description = w.label, w.kind, w.description
                witnesses[w.id] = live
            else:
                witnesses[w.id] = copy.copy(w)
        edition.witnesses = witnesses
        edition.surfaces = copy.deepcopy(self.surfaces)
        edition.explained = list(self.explained)


@dataclass
class Change:
    """What one operation changed.

    ``before``/``after`` hold copies of every annotation the operation touched (``None``
    where it did not exist); ``text_edits`` are applied in order; ``header_*`` are set when
    metadata, hands, people, witness labels or facsimiles changed.
    """

    description: str = ""
    text_edits: list[TextEdit] = field(default_factory=list)
    before: dict[str, Annotation | None] = field(default_factory=dict)
    after: dict[str, Annotation | None] = field(default_factory=dict)
    header_before: Header | None = None
    header_after: Header | None = None
    zones_before: dict[str, tuple[int, int]] = field(default_factory=dict)
    zones_after: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.text_edits or self.before or self.after or self.header_before
                    or self.zones_before)

    @property
    def annotation_ids(self) -> set[str]:
        return set(self.before) | set(self.after)

    @property
    def witnesses(self) -> set[str]:
        """Witnesses whose text changed."""
        return {e.witness for e in self.text_edits}

    @property
    def header_changed(self) -> bool:
        return self.header_before is not None

    def merged_with(self, later: "Change") -> "Change":
        """One change doing ``self`` then ``later`` (used to merge typing into one undo step)."""
        # a snapshot taken between the two is rebased across the other's text edits,
        # which shifted the annotation without snapshotting it (see edit_text)
        before = dict(self.before)
        for key, value in later.before.items():
            if key not in before:
                before[key] = rebase_snapshot(value, self.text_edits, undo=True)
        after = {key: rebase_snapshot(value, later.text_edits)
                 for key, value in self.after.items()}
        after.update(later.after)
        zones_before = dict(self.zones_before)
        for key, value in later.zones_before.items():
            zones_before.setdefault(key, value)
        zones_after = dict(self.zones_after)
        zones_after.update(later.zones_after)
        return Change(
            self.description or later.description,
            self.text_edits + later.text_edits,
            before, after,
            self.header_before or later.header_before,
            later.header_after or self.header_after,
            zones_before, zones_after,
        )


def _restore(edition: Edition, snapshots: dict[str, Annotation | None]) -> None:
    for aid, snap in snapshots.items():
        if snap is None:
            edition.annotations.pop(aid, None)
            continue
        current = edition.annotations.get(aid)
        if current is None:
            edition.annotations[aid] = snap.copy()
        else:   # in place, so that views holding the object stay valid
            current.restore_from(snap)


def _zone_index(edition: Edition) -> dict:
    return {z.id: z for s in edition.surfaces for z in s.zones}


def _restore_zones(edition: Edition, ranges: dict[str, tuple[int, int]]) -> None:
    if not ranges:
        return
    zones = _zone_index(edition)
    pages = {s.id: s for s in edition.surfaces}
    for zid, (start, end) in ranges.items():
        if zid in zones:
            zones[zid].start, zones[zid].end = start, end
        elif zid in pages:   # a page start (see edit_text)
            pages[zid].text_start = start


def _replace_text(edition: Edition, witness: str, start: int, old: str, new: str) -> None:
    w = edition.witnesses[witness]
    if w.text[start:start + len(old)] != old:
        raise ValueError("the text to replace does not match the witness")
    w.text = w.text[:start] + new + w.text[start + len(old):]
    # positions after the edit were shifted, not snapshotted (see edit_text)
    shift_positions(edition, witness, start, len(old), len(new))


def undo(edition: Edition, change: Change) -> None:
    """Put the edition back as it was before ``change``."""
    for edit in reversed(change.text_edits):
        _replace_text(edition, edit.witness, edit.start, edit.new, edit.old)
    _restore(edition, change.before)
    _restore_zones(edition, change.zones_before)
    if change.header_before is not None:
        change.header_before.apply_to(edition)


def redo(edition: Edition, change: Change) -> None:
    """Apply ``change`` again after :func:`undo`."""
    for edit in change.text_edits:
        _replace_text(edition, edit.witness, edit.start, edit.old, edit.new)
    _restore(edition, change.after)
    _restore_zones(edition, change.zones_after)
    if change.header_after is not None:
        change.header_after.apply_to(edition)


# --------------------------------------------------------------------------------------
# text edits


def map_annotation(annotation: Annotation, step: StepMap, witness: str, old_text: str,
                   who: str = "", when: str = "") -> bool:
    """Map ``annotation`` through the edit ``step`` of ``witness``; return True when it
    changed.  ``old_text`` is the witness text before the edit (for the last quote).

    Positions are code points.  A mark's start maps with its kind's start bias (+1: text
    typed at the start stays outside), its end with the end bias (-1), so typing at a
    mark's edge does not grow it and typing strictly inside does (see
    :mod:`editor.model.kinds`).  A point (a note) maps with the point bias (-1): it keeps
    its place, before text typed exactly there, and is never orphaned, having no words to
    lose.  A mark whose words are all deleted becomes orphaned, collapsed where its words
    were, keeping its last quote and range in its :class:`Anchoring`.  An accepted mark
    whose words change goes back to ``proposed``, with that recorded in its history.
    A variant's counterpart in ``witness`` maps as a mark (start +1, end -1) or a point;
    an accepted variant whose counterpart's words change also goes back to ``proposed``.
    """
    changed = False
    kind = spec(annotation.kind)
    if annotation.witness == witness:
        start, end = annotation.start, annotation.end
        if start == end:
            new_start = new_end = step.map(start, kind.point_bias)
            newly_orphaned = words_changed = False
        else:
            new_start = step.map(start, kind.start_bias)
            new_end = max(new_start, step.map(end, kind.end_bias))
            # an orphan (already collapsed, normally) keeps the record of its first words
            newly_orphaned = new_end == new_start and not (
                annotation.anchoring is not None and annotation.anchoring.state == "orphaned")
            words_changed = step.changes_inside(start, end)
        if (new_start, new_end) != (start, end) or words_changed:
            changed = True
            split = annotation.attrs.get("split")
            if split is not None and not newly_orphaned:
                # the split is relative to the start; an orphan's stays relative to its quote
                try:
                    split_abs = start + int(split)
                except ValueError:
                    split_abs = None
                if split_abs is not None:
                    new_split = min(max(step.map(split_abs, -1), new_start), new_end) - new_start
                    annotation.attrs["split"] = str(new_split)
            annotation.start, annotation.end = new_start, new_end
            if newly_orphaned:
                stamp = when or now_iso()
                annotation.anchoring = Anchoring("orphaned", old_text[start:end], start, end, 0.0)
                annotation.status = "orphaned"
                annotation.record("orphaned", who, "its text was deleted", stamp)
            elif words_changed and annotation.status == "accepted":
                annotation.status = "proposed"
                annotation.record("modified", who, "the words under it were changed",
                                  when or now_iso())
    cp = annotation.counterpart
    if cp is not None and cp.witness == witness:
        if cp.start == cp.end:
            new_cp = (step.map(cp.start, -1),) * 2
        else:
            s = step.map(cp.start, 1)
            new_cp = (s, max(s, step.map(cp.end, -1)))
        cp_words_changed = cp.start < cp.end and step.changes_inside(cp.start, cp.end)
        if new_cp != (cp.start, cp.end) or cp_words_changed:
            annotation.counterpart = Span(cp.witness, *new_cp)
            changed = True
            if cp_words_changed and annotation.status == "accepted":
                # the claim ties two readings: changing either reading changes the claim
                annotation.status = "proposed"
                annotation.record("modified", who, "the words of its counterpart were changed",
                                  when or now_iso())
    return changed


def edit_text(edition: Edition, witness: str, start: int, end: int, new_text: str,
              who: str = "", description: str = "") -> Change:
    """Replace ``[start, end)`` (code points) of ``witness`` by ``new_text`` and map every
    position of that witness through the edit.

    Annotations and counterparts meeting ``[start, end]`` are mapped by
    :func:`map_annotation` and snapshotted in the change.  Those entirely after ``end``
    are only shifted by the length difference, in place and without a snapshot: undo and
    redo shift them back and forth (:func:`editor.model.mapping.shift_positions`), so a
    keystroke costs one pass over plain integers, not a copy of every later annotation.
    Zones and page starts of the witness are mapped and recorded in ``zones_before``/
    ``zones_after`` (page starts by surface id, as ``(start, start)``).
    ``new_text`` must already be normalised (see :mod:`editor.model.text`).
    """
    w = edition.witnesses[witness]
    if not 0 <= start <= end <= len(w.text):
        raise ValueError(f"edit range [{start}, {end}) is outside the text of {witness!r}")
    old = w.text[start:end]
    if old == new_text:
        return Change(description)
    edit = TextEdit(witness, start, old, new_text)
    step = edit.step
    old_text = w.text
    w.text = old_text[:start] + new_text + old_text[end:]
    delta = len(new_text) - len(old)
    change = Change(description or "Edit text", [edit])
    before, after = change.before, change.after
    stamp = now_iso()
    # One pass; everything here is integer comparison except for the few annotations that
    # meet the edit.  (Measured in tests/bench/bench_anchoring.py: a sorted index would save
    # little, since every annotation after the edit must be shifted anyway.)
    touched = []
    for ann in edition.annotations.values():
        cp = ann.counterpart
        if cp is None:              # the common case, kept short
            if ann.witness == witness:
                if ann.start > end:
                    ann.start += delta
                    ann.end += delta
                elif ann.end >= start:
                    touched.append(ann)
            continue
        own = ann.witness == witness
        cp_here = cp.witness == witness
        if (own and ann.start <= end and ann.end >= start) or \
                (cp_here and cp.start <= end and cp.end >= start):
            touched.append(ann)
            continue
        if own and ann.start > end:
            ann.start += delta
            ann.end += delta
        if cp_here and cp.start > end:
            cp.start += delta
            cp.end += delta
    for ann in touched:
        snapshot = ann.copy()
        if map_annotation(ann, step, witness, old_text, who, stamp):
            before[ann.id] = snapshot
            after[ann.id] = ann.copy()
    for surface in edition.surfaces:
        if surface.witness == witness and surface.text_start >= start:
            # a page start is recorded like a zone (by the surface's id); bias -1: text
            # typed exactly at a page start belongs to that page
            page = step.map(surface.text_start, -1)
            if page != surface.text_start:
                change.zones_before[surface.id] = (surface.text_start, surface.text_start)
                change.zones_after[surface.id] = (page, page)
                surface.text_start = page
        for zone in surface.zones:
            if zone.witness != witness or zone.end < start:
                continue
            if zone.start > end:
                new = (zone.start + delta, zone.end + delta)
            elif zone.start == zone.end:
                new = (step.map(zone.start, -1),) * 2
            else:
                zs = step.map(zone.start, 1)
                new = (zs, max(zs, step.map(zone.end, -1)))
            if new != (zone.start, zone.end):
                change.zones_before[zone.id] = (zone.start, zone.end)
                change.zones_after[zone.id] = new
                zone.start, zone.end = new
    return change


# --------------------------------------------------------------------------------------
# annotations


def add_annotation(edition: Edition, witness: str, start: int, end: int, kind: str,
                   attrs: dict[str, str] | None = None, note: str = "", who: str = "",
                   cert: str = "", status: str = "proposed", counterpart: Span | None = None,
                   annotation_id: str | None = None, action: str = "created") -> Change:
    """Create an annotation; raise ``ValueError`` for a range outside the text or an
    unknown kind, so that the interface can say so."""
    if witness not in edition.witnesses:
        raise ValueError(f"there is no witness {witness!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown kind of annotation {kind!r}")
    text = edition.witnesses[witness].text
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"range [{start}, {end}) is outside the text of {witness!r}")
    if start == end and not spec(kind).point_ok:
        raise ValueError(f"a {spec(kind).label.lower()} must cover some text: select it first")
    if status not in STATUSES:
        raise ValueError(f"unknown review status {status!r}")
    aid = annotation_id or edition.new_id()
    ann = Annotation(aid, witness, start, end, kind, normalise_attrs(attrs or {}), note, who, cert,
                     status,
                     counterpart=counterpart)
    ann.record(action, who)
    edition.add_annotation(ann)
    return Change(f"Mark {spec(kind).label.lower()}", before={aid: None}, after={aid: ann.copy()})


def remove_annotations(edition: Edition, ids: list[str]) -> Change:
    change = Change("Delete annotation" if len(ids) == 1 else f"Delete {len(ids)} annotations")
    for aid in ids:
        ann = edition.annotations.pop(aid, None)
        if ann is not None:
            change.before[aid] = ann
            change.after[aid] = None
    return change


#: fields an editor may change with :func:`update_annotation`
EDITABLE = ("kind", "attrs", "note", "cert", "start", "end", "counterpart", "resp", "witness")


def update_annotation(edition: Edition, annotation_id: str, who: str = "", comment: str = "",
                      **changes) -> Change:
    """Change fields of an annotation, recording the change in its history.

    Changing what an annotation claims (its range, witness, counterpart, kind, attributes,
    note or certainty) sends an *accepted* annotation back to ``proposed``: the acceptance
    was of the earlier claim.  The history entry says so.  Changing only ``resp`` (who is
    credited with the mark) changes no claim and keeps the status.  A rejected or queried
    annotation keeps its status: the decision or the open question still stands until a
    reviewer looks again.  Moving a fuzzy or orphaned annotation onto new words (a new
    range) settles its anchoring.
    """
    ann = edition.annotations[annotation_id]
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} of an annotation")
    if "kind" in changes and changes["kind"] not in KINDS:
        raise ValueError(f"unknown kind of annotation {changes['kind']!r}")
    witness = changes.get("witness", ann.witness)
    if witness not in edition.witnesses:
        raise ValueError(f"there is no witness {witness!r}")
    start = changes.get("start", ann.start)
    end = changes.get("end", ann.end)
    if not 0 <= start <= end <= len(edition.witnesses[witness].text):
        raise ValueError(f"range [{start}, {end}) is outside the text of {witness!r}")
    if "attrs" in changes:
        changes["attrs"] = normalise_attrs(changes["attrs"])
    actual = {k: v for k, v in changes.items() if getattr(ann, k) != v}
    if not actual:
        return Change()
    before = ann.copy()
    for key, value in actual.items():
        setattr(ann, key, copy.deepcopy(value))
    moved = {"start", "end", "witness"} & set(actual)
    if moved and ann.anchoring is not None:
        ann.anchoring = None
        if ann.status == "orphaned":
            ann.status = "proposed"
    what = ", ".join(sorted(actual))
    note = comment or f"changed {what}"
    if ann.status == "accepted" and set(actual) - NOT_A_CLAIM:
        ann.status = "proposed"
        note += "; sent back to proposed (it had been accepted)"
    ann.record("modified", who, note)
    return Change(f"Change {what}", before={ann.id: before}, after={ann.id: ann.copy()})


#: fields whose change leaves the claim of an annotation as it was (see update_annotation)
NOT_A_CLAIM = frozenset({"resp"})


def set_status(edition: Edition, annotation_id: str, status: str, who: str = "",
               comment: str = "") -> Change:
    """Record a review decision (accepted, rejected, queried, proposed) with a comment.

    Every call that changes the status, or carries a comment (a reply in the discussion
    of a query), adds one ``reviewed`` entry to the history; the same status again
    without a comment changes nothing and returns an empty change.  Accepting a fuzzily
    re-anchored annotation confirms its new place.  An orphaned annotation (its words
    are gone) cannot be accepted: there is nothing to accept until it is placed on words
    again; ``ValueError`` says so.  Whether the author may accept their own annotation
    is the interface's rule (:func:`editor.review.state.acceptance_refusal`).
    """
    if status not in STATUSES:
        raise ValueError(f"unknown review status {status!r}")
    ann = edition.annotations[annotation_id]
    if status == ann.status and not comment.strip():
        return Change()
    orphaned = ann.anchoring is not None and ann.anchoring.state == "orphaned"
    if status == "accepted" and orphaned:
        raise ValueError("this annotation lost its words (orphaned): place it on its words "
                         "again before accepting it")
    before = ann.copy()
    ann.status = status
    if status == "accepted" and ann.anchoring is not None and ann.anchoring.state == "fuzzy":
        ann.anchoring = None   # a reviewer confirmed the fuzzy placement
    ann.record("reviewed", who, comment.strip())
    return Change(f"Mark as {status}", before={ann.id: before}, after={ann.id: ann.copy()})


def settle_anchoring(edition: Edition, annotation_id: str, who: str = "") -> Change:
    """Accept a re-anchoring proposal: the annotation stays where it is, no longer flagged."""
    ann = edition.annotations[annotation_id]
    if ann.anchoring is None:
        return Change()
    before = ann.copy()
    ann.anchoring = None
    if ann.status == "orphaned":
        ann.status = "proposed"
    ann.record("reanchored", who, "new place accepted")
    return Change("Accept new place", before={ann.id: before}, after={ann.id: ann.copy()})


# --------------------------------------------------------------------------------------
# metadata, hands, people, witnesses


def update_header(edition: Edition, apply, description: str = "Edit metadata") -> Change:
    """Run ``apply(edition)`` (which changes metadata, hands, people, witness labels or
    facsimiles) and record it as one undoable change."""
    before = Header.of(edition)
    apply(edition)
    after = Header.of(edition)
    if before == after:
        return Change()
    return Change(description, header_before=before, header_after=after)


def add_witness(edition: Edition, witness: Witness) -> Change:
    """Add a witness; undo removes it again."""
    before = Header.of(edition)
    edition.add_witness(witness)
    return Change(f"Add witness {witness.label}", header_before=before,
                  header_after=Header.of(edition))


def remove_witness(edition: Edition, witness_id: str) -> Change:
    """Remove a witness with its annotations (one undoable step)."""
    change = remove_annotations(
        edition, [a.id for a in edition.annotations.values() if a.witness == witness_id])
    before = Header.of(edition)
    del edition.witnesses[witness_id]
    for surface in [s for s in edition.surfaces if s.witness == witness_id]:
        edition.surfaces.remove(surface)
    change.header_before, change.header_after = before, Header.of(edition)
    change.description = "Remove witness"
    return change


def combine(changes: list[Change], description: str) -> Change:
    """Several changes as one undo step."""
    total = Change(description)
    for change in changes:
        total = total.merged_with(change)
    total.description = description
    return total
