"""Import TEI: a transcription with inline markup, a parallel-segmentation apparatus, or a
standoff collation, as a Variorum edition.

``import_tei(path, **options)`` (see ``docs/tei-import.md`` for the whole mapping):

* The file is parsed by the hardened reader (:mod:`editor.formats.xmlsafe`): a DTD or an
  entity declaration is refused with a message saying why.
* The root may be ``TEI``, ``teiCorpus`` (each ``TEI`` inside is read in turn), or a
  bare TEI-namespace ``surface``, ``sourceDoc`` or ``text``.  A ``TEI`` with no namespace
  is read as TEI (and reported).
* Each ``text`` and each ``sourceDoc`` becomes a witness whose text is built by
  :mod:`editor.formats.tei_walk` (paragraphs, lines and whitespace are described there).
* Every element inside becomes an annotation.  Elements Variorum has a kind for
  (``add``, ``del``, ``subst``, ``supplied``, ``sic``, ``choice`` with ``sic``/``corr``
  or ``abbr``/``expan``, ``abbr``, ``unclear``, ``gap``, ``note``, ``addSpan``/
  ``delSpan`` with their anchors) become annotations of that kind; when the element holds
  more than the kind can (other attributes, a ``corr`` with markup, a span...), a
  ``remark`` of type ``tei-attributes`` with the id ``<id>-markup`` keeps the element's
  markup beside it.  Every other element (``l``, ``line``, ``pb``, ``hi``, ``mod``,
  ``metamark``, ``f:overw``...) and every comment becomes a ``remark`` of type
  ``tei-markup`` whose note holds the element's markup (its text stays in the witness).
  The inline TEI export rebuilds the elements from both.
* ``@hand`` points to a :class:`~editor.model.edition.Hand` built from the header's
  ``handNote``s (an undeclared ``#id`` is declared and reported); an addition without
  ``@hand`` takes the hand of the last ``handShift`` before it.  ``@resp`` becomes the
  annotation's person (``supplied`` and ``note`` keep it as an attribute), ``@cert``
  its certainty.
* ``app``/``rdg``/``lem`` with ``@wit`` naming two witnesses or more (parallel
  segmentation): each witness's reading is rebuilt as a witness of its own, and where a
  witness reads differently from the first one a ``variant`` annotation ties its reading
  to the first witness's (``counterpart``).
* ``app``s whose readings only hold ``ptr``s into other files (a standoff collation): the
  witnesses named by ``@wit`` are declared; a reading whose file lies next to the
  imported one (or is given in ``documents={"name.xml": path}``) is read from it,
  anything else is reported as unresolved.  Nothing is ever fetched from the network.

Options: ``witness`` (id of the witness when there is one), ``label``, ``kind``
(typed, handwritten, printed, other), ``status`` of the annotations (default
``accepted``: they are the source's own editorial decisions), ``documents``.
"""

from __future__ import annotations

import bisect
import os
from collections import OrderedDict
from urllib.parse import urlparse

from lxml import etree

from editor.errors import FileFormatError, VariorumError
from editor.formats import tei_schema
from editor.formats.registry import ImportResult
from editor.formats.tei_common import (ATTRIBUTES, COMPLETION_SUFFIX, MARKUP, SPAN_ELEMENTS,
                                       TEI_NS, T, XML_ID, XML_NS, HandShifts, all_text,
                                       app_members, attribute_name, display_name,
                                       element_fields, is_tei, level_of, local_name, render,
                                       same_shell, serialise_shell, shell_copy, slot_pi,
                                       unpointer)
from editor.formats.tei_header import read_header
from editor.formats.tei_walk import Mark, Walker
from editor.formats.xmlsafe import parse_file
from editor.model.annotation import STATUSES, Annotation, ReviewEvent, Span, now_iso
from editor.model.edition import (WITNESS_KINDS, Edition, Hand, Person, Witness, is_ncname,
                                  make_ncname)
from editor.model.validate import Problem

#: roots accepted besides TEI and teiCorpus: a fragment that is itself a witness
_FRAGMENT_ROOTS = ("surface", "surfaceGrp", "sourceDoc", "text")


# ======================================================================================
# the report


class _Tally:
    """Problems grouped by (code, element): one line each in the report, with a count."""

    def __init__(self) -> None:
        self.groups: OrderedDict[tuple[str, str], list] = OrderedDict()

    def add(self, code: str, name: str, line: int | None, detail: str = "", extra=None) -> None:
        group = self.groups.get((code, name))
        if group is None:
            group = self.groups[(code, name)] = [0, line, OrderedDict(), extra]
        group[0] += 1
        if detail:
            group[2][detail] = None

    def problems(self) -> list[Problem]:
        out = []
        for (code, name), (count, line, details, extra) in self.groups.items():
            out.append(Problem("warning", code, _MESSAGES[code](count, name, list(details),
                                                                 extra, line)))
        return out


