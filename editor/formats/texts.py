"""Import two or more plain transcriptions as one edition, one witness each.

``variorum import --typed typed.txt --handwritten hand.txt -o EDITION.xml`` and the
generic ``--witness ID=PATH`` end here.  Each file is decoded (a byte-order mark decides,
else UTF-8, else Windows-1252: see :mod:`editor.io.textfile`), its line endings are
normalised, and then only the blank lines are touched: a run of blank lines (lines empty
or holding only spaces and tabs) becomes one paragraph break, the model's ``"\\n\\n"``, and
blank lines at the start and end of the file are dropped.  Words, single line breaks
inside a paragraph and the spacing inside lines are never changed.  Everything mended is
listed in the import report.
"""

from __future__ import annotations

import os
import re

from editor.errors import VariorumError
from editor.formats.registry import ImportResult
from editor.io.textfile import read_text_file
from editor.model.edition import WITNESS_KINDS, Edition, Witness, is_ncname, make_ncname
from editor.model.text import normalise_newlines
from editor.model.validate import Problem

#: a run of line breaks with only spaces and tabs between them, holding a blank line
_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n)+")
#: blank lines at the very start of a text (the first line kept as it is)
_LEADING_BLANK = re.compile(r"\A(?:[ \t]*\n)+")
_TRAILING_BLANK = re.compile(r"(?:\n[ \t]*)+\Z")


def paragraphs_from_plain_text(text: str) -> tuple[str, int]:
    """``text`` (newlines already normalised) with each run of blank lines made one
    paragraph break; return it with the number of runs that had to be shortened or
    cleared of spaces (exact ``"\\n\\n"`` breaks are not counted)."""
    mended = 0
    if not text.strip(" \t\n"):
        return "", 0

    def one_break(match: re.Match) -> str:
        nonlocal mended
        if match.group(0) != "\n\n":
            mended += 1
        return "\n\n"

    text = _LEADING_BLANK.sub("", text)
    text = _TRAILING_BLANK.sub("", text)
    return _BLANK_RUN.sub(one_break, text), mended


def _parse_spec(item) -> tuple[str, str]:
    """``(id, path)`` from a pair or from a string ``"ID=PATH"``."""
    if isinstance(item, (tuple, list)) and len(item) == 2:
        return str(item[0]), os.fspath(item[1])
    if isinstance(item, str) and "=" in item:
        wid, _, path = item.partition("=")
        return wid.strip(), path.strip()
    raise VariorumError(f"a witness is given as ID=PATH (for example typed=typed.txt), "
                        f"not {item!r}")


def _paths_in_folder(folder: str) -> list[tuple[str, str]]:
    names = sorted(n for n in os.listdir(folder)
                   if n.lower().endswith((".txt", ".text", ".md"))
                   and os.path.isfile(os.path.join(folder, n)))
    return [(os.path.splitext(n)[0], os.path.join(folder, n)) for n in names]


def import_texts(paths: list[tuple[str, str]] | None = None, path=None, *,
                 labels: dict[str, str] | None = None, kinds: dict[str, str] | None = None,
                 title: str = "", **options) -> ImportResult:
    """Make one edition from plain transcriptions.

    ``paths``: ``(witness id, file path)`` pairs in the order the witnesses should have
    (strings ``"ID=PATH"`` are accepted too).  ``path``: a folder whose ``.txt`` files are
    taken in name order, ids from the file names; or one file, which becomes a witness
    with an id from its name.  Both may be given.  ``labels`` and ``kinds`` map witness ids
    to a label ("Typed copy") and a kind (typed, handwritten, printed, other); by default a
    witness called ``typed``, ``handwritten`` or ``printed`` has that kind, any other
    ``other``.  ``title`` becomes the edition's title.  Other options are ignored.

    Raises :class:`VariorumError` when no file is given, a file cannot be read, two
    witnesses share an id or a kind is unknown.  One file alone gives an edition with
    one witness and a warning.
    """
    labels = dict(labels or {})
    kinds = dict(kinds or {})
    specs = [_parse_spec(item) for item in (paths or [])]
    if path is not None:
        path = os.fspath(path)
        if os.path.isdir(path):
            found = _paths_in_folder(path)
            if not found:
                raise VariorumError(f"{path}: the folder holds no .txt file to import")
            specs.extend(found)
        else:
            specs.append((os.path.splitext(os.path.basename(path))[0], path))
    if not specs:
        raise VariorumError("give the transcriptions to import, e.g. --typed typed.txt "
                            "--handwritten hand.txt or --witness ID=PATH")

    report: list[Problem] = []
    edition = Edition()
    edition.metadata.title = title
    for given_id, file_path in specs:
        wid = given_id
        if not is_ncname(wid):
            wid = make_ncname(given_id, "witness")
            report.append(Problem("warning", "witness-id-changed",
                                  f"the witness id {given_id!r} cannot be an XML id; "
                                  f"{wid!r} is used instead", wid))
        if wid in edition.witnesses:
            raise VariorumError(f"two transcriptions are given the witness id {wid!r}; "
                                "give each its own id")
        kind = kinds.get(given_id, kinds.get(wid, wid if wid in WITNESS_KINDS else "other"))
        if kind not in WITNESS_KINDS:
            raise VariorumError(f"unknown kind of witness {kind!r} for {wid!r}; choose one "
                                f"of {', '.join(WITNESS_KINDS)}")
        raw, encoding = read_text_file(file_path)
        text = normalise_newlines(raw)
        replaced = text.count("\ufffd") - raw.count("\ufffd")
        text, mended = paragraphs_from_plain_text(text)
        name = os.path.basename(file_path)
        if encoding in ("cp1252", "latin-1"):
            report.append(Problem("warning", "encoding-guessed",
                                  f"{name} is not UTF-8; it was read as "
                                  f"{'Windows-1252' if encoding == 'cp1252' else 'Latin-1'}",
                                  wid))
        if replaced > 0:
            report.append(Problem("warning", "characters-replaced",
                                  f"{name}: {replaced} character(s) that XML cannot hold "
                                  "(control characters) were replaced by U+FFFD", wid))
        if mended:
            report.append(Problem("warning", "blank-lines-collapsed",
                                  f"{name}: {mended} run(s) of blank lines became one "
                                  "paragraph break each", wid))
        if not text.strip():
            report.append(Problem("warning", "empty-witness", f"{name} holds no text", wid))
        label = labels.get(given_id, labels.get(wid, ""))
        edition.add_witness(Witness(wid, label, kind, text,
                                    description=f"Transcription imported from {name} "
                                                f"({encoding})."))
    if len(edition.witnesses) == 1:
        only = next(iter(edition.witnesses))
        report.append(Problem("warning", "single-witness",
                              "only one transcription was given; the edition has one "
                              "witness to compare with nothing", only))
    return ImportResult(edition, report, "texts")
