"""Export TEI with every annotation written as the inline element it stands for.

``export_tei_inline(edition, options)`` writes one TEI document: the witness
``options.witness`` in ``text`` (or in ``sourceDoc`` when its markup came from one), or,
without a witness, every witness (``options.witnesses`` gives an order) as a ``text``
of ``text/group`` (``@corresp`` naming the witness; witnesses transcribed in a
``sourceDoc`` come as ``sourceDoc``s of their own).  The ``teiHeader`` has the edition's
metadata, a ``listWit`` and the ``handNotes``.

How the text and the annotations become XML:

* Markup remarks (``tei-markup``, ``tei-attributes``; see :mod:`editor.formats.tei_import`)
  are written as the markup they hold; an annotation of a kind is written as its TEI
  element (:func:`editor.formats.tei_common.render`), or as the source's markup kept
  beside it when that markup still says what the annotation says.
* A paragraph break of the witness text that no block element (``p``, ``div``...)
  accounts for starts a new ``<p>``; a line break that no line element (``l``,
  ``line``...) accounts for is an ``<lb/>``.
* Elements nest by their ranges.  Where ranges overlap, which inline XML cannot nest, an
  addition or deletion is written as ``addSpan``/``delSpan`` with an ``anchor`` at its
  end, and any other element is split into parts joined by ``@next``/``@prev`` (the first
  part keeps its ``xml:id``).  An element holding a line or paragraph element is split
  the same way, since TEI does not let phrase-level elements hold those.
* A note over a range is written at its start with ``@targetEnd`` pointing to an
  ``anchor`` at its end; a gap over a range is written at its start, its text after it.
* What TEI cannot hold is not written: elements and attributes of other namespaces (the
  import report named them), ``rejected`` annotations unless ``include_rejected``, and
  orphaned annotations (their words are gone).  When ``options.extra["report"]`` is a
  list, a :class:`~editor.model.validate.Problem` is appended to it for each of these and
  for every split or span written.

The header is indented; the text is written as it is (indenting mixed content would add
spaces to the text), with a line break after each block or line element.
"""

from __future__ import annotations

import bisect
import copy
import re

from lxml import etree

from editor import __version__
from editor.errors import VariorumError
from editor.formats import tei_schema
from editor.formats.registry import ExportOptions
from editor.formats.tei_common import (ATTRIBUTES, COMPLETION_SUFFIX, MARKUP_TYPES, SLOT, T,
                                       TEI_NS, XML_ID, XML_NS, HandShifts, Shell,
                                       element_fields, local_name, natural_key, parse_shell,
                                       render, shell_from_template)
from editor.formats.tei_header import write_header
from editor.formats.tei_nesting import Ids, Item, Nester, remove_keeping_tail, tei, unwrap
from editor.model.edition import Edition
from editor.model.validate import Problem

#: elements that are empty by nature: written where their range starts
EMPTY = frozenset({"lb", "pb", "cb", "gb", "milestone", "anchor", "gap", "space", "handShift",
                   "addSpan", "delSpan", "damageSpan", "ptr", "caesura", "join", "link"})
#: points that belong between blocks rather than inside a paragraph
_BLOCK_POINTS = frozenset({"listPerson", "listPlace", "listOrg", "listBibl", "listEvent",
                           "listRelation", "listNym", "table", "figure", "list"})
_BREAKS_LOST = re.compile(r"\A\n|\n{3}|\n\n\Z")
_SIGNIFICANT_SPACE = re.compile(r"[ \t]{2}|\t|^[ \t]|[ \t]$|\n[ \t]|[ \t]\n")


