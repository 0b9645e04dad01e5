"""``variorum facsimile add`` and ``variorum facsimile list``."""

from __future__ import annotations

import os

import pytest

from editor.cli import main
from editor.formats import native
from editor.model import facsimile
from tests.conftest import build_sample_edition
from tests.test_facsimile_model import write_png, write_tiff


@pytest.fixture()
def edition_file(tmp_path):
    path = tmp_path / "edition.variorum.xml"
    native.save(build_sample_edition(), path)
    return path


def test_add_pages_in_place_including_a_multipage_tiff(tmp_path, edition_file, capsys,
                                                       assert_valid_tei):
    (tmp_path / "scans").mkdir()
    png = write_png(tmp_path / "scans" / "first page.png", 120, 170)
    tiff = write_tiff(tmp_path / "scans" / "rest.tif", [(60, 80), (10, 10), (61, 81)],
                      thumbnail=1)
    assert main(["facsimile", "add", str(edition_file), "--witness", "handwritten", png,
                 tiff]) == 0
    out = capsys.readouterr().out
    assert "added 3 page(s) to handwritten" in out and "estimated" in out
    assert_valid_tei(edition_file)
    pages = facsimile.pages_of(native.load(edition_file).edition, "handwritten")
    assert [(p.path, p.page, p.width, p.height, p.label) for p in pages] == [
        ("scans/first page.png", 0, 120, 170, "1"), ("scans/rest.tif", 0, 60, 80, "2"),
        ("scans/rest.tif", 2, 61, 81, "3")]
    assert os.path.exists(str(edition_file) + "~")     # the previous version is kept


def test_add_to_another_output_keeps_every_image_reachable(tmp_path, edition_file):
    first = write_png(tmp_path / "a.png", 10, 10)
    assert main(["facsimile", "add", str(edition_file), "--witness", "typed", first]) == 0
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "copy.xml"
    second = write_png(tmp_path / "b.png", 10, 10)
    before = edition_file.read_bytes()
    assert main(["facsimile", "add", str(edition_file), "--witness", "typed", second,
                 "-o", str(target)]) == 0
    assert edition_file.read_bytes() == before           # the input is untouched
    edition = native.load(target).edition
    assert [p.path for p in edition.surfaces] == ["../a.png", "../b.png"]
    assert facsimile.missing_pages(edition, target) == []


@pytest.mark.parametrize("args, message", [
    (["--witness", "nope", "IMG"], "there is no witness 'nope'"),
    (["--witness", "typed", "MISSING"], "no such image file"),
    (["--witness", "typed", "TEXT"], "not a PNG, JPEG, TIFF or WebP image"),
])
def test_add_refuses_with_one_clear_line(tmp_path, edition_file, capsys, args, message):
    image = write_png(tmp_path / "a.png", 10, 10)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    names = {"IMG": image, "MISSING": str(tmp_path / "gone.png"), "TEXT": str(text)}
    before = edition_file.read_bytes()
    code = main(["facsimile", "add", str(edition_file)] + [names.get(a, a) for a in args])
    err = capsys.readouterr().err
    assert code == 1 and message in err and "Traceback" not in err
    assert edition_file.read_bytes() == before


def test_list_says_which_images_are_missing(tmp_path, edition_file, capsys):
    images = [write_png(tmp_path / f"p{i}.png", 10, 10) for i in range(2)]
    assert main(["facsimile", "add", str(edition_file), "--witness", "typed", *images]) == 0
    capsys.readouterr()
    assert main(["facsimile", "list", str(edition_file)]) == 0
    assert "page 2: p1.png" in capsys.readouterr().out
    os.remove(images[1])
    assert main(["facsimile", "list", str(edition_file)]) == 1
    out = capsys.readouterr().out
    assert "MISSING page 2: p1.png" in out and "1 image(s) missing" in out


def test_sample_facsimile_edition_lists_all_its_images(capsys):
    from tests.conftest import SAMPLES
    sample = SAMPLES / "mikoyan-telegram-1956-09-19-facsimile.variorum.xml"
    if not sample.exists():
        pytest.fail(f"the facsimile sample is missing: run samples/make_facsimiles.py ({sample})")
    assert main(["facsimile", "list", str(sample)]) == 0
    out = capsys.readouterr().out
    assert "typed:" in out and "handwritten:" in out and "MISSING" not in out


def test_facsimile_core_and_command_run_without_qt(tmp_path, edition_file):
    """The model, the file format and the command never need Qt (napari's rule)."""
    import subprocess
    import sys
    import textwrap

    from tests.conftest import ROOT
    image = write_tiff(tmp_path / "scan.tif", [(20, 30), (40, 50)])
    script = textwrap.dedent(f"""
        import sys
        sys.modules["PySide6"] = None
        from editor.cli import main
        code = main(["facsimile", "add", {str(edition_file)!r}, "--witness", "typed",
                     {image!r}])
        assert code == 0, code
        assert "PySide6" not in {{m.split(".")[0] for m in sys.modules if sys.modules[m]}}
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(native.load(edition_file).edition.surfaces) == 2
