"""Position maps (editor.model.mapping): bias, deletion, inversion, composition.

The properties compare the maps with a model that gives every character an identity:
a position is a gap between two characters, and mapping must keep every surviving
character on the same side of it.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.model.annotation import Annotation, Span
from editor.model.mapping import Mapping, MapResult, StepMap, rebase_snapshot
from editor.model.operations import TextEdit

# -- unit cases ------------------------------------------------------------------------


def test_insertion_bias_decides_the_side():
    step = StepMap.replace(3, 3, 2)           # insert two characters at 3
    assert step.map(3, -1) == 3
    assert step.map(3, 1) == 5
    assert step.map(2, 1) == 2 and step.map(4, -1) == 6
    assert not step.map_result(3, 1).deleted


def test_replacement_edges_ignore_bias_and_inside_is_deleted():
    step = StepMap.replace(2, 5, 1)           # [2, 5) -> one character
    assert step.map(2, 1) == 2 and step.map(2, -1) == 2
    assert step.map(5, 1) == 3 and step.map(5, -1) == 3
    assert step.map_result(3, -1) == MapResult(2, True)
    assert step.map_result(4, 1) == MapResult(3, True)
    assert step.invert().recover(step.map_result(4, 1).recover) == 4   # what undo needs
    assert step.map(9) == 7


def test_touching_ranges_are_one_replacement():
    step = StepMap([(0, 2, 0), (2, 0, 3)])    # delete [0, 2) then insert 3 at 2
    assert step.ranges == ((0, 2, 3),)
    assert step.map(2, 1) == 3                # not lost before the insertion


def test_ranges_must_be_sorted_and_disjoint():
    with pytest.raises(ValueError):
        StepMap([(5, 2, 0), (1, 1, 0)])
    with pytest.raises(ValueError):
        StepMap([(0, 3, 0), (2, 1, 0)])
    with pytest.raises(ValueError):
        StepMap([(-1, 0, 1)])


def test_many_ranges_map_by_binary_search():
    step = StepMap((10 * i, 2, 5) for i in range(1000))   # each adds 3
    assert step.map(10 * 500 + 7) == 10 * 500 + 7 + 3 * 501
    assert step.map(10 * 500, -1) == 10 * 500 + 3 * 500
    assert step.map_result(10 * 500 + 1, 1) == MapResult(10 * 500 + 3 * 500 + 5, True)
    assert step.delta == 3000


def test_changes_inside_ignores_insertions_at_the_edges():
    assert not StepMap.replace(5, 5, 3).changes_inside(5, 9)
    assert not StepMap.replace(9, 9, 3).changes_inside(5, 9)
    assert StepMap.replace(6, 6, 3).changes_inside(5, 9)
    assert StepMap.replace(8, 12, 0).changes_inside(5, 9)
    assert not StepMap.replace(9, 12, 0).changes_inside(5, 9)
    assert not StepMap.replace(0, 5, 1).changes_inside(5, 9)
    assert StepMap([(0, 1, 0), (5, 1, 1), (20, 0, 1)]).changes_inside(5, 9)
    assert not StepMap([(0, 1, 0), (20, 0, 1)]).changes_inside(5, 9)


def test_invert_and_compose():
    first = StepMap.replace(0, 0, 4)          # insert 4 at the start
    second = StepMap.replace(10, 12, 0)       # then delete [10, 12)
    mapping = Mapping([first, second])
    assert mapping.map(11) == 13              # +4, then -2
    assert mapping.invert().map(mapping.map(11)) == 11
    assert mapping.compose(Mapping([StepMap.replace(0, 1, 0)])).map(11) == 12
    # 7 becomes 11, inside the deletion: the plain inverse cannot bring it back...
    assert mapping.map_result(7) == MapResult(10, True)
    assert mapping.invert().map(10) == 8
    # ...the mirrored round trip can
    assert mapping.with_inverse().map(7) == 7
    assert [mapping.with_inverse().map(p, b) for p in range(20) for b in (-1, 1)] == \
        [p for p in range(20) for _ in (-1, 1)]


def test_rebase_snapshot_moves_only_what_lies_after_the_edit():
    ann = Annotation("a", "typed", 10, 14, "addition", counterpart=Span("hw", 3, 5))
    edits = [TextEdit("typed", 2, "", "xyz"), TextEdit("hw", 0, "ab", "")]
    later = rebase_snapshot(ann, edits)
    assert (later.start, later.end) == (13, 17)
    assert (later.counterpart.start, later.counterpart.end) == (1, 3)
    assert (ann.start, ann.end) == (10, 14)             # the snapshot itself is untouched
    back = rebase_snapshot(later, edits, undo=True)
    assert back == ann
    assert rebase_snapshot(ann, [TextEdit("typed", 20, "", "x")]) is ann
    assert rebase_snapshot(None, edits) is None


# -- properties ------------------------------------------------------------------------

@st.composite
def edit_sequences(draw):
    """A text length and a list of single-range edits ``(start, end, new_size)``, each in
    the coordinates of the text left by the previous ones."""
    original = length = draw(st.integers(0, 30))
    edits = []
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, length))
        end = draw(st.integers(start, min(length, start + 8)))
        new_size = draw(st.integers(0, 5))
        edits.append((start, end, new_size))
        length += new_size - (end - start)
    return original, edits


@st.composite
def multi_range_steps(draw):
    """A text length and one StepMap with several disjoint ranges (like a diff)."""
    length = draw(st.integers(0, 40))
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=8)))
    ranges, last = [], 0
    for a, b in zip(cuts[::2], cuts[1::2]):
        if a < last:
            continue
        ranges.append((a, b - a, draw(st.integers(0, 4))))
        last = b
    return length, StepMap(ranges)


def _apply_identity(ids: list, start: int, end: int, new_size: int, counter: list) -> list:
    new_ids = []
    for _ in range(new_size):
        counter[0] += 1
        new_ids.append(-counter[0])         # inserted characters get fresh negative ids
    return ids[:start] + new_ids + ids[end:]


@settings(max_examples=300, deadline=None)
@given(edit_sequences(), st.sampled_from([-1, 1]))
def test_mapping_keeps_every_surviving_character_on_its_side(data, bias):
    original_length, edits = data
    ids = list(range(original_length))
    counter = [0]
    mapping = Mapping()
    for start, end, new_size in edits:
        ids = _apply_identity(ids, start, end, new_size, counter)
        mapping.append(StepMap.replace(start, end, new_size))
    where = {cid: i for i, cid in enumerate(ids)}
    inverse = mapping.invert()
    round_trip = mapping.with_inverse()
    for pos in range(original_length + 1):
        result = mapping.map_result(pos, bias)
        assert 0 <= result.pos <= len(ids)
        for cid in range(original_length):
            if cid in where:
                # characters before the gap stay before it, the others after it
                assert (where[cid] < result.pos) == (cid < pos)
        # through the edits and back through their inverses: the same position, even
        # where the edits deleted it (the mirrors recover it)
        assert round_trip.map(pos, bias) == pos
        assert not round_trip.map_result(pos, bias).deleted
        if not result.deleted and not _at_a_deletion_edge(mapping, pos, bias):
            assert inverse.map(result.pos, bias) == pos


@settings(max_examples=300, deadline=None)
@given(multi_range_steps(), st.sampled_from([-1, 1]))
def test_multi_range_step_inverts_exactly(data, bias):
    length, step = data
    inverse = step.invert()
    for pos in range(length + 1):
        result = step.map_result(pos, bias)
        # a naive scan gives the same answer as the binary search
        assert result == _naive_map(step, pos, bias)
        if result.recover is not None:
            assert inverse.recover(result.recover) == pos
        if not result.deleted and not _at_a_deletion_edge(Mapping([step]), pos, bias):
            assert inverse.map(result.pos, bias) == pos
        assert Mapping([step]).with_inverse().map(pos, bias) == pos


def _at_a_deletion_edge(mapping: Mapping, pos: int, bias: int) -> bool:
    """True when some step deletes text next to the position on the side the bias does
    not restore: the start of a deletion with bias +1, its end with bias -1 (after a
    deletion both edges are one position; only a mirror can tell them apart)."""
    for step in mapping.maps:
        result = step.map_result(pos, bias)
        if result.recover is not None:
            index, offset = result.recover
            _, old_size, new_size = step.ranges[index]
            if new_size == 0 and old_size and offset in ((0,) if bias > 0 else (old_size,)):
                return True
        pos = result.pos
    return False


def _naive_map(step: StepMap, pos: int, bias: int) -> MapResult:
    diff = 0
    for start, old_size, new_size in step.ranges:
        if start > pos:
            break
        end = start + old_size
        if pos <= end:
            side = bias if old_size == 0 or start < pos < end else (-1 if pos == start else 1)
            return MapResult(start + diff + (0 if side < 0 else new_size), start < pos < end)
        diff += new_size - old_size
    return MapResult(pos + diff, False)


@settings(max_examples=200, deadline=None)
@given(multi_range_steps(), st.integers(0, 40), st.integers(0, 40))
def test_changes_inside_agrees_with_a_scan(data, a, b):
    length, step = data
    start, end = min(a, b, length), min(max(a, b), length)
    expected = start < end and any(
        (o == 0 and start < s < end) or (o > 0 and s < end and s + o > start)
        for s, o, _ in step.ranges)
    assert step.changes_inside(start, end) == expected
    touches = any(s <= end and s + o >= start for s, o, _ in step.ranges)
    assert step.touches(start, end) == touches
