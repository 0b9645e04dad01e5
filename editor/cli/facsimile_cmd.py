"""``variorum facsimile``: the page images of an edition's witnesses.

``variorum facsimile add EDITION.xml --witness handwritten IMAGE...`` adds page images
(PNG, JPEG, TIFF, WebP; every page of a multi-page TIFF) after the witness's existing
pages and writes the edition back in place, atomically (or to ``-o OUT``).  Images are
referenced by their path relative to the written edition, never copied into it.
``variorum facsimile list EDITION.xml`` prints the pages and says which images are missing.
"""

from __future__ import annotations

import argparse
import os
import sys

from editor.cli.common import load_edition, print_problems
from editor.errors import VariorumError
from editor.formats import native
from editor.model import facsimile


def register(sub) -> None:
    p = sub.add_parser("facsimile", help="page images of the witnesses (add, list)",
                       description="Manage the page images (facsimiles) of an edition.")
    commands = p.add_subparsers(dest="facsimile_command", metavar="ACTION")

    add = commands.add_parser(
        "add", help="add page images to a witness",
        description="Add page images to a witness, after its pages so far. A multi-page "
                    "TIFF adds one page per image in it. Images are referenced by their "
                    "path relative to the edition; where each page's text starts is "
                    "estimated (correct it in the window: Facsimile > Page Starts Here).")
    add.add_argument("edition", help="the Variorum edition (.xml), rewritten in place")
    add.add_argument("--witness", required=True, help="the witness id (e.g. typed, handwritten)")
    add.add_argument("images", nargs="+", metavar="IMAGE",
                     help="page images in page order (PNG, JPEG, TIFF, WebP)")
    add.add_argument("-o", "--output", metavar="OUT",
                     help="write the edition here instead of in place")
    add.set_defaults(func=run_add)

    listing = commands.add_parser("list", help="list the page images and the missing ones",
                                  description="List every page image of the edition; exit "
                                              "status 1 when some are missing.")
    listing.add_argument("edition", help="the Variorum edition (.xml)")
    listing.set_defaults(func=run_list)

    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_add(args: argparse.Namespace) -> int:
    loaded = load_edition(args.edition)
    if loaded.problems:
        print(f"{args.edition}: read with {len(loaded.problems)} problem(s):",
              file=sys.stderr)
        print_problems(loaded.problems, limit=10)
    edition = loaded.edition
    target = os.path.abspath(args.output or args.edition)
    # pages already there keep pointing to their images from the new place
    facsimile.rebase_references(edition, args.edition, target)
    try:
        change = facsimile.add_images(edition, args.witness, args.images, target)
    except ValueError as exc:
        raise VariorumError(str(exc)) from None
    if change.empty:
        print("no pages added")
        return 0
    native.save(edition, target, backup=not args.output)
    old_ids = {page.id for page in change.header_before.surfaces}
    added = [page for page in edition.surfaces if page.id not in old_ids]
    for page in added:
        frame = f" (image {page.page + 1} of the file)" if page.page else ""
        print(f"  {page.id}: page {page.label}, {page.width}×{page.height} px, {page.path}"
              f"{frame}, text from character {page.text_start}")
    print(f"added {len(added)} page(s) to {args.witness}; wrote {target}")
    print("page starts are estimated: set them in the window with Facsimile > Page Starts Here")
    return 0


def run_list(args: argparse.Namespace) -> int:
    path = args.edition
    edition = load_edition(path).edition
    missing = {s.id for s in facsimile.missing_pages(edition, path)}
    if not edition.surfaces:
        print("no page images")
        return 0
    for witness in edition.witnesses:
        pages = facsimile.pages_of(edition, witness)
        if not pages:
            continue
        print(f"{witness}:")
        for page in pages:
            state = "MISSING " if page.id in missing else ""
            zones = f", {len(page.zones)} region(s)" if page.zones else ""
            print(f"  {state}page {page.label or page.id}: {page.path}"
                  f"{f' [image {page.page + 1}]' if page.page else ''}, text from character "
                  f"{page.text_start}{zones}")
    if missing:
        print(f"{len(missing)} image(s) missing: open the edition and use Facsimile > "
              "Locate Image…")
        return 1
    return 0