class _WitnessWriter:
    """The items of one witness, from its annotations; the XML, from the items."""

    def __init__(self, edition: Edition, wid: str, options: ExportOptions, used: set[str],
                 report: list[Problem]):
        self.edition = edition
        self.wid = wid
        self.text = edition.witnesses[wid].text
        self.options = options
        self.report = report
        self.ids = Ids(used, f"v-{wid}-")
        self.hands = set(edition.hands)
        self.people = set(edition.people)
        #: spaces TEI readers would collapse: written under xml:space="preserve", with no
        #: line breaks added for legibility
        self.preserve = bool(_SIGNIFICANT_SPACE.search(self.text))
        self.nester = Nester(self.text, self.ids, "" if self.preserve else "\n")
        self._changes = None
        self._change_starts: list[int] = []

    def build(self) -> etree._Element:
        items = self._items()
        items += self.nester.add_paragraphs(items)
        self.nester.mark_spannable(items)
        root = self.nester.build(items)
        nester = self.nester
        if nester.splits:
            self._note("split", f"{self.wid}: {nester.splits} element(s) that overlap others "
                       "or hold line or paragraph breaks were split into parts joined by "
                       "@next/@prev", self.wid)
        if nester.spans:
            self._note("span", f"{self.wid}: {nester.spans} addition(s) or deletion(s) written "
                       "as addSpan/delSpan with an anchor, since they overlap other elements "
                       "or breaks", self.wid)
        if nester.unwritable:
            self._note("not-nestable", f"{self.wid}: {len(set(nester.unwritable))} element(s) "
                       "could not be written where TEI allows them (they share their words "
                       "with an element that may not hold them); their text is written "
                       f"without them: {', '.join(sorted(set(nester.unwritable)))}", self.wid)
        if _BREAKS_LOST.search(self.text):
            self._note("breaks-not-written", f"{self.wid}: line breaks at the start of the "
                       "text or of a paragraph, and empty paragraphs, have no inline TEI form "
                       "(an <lb/> there only begins the line) and are not kept", self.wid)
        return root

    # -- items ---------------------------------------------------------------------
    def _annotations(self):
        anns = []
        for ann in self.edition.annotations_of(self.wid):
            if ann.status == "rejected" and not self.options.include_rejected:
                self._note("rejected-not-written", f"{ann.id}: a rejected {ann.kind} is not "
                           "written (include_rejected writes it)", ann.id)
                continue
            if ann.anchoring is not None and ann.anchoring.state == "orphaned":
                self._note("orphan-not-written", f"{ann.id}: an orphaned {ann.kind} (its words "
                           f"{ann.anchoring.quote!r} are gone) is not written", ann.id)
                continue
            anns.append(ann)
        return anns

    def _note(self, code: str, message: str, where: str = "") -> None:
        self.report.append(Problem("warning", code, message, where))

    def _items(self) -> list[Item]:
        anns = self._annotations()
        by_id = {a.id: a for a in anns}
        templates = {}
        for ann in anns:
            if ann.kind == "remark" and ann.attrs.get("type") in MARKUP_TYPES:
                templates[ann.id] = parse_shell(ann.note)
        completions = {}
        for ann in anns:
            if ann.id.endswith(COMPLETION_SUFFIX) and ann.attrs.get("type") == ATTRIBUTES:
                partner = ann.id[:-len(COMPLETION_SUFFIX)]
                if partner in by_id and templates.get(ann.id) is not None:
                    completions[partner] = templates[ann.id]
        shifts = []
        for ann in anns:
            template = templates.get(ann.id)
            if template is not None and template.tag == T + "handShift" and template.get("new"):
                shifts.append((ann.start, natural_key(ann.id),
                               " ".join(v.lstrip("#") for v in template.get("new").split())))
        self.hand_shifts = HandShifts(shifts)
        items: list[Item] = []
        for ann in anns:
            if ann.id.endswith(COMPLETION_SUFFIX) and ann.id[:-len(COMPLETION_SUFFIX)] in \
                    completions and ann.attrs.get("type") == ATTRIBUTES:
                continue
            template = templates.get(ann.id)
            if template is not None:
                items += self._template_items(ann, copy.deepcopy(template))
            else:
                items += self._kind_items(ann, completions.get(ann.id), anns)
        return items

    def _template_items(self, ann, template) -> list[Item]:
        shell = shell_from_template(template)
        return [self._item_for(ann, shell)]

    def _item_for(self, ann, shell: Shell) -> Item:
        element = shell.element
        if not isinstance(element.tag, str):            # a comment
            return Item(ann.start, ann.start, shell, "phrase", ann.id, point=True)
        name = local_name(element)
        level = "block" if name in _BLOCK_POINTS else shell.level
        if name in EMPTY or shell.span or shell.slot is None or (
                shell.bare and ann.start == ann.end):
            item = Item(ann.start, ann.start, Shell(element, None, level), level, ann.id,
                         point=True)
            covered = self.text[ann.start:ann.end]
            if name in EMPTY and covered and set(covered) == {"\n"}:
                item.consume_newlines = True     # an lb standing for the break it covers
                item.end = ann.end
            return item
        return Item(ann.start, ann.end, shell, level, ann.id)

    def _kind_items(self, ann, completion, anns) -> list[Item]:
        current = self.hand_shifts.at(ann.start)
        counterpart = ""
        if ann.counterpart is not None:
            other = self.edition.witnesses.get(ann.counterpart.witness)
            if other is not None:
                counterpart = other.text[ann.counterpart.start:ann.counterpart.end]
        shell = render(ann, self.hands, self.people, current, counterpart)
        strip_slot_marks(shell.element)
        if completion is not None:
            if self._still_true(ann, completion, current):
                shell = shell_from_template(completion)
            else:
                self._merge_attributes(shell.element, completion)
        items = []
        name = local_name(shell.element)
        if ann.kind == "note" and ann.end > ann.start and shell.element.get("targetEnd") is None:
            anchor = self.ids.make()
            shell.element.set("targetEnd", "#" + anchor)
            items.append(Item(ann.end, ann.end, Shell(tei("anchor", xml_id=anchor), None),
                               "phrase", ann.id + "~end", point=True))
        if ann.kind == "substitution" and name == "subst" and shell.slot is not None and \
                not self._has_parts(ann, anns):
            items += self._subst_parts(ann)
        if ann.note and ann.kind not in ("note", "remark"):
            comment = tei("note", ann.note, type="comment")
            items.append(Item(ann.end, ann.end, Shell(comment, None), "phrase",
                               ann.id + "~comment", point=True))
        elif ann.kind == "remark" and ann.note:
            items.append(Item(ann.end, ann.end, Shell(tei("note", ann.note, type="remark"),
                                                       None), "phrase", ann.id + "~note",
                               point=True))
        items.insert(0, self._item_for(ann, shell))
        return items

    def _still_true(self, ann, template, current: str) -> bool:
        """Whether the markup kept beside ``ann`` still says what ``ann`` says (it is
        stale when the annotation was edited after the import)."""
        if ann.kind == "variant" and template.tag == T + "app":
            # the other reading, which this file could not tie to its witness's text
            return ann.counterpart is None and \
                ann.attrs.get("type", "") == "-".join(template.get("type", "").split())
        fields = element_fields(template, current, span_target=True)
        if fields is None or fields.kind != ann.kind:
            return False
        ignore = ("place", "split") if ann.kind == "substitution" else ()
        mine = {k: v for k, v in ann.attrs.items() if k not in ignore}
        theirs = {k: v for k, v in fields.attrs.items() if k not in ignore}
        note = ann.note if ann.kind == "note" else ""
        return (mine, ann.cert, ann.resp, note) == (theirs, fields.cert, fields.resp,
                                                      fields.note)

    @staticmethod
    def _merge_attributes(element, template) -> None:
        for name, value in template.attrib.items():
            if element.get(name) is None and name not in ("hand", "resp", "cert", "place",
                                                          "rend", "type", "reason", "extent",
                                                          "unit", "quantity", "agent",
                                                          "source", "evidence"):
                element.set(name, value)

    def _has_parts(self, ann, anns) -> bool:
        """Whether the edition holds the substitution's deletions and additions itself (an
        imported ``subst``): after it in document order, side by side or nested, together
        covering every word of it."""
        if self._changes is None:   # additions and deletions by start, computed once
            self._changes = sorted(((o.start, o) for o in anns
                                    if o.kind in ("addition", "deletion") and o.end > o.start),
                                   key=lambda pair: pair[0])
            self._change_starts = [start for start, _ in self._changes]
        own = natural_key(ann.id)
        parts = []
        for start, other in self._changes[bisect.bisect_left(self._change_starts, ann.start):]:
            if start >= ann.end:
                break
            if other.end <= ann.end and natural_key(other.id) > own:
                parts.append(other)   # (an imported subst's parts follow it)
        for a in parts:
            for b in parts:
                if a.start < b.start < a.end < b.end:
                    return False   # crossing parts: one would become a span
        covered = [False] * (ann.end - ann.start)
        for other in parts:
            for i in range(other.start - ann.start, other.end - ann.start):
                covered[i] = True
        text = self.text[ann.start:ann.end]
        return any(covered) and all(c or ch.isspace() for c, ch in zip(covered, text))

    def _subst_parts(self, ann) -> list[Item]:
        try:
            split = min(max(int(ann.attrs.get("split", "0")), 0), ann.end - ann.start)
        except ValueError:
            split = 0
        middle = ann.start + split
        deleted = tei("del")
        added = tei("add", place=ann.attrs.get("place", ""))
        parts = [Item(ann.start, middle, Shell(deleted, deleted), "phrase", ann.id + "~1",
                       synthetic=True, sort_end=ann.end),
                 Item(middle, ann.end, Shell(added, added), "phrase", ann.id + "~2",
                       synthetic=True, sort_end=ann.end)]
        return [part for part in parts if part.end > part.start]


