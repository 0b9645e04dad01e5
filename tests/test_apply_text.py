"""``variorum apply-text``: a corrected witness text applied to an edition."""

from __future__ import annotations

import json

import pytest

from editor.cli import main
from editor.formats import native
from editor.model import Edition, Witness
from editor.model import operations as ops
from tests.conftest import SEED_EDITION

PARAGRAPHS = [
    "Comrade Mao Zedong received us at his residence. We discussed the situation in "
    "Poland and Hungary.",
    "The Chinese comrades asked about the telegram sent yesterday.",
    "Liu Shaoqi spoke at length about the events.",
    "Zhou Enlai proposed a joint statement on the question of the Soviet troops.",
    "At the end of the meeting, Mao thanked the delegation.",
]


def _mark(edition: Edition, witness: str, words: str, kind: str, aid: str,
          nth: int = 0) -> None:
    text = edition.text(witness)
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    ops.add_annotation(edition, witness, at, at + len(words), kind, annotation_id=aid)


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _outcomes(report_path) -> dict[str, str]:
    data = json.loads(report_path.read_text(encoding="utf-8"))
    return {r["id"]: r["outcome"] for r in data["results"] if r["target"] == "annotation"}


@pytest.fixture()
def small_edition(tmp_path):
    edition = Edition()
    edition.metadata.title = "A conversation"
    edition.add_witness(Witness("typed", "Typed", "typed", "\n\n".join(PARAGRAPHS)))
    edition.add_witness(Witness("handwritten", "Handwritten", "handwritten",
                                "Mao received us. Liu spoke."))
    _mark(edition, "typed", "his residence", "unclear", "inside")
    _mark(edition, "typed", "Poland", "supplied", "beside")
    _mark(edition, "typed", "joint statement", "addition", "far")
    _mark(edition, "typed", "Liu Shaoqi spoke", "deletion", "deleted")
    _mark(edition, "typed", "asked about the telegram", "sic", "moved")
    _mark(edition, "handwritten", "Liu spoke", "addition", "other-witness")
    path = tmp_path / "edition.xml"
    native.save(edition, path)
    return path


def test_apply_text_reports_each_case_and_writes_a_valid_edition(small_edition, tmp_path,
                                                                 capsys, assert_valid_tei):
    first = PARAGRAPHS[0].replace("residence", "residense").replace("Poland and",
                                                                      "Poland, and")
    third = PARAGRAPHS[2].replace("Liu Shaoqi spoke ", "")
    new_text = "\n\n".join([first, third, PARAGRAPHS[3], PARAGRAPHS[4], PARAGRAPHS[1]])
    text_file = tmp_path / "new.txt"
    text_file.write_bytes(new_text.replace("\n", "\r\n").encode("utf-16") )   # any encoding
    out_file, report_file = tmp_path / "out.xml", tmp_path / "report.json"
    code, out, err = _run(capsys, "apply-text", str(small_edition), "--witness", "typed",
                          "--text", str(text_file), "-o", str(out_file),
                          "--report", str(report_file))
    assert code == 0, err
    assert out.count("\n") == 1
    assert "5 annotations: 2 exact, 1 moved, 1 fuzzy, 1 orphaned" in out
    assert _outcomes(report_file) == {"inside": "fuzzy", "beside": "exact", "far": "exact",
                                      "deleted": "orphaned", "moved": "moved"}
    loaded = native.load(out_file)
    assert not loaded.problems and not loaded.mismatched
    edition = loaded.edition
    assert edition.text("typed") == new_text
    assert edition.annotations["deleted"].status == "orphaned"
    assert edition.annotations["deleted"].anchoring.quote == "Liu Shaoqi spoke"
    assert edition.annotations["inside"].anchoring.state == "fuzzy"
    assert edition.quote(edition.annotations["other-witness"]) == "Liu spoke"
    assert_valid_tei(out_file)


def test_apply_text_defaults_to_the_typed_witness_and_may_overwrite(small_edition, tmp_path,
                                                                    capsys):
    text_file = tmp_path / "new.txt"
    text_file.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    code, out, _ = _run(capsys, "apply-text", str(small_edition), "--text", str(text_file),
                        "-o", str(small_edition), "--who", "Jane Editor")
    assert code == 0
    assert "5 exact, 0 moved, 0 fuzzy, 0 orphaned" in out   # the final line break is ignored
    assert native.load(small_edition).edition.text("typed") == "\n\n".join(PARAGRAPHS)


