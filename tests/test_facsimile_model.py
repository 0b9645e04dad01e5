"""Facsimiles in the model: image headers, paths, page and region operations (one undo
step each), mapping through text edits, and the native file's facsimile/surface/zone."""

from __future__ import annotations

import os
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.errors import FileFormatError
from editor.formats import native
from editor.model import facsimile
from editor.model import operations as ops
from editor.model.edition import Edition, Surface, Witness, Zone
from tests.conftest import build_sample_edition


# -- image files made by hand (no imaging library needed) ------------------------------------

def write_png(path, width: int, height: int) -> str:
    """A real (grey, 8-bit) PNG."""
    raw = b"".join(b"\x00" + bytes((x * 5 + y) % 256 for x in range(width))
                   for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    with open(path, "wb") as handle:
        handle.write(data)
    return str(path)


def write_tiff(path, sizes, thumbnail: int | None = None, big_endian: bool = False) -> str:
    """A real multi-page TIFF (uncompressed, 8-bit grey), one directory per size; the
    directory ``thumbnail`` is marked as a reduced-resolution copy."""
    e = ">" if big_endian else "<"
    out = bytearray((b"MM\x00*" if big_endian else b"II*\x00") + struct.pack(e + "I", 0))
    next_pointer = 4
    for index, (width, height) in enumerate(sizes):
        pixels = bytes((x * 7 + y * 3 + index * 50) % 256 for y in range(height)
                       for x in range(width))
        strip = len(out)
        out += pixels
        if len(out) % 2:
            out += b"\x00"
        entries = [(254, 4, 1 if index == thumbnail else 2), (256, 4, width), (257, 4, height),
                   (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, strip), (277, 3, 1),
                   (278, 4, height), (279, 4, len(pixels))]
        directory = len(out)
        struct.pack_into(e + "I", out, next_pointer, directory)
        out += struct.pack(e + "H", len(entries))
        for tag, kind, value in entries:
            if kind == 3:
                out += struct.pack(e + "HHIHH", tag, kind, 1, value, 0)
            else:
                out += struct.pack(e + "HHII", tag, kind, 1, value)
        next_pointer = len(out)
        out += struct.pack(e + "I", 0)
    with open(path, "wb") as handle:
        handle.write(out)
    return str(path)


def jpeg_header(width: int, height: int, progressive: bool = False) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = (b"\xff" + (b"\xc2" if progressive else b"\xc0") + struct.pack(">HBHHB", 11, 8, height,
                                                                          width, 1)
           + b"\x01\x11\x00")
    return b"\xff\xd8" + app0 + b"\xff\xff" + sof + b"\xff\xd9"


def webp_header(kind: str, width: int, height: int) -> bytes:
    if kind == "VP8X":
        body = b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + \
            (height - 1).to_bytes(3, "little")
    elif kind == "VP8L":
        bits = (width - 1) | ((height - 1) << 14)
        body = b"\x2f" + bits.to_bytes(4, "little") + b"\x00" * 5
    else:
        body = b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", width, height) + b"\x00" * 4
    chunk = kind.encode().ljust(4) + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


# -- headers -----------------------------------------------------------------------------------

def test_png_size(tmp_path):
    assert facsimile.read_pages(write_png(tmp_path / "a.png", 37, 21)) == \
        [facsimile.PageImage(0, 37, 21)]


@pytest.mark.parametrize("progressive", [False, True])
def test_jpeg_size(tmp_path, progressive):
    path = tmp_path / "a.jpg"
    path.write_bytes(jpeg_header(1234, 567, progressive))
    assert facsimile.read_pages(path) == [facsimile.PageImage(0, 1234, 567)]


@pytest.mark.parametrize("kind", ["VP8 ", "VP8L", "VP8X"])
def test_webp_size(tmp_path, kind):
    path = tmp_path / "a.webp"
    path.write_bytes(webp_header(kind, 1000, 1414))
    assert facsimile.read_pages(path) == [facsimile.PageImage(0, 1000, 1414)]


@pytest.mark.parametrize("big_endian", [False, True])
def test_multipage_tiff_counts_pages_and_skips_thumbnails(tmp_path, big_endian):
    path = write_tiff(tmp_path / "scan.tif", [(30, 40), (8, 6), (50, 20)], thumbnail=1,
                      big_endian=big_endian)
    assert facsimile.read_pages(path) == [facsimile.PageImage(0, 30, 40),
                                          facsimile.PageImage(2, 50, 20)]


@pytest.mark.parametrize("content, message", [
    (b"hello, not an image at all", "not a PNG, JPEG, TIFF or WebP"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "without its IHDR header"),
    (b"\xff\xd8\xff\xc0\x00\x11\x08", "truncated or damaged"),
    (b"\xff\xd8\xff\xda\x00\x02", "without a frame header"),
    (b"II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00", "has no width or height"),
    (b"II*\x00\x00\x00\x00\x00", "without any image"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8Z\x00\x00\x00\x00", "does not know"),
    (b"", "not a PNG"),
])
def test_damaged_or_unknown_images_give_a_readable_error(tmp_path, content, message):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(FileFormatError, match=message):
        facsimile.read_pages(path)


def test_a_tiff_whose_directories_loop_ends(tmp_path):
    path = write_tiff(tmp_path / "loop.tif", [(5, 5)])
    data = bytearray(open(path, "rb").read())
    first = struct.unpack("<I", data[4:8])[0]
    count = struct.unpack("<H", data[first:first + 2])[0]
    struct.pack_into("<I", data, first + 2 + count * 12, first)   # next -> itself
    open(path, "wb").write(data)
    assert len(facsimile.read_pages(path)) == 1


# -- paths ---------------------------------------------------------------------------------------

def test_references_are_relative_to_the_edition_and_back(tmp_path):
    edition_path = tmp_path / "ed" / "e.xml"
    image = tmp_path / "ed" / "images" / "p 1.png"
    ref = facsimile.image_reference(image, edition_path)
    assert ref == "images/p 1.png"
    assert facsimile.image_location(ref, edition_path) == str(image)
    outside = facsimile.image_reference(tmp_path / "scans" / "x.tif", edition_path)
    assert outside == "../scans/x.tif"
    assert facsimile.image_location(outside, edition_path) == str(tmp_path / "scans" / "x.tif")
    # no edition file yet: absolute
    assert facsimile.image_reference(image) == str(image).replace(os.sep, "/")
    assert facsimile.is_remote("https://example.org/iiif/p1.jpg")
    assert not facsimile.is_remote("C:/scans/p1.jpg") and not facsimile.is_remote("images/a.png")


# -- operations ------------------------------------------------------------------------------------

def edition_with_pages(tmp_path, count: int = 2) -> tuple[Edition, str]:
    edition = build_sample_edition()
    edition_path = str(tmp_path / "e.variorum.xml")
    paths = [write_png(tmp_path / f"p{i}.png", 40 + i, 60) for i in range(count)]
    facsimile.add_images(edition, "typed", paths, edition_path)
    return edition, edition_path


def test_add_images_then_undo_and_redo(tmp_path):
    edition = build_sample_edition()
    png = write_png(tmp_path / "a.png", 10, 20)
    tiff = write_tiff(tmp_path / "b.tif", [(30, 40), (50, 20)])
    change = facsimile.add_images(edition, "handwritten", [png, tiff], tmp_path / "e.xml")
    pages = facsimile.pages_of(edition, "handwritten")
    assert [(p.path, p.page, p.width, p.height, p.label) for p in pages] == [
        ("a.png", 0, 10, 20, "1"), ("b.tif", 0, 30, 40, "2"), ("b.tif", 1, 50, 20, "3")]
    starts = [p.text_start for p in pages]
    assert starts[0] == 0 and starts == sorted(starts) and len(set(starts)) == 3
    text = edition.witnesses["handwritten"].text
    assert all(text[s - 1] in " \n" for s in starts[1:])     # at a line or word start
    ops.undo(edition, change)
    assert edition.surfaces == []
    ops.redo(edition, change)
    assert [p.id for p in facsimile.pages_of(edition, "handwritten")] == [p.id for p in pages]


def test_add_images_refuses_unknown_witness_and_bad_files(tmp_path):
    edition = build_sample_edition()
    png = write_png(tmp_path / "a.png", 10, 20)
    with pytest.raises(ValueError, match="no witness 'nope'"):
        facsimile.add_images(edition, "nope", [png])
    with pytest.raises(FileFormatError, match="no such image"):
        facsimile.add_images(edition, "typed", [png, tmp_path / "gone.png"])
    assert edition.surfaces == []      # nothing half-added


def test_more_pages_come_after_the_existing_ones(tmp_path):
    edition, edition_path = edition_with_pages(tmp_path, 2)
    first = facsimile.pages_of(edition, "typed")
    facsimile.add_images(edition, "typed", [write_png(tmp_path / "z.png", 9, 9)], edition_path)
    pages = facsimile.pages_of(edition, "typed")
    assert pages[:2] == first and pages[2].label == "3"
    assert pages[2].text_start >= pages[1].text_start


def test_page_at_follows_the_page_starts(tmp_path):
    edition, _ = edition_with_pages(tmp_path, 3)
    a, b, c = facsimile.pages_of(edition, "typed")
    for page, start in ((a, 0), (b, 50), (c, 120)):
        ops_change = facsimile.set_page_start(edition, page.id, start)
        assert not ops_change.empty or start == page.text_start
    assert facsimile.page_at(edition, "typed", 0).id == a.id
    assert facsimile.page_at(edition, "typed", 49).id == a.id
    assert facsimile.page_at(edition, "typed", 50).id == b.id
    assert facsimile.page_at(edition, "typed", 10_000).id == c.id
    assert facsimile.page_end(edition, facsimile.find_page(edition, b.id)) == 120
    assert facsimile.page_at(edition, "handwritten", 5) is None
    with pytest.raises(ValueError, match="outside the text"):
        facsimile.set_page_start(edition, a.id, 10**6)


def test_pages_starting_at_the_same_place_show_the_first(tmp_path):
    edition, _ = edition_with_pages(tmp_path, 2)
    a, b = facsimile.pages_of(edition, "typed")
    facsimile.set_page_start(edition, b.id, 0)
    assert facsimile.page_at(edition, "typed", 30).id == a.id


def test_regions_add_link_move_unlink_remove_each_undoable(tmp_path):
    edition, _ = edition_with_pages(tmp_path, 1)
    page = facsimile.pages_of(edition, "typed")[0]
    ann = next(a for a in edition.annotations.values() if a.kind == "addition")
    zid = facsimile.new_zone_id(edition)
    steps = [facsimile.add_zone(edition, page.id, facsimile.rectangle(30, 40, 2, 3), zone_id=zid)]
    zone = facsimile.find_zone(edition, zid)[1]
    assert zone.points == [(2, 3), (30, 3), (30, 40), (2, 40)] and zone.is_rectangle
    assert facsimile.zone_range(edition, zone) is None
    steps.append(facsimile.link_zone_to_annotation(edition, zid, ann.id))
    assert facsimile.zone_range(edition, facsimile.find_zone(edition, zid)[1]) == \
        ("typed", ann.start, ann.end)
    steps.append(facsimile.link_zone_to_text(edition, zid, "typed", 2, 12))
    assert facsimile.zone_range(edition, facsimile.find_zone(edition, zid)[1]) == ("typed", 2, 12)
    assert [z.id for _s, z in facsimile.zones_for(edition, "typed", 5)] == [zid]
    assert facsimile.zones_for(edition, "typed", 12) == []          # half-open
    assert facsimile.zones_for(edition, "typed", 11, 30) != []
    steps.append(facsimile.move_zone(edition, zid, [(1, 1), (9, 1), (5, 99)]))   # clamped
    assert facsimile.find_zone(edition, zid)[1].points == [(1, 1), (9, 1), (5, 60)]
    steps.append(facsimile.unlink_zone(edition, zid))
    assert facsimile.zone_range(edition, facsimile.find_zone(edition, zid)[1]) is None
    steps.append(facsimile.remove_zones(edition, [zid]))
    with pytest.raises(KeyError):
        facsimile.find_zone(edition, zid)
    assert all(not s.empty for s in steps)
    for change in reversed(steps):
        ops.undo(edition, change)
    assert facsimile.pages_of(edition, "typed")[0].zones == []
    for change in steps[:3]:
        ops.redo(edition, change)
    assert facsimile.find_zone(edition, zid)[1].witness == "typed"


@pytest.mark.parametrize("points, message", [
    ([(1, 1), (2, 2)], "three corners"),
    ([(1, 1), (1, 5), (1, 9)], "must have an area"),
    ([(1, 1), (float("nan"), 5), (3, 9)], "finite"),
])
def test_bad_regions_are_refused(tmp_path, points, message):
    edition, _ = edition_with_pages(tmp_path, 1)
    page = facsimile.pages_of(edition, "typed")[0]
    with pytest.raises(ValueError, match=message):
        facsimile.add_zone(edition, page.id, points)


def test_links_are_checked(tmp_path):
    edition, _ = edition_with_pages(tmp_path, 1)
    page = facsimile.pages_of(edition, "typed")[0]
    square = facsimile.rectangle(0, 0, 5, 5)
    with pytest.raises(ValueError, match="outside the text"):
        facsimile.add_zone(edition, page.id, square, "typed", 0, 10**6)
    with pytest.raises(ValueError, match="no annotation"):
        facsimile.add_zone(edition, page.id, square, annotation="ann-404")
    facsimile.add_zone(edition, page.id, square, zone_id="zone-x")
    with pytest.raises(ValueError, match="select the words"):
        facsimile.link_zone_to_text(edition, "zone-x", "typed", 4, 4)
    with pytest.raises(ValueError, match="already used"):
        facsimile.add_zone(edition, page.id, square, zone_id="zone-x")


def test_text_edits_move_regions_and_page_starts_and_undo_puts_them_back(tmp_path):
    edition, _ = edition_with_pages(tmp_path, 2)
    a, b = facsimile.pages_of(edition, "typed")
    facsimile.set_page_start(edition, b.id, 100)
    facsimile.add_zone(edition, a.id, facsimile.rectangle(0, 0, 5, 5), "typed", 20, 30,
                       zone_id="zone-w")
    change = ops.edit_text(edition, "typed", 10, 10, "INSERTED ")
    zone = facsimile.find_zone(edition, "zone-w")[1]
    assert (zone.start, zone.end) == (29, 39)
    assert facsimile.find_page(edition, b.id).text_start == 109
    ops.undo(edition, change)
    zone = facsimile.find_zone(edition, "zone-w")[1]
    assert (zone.start, zone.end) == (20, 30)
    assert facsimile.find_page(edition, b.id).text_start == 100


def test_remove_and_move_pages(tmp_path):
    edition, _ = edition_with_pages(tmp_path, 3)
    a, b, c = [p.id for p in facsimile.pages_of(edition, "typed")]
    facsimile.move_page(edition, c, -2)
    assert [p.id for p in facsimile.pages_of(edition, "typed")] == [c, a, b]
    assert facsimile.move_page(edition, c, -1).empty
    change = facsimile.remove_pages(edition, [a])
    assert [p.id for p in facsimile.pages_of(edition, "typed")] == [c, b]
    ops.undo(edition, change)
    assert [p.id for p in facsimile.pages_of(edition, "typed")] == [c, a, b]


def test_relocate_fixes_the_page_and_the_others_moved_with_it(tmp_path):
    (tmp_path / "old").mkdir()
    edition = build_sample_edition()
    edition_path = str(tmp_path / "e.xml")
    paths = [write_png(tmp_path / "old" / f"p{i}.png", 10, 10) for i in range(3)]
    facsimile.add_images(edition, "typed", paths, edition_path)
    elsewhere = write_png(tmp_path / "elsewhere.png", 10, 10)
    facsimile.add_images(edition, "handwritten", [elsewhere], edition_path)
    (tmp_path / "old").rename(tmp_path / "moved")
    os.remove(tmp_path / "moved" / "p2.png")                 # one did not make it
    missing = facsimile.missing_pages(edition, edition_path)
    assert len(missing) == 3
    assert "was not found" in facsimile.describe_missing(missing[0], edition_path)
    first = facsimile.pages_of(edition, "typed")[0]
    change = facsimile.relocate_images(edition, edition_path, first.id,
                                       tmp_path / "moved" / "p0.png")
    assert [p.path for p in facsimile.pages_of(edition, "typed")] == \
        ["moved/p0.png", "moved/p1.png", "old/p2.png"]
    assert [p.id for p in facsimile.missing_pages(edition, edition_path)] == \
        [facsimile.pages_of(edition, "typed")[2].id]
    ops.undo(edition, change)
    assert len(facsimile.missing_pages(edition, edition_path)) == 3
    with pytest.raises(FileFormatError):
        bad = tmp_path / "notes.txt"
        bad.write_text("not an image")
        facsimile.relocate_images(edition, edition_path, first.id, bad)


def test_rebase_keeps_images_found_after_the_edition_moves(tmp_path):
    edition, edition_path = edition_with_pages(tmp_path, 2)
    (tmp_path / "sub").mkdir()
    new_path = str(tmp_path / "sub" / "copy.xml")
    change = facsimile.rebase_references(edition, edition_path, new_path)
    assert not change.empty
    assert [p.path for p in edition.surfaces] == ["../p0.png", "../p1.png"]
    assert facsimile.missing_pages(edition, new_path) == []
    assert facsimile.rebase_references(edition, new_path, new_path).empty


# -- the native file -------------------------------------------------------------------------------

def facsimile_edition() -> Edition:
    edition = build_sample_edition()
    ann = next(iter(edition.annotations))
    edition.surfaces = [
        Surface("typed-page-1", "typed", "images/page 1%.png", 0, 1000, 1400, 0, "1", [
            Zone("zone-1", facsimile.rectangle(10, 20, 110, 60), "typed", 5, 17, ann, "first"),
            Zone("zone-2", [(10, 20), (110, 25.5), (60, 90)], annotation=ann),
            Zone("zone-3", [(1, 2), (3, 4), (5, 1)], "typed", 120, 170)]),   # across paragraphs
        Surface("typed-page-2", "typed", "scans/b.tif", 2, 0, 0, 120, "2"),
        Surface("handwritten-page-1", "handwritten", "/abs/h.webp", 0, 800, 1200, 0, "1r"),
    ]
    return edition


def test_facsimile_round_trip_and_valid_tei(assert_valid_tei):
    edition = facsimile_edition()
    data = native.to_bytes(edition)
    assert_valid_tei(data)
    result = native.from_bytes(data)
    assert result.problems == []
    assert result.edition.surfaces == edition.surfaces
    assert native.to_bytes(result.edition) == data           # deterministic
    assert b'url="images/page%201%25.png"' in data and b'mimeType="image/png"' in data
    assert b'start="#string-range(typed-p2,' in data


def test_reader_keeps_what_it_can_and_says_what_it_mended():
    data = native.to_bytes(facsimile_edition()).decode()
    data = data.replace('xml:id="zone-2"', 'xml:id="typed-page-1"')            # duplicate id
    data = data.replace('ulx="10" uly="20" lrx="110" lry="60"', 'ulx="10" uly="x"')
    data = data.replace('<surface xml:id="handwritten-page-1" corresp="#handwritten"',
                        '<surface xml:id="handwritten-page-1" corresp="#gone"')
    data = data.replace('<graphic url="scans/b.tif"', '<graphic url=""')
    result = native.from_bytes(data.encode())
    codes = sorted(p.code for p in result.problems)
    assert codes == ["bad-zone", "duplicate-id", "surface-without-image", "unknown-witness"]
    surfaces = result.edition.surfaces
    assert [s.id for s in surfaces] == ["typed-page-1", "handwritten-page-1"]
    assert [z.id for z in surfaces[0].zones] == ["zone-2", "zone-3"]        # renamed, kept
    assert surfaces[1].witness == "gone"


def test_reader_accepts_the_first_builds_text_start_pointer():
    edition = facsimile_edition()
    data = native.to_bytes(edition).decode()
    start = 'start="#string-range(typed-p2,'
    i = data.index(start)
    j = data.index('"', i + len(start))
    pointer = data[i + 7:j]
    data = data[:i] + data[j + 1:]
    data = data.replace('<graphic url="scans/b.tif" n="2" mimeType="image/tiff"/>',
                        f'<graphic url="scans/b.tif" n="2"/><ptr type="text-start" '
                        f'target="{pointer}"/>')
    result = native.from_bytes(data.encode())
    assert facsimile.find_page(result.edition, "typed-page-2").text_start == 120


coordinate = st.floats(min_value=0, max_value=5000, allow_nan=False).map(lambda v: round(v, 2))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=7),
                          st.integers(0, 60), st.integers(0, 60), st.booleans()),
                max_size=6),
       st.integers(0, 60), st.text(alphabet="abc %/é-", max_size=12))
def test_any_facsimile_survives_save_and_load(zones, text_start, name):
    edition = Edition()
    edition.add_witness(Witness("w", "W", "typed", "First paragraph here.\n\nSecond one, "
                                                    "and a third\n\nthird end."))
    length = len(edition.witnesses["w"].text)
    surface = Surface("w-page-1", "w", f"img/{name or 'x'}.png", 0, 5000, 5000,
                      min(text_start, length), "1")
    for n, (points, a, b, linked) in enumerate(zones):
        start, end = sorted((min(a, length), min(b, length)))
        if not linked or start == end:
            start = end = 0
        surface.zones.append(Zone(f"zone-{n + 1}", points, "w" if start != end else "",
                                  start, end))
    edition.surfaces.append(surface)
    result = native.from_bytes(native.to_bytes(edition))
    assert result.problems == []
    assert result.edition.surfaces == edition.surfaces
