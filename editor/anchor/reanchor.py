"""Re-anchoring annotations whose quote no longer matches their range.

(First version: exact search nearest the old place, else orphan.  The full
diff-and-fuzzy-search algorithm replaces this.)
"""

from __future__ import annotations

from editor.model.annotation import Anchoring
from editor.model.edition import Edition
from editor.model.validate import Problem


def repair_on_load(edition: Edition, mismatched: dict[str, str]) -> list[Problem]:
    problems = []
    for aid, quote in mismatched.items():
        ann = edition.annotations[aid]
        text = edition.witnesses[ann.witness].text
        candidates = []
        pos = text.find(quote) if quote else -1
        while pos != -1:
            candidates.append(pos)
            pos = text.find(quote, pos + 1)
        old = (ann.start, ann.end)
        if candidates:
            best = min(candidates, key=lambda p: abs(p - ann.start))
            ann.start, ann.end = best, best + len(quote)
            ann.anchoring = Anchoring("fuzzy", quote, *old, 1.0)
            problems.append(Problem("warning", "reanchored",
                                    f"its quote no longer matched its range; moved to {best}", aid))
        else:
            ann.start = ann.end = min(ann.start, len(text))
            ann.anchoring = Anchoring("orphaned", quote, *old, 0.0)
            ann.status = "orphaned"
            problems.append(Problem("warning", "orphaned",
                                    "its quote is no longer in the text; kept as an orphan", aid))
    return problems
