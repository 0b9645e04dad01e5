"""Model code points <-> Qt UTF-16 positions, tested with text outside the BMP."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.ui.positions import PositionMap, qt_text_to_model

CHARS = st.sampled_from(list("ab \n") + ["𝔄", "😀", "é", "\u0301"])


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(st.lists(CHARS, max_size=40).map("".join))
def test_round_trip_every_position(text):
    pmap = PositionMap(text)
    for cp in range(len(text) + 1):
        u16 = pmap.to_qt(cp)
        assert u16 == utf16_len(text[:cp])
        assert pmap.to_model(u16) == cp


@settings(max_examples=200)
@given(st.lists(CHARS, max_size=30).map("".join), st.data())
def test_incremental_update_matches_fresh_map(text, data):
    pmap = PositionMap(text)
    for _ in range(5):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        new = data.draw(st.lists(CHARS, max_size=5).map("".join))
        text = text[:start] + new + text[end:]
        pmap.replace(start, end, new)
        assert pmap.astral == PositionMap(text).astral


def test_inside_a_surrogate_pair_rounds_down():
    pmap = PositionMap("a𝔄b")
    assert pmap.to_qt(1) == 1 and pmap.to_qt(2) == 3
    assert pmap.to_model(2) == 1        # between the two halves of 𝔄


def test_qt_block_separators_become_newlines():
    assert qt_text_to_model("a\u2029b\u2028c") == "a\nb\nc"
