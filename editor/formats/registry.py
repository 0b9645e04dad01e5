"""Which module reads and writes each format, looked up by name.

Importers take a path and options and return an :class:`ImportResult`; exporters take an
edition and :class:`ExportOptions` and return the bytes to write.  Modules are imported
only when their format is used, so the pure core never pulls in Qt (PDF export does).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field

from editor.errors import FileFormatError, VariorumError
from editor.model.edition import Edition
from editor.model.validate import Problem


@dataclass
class ImportResult:
    edition: Edition
    #: what could not be represented faithfully, what was guessed, what was mended
    report: list[Problem] = field(default_factory=list)
    format: str = ""


@dataclass
class ExportOptions:
    witness: str | None = None          # one witness, or None for all/both
    witnesses: list[str] | None = None  # an explicit order of witnesses
    reading: str = "transcribed"        # text: transcribed | clean | diplomatic
    include_rejected: bool = False
    base_path: str = ""                 # the output path, for relative links
    extra: dict = field(default_factory=dict)


#: name -> (module, function, description)
IMPORTERS: dict[str, tuple[str, str, str]] = {
    "brackets": ("editor.formats.brackets", "import_brackets",
                 "a translation reporting variants in square brackets"),
    "tei": ("editor.formats.tei_import", "import_tei",
            "TEI with inline markup, or parallel segmentation (app/rdg)"),
    "texts": ("editor.formats.texts", "import_texts", "two or more plain transcriptions"),
    "native": ("editor.formats.native", "import_native", "a Variorum edition"),
}

EXPORTERS: dict[str, tuple[str, str, str]] = {
    "brackets": ("editor.formats.brackets", "export_brackets",
                 "bracketed text: one version with the other's differences in brackets"),
    "text": ("editor.formats.plaintext", "export_text", "the plain text of one witness"),
    "tei-inline": ("editor.formats.tei_inline", "export_tei_inline",
                   "TEI with every annotation as an inline element"),
    "tei-parallel": ("editor.formats.tei_parallel", "export_tei_parallel",
                     "TEI parallel segmentation (app/rdg) for the Versioning Machine and EVT"),
    "jsonld": ("editor.formats.jsonld", "export_jsonld", "W3C Web Annotation (JSON-LD)"),
    "html": ("editor.formats.html", "export_html", "a self-contained HTML edition"),
    "pdf": ("editor.ui.pdf", "export_pdf", "a PDF of one version or both side by side"),
}


def _resolve(table: dict, name: str, what: str):
    if name not in table:
        raise VariorumError(f"unknown {what} format {name!r}; choose one of "
                            f"{', '.join(sorted(table))}")
    module_name, function, _ = table[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise VariorumError(f"the {name} {what} format is not available yet") from None
        raise
    return getattr(module, function)


def importer(name: str):
    return _resolve(IMPORTERS, name, "import")


def exporter(name: str):
    return _resolve(EXPORTERS, name, "export")


def detect_format(path: str | os.PathLike) -> str:
    """Guess the import format of ``path`` from its name and first bytes."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror}", path) from None
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FileFormatError("the file is empty", path)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileFormatError("this is a binary file, not an edition or a transcription", path)
    text_head = stripped
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text_head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore").lstrip()
    if text_head.startswith(b"<"):
        if b'ident="variorum"' in head or b"ident='variorum'" in head:
            return "native"
        # look further for the application marker in a large header
        try:
            with open(path, "rb") as handle:
                big = handle.read(65536)
        except OSError:
            big = head
        if b'ident="variorum"' in big:
            return "native"
        return "tei"
    return "brackets"
