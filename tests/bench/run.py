"""``make bench``: run every benchmark, print a table, write ``tests/bench/out/results.json``.

Benchmarks print figures; they are not tests.  Each size is measured in a fresh process
(so peak memory means something); every figure is the median of several runs with its
spread.  Two baselines are measured in the same run and reported as ratios:

* bare lxml parsing the same file (the floor for opening an edition);
* CollateX (the collation tool scholars use) aligning the two witness texts of the small
  input, with a comparison of the two alignments word by word.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.bench.measure import summary

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "bench" / "out"

#: targets from the performance issue (seconds or MB), per size
TARGETS = {
    "long": {"open_window": 1.5, "save": 0.5, "keystroke_p95": 0.016, "align": 0.5,
             "peak_rss_mb": 500},
    "very-long": {"keystroke_p95": 0.050},
}

ROWS = [("open_model", "open: file to model"), ("open_window", "open: file to painted window"),
        ("save", "save"), ("align", "alignment of the two witnesses"),
        ("keystroke", "keystroke to repaint"), ("map_one_edit", "map all annotations, one edit"),
        ("reanchor", "re-anchor after replacing a text"), ("lxml_parse", "baseline: bare lxml parse")]


def run_size(size: str, runs: int) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "tests.bench.measure", size, str(runs)], cwd=ROOT,
                         capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"benchmark {size} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    return result


def collatex_baseline(runs: int = 3) -> dict:
    """Our alignment against CollateX on the small input's two witnesses."""
    from tests.bench.generate import path_for
    from editor.align.alignment import EQUAL, align_texts, tokenize
    from editor.formats import native
    edition = native.load(path_for("small")).edition
    a, b = edition.witnesses["typed"].text, edition.witnesses["handwritten"].text
    ours = []
    for _ in range(max(runs, 5)):
        start = time.perf_counter()
        align_texts(a, b)
        ours.append(time.perf_counter() - start)
    try:
        from collatex import Collation, collate
    except ImportError:
        return {"ours": ours, "collatex": None, "note": "collatex is not installed"}

    a_words = [a[s:e] for s, e in tokenize(a) if not a[s:e].isspace()]
    b_words = [b[s:e] for s, e in tokenize(b) if not b[s:e].isspace()]
    theirs = []
    table = None
    for _ in range(runs):
        collation = Collation()
        collation.add_plain_witness("A", " ".join(a_words))
        collation.add_plain_witness("B", " ".join(b_words))
        start = time.perf_counter()
        table = json.loads(collate(collation, output="json", segmentation=False))
        theirs.append(time.perf_counter() - start)

    # Word pairs each aligner says are the same word in both versions, compared by the
    # character offsets of the words in the texts CollateX was given (its tokens and ours
    # need not be cut alike).
    joined_a, joined_b = " ".join(a_words), " ".join(b_words)
    joined_segments = align_texts(joined_a, joined_b)

    def our_pairs() -> set[tuple[int, int]]:
        pairs = set()
        for seg in joined_segments:
            if seg.op != EQUAL:
                continue
            a_starts = [s + seg.a_start for s, e in tokenize(joined_a[seg.a_start:seg.a_end])
                        if not joined_a[seg.a_start + s:seg.a_start + e].isspace()]
            b_starts = [s + seg.b_start for s, e in tokenize(joined_b[seg.b_start:seg.b_end])
                        if not joined_b[seg.b_start + s:seg.b_start + e].isspace()]
            pairs.update(zip(a_starts, b_starts))
        return pairs

    def offsets(row, text: str) -> dict[int, int]:
        """CollateX token position -> character offset in ``text``."""
        tokens = sorted((t for cell in row if cell for t in cell),
                        key=lambda t: t["_token_array_position"])
        out, cursor = {}, 0
        for token in tokens:
            found = text.find(token["t"].strip(), cursor)
            if found >= 0:
                out[token["_token_array_position"]] = found
                cursor = found + len(token["t"].strip())
        return out

    def their_pairs() -> set[tuple[int, int]]:
        pairs = set()
        witnesses = table["witnesses"]
        rows = table["table"]            # one row per witness, one cell per column
        row_a, row_b = rows[witnesses.index("A")], rows[witnesses.index("B")]
        at_a, at_b = offsets(row_a, joined_a), offsets(row_b, joined_b)
        for cell_a, cell_b in zip(row_a, row_b):
            if not cell_a or not cell_b:
                continue
            for ta, tb in zip(cell_a, cell_b):
                pa, pb = at_a.get(ta["_token_array_position"]), at_b.get(tb["_token_array_position"])
                if ta["n"] == tb["n"] and pa is not None and pb is not None:
                    pairs.add((pa, pb))
        return pairs

    mine, theirs_pairs = our_pairs(), their_pairs()
    only_ours = sorted(mine - theirs_pairs)
    only_theirs = sorted(theirs_pairs - mine)

    def show(pairs):
        def word(text, at):
            end = at
            while end < len(text) and not text[end].isspace():
                end += 1
            return text[max(0, at - 25):at] + "[" + text[at:end] + "]" + text[end:end + 25]
        return [f"{word(joined_a, i)!r} ~ {word(joined_b, j)!r}" for i, j in pairs[:8]]
    return {"ours": ours, "collatex": theirs, "words_a": len(a_words), "words_b": len(b_words),
            "aligned_by_both": len(mine & theirs_pairs), "only_ours": len(only_ours),
            "only_collatex": len(only_theirs), "examples_only_ours": show(only_ours),
            "examples_only_collatex": show(only_theirs)}


