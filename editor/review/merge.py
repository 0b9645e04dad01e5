"""Combining two copies of one edition: the annotations and review decisions of MINE and
THEIRS, matched by id.

Both copies must hold the same witnesses with the same texts: annotations point into the
texts by position, and two copies whose texts differ cannot be combined annotation by
annotation (:class:`MergeError` says where they first differ; bring the texts together
first, e.g. with ``variorum apply-text``).  There is no common ancestor file, so what
each side changed is read from the annotations' histories, which only ever grow:

* the longest common beginning of the two histories is where the copies parted;
* a side whose history has nothing after that point changed nothing: the other side's
  version is taken whole (a **one-sided change**);
* when both sides have new entries, ``reviewed`` entries are decisions and every other
  entry (``modified``, ``orphaned``, ``reanchored``...) changed the claim itself.  The
  two versions combine when they agree, or when one side changed the claim and the other
  only *accepted* the earlier claim: that acceptance lapses, as it would have had the
  change come after it, and the annotation is ``proposed`` again.  Everything else is a
  **conflict**: both changed the claim differently, or they decided differently, or one
  changed the claim while the other rejected or queried the earlier one.

A conflict is never resolved silently: the result keeps MINE's version with the status
``queried`` and a ``merged`` history entry whose comment gives THEIRS' differing fields,
and the conflict is listed (``Conflict.line()``).  Histories are always united: entries
of both sides, each once, the shared beginning first and then the rest in time order.

An annotation only one copy has is kept (without an ancestor, a new annotation cannot be
told from one the other side deleted; the merge never drops work).  Two annotations that
share an id but not their first history entry were made separately: THEIRS' gets a new
id.  Header facts (metadata, witnesses' labels, hands, people, page images) are united
the same way: a fact only one side gives is taken, differing facts keep MINE's and are
listed as conflicts.  Explained differences are united.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields

from editor.errors import VariorumError
from editor.model import operations as ops
from editor.model.annotation import Annotation, ReviewEvent, now_iso
from editor.model.edition import Edition

#: the fields of an annotation that make up its claim (everything but its review)
CLAIM_FIELDS = ("witness", "start", "end", "kind", "attrs", "note", "cert", "counterpart",
                "resp", "anchoring")


class MergeError(VariorumError):
    """The two copies cannot be merged (their texts differ); nothing is written."""

    exit_code = 2


@dataclass
class Conflict:
    """Both copies changed ``subject`` (an annotation id, or a header item) differently."""

    subject: str
    mine: str
    theirs: str

    def line(self) -> str:
        return f"conflict {self.subject}: mine: {self.mine} | theirs: {self.theirs}"


@dataclass
class MergeResult:
    edition: Edition
    conflicts: list[Conflict] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)       # THEIRS' version taken whole
    combined: list[str] = field(default_factory=list)    # both sides' changes combined
    added: list[str] = field(default_factory=list)       # only in THEIRS, added
    renamed: dict[str, str] = field(default_factory=dict)  # THEIRS' id -> new id

    def summary(self) -> str:
        parts = [f"{len(self.taken)} taken from theirs", f"{len(self.combined)} combined",
                 f"{len(self.added)} added from theirs"]
        if self.renamed:
            parts.append(f"{len(self.renamed)} renamed")
        parts.append(f"{len(self.conflicts)} conflict(s)")
        return ", ".join(parts)


# ------------------------------------------------------------------------------ texts


def check_same_texts(mine: Edition, theirs: Edition) -> None:
    """Raise :class:`MergeError` unless both hold the same witnesses with the same texts."""
    if set(mine.witnesses) != set(theirs.witnesses):
        only_m = sorted(set(mine.witnesses) - set(theirs.witnesses))
        only_t = sorted(set(theirs.witnesses) - set(mine.witnesses))
        raise MergeError(
            "the two copies do not have the same witnesses"
            + (f"; only mine has {', '.join(only_m)}" if only_m else "")
            + (f"; only theirs has {', '.join(only_t)}" if only_t else "")
            + ". They are not copies of one edition.")
    for wid, witness in mine.witnesses.items():
        a, b = witness.text, theirs.witnesses[wid].text
        if a == b:
            continue
        at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        line = a.count("\n", 0, at) + 1
        raise MergeError(
            f"the text of witness {wid!r} differs between the copies (first at character "
            f"{at}, line {line}: mine reads “{_clip(a[at:at + 30])}”, theirs “"
            f"{_clip(b[at:at + 30])}”). Annotations point into the text by position, so "
            "only copies with the same texts can be merged: bring the texts together "
            "first (variorum apply-text), then merge.")


def _clip(text: str) -> str:
    return text.replace("\n", "⏎")


# ------------------------------------------------------------------------------ annotations


def _event_key(event: ReviewEvent) -> tuple:
    return (event.status, event.who, event.when, event.action, event.comment)


def _claim(ann: Annotation) -> tuple:
    return tuple(getattr(ann, name) for name in CLAIM_FIELDS)


def _common_prefix(a: list[ReviewEvent], b: list[ReviewEvent]) -> int:
    n = 0
    while n < len(a) and n < len(b) and _event_key(a[n]) == _event_key(b[n]):
        n += 1
    return n


def united_history(mine: list[ReviewEvent], theirs: list[ReviewEvent]) -> list[ReviewEvent]:
    """Both histories, each entry once: the shared beginning, then the rest in time order
    (ISO 8601 strings sort in time order; ties keep MINE first)."""
    k = _common_prefix(mine, theirs)
    rest, seen = [], set()
    for event in mine[k:] + theirs[k:]:
        key = _event_key(event)
        if key not in seen:
            seen.add(key)
            rest.append(event)
    rest.sort(key=lambda e: e.when or "")
    return [copy.copy(e) for e in mine[:k]] + [copy.copy(e) for e in rest]


def _claim_changed(events: list[ReviewEvent]) -> bool:
    return any(e.action != "reviewed" for e in events)


def _last_decider(ann: Annotation) -> str:
    for event in reversed(ann.history):
        if event.action == "reviewed":
            return event.who
    return ""


def describe_fields(edition: Edition, ann: Annotation, names) -> str:
    """A short description of some fields of ``ann`` (for conflict lines and comments)."""
    parts = []
    for name in names:
        value = getattr(ann, name)
        if name in ("start", "end"):
            continue
        if name == "status":
            who = _last_decider(ann)
            parts.append(f"status {value}" + (f" by {who}" if who else ""))
        elif name == "witness":
            parts.append(f"witness {value}")
        elif name == "attrs":
            parts.append("attributes " + (" ".join(f"{k}={v}" for k, v in sorted(value.items()))
                                          or "none"))
        elif name == "counterpart":
            parts.append("counterpart " + (f"{value.witness} {value.start}-{value.end}"
                                           if value is not None else "none"))
        elif name == "anchoring":
            parts.append("anchoring " + (value.state if value is not None else "settled"))
        elif name in ("note",):
            parts.append(f"note “{_clip(value[:60])}”" if value else "no note")
        else:
            parts.append(f"{name} {value or '(none)'}")
    if "start" in names or "end" in names:
        text = edition.witnesses[ann.witness].text if ann.witness in edition.witnesses else ""
        parts.insert(0, f"range {ann.start}-{ann.end} “{_clip(text[ann.start:ann.end][:40])}”")
    return ", ".join(parts) or "the same"


def _differing(a: Annotation, b: Annotation) -> list[str]:
    return [name for name in CLAIM_FIELDS + ("status",) if getattr(a, name) != getattr(b, name)]


@dataclass
class _Context:
    result: MergeResult
    who: str
    when: str


def _merge_annotation(ctx: _Context, mine: Annotation, theirs: Annotation) -> Annotation | None:
    """The merged version of an annotation both copies hold, or None when they are two
    different annotations that happen to share an id."""
    k = _common_prefix(mine.history, theirs.history)
    extra_m, extra_t = mine.history[k:], theirs.history[k:]
    same = _claim(mine) == _claim(theirs) and mine.status == theirs.status
    if k == 0 and mine.history and theirs.history and not same:
        return None
    if not extra_t and not extra_m:
        if same:
            return mine.copy()
        # the same history but different content: changed without a record
        return _conflict(ctx, mine, theirs, "the copies differ without a record of why")
    if not extra_t:
        return mine.copy()
    if not extra_m:
        ctx.result.taken.append(mine.id)
        return theirs.copy()
    merged = mine.copy()
    merged.history = united_history(mine.history, theirs.history)
    changed_m, changed_t = _claim_changed(extra_m), _claim_changed(extra_t)
    if same:
        ctx.result.combined.append(mine.id)
        return merged
    if _claim(mine) == _claim(theirs):
        return _conflict(ctx, mine, theirs, "decided differently")
    if changed_m and changed_t:
        return _conflict(ctx, mine, theirs, "both changed it")
    changer, decider = (mine, theirs) if changed_m else (theirs, mine)
    if not (changed_m or changed_t) or decider.status not in ("accepted", "proposed"):
        why = (f"{decider.status} in one copy while it was changed in the other"
               if (changed_m or changed_t) else "changed without a record of why")
        return _conflict(ctx, mine, theirs, why)
    for name in CLAIM_FIELDS:
        setattr(merged, name, copy.deepcopy(getattr(changer, name)))
    merged.status = changer.status
    if decider.status == "accepted":
        who = _last_decider(decider)
        merged.record("merged", ctx.who,
                      f"{who or 'a reviewer'} accepted an earlier version of this annotation; "
                      "it was changed since in the other copy, so it needs review again",
                      ctx.when)
    ctx.result.combined.append(mine.id)
    return merged


def _conflict(ctx: _Context, mine: Annotation, theirs: Annotation, why: str) -> Annotation:
    edition = ctx.result.edition
    names = _differing(mine, theirs)
    merged = mine.copy()
    merged.history = united_history(mine.history, theirs.history)
    merged.status = "queried"
    theirs_text = describe_fields(edition, theirs, names)
    merged.record("merged", ctx.who,
                  f"merge conflict ({why}): this is my version; the other copy has "
                  f"{theirs_text}", ctx.when)
    ctx.result.conflicts.append(Conflict(mine.id, describe_fields(edition, mine, names),
                                         theirs_text))
    return merged


# ------------------------------------------------------------------------------ header


def _blank(value) -> bool:
    return value in ("", None, [], {}, 0)


def _merge_object(ctx: _Context, subject: str, mine, theirs, skip=()) -> None:
    """Fill MINE's blank fields from THEIRS; a field both give differently is a conflict
    (MINE's value stays)."""
    differing = []
    for f in fields(mine):
        if f.name in skip:
            continue
        a, b = getattr(mine, f.name), getattr(theirs, f.name)
        if a == b or _blank(b):
            continue
        if _blank(a):
            setattr(mine, f.name, copy.deepcopy(b))
        elif isinstance(a, dict) and isinstance(b, dict) and not set(a) & set(b):
            a.update(copy.deepcopy(b))
        else:
            differing.append((f.name, a, b))
    if differing:
        def show(values):
            return ", ".join(f"{name} “{_clip(str(v)[:60])}”" for name, v in values)
        ctx.result.conflicts.append(Conflict(
            subject, show((n, a) for n, a, _ in differing), show((n, b) for n, _, b in differing)))


def _merge_header(ctx: _Context, theirs: Edition) -> None:
    edition = ctx.result.edition
    _merge_object(ctx, "metadata", edition.metadata, theirs.metadata)
    for wid, witness in edition.witnesses.items():
        _merge_object(ctx, f"witness {wid}", witness, theirs.witnesses[wid], skip=("text",))
    for attr, label in (("hands", "hand"), ("people", "person")):
        table, other = getattr(edition, attr), getattr(theirs, attr)
        for key, value in other.items():
            if key not in table:
                table[key] = copy.deepcopy(value)
            else:
                _merge_object(ctx, f"{label} {key}", table[key], value)
    pages = {s.id: s for s in edition.surfaces}
    for surface in theirs.surfaces:
        if surface.id not in pages:
            added = copy.deepcopy(surface)
            for zone in added.zones:
                zone.annotation = ctx.result.renamed.get(zone.annotation, zone.annotation)
            edition.surfaces.append(added)
        elif pages[surface.id] != surface:
            ctx.result.conflicts.append(Conflict(
                f"page {surface.id}", f"{pages[surface.id].path}, "
                f"{len(pages[surface.id].zones)} zone(s)",
                f"{surface.path}, {len(surface.zones)} zone(s)"))
    edition.explained.extend(i for i in theirs.explained if i not in edition.explained)


# ------------------------------------------------------------------------------ merging


def merge_editions(mine: Edition, theirs: Edition, who: str = "",
                   when: str | None = None) -> MergeResult:
    """Combine THEIRS into a copy of MINE (neither is changed); see the module documentation.

    ``who`` (a person id, or "") and ``when`` (ISO 8601; default now) go into the
    ``merged`` history entries the merge writes.
    """
    check_same_texts(mine, theirs)
    result = MergeResult(copy.deepcopy(mine))
    ctx = _Context(result, who, when or now_iso())
    edition = result.edition
    taken = _all_ids(edition) | set(theirs.annotations)
    not_annotations = taken - set(mine.annotations) - set(theirs.annotations)
    for aid, t_ann in theirs.annotations.items():
        m_ann = mine.annotations.get(aid)
        merged = _merge_annotation(ctx, m_ann, t_ann) if m_ann is not None else None
        if merged is not None:
            edition.annotations[aid] = merged
            continue
        # only THEIRS has it, or both have an annotation of that id, made separately
        new_id = aid
        if m_ann is not None or aid in not_annotations:
            new_id = _fresh_id(len(edition.annotations) + 1, taken)
            taken.add(new_id)
            result.renamed[aid] = new_id
        added = t_ann.copy()
        added.id = new_id
        edition.annotations[new_id] = added
        result.added.append(new_id)
    _merge_header(ctx, theirs)
    return result


def _all_ids(edition: Edition) -> set[str]:
    return set(edition.annotations) | set(edition.hands) | set(edition.people) \
        | set(edition.witnesses) | _surface_ids(edition)


def _surface_ids(edition: Edition) -> set[str]:
    ids = set()
    for surface in edition.surfaces:
        ids.add(surface.id)
        ids.update(z.id for z in surface.zones)
    return ids


def _fresh_id(n: int, taken: set[str]) -> str:
    """``ann-N`` for the first N from ``n`` not in ``taken``."""
    while f"ann-{n}" in taken:
        n += 1
    return f"ann-{n}"


def change_to(edition: Edition, target: Edition, description: str) -> ops.Change:
    """Make ``edition`` equal to ``target`` (same texts) as one change, and return it (for
    the window: a merge as one undo step).  Only what differs is snapshotted."""
    change = ops.Change(description)
    for aid in list(edition.annotations) + [a for a in target.annotations
                                            if a not in edition.annotations]:
        old, new = edition.annotations.get(aid), target.annotations.get(aid)
        if old != new:
            change.before[aid] = old.copy() if old is not None else None
            change.after[aid] = new.copy() if new is not None else None
    header_before, header_after = ops.Header.of(edition), ops.Header.of(target)
    if header_before != header_after:
        change.header_before, change.header_after = header_before, header_after
    ops.redo(edition, change)
    return change
