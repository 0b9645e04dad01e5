"""Facsimiles: the page images of each witness, and regions of them tied to the text.

A witness has pages (:class:`~editor.model.edition.Surface`, in ``Edition.surfaces``
order); each page is one image file, or one frame of a multi-page TIFF, referenced by a
path *relative to the edition file* (so an edition and its ``images/`` folder move
together).  A page's ``text_start`` is the code-point offset in the witness text where
the page's text begins; the page shown for a cursor position is the one whose start
precedes it (:func:`page_at`).

A region (:class:`~editor.model.edition.Zone`) is a polygon in *image pixels* of the
stored raster (before any rotation shown on screen; EXIF orientation is not applied), a
rectangle being its four corners.  It is linked to a range ``[start, end)`` of a witness
text (code points; text edits map it with start bias +1 and end bias -1, see
:func:`editor.model.operations.edit_text`), and/or to an annotation, whose current range
it then follows.

Every change is returned as a :class:`~editor.model.operations.Change` made by
:func:`~editor.model.operations.update_header` (one undo step, the whole facsimile
snapshotted).  Image sizes are read from the files' headers (PNG, JPEG, TIFF, WebP) with
no imaging library: the core never imports Qt.
"""

from __future__ import annotations

import math
import os
import struct
from dataclasses import dataclass

from editor.errors import FileFormatError
from editor.model import operations as ops
from editor.model.edition import Edition, Surface, Zone

#: file name endings Variorum accepts as page images
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")

#: what the file dialogs offer
IMAGE_FILTER = "Page images (*.png *.jpg *.jpeg *.tif *.tiff *.webp)"


# ======================================================================================
# reading image headers


@dataclass(frozen=True)
class PageImage:
    """One page of an image file: ``frame`` is the image's index in the file (a TIFF
    directory; 0 for other formats); ``width``/``height`` in pixels."""

    frame: int
    width: int
    height: int


def read_pages(path: str | os.PathLike) -> list[PageImage]:
    """The pages of an image file, read from its header.

    PNG, JPEG and WebP files have one page; a TIFF has one per image directory, reduced-
    resolution copies (thumbnails) excepted.  Raises :class:`FileFormatError` with a
    readable message for a file that is not one of these formats or is damaged, and
    ``OSError`` when it cannot be read.
    """
    path = os.fspath(path)
    with open(path, "rb") as handle:
        head = handle.read(32)
        handle.seek(0)
        try:
            if head.startswith(b"\x89PNG\r\n\x1a\n"):
                return [_png_size(head, path)]
            if head.startswith(b"\xff\xd8"):
                return [_jpeg_size(handle, path)]
            if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
                return _tiff_pages(handle, path)
            if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
                return [_webp_size(handle, path)]
        except struct.error:
            raise FileFormatError("the image is truncated or damaged", path) from None
    raise FileFormatError("not a PNG, JPEG, TIFF or WebP image", path)


def _checked(width: int, height: int, path: str, frame: int = 0) -> PageImage:
    if width <= 0 or height <= 0:
        raise FileFormatError(f"the image says it is {width}×{height} pixels", path)
    return PageImage(frame, width, height)


def _png_size(head: bytes, path: str) -> PageImage:
    if head[12:16] != b"IHDR":
        raise FileFormatError("a PNG image without its IHDR header", path)
    width, height = struct.unpack(">II", head[16:24])
    return _checked(width, height, path)


#: JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic...)
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(handle, path: str) -> PageImage:
    handle.seek(2)
    while True:
        byte = handle.read(1)
        if not byte:
            break
        if byte != b"\xff":
            continue   # garbage between segments: resynchronise on the next marker
        marker = handle.read(1)
        while marker == b"\xff":   # fill bytes
            marker = handle.read(1)
        if not marker:
            break
        code = marker[0]
        if code in (0x01, 0x00) or 0xD0 <= code <= 0xD8:
            continue   # markers without a length
        if code in (0xD9, 0xDA):
            break      # end of image / start of scan before any frame header
        (length,) = struct.unpack(">H", handle.read(2))
        if code in _SOF:
            _precision, height, width = struct.unpack(">BHH", handle.read(5))
            return _checked(width, height, path)
        if length < 2:
            break
        handle.seek(length - 2, os.SEEK_CUR)
    raise FileFormatError("a JPEG image without a frame header (it is damaged)", path)


