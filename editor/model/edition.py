"""The edition: metadata, witnesses, hands, people and standoff annotations."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from editor.model.annotation import Annotation
from editor.model.text import normalise_newlines

WITNESS_KINDS = ("typed", "handwritten", "printed", "other")

_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def is_ncname(value: str) -> bool:
    """True when ``value`` can be an ``xml:id`` (an XML NCName, ASCII subset)."""
    return bool(_NCNAME.match(value))


def make_ncname(value: str, fallback: str = "id") -> str:
    """A readable ``xml:id`` built from ``value`` (``"Gary Goldberg"`` -> ``"gary-goldberg"``)."""
    slug = re.sub(r"[^A-Za-z0-9_.\-]+", "-", value.strip().lower()).strip("-.")
    if not slug:
        slug = fallback
    if not (slug[0].isalpha() or slug[0] == "_"):
        slug = f"{fallback}-{slug}"
    return slug


@dataclass
class Metadata:
    """What the edition says about the document (stats keys in brackets)."""

    title: str = ""
    date: str = ""             # ISO 8601, possibly partial: 1956-09-19, 1956-09, 1956  [date]
    date_text: str = ""        # the date as the source writes it ("September 19, 1956")
    classification: str = ""   # "Secret", "Top Secret", ...
    source: str = ""           # the archival reference
    repository: str = ""       # the archive holding the original, when known
    translator: str = ""
    authors: list[str] = field(default_factory=list)
    responsible: list[tuple[str, str]] = field(default_factory=list)  # (role, name), others
    rights: str = ""
    record_id: str = ""
    summary: str = ""
    language: str = ""
    uploaded: str = ""         # "Original Uploaded Date" of a digital archive
    publisher: str = ""
    extra: dict[str, str] = field(default_factory=dict)   # any further labelled facts

    def as_stats(self) -> dict[str, str]:
        """The metadata keys the ``stats`` command promises."""
        return {
            "title": self.title,
            "date": self.date,
            "classification": self.classification,
            "source": self.source,
            "translator": self.translator,
            "rights": self.rights,
            "record_id": self.record_id,
            "summary": self.summary,
            "language": self.language,
        }


@dataclass
class Person:
    """Someone responsible for annotations or reviews."""

    id: str
    name: str
    initials: str = ""
    role: str = ""        # "translator", "editor", "reviewer", "software", ...


@dataclass
class Hand:
    """A hand (writer, and the instrument used) declared for the edition."""

    id: str
    label: str = ""
    scribe: str = ""
    medium: str = ""      # pencil, ink, typewriter, ...
    description: str = ""


@dataclass
class Witness:
    """One version of the document, its text held as one string.

    Paragraphs are separated by exactly one blank line; line endings are normalised
    when the witness is made (see :func:`editor.model.text.normalise_newlines`).
    """

    id: str
    label: str = ""
    kind: str = "other"
    text: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        self.text = normalise_newlines(self.text)
        if not self.label:
            self.label = self.id.replace("-", " ").replace("_", " ").capitalize()


@dataclass
class Zone:
    """A region of a page image, linked to text or to an annotation.

    ``points`` are image pixel coordinates; a rectangle is stored as its four corners.
    """

    id: str
    points: list[tuple[float, float]]
    witness: str = ""
    start: int = 0
    end: int = 0
    annotation: str = ""      # id of a linked annotation, or ""
    label: str = ""

    @property
    def is_rectangle(self) -> bool:
        if len(self.points) != 4:
            return False
        xs = sorted({round(x, 6) for x, _ in self.points})
        ys = sorted({round(y, 6) for _, y in self.points})
        return len(xs) == 2 and len(ys) == 2

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        xs = [x for x, _ in self.points]
        ys = [y for _, y in self.points]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass
class Surface:
    """One page image of a witness, referenced by a path relative to the edition file."""

    id: str
    witness: str
    path: str
    page: int = 0             # frame of a multi-page image (TIFF)
    width: int = 0
    height: int = 0
    text_start: int = 0       # where this page's text starts in the witness (code points)
    label: str = ""
    zones: list[Zone] = field(default_factory=list)


@dataclass
class Edition:
    """A documentary edition with its witnesses and standoff annotations."""

    metadata: Metadata = field(default_factory=Metadata)
    witnesses: dict[str, Witness] = field(default_factory=dict)
    hands: dict[str, Hand] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    annotations: dict[str, Annotation] = field(default_factory=dict)
    surfaces: list[Surface] = field(default_factory=list)
    #: differences of the alignment an editor marked as explained (ids of variants)
    explained: list[str] = field(default_factory=list)

    # -- witnesses ---------------------------------------------------------------
    def add_witness(self, witness: Witness) -> Witness:
        if witness.id in self.witnesses:
            raise ValueError(f"a witness with id {witness.id!r} already exists")
        self.witnesses[witness.id] = witness
        return witness

    def text(self, witness_id: str) -> str:
        return self.witnesses[witness_id].text

    # -- annotations -------------------------------------------------------------
    def add_annotation(self, annotation: Annotation) -> Annotation:
        if annotation.id in self.annotations:
            raise ValueError(f"an annotation with id {annotation.id!r} already exists")
        self.annotations[annotation.id] = annotation
        return annotation

    def annotations_of(self, witness_id: str) -> list[Annotation]:
        """Annotations of one witness, in document order."""
        found = [a for a in self.annotations.values() if a.witness == witness_id]
        found.sort(key=Annotation.sort_key)
        return found

    def sorted_annotations(self) -> list[Annotation]:
        order = {w: i for i, w in enumerate(self.witnesses)}
        return sorted(self.annotations.values(),
                      key=lambda a: (order.get(a.witness, len(order)), a.start, -a.end, a.id))

    def quote(self, annotation: Annotation) -> str:
        """The text the annotation covers now (its last quote when orphaned)."""
        if annotation.anchoring is not None and annotation.anchoring.state == "orphaned":
            return annotation.anchoring.quote
        witness = self.witnesses.get(annotation.witness)
        if witness is None:
            return ""
        return witness.text[annotation.start:annotation.end]

    def new_id(self, prefix: str = "ann") -> str:
        """A fresh identifier not used by any annotation, hand, person, witness or zone."""
        taken = self._ids()
        for n in itertools.count(len(self.annotations) + 1 if prefix == "ann" else 1):
            candidate = f"{prefix}-{n}"
            if candidate not in taken:
                return candidate
        raise AssertionError("unreachable")

    def _ids(self) -> set[str]:
        ids = set(self.annotations) | set(self.hands) | set(self.people) | set(self.witnesses)
        for surface in self.surfaces:
            ids.add(surface.id)
            ids.update(z.id for z in surface.zones)
        return ids

    # -- people and hands --------------------------------------------------------
    def person_for(self, name: str, role: str = "", initials: str = "") -> Person:
        """The person called ``name``, declared on first use."""
        for person in self.people.values():
            if person.name == name:
                return person
        pid = make_ncname(name, "person")
        base, n = pid, 2
        while pid in self._ids():
            pid, n = f"{base}-{n}", n + 1
        person = Person(pid, name, initials, role)
        self.people[pid] = person
        return person

    def person_name(self, pid: str) -> str:
        person = self.people.get(pid)
        return person.name if person else pid

    def hand_label(self, hid: str) -> str:
        hand = self.hands.get(hid)
        return (hand.label or hand.id) if hand else hid
