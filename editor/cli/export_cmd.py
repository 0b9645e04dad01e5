"""``variorum export``: write an edition in another format."""

from __future__ import annotations

import argparse
import os

from editor.cli.common import load_edition, write_output
from editor.errors import VariorumError
from editor.formats.registry import EXPORTERS, ExportOptions, exporter


def register(sub) -> None:
    formats = ", ".join(f"{name} ({desc})" for name, (_, _, desc) in EXPORTERS.items())
    p = sub.add_parser("export", help="write an edition as TEI, JSON-LD, HTML, PDF or text",
                       description=f"Write an edition in another format: {formats}.")
    p.add_argument("edition", help="the Variorum edition (.xml)")
    p.add_argument("--to", required=True, choices=list(EXPORTERS), help="the format to write")
    p.add_argument("--witness", help="the witness to export (default: the first, or all "
                                     "where the format shows several)")
    p.add_argument("--witnesses", help="comma-separated witnesses, in order")
    p.add_argument("--reading", choices=("transcribed", "clean", "diplomatic"),
                   default="transcribed", help="for --to text: which reading text")
    p.add_argument("-o", "--output", help="the file to write (standard output if omitted)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = load_edition(args.edition)
    edition = result.edition
    witnesses = [w.strip() for w in args.witnesses.split(",")] if args.witnesses else None
    for wid in ([args.witness] if args.witness else []) + (witnesses or []):
        if wid not in edition.witnesses:
            raise VariorumError(f"the edition has no witness {wid!r} (it has "
                                f"{', '.join(edition.witnesses) or 'none'})")
    if args.to == "pdf" and not args.output:
        raise VariorumError("PDF export needs an output file: -o FILE.pdf")
    options = ExportOptions(witness=args.witness, witnesses=witnesses, reading=args.reading,
                            base_path=args.output or "",
                            extra={"edition_path": os.path.abspath(args.edition)})
    data = exporter(args.to)(edition, options)
    write_output(args.output, data)
    return 0
