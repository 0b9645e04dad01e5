"""Variorum's native file: one TEI P5 document per edition, annotations in a standOff.

Format history (the ``version`` of ``appInfo/application[@ident='variorum']``):

* ``1`` (Variorum 0.1): the first version.  Witness texts as plain ``<p>`` paragraphs in
  ``text/group/text``; annotations in ``standOff/listAnnotation``, targets as
  ``#string-range(PARA,OFFSET,LENGTH)`` or, across paragraphs,
  ``#range(string-range(P1,O1,0),string-range(P2,O2,0))``.

The reader accepts every version up to :data:`FORMAT_VERSION` (older versions are upgraded
by the functions in :data:`UPGRADES`) and refuses newer ones with a clear message.  See
``docs/format.md`` for the whole format with an example.

Writing is deterministic (same edition, same bytes): witnesses in edition order; hands,
people and annotations sorted by id or position; pretty-printed with two-space indents.
"""

from __future__ import annotations

import bisect
import gc
import os
import re
from dataclasses import dataclass, field

from lxml import etree

from editor import __version__
from editor.errors import FileFormatError
from editor.formats.xmlsafe import parse_bytes, parse_file
from editor.io.atomic import atomic_write_bytes
from editor.model.annotation import Anchoring, Annotation, ReviewEvent, Span
from editor.model.edition import Edition, Hand, Person, Surface, Witness, Zone
from editor.model.kinds import KINDS, spec
from editor.model.text import PARAGRAPH_SEPARATOR, split_paragraphs
from editor.model.validate import Problem

FORMAT_VERSION = 1
TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_ID = f"{{{XML_NS}}}id"
T = f"{{{TEI_NS}}}"

#: attributes whose TEI datatype is a single token (no spaces allowed)
_TOKEN_ATTRS = {"place", "type", "unit", "agent", "subtype", "evidence"}
#: attributes holding a pointer to a declared id
_POINTER_ATTRS = {"hand", "resp", "source"}
_NOTE = f"{{{TEI_NS}}}note"
_REVISION_DESC = f"{{{TEI_NS}}}revisionDesc"
_CHANGE = f"{{{TEI_NS}}}change"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_ISO_DATE = re.compile(r"^-?\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$")


# ======================================================================================
# results


@dataclass
class LoadResult:
    """An edition read from a file, with what was found wrong and mended on the way."""

    edition: Edition
    problems: list[Problem] = field(default_factory=list)
    #: annotations whose quote no longer matched their range: id -> quote in the file
    mismatched: dict[str, str] = field(default_factory=dict)
    version: int = FORMAT_VERSION
    path: str = ""


# ======================================================================================
# writing


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, T + tag)
    for key, value in attrs.items():
        if value is None or value == "":
            continue
        name = XML_ID if key == "xml_id" else key
        element.set(name, str(value))
    if text:
        element.text = text
    return element


def _token(value: str) -> str:
    return re.sub(r"\s+", "-", value.strip())


def _pointer(value: str) -> str:
    return " ".join("#" + v.lstrip("#") for v in value.split()) if value else ""


class _Paragraphs:
    """Maps code-point offsets of one witness to (paragraph id, offset) and back."""

    def __init__(self, witness: Witness):
        self.witness = witness.id
        self.texts = split_paragraphs(witness.text)
        self.starts: list[int] = []
        pos = 0
        for text in self.texts:
            self.starts.append(pos)
            pos += len(text) + len(PARAGRAPH_SEPARATOR)
        self.length = len(witness.text)

    def pid(self, index: int) -> str:
        return f"{self.witness}-p{index + 1}"

    def locate(self, pos: int) -> tuple[int, int]:
        """Paragraph index and offset of ``pos``; a position inside a separator is given
        as an offset past its paragraph's end (by one at most)."""
        index = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return index, pos - self.starts[index]

    def pointer(self, start: int, end: int) -> str:
        si, so = self.locate(start)
        ei, eo = self.locate(end)
        if si == ei and eo <= len(self.texts[si]):
            return f"#string-range({self.pid(si)},{so},{end - start})"
        return (f"#range(string-range({self.pid(si)},{so},0),"
                f"string-range({self.pid(ei)},{eo},0))")


