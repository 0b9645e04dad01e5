"""Annotations follow the text through every edit (operations.edit_text, undo, redo).

The properties check the model against a second, naive one in which every character has
an identity: an annotation whose characters were never touched must cover exactly the
same characters afterwards, whatever was typed or deleted around it.
"""

from __future__ import annotations

import copy

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from editor.model import KINDS, Annotation, Edition, Span, Surface, Witness, Zone
from editor.model import operations as ops
from editor.model.kinds import spec

WORDS = ["the", "Chinese", "comrades", "Mao", "telegram", "a", "of", "𝔄", "é", "😀", ",", "."]
PIECES = st.sampled_from(WORDS + [" ", " ", "\n\n"])
TEXTS = st.lists(PIECES, min_size=0, max_size=25).map("".join)
INSERTS = st.lists(st.sampled_from(WORDS + [" ", "x", "\n"]), min_size=0, max_size=4).map("".join)
WITNESSES = ("typed", "handwritten")


@st.composite
def editions(draw) -> Edition:
    edition = Edition()
    for wid in WITNESSES:
        edition.add_witness(Witness(wid, text=draw(TEXTS)))
    for n in range(draw(st.integers(0, 10))):
        wid = draw(st.sampled_from(WITNESSES))
        text = edition.text(wid)
        kind = draw(st.sampled_from(sorted(KINDS)))
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 12)))
        if start == end and not KINDS[kind].point_ok:
            if not text:
                continue
            start, end = (start - 1, start) if start else (0, 1)
        attrs = {}
        if kind == "substitution":
            attrs["split"] = str(draw(st.integers(0, end - start)))
        status = draw(st.sampled_from(["proposed", "accepted", "queried"]))
        ann = Annotation(f"ann-{n}", wid, start, end, kind, attrs, status=status)
        ann.record("created", "ed", when="2026-01-01T00:00:00Z")
        if kind == "variant":
            other = "handwritten" if wid == "typed" else "typed"
            otext = edition.text(other)
            cs = draw(st.integers(0, len(otext)))
            ann.counterpart = Span(other, cs, draw(st.integers(cs, len(otext))))
        edition.add_annotation(ann)
    typed = edition.text("typed")
    zone_start = draw(st.integers(0, len(typed)))
    zone = Zone("zone-1", [(0, 0), (10, 0), (10, 10), (0, 10)], "typed", zone_start,
                draw(st.integers(zone_start, len(typed))))
    surface = Surface("page-2", "typed", "p2.png", text_start=draw(st.integers(0, len(typed))),
                      zones=[zone])
    edition.surfaces.append(surface)
    return edition


@st.composite
def edits_for(draw, edition: Edition, count: int | None = None):
    """A list of ``(witness, start, end, new_text)``, each valid after the previous ones."""
    lengths = {w: len(edition.text(w)) for w in WITNESSES}
    edits = []
    for _ in range(count if count is not None else draw(st.integers(1, 6))):
        wid = draw(st.sampled_from(WITNESSES))
        start = draw(st.integers(0, lengths[wid]))
        end = draw(st.integers(start, min(lengths[wid], start + 10)))
        new = draw(INSERTS)
        edits.append((wid, start, end, new))
        lengths[wid] += len(new) - (end - start)
    return edits


class Identities:
    """Every character of each witness gets an id; edits replace ids like characters."""

    def __init__(self, edition: Edition):
        self.ids = {w: [(w, i) for i in range(len(edition.text(w)))] for w in WITNESSES}
        self.fresh = 0

    def apply(self, wid: str, start: int, end: int, new: str) -> None:
        inserted = []
        for _ in new:
            self.fresh += 1
            inserted.append(("new", self.fresh))
        ids = self.ids[wid]
        self.ids[wid] = ids[:start] + inserted + ids[end:]

    def where(self, wid: str) -> dict:
        return {cid: i for i, cid in enumerate(self.ids[wid])}


def _covered(ids: list, start: int, end: int) -> list:
    return ids[start:end]


