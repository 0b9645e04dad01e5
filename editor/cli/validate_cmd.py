"""``variorum validate``: check a file and the edition it holds."""

from __future__ import annotations

import argparse

from editor.cli.common import load_edition
from editor.model.validate import validate_edition


def register(sub) -> None:
    p = sub.add_parser(
        "validate", help="check an edition: ranges, quotes, references (exit 0/1/2)",
        description="Check an edition file and the edition it holds: annotation ranges, "
                    "quotes, references to witnesses, hands and people. Exit status 0 when "
                    "clean, 1 with a list of problems, 2 when the file cannot be read.")
    p.add_argument("edition", help="the Variorum edition (.xml)")
    p.add_argument("--schema", metavar="RNG",
                   help="also validate the XML against this RELAX NG schema (e.g. tei_all.rng)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = load_edition(args.edition)
    problems = list(result.problems)
    seen = {(p.code, p.where) for p in problems}
    for problem in validate_edition(result.edition):
        if (problem.code, problem.where) not in seen:
            problems.append(problem)
    schema_errors = []
    if args.schema:
        from lxml import etree

        from editor.formats.xmlsafe import parse_file
        schema = etree.RelaxNG(etree.parse(args.schema))
        if not schema.validate(parse_file(args.edition)):
            schema_errors = [f"line {e.line}: {e.message}" for e in schema.error_log]
    if not problems and not schema_errors:
        edition = result.edition
        print(f"{args.edition}: valid ({len(edition.witnesses)} witnesses, "
              f"{len(edition.annotations)} annotations)")
        return 0
    print(f"{args.edition}: {len(problems) + len(schema_errors)} problem(s)")
    for problem in problems:
        print(f"  {problem}")
    for error in schema_errors:
        print(f"  schema: {error}")
    return 1
