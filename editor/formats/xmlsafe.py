"""A hardened XML reader for every file Variorum opens.

No entity is expanded, no DTD is loaded, nothing is fetched from the network, and
documents that declare a DTD (the vehicle of "billion laughs" and XXE attacks) are refused
outright.  Absurdly large files and deeply nested documents are refused too.  Every
failure is a :class:`~editor.errors.FileFormatError` with the line and column.
"""

from __future__ import annotations

import os
import re

from lxml import etree

from editor.errors import FileFormatError, UnsafeInputError

#: largest file Variorum will parse (bytes); a 3,000-page edition is far below this
MAX_BYTES = 512 * 1024 * 1024
#: deepest element nesting accepted (TEI transcriptions rarely exceed 30)
MAX_DEPTH = 200

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DOCTYPE16 = re.compile("<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_blank_text=False, collect_ids=False,
    )


def _check_prolog(data: bytes, path: str) -> None:
    head = data[:65536]
    text_head = None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text_head = head.decode("utf-16", errors="ignore")
        except Exception:   # pragma: no cover - decode with ignore does not raise
            text_head = ""
    found = _DOCTYPE16.search(text_head) if text_head is not None else _DOCTYPE.search(data)
    if found:
        raise UnsafeInputError(
            "the file declares a DTD or entities (<!DOCTYPE>/<!ENTITY>); Variorum refuses "
            "these for safety, since they can read other files or exhaust memory", path)


def _depth_ok(root: etree._Element) -> int:
    deepest = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                return deepest
        stack.extend((child, depth + 1) for child in element)
    return deepest


def parse_bytes(data: bytes, path: str = "") -> etree._ElementTree:
    """Parse ``data`` safely; raise :class:`FileFormatError` with a location on failure."""
    if len(data) > MAX_BYTES:
        raise UnsafeInputError(
            f"the file is {len(data) // (1024 * 1024)} MB; Variorum reads XML files up to "
            f"{MAX_BYTES // (1024 * 1024)} MB", path)
    if not data.strip():
        raise FileFormatError("the file is empty", path)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileFormatError("this is a binary file, not XML", path)
    _check_prolog(data, path)
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        message = exc.msg or str(exc)
        message = re.sub(r",? line \d+, column \d+.*$", "", message)
        if "Huge input lookup" in message or "Excessive depth" in message or "Maximum" in message:
            raise UnsafeInputError(f"the document is too large or too deeply nested ({message})",
                                   path, line, column) from None
        raise FileFormatError(f"not well-formed XML: {message}", path, line, column) from None
    except ValueError as exc:   # e.g. a unicode string with an encoding declaration
        raise FileFormatError(f"not readable as XML: {exc}", path) from None
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise UnsafeInputError("the file declares a DTD; Variorum refuses it for safety", path)
    if _depth_ok(tree.getroot()) > MAX_DEPTH:
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
            data = handle.read()
    except IsADirectoryError:
        raise FileFormatError("this is a folder, not a file", path) from None
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror}", path) from None
    return parse_bytes(data, path)