def _write_header(tei, edition: Edition) -> None:
    md = edition.metadata
    header = _el(tei, "teiHeader")
    file_desc = _el(header, "fileDesc")
    title_stmt = _el(file_desc, "titleStmt")
    _el(title_stmt, "title", md.title)
    for author in md.authors:
        _el(title_stmt, "author", author)
    translator_is_person = False
    for person in sorted(edition.people.values(), key=lambda p: p.id):
        resp_stmt = _el(title_stmt, "respStmt")
        _el(resp_stmt, "resp", person.role or "annotation")
        _el(resp_stmt, "persName", person.name, xml_id=person.id, n=person.initials)
        if person.role == "translator" and person.name == md.translator:
            translator_is_person = True
    if md.translator and not translator_is_person:
        resp_stmt = _el(title_stmt, "respStmt")
        _el(resp_stmt, "resp", "translator")
        _el(resp_stmt, "persName", md.translator)
    for role, name in md.responsible:
        resp_stmt = _el(title_stmt, "respStmt")
        _el(resp_stmt, "resp", role or "responsible")
        _el(resp_stmt, "name", name)

    pub = _el(file_desc, "publicationStmt")
    if md.publisher:
        _el(pub, "publisher", md.publisher)
    else:
        _el(pub, "authority")
    if md.record_id:
        _el(pub, "idno", md.record_id, type="record")
    if md.rights:
        availability = _el(pub, "availability")
        licence = _el(availability, "licence")
        for para in md.rights.split("\n\n"):
            _el(licence, "p", para)
    if md.uploaded:
        _el(pub, "date", md.uploaded, type="uploaded",
            when=md.uploaded if _ISO_DATE.match(md.uploaded) else None)

    if md.extra:
        notes = _el(file_desc, "notesStmt")
        for key, value in md.extra.items():
            _el(notes, "note", value, type="metadata", n=key)

    source_desc = _el(file_desc, "sourceDesc")
    ms = _el(source_desc, "msDesc")
    ident = _el(ms, "msIdentifier")
    if md.repository:
        _el(ident, "repository", md.repository)
    _el(ident, "idno", md.source, type="source")
    if md.date or md.date_text:
        history = _el(ms, "history")
        origin = _el(history, "origin")
        _el(origin, "origDate", md.date_text or md.date,
            when=md.date if _ISO_DATE.match(md.date or "") else None)
    list_wit = _el(source_desc, "listWit")
    for witness in edition.witnesses.values():
        wit = _el(list_wit, "witness", xml_id=witness.id)
        _el(wit, "label", witness.label, type=witness.kind)
        if witness.description:
            _el(wit, "note", witness.description)

    encoding = _el(header, "encodingDesc")
    app_info = _el(encoding, "appInfo")
    app = _el(app_info, "application", ident="variorum", version=str(FORMAT_VERSION))
    _el(app, "label", "Variorum")
    _el(app, "desc", f"Variorum {__version__}, file format version {FORMAT_VERSION}: witness "
                     "texts in text/group, annotations as standOff/listAnnotation.")

    profile = _el(header, "profileDesc")
    if md.summary:
        abstract = _el(profile, "abstract")
        for para in md.summary.split("\n\n"):
            _el(abstract, "p", para)
    if md.language:
        lang = _el(profile, "langUsage")
        code = md.language if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", md.language) else "und"
        _el(lang, "language", md.language, ident=code)
    if md.classification:
        text_class = _el(profile, "textClass")
        keywords = _el(text_class, "keywords")
        _el(keywords, "term", md.classification, type="classification")
    if edition.hands:
        hand_notes = _el(profile, "handNotes")
        for hand in sorted(edition.hands.values(), key=lambda h: h.id):
            note = _el(hand_notes, "handNote", xml_id=hand.id,
                       medium=_token(hand.medium) if hand.medium else None)
            if hand.label:
                _el(note, "label", hand.label)
            if hand.scribe:
                _el(note, "persName", hand.scribe, role="scribe")
            if hand.medium:
                _el(note, "material", hand.medium)
            if hand.description:
                _el(note, "p", hand.description)


#: public names for other TEI writers (parallel segmentation, inline TEI) that share the
#: header and element helpers of the native format
write_header = _write_header
element = _el
token = _token


def _phenomenon(parent, edition: Edition, ann: Annotation, quote: str) -> None:
    """The body standing for the mark: the TEI element, holding the quoted text."""
    kind = ann.kind
    attrs = ann.attrs
    body = _el(parent, "note", type="phenomenon", subtype=kind)

    def element_attrs(names) -> dict:
        out = {}
        for name in names:
            value = attrs.get(name, "")
            if not value or name == "split":
                continue
            if name == "quantity" and not _NUMBER.match(value):
                continue   # TEI needs a number; validate_edition reports it
            if name in _POINTER_ATTRS:
                value = _pointer(value)
            elif name in _TOKEN_ATTRS:
                value = _token(value)
            out[name] = value
        return out

    if kind == "addition":
        _el(body, "add", quote, **element_attrs(("hand", "place", "rend", "type")))
    elif kind == "deletion":
        _el(body, "del", quote, **element_attrs(("hand", "rend", "type", "extent")))
    elif kind == "substitution":
        try:
            split = min(max(int(attrs.get("split", "0")), 0), len(quote))
        except ValueError:
            split = 0
        subst = _el(body, "subst", **element_attrs(("hand", "rend")))
        _el(subst, "del", quote[:split])
        _el(subst, "add", quote[split:], **element_attrs(("place",)))
    elif kind == "supplied":
        _el(body, "supplied", quote, **element_attrs(("reason", "resp", "source", "evidence", "rend")))
    elif kind == "sic":
        if attrs.get("corr"):
            choice = _el(body, "choice")
            _el(choice, "sic", quote, **element_attrs(("rend",)))
            _el(choice, "corr", attrs["corr"])
        else:
            _el(body, "sic", quote, **element_attrs(("rend",)))
    elif kind == "unclear":
        _el(body, "unclear", quote, **element_attrs(("reason", "agent", "extent", "rend")))
    elif kind == "gap":
        gap = _el(body, "gap", **element_attrs(("reason", "extent", "unit", "quantity", "agent")))
        if quote:
            _el(gap, "desc", quote)
    elif kind == "variant":
        app = _el(body, "app", **element_attrs(("type",)))
        _el(app, "rdg", quote, wit="#" + ann.witness)
        cp = ann.counterpart
        if cp is not None:
            other = edition.witnesses.get(cp.witness)
            _el(app, "rdg", other.text[cp.start:cp.end] if other else "", wit="#" + cp.witness)
    elif kind == "expansion":
        choice = _el(body, "choice")
        _el(choice, "abbr", quote, **element_attrs(("rend",)))
        _el(choice, "expan", attrs.get("expan", ""))
    elif kind == "note":
        _el(body, "seg", quote, **element_attrs(("rend", "resp")))
    else:   # remark
        _el(body, "seg", quote, type="remark", subtype=_token(attrs.get("type", "")) or None)


