"""``variorum stats``: figures about an edition."""

from __future__ import annotations

import argparse
import json
from collections import Counter

from editor.cli.common import load_edition
from editor.model.edition import Edition
from editor.model.kinds import KIND_IDS
from editor.model.text import split_paragraphs


def register(sub) -> None:
    p = sub.add_parser("stats", help="counts of witnesses and annotations, and the metadata",
                       description="Print the edition's metadata, the size of each witness "
                                   "and counts of annotations by kind, witness and status.")
    p.add_argument("edition", help="the Variorum edition (.xml)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def edition_stats(edition: Edition) -> dict:
    """The figures ``variorum stats --json`` prints."""
    by_kind = Counter(a.kind for a in edition.annotations.values())
    by_status = Counter(a.status for a in edition.annotations.values())
    by_witness: dict[str, dict[str, int]] = {}
    for wid in edition.witnesses:
        counts = Counter(a.kind for a in edition.annotations.values() if a.witness == wid)
        by_witness[wid] = {k: counts[k] for k in KIND_IDS if counts[k]}
    return {
        "metadata": edition.metadata.as_stats(),
        "witnesses": {
            w.id: {"label": w.label, "kind": w.kind, "chars": len(w.text),
                   "paragraphs": len([p for p in split_paragraphs(w.text) if p.strip()])}
            for w in edition.witnesses.values()
        },
        "annotations": {
            "total": len(edition.annotations),
            "by_kind": {k: by_kind[k] for k in KIND_IDS if by_kind[k]},
            "by_witness": by_witness,
            "by_status": dict(sorted(by_status.items())),
        },
    }


def run(args: argparse.Namespace) -> int:
    stats = edition_stats(load_edition(args.edition).edition)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    md = stats["metadata"]
    print(md["title"] or "(untitled)")
    for key in ("date", "classification", "source", "translator", "record_id"):
        if md[key]:
            print(f"  {key.replace('_', ' ')}: {md[key]}")
    print("witnesses:")
    for wid, w in stats["witnesses"].items():
        print(f"  {wid:<14} {w['chars']:>9} characters {w['paragraphs']:>6} paragraphs")
    ann = stats["annotations"]
    print(f"annotations: {ann['total']}")
    for wid, kinds in ann["by_witness"].items():
        detail = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "none"
        print(f"  {wid:<14} {detail}")
    print("  by status: " + (", ".join(f"{n} {s}" for s, n in ann["by_status"].items()) or "-"))
    return 0
