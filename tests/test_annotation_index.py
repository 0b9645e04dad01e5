"""The panes' look-up of annotations by range."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.model import Annotation
from editor.ui.annotation_index import LONG, WitnessIndex


def brute(anns, start, end):
    return {a.id for a in anns if a.witness == "w" and (
        (a.start < end and a.end > start) or (a.start == a.end and start <= a.start <= end))}


spans = st.lists(st.tuples(st.integers(0, 200), st.integers(0, 40), st.booleans()), max_size=40)


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(0, 240), st.integers(0, 60), st.data())
def test_overlapping_matches_a_plain_scan_after_updates(raw, qstart, qlen, data):
    anns = {}
    for i, (start, length, long_) in enumerate(raw):
        end = start + (LONG + 5 if long_ and i % 5 == 0 else length)
        anns[f"a{i}"] = Annotation(f"a{i}", "w" if i % 7 else "other", start, end, "note")
    index = WitnessIndex("w", anns.values())
    assert {a.id for a in index.overlapping(qstart, qstart + qlen)} == \
        brute(anns.values(), qstart, qstart + qlen)
    # move, delete and add some, then update with their ids
    changed = set()
    for aid in data.draw(st.lists(st.sampled_from(sorted(anns) or ["x"]), max_size=5)):
        if aid in anns:
            if data.draw(st.booleans()):
                del anns[aid]
            else:
                anns[aid].start = data.draw(st.integers(0, 200))
                anns[aid].end = anns[aid].start + data.draw(st.integers(0, 30))
            changed.add(aid)
    anns["new"] = Annotation("new", "w", 10, 12, "note")
    changed.add("new")
    index.update(changed, anns)
    assert {a.id for a in index.overlapping(qstart, qstart + qlen)} == \
        brute(anns.values(), qstart, qstart + qlen)
