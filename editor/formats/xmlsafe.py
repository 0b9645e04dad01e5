"""A hardened XML reader for every file Variorum opens.

Three lines of defence, each enough on its own against the classic attacks:

1. **Before parsing**, the bytes are examined: the encoding is found the way an XML parser
   finds it (byte-order mark, the first four bytes, the ``encoding`` of the XML
   declaration), the text is searched for ``<!DOCTYPE``/``<!ENTITY`` in that encoding, and
   a document declaring a DTD or entities (the vehicle of "billion laughs" and XXE) is
   refused outright.  Encodings this search cannot see through (UTF-7, EBCDIC, names
   Python does not know) are refused too, so a DOCTYPE cannot hide behind them.  The size
   is capped (:data:`MAX_BYTES`), and so is a cheap upper bound on the number of nodes
   (:data:`MAX_MARKUP`: every element needs a ``<``, every attribute a ``=``), which bounds
   the memory of the tree before any of it is built.
2. **While parsing**, lxml runs with entity substitution, DTD loading, network access and
   huge trees all off, and with a resolver that refuses every external resource: even a
   DTD that slipped past step 1 can neither read a file nor fetch a URL (libxml2 would
   otherwise open a ``file:`` external subset even with DTD loading off).  libxml2's own
   limits (nesting depth 256, text nodes of 10 MB, entity amplification) stay on.
3. **After parsing**, the tree is checked again for a DTD and for nesting deeper than
   :data:`MAX_DEPTH`.

Every failure is a :class:`~editor.errors.FileFormatError` (:class:`UnsafeInputError` for
the dangerous ones) with the line and column where they are known.  Memory is bounded by
the two limits: parsing a file at both limits at once takes well under 1 GB (see
``docs/safety.md`` for measured figures); a file above either is refused after reading its
bytes, in a few milliseconds.
"""

from __future__ import annotations

import codecs
import os
import re

from lxml import etree

from editor.errors import FileFormatError, UnsafeInputError

#: largest file Variorum will parse (bytes); a 3,000-page edition is about 60 MB
MAX_BYTES = 128 * 1024 * 1024
#: most ``<`` plus ``=`` characters accepted: an upper bound on elements and attributes
#: (the sample edition has about 3,000; an edition of 100,000 annotations about 2.5 million)
MAX_MARKUP = 4_000_000
#: deepest element nesting accepted (TEI transcriptions rarely exceed 30)
MAX_DEPTH = 200

_DOCTYPE_TEXT = re.compile("<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DOCTYPE_BYTES = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DECLARED = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:\-]+)[\"']")