def fmt_ms(value: float) -> str:
    return f"{value * 1000:,.1f} ms" if value < 10 else f"{value:,.1f} s"


def print_table(results: dict) -> list[str]:
    lines = []
    sizes = [s for s in ("small", "long", "very-long") if s in results["sizes"]]
    header = "| measurement | " + " | ".join(
        f"{s} ({results['sizes'][s]['annotations']:,} ann., "
        f"{max(results['sizes'][s]['chars'].values()):,} chars)" for s in sizes) + " |"
    lines.append(header)
    lines.append("|---|" + "---|" * len(sizes))
    for key, label in ROWS:
        cells = []
        for s in sizes:
            values = results["sizes"][s].get(key)
            if not values:
                cells.append("–")
                continue
            st = summary(values)
            if key == "keystroke":
                cells.append(f"median {fmt_ms(st['median'])}, p95 {fmt_ms(st['p95'])}")
            else:
                cells.append(f"{fmt_ms(st['median'])} ({fmt_ms(st['min'])}–{fmt_ms(st['max'])})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    cells = []
    for s in sizes:
        r = results["sizes"][s]
        ratio = statistics.median(r["open_model"]) / statistics.median(r["lxml_parse"])
        cells.append(f"{ratio:.1f}×")
    lines.append("| open ÷ bare lxml parse | " + " | ".join(cells) + " |")
    lines.append("| peak memory, window open | " + " | ".join(
        f"{results['sizes'][s]['peak_rss_mb']:.0f} MB" for s in sizes) + " |")
    cx = results.get("collatex")
    if cx and cx.get("collatex"):
        ours, theirs = statistics.median(cx["ours"]), statistics.median(cx["collatex"])
        lines.append("")
        lines.append(f"Alignment of the small input: Variorum {fmt_ms(ours)}, CollateX "
                     f"{fmt_ms(theirs)}: **{theirs / ours:,.0f}× faster**. Of "
                     f"{cx['words_a']:,}/{cx['words_b']:,} words, {cx['aligned_by_both']:,} "
                     f"pairs are aligned identically by both; {cx['only_ours']} only by "
                     f"Variorum, {cx['only_collatex']} only by CollateX.")
    return lines


def check_targets(results: dict) -> list[str]:
    notes = []
    for size, targets in TARGETS.items():
        r = results["sizes"].get(size)
        if not r:
            continue
        for key, limit in targets.items():
            if key == "keystroke_p95":
                value = summary(r["keystroke"])["p95"]
            elif key == "peak_rss_mb":
                value = r["peak_rss_mb"]
            else:
                value = statistics.median(r[key])
            ok = value <= limit
            unit = "MB" if key == "peak_rss_mb" else "s"
            notes.append(f"{'met   ' if ok else 'MISSED'} {size} {key}: {value:.3f} {unit} "
                         f"(target {limit} {unit})")
    for size, r in results["sizes"].items():
        ratio = statistics.median(r["open_model"]) / statistics.median(r["lxml_parse"])
        notes.append(f"{'met   ' if ratio <= 5 else 'MISSED'} {size} open/lxml: {ratio:.1f}× "
                     "(target ≤ 5×)")
    cx = results.get("collatex")
    if cx and cx.get("collatex"):
        speedup = statistics.median(cx["collatex"]) / statistics.median(cx["ours"])
        notes.append(f"{'met   ' if speedup >= 1000 else 'MISSED'} small alignment vs CollateX: "
                     f"{speedup:,.0f}× (target ≥ 1000×)")
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Variorum's benchmarks.")
    parser.add_argument("sizes", nargs="*", default=["small", "long", "very-long"])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement")
    parser.add_argument("--no-collatex", action="store_true")
    args = parser.parse_args()
    results = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                           "cpus": os.cpu_count()},
               "sizes": {}}
    for size in args.sizes:
        print(f"measuring {size}…", file=sys.stderr, flush=True)
        results["sizes"][size] = run_size(size, args.runs)
    if not args.no_collatex and "small" in args.sizes:
        print("measuring CollateX on the small input…", file=sys.stderr, flush=True)
        results["collatex"] = collatex_baseline()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("\n".join(print_table(results)))
    print()
    print("\n".join(check_targets(results)))
    print(f"\n(written to {OUT / 'results.json'})")


if __name__ == "__main__":
    main()
