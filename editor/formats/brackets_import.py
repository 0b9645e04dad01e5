"""Building an edition from a bracketed translation.

The document proper (see :mod:`editor.formats.brackets_page`) is scanned for brackets
(:mod:`editor.formats.brackets_scan`), each bracket is read
(:mod:`editor.formats.brackets_classify`), and the typed and handwritten texts are written
side by side, bracket by bracket:

* plain text goes to every witness that is *receiving* (both, at the top level);
* a ``content`` bracket sends its words to the witnesses its side names (all receiving
  ones for ``both``) and marks them in the first of those (typed before handwritten);
  nested brackets inside it are read the same way, receiving only those witnesses;
* ``point``, ``preceding`` and ``passage`` brackets send no words (a passage note sends its
  quoted passage to the handwritten text).

Where a bracket sends nothing to a witness, the spaces around it would double
("an [x] unhealthy" -> "an  unhealthy"); :class:`_Buffer` holds the whitespace before such
a bracket until it sees what follows, then keeps one separator, none before closing
punctuation.  A point annotation lands *right after the preceding word*, before that
whitespace; a bracket that stood as a paragraph of its own between two paragraphs lands
*inside* the paragraph separator (offset of the first ``\\n`` plus one), which the exporter
reads back as "a paragraph of its own".

The handwritten witness exists only when some bracket speaks of the handwritten version.
A translation whose brackets speak only of "the typed version" (it follows the manuscript)
gives the witnesses the other way round: its text is the handwritten witness.  Words
added by hand on the text followed (``[inserted by hand: X]``) are that text's own, as
issue 2's lead decided: they are left out of the other witness.  A content bracket that
receives no words (only nested points) becomes one remark holding its whole text.
Annotation ids are ``ann-1``, ``ann-2``, ... in the order the brackets *close* in the
text; the exporter uses that order to put brackets that meet at one place back in the
order they were written.  Every annotation is ``proposed``, its ``resp`` is the
translator, and its history holds one ``imported`` event by ``variorum`` whose comment
is ``from the bracket [...]``, the bracket as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from editor.formats.brackets_classify import Context, Reading, classify
from editor.formats.brackets_page import Page
from editor.formats.brackets_scan import Bracket, Text, scan, slice_nodes
from editor.model.annotation import Annotation, ReviewEvent, Span, now_iso
from editor.model.edition import Edition, Hand, Witness
from editor.model.kinds import spec
from editor.model.validate import Problem

TYPED, HANDWRITTEN = "typed", "handwritten"
TYPED_HAND = "hand-typed-annotator"
DRAFT_HAND = "hand-draft"
SOFTWARE = "Variorum"
#: prefix of the comment of an annotation's ``imported`` history event
PROVENANCE = "from the bracket "
#: brackets nested deeper than this are kept whole as remarks (no recursion beyond)
MAX_DEPTH = 24

_CLOSING = frozenset(",.;:!?)]}»”’…")
_QUOTES = frozenset("\"”’»)'.")

#: hands when the translation follows the handwritten version (its brackets speak of
#: "the typed version"): a later hand on the manuscript, and a hand on the typescript
HANDS_ON_MANUSCRIPT = {
    "typed": Hand("hand-manuscript-annotator", "Later hand on the handwritten version",
                  description="Handwriting added to the handwritten version, reported by "
                              "the translation as [inserted by hand: …]."),
    "draft": Hand(TYPED_HAND, "Hand on the typescript",
                  description="Handwriting on the typed version, where the translation "
                              "reports words inserted by hand in it."),
}

HANDS = {
    "typed": Hand(TYPED_HAND, "Hand on the typescript",
                  description="Handwriting added to the typed version, reported by the "
                              "translation as [inserted by hand: …] or [handwritten: …]."),
    "draft": Hand(DRAFT_HAND, "Hand of the handwritten draft",
                  description="The hand of the handwritten version, where the translation "
                              "reports words inserted by hand in it."),
}


class _Buffer:
    """The text of one witness as it is written, with whitespace held around brackets.

    Positions are code points of the witness text.  ``hold()`` takes the whitespace at the
    end off the text and keeps it until the next text decides how much of it stays;
    ``request(callback)`` asks for the position of a point annotation there, given to the
    callback once it is known.  ``begin()``/``end()`` enclose the words of a content
    bracket: whitespace is never held across its start (the *floor*).
    """

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.length = 0
        self.held: str | None = None
        self.waiting: list = []
        self.floors: list[int] = [0]

    # -- reading ---------------------------------------------------------------------
    def tail(self, count: int) -> str:
        """The last ``count`` committed characters (fewer at the start)."""
        out: list[str] = []
        need = count
        for chunk in reversed(self.chunks):
            if need <= 0:
                break
            out.append(chunk[-need:])
            need -= len(chunk)
        return "".join(reversed(out))

    def text(self) -> str:
        return "".join(self.chunks)

    # -- writing ---------------------------------------------------------------------
    def _append(self, text: str) -> None:
        if text:
            self.chunks.append(text)
            self.length += len(text)

    def _pop_whitespace(self) -> str:
        floor = self.floors[-1]
        popped: list[str] = []
        while self.chunks and self.length > floor:
            chunk = self.chunks[-1]
            keep = len(chunk.rstrip())
            keep = max(keep, len(chunk) - (self.length - floor))
            if keep == len(chunk):
                break
            popped.append(chunk[keep:])
            self.length -= len(chunk) - keep
            if keep:
                self.chunks[-1] = chunk[:keep]
                break
            self.chunks.pop()
        return "".join(reversed(popped))

    def hold(self) -> None:
        """A bracket sends nothing here: hold the whitespace before it."""
        if self.held is None:
            self.held = self._pop_whitespace()

    def request(self, callback) -> None:
        """A point annotation here; ``callback(position)`` once the position is known."""
        self.hold()
        # how much whitespace stood before this bracket decides its place (see _resolve)
        self.waiting.append((callback, len(self.held)))

    def write(self, text: str) -> None:
        if not text:
            return
        if self.held is not None:
            join, text = self._resolve(text)
            self._append(join)
        self._append(text)

    def begin(self) -> int:
        """The words of a content bracket start here; returns their start."""
        if self.held is not None:
            join, _ = self._resolve("x")
            self._append(join)
        self.floors.append(self.length)
        return self.length

    def end(self) -> int:
        """The words of a content bracket end here; returns their end.

        When no words came (only nested points), the bracket sent nothing here after all:
        the whitespace before it is held like before any such bracket."""
        floor = self.floors[-1]
        if len(self.floors) > 1:
            self.floors.pop()
        if self.length == floor:
            before = self._pop_whitespace()
            self.held = before + (self.held or "")
            self.waiting = [(callback, length + len(before)) for callback, length in self.waiting]
            return self.length
        if self.held is not None:
            self._resolve(None)
        return self.length

    def finish(self) -> str:
        if self.held is not None:
            self._resolve(None)
        return self.text()

    @staticmethod
    def _place(n: int, join: str, before: str, after: str) -> int:
        """Where a point lands, given the whitespace ``before`` and ``after`` its bracket
        and the ``join`` kept between the text at ``n`` and what follows: after the
        preceding word; at the start of the next paragraph or line when the bracket began
        one; inside the paragraph separator when it stood alone between paragraphs."""
        if join == "\n\n" and "\n\n" in before:
            return n + 1 if "\n\n" in after else n + 2
        if join == "\n" and "\n" in before and "\n" not in after:
            return n + 1
        return n

    def _resolve(self, following: str | None) -> tuple[str, str]:
        """Decide the whitespace between the held text and ``following`` (None: nothing
        follows here); place the waiting points.  Returns ``(join, rest)``: what to write
        before the rest of ``following``."""
        held = self.held or ""
        self.held = None
        n = self.length
        rest = following or ""
        lead = rest[:len(rest) - len(rest.lstrip())]
        rest = rest[len(lead):]
        if following is not None and not rest:
            # only whitespace follows (between two brackets): the next text decides
            self.held = held + lead
            return "", ""
        if following is None or n == self.floors[-1]:
            join = ""          # the end, or the start of the document or of a bracket's words
        elif "\n\n" in held or "\n\n" in lead:
            join = "\n\n"
        elif "\n" in held or "\n" in lead:
            join = "\n"
        elif rest[0] in _CLOSING:
            join = ""
        else:
            join = " " if (held or lead) else ""
        for callback, before_length in self.waiting:
            callback(self._place(n, join, held[:before_length], held[before_length:] + lead))
        self.waiting = []
        return join, rest


@dataclass
class _Mark:
    """An annotation being built; ``start``/``end`` are set when known."""

    seq: int
    witness: str
    kind: str
    source: str
    start: int = -1
    end: int = -1
    attrs: dict[str, str] = field(default_factory=dict)
    note: str = ""
    cert: str = ""
    counterpart: Span | None = None


class BracketImporter:
    """Reads the document proper of a :class:`Page` into an :class:`Edition`."""

    def __init__(self, page: Page, when: str | None = None):
        self.page = page
        self.when = when
        self.doc = page.document
        self.buffers = {TYPED: _Buffer(), HANDWRITTEN: _Buffer()}
        self.marks: list[_Mark] = []
        self.seq = 0
        self.uses_handwritten = False
        self.names: set[str] = set()        # how brackets name the other version
        self.hands: set[str] = set()
        self.report: list[Problem] = []
        self.translator = page.metadata.translator

    # -- entry -----------------------------------------------------------------------
    def run(self) -> tuple[Edition, list[Problem]]:
        nodes, strays = scan(self.doc)
        for stray in strays:
            what = "an opening bracket with no closing one" if stray.char == "[" else \
                "a closing bracket with no opening one"
            self.report.append(Problem(
                "warning", "unpaired-bracket",
                f"paragraph {self._paragraph(stray.offset)}: {what}; kept as text"))
        self.render(nodes, (TYPED, HANDWRITTEN), 0)
        return self.build(), self.report

    def _paragraph(self, offset: int) -> int:
        return self.doc.count("\n\n", 0, offset) + 1

    # -- walking the tree --------------------------------------------------------------
    def render(self, nodes: list, receiving: tuple[str, ...], depth: int) -> None:
        for node in nodes:
            if isinstance(node, Text):
                piece = self.doc[node.start:node.end]
                for witness in receiving:
                    self.buffers[witness].write(piece)
            else:
                self.bracket(node, receiving, depth)

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def bracket(self, node: Bracket, receiving: tuple[str, ...], depth: int) -> None:
        doc = self.doc
        inner = node.inner(doc)
        context = Context(doc[node.open - 1] if node.open > 0 else "",
                          doc[node.close + 1] if node.close + 1 < len(doc) else "",
                          any(isinstance(c, Bracket) for c in node.children))
        if depth >= MAX_DEPTH:
            reading = Reading("remark", "point", description="bracket nested too deeply")
        else:
            reading = classify(inner, context)
        if reading.shape == "content":
            self.content(node, reading, receiving, depth)
        elif reading.shape == "preceding":
            self.preceding(node, reading, receiving)
        elif reading.shape == "passage":
            self.passage(node, reading, receiving)
        else:
            self.point(node, reading, receiving)

    def _primary(self, receiving: tuple[str, ...]) -> str:
        return receiving[0]

    def point(self, node: Bracket, reading: Reading, receiving: tuple[str, ...],
              kind: str | None = None, note: str | None = None) -> _Mark:
        """A mark at a place: nothing enters the texts."""
        inner = node.inner(self.doc)
        source = node.source(self.doc)
        kind = kind or reading.kind
        if note is None:
            if kind == "remark":
                note = source
            elif kind == "note":
                note = reading.content_of(inner)
            else:
                note = ""
        attrs = dict(reading.attrs) if kind == reading.kind else {}
        if kind == "remark" and not attrs.get("type"):
            self.report.append(Problem(
                "warning", "bracket-kept-as-remark",
                f"paragraph {self._paragraph(node.open)}: {_short(source)} was not recognised; "
                "kept word for word as a remark", f"ann-{self.seq + 1}"))
        mark = _Mark(self._next_seq(), self._primary(receiving), kind, source, attrs=attrs,
                     note=note)
        self.marks.append(mark)

        def place(position: int, mark=mark) -> None:
            mark.start = mark.end = position
        self.buffers[mark.witness].request(place)
        for witness in receiving[1:]:
            self.buffers[witness].hold()
        return mark

    def preceding(self, node: Bracket, reading: Reading, receiving: tuple[str, ...]) -> None:
        """``[sic]`` and the like: a mark over the word before the bracket."""
        witness = self._primary(receiving)
        word = self._preceding_word(self.buffers[witness])
        if word is None:
            self.point(node, reading, receiving, kind="remark")
            return
        mark = _Mark(self._next_seq(), witness, reading.kind, node.source(self.doc),
                     word[0], word[1], dict(reading.attrs))
        self.marks.append(mark)
        for other in receiving:
            self.buffers[other].hold()

    @staticmethod
    def _preceding_word(buffer: _Buffer) -> tuple[int, int] | None:
        """``(start, end)`` of the word before the end of ``buffer``, within its current
        bracket's words and paragraph; None when there is none."""
        floor = buffer.floors[-1]
        window = buffer.tail(min(400, buffer.length - floor))
        base = buffer.length - len(window)
        end = len(window.rstrip())
        if "\n\n" in window[end:]:
            return None
        start = end
        while start > 0 and not window[start - 1].isspace():
            start -= 1
        # leave punctuation at the edges out of the word ("word," -> "word"), but keep a
        # closing quotation mark and a full stop ('"quoted" [sic]', 'Secy. [expanded: …]'),
        # so that the bracket is written back after them
        while start < end and not window[start].isalnum():
            start += 1
        while end > start and not window[end - 1].isalnum() and window[end - 1] not in _QUOTES:
            end -= 1
        word_end = end
        while word_end > start and not window[word_end - 1].isalnum():
            word_end -= 1
        if word_end == start:
            return None
        if start >= end:
            return None
        return base + start, base + end

    def content(self, node: Bracket, reading: Reading, receiving: tuple[str, ...],
                depth: int) -> None:
        """A bracket whose words enter the text."""
        if reading.side == "handwritten" or reading.kind == "variant":
            self.uses_handwritten = True      # the bracket speaks of the other version
            self.names.add(reading.other)
        if reading.side == "both":
            targets = receiving
        else:
            wanted = TYPED if reading.side == "typed" else HANDWRITTEN
            targets = tuple(w for w in receiving if w == wanted)
        if not targets:     # e.g. a handwritten-only reading inside typed-only words
            self.point(node, reading, receiving, kind="remark")
            return
        witness = targets[0]
        mark = _Mark(0, witness, reading.kind, node.source(self.doc), attrs=dict(reading.attrs),
                     cert=reading.cert)
        if reading.hand:
            mark.attrs["hand"] = "@" + reading.hand        # the hand's id, set in build()
            self.hands.add(reading.hand)
        if reading.kind == "supplied" and self.translator:
            mark.attrs["resp"] = "@translator"      # replaced by the person id in build()
        others = [w for w in receiving if w not in targets]
        for other in others:
            if reading.kind == "variant":
                def place(position: int, mark=mark, other=other) -> None:
                    mark.counterpart = Span(other, position, position)
                self.buffers[other].request(place)
            else:
                self.buffers[other].hold()

        lo = node.open + 1 + reading.content[0]
        hi = node.open + 1 + reading.content[1]
        nested_from = len(self.marks)
        starts = {w: self.buffers[w].begin() for w in targets}
        if reading.kind == "substitution":
            inner = node.inner(self.doc)
            bar = _top_level_bar(inner, reading.content[0], reading.content[1])
            bar_at = node.open + 1 + bar
            self.render(slice_nodes(node.children, lo, bar_at), targets, depth + 1)
            mark.attrs["split"] = str(self.buffers[witness].length - starts[witness])
            self.render(slice_nodes(node.children, bar_at + 1, hi), targets, depth + 1)
        else:
            self.render(slice_nodes(node.children, lo, hi), targets, depth + 1)
        ends = {w: self.buffers[w].end() for w in targets}
        filled = [w for w in targets if ends[w] > starts[w]]
        if not filled:
            # only nested marks, no words: the bracket itself is kept as a remark, whose
            # note holds the nested brackets too
            del self.marks[nested_from:]
            self.point(node, reading, receiving, kind="remark")
            return
        if witness not in filled:
            witness = mark.witness = filled[0]
        mark.seq = self._next_seq()
        mark.start, mark.end = starts[witness], ends[witness]
        if "split" in mark.attrs:
            split = min(max(int(mark.attrs["split"]), 0), mark.end - mark.start)
            mark.attrs["split"] = str(split)
        self.marks.append(mark)

    def passage(self, node: Bracket, reading: Reading, receiving: tuple[str, ...]) -> None:
        """A translator's note reporting a passage inserted, then crossed out, in the
        handwritten version: the note where it stands, the passage in the handwritten text."""
        self.uses_handwritten = True
        self.names.add(reading.other)
        self.point(node, reading, tuple(w for w in receiving if w != HANDWRITTEN)
                   or receiving, kind="note")
        if HANDWRITTEN not in receiving:
            return
        buffer = self.buffers[HANDWRITTEN]
        # the passage is a phrase of its own: never glued to the words around it
        if buffer.held is None and buffer.length > buffer.floors[-1] \
                and not buffer.tail(1).isspace():
            buffer.write(" ")
        start = buffer.begin()
        buffer.write(reading.passage)
        end = buffer.end()
        if end <= start:
            return
        buffer.held = " "
        self.hands.add("draft")
        source = node.source(self.doc)
        for kind, attrs in (("addition", {"hand": "@draft"}), ("deletion", {})):
            self.marks.append(_Mark(self._next_seq(), HANDWRITTEN, kind, source, start, end,
                                    attrs))

    # -- the edition ------------------------------------------------------------------
    def build(self) -> Edition:
        base_text = self.buffers[TYPED].finish()
        other_text = self.buffers[HANDWRITTEN].finish()
        md = self.page.metadata
        edition = Edition(metadata=md)
        # the buffers are "typed" (the text the translation follows) and "handwritten" (the
        # version its brackets report); a translation whose brackets speak only of "the
        # typed version" follows the handwritten one, and the witnesses change places
        follows_manuscript = self.names == {"typed"}
        rename = {TYPED: HANDWRITTEN, HANDWRITTEN: TYPED} if follows_manuscript else {}
        hands = HANDS_ON_MANUSCRIPT if follows_manuscript else HANDS
        base = Witness(
            TYPED, "Typed", "typed", base_text,
            "The typed version as the translation gives it, with the handwriting added to "
            "the typescript; words the translator supplied in square brackets are part of "
            "the text, marked as supplied.")
        other = Witness(
            HANDWRITTEN, "Handwritten", "handwritten", other_text,
            "The handwritten version, rebuilt from the differences the translation "
            "reports in square brackets; where no difference is reported it is taken to "
            "read as the typed version.")
        if follows_manuscript:
            base = Witness(
                HANDWRITTEN, "Handwritten", "handwritten", base_text,
                "The handwritten version as the translation gives it; words the translator "
                "supplied in square brackets are part of the text, marked as supplied.")
            other = Witness(
                TYPED, "Typed", "typed", other_text,
                "The typed version, rebuilt from the differences the translation reports in "
                "square brackets; where no difference is reported it is taken to read as "
                "the handwritten version.")
        witnesses = [base, other] if self.uses_handwritten else [base]
        for witness in sorted(witnesses, key=lambda w: w.id != TYPED):
            edition.add_witness(witness)
        software = edition.person_for(SOFTWARE, "software")
        translator = edition.person_for(md.translator, "translator").id if md.translator else ""
        for key in sorted(self.hands):
            hand = hands[key]
            edition.hands[hand.id] = Hand(hand.id, hand.label, hand.scribe, hand.medium,
                                          hand.description)
        stamp = self.when or now_iso()
        for mark in sorted(self.marks, key=lambda m: m.seq):
            mark.witness = rename.get(mark.witness, mark.witness)
            if mark.counterpart is not None:
                cp = mark.counterpart
                mark.counterpart = Span(rename.get(cp.witness, cp.witness), cp.start, cp.end)
            if mark.witness not in edition.witnesses:
                continue
            if mark.counterpart is not None and mark.counterpart.witness not in edition.witnesses:
                mark.counterpart = None
            if mark.attrs.get("hand", "").startswith("@"):
                mark.attrs["hand"] = hands[mark.attrs["hand"][1:]].id
            length = len(edition.witnesses[mark.witness].text)
            start = min(max(mark.start, 0), length)
            end = min(max(mark.end, start), length)
            kind, attrs, note = mark.kind, dict(mark.attrs), mark.note
            if start == end and not spec(kind).point_ok:
                kind, attrs, note = "remark", {}, mark.source
            if attrs.get("resp") == "@translator":
                attrs["resp"] = translator
            history = [ReviewEvent("proposed", software.id, stamp, "imported",
                                   PROVENANCE + mark.source)]
            edition.add_annotation(Annotation(
                f"ann-{mark.seq}", mark.witness, start, end, kind, attrs, note, translator,
                mark.cert, "proposed", history, mark.counterpart))
        return edition


def _top_level_bar(inner: str, start: int, end: int) -> int:
    """Offset in ``inner`` of the first ``|`` not inside a nested bracket."""
    depth = 0
    for index in range(start, end):
        ch = inner[index]
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif ch == "|" and depth == 0:
            return index
    return end


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…]"