def _tiff_pages(handle, path: str) -> list[PageImage]:
    data = handle.read()
    order = "<" if data[:2] == b"II" else ">"
    (version,) = struct.unpack(order + "H", data[2:4])
    big = version == 43
    if big:   # BigTIFF: 8-byte offsets
        (offset,) = struct.unpack(order + "Q", data[8:16])
        count_fmt, entry_size, offset_fmt = "Q", 20, "Q"
    else:
        (offset,) = struct.unpack(order + "I", data[4:8])
        count_fmt, entry_size, offset_fmt = "H", 12, "I"
    count_size = struct.calcsize(count_fmt)
    value_at = 12 if big else 8   # where an entry's value starts
    type_sizes = {1: 1, 3: 2, 4: 4, 16: 8}
    pages: list[PageImage] = []
    seen: set[int] = set()
    frame = 0
    while offset and offset not in seen and len(seen) < 100_000:
        seen.add(offset)
        (count,) = struct.unpack(order + count_fmt, data[offset:offset + count_size])
        tags: dict[int, int] = {}
        base = offset + count_size
        for i in range(count):
            entry = data[base + i * entry_size: base + (i + 1) * entry_size]
            tag, kind = struct.unpack(order + "HH", entry[:4])
            if tag in (254, 256, 257) and kind in type_sizes:
                fmt = {1: "B", 3: "H", 4: "I", 16: "Q"}[kind]
                (tags[tag],) = struct.unpack(order + fmt, entry[value_at:value_at + type_sizes[kind]])
        end = base + count * entry_size
        (offset,) = struct.unpack(order + offset_fmt, data[end:end + struct.calcsize(offset_fmt)])
        if tags.get(254, 0) & 1:   # a reduced-resolution copy of another image
            frame += 1
            continue
        if 256 not in tags or 257 not in tags:
            raise FileFormatError(f"image {frame + 1} of the TIFF has no width or height", path)
        pages.append(_checked(tags[256], tags[257], path, frame))
        frame += 1
    if not pages:
        raise FileFormatError("a TIFF file without any image", path)
    return pages


def _webp_size(handle, path: str) -> PageImage:
    data = handle.read(40)
    chunk = data[12:16]
    body = data[20:]
    if chunk == b"VP8X":     # extended: canvas size, 24-bit little-endian minus one
        width = int.from_bytes(body[4:7], "little") + 1
        height = int.from_bytes(body[7:10], "little") + 1
    elif chunk == b"VP8L":   # lossless: 14-bit sizes minus one after a 0x2f signature
        if body[0] != 0x2F:
            raise FileFormatError("a lossless WebP image with a damaged header", path)
        bits = int.from_bytes(body[1:5], "little")
        width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    elif chunk == b"VP8 ":   # lossy: a key frame's start code, then 14-bit sizes
        if body[3:6] != b"\x9d\x01\x2a":
            raise FileFormatError("a lossy WebP image with a damaged header", path)
        width, height = struct.unpack("<HH", body[6:10])
        width, height = width & 0x3FFF, height & 0x3FFF
    else:
        raise FileFormatError("a WebP image of a kind Variorum does not know", path)
    return _checked(width, height, path)


# ======================================================================================
# where the images are


def is_remote(reference: str) -> bool:
    """True for an image given by a web address (``https://…``), which is not fetched."""
    head = reference.split("/", 1)[0]
    return head.endswith(":") and len(head) > 2 and "://" in reference


def image_reference(image_path: str | os.PathLike, edition_path: str | os.PathLike = "") -> str:
    """How the edition refers to ``image_path``: a ``/``-separated path relative to the
    folder of ``edition_path``, or an absolute one when there is no edition file yet or
    the image lies on another drive."""
    image_path = os.path.abspath(os.fspath(image_path))
    if edition_path:
        folder = os.path.dirname(os.path.abspath(os.fspath(edition_path)))
        try:
            image_path = os.path.relpath(image_path, folder)
        except ValueError:   # another drive (Windows): only an absolute path can say it
            pass
    return image_path.replace(os.sep, "/")


def image_location(reference: str, edition_path: str | os.PathLike = "") -> str:
    """The absolute path of an image the edition refers to as ``reference``."""
    if reference.startswith("file://"):
        reference = reference[len("file://"):]
    native_ref = reference.replace("/", os.sep)
    if os.path.isabs(native_ref) or not edition_path:
        return os.path.abspath(native_ref)
    folder = os.path.dirname(os.path.abspath(os.fspath(edition_path)))
    return os.path.normpath(os.path.join(folder, native_ref))