def _write_annotation(parent, edition: Edition, paragraphs: dict[str, _Paragraphs],
                      ann: Annotation) -> None:
    paras = paragraphs.get(ann.witness)
    if paras is None:
        return   # validate() reports it; an annotation of a missing witness cannot be written
    length = paras.length
    start, end = min(max(ann.start, 0), length), min(max(ann.end, 0), length)
    end = max(start, end)
    targets = [paras.pointer(start, end)]
    cp = ann.counterpart
    if cp is not None and cp.witness in paragraphs:
        other = paragraphs[cp.witness]
        cs = min(max(cp.start, 0), other.length)
        ce = max(cs, min(cp.end, other.length))
        targets.append(other.pointer(cs, ce))
    element = _el(parent, "annotation", xml_id=ann.id, target=" ".join(targets),
                  motivation=spec(ann.kind).motivation, resp=_pointer(ann.resp),
                  cert=ann.cert or None)
    revision = _el(element, "revisionDesc", status=ann.status)
    for event in ann.history:
        _el(revision, "change", event.comment, status=event.status, who=_pointer(event.who),
            when=event.when if _ISO_DATE.match(event.when or "") else None, type=event.action)
    if not ann.history:   # revisionDesc needs a change
        _el(revision, "change", status=ann.status)
    if ann.anchoring is not None and ann.anchoring.state == "orphaned":
        quote = ann.anchoring.quote
    else:
        quote = edition.witnesses[ann.witness].text[start:end]
    _phenomenon(element, edition, ann, quote)
    if ann.kind == "note":
        _el(element, "note", ann.note, type=_token(ann.attrs.get("type", "") or "comment"),
            place=_token(ann.attrs.get("place", "")) or None)
    elif ann.kind == "remark":
        _el(element, "note", ann.note, type="remark")
    elif ann.note:
        _el(element, "note", ann.note, type="comment")
    if ann.anchoring is not None:
        anchoring = _el(element, "note", type="anchoring", subtype=ann.anchoring.state)
        _el(anchoring, "quote", ann.anchoring.quote)
        _el(anchoring, "num", type="old-start", value=str(ann.anchoring.old_start))
        _el(anchoring, "num", type="old-end", value=str(ann.anchoring.old_end))
        _el(anchoring, "num", type="score", value=f"{ann.anchoring.score:.4f}")


