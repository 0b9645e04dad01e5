"""The ``teiHeader`` of exchanged TEI: read into the edition's metadata, hands and people,
and written for TEI exports.

What is read (first match wins; texts have their whitespace collapsed):

=================  =====================================================================
metadata field     from
=================  =====================================================================
title              ``titleStmt/title``: ``@type="main"``, else ``@level="a"``, else the
                   first title without ``@type``, else the first; other titles go to
                   ``extra`` (``title (sub)``...)
authors            ``titleStmt/author``
people             every ``persName``/``name`` with an ``xml:id`` in a ``respStmt``
                   (``titleStmt``, ``editionStmt``): role from ``resp``
responsible        ``editor``, ``sponsor``, ``funder``, ``principal`` and ``respStmt``
                   names without ``xml:id``: (role, name)
publisher          ``publicationStmt``: ``publisher``, else ``distributor``, else
                   ``authority``
record_id          ``publicationStmt/idno``
rights             ``availability`` (``licence`` and ``p``); a licence URL goes to
                   ``extra["licence"]``
date, date_text    ``msDesc//origDate``, else ``sourceDesc//bibl/date``, else
                   ``correspAction[@type="sent"]/date``, else ``creation/date``: ``@when``
                   if ISO 8601, the text as written, a ``@notBefore``..``@notAfter``
                   range in ``extra["date range"]``
source             ``msIdentifier/idno`` (or ``sourceDesc//bibl/idno``)
repository         ``msIdentifier``: ``repository``, ``settlement``, ``country``
summary            ``profileDesc/abstract``
language           ``langUsage/language/@ident`` (else its text)
classification     ``textClass//term``
extra              ``notesStmt/note`` (``note (TYPE)``), ``editionStmt``, ``seriesStmt``
=================  =====================================================================

Hands come from every ``handNote`` (``profileDesc/handNotes`` and ``msDesc``'s
``handDesc``): id from ``xml:id`` (one is made up when missing, and reported), label
from its text, scribe from ``@scribe`` or a ``persName``, medium from ``@medium``.
Everything else in the header (``encodingDesc``, ``revisionDesc``, ``correspDesc``...) is
not imported; :func:`read_header` names it in the report.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from editor.formats.tei_common import T, TEI_NS, XML_ID, all_text, collapse, local_name
from editor.model.edition import WITNESS_KINDS, Edition, Hand, Person, is_ncname, make_ncname
from editor.model.validate import Problem

_ISO_DATE = re.compile(r"^-?\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")

#: header parts read here (paths below teiHeader); the rest is reported
_READ = {
    "fileDesc", "fileDesc/titleStmt", "fileDesc/publicationStmt", "fileDesc/sourceDesc",
    "fileDesc/notesStmt", "fileDesc/editionStmt", "fileDesc/seriesStmt", "profileDesc",
    "profileDesc/abstract", "profileDesc/langUsage", "profileDesc/handNotes",
    "profileDesc/textClass", "profileDesc/creation",
}


def _first(element, *paths):
    for path in paths:
        found = element.find(path) if element is not None else None
        if found is not None:
            return found
    return None


def _title(title_stmt) -> tuple[str, dict[str, str]]:
    titles = title_stmt.findall(f"{T}title") if title_stmt is not None else []
    if not titles:
        return "", {}
    main = titles[0]
    for test in (lambda t: t.get("type") == "main", lambda t: t.get("level") == "a",
                 lambda t: t.get("type") is None):
        found = [t for t in titles if test(t)]
        if found:
            main = found[0]
            break
    extra = {}
    for title in titles:
        if title is main or not all_text(title):
            continue
        label = title.get("type") or title.get("level") or "other"
        key = f"title ({label})"
        n = 2
        while key in extra:
            key, n = f"title ({label} {n})", n + 1
        extra[key] = all_text(title)
    return all_text(main), extra


def _unique_key(mapping: dict, key: str) -> str:
    base, n = key, 2
    while key in mapping:
        key, n = f"{base} {n}", n + 1
    return key


def read_header(header, edition: Edition, report: list[Problem],
                taken: set[str]) -> list[tuple[str, str, str, str]]:
    """Fill ``edition``'s metadata, hands and people from ``header``; return the witnesses
    its ``listWit`` declares as ``(id, label, description, kind)`` (kind from the label's
    ``@type`` when it is one of Variorum's, else "").  ``taken`` holds ids already in use
    (it is updated)."""
    md = edition.metadata
    if header is None:
        return []
    file_desc = header.find(f"{T}fileDesc")
    title_stmt = _first(file_desc, f"{T}titleStmt")
    title, extra = _title(title_stmt)
    if title and not md.title:
        md.title = title
    for key, value in extra.items():
        md.extra.setdefault(key, value)
    if title_stmt is not None:
        md.authors += [all_text(a) for a in title_stmt.findall(f"{T}author") if all_text(a)]
        for tag in ("editor", "sponsor", "funder", "principal"):
            for element in title_stmt.findall(f"{T}{tag}"):
                names = [all_text(n) for n in element if isinstance(n.tag, str)
                         and local_name(n) in ("name", "persName", "orgName")]
                for name in names or [all_text(element)]:
                    if name:
                        md.responsible.append((tag, name))
    for resp_stmt in (file_desc.iter(f"{T}respStmt") if file_desc is not None else ()):
        if resp_stmt.getparent().tag not in (f"{T}titleStmt", f"{T}editionStmt"):
            continue
        role = all_text(resp_stmt.find(f"{T}resp")) or "responsible"
        for name_el in resp_stmt:
            if not isinstance(name_el.tag, str) or local_name(name_el) == "resp":
                continue
            name = all_text(name_el)
            pid = name_el.get(XML_ID)
            if pid and is_ncname(pid) and pid not in taken:
                edition.people[pid] = Person(pid, name or pid, "", role)
                taken.add(pid)
            elif name:
                md.responsible.append((role, name))
    pub = _first(file_desc, f"{T}publicationStmt")
    if pub is not None:
        md.publisher = md.publisher or all_text(_first(pub, f"{T}publisher", f"{T}distributor",
                                                     f"{T}authority"))
        md.record_id = md.record_id or all_text(pub.find(f"{T}idno"))
        availability = pub.find(f"{T}availability")
        if availability is not None and not md.rights:
            paragraphs = []
            for part in availability:
                if not isinstance(part.tag, str):
                    continue
                if local_name(part) == "licence" and part.get("target"):
                    md.extra.setdefault("licence", part.get("target"))
                inner = part.findall(f"{T}p")
                paragraphs += [all_text(p) for p in inner] if inner else [all_text(part)]
            md.rights = "\n\n".join(p for p in paragraphs if p)
    source_desc = _first(file_desc, f"{T}sourceDesc")
    if source_desc is not None:
        ident = next(source_desc.iter(f"{T}msIdentifier"), None)
        if ident is not None:
            md.source = md.source or all_text(ident.find(f"{T}idno"))
            places = [all_text(ident.find(f"{T}{tag}")) for tag in ("repository", "settlement",
                                                                     "country")]
            md.repository = md.repository or ", ".join(p for p in places if p)
        bibl = next(source_desc.iter(f"{T}bibl"), None)
        if bibl is not None and not md.source:
            md.source = all_text(bibl.find(f"{T}idno"))
    date = (next(source_desc.iter(f"{T}origDate"), None) if source_desc is not None else None)
    if date is None and source_desc is not None:
        date = next((d for b in source_desc.iter(f"{T}bibl") for d in b.findall(f"{T}date")),
                    None)
    profile = header.find(f"{T}profileDesc")
    if date is None and profile is not None:
        date = _first(profile, f".//{T}correspAction[@type='sent']/{T}date",
                      f"{T}creation/{T}date")
    if date is not None and not (md.date or md.date_text):
        when = date.get("when") or date.get("when-iso") or ""
        if _ISO_DATE.match(when):
            md.date = when
        text = all_text(date)
        if text and text != md.date:
            md.date_text = text
        if date.get("notBefore") or date.get("notAfter"):
            md.extra.setdefault("date range", f"{date.get('notBefore', '')}..{date.get('notAfter', '')}")
    if file_desc is not None:
        for n, note in enumerate(file_desc.findall(f"{T}notesStmt/{T}note"), 1):
            text = all_text(note)
            if note.get("type") == "metadata" and note.get("n"):
                md.extra[note.get("n")] = text          # as Variorum writes its facts
            elif text:
                md.extra[_unique_key(md.extra, f"note ({note.get('type') or n})")] = text
        for tag in ("editionStmt", "seriesStmt"):
            element = file_desc.find(f"{T}{tag}")
            if element is not None and all_text(element):
                md.extra.setdefault(tag, all_text(element))
    if profile is not None:
        abstract = profile.find(f"{T}abstract")
        if abstract is not None and not md.summary:
            paras = abstract.findall(f"{T}p")
            md.summary = "\n\n".join(all_text(p) for p in paras) if paras else all_text(abstract)
        language = profile.find(f"{T}langUsage/{T}language")
        if language is not None and not md.language:
            md.language = language.get("ident") or all_text(language)
        term = next(profile.iter(f"{T}term"), None)
        if term is not None and not md.classification:
            md.classification = all_text(term)
    _read_hands(header, edition, report, taken)
    _report_unread(header, report)
    witnesses = []
    for witness in (source_desc.iter(f"{T}witness") if source_desc is not None else ()):
        wid = witness.get(XML_ID) or ""
        label_el = witness.find(f"{T}label")
        label = all_text(label_el) if label_el is not None else collapse(witness.text or "")
        note = witness.find(f"{T}note")
        kind = label_el.get("type", "") if label_el is not None else ""
        witnesses.append((wid, label or all_text(witness)[:80], all_text(note),
                          kind if kind in WITNESS_KINDS else ""))
    return witnesses


def _read_hands(header, edition: Edition, report: list[Problem], taken: set[str]) -> None:
    unnamed = 0
    for note in header.iter(f"{T}handNote"):
        hid = note.get(XML_ID) or ""
        if not hid or not is_ncname(hid) or hid in taken:
            unnamed += 1
            base = make_ncname(hid or "hand", "hand")
            hid, n = base, 1
            while hid in taken:
                n += 1
                hid = f"{base}-{n}"
            report.append(Problem("warning", "hand-without-id",
                                  f"a <handNote> without a usable xml:id is declared as hand "
                                  f"{hid!r} (line {note.sourceline})", hid))
        label = all_text(note.find(f"{T}label"))
        paragraphs = note.findall(f"{T}p")
        if not label and not paragraphs:
            bare = copy.deepcopy(note)
            for child in list(bare):
                if isinstance(child.tag, str) and local_name(child) in (
                        "persName", "material", "label", "p", "note"):
                    _drop(child)
            label = all_text(bare)
        scribe = note.get("scribe") or all_text(note.find(f"{T}persName"))
        medium = all_text(note.find(f"{T}material")) or note.get("medium", "")
        edition.hands[hid] = Hand(hid, label, scribe, medium,
                                  "\n\n".join(all_text(p) for p in paragraphs))
        taken.add(hid)


def _drop(element) -> None:
    """Remove ``element``, keeping the text that follows it."""
    parent = element.getparent()
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _report_unread(header, report: list[Problem]) -> None:
    unread = []
    for child in header:
        if not isinstance(child.tag, str):
            continue
        name = local_name(child)
        if name not in _READ:
            unread.append(name)
            continue
        for part in child:
            if isinstance(part.tag, str) and f"{name}/{local_name(part)}" not in _READ:
                unread.append(f"{name}/{local_name(part)}")
    if unread:
        report.append(Problem("warning", "header-not-imported",
                              "parts of the teiHeader Variorum does not keep were not imported: "
                              + ", ".join(unread)))


# ======================================================================================
# writing


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, T + tag)
    for key, value in attrs.items():
        if value:
            element.set(XML_ID if key == "xml_id" else key, str(value))
    if text:
        element.text = text
    return element


def _token(value: str) -> str:
    return "-".join(value.split())


def write_header(tei, edition: Edition, witness_ids: list[str], description: str) -> etree._Element:
    """Append a ``teiHeader`` for ``edition`` to ``tei``: ``titleStmt`` (title, authors,
    people and others responsible), ``publicationStmt``, ``notesStmt`` (extra facts),
    ``sourceDesc`` (the manuscript's identifier and date, a ``listWit`` of
    ``witness_ids``), an ``encodingDesc`` saying what wrote the file (``description``),
    and ``profileDesc`` (abstract, language, classification, ``handNotes``)."""
    md = edition.metadata
    header = _el(tei, "teiHeader")
    file_desc = _el(header, "fileDesc")
    title_stmt = _el(file_desc, "titleStmt")
    _el(title_stmt, "title", md.title, type="main")
    for author in md.authors:
        _el(title_stmt, "author", author)
    for person in sorted(edition.people.values(), key=lambda p: p.id):
        resp_stmt = _el(title_stmt, "respStmt")
        _el(resp_stmt, "resp", person.role or "annotation")
        _el(resp_stmt, "persName", person.name or person.id, xml_id=person.id)
    if md.translator:
        resp_stmt = _el(title_stmt, "respStmt")
        _el(resp_stmt, "resp", "translator")
        _el(resp_stmt, "name", md.translator)
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
        _el(pub, "idno", md.record_id)
    if md.rights or md.extra.get("licence"):
        licence = _el(_el(pub, "availability"), "licence", target=md.extra.get("licence"))
        for para in (md.rights or "").split("\n\n"):
            if para:
                _el(licence, "p", para)
    if md.extra:
        notes = _el(file_desc, "notesStmt")
        for key, value in sorted(md.extra.items()):
            _el(notes, "note", value, type="metadata", n=key)
    source_desc = _el(file_desc, "sourceDesc")
    if md.source or md.repository or md.date or md.date_text:
        ms = _el(source_desc, "msDesc")
        ident = _el(ms, "msIdentifier")
        if md.repository:
            _el(ident, "repository", md.repository)
        _el(ident, "idno", md.source)
        if md.date or md.date_text:
            origin = _el(_el(ms, "history"), "origin")
            _el(origin, "origDate", md.date_text or md.date,
                when=md.date if _ISO_DATE.match(md.date or "") else None)
    if witness_ids:
        list_wit = _el(source_desc, "listWit")
        for wid in witness_ids:
            witness = edition.witnesses[wid]
            wit = _el(list_wit, "witness", xml_id=wid)
            _el(wit, "label", witness.label or wid, type=witness.kind)
            if witness.description:
                _el(wit, "note", witness.description)
    elif not len(source_desc):
        _el(source_desc, "p", "Made with Variorum.")
    encoding = _el(header, "encodingDesc")
    _el(_el(encoding, "projectDesc"), "p", description)
    profile = _el(header, "profileDesc")
    if md.summary:
        abstract = _el(profile, "abstract")
        for para in md.summary.split("\n\n"):
            _el(abstract, "p", para)
    if md.language:
        code = md.language if _LANGUAGE.match(md.language) else "und"
        _el(_el(profile, "langUsage"), "language", md.language, ident=code)
    if md.classification:
        _el(_el(_el(profile, "textClass"), "keywords"), "term", md.classification)
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
                for para in hand.description.split("\n\n"):
                    _el(note, "p", para)
    if not len(profile):
        header.remove(profile)
    return header


__all__ = ["read_header", "write_header", "TEI_NS"]
