"""Fuzzing: the file reader and the importers fed random and mutated input.

Real files (the samples, the shared TEI test documents, the bracketed texts) are mutated
byte by byte (flips, truncations, deletions, duplications, insertions of tokens that
trouble parsers) and, for XML, element by element (removed, duplicated, moved, random
attributes and text, numbers in pointers changed).  The only outcomes allowed are an
edition, which must save and load again, or the project's own :class:`VariorumError`;
anything else, or a case that runs for more than :data:`CASE_SECONDS`, fails.

About 3,000 cases run in the normal test run (``VARIORUM_FUZZ_SCALE=10`` runs ten times
more); their counts and outcomes are printed at the end of the session.
"""

from __future__ import annotations

import copy
import os
import re
import signal
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from editor.errors import VariorumError
from editor.formats import native
from editor.formats.registry import importer
from editor.model.validate import validate_edition

from conftest import SAMPLES, TEI_TESTDATA, build_sample_edition

SCALE = float(os.environ.get("VARIORUM_FUZZ_SCALE", "1"))
#: a single case running longer than this is a hang
CASE_SECONDS = 20


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


FUZZ = dict(deadline=None, derandomize=False,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.function_scoped_fixture])

# -- the seeds ----------------------------------------------------------------------------

NATIVE_SEEDS = [native.to_bytes(build_sample_edition())] + [
    p.read_bytes() for p in sorted(SAMPLES.glob("*.variorum.xml"))]
TEI_SEEDS = [p.read_bytes() for p in sorted(TEI_TESTDATA.glob("*.xml"))] or [b"""<?xml
version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>T</title></titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/>
</sourceDesc></fileDesc></teiHeader><text><body><p>A <del>b</del><add>c</add></p></body>
</text></TEI>"""]
TEXT_SEEDS = [p.read_bytes() for p in sorted(SAMPLES.glob("*.txt"))]

TOKENS = [b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x110000;", b"&nbsp;", b"]]>", b"<![CDATA[",
          b"<!--", b"-->", b"<?pi x?>", b"<!DOCTYPE TEI>", b"<!ENTITY x 'y'>", b"\x00",
          b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff", b"\xed\xa0\x80", b"\xc3",
          b"\r", b"\r\n", b"\n\n", b"\t", b"\x0b", b"[", b"]", b"[[", b"]]", b"[SIC]",
          b"[inserted by hand: ", b"[Translator's note: ", b"[in the handwritten version: ",
          b"[deleted in the handwritten version: ", b"\xe2\x80\x94", b"\xf0\x9d\x94\x84",
          b'"', b"'", b"=", b"/>", b"</", b"xml:id=\"ann-1\"", b"9999999999999999999", b"-1"]

BYTE_OPS = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 400)),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 400)),
    st.tuples(st.just("insert"), st.floats(0, 1),
              st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=12)),
)


def mutate_bytes(data: bytes, operations) -> bytes:
    for op in operations:
        at = int(op[1] * len(data)) if data else 0
        if op[0] == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ op[2]]) + data[at + 1:]
        elif op[0] == "truncate":
            data = data[:at]
        elif op[0] == "delete":
            data = data[:at] + data[at + op[2]:]
        elif op[0] == "duplicate":
            data = data[:at + op[2]] + data[at:]
        elif op[0] == "insert":
            data = data[:at] + op[2] + data[at:]
    return data


XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
ATTR_NAMES = st.sampled_from([XML_ID, "target", "subtype", "type", "status", "when", "who",
                              "version", "corresp", "hand", "wit", "n", "split", "value",
                              "ident", "resp", "cert", "place", "rend", "ulx", "lrx", "url",
                              "points", "quantity", "extent", "motivation"]) \
    | st.from_regex(r"[a-z]{1,8}", fullmatch=True)
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
                   | st.sampled_from("\n\t"), max_size=40)
