"""Noticing that a file changed on disk behind the editor's back."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class FileStamp:
    """Size, modification time and content hash of a file when it was read or written."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: str | os.PathLike) -> "FileStamp | None":
        try:
            st = os.stat(path)
            with open(path, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns, digest)

    def changed(self, path: str | os.PathLike) -> bool:
        """True when the file is no longer what this stamp describes (or is gone)."""
        try:
            st = os.stat(path)
        except OSError:
            return True
        if st.st_size == self.size and st.st_mtime_ns == self.mtime_ns:
            return False
        current = FileStamp.of(path)
        return current is None or current.sha256 != self.sha256
