"""``variorum variants``: the variant table of two witnesses (see
:mod:`editor.align.variants` for what an entry is and the kinds)."""

from __future__ import annotations

import argparse
import csv
import io
import json

from editor.align.variants import (KIND_LABELS, KIND_PLURALS, VARIANT_KINDS, Variant,
                                   choose_pair, counts, variant_table)
from editor.cli.common import load_edition, write_output
from editor.model.edition import Edition

#: characters of a reading shown in the plain-text table before it is cut with "…"
TEXT_WIDTH = 34


def register(sub) -> None:
    p = sub.add_parser(
        "variants", help="the table of differences between two witnesses",
        description="List every place where two witnesses differ, from the alignment and "
                    "from the annotations, one place per row, in the order of the first "
                    "witness: its kind (addition, deletion, cancelled-addition, "
                    "substitution, variant), the reading of each witness, the hand and "
                    "any note.")
    p.add_argument("edition", help="the Variorum edition (.xml)")
    p.add_argument("--witnesses", metavar="A,B",
                   help="the two witnesses to compare (default: typed,handwritten when the "
                        "edition has them, else its first two)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true",
                     help="a JSON list, one object per difference")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")
    p.add_argument("--include-rejected", action="store_true",
                   help="count rejected annotations too")
    p.add_argument("-o", "--output", help="the file to write (standard output if omitted)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    edition = load_edition(args.edition).edition
    pair = choose_pair(edition, args.witnesses.split(",") if args.witnesses else None)
    variants = variant_table(edition, pair, include_rejected=args.include_rejected)
    if args.json:
        data = json.dumps([v.as_dict() for v in variants], ensure_ascii=False, indent=2) + "\n"
    elif args.csv:
        data = to_csv(variants, pair)
    else:
        data = to_text(edition, variants, pair)
    write_output(args.output, data.encode("utf-8"))
    return 0


def to_csv(variants: list[Variant], pair: tuple[str, str]) -> str:
    """CSV (RFC 4180, header row) with one row per difference; ``pair`` names the
    witnesses (the reading columns are named after them)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    a, b = pair
    writer.writerow(["number", "kind", "witness", "paragraph", a, b,
                     f"{a}_start", f"{a}_end", f"{b}_start", f"{b}_end",
                     f"{a}_before", f"{a}_after", f"{b}_before", f"{b}_after",
                     "hand", "hand_label", "note", "annotations", "source"])
    for v in variants:
        writer.writerow([v.number, v.kind, v.witness, v.paragraph,
                         v.readings[a], v.readings[b],
                         v.ranges[a][0], v.ranges[a][1], v.ranges[b][0], v.ranges[b][1],
                         v.context[a][0], v.context[a][1], v.context[b][0], v.context[b][1],
                         v.hand, v.hand_label, v.note, " ".join(v.annotations), v.source])
    return out.getvalue()


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split()) or "—"
    return text if len(text) <= width else text[:width - 1] + "…"


def to_text(edition: Edition, variants: list[Variant], pair: tuple[str, str]) -> str:
    """A plain table for reading in a terminal, with a summary line."""
    a, b = pair
    labels = {w: edition.witnesses[w].label or w for w in (a, b)}
    if not variants:
        return f"No differences between {labels[a]} and {labels[b]}.\n"
    kind_width = max(len(_kind_text(edition, v)) for v in variants)
    head = (f"{'#':>3}  {'Kind':<{kind_width}}  {_cut(labels[a], TEXT_WIDTH):<{TEXT_WIDTH}}  "
            f"{_cut(labels[b], TEXT_WIDTH):<{TEXT_WIDTH}}  Hand / note")
    lines = [head, "-" * len(head)]
    for v in variants:
        extra = "; ".join(x for x in (v.hand_label, v.note) if x)
        lines.append(f"{v.number:>3}  {_kind_text(edition, v):<{kind_width}}  "
                     f"{_cut(v.readings[a], TEXT_WIDTH):<{TEXT_WIDTH}}  "
                     f"{_cut(v.readings[b], TEXT_WIDTH):<{TEXT_WIDTH}}  {_cut(extra, 60) if extra else ''}"
                     .rstrip())
    by_kind = counts(variants)["by_kind"]
    summary = ", ".join(f"{n} {(KIND_LABELS[k] if n == 1 else KIND_PLURALS[k]).lower()}"
                        for k, n in by_kind.items() if k in VARIANT_KINDS)
    lines.append("")
    lines.append(f"{len(variants)} difference{'s' if len(variants) != 1 else ''} between "
                 f"{labels[a]} and {labels[b]}: {summary}")
    return "\n".join(lines) + "\n"


def _kind_text(edition: Edition, v: Variant) -> str:
    label = KIND_LABELS.get(v.kind, v.kind)
    if v.witness:
        witness = edition.witnesses.get(v.witness)
        label += f" ({(witness.label if witness else v.witness).lower()})"
    return label