def _write_facsimile(tei, edition: Edition) -> None:
    """The page images as ``facsimile/surface``: one surface per page of a witness.

    ``surface/@corresp`` names the witness, ``@start`` points to where the page's text
    starts (a zero-length ``string-range``), ``@ulx``..``@lry`` give the page size in image
    pixels when known; ``graphic/@url`` is the image path relative to the edition file
    (percent-encoded as a URI), ``graphic/@n`` the frame of a multi-page image (0 = first,
    not written).  Each ``zone`` is a rectangle (``ulx``..``lry``) or a polygon
    (``points``) in image pixels; ``@corresp`` points to its annotation (``#ann-3``)
    and/or its words (``#string-range(...)``).
    """
    if not edition.surfaces:
        return
    from urllib.parse import quote
    mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
            ".tif": "image/tiff", ".tiff": "image/tiff", ".webp": "image/webp"}
    facsimile = _el(tei, "facsimile")
    paragraphs = {w.id: _Paragraphs(w) for w in edition.witnesses.values()}

    def pointer(paras: _Paragraphs, start: int, end: int) -> str:
        start = min(max(start, 0), paras.length)
        return paras.pointer(start, min(max(end, start), paras.length))

    for surface in edition.surfaces:
        paras = paragraphs.get(surface.witness)
        attrs = {"xml_id": surface.id, "corresp": "#" + surface.witness if surface.witness
                 else None, "n": surface.label}
        if surface.width > 0 and surface.height > 0:
            attrs.update(ulx="0", uly="0", lrx=str(surface.width), lry=str(surface.height))
        if paras is not None:
            attrs["start"] = pointer(paras, surface.text_start, surface.text_start)
        element = _el(facsimile, "surface", **attrs)
        path = surface.path.replace("\\", "/")
        graphic = _el(element, "graphic", url=quote(path, safe="/:@!$&'()*+,;=~-._"),
                      n=str(surface.page) if surface.page else None,
                      mimeType=mime.get(os.path.splitext(path)[1].lower()))
        if surface.width > 0 and surface.height > 0:
            graphic.set("width", f"{surface.width}px")
            graphic.set("height", f"{surface.height}px")
        for zone in surface.zones:
            points = [(x, y) for x, y in zone.points
                      if x == x and y == y and abs(x) != float("inf") and abs(y) != float("inf")]
            zattrs = {"xml_id": zone.id, "n": zone.label}
            x0, y0, x1, y1 = zone.bounds if points else (0, 0, 0, 0)
            if zone.points == [(x0, y0), (x1, y0), (x1, y1), (x0, y1)] and x0 < x1 and y0 < y1:
                # a rectangle, corners clockwise from the upper left (as drawn)
                zattrs.update(ulx=_num(x0), uly=_num(y0), lrx=_num(x1), lry=_num(y1))
            elif points:
                if len(points) == 1:   # TEI wants two points at least; a point is kept
                    points = points * 2
                zattrs["points"] = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
            zp = paragraphs.get(zone.witness)
            links = []
            if zone.annotation:
                links.append("#" + zone.annotation)
            if zp is not None and zone.end > zone.start:
                links.append(pointer(zp, zone.start, zone.end))
            if links:
                zattrs["corresp"] = " ".join(links)
            _el(element, "zone", **zattrs)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def to_tree(edition: Edition) -> etree._ElementTree:
    tei = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    _write_header(tei, edition)
    _write_facsimile(tei, edition)
    text = _el(tei, "text")
    group = _el(text, "group")
    paragraphs: dict[str, _Paragraphs] = {}
    for witness in edition.witnesses.values():
        paras = _Paragraphs(witness)
        paragraphs[witness.id] = paras
        wtext = _el(group, "text", xml_id=f"{witness.id}-text", corresp="#" + witness.id)
        body = _el(wtext, "body")
        for index, para in enumerate(paras.texts):
            _el(body, "p", para, xml_id=paras.pid(index))
    if not edition.witnesses:
        wtext = _el(group, "text")
        _el(_el(wtext, "body"), "p")
    annotations = edition.sorted_annotations()
    if annotations:
        stand_off = _el(tei, "standOff")
        list_ann = _el(stand_off, "listAnnotation")
        for ann in annotations:
            _write_annotation(list_ann, edition, paragraphs, ann)
    if edition.explained:
        note_holder = tei.find(f"{T}teiHeader/{T}encodingDesc")
        decl = _el(note_holder, "editorialDecl")
        _el(decl, "p", " ".join(edition.explained), n="explained-differences")
        # editorialDecl must come before appInfo in encodingDesc
        note_holder.remove(decl)
        note_holder.insert(0, decl)
    tree = etree.ElementTree(tei)
    etree.indent(tree, space="  ")
    return tree


def to_bytes(edition: Edition) -> bytes:
    """The edition as the bytes of a native file (deterministic)."""
    return etree.tostring(to_tree(edition), xml_declaration=True, encoding="UTF-8") + b"\n"


def save(edition: Edition, path: str | os.PathLike, backup: bool = True) -> None:
    """Write the edition to ``path`` atomically (the old file is kept as ``path~``)."""
    atomic_write_bytes(path, to_bytes(edition), backup=backup)


# ======================================================================================
# reading

_RANGE_RE = re.compile(
    r"^#?range\(\s*string-range\(\s*([^,\s]+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)\s*,"
    r"\s*string-range\(\s*([^,\s]+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)\s*\)$")
_STRING_RANGE_RE = re.compile(r"^#?string-range\(\s*([^,\s]+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$")


def _text(element) -> str:
    return element.text or "" if element is not None else ""


def _all_text(element) -> str:
    """Text content, ignoring whitespace-only tails between child elements (indentation)."""
    if element is None:
        return ""
    parts = [element.text or ""] if len(element) == 0 or (element.text or "").strip() else []
    for child in element:
        parts.append(_all_text(child))
        if child.tail and child.tail.strip():
            parts.append(child.tail)
    return "".join(parts)


def _unpointer(value: str | None) -> str:
    if not value:
        return ""
    if " " not in value:           # the common case: one pointer
        return value.lstrip("#")
    return " ".join(v.lstrip("#") for v in value.split())


def _line(element) -> int | None:
    return getattr(element, "sourceline", None)