def _first_at(line) -> str:
    return f" (first at line {line})" if line else ""


def _plural(count: int, name: str, what: str = "element") -> str:
    return f"{count} <{name}> {what}{'s' if count != 1 else ''}"


_MESSAGES = {
    "kept-as-remark": lambda n, name, d, x, line: (
        f"{_plural(n, name)}: Variorum has no kind for {'them' if n != 1 else 'it'}; "
        f"{'each is' if n != 1 else 'it is'} kept as a remark holding its markup, and its "
        f"text stays in the witness{_first_at(line)}"),
    "comment-kept": lambda n, name, d, x, line: (
        f"{n} XML comment{'s' if n != 1 else ''} in the text kept as remarks{_first_at(line)}"),
    "attributes-kept": lambda n, name, d, x, line: (
        f"{_plural(n, name)} became {x} annotations but hold more than the {x} annotation "
        f"can ({', '.join(d)}); that markup is kept in a remark beside "
        f"{'each' if n != 1 else 'it'}{_first_at(line)}"),
    "not-tei": lambda n, name, d, x, line: (
        f"{_plural(n, name)} are not TEI (namespace {x}): kept in remarks, but a TEI export "
        f"cannot write them and writes their text only{_first_at(line)}"),
    "not-tei-attribute": lambda n, name, d, x, line: (
        f"{n} attribute{'s' if n != 1 else ''} {name} not in TEI: kept in remarks, but a TEI "
        f"export cannot write {'them' if n != 1 else 'it'}{_first_at(line)}"),
    "invalid-attribute": lambda n, name, d, x, line: (
        f"{n} attribute{'s' if n != 1 else ''} {name} that TEI does not allow "
        f"({'; '.join(d)}): kept in remarks, but a TEI export leaves "
        f"{'them' if n != 1 else 'it'} out{_first_at(line)}"),
    "breaks-inside": lambda n, name, d, x, line: (
        f"{_plural(n, name)} hold line or paragraph breaks ({', '.join(d)}); inline TEI "
        f"cannot nest those inside <{name}>, so an inline export splits "
        f"{'them' if n != 1 else 'it'} into parts joined by @next/@prev (or writes "
        f"addSpan/delSpan){_first_at(line)}"),
    "undeclared-hand": lambda n, name, d, x, line: (
        f"hand #{name} is used {n} time{'s' if n != 1 else ''} but no handNote declares it; "
        f"it was declared{_first_at(line)}"),
    "undeclared-person": lambda n, name, d, x, line: (
        f"#{name} is named as responsible {n} time{'s' if n != 1 else ''} but not declared; "
        f"it was declared as a person{_first_at(line)}"),
    "unresolved-span": lambda n, name, d, x, line: (
        f"{_plural(n, name)} point with @spanTo to {', '.join(d)}, which is not an anchor "
        f"after it in the same text; kept as remarks{_first_at(line)}"),
    "apparatus-details": lambda n, name, d, x, line: (
        f"{_plural(n, name)} carry {', '.join(d)}; rebuilding the witnesses keeps only "
        f"their readings and @type{_first_at(line)}"),
    "unresolved-pointer": lambda n, name, d, x, line: (
        f"{n} pointer{'s' if n != 1 else ''} to readings in {name} cannot be resolved: "
        f"{x}; the witness{'es' if len(d) != 1 else ''} {', '.join(d)} "
        f"{'are' if len(d) != 1 else 'is'} left without those readings"),
}


# ======================================================================================
# helpers


def _index_path(ancestor, node) -> list[int]:
    path = []
    while node is not ancestor:
        parent = node.getparent()
        path.append(parent.index(node))
        node = parent
    return list(reversed(path))


def shell_of(mark: Mark, mark_empty: bool = True):
    """The source element as a shell (see :mod:`editor.formats.tei_common`).  An element
    that had content but covers no text gets a slot mark (``mark_empty``), so that the
    export does not take it for an empty element."""
    element = mark.element
    if mark.point or not isinstance(element.tag, str):
        return shell_copy(element, deep=True)
    if mark.stream is not None:
        clone = shell_copy(element, deep=True)
        target = clone
        for index in _index_path(element, mark.stream):
            target = target[index]
        for child in list(target):
            target.remove(child)
        target.text = None
        target.append(slot_pi())
        return clone
    clone = shell_copy(element, deep=False)
    if mark_empty and mark.start == mark.end:
        clone.append(slot_pi())
    return clone


