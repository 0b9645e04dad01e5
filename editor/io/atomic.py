"""Atomic writes: a user's file is either the old version or the new one, never half.

The new content goes to a temporary file in the same folder, is flushed and synced, and
is renamed over the old file (an atomic operation on POSIX and on Windows' NTFS); then the
folder itself is synced, so that the rename survives a power cut.  The previous version is
kept beside it as ``NAME~`` unless ``backup=False`` (a hard link to the old file where the
file system allows one, a copy otherwise).

Any failure (disk full, permission denied, read-only disk, folder gone) raises
:class:`~editor.errors.SaveError` with a plain reason, and leaves the old file untouched:
nothing is renamed until the new content is complete on disk.  A symbolic link is
followed, so the file it points to is replaced and the link stays a link.  A file without
write permission is not replaced (the user made it read-only for a reason).

A process killed in the middle of a save leaves at most its temporary file
``.NAME.PID.XXXX.tmp``; the next save in that folder removes those whose process is gone.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
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
    errno.EIO: "the disk reported an input/output error",
    errno.EFBIG: "the file is too large for this disk",
}
_ADVICE = "; the previous file is untouched, you can save elsewhere with Save As"


def backup_path(path: str | os.PathLike) -> str:
    return os.fspath(path) + "~"


def explain(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def _fsync_dir(folder: str) -> None:
    """Make the folder's entries (the rename) durable; a no-op where folders cannot be
    opened (Windows)."""
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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True     # it exists (owned by someone else), or we cannot tell: keep its file
    return True


def _sweep_stale_temps(folder: str, name: str) -> None:
    """Remove temporary files left by saves of ``name`` whose process died mid-save."""
    pattern = re.compile(re.escape(f".{name}.") + r"(\d+)\.[^.]+\.tmp$")
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            try:
                os.unlink(os.path.join(folder, entry))
            except OSError:
                pass


def _why_not_writable(folder: str) -> str:
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "the disk is read-only"
    except (OSError, AttributeError):   # no statvfs on Windows
        pass
    return "permission denied"


def _target(path: str | os.PathLike) -> str:
    """The file to replace: ``path`` with symbolic links followed."""
    path = os.path.abspath(os.fspath(path))
    return os.path.realpath(path) if os.path.islink(path) else path


def atomic_write_bytes(path: str | os.PathLike, data: bytes, backup: bool = True) -> None:
    """Write ``data`` to ``path`` atomically; raise :class:`SaveError` on any failure,
    leaving the old file untouched."""
    shown = os.path.abspath(os.fspath(path))
    path = _target(path)
    folder = os.path.dirname(path) or "."
    name = os.path.basename(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise SaveError(f"cannot save {shown}: {explain(exc)}{_ADVICE}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise SaveError(f"cannot save {shown}: a folder has that name")
        if not stat.S_ISREG(st.st_mode):
            raise SaveError(f"cannot save {shown}: it is not an ordinary file")
        if not st.st_mode & 0o222:
            raise SaveError(f"cannot save {shown}: the file is read-only{_ADVICE}")
        if not os.access(path, os.W_OK):
            # replacing the file would work in a writable folder, but would take a file
            # its owner did not let us write
            raise SaveError(f"cannot save {shown}: {_why_not_writable(folder)}{_ADVICE}")
    _sweep_stale_temps(folder, name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SaveError(f"cannot save {shown}: {explain(exc)}{_ADVICE}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if st is not None:
            try:
                os.chmod(tmp, st.st_mode & 0o7777)
            except OSError:
                pass
            if backup:
                _keep_backup(path)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        _fsync_dir(folder)
    except OSError as exc:
        _remove(tmp)
        raise SaveError(f"cannot save {shown}: {explain(exc)}{_ADVICE}") from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _keep_backup(path: str) -> None:
    """Make ``path~`` the current version of ``path``, replacing the previous backup in one
    rename (a failed backup stops the save: its caller reports it)."""
    target = backup_path(path)
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.{os.getpid()}.",
                               suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        try:
            # a hard link costs no space and no copying; the old content stays in its inode
            # when the new file is renamed over the name
            os.unlink(tmp)
            os.link(path, tmp)
        except OSError:
            shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    except OSError:
        _remove(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike, text: str, backup: bool = True,
                      encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding), backup=backup)