class _Reader:
    def __init__(self, root, path: str):
        self.root = root
        self.path = path
        self.problems: list[Problem] = []
        self.edition = Edition()
        self.paragraphs: dict[str, tuple[str, int, int]] = {}   # pid -> (witness, start, len)
        self.mismatched: dict[str, str] = {}

    def problem(self, code: str, message: str, where: str = "", element=None,
                severity: str = "warning") -> None:
        line = _line(element)
        if line:
            message = f"{message} (line {line})"
        self.problems.append(Problem(severity, code, message, where))

    # -- header ------------------------------------------------------------------
    def read_header(self) -> None:
        r = self.root
        md = self.edition.metadata
        header = r.find(f"{T}teiHeader")
        if header is None:
            raise FileFormatError("the TEI file has no teiHeader", self.path)
        md.title = _all_text(header.find(f"{T}fileDesc/{T}titleStmt/{T}title"))
        md.authors = [_all_text(a) for a in header.findall(f"{T}fileDesc/{T}titleStmt/{T}author")]
        for resp_stmt in header.findall(f"{T}fileDesc/{T}titleStmt/{T}respStmt"):
            role = _all_text(resp_stmt.find(f"{T}resp")).strip()
            pers = resp_stmt.find(f"{T}persName")
            name_el = resp_stmt.find(f"{T}name")
            if pers is not None and pers.get(XML_ID):
                pid = pers.get(XML_ID)
                role_value = "" if role == "annotation" else role
                self.edition.people[pid] = Person(pid, _all_text(pers), pers.get("n", ""), role_value)
                if role == "translator" and not md.translator:
                    md.translator = _all_text(pers)
            elif pers is not None and role == "translator":
                md.translator = _all_text(pers)
            else:
                md.responsible.append((role, _all_text(name_el if name_el is not None else pers)))
        pub = header.find(f"{T}fileDesc/{T}publicationStmt")
        if pub is not None:
            md.publisher = _all_text(pub.find(f"{T}publisher"))
            md.record_id = _all_text(pub.find(f"{T}idno[@type='record']"))
            licence = pub.find(f"{T}availability/{T}licence")
            if licence is not None:
                paras = licence.findall(f"{T}p")
                md.rights = "\n\n".join(_all_text(p) for p in paras) if paras else _all_text(licence)
            md.uploaded = _all_text(pub.find(f"{T}date[@type='uploaded']"))
        for note in header.findall(f"{T}fileDesc/{T}notesStmt/{T}note[@type='metadata']"):
            md.extra[note.get("n", "")] = _all_text(note)
        ms = header.find(f"{T}fileDesc/{T}sourceDesc/{T}msDesc")
        if ms is not None:
            md.repository = _all_text(ms.find(f"{T}msIdentifier/{T}repository"))
            md.source = _all_text(ms.find(f"{T}msIdentifier/{T}idno"))
            orig = ms.find(f"{T}history/{T}origin/{T}origDate")
            if orig is not None:
                md.date = orig.get("when", "")
                md.date_text = _all_text(orig)
                if md.date_text == md.date:
                    md.date_text = ""
        for wit in header.findall(f"{T}fileDesc/{T}sourceDesc/{T}listWit/{T}witness"):
            wid = wit.get(XML_ID)
            if not wid:
                self.problem("witness-without-id", "a witness has no xml:id; it was skipped", "",
                             wit)
                continue
            label_el = wit.find(f"{T}label")
            label = _all_text(label_el) if label_el is not None else _all_text(wit)
            kind = label_el.get("type", "other") if label_el is not None else "other"
            desc = _all_text(wit.find(f"{T}note"))
            self.edition.witnesses[wid] = Witness(wid, label, kind, "", desc)
        profile = header.find(f"{T}profileDesc")
        if profile is not None:
            abstract = profile.find(f"{T}abstract")
            if abstract is not None:
                md.summary = "\n\n".join(_all_text(p) for p in abstract.findall(f"{T}p"))
            lang = profile.find(f"{T}langUsage/{T}language")
            if lang is not None:
                md.language = _all_text(lang) or lang.get("ident", "")
            md.classification = _all_text(
                profile.find(f"{T}textClass/{T}keywords/{T}term[@type='classification']"))
            for note in profile.findall(f"{T}handNotes/{T}handNote"):
                hid = note.get(XML_ID)
                if not hid:
                    self.problem("hand-without-id", "a handNote has no xml:id; it was skipped",
                                 "", note)
                    continue
                self.edition.hands[hid] = Hand(
                    hid, _all_text(note.find(f"{T}label")),
                    _all_text(note.find(f"{T}persName")),
                    _all_text(note.find(f"{T}material")) or note.get("medium", ""),
                    "\n\n".join(_all_text(p) for p in note.findall(f"{T}p")),
                )
        decl = header.find(f"{T}encodingDesc/{T}editorialDecl/{T}p[@n='explained-differences']")
        if decl is not None:
            self.edition.explained = _all_text(decl).split()

    # -- texts -------------------------------------------------------------------
    def read_texts(self) -> None:
        group = self.root.find(f"{T}text/{T}group")
        if group is None:
            raise FileFormatError("the file has no text/group holding the witness texts", self.path)
        for wtext in group.findall(f"{T}text"):
            wid = _unpointer(wtext.get("corresp"))
            if not wid:
                continue
            witness = self.edition.witnesses.get(wid)
            if witness is None:
                self.problem("undeclared-witness",
                             f"the text of witness {wid!r} is not declared in listWit; it was "
                             "added", wid, wtext)
                witness = Witness(wid)
                self.edition.witnesses[wid] = witness
            paras = wtext.findall(f"{T}body/{T}p")
            texts = []
            pos = 0
            for para in paras:
                content = para.text or ""
                if len(para):
                    content = _all_text(para)
                    self.problem("markup-in-text",
                                 f"paragraph {para.get(XML_ID)} of {wid!r} holds markup; only its "
                                 "text was kept", wid, para)
                pid = para.get(XML_ID)
                if pid:
                    self.paragraphs[pid] = (wid, pos, len(content))
                texts.append(content)
                pos += len(content) + len(PARAGRAPH_SEPARATOR)
            witness.text = PARAGRAPH_SEPARATOR.join(texts)

    # -- annotations ---------------------------------------------------------------
    def resolve(self, pointer: str) -> tuple[str, int, int] | str:
        """``(witness, start, end)`` of a pointer, or a message saying what is wrong."""
        m = _STRING_RANGE_RE.match(pointer)
        if m:
            pid, offset, length = m.group(1), int(m.group(2)), int(m.group(3))
            if pid not in self.paragraphs:
                return f"points to paragraph {pid!r}, which does not exist"
            wid, pstart, plen = self.paragraphs[pid]
            text_len = len(self.edition.witnesses[wid].text)
            start = pstart + offset
            if offset > plen + 1 or start + length > text_len:
                return (f"points to characters {offset}-{offset + length} of paragraph {pid!r}, "
                        f"which has {plen}")
            return wid, start, start + length
        m = _RANGE_RE.match(pointer)
        if m:
            first = self.resolve(f"string-range({m.group(1)},{m.group(2)},{m.group(3)})")
            second = self.resolve(f"string-range({m.group(4)},{m.group(5)},{m.group(6)})")
            for part in (first, second):
                if isinstance(part, str):
                    return part
            if first[0] != second[0]:
                return "its range starts in one witness and ends in another"
            start, end = first[1], second[2]
            if end < start:
                return "its range ends before it starts"
            return first[0], start, end
        return f"has a target Variorum does not understand: {pointer!r}"

    def read_annotations(self) -> None:
        list_ann = self.root.find(f"{T}standOff/{T}listAnnotation")
        if list_ann is None:
            return
        for element in list_ann.findall(f"{T}annotation"):
            self.read_annotation(element)

    def read_annotation(self, element) -> None:
        edition = self.edition
        aid = element.get(XML_ID) or ""
        if not aid:
            aid = edition.new_id()
            self.problem("annotation-without-id", f"an annotation had no xml:id; it is now {aid}",
                         aid, element)
        elif aid in edition.annotations or aid in edition.witnesses or aid in edition.hands:
            new = edition.new_id()
            self.problem("duplicate-id", f"the id {aid!r} was used twice; the second annotation "
                         f"is now {new}", new, element)
            aid = new
        # one pass over the children (ElementPath look-ups cost more than the rest together)
        body = status_el = anchoring_el = None
        other_notes = []
        for child in element:
            if child.tag == _NOTE:
                note_type = child.get("type")
                if note_type == "phenomenon":
                    body = child
                elif note_type == "anchoring":
                    anchoring_el = child
                else:
                    other_notes.append(child)
            elif child.tag == _REVISION_DESC:
                status_el = child
        kind = body.get("subtype", "") if body is not None else ""
        inner = body[0] if body is not None and len(body) else None
        if kind not in KINDS:
            self.problem("unknown-kind", f"unknown kind {kind!r}; kept as a remark", aid, element)
            kind = "remark"
        status = status_el.get("status", "proposed") if status_el is not None else "proposed"
        history = []
        if status_el is not None:
            for change in status_el:
                if change.tag != _CHANGE:
                    continue
                comment = change.text or "" if len(change) == 0 else _all_text(change)
                if change.get("type") is None and not change.get("when") and not comment:
                    continue   # placeholder written for an empty history
                history.append(ReviewEvent(change.get("status", ""), _unpointer(change.get("who")),
                                           change.get("when", ""), change.get("type", "reviewed"),
                                           comment))
        attrs = self.read_attrs(kind, inner)
        note_text = ""
        if kind == "note":
            for note_el in other_notes:
                note_text = _all_text(note_el)
                if note_el.get("type", "comment") != "comment":
                    attrs["type"] = note_el.get("type")
                if note_el.get("place"):
                    attrs["place"] = note_el.get("place")
                break
        else:
            wanted = "remark" if kind == "remark" else "comment"
            for note_el in other_notes:
                if note_el.get("type") == wanted:
                    note_text = _all_text(note_el)
                    break
        anchoring = None
        if anchoring_el is not None:
            def num(kind_: str, default: str = "0") -> str:
                n = anchoring_el.find(f"{T}num[@type='{kind_}']")
                return n.get("value", default) if n is not None else default
            try:
                anchoring = Anchoring(anchoring_el.get("subtype", "orphaned"),
                                      _all_text(anchoring_el.find(f"{T}quote")),
                                      int(num("old-start")), int(num("old-end")),
                                      float(num("score")))
            except ValueError:
                self.problem("bad-anchoring", "its re-anchoring record is unreadable; dropped "
                             "that record", aid, element)
        quote = self.quote_of(kind, inner)
        targets = (element.get("target") or "").split()
        ann = Annotation(aid, "", 0, 0, kind, attrs, note_text, _unpointer(element.get("resp")),
                         element.get("cert", ""), status, history, anchoring=anchoring)
        if not targets:
            self.orphan(ann, quote, "has no target", element)
            return
        resolved = self.resolve(targets[0])
        if isinstance(resolved, str):
            self.orphan(ann, quote, resolved, element)
            return
        ann.witness, ann.start, ann.end = resolved
        if len(targets) > 1:
            other = self.resolve(targets[1])
            if isinstance(other, str):
                self.problem("bad-counterpart", f"its counterpart {other}; the link was dropped",
                             aid, element)
            else:
                ann.counterpart = Span(*other)
        edition.annotations[aid] = ann
        if ann.anchoring is not None and ann.anchoring.state == "orphaned":
            return
        actual = edition.witnesses[ann.witness].text[ann.start:ann.end]
        if quote is not None and actual != quote:
            self.mismatched[aid] = quote

    def orphan(self, ann: Annotation, quote: str | None, why: str, element) -> None:
        """Keep an annotation whose target cannot be resolved, as an orphan for review."""
        if not self.edition.witnesses:
            self.problem("unresolvable-target", f"{why}; there is no witness to keep it in, so "
                         "it was dropped", ann.id, element, "error")
            return
        ann.witness = next(iter(self.edition.witnesses))
        ann.start = ann.end = 0
        ann.anchoring = Anchoring("orphaned", quote or "", 0, 0, 0.0)
        ann.status = "orphaned"
        self.edition.annotations[ann.id] = ann
        self.problem("unresolvable-target", f"{why}; it was kept as an orphan for review",
                     ann.id, element)

    @staticmethod
    def read_attrs(kind: str, inner) -> dict[str, str]:
        attrs: dict[str, str] = {}
        if inner is None:
            return attrs

        def take(element, names):
            for name in names:
                value = element.get(name)
                if value:
                    attrs[name] = _unpointer(value) if name in _POINTER_ATTRS else value
        if kind == "substitution":
            take(inner, ("hand", "rend"))
            del_el, add_el = inner.find(f"{T}del"), inner.find(f"{T}add")
            if add_el is not None:
                take(add_el, ("place",))
            attrs["split"] = str(len(_text(del_el)))
        elif kind in ("sic", "expansion") and inner.tag == T + "choice":
            first = inner[0] if len(inner) else None
            if first is not None:
                take(first, ("rend",))
            if kind == "sic":
                corr = inner.find(f"{T}corr")
                if corr is not None:
                    attrs["corr"] = _all_text(corr)
            elif _all_text(inner.find(f"{T}expan")):
                attrs["expan"] = _all_text(inner.find(f"{T}expan"))
        elif kind == "remark":
            if inner.get("subtype"):
                attrs["type"] = inner.get("subtype")
        else:
            take(inner, spec(kind).attributes)
        return attrs

    @staticmethod
    def quote_of(kind: str, inner) -> str | None:
        if inner is None:
            return None
        if kind == "substitution":
            return _text(inner.find(f"{T}del")) + _text(inner.find(f"{T}add"))
        if inner.tag == T + "choice":
            return _text(inner[0]) if len(inner) else ""
        if kind == "variant":
            rdg = inner.find(f"{T}rdg")
            return _text(rdg)
        if kind == "gap":
            return _text(inner.find(f"{T}desc"))
        return _text(inner)


