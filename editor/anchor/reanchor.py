"""Re-anchoring: keeping annotations on their words when a witness text is replaced
wholesale (a corrected file, a fresh transcription), or when a file's annotations no
longer match their text (someone edited the XML by hand).

:func:`reanchor` diffs the old and new text (:mod:`editor.anchor.textdiff`), maps every
range of the witness through the differences with its kind's biases, and checks that it
still covers its quote.  Where it does not, the quote is searched near the place the
differences give (:mod:`editor.anchor.search`).  Each range ends up:

* ``exact``: the same words, where the differences put them (score 1);
* ``moved``: the same words found elsewhere, with their context, and nowhere else as well
  (score at least :data:`MOVED_MIN`);
* ``fuzzy``: placed on the best match, which a person must check: words that changed, or
  several equally good places (score at least :data:`FUZZY_MIN`, below 1); the annotation
  keeps ``Anchoring("fuzzy", old quote, old start, old end, score)``;
* ``orphaned``: no acceptable match: collapsed to the place the differences give, status
  ``orphaned``, keeping ``Anchoring("orphaned", old quote, ...)``.  A point (a note)
  is never orphaned: having no words, it keeps the mapped place, fuzzy when the text
  around it changed.

Nothing is re-attached to look-alike words in silence: every fuzzy and orphaned result is
in the report and in the annotation's history.  See ``docs/anchoring.md``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from diff_match_patch import diff_match_patch

from editor.anchor.report import AnchorResult, ReanchorReport
from editor.anchor.search import CONTEXT_CHARS, QuoteSearch, context_of
from editor.anchor.textdiff import diff_step_map
from editor.errors import VariorumError
from editor.model.annotation import Anchoring, Annotation, Span, now_iso
from editor.model.edition import Edition
from editor.model.kinds import spec
from editor.model.mapping import StepMap
from editor.model.operations import Change, TextEdit
from editor.model.text import normalise_newlines
from editor.model.validate import Problem

#: an exact quote found elsewhere counts as moved from this score up (and with no rival)
MOVED_MIN = 0.6
#: below this score (or a quote similarity below QUOTE_MIN) a range is orphaned
FUZZY_MIN = 0.5
QUOTE_MIN = 0.5
#: a mapped range scoring this well is taken without a wider fuzzy search
SURE_FUZZY = 0.9
#: the highest score a fuzzy result reports (1.0 means exact)
FUZZY_MAX = 0.99
#: context shown in the report for review (code points on each side)
REPORT_CONTEXT = 30

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]


@dataclass
class _Target:
    """A range anchored in the witness: an annotation's own, a counterpart, or a zone."""

    target: str
    id: str
    kind: str
    start: int
    end: int
    start_bias: int
    end_bias: int
    point_bias: int
    orphaned_quote: str | None = None    # set when already orphaned (not searched again)


@dataclass
class Placement:
    """Where a range goes: its outcome, new range (code points) and score."""

    outcome: str
    start: int
    end: int
    score: float
    note: str = ""

    def __post_init__(self) -> None:
        self.score = round(self.score, 4)   # as the file keeps it


# ======================================================================================
# placing one range


