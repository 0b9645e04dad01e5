"""``variorum review-report``: counts by status, kind, author and reviewer; open queries."""

from __future__ import annotations

import json

from editor.cli import main as cli_main
from editor.formats import native
from editor.model import operations as ops
from editor.review.report import review_report
from tests.conftest import build_sample_edition


def reviewed_edition():
    e = build_sample_edition()
    ann_id = e.person_for("Ann Reviewer", "reviewer").id
    bob_id = e.person_for("Bob Checker", "reviewer").id
    addition, sic, variant = (next(a.id for a in e.annotations.values() if a.kind == k)
                              for k in ("addition", "sic", "variant"))
    ops.set_status(e, addition, "accepted", ann_id)
    ops.set_status(e, sic, "queried", ann_id, "Is August the typist's slip?")
    ops.set_status(e, sic, "queried", "gary-goldberg", "Yes: the draft reads September.")
    ops.set_status(e, variant, "rejected", bob_id, "not a variant")
    ops.set_status(e, variant, "accepted", ann_id)
    return e, (addition, sic, variant)


def test_counts_by_status_kind_author_and_reviewer():
    e, (addition, sic, variant) = reviewed_edition()
    report = review_report(e)
    assert report["by_status"] == {"proposed": 0, "accepted": 2, "rejected": 0, "queried": 1,
                                   "orphaned": 0}
    assert report["by_kind"] == {"addition": 1, "sic": 1, "variant": 1}
    assert report["by_author"] == {"gary-goldberg": 3}
    # Ann decided on three annotations, Bob on one (his rejection was overruled later)
    assert report["by_reviewer"] == {"ann-reviewer": 3, "bob-checker": 1,
                                     "gary-goldberg": 1}
    assert report["decisions_by_reviewer"]["bob-checker"] == {"rejected": 1}
    assert (report["total"], report["reviewed"], report["remaining"]) == (3, 3, 0)


def test_open_queries_carry_the_question_and_the_replies():
    e, (_addition, sic, _variant) = reviewed_edition()
    (query,) = review_report(e)["open_queries"]
    assert query["id"] == sic and query["quote"] == "August"
    assert query["question"] == "Is August the typist's slip?"
    assert query["asked_by"] == "ann-reviewer"
    assert [r["comment"] for r in query["replies"]] == ["Yes: the draft reads September."]
    ops.set_status(e, sic, "accepted", "ann-reviewer", "agreed")
    assert review_report(e)["open_queries"] == []


def test_the_command_prints_json_with_the_promised_keys(tmp_path, capsys):
    e, (_a, sic, _v) = reviewed_edition()
    path = tmp_path / "edition.xml"
    native.save(e, path)
    assert cli_main(["review-report", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"by_status", "by_kind", "by_author", "by_reviewer", "open_queries"} <= set(report)
    assert report["open_queries"][0]["id"] == sic
    assert cli_main(["review-report", str(path)]) == 0
    text = capsys.readouterr().out
    assert "open queries: 1" in text and sic in text and "Ann Reviewer" in text


def test_the_command_says_clearly_when_the_file_is_unreadable(tmp_path, capsys):
    path = tmp_path / "broken.xml"
    path.write_text("<TEI><unclosed>", encoding="utf-8")
    assert cli_main(["review-report", str(path)]) == 2
    err = capsys.readouterr().err
    assert "broken.xml" in err and "Traceback" not in err
