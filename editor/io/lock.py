"""Edit locks: a second Variorum window or process opening the same edition is warned.

A lock is a small JSON file in the user's configuration folder (``locks/`` under
:func:`editor.io.recovery.config_dir`), named after the edition's real path, holding who
holds it: process id, host, user, when it was taken and when it was last refreshed (the
*heartbeat*), and a random token naming the holder (two windows of one process hold
different tokens).  Keeping locks out of the edition's folder means no stray files in a
user's folders or git repositories; the price is that two *users* editing one file on a
shared drive are not warned by the lock (they are still protected by the check of the file
on disk before every save).

A lock is **stale**, and is taken over silently, when

* its process no longer exists (same host), or is this process but no window of it holds
  the token any more;
* it was not refreshed for :data:`STALE_AFTER` seconds (its holder hung, its machine slept,
  or it lives on another host that cannot be asked);
* it cannot be read (a half-written or foreign file) and is older than ``STALE_AFTER``.

Times are seconds since the epoch (UTC); nothing here imports Qt.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import socket
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass

#: a holder refreshes its lock this often (seconds)
HEARTBEAT = 60
#: a lock not refreshed for this long is stale (seconds): several missed heartbeats
STALE_AFTER = 10 * 60

#: tokens of the locks held by this process (a lock of this pid with another token is stale)
_LIVE_TOKENS: set[str] = set()


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:   # no login name in some containers and services
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this machine (or we cannot tell)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True      # it exists, owned by someone else
    except OSError:
        return True      # cannot tell (e.g. Windows without rights): assume alive
    return True


@dataclass(frozen=True)
class LockInfo:
    """Who holds a lock (see the module documentation for the fields' units)."""

    file: str
    pid: int
    host: str
    user: str
    started: float
    heartbeat: float
    token: str

    def describe(self) -> str:
        """``"jane on this computer (process 1234), since 14:02"``"""
        if not self.token:
            return "an unknown holder (its lock file could not be read)"
        where = "this computer" if self.host == socket.gethostname() else self.host
        since = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.started))
        return f"{self.user} on {where} (process {self.pid}), since {since}"


def lock_file_for(edition_path: str | os.PathLike, folder: str | os.PathLike) -> str:
    """The lock file of an edition: in ``folder``, named after the edition's real path."""
    real = os.path.realpath(os.fspath(edition_path))
    digest = hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", os.path.basename(real))[:60]
    return os.path.join(os.fspath(folder), f"{slug}-{digest}.lock")


def read_lock(lock_file: str) -> LockInfo | None:
    """The lock's content, or None when there is none or it cannot be read."""
    try:
        with open(lock_file, "rb") as handle:
            raw = json.loads(handle.read(65536).decode("utf-8"))
        return LockInfo(str(raw["file"]), int(raw["pid"]), str(raw["host"]), str(raw["user"]),
                        float(raw["started"]), float(raw["heartbeat"]), str(raw["token"]))
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def stale_reason(info: LockInfo, now: float | None = None,
                 stale_after: float = STALE_AFTER) -> str:
    """Why the lock described by ``info`` is stale, or "" when it is live."""
    now = time.time() if now is None else now
    if info.host == socket.gethostname():
        if info.pid == os.getpid():
            if info.token not in _LIVE_TOKENS:
                return "it was left by a window of this process that is closed"
        elif not pid_alive(info.pid):
            return f"its process {info.pid} no longer exists"
    if now - info.heartbeat > stale_after:
        return f"it was not refreshed for {int(now - info.heartbeat)} seconds"
    return ""


class EditLock:
    """The lock of one edition, as held (or wanted) by one window."""

    def __init__(self, edition_path: str | os.PathLike, folder: str | os.PathLike,
                 stale_after: float = STALE_AFTER):
        self.edition_path = os.path.abspath(os.fspath(edition_path))
        self.folder = os.fspath(folder)
        self.lock_file = lock_file_for(self.edition_path, self.folder)
        self.stale_after = stale_after
        self.token = uuid.uuid4().hex
        self.owned = False
        self.started = time.time()
        #: why the previous holder's lock was taken over, when it was (for the status bar)
        self.took_over = ""

    def _info(self, now: float) -> LockInfo:
        return LockInfo(self.edition_path, os.getpid(), socket.gethostname(), current_user(),
                        self.started, now, self.token)

    def _write_temp(self, now: float) -> str:
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".lock.", suffix=".tmp", dir=self.folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(self._info(now)), handle)
        return tmp

    def acquire(self) -> LockInfo | None:
        """Take the lock; None when it is ours now, else the live holder (left untouched).

        Creation is atomic (a complete file is hard-linked into place, which fails if a
        lock exists); a stale lock is replaced in one rename and read back, so of two
        processes taking over at once exactly one ends up holding it.
        """
        if self.owned and self._still_ours():
            return None
        for _attempt in range(3):
            now = time.time()
            tmp = self._write_temp(now)
            try:
                try:
                    os.link(tmp, self.lock_file)
                    self._owned_now()
                    return None
                except FileExistsError:
                    pass
                except OSError:
                    # no hard links here: exclusive creation, then the content
                    try:
                        fd = os.open(self.lock_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    except FileExistsError:
                        pass
                    else:
                        os.close(fd)
                        os.replace(tmp, self.lock_file)
                        tmp = ""
                        self._owned_now()
                        return None
                holder = read_lock(self.lock_file)
                if holder is not None:
                    if holder.token == self.token:
                        self._owned_now()
                        return None
                    reason = stale_reason(holder, now, self.stale_after)
                    if not reason:
                        return holder
                else:
                    try:
                        age = now - os.stat(self.lock_file).st_mtime
                    except FileNotFoundError:
                        continue            # released meanwhile: try again
                    if age <= self.stale_after:
                        # being written by its creator, or foreign: treat it as held
                        return LockInfo(self.edition_path, 0, "?", "someone", now - age,
                                        now - age, "")
                    reason = "it could not be read"
                if tmp:
                    os.replace(tmp, self.lock_file)
                    tmp = ""
                if self._still_ours():
                    self.took_over = reason
                    self._owned_now()
                    return None
            finally:
                if tmp:
                    try:
                        os.unlink(tmp)
                    except OSError:
                        pass
        holder = read_lock(self.lock_file)
        return holder if holder is not None else LockInfo(self.edition_path, 0, "?", "someone",
                                                          time.time(), time.time(), "")

    def _owned_now(self) -> None:
        self.owned = True
        _LIVE_TOKENS.add(self.token)

    def _still_ours(self) -> bool:
        info = read_lock(self.lock_file)
        return info is not None and info.token == self.token

    def refresh(self) -> bool:
        """Renew the heartbeat; False when the lock is no longer ours (another process
        took it over, e.g. after this one was suspended for longer than ``stale_after``)."""
        if not self.owned:
            return False
        if not self._still_ours():
            self.owned = False
            _LIVE_TOKENS.discard(self.token)
            return False
        tmp = self._write_temp(time.time())
        try:
            os.replace(tmp, self.lock_file)
        except OSError:
            os.unlink(tmp)
            return False
        return True

    def release(self) -> None:
        """Give the lock up (only if it is still ours)."""
        if self.owned and self._still_ours():
            try:
                os.unlink(self.lock_file)
            except OSError:
                pass
        self.owned = False
        _LIVE_TOKENS.discard(self.token)
