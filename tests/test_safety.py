"""The window's safety net: files changed on disk behind the editor's back, and two
windows or processes on one edition."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QMessageBox

from editor.formats import native
from editor.io.lock import lock_file_for, read_lock
from editor.model import operations as ops

from conftest import ROOT, build_sample_edition

Yes = QMessageBox.StandardButton.Yes
No = QMessageBox.StandardButton.No
Cancel = QMessageBox.StandardButton.Cancel


@pytest.fixture
def sample_path(tmp_path):
    path = tmp_path / "sample.variorum.xml"
    native.save(build_sample_edition(), path)
    return path


def safety_of(window):
    return window.features["safety"]


def change(window, note="unsaved work") -> None:
    window.doc.push(ops.add_annotation(window.doc.edition, "typed", 0, 1, "remark", note=note))


def change_on_disk(path, title="Changed by another program", in_place=False):
    """Another program writes the file: by a rename (git, most editors) or in place."""
    edition = native.load(path).edition
    edition.metadata.title = title
    if in_place:
        with open(path, "wb") as handle:
            handle.write(native.to_bytes(edition))
    else:
        native.save(edition, path, backup=False)
    return edition


def asked(window) -> list[str]:
    return getattr(window, "asked", [])


# ======================================================================================
# external changes


@pytest.mark.parametrize("in_place", [False, True], ids=["renamed-over", "written-in-place"])
def test_a_change_on_disk_is_noticed_and_reloaded(make_window, sample_path, qtbot, in_place):
    window = make_window(sample_path, answers=[Yes])
    expected = change_on_disk(sample_path, in_place=in_place)
    qtbot.waitUntil(lambda: window.doc.edition.metadata.title == expected.metadata.title,
                    timeout=5000)
    [question] = asked(window)
    assert "changed on disk by another program" in question and "Reload it?" in question
    assert not window.doc.modified
    # and it keeps watching: a second change is noticed too
    window.question = lambda *args, **kwargs: Yes
    change_on_disk(sample_path, "Changed again", in_place=in_place)
    qtbot.waitUntil(lambda: window.doc.edition.metadata.title == "Changed again", timeout=5000)


def test_keeping_ones_version_means_save_asks_before_overwriting(make_window, sample_path,
                                                                 qtbot):
    window = make_window(sample_path, answers=[No, Cancel])
    change(window)
    theirs = change_on_disk(sample_path)
    qtbot.waitUntil(lambda: len(asked(window)) == 1, timeout=5000)
    assert "you have unsaved changes" in asked(window)[0]
    assert window.doc.modified                                 # ours, kept
    assert "unsaved work" in [a.note for a in window.doc.edition.annotations.values()]
    assert not window.save()                                   # asked, cancelled
    assert "changed on disk by another program" in asked(window)[1]
    assert native.load(sample_path).edition == theirs
    # the same disk version is not asked about again when the window comes back
    QCoreApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    qtbot.wait(100)
    assert len(asked(window)) == 2


def test_coming_back_to_the_window_checks_the_file(make_window, sample_path, qtbot):
    window = make_window(sample_path, answers=[Yes])
    safety = safety_of(window)
    safety.watcher.fileChanged.disconnect()                    # as if the watcher missed it
    safety.watcher.directoryChanged.disconnect()
    expected = change_on_disk(sample_path)
    QCoreApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    qtbot.waitUntil(lambda: window.doc.edition == expected, timeout=5000)
    assert len(asked(window)) == 1


def test_a_deleted_file_is_reported_and_closing_then_asks_to_save(make_window, sample_path,
                                                                  qtbot):
    window = make_window(sample_path, answers=[QMessageBox.StandardButton.Ok, Cancel])
    assert not window.doc.modified
    os.unlink(sample_path)
    qtbot.waitUntil(lambda: len(asked(window)) == 1, timeout=5000)
    assert "deleted or moved" in asked(window)[0]
    assert window.doc.modified
    assert not window.close()                                  # "Save the changes?" cancelled
    assert "Save the changes" in asked(window)[1]
    assert window.save()
    assert sample_path.exists()


def test_our_own_saves_raise_no_question(make_window, sample_path, qtbot):
    window = make_window(sample_path)
    for n in range(3):
        change(window, f"change {n}")
        assert window.save()
    qtbot.wait(600)
    QCoreApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    qtbot.wait(100)
    assert asked(window) == []


# ======================================================================================
# two windows, two processes


def lock_folder(tmp_path):
    return tmp_path / "config" / "locks"          # make_window's VARIORUM_CONFIG_DIR


def test_a_second_window_is_warned_and_may_open_read_only(make_window, sample_path, tmp_path):
    first = make_window(sample_path)
    assert asked(first) == []
    info = read_lock(lock_file_for(sample_path, lock_folder(tmp_path)))
    assert info is not None and info.pid == os.getpid()
    second = make_window(sample_path, answers=[Yes])
    [question] = asked(second)
    assert "already open in Variorum" in question and f"process {os.getpid()}" in question
    assert second.doc.read_only
    assert all(pane.editor.isReadOnly() for pane in second.panes)
    assert "read-only" in second.windowTitle()
    third = make_window(sample_path, answers=[No])            # edit anyway
    assert not third.doc.read_only
    assert read_lock(lock_file_for(sample_path, lock_folder(tmp_path))).token == \
        safety_of(first).lock.token


def test_closing_releases_the_lock(make_window, sample_path, tmp_path):
    first = make_window(sample_path)
    lock_file = lock_file_for(sample_path, lock_folder(tmp_path))
    assert os.path.exists(lock_file)
    assert first.close()
    assert not os.path.exists(lock_file)
    second = make_window(sample_path)
    assert asked(second) == []


def test_save_as_moves_the_lock(make_window, sample_path, tmp_path):
    window = make_window(sample_path)
    other = tmp_path / "other.variorum.xml"
    assert window.save_to(str(other), new_name=True)
    assert not os.path.exists(lock_file_for(sample_path, lock_folder(tmp_path)))
    assert read_lock(lock_file_for(other, lock_folder(tmp_path))).pid == os.getpid()


HOLDER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from editor.io.lock import EditLock
    lock = EditLock(sys.argv[2], sys.argv[3])
    print("held" if lock.acquire() is None else "refused", flush=True)
    sys.stdin.readline()
""")


def test_a_lock_held_by_another_process_and_one_left_by_a_killed_one(make_window,
                                                                     sample_path, tmp_path):
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(ROOT), str(sample_path),
                              str(lock_folder(tmp_path))], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        window = make_window(sample_path, answers=[Yes])
        assert f"process {child.pid}" in asked(window)[0]
        assert window.doc.read_only
    finally:
        child.kill()
        child.wait()
    # the holder was killed: its lock is stale and taken over without a question
    again = make_window(sample_path)
    assert asked(again) == []
    assert any("taken over" in n and "no longer exists" in n
               for n in safety_of(again).notices)
    assert read_lock(lock_file_for(sample_path, lock_folder(tmp_path))).pid == os.getpid()
