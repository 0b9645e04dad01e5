"""Page furniture of a web-published translation, read as metadata and written back.

A document captured from a digital archive's web page (the Wilson Center Digital Archive
is the model) carries more than the document: a "Skip to content" link, a header with
the date, the title and the classification, and after the document a summary,
"Author(s):" and a "Document Information" block of labelled fields.  :func:`split_page`
separates that furniture from the *document proper* and turns it into
:class:`~editor.model.edition.Metadata`; :func:`write_page` puts an edition's metadata
around a document again in the same layout, so that reading the result gives back the
same metadata.

Recognition is conservative, because text taken for furniture would leave the witness:
a header (date, title, classification) is read only on a page that shows itself as a
web page, by a navigation line ("Skip to content") or a trailer ("Document Information",
"Author(s):"), and only when its first line is a date; a summary only when there is a
trailer.  A plain bracketed text has no furniture and is all document.

Paragraphs: the text is cut at blank lines (a line of spaces or no-break spaces is
blank, so the web page's spacer paragraphs disappear); a text without any blank line has
one paragraph per line.  Lines inside a paragraph are kept, stripped at their edges.
The document proper is its paragraphs joined by exactly ``"\\n\\n"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from editor.model.edition import Metadata
from editor.model.text import normalise_newlines

_I = re.IGNORECASE

#: lines of navigation that are never part of a document
FURNITURE_LINES = frozenset({
    "skip to content", "skip to main content", "skip to navigation", "skip navigation",
    "jump to content", "main navigation", "menu",
})

#: the whole line must be one of these to be taken for a classification
_CLASSIFICATION = re.compile(
    r"(?:(?:top|strictly|most|highly)\s+)?(?:secret|confidential)"
    r"(?:\s*(?:/|-|,|and)?\s*(?:personal|special\s+importance|of\s+special\s+importance"
    r"|special\s+file|eyes\s+only|personal\s+and\s+confidential))?"
    r"|restricted|classified|unclassified|for\s+official\s+use\s+only|personal(?:\s+and\s+"
    r"confidential)?|eyes\s+only|not\s+for\s+publication|(?:top\s+)?secret\s*[-/]\s*noforn",
    _I)

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_FORMS = (
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})", _I),
    re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})", _I),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"),
    re.compile(_MONTH + r",?\s+(?P<year>\d{4})", _I),
    re.compile(r"(?P<year>\d{4})"),
)
_UNDATED = re.compile(r"undated|n\.\s?d\.|no\s+date|date\s+unknown", _I)
_APPROX = re.compile(r"(?:c\.|ca\.|circa|about|approximately)\s*", _I)

#: labels of the "Document Information" block (compared case-insensitively)
KNOWN_FIELDS = (
    "Source", "Original Archive", "Rights", "Original Uploaded Date", "Language",
    "Original Language", "Record ID", "Type", "Resource Type", "Document Type", "Donors",
    "Funders", "Donors/Funders", "Associated People & Organizations", "Associated Places",
    "Associated Topics", "Subjects Discussed", "Collections", "Collection",
    "Contained in Collections", "Contained in Collection(s)", "Keywords", "Translator",
    "Translated by", "Transcript", "Translation", "Citation", "Date", "Original Date",
    "Length", "Extent", "Pages", "Archive", "Repository", "Call Number", "Identifier",
    "Information",
)
_KNOWN = {label.lower(): label for label in KNOWN_FIELDS}
_LABEL_WORDS = frozenset("""date id archive source language collection collections people places
topics subjects type rights donors funders original associated record uploaded translated
translator transcript citation keywords repository identifier number length extent""".split())

_INFO_HEADING = re.compile(r"document\s+information\s*:?", _I)
_AUTHORS = re.compile(r"author\(s\)\s*:?\s*|authors?\s*:\s*", _I)
_TRANSLATED = re.compile(
    r"(?P<sentence>(?:(?:obtained|contributed|provided)\s+(?:and|&)\s+)?translated"
    r"(?:\s+from\s+(?:the\s+)?[A-Z][\w-]*)?\s+(?:and\s+\w+\s+)?by\s+"
    # a name may hold initials ("Vladislav M. Zubok"); any other full stop ends it
    r"(?P<name>(?:\b[^\W\d_]\.(?=\s?[^\W\d_])\s?|[^.;\n])+?)"
    r"(?:\s+for\s+[^.;\n]+)?)\s*(?:[.;]|$)", _I)


@dataclass
class Page:
    """A captured page cut in three: metadata, the document proper, and what was seen."""

    metadata: Metadata
    document: str                     # paragraphs joined by "\n\n"
    found: list[str] = field(default_factory=list)   # furniture recognised, for the report


def paragraphs_of(text: str) -> list[str]:
    """The paragraphs of ``text`` (see the module documentation)."""
    lines = [_strip(line) for line in normalise_newlines(text).split("\n")]
    blank_between = False
    seen_text = False
    for index, line in enumerate(lines):
        if line:
            seen_text = True
        elif seen_text and any(lines[index + 1:]):
            blank_between = True
            break
    if not blank_between:
        return [line for line in lines if line]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _strip(line: str) -> str:
    """A line without the whitespace (no-break and zero-width spaces included) at its edges."""
    return line.strip().strip("\u200b\u200c\u200d\u2060\ufeff").strip()


def parse_date(text: str) -> tuple[str, str] | None:
    """``(iso, as_written)`` when ``text`` is nothing but a date, else None.

    ``iso`` is as precise as the text (``1956-09-19``, ``1956-09``, ``1956``) and empty
    for an undated document.
    """
    line = " ".join(text.split())
    if not line or len(line) > 40:
        return None
    if _UNDATED.fullmatch(line):
        return "", ""
    body = line
    approx = _APPROX.match(body)
    if approx:
        body = body[approx.end():]
    for form in _DATE_FORMS:
        m = form.fullmatch(body)
        if not m:
            continue
        groups = m.groupdict()
        year = int(groups["year"])
        month_text = groups.get("month")
        if month_text is None:
            iso = f"{year:04d}"
        else:
            month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
            if not 1 <= month <= 12:
                return None
            iso = f"{year:04d}-{month:02d}"
            if groups.get("day"):
                day = int(groups["day"])
                if not 1 <= day <= 31:
                    return None
                iso += f"-{day:02d}"
        if approx:
            iso = iso[:4]     # an approximate date is no more precise than its year
        return iso, line
    return None


def is_classification(text: str) -> bool:
    return bool(_CLASSIFICATION.fullmatch(" ".join(text.split()).rstrip(".")))


def _looks_like_title(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 40 and "\n" not in text and "[" not in text and "]" not in text
            and not text.rstrip().endswith((",", ";", ":")))


def _is_label(text: str) -> bool:
    """A paragraph that names a field of the Document Information block."""
    line = text.strip().rstrip(":").strip()
    if line.lower() in _KNOWN:
        return True
    words = line.split()
    if not 2 <= len(words) <= 5 or "\n" in text or line[-1:] in ".,;!?":
        return False
    if not all(w[0].isupper() or w in ("&", "of", "and", "by", "in", "the") or w[0] == "("
               for w in words):
        return False
    return any(w.strip("()").lower() in _LABEL_WORDS for w in words)


def _is_summary(text: str) -> bool:
    return ("[" not in text and len(text.split()) >= 8
            and text.rstrip().rstrip("\"”’'").endswith((".", "!", "?")))


def split_page(text: str) -> Page:
    """Separate the page furniture of ``text`` from the document proper."""
    md = Metadata()
    found: list[str] = []
    paras = paragraphs_of(text)
    first, last = 0, len(paras)

    while first < last and paras[first].lower() in FURNITURE_LINES:
        found.append(f"page furniture {paras[first]!r}")
        first += 1
    navigation = first > 0

    info = None
    for index in range(last - 1, first - 1, -1):
        if _INFO_HEADING.fullmatch(paras[index]):
            info = index
            break
    if info is not None:
        _read_information(paras[info + 1:last], md)
        found.append("Document Information block")
        last = info

    authors_at = None
    for index in range(last - 1, max(first, last - 40) - 1, -1):
        if _AUTHORS.match(paras[index]) and len(paras[index]) < 300:
            authors_at = index
            break
    if authors_at is not None:
        inline = paras[authors_at][_AUTHORS.match(paras[authors_at]).end():].strip()
        names = ([inline] if inline else []) + paras[authors_at + 1:last]
        md.authors = [n.strip() for block in names for n in block.split("\n") if n.strip()]
        found.append("Author(s)")
        last = authors_at
    trailer = info is not None or authors_at is not None

    # a header only on a page that shows itself as one: a plain text (a diary) may well
    # start with a date, and its first entry is no title
    date = parse_date(paras[first]) if first < last and (navigation or trailer) else None
    if date is not None and last - first > 1:
        md.date, md.date_text = date
        if md.date_text == md.date:
            md.date_text = ""     # the ISO date says it all (the native file stores it once)
        found.append(f"date {paras[first]!r}")
        first += 1
        if first < last - 1 and _looks_like_title(paras[first]) \
                and not is_classification(paras[first]):
            md.title = paras[first]
            found.append("title")
            first += 1
        if first < last - 1 and is_classification(paras[first]):
            md.classification = " ".join(paras[first].split())
            found.append(f"classification {md.classification!r}")
            first += 1

    if trailer and last - first > 1 and _is_summary(paras[last - 1]):
        md.summary = paras[last - 1]
        found.append("summary")
        last -= 1

    return Page(md, "\n\n".join(paras[first:last]), found)


def _read_information(paras: list[str], md: Metadata) -> None:
    """Fill ``md`` from the paragraphs after "Document Information"."""
    fields: list[tuple[str, list[str]]] = []
    for para in paras:
        # a label's first paragraph is its value, unless it is a label Variorum knows
        if (not fields or fields[-1][1]) and _is_label(para) or \
                para.strip().rstrip(":").strip().lower() in _KNOWN:
            label = para.strip().rstrip(":").strip()
            fields.append((_KNOWN.get(label.lower(), label), []))
        elif fields:
            fields[-1][1].append(para)
        else:
            fields.append(("Information", [para]))
    for label, values in fields:
        value = "\n\n".join(values).strip()
        key = label.lower()
        if not value:
            continue
        if key == "source":
            md.source, translator = split_source(value)
            if translator and not md.translator:
                md.translator = translator
        elif key == "rights":
            md.rights = value
        elif key == "original uploaded date":
            md.uploaded = value
        elif key == "language":
            md.language = value
        elif key == "record id":
            md.record_id = value
        elif key in ("translator", "translated by") and not md.translator:
            md.translator = value.rstrip(".")
        else:
            while label in md.extra:
                label += " (more)"
            md.extra[label] = value


def split_source(value: str) -> tuple[str, str]:
    """``("GARF, Fond 5446, ... Listy 35-38.", "Gary Goldberg")`` from a Source field
    ending with "Translated by Gary Goldberg.".

    Only that plain sentence is taken off the source; a longer one ("Obtained and
    translated by X for Y.") stays in it, so that nothing it says is lost, and only the
    name is read from it.
    """
    m = None
    for m in _TRANSLATED.finditer(value):
        pass
    if m is None:
        return value, ""
    name = m.group("name").strip()
    plain = re.fullmatch(r"translated\s+by\s+" + re.escape(name), m.group("sentence"), _I)
    rest = (value[:m.start()] + value[m.end():]).strip()
    if not plain or not rest:
        return value, name
    return rest, name


# --------------------------------------------------------------------------------------
# writing


def write_page(md: Metadata, document: str) -> str:
    """The document with ``md`` around it, in the layout :func:`split_page` reads."""
    out: list[str] = []
    header = bool(md.date or md.date_text or md.title or md.classification)
    if header:
        out.append(md.date_text or md.date or "Undated")
        if md.title:
            out.append(md.title)
        if md.classification:
            out.append(md.classification)
    if document:
        out.append(document)
    info = _information(md)
    if md.summary or md.authors or info or header:
        # the trailer is written whenever there is a header: it is what makes a reader
        # take the first lines for a header
        if md.summary:
            out.append(md.summary)
        out.append("Author(s):")
        out.extend(md.authors)
        out.append("Document Information")
        for label, value in info:
            out.append(label)
            out.append(value)
    return "\n\n".join(out) + "\n"


def _information(md: Metadata) -> list[tuple[str, str]]:
    info: list[tuple[str, str]] = []
    source = md.source
    if md.translator and split_source(source)[1] != md.translator:
        sentence = f"Translated by {md.translator}."
        source = f"{source} {sentence}" if source else sentence
    if source:
        info.append(("Source", source))
    if md.rights:
        info.append(("Rights", md.rights))
    if md.uploaded:
        info.append(("Original Uploaded Date", md.uploaded))
    if md.language:
        info.append(("Language", md.language))
    if md.record_id:
        info.append(("Record ID", md.record_id))
    for label, value in md.extra.items():
        if value:
            info.append((label.replace(" (more)", ""), value))
    return info
