"""From a TEI subtree to a witness text and the range each element covers in it.

The witness text follows the model's conventions (see :mod:`editor.model.text`):

* XML whitespace (space, tab, CR, LF) in the source is layout: each run becomes one
  space, and spaces next to a line or paragraph break, or at the start or end of the
  witness, are dropped.  Whitespace-only text inside element-only containers
  (``choice``, ``app``, ``rdgGrp``, and foreign elements holding nothing but elements,
  such as Faust's ``f:overw``) is ignored.  Under ``xml:space="preserve"``, runs of
  spaces and tabs are kept as they are; a run holding a line break is still layout (one
  space), since a transcription's line breaks are its ``lb``/``l``/``line`` elements.
* A **block** element (``p``, ``div``, ``lg``, ``head``, ``zone``...; see
  :data:`editor.formats.tei_common.BLOCK`) is set off by a paragraph break ``"\\n\\n"``;
  a **line** element (``l``, ``line``, ``speaker``...) by a line break ``"\\n"``; breaks
  never pile up (a line ending a paragraph gives one paragraph break) and none is written
  at the start or end of the witness.
* ``lb`` is a line break ``"\\n"``, except where a break is already due (at the start
  of a line, paragraph or witness, or right after another break): there it is
  *absorbed* and kept as a point.  ``pb``, ``cb``, ``milestone``, ``anchor``,
  ``handShift``, ``gap`` and other empty elements are points (zero-length ranges);
  ``space`` is a point with a space before it, so that ``word<space/>word`` stays two
  words.
* Non-stream elements (``note``, ``desc``...) and the non-chosen members of ``choice``
  and ``app`` are not in the text: they are points (a note) or part of their parent's
  markup (the ``corr`` of a ``choice``).

Positions are code-point offsets into the witness text.  An element's range is
``[start, end)``; a break that falls at an element's edge lies outside the element
(starts are taken after a due break or space, ends before it).  A point that stands
where a break is due goes *after* the break when more text of its parent follows (a
``pb`` between two paragraphs opens the second), and *before* it otherwise (an
``anchor`` closing a zone stays at the end of the zone's last line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from editor.formats import tei_schema
from editor.formats.tei_common import (ELEMENT_ONLY, NON_STREAM, T, app_members, app_stream,
                                       choice_parts, is_tei, level_of, local_name, unpointer)

_RUNS = re.compile(r"[ \t\r\n]+|[^ \t\r\n]+")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_RANK = {"": 0, " ": 1, "\n": 2, "\n\n": 3}


@dataclass(eq=False)
class Mark:
    """One source element (or comment) and the range of the witness text it covers."""

    element: object
    order: int                 # document order (preorder)
    start: int = -1
    end: int = -1
    #: zero-length by nature: an empty or non-stream element
    point: bool = False
    #: an ``lb`` whose range is the ``"\n"`` it stands for
    generated: bool = False
    #: an ``lb`` swallowed by a line or paragraph break (kept as a point)
    absorbed: bool = False
    #: parallel segmentation: an ``app`` replaced by the reading of one witness
    apparatus: bool = False
    #: the element that holds the text inside this one (``sic`` in a ``choice``)
    stream: object = None

    @property
    def line(self) -> int | None:
        return getattr(self.element, "sourceline", None)


class _Builder:
    """Accumulates the witness text, holding back spaces and breaks until text follows."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending = ""
        self.last = ""
        self.waiting: list[tuple[Mark, Mark | None]] = []   # (mark, the mark closing it)

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        self.last = text[-1]

    def _resolve(self, marks) -> None:
        for mark in marks:
            if mark.start < 0:
                mark.start = self.length
            if mark.point:
                mark.end = self.length

    def _flush(self) -> None:
        if self.pending:
            if self.length and not (self.pending == " " and self.last == "\n"):
                self._append(self.pending)
            self.pending = ""
        self._resolve(m for m, _ in self.waiting)
        self.waiting.clear()

    def soft_space(self) -> None:
        if not self.pending:
            self.pending = " "

    def separator(self, sep: str) -> None:
        if _RANK[sep] > _RANK[self.pending]:
            self.pending = sep

    def text(self, run: str) -> None:
        self._flush()
        self._append(run)

    @property
    def newline_due(self) -> bool:
        """A line break here would double one already due or just written."""
        return self.length == 0 or self.pending in ("\n", "\n\n") or self.last == "\n"

    def newline(self) -> tuple[int, int]:
        """Write an ``lb``'s ``"\\n"`` (a pending space before it is dropped)."""
        if self.pending == " ":
            self.pending = ""
        self._flush()
        start = self.length
        self._append("\n")
        return start, self.length

    def open(self, mark: Mark) -> None:
        if self.pending and self.length:
            self.waiting.append((mark, mark))
        else:
            mark.start = self.length

    def point(self, mark: Mark, scope: Mark | None) -> None:
        if self.pending and self.length:
            self.waiting.append((mark, scope))
        else:
            mark.start = mark.end = self.length

    def close(self, mark: Mark) -> None:
        done = [m for m, scope in self.waiting if scope is mark or m is mark]
        if done:
            self.waiting = [(m, s) for m, s in self.waiting if not (s is mark or m is mark)]
            self._resolve(done)
        mark.end = self.length
        if mark.start < 0:
            mark.start = self.length

    def finish(self) -> str:
        self.pending = ""
        self._resolve(m for m, _ in self.waiting)
        self.waiting.clear()
        return "".join(self.parts)


