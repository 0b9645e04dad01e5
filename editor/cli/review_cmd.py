"""``variorum review-report``: where the review of an edition stands."""

from __future__ import annotations

import argparse
import json

from editor.cli.common import load_edition
from editor.review.report import format_report, review_report


def register(sub) -> None:
    p = sub.add_parser(
        "review-report", help="counts by status, kind, author and reviewer; open queries",
        description="Report the review of an edition: annotations counted by status, kind, "
                    "author and reviewer, and the open queries with their questions. With "
                    "--json the keys are by_status, by_kind, by_author, by_reviewer and "
                    "open_queries (and a few more).")
    p.add_argument("edition", help="the Variorum edition (.xml)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = review_report(load_edition(args.edition).edition)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0
