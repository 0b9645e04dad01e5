"""The command line: the seed's figures through ``variorum stats --json``, exit codes,
one-line errors, import and export."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from editor.cli import main
from editor.formats import native
from tests.conftest import ROOT, SEED_EDITION, SEED_TEXT, build_sample_edition


def run(args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_json_gives_the_seed_figures(tmp_path, capsys):
    edition = tmp_path / "seed.xml"
    code, out, err = run(["import", SEED_TEXT, "-o", edition], capsys)
    assert code == 0, err
    code, out, err = run(["stats", edition, "--json"], capsys)
    assert code == 0
    stats = json.loads(out)
    typed = stats["annotations"]["by_witness"]["typed"]
    assert typed["supplied"] == 7 and typed["addition"] == 2 and typed["sic"] == 1
    assert typed["note"] == 2
    md = stats["metadata"]
    assert md["title"] == "Telegram from A. Mikoyan to the CPSU Central Committee"
    assert md["date"] == "1956-09-19" and md["classification"] == "Secret"
    assert md["translator"] == "Gary Goldberg" and md["record_id"] == "121799"
    assert md["source"].startswith("GARF, Fond 5446")
    for key in ("rights", "summary"):
        assert md[key]
    assert set(stats["witnesses"]) == {"typed", "handwritten"}
    assert stats["witnesses"]["typed"]["chars"] > 8000
    assert stats["annotations"]["total"] == sum(stats["annotations"]["by_kind"].values())
    assert set(stats["annotations"]["by_status"]) == {"proposed"}


def test_stats_without_json_is_readable(capsys):
    code, out, _ = run(["stats", SEED_EDITION], capsys)
    assert code == 0 and "annotations: " in out and "Gary Goldberg" in out


def test_validate_exit_codes(tmp_path, capsys):
    code, out, _ = run(["validate", SEED_EDITION], capsys)
    assert code == 0 and "valid" in out
    broken = tmp_path / "broken.xml"
    broken.write_bytes(native.to_bytes(build_sample_edition()).replace(
        b"string-range(typed-p1,", b"string-range(typed-p9,", 1))
    code, out, _ = run(["validate", broken], capsys)
    assert code == 1 and "problem" in out and "typed-p9" in out
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"<TEI><unclosed>")
    code, out, err = run(["validate", garbage], capsys)
    assert code == 2 and err.count("\n") == 1 and "not well-formed" in err
    code, _, err = run(["validate", tmp_path / "missing.xml"], capsys)
    assert code == 2 and "no such file" in err


def test_export_text_is_the_witness_text_exactly(tmp_path, capsys):
    out_path = tmp_path / "typed.txt"
    code, _, err = run(["export", SEED_EDITION, "--to", "text", "--witness", "handwritten",
                        "-o", out_path], capsys)
    assert code == 0, err
    edition = native.load(SEED_EDITION).edition
    assert out_path.read_text(encoding="utf-8") == edition.witnesses["handwritten"].text


def test_export_brackets_to_standard_output(capsys):
    code, out, _ = run(["export", SEED_EDITION, "--to", "brackets"], capsys)
    assert code == 0
    assert "[inserted by hand: 18 September]" in out
    assert "[deleted in the handwritten version: reprisals against honest Party members are " \
           "halted]" in out


def test_import_plain_transcriptions(tmp_path, capsys):
    (tmp_path / "t.txt").write_text("We fly on 19 August.\r\n\r\nA. MIKOYAN", encoding="utf-8")
    (tmp_path / "h.txt").write_bytes("We fly on the 19th.\n\nA. Mikoyan".encode("utf-16"))
    out_path = tmp_path / "e.xml"
    code, out, err = run(["import", "--typed", tmp_path / "t.txt", "--handwritten",
                          tmp_path / "h.txt", "-o", out_path], capsys)
    assert code == 0, err
    edition = native.load(out_path).edition
    assert edition.witnesses["typed"].text == "We fly on 19 August.\n\nA. MIKOYAN"
    assert edition.witnesses["handwritten"].text == "We fly on the 19th.\n\nA. Mikoyan"
    # an existing output is not overwritten without --force
    code, _, err = run(["import", "--typed", tmp_path / "t.txt", "-o", out_path], capsys)
    assert code == 1 and "exists" in err


@pytest.mark.parametrize("args, message", [
    (["export", "SEED", "--to", "text", "--witness", "pencil"], "no witness 'pencil'"),
    (["import", "nowhere.txt", "-o", "x.xml"], "no such file"),
    (["import", "-o", "x.xml"], "nothing to import"),
])
def test_bad_input_is_one_line_on_stderr(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [str(SEED_EDITION) if a == "SEED" else a for a in args]
    code, out, err = run(args, capsys)
    assert code != 0
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_python_dash_m_editor_is_the_same_program():
    result = subprocess.run([sys.executable, "-m", "editor", "stats", str(SEED_EDITION), "--json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["annotations"]["total"] >= 19


def test_screenshot_renders_a_png(tmp_path, capsys):
    out_path = tmp_path / "shot.png"
    code, out, err = run([SEED_EDITION, "--screenshot", out_path, "--size", "1200x800"], capsys)
    assert code == 0, err
    from PySide6.QtGui import QImage
    image = QImage(str(out_path))
    assert (image.width(), image.height()) == (1200, 800)