def _exact_range(covered: list, where: dict) -> tuple[int, int] | None:
    """The range the ids cover now, if all survive side by side; else None."""
    if not covered or any(c not in where for c in covered):
        return None
    first = where[covered[0]]
    if [where[c] for c in covered] != list(range(first, first + len(covered))):
        return None
    return first, first + len(covered)


# -- the properties --------------------------------------------------------------------


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_untouched_words_stay_covered_and_nothing_disappears(data):
    edition = data.draw(editions())
    edits = data.draw(edits_for(edition))
    ident = Identities(edition)
    original_quote = {a.id: edition.quote(a) for a in edition.annotations.values()}
    covered = {a.id: _covered(ident.ids[a.witness], a.start, a.end)
               for a in edition.annotations.values()}
    # a point remembers the character just before it (None at the very start)
    left_of_point = {a.id: ident.ids[a.witness][a.start - 1] if a.start else None
                     for a in edition.annotations.values() if a.is_point}
    cp_covered = {a.id: (a.counterpart.witness,
                         _covered(ident.ids[a.counterpart.witness], a.counterpart.start,
                                  a.counterpart.end))
                  for a in edition.annotations.values() if a.counterpart is not None}
    zone = edition.surfaces[0].zones[0]
    zone_covered = _covered(ident.ids["typed"], zone.start, zone.end)
    ids_before = set(edition.annotations)

    for wid, start, end, new in edits:
        last = {a.id: (a.start, a.end, edition.quote(a)) for a in edition.annotations.values()}
        was_span = {a.id for a in edition.annotations.values() if not a.is_point}
        ops.edit_text(edition, wid, start, end, new, who="ed")
        ident.apply(wid, start, end, new)
        for ann in edition.annotations.values():
            length = len(edition.text(ann.witness))
            assert 0 <= ann.start <= ann.end <= length
            if ann.id in was_span and ann.is_point:
                # its words were all deleted by this edit: orphaned, with its last quote
                assert ann.status == "orphaned"
                assert ann.anchoring.state == "orphaned"
                assert ann.anchoring.quote == last[ann.id][2]
                assert (ann.anchoring.old_start, ann.anchoring.old_end) == last[ann.id][:2]
                # collapsed where its words were
                assert ann.witness == wid and start <= ann.start <= start + len(new)

    assert set(edition.annotations) == ids_before          # none disappears
    for ann in edition.annotations.values():
        where = ident.where(ann.witness)
        if ann.id in left_of_point:
            left = left_of_point[ann.id]
            if left is None:
                assert ann.start == 0
            elif left in where:
                # a point keeps its place: just after the same character
                assert (ann.start, ann.end) == (where[left] + 1, where[left] + 1)
        else:
            exact = _exact_range(covered[ann.id], where)
            if exact is not None:
                # its words were never touched: same characters, same words
                assert (ann.start, ann.end) == exact
                assert edition.quote(ann) == original_quote[ann.id]
                assert ann.anchoring is None
            if ann.is_point:
                assert ann.status == "orphaned" and ann.anchoring.state == "orphaned"
        if ann.id in cp_covered:
            cwid, cids = cp_covered[ann.id]
            exact = _exact_range(cids, ident.where(cwid))
            if exact is not None:
                assert (ann.counterpart.start, ann.counterpart.end) == exact
    exact = _exact_range(zone_covered, ident.where("typed"))
    if exact is not None:
        assert (zone.start, zone.end) == exact


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_undo_restores_the_edition_exactly_and_redo_replays_it(data):
    edition = data.draw(editions())
    edits = data.draw(edits_for(edition))
    # how consecutive edits are merged into undo steps, as the window merges typing
    merge = data.draw(st.lists(st.booleans(), min_size=len(edits), max_size=len(edits)))
    original = copy.deepcopy(edition)
    changes: list[ops.Change] = []
    for (wid, start, end, new), join in zip(edits, merge):
        change = ops.edit_text(edition, wid, start, end, new, who="ed")
        if join and changes:
            changes[-1] = changes[-1].merged_with(change)
        else:
            changes.append(change)
    edited = copy.deepcopy(edition)
    for change in reversed(changes):
        ops.undo(edition, change)
    assert edition == original
    for change in changes:
        ops.redo(edition, change)
    assert edition == edited
    for change in reversed(changes):
        ops.undo(edition, change)
    assert edition == original


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_typing_at_a_marks_edge_does_not_grow_it_typing_inside_does(data):
    edition = data.draw(editions())
    spans = [a for a in edition.annotations.values()
             if not a.is_point and a.witness == "typed"]
    assume(spans)
    ann = data.draw(st.sampled_from(spans))
    typed = data.draw(st.sampled_from(["x", "new words ", "𝔄"]))
    start, end, quote = ann.start, ann.end, edition.quote(ann)
    where = data.draw(st.sampled_from(["start", "end", "inside"]))
    if where == "inside":
        assume(end - start >= 2)
        at = data.draw(st.integers(start + 1, end - 1))
    else:
        at = start if where == "start" else end
    ops.edit_text(edition, "typed", at, at, typed)
    if where == "start":
        assert (ann.start, ann.end) == (start + len(typed), end + len(typed))
        assert edition.quote(ann) == quote
    elif where == "end":
        assert (ann.start, ann.end) == (start, end)
        assert edition.quote(ann) == quote
    else:
        assert (ann.start, ann.end) == (start, end + len(typed))
        assert edition.quote(ann) == quote[:at - start] + typed + quote[at - start:]


