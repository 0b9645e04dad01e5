"""Writing an edition as bracketed text.

The *base* witness (``typed`` unless ``options.witness`` names another) is written out
with its annotations as brackets; the *other* witness (``handwritten``, or
``options.witnesses[1]``) appears only through brackets reporting its differences.

Which parts of the two texts differ is decided in three steps:

1. words the base's annotations declare to be the base's own (an ``addition`` is
   ``[inserted by hand: X]``, X in the typed text only; a ``variant`` is
   ``[not in the handwritten version: X]``) and words the other witness's ``variant``,
   ``addition`` and ``deletion`` marks declare to be its own are set aside;
2. what remains of both texts is aligned word by word (:mod:`editor.align.alignment`);
   where it still differs (the texts were edited, or came from elsewhere) the difference
   is written as ``[not in the handwritten version: X]`` and
   ``[in the handwritten version: X]``;
3. each set-aside passage of the other witness is written, with the marks inside it, at
   the corresponding place of the base text (a variant's zero-length counterpart gives
   that place exactly).

So ``parse_brackets(export_brackets(e))`` gives back both witness texts, whitespace aside,
whatever the edition.  Annotations of the other witness over words both texts share
cannot be said in brackets; they are written as remarks (``[handwritten version,
unclear: "…"]``), so nothing is lost.  Annotations of a third witness are not written.

Wording: an annotation imported from a bracket keeps the bracket as written in its
history (``from the bracket [...]``); when that wording still reads as the same kind of
mark, it is reused with the annotation's current words, so a document comes back as it
was.  Other annotations get the canonical wording of :func:`canonical_form`.

Order and spacing: brackets that meet at one place are written in the order of their
annotation ids (the importer numbers them in the order the brackets closed); a point
annotation sitting inside a paragraph separator is written as a paragraph of its own, and
so is a note or remark alone at the very start or end of the text (a guess: the importer
cannot tell); a point or ``[sic]`` after a word gets a space before it, a footnote call
does not; a passage of the other witness is spaced as it is in that witness.  A bracket
never starts or ends on a space (its words would run into their neighbours).

What cannot be said as written is said another way, never dropped: overlapping marks
that do not nest are split at the crossing (two brackets), except a substitution, written
as plain words with a remark; supplied words that would not read back as such are written
``[supplied: …]``; a remark whose note would read as words, or that falls inside a word,
is written ``[Remark: …]``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from editor.align.alignment import EQUAL, align_texts
from editor.formats.brackets_classify import Context, Reading, classify
from editor.formats.brackets_import import PROVENANCE
from editor.formats.brackets_page import write_page
from editor.formats.registry import ExportOptions
from editor.model.annotation import Annotation
from editor.model.edition import Edition, Witness
from editor.model.kinds import spec
from editor.model.text import is_word_char

_INF = float("inf")
_OPENERS = "([{“‘«"
_ID_NUMBER = re.compile(r"(\d+)$")


def export_brackets(edition: Edition, options: ExportOptions | None = None) -> bytes:
    """The edition as bracketed text (UTF-8); see the module documentation."""
    options = options or ExportOptions()
    base, other = choose_witnesses(edition, options)
    body = render_document(edition, base, other, options.include_rejected) if base else ""
    return write_page(edition.metadata, body).encode("utf-8")


def choose_witnesses(edition: Edition, options: ExportOptions) -> tuple[Witness | None,
                                                                        Witness | None]:
    """The base witness and the other one (None when the edition has no second)."""
    witnesses = edition.witnesses
    order = [w for w in (options.witnesses or []) if w in witnesses]
    if options.witness in witnesses:
        order.insert(0, options.witness)
    for preferred in ("typed", "handwritten"):
        if preferred in witnesses and preferred not in order:
            order.append(preferred)
    order.extend(w for w in witnesses if w not in order)
    base = witnesses[order[0]] if order else None
    other = witnesses[order[1]] if len(order) > 1 else None
    return base, other


# ======================================================================================
# forms: how one annotation is written


@dataclass
class Form:
    """How an annotation is written: ``wrap`` puts ``open``/``close`` around its words,
    ``after`` writes its words plainly and ``close`` after them, ``point`` writes
    ``close`` at its place.  ``tight``: no space before it."""

    style: str
    open: str = ""
    close: str = ""
    tight: bool = False
    #: supplied words written as a bare ``[words]``: checked when written, because words
    #: that do not read as supplied would come back as a remark and leave the text
    bare_supplied: bool = False


def key_of(annotation_id: str) -> tuple:
    """Order of annotations meeting at one place: by the number ending their id."""
    m = _ID_NUMBER.search(annotation_id)
    return (int(m.group(1)) if m else _INF, annotation_id)


def other_phrase(other: Witness | None) -> str:
    """How brackets name the other witness: ``handwritten version``."""
    if other is None or other.kind == "handwritten" or other.label.lower() == "handwritten":
        return "handwritten version"
    return f"{other.label.lower()} version"


def original_bracket(ann: Annotation) -> str:
    """The bracket an imported annotation came from, or ``""``."""
    if not ann.history or ann.history[0].action != "imported":
        return ""
    comment = ann.history[0].comment
    if not comment.startswith(PROVENANCE):
        return ""
    original = comment[len(PROVENANCE):]
    if len(original) < 2 or original[0] != "[" or original[-1] != "]":
        return ""
    return original


def _compatible(reading: Reading, ann: Annotation, role: str, has_other: bool) -> bool:
    """Would ``reading`` (of the original wording) import as ``ann`` again?"""
    if reading.kind != ann.kind:
        return False
    attrs = ann.attrs
    if ann.kind == "note":
        return reading.attrs.get("type", "") == attrs.get("type", "") and \
            reading.shape in ("point", "passage") and ann.is_point
    if ann.kind == "sic":
        return ("corr" in reading.attrs) == bool(attrs.get("corr"))
    if ann.kind == "gap":
        return (reading.attrs.get("reason", "") == attrs.get("reason", "")
                and reading.attrs.get("extent", "") == attrs.get("extent", "") and ann.is_point)
    if ann.kind == "supplied":
        return reading.cert == ann.cert
    if ann.kind == "remark":
        return False        # a remark's note holds its whole bracket
    if ann.kind in ("addition", "variant", "deletion"):
        if not has_other:
            return reading.side != "handwritten"
        wanted = {"base": {"addition": "typed", "variant": "typed", "deletion": "both"},
                  "other": {"addition": "handwritten", "variant": "handwritten",
                            "deletion": "handwritten"}}[role][ann.kind]
        return reading.side == wanted and \
            (ann.kind != "addition" or bool(reading.hand) == bool(attrs.get("hand")))
    return True


def form_of(ann: Annotation, role: str, other: Witness | None) -> Form:
    """How ``ann`` is written; ``role`` is ``base`` (a mark of the base witness) or
    ``other`` (a mark inside a passage of the other witness)."""
    original = original_bracket(ann)
    if original and ann.kind != "remark":
        inner = original[1:-1]
        reading = classify(inner, Context(" ", " "))
        if _compatible(reading, ann, role, other is not None):
            return _reuse(reading, inner, ann)
    return canonical_form(ann, role, other)


def _reuse(reading: Reading, inner: str, ann: Annotation) -> Form:
    prefix, suffix = reading.prefix(inner), reading.suffix(inner)
    if reading.shape == "content":
        return Form("wrap", prefix, suffix,
                    bare_supplied=reading.kind == "supplied" and prefix.strip() == "[")
    if ann.kind == "note":
        return Form("point", close=prefix + ann.note + suffix)
    if ann.kind == "sic":
        return Form("after", close=prefix + ann.attrs.get("corr", "") + suffix
                    if ann.attrs.get("corr") else "[" + inner + "]")
    if ann.kind == "expansion":
        return Form("after", close=prefix + ann.attrs.get("expan", "") + suffix)
    return Form("point", close="[" + inner + "]")


def canonical_form(ann: Annotation, role: str = "base", other: Witness | None = None) -> Form:
    """The standard wording of a mark (the importer reads each back as the same kind)."""
    kind, attrs = ann.kind, ann.attrs
    phrase = other_phrase(other)
    if kind == "addition":
        if role == "other":
            how = "inserted by hand" if attrs.get("hand") else "inserted"
            return Form("wrap", f"[{how} in the {phrase}: ", "]")
        if attrs.get("place") == "above":
            return Form("wrap", "[above the line: ", "]")
        if attrs.get("place") == "margin":
            return Form("wrap", "[in the margin: ", "]")
        return Form("wrap", "[inserted by hand: " if attrs.get("hand") else "[inserted: ", "]")
    if kind == "deletion":
        if role == "other":
            return Form("wrap", f"[deleted in the {phrase}: ", "]")
        return Form("wrap", "[crossed out by hand: " if attrs.get("hand") else "[crossed out: ",
                    "]")
    if kind == "variant":
        if role == "other":
            return Form("wrap", f"[in the {phrase}: ", "]")
        if other is None:
            return Form("wrap")          # nothing to tie it to: its words, unmarked
        return Form("wrap", f"[not in the {phrase}: ", "]")
    if kind == "supplied":
        return Form("wrap", "[", "?]" if ann.cert == "low" else "]", bare_supplied=True)
    if kind == "unclear":
        return Form("wrap", "[unclear: ", "]")
    if kind == "substitution":
        return Form("wrap", "[substitution: ", "]")
    if kind == "sic":
        corr = attrs.get("corr", "")
        return Form("after", close=f"[sic: {corr}]" if corr else "[sic]")
    if kind == "expansion":
        return Form("after", close=f"[expanded: {attrs.get('expan', '')}]")
    if kind == "gap":
        reason = attrs.get("reason", "")
        extent = attrs.get("extent", "")
        if reason == "illegible" or not reason:
            text = f"[{extent} illegible]" if extent else "[illegible]"
        elif reason == "omitted":
            text = "[...]"
        elif reason == "damage":
            text = "[damaged]"
        elif reason == "lost":
            text = "[missing]"
        elif re.fullmatch(r"[\w\-]{1,40}", reason):
            text = f"[gap: {reason}]"
        else:
            text = "[illegible]"
        return Form("point" if ann.is_point else "after", close=text)
    if kind == "note":
        label = {"translator": "Translator's note", "editor": "Ed. note",
                 "author": "Author's note"}.get(attrs.get("type", ""), "Note")
        return Form("point" if ann.is_point else "after", close=f"[{label}: {ann.note}]")
    # remark (and any kind unknown to this version)
    note = ann.note or f"[{spec(kind).label.lower()}]"
    if _is_bracket(note):
        text = note
    elif "[" in note or "]" in note or classify(note, Context(" ", " ")).kind != "remark":
        text = f"[Remark: {_flat(note)}]"     # labelled, so that it cannot read as words
    else:
        text = f"[{note}]"
    return Form("point" if ann.is_point else "after", close=text,
                tight=attrs.get("type") == "footnote-call")


def _is_bracket(text: str) -> bool:
    """``text`` is one bracket, balanced, from its ``[`` to its ``]``."""
    if len(text) < 2 or text[0] != "[" or text[-1] != "]":
        return False
    depth = 0
    for index, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0 and index != len(text) - 1:
                return False
        if depth < 0:
            return False
    return depth == 0


# ======================================================================================
# rendering one text with its marks


@dataclass(eq=False)
class _Span:
    start: int
    end: int
    key: tuple
    form: Form


@dataclass(eq=False)
class _Point:
    pos: int
    key: tuple
    text: str
    tight: bool = False
    block: bool = False      # at the very start or end of the text: a paragraph of its own
    raw: bool = False        # written exactly, no space added (a substitution's "|")
    order: int | None = None  # passages of the other witness: their place in it
    owner: tuple | None = None  # a substitution's "|": the key of its substitution
    #: passages of the other witness: whether they touch the words before and after them
    #: there, in which case no space may part them
    attached: tuple[bool, bool] = (False, False)


def render_range(text: str, lo: int, hi: int, spans: list[_Span], points: list[_Point]) -> str:
    """``text[lo:hi]`` with ``spans`` and ``points`` written in as brackets.

    Positions are code points of ``text``; a span covers ``[start, end)``.  At one place,
    closing brackets and points come first, in key order (a span still open closes only
    after every span opened inside it), then opening brackets, outermost first.
    """
    out: list[str] = []
    spans, points = _without_crossed_substitutions(text, spans, points)
    starts: dict[int, list[_Span]] = {}
    ends: dict[int, list[_Span]] = {}
    at: dict[int, list[_Point]] = {}
    opened: dict[int, tuple[int, int]] = {}       # id(span) -> (index in out, position)
    for span in spans:
        starts.setdefault(span.start, []).append(span)
        ends.setdefault(span.end, []).append(span)
    for point in points:
        at.setdefault(point.pos, []).append(point)
    stack: list[_Span] = []

    def last_char() -> str:
        for piece in reversed(out):
            if piece:
                return piece[-1]
        return ""

    def emit_point(pos: int, body: str, tight: bool, block: bool = False,
                   attached: tuple[bool, bool] = (False, False)) -> None:
        if not body:
            return
        if attached != (False, False):
            prev = last_char()
            if prev and not prev.isspace() and not attached[0]:
                out.append(" ")
            out.append(body)
            nxt = text[pos] if pos < hi else ""
            if nxt and not nxt.isspace() and not attached[1] and is_word_char(nxt):
                out.append(" ")
            return
        prev = last_char()
        nxt = text[pos] if pos < hi else ""
        if lo < pos < hi and text[pos - 1] == "\n" and nxt == "\n":
            out.append("\n" + body + "\n")          # a paragraph of its own
            return
        if block and text and pos == hi == len(text) and prev:
            out.append("\n\n" + body)
            return
        if block and text and pos == lo == 0 and not prev:
            out.append(body + "\n\n")
            return
        left = text[pos - 1] if pos > lo else ""
        in_word = bool(left and nxt and is_word_char(left) and is_word_char(nxt))
        if in_word and classify(body[1:-1], Context(prev, nxt)).kind == "supplied":
            # inside a word it would read as the word's missing letters: say what it is
            out.append(f"[Remark: {_flat(body[1:-1])}]")
            return
        # a space after the word before it (judged on the text: at the start of a
        # paragraph there is none, even when another bracket was just written)
        if prev and not prev.isspace() and left and not left.isspace() and not _opens(out) \
                and not tight and not in_word:
            out.append(" ")
        out.append(body)
        if nxt and is_word_char(nxt) and (not prev or prev.isspace()):
            out.append(" ")

    def close(span: _Span, pos: int) -> None:
        if span.form.style == "after":
            emit_point(pos, span.form.close, span.form.tight)
            return
        index, start = opened.pop(id(span), (None, pos))
        if span.form.bare_supplied and index is not None:
            words = text[start:pos]
            context = Context(text[start - 1] if start > 0 else "",
                              text[pos] if pos < len(text) else "")
            nested = any("[" in piece for piece in out[index + 1:])
            low = span.form.close.strip().endswith("?]")
            if nested or classify(words, context).kind != "supplied" or \
                    low and classify(words + "?", context).cert != "low":
                out[index] = "[supplied: "
                out.append("]")
                return
        out.append(span.form.close)

    def open_(span: _Span, pos: int) -> None:
        if span.form.style == "wrap":
            opened[id(span)] = (len(out), pos)
            out.append(span.form.open)

    pending: list[_Span] = []      # reopened after a crossing, opened where words start

    def flush_pending(pos: int) -> None:
        for span in pending:
            open_(span, pos)
        pending.clear()

    def emit_text(chunk: str, pos: int) -> None:
        if pending and chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(chunk[:lead])
            flush_pending(pos + lead)
            chunk = chunk[lead:]
        out.append(chunk)

    def close_span(span: _Span, pos: int) -> None:
        if span not in stack:
            return
        reopen = []
        while stack and stack[-1] is not span:
            inner = stack.pop()
            if inner in pending:
                pending.remove(inner)
            else:
                close(inner, pos)
            reopen.append(inner)
        stack.pop()
        if span in pending:
            pending.remove(span)       # reopened but no words came: nothing to close
        else:
            close(span, pos)
        for inner in reversed(reopen):   # marks that cross are split in two
            pending.append(inner)
            stack.append(inner)

    cursor = lo
    for pos in sorted(set(starts) | set(ends) | set(at)):
        if pos < lo or pos > hi:
            continue
        emit_text(text[cursor:pos], cursor)
        cursor = pos
        closing = sorted((s for s in ends.get(pos, []) if s.start < pos or s in stack),
                         key=lambda s: -stack.index(s) if s in stack else 0)
        here = _in_order(at.get(pos, []))
        # a mark closes no later than any mark around it that closes here too, so that a
        # point goes inside a mark only if it may go inside all the marks around it
        effective: dict[int, tuple] = {}
        running = None
        for span in reversed(closing):              # outermost first
            running = span.key if running is None or span.key < running else running
            effective[id(span)] = running
        while closing or here:
            if here and (not closing or here[0].key < effective[id(closing[0])]):
                point = here.pop(0)
                if point.raw:
                    out.append(point.text)
                else:
                    # the layout guess for the text's edges holds only for a point alone
                    alone = len(at[pos]) == 1 and not starts.get(pos)
                    emit_point(pos, point.text, point.tight, point.block and alone,
                               point.attached)
            else:
                close_span(closing.pop(0), pos)
        for span in sorted(starts.get(pos, []), key=lambda s: (-s.end, _neg(s.key))):
            if span.end <= pos:
                continue
            flush_pending(pos)         # marks still to reopen enclose this one
            open_(span, pos)
            stack.append(span)
    emit_text(text[cursor:hi], cursor)
    while stack:
        span = stack.pop()
        if span not in pending:
            close(span, hi)
    return "".join(out)


def _in_order(points: list[_Point]) -> list[_Point]:
    """Points at one place by key; passages of the other witness among them keep the
    order they have in that witness."""
    ordered = sorted(points, key=lambda p: p.key)
    slots = [i for i, p in enumerate(ordered) if p.order is not None]
    if len(slots) > 1:
        passages = sorted((ordered[i] for i in slots), key=lambda p: p.order)
        for i, point in zip(slots, passages):
            ordered[i] = point
    return ordered


def _without_crossed_substitutions(text: str, spans: list[_Span], points: list[_Point]
                                   ) -> tuple[list[_Span], list[_Point]]:
    """A substitution that crosses another mark cannot be split in two (each half needs
    its "|"), nor hold a mark around its "|" (the bar must stand at its own level): its
    words are then written plainly, with a remark saying what it was."""
    keep: list[_Span] = []
    extra: list[_Point] = []
    bar_at = {p.owner: p.pos for p in points if p.owner is not None}
    for span in spans:
        split = bar_at.get(span.key)
        crossed = span.form.open.startswith("[substitution:") and any(
            other is not span and (other.start < span.start < other.end < span.end
                                   or span.start < other.start < span.end < other.end
                                   or split is not None and span.start <= other.start
                                   < split < other.end <= span.end)
            for other in spans)
        if crossed:
            quote = _flat(text[span.start:span.end])
            extra.append(_Point(span.start, span.key, f"[Remark: a substitution over “{quote}”]"))
        else:
            keep.append(span)
    if not extra:
        return spans, points
    crossed_keys = {p.key for p in extra}
    points = [p for p in points if p.owner is None or p.owner not in crossed_keys]
    return keep, points + extra


def _opens(out: list[str]) -> bool:
    """The text written so far ends with an opening bracket or quotation mark (a straight
    quote opens when it follows a space or nothing)."""
    tail = "".join(out[-3:])[-2:]
    if not tail:
        return False
    if tail[-1] in "\"'":
        return len(tail) == 1 or tail[0].isspace() or tail[0] in _OPENERS
    return tail[-1] in _OPENERS


def _neg(key: tuple) -> tuple:
    number, ident = key
    return (-number, "".join(chr(0x10FFFF - ord(c)) for c in ident))


def words_of(ann: Annotation, text: str) -> tuple[int, int]:
    """The range a bracket around ``ann`` encloses: its range without whitespace at the
    edges (a bracket's words are read without them, so words would run together).  A
    substitution keeps its range, its split counts from its start."""
    start, end = ann.start, ann.end
    if start == end or ann.kind == "substitution":
        return start, end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else (ann.start, ann.end)


def marks_for(anns: list[Annotation], role: str, other: Witness | None, lo: int,
              hi: int, text: str) -> tuple[list[_Span], list[_Point]]:
    """Spans and points for the annotations lying within ``[lo, hi]`` of ``text``."""
    spans: list[_Span] = []
    points: list[_Point] = []
    for ann in anns:
        start, end = words_of(ann, text)
        if start < lo or end > hi:
            continue
        key = key_of(ann.id)
        if _orphaned(ann):
            points.append(_Point(ann.start, key, _orphan_text(ann)))
            continue
        form = form_of(ann, role, other)
        if ann.is_point and form.style != "point":
            # a mark that frames words but covers none (a variant tied at a point)
            label = spec(ann.kind).label.lower()
            points.append(_Point(ann.start, key, f"[Remark: a {label} here]"))
            continue
        if ann.is_point or form.style == "point":
            # notes and remarks at the very edges of a text stood as paragraphs of their
            # own (the importer cannot tell; this is the usual layout)
            block = ann.is_point and (ann.kind == "note" or (
                ann.kind == "remark" and ann.attrs.get("type") != "footnote-call"))
            points.append(_Point(ann.end, key, form.close, form.tight, block))
            continue
        if ann.kind == "substitution":
            form = _with_split(ann, form, points, key)
        spans.append(_Span(start, end, key, form))
    return spans, points


def _with_split(ann: Annotation, form: Form, points: list[_Point], key: tuple) -> Form:
    try:
        split = min(max(int(ann.attrs.get("split", "0")), 0), ann.length)
    except ValueError:
        split = 0
    if split == 0:
        return Form(form.style, form.open + "|", form.close)
    if split == ann.length:
        return Form(form.style, form.open, "|" + form.close)
    # the largest key: the bar comes after every mark nested in the substitution that
    # closes where it stands, so that it stands at the substitution's own level
    points.append(_Point(ann.start + split, (_INF, "\U0010ffff"), "|", raw=True, owner=key))
    return form


def _orphaned(ann: Annotation) -> bool:
    return ann.status == "orphaned" or (ann.anchoring is not None
                                        and ann.anchoring.state == "orphaned")


def _orphan_text(ann: Annotation) -> str:
    quote = ann.anchoring.quote if ann.anchoring is not None else ""
    return f"[orphaned {spec(ann.kind).label.lower()}: “{_flat(quote)}”]"


def _flat(text: str) -> str:
    """Text safe inside a bracket: one line, no square brackets."""
    return " ".join(text.replace("[", "(").replace("]", ")").split())


# ======================================================================================
# the document: the base witness, with the other witness's passages


@dataclass
class _Removed:
    """Passages set aside from one text: ``blocks`` of ``(start, end, key)``, sorted."""

    blocks: list[tuple[int, int, tuple]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reduced_starts: list[int] = []
        total = 0
        for start, end, _key in self.blocks:
            self.reduced_starts.append(start - total)
            total += end - start

    def reduce(self, text: str) -> str:
        out, cursor = [], 0
        for start, end, _key in self.blocks:
            out.append(text[cursor:start])
            cursor = end
        out.append(text[cursor:])
        return "".join(out)

    def expand(self, pos: int, key: tuple | float) -> int:
        """A position of the reduced text in the full text.  Passages set aside exactly
        there are put before it when their key is smaller than ``key``, after it else."""
        index = bisect.bisect_left(self.reduced_starts, pos)
        full = pos + sum(e - s for s, e, _ in self.blocks[:index])
        while index < len(self.blocks) and self.reduced_starts[index] == pos:
            start, end, block_key = self.blocks[index]
            if key == _INF or (key != -_INF and block_key < key):
                full += end - start
                index += 1
            else:
                break
        return full


def _blocks(anns: list[Annotation], text: str) -> list[tuple[int, int, tuple, list[Annotation]]]:
    """Union of the words of ``anns`` (overlapping ones merged), with their annotations;
    a block's key is the largest of its annotations' (the outermost bracket)."""
    out: list[list] = []
    for ann in sorted(anns, key=lambda a: (words_of(a, text)[0], -words_of(a, text)[1])):
        start, end = words_of(ann, text)
        if out and start < out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
            out[-1][2] = max(out[-1][2], key_of(ann.id))
            out[-1][3].append(ann)
        else:
            out.append([start, end, key_of(ann.id), [ann]])
    return [tuple(block) for block in out]


class _Aligned:
    """Maps positions of the reduced other text to the reduced base text."""

    def __init__(self, base: str, other: str):
        if base == other:
            self.segments = []
            self.identity = True
        else:
            self.identity = False
            self.segments = align_texts(base, other)
        self.b_ends = [s.b_end for s in self.segments]
        self.base_length = len(base)

    def to_base(self, pos: int) -> int:
        if self.identity:
            return pos
        index = bisect.bisect_left(self.b_ends, pos)
        if index >= len(self.segments):
            return self.base_length
        seg = self.segments[index]
        if pos < seg.b_start:            # in whitespace the alignment left out
            return seg.a_start
        if seg.op == EQUAL:
            return seg.a_start + min(pos - seg.b_start, seg.a_end - seg.a_start)
        return seg.a_start if pos == seg.b_start else seg.a_end


def render_document(edition: Edition, base: Witness, other: Witness | None,
                    include_rejected: bool = False) -> str:
    """The base witness's text with every mark and every difference as brackets."""
    anns = [a for a in edition.sorted_annotations()
            if include_rejected or a.status != "rejected"]
    base_anns = [a for a in anns if a.witness == base.id]
    b_text = base.text
    if other is None:
        spans, points = marks_for(base_anns, "base", None, 0, len(b_text), b_text)
        return render_range(b_text, 0, len(b_text), spans, points)

    o_text = other.text
    other_anns = [a for a in anns if a.witness == other.id]
    live = [a for a in other_anns if not _orphaned(a)]
    b_cands = [a for a in base_anns if not a.is_point and not _orphaned(a)
               and a.kind in ("addition", "variant")]
    o_cands = [a for a in live if not a.is_point and a.kind in ("addition", "deletion", "variant")]
    b_blocks = _blocks(b_cands, b_text)
    o_blocks = _blocks(o_cands, o_text)
    b_removed = _Removed([(s, e, k) for s, e, k, _ in b_blocks])
    o_removed = _Removed([(s, e, k) for s, e, k, _ in o_blocks])
    aligned = _Aligned(b_removed.reduce(b_text), o_removed.reduce(o_text))
    reduced_base = b_removed.reduce(b_text)

    extra_spans: list[_Span] = []
    extra_points: list[_Point] = []
    rendered_ranges: list[tuple[int, int]] = []
    fallback = iter(range(1, 10**9))

    def other_passage(start: int, end: int) -> str:
        spans, points = marks_for(live, "other", other, start, end, o_text)
        return render_range(o_text, start, end, spans, points)

    def base_position(other_pos: int, key) -> int:
        reduced = aligned.to_base(o_removed_reduce_pos(other_pos))
        while reduced > 0 and reduced_base[reduced - 1] in " \t":
            reduced -= 1
        return b_removed.expand(reduced, key)

    def o_removed_reduce_pos(pos: int) -> int:
        total = 0
        for s, e, _ in o_removed.blocks:
            if e <= pos:
                total += e - s
            elif s < pos:
                total += pos - s
        return pos - total

    # differences left after setting the declared passages aside
    consumed: set[int] = set()
    for seg in aligned.segments:
        if seg.op == EQUAL:
            continue
        if seg.a_end > seg.a_start:
            start = b_removed.expand(seg.a_start, _INF)
            end = b_removed.expand(seg.a_end, -_INF)
            if end > start:
                # its key is the smallest, so that it closes before anything else written
                # where it ends: words of the other witness never go inside it
                fkey = (-_INF, f"~{next(fallback):09d}")
                extra_spans.append(_Span(start, end, fkey, Form(
                    "wrap", f"[not in the {other_phrase(other)}: ", "]")))
        if seg.b_end > seg.b_start:
            o_start = o_removed.expand(seg.b_start, _INF)
            o_end = o_removed.expand(seg.b_end, -_INF)
            for index, (s, e, _k, _a) in enumerate(o_blocks):
                if o_start <= s and e <= o_end:
                    consumed.add(index)
            if seg.a_end > seg.a_start:      # a replacement: after the base's own words
                pos = b_removed.expand(seg.a_end, -_INF)
            else:
                pos = b_removed.expand(seg.a_start, _INF)
            pkey = (_INF, f"~{next(fallback):09d}")
            body = f"[in the {other_phrase(other)}: {other_passage(o_start, o_end)}]"
            extra_points.append(_Point(pos, pkey, body, order=o_start,
                                       attached=_attached(o_text, o_start, o_end)))
            rendered_ranges.append((o_start, o_end))

    # passages of the other witness its own marks declare
    explained = {original_bracket(a) for a in base_anns if a.kind == "note" and original_bracket(a)}
    for index, (start, end, key, members) in enumerate(o_blocks):
        if index in consumed:
            continue
        rendered_ranges.append((start, end))
        if explained and all(original_bracket(m) in explained and m.kind in ("addition",
                                                                             "deletion")
                             for m in members):
            continue          # a translator's note in the base text tells of it
        pos = _paragraph_place(b_text, o_text, base_position(start, key), start, end)
        for member in members:
            # a variant's place in the base text is exact (it may sit inside a paragraph
            # separator); trusted when it agrees with the alignment, whitespace aside
            cp = member.counterpart
            if member.kind == "variant" and cp is not None and cp.witness == base.id \
                    and cp.start == cp.end and words_of(member, o_text) == (start, end) \
                    and not b_text[min(cp.start, pos):max(cp.start, pos)].strip():
                pos = cp.start
        extra_points.append(_Point(pos, key, other_passage(start, end), order=start,
                                   attached=_attached(o_text, start, end)))

    # marks of the other witness on words both texts share: said as remarks
    for ann in other_anns:
        start, end = words_of(ann, o_text)
        if not _orphaned(ann) and any(s <= start and end <= e for s, e in rendered_ranges):
            continue
        pos = base_position(ann.start, key_of(ann.id))
        extra_points.append(_Point(pos, key_of(ann.id), _shared_remark(ann, other)))

    # a passage glued to the next word in the other witness goes after the space before
    # that word (it was placed right after the word before)
    for point in extra_points:
        if point.attached == (False, True):
            while point.pos < len(b_text) and b_text[point.pos] in " \t":
                point.pos += 1
    # words of the other witness cannot sit inside words the base text has alone
    base_only = [(s, e) for s, e, _k, _a in b_blocks] + [(s.start, s.end) for s in extra_spans]
    for point in extra_points:
        for start, end in base_only:
            if start < point.pos < end:
                point.pos = end
    # and they keep the order they have in the other witness
    last = 0
    for point in sorted((p for p in extra_points if p.order is not None), key=lambda p: p.order):
        point.pos = last = max(point.pos, last)

    spans, points = marks_for(base_anns, "base", other, 0, len(b_text), b_text)
    return render_range(b_text, 0, len(b_text), spans + extra_spans, points + extra_points)


def _attached(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether ``text[start:end]`` touches a non-space character before and after it.
    ``(False, False)`` means the usual spacing rules apply."""
    before = start > 0 and not text[start - 1].isspace()
    after = end < len(text) and not text[end].isspace()
    return before, after


def _paragraph_place(b_text: str, o_text: str, pos: int, start: int, end: int) -> int:
    """A passage that is a paragraph of its own in the other text goes between
    paragraphs of the base text (inside their separator) when it falls at their edge."""
    whole = (start == 0 or o_text[max(0, start - 2):start] == "\n\n") and \
        (end == len(o_text) or o_text[end:end + 2] == "\n\n")
    if not whole:
        return pos
    if b_text[max(0, pos - 2):pos] == "\n\n":
        return pos - 1
    if b_text[pos:pos + 2] == "\n\n":
        return pos + 1
    return pos


def _shared_remark(ann: Annotation, other: Witness) -> str:
    label = spec(ann.kind).label.lower()
    quote = _flat(other.text[ann.start:ann.end])
    what = f"{label}: “{quote}”" if quote else label
    if ann.note:
        what += f", {_flat(ann.note)}"
    return f"[{other_phrase(other)}, {what}]"
