"""Shared test set-up.

Qt runs headless: QT_QPA_PLATFORM is set here, before anything imports Qt.  The TEI P5
schema is compiled once per session (about 10 s); tests that need it skip, saying why,
when ``../shared/schemas/tei_all.rng`` is absent.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
SCHEMA = Path(os.environ.get("VARIORUM_TEI_SCHEMA", SHARED / "schemas" / "tei_all.rng"))
TEI_TESTDATA = SHARED / "testdata" / "tei"
SEED_TEXT = SAMPLES / "mikoyan-telegram-1956-09-19.txt"
SEED_EDITION = SAMPLES / "mikoyan-telegram-1956-09-19.variorum.xml"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def tei_schema():
    """The compiled TEI P5 RELAX NG schema (skips when it is not on this machine)."""
    if not SCHEMA.exists():
        pytest.skip(f"TEI schema not found at {SCHEMA}; TEI validity is not checked")
    from lxml import etree
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


@pytest.fixture(scope="session")
def assert_valid_tei(tei_schema):
    """Call with bytes, a path or an element tree: fails with the schema's errors."""
    from lxml import etree

    def check(document) -> None:
        if isinstance(document, (bytes, bytearray)):
            tree = etree.fromstring(bytes(document))
        elif isinstance(document, (str, Path)):
            tree = etree.parse(str(document))
        else:
            tree = document
        if not tei_schema.validate(tree):
            errors = "\n".join(str(e) for e in list(tei_schema.error_log)[:10])
            pytest.fail(f"not valid TEI P5:\n{errors}")
    return check


@pytest.fixture()
def seed_text() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


# -- the window ------------------------------------------------------------------------------
import tempfile  # noqa: E402

os.environ.setdefault("VARIORUM_CONFIG_DIR", tempfile.mkdtemp(prefix="variorum-test-config-"))
os.environ.setdefault("VARIORUM_NO_MODAL", "1")


@pytest.fixture()
def make_window(qtbot, monkeypatch, tmp_path):
    """Build a main window (optionally opening a file) with the user "Jane Doe" set up,
    modal questions answered by ``answers`` (a list popped in order, default Discard/Yes)."""
    monkeypatch.setenv("VARIORUM_CONFIG_DIR", str(tmp_path / "config"))
    from PySide6.QtWidgets import QMessageBox

    from editor.ui import settings
    from editor.ui.main_window import MainWindow
    settings.set_user_identity("Jane Doe", "JD")
    windows = []

    def make(path=None, answers=None):
        window = MainWindow()
        queue = list(answers or [])

        def answer(text, buttons, default, warning=False):
            window.asked = getattr(window, "asked", []) + [text]
            if queue:
                return queue.pop(0)
            for choice in (QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Yes):
                if buttons & choice:
                    return choice
            return default
        window.question = answer
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        with qtbot.waitActive(window):
            window.activateWindow()
        if path is not None:
            assert window.open_path(str(path), confirm=False)
            window.aligner.wait()
        windows.append(window)
        return window
    yield make
    for window in windows:
        window.doc.undo_stack.setClean()   # nothing to ask at teardown


def build_sample_edition():
    """A small two-witness edition with several kinds of marks (for window tests)."""
    from editor.model import Edition, Hand, Span, Witness
    from editor.model import operations as ops
    typed = ("A conversation with the Chinese comrades was held today, 18 September, which "
             "lasted from 1800 to 2200.\n\nWe said that the facts demonstrate an unhealthy "
             "situation. Agreeing with this, Cde. Mao noted that 𝔄 Kim understood. We fly on "
             "19 August at 7 A. M.")
    hand = ("A conversation with the Chinese comrades was held today, which lasted from 1800 "
            "to 2200.\n\nWe said that the facts demonstrate an absolutely unhealthy situation. "
            "Agreeing with the issue we raised, Cde. Mao noted that 𝔄 Kim understood. We fly on "
            "19 August at 7 A. M.")
    e = Edition()
    e.metadata.title = "Window test"
    e.add_witness(Witness("typed", "Typed", "typed", typed))
    e.add_witness(Witness("handwritten", "Handwritten", "handwritten", hand))
    e.hands["hand-1"] = Hand("hand-1", "Pencil on the typescript")
    e.hands["hand-2"] = Hand("hand-2", "Ink in the draft")
    t = e.person_for("Gary Goldberg", "translator")
    i = typed.index("18 September")
    ops.add_annotation(e, "typed", i, i + 12, "addition", {"hand": "hand-1"}, who=t.id)
    i = typed.index("August")
    ops.add_annotation(e, "typed", i, i + 6, "sic", who=t.id)
    i = hand.index("absolutely")
    j = typed.index("unhealthy")
    ops.add_annotation(e, "handwritten", i, i + 10, "variant", who=t.id,
                       counterpart=Span("typed", j, j))
    return e


# -- figures the safety tests report ---------------------------------------------------------
# Fuzz and fault-injection tests add one line each (``safety_figures.add(...)``); the lines
# are printed in a "safety: cases run" section at the end of the session, even with -q.

PLUGIN_NAME = "variorum-safety-figures"


class SafetyFigures:
    def __init__(self):
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.lines:
            terminalreporter.section("safety: cases run")
            for line in self.lines:
                terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def safety_figures(pytestconfig) -> SafetyFigures:
    manager = pytestconfig.pluginmanager
    plugin = manager.get_plugin(PLUGIN_NAME)
    if plugin is None:
        plugin = SafetyFigures()
        manager.register(plugin, PLUGIN_NAME)
    return plugin