def _check_root(root, path: str) -> int:
    if root.tag != T + "TEI":
        local = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        namespace = etree.QName(root).namespace if isinstance(root.tag, str) else None
        if local == "TEI" and namespace != TEI_NS:
            raise FileFormatError("the root element is TEI but not in the TEI namespace "
                                  f"({TEI_NS})", path, _line(root))
        raise FileFormatError(f"this is not a Variorum edition: its root element is <{local}>, "
                              "not <TEI>", path, _line(root))
    app = root.find(f"{T}teiHeader/{T}encodingDesc/{T}appInfo/{T}application[@ident='variorum']")
    if app is None:
        raise FileFormatError("this is a TEI file but not a Variorum edition; use Import "
                              "(variorum import) to read its transcription", path)
    try:
        version = int(app.get("version", "1"))
    except ValueError:
        raise FileFormatError(f"unknown Variorum format version {app.get('version')!r}", path) \
            from None
    if version < 1:   # found by tests/test_fuzz.py: UPGRADES has no entry below version 1
        raise FileFormatError(f"unknown Variorum format version {version} (versions start at "
                              "1)", path)
    if version > FORMAT_VERSION:
        raise FileFormatError(f"this edition was written by a newer Variorum (format version "
                              f"{version}; this one reads up to {FORMAT_VERSION}); please "
                              "update Variorum", path)
    return version


