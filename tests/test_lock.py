"""Edit locks: the second window or process on an edition is warned; a lock left by a
crash or a hang does not stay forever."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from editor.formats import native
from editor.io import lock as locks
from editor.io.lock import EditLock, read_lock, stale_reason

from conftest import ROOT, build_sample_edition


@pytest.fixture
def edition(tmp_path):
    path = tmp_path / "e.variorum.xml"
    native.save(build_sample_edition(), path)
    return path


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "config" / "locks"


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_first_takes_the_lock_and_the_second_is_told_who(edition, folder):
    first, second = EditLock(edition, folder), EditLock(edition, folder)
    assert first.acquire() is None and first.owned
    holder = second.acquire()
    assert holder is not None and not second.owned
    assert holder.pid == os.getpid()
    assert holder.host == socket.gethostname()
    assert holder.user == locks.current_user()
    assert holder.file == str(edition)
    assert f"process {os.getpid()}" in holder.describe()
    assert abs(holder.started - time.time()) < 60
    first.release()
    assert second.acquire() is None and second.owned


def test_acquiring_again_is_harmless_and_release_only_removes_ones_own(edition, folder):
    mine, other = EditLock(edition, folder), EditLock(edition, folder)
    assert mine.acquire() is None
    assert mine.acquire() is None
    other.release()                          # not its lock: nothing happens
    assert os.path.exists(mine.lock_file)
    mine.release()
    assert not os.path.exists(mine.lock_file)


def test_the_same_file_under_another_name_shares_the_lock(edition, folder, tmp_path):
    link = tmp_path / "link.xml"
    link.symlink_to(edition)
    assert EditLock(edition, folder).acquire() is None
    assert EditLock(link, folder).acquire() is not None


def write_lock(lock_file, **fields) -> None:
    info = {"file": "x", "pid": os.getpid(), "host": socket.gethostname(), "user": "jane",
            "started": time.time(), "heartbeat": time.time(), "token": "someone-else"}
    info.update(fields)
    os.makedirs(os.path.dirname(lock_file), exist_ok=True)
    with open(lock_file, "w") as handle:
        json.dump(info, handle)


def test_a_lock_whose_process_is_gone_is_taken_over(edition, folder):
    lock = EditLock(edition, folder)
    write_lock(lock.lock_file, pid=dead_pid())
    assert lock.acquire() is None
    assert "no longer exists" in lock.took_over
    assert read_lock(lock.lock_file).token == lock.token


def test_a_lock_of_a_live_process_on_this_host_is_respected(edition, folder):
    lock = EditLock(edition, folder)
    write_lock(lock.lock_file, pid=os.getppid())
    holder = lock.acquire()
    assert holder is not None and holder.pid == os.getppid()


def test_a_lock_not_refreshed_for_too_long_is_stale_even_if_its_process_lives(edition,
                                                                              folder):
    lock = EditLock(edition, folder, stale_after=600)
    write_lock(lock.lock_file, pid=os.getppid(), heartbeat=time.time() - 601)
    assert lock.acquire() is None
    assert "not refreshed" in lock.took_over


def test_another_hosts_lock_counts_while_its_heartbeat_is_fresh(edition, folder):
    lock = EditLock(edition, folder, stale_after=600)
    write_lock(lock.lock_file, host="elsewhere.example", pid=1, heartbeat=time.time() - 30)
    holder = lock.acquire()
    assert holder is not None and "elsewhere.example" in holder.describe()
    write_lock(lock.lock_file, host="elsewhere.example", pid=1, heartbeat=time.time() - 700)
    assert lock.acquire() is None


def test_a_lock_left_by_a_closed_window_of_this_process_is_stale(edition, folder):
    lock = EditLock(edition, folder)
    write_lock(lock.lock_file, token="a-window-closed-long-ago")
    assert lock.acquire() is None
    assert "closed" in lock.took_over


def test_an_unreadable_lock_is_respected_while_young_and_taken_when_old(edition, folder):
    lock = EditLock(edition, folder, stale_after=600)
    os.makedirs(folder, exist_ok=True)
    with open(lock.lock_file, "w") as handle:
        handle.write("{half a lo")
    holder = lock.acquire()
    assert holder is not None and "could not be read" in holder.describe()
    old = time.time() - 601
    os.utime(lock.lock_file, (old, old))
    assert lock.acquire() is None
    assert lock.took_over == "it could not be read"


def test_refresh_renews_the_heartbeat_and_notices_a_take_over(edition, folder):
    lock = EditLock(edition, folder)
    assert lock.acquire() is None
    before = read_lock(lock.lock_file).heartbeat
    time.sleep(0.01)
    assert lock.refresh()
    assert read_lock(lock.lock_file).heartbeat > before
    write_lock(lock.lock_file, token="a-newer-holder")        # taken over meanwhile
    assert not lock.refresh()
    assert not lock.owned


def test_stale_reason_is_empty_for_a_live_lock(edition, folder):
    lock = EditLock(edition, folder)
    lock.acquire()
    assert stale_reason(read_lock(lock.lock_file)) == ""


HOLDER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from editor.io.lock import EditLock
    lock = EditLock(sys.argv[2], sys.argv[3])
    print("held" if lock.acquire() is None else "refused", flush=True)
    sys.stdin.readline()
    lock.release()
    print("released", flush=True)
""")


def test_two_processes(edition, folder):
    """Another process holds the lock: we are told; once it releases, we get it; once it
    is killed, its lock is stale."""
    def start():
        child = subprocess.Popen([sys.executable, "-c", HOLDER, str(ROOT), str(edition),
                                  str(folder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
        assert child.stdout.readline().strip() == "held"
        return child
    child = start()
    lock = EditLock(edition, folder)
    holder = lock.acquire()
    assert holder is not None and holder.pid == child.pid
    child.stdin.write("\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "released"
    child.wait()
    assert lock.acquire() is None
    lock.release()

    child = start()
    assert EditLock(edition, folder).acquire() is not None
    child.kill()
    child.wait()
    taker = EditLock(edition, folder)
    assert taker.acquire() is None and "no longer exists" in taker.took_over