def strip_slot_marks(element) -> None:
    """Remove the slot processing instructions a rendered shell carries."""
    for node in list(element.iter(etree.ProcessingInstruction)):
        if node.target == SLOT:
            remove_keeping_tail(node)


# ======================================================================================
# the document


def _container(root) -> etree._Element:
    """The ``text`` or ``sourceDoc`` holding what :meth:`_WitnessWriter.build` wrote."""
    children = [c for c in root if isinstance(c.tag, str)]
    names = {local_name(c) for c in children if c.tag.startswith(T)}
    if len(children) == 1 and names & {"text", "sourceDoc"}:
        element = children[0]
        for node in list(root):
            if node is element:
                continue
            if root.index(node) < root.index(element):
                element.insert(0, node)
            else:
                element.append(node)
        element.tail = None
        return element
    if names and names <= {"surface", "surfaceGrp"}:
        wrapper = tei("sourceDoc")
        holder = wrapper
    elif names and names <= {"front", "body", "back", "group"}:
        wrapper = tei("text")
        holder = wrapper
    else:
        wrapper = tei("text")
        holder = etree.SubElement(wrapper, T + "body")
    holder.text = root.text if (root.text or "").strip() else None
    for node in list(root):
        holder.append(node)
    if not len(holder) and not (holder.text or "").strip():
        etree.SubElement(holder, T + "p")
    return wrapper


