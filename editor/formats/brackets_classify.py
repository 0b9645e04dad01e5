"""What one square bracket of an archival translation says.

:func:`classify` reads the inner text of a bracket (without the ``[`` and ``]``) with a
little context (the characters around it) and returns a :class:`Reading`: the kind of
annotation it stands for, the *shape* of the bracket, where its words go, and which part
of it is the content.  The importer (:mod:`editor.formats.brackets_import`) acts on the
reading; the exporter (:mod:`editor.formats.brackets_export`) reads an imported
bracket's original wording again with :func:`classify` to write it back the same way,
and writes :func:`canonical_form` for marks that did not come from brackets.

Shapes:

``content``   the bracket holds words of the document: ``[inserted by hand: X]``,
              ``[in the handwritten version: X]``, ``[to the]``.  ``side`` says which
              witness text receives them (``both``, ``typed``, ``handwritten``); the mark
              covers them.
``point``     the bracket says something about a place: notes, gaps, page markers,
              footnote calls, remarks.  No words enter either text.
``preceding`` the bracket qualifies the word before it: ``[sic]``, ``[expanded: X]``.
``passage``   a translator's note saying that a quoted passage was inserted, then
              crossed out, in the handwritten version: a point note in the typed text,
              the passage in the handwritten text.

A reading is guessed only when the wording is recognised with confidence; everything
else is a ``remark`` holding the whole bracket.  Offsets in a reading (``content``) are
code points into the inner text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from editor.model.text import is_word_char

_I = re.IGNORECASE

#: how the other version is named in a bracket: "handwritten version", "draft", ... or,
#: in a translation that follows the handwritten version, "typed version", "typescript"
_HW = (r"(?:(?:hand-?written|manuscript|typed|typewritten)\s+"
       r"(?:version|draft|text|copy|original|variant)"
       r"|(?:(?:hand-?written|manuscript)\s+)?draft|typescript)")
_NAMES_TYPED = re.compile(r"typed|typewritten|typescript", re.IGNORECASE)
_STRUCK = r"(?:deleted|crossed\s+out|struck\s+(?:out|through)|stricken(?:\s+out)?|erased|cancell?ed)"
_APOS = r"[’'`]?"


@dataclass(frozen=True)
class _Label:
    """A labelled bracket ``[LABEL: content]`` and what it means."""

    pattern: re.Pattern
    kind: str
    shape: str
    side: str = "both"
    hand: str = ""                    # "typed" (on the typescript), "draft", or ""
    attrs: tuple = ()                 # (name, value) pairs
    description: str = ""


def _label(pattern: str, kind: str, shape: str, side: str = "both", hand: str = "",
           attrs: tuple = (), description: str = "", sep: str = ":") -> _Label:
    return _Label(re.compile(r"\s*(?:" + pattern + r")\s*" + sep + r"\s*", _I), kind, shape,
                  side, hand, attrs, description)


#: labelled brackets, most specific first (the first that matches wins)
LABELS: tuple[_Label, ...] = (
    _label(r"(?:inserted|added|written|entered)\s+by\s+hand\s+in\s+the\s+" + _HW,
           "addition", "content", "handwritten", "draft",
           description="added by hand in the handwritten version"),
    _label(r"(?:inserted|added|interlined|written\s+in)\s+in\s+the\s+" + _HW,
           "addition", "content", "handwritten",
           description="added in the handwritten version"),
    _label(_STRUCK + r"(?:\s+by\s+hand)?\s+in\s+the\s+" + _HW,
           "deletion", "content", "handwritten",
           description="deleted in the handwritten version"),
    _label(r"(?:not\s+in|absent\s+(?:from|in)|missing\s+(?:from|in)|omitted\s+(?:from|in)"
           r"|lacking\s+in)\s+the\s+" + _HW,
           "variant", "content", "typed",
           description="typed version only"),
    _label(r"(?:in\s+the\s+)?" + _HW, "variant", "content", "handwritten",
           description="a reading of the handwritten version"),
    _label(r"(?:inserted|added|written|entered|filled\s+in)\s+by\s+hand"
           r"|hand-?written(?:\s+(?:insertion|addition|text|note|notation|inscription))?"
           r"|in\s+handwriting|written\s+in\s+(?:ink|pencil)",
           "addition", "content", "typed", "typed", description="added by hand"),
    _label(r"(?:written\s+)?above\s+(?:the\s+)?line", "addition", "content", "typed",
           attrs=(("place", "above"),), description="written above the line"),
    _label(r"(?:written\s+)?in\s+the\s+margin|marginal(?:\s+(?:note|insertion|addition))?",
           "addition", "content", "typed", attrs=(("place", "margin"),),
           description="written in the margin"),
    _label(r"inserted|added|insertion|addition|interlined|interlinear(?:\s+insertion)?",
           "addition", "content", "typed", description="inserted"),
    _label(_STRUCK + r"\s+by\s+hand", "deletion", "content", "both", "typed",
           description="crossed out by hand"),
    _label(_STRUCK, "deletion", "content", "both", description="crossed out"),
    _label(r"supplied|supplied\s+by\s+the\s+(?:translator|editor)", "supplied", "content", "both",
           attrs=(("reason", "omitted"),), description="supplied words"),
    _label(r"unclear|uncertain(?:\s+reading)?|reading\s+uncertain|doubtful(?:\s+reading)?",
           "unclear", "content", "both", description="uncertain reading"),
    _label(r"(?:partly\s+|partially\s+)?(?:illegible|unreadable)", "unclear", "content", "both",
           attrs=(("reason", "illegible"),), description="partly illegible"),
    _label(r"substitution|substituted|replaced", "substitution", "content", "both",
           description="substitution"),
    _label(r"translator" + _APOS + r"s?" + _APOS + r"\s+note|transl?\.\s*note"
           r"|note\s+(?:of|by)\s+the\s+translator|T\.?N\.?",
           "note", "point", attrs=(("type", "translator"),), description="translator's note"),
    _label(r"ed(?:itor)?" + _APOS + r"s?" + _APOS + r"\.?\s+note|editorial\s+note"
           r"|note\s+(?:of|by)\s+the\s+editors?|E\.?N\.?",
           "note", "point", attrs=(("type", "editor"),), description="editor's note"),
    _label(r"author" + _APOS + r"s?" + _APOS + r"\s+note", "note", "point",
           attrs=(("type", "author"),), description="author's note"),
    _label(r"note", "note", "point", description="note"),
    _label(r"sic\s*[!.]?", "sic", "preceding", description="sic, with a correction",
           sep="[:,;]"),
    _label(r"expanded|expansion|in\s+full", "expansion", "preceding",
           description="expansion of an abbreviation"),
    _label(r"gap|lacuna", "gap", "point", description="gap"),
)

_SIC = re.compile(r"\s*sic\s*[!.]?\s*$", _I)
_FOOTNOTE = re.compile(r"\s*(?:\d{1,3}|\*{1,3}|[†‡]|(?:fn|note|n)\.?\s*\d{1,3})\s*$", _I)
_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
                r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty"
                r"|fifty|sixty|seventy|eighty|ninety|hundred)")
_PAGE = re.compile(
    r"\s*(?:(?:start|beginning|begin|end|top|bottom)\s+(?:of\s+)?)?"
    r"(?:page|pg\.?|p\.|pp\.|sheet|folio|fol\.|list|l\.)\s*"
    r"(?:\d+[a-z]?(?:\s*(?:ob|rev|verso|recto|v|r)\.?)?|[ivxlcdm]+|" + _NUMBER_WORD
    + r"(?:[- ]" + _NUMBER_WORD + r")?|break)"
    r"(?:\s*(?:of|/)\s*\w+)?\s*\.?\s*$", _I)
_EXTENT = (r"(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|several|a\s+few|many|some"
           r"|\d+)\s+(?:words?|lines?|letters?|characters?|sentences?|paragraphs?|pages?))")
_ILLEGIBLE = re.compile(
    r"\s*(?:(?P<extent>" + _EXTENT + r")\s+(?:(?:is|are)\s+)?)?"
    r"(?:illegible|unreadable|indecipherable|undecipherable)"
    r"(?:\s+(?P<what>text|words?|passage|handwriting|signature|line|lines|name|initials))?"
    r"\s*\.?\s*$"
    r"|\s*(?P<what2>text|words?|passage|handwriting|signature|name|initials|line)\s+"
    r"(?:is\s+|are\s+)?(?:illegible|unreadable|indecipherable)\s*\.?\s*$", _I)
_OMISSION = re.compile(r"\s*(?:(?:\.\s*){3,}|…)\s*$")
_DAMAGE = re.compile(r"\s*(?:text\s+|page\s+|paper\s+)?(?:torn(?:\s+off)?|damaged|burnt|burned"
                     r"|damage|stained)\s*$", _I)
_LOST = re.compile(r"\s*(?:(?:the\s+)?(?:text|words?|rest(?:\s+of\s+(?:the\s+)?(?:text|page|"
                   r"document))?)\s+)?(?:is\s+|are\s+)?(?:missing|lost)\s*$", _I)
_STAMP = re.compile(r"\s*(?:rubber\s+)?(?:stamp|seal|postmark|letterhead|emblem)\b", _I)
_SIGNATURE = re.compile(r"\s*(?:signature|signed|unsigned|sign\.)(?:\W|$)", _I)
_QUERY = re.compile(r"\s*\?+\s*$")
_GLOSS = re.compile(r"(?s)(?P<content>.*?\S)(?:\s+[-–—]+\s*|\s*(?:--|—|–)\s*)"
                    r"(?P<who>trans(?:l(?:ator)?)?|tr|ed(?:itor|s)?)\.?\s*$", _I)
_GLOSS_END = re.compile(r"(?:trans(?:l(?:ator)?)?|tr|ed(?:itor|s)?)\.?\s*$", _I)
_PASSAGE = re.compile(
    r"(?:inserted|added|written)\b.{0,120}?\b(?:then|and(?:\s+then)?|but|later|subsequently)"
    r"\s+(?:was\s+|were\s+)?(?:crossed\s+out|deleted|struck\s+(?:out|through)|erased)", _I | re.S)
_HW_MENTION = re.compile(r"hand-?written|manuscript|draft", _I)
_QUOTED = re.compile(r"[\"“”„«]\s*(?P<passage>[^\"“”„«»]+?)\s*[\"“”»]")
_SUPPLY_CHARS = re.compile(r"[\w’'\-.,&/ ]+")

#: words that make a short bracket a remark, not words supplied to the text
_META_WORDS = frozenset("""
illegible unreadable text page document original translation translated translator editor
note missing handwritten typed typewritten crossed deleted inserted stamp seal signature signed
unsigned untitled undated blank attachment enclosure redacted excised continued omitted sic
photo photograph illustration letterhead emblem header footer remark
""".split())
#: verbs that make a bracket of three words or more read as a sentence about the document
_SENTENCE_WORDS = frozenset("is are was were has have had been follows follow begins ends "
                            "continues reads says".split())
_MAX_SUPPLIED_WORDS = 6


@dataclass
class Context:
    """What surrounds a bracket: the characters just before ``[`` and after ``]``
    (``""`` at the start or end of the document)."""

    before: str = " "
    after: str = " "
    nested: bool = False          # the bracket holds other brackets

    @property
    def standalone(self) -> bool:
        """The bracket is a paragraph (or line) of its own."""
        return self.before in ("", "\n") and self.after in ("", "\n")

    @property
    def in_word(self) -> bool:
        """The bracket touches a letter or digit: it completes a word (``Dim[itrov]``)."""
        return bool(self.before and is_word_char(self.before)) or \
            bool(self.after and is_word_char(self.after))


@dataclass
class Reading:
    """What a bracket says.  ``content`` is ``(start, end)`` in the inner text: the words
    for ``content`` brackets, the note text for notes, the correction or expansion for
    ``preceding`` brackets; ``(0, 0)`` when there is none."""

    kind: str
    shape: str
    side: str = "both"
    hand: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    content: tuple[int, int] = (0, 0)
    cert: str = ""
    passage: str = ""                 # passage notes: the quoted passage
    description: str = ""
    #: brackets about the other version: which one they name, "handwritten" or "typed"
    other: str = ""

    def content_of(self, inner: str) -> str:
        return inner[self.content[0]:self.content[1]]

    def prefix(self, inner: str) -> str:
        """The bracket's wording before its content, ``[`` included."""
        return "[" + inner[:self.content[0]]

    def suffix(self, inner: str) -> str:
        """The bracket's wording after its content, ``]`` included."""
        return inner[self.content[1]:] + "]"


