"""The figures of ``variorum review-report``: where the review of an edition stands.

Counts are numbers of annotations.  ``by_reviewer`` counts, for each person, the
annotations on which they recorded at least one review decision (a ``reviewed`` history
entry); ``decisions_by_reviewer`` breaks that down by the status of their latest decision
on each.  An open query is an annotation whose status is ``queried``; its question is the comment
of the entry that opened the query (the first of the last run of ``queried`` entries),
its replies the comments after it.
"""

from __future__ import annotations

from collections import Counter

from editor.model.annotation import STATUSES, Annotation
from editor.model.edition import Edition
from editor.model.kinds import KIND_IDS
from editor.review.state import progress

UNKNOWN = "(unknown)"


def _question(ann: Annotation) -> tuple[dict, list[dict]]:
    """The entry that opened the current query of ``ann`` and the comments after it.

    The query opened with the first entry of the last run of ``queried`` entries (later
    ``queried`` entries with a comment are the discussion); a query opened by a merge
    conflict is opened by its ``merged`` entry."""
    index = None
    for i in range(len(ann.history) - 1, -1, -1):
        if ann.history[i].status != "queried":
            break
        index = i
    if index is None:
        return {"by": "", "when": "", "comment": ""}, []
    asked = ann.history[index]
    replies = [{"by": e.who, "when": e.when, "action": e.action, "comment": e.comment}
               for e in ann.history[index + 1:] if e.comment]
    return {"by": asked.who, "when": asked.when, "comment": asked.comment}, replies


def review_report(edition: Edition) -> dict:
    """The report as a JSON-ready dict (keys ``by_status``, ``by_kind``, ``by_author``,
    ``by_reviewer``, ``open_queries``, and more)."""
    annotations = edition.sorted_annotations()
    by_status = Counter(a.status for a in annotations)
    by_kind = Counter(a.kind for a in annotations)
    by_author = Counter(a.author or UNKNOWN for a in annotations)
    by_reviewer: Counter = Counter()
    decisions: dict[str, Counter] = {}
    for ann in annotations:
        latest: dict[str, str] = {}
        for event in ann.history:
            if event.action == "reviewed" and event.who:
                latest[event.who] = event.status
        for who, status in latest.items():
            by_reviewer[who] += 1
            decisions.setdefault(who, Counter())[status] += 1
    open_queries = []
    for ann in annotations:
        if ann.status != "queried":
            continue
        asked, replies = _question(ann)
        open_queries.append({
            "id": ann.id, "witness": ann.witness, "kind": ann.kind,
            "start": ann.start, "end": ann.end, "quote": edition.quote(ann),
            "author": ann.author, "asked_by": asked["by"], "asked_when": asked["when"],
            "question": asked["comment"], "replies": replies,
        })
    people = sorted(set(by_author) | set(by_reviewer) | {q["asked_by"] for q in open_queries})
    prog = progress(annotations)
    kinds = [k for k in KIND_IDS if by_kind[k]] + sorted(k for k in by_kind if k not in KIND_IDS)
    return {
        "title": edition.metadata.title,
        "total": prog.total,
        "reviewed": prog.reviewed,
        "remaining": prog.remaining,
        "by_status": {s: by_status[s] for s in STATUSES},
        "by_kind": {k: by_kind[k] for k in kinds},
        "by_author": dict(sorted(by_author.items())),
        "by_reviewer": dict(sorted(by_reviewer.items())),
        "decisions_by_reviewer": {who: {s: c[s] for s in STATUSES if c[s]}
                                  for who, c in sorted(decisions.items())},
        "open_queries": open_queries,
        "people": {pid: edition.person_name(pid) for pid in people if pid and pid != UNKNOWN},
    }


def format_report(report: dict) -> str:
    """The report as text for a person (what ``review-report`` prints without --json)."""
    people = report["people"]

    def name(pid: str) -> str:
        shown = people.get(pid, pid)
        return f"{shown} ({pid})" if shown != pid else pid

    lines = [f"Review of {report['title'] or '(untitled)'}: {report['reviewed']} of "
             f"{report['total']} annotations reviewed, {report['remaining']} to go"]
    lines.append("by status:   " + (", ".join(f"{s} {n}" for s, n in report["by_status"].items()
                                              if n) or "-"))
    lines.append("by kind:     " + (", ".join(f"{k} {n}" for k, n in report["by_kind"].items())
                                    or "-"))
    lines.append("by author:   " + (", ".join(f"{name(p)} {n}"
                                              for p, n in report["by_author"].items()) or "-"))
    reviewers = []
    for pid, n in report["by_reviewer"].items():
        detail = ", ".join(f"{c} {s}" for s, c in report["decisions_by_reviewer"][pid].items())
        reviewers.append(f"{name(pid)} {n} ({detail})")
    lines.append("by reviewer: " + ("; ".join(reviewers) or "none yet"))
    queries = report["open_queries"]
    lines.append(f"open queries: {len(queries)}")
    for q in queries:
        quote = q["quote"].replace("\n", " ")
        quote = quote if len(quote) <= 50 else quote[:49] + "…"
        asked = f" — {name(q['asked_by'])}" if q["asked_by"] else ""
        when = f", {q['asked_when'][:10]}" if q["asked_when"] else ""
        lines.append(f"  {q['id']}: {q['kind']} in {q['witness']} “{quote}”{asked}{when}: "
                     f"{q['question'] or '(no comment)'}")
        for reply in q["replies"]:
            by = name(reply["by"]) if reply["by"] else "someone"
            lines.append(f"      {by}: {reply['comment']}")
    return "\n".join(lines)
