"""Helpers shared by the sub-commands."""

from __future__ import annotations

import os
import sys

from editor.errors import FileFormatError, VariorumError
from editor.formats import native
from editor.io.atomic import atomic_write_bytes
from editor.model.validate import Problem


class UnreadableError(VariorumError):
    """The input file could not be read at all (exit status 2 for ``validate``)."""

    exit_code = 2


def load_edition(path: str) -> native.LoadResult:
    """Read a native edition, turning every failure into one clear error."""
    if not os.path.exists(path):
        raise UnreadableError(f"{path}: no such file")
    try:
        return native.load(path)
    except FileFormatError as exc:
        raise UnreadableError(str(exc)) from None


def write_output(path: str | None, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, or to standard output for ``-`` or None."""
    if path in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    atomic_write_bytes(path, data, backup=False)


def print_problems(problems: list[Problem], stream=None, limit: int | None = None) -> None:
    stream = stream or sys.stderr
    shown = problems if limit is None else problems[:limit]
    for problem in shown:
        print(f"  {problem}", file=stream)
    if limit is not None and len(problems) > limit:
        print(f"  ... and {len(problems) - limit} more", file=stream)
