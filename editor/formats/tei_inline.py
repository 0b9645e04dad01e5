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

import heapq
import itertools
import re
from dataclasses import dataclass, field

from lxml import etree

from editor import __version__
from editor.formats.registry import ExportOptions
from editor.formats.tei_common import (ATTRIBUTES, COMPLETION_SUFFIX, MARKUP_TYPES,
                                       SLOT, SPAN_ELEMENTS, T, TEI_NS, XML_ID, XML_NS, HandShifts,
                                       Shell, element_fields, find_slot, level_of, local_name,
                                       natural_key, parse_shell, render, shell_copy,
                                       shell_from_template)
from editor.formats import tei_schema
from editor.formats.tei_header import write_header
from editor.model.edition import Edition
from editor.model.text import PARAGRAPH_SEPARATOR
from editor.model.validate import Problem

#: elements that are empty by nature: written where their range starts
EMPTY = frozenset({"lb", "pb", "cb", "gb", "milestone", "anchor", "gap", "space", "handShift",
                   "addSpan", "delSpan", "damageSpan", "ptr", "caesura", "join", "link"})
#: elements that hold blocks, not text: whitespace only between their children
CONTAINERS = frozenset({"TEI", "text", "front", "body", "back", "group", "div", "div1", "div2",
                        "div3", "div4", "div5", "div6", "div7", "lg", "sp", "spGrp",
                        "sourceDoc", "surface", "surfaceGrp", "floatingText", "listApp",
                        "castList"})
#: points that belong between blocks rather than inside a paragraph
_BLOCK_POINTS = frozenset({"listPerson", "listPlace", "listOrg", "listBibl", "listEvent",
                           "listRelation", "listNym", "table", "figure", "list"})
_RANK = {"block": 0, "line": 1, "phrase": 2}
#: elements TEI requires to hold at least one element
_NEED_ELEMENTS = ("subst", "choice", "app")
_BREAKS_LOST = re.compile(r"\A\n|\n{3}|\n\n\Z")
_SIGNIFICANT_SPACE = re.compile(r"[ \t]{2}|\t|^[ \t]|[ \t]$|\n[ \t]|[ \t]\n")


@dataclass
class _Item:
    start: int
    end: int
    shell: Shell
    level: str
    ident: str                     # annotation id (sort order for equal ranges)
    point: bool = False
    #: an addition/deletion that may be written as addSpan/delSpan
    spannable: bool = False
    #: written as a span: the id of the anchor closing it
    consume_newlines: bool = False
    chain: list | None = None      # parts written so far, when the element is split
    synthetic: bool = False
    #: sort as if ending here (the del/add Variorum writes inside a substitution go right
    #: inside it, before anything else starting there)
    sort_end: int | None = None

    def key(self, counter: int) -> tuple:
        if self.point or (self.start == self.end and self.level == "phrase"):
            group = 1   # points and empty phrase elements keep their document order
        elif self.level != "phrase":
            group = 0
        else:
            group = 2
        # elements sharing a range nest in document order (the ids of an import follow
        # it); the deletion and addition written inside a substitution follow it at once
        end = self.end if self.sort_end is None else self.sort_end
        return (self.start, group, -end, _RANK[self.level], natural_key(self.ident), counter)


@dataclass
class _Frame:
    element: etree._Element        # where the element sits
    slot: etree._Element           # where its content goes
    end: int
    level: str
    item: _Item | None = None
    last_structural: bool = False


class _Ids:
    """Fresh ``xml:id``s that collide with none in the document."""

    def __init__(self, used: set[str], prefix: str):
        self.used = used
        self.prefix = prefix
        self.counter = itertools.count(1)

    def make(self) -> str:
        while True:
            ident = f"{self.prefix}{next(self.counter)}"
            if ident not in self.used:
                self.used.add(ident)
                return ident


def _append_text(element, text: str) -> None:
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _is_structural(element) -> bool:
    return isinstance(element.tag, str) and level_of(element) != "phrase"


