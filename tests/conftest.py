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
