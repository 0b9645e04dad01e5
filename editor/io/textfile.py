"""Reading text files whose encoding nobody wrote down.

The order of guesses: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; UTF-16 without a
mark is recognised by its pattern of zero bytes; otherwise UTF-8 is tried, then
Windows-1252 (a superset of Latin-1 for printable text), then Latin-1, which decodes
anything.  Binary data (a zero byte outside UTF-16 and UTF-32) is refused with a message
saying what it looks like (a Word document, a PDF, an image...).  Other control characters
are kept: the importers replace them and report it.
"""

from __future__ import annotations

import codecs
import os

from editor.errors import FileFormatError

MAX_TEXT_BYTES = 256 * 1024 * 1024

#: what the first bytes of common binary files say they are
_MAGIC = (
    (b"PK\x03\x04", "a Word or OpenDocument file, or another ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Word (.doc) or other Microsoft Office file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x7fELF", "a program"),
)


def _binary(data: bytes, where: int, path: str) -> FileFormatError:
    kind = next((name for magic, name in _MAGIC if data.startswith(magic)), "")
    if kind:
        return FileFormatError(f"this is a binary file ({kind}), not plain text; save it as "
                               "plain text (UTF-8) first", path)
    return FileFormatError(f"this is a binary file, not text (a zero byte at byte {where})",
                           path)


def _utf16_without_bom(data: bytes) -> str:
    """``"utf-16-le"``/``"utf-16-be"`` when ``data`` looks like UTF-16 written without a
    byte-order mark (mostly Latin-script text: every other byte zero), else ``""``."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return ""
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zero > 0.6 * half and even_zero < 0.05 * half:
        return "utf-16-le"
    if even_zero > 0.6 * half and odd_zero < 0.05 * half:
        return "utf-16-be"
    return ""


def _check_nul(text: str, path: str) -> None:
    """Refuse a decoded text holding NUL characters (other control characters are left to
    the importers, which replace them and say so)."""
    where = text.find("\x00")
    if where >= 0:
        raise FileFormatError(f"this is a binary file, not text (a zero character at "
                              f"character {where})", path)


def decode_text(data: bytes, path: str = "") -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)`` (see the module documentation)."""
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        encoding = "utf-32"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    else:
        encoding = _utf16_without_bom(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            how = "looks like" if encoding.endswith(("-le", "-be")) else "starts with the mark of"
            raise FileFormatError(f"the file {how} {encoding.upper()} but is not: "
                                  f"{exc.reason} at byte {exc.start}", path) from None
        _check_nul(text, path)
        return text, encoding
    if b"\x00" in data:
        raise _binary(data, data.find(b"\x00"), path)
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, encoding
    raise AssertionError("latin-1 decodes every byte")   # pragma: no cover


def read_text_file(path: str | os.PathLike) -> tuple[str, str]:
    """Read and decode a text file; see :func:`decode_text`."""
    path = os.fspath(path)
    try:
        if os.path.getsize(path) > MAX_TEXT_BYTES:
            raise FileFormatError("the file is larger than Variorum reads (256 MB)", path)
        with open(path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise FileFormatError("this is a folder, not a file", path) from None
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror}", path) from None
    return decode_text(data, path)
