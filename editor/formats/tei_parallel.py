"""TEI parallel segmentation: the witnesses as one text with ``app``/``rdg`` (out and in).

Writing
-------
The first witness (or ``options.witness``, or the first of ``options.witnesses``) is the
*base*: every other witness is aligned with it word by word
(:func:`editor.align.alignment.align_texts`).  Each difference, and each ``variant``
annotation, marks a stretch of the base; stretches that overlap or touch are merged, so
that with three or more witnesses one ``app`` holds every witness's reading of one place.
The text the witnesses share is written once; each difference becomes::

    <app><rdg wit="#typed">old words</rdg><rdg wit="#handwritten">new words</rdg></app>

with witnesses of identical readings grouped in one ``rdg`` and a witness lacking the
passage given an empty ``rdg``.  An ``app`` made from a ``variant`` annotation carries its
``type``, its id in ``@n`` and its note.  Differences in the number of spaces standing
together are not written (the base's spacing is used); any other difference of
whitespace is.

Paragraph breaks the witnesses share close one ``<p>`` and open the next; a line break
inside a paragraph is ``<lb/>``; a paragraph break inside one reading is
``<milestone unit="paragraph"/>``.  The header is the native file's (``listWit`` with
each witness, metadata, hands), with ``variantEncoding method="parallel-segmentation"``
and an ``application ident="variorum-parallel"`` so that the file is not mistaken for a
native edition.  Nothing is indented inside a ``<p>``: the spacing of the texts is theirs.

Reading
-------
:func:`import_tei_parallel` rebuilds each witness's text from any TEI document in
parallel segmentation: the text outside ``app`` belongs to every witness, inside ``app``
each witness takes the ``rdg``/``lem`` whose ``@wit`` names it (or a ``lem`` without
``@wit``), nested ``app`` and ``rdgGrp`` included.  Witnesses come from ``listWit`` (any
depth), else from the ``@wit`` values.  ``note`` and ``witDetail`` become ``note``
annotations, ``gap`` a ``gap`` annotation; other markup is kept as its text and counted in
the report.  Files written by Variorum keep their spacing exactly; in other files runs of
whitespace become one space, as XML pretty-printing demands.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from editor import __version__
from editor.align.alignment import EQUAL, REPLACE, Alignment, Segment, align_texts
from editor.errors import FileFormatError, VariorumError
from editor.formats import native
from editor.formats.readings import visible_annotations
from editor.formats.registry import ExportOptions, ImportResult
from editor.formats.xmlsafe import parse_bytes, parse_file
from editor.model.annotation import Annotation
from editor.model.edition import WITNESS_KINDS, Edition, Witness, is_ncname, make_ncname
from editor.model.operations import add_annotation
from editor.model.text import PARAGRAPH_SEPARATOR
from editor.model.validate import Problem

TEI_NS = native.TEI_NS
T = native.T
XML_ID = native.XML_ID
APPLICATION_IDENT = "variorum-parallel"


# ======================================================================================
# alignment of every witness with the base


def contiguous(segments: list[Segment], a_text: str, b_text: str) -> list[Segment]:
    """``segments`` with the holes between them filled, so that they tile both texts.

    The aligner leaves whitespace it trimmed from a difference's edges in no segment; a
    filler is ``equal`` when both sides read the same, ``replace`` otherwise.
    """
    out: list[Segment] = []
    pa = pb = 0

    def fill(a_end: int, b_end: int) -> None:
        if a_end > pa or b_end > pb:
            same = a_text[pa:a_end] == b_text[pb:b_end]
            out.append(Segment(EQUAL if same else REPLACE, pa, a_end, pb, b_end))

    for seg in segments:
        if seg.a_start < pa or seg.b_start < pb:   # never expected: keep the tiling sound
            continue
        fill(seg.a_start, seg.b_start)
        out.append(seg)
        pa, pb = seg.a_end, seg.b_end
    fill(len(a_text), len(b_text))
    return out


class _Projection:
    """Positions of the base mapped to one other witness through a tiling alignment."""

    def __init__(self, segments: list[Segment]):
        self.segments = segments
        self.a_starts = [s.a_start for s in segments]
        self.a_ends = [s.a_end for s in segments]

    def _inside(self, seg: Segment, pos: int) -> int:
        return seg.b_start + min(pos - seg.a_start, seg.b_end - seg.b_start)

    def left(self, pos: int) -> int:
        """Where base ``pos`` falls in the witness, *before* what the witness inserts
        there (bias -1)."""
        # the first segment that ends after pos or starts at or after it
        i = min(bisect.bisect_right(self.a_ends, pos), bisect.bisect_left(self.a_starts, pos))
        if i >= len(self.segments):
            return self.segments[-1].b_end if self.segments else 0
        seg = self.segments[i]
        return seg.b_start if seg.a_start >= pos else self._inside(seg, pos)

    def right(self, pos: int) -> int:
        """Where base ``pos`` falls in the witness, *after* what the witness inserts there
        (bias +1)."""
        # the last segment that starts before pos or ends at or before it
        i = max(bisect.bisect_left(self.a_starts, pos), bisect.bisect_right(self.a_ends, pos)) - 1
        if i < 0:
            return self.segments[0].b_start if self.segments else 0
        seg = self.segments[i]
        return seg.b_end if seg.a_end <= pos else self._inside(seg, pos)


@dataclass
class _Place:
    """A merged stretch ``[start, end]`` of the base where some witness differs."""

    start: int
    end: int
    variants: list[Annotation] = field(default_factory=list)


def _places(base_text: str, others: dict[str, tuple[str, list[Segment]]],
            variants: list[tuple[int, int, Annotation]]) -> list[_Place]:
    spans: list[tuple[int, int, Annotation | None]] = []
    for text, segments in others.values():
        for seg in segments:
            if seg.op != EQUAL or base_text[seg.a_start:seg.a_end] != text[seg.b_start:seg.b_end]:
                spans.append((seg.a_start, seg.a_end, None))
    spans.extend(variants)
    spans.sort(key=lambda s: (s[0], s[1]))
    places: list[_Place] = []
    for start, end, ann in spans:
        if places and start <= places[-1].end:
            places[-1].end = max(places[-1].end, end)
        else:
            places.append(_Place(start, end))
        if ann is not None:
            places[-1].variants.append(ann)
    return places


# ======================================================================================
# writing


def _order(edition: Edition, options: ExportOptions) -> list[str]:
    if not edition.witnesses:
        raise VariorumError("the edition has no witness to export")
    order = [w for w in (options.witnesses or []) if w in edition.witnesses]
    unknown = [w for w in (options.witnesses or []) if w not in edition.witnesses]
    if options.witness and options.witness not in edition.witnesses:
        unknown.append(options.witness)
    if unknown:
        raise VariorumError(f"the edition has no witness {unknown[0]!r}; it has "
                            f"{', '.join(edition.witnesses)}")
    if options.witness:
        order = [options.witness] + [w for w in order if w != options.witness]
    for wid in edition.witnesses:
        if wid not in order and not options.witnesses:
            order.append(wid)
    return order


class _Writer:
    """Appends text and elements to mixed content (text goes to ``.text`` or a ``.tail``)."""

    def __init__(self, parent):
        self.parent = parent

    def text(self, value: str) -> None:
        if not value:
            return
        if len(self.parent):
            last = self.parent[-1]
            last.tail = (last.tail or "") + value
        else:
            self.parent.text = (self.parent.text or "") + value

    def element(self, tag: str, **attrs):
        return native.element(self.parent, tag, **attrs)


def _write_lines(writer: _Writer, value: str, in_reading: bool) -> None:
    """``value`` with ``\\n`` as ``<lb/>`` (and, in a reading, ``\\n\\n`` as a milestone)."""
    paragraphs = value.split(PARAGRAPH_SEPARATOR) if in_reading else [value]
    for index, para in enumerate(paragraphs):
        if index:
            writer.element("milestone", unit="paragraph")
        for line_index, line in enumerate(para.split("\n")):
            if line_index:
                writer.element("lb")
            writer.text(line)


def to_tree(edition: Edition, options: ExportOptions | None = None) -> etree._ElementTree:
    """The parallel-segmentation TEI document of ``edition`` (see the module doc)."""
    options = options or ExportOptions()
    order = _order(edition, options)
    base = order[0]
    base_text = edition.text(base)
    others: dict[str, tuple[str, list[Segment]]] = {}
    for wid in order[1:]:
        text = edition.text(wid)
        others[wid] = (text, contiguous(align_texts(base_text, text), base_text, text))
    projections = {wid: _Projection(segs) for wid, (_, segs) in others.items()}

    variant_spans: list[tuple[int, int, Annotation]] = []
    for wid in order:
        for ann in visible_annotations(edition, wid, options.include_rejected):
            if ann.kind != "variant":
                continue
            span = _base_span(ann, base, others, len(base_text))
            if span is not None:
                variant_spans.append((*span, ann))
    places = _places(base_text, others, variant_spans)

    tei = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    native.write_header(tei, edition)
    _mark_header(tei)
    text_el = native.element(tei, "text")
    body = native.element(text_el, "body")
    paragraph = native.element(body, "p")
    writer = _Writer(paragraph)

    def shared(value: str) -> None:
        nonlocal paragraph, writer
        for index, para in enumerate(value.split(PARAGRAPH_SEPARATOR)):
            if index:
                paragraph = native.element(body, "p")
                writer = _Writer(paragraph)
            _write_lines(writer, para, in_reading=False)

    pos = 0
    for place in places:
        shared(base_text[pos:place.start])
        readings = {base: base_text[place.start:place.end]}
        for wid, projection in projections.items():
            readings[wid] = others[wid][0][projection.left(place.start):projection.right(place.end)]
        if not place.variants and _same_but_spacing(readings):
            shared(readings[base])
        else:
            _write_app(writer, order, readings, place.variants)
        pos = place.end
    shared(base_text[pos:])

    etree.indent(tei.find(f"{T}teiHeader"), space="  ", level=1)
    tei.text = "\n  "
    tei.find(f"{T}teiHeader").tail = "\n  "
    text_el.text, body.text = "\n    ", "\n      "
    for p in body:
        p.tail = "\n      "
    body[-1].tail = "\n    "
    body.tail, text_el.tail = "\n  ", "\n"
    return etree.ElementTree(tei)


def _same_but_spacing(readings: dict[str, str]) -> bool:
    """True when the readings differ only in how many spaces (or tabs) stand together."""
    return len({re.sub(r"[ \t]+", " ", v) for v in readings.values()}) == 1


def _base_span(ann: Annotation, base: str, others, base_length: int) -> tuple[int, int] | None:
    """The stretch of the base a ``variant`` annotation stands for."""
    def clamp(s: int, e: int) -> tuple[int, int]:
        s = min(max(s, 0), base_length)
        return s, min(max(e, s), base_length)

    if ann.witness == base:
        return clamp(ann.start, ann.end)
    cp = ann.counterpart
    if cp is not None and cp.witness == base:
        return clamp(cp.start, cp.end)
    if ann.witness in others:
        alignment = Alignment(base, ann.witness, others[ann.witness][1])
        return clamp(*alignment.counterpart("b", ann.start, ann.end))
    return None


def _write_app(writer: _Writer, order: list[str], readings: dict[str, str],
               variants: list[Annotation]) -> None:
    attrs = {}
    types = sorted({v.attrs.get("type", "") for v in variants} - {""})
    if types:
        attrs["type"] = native.token(types[0])
    if variants:
        attrs["n"] = " ".join(v.id for v in variants)
    app = writer.element("app", **attrs)
    grouped: dict[str, list[str]] = {}
    for wid in order:   # witnesses reading alike share one rdg, in witness order
        grouped.setdefault(readings[wid], []).append(wid)
    for value, wids in grouped.items():
        rdg = native.element(app, "rdg", wit=" ".join("#" + w for w in wids))
        _write_lines(_Writer(rdg), value, in_reading=True)
    for variant in variants:
        if variant.note:
            native.element(app, "note", variant.note, type="variant")


def _mark_header(tei) -> None:
    """Say the file is a parallel-segmentation export, not a native edition."""
    encoding = tei.find(f"{T}teiHeader/{T}encodingDesc")
    application = encoding.find(f"{T}appInfo/{T}application")
    application.set("ident", APPLICATION_IDENT)
    application.set("version", __version__)
    desc = application.find(f"{T}desc")
    desc.text = (f"Variorum {__version__}: the witnesses in parallel segmentation (app/rdg), "
                 "exported from a Variorum edition; the spacing inside each p is the "
                 "witnesses' own.")
    variant_encoding = etree.Element(T + "variantEncoding", method="parallel-segmentation",
                                     location="internal")
    encoding.insert(0, variant_encoding)


def export_tei_parallel(edition: Edition, options: ExportOptions | None = None) -> bytes:
    """The edition as one TEI document in parallel segmentation (UTF-8 bytes)."""
    tree = to_tree(edition, options)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8") + b"\n"


# ======================================================================================
# reading

_NOTE_MARK = "\ufdd0"    # noncharacters: never in a witness text worth keeping
_BREAK_MARK = "\ufdd1"
_BLOCKS = {"p", "ab", "head", "div", "div1", "div2", "div3", "div4", "div5", "lg", "sp",
           "list", "item", "table", "row", "cell", "quote", "floatingText", "opener",
           "closer", "postscript", "salute", "signed", "dateline", "trailer", "byline",
           "epigraph", "argument", "docTitle", "titlePage", "fw", "figure", "speaker",
           "stage", "label"}
_IGNORED_QUIETLY = {"anchor", "pb", "cb", "index"}


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _witness_ids(value: str | None) -> list[str]:
    """Witness ids from a ``@wit`` value: ``#A #B`` or ``file.xml#A`` (fragments)."""
    out = []
    for token in (value or "").split():
        ident = token.rsplit("#", 1)[-1]
        if ident:
            out.append(ident)
    return out