def missing_pages(edition: Edition, edition_path: str | os.PathLike = "") -> list[Surface]:
    """Pages whose image file is not where the edition says (web addresses count as
    missing: Variorum does not fetch images)."""
    return [s for s in edition.surfaces
            if is_remote(s.path) or not os.path.isfile(image_location(s.path, edition_path))]


def describe_missing(surface: Surface, edition_path: str | os.PathLike = "") -> str:
    """A sentence saying which image is missing and where it was looked for."""
    if is_remote(surface.path):
        return (f"The image of page {surface.label or surface.id} is on the web "
                f"({surface.path}); Variorum shows only images on this computer.")
    return (f"The image of page {surface.label or surface.id} was not found: "
            f"{image_location(surface.path, edition_path)}")


# ======================================================================================
# queries


def pages_of(edition: Edition, witness: str) -> list[Surface]:
    """The pages of ``witness`` in their order."""
    return [s for s in edition.surfaces if s.witness == witness]


def find_page(edition: Edition, surface_id: str) -> Surface:
    for surface in edition.surfaces:
        if surface.id == surface_id:
            return surface
    raise KeyError(surface_id)


def find_zone(edition: Edition, zone_id: str) -> tuple[Surface, Zone]:
    for surface in edition.surfaces:
        for zone in surface.zones:
            if zone.id == zone_id:
                return surface, zone
    raise KeyError(zone_id)


def page_at(edition: Edition, witness: str, position: int) -> Surface | None:
    """The page of ``witness`` holding the text at ``position`` (code points): the one
    with the greatest ``text_start <= position``; between pages starting at the same
    place, the first.  Before every page's start, the first page; ``None`` without pages.
    """
    pages = pages_of(edition, witness)
    best = None
    for page in pages:
        if page.text_start <= position and (best is None or page.text_start > best.text_start):
            best = page
    if best is None and pages:
        best = min(pages, key=lambda p: p.text_start)
    return best


def page_end(edition: Edition, surface: Surface) -> int:
    """Where the text of ``surface`` ends: the next greater page start of its witness,
    or the end of the text (code points, exclusive)."""
    witness = edition.witnesses.get(surface.witness)
    end = len(witness.text) if witness else 0
    for page in pages_of(edition, surface.witness):
        if surface.text_start < page.text_start < end:
            end = page.text_start
    return end


def zone_range(edition: Edition, zone: Zone) -> tuple[str, int, int] | None:
    """The words a region stands for: its own text range, else its annotation's (unless
    the annotation is orphaned or gone); ``None`` when it is tied to no words."""
    if zone.witness and zone.end > zone.start and zone.witness in edition.witnesses:
        return zone.witness, zone.start, zone.end
    ann = edition.annotations.get(zone.annotation) if zone.annotation else None
    if ann is None or (ann.anchoring is not None and ann.anchoring.state == "orphaned"):
        return None
    return ann.witness, ann.start, ann.end


def zones_for(edition: Edition, witness: str, start: int, end: int | None = None
              ) -> list[tuple[Surface, Zone]]:
    """Regions whose words meet ``[start, end)`` of ``witness`` (code points); with
    ``end`` omitted, those whose words hold the character at ``start`` or, for a point
    annotation, sit exactly at ``start``."""
    found = []
    for surface in edition.surfaces:
        for zone in surface.zones:
            where = zone_range(edition, zone)
            if where is None or where[0] != witness:
                continue
            _w, zs, ze = where
            if end is None or end == start:
                hit = zs <= start < ze or zs == ze == start
            else:
                hit = zs < end and start < ze
            if hit:
                found.append((surface, zone))
    return found


# ======================================================================================
# operations (each one undo step)


def _label_numbers(pages: list[Surface]) -> int:
    """The highest numeric page label of ``pages`` (0 when none is a number)."""
    numbers = [int(p.label) for p in pages if p.label.isdigit()]
    return max(numbers, default=len(pages))


