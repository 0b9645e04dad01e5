"""Hostile and broken input: nothing gets in, nothing crashes, every refusal says what and
where, and what can be kept is kept.

Attacks (entity bombs, external entities, DTDs, absurd depth and size) go through the
native reader, the TEI importer and the command line; broken files (malformed, wrong kind,
binary, empty, other encodings, bad annotations) through every reader that could be given
them.  "No file read" is proven with inotify (Linux), "nothing fetched" with a local HTTP
server counting requests, "bounded memory" with ``getrusage`` in a fresh process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import http.server
import json
import os
import re
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lxml import etree

from editor.cli import main as cli_main
from editor.errors import FileFormatError, UnsafeInputError, VariorumError
from editor.formats import native, xmlsafe
from editor.formats.registry import importer
from editor.io.textfile import decode_text

from conftest import ROOT, build_sample_edition

TEI_NS = "http://www.tei-c.org/ns/1.0"
SAMPLE_TEI = b"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title>
</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>
</teiHeader><text><body><p>Some <del>old</del><add>new</add> words.</p></body></text></TEI>
"""


def billion_laughs(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE TEI [{"".join(entities)}]>\n'
            f'<TEI xmlns="{TEI_NS}"><text><body><p>&lol{levels - 1};</p></body></text></TEI>'
            ).encode()


def native_bytes(edition=None) -> bytes:
    return native.to_bytes(edition or build_sample_edition())


def edited(data: bytes, change) -> bytes:
    """``data`` (a native file) after ``change(root)`` edits its tree."""
    root = etree.fromstring(data)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def annotations(root) -> list:
    return root.findall(f".//{{{TEI_NS}}}annotation")


XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


# ======================================================================================
# proofs: files opened, requests made


class FileOpens:
    """Counts the times a file is opened or read, through Linux's inotify."""

    IN_ACCESS, IN_OPEN = 0x1, 0x20

    def __init__(self, path):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        if self.fd < 0 or libc.inotify_add_watch(self.fd, os.fsencode(path),
                                                 self.IN_ACCESS | self.IN_OPEN) < 0:
            pytest.skip("inotify is not available")

    def count(self) -> int:
        events = 0
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return events
            offset = 0
            while offset < len(data):
                _wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                offset += 16 + length
                events += 1

    def close(self) -> None:
        os.close(self.fd)


