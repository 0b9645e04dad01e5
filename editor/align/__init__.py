"""Word-level alignment of two witness texts (diff-match-patch behind the project's types)."""

from editor.align.alignment import Alignment, Segment, align_texts, tokenize

__all__ = ["Alignment", "Segment", "align_texts", "tokenize"]
