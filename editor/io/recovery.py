"""Recovery files: unsaved work written aside, offered back after a crash or a kill.

The window writes its edition here every minute and when the application loses focus, as
long as it has unsaved changes; a clean close (or a save) removes the file.  A recovery
file whose process is gone is what a crash left behind: the next start offers it.

Layout, in the per-user folder :func:`recovery_dir` (``$VARIORUM_CONFIG_DIR/recovery`` in
tests, private to the user)::

    KEY.variorum.xml     the edition, as a native file (written atomically)
    KEY.json             what it is: the edition's path, when it was written, by which
                         process, and the file on disk it was based on (a FileStamp)

``KEY`` is the edition's file name and a hash of its real path, or ``untitled`` for work
never saved, followed by the writing process's id and a counter (:func:`window_key`): one
recovery per window and edition, and never one window's file overwriting another's.  Declined recoveries are moved to
``discarded/`` and deleted after :data:`KEEP_DISCARDED_DAYS` days, so a wrong click is not
final either.  Times are seconds since the epoch; nothing here imports Qt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sys
import time
from dataclasses import asdict, dataclass, field, replace

from editor.errors import FileFormatError, SaveError, VariorumError
from editor.io.atomic import atomic_write_bytes, explain
from editor.io.filestamp import FileStamp
from editor.io.lock import STALE_AFTER, current_user, pid_alive
from editor.model.edition import Edition

KEEP_DISCARDED_DAYS = 14
_DATA = ".variorum.xml"
_META = ".json"

#: recovery keys written by windows of this process that are still open
_LIVE_KEYS: set[str] = set()


def config_dir() -> str:
    """The per-user folder for Variorum's own files (``VARIORUM_CONFIG_DIR`` if set)."""
    folder = os.environ.get("VARIORUM_CONFIG_DIR")
    if folder:
        return folder
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, "Variorum")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Application Support/Variorum")
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return os.path.join(base, "variorum")


def recovery_dir() -> str:
    return os.path.join(config_dir(), "recovery")


def key_for(path: str | os.PathLike) -> str:
    """The recovery key of the edition saved at ``path``."""
    real = os.path.realpath(os.fspath(path))
    digest = hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    name = os.path.basename(real)
    for suffix in (".variorum.xml", ".xml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip(".-")[:60] or "edition"
    return f"{slug}-{digest}"


_window_counter = 0


def window_key(path: str | os.PathLike = "") -> str:
    """A fresh key for the work of one window on ``path`` ("" for untitled work):
    :func:`key_for` (or ``untitled``), the process id and a counter, so that a window never
    writes over a recovery another window or a crashed process left for the same file."""
    global _window_counter
    _window_counter += 1
    return f"{key_for(path) if path else 'untitled'}-{os.getpid()}-{_window_counter}"


@dataclass
class RecoveryInfo:
    """What one recovery file holds (read from its ``.json``)."""

    key: str
    source: str               # the edition's path, "" for untitled work
    saved_at: float           # when the recovery was written
    pid: int
    host: str
    user: str
    base: dict | None = None  # FileStamp fields of the file the work started from
    title: str = ""
    folder: str = field(default="", repr=False)

    @property
    def data_path(self) -> str:
        return os.path.join(self.folder, self.key + _DATA)

    @property
    def meta_path(self) -> str:
        return os.path.join(self.folder, self.key + _META)

    @property
    def base_stamp(self) -> FileStamp | None:
        return FileStamp(**self.base) if self.base else None

    def describe_time(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))


