"""Plain-text conventions shared by the whole model.

One offset convention everywhere: half-open ``[start, end)`` ranges in Python code
points over a witness text.  Line endings are normalised once, when text enters the
model; paragraphs are separated by exactly one blank line (``"\\n\\n"``).
"""

from __future__ import annotations

import re
import unicodedata

PARAGRAPH_SEPARATOR = "\n\n"


_INVALID_XML = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def normalise_newlines(text: str) -> str:
    """Normalise text entering the model.

    CRLF, CR, form feed (a page break) and the Unicode line and paragraph separators
    become ``\\n``; other characters XML cannot hold (C0 controls, lone surrogates,
    U+FFFE, U+FFFF) become U+FFFD one for one, so offsets computed on the result hold.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text or "\x0c" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x0c", "\n")
    if _INVALID_XML.search(text):
        text = _INVALID_XML.sub("\ufffd", text)
    return text


def split_paragraphs(text: str) -> list[str]:
    """Split a witness text into paragraphs; ``join_paragraphs`` is its exact inverse."""
    return text.split(PARAGRAPH_SEPARATOR)


def join_paragraphs(paragraphs: list[str]) -> str:
    return PARAGRAPH_SEPARATOR.join(paragraphs)


def paragraph_starts(text: str) -> list[int]:
    """Code-point offset at which each paragraph of ``text`` starts."""
    starts = [0]
    sep = len(PARAGRAPH_SEPARATOR)
    pos = text.find(PARAGRAPH_SEPARATOR)
    while pos != -1:
        starts.append(pos + sep)
        pos = text.find(PARAGRAPH_SEPARATOR, pos + sep)
    return starts


def is_word_char(ch: str) -> bool:
    """Letters, digits, marks and connector punctuation count as parts of a word."""
    if ch.isalnum() or ch == "_":
        return True
    return unicodedata.category(ch)[0] == "M"


def context(text: str, start: int, end: int, width: int = 30) -> tuple[str, str, str]:
    """Return ``(before, quote, after)`` around ``[start, end)`` for display."""
    return text[max(0, start - width):start], text[start:end], text[end:end + width]