ATTR_VALUES = st.sampled_from([
    "", "-1", "0", "1", "99999999999999999999", "NaN", "1e309", "#", "#typed", "typed",
    "handwritten", "ann-1", "hand-1", "#string-range(typed-p1,0,5)", "#string-range(typed-p1,-3,2)",
    "#string-range(typed-p1,5,99999999)", "#string-range(nowhere,0,1)",
    "#range(string-range(typed-p1,5,0),string-range(typed-p1,2,0))",
    "#range(string-range(typed-p1,0,0),string-range(handwritten-p1,3,0))",
    "#string-range(typed-p1,0,5) #string-range(typed-p1,0,5) #x", "orphaned", "rejected",
    "variant", "unknown-kind", "remark", "2024-13-45", "0,0 10,10 zz", "2", "#hand-1 #ghost",
]) | XML_TEXT

TREE_OPS = st.one_of(
    st.tuples(st.just("remove"), st.floats(0, 1)),
    st.tuples(st.just("duplicate"), st.floats(0, 1)),
    st.tuples(st.just("move"), st.floats(0, 1), st.floats(0, 1)),
    st.tuples(st.just("attribute"), st.floats(0, 1), ATTR_NAMES, ATTR_VALUES),
    st.tuples(st.just("drop-attribute"), st.floats(0, 1), ATTR_NAMES),
    st.tuples(st.just("text"), st.floats(0, 1), XML_TEXT),
    st.tuples(st.just("number"), st.floats(0, 1),
              st.integers(-5, 10) | st.integers(-10**12, 10**12)),
)


def mutate_tree(data: bytes, operations) -> bytes:
    """``data`` (well-formed XML from a trusted seed) with elements changed."""
    root = etree.fromstring(data)
    for op in operations:
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        element = elements[min(int(op[1] * len(elements)), len(elements) - 1)]
        parent = element.getparent()
        if op[0] == "remove" and parent is not None:
            parent.remove(element)
        elif op[0] == "duplicate" and parent is not None:
            element.addnext(copy.deepcopy(element))
        elif op[0] == "move" and parent is not None:
            target = elements[min(int(op[2] * len(elements)), len(elements) - 1)]
            if element not in target.iterancestors() and target is not element:
                target.append(element)
        elif op[0] == "attribute":
            element.set(op[2], op[3])
        elif op[0] == "drop-attribute":
            element.attrib.pop(op[2], None)
        elif op[0] == "text":
            element.text = op[2]
        elif op[0] == "number":
            # change one number inside a pointer or a coordinate
            for name, value in element.attrib.items():
                if re.search(r"\d+", value):
                    element.set(name, re.sub(r"\d+", str(op[2]), value, count=1))
                    break
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# -- running one case ---------------------------------------------------------------------

class Hang(Exception):
    pass


def _alarm(_signum, _frame):
    raise Hang(f"a case ran for more than {CASE_SECONDS} s")


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="variorum-fuzz-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def tally(safety_figures):
    counts: dict[str, Counter] = {}
    yield counts
    for name, counter in counts.items():
        total = sum(counter.values())
        detail = ", ".join(f"{n} {what}" for what, n in counter.most_common())
        safety_figures.add(f"fuzz {name}: {total} cases ({detail})")


def run_case(tally, name: str, read) -> None:
    """Read once; allow an edition (which must save and load again) or a VariorumError."""
    counter = tally.setdefault(name, Counter())
    use_alarm = hasattr(signal, "SIGALRM")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(CASE_SECONDS)
    try:
        try:
            result = read()
        except VariorumError as exc:
            counter[f"refused ({type(exc).__name__})"] += 1
            assert str(exc).strip(), "an error without a message"
            return
        edition = result.edition
        validate_edition(edition)                      # reports, never raises
        again = native.from_bytes(native.to_bytes(edition))
        assert set(again.edition.witnesses) == set(edition.witnesses)
        assert len(again.edition.annotations) == len(edition.annotations)
        counter["loaded"] += 1
    finally:
        if use_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def write(workdir: Path, name: str, data: bytes) -> Path:
    path = workdir / name
    path.write_bytes(data)
    return path


# -- the native reader ----------------------------------------------------------------------

@settings(max_examples=examples(700), **FUZZ)
@given(seed=st.sampled_from(NATIVE_SEEDS), operations=st.lists(BYTE_OPS, min_size=1,
                                                                  max_size=4))
