"""Reading text files whose encoding nobody wrote down."""

from __future__ import annotations

import codecs
import os

from editor.errors import FileFormatError

MAX_TEXT_BYTES = 256 * 1024 * 1024


def decode_text(data: bytes, path: str = "") -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)``.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise UTF-8 is tried, then
    Windows-1252 (a superset of Latin-1 for printable text).  Binary data is refused.
    """
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        encoding = "utf-32"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    else:
        encoding = ""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise FileFormatError(f"the file says it is {encoding} but is not: {exc.reason} "
                                  f"at byte {exc.start}", path) from None
    if b"\x00" in data:
        raise FileFormatError("this is a binary file, not text", path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        return text, "latin-1"
    return text, "cp1252"


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
