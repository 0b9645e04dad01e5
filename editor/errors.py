"""The project's own errors: each carries a message a person understands.

Commands print ``str(error)`` as one line; the window shows it in a dialog.  Nothing the
user gives Variorum should ever surface as a traceback.
"""

from __future__ import annotations


class VariorumError(Exception):
    """Base class: ``str(error)`` is a complete sentence for the user."""


class FileFormatError(VariorumError):
    """A file could not be read: not well-formed, not the expected kind, or unsafe."""

    def __init__(self, message: str, path: str = "", line: int | None = None,
                 column: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where += f"{':' if where else 'line '}{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


class UnsafeInputError(FileFormatError):
    """A file that tries something dangerous (entities, DTDs, absurd depth or size)."""


class SaveError(VariorumError):
    """A write failed; the previous file on disk is untouched."""


class ConflictError(VariorumError):
    """The file on disk changed since it was opened; saving would overwrite it."""