def test_native_reader_with_mutated_bytes(tally, workdir, seed, operations):
    data = mutate_bytes(seed, operations)
    path = write(workdir, "e.xml", data)
    run_case(tally, "native reader, bytes mutated", lambda: native.load(path))


@settings(max_examples=examples(600), **FUZZ)
@given(seed=st.sampled_from(NATIVE_SEEDS), operations=st.lists(TREE_OPS, min_size=1,
                                                                  max_size=6),
       then=st.lists(BYTE_OPS, max_size=1))
def test_native_reader_with_mutated_elements(tally, seed, operations, then):
    data = mutate_bytes(mutate_tree(seed, operations), then)
    run_case(tally, "native reader, elements mutated", lambda: native.from_bytes(data, "e.xml"))


@settings(max_examples=examples(150), **FUZZ)
@given(data=st.binary(max_size=600))
def test_native_reader_with_random_bytes(tally, data):
    run_case(tally, "native reader, random bytes", lambda: native.from_bytes(data, "e.xml"))


# -- the importers ---------------------------------------------------------------------------

@settings(max_examples=examples(250), **FUZZ)
@given(seed=st.sampled_from(TEI_SEEDS), operations=st.lists(TREE_OPS, min_size=1, max_size=5),
       then=st.lists(BYTE_OPS, max_size=2))
def test_tei_importer_with_mutated_files(tally, workdir, seed, operations, then):
    data = mutate_bytes(mutate_tree(seed, operations), then)
    path = write(workdir, "t.xml", data)
    run_case(tally, "TEI importer, mutated", lambda: importer("tei")(path))


@settings(max_examples=examples(150), **FUZZ)
@given(seed=st.sampled_from(TEI_SEEDS + NATIVE_SEEDS),
       operations=st.lists(BYTE_OPS, min_size=1, max_size=4))
def test_tei_importer_with_mutated_bytes(tally, workdir, seed, operations):
    path = write(workdir, "t.xml", mutate_bytes(seed, operations))
    run_case(tally, "TEI importer, bytes mutated", lambda: importer("tei")(path))


@settings(max_examples=examples(400), **FUZZ)
@given(seed=st.sampled_from(TEXT_SEEDS), operations=st.lists(BYTE_OPS, min_size=1,
                                                                max_size=6))
def test_brackets_importer_with_mutated_texts(tally, workdir, seed, operations):
    path = write(workdir, "b.txt", mutate_bytes(seed, operations))
    run_case(tally, "brackets importer, mutated", lambda: importer("brackets")(path))


@settings(max_examples=examples(150), **FUZZ)
@given(text=st.text(st.sampled_from("ab [ ]:\n\u2014") | st.characters(), max_size=300))
def test_brackets_importer_with_random_text(tally, workdir, text):
    path = write(workdir, "b.txt", text.encode("utf-8", "surrogatepass"))
    run_case(tally, "brackets importer, random text", lambda: importer("brackets")(path))


@settings(max_examples=examples(300), **FUZZ)
@given(first=st.sampled_from(TEXT_SEEDS), second=st.sampled_from(TEXT_SEEDS),
       operations=st.lists(BYTE_OPS, min_size=1, max_size=4),
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig", "latin-1"]))
def test_texts_importer_with_mutated_transcriptions(tally, workdir, first, second, operations,
                                                    encoding):
    one = write(workdir, "typed.txt", mutate_bytes(first, operations))
    text = second.decode("utf-8", "replace")
    two = write(workdir, "hand.txt", text.encode(encoding, "replace"))
    run_case(tally, "texts importer, mutated",
             lambda: importer("texts")(paths=[("typed", one), ("handwritten", two)]))


@settings(max_examples=examples(100), **FUZZ)
@given(data=st.binary(max_size=400))
def test_every_importer_with_random_bytes(tally, workdir, data):
    path = write(workdir, "r.bin", data)
    for name, read in (("tei", lambda: importer("tei")(path)),
                       ("brackets", lambda: importer("brackets")(path)),
                       ("texts", lambda: importer("texts")(paths=[("typed", path)]))):
        run_case(tally, f"{name} importer, random bytes", read)
