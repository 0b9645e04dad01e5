"""Small helpers for the rich text (Qt's HTML subset) of labels and tooltips."""

from __future__ import annotations


def escape(text: str | None) -> str:
    """``text`` safe inside Qt rich text: everything from an edition is shown as text."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, width: int = 70) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"
