"""Atomic writes: a user's file is either the old version or the new one, never half.

The new content goes to a temporary file in the same folder, is flushed and synced, and
is renamed over the old file (an atomic operation on POSIX and on Windows' NTFS).  The
previous version is kept beside it as ``NAME~`` unless ``backup=False``.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile

from editor.errors import SaveError

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "the folder does not exist",
    errno.EISDIR: "a folder has that name",
}


def backup_path(path: str | os.PathLike) -> str:
    return os.fspath(path) + "~"


def explain(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes, backup: bool = True) -> None:
    """Write ``data`` to ``path`` atomically; raise :class:`SaveError` on any failure,
    leaving the old file untouched."""
    path = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(path) or "."
    name = os.path.basename(path)
    if os.path.isdir(path):
        raise SaveError(f"cannot save {path}: a folder has that name")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SaveError(f"cannot save {path}: {explain(exc)}; the previous file is untouched, "
                        "you can save elsewhere with Save As") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.exists(path):
            try:
                os.chmod(tmp, os.stat(path).st_mode & 0o7777)
            except OSError:
                pass
            if backup:
                _keep_backup(path)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        _fsync_dir(folder)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise SaveError(f"cannot save {path}: {explain(exc)}; the previous file is untouched, "
                        "you can save elsewhere with Save As") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _keep_backup(path: str) -> None:
    """Copy the current file to ``path~`` atomically (a failed backup stops the save)."""
    target = backup_path(path)
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".backup.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike, text: str, backup: bool = True,
                      encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding), backup=backup)
