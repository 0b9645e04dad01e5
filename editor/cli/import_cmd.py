"""``variorum import``: make an edition from another format."""

from __future__ import annotations

import argparse
import os
import sys

from editor.cli.common import print_problems
from editor.errors import VariorumError
from editor.formats import native
from editor.formats.registry import IMPORTERS, detect_format, importer


def register(sub) -> None:
    p = sub.add_parser(
        "import", help="make an edition from bracketed text, TEI, or plain transcriptions",
        description="Make a Variorum edition from another format. Bracketed text (a "
                    "translation reporting a second version's differences in square "
                    "brackets), TEI (inline markup or parallel segmentation), or two or more "
                    "plain transcriptions (--typed/--handwritten/--witness).")
    p.add_argument("source", nargs="?", help="the file to import")
    p.add_argument("-o", "--output", required=True, help="the edition to write (.xml)")
    p.add_argument("--format", choices=sorted(k for k in IMPORTERS if k != "native"),
                   help="the format of SOURCE (detected when omitted)")
    p.add_argument("--typed", metavar="TXT", help="plain transcription of the typed version")
    p.add_argument("--handwritten", metavar="TXT",
                   help="plain transcription of the handwritten version")
    p.add_argument("--witness", action="append", default=[], metavar="ID=TXT",
                   help="a further plain transcription as witness ID (repeatable); "
                        "ID may be ID:LABEL")
    p.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.set_defaults(func=run)


def _text_witnesses(args) -> list[tuple[str, str]]:
    witnesses = []
    if args.typed:
        witnesses.append(("typed", args.typed))
    if args.handwritten:
        witnesses.append(("handwritten", args.handwritten))
    for spec in args.witness:
        if "=" not in spec:
            raise VariorumError(f"--witness needs ID=FILE, not {spec!r}")
        wid, path = spec.split("=", 1)
        witnesses.append((wid.strip(), path))
    return witnesses


def run(args: argparse.Namespace) -> int:
    texts = _text_witnesses(args)
    if os.path.exists(args.output) and not args.force:
        raise VariorumError(f"{args.output} exists; choose another name or pass --force")
    if texts:
        if args.source:
            raise VariorumError("give either SOURCE or --typed/--handwritten/--witness, not both")
        fmt = "texts"
        result = importer("texts")(paths=texts)
    else:
        if not args.source:
            raise VariorumError("nothing to import: give SOURCE or --typed/--handwritten")
        if not os.path.exists(args.source):
            raise VariorumError(f"{args.source}: no such file")
        fmt = args.format or detect_format(args.source)
        if fmt == "native":
            raise VariorumError(f"{args.source} is already a Variorum edition; open it instead")
        result = importer(fmt)(args.source)
    native.save(result.edition, args.output, backup=False)
    edition = result.edition
    print(f"imported {fmt}: {len(edition.witnesses)} witness(es), "
          f"{len(edition.annotations)} annotation(s) -> {args.output}")
    if result.report:
        print(f"{len(result.report)} note(s) from the import:", file=sys.stderr)
        print_problems(result.report, limit=50)
    return 0
