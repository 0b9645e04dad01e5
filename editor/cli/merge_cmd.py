"""``variorum merge``: combine the annotations and review decisions of two copies."""

from __future__ import annotations

import argparse
import sys

from editor.cli.common import load_edition, print_problems, write_output
from editor.formats import native
from editor.review.merge import merge_editions


def register(sub) -> None:
    p = sub.add_parser(
        "merge", help="combine the annotations and reviews of two copies of an edition "
                      "(exit 0, or 1 with conflicts)",
        description="Combine the annotations and review decisions of two copies of one "
                    "edition (same witness texts), matching annotations by id. Changes made "
                    "in one copy are taken; histories are united. Each conflict (both copies "
                    "changed an annotation differently) is kept for a decision (MINE's "
                    "version, status queried, THEIRS' fields in a history comment) and "
                    "printed on standard output as one line starting with 'conflict'. Exit "
                    "status 0 without conflicts, 1 with conflicts (the output is written "
                    "either way), 2 when nothing was written (an unreadable file, or copies "
                    "whose texts differ).")
    p.add_argument("mine", help="your copy (.xml); a conflict keeps its version, queried")
    p.add_argument("theirs", help="the other copy (.xml)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xml",
                   help="where to write the merged edition (may be MINE)")
    p.add_argument("--who", metavar="NAME", default="",
                   help="your name, recorded on the history entries the merge writes")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    mine = load_edition(args.mine)
    theirs = load_edition(args.theirs)
    for label, loaded in (("mine", mine), ("theirs", theirs)):
        if loaded.problems:
            print(f"{label} ({getattr(args, label)}) was read with "
                  f"{len(loaded.problems)} problem(s):", file=sys.stderr)
            print_problems(loaded.problems, limit=20)
    who = ""
    if args.who.strip():
        who = mine.edition.person_for(args.who.strip(), "editor").id
    result = merge_editions(mine.edition, theirs.edition, who=who)
    write_output(args.output, native.to_bytes(result.edition))
    for conflict in result.conflicts:
        print(conflict.line())
    for old, new in result.renamed.items():
        print(f"note: theirs' {old} is a different annotation from mine's; it is now {new}",
              file=sys.stderr)
    print(f"merged {args.theirs} into {args.mine} -> {args.output}: {result.summary()}",
          file=sys.stderr)
    return 1 if result.conflicts else 0
