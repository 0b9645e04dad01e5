"""Tokens as characters: how word-level diffs use diff-match-patch.

diff-match-patch diffs strings of characters.  To diff sequences of *words* (or
paragraphs), each distinct token is given one character of its own, the sequences become
strings of those characters, and the diff of the strings is the diff of the sequences.
"""

from __future__ import annotations


class TooManyTokens(Exception):
    """More distinct tokens than Unicode has characters to stand for them."""


class TokenEncoder:
    """Gives each distinct string one character (skipping the surrogate block); one
    encoder must encode both sides of a diff, so that equal tokens get equal characters."""

    def __init__(self):
        self.table: dict[str, str] = {}

    def encode(self, items) -> str:
        table = self.table
        out = []
        for item in items:
            char = table.get(item)
            if char is None:
                index = len(table) + 1
                if index >= 0xD800:
                    index += 0x800
                if index > 0x10FFFF:
                    raise TooManyTokens
                char = chr(index)
                table[item] = char
            out.append(char)
        return "".join(out)