@pytest.mark.parametrize("case", ["witness", "edition", "text", "not-xml"])
def test_apply_text_errors_are_one_clear_line(small_edition, tmp_path, capsys, case):
    text_file = tmp_path / "new.txt"
    text_file.write_text("Some text.", encoding="utf-8")
    edition, witness, text = str(small_edition), "typed", str(text_file)
    if case == "witness":
        witness = "printed"
    elif case == "edition":
        edition = str(tmp_path / "missing.xml")
    elif case == "text":
        text = str(tmp_path / "missing.txt")
    else:
        edition = text
    code, out, err = _run(capsys, "apply-text", edition, "--witness", witness, "--text", text,
                          "-o", str(tmp_path / "out.xml"))
    assert code != 0
    assert err.startswith("variorum: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert not (tmp_path / "out.xml").exists()
    if case == "witness":
        assert "no witness 'printed'" in err


# -- on the seed's edition ------------------------------------------------------------------


def _seed_or_skip():
    if not SEED_EDITION.exists():
        pytest.skip(f"the seed's edition {SEED_EDITION.name} is not in samples/ yet")
    return native.load(SEED_EDITION).edition


def _mark_on(edition: Edition, quote: str) -> str:
    """The id of the typed witness's annotation covering exactly ``quote`` (skip if none)."""
    text = edition.text("typed")
    for ann in edition.annotations_of("typed"):
        if text[ann.start:ann.end] == quote:
            return ann.id
    pytest.skip(f"the seed's edition has no mark on {quote!r} any more")


def test_apply_text_on_the_seed_edition(tmp_path, capsys, assert_valid_tei):
    edition = _seed_or_skip()
    text = edition.text("typed")
    inside = _mark_on(edition, "Rongzhen")                  # a word corrected inside a mark
    beside = _mark_on(edition, "exchange")                  # the word before it changes
    deleted = _mark_on(edition, "proposal")                 # its passage is deleted
    far = _mark_on(edition, "August")
    moved_we, moved_them = _mark_on(edition, "We"), _mark_on(edition, "them")
    paragraph = text[edition.annotations[moved_we].start:]
    paragraph = paragraph[:paragraph.index("\n\n") + 2]
    assert text[edition.annotations[moved_them].start:].startswith("them") and \
        edition.annotations[moved_them].start < edition.annotations[moved_we].start + len(
            paragraph)
    new = text.replace("Nie Rongzhen", "Nie Rongzen", 1)
    new = new.replace("After a mutual exchange", "After a reciprocal exchange", 1)
    new = new.replace("is fortuitous and the only correct proposal.", "is fortuitous.", 1)
    new = new.replace("Peng Dehuai asked that we reply", "Peng Dehuai requested that we reply",
                      1)                                    # far from every mark
    new = new.replace(paragraph, "", 1)                     # the paragraph moves up
    second = new.index("\n\n", new.index("After the plenum")) + 2
    new = new[:second] + paragraph + new[second:]
    assert new != text and len(new) == len(text) - len(" and the only correct proposal") \
        + len("reciprocal") - len("mutual") - 1 + len("requested") - len("asked")
    text_file = tmp_path / "typed-corrected.txt"
    text_file.write_text(new, encoding="utf-8")
    out_file, report_file = tmp_path / "seed.xml", tmp_path / "report.json"
    code, out, err = _run(capsys, "apply-text", str(SEED_EDITION), "--witness", "typed",
                          "--text", str(text_file), "-o", str(out_file),
                          "--report", str(report_file))
    assert code == 0, err
    outcomes = _outcomes(report_file)
    assert outcomes.pop(inside) == "fuzzy"
    assert outcomes.pop(beside) == "exact"
    assert outcomes.pop(deleted) == "orphaned"              # not moved to another "proposal"
    assert outcomes.pop(far) == "exact"
    assert outcomes.pop(moved_we) == "moved"
    assert outcomes.pop(moved_them) == "moved"
    assert set(outcomes.values()) == {"exact"}              # every other mark of the witness
    result = native.load(out_file)
    assert not result.mismatched
    assert result.edition.text("typed") == new
    assert result.edition.annotations[deleted].anchoring.quote == "proposal"
    assert_valid_tei(out_file)