def locate_quote(search: QuoteSearch, quote: str, prefix: str, suffix: str, expected: int,
                 mapped: tuple[int, int] | None = None) -> Placement:
    """Search ``quote`` (a span's words, with its old ``prefix``/``suffix``) near the code
    point ``expected``; decide moved, fuzzy or orphaned.

    ``mapped`` is the range the differences give when neither end was deleted: there the
    position itself is evidence, so a word corrected under a mark (``teh`` to ``the``)
    stays fuzzy on the new word however different, as long as the context holds (score at
    least FUZZY_MIN).  Anywhere else the words found must also resemble the quote
    (similarity at least QUOTE_MIN).
    """
    hints = (mapped,) if mapped is not None and mapped[1] > mapped[0] else ()

    def moved(found) -> bool:
        # the same words with their context, and nowhere else as well: moved, even if
        # other words score higher at the mapped place (a diff may pair a kept word with a
        # new one)
        exact = found.best_exact
        return exact is not None and exact.score >= MOVED_MIN and not found.rivals(exact, True)

    def enough(found) -> bool:
        # words corrected in place: the mapped range is as good as any fuzzy search
        best = found.best
        return moved(found) or (best is not None and bool(hints) and
                                (best.start, best.end) == hints[0] and best.score >= SURE_FUZZY)

    found = search.find(quote, prefix, suffix, expected, hints, enough=enough)
    if moved(found):
        exact = found.best_exact
        return Placement("moved", exact.start, exact.end, exact.score)
    best = found.best
    if best is None:
        return Placement("orphaned", expected, expected, 0.0, "its words were not found")
    on_mapped = bool(hints) and (best.start, best.end) == hints[0]
    if best.end > best.start and best.score >= FUZZY_MIN and (
            on_mapped or best.quote_score >= QUOTE_MIN):
        rivals = found.rivals(best)
        if rivals:
            note = f"{rivals} other place{'s' if rivals > 1 else ''} as good"
        elif not best.exact_quote:
            note = "its words changed"
        else:
            note = "its context changed"
        return Placement("fuzzy", best.start, best.end, min(best.score, FUZZY_MAX), note)
    return Placement("orphaned", expected, expected, best.score,
                     f"best match only {best.score:.2f}")


def _place(search: QuoteSearch, step: StepMap, old_text: str, new_text: str,
           target: _Target) -> Placement:
    start, end = target.start, target.end
    if target.orphaned_quote is not None:
        pos = step.map(start, target.point_bias)
        return Placement("orphaned", pos, pos, 0.0, "was already orphaned")
    prefix, suffix = context_of(old_text, start, end, CONTEXT_CHARS)
    if start == end:
        mapped = step.map_result(start, target.point_bias)
        if not mapped.deleted:
            return Placement("exact", mapped.pos, mapped.pos, 1.0)
        found = search.find("", prefix, suffix, mapped.pos)
        best = found.best
        if best is not None and best.score >= MOVED_MIN and not found.rivals(best):
            outcome = "exact" if best.start == mapped.pos and best.score >= 1.0 else "moved"
            return Placement(outcome, best.start, best.start, best.score)
        here = search.evaluate("", prefix, suffix, mapped.pos, mapped.pos)
        return Placement("fuzzy", mapped.pos, mapped.pos, min(here.score, FUZZY_MAX),
                          "the text around it changed")
    quote = old_text[start:end]
    new_start = step.map(start, target.start_bias)
    new_end = max(new_start, step.map(end, target.end_bias))
    if new_end > new_start and new_text[new_start:new_end] == quote:
        return Placement("exact", new_start, new_end, 1.0)
    # the mapped range is evidence only where the differences kept both of its ends
    kept = not (step.map_result(start, target.start_bias).deleted
                or step.map_result(end, target.end_bias).deleted)
    return locate_quote(search, quote, prefix, suffix, new_start,
                        (new_start, new_end) if kept else None)


def _targets(edition: Edition, witness_id: str) -> list[_Target]:
    out: list[_Target] = []
    for ann in edition.sorted_annotations():
        kind = spec(ann.kind)
        if ann.witness == witness_id:
            orphaned = ann.anchoring.quote if (ann.anchoring is not None
                                               and ann.anchoring.state == "orphaned") else None
            if orphaned is None and ann.status == "orphaned":
                orphaned = edition.quote(ann)
            out.append(_Target("annotation", ann.id, ann.kind, ann.start, ann.end,
                               kind.start_bias, kind.end_bias, kind.point_bias, orphaned))
        cp = ann.counterpart
        if cp is not None and cp.witness == witness_id:
            out.append(_Target("counterpart", ann.id, ann.kind, cp.start, cp.end, 1, -1, -1))
    for surface in edition.surfaces:
        for zone in surface.zones:
            if zone.witness == witness_id:    # a zone linked to text
                out.append(_Target("zone", zone.id, "zone", zone.start, zone.end, 1, -1, -1))
    return out


def _clamp(target: _Target, length: int) -> _Target:
    start = min(max(target.start, 0), length)
    target.start, target.end = start, min(max(target.end, start), length)
    return target


# ======================================================================================
# re-anchoring after a wholesale replacement