#: (first bytes, encoding) in the order XML's Appendix F tests them
_SIGNATURES = (
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_ASCII = bytes(range(32, 127))


class _RefuseExternal(etree.Resolver):
    """Every external resource the parser asks for (DTD, entity, XInclude) is refused."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def resolve(self, url, pubid, context):
        # raising here aborts the parse before libxml2 opens anything
        raise UnsafeInputError(f"the file refers to an outside resource ({url}); Variorum "
                               "never reads or fetches those", self.path)


def _parser(path: str = "") -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_blank_text=False, collect_ids=False,
    )
    parser.resolvers.add(_RefuseExternal(path))
    return parser


def sniff_encoding(data: bytes, path: str = "") -> str:
    """The encoding an XML parser would read ``data`` in ("" for a plain ASCII-compatible
    one); raise :class:`UnsafeInputError` for an encoding whose text cannot be checked."""
    for signature, encoding in _SIGNATURES:
        if data.startswith(signature):
            return encoding
    if data.startswith(b"\x4c\x6f\xa7\x94"):     # "<?xm" in EBCDIC
        raise UnsafeInputError("the file is in an EBCDIC encoding, which Variorum does not "
                               "read; save it as UTF-8", path)
    declared = _DECLARED.match(data[:1024])
    if not declared:
        return ""
    label = declared.group(1).decode("ascii")
    try:
        info = codecs.lookup(label)
    except LookupError:
        raise UnsafeInputError(f"the file declares the encoding {label!r}, which Variorum "
                               "does not know; save it as UTF-8", path) from None
    if info.name.startswith(("utf-16", "utf-32")):
        return ""   # declared but the bytes are ASCII-compatible: the parser reports it
    try:
        ascii_compatible = _ASCII.decode(info.name) == _ASCII.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        ascii_compatible = False
    if not ascii_compatible:
        # UTF-7, EBCDIC code pages...: a <!DOCTYPE could hide in them
        raise UnsafeInputError(f"the file declares the encoding {label!r}, which Variorum "
                               "does not read; save it as UTF-8", path)
    return ""


def _check_content(data: bytes, path: str) -> None:
    """Refuse DTDs and entity declarations, binary data and too many nodes, without
    building anything (the searches run at C speed over the bytes)."""
    encoding = sniff_encoding(data, path)
    if encoding and encoding != "utf-8-sig":
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise FileFormatError(f"the file says it is {encoding.upper()} but is not: "
                                  f"{exc.reason} at byte {exc.start}", path) from None
        found = _DOCTYPE_TEXT.search(text)
        markup = text.count("<") + text.count("=")
        binary = "\x00" in text
    else:
        found = _DOCTYPE_BYTES.search(data)
        markup = data.count(b"<") + data.count(b"=")
        binary = b"\x00" in data
    if binary:
        raise FileFormatError("this is a binary file, not XML", path)
    if found:
        raise UnsafeInputError(
            "the file declares a DTD or entities (<!DOCTYPE>/<!ENTITY>); Variorum refuses "
            "these for safety, since they can read other files or exhaust memory (if you "
            "trust the file, remove that declaration and try again)", path)
    if markup > MAX_MARKUP:
        raise UnsafeInputError(
            f"the document has too much markup ({markup:,} tags and attributes; Variorum "
            f"reads up to {MAX_MARKUP:,})", path)


def _too_deep(root: etree._Element) -> bool:
    """True when some element lies more than :data:`MAX_DEPTH` levels deep (the root is
    level 1); evaluated by libxml2's XPath engine, not element by element in Python."""
    return bool(root.xpath("boolean(" + "*/" * (MAX_DEPTH - 1) + "*)"))


def parse_bytes(data: bytes, path: str = "") -> etree._ElementTree:
    """Parse ``data`` safely; raise :class:`FileFormatError` with a location on failure."""
    if len(data) > MAX_BYTES:
        raise UnsafeInputError(
            f"the file is {len(data) // (1024 * 1024)} MB; Variorum reads XML files up to "
            f"{MAX_BYTES // (1024 * 1024)} MB", path)
    blank = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    if not data[:4096].strip(blank) and not data.strip(blank):   # no copy of a large file
        raise FileFormatError("the file is empty", path)
    _check_content(data, path)
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser(path)))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        message = exc.msg or str(exc)
        message = re.sub(r",? line \d+, column \d+.*$", "", message).strip()
        if "Excessive depth" in message:
            raise UnsafeInputError(f"the document is nested more than {MAX_DEPTH} levels deep",
                                   path, line, column) from None
        if any(sign in message for sign in ("Huge input lookup", "huge text node", "Maximum",
                                            "limit exceeded", "XML_PARSE_HUGE")):
            raise UnsafeInputError(f"part of the document is too large for Variorum ({message})",
                                   path, line, column) from None
        raise FileFormatError(f"not well-formed XML: {message}", path, line, column) from None
    except ValueError as exc:   # e.g. a unicode string with an encoding declaration
        raise FileFormatError(f"not readable as XML: {exc}", path) from None
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise UnsafeInputError("the file declares a DTD; Variorum refuses it for safety", path)
    if _too_deep(tree.getroot()):
        raise UnsafeInputError(f"the document is nested more than {MAX_DEPTH} levels deep", path)
    return tree


def parse_file(path: str | os.PathLike) -> etree._ElementTree:
    """Read and parse ``path`` safely (see :func:`parse_bytes`)."""
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise FileFormatError(f"cannot open the file: {exc.strerror}", path) from None
    if size > MAX_BYTES:
        raise UnsafeInputError(
            f"the file is {size // (1024 * 1024)} MB; Variorum reads XML files up to "
            f"{MAX_BYTES // (1024 * 1024)} MB", path)
    try:
        with open(path, "rb") as handle:
            # read at most one byte past the limit: a file that grew since stat() is caught
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise FileFormatError("this is a folder, not a file", path) from None
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror}", path) from None
    return parse_bytes(data, path)
