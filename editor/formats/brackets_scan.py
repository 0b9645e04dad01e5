"""Square brackets in a text, found and paired into a tree.

:func:`scan` pairs ``[`` with ``]`` using a stack, so brackets nest.  A ``[`` that is
never closed and a ``]`` that closes nothing are kept as plain text (``Text`` nodes) and
reported as :class:`Stray`; the brackets found inside an unclosed one are kept as if it
had not been there.  The scan is iterative, so arbitrarily deep nesting costs no
recursion.

Offsets are code points into the scanned string: a :class:`Bracket` spans
``[open, close]`` inclusive of both bracket characters; its inner text is
``text[open + 1:close]``.  A :class:`Text` spans the half-open ``[start, end)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Text:
    """Plain text ``[start, end)`` of the scanned string."""

    start: int
    end: int


@dataclass
class Bracket:
    """A paired bracket: ``[`` at ``open``, ``]`` at ``close``; ``children`` in order."""

    open: int
    close: int
    children: list = field(default_factory=list)   # Text | Bracket, in document order
    depth: int = 0                                  # 0 for a bracket not inside another

    @property
    def inner_start(self) -> int:
        return self.open + 1

    @property
    def inner_end(self) -> int:
        return self.close

    def inner(self, text: str) -> str:
        return text[self.open + 1:self.close]

    def source(self, text: str) -> str:
        """The bracket as written, brackets included."""
        return text[self.open:self.close + 1]


@dataclass(frozen=True)
class Stray:
    """An unpaired bracket character kept as text: ``char`` at ``offset``."""

    char: str
    offset: int


def scan(text: str) -> tuple[list, list[Stray]]:
    """Pair the brackets of ``text``; return ``(nodes, strays)``.

    ``nodes`` covers the whole of ``text`` in order: adjacent ``Text`` nodes are merged,
    so a stray bracket character becomes part of the text around it.
    """
    strays: list[Stray] = []
    # each frame: (open offset, children); the bottom frame is the document itself
    stack: list[tuple[int, list]] = [(-1, [])]
    plain_from = 0

    def add_text(children: list, start: int, end: int) -> None:
        if end <= start:
            return
        if children and isinstance(children[-1], Text) and children[-1].end == start:
            children[-1].end = end
        else:
            children.append(Text(start, end))

    for index, char in enumerate(text):
        if char != "[" and char != "]":
            continue
        add_text(stack[-1][1], plain_from, index)
        plain_from = index + 1
        if char == "[":
            stack.append((index, []))
            continue
        if len(stack) == 1:              # a "]" closing nothing: keep it as text
            strays.append(Stray("]", index))
            add_text(stack[-1][1], index, index + 1)
            continue
        opened, children = stack.pop()
        stack[-1][1].append(Bracket(opened, index, children, len(stack) - 1))
    add_text(stack[-1][1], plain_from, len(text))

    # unclosed brackets: the "[" becomes text, its children join the enclosing level
    while len(stack) > 1:
        opened, children = stack.pop()
        strays.append(Stray("[", opened))
        parent = stack[-1][1]
        add_text(parent, opened, opened + 1)
        for child in children:
            if isinstance(child, Text):
                add_text(parent, child.start, child.end)
            else:
                parent.append(child)
    nodes = stack[0][1]
    _fix_depths(nodes)
    strays.sort(key=lambda s: s.offset)
    return nodes, strays


def _fix_depths(nodes: list) -> None:
    """Set ``depth`` from the final tree (unclosed brackets changed the nesting)."""
    pending = [(node, 0) for node in nodes if isinstance(node, Bracket)]
    while pending:
        node, depth = pending.pop()
        node.depth = depth
        pending.extend((child, depth + 1) for child in node.children if isinstance(child, Bracket))


def slice_nodes(nodes: list, start: int, end: int) -> list:
    """The part of ``nodes`` (siblings, in order) that lies in ``[start, end)``.

    Text nodes are cut at the edges; a bracket is kept when it lies wholly inside and
    dropped when it lies wholly outside.  Callers cut only between brackets (labels and
    suffixes never contain one), so no bracket straddles an edge.
    """
    out = []
    for node in nodes:
        if isinstance(node, Text):
            s, e = max(node.start, start), min(node.end, end)
            if e > s:
                out.append(Text(s, e))
        elif node.open >= start and node.close < end:
            out.append(node)
    return out