def is_parallel_segmentation(tree) -> bool:
    """True when the TEI document has an ``app`` with a reading that names a witness."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    for element in root.iter():
        if _local(element) in ("rdg", "lem", "rdgGrp") and element.get("wit"):
            parent = element.getparent()
            while parent is not None and _local(parent) == "rdgGrp":
                parent = parent.getparent()
            if parent is not None and _local(parent) == "app":
                return True
    return False


@dataclass
class _Paragraph:
    pieces: list[str] = field(default_factory=list)
    notes: list[tuple[str, dict]] = field(default_factory=list)   # in _NOTE_MARK order


class _Builder:
    """Collects each witness's paragraphs while the body is walked."""

    def __init__(self, order: list[str], preserve: bool):
        self.order = order
        self.preserve = preserve
        self.paragraphs: dict[str, list[_Paragraph]] = {w: [] for w in order}
        self.kept_as_text: Counter = Counter()
        self.problems: list[Problem] = []
        self.notes = 0
        self.gaps = 0
        self.pointers = 0

    def current(self, wid: str) -> _Paragraph:
        paras = self.paragraphs[wid]
        if not paras:
            paras.append(_Paragraph())
        return paras[-1]

    def add(self, wits, value: str | None) -> None:
        if value:
            for wid in wits:
                self.current(wid).pieces.append(value)

    def break_paragraph(self, wits) -> None:
        for wid in wits:
            paras = self.paragraphs[wid]
            if self.preserve or not paras or "".join(paras[-1].pieces).strip() or paras[-1].notes:
                paras.append(_Paragraph())

    def mark(self, wid: str, kind: str, attrs: dict) -> None:
        para = self.current(wid)
        para.pieces.append(_NOTE_MARK)
        para.notes.append((kind, attrs))

    # -- the walk ------------------------------------------------------------------
    def walk(self, element, wits: list[str]) -> None:
        self.add(wits, element.text)
        for child in element:
            self.child(child, wits)
            self.add(wits, child.tail)

    def child(self, element, wits: list[str]) -> None:
        name = _local(element)
        if not name:          # comment or processing instruction
            return
        if name == "app":
            self.app(element, wits)
        elif name in ("note", "witDetail"):
            if wits:
                attrs = {"type": element.get("type", "") or
                         ("witness detail" if name == "witDetail" else "")}
                self.mark(wits[0], "note", {"attrs": attrs, "note": _plain(element)})
                self.notes += 1
        elif name == "gap":
            attrs = {k: element.get(k) for k in ("reason", "extent", "unit", "quantity", "agent")
                     if element.get(k)}
            for wid in wits:
                self.mark(wid, "gap", {"attrs": attrs, "note": ""})
            self.gaps += 1
        elif name == "lb":
            if self.preserve:
                self.add(wits, "\n")
            else:
                self.add(wits, _BREAK_MARK)
        elif name == "milestone" and element.get("unit") in ("paragraph", "para", "p"):
            if self.preserve:
                self.add(wits, PARAGRAPH_SEPARATOR)
            else:
                self.break_paragraph(wits)
        elif name == "p" and self.preserve:
            self.break_paragraph(wits)
            self.walk(element, wits)
        elif name in _BLOCKS:
            self.break_paragraph(wits)
            self.walk(element, wits)
            self.break_paragraph(wits)
        elif name == "l":
            for wid in wits:
                if "".join(self.current(wid).pieces).strip():
                    self.current(wid).pieces.append(_BREAK_MARK)
            self.walk(element, wits)
        elif name == "wit":
            self.kept_as_text["wit (left out: it repeats @wit)"] += 1
        elif name in ("ptr", "ref") and not len(element) and not (element.text or "").strip():
            self.pointers += 1
        else:
            if name not in _IGNORED_QUIETLY:
                self.kept_as_text[name] += 1
            self.walk(element, wits)

    def app(self, app, wits: list[str]) -> None:
        covered: set[str] = set()
        plain_lemma = None
        for child in app:
            name = _local(child)
            if name in ("rdg", "lem", "rdgGrp"):
                if name == "lem" and not child.get("wit"):
                    plain_lemma = child
                    continue
                self.reading(child, wits, covered, [])
            elif name:
                self.child(child, wits)
        rest = [w for w in wits if w not in covered]
        if rest and plain_lemma is not None:
            self.walk(plain_lemma, rest)

    def reading(self, element, wits: list[str], covered: set[str], inherited: list[str]) -> None:
        named = _witness_ids(element.get("wit")) or inherited
        if _local(element) == "rdgGrp":
            for child in element:
                if _local(child) in ("rdg", "lem", "rdgGrp"):
                    self.reading(child, wits, covered, named)
                else:
                    self.child(child, [w for w in wits if w in named])
            return
        if not named:
            self.problems.append(Problem(
                "warning", "reading-without-witness",
                f"a <{_local(element)}> names no witness; its text "
                f"“{' '.join(_plain(element).split())[:200]}” was left out of every witness"))
            return
        mine = [w for w in wits if w in named and w not in covered]
        covered.update(mine)
        if mine:
            self.walk(element, mine)


