"""Never lose work: atomic saves with a backup, and failed saves that leave the old file.

Write failures are made real where the machine allows it (a folder that does not exist, a
read-only folder, a tiny tmpfs that fills up) and simulated where it does not (a disk
that fills in the middle of ``write`` or reports the error only at ``fsync``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
import sys

import pytest

from editor.errors import SaveError
from editor.formats import native
from editor.io import atomic
from editor.io.atomic import atomic_write_bytes, backup_path
from editor.model import operations as ops

from conftest import build_sample_edition


def leftovers(folder) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


def big_edition(chars: int = 200_000):
    edition = build_sample_edition()
    edition.witnesses["typed"].text += " filler" * (chars // 7)
    return edition


# -- machinery for real failures ---------------------------------------------------------------

def _mount_tmpfs(path, size: str) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                           str(path)], capture_output=True)
    return done.returncode == 0


def _umount(path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _writable(folder) -> bool:
    probe = os.path.join(folder, ".probe")
    try:
        with open(probe, "w"):
            pass
    except OSError:
        return False
    os.unlink(probe)
    return True


@contextlib.contextmanager
def read_only_folder(folder, files: dict[str, bytes]):
    """``folder`` holding ``files``, then made read-only: by permissions for an ordinary
    user, by a read-only tmpfs for root (whom permissions do not stop); skips otherwise."""
    os.makedirs(folder, exist_ok=True)
    mounted = False
    if os.geteuid() == 0:
        if not _mount_tmpfs(folder, "1m"):
            pytest.skip("running as root without the right to mount: no read-only folder")
        mounted = True
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(data)
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        os.chmod(folder, 0o555)
    try:
        assert not _writable(folder), "the folder should be read-only now"
        yield folder
    finally:
        if mounted:
            _umount(folder)
        else:
            os.chmod(folder, 0o755)


def _fail_writes_after(limit: int, error=errno.ENOSPC):
    """A stand-in for ``os.fdopen`` whose files accept ``limit`` bytes, then fail."""
    real_fdopen = os.fdopen

    class Filling:
        def __init__(self, fd, *args, **kwargs):
            self.raw = real_fdopen(fd, *args, **kwargs)
            self.written = 0

        def write(self, data):
            room = max(0, limit - self.written)
            self.raw.write(data[:room])
            self.written += min(room, len(data))
            if len(data) > room:
                raise OSError(error, os.strerror(error))
            return len(data)

        def __getattr__(self, name):
            return getattr(self.raw, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.raw.close()

    return Filling


# -- the atomic write ------------------------------------------------------------------------

def test_save_replaces_the_file_and_keeps_the_old_one_as_backup(tmp_path):
    path = tmp_path / "e.xml"
    atomic_write_bytes(path, b"version 1")
    assert path.read_bytes() == b"version 1"
    assert not os.path.exists(backup_path(path))          # nothing to back up yet
    atomic_write_bytes(path, b"version 2")
    assert path.read_bytes() == b"version 2"
    assert open(backup_path(path), "rb").read() == b"version 1"
    atomic_write_bytes(path, b"version 3")
    assert open(backup_path(path), "rb").read() == b"version 2"
    atomic_write_bytes(path, b"version 4", backup=False)
    assert open(backup_path(path), "rb").read() == b"version 2"
    assert leftovers(tmp_path) == []


def test_save_keeps_the_permissions_of_the_file(tmp_path):
    path = tmp_path / "e.xml"
    atomic_write_bytes(path, b"one")
    os.chmod(path, 0o640)
    atomic_write_bytes(path, b"two")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_file_is_synced_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    path = tmp_path / "e.xml"
    atomic_write_bytes(path, b"old")
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            events.append(("fsync-folder", st.st_ino))
        else:
            events.append(("fsync-file", st.st_size))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.path.basename(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    atomic_write_bytes(path, b"the new content")
    into_place = events.index(("replace", "e.xml"))
    assert ("fsync-file", len(b"the new content")) in events[:into_place]
    assert ("fsync-folder", os.stat(tmp_path).st_ino) in events[into_place + 1:]


def test_a_missing_folder_is_reported_plainly(tmp_path):
    with pytest.raises(SaveError) as info:
        native.save(build_sample_edition(), tmp_path / "gone" / "e.xml")
    message = str(info.value)
    assert "the folder does not exist" in message and "Save As" in message
    assert not (tmp_path / "gone").exists()


def test_a_read_only_folder_leaves_the_old_file(tmp_path):
    old = native.to_bytes(build_sample_edition())
    folder = tmp_path / "ro"
    with read_only_folder(folder, {"e.xml": old}):
        with pytest.raises(SaveError) as info:
            native.save(big_edition(), folder / "e.xml")
        assert ("permission denied" in str(info.value)
                or "the disk is read-only" in str(info.value))
        assert (folder / "e.xml").read_bytes() == old
        assert leftovers(folder) == []


def test_a_read_only_file_is_not_replaced(tmp_path):
    path = tmp_path / "e.xml"
    path.write_bytes(b"keep me")
    os.chmod(path, 0o444)
    with pytest.raises(SaveError, match="read-only"):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"keep me"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("limit", [0, 1000])
def test_a_disk_that_fills_during_the_write_leaves_the_old_file(tmp_path, monkeypatch, limit):
    path = tmp_path / "e.xml"
    old = native.to_bytes(build_sample_edition())
    path.write_bytes(old)
    monkeypatch.setattr(os, "fdopen", _fail_writes_after(limit))
    with pytest.raises(SaveError) as info:
        native.save(big_edition(), path)
    assert "the disk is full" in str(info.value)
    assert path.read_bytes() == old
    assert not os.path.exists(backup_path(path))     # the backup comes after the write
    assert leftovers(tmp_path) == []


def test_an_error_reported_only_at_fsync_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "e.xml"
    path.write_bytes(b"old")

    def fsync(fd):
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(SaveError, match="input/output error"):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_failed_backup_stops_the_save(tmp_path, monkeypatch):
    path = tmp_path / "e.xml"
    path.write_bytes(b"old")

    def refuse(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "link", refuse)
    monkeypatch.setattr(shutil, "copyfile", refuse)
    with pytest.raises(SaveError, match="disk is full"):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_real_full_disk_leaves_the_old_file(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    if not _mount_tmpfs(folder, "64k"):
        pytest.skip("cannot mount a small tmpfs here (needs Linux and root)")
    try:
        old = native.to_bytes(build_sample_edition())
        (folder / "e.xml").write_bytes(old)
        with pytest.raises(SaveError, match="the disk is full"):
            native.save(big_edition(200_000), folder / "e.xml")
        assert (folder / "e.xml").read_bytes() == old
        assert native.load(folder / "e.xml").edition == native.from_bytes(old).edition
        assert leftovers(folder) == []
        # the space is given back: a save that fits still works
        native.save(build_sample_edition(), folder / "e.xml")
    finally:
        _umount(folder)


def test_a_symbolic_link_stays_a_link(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    target = real / "e.xml"
    target.write_bytes(b"old")
    link = tmp_path / "link.xml"
    link.symlink_to(target)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink()
    assert target.read_bytes() == b"new"
    assert open(backup_path(target), "rb").read() == b"old"


def test_a_folder_with_the_name_is_refused(tmp_path):
    (tmp_path / "e.xml").mkdir()
    with pytest.raises(SaveError, match="a folder has that name"):
        atomic_write_bytes(tmp_path / "e.xml", b"x")


def test_temporary_files_of_killed_saves_are_swept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".e.xml.{dead.pid}.abcd1234.tmp"
    stale.write_bytes(b"half a fi")
    alive = tmp_path / f".e.xml.{os.getppid()}.abcd1234.tmp"    # a live process's save
    alive.write_bytes(b"in progress")
    atomic_write_bytes(tmp_path / "e.xml", b"x")
    assert not stale.exists()
    assert alive.exists()


def test_reasons_are_plain_words():
    assert atomic.explain(OSError(errno.ENOSPC, "x")) == "the disk is full"
    assert atomic.explain(OSError(errno.EROFS, "x")) == "the disk is read-only"
    assert atomic.explain(OSError(errno.EACCES, "x")) == "permission denied"


# -- in the window ------------------------------------------------------------------------

@pytest.fixture
def sample_path(tmp_path):
    folder = tmp_path / "editions"
    folder.mkdir()
    path = folder / "sample.variorum.xml"
    native.save(build_sample_edition(), path)
    return path


def change(window) -> None:
    window.doc.push(ops.add_annotation(window.doc.edition, "typed", 0, 1, "remark",
                                       note="unsaved work"))
    assert window.doc.modified


def test_window_disk_full_shows_the_error_and_stays_modified(make_window, sample_path,
                                                             monkeypatch, tmp_path):
    window = make_window(sample_path)
    before = sample_path.read_bytes()
    change(window)
    monkeypatch.setattr(os, "fdopen", _fail_writes_after(100))
    assert not window.save()
    title, message = window.last_error
    assert title == "The edition was not saved"
    assert "the disk is full" in message and "Save As" in message
    assert window.doc.modified and window.isWindowModified()
    assert sample_path.read_bytes() == before
    monkeypatch.undo()
    # the user saves elsewhere: the work is kept
    elsewhere = tmp_path / "elsewhere.variorum.xml"
    assert window.save_to(str(elsewhere), new_name=True)
    assert not window.doc.modified
    assert native.load(elsewhere).edition == window.doc.edition


def test_window_folder_gone_shows_the_error_and_stays_modified(make_window, sample_path,
                                                               tmp_path):
    window = make_window(sample_path)
    change(window)
    shutil.rmtree(sample_path.parent)
    assert not window.save()
    assert "the folder does not exist" in window.last_error[1]
    assert window.doc.modified
    assert window.save_to(str(tmp_path / "rescued.variorum.xml"), new_name=True)
    assert not window.doc.modified


def test_window_read_only_folder_shows_the_error_and_stays_modified(make_window, tmp_path):
    folder = tmp_path / "ro"
    old = native.to_bytes(build_sample_edition())
    with read_only_folder(folder, {"e.variorum.xml": old}):
        window = make_window(folder / "e.variorum.xml")
        change(window)
        assert not window.save()
        assert window.last_error[0] == "The edition was not saved"
        assert window.doc.modified
        assert (folder / "e.variorum.xml").read_bytes() == old
        window.doc.undo_stack.setClean()


def test_window_close_with_a_failing_save_stays_open(make_window, sample_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    window = make_window(sample_path, answers=[QMessageBox.StandardButton.Save])
    change(window)
    monkeypatch.setattr(os, "fdopen", _fail_writes_after(0))
    assert not window.close()
    assert window.isVisible()
    assert window.doc.modified
    assert "the disk is full" in window.last_error[1]
