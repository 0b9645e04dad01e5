"""Hypothesis strategies for random editions (shared by the property tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from editor.model.kinds import normalise_attrs
from editor.model import (Anchoring, Annotation, Edition, Hand, ReviewEvent, Span, Witness,
                          KINDS)

# Letters from several scripts, combining marks, right-to-left text and characters outside
# the Basic Multilingual Plane, plus the whitespace a transcription holds.
ALPHABET = st.sampled_from(
    list("abcdefghij ABC .,;:!?'\"-") + ["\n", "\n\n", "\t", "é", "e\u0301", "ß", "ø",
    "א", "ב", "ש", "ل", "م", "ع", "中", "文", "𝔄", "𝔅", "😀", "\u200f", "&", "<", ">", "]", "["]
)

TEXTS = st.lists(ALPHABET, max_size=60).map("".join)
TOKENS = st.sampled_from(["above", "below", "margin", "inline", "overwritten", "x1", "#a"])
WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp")), max_size=12)
STAMPS = st.sampled_from(["2026-11-27T10:00:00Z", "2025-01-02T03:04:05Z", ""])


def attrs_for(kind: str, hands: list[str], people: list[str]):
    spec = KINDS[kind]
    options = {}
    for name in spec.attributes:
        if name == "split":
            continue
        if name == "hand":
            if hands:
                options[name] = st.sampled_from(hands)
        elif name in ("resp", "source"):
            if people:
                options[name] = st.sampled_from(people)
        elif name == "quantity":
            options[name] = st.sampled_from(["1", "2", "0.5"])
        elif name in ("place", "type", "unit", "agent", "evidence"):
            options[name] = TOKENS
        else:
            options[name] = WORDS.filter(lambda s: s and s == s.strip() and "  " not in s)
    if not options:
        return st.just({})
    return st.dictionaries(st.sampled_from(sorted(options)), st.nothing(), max_size=0).flatmap(
        lambda _: st.fixed_dictionaries({}, optional=options))


@st.composite
def editions(draw, max_annotations: int = 12) -> Edition:
    edition = Edition()
    md = edition.metadata
    md.title = draw(WORDS)
    md.translator = draw(st.sampled_from(["", "Gary Goldberg", "Ана Иванова"]))
    md.summary = draw(st.sampled_from(["", "One paragraph.", "Two\n\nparagraphs."]))
    md.record_id = draw(st.sampled_from(["", "121799"]))
    md.classification = draw(st.sampled_from(["", "Secret"]))
    n_wit = draw(st.integers(1, 3))
    ids = ["typed", "handwritten", "printed"][:n_wit]
    for wid in ids:
        raw = draw(TEXTS)
        if draw(st.booleans()):
            raw = raw.replace("\n", "\r\n")     # CRLF input is normalised on entry
        edition.add_witness(Witness(wid, wid.capitalize(), wid if wid != "printed" else "printed",
                                    raw))
    for i in range(draw(st.integers(0, 2))):
        hid = f"hand-{i + 1}"
        edition.hands[hid] = Hand(hid, draw(WORDS), draw(WORDS), draw(st.sampled_from(
            ["", "pencil", "blue ink"])), draw(WORDS))
    person = edition.person_for("Jane Doe", "editor", "JD")
    people = [person.id]
    hands = list(edition.hands)
    for n in range(draw(st.integers(0, max_annotations))):
        wid = draw(st.sampled_from(ids))
        text = edition.witnesses[wid].text
        kind = draw(st.sampled_from(sorted(KINDS)))
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        if start == end and not KINDS[kind].point_ok:
            if not text:
                continue
            start, end = (start - 1, start) if start else (0, 1)
        attrs = normalise_attrs(draw(attrs_for(kind, hands, people)))
        if kind == "substitution":
            attrs["split"] = str(draw(st.integers(0, end - start)))
        note = draw(WORDS) if kind in ("note", "remark") or draw(st.booleans()) else ""
        status = draw(st.sampled_from(["proposed", "accepted", "rejected", "queried"]))
        history = [ReviewEvent("proposed", person.id, draw(STAMPS), "created", "")]
        if status != "proposed":
            history.append(ReviewEvent(status, person.id, draw(STAMPS), "reviewed", draw(WORDS)))
        ann = Annotation(f"ann-{n + 1}", wid, start, end, kind, attrs, note, person.id,
                         draw(st.sampled_from(["", "high", "low", "0.5"])), status, history)
        if kind == "variant" and len(ids) > 1:
            other = draw(st.sampled_from([w for w in ids if w != wid]))
            otext = edition.witnesses[other].text
            cs = draw(st.integers(0, len(otext)))
            ann.counterpart = Span(other, cs, draw(st.integers(cs, len(otext))))
        if draw(st.integers(0, 9)) == 0:
            ann.anchoring = Anchoring("orphaned", text[start:end], start, end, 0.0)
            ann.end = ann.start
            ann.status = "orphaned"
        elif draw(st.integers(0, 9)) == 0 and end > start:
            ann.anchoring = Anchoring("fuzzy", draw(WORDS), start, end, 0.75)
        edition.add_annotation(ann)
    return edition