#: functions upgrading a parsed tree from version N to N + 1, keyed by N
UPGRADES: dict[int, object] = {}


def from_tree(tree: etree._ElementTree, path: str = "") -> LoadResult:
    """Read an edition from a parsed tree; raise :class:`FileFormatError` when it cannot be
    read at all, otherwise return it with the problems found (nothing half-loaded)."""
    root = tree.getroot()
    version = _check_root(root, path)
    for v in range(version, FORMAT_VERSION):
        UPGRADES[v](root)
    reader = _Reader(root, path)
    reader.read_header()
    reader.read_texts()
    reader.read_annotations()
    read_facsimile(root, reader)
    edition = reader.edition
    result = LoadResult(edition, reader.problems, reader.mismatched, version, path)
    if reader.mismatched:
        from editor.anchor.reanchor import repair_on_load
        result.problems.extend(repair_on_load(edition, reader.mismatched))
    return result


def read_facsimile(root, reader: _Reader) -> None:
    """Read ``facsimile/surface`` (see :func:`_write_facsimile`).  A page without an image
    or a region without readable coordinates is skipped and reported; a repeated id is
    renamed and reported; a page of an unknown witness is kept and reported."""
    facsimile = root.find(f"{T}facsimile")
    if facsimile is None:
        return
    from urllib.parse import unquote
    edition = reader.edition
    taken = edition._ids()

    def fresh_id(element, prefix: str) -> str:
        ident = element.get(XML_ID) or ""
        if ident and ident not in taken:
            taken.add(ident)
            return ident
        n = 1
        while f"{prefix}-{n}" in taken:
            n += 1
        new = f"{prefix}-{n}"
        taken.add(new)
        if ident:
            reader.problem("duplicate-id", f"the id {ident!r} was used twice; the second is "
                           f"now {new}", new, element)
        return new

    def number(value: str | None) -> float:
        result = float((value or "0").strip().removesuffix("px"))
        if result != result or abs(result) == float("inf"):
            raise ValueError("not a finite number")
        return result

    for element in facsimile.iter(f"{T}surface"):
        graphic = element.find(f"{T}graphic")
        if graphic is None or not graphic.get("url"):
            reader.problem("surface-without-image", f"page {element.get(XML_ID) or '?'} has no "
                           "image; it was skipped", element.get(XML_ID) or "", element)
            continue
        sid = fresh_id(element, "page")
        wid = _unpointer(element.get("corresp"))
        if wid not in edition.witnesses:
            reader.problem("unknown-witness", f"page {sid} belongs to witness {wid!r}, which "
                           "the edition does not have", sid, element)
        try:
            if element.get("lrx") is not None and element.get("lry") is not None:
                width = int(number(element.get("lrx")) - number(element.get("ulx")))
                height = int(number(element.get("lry")) - number(element.get("uly")))
            else:
                width = int(number(graphic.get("width")))
                height = int(number(graphic.get("height")))
        except ValueError:
            reader.problem("bad-surface-size", f"page {sid} has an unreadable size; it is "
                           "measured again from its image", sid, element)
            width = height = 0
        try:
            page = max(0, int(graphic.get("n") or 0))
        except ValueError:
            reader.problem("bad-page-number", f"page {sid} has an unreadable frame number "
                           f"{graphic.get('n')!r}; the image's first frame is shown", sid, graphic)
            page = 0
        surface = Surface(sid, wid, unquote(graphic.get("url")), page, max(width, 0),
                          max(height, 0), label=element.get("n", ""))
        start = element.get("start")
        if start is None:   # written so by the first Variorum builds
            ptr = element.find(f"{T}ptr[@type='text-start']")
            start = ptr.get("target") if ptr is not None else None
        if start:
            resolved = reader.resolve(start)
            if isinstance(resolved, str):
                reader.problem("bad-page-start", f"the text start of page {sid} {resolved}; it "
                               "starts at the beginning of the text", sid, element)
            else:
                surface.text_start = resolved[1]
        for zone_el in element.findall(f"{T}zone"):
            zid = fresh_id(zone_el, "zone")
            try:
                if zone_el.get("points"):
                    points = []
                    for pair in zone_el.get("points").split():
                        x, y = pair.split(",")
                        points.append((number(x), number(y)))
                else:
                    x0, y0 = number(zone_el.get("ulx")), number(zone_el.get("uly"))
                    x1, y1 = number(zone_el.get("lrx")), number(zone_el.get("lry"))
                    points = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
                if zone_el.get("points") is None and zone_el.get("ulx") is None:
                    raise ValueError("no coordinates")
            except (TypeError, ValueError):
                reader.problem("bad-zone", f"region {zid} has unreadable coordinates; it was "
                               "skipped", zid, zone_el)
                continue
            zone = Zone(zid, points, label=zone_el.get("n", ""))
            for link in (zone_el.get("corresp") or "").split():
                if link.startswith("#") and "(" not in link:
                    zone.annotation = link[1:]
                    if zone.annotation not in edition.annotations:
                        reader.problem("dangling-zone", f"region {zid} is linked to annotation "
                                       f"{zone.annotation!r}, which does not exist; the link is "
                                       "kept", zid, zone_el)
                else:
                    resolved = reader.resolve(link)
                    if isinstance(resolved, str):
                        reader.problem("bad-zone-link", f"region {zid} {resolved}; the region is "
                                       "kept without that link", zid, zone_el)
                    else:
                        zone.witness, zone.start, zone.end = resolved
            surface.zones.append(zone)
        edition.surfaces.append(surface)