class _WitnessWriter:
    """Builds the XML of one witness: its text with every annotation inline."""

    def __init__(self, edition: Edition, wid: str, options: ExportOptions, used: set[str],
                 report: list[Problem]):
        self.edition = edition
        self.wid = wid
        self.text = edition.witnesses[wid].text
        self.options = options
        self.report = report
        self.ids = _Ids(used, f"v-{wid}-")
        self.hands = set(edition.hands)
        self.people = set(edition.people)
        self.heap: list = []
        self.counter = itertools.count()
        self.stack: list[_Frame] = []
        self.pos = 0
        self.chains: list[list] = []
        self.splits = 0
        self.spans = 0
        self.cut_for: set[tuple[str, int]] = set()
        self.unwritable: list[str] = []
        #: spaces TEI readers would collapse: written under xml:space="preserve", with no
        #: line breaks added for legibility
        self.preserve = bool(_SIGNIFICANT_SPACE.search(self.text))
        #: paragraph breaks the </p><p> Variorum writes stand for: not written as text
        self.implied: list[tuple[int, int]] = []
        self.newline = "" if self.preserve else "\n"

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

    def _items(self) -> list[_Item]:
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
        items: list[_Item] = []
        for ann in anns:
            if ann.id.endswith(COMPLETION_SUFFIX) and ann.id[:-len(COMPLETION_SUFFIX)] in \
                    completions and ann.attrs.get("type") == ATTRIBUTES:
                continue
            template = templates.get(ann.id)
            if template is not None:
                items += self._template_items(ann, copy_of(template))
            else:
                items += self._kind_items(ann, completions.get(ann.id), anns)
        items += self._paragraphs(items)
        self._mark_spannable(items)
        return items

    def _template_items(self, ann, template) -> list[_Item]:
        shell = shell_from_template(template)
        return [self._item_for(ann, shell)]

    def _item_for(self, ann, shell: Shell) -> _Item:
        element = shell.element
        if not isinstance(element.tag, str):            # a comment
            return _Item(ann.start, ann.start, shell, "phrase", ann.id, point=True)
        name = local_name(element)
        level = "block" if name in _BLOCK_POINTS else shell.level
        if name in EMPTY or shell.span or shell.slot is None or (
                shell.bare and ann.start == ann.end):
            item = _Item(ann.start, ann.start, Shell(element, None, level), level, ann.id,
                         point=True)
            covered = self.text[ann.start:ann.end]
            if name in EMPTY and covered and set(covered) == {"\n"}:
                item.consume_newlines = True     # an lb standing for the break it covers
                item.end = ann.end
            return item
        return _Item(ann.start, ann.end, shell, level, ann.id)

    def _kind_items(self, ann, completion, anns) -> list[_Item]:
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
            items.append(_Item(ann.end, ann.end, Shell(_tei("anchor", xml_id=anchor), None),
                               "phrase", ann.id + "~end", point=True))
        if ann.kind == "substitution" and name == "subst" and shell.slot is not None and \
                not self._has_parts(ann, anns):
            items += self._subst_parts(ann)
        if ann.note and ann.kind not in ("note", "remark"):
            comment = _tei("note", ann.note, type="comment")
            items.append(_Item(ann.end, ann.end, Shell(comment, None), "phrase",
                               ann.id + "~comment", point=True))
        elif ann.kind == "remark" and ann.note:
            items.append(_Item(ann.end, ann.end, Shell(_tei("note", ann.note, type="remark"),
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
        own = natural_key(ann.id)
        parts = [o for o in anns if o.id != ann.id and o.kind in ("addition", "deletion")
                 and ann.start <= o.start and o.end <= ann.end and o.end > o.start
                 and natural_key(o.id) > own]   # (an imported subst's parts follow it)
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

    def _subst_parts(self, ann) -> list[_Item]:
        try:
            split = min(max(int(ann.attrs.get("split", "0")), 0), ann.end - ann.start)
        except ValueError:
            split = 0
        middle = ann.start + split
        deleted = _tei("del")
        added = _tei("add", place=ann.attrs.get("place", ""))
        parts = [_Item(ann.start, middle, Shell(deleted, deleted), "phrase", ann.id + "~1",
                       synthetic=True, sort_end=ann.end),
                 _Item(middle, ann.end, Shell(added, added), "phrase", ann.id + "~2",
                       synthetic=True, sort_end=ann.end)]
        return [part for part in parts if part.end > part.start]

    def _paragraphs(self, items: list[_Item]) -> list[_Item]:
        """A ``<p>`` for each paragraph of the text that no block or line element covers.
        Each reaches to the start of the next one, so that what covers the break between
        them (or an empty paragraph) still has a paragraph to stand in; the break itself
        is not written."""
        structural = [(i.start, i.end) for i in items if not i.point and i.level != "phrase"]
        paragraphs = self.text.split(PARAGRAPH_SEPARATOR)
        starts = []
        start = 0
        for para in paragraphs:
            starts.append(start)
            start += len(para) + len(PARAGRAPH_SEPARATOR)
        out = []
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(self.text)
            touched = any(s < end and start < e or (s == e and start <= s <= end)
                          for s, e in structural)
            if not touched:
                p = _tei("p")
                out.append(_Item(start, end, Shell(p, p, "block"), "block", f"~p{n:08d}",
                                 synthetic=True))
                if n + 1 < len(starts):
                    self.implied.append((end - len(PARAGRAPH_SEPARATOR), end))
        return out

    def _mark_spannable(self, items: list[_Item]) -> None:
        """Additions and deletions that hold a line or paragraph boundary are written as
        ``addSpan``/``delSpan`` from the start."""
        bounds = sorted({b for i in items if not i.point and i.level != "phrase"
                         for b in (i.start, i.end)})
        import bisect
        anchors = []
        for item in items:
            element = item.shell.element
            if item.point or item.synthetic or not isinstance(element.tag, str) or \
                    item.shell.slot is not element:
                continue
            if element.tag not in (T + "add", T + "del") or len(element):
                continue
            item.spannable = True
            index = bisect.bisect_right(bounds, item.start)
            if index < len(bounds) and bounds[index] < item.end:
                anchors.append(self._to_span(item))
        items += anchors

    # -- writing ---------------------------------------------------------------------
    def build(self) -> etree._Element:
        root = self.root = etree.Element("root")
        self.stack = [_Frame(root, root, len(self.text) + 1, "block")]
        for item in self._items():
            self._push(item)
        # each element is split at most once per position it meets: a bound on the work
        budget = 64 * (len(self.heap) + 16) * (len(self.heap) + 16)
        while self.heap:
            budget -= 1
            if budget < 0:
                raise RuntimeError(f"the inline TEI writer did not finish witness {self.wid}")
            _, item = heapq.heappop(self.heap)
            if item.point:
                self._place_point(item)
            else:
                self._open(item)
        while len(self.stack) > 1:
            self._close_top()
        self._emit(len(self.text), False)
        self._finish_chains()
        if self.splits:
            self._note("split", f"{self.wid}: {self.splits} element(s) that overlap others or "
                       "hold line or paragraph breaks were split into parts joined by "
                       "@next/@prev", self.wid)
        if _BREAKS_LOST.search(self.text):
            self._note("breaks-not-written", f"{self.wid}: line breaks at the start of the "
                       "text or of a paragraph, and empty paragraphs, have no inline TEI form "
                       "(an <lb/> there only begins the line) and are not kept", self.wid)
        if self.unwritable:
            self._note("not-nestable", f"{self.wid}: {len(set(self.unwritable))} element(s) "
                       "could not be written where TEI allows them (they share their words "
                       "with an element that may not hold them); their text is written "
                       f"without them: {', '.join(sorted(set(self.unwritable)))}", self.wid)
        if self.spans:
            self._note("span", f"{self.wid}: {self.spans} addition(s) or deletion(s) written as "
                       "addSpan/delSpan with an anchor, since they overlap other elements or "
                       "breaks", self.wid)
        return root

    def _push(self, item: _Item) -> None:
        heapq.heappush(self.heap, (item.key(next(self.counter)), item))

    def _emit(self, upto: int, next_structural: bool) -> None:
        if upto <= self.pos:
            return
        segment = self._written(self.pos, upto)
        self.pos = upto
        frame = self.stack[-1]
        if frame.last_structural:
            segment = segment.lstrip("\n")
        if next_structural:
            segment = segment.rstrip("\n")
        if not segment:
            return
        if not self._holds_text(frame, spaces=not segment.strip()):
            if not segment.strip():
                return
            # text where TEI allows none (in a subst whose parts became spans): the
            # elements that cannot hold it close here and go on after it
            cut = []
            while len(self.stack) > 1 and not self._holds_text(self.stack[-1]) and \
                    self.stack[-1].level == "phrase":
                self.stack[-2].last_structural = False
                cut.append(self.stack.pop())
            frame = self.stack[-1]
            for closed in cut:
                if closed.item is not None and closed.item.end > upto:
                    self._push(self._remainder(closed.item, upto, written=closed.element))
        lines = segment.split("\n")
        target = frame.slot
        _append_text(target, lines[0])
        for line in lines[1:]:
            lb = etree.SubElement(target, T + "lb")
            lb.tail = self.newline + line
        frame.last_structural = False

    def _written(self, start: int, end: int) -> str:
        """The text of ``[start, end)`` less the paragraph breaks that are implied."""
        if not self.implied:
            return self.text[start:end]
        import bisect
        index = max(0, bisect.bisect_right(self.implied, (start, start)) - 1)
        parts, pos = [], start
        for a, b in self.implied[index:]:
            if a >= end:
                break
            if b <= pos:
                continue
            parts.append(self.text[pos:max(pos, a)])
            pos = max(pos, b)
        parts.append(self.text[pos:end] if pos < end else "")
        return "".join(parts)

    @staticmethod
    def _holds_text(frame: _Frame, spaces: bool = False) -> bool:
        """Whether text (``spaces``: whitespace only) may be written in ``frame``; spaces
        between the deletion and addition of a ``subst`` are kept, like the import does."""
        slot = frame.slot
        if frame.item is None or not isinstance(slot.tag, str) or not slot.tag.startswith(T):
            return frame.item is not None
        name = local_name(slot)
        return (spaces and name == "subst") or tei_schema.allows_text(name)

    def _write(self, element) -> None:
        frame = self.stack[-1]
        frame.slot.append(element)

    def _close_top(self) -> None:
        frame = self.stack[-1]
        self._emit(frame.end, False)
        self.stack.pop()
        parent = self.stack[-1]
        structural = frame.level != "phrase"
        if structural:
            frame.element.tail = self.newline or None
        parent.last_structural = structural

    def _close_before(self, pos: int) -> None:
        """Close the elements that end before ``pos``."""
        while len(self.stack) > 1 and self.stack[-1].end < pos:
            self._close_top()

    def _allows(self, frame: _Frame, element) -> bool:
        if frame.item is None or not isinstance(element.tag, str):
            return True
        parent = frame.slot
        if not isinstance(parent.tag, str) or not parent.tag.startswith(T):
            return True
        return tei_schema.allows_child(local_name(parent), local_name(element)) \
            if element.tag.startswith(T) else True

    def _place_point(self, item: _Item) -> None:  # noqa: C901 - one rule after another
        """Write a point where TEI lets it stand: in the innermost element open at its
        position that may hold it (elements ending there are closed until one may), else
        before the elements just opened there."""
        pos = item.start
        element = item.shell.element
        self._close_before(pos)
        while len(self.stack) > 1 and self.stack[-1].end == pos and \
                not self._allows(self.stack[-1], element):
            self._close_top()
        self._emit(pos, item.level != "phrase")
        placed = False
        if not self._allows(self.stack[-1], element):
            placed = self._place_before_empty(element, pos)
            if not placed:
                self._cut_phrases(pos, lambda frame: frame.level == "phrase" and
                                  not self._allows(frame, element))
        if not placed:
            self._write(element)
        if item.level != "phrase" or _is_structural(element) or element.tag == T + "lb":
            element.tail = self.newline or None
        if item.consume_newlines:
            self.pos = max(self.pos, item.end)

    @staticmethod
    def _empty(frame: _Frame) -> bool:
        return not len(frame.slot) and not (frame.slot.text or "")

    def _place_before_empty(self, element, pos: int) -> bool:
        """Put ``element`` before the run of elements opened at ``pos`` that still hold
        nothing, in the first of their parents that may hold it."""
        for depth in range(len(self.stack) - 1, 0, -1):
            frame = self.stack[depth]
            if frame.item is None or frame.item.start != pos or not self._empty(frame):
                return False
            parent = self.stack[depth - 1]
            if self._allows(parent, element):
                frame.element.addprevious(element)
                return True
        return False

    def _open(self, item: _Item) -> None:
        structural = item.level != "phrase"
        if item.start == item.end:
            # an empty element: close what ends here until an element may hold it
            self._close_before(item.start)
            while len(self.stack) > 1 and self.stack[-1].end == item.start and (
                    not self._allows(self.stack[-1], item.shell.element)
                    or (structural and self.stack[-1].level == "phrase")):
                self._close_top()
        else:
            self._close_before(item.start + 1)
        self._emit(item.start, structural)
        if structural:
            self._cut_phrases(item.start, lambda frame: frame.level == "phrase")
            while len(self.stack) > 1 and self.stack[-1].end == item.start and \
                    not self._allows(self.stack[-1], item.shell.element):
                self._close_top()
        elif (item.ident, item.start) not in self.cut_for:
            # (an element is moved out of the way once at a place: two elements that may
            # not hold each other would otherwise swap places for ever)
            self.cut_for.add((item.ident, item.start))
            self._cut_phrases(item.start, lambda frame: frame.level == "phrase" and
                              not self._allows(frame, item.shell.element))
        top = self.stack[-1]
        if top.level == "phrase" and not self._allows(top, item.shell.element):
            # still nowhere TEI lets it stand (an element that may not hold it shares its
            # range): its text is written without it
            self.unwritable.append(item.ident)
            return
        if item.end > top.end:
            if item.spannable and item.chain is None:
                self._push(self._to_span(item))
                self._place_point(item)
                return
            remainder = self._remainder(item, top.end)
            item.end = top.end
            self._push(remainder)
        element = item.shell.element
        slot = item.shell.slot
        if item.chain is not None:
            element, slot = self._new_part(item)
        self._write(element)
        self.stack.append(_Frame(element, slot if slot is not None else element, item.end,
                                 item.level, item))
        if item.start == item.end and item.level != "phrase":
            pass   # a zero-length block stays open for the points at its place

    def _cut_phrases(self, pos: int, cut_it) -> None:
        """Close the phrase-level elements open on top of the stack for which ``cut_it``
        holds (they cannot hold what opens at ``pos``: a block or line, or an element TEI
        does not let them hold); each goes on in a new part inside what opens."""
        cut = []
        while len(self.stack) > 1 and cut_it(self.stack[-1]):
            frame = self.stack[-1]
            self.stack.pop()
            self.stack[-1].last_structural = False
            cut.append(frame)
        for frame in cut:
            item = frame.item
            if item is None or item.end <= pos:
                continue
            remainder = self._remainder(item, pos, written=frame.element)
            self._push(remainder)

    def _remainder(self, item: _Item, pos: int, written=None) -> _Item:
        """The part of ``item`` from ``pos`` on, to be written later as a new part."""
        if item.chain is None:
            item.chain = [written if written is not None else None]
            self.chains.append(item.chain)
        elif written is not None and (not item.chain or item.chain[-1] is not written):
            item.chain.append(written)
        self.splits += 1
        rest = _Item(pos, item.end, item.shell, item.level, item.ident, chain=item.chain,
                     spannable=False, synthetic=item.synthetic, sort_end=item.sort_end)
        return rest

    def _new_part(self, item: _Item):
        template = item.shell
        if item.chain and item.chain[-1] is None:
            item.chain.pop()
        if not item.chain:
            element = template.element
            slot = template.slot
        else:
            element = shell_copy(template.element, deep=True)
            if XML_ID in element.attrib:
                del element.attrib[XML_ID]
            slot = find_slot_copy(template, element)
            for node in list(slot):
                slot.remove(node)
            slot.text = None
        item.chain.append(element)
        return element, slot

    def _to_span(self, item: _Item) -> _Item:
        """Make ``item`` an ``addSpan``/``delSpan`` point; return the anchor closing it."""
        element = item.shell.element
        span = _tei("addSpan" if element.tag == T + "add" else "delSpan")
        for name, value in element.attrib.items():
            span.set(name, value)
        anchor = self.ids.make()
        span.set("spanTo", "#" + anchor)
        end = item.end
        item.shell = Shell(span, None)
        item.point = True
        item.end = item.start
        self.spans += 1
        return _Item(end, end, Shell(_tei("anchor", xml_id=anchor), None), "phrase",
                     item.ident + "~anchor", point=True)

    def _finish_chains(self) -> None:
        """Drop parts left empty (they held only breaks) and link the others."""
        removed: set[int] = set()
        for element in list(self.root.iter(*(T + n for n in _NEED_ELEMENTS))):
            if not any(isinstance(c.tag, str) for c in element):
                # left holding no element (its parts went elsewhere): its text stays
                removed.add(id(element))
                self.unwritable.append(element.get(XML_ID) or local_name(element))
                _unwrap(element)
        changed = True
        while changed:   # a part may become empty when the empty part inside it goes
            changed = False
            for chain in self.chains:
                for part in chain:
                    if part is None or id(part) in removed:
                        continue
                    if not len(part) and not part.text and part.getparent() is not None:
                        _remove_keeping_tail(part)
                        removed.add(id(part))
                        changed = True
        for chain in self.chains:
            parts = [p for p in chain if p is not None]
            kept = [p for p in parts if id(p) not in removed]
            if not kept and parts:
                self.unwritable.append(parts[0].get(XML_ID) or local_name(parts[0]))
            if len(kept) < 2:
                continue
            for part in kept:
                if part.get(XML_ID) is None:
                    part.set(XML_ID, self.ids.make())
            for before, after in zip(kept, kept[1:]):
                before.set("next", "#" + after.get(XML_ID))
                after.set("prev", "#" + before.get(XML_ID))


def strip_slot_marks(element) -> None:
    """Remove the slot processing instructions a rendered shell carries."""
    for node in list(element.iter(etree.ProcessingInstruction)):
        if node.target == SLOT:
            _remove_keeping_tail(node)


def copy_of(template):
    import copy
    return copy.deepcopy(template)


def find_slot_copy(shell: Shell, clone):
    """The element of ``clone`` (a copy of ``shell.element``) that matches its slot."""
    if shell.slot is shell.element or shell.slot is None:
        return clone
    path = []
    node = shell.slot
    while node is not shell.element:
        parent = node.getparent()
        path.append(parent.index(node))
        node = parent
    target = clone
    for index in reversed(path):
        target = target[index]
    return target


def _remove_keeping_tail(element) -> None:
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _tei(tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.Element(T + tag)
    for key, value in attrs.items():
        if value:
            element.set(XML_ID if key == "xml_id" else key, value)
    if text:
        element.text = text
    return element


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
        wrapper = _tei("sourceDoc")
        holder = wrapper
    elif names and names <= {"front", "body", "back", "group"}:
        wrapper = _tei("text")
        holder = wrapper
    else:
        wrapper = _tei("text")
        holder = etree.SubElement(wrapper, T + "body")
    holder.text = root.text if (root.text or "").strip() else None
    for node in list(root):
        holder.append(node)
    if not len(holder) and not (holder.text or "").strip():
        etree.SubElement(holder, T + "p")
    return wrapper


def _unwrap(element) -> None:
    """Replace ``element`` by its content."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    tail = element.tail or ""
    children = list(element)

    def add_text_at(position: int, text: str) -> None:
        if not text:
            return
        if position > 0:
            before = parent[position - 1]
            before.tail = (before.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
    head = element.text or ""
    parent.remove(element)
    add_text_at(index, head)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    add_text_at(index + len(children), tail)


def _sanitise(container, used: set[str], report: list[Problem], wid: str) -> None:
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
            _unwrap(element)
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
        if ident in _sanitise.seen:
            base, n = f"{ident}-{wid}", 2
            new = base
            while new in used or new in _sanitise.seen:
                new, n = f"{base}-{n}", n + 1
            element.set(XML_ID, new)
            ident = new
            renamed += 1
        _sanitise.seen.add(ident)
    if renamed:
        report.append(Problem("warning", "duplicate-id-renamed",
                              f"{wid}: {renamed} xml:id(s) already used in the document were "
                              f"given the suffix -{wid}", wid))


_sanitise.seen = set()


def _chosen(edition: Edition, options: ExportOptions) -> list[str]:
    from editor.errors import VariorumError
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
    tei = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    single = len(wids) == 1 and bool(options.witness)
    # witnesses the exported variants point to are declared too, so @wit resolves
    listed = list(wids)
    for ann in edition.annotations.values():
        if ann.witness in wids and ann.counterpart is not None and \
                ann.counterpart.witness in edition.witnesses and \
                ann.counterpart.witness not in listed:
            listed.append(ann.counterpart.witness)
    header = write_header(tei, edition, listed,
                          f"Written by Variorum {__version__} (tei-inline export): the text of "
                          f"{'the witness ' + wids[0] if single else 'each witness'} with every "
                          "annotation as the TEI element it stands for.")
    used = _ids_in_use(edition, wids)
    _sanitise.seen = set(used) - _template_ids(edition, wids)
    containers = []
    for wid in wids:
        writer = _WitnessWriter(edition, wid, options, used, report)
        root = writer.build()
        container = _container(root)
        if writer.preserve:
            container.set(f"{{{XML_NS}}}space", "preserve")
        _sanitise(container, used, report, wid)
        containers.append((wid, container))
    if single:
        if len(listed) > 1:
            containers[0][1].set("corresp", "#" + wids[0])
        tei.append(containers[0][1])
    else:
        text = None
        for wid, container in containers:
            container.set("corresp", "#" + wid)
            if container.tag == T + "sourceDoc":
                tei.append(container)
            else:
                if text is None:
                    text = _tei("text")
                    group = etree.SubElement(text, T + "group")
                    group.text = "\n"
                group.append(container)
                container.tail = "\n"
        if text is not None:
            tei.append(text)
    etree.cleanup_namespaces(tei)   # the declarations of namespaces left out
    etree.indent(header, space="  ", level=1)
    tei.text = "\n  "
    header.tail = "\n"
    for child in tei[1:]:
        child.tail = "\n"
    return etree.tostring(tei, xml_declaration=True, encoding="UTF-8") + b"\n"


def _template_ids(edition: Edition, wids: list[str]) -> set[str]:
    return _ids_in_use(edition, wids) - set(edition.witnesses) - set(edition.hands) - \
        set(edition.people)
