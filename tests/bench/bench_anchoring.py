"""Benchmark of anchoring: mapping annotations through a keystroke, and re-anchoring after
a witness text is replaced.  Prints figures; it is not a test.

    python -m tests.bench.bench_anchoring [--annotations 50000] [--chars 600000] [--runs 7]

1. One keystroke (``operations.edit_text`` inserting one character) in a witness of about
   600,000 characters holding 50,000 annotations (plus a second witness with variants
   pointing into the first): median, spread and 95th percentile over many keystrokes at
   random places, then at the start, middle and end; and the cost of undoing one.
2. Re-anchoring every annotation after the witness text is replaced by a lightly corrected
   version (words corrected, phrases deleted and inserted, paragraphs moved): the diff
   alone, then the whole of ``reanchor``, median and spread over several runs, with the
   outcome counts.

Inputs come from a fixed random seed over the seed telegram's vocabulary, so every run
measures the same work.
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import statistics
import time
from pathlib import Path

from editor.anchor.reanchor import reanchor
from editor.anchor.textdiff import diff_step_map
from editor.model import Annotation, Edition, Span, Witness
from editor.model import operations as ops

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = ROOT / "samples" / "mikoyan-telegram-1956-09-19.txt"
SEED = 19560919
KINDS = ["addition", "deletion", "supplied", "sic", "unclear", "note", "substitution",
         "expansion", "gap"]


def vocabulary() -> list[str]:
    if SEED_TEXT.exists():
        words = sorted(set(re.findall(r"[A-Za-z][A-Za-z'\-]*",
                                      SEED_TEXT.read_text(encoding="utf-8"))))
        if len(words) > 100:
            return words
    return [f"word{i}" for i in range(1500)]


def make_text(rng: random.Random, words: list[str], chars: int) -> str:
    paragraphs, size = [], 0
    while size < chars:
        sentences = []
        for _ in range(rng.randint(3, 7)):
            sentence = [rng.choice(words) for _ in range(rng.randint(8, 24))]
            sentence[0] = sentence[0].capitalize()
            sentences.append(" ".join(sentence) + rng.choice([".", ".", ";", "?"]))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def make_edition(rng: random.Random, chars: int, annotations: int) -> Edition:
    words = vocabulary()
    edition = Edition()
    typed = make_text(rng, words, chars)
    edition.add_witness(Witness("typed", "Typed", "typed", typed))
    edition.add_witness(Witness("handwritten", "Handwritten", "handwritten",
                                make_text(rng, words, chars // 10)))
    starts = [m.start() for m in re.finditer(r"\w+", typed)]
    ends = [m.end() for m in re.finditer(r"\w+", typed)]
    other = edition.text("handwritten")
    for n in range(annotations):
        kind = rng.choice(KINDS)
        i = rng.randrange(len(starts) - 5)
        if kind == "note" and rng.random() < 0.7:
            start = end = ends[i]
        else:
            start, end = starts[i], ends[i + rng.randint(0, 3)]
        ann = Annotation(f"ann-{n + 1}", "typed", start, end, kind)
        if kind == "substitution":
            ann.attrs["split"] = str((end - start) // 2)
        edition.add_annotation(ann)
    # variants of the second witness pointing into the first (counterparts to map)
    for n in range(annotations // 20):
        i = rng.randrange(len(starts) - 3)
        o = rng.randrange(len(other) - 10)
        edition.add_annotation(Annotation(f"var-{n + 1}", "handwritten", o, o + 5, "variant",
                                          counterpart=Span("typed", starts[i], ends[i + 1])))
    return edition


def lightly_corrected(rng: random.Random, text: str, corrections: int = 300,
                      deletions: int = 20, insertions: int = 20, moves: int = 3) -> str:
    """The text with words corrected, phrases deleted and inserted, paragraphs moved."""
    words = list(re.finditer(r"\w+", text))
    edits = []
    for m in rng.sample(words, corrections):
        word = m.group()
        fixed = word[:-1] + "e" if len(word) > 3 else word.upper()
        edits.append((m.start(), m.end(), fixed))
    for m in rng.sample(words, deletions):
        end = text.find(".", m.start(), m.start() + 200)
        if end != -1:
            edits.append((m.start(), end, ""))
    for m in rng.sample(words, insertions):
        edits.append((m.start(), m.start(), "newly inserted words "))
    edits.sort()
    out, last = [], 0
    for start, end, new in edits:
        if start < last:
            continue
        out.append(text[last:start])
        out.append(new)
        last = end
    out.append(text[last:])
    paragraphs = "".join(out).split("\n\n")
    for _ in range(moves):
        paragraph = paragraphs.pop(rng.randrange(len(paragraphs)))
        paragraphs.insert(rng.randrange(len(paragraphs)), paragraph)
    return "\n\n".join(paragraphs)


class Clock:
    """Wall-clock and processor time of one measured call (the machine may be shared:
    processor time is what this process spent, wall time what a user would wait)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def spread(clocks: list[Clock]) -> str:
    """Median, interquartile range and 95th percentile of the wall times, and the median
    processor time, in milliseconds."""
    ms = sorted(c.wall * 1000 for c in clocks)
    cpu = statistics.median(c.cpu * 1000 for c in clocks)
    if len(ms) > 1:
        q = statistics.quantiles(ms, n=20)
        quartiles = statistics.quantiles(ms, n=4)
        q1, q3, p95 = quartiles[0], quartiles[2], q[18]
    else:
        q1 = q3 = p95 = ms[0]
    return (f"median {statistics.median(ms):8.2f} ms  IQR {q1:7.2f}-{q3:7.2f}  "
            f"p95 {p95:8.2f}  (cpu median {cpu:8.2f}; n={len(ms)})")


