"""PDF editions through Qt's printing."""

from __future__ import annotations

import subprocess
import sys

from editor.formats import native
from editor.formats.registry import ExportOptions, exporter
from tests.conftest import ROOT, build_sample_edition


def test_pdf_of_both_versions_and_of_one(qapp):
    edition = build_sample_edition()
    both = exporter("pdf")(edition, ExportOptions())
    one = exporter("pdf")(edition, ExportOptions(witness="typed"))
    for data in (both, one):
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert both != one


def test_pdf_export_from_the_command_line(tmp_path):
    source = tmp_path / "e.xml"
    native.save(build_sample_edition(), source)
    out = tmp_path / "e.pdf"
    result = subprocess.run([sys.executable, "-m", "editor", "export", str(source), "--to", "pdf",
                             "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**__import__("os").environ,
                                              "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_pdf_needs_an_output_file(tmp_path):
    source = tmp_path / "e.xml"
    native.save(build_sample_edition(), source)
    result = subprocess.run([sys.executable, "-m", "editor", "export", str(source), "--to", "pdf"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "needs an output file" in result.stderr
    assert "Traceback" not in result.stderr