@pytest.fixture
def secret(tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("file opens are observed with inotify (Linux)")
    path = tmp_path / "secret.txt"
    path.write_text("THE-SECRET-PASSWORD")
    watch = FileOpens(path)
    yield path, watch
    watch.close()


@pytest.fixture
def web_server():
    """A local HTTP server that counts the requests it gets."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the library's name
            requests.append(self.path)
            body = b'<!ENTITY leak "FETCHED-FROM-THE-NETWORK">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def xxe_documents(secret_path: Path, url: str) -> dict[str, bytes]:
    file_url = secret_path.as_uri()
    body = f'<TEI xmlns="{TEI_NS}"><text><body><p>&leak;</p></body></text></TEI>'
    return {
        "file entity": f'<!DOCTYPE TEI [<!ENTITY leak SYSTEM "{file_url}">]>{body}',
        "http entity": f'<!DOCTYPE TEI [<!ENTITY leak SYSTEM "{url}/e">]>{body}',
        "file parameter entity": f'<!DOCTYPE TEI [<!ENTITY % p SYSTEM "{file_url}"> %p;]>{body}',
        "http parameter entity": f'<!DOCTYPE TEI [<!ENTITY % p SYSTEM "{url}/p"> %p;]>{body}',
        "external DTD over http": f'<!DOCTYPE TEI SYSTEM "{url}/d.dtd">{body}',
        "external DTD from a file": f'<!DOCTYPE TEI SYSTEM "{file_url}">{body}',
        "XInclude": (f'<TEI xmlns="{TEI_NS}" xmlns:xi="http://www.w3.org/2001/XInclude"><text>'
                     f'<body><p><xi:include href="{file_url}" parse="text"/></p></body></text>'
                     '</TEI>'),
    }


def test_the_proofs_can_see_what_they_look_for(secret, web_server):
    """The watchers work: an ordinary read and an ordinary request are counted."""
    path, watch = secret
    url, requests = web_server
    path.read_text()
    assert watch.count() > 0
    import urllib.request
    urllib.request.urlopen(url + "/probe", timeout=5).read()
    assert requests == ["/probe"]


def test_external_entities_read_no_file_and_fetch_nothing(secret, web_server, tmp_path):
    path, watch = secret
    url, requests = web_server
    for name, document in xxe_documents(path, url).items():
        for encoding in ("utf-8", "utf-16", "utf-32"):
            data = document.encode(encoding)
            file = tmp_path / "attack.xml"
            file.write_bytes(data)
            outcomes = []
            for read in (lambda: native.load(file), lambda: importer("tei")(file),
                         lambda: xmlsafe.parse_bytes(data)):
                try:
                    result = read()
                except VariorumError as exc:
                    outcomes.append(str(exc))
                    continue
                # only XInclude parses (it is inert markup: nothing processes it)
                assert name == "XInclude", f"{name} ({encoding}) was not refused"
                edition = getattr(result, "edition", None)
                texts = "".join(w.text for w in edition.witnesses.values()) if edition else ""
                assert "SECRET" not in texts
            if name != "XInclude":
                assert all("DTD or entities" in message for message in outcomes), outcomes
    assert watch.count() == 0, "the secret file was opened"
    assert requests == [], "something was fetched"


def test_behind_the_first_check_the_parser_still_reads_and_fetches_nothing(secret, web_server):
    """The second line of defence alone: the lxml parser Variorum configures, given the
    attacks directly (as if the check of the bytes had missed them)."""
    path, watch = secret
    url, requests = web_server
    for name, document in xxe_documents(path, url).items():
        try:
            root = etree.fromstring(document.encode(), xmlsafe._parser("attack.xml"))
        except (etree.XMLSyntaxError, UnsafeInputError):
            continue
        text = "".join(root.itertext())
        assert "SECRET" not in text and "FETCHED" not in text, name
    assert watch.count() == 0, "the secret file was opened"
    assert requests == [], "something was fetched"


# ======================================================================================
# bombs, depth and size, with time and memory measured in a fresh process

MEASURE = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from editor.errors import VariorumError
from editor.formats import native


def status(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024


try:
    # Linux: restart the peak count here, so that it measures the read alone (ru_maxrss
    # would carry the peak of the process that started this one across exec)
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    before, peak = status("VmRSS"), lambda: status("VmHWM")
except OSError:
    scale = 1 if sys.platform == "darwin" else 1024
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    before = peak()
start = time.perf_counter()
try:
    native.load(sys.argv[2])
    outcome = "loaded"
except VariorumError as exc:
    outcome = str(exc)
seconds = time.perf_counter() - start
after = peak()
print(json.dumps({"outcome": outcome, "seconds": seconds, "grew": after - before,
                  "peak": after}))
"""


def measure_load(path) -> dict:
    if sys.platform == "win32":
        pytest.skip("resource.getrusage is POSIX only")
    done = subprocess.run([sys.executable, "-c", MEASURE, str(ROOT), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


MB = 1024 * 1024


@pytest.mark.parametrize("name, make, expected, memory", [
    ("billion laughs (10 levels)", lambda: billion_laughs(10), "DTD or entities", 20 * MB),
    ("100,000 levels deep", lambda: b"<TEI>" * 100_000 + b"</TEI>" * 100_000,
     "nested more than 200 levels", 20 * MB),
    ("5 million elements", lambda: b"<TEI>" + b"<p/>" * 5_000_000 + b"</TEI>",
     "too much markup", 80 * MB),
    ("3.6 million attributes", lambda: b"<TEI>" + b'<p a="" b="" c="" d=""/>' * 900_000
     + b"</TEI>", "too much markup", 80 * MB),
])
def test_bombs_are_refused_quickly_in_bounded_memory(tmp_path, safety_figures, name, make,
                                                     expected, memory):
    path = tmp_path / "bomb.xml"
    path.write_bytes(make())
    size = path.stat().st_size
    figures = measure_load(path)
    # the file is read (its size), nothing of the size parsing it would take is built
    assert figures["grew"] < size + memory, figures
    assert expected in figures["outcome"]
    safety_figures.add(f"hostile input: {name} ({size / MB:.1f} MB) refused in "
                       f"{figures['seconds'] * 1000:.0f} ms; peak memory grew "
                       f"{figures['grew'] / MB:.0f} MB (process peak {figures['peak'] / MB:.0f} "
                       "MB)")


def test_a_file_above_the_size_limit_is_refused_without_reading_it(tmp_path, safety_figures):
    path = tmp_path / "huge.xml"
    with open(path, "wb") as handle:                 # sparse: costs no disk
        handle.write(b"<TEI>")
        handle.truncate(xmlsafe.MAX_BYTES + 1)
    figures = measure_load(path)
    assert "Variorum reads XML files up to" in figures["outcome"]
    assert figures["grew"] < 20 * MB
    safety_figures.add(f"hostile input: a {path.stat().st_size / MB:.0f} MB file refused in "
                       f"{figures['seconds'] * 1000:.1f} ms without being read")


def test_a_document_at_the_depth_limit_still_loads_and_one_past_is_refused():
    inner = b"<seg>" * (xmlsafe.MAX_DEPTH - 1) + b"x" + b"</seg>" * (xmlsafe.MAX_DEPTH - 1)
    assert xmlsafe.parse_bytes(b"<r>" + inner + b"</r>").getroot().tag == "r"
    with pytest.raises(UnsafeInputError, match="nested more than 200"):
        xmlsafe.parse_bytes(b"<r><seg>" + inner + b"</seg></r>")


def test_a_dtd_alone_is_refused_with_advice():
    data = native_bytes().replace(b"<TEI", b'<!DOCTYPE TEI SYSTEM "tei_all.dtd">\n<TEI', 1)
    with pytest.raises(UnsafeInputError) as info:
        native.from_bytes(data, "e.xml")
    assert "remove that declaration" in str(info.value)


@pytest.mark.parametrize("data, message", [
    (b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE TEI+AD4-<TEI/>', "UTF-7"),
    ('<?xml version="1.0" encoding="cp037"?><TEI/>'.encode("cp037"), "EBCDIC"),
    (b'<?xml version="1.0" encoding="x-no-such-thing"?><TEI/>', "does not know"),
])
def test_encodings_that_could_hide_a_dtd_are_refused(data, message):
    with pytest.raises(UnsafeInputError, match=message):
        xmlsafe.parse_bytes(data, "odd.xml")


# ======================================================================================
# broken files: what and where


@pytest.mark.parametrize("data, message, line", [
    (b"<TEI xmlns='http://www.tei-c.org/ns/1.0'>\n<teiHeader>\n</TEI>",
     "not well-formed XML: Opening and ending tag mismatch", 3),
    (b"<TEI>\n<p>a & b</p></TEI>", "not well-formed XML", 2),
    (b"<TEI>\n\n<p>&nbsp;</p></TEI>", "Entity 'nbsp' not defined", 3),
    (b"<TEI><p>unfinished", "not well-formed XML", 1),
])
def test_malformed_xml_says_what_and_where(tmp_path, data, message, line):
    path = tmp_path / "broken.xml"
    path.write_bytes(data)
    for read in (native.load, importer("tei")):
        with pytest.raises(FileFormatError) as info:
            read(path)
        assert message in str(info.value)
        assert info.value.line == line
        assert str(info.value).startswith(f"{path}:{line}:")


@pytest.mark.parametrize("data, message", [
    (b"<html><body><p>hello</p></body></html>", "its root element is <html>, not <TEI>"),
    (b"<TEI><teiHeader/></TEI>", "not in the TEI namespace"),
    (SAMPLE_TEI, "not a Variorum edition; use Import"),
    (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "root element is <svg>"),
])
def test_the_wrong_kind_of_xml_is_named(data, message):
    with pytest.raises(FileFormatError, match=re.escape(message)):
        native.from_bytes(data, "wrong.xml")


def test_the_wrong_kind_of_xml_for_the_tei_importer(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"<html><body><p>hello</p></body></html>")
    with pytest.raises(FileFormatError, match="not a TEI document"):
        importer("tei")(path)


BINARIES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "docx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00",
    "random": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("kind", sorted(BINARIES))
def test_binary_files_are_refused_by_every_reader(tmp_path, kind):
    path = tmp_path / f"file.{kind}"
    path.write_bytes(BINARIES[kind])
    readers = {
        "native": native.load,
        "tei": importer("tei"),
        "brackets": importer("brackets"),
        "texts": lambda p: importer("texts")(paths=[("typed", p)]),
    }
    for name, read in readers.items():
        with pytest.raises(FileFormatError, match="binary") as info:
            read(path)
        assert str(path) in str(info.value), name
    if kind == "docx":
        with pytest.raises(FileFormatError, match="Word"):
            importer("brackets")(path)


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_files_are_named_empty(tmp_path, data):
    path = tmp_path / "empty.xml"
    path.write_bytes(data)
    for read in (native.load, importer("tei")):
        with pytest.raises(FileFormatError, match="empty"):
            read(path)
    # a plain transcription may be empty: the importers keep it and say so
    result = importer("brackets")(path)
    assert all(w.text == "" for w in result.edition.witnesses.values())


def test_a_native_edition_in_other_encodings_loads_the_same(tmp_path):
    edition = build_sample_edition()
    edition.witnesses["typed"].text = edition.witnesses["typed"].text.replace("𝔄", "é")
    edition.witnesses["handwritten"].text = edition.witnesses["handwritten"].text.replace(
        "𝔄", "é")
    text = native_bytes(edition).decode("utf-8")
    expected = native.from_bytes(text.encode("utf-8")).edition
    body = text.split("?>", 1)[1]
    variants = {
        "utf-8 with a BOM": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf-16 with a BOM": ('<?xml version="1.0" encoding="UTF-16"?>' + body).encode("utf-16"),
        "utf-16-be with a BOM": b"\xfe\xff" + ('<?xml version="1.0" encoding="UTF-16"?>'
                                                + body).encode("utf-16-be"),
        "utf-16 without a BOM": ('<?xml version="1.0" encoding="UTF-16"?>'
                                 + body).encode("utf-16-le"),
        "latin-1": ('<?xml version="1.0" encoding="ISO-8859-1"?>' + body).encode("latin-1"),
    }
    for name, data in variants.items():
        path = tmp_path / "e.xml"
        path.write_bytes(data)
        assert native.load(path).edition == expected, name


@pytest.mark.parametrize("encoding, data", [
    ("latin-1", "Café, naïve, Straße — no".replace("—", "-").encode("latin-1")),
    ("cp1252", "“Quoted” – café".encode("cp1252")),
    ("utf-8 BOM", b"\xef\xbb\xbf" + "Café 𝔄".encode("utf-8")),
    ("utf-16 BOM", "Café 𝔄".encode("utf-16")),
    ("utf-16-be BOM", b"\xfe\xff" + "Café 𝔄".encode("utf-16-be")),
    ("utf-16 without BOM", "Plain café text".encode("utf-16-le")),
])
def test_plain_text_in_other_encodings_is_decoded(tmp_path, encoding, data):
    expected = decode_text(data)[0]
    assert "Caf" in expected or "Quoted" in expected or "café" in expected
    assert "\ufeff" not in expected and "\x00" not in expected
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    result = importer("texts")(paths=[("typed", path)])
    assert result.edition.text("typed") == expected
    brackets = importer("brackets")(path)
    assert "".join(w.text for w in brackets.edition.witnesses.values()).strip()


def test_text_that_says_utf16_but_is_not_is_a_clear_error():
    with pytest.raises(FileFormatError, match="UTF-16 but is not"):
        decode_text(b"\xff\xfe\x00\xd8", "t.txt")      # a lone surrogate


# ======================================================================================
# annotations that point outside their text, overlap oddly or repeat an id


def test_annotations_outside_their_text_are_kept_as_orphans_with_their_line():
    def change(root):
        first, second, third = annotations(root)
        first.set("target", "#string-range(typed-p1,7600,12)")
        second.set("target", "#string-range(no-such-paragraph,0,3)")
        third.set("target", "#string-range(typed-p1,-5,3)")
    result = native.from_bytes(edited(native_bytes(), change), "e.xml")
    edition = result.edition
    assert len(edition.annotations) == 3                      # nothing dropped
    orphans = [a for a in edition.annotations.values() if a.status == "orphaned"]
    assert len(orphans) == 3
    messages = [str(p) for p in result.problems]
    assert any("points to characters 7600-7612 of paragraph 'typed-p1'" in m
               and "kept as an orphan" in m and "(line " in m for m in messages)
    assert any("'no-such-paragraph', which does not exist" in m for m in messages)
    assert any("does not understand" in m for m in messages)
    # and the mended edition saves and loads again
    again = native.from_bytes(native.to_bytes(edition))
    assert again.edition == edition and not again.problems


def test_ranges_that_end_before_they_start_or_cross_witnesses_are_reported():
    def change(root):
        first, second, _third = annotations(root)
        first.set("target", "#range(string-range(typed-p2,10,0),string-range(typed-p1,5,0))")
        second.set("target",
                   "#range(string-range(typed-p1,0,0),string-range(handwritten-p1,5,0))")
    result = native.from_bytes(edited(native_bytes(), change), "e.xml")
    messages = " ".join(str(p) for p in result.problems)
    assert "ends before it starts" in messages
    assert "starts in one witness and ends in another" in messages
    assert len(result.edition.annotations) == 3


def test_overlapping_and_repeated_ranges_are_kept_as_they_are():
    edition = build_sample_edition()
    from editor.model import operations as ops
    ops.add_annotation(edition, "typed", 0, 20, "unclear")
    ops.add_annotation(edition, "typed", 10, 30, "deletion")       # crosses the first
    ops.add_annotation(edition, "typed", 10, 30, "deletion")       # repeats the second
    ops.add_annotation(edition, "typed", 15, 15, "gap")            # a point inside both
    result = native.from_bytes(native.to_bytes(edition), "e.xml")
    assert result.edition == native.from_bytes(native.to_bytes(edition)).edition
    assert len(result.edition.annotations) == len(edition.annotations)
    assert not result.problems


def test_a_repeated_id_is_renamed_and_reported_with_its_line():
    def change(root):
        for ann in annotations(root):
            ann.set(XML_ID, "same")
    result = native.from_bytes(edited(native_bytes(), change), "e.xml")
    assert len(result.edition.annotations) == 3
    duplicates = [p for p in result.problems if p.code == "duplicate-id"]
    assert len(duplicates) == 2
    assert all("'same' was used twice" in p.message and "(line " in p.message
               for p in duplicates)
    assert "same" in result.edition.annotations


def test_an_id_repeating_a_witness_or_hand_is_renamed():
    def change(root):
        annotations(root)[0].set(XML_ID, "typed")
        annotations(root)[1].set(XML_ID, "hand-1")
    result = native.from_bytes(edited(native_bytes(), change), "e.xml")
    assert len(result.edition.annotations) == 3
    assert "typed" not in result.edition.annotations
    assert "hand-1" not in result.edition.annotations
    assert sum(p.code == "duplicate-id" for p in result.problems) == 2


def test_a_counterpart_outside_its_text_is_dropped_and_the_annotation_kept():
    def change(root):
        variant = annotations(root)[2]
        variant.set("target", variant.get("target").replace("typed-p2,38,0", "typed-p2,999,4"))
    result = native.from_bytes(edited(native_bytes(), change), "e.xml")
    ann = [a for a in result.edition.annotations.values() if a.kind == "variant"][0]
    assert ann.counterpart is None and ann.status != "orphaned"
    assert any(p.code == "bad-counterpart" for p in result.problems)


# ======================================================================================
# the command line: one line on stderr, no traceback, an exit status


def run_cli(args, capsys) -> tuple[int, str, str]:
    status = cli_main(list(map(str, args)))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


HOSTILE_FILES = {
    "bomb.xml": billion_laughs(),
    "deep.xml": b"<TEI>" * 100_000 + b"</TEI>" * 100_000,
    "broken.xml": b"<TEI>\n<teiHeader>",
    "page.html": b"<html><body/></html>",
    "image.png": BINARIES["png"],
    "empty.xml": b"",
    "utf7.xml": b'<?xml version="1.0" encoding="UTF-7"?><TEI/>',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_validate_refuses_in_one_line_with_status_2(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE_FILES[name])
    status, out, err = run_cli(["validate", path], capsys)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("variorum: ")
    assert str(path) in err


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_import_refuses_in_one_line_with_status_1(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE_FILES[name])
    output = tmp_path / "out.variorum.xml"
    fmt = [] if name.endswith((".png", ".xml")) else ["--format", "tei"]
    status, out, err = run_cli(["import", path, "-o", output, *fmt], capsys)
    assert status == 1, (out, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("variorum: ")
    assert not output.exists()


def test_validate_lists_bad_annotations_with_status_1(tmp_path, capsys):
    def change(root):
        annotations(root)[0].set("target", "#string-range(typed-p1,7600,12)")
        annotations(root)[1].set(XML_ID, annotations(root)[2].get(XML_ID))
    path = tmp_path / "e.xml"
    path.write_bytes(edited(native_bytes(), change))
    status, out, err = run_cli(["validate", path], capsys)
    assert status == 1
    assert "7600" in out and "used twice" in out


def test_the_real_command_prints_no_traceback(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(billion_laughs())
    for args, status in ((["validate", bomb], 2), (["import", bomb, "-o", tmp_path / "o.xml"], 1),
                         (["export", bomb, "--to", "html"], 2)):
        done = subprocess.run([sys.executable, "-m", "editor", *map(str, args)],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert done.returncode == status, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.count("\n") == 1 and "DTD or entities" in done.stderr


# ======================================================================================
# the HTML export of a hostile edition


EVIL = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_a_hostile_edition_exports_to_inert_html(tmp_path):
    from lxml import html as lxml_html

    from editor.formats.registry import ExportOptions, exporter
    edition = build_sample_edition()
    edition.metadata.title = EVIL
    edition.metadata.source = EVIL
    edition.metadata.summary = "javascript:alert(3) " + EVIL
    edition.witnesses["typed"].label = EVIL
    edition.witnesses["typed"].text += "\n\n" + EVIL
    edition.hands["hand-1"].label = EVIL
    for ann in edition.annotations.values():
        ann.note = EVIL
        ann.attrs["rend"] = EVIL
    data = native.to_bytes(edition)
    # ids are attributes in the file: a hostile file can put anything in them
    data = data.replace(b'xml:id="ann-1"', b'xml:id="a&quot;&gt;&lt;script&gt;alert(4)&lt;/'
                                           b'script&gt;"')
    path = tmp_path / "hostile.variorum.xml"
    path.write_bytes(data)
    loaded = native.load(path).edition
    page = exporter("html")(loaded, ExportOptions()).decode("utf-8")
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//script") == []
    assert tree.xpath("//img | //iframe | //object | //embed") == []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert not value.strip().lower().startswith("javascript:"), (element.tag, name)
    assert "alert(1)" in tree.text_content()           # shown, as text


@pytest.mark.parametrize("version", ["0", "-3", "two", "99"])
def test_an_impossible_format_version_is_named(version):
    """Found by the fuzz tests: version 0 or below once ended in a KeyError."""
    data = native_bytes().replace(b'ident="variorum" version="1"',
                                  f'ident="variorum" version="{version}"'.encode())
    with pytest.raises(FileFormatError, match="version"):
        native.from_bytes(data, "e.xml")