def reanchor(edition: Edition, witness_id: str, new_text: str, who: str = "",
             progress: Progress | None = None, should_stop: ShouldStop | None = None,
             timeout: float = 10.0) -> ReanchorReport:
    """Replace the text of ``witness_id`` by ``new_text`` and re-anchor every range in it.

    ``new_text`` is normalised (:func:`editor.model.text.normalise_newlines`).  Every
    annotation of the witness, every variant counterpart and every facsimile zone in it is
    placed (exact, moved, fuzzy or orphaned: see the module documentation) and listed in
    the report; page starts follow the differences (bias -1).  The report's ``change``
    undoes and redoes the whole replacement in one step.  ``who`` (a person id) is
    recorded in the history of what moved.

    ``progress(done, total)`` is called as ranges are placed; ``should_stop()`` is polled
    and, when it returns True, ``InterruptedError`` is raised with the edition untouched.
    ``timeout`` (seconds) bounds the diff.  Raises :class:`VariorumError` for an unknown
    witness.
    """
    witness = edition.witnesses.get(witness_id)
    if witness is None:
        known = ", ".join(edition.witnesses) or "none"
        raise VariorumError(f"the edition has no witness {witness_id!r} (it has: {known})")
    old_text = witness.text
    new_text = normalise_newlines(new_text)

    def stop_now() -> None:
        if should_stop is not None and should_stop():
            raise InterruptedError("re-anchoring cancelled")

    stop_now()
    step = diff_step_map(old_text, new_text, timeout, should_stop)
    targets = [_clamp(t, len(old_text)) for t in _targets(edition, witness_id)]
    search = QuoteSearch(new_text)
    placements: list[Placement] = []
    total = len(targets)
    every = max(1, total // 100)
    for done, target in enumerate(targets):
        if done % 16 == 0:
            stop_now()
        placements.append(_place(search, step, old_text, new_text, target))
        if progress is not None and (done + 1) % every == 0:
            progress(done + 1, total)
    stop_now()
    if progress is not None:
        progress(total, total)

    report = ReanchorReport(witness_id, len(old_text), len(new_text), len(step.ranges))
    for target, placement in zip(targets, placements):
        report.results.append(_result(target, placement, old_text, new_text))
    if new_text != old_text:     # the same text: nothing to do, nothing to undo
        report.change = _apply(edition, witness_id, old_text, new_text, step, targets,
                               placements, report.results, who)
    return report


def _result(target: _Target, placement: Placement, old_text: str,
            new_text: str) -> AnchorResult:
    quote = target.orphaned_quote if target.orphaned_quote is not None \
        else old_text[target.start:target.end]
    new_quote = "" if placement.outcome == "orphaned" else \
        new_text[placement.start:placement.end]
    old_before, old_after = context_of(old_text, target.start, target.end, REPORT_CONTEXT)
    new_before, new_after = context_of(new_text, placement.start, placement.end,
                                       REPORT_CONTEXT)
    return AnchorResult(target.id, target.target, target.kind, placement.outcome,
                        target.start, target.end, placement.start, placement.end, quote,
                        new_quote, placement.score, placement.note, old_before, old_after,
                        new_before, new_after)


def _apply(edition: Edition, witness_id: str, old_text: str, new_text: str, step: StepMap,
           targets: list[_Target], placements: list[Placement],
           results: list[AnchorResult], who: str) -> Change:
    """Put the new text and every placement into the edition; return the undoable change."""
    label = edition.witnesses[witness_id].label or witness_id
    change = Change(f"Replace the text of {label}",
                    [TextEdit(witness_id, 0, old_text, new_text)])
    stamp = now_iso()
    zones = {z.id: z for s in edition.surfaces for z in s.zones}
    touched: dict[str, Annotation] = {}
    before: dict[str, tuple] = {}
    edition.witnesses[witness_id].text = new_text
    for target, placement, result in zip(targets, placements, results):
        if target.target == "zone":
            zone = zones[target.id]
            new = (placement.start, placement.end)
            if new != (zone.start, zone.end):
                change.zones_before.setdefault(zone.id, (zone.start, zone.end))
                change.zones_after[zone.id] = new
                zone.start, zone.end = new
            continue
        ann = edition.annotations[target.id]
        if ann.id not in touched:
            touched[ann.id] = _snapshot(ann)
            before[ann.id] = _state(ann)
        if target.target == "annotation":
            _apply_to_annotation(ann, target, placement, result, who, stamp)
        else:
            _apply_to_counterpart(ann, witness_id, placement, result, who, stamp)
    for aid, snapshot in touched.items():
        ann = edition.annotations[aid]
        if _state(ann) != before[aid]:
            change.before[aid] = snapshot
            change.after[aid] = _snapshot(ann)
    for surface in edition.surfaces:
        if surface.witness == witness_id:
            page = step.map(min(surface.text_start, len(old_text)), -1)
            if page != surface.text_start:
                change.zones_before[surface.id] = (surface.text_start, surface.text_start)
                change.zones_after[surface.id] = (page, page)
                surface.text_start = page
    return change


def _snapshot(ann: Annotation) -> Annotation:
    """A copy of ``ann`` for a change record, twenty times cheaper than a deep copy (which
    dominated re-anchoring): what the model mutates in place (attributes, history list,
    counterpart) is copied, the rest (strings, history entries, anchoring records, which
    are replaced, never changed) is shared.  Undo deep-copies from it in any case."""
    values = {name: getattr(ann, name) for name in _FIELDS}
    values["attrs"] = dict(ann.attrs)
    values["history"] = list(ann.history)
    cp = ann.counterpart
    if cp is not None:
        values["counterpart"] = Span(cp.witness, cp.start, cp.end)
    return Annotation(**values)


_FIELDS = tuple(f.name for f in dataclasses.fields(Annotation))


def _state(ann: Annotation) -> tuple:
    """What re-anchoring may change in an annotation, to tell whether it did."""
    cp = ann.counterpart
    return (ann.start, ann.end, ann.status, ann.anchoring, len(ann.history),
            ann.attrs.get("split"), (cp.start, cp.end) if cp is not None else None)


def _remap_split(ann: Annotation, old_quote: str, new_quote: str) -> None:
    """Move a substitution's split (relative to its start) to the same place in the words
    it now covers."""
    split = ann.attrs.get("split")
    if split is None:
        return
    try:
        value = min(max(int(split), 0), len(old_quote))
    except ValueError:
        return
    dmp = diff_match_patch()
    diffs = dmp.diff_main(old_quote, new_quote, False)
    ann.attrs["split"] = str(min(max(dmp.diff_xIndex(diffs, value), 0), len(new_quote)))


def _apply_to_annotation(ann: Annotation, target: _Target, placement: Placement,
                         result: AnchorResult, who: str, stamp: str) -> None:
    outcome = placement.outcome
    old = (target.start, target.end)
    if target.orphaned_quote is not None:      # already an orphan: only its place follows
        ann.start = ann.end = placement.start
        return
    if outcome == "exact":
        ann.start, ann.end = placement.start, placement.end
    elif outcome == "moved":
        ann.start, ann.end = placement.start, placement.end
        ann.record("reanchored", who, f"moved with its words from {list(old)} to "
                   f"{[placement.start, placement.end]}", stamp)
    elif outcome == "fuzzy":
        if ann.is_point:
            ann.start = ann.end = placement.start
            ann.record("reanchored", who, "the text around it changed; check its place",
                       stamp)
        else:
            _remap_split(ann, result.quote, result.new_quote)
            ann.start, ann.end = placement.start, placement.end
            ann.record("reanchored", who, f"fuzzy match (score {placement.score:.2f}, "
                       f"{placement.note}) for {result.quote!r}", stamp)
            if ann.status == "accepted":
                ann.status = "proposed"
        ann.anchoring = Anchoring("fuzzy", result.quote, old[0], old[1], placement.score)
    else:
        ann.start = ann.end = placement.start
        ann.anchoring = Anchoring("orphaned", result.quote, old[0], old[1], placement.score)
        ann.status = "orphaned"
        ann.record("orphaned", who, f"its words {result.quote!r} are not in the new text",
                   stamp)


def _apply_to_counterpart(ann: Annotation, witness_id: str, placement: Placement,
                          result: AnchorResult, who: str, stamp: str) -> None:
    """A variant's counterpart has no anchoring record of its own: what happened to it is
    written in the variant's history, with the old words, and a placement that needs
    review sends an accepted variant back to ``proposed``."""
    ann.counterpart = Span(witness_id, placement.start, placement.end)
    outcome = placement.outcome
    if outcome == "moved":
        ann.record("reanchored", who, f"its reading in {witness_id} moved with its words",
                   stamp)
    elif outcome in ("fuzzy", "orphaned"):
        what = (f"re-anchored by a fuzzy match (score {placement.score:.2f})"
                if outcome == "fuzzy" else "no longer found; collapsed to its place")
        ann.record("reanchored", who, f"its reading in {witness_id} {result.quote!r} was "
                   f"{what}", stamp)
        if ann.status == "accepted":
            ann.status = "proposed"


# ======================================================================================
# repairing a file whose quotes do not match their ranges


def repair_on_load(edition: Edition, mismatched: dict[str, str],
                   progress: Progress | None = None) -> list[Problem]:
    """Re-anchor annotations whose range no longer holds the quote written in the file
    (``mismatched`` maps annotation id to that quote); return one problem per annotation.

    The old text is unknown, so there is no diff: the quote is searched near its recorded
    range, scored with the text now around that range as context (an edit made by hand
    usually shifts the words a little, keeping their neighbours).  Outcomes as for
    :func:`reanchor`: moved (warning ``reanchored``), fuzzy or orphaned.
    """
    problems: list[Problem] = []
    searches: dict[str, QuoteSearch] = {}
    stamp = now_iso()
    total = len(mismatched)
    for done, (aid, quote) in enumerate(mismatched.items()):
        if progress is not None:
            progress(done, total)
        ann = edition.annotations.get(aid)
        if ann is None or ann.witness not in edition.witnesses:
            continue
        text = edition.witnesses[ann.witness].text
        search = searches.get(ann.witness)
        if search is None:
            search = searches[ann.witness] = QuoteSearch(text)
        start = min(max(ann.start, 0), len(text))
        end = min(max(ann.end, start), len(text))
        if not quote:
            # the file gives no words to look for: its range is all there is
            problems.append(Problem("warning", "empty-quote",
                                    "the file gives no words for it, though its range covers "
                                    f"{text[start:end]!r}; its range was kept", aid))
            continue
        prefix, suffix = context_of(text, start, end, CONTEXT_CHARS)
        placement = locate_quote(search, quote, prefix, suffix, start)
        old = (ann.start, ann.end)
        if placement.outcome == "moved":
            ann.start, ann.end = placement.start, placement.end
            ann.record("reanchored", "", f"its quote did not match its range {list(old)} in "
                       f"the file; found its words at {[ann.start, ann.end]}", stamp)
            problems.append(Problem("warning", "reanchored",
                                    f"its quote {quote!r} no longer matched its range; found "
                                    f"the same words at {ann.start}", aid))
        elif placement.outcome == "fuzzy":
            _remap_split(ann, quote, text[placement.start:placement.end])
            ann.start, ann.end = placement.start, placement.end
            ann.anchoring = Anchoring("fuzzy", quote, old[0], old[1], placement.score)
            if ann.status == "accepted":
                ann.status = "proposed"
            ann.record("reanchored", "", f"its quote {quote!r} did not match its range in the "
                       f"file; placed on the best match (score {placement.score:.2f})", stamp)
            problems.append(Problem("warning", "fuzzy",
                                    f"its quote {quote!r} no longer matched its range; placed "
                                    f"on {text[ann.start:ann.end]!r} (score "
                                    f"{placement.score:.2f}, {placement.note}): check it", aid))
        else:
            ann.start = ann.end = start
            ann.anchoring = Anchoring("orphaned", quote, old[0], old[1], placement.score)
            ann.status = "orphaned"
            ann.record("orphaned", "", f"its quote {quote!r} is no longer in the text", stamp)
            problems.append(Problem("warning", "orphaned",
                                    f"its quote {quote!r} is no longer in the text; kept as "
                                    "an orphan for review", aid))
    if progress is not None:
        progress(total, total)
    return problems
