"""Bracketed text: an archival translation that reports, in square brackets, a second
version's differences, the editor's supplements and the translator's remarks.

Public API (the format registry calls the first and the last by name):

* :func:`import_brackets` ``(path, **options) -> ImportResult``: read a file (any
  encoding :func:`editor.io.textfile.read_text_file` understands) into an edition.
* :func:`parse_brackets` ``(text) -> ImportResult``: the same on a string.  It never
  raises: whatever the text, it gives an edition (brackets it cannot read become
  ``remark`` annotations, unpaired brackets stay text) and says so in ``report``.
* :func:`export_brackets` ``(edition, options) -> bytes``: the edition as bracketed text
  in UTF-8, the metadata around it as page furniture (header with date, title and
  classification; summary, "Author(s):" and "Document Information" after the document).

How the parts fit:

* :mod:`~editor.formats.brackets_page` cuts page furniture off and reads it as metadata;
* :mod:`~editor.formats.brackets_scan` pairs the brackets into a tree;
* :mod:`~editor.formats.brackets_classify` says what one bracket means (and which part of
  it is wording, which part content), for the importer and the exporter alike;
* :mod:`~editor.formats.brackets_import` writes the typed and handwritten texts and the
  annotations; its docstring gives the conventions (ids, whitespace, provenance);
* :mod:`~editor.formats.brackets_export` writes an edition back.

Importing a document and exporting it again gives back its document proper (from the
heading to the last note), whitespace aside; the exporter reuses each imported bracket's
original wording, kept in the annotation's history.
"""

from __future__ import annotations

import os

from editor.formats.brackets_export import export_brackets
from editor.formats.brackets_import import BracketImporter
from editor.formats.brackets_page import split_page
from editor.formats.registry import ImportResult
from editor.io.textfile import read_text_file
from editor.model.validate import Problem

__all__ = ["import_brackets", "parse_brackets", "export_brackets"]


def parse_brackets(text: str, *, when: str | None = None) -> ImportResult:
    """An edition from bracketed ``text`` (see the module documentation); never raises.

    ``when`` (ISO 8601) dates the ``imported`` history events; the current time by
    default.  Giving it makes the import reproducible byte for byte.
    """
    page = split_page(text)
    edition, report = BracketImporter(page, when).run()
    found = [Problem("warning", "page-furniture", f"read as metadata: {', '.join(page.found)}")] \
        if page.found else []
    return ImportResult(edition, found + report, "brackets")


def import_brackets(path: str | os.PathLike, **options) -> ImportResult:
    """Read the bracketed text file at ``path``.

    Raises :class:`~editor.errors.FileFormatError` (a ``VariorumError``) only when the file
    cannot be read or is not text.  Option ``when``: see :func:`parse_brackets`; other
    options are ignored.
    """
    text, _encoding = read_text_file(path)
    return parse_brackets(text, when=options.get("when"))