def _differences(original, rendered) -> list[str]:
    """What the rendered shell lacks: attribute names, or "content"."""
    out = []
    for name in sorted(set(original.attrib) | set(rendered.attrib)):
        if original.get(name) != rendered.get(name):
            out.append("@" + attribute_name(original, name))
    if original.tag != rendered.tag:
        out.insert(0, f"being <{display_name(original)}>")
    elif not same_shell(_strip_attrs(original), _strip_attrs(rendered)):
        out.append("content")
    return out or ["markup"]


def _strip_attrs(shell):
    clone = shell_copy(shell, deep=True)
    clone.attrib.clear()
    return clone


class _Ids:
    """Annotation ids in document order, clear of every other id of the edition."""

    def __init__(self, taken: set[str], prefix: str):
        self.taken = taken
        self.prefix = prefix
        while any(t.startswith(prefix) and t[len(prefix):].isdigit() for t in taken):
            self.prefix = prefix = prefix + "x"

    def make(self, order: int, suffix: str = "") -> str:
        ident = f"{self.prefix}{order}{suffix}"
        n = 2
        while ident in self.taken:
            ident, n = f"{self.prefix}{order}{suffix}-{n}", n + 1
        self.taken.add(ident)
        return ident


# ======================================================================================
# the importer


class _TeiImport:
    def __init__(self, path: str, options: dict):
        self.path = path
        self.name = os.path.basename(path)
        self.options = options
        self.edition = Edition()
        self.report: list[Problem] = []
        self.tally = _Tally()
        self.taken: set[str] = set()
        self.status = options.get("status", "accepted")
        if self.status not in STATUSES:
            raise VariorumError(f"unknown review status {self.status!r}; choose one of "
                                f"{', '.join(STATUSES)}")
        kind = options.get("kind")
        if kind and kind not in WITNESS_KINDS:
            raise VariorumError(f"unknown witness kind {kind!r}; choose one of "
                                f"{', '.join(WITNESS_KINDS)}")
        self.when = now_iso()
        #: variants read from one witness's text, tied to the other witness at the end
        self.pending_variants: list = []
        self.listwit: list[tuple[str, str, str, str]] = []

    # -- entry ---------------------------------------------------------------------
    def run(self, root) -> ImportResult:
        if not isinstance(root.tag, str):
            raise FileFormatError("not a TEI document", self.path)
        root = self._namespace(root)
        # ids of the document's elements stay theirs (an export writes them back)
        self.taken.update(e.get(XML_ID) for e in root.iter()
                          if isinstance(e.tag, str) and e.get(XML_ID)
                          and e.tag != T + "TEI" and e.tag != T + "teiCorpus"
                          and not _in_header(e))
        name = local_name(root)
        if root.tag == T + "TEI":
            self._tei(root, None)
        elif root.tag == T + "teiCorpus":
            self._corpus(root)
        elif is_tei(root) and name in _FRAGMENT_ROOTS:
            self._witness_roots([root], self._base_id(root))
        else:
            raise FileFormatError(f"this is not a TEI document: its root element is "
                                  f"<{display_name(root)}>, not <TEI>, <teiCorpus> or a TEI "
                                  "<surface>, <sourceDoc> or <text>", self.path,
                                  root.sourceline)
        if not self.edition.witnesses:
            raise FileFormatError("the TEI file holds no text (no <text> or <sourceDoc>)",
                                  self.path)
        self._tie_variants()
        return ImportResult(self.edition, self.report + self.tally.problems(), "tei")

    def _namespace(self, root):
        if etree.QName(root).namespace is None and etree.QName(root).localname in (
                "TEI", "teiCorpus") + _FRAGMENT_ROOTS:
            count = 0
            for element in root.iter():
                if isinstance(element.tag, str) and etree.QName(element).namespace is None:
                    element.tag = T + element.tag
                    count += 1
            self.report.append(Problem(
                "warning", "no-namespace",
                f"the document is not in the TEI namespace ({TEI_NS}); its {count} "
                "elements were read as TEI"))
        return root

    def _base_id(self, root, listwit=()) -> str:
        wanted = self.options.get("witness")
        if wanted:
            if not is_ncname(wanted):
                raise VariorumError(f"{wanted!r} cannot be a witness id (letters, digits, "
                                    "'-', '_' and '.', starting with a letter)")
            return wanted
        declared = [wid for wid, *_ in listwit if wid]
        if len(declared) == 1 and is_ncname(declared[0]) and declared[0] not in self.taken:
            return declared[0]
        ident = root.get(XML_ID) or ""
        if is_ncname(ident):
            return ident
        stem = os.path.splitext(self.name)[0]
        return make_ncname(stem, "witness")

    def _corpus(self, corpus) -> None:
        self.listwit += read_header(corpus.find(f"{T}teiHeader"), self.edition, self.report,
                                    self.taken)
        members = corpus.findall(f"{T}TEI")
        if not members:
            raise FileFormatError("the teiCorpus holds no TEI document", self.path)
        for n, member in enumerate(members, 1):
            base = member.get(XML_ID) if is_ncname(member.get(XML_ID) or "") else \
                f"{self._base_id(corpus)}-{n}"
            self._tei(member, base)

    def _tei(self, tei, base: str | None) -> None:
        declared = len(self.listwit)
        self.listwit += read_header(tei.find(f"{T}teiHeader"), self.edition, self.report,
                                    self.taken)
        if base is None:
            base = self._base_id(tei, self.listwit[declared:])
        for tag, what in ((f"{T}facsimile", "facsimile"), (f"{T}standOff", "standOff")):
            for element in tei.findall(tag):
                self.report.append(Problem(
                    "warning", f"{what}-not-imported",
                    f"the <{what}> (line {element.sourceline}) is not imported: Variorum "
                    "links page images to witnesses itself"))
        roots = tei.findall(f"{T}sourceDoc") + tei.findall(f"{T}text")
        for nested in tei.findall(f"{T}TEI"):
            self._tei(nested, f"{base}-{len(self.edition.witnesses) + 1}")
        self._witness_roots(roots, base)

    # -- witnesses -------------------------------------------------------------------
    def _unique(self, ident: str) -> str:
        base, n = ident, 2
        if ident in self.taken:
            base = ident = f"{ident}-witness"
        while ident in self.taken:
            ident, n = f"{base}-{n}", n + 1
        self.taken.add(ident)
        return ident

    def _kind(self, root) -> str:
        kind = self.options.get("kind")
        if kind:
            return kind
        if local_name(root) in ("sourceDoc", "surface", "surfaceGrp"):
            return "handwritten"
        if "manuscript" in (root.get("type") or "") or self.edition.hands:
            return "handwritten"
        return "other"

    def _named_roots(self, roots) -> list[tuple[object, str]]:
        """The witness roots, each with the witness id its ``@corresp`` gives it (as an
        all-witness export writes them: ``text/group/text[@corresp]``, ``sourceDoc``),
        or "" when it names none."""
        declared = {wid for wid, *_ in self.listwit if wid}
        out = []
        for root in roots:
            group = root.find(f"{T}group") if root.tag == T + "text" else None
            members = group.findall(f"{T}text") if group is not None else []
            names = [unpointer(m.get("corresp", "")) for m in members]
            if members and all(n in declared for n in names) and len(set(names)) == len(names):
                out += list(zip(members, names))
                continue
            name = unpointer(root.get("corresp", ""))
            out.append((root, name if name in declared else ""))
        return out

    def _witness_roots(self, roots, base: str) -> None:
        named = self._named_roots(roots)
        several = len(named) > 1
        for root in roots:
            self._declare_pointers(root)
            self._tally_unwritable(root)
        for root, name in named:
            suffix = {"sourceDoc": "doc", "text": "text"}.get(local_name(root), "text")
            wid = self._unique(name or (f"{base}-{suffix}" if several else base))
            apparatus = _apparatus_kind(root, wid) if local_name(root) == "text" else ""
            if apparatus in ("parallel", "standoff"):
                self.taken.discard(wid)   # the apparatus names the witnesses
            if apparatus == "variants":
                self._single(root, wid, several and not name, name, variants=True)
            elif apparatus == "parallel":
                self._parallel(root, wid)
            elif apparatus == "standoff":
                self._standoff(root, wid)
            else:
                self._single(root, wid, several and not name, name)

    def _label(self, suffix: str = "") -> str:
        label = self.options.get("label") or self.edition.metadata.title
        return f"{label} ({suffix})" if label and suffix else label

    def _single(self, root, wid: str, several: bool, name: str = "",
                variants: bool = False) -> None:
        walker = Walker(witness=wid) if variants else Walker()
        text, marks = walker.walk(root)
        label, description, kind = self._declared(name or wid)
        witness = Witness(wid, label or self._label(local_name(root) if several else "") or wid,
                          self.options.get("kind") or kind or self._kind(root), text,
                          description)
        self.edition.add_witness(witness)
        prefix = "e" if len(self.edition.witnesses) == 1 and not several and not name \
            else f"{wid}-e"
        ids = _Ids(self.taken, prefix)
        self._annotate(wid, text, marks, ids)
        if variants:
            for mark in marks:
                if mark.apparatus:
                    self.pending_variants.append((wid, mark, ids))

    # -- declarations ------------------------------------------------------------------
    def _declare_pointers(self, root) -> None:
        """Declare the hands and people the text points to with ``#id`` but the header
        does not declare (reported), so that every pointer resolves."""
        for element in root.iter():
            if not is_tei(element):
                continue
            hands = (element.get("hand") or "").split()
            if local_name(element) == "handShift":
                hands += (element.get("new") or "").split()
            for token in hands:
                hid = token[1:]
                if token.startswith("#") and is_ncname(hid) and hid not in self.edition.hands \
                        and hid not in self.taken:
                    self.edition.hands[hid] = Hand(hid, hid)
                    self.taken.add(hid)
                    self.tally.add("undeclared-hand", hid, element.sourceline)
                elif token.startswith("#") and hid in self.edition.hands and \
                        ("undeclared-hand", hid) in self.tally.groups:
                    self.tally.add("undeclared-hand", hid, element.sourceline)
            for token in (element.get("resp") or "").split():
                pid = token[1:]
                if token.startswith("#") and is_ncname(pid) and pid not in self.edition.people \
                        and pid not in self.taken:
                    self.edition.people[pid] = Person(pid, pid)
                    self.taken.add(pid)
                    self.tally.add("undeclared-person", pid, element.sourceline)
                elif token.startswith("#") and ("undeclared-person", pid) in self.tally.groups:
                    self.tally.add("undeclared-person", pid, element.sourceline)

    # -- annotations -------------------------------------------------------------------
    def _history(self, mark: Mark) -> list[ReviewEvent]:
        where = f"{self.name}, line {mark.line}" if mark.line else self.name
        return [ReviewEvent(self.status, "", self.when, "imported", f"from {where}")]

    def _add(self, ids: _Ids, mark: Mark, wid: str, start: int, end: int, kind: str,
             attrs=None, note: str = "", resp: str = "", cert: str = "", suffix: str = "",
             counterpart: Span | None = None) -> Annotation:
        ann = Annotation(ids.make(mark.order, suffix), wid, start, end, kind, dict(attrs or {}),
                         note, resp, cert, self.status, self._history(mark),
                         counterpart=counterpart)
        self.edition.add_annotation(ann)
        return ann

    def _markup_remark(self, ids: _Ids, mark: Mark, wid: str, start: int, end: int,
                       shell, remark_type: str, suffix: str = "") -> Annotation:
        return self._add(ids, mark, wid, start, end, "remark", {"type": remark_type},
                         serialise_shell(shell), suffix=suffix)

    def _annotate(self, wid: str, text: str, marks: list[Mark], ids: _Ids) -> None:
        by_id = {}
        shifts = []
        for mark in marks:
            element = mark.element
            if not isinstance(element.tag, str):
                continue
            if element.get(XML_ID):
                by_id.setdefault(element.get(XML_ID), mark)
            if element.tag == T + "handShift" and element.get("new"):
                shifts.append((mark.start, (mark.order,), unpointer(element.get("new"))))
        hands = HandShifts(shifts)
        by_element = {m.element: m for m in marks}
        for mark in marks:
            self._annotate_one(wid, mark, ids, hands, by_id, by_element)
        self._check_breaks(marks)

    def _annotate_one(self, wid, mark: Mark, ids: _Ids, hands: HandShifts, by_id,
                      by_element) -> None:
        element = mark.element
        if mark.apparatus:
            return
        if not isinstance(element.tag, str):
            if isinstance(element, etree._Comment):
                self.tally.add("comment-kept", "#comment", mark.line)
            self._markup_remark(ids, mark, wid, mark.start, mark.end, shell_of(mark), MARKUP)
            return
        if mark.generated and not element.attrib and not len(element):
            return   # a plain lb: the "\n" it stands for is written back as <lb/>
        start, end = mark.start, mark.end
        name = local_name(element) if is_tei(element) else ""
        span_target = False
        if name in SPAN_ELEMENTS or (name == "note" and element.get("targetEnd")):
            target = unpointer(element.get("spanTo" if name != "note" else "targetEnd"))
            anchor = by_id.get(target)
            if anchor is not None and anchor.start >= start:
                end, span_target = anchor.start, True
            elif name in SPAN_ELEMENTS:
                self.tally.add("unresolved-span", name, mark.line, "#" + target)
        current = hands.at(start)
        fields = element_fields(element, current, span_target)
        original = shell_of(mark)
        if fields is None:
            if is_tei(element):
                self.tally.add("kept-as-remark", display_name(element), mark.line)
            self._markup_remark(ids, mark, wid, start, end, original, MARKUP)
            return
        if fields.kind == "substitution":
            first_add = next((c for c in element if c.tag == T + "add"), None)
            split = end - start
            if first_add is not None:
                add_mark = by_element.get(first_add)
                if add_mark is not None:
                    split = max(0, min(add_mark.start - start, end - start))
                if first_add.get("place"):
                    fields.attrs["place"] = "-".join(first_add.get("place").split())
            fields.attrs["split"] = str(split)
        ann = self._add(ids, mark, wid, start, end, fields.kind, fields.attrs, fields.note,
                        fields.resp, fields.cert)
        rendered = render(ann, self.edition.hands, self.edition.people, current).element
        if not same_shell(shell_of(mark, mark_empty=False), rendered):
            for difference in _differences(shell_of(mark, mark_empty=False), rendered):
                self.tally.add("attributes-kept", display_name(element), mark.line, difference,
                               extra=fields.kind)
            self._markup_remark(ids, mark, wid, start, end, original, ATTRIBUTES,
                                suffix=COMPLETION_SUFFIX)

    def _tally_unwritable(self, root) -> None:
        """Report what the source holds that TEI does not allow where it stands: elements
        and attributes of other namespaces, attributes TEI does not give an element, empty
        attribute values.  All are kept in remarks; a TEI export leaves them out."""
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            if not is_tei(element):
                self.tally.add("not-tei", display_name(element), element.sourceline,
                               extra=etree.QName(element).namespace)
            for name in element.attrib:
                qname = etree.QName(name)
                label = f"{attribute_name(element, name)} (on <{display_name(element)}>)"
                if qname.namespace is not None and qname.namespace != XML_NS:
                    self.tally.add("not-tei-attribute", label, element.sourceline)
                elif is_tei(element) and not element.get(name, "").strip():
                    self.tally.add("invalid-attribute", label, element.sourceline,
                                   "it is empty")
                elif is_tei(element) and not tei_schema.allows_attribute(
                        local_name(element), attribute_name(element, name)):
                    self.tally.add("invalid-attribute", label, element.sourceline,
                                   f"TEI does not give <{local_name(element)}> this attribute")

    def _check_breaks(self, marks: list[Mark]) -> None:
        """Report phrase-level elements that hold line or paragraph elements."""
        structural = sorted(((m.start, m.end, m) for m in marks if not m.point
                             and isinstance(m.element.tag, str)
                             and level_of(m.element) != "phrase" and m.end > m.start),
                            key=lambda t: (t[0], t[1]))
        if not structural:
            return
        starts = [s for s, _, _ in structural]
        for mark in marks:
            element = mark.element
            if mark.point or not isinstance(element.tag, str) or level_of(element) != "phrase" \
                    or mark.apparatus or mark.end <= mark.start:
                continue
            inside = set()
            for s, e, other in structural[bisect.bisect_left(starts, mark.start):]:
                if s > mark.end:
                    break
                if e <= mark.end and (s, e) != (mark.start, mark.end):
                    inside.add(display_name(other.element))
            if inside:
                self.tally.add("breaks-inside", display_name(element), mark.line,
                               ", ".join(f"<{n}>" for n in sorted(inside)))

    # -- apparatus ---------------------------------------------------------------------
    def _witness_list(self, root) -> list[str]:
        order = [wid for wid, *_ in self.listwit if wid]
        for app in root.iter(T + "app"):
            for member in app_members(app):
                for token in unpointer(member.get("wit", "")).split():
                    if token not in order:
                        order.append(token)
        return order

    def _declared(self, wid: str) -> tuple[str, str, str]:
        """Label, description and kind the header's listWit gives witness ``wid``."""
        for w, label, desc, kind in self.listwit:
            if w == wid:
                return label, desc, kind
        return "", "", ""

    def _new_witness(self, wid: str, kind: str) -> str:
        label, desc, declared_kind = self._declared(wid)
        kind = self.options.get("kind") or declared_kind or kind
        ident = wid if is_ncname(wid) else make_ncname(wid, "witness")
        ident = self._unique(ident)
        self.edition.add_witness(Witness(ident, label or wid, kind, "", desc))
        return ident

    def _parallel(self, root, base: str) -> None:
        sigla = self._witness_list(root)
        kind = self.options.get("kind") or "other"
        readings: dict[str, dict] = {}
        for siglum in sigla:
            wid = self._new_witness(siglum, kind)
            walker = Walker(witness=siglum)
            text, marks = walker.walk(root)
            self.edition.witnesses[wid].text = text
            self._annotate(wid, text, marks, _Ids(self.taken, f"{wid}-e"))
            readings[wid] = {m.element: m for m in marks if m.apparatus}
        wids = list(readings)
        base_wid = wids[0]
        apps = [a for a in root.iter(T + "app")]
        details = set()
        for app in apps:
            for member in [app] + list(app_members(app)):
                for name in member.attrib:
                    if name not in ("wit", "type"):
                        details.add((display_name(member), "@" + attribute_name(member, name),
                                     member.sourceline))
        for name, attr, line in sorted(details, key=lambda d: (d[0], d[1])):
            self.tally.add("apparatus-details", name, line, attr)
        variants = 0
        variant_ids: dict[str, _Ids] = {}
        for app in apps:
            base_mark = readings[base_wid].get(app)
            if base_mark is None:
                continue
            base_text = self.edition.witnesses[base_wid].text[base_mark.start:base_mark.end]
            for wid in wids[1:]:
                mark = readings[wid].get(app)
                if mark is None:
                    continue
                other = self.edition.witnesses[wid].text[mark.start:mark.end]
                if other == base_text:
                    continue
                attrs = {"type": "-".join(app.get("type").split())} if app.get("type") else {}
                variant_ids.setdefault(wid, _Ids(self.taken, f"{wid}-app"))
                self._add(variant_ids[wid], mark, wid, mark.start, mark.end,
                          "variant", attrs, counterpart=Span(base_wid, base_mark.start,
                                                             base_mark.end))
                variants += 1
        self.report.append(Problem(
            "warning", "parallel-segmentation",
            f"parallel segmentation: {len(apps)} <app> entries rebuilt as {len(wids)} witnesses "
            f"({', '.join(wids)}); {variants} readings that differ from {base_wid}'s are variant "
            "annotations tied to it", base))

    def _tie_variants(self) -> None:
        """Each ``app`` of a witness's own text (``lem`` of that witness, ``rdg`` of
        another) becomes a variant; the other reading is looked for in the other
        witness's text, nearest to the same relative place.  When it cannot be found
        there, the variant keeps the ``app`` as markup beside it."""
        for wid, mark, ids in self.pending_variants:
            app = mark.element
            for member in app_members(app):
                if member.tag != T + "rdg":
                    continue
                reading = all_text(member)
                for siglum in unpointer(member.get("wit", "")).split():
                    attrs = {"type": "-".join(app.get("type").split())} \
                        if app.get("type") else {}
                    counterpart = self._locate(wid, mark, siglum, reading)
                    self._add(ids, mark, wid, mark.start, mark.end, "variant", attrs,
                              counterpart=counterpart, suffix=f"-{siglum}")
                    if counterpart is None or len(list(app_members(app))) > 2 or \
                            len(member) or set(app.attrib) - {"type"}:
                        self._markup_remark(ids, mark, wid, mark.start, mark.end,
                                            shell_of(mark), ATTRIBUTES,
                                            suffix=f"-{siglum}{COMPLETION_SUFFIX}")
                        self.tally.add("attributes-kept", "app", mark.line,
                                       "the reading of another witness" if counterpart is None
                                       else "readings or attributes", extra="variant")

    def _locate(self, wid: str, mark: Mark, siglum: str, reading: str) -> Span | None:
        other = self.edition.witnesses.get(siglum)
        if other is None or other.id == wid:
            return None
        own = self.edition.witnesses[wid].text
        expected = round(mark.start * len(other.text) / max(1, len(own)))
        if not reading:
            return Span(other.id, min(expected, len(other.text)), min(expected, len(other.text)))
        found, pos = [], other.text.find(reading)
        while pos != -1:
            found.append(pos)
            pos = other.text.find(reading, pos + 1)
        if not found:
            return None
        best = min(found, key=lambda p: abs(p - expected))
        return Span(other.id, best, best + len(reading))

    def _standoff(self, root, base: str) -> None:
        sigla = self._witness_list(root)
        kind = self.options.get("kind") or "other"
        wids = [self._new_witness(siglum, kind) for siglum in sigla]
        # the collation itself (app, rdgGrp, rdg, ptr) is kept as markup on the first witness
        text, marks = Walker().walk(root)
        first = wids[0] if wids else self._new_witness(base, kind)
        self.edition.witnesses[first].text = text
        self._annotate(first, text, marks, _Ids(self.taken, f"{first}-e"))
        resolver = _Resolver(self.path, self.options.get("documents") or {})
        pieces: dict[str, list] = {wid: [] for wid in wids}
        unresolved: OrderedDict[str, list] = OrderedDict()
        for app in root.iter(T + "app"):
            for member in app_members(app):
                for siglum in unpointer(member.get("wit", "")).split():
                    wid = wids[sigla.index(siglum)] if siglum in sigla else None
                    for ptr in member.iter(T + "ptr"):
                        target = ptr.get("target", "")
                        found, why = resolver.resolve(target)
                        if found is None:
                            entry = unresolved.setdefault(resolver.document(target), [0, why, []])
                            entry[0] += 1
                            if siglum not in entry[2]:
                                entry[2].append(siglum)
                        elif wid is not None:
                            pieces[wid].append((app, found))
        for document, (count, why, witnesses) in unresolved.items():
            for _ in range(count):
                self.tally.add("unresolved-pointer", document, None, "", why)
            for siglum in witnesses:
                self.tally.groups[("unresolved-pointer", document)][2][siglum] = None
        if any(pieces.values()):
            self._resolved_readings(wids, pieces, first)
        self.report.append(Problem(
            "warning", "standoff-collation",
            f"a standoff collation: {len(list(root.iter(T + 'app')))} <app> entries over "
            f"{len(wids)} witnesses ({', '.join(wids)}); the apparatus is kept as remarks on "
            f"{first}", base))

    def _resolved_readings(self, wids, pieces, first) -> None:
        """Witness texts from the readings a standoff collation points to, when their
        files are here: one paragraph per ``app``, variants against the first witness
        that has text."""
        spans: dict[str, dict] = {}
        for wid in wids:
            if not pieces[wid]:
                continue
            parts, marks_all, spans[wid] = [], [], {}
            offset = 0
            for app, element in pieces[wid]:
                text, marks = Walker().walk(element)
                if not text:
                    continue
                sep = "\n\n" if parts else ""
                if parts and spans[wid].get(app) is not None and spans[wid][app][1] == offset:
                    sep = " "
                offset += len(sep)
                for mark in marks:
                    mark.start += offset
                    mark.end += offset
                start = offset
                parts.append(sep + text)
                offset += len(text)
                prior = spans[wid].get(app)
                spans[wid][app] = (prior[0] if prior else start, offset)
                marks_all += marks
            if wid == first and self.edition.witnesses[wid].text:
                continue   # the first witness holds the apparatus remarks already
            self.edition.witnesses[wid].text = "".join(parts)
            self._annotate(wid, "".join(parts), marks_all, _Ids(self.taken, f"{wid}-e"))
        with_text = [w for w in wids if spans.get(w)]
        if len(with_text) < 2:
            return
        base = with_text[0]
        for wid in with_text[1:]:
            for app, (start, end) in spans[wid].items():
                if app not in spans[base]:
                    continue
                bstart, bend = spans[base][app]
                if self.edition.witnesses[wid].text[start:end] != \
                        self.edition.witnesses[base].text[bstart:bend]:
                    mark = Mark(app, 0)
                    mark.order = len(self.edition.annotations) + 1
                    self._add(_Ids(self.taken, f"{wid}-app"), mark, wid, start, end, "variant",
                              counterpart=Span(base, bstart, bend))


