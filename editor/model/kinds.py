"""The kinds of annotation, declared in one place.

Each kind says which TEI element it stands for, which attributes it carries, whether
it may sit at a point (a zero-length range), and how its edges behave when text is
inserted exactly at them (see :mod:`editor.model.mapping` for the bias convention).

Edge behaviour, for every kind unless declared otherwise:

* a mark does not grow when text is typed at its start or its end; typing strictly
  inside it grows it (``inclusive_start = inclusive_end = False``);
* a point (zero-length) annotation stays *before* text inserted at its position,
  i.e. it keeps to the character it follows (``point_bias = -1``).
"""

from __future__ import annotations

from dataclasses import dataclass

#: attribute names the model knows, following TEI.
KNOWN_ATTRIBUTES = (
    "hand", "place", "rend", "reason", "resp", "extent", "unit", "quantity",
    "type", "corr", "expan", "agent", "source", "evidence", "split",
)


@dataclass(frozen=True)
class KindSpec:
    id: str
    label: str
    tei: str                      # the TEI element the mark stands for
    attributes: tuple[str, ...]   # attributes an editor may set on this kind
    motivation: str = "editing"   # W3C / TEI annotation motivation
    point_ok: bool = False        # may be zero-length
    span_ok: bool = True          # may cover text
    inclusive_start: bool = False
    inclusive_end: bool = False
    point_bias: int = -1
    description: str = ""

    @property
    def start_bias(self) -> int:
        """Bias used to map the start: +1 keeps the start after text inserted at it."""
        return -1 if self.inclusive_start else 1

    @property
    def end_bias(self) -> int:
        """Bias used to map the end: -1 keeps the end before text inserted at it."""
        return 1 if self.inclusive_end else -1


KINDS: dict[str, KindSpec] = {k.id: k for k in (
    KindSpec("addition", "Addition", "add", ("hand", "place", "rend", "type"),
             description="Words added to the document, by the writer or another hand."),
    KindSpec("deletion", "Deletion", "del", ("hand", "rend", "type", "extent"),
             description="Words struck out, erased or otherwise cancelled."),
    KindSpec("substitution", "Substitution", "subst", ("hand", "place", "rend", "split"),
             description="Words replaced by others: a deletion followed by an addition."),
    KindSpec("supplied", "Supplied", "supplied", ("reason", "resp", "source", "evidence", "rend"),
             description="Words the editor or translator supplies that the document lacks."),
    KindSpec("sic", "Sic", "sic", ("corr", "rend"),
             description="Reproduced as written although apparently wrong ([sic])."),
    KindSpec("unclear", "Unclear", "unclear", ("reason", "agent", "extent", "rend"),
             description="Words that are hard to read; the reading is uncertain."),
    KindSpec("gap", "Gap", "gap", ("reason", "extent", "unit", "quantity", "agent"),
             point_ok=True,
             description="Text left out of the transcription: illegible, damaged or omitted."),
    KindSpec("note", "Note", "note", ("type", "place", "rend", "resp"),
             motivation="commenting", point_ok=True,
             description="A note by the translator, the editor or the author."),
    KindSpec("variant", "Variant", "app", ("type",), motivation="linking", point_ok=True,
             description="A reading of one version tied to the corresponding place in another."),
    KindSpec("expansion", "Expansion", "expan", ("expan", "rend"),
             description="An abbreviation and its expanded form."),
    KindSpec("remark", "Remark", "seg", ("type",), motivation="commenting", point_ok=True,
             description="An editorial bracket Variorum could not classify, kept word for word."),
)}

KIND_IDS = tuple(KINDS)

#: note types the interface offers.
NOTE_TYPES = ("translator", "editor", "author")


def spec(kind: str) -> KindSpec:
    """The declaration of ``kind``; unknown kinds are treated as remarks."""
    return KINDS.get(kind, KINDS["remark"])


#: attributes whose TEI datatype is one token (whitespace inside becomes "-")
TOKEN_ATTRIBUTES = frozenset({"place", "type", "unit", "agent", "evidence"})
#: attributes holding free text (kept as written)
TEXT_ATTRIBUTES = frozenset({"extent", "corr", "expan"})


def normalise_attrs(attrs: dict[str, str]) -> dict[str, str]:
    """Attribute values as the model keeps them: empty values dropped, tokens without
    whitespace, word lists (``rend``, ``reason``, pointers) single-spaced."""
    out = {}
    for name, value in attrs.items():
        value = "" if value is None else str(value)
        if name in TEXT_ATTRIBUTES:
            value = value.strip()
        elif name in TOKEN_ATTRIBUTES:
            value = "-".join(value.split())
        else:
            value = " ".join(value.split())
        if value:
            out[name] = value
    return out