def estimate_page_starts(text: str, first_start: int, count: int,
                         include_first: bool) -> list[int]:
    """Starts for ``count`` new pages spread evenly over ``text[first_start:]``, each
    moved to the nearest line start (or else word start) within a tenth of a page.

    With ``include_first`` the first new page starts at ``first_start`` (a witness
    without pages); otherwise the existing page at ``first_start`` keeps a share.
    A guess the editor corrects (Facsimile ▸ Page Starts Here); code points.
    """
    length = len(text)
    span = max(0, length - first_start)
    shares = count if include_first else count + 1
    starts = []
    for k in range(count):
        step = k if include_first else k + 1
        guess = first_start + span * step // shares
        starts.append(_snap(text, guess, max(1, span // shares // 10)))
    for i in range(1, len(starts)):   # never out of order
        starts[i] = max(starts[i], starts[i - 1])
    return starts


def _snap(text: str, position: int, reach: int) -> int:
    if position <= 0 or position >= len(text):
        return max(0, min(position, len(text)))
    best = None
    for distance in range(reach + 1):
        for candidate in (position - distance, position + distance):
            if 0 < candidate < len(text) and text[candidate - 1] == "\n":
                return candidate
            if best is None and 0 < candidate < len(text) and text[candidate - 1] == " " \
                    and not text[candidate].isspace():
                best = candidate
    return best if best is not None else position


def add_pages(edition: Edition, witness: str, images: list[tuple[str, list[PageImage]]],
              edition_path: str | os.PathLike = "", text_starts: list[int] | None = None
              ) -> ops.Change:
    """Add page images to ``witness``, after its existing pages.

    ``images`` pairs each image file with its pages (:func:`read_pages`); every page of a
    multi-page file becomes a page of the witness.  Paths are stored relative to
    ``edition_path`` (:func:`image_reference`).  ``text_starts`` (code points, one per
    new page) says where each page's text starts; without it the starts are estimated
    (:func:`estimate_page_starts`).  Raises ``ValueError`` for an unknown witness or a
    start outside the text.
    """
    if witness not in edition.witnesses:
        known = ", ".join(edition.witnesses) or "none"
        raise ValueError(f"there is no witness {witness!r} (the edition has: {known})")
    new_pages = [(path, page) for path, pages in images for page in pages]
    if not new_pages:
        return ops.Change()
    text = edition.witnesses[witness].text
    existing = pages_of(edition, witness)
    if text_starts is None:
        last = max((p.text_start for p in existing), default=0)
        text_starts = estimate_page_starts(text, last, len(new_pages), not existing)
    if len(text_starts) != len(new_pages):
        raise ValueError(f"{len(text_starts)} page starts given for {len(new_pages)} pages")
    for start in text_starts:
        if not 0 <= start <= len(text):
            raise ValueError(f"page start {start} is outside the text of {witness!r}")

    def apply(ed: Edition) -> None:
        number = _label_numbers(existing)
        taken = ed._ids()
        for (path, page), start in zip(new_pages, text_starts):
            number += 1
            sid = _fresh(f"{witness}-page", taken)
            ed.surfaces.append(Surface(sid, witness, image_reference(path, edition_path),
                                       page.frame, page.width, page.height, start,
                                       str(number)))
        # pages of one witness stay together, in the order they were added
        order = {w: i for i, w in enumerate(ed.witnesses)}
        ed.surfaces.sort(key=lambda s: order.get(s.witness, len(order)))

    count = len(new_pages)
    return ops.update_header(edition, apply, f"Add {count} page image{'s' * (count != 1)}")


def _fresh(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}-{n}" in taken:
        n += 1
    taken.add(f"{prefix}-{n}")
    return f"{prefix}-{n}"


def add_images(edition: Edition, witness: str, image_paths: list[str | os.PathLike],
               edition_path: str | os.PathLike = "") -> ops.Change:
    """Read each image's pages (:func:`read_pages`) and add them (:func:`add_pages`).
    Raises :class:`FileFormatError` (or ``OSError``) for an unreadable image, before
    anything is changed."""
    images = []
    for path in image_paths:
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileFormatError("no such image file", path)
        images.append((path, read_pages(path)))
    return add_pages(edition, witness, images, edition_path)


def remove_pages(edition: Edition, surface_ids: list[str]) -> ops.Change:
    """Remove pages (with their regions) from the edition; the image files stay."""
    doomed = set(surface_ids)

    def apply(ed: Edition) -> None:
        ed.surfaces[:] = [s for s in ed.surfaces if s.id not in doomed]
    count = len(doomed)
    return ops.update_header(edition, apply, f"Remove {count} page{'s' * (count != 1)}")


def move_page(edition: Edition, surface_id: str, offset: int) -> ops.Change:
    """Move a page ``offset`` places among its witness's pages (-1: one earlier)."""
    surface = find_page(edition, surface_id)
    siblings = pages_of(edition, surface.witness)
    index = siblings.index(surface)
    target = min(max(index + offset, 0), len(siblings) - 1)
    if target == index:
        return ops.Change()

    def apply(ed: Edition) -> None:
        slots = [i for i, s in enumerate(ed.surfaces) if s.witness == surface.witness]
        pages = [ed.surfaces[i] for i in slots]
        pages.insert(target, pages.pop(index))
        for slot, page in zip(slots, pages):
            ed.surfaces[slot] = page
    return ops.update_header(edition, apply, "Move page")


def set_page_start(edition: Edition, surface_id: str, position: int) -> ops.Change:
    """Say that the text of a page starts at ``position`` (code points) of its witness."""
    surface = find_page(edition, surface_id)
    witness = edition.witnesses.get(surface.witness)
    if witness is None:
        raise ValueError(f"page {surface.label or surface_id} belongs to no witness")
    if not 0 <= position <= len(witness.text):
        raise ValueError(f"position {position} is outside the text of {surface.witness!r}")

    def apply(ed: Edition) -> None:
        find_page(ed, surface_id).text_start = position
    return ops.update_header(edition, apply, f"Page {surface.label or surface_id} starts here")


def rectangle(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    """The four corners of a rectangle (any two opposite corners given), clockwise from
    the upper left, in image pixels."""
    left, right = sorted((x0, x1))
    top, bottom = sorted((y0, y1))
    return [(left, top), (right, top), (right, bottom), (left, bottom)]


def _clean_points(surface: Surface, points) -> list[tuple[float, float]]:
    cleaned = []
    for x, y in points:
        x, y = float(x), float(y)
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError("a region's corner is not a finite number")
        if surface.width > 0 and surface.height > 0:   # keep regions on the page
            x = min(max(x, 0.0), float(surface.width))
            y = min(max(y, 0.0), float(surface.height))
        cleaned.append((round(x, 2), round(y, 2)))
    if len(cleaned) < 3:
        raise ValueError("a region needs three corners at least")
    xs = {x for x, _ in cleaned}
    ys = {y for _, y in cleaned}
    if len(xs) < 2 or len(ys) < 2:
        raise ValueError("a region must have an area: draw it larger")
    return cleaned


def _check_link(edition: Edition, witness: str, start: int, end: int, annotation: str) -> None:
    if witness:
        if witness not in edition.witnesses:
            raise ValueError(f"there is no witness {witness!r}")
        if not 0 <= start <= end <= len(edition.witnesses[witness].text):
            raise ValueError(f"range [{start}, {end}) is outside the text of {witness!r}")
    if annotation and annotation not in edition.annotations:
        raise ValueError(f"there is no annotation {annotation!r}")


def new_zone_id(edition: Edition) -> str:
    """A fresh id for a region (``zone-N``)."""
    return edition.new_id("zone")


def add_zone(edition: Edition, surface_id: str, points, witness: str = "", start: int = 0,
             end: int = 0, annotation: str = "", label: str = "",
             zone_id: str | None = None) -> ops.Change:
    """Add a region to a page, optionally tied to ``[start, end)`` of ``witness``
    and/or to an annotation.  ``points`` are image pixels (clamped to the page when its
    size is known); pass ``zone_id`` (see :func:`new_zone_id`) to know the new id."""
    surface = find_page(edition, surface_id)
    cleaned = _clean_points(surface, points)
    _check_link(edition, witness, start, end, annotation)
    zid = zone_id or new_zone_id(edition)
    if zid in edition._ids():
        raise ValueError(f"the id {zid!r} is already used")
    if not witness:
        start = end = 0

    def apply(ed: Edition) -> None:
        find_page(ed, surface_id).zones.append(
            Zone(zid, cleaned, witness, start, end, annotation, label))
    what = "linked region" if witness or annotation else "region"
    return ops.update_header(edition, apply, f"Draw {what}")


def _update_zone(edition: Edition, zone_id: str, description: str, **values) -> ops.Change:
    find_zone(edition, zone_id)   # KeyError for an unknown region

    def apply(ed: Edition) -> None:
        _surface, zone = find_zone(ed, zone_id)
        for key, value in values.items():
            setattr(zone, key, value)
    return ops.update_header(edition, apply, description)


def link_zone_to_text(edition: Edition, zone_id: str, witness: str, start: int,
                      end: int) -> ops.Change:
    """Tie a region to the words ``[start, end)`` of ``witness`` (code points)."""
    if end <= start:
        raise ValueError("select the words the region holds first")
    _check_link(edition, witness, start, end, "")
    return _update_zone(edition, zone_id, "Link region to text", witness=witness,
                        start=start, end=end)


def link_zone_to_annotation(edition: Edition, zone_id: str, annotation_id: str) -> ops.Change:
    """Tie a region to an annotation ("this pencil insertion is here")."""
    _check_link(edition, "", 0, 0, annotation_id)
    return _update_zone(edition, zone_id, "Link region to annotation", annotation=annotation_id)


def unlink_zone(edition: Edition, zone_id: str) -> ops.Change:
    """Untie a region from its words and its annotation (the region stays)."""
    return _update_zone(edition, zone_id, "Unlink region", witness="", start=0, end=0,
                        annotation="")


def move_zone(edition: Edition, zone_id: str, points) -> ops.Change:
    """Give a region new corners (image pixels)."""
    surface, _zone = find_zone(edition, zone_id)
    return _update_zone(edition, zone_id, "Move region", points=_clean_points(surface, points))


def remove_zones(edition: Edition, zone_ids: list[str]) -> ops.Change:
    doomed = set(zone_ids)

    def apply(ed: Edition) -> None:
        for surface in ed.surfaces:
            surface.zones[:] = [z for z in surface.zones if z.id not in doomed]
    count = len(doomed)
    return ops.update_header(edition, apply, f"Delete {count} region{'s' * (count != 1)}")


def relocate_images(edition: Edition, edition_path: str | os.PathLike, surface_id: str,
                    new_file: str | os.PathLike) -> ops.Change:
    """Point a page whose image moved to ``new_file``; every other page whose image is
    missing from the same old folder and is found under the same name beside
    ``new_file`` is pointed there too (images move as a folder).  Raises
    :class:`FileFormatError` when ``new_file`` is not a readable image."""
    new_file = os.path.abspath(os.fspath(new_file))
    pages = read_pages(new_file)
    surface = find_page(edition, surface_id)
    old_folder = os.path.dirname(image_location(surface.path, edition_path))
    new_folder = os.path.dirname(new_file)
    updates = {surface_id: image_reference(new_file, edition_path)}
    frames = {p.frame for p in pages}
    sizes: dict[str, tuple[int, int]] = {}
    if surface.page in frames:
        page = next(p for p in pages if p.frame == surface.page)
        sizes[surface_id] = (page.width, page.height)
    for other in missing_pages(edition, edition_path):
        if other.id == surface_id or is_remote(other.path):
            continue
        old = image_location(other.path, edition_path)
        candidate = os.path.join(new_folder, os.path.basename(old))
        if os.path.dirname(old) == old_folder and os.path.isfile(candidate):
            updates[other.id] = image_reference(candidate, edition_path)

    def apply(ed: Edition) -> None:
        for page in ed.surfaces:
            if page.id in updates:
                page.path = updates[page.id]
                if page.id in sizes and not (page.width and page.height):
                    page.width, page.height = sizes[page.id]
    count = len(updates)
    return ops.update_header(edition, apply,
                             f"Locate {count} page image{'s' * (count != 1)}")


def rebase_references(edition: Edition, old_edition_path: str | os.PathLike,
                      new_edition_path: str | os.PathLike) -> ops.Change:
    """Rewrite the image paths so that they name the same files from the edition's new
    place (after Save As into another folder, or the first save of a new edition, whose
    images were referenced by absolute paths).  Web addresses are left alone."""
    updates = {}
    for surface in edition.surfaces:
        if is_remote(surface.path):
            continue
        location = image_location(surface.path, old_edition_path)
        reference = image_reference(location, new_edition_path)
        if reference != surface.path:
            updates[surface.id] = reference
    if not updates:
        return ops.Change()

    def apply(ed: Edition) -> None:
        for page in ed.surfaces:
            page.path = updates.get(page.id, page.path)
    return ops.update_header(edition, apply, "Keep the page images linked")