def _in_header(element) -> bool:
    return any(a.tag == T + "teiHeader" for a in element.iterancestors())


def _apparatus_kind(root, own: str = "") -> str:
    """``standoff`` (readings hold only pointers), ``variants`` (every ``app`` has a
    ``lem`` of witness ``own`` alone: the text of one witness with its variants, as the
    inline export writes them), ``parallel`` (readings name two witnesses or more with
    ``@wit``) or ``""`` (no apparatus to rebuild)."""
    apps = list(root.iter(T + "app"))
    if not apps:
        return ""
    readings = [r for app in apps for r in app_members(app)]
    if readings and all(not all_text(r) for r in readings) and \
            any(r.find(f".//{T}ptr") is not None for r in readings):
        return "standoff"
    if own and all(any(m.tag == T + "lem" and unpointer(m.get("wit", "")) == own
                       for m in app_members(app)) for app in apps):
        return "variants"
    sigla = {token for r in readings for token in unpointer(r.get("wit", "")).split()}
    return "parallel" if len(sigla) >= 2 else ""


class _Resolver:
    """Finds the element a standoff pointer names, in files next to the imported one or
    given by the caller; never on the network."""

    def __init__(self, path: str, documents: dict):
        self.folder = os.path.dirname(os.path.abspath(path))
        self.documents = {os.path.basename(k): v for k, v in documents.items()}
        self.trees: dict[str, object] = {}

    @staticmethod
    def document(target: str) -> str:
        url = target.split("#", 1)[0]
        return os.path.basename(urlparse(url).path) or url or "this file"

    def resolve(self, target: str):
        if "#" not in target:
            return None, "the pointer names no element (#id)"
        fragment = target.split("#", 1)[1]
        name = self.document(target)
        path = self.documents.get(name) or os.path.join(self.folder, name)
        if name == "this file" or not os.path.isfile(path):
            return None, ("the file is not available (it would have to lie next to the "
                          "imported file or be given with documents=; Variorum never fetches "
                          "from the network)")
        if path not in self.trees:
            try:
                self.trees[path] = parse_file(path).getroot()
            except FileFormatError as exc:
                self.trees[path] = exc
        tree = self.trees[path]
        if isinstance(tree, FileFormatError):
            return None, f"the file cannot be read ({tree.message})"
        found = tree.find(f".//*[@{{{XML_NS}}}id='{fragment}']") if "'" not in fragment else None
        if found is None:
            return None, f"no element of the file has the id {fragment}"
        return found, ""


def import_tei(path: str | os.PathLike, **options) -> ImportResult:
    """Read a TEI file as an edition (see the module docstring); raise
    :class:`~editor.errors.FileFormatError` when it is not TEI, not well-formed, or unsafe."""
    path = os.fspath(path)
    tree = parse_file(path)
    return _TeiImport(path, options).run(tree.getroot())