def _plain(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _finish(raw: str, preserve: bool) -> tuple[str, list[int]]:
    """A paragraph's text, and the positions (code points) of its note marks."""
    if not preserve:
        raw = re.sub(r"[ \t\r\n]+", " ", raw)
        raw = re.sub(f" *{_BREAK_MARK} *", _BREAK_MARK, raw)
    out: list[str] = []
    marks: list[int] = []
    for ch in raw:
        if ch == _NOTE_MARK:
            marks.append(len(out))
            continue
        if ch == _BREAK_MARK:
            ch = "\n"
            if not out:
                continue
        if not preserve and ch == " " and (not out or out[-1] in " \n"):
            continue
        out.append(ch)
    if not preserve:
        while out and out[-1] in " \n":
            out.pop()
    return "".join(out), [min(m, len(out)) for m in marks]


def _load(source, path: str = "") -> tuple[etree._ElementTree, str]:
    if isinstance(source, etree._ElementTree):
        return source, path
    if isinstance(source, etree._Element):
        return etree.ElementTree(source), path
    if isinstance(source, (bytes, bytearray)):
        return parse_bytes(bytes(source), path), path
    if isinstance(source, (str, os.PathLike)):
        return parse_file(source), os.fspath(source)
    raise VariorumError(f"cannot read TEI from a {type(source).__name__}")


def import_tei_parallel(tree_or_path, path: str = "", **options) -> ImportResult:
    """Rebuild every witness of a TEI document in parallel segmentation.

    ``tree_or_path``: a path, the file's bytes, or a parsed tree/element.  Raises
    :class:`FileFormatError` when the document has no text body or names no witness.
    """
    tree, path = _load(tree_or_path, path)
    root = tree.getroot()
    report: list[Problem] = []
    edition = Edition()
    is_tei = _local(root) == "TEI" and etree.QName(root).namespace == TEI_NS
    ours = False
    if is_tei and root.find(f"{T}teiHeader") is not None:
        edition, problems = native.read_header(root, path)
        report.extend(problems)
        ours = root.find(f"{T}teiHeader/{T}encodingDesc/{T}appInfo/"
                         f"{T}application[@ident='{APPLICATION_IDENT}']") is not None

    # witnesses: listWit at any depth, then any named in @wit
    declared: dict[str, Witness] = dict(edition.witnesses)
    for element in root.iter():
        if _local(element) == "witness" and element.get(native.XML_ID):
            wid = element.get(native.XML_ID)
            if wid not in declared:
                label = element.find("{*}label")
                kind = label.get("type", "") if label is not None else ""
                text = _plain(label if label is not None else element)
                if kind not in WITNESS_KINDS:
                    kind = wid if wid in WITNESS_KINDS else "other"
                declared[wid] = Witness(wid, text[:200], kind)
    body = _find_body(root)
    if body is None:
        raise FileFormatError("the TEI document has no text body to read", path)
    for element in body.iter():
        if _local(element) in ("rdg", "lem", "rdgGrp"):
            for wid in _witness_ids(element.get("wit")):
                if wid not in declared:
                    report.append(Problem("warning", "undeclared-witness",
                                          f"the witness {wid!r} is named in @wit but not "
                                          "declared in listWit; it was added", wid))
                    declared[wid] = Witness(wid, kind=wid if wid in WITNESS_KINDS else "other")
    if not declared:
        raise FileFormatError("the TEI document names no witness (no listWit, no @wit): "
                              "it is not in parallel segmentation", path)

    # xml:ids from other files may not be usable as witness ids here
    renamed = {}
    for wid in declared:
        if not is_ncname(wid):
            renamed[wid] = make_ncname(wid, "witness")
    order = list(declared)
    builder = _Builder(order, preserve=ours)
    if ours:   # only the paragraphs hold text; what lies between them is indentation
        for child in body:
            builder.child(child, order)
    else:
        builder.walk(body, order)
    report.extend(builder.problems)

    edition.witnesses = {}
    pending: list[tuple[str, int, str, dict]] = []
    for wid in order:
        witness = declared[wid]
        texts: list[str] = []
        pos = 0
        for para in builder.paragraphs[wid]:
            content, marks = _finish("".join(para.pieces), ours)
            if not ours and not content and not para.notes:
                continue
            for offset, (kind, data) in zip(marks, para.notes):
                pending.append((wid, pos + offset, kind, data))
            texts.append(content)
            pos += len(content) + len(PARAGRAPH_SEPARATOR)
        new_id = renamed.get(wid, wid)
        edition.witnesses[new_id] = Witness(new_id, witness.label, witness.kind,
                                            PARAGRAPH_SEPARATOR.join(texts), witness.description)
    for wid, pos, kind, data in pending:
        wid = renamed.get(wid, wid)
        pos = min(pos, len(edition.text(wid)))
        add_annotation(edition, wid, pos, pos, kind, data["attrs"], note=data["note"],
                       action="imported")
    for old, new in renamed.items():
        report.append(Problem("warning", "witness-id-changed",
                              f"the witness id {old!r} cannot be an XML id here; it is now "
                              f"{new!r}", new))
    if builder.notes:
        report.append(Problem("warning", "notes-as-annotations",
                              f"{builder.notes} note(s) became note annotations"))
    if builder.pointers:
        report.append(Problem("warning", "pointers-not-followed",
                              f"{builder.pointers} pointer(s) (ptr) to text kept elsewhere were "
                              "not followed: readings made of pointers (a standoff collation) "
                              "came in empty"))
    if builder.kept_as_text:
        listed = ", ".join(f"{name} ({count})" for name, count in
                           sorted(builder.kept_as_text.items()))
        report.append(Problem("warning", "markup-kept-as-text",
                              f"markup Variorum does not read in parallel segmentation was "
                              f"kept as its text: {listed}"))
    return ImportResult(edition, report, "tei-parallel")


def _find_body(root):
    if _local(root) in ("body", "text"):
        return root
    for element in root.iter():
        if _local(element) == "body":
            return element
    for element in root.iter():
        if _local(element) == "text":
            return element
    return None