class RecoveryStore:
    """The recovery folder of one user."""

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = os.fspath(folder) if folder is not None else recovery_dir()

    # -- writing ------------------------------------------------------------------------
    def write(self, key: str, edition: Edition, source: str = "",
              base: FileStamp | None = None) -> RecoveryInfo:
        """Write ``edition`` as the recovery ``key`` (the data first, then what it is, both
        atomically: a kill in between leaves the previous pair or a newer data file)."""
        from editor.formats import native
        try:
            os.makedirs(self.folder, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise SaveError(f"cannot create the recovery folder {self.folder}: "
                            f"{explain(exc)}") from None
        info = RecoveryInfo(key, os.path.abspath(source) if source else "", time.time(),
                            os.getpid(), socket.gethostname(), current_user(),
                            asdict(base) if base is not None else None,
                            edition.metadata.title, self.folder)
        atomic_write_bytes(info.data_path, native.to_bytes(edition), backup=False)
        meta = {k: v for k, v in asdict(info).items() if k != "folder"}
        atomic_write_bytes(info.meta_path, json.dumps(meta, indent=1).encode("utf-8"),
                           backup=False)
        _LIVE_KEYS.add(key)
        return info

    def touch(self, key: str) -> None:
        """Show that the owner of ``key`` is alive (its ``.json`` gets a new time)."""
        try:
            os.utime(os.path.join(self.folder, key + _META))
        except OSError:
            pass

    def remove(self, key: str) -> None:
        """Delete the recovery ``key`` (after a save or a clean close)."""
        for suffix in (_DATA, _META):
            try:
                os.unlink(os.path.join(self.folder, key + suffix))
            except OSError:
                pass
        _LIVE_KEYS.discard(key)

    def release(self, key: str) -> None:
        """This process no longer writes ``key`` (its window closed) but keeps the file."""
        _LIVE_KEYS.discard(key)

    # -- reading ------------------------------------------------------------------------
    def read_info(self, key: str) -> RecoveryInfo | None:
        try:
            with open(os.path.join(self.folder, key + _META), "rb") as handle:
                raw = json.loads(handle.read(1 << 20).decode("utf-8"))
            base = raw.get("base")
            if base is not None:
                FileStamp(**base)      # checks the fields
            return RecoveryInfo(key, str(raw.get("source", "")), float(raw["saved_at"]),
                                int(raw["pid"]), str(raw.get("host", "")),
                                str(raw.get("user", "")), base, str(raw.get("title", "")),
                                self.folder)
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None

    def entries(self) -> list[RecoveryInfo]:
        """Every readable recovery, newest first (a data file without its description is
        described from the file alone, so that nothing written is ever hidden)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        found = []
        for name in names:
            if not name.endswith(_DATA) or name.startswith("."):
                continue
            key = name[: -len(_DATA)]
            info = self.read_info(key)
            if info is None:
                path = os.path.join(self.folder, name)
                try:
                    mtime = os.stat(path).st_mtime
                except OSError:
                    continue
                info = RecoveryInfo(key, "", mtime, 0, "", "", None, "", self.folder)
            found.append(info)
        return sorted(found, key=lambda i: i.saved_at, reverse=True)

    def orphaned(self, stale_after: float = STALE_AFTER) -> list[RecoveryInfo]:
        """Recoveries no running window is writing: what a crash or a kill left."""
        return [info for info in self.entries() if is_orphaned(self, info, stale_after)]

    def load(self, info: RecoveryInfo) -> Edition:
        """The recovered edition; :class:`FileFormatError` if the file cannot be read."""
        from editor.formats import native
        return native.load(info.data_path).edition

    def discard(self, info: RecoveryInfo) -> None:
        """Move a declined recovery to ``discarded/`` (kept for a while, then deleted)."""
        target = os.path.join(self.folder, "discarded")
        os.makedirs(target, mode=0o700, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for path in (info.data_path, info.meta_path):
            if os.path.exists(path):
                base = os.path.basename(path)
                try:
                    shutil.move(path, os.path.join(target, f"{stamp}-{base}"))
                except OSError:
                    pass
        _LIVE_KEYS.discard(info.key)
        self.prune_discarded()

    def prune_discarded(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        target = os.path.join(self.folder, "discarded")
        try:
            names = os.listdir(target)
        except OSError:
            return
        for name in names:
            path = os.path.join(target, name)
            try:
                if now - os.stat(path).st_mtime > KEEP_DISCARDED_DAYS * 86400:
                    os.unlink(path)
            except OSError:
                pass


def is_orphaned(store: RecoveryStore, info: RecoveryInfo,
                stale_after: float = STALE_AFTER) -> bool:
    """True when no running window writes ``info`` any more."""
    if info.host == socket.gethostname():
        if info.pid == os.getpid():
            return info.key not in _LIVE_KEYS
        return not pid_alive(info.pid)
    # another host (a shared home folder): trust the owner while it keeps touching the file
    try:
        age = time.time() - os.stat(info.meta_path).st_mtime
    except OSError:
        return True
    return age > stale_after


# ======================================================================================
# what would be recovered


@dataclass
class Differences:
    """What a recovered edition changes relative to the file it was based on."""

    base_found: bool
    annotations_added: int = 0
    annotations_removed: int = 0
    #: annotations whose content or words changed (not those only moved by an edit)
    annotations_changed: int = 0
    #: witness id -> (characters inserted, characters deleted)
    text_changes: dict[str, tuple[int, int]] = field(default_factory=dict)
    witnesses_added: list[str] = field(default_factory=list)
    witnesses_removed: list[str] = field(default_factory=list)
    header_changed: bool = False
    annotations: int = 0
    characters: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.base_found and not (
            self.annotations_added or self.annotations_removed or self.annotations_changed
            or self.text_changes or self.witnesses_added or self.witnesses_removed
            or self.header_changed)

    def lines(self) -> list[str]:
        """The differences as short sentences for the recovery question."""
        if not self.base_found:
            texts = ", ".join(f"{wid} ({n:,} characters)" for wid, n in self.characters.items())
            return [f"{self.annotations} annotation(s); texts: {texts or 'none'}"]
        out = []
        counts = [(self.annotations_added, "added"), (self.annotations_removed, "removed"),
                  (self.annotations_changed, "changed")]
        parts = [f"{n} {what}" for n, what in counts if n]
        if parts:
            out.append("annotations: " + ", ".join(parts))
        for wid, (inserted, deleted) in self.text_changes.items():
            out.append(f"text of {wid}: {inserted:,} character(s) inserted, "
                       f"{deleted:,} deleted")
        if self.witnesses_added:
            out.append("witnesses added: " + ", ".join(self.witnesses_added))
        if self.witnesses_removed:
            out.append("witnesses removed: " + ", ".join(self.witnesses_removed))
        if self.header_changed:
            out.append("metadata, hands or people changed")
        return out or ["no differences from the file on disk"]


def _char_changes(old: str, new: str) -> tuple[int, int]:
    """Characters inserted and deleted from ``old`` to ``new`` (code points; a diff that
    runs out of its half-second budget gives an upper bound)."""
    import diff_match_patch
    dmp = diff_match_patch.diff_match_patch()
    dmp.Diff_Timeout = 0.5
    inserted = deleted = 0
    for op, chunk in dmp.diff_main(old, new, False):
        if op > 0:
            inserted += len(chunk)
        elif op < 0:
            deleted += len(chunk)
    return inserted, deleted


def _same_mark(base: Edition, old, recovered: Edition, new) -> bool:
    """True when an annotation differs at most by positions that moved with its words
    (an insertion before it shifts it without changing it)."""
    def unplaced(ann):
        span = ann.counterpart
        return replace(ann, start=0, end=0,
                       counterpart=replace(span, start=0, end=0) if span else None)
    if unplaced(old) != unplaced(new) or base.quote(old) != recovered.quote(new):
        return False
    if old.counterpart is None:
        return True
    def counterpart_quote(edition, span):
        witness = edition.witnesses.get(span.witness)
        return witness.text[span.start:span.end] if witness else None
    return counterpart_quote(base, old.counterpart) == \
        counterpart_quote(recovered, new.counterpart)


def differences(base: Edition | None, recovered: Edition) -> Differences:
    """Compare a recovered edition with the file it started from (None if unreadable)."""
    if base is None:
        return Differences(False, annotations=len(recovered.annotations),
                           characters={w.id: len(w.text) for w in recovered.witnesses.values()})
    result = Differences(True)
    old_ann, new_ann = base.annotations, recovered.annotations
    result.annotations_added = sum(1 for aid in new_ann if aid not in old_ann)
    result.annotations_removed = sum(1 for aid in old_ann if aid not in new_ann)
    result.annotations_changed = sum(
        1 for aid, ann in new_ann.items()
        if aid in old_ann and not _same_mark(base, old_ann[aid], recovered, ann))
    for wid, witness in recovered.witnesses.items():
        old = base.witnesses.get(wid)
        if old is None:
            result.witnesses_added.append(wid)
        elif old.text != witness.text:
            result.text_changes[wid] = _char_changes(old.text, witness.text)
    result.witnesses_removed = [wid for wid in base.witnesses if wid not in recovered.witnesses]
    result.header_changed = (base.metadata != recovered.metadata or base.hands != recovered.hands
                             or base.people != recovered.people)
    return result


def describe(store: RecoveryStore, info: RecoveryInfo) -> tuple[Edition, Differences]:
    """Load a recovery and compare it with the file on disk it was based on.

    Raises :class:`VariorumError` when the recovery itself cannot be read."""
    try:
        recovered = store.load(info)
    except FileFormatError as exc:
        raise VariorumError(f"the recovery file cannot be read: {exc}") from None
    base = None
    if info.source and os.path.exists(info.source):
        from editor.formats import native
        try:
            base = native.load(info.source).edition
        except VariorumError:
            base = None
    return recovered, differences(base, recovered)