# -- plain cases -----------------------------------------------------------------------


def _edition(text: str = "The Chinese comrades asked Mao.") -> Edition:
    edition = Edition()
    edition.add_witness(Witness("typed", text=text))
    return edition


def test_a_point_keeps_its_place_and_typed_text_goes_after_it():
    edition = _edition()
    ops.add_annotation(edition, "typed", 11, 11, "note", note="who?", annotation_id="n1")
    ops.edit_text(edition, "typed", 11, 11, " delegation")
    note = edition.annotations["n1"]
    assert (note.start, note.end) == (11, 11)
    assert edition.text("typed")[:note.start] == "The Chinese"
    # a deletion around it leaves it where the text was, not orphaned
    ops.edit_text(edition, "typed", 4, 22, "")
    assert (note.start, note.end) == (4, 4) and note.status == "proposed"


def test_a_fully_deleted_mark_is_orphaned_with_its_last_quote():
    edition = _edition()
    ops.add_annotation(edition, "typed", 4, 11, "supplied", annotation_id="s1",
                       status="accepted")
    ops.edit_text(edition, "typed", 4, 5, "c")             # the words change first
    change = ops.edit_text(edition, "typed", 3, 12, " ", who="ed")
    ann = edition.annotations["s1"]
    assert ann.status == "orphaned"
    assert (ann.start, ann.end) == (4, 4)
    assert ann.anchoring.quote == "chinese"
    assert (ann.anchoring.old_start, ann.anchoring.old_end) == (4, 11)
    assert ann.history[-1].action == "orphaned" and ann.history[-1].who == "ed"
    ops.undo(edition, change)
    assert edition.quote(ann) == "chinese" and ann.anchoring is None


def test_changing_the_words_of_an_accepted_mark_sends_it_back_to_proposed():
    edition = _edition()
    ops.add_annotation(edition, "typed", 4, 20, "unclear", annotation_id="u1",
                       status="accepted")
    ops.edit_text(edition, "typed", 21, 26, "begged")     # beside it: nothing changes
    assert edition.annotations["u1"].status == "accepted"
    ops.edit_text(edition, "typed", 5, 6, "H")             # inside it
    ann = edition.annotations["u1"]
    assert ann.status == "proposed" and ann.history[-1].action == "modified"


