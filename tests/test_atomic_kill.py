"""Fault injection: a process saving an edition in a loop is killed (SIGKILL) at random
moments, many times; after every kill the file on disk is the old or the new version,
complete and valid, and so is its backup.

A small helper process imports Variorum once and forks one saver per round, so that a
round costs milliseconds and the kills land anywhere in ``native.save`` (serialising,
writing, syncing, backing up, renaming).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from editor.formats import native
from editor.io.atomic import backup_path

from conftest import ROOT, build_sample_edition

KILLS = 50

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() (POSIX)")

HELPER = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, sys.argv[1])
    from editor.formats import native
    versions = [native.from_bytes(open(p, "rb").read()).edition for p in sys.argv[3:5]]
    target = sys.argv[2]
    for line in sys.stdin:
        if line.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:
            saves = 0
            while True:                      # save the other version, forever, until killed
                native.save(versions[saves % 2], target)
                saves += 1
                if saves == 1:
                    os.write(1, b"saving\\n")
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1, flush=True)
""")


def two_versions():
    old = build_sample_edition()
    new = build_sample_edition()
    new.metadata.title = "The new version"
    new.witnesses["typed"].text += " A sentence added in the new version." * 40
    return native.from_bytes(native.to_bytes(old)).edition, \
        native.from_bytes(native.to_bytes(new)).edition


def test_a_save_killed_at_random_moments_leaves_a_whole_version(tmp_path, safety_figures):
    old, new = two_versions()
    versions = {native.to_bytes(old): old, native.to_bytes(new): new}
    paths = []
    for i, data in enumerate(versions):
        path = tmp_path / f"version-{i}.xml"
        path.write_bytes(data)
        paths.append(str(path))
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / "edition.variorum.xml"
    target.write_bytes(native.to_bytes(old))
    errors = open(tmp_path / "helper-stderr.txt", "w+")
    helper = subprocess.Popen([sys.executable, "-c", HELPER, str(ROOT), str(target), *paths],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                              text=True)

    def line() -> str:
        text = helper.stdout.readline()
        if not text:
            errors.seek(0)
            pytest.fail(f"the saving process stopped by itself:\n{errors.read()}")
        return text.strip()
    rng = random.Random(20240917)
    mid_write = 0
    try:
        for _round in range(KILLS):
            helper.stdin.write("go\n")
            helper.stdin.flush()
            pid = int(line())
            assert line() == "saving"                             # at least one save done
            time.sleep(rng.uniform(0, 0.02))                      # then a random moment
            os.kill(pid, signal.SIGKILL)
            assert int(line()) == signal.SIGKILL, "the saver ended without being killed"
            mid_write += any(name.endswith(".tmp") for name in os.listdir(folder))
            on_disk = target.read_bytes()
            assert on_disk in versions, "the file is neither the old nor the new version"
            assert native.load(target).edition == versions[on_disk]
            backup = backup_path(target)
            if os.path.exists(backup):
                kept = open(backup, "rb").read()
                assert kept in versions, "the backup is neither the old nor the new version"
    finally:
        helper.stdin.close()
        helper.wait(timeout=10)
        errors.close()
    safety_figures.add(f"fault injection: {KILLS} saves killed with SIGKILL, {mid_write} of them "
                       "in the middle of a write (a temporary file left); every time the file "
                       "and its backup were a whole version")
    # the temporary files of killed saves are swept by the next save
    native.save(old, target)
    assert not [n for n in os.listdir(folder) if n.endswith(".tmp")]