def _remark(kind_type: str = "", description: str = "") -> Reading:
    attrs = {"type": kind_type} if kind_type else {}
    return Reading("remark", "point", attrs=attrs, description=description or "remark")


def _stripped(inner: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed to leave out whitespace at both edges."""
    while start < end and inner[start].isspace():
        start += 1
    while end > start and inner[end - 1].isspace():
        end -= 1
    return start, end


def classify(inner: str, context: Context | None = None) -> Reading:
    """Read one bracket; ``inner`` is its text without the brackets.

    Never raises; a bracket that is not recognised with confidence is a ``remark``.
    """
    context = context or Context()
    if not inner.strip():
        return _remark(description="empty bracket")
    labelled = _classify_labelled(inner, context)
    if labelled is not None:
        return labelled
    return _classify_plain(inner, context)


def _classify_labelled(inner: str, context: Context) -> Reading | None:
    head = inner[:200]     # labels are short; never run a pattern over a long bracket
    if "[" in head:
        head = head[:head.index("[")]
    for label in LABELS:
        m = label.pattern.match(head)
        if m is None:
            continue
        start, end = _stripped(inner, m.end(), len(inner))
        reading = Reading(label.kind, label.shape, label.side, label.hand, dict(label.attrs),
                          (start, end), description=label.description)
        if label.side == "handwritten" or label.kind == "variant":
            reading.other = "typed" if _NAMES_TYPED.search(m.group(0)) else "handwritten"
        if label.kind == "note":
            return _note_or_passage(inner, reading)
        if label.kind == "sic":
            reading.attrs["corr"] = inner[start:end]
            if not reading.attrs["corr"] or context.nested:
                return _remark(description="sic with an unreadable correction")
            return reading
        if label.kind == "expansion":
            reading.attrs["expan"] = inner[start:end]
            if not reading.attrs["expan"] or context.nested:
                return _remark(description="expansion without words")
            return reading
        if label.kind == "gap":
            reason = inner[start:end].strip()
            if not re.fullmatch(r"[\w\-]{1,40}", reason):
                return _remark(description="gap with a free-text reason")
            reading.attrs["reason"] = reason
            return reading
        if label.shape == "content" and start == end:
            return _remark(description=f"{label.description} (no words)")
        if label.kind == "substitution" and "|" not in _top_level(inner, start, end):
            return _remark(description="substitution without a '|' between its parts")
        return reading
    # an unknown label ("[Foo: bar]"): a remark, however it reads
    return None


def _top_level(inner: str, start: int, end: int) -> str:
    """The inner text with nested brackets blanked out (same length, same offsets)."""
    out = list(inner[start:end])
    depth = 0
    for i, ch in enumerate(out):
        if ch == "[":
            depth += 1
        if depth:
            out[i] = " "
        if ch == "]" and depth:
            depth -= 1
    return "".join(out)


def _note_or_passage(inner: str, reading: Reading) -> Reading:
    text = reading.content_of(inner)
    m = _PASSAGE.search(text)
    if m and _HW_MENTION.search(text):
        # the passage quoted after the words that tell of it, or else before them
        quoted = _QUOTED.search(text, m.start()) or _QUOTED.search(text)
        if quoted and quoted.group("passage").strip():
            reading.shape = "passage"
            reading.side = "handwritten"
            reading.hand = "draft"
            reading.passage = quoted.group("passage").strip()
            reading.other = "handwritten"
    return reading


def _classify_plain(inner: str, context: Context) -> Reading:
    length = len(inner)
    if length > 2000:      # far too long for any recognised form: keep it whole
        return _remark(description="long bracket")
    if _SIC.match(inner):
        return Reading("sic", "preceding", description="sic")
    if _FOOTNOTE.match(inner):
        return _remark("footnote-call", "footnote call")
    if _PAGE.match(inner):
        return _remark("page", "page marker")
    m = _ILLEGIBLE.match(inner)
    if m:
        attrs = {"reason": "illegible"}
        if m.group("extent"):
            attrs["extent"] = " ".join(m.group("extent").split())
        return Reading("gap", "point", attrs=attrs, description="illegible passage")
    if _OMISSION.match(inner):
        return Reading("gap", "point", attrs={"reason": "omitted"}, description="omission")
    if _DAMAGE.match(inner):
        return Reading("gap", "point", attrs={"reason": "damage"}, description="damage")
    if _LOST.match(inner):
        return Reading("gap", "point", attrs={"reason": "lost"}, description="lost text")
    if _STAMP.match(inner):
        return _remark("stamp", "stamp")
    if _SIGNATURE.match(inner):
        return _remark("signature", "signature")
    if _QUERY.match(inner):
        return _remark("query", "query")
    m = None
    if not context.nested and _GLOSS_END.search(inner):
        m = _GLOSS.fullmatch(inner)
    if m:
        who = m.group("who").lower()
        note_type = "editor" if who.startswith("ed") else "translator"
        start, end = _stripped(inner, 0, m.end("content"))
        return Reading("note", "point", attrs={"type": note_type}, content=(start, end),
                       description=f"{note_type}'s gloss")
    supplied = _supplied(inner, context)
    if supplied is not None:
        return supplied
    return _remark()


def _supplied(inner: str, context: Context) -> Reading | None:
    """Words supplied by the translator (``[to the]``, ``Nie [Rongzhen]``), or None."""
    if context.nested or "\n" in inner:
        return None
    if context.standalone and not context.in_word:
        return None        # a bracket alone on its line says something about the document
    start, end = _stripped(inner, 0, len(inner))
    cert = ""
    if inner[end - 1] == "?":
        cert = "low"
        start, end = _stripped(inner, start, end - 1)
    words_text = inner[start:end]
    if not words_text or not _SUPPLY_CHARS.fullmatch(words_text):
        return None
    if not any(ch.isalnum() for ch in words_text):
        return None
    words = [w.strip(".,’'-/&").lower() for w in words_text.split()]
    if len(words) > _MAX_SUPPLIED_WORDS:
        return None
    if any(w in _META_WORDS for w in words):
        return None
    if len(words) >= 3 and any(w in _SENTENCE_WORDS for w in words):
        return None
    return Reading("supplied", "content", "both", attrs={"reason": "omitted"},
                   content=(start, end), cert=cert,
                   description="supplied words" if not context.in_word else "completed word")