def from_bytes(data: bytes, path: str = "") -> LoadResult:
    return from_tree(parse_bytes(data, path), path)


def load(path: str | os.PathLike) -> LoadResult:
    """Read a native Variorum file (see :func:`from_tree`)."""
    path = os.fspath(path)
    # Tens of thousands of small objects are made here and none is garbage: the cyclic
    # collector's passes over them would cost a quarter of the time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return from_tree(parse_file(path), path)
    finally:
        if was_enabled:
            gc.enable()


def is_native(tree: etree._ElementTree) -> bool:
    root = tree.getroot()
    return (root.tag == T + "TEI" and root.find(
        f"{T}teiHeader/{T}encodingDesc/{T}appInfo/{T}application[@ident='variorum']") is not None)


def read_header(root, path: str = "") -> tuple[Edition, list[Problem]]:
    """The metadata, people, witnesses (without texts) and hands of a TEI header written
    by :func:`write_header`, with the problems found."""
    reader = _Reader(root, path)
    reader.read_header()
    return reader.edition, reader.problems


def import_native(path: str | os.PathLike, **_options):
    """Registry entry: open a native edition as an import (its problems as the report)."""
    from editor.formats.registry import ImportResult
    result = load(path)
    return ImportResult(result.edition, result.problems, "native")
