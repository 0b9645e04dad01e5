"""``variorum apply-text``: replace a witness's text with a corrected version, keeping every
annotation on its words (or saying which ones need review)."""

from __future__ import annotations

import argparse
import sys

from editor.anchor.reanchor import reanchor
from editor.cli.common import load_edition
from editor.errors import VariorumError
from editor.formats import native
from editor.io.atomic import atomic_write_bytes
from editor.io.textfile import read_text_file
from editor.model.text import normalise_newlines


def register(sub) -> None:
    p = sub.add_parser(
        "apply-text", help="replace a witness's text with a corrected one, re-anchoring "
                           "every annotation",
        description="Replace the text of one witness with a corrected version (a file edited "
                    "in another program, a fresh transcription). Every annotation, variant "
                    "counterpart and linked region follows its words: each ends up exact, "
                    "moved, fuzzy (placed on the best match, to be checked) or orphaned "
                    "(its words are gone; kept with its last words for review). Prints one "
                    "line of counts; --report writes every annotation's outcome as JSON.")
    p.add_argument("edition", help="the Variorum edition (.xml)")
    p.add_argument("--witness", help="the witness whose text is replaced (default: 'typed' "
                                     "when the edition has it, else its only witness)")
    p.add_argument("--text", required=True, metavar="NEW.txt",
                   help="the corrected text (any common encoding; a final line break the "
                        "witness does not have is ignored)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xml",
                   help="the edition to write (may be the input file)")
    p.add_argument("--report", metavar="REPORT.json",
                   help="also write the outcome of every annotation as JSON")
    p.add_argument("--who", metavar="NAME",
                   help="the person recorded in the history of what moved (declared if new)")
    p.set_defaults(func=run)


def _choose_witness(edition, wanted: str | None) -> str:
    if wanted:
        if wanted not in edition.witnesses:
            raise VariorumError(f"the edition has no witness {wanted!r} (it has "
                                f"{', '.join(edition.witnesses) or 'none'})")
        return wanted
    if "typed" in edition.witnesses:
        return "typed"
    if len(edition.witnesses) == 1:
        return next(iter(edition.witnesses))
    raise VariorumError("say which witness to replace with --witness (the edition has "
                        f"{', '.join(edition.witnesses) or 'none'})")


def run(args: argparse.Namespace) -> int:
    loaded = load_edition(args.edition)
    edition = loaded.edition
    witness = _choose_witness(edition, args.witness)
    text, _encoding = read_text_file(args.text)
    text = normalise_newlines(text)
    if text.endswith("\n") and not edition.witnesses[witness].text.endswith("\n"):
        text = text[:-1]      # the line break most editors add at the end of a file
    who = edition.person_for(args.who, "editor").id if args.who else ""
    report = reanchor(edition, witness, text, who=who)
    native.save(edition, args.output)
    if args.report:
        atomic_write_bytes(args.report, report.to_json().encode("utf-8") + b"\n",
                           backup=False)
    if loaded.problems:
        print(f"variorum: note: {len(loaded.problems)} problem(s) were found reading "
              f"{args.edition}; see 'variorum validate'", file=sys.stderr)
    print(f"{args.output}: {report.summary()}")
    return 0