def bench_keystroke(edition: Edition, rng: random.Random, keystrokes: int) -> None:
    text_length = len(edition.text("typed"))
    typing, undoing = [], []
    for _ in range(keystrokes):
        at = rng.randrange(text_length)
        with Clock() as clock:
            change = ops.edit_text(edition, "typed", at, at, "x")
        typing.append(clock)
        with Clock() as clock:
            ops.undo(edition, change)
        undoing.append(clock)
    print(f"  one keystroke, random places    {spread(typing)}")
    print(f"  undoing it                      {spread(undoing)}")
    for name, at in (("start", 0), ("middle", text_length // 2), ("end", text_length)):
        samples = []
        for _ in range(max(5, keystrokes // 10)):
            with Clock() as clock:
                change = ops.edit_text(edition, "typed", at, at, "x")
            samples.append(clock)
            ops.undo(edition, change)
        print(f"  one keystroke at the {name:<6}     {spread(samples)}")


def bench_reanchor(edition: Edition, new_text: str, runs: int) -> None:
    old_text = edition.text("typed")
    diffs = []
    for _ in range(runs):
        with Clock() as clock:
            step = diff_step_map(old_text, new_text)
        diffs.append(clock)
    print(f"  the diff alone ({len(step.ranges)} ranges)     {spread(diffs)}")
    timings, report = [], None
    for _ in range(runs):
        fresh = copy.deepcopy(edition)
        with Clock() as clock:
            report = reanchor(fresh, "typed", new_text)
        timings.append(clock)
    print(f"  re-anchoring everything         {spread(timings)}")
    counts = report.counts()
    searched = sum(1 for r in report.results if r.outcome != "exact")
    print(f"  outcomes: {report.summary()}")
    print(f"  ({searched} of {len(report.results)} ranges needed a search; "
          f"{counts['fuzzy'] + counts['orphaned']} annotations need review)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_anchoring",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", type=int, default=50_000)
    parser.add_argument("--chars", type=int, default=600_000)
    parser.add_argument("--keystrokes", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5, help="re-anchoring runs")
    parser.add_argument("--reanchor-annotations", type=int, default=10_000,
                        help="annotations in the edition re-anchored (the long benchmark "
                             "edition has 10,000)")
    args = parser.parse_args(argv)

    rng = random.Random(SEED)
    start = time.perf_counter()
    edition = make_edition(rng, args.chars, args.annotations)
    print(f"Edition: {len(edition.text('typed')):,} characters, "
          f"{len(edition.annotations):,} annotations (built in "
          f"{time.perf_counter() - start:.1f} s, seed {SEED})")
    print("\nMapping annotations through one keystroke (operations.edit_text)")
    bench_keystroke(edition, random.Random(SEED + 1), args.keystrokes)

    new_text = lightly_corrected(random.Random(SEED + 2), edition.text("typed"))
    for count in sorted({args.reanchor_annotations, args.annotations}):
        subset = make_edition(random.Random(SEED), args.chars, count) \
            if count != args.annotations else edition
        print(f"\nRe-anchoring {len(subset.annotations):,} annotations after replacing the "
              f"{len(subset.text('typed')):,}-character text by a lightly corrected one "
              f"({len(new_text):,} characters)")
        bench_reanchor(subset, new_text, args.runs)


if __name__ == "__main__":
    main()
