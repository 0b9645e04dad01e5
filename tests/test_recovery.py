"""Autosave and recovery: unsaved work survives a crash or a kill and is offered back,
saying what would be recovered; a save or a clean close leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QMessageBox

from editor.formats import native
from editor.io import recovery
from editor.io.filestamp import FileStamp
from editor.io.recovery import RecoveryStore, differences, key_for, window_key
from editor.model import operations as ops

from conftest import ROOT, build_sample_edition

Yes = QMessageBox.StandardButton.Yes
No = QMessageBox.StandardButton.No
Cancel = QMessageBox.StandardButton.Cancel


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def make_orphan(store: RecoveryStore, edition, source="", base=None, pid=None,
                key=None) -> recovery.RecoveryInfo:
    """A recovery as a killed process would have left it."""
    key = key or f"{key_for(source) if source else 'untitled'}-{pid or 1}-1"
    info = store.write(key, edition, source, base)
    store.release(key)
    meta = json.loads(open(info.meta_path).read())
    meta["pid"] = pid or dead_pid()
    with open(info.meta_path, "w") as handle:
        json.dump(meta, handle)
    return store.read_info(key)


def data_files(folder) -> list[str]:
    try:
        return sorted(n for n in os.listdir(folder) if n.endswith(".variorum.xml"))
    except FileNotFoundError:
        return []


# ======================================================================================
# the store, without a window


def test_keys_follow_the_real_path(tmp_path):
    a, b = tmp_path / "a.variorum.xml", tmp_path / "b.variorum.xml"
    a.write_text("x")
    link = tmp_path / "link.xml"
    link.symlink_to(a)
    assert key_for(a) == key_for(link) != key_for(b)
    assert key_for(a).startswith("a-")
    assert window_key(a) != window_key(a)              # one per window
    assert window_key("").startswith("untitled-")


def test_a_recovery_is_written_listed_and_read_back(tmp_path):
    store = RecoveryStore(tmp_path / "recovery")
    edition = build_sample_edition()
    source = tmp_path / "e.variorum.xml"
    native.save(edition, source)
    stamp = FileStamp.of(source)
    info = store.write("k", edition, str(source), stamp)
    assert os.stat(store.folder).st_mode & 0o077 == 0          # private to the user
    [listed] = store.entries()
    assert listed.key == "k" and listed.source == str(source)
    assert listed.pid == os.getpid() and listed.host == socket.gethostname()
    assert listed.base_stamp == stamp
    assert store.load(info) == native.from_bytes(native.to_bytes(edition)).edition
    store.remove("k")
    assert store.entries() == []


def test_only_recoveries_nobody_writes_are_orphans(tmp_path):
    store = RecoveryStore(tmp_path)
    edition = build_sample_edition()
    store.write("mine", edition)                               # this process, still open
    make_orphan(store, edition, key="killed")                  # a dead process
    live = make_orphan(store, edition, key="other", pid=os.getppid())   # a live one
    assert live.pid == os.getppid()
    assert [i.key for i in store.orphaned()] == ["killed"]
    store.release("mine")                                      # its window closed uncleanly
    assert sorted(i.key for i in store.orphaned()) == ["killed", "mine"]


def test_a_data_file_without_its_description_is_still_found(tmp_path):
    store = RecoveryStore(tmp_path)
    info = store.write("half", build_sample_edition())
    os.unlink(info.meta_path)                                  # killed between the two writes
    [found] = store.entries()
    assert found.key == "half" and found.source == ""
    assert found in store.orphaned()


def test_differences_count_annotations_and_text_changes():
    base = native.from_bytes(native.to_bytes(build_sample_edition())).edition
    work = native.from_bytes(native.to_bytes(base)).edition
    ops.add_annotation(work, "typed", 0, 1, "remark")
    ops.add_annotation(work, "typed", 2, 5, "unclear")
    ops.remove_annotations(work, [next(iter(base.annotations))])
    ops.edit_text(work, "handwritten", 0, 1, "The first word replaced: A")
    work.metadata.title = "Changed"
    found = differences(base, work)
    assert (found.annotations_added, found.annotations_removed) == (2, 1)
    assert found.text_changes == {"handwritten": (25, 0)}
    assert found.header_changed
    lines = found.lines()
    assert "annotations: 2 added, 1 removed" in lines[0]
    assert "text of handwritten: 25 character(s) inserted, 0 deleted" in lines
    assert differences(base, base).empty
    # an insertion before the marks moves them; it does not change them
    shifted = native.from_bytes(native.to_bytes(base)).edition
    ops.edit_text(shifted, "typed", 0, 0, "Moved along. ")
    moved = differences(base, shifted)
    assert moved.annotations_changed == 0 and moved.text_changes == {"typed": (13, 0)}
    ann = next(a for a in shifted.annotations.values() if a.witness == "typed")
    ann.note = "a real change"
    assert differences(base, shifted).annotations_changed == 1
    alone = differences(None, work)
    assert not alone.empty and "annotation(s)" in alone.lines()[0]


def test_declined_recoveries_are_kept_for_a_while_then_deleted(tmp_path):
    store = RecoveryStore(tmp_path)
    info = make_orphan(store, build_sample_edition(), key="declined")
    store.discard(info)
    assert store.entries() == []
    kept = os.listdir(tmp_path / "discarded")
    assert len(kept) == 2
    store.prune_discarded(now=time.time() + (recovery.KEEP_DISCARDED_DAYS + 1) * 86400)
    assert os.listdir(tmp_path / "discarded") == []


# ======================================================================================
# in the window


@pytest.fixture
def sample_path(tmp_path):
    path = tmp_path / "sample.variorum.xml"
    native.save(build_sample_edition(), path)
    return path


@pytest.fixture
def recovery_folder(tmp_path):
    # the make_window fixture points VARIORUM_CONFIG_DIR here
    return tmp_path / "config" / "recovery"


def safety_of(window):
    return window.features["safety"]


def change(window, note="unsaved work") -> None:
    window.doc.push(ops.add_annotation(window.doc.edition, "typed", 0, 1, "remark", note=note))


def test_autosave_writes_unsaved_changes_on_the_timer(make_window, sample_path, qtbot,
                                                      recovery_folder):
    window = make_window(sample_path)
    safety = safety_of(window)
    safety.set_interval(0.05)
    qtbot.wait(150)
    assert data_files(recovery_folder) == []                   # nothing unsaved, nothing written
    change(window)
    qtbot.waitUntil(lambda: bool(data_files(recovery_folder)), timeout=5000)
    [info] = RecoveryStore(recovery_folder).entries()
    assert info.source == str(sample_path)
    assert RecoveryStore(recovery_folder).load(info) == window.doc.edition
    # a further change is written on the next tick
    change(window, "more work")
    qtbot.waitUntil(lambda: RecoveryStore(recovery_folder).load(info) == window.doc.edition,
                    timeout=5000)


def test_autosave_writes_when_the_window_loses_focus(make_window, sample_path,
                                                     recovery_folder):
    window = make_window(sample_path)
    safety_of(window).set_interval(0)                          # the timer out of the way
    change(window)
    assert data_files(recovery_folder) == []
    QCoreApplication.sendEvent(window, QEvent(QEvent.Type.WindowDeactivate))
    [name] = data_files(recovery_folder)
    [info] = RecoveryStore(recovery_folder).entries()
    assert RecoveryStore(recovery_folder).load(info) == window.doc.edition


def test_saving_undoing_and_closing_cleanly_remove_the_recovery(make_window, sample_path,
                                                                recovery_folder):
    window = make_window(sample_path)
    safety = safety_of(window)
    change(window)
    assert safety.autosave() and data_files(recovery_folder)
    assert window.save()
    assert data_files(recovery_folder) == []
    change(window)
    assert safety.autosave() and data_files(recovery_folder)
    window.doc.undo_stack.undo()                               # back to what is on disk
    assert not window.doc.modified
    assert data_files(recovery_folder) == []
    change(window)
    assert safety.autosave()
    assert window.close()                                      # the fixture answers Discard
    assert data_files(recovery_folder) == []


def test_an_autosave_failure_goes_to_the_status_bar(make_window, sample_path, recovery_folder,
                                                    monkeypatch):
    window = make_window(sample_path)
    change(window)
    os.makedirs(recovery_folder.parent, exist_ok=True)
    recovery_folder.write_text("a file where the folder should be")
    assert not safety_of(window).autosave()
    assert any("Could not keep a recovery copy" in n for n in safety_of(window).notices)
    assert window.doc.modified


CRASHER = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, sys.argv[1])
    from editor.ui.app import make_app
    app = make_app()
    from PySide6.QtWidgets import QMessageBox
    from editor.formats import native
    from editor.model import operations as ops
    from editor.ui.main_window import MainWindow
    window = MainWindow()
    window.question = lambda *args, **kwargs: QMessageBox.StandardButton.No
    window.show()
    assert window.open_path(sys.argv[2], confirm=False)
    edition = window.doc.edition
    window.doc.push(ops.add_annotation(edition, "typed", 0, 1, "remark", note="crash work"))
    window.doc.push(ops.add_annotation(edition, "typed", 2, 9, "unclear"))
    window.doc.push(ops.edit_text(edition, "handwritten", 0, 0, "Inserted before the kill. "))
    native.save(edition, sys.argv[3])          # what the test expects to get back
    print("changed", flush=True)
    app.exec()                                 # the autosave timer runs until the kill
""")


