"""Long work off the interface thread: opening, importing and saving large files."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from editor.formats import native
from editor.ui import background
from tests.conftest import SEED_EDITION, SEED_TEXT, build_sample_edition


def test_result_and_errors_come_back(qapp):
    assert background.run_with_progress(None, "Adding…", lambda a, b: a + b, 2, 3) == 5
    with pytest.raises(ValueError, match="bad"):
        background.run_with_progress(None, "Failing…", lambda: (_ for _ in ()).throw(
            ValueError("bad")))


def test_the_interface_keeps_running_and_cancel_returns_at_once(qapp):
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    release = threading.Event()

    def press_cancel():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                widget.cancel()
                return
        QTimer.singleShot(50, press_cancel)
    QTimer.singleShot(400, press_cancel)
    started = time.perf_counter()
    with pytest.raises(background.Cancelled):
        background.run_with_progress(None, "Waiting…", release.wait, 30)
    elapsed = time.perf_counter() - started
    release.set()
    timer.stop()
    assert elapsed < 10                              # not the 30 s the work would take
    assert len(ticks) >= 10                          # the event loop ran meanwhile


@pytest.mark.parametrize("what", ["native", "brackets"])
def test_large_files_open_through_the_background(make_window, monkeypatch, tmp_path, what):
    calls = []
    real = background.run_with_progress

    def spy(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)
    monkeypatch.setattr(background, "run_with_progress", spy)
    monkeypatch.setattr(background, "FILE_THRESHOLD", 10)      # everything counts as large
    window = make_window()
    path = SEED_EDITION if what == "native" else SEED_TEXT
    assert window.open_path(str(path), confirm=False)
    assert calls and ("Opening" in calls[0] or "Importing" in calls[0])
    assert len(window.doc.edition.annotations) >= 19


def test_large_editions_save_through_the_background(make_window, monkeypatch, tmp_path):
    calls = []
    real = background.run_with_progress
    monkeypatch.setattr(background, "run_with_progress",
                        lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    monkeypatch.setattr(background, "ANNOTATION_THRESHOLD", 0)
    source = tmp_path / "e.xml"
    native.save(build_sample_edition(), source)
    window = make_window(source)
    target = tmp_path / "saved.xml"
    assert window.save_to(str(target), new_name=True)
    assert calls and "Saving" in calls[0]
    assert native.load(target).edition == window.doc.edition
