"""Measurements of one benchmark size, run in a fresh process (``python -m tests.bench.measure SIZE``).

Prints one JSON object: for each measurement, the list of timings (seconds) of its runs, and
the peak memory.  ``bench/run.py`` runs this for every size and prints the table.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VARIORUM_NO_MODAL", "1")
os.environ.setdefault("VARIORUM_CONFIG_DIR", tempfile.mkdtemp(prefix="variorum-bench-"))


def timed(function, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        function()
        out.append(time.perf_counter() - start)
    return out


def measure(size: str, runs: int) -> dict:
    from lxml import etree

    from tests.bench.generate import corrected_text, path_for
    from editor.align.alignment import align_texts
    from editor.formats import native
    from editor.model import operations as ops

    path = str(path_for(size))
    results: dict = {"size": size, "file_bytes": os.path.getsize(path)}
    big = size == "very-long"
    runs_heavy = max(2, runs // 3) if big else runs

    # the window first, in this fresh process: its peak memory is the window's, with the
    # edition open and typed in (the measurements below hold other copies of the edition)
    results.update(measure_window(path, runs_heavy, big))
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    results["lxml_parse"] = timed(lambda: etree.parse(path), runs)
    results["open_model"] = timed(lambda: native.load(path), runs_heavy)
    edition = native.load(path).edition
    results["annotations"] = len(edition.annotations)
    results["chars"] = {w.id: len(w.text) for w in edition.witnesses.values()}
    out = os.path.join(tempfile.mkdtemp(prefix="variorum-bench-save-"), "saved.xml")
    results["save"] = timed(lambda: native.save(edition, out, backup=False), runs_heavy)
    typed, draft = edition.witnesses["typed"].text, edition.witnesses["handwritten"].text
    results["align"] = timed(lambda: align_texts(typed, draft), runs_heavy)

    # mapping every annotation through one edit at the very start (the worst case: every
    # annotation after it shifts), undone between runs
    def one_edit() -> None:
        change = ops.edit_text(edition, "typed", 0, 0, "x")
        ops.undo(edition, change)
    results["map_one_edit"] = timed(one_edit, 50)

    try:
        from editor.anchor.reanchor import reanchor
    except ImportError:
        reanchor = None
    if reanchor is not None:
        corrected = corrected_text(typed)

        def reanchor_once() -> None:
            fresh = native.load(path).edition
            start = time.perf_counter()
            reanchor(fresh, "typed", corrected)
            reanchor_once.elapsed = time.perf_counter() - start
        timings = []
        for _ in range(2 if big else 3):
            reanchor_once()
            timings.append(reanchor_once.elapsed)
        results["reanchor"] = timings
    return results


def measure_window(path: str, runs: int, big: bool) -> dict:
    """Open to first paint, then keystrokes with every annotation drawn."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject
    from PySide6.QtTest import QTest

    from editor.ui.app import make_app
    from editor.ui.main_window import MainWindow
    app = make_app()
    results: dict = {}

    class FirstPaint(QObject):
        def __init__(self):
            super().__init__()
            self.painted_at = None

        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint and self.painted_at is None:
                self.painted_at = "pending"
            return False

    open_times = []
    window = None
    for _ in range(runs):
        if window is not None:
            window.doc.undo_stack.setClean()
            window.close()
            window.deleteLater()
            QCoreApplication.processEvents()
        gc.collect()
        start = time.perf_counter()
        window = MainWindow()
        window.resize(1400, 900)
        window.open_path(path, confirm=False)
        window.show()
        watcher = FirstPaint()
        viewport = window.panes[0].editor.viewport()
        viewport.installEventFilter(watcher)
        # process events until both panes have painted their first frame
        viewport.repaint()
        window.panes[1].editor.viewport().repaint()
        QCoreApplication.processEvents()
        open_times.append(time.perf_counter() - start)
        viewport.removeEventFilter(watcher)
    results["open_window"] = open_times

    # keystrokes in the middle of the typed text, each followed by a repaint
    pane = window.panes[0]
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    text = pane.edition.witnesses["typed"].text
    middle = text.index(" ", len(text) // 2)
    cursor = pane.editor.textCursor()
    cursor.setPosition(pane.pmap.to_qt(middle))
    pane.editor.setTextCursor(cursor)
    pane.editor.centerCursor()
    pane.editor.setFocus()
    QCoreApplication.processEvents()
    keys = []
    letters = "variorum "
    for i in range(300):
        start = time.perf_counter()
        QTest.keyClick(pane.editor, letters[i % len(letters)])
        pane.editor.viewport().repaint()
        keys.append(time.perf_counter() - start)
    assert pane.editor.toPlainText() == pane.edition.witnesses["typed"].text
    results["keystroke"] = keys
    QCoreApplication.processEvents()
    window.doc.undo_stack.setClean()
    del app
    return results


def main() -> None:
    size = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    print(json.dumps(measure(size, runs)))


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median": statistics.median(ordered), "min": ordered[0], "max": ordered[-1],
            "p95": p95, "runs": len(ordered)}


if __name__ == "__main__":
    main()
