"""Nesting ranges of a text into XML that TEI allows: the core of the inline export.

A :class:`Nester` takes a witness text and :class:`Item` objects (an element to write over a
range ``[start, end)`` of code points, or at a point) and builds the XML.  Rules, in the
order they apply:

* **Order.**  Items are written by start; at one position, blocks and lines open first,
  then points and empty phrase elements (in document order: annotation ids of an import
  follow the source), then phrase elements, longest first; elements sharing a range nest
  in document order.
* **Text.**  Paragraph breaks of the text that no block accounts for start a new ``<p>``
  (:meth:`Nester.add_paragraphs`); line breaks next to a block or line element are the
  break that element stands for; any other line break is an ``<lb/>``.
* **Overlap.**  An element that would end after the element it opens in is split there,
  the rest going on in a new part; parts are linked by ``@next``/``@prev`` (the first part
  keeps the ``xml:id``).  An addition or deletion is written as ``addSpan``/``delSpan``
  with an ``anchor`` instead, and so is one holding a line or paragraph boundary.
* **What TEI allows** (:mod:`editor.formats.tei_schema`).  A phrase element open where a
  block or line starts is split around it; an element TEI does not let the open element
  hold splits that one once; a point goes in the innermost open element that may hold it
  (closing those that end there), else before the elements just opened at its place.
  An element that still cannot stand anywhere is left out, its text kept (counted in
  :attr:`Nester.unwritable`); so are the parts left empty by splitting, and a ``subst``,
  ``choice`` or ``app`` left without the element it must hold.

Positions are code-point offsets into the witness text, as everywhere in the model.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from dataclasses import dataclass

from lxml import etree

from editor.formats import tei_schema
from editor.formats.tei_common import (T, XML_ID, Shell, level_of, local_name, natural_key,
                                       shell_copy, tei)
from editor.model.text import PARAGRAPH_SEPARATOR

_RANK = {"block": 0, "line": 1, "phrase": 2}
#: elements TEI requires to hold at least one element
_NEED_ELEMENTS = ("subst", "choice", "app")


@dataclass
class Item:
    """An element to write over ``[start, end)`` of the text (at ``start`` if a point)."""

    start: int
    end: int
    shell: Shell
    level: str
    ident: str                     # annotation id (sort order for equal ranges)
    point: bool = False
    #: an addition/deletion that may be written as addSpan/delSpan
    spannable: bool = False
    #: an element (lb) standing for the line breaks it covers: they are not written
    consume_newlines: bool = False
    chain: list | None = None      # parts written so far, when the element is split
    #: written by Variorum, not an annotation (a paragraph, the parts of a substitution)
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
    item: Item | None = None
    last_structural: bool = False


class Ids:
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


class Nester:
    """Builds the XML of one witness text with its items (see the module docstring)."""

    def __init__(self, text: str, ids: Ids, newline: str = "\n"):
        self.text = text
        self.ids = ids
        #: written after block and line elements and lb for legibility ("" when spaces
        #: are significant, under xml:space="preserve")
        self.newline = newline
        self.heap: list = []
        self.counter = itertools.count()
        self.stack: list[_Frame] = []
        self.pos = 0
        self.chains: list[list] = []
        self.cut_for: set[tuple[str, int]] = set()
        #: paragraph breaks the </p><p> of added paragraphs stand for: not written
        self.implied: list[tuple[int, int]] = []
        #: what was done to write the items, for the export's report
        self.splits = 0
        self.spans = 0
        self.unwritable: list[str] = []

    def add_paragraphs(self, items: list[Item]) -> list[Item]:
        """A ``<p>`` for each paragraph of the text that no block or line element covers.
        Each reaches to the start of the next one, so that what covers the break between
        them (or an empty paragraph) still has a paragraph to stand in; the break itself
        is not written."""
        structural = sorted((i.start, i.end) for i in items
                            if not i.point and i.level != "phrase")
        # where blocks and lines start, and the furthest end of those starting so far
        starts = [s for s, _ in structural]
        reach, furthest = [], -1
        for _, e in structural:
            furthest = max(furthest, e)
            reach.append(furthest)

        def touched(a: int, b: int) -> bool:
            """Whether a block or line overlaps [a, b), or is empty inside [a, b]."""
            before_b = bisect.bisect_left(starts, b)
            if before_b and reach[before_b - 1] > a:
                return True
            return any(s == e for s, e in structural[bisect.bisect_left(starts, a):
                                                     bisect.bisect_right(starts, b)])

        paragraph_starts = []
        start = 0
        for para in self.text.split(PARAGRAPH_SEPARATOR):
            paragraph_starts.append(start)
            start += len(para) + len(PARAGRAPH_SEPARATOR)
        out = []
        last = len(paragraph_starts) - 1
        for n, start in enumerate(paragraph_starts):
            end = paragraph_starts[n + 1] if n < last else len(self.text)
            if not touched(start, end):
                p = tei("p")
                out.append(Item(start, end, Shell(p, p, "block"), "block", f"~p{n:08d}",
                                synthetic=True))
                if n < last:
                    self.implied.append((end - len(PARAGRAPH_SEPARATOR), end))
        return out

    def mark_spannable(self, items: list[Item]) -> None:
        """Additions and deletions that hold a line or paragraph boundary are written as
        ``addSpan``/``delSpan`` from the start."""
        bounds = sorted({b for i in items if not i.point and i.level != "phrase"
                         for b in (i.start, i.end)})
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

    def build(self, items: list[Item]) -> etree._Element:
        """A ``root`` element (not TEI) holding the witness's elements and text."""
        root = self.root = etree.Element("root")
        self.stack = [_Frame(root, root, len(self.text) + 1, "block")]
        for item in items:
            self._push(item)
        # each element is split at most once per position it meets: a bound on the work
        budget = 64 * (len(self.heap) + 16) * (len(self.heap) + 16)
        while self.heap:
            budget -= 1
            if budget < 0:
                raise RuntimeError("the inline TEI writer did not finish (this is a bug)")
            _, item = heapq.heappop(self.heap)
            if item.point:
                self._place_point(item)
            else:
                self._open(item)
        while len(self.stack) > 1:
            self._close_top()
        self._emit(len(self.text), False)
        self._finish_chains()
        return root

    def _push(self, item: Item) -> None:
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

    def _place_point(self, item: Item) -> None:  # noqa: C901 - one rule after another
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

    def _open(self, item: Item) -> None:
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

    def _remainder(self, item: Item, pos: int, written=None) -> Item:
        """The part of ``item`` from ``pos`` on, to be written later as a new part."""
        if item.chain is None:
            item.chain = [written if written is not None else None]
            self.chains.append(item.chain)
        elif written is not None and (not item.chain or item.chain[-1] is not written):
            item.chain.append(written)
        self.splits += 1
        rest = Item(pos, item.end, item.shell, item.level, item.ident, chain=item.chain,
                     spannable=False, synthetic=item.synthetic, sort_end=item.sort_end)
        return rest

    def _new_part(self, item: Item):
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

    def _to_span(self, item: Item) -> Item:
        """Make ``item`` an ``addSpan``/``delSpan`` point; return the anchor closing it."""
        element = item.shell.element
        span = tei("addSpan" if element.tag == T + "add" else "delSpan")
        for name, value in element.attrib.items():
            span.set(name, value)
        anchor = self.ids.make()
        span.set("spanTo", "#" + anchor)
        end = item.end
        item.shell = Shell(span, None)
        item.point = True
        item.end = item.start
        self.spans += 1
        return Item(end, end, Shell(tei("anchor", xml_id=anchor), None), "phrase",
                     item.ident + "~anchor", point=True)

    def _finish_chains(self) -> None:
        """Drop parts left empty (they held only breaks) and link the others."""
        removed: set[int] = set()
        for element in list(self.root.iter(*(T + n for n in _NEED_ELEMENTS))):
            if not any(isinstance(c.tag, str) for c in element):
                # left holding no element (its parts went elsewhere): its text stays
                removed.add(id(element))
                self.unwritable.append(element.get(XML_ID) or local_name(element))
                unwrap(element)
        changed = True
        while changed:   # a part may become empty when the empty part inside it goes
            changed = False
            for chain in self.chains:
                for part in chain:
                    if part is None or id(part) in removed:
                        continue
                    if not len(part) and not part.text and part.getparent() is not None:
                        remove_keeping_tail(part)
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


def remove_keeping_tail(element) -> None:
    """Remove ``element`` but not the text that follows it."""
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def unwrap(element) -> None:
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