def test_a_substitution_split_follows_the_edit():
    edition = _edition("one two")
    ops.add_annotation(edition, "typed", 0, 7, "substitution", {"split": "4"},
                       annotation_id="s")
    ops.edit_text(edition, "typed", 1, 1, "xx")            # inside the deleted part
    assert edition.annotations["s"].attrs["split"] == "6"
    ops.edit_text(edition, "typed", 8, 9, "")              # inside the added part
    assert edition.annotations["s"].attrs["split"] == "6"


def test_typing_moves_later_marks_counterparts_zones_and_page_starts_and_undo_restores():
    edition = _edition("alpha beta gamma delta")
    edition.add_witness(Witness("handwritten", text="alpha gamma delta"))
    ops.add_annotation(edition, "handwritten", 6, 11, "variant", annotation_id="v",
                       counterpart=Span("typed", 11, 16))
    ops.add_annotation(edition, "typed", 17, 22, "sic", annotation_id="late")
    zone = Zone("z", [(0, 0), (1, 0), (1, 1), (0, 1)], "typed", 11, 16)
    edition.surfaces.append(Surface("p2", "typed", "p2.png", text_start=17, zones=[zone]))
    original = copy.deepcopy(edition)
    change = ops.edit_text(edition, "typed", 0, 5, "A")
    assert edition.annotations["late"].start == 13 and edition.quote(
        edition.annotations["late"]) == "delta"
    assert (edition.annotations["v"].counterpart.start,
            edition.annotations["v"].counterpart.end) == (7, 12)
    assert (zone.start, zone.end) == (7, 12) and edition.surfaces[0].text_start == 13
    assert "late" not in change.before        # only shifted: no snapshot
    ops.undo(edition, change)
    assert edition == original


def test_merged_typing_undoes_as_one_step():
    edition = _edition("ab cd ef")
    ops.add_annotation(edition, "typed", 3, 5, "addition", annotation_id="cd")
    ops.add_annotation(edition, "typed", 6, 8, "deletion", annotation_id="ef")
    original = copy.deepcopy(edition)
    change = ops.Change()
    for i, ch in enumerate("xyz"):          # typed at the start: both marks shift
        change = change.merged_with(ops.edit_text(edition, "typed", i, i, ch))
    change = change.merged_with(ops.edit_text(edition, "typed", 6, 8, ""))   # cd deleted
    assert edition.annotations["cd"].status == "orphaned"
    edited = copy.deepcopy(edition)
    ops.undo(edition, change)
    assert edition == original
    ops.redo(edition, change)
    assert edition == edited


def test_every_kind_declares_its_edges_in_one_place():
    for kind in KINDS:
        s = spec(kind)
        assert s.start_bias == (-1 if s.inclusive_start else 1)
        assert s.end_bias == (1 if s.inclusive_end else -1)
        assert s.point_bias in (-1, 1)


def test_an_orphan_keeps_the_record_of_its_first_words():
    from editor.model import Anchoring
    edition = _edition("one two three four")
    # an orphan a person stretched over some words without settling it (or a hand-made file)
    ann = Annotation("s", "typed", 4, 7, "sic", status="orphaned",
                     anchoring=Anchoring("orphaned", "tow", 4, 7, 0.0))
    edition.add_annotation(ann)
    ops.edit_text(edition, "typed", 3, 8, " ")
    assert ann.is_point and ann.anchoring.quote == "tow" and not ann.history


def test_a_header_change_combined_with_a_text_edit_redoes_both():
    """Declaring a person and editing a text in one step: redo must not bring back the
    text the header snapshot saw (headers never carry texts of living witnesses)."""
    from editor.model import Edition, Witness
    from editor.model import operations as ops
    e = Edition()
    e.add_witness(Witness("typed", text="old words here"))
    declare = ops.update_header(e, lambda ed: ed.person_for("Jane Doe", "editor"))
    edit = ops.edit_text(e, "typed", 0, 3, "new")
    both = ops.combine([declare, edit], "Declare and edit")
    ops.undo(e, both)
    assert e.text("typed") == "old words here" and not e.people
    ops.redo(e, both)
    assert e.text("typed") == "new words here" and e.person_for("Jane Doe").id in e.people