def _sanitise(container, used: set[str], seen: set[str], report: list[Problem],
              wid: str) -> None:
    """Leave out what TEI cannot hold (other namespaces), and make ``xml:id``s unique."""
    elements, attributes = {}, {}
    for element in list(container.iter()):
        if not isinstance(element.tag, str):
            continue
        tei_element = element.tag.startswith(T)
        for name in list(element.attrib):
            qname = etree.QName(name)
            if qname.namespace is not None and qname.namespace != XML_NS:
                label = name
            elif not element.get(name, "").strip():
                label = f"empty {name} on <{local_name(element)}>"
            elif tei_element and not tei_schema.allows_attribute(
                    local_name(element), f"xml:{qname.localname}" if qname.namespace else name):
                label = f"{name} on <{local_name(element)}>"
            else:
                continue
            attributes[label] = attributes.get(label, 0) + 1
            del element.attrib[name]
    for element in list(container.iter()):
        if isinstance(element.tag, str) and not element.tag.startswith(T):
            elements[element.tag] = elements.get(element.tag, 0) + 1
            unwrap(element)
    for name, count in sorted(elements.items()):
        report.append(Problem("warning", "not-tei-not-written",
                              f"{wid}: {count} element(s) {name} are not TEI; their text is "
                              "written without them", wid))
    for name, count in sorted(attributes.items()):
        report.append(Problem("warning", "not-tei-not-written",
                              f"{wid}: {count} attribute(s) {name} are not TEI (or not allowed "
                              "there by TEI) and are not written", wid))
    renamed = 0
    for element in container.iter():
        if not isinstance(element.tag, str):
            continue
        ident = element.get(XML_ID)
        if ident is None:
            continue
        if ident in seen:
            base, n = f"{ident}-{wid}", 2
            new = base
            while new in used or new in seen:
                new, n = f"{base}-{n}", n + 1
            element.set(XML_ID, new)
            ident = new
            renamed += 1
        seen.add(ident)
    if renamed:
        report.append(Problem("warning", "duplicate-id-renamed",
                              f"{wid}: {renamed} xml:id(s) already used in the document were "
                              f"given the suffix -{wid}", wid))