def _whitespace_ignored(element) -> bool:
    """Whether whitespace-only text directly in ``element`` is insignificant: in TEI
    elements that may not hold text (``body``, ``lg``, ``choice``...), but not in
    ``subst``, whose deleted and added words keep the source's space between them; and in
    foreign elements holding nothing but elements."""
    if is_tei(element):
        name = local_name(element)
        return name in ELEMENT_ONLY or (name != "subst" and not tei_schema.allows_text(name))
    texts = [element.text] + [child.tail for child in element]
    return all(not (t or "").strip() for t in texts) and len(element) > 0


def _wit_tokens(element) -> list[str]:
    return unpointer(element.get("wit", "")).split()


class Walker:
    """Walks one subtree: ``walk(root)`` returns the witness text and the marks.

    With ``witness`` set (parallel segmentation), each ``app`` contributes the reading of
    that witness only (the ``lem`` or ``rdg`` whose ``@wit`` names it; else a ``lem``
    without ``@wit``), and its mark is flagged ``apparatus``.
    """

    def __init__(self, witness: str | None = None):
        self.witness = witness
        self.marks: list[Mark] = []
        self._preserve = [False]
        self._b = _Builder()
        self._stack: list[Mark] = []
        self._order = 0

    def walk(self, root) -> tuple[str, list[Mark]]:
        self._visit(root)
        return self._b.finish(), self.marks

    # -- helpers -------------------------------------------------------------------
    def _new(self, node, **flags) -> Mark:
        self._order += 1
        mark = Mark(node, self._order, **flags)
        self.marks.append(mark)
        return mark

    def _point(self, node) -> Mark:
        mark = self._new(node, point=True)
        self._b.point(mark, self._stack[-1] if self._stack else None)
        return mark

    def _text(self, text: str | None, ignore_whitespace: bool) -> None:
        if not text:
            return
        if ignore_whitespace and not text.strip():
            return
        preserve = self._preserve[-1]
        for run in _RUNS.findall(text):
            if run[0] not in " \t\r\n":
                self._b.text(run)
            elif preserve and "\n" not in run and "\r" not in run:
                self._b.text(run)
            else:
                self._b.soft_space()

    def _content(self, element, ignore_whitespace: bool, skip=()) -> None:
        self._text(element.text, ignore_whitespace)
        for child in element:
            if child not in skip:
                self._visit(child)
            self._text(child.tail, ignore_whitespace)

    def reading(self, app):
        """The member of ``app`` that holds the walked witness's reading, or ``None``."""
        lem = None
        for child in app_members(app):
            if child.tag == T + "lem" and lem is None:
                lem = child
            if self.witness in _wit_tokens(child):
                return child
        if lem is not None:
            return lem
        return None

    # -- elements ------------------------------------------------------------------
    def _visit(self, node) -> None:
        if not isinstance(node.tag, str):          # comment or processing instruction
            self._point(node)
            return
        name = local_name(node) if is_tei(node) else ""
        if name in NON_STREAM:
            self._point(node)
            return
        if name == "lb":
            self._line_break(node)
            return
        if name == "space":
            self._b.soft_space()
            self._point(node)
            return
        if len(node) == 0 and not node.text:
            self._point(node)
            return
        level = level_of(node)
        sep = {"block": "\n\n", "line": "\n"}.get(level, "")
        stream = None
        if name == "choice":
            stream = choice_parts(node)[0]
        elif name == "app":
            stream = self.reading(node) if self.witness is not None else app_stream(node)
        mark = self._new(node, stream=stream, apparatus=name == "app" and self.witness is not None)
        if sep:
            self._b.separator(sep)
        self._b.open(mark)
        self._stack.append(mark)
        space = node.get(_XML_SPACE)
        self._preserve.append(space == "preserve" if space in ("preserve", "default")
                              else self._preserve[-1])
        if name in ("choice", "app"):
            if stream is not None:
                self._content(stream, _whitespace_ignored(stream))
        else:
            self._content(node, _whitespace_ignored(node))
        self._preserve.pop()
        self._stack.pop()
        self._b.close(mark)
        if sep:
            self._b.separator(sep)

    def _line_break(self, node) -> None:
        if self._b.newline_due:
            self._point(node).absorbed = True
            return
        mark = self._new(node, generated=True)
        mark.start, mark.end = self._b.newline()