def test_after_a_kill_the_next_window_offers_the_work_back(make_window, sample_path,
                                                           tmp_path, qtbot, recovery_folder):
    expected = tmp_path / "expected.xml"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VARIORUM_NO_MODAL="1",
               VARIORUM_CONFIG_DIR=str(recovery_folder.parent), VARIORUM_AUTOSAVE_SECONDS="0.2")
    child = subprocess.Popen([sys.executable, "-c", CRASHER, str(ROOT), str(sample_path),
                              str(expected)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "changed"
        deadline = time.monotonic() + 30
        while not data_files(recovery_folder) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert data_files(recovery_folder), "the autosave timer wrote nothing"
        time.sleep(0.3)                        # let the description follow the data
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    before = sample_path.read_bytes()

    window = make_window(answers=[Yes])
    qtbot.waitUntil(lambda: window.doc.path == str(sample_path), timeout=5000)
    [question] = window.asked
    assert "not closed properly" in question and str(sample_path) in question
    assert "annotations: 2 added" in question
    assert "text of handwritten: 26 character(s) inserted, 0 deleted" in question
    assert time.strftime("%Y-%m-%d") in question
    assert window.doc.modified and window.isWindowModified()
    assert window.doc.edition == native.load(expected).edition
    assert sample_path.read_bytes() == before                  # recovered, not yet saved
    # the killed process's file was replaced by this window's own
    [info] = RecoveryStore(recovery_folder).entries()
    assert info.pid == os.getpid()
    assert window.save()
    assert native.load(sample_path).edition == native.load(expected).edition
    assert data_files(recovery_folder) == []


def test_untitled_work_is_recovered_as_untitled(make_window, qtbot, recovery_folder):
    work = build_sample_edition()
    work.metadata.title = "Never saved"
    make_orphan(RecoveryStore(recovery_folder), work)
    window = make_window(answers=[Yes])
    qtbot.waitUntil(lambda: window.doc.edition.metadata.title == "Never saved", timeout=5000)
    assert "an untitled edition" in window.asked[0]
    assert "3 annotation(s)" in window.asked[0]
    assert window.doc.path == "" and window.doc.modified


def test_declining_moves_the_recovery_aside_and_cancel_keeps_it(make_window, qtbot,
                                                                recovery_folder):
    store = RecoveryStore(recovery_folder)
    make_orphan(store, build_sample_edition())
    window = make_window(answers=[Cancel])
    qtbot.waitUntil(lambda: bool(getattr(window, "asked", None)), timeout=5000)
    assert len(store.orphaned()) == 1                          # decide next time
    again = make_window(answers=[No])
    qtbot.waitUntil(lambda: bool(getattr(again, "asked", None)), timeout=5000)
    assert store.orphaned() == []
    assert len(os.listdir(recovery_folder / "discarded")) == 2
    assert not again.doc.modified


def test_a_recovery_is_offered_when_its_file_is_opened(make_window, sample_path, qtbot,
                                                       recovery_folder):
    window = make_window()
    qtbot.wait(50)
    assert not getattr(window, "asked", None)                  # nothing to offer at start
    work = native.load(sample_path).edition
    ops.add_annotation(work, "typed", 0, 4, "unclear")
    make_orphan(RecoveryStore(recovery_folder), work, str(sample_path),
                FileStamp.of(sample_path))
    window.question = lambda *args, **kwargs: Yes
    assert window.open_path(str(sample_path), confirm=False)
    qtbot.waitUntil(lambda: window.doc.modified, timeout=5000)
    assert window.doc.edition == native.from_bytes(native.to_bytes(work)).edition


def test_recovering_over_a_file_changed_since_says_so_and_save_asks(make_window, sample_path,
                                                                    qtbot, recovery_folder):
    base = FileStamp.of(sample_path)
    work = native.load(sample_path).edition
    ops.add_annotation(work, "typed", 0, 4, "unclear")
    make_orphan(RecoveryStore(recovery_folder), work, str(sample_path), base)
    other = native.load(sample_path).edition
    other.metadata.title = "Changed by someone else"
    native.save(other, sample_path)
    window = make_window(answers=[Yes, QMessageBox.StandardButton.Cancel])
    qtbot.waitUntil(lambda: window.doc.modified, timeout=5000)
    assert "changed since" in window.asked[0]
    assert not window.save()                                   # asked, and cancelled
    assert "changed on disk" in window.asked[1]
    assert native.load(sample_path).edition.metadata.title == "Changed by someone else"


def test_an_unreadable_recovery_is_set_aside_without_a_crash(make_window, qtbot,
                                                             recovery_folder):
    store = RecoveryStore(recovery_folder)
    info = make_orphan(store, build_sample_edition())
    with open(info.data_path, "wb") as handle:
        handle.write(b"<TEI><broken")
    window = make_window()
    qtbot.waitUntil(lambda: store.orphaned() == [], timeout=5000)
    assert any("unreadable" in n for n in safety_of(window).notices)
    assert not getattr(window, "asked", None)


def test_an_off_screen_window_nobody_can_answer_never_blocks(qtbot, monkeypatch, tmp_path):
    """``variorum FILE --screenshot`` runs off screen: a recovery question there would be
    a modal dialog nobody sees. It is not asked; the recovery stays for next time."""
    monkeypatch.setenv("VARIORUM_CONFIG_DIR", str(tmp_path / "config"))
    store = RecoveryStore(tmp_path / "config" / "recovery")
    make_orphan(store, build_sample_edition())
    from editor.ui.main_window import MainWindow
    window = MainWindow()                 # its own question(): a real, modal message box
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(safety_of(window).notices), timeout=5000)
    assert "not closed properly" in safety_of(window).notices[0]
    assert len(store.orphaned()) == 1
    assert not window.doc.modified