def _chosen(edition: Edition, options: ExportOptions) -> list[str]:
    if options.witness:
        if options.witness not in edition.witnesses:
            raise VariorumError(f"there is no witness {options.witness!r}; the edition has "
                                f"{', '.join(edition.witnesses) or 'none'}")
        return [options.witness]
    if options.witnesses:
        unknown = [w for w in options.witnesses if w not in edition.witnesses]
        if unknown:
            raise VariorumError(f"there is no witness {unknown[0]!r}")
        return list(options.witnesses)
    if not edition.witnesses:
        raise VariorumError("the edition has no witness to export")
    return list(edition.witnesses)


def _ids_in_use(edition: Edition, wids: list[str]) -> set[str]:
    used = set(edition.witnesses) | set(edition.hands) | set(edition.people)
    for ann in edition.annotations.values():
        if ann.witness in wids and ann.kind == "remark" and ann.attrs.get("type") in \
                MARKUP_TYPES and "xml:id" in ann.note:
            template = parse_shell(ann.note)
            if template is not None and isinstance(template.tag, str):
                used.update(e.get(XML_ID) for e in template.iter()
                            if isinstance(e.tag, str) and e.get(XML_ID))
    return used


def export_tei_inline(edition: Edition, options: ExportOptions | None = None) -> bytes:
    """The edition as inline TEI (see the module docstring): ``options.witness`` alone, or
    every witness in ``text/group/text``."""
    options = options or ExportOptions()
    report = options.extra.get("report") if isinstance(options.extra.get("report"), list) \
        else []
    wids = _chosen(edition, options)
    document = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    single = len(wids) == 1 and bool(options.witness)
    # witnesses the exported variants point to are declared too, so @wit resolves
    listed = list(wids)
    for ann in edition.annotations.values():
        if ann.witness in wids and ann.counterpart is not None and \
                ann.counterpart.witness in edition.witnesses and \
                ann.counterpart.witness not in listed:
            listed.append(ann.counterpart.witness)
    header = write_header(document, edition, listed,
                          f"Written by Variorum {__version__} (tei-inline export): the text of "
                          f"{'the witness ' + wids[0] if single else 'each witness'} with every "
                          "annotation as the TEI element it stands for.")
    used = _ids_in_use(edition, wids)
    seen = set(used) - _template_ids(edition, wids)   # xml:ids already in the document
    containers = []
    for wid in wids:
        writer = _WitnessWriter(edition, wid, options, used, report)
        root = writer.build()
        container = _container(root)
        if writer.preserve:
            container.set(f"{{{XML_NS}}}space", "preserve")
        _sanitise(container, used, seen, report, wid)
        containers.append((wid, container))
    if single:
        if len(listed) > 1:
            containers[0][1].set("corresp", "#" + wids[0])
        document.append(containers[0][1])
    else:
        text = None
        for wid, container in containers:
            container.set("corresp", "#" + wid)
            if container.tag == T + "sourceDoc":
                document.append(container)
            else:
                if text is None:
                    text = tei("text")
                    group = etree.SubElement(text, T + "group")
                    group.text = "\n"
                group.append(container)
                container.tail = "\n"
        if text is not None:
            document.append(text)
    etree.cleanup_namespaces(document)   # the declarations of namespaces left out
    etree.indent(header, space="  ", level=1)
    document.text = "\n  "
    header.tail = "\n"
    for child in document[1:]:
        child.tail = "\n"
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8") + b"\n"


def _template_ids(edition: Edition, wids: list[str]) -> set[str]:
    return _ids_in_use(edition, wids) - set(edition.witnesses) - set(edition.hands) - \
        set(edition.people)
