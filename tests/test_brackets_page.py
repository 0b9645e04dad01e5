"""Page furniture of captured web pages read as metadata, in the many shapes the pages take,
and written back so that it reads the same."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from editor.formats.brackets_page import (is_classification, paragraphs_of, parse_date,
                                          split_page, split_source, write_page)
from editor.model.edition import Metadata

WILSON = """Skip to content

March 5, 1953

A Record of Conversation

Top Secret

First paragraph of the document.

Second paragraph [with a bracket].

This is the summary of the document, written by the archive in a few sentences.

Author(s):

Orlov, V. N.

Document Information

Source

AVP RF, Fond 07, Opis 28, Delo 9, Listy 12-14. Translated by Ann Example.

Original Archive

Archive of Foreign Policy

Rights

Reuse welcome.

Second paragraph of the rights.

Original Uploaded Date

2020-01-15

Language

Russian

Record ID

900001

Associated People & Organizations

Orlov, V. N.

Subjects Discussed

Border Commission
"""


def test_paragraphs_drop_spacers_and_keep_lines():
    text = "One\nline two\n\n\xa0\n\n  Three  \n\n\n\u200b\nFour"
    assert paragraphs_of(text) == ["One\nline two", "Three", "Four"]


def test_a_text_without_blank_lines_has_a_paragraph_per_line():
    assert paragraphs_of("One\r\nTwo\rThree\n") == ["One", "Two", "Three"]


@pytest.mark.parametrize("text, iso", [
    ("September 19, 1956", "1956-09-19"), ("19 September 1956", "1956-09-19"),
    ("Sept. 19, 1956", "1956-09-19"), ("1956-09-19", "1956-09-19"),
    ("September 1956", "1956-09"), ("1956", "1956"), ("c. 1956", "1956"),
    ("ca. March 1953", "1953"), ("Undated", ""), ("n.d.", ""),
])
def test_dates(text, iso):
    assert parse_date(text)[0] == iso


@pytest.mark.parametrize("text", ["September 32, 1956", "19 Septober 1956", "A date: 1956",
                                  "We met on September 19, 1956.", "", "12"])
def test_not_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text, expected", [
    ("Secret", True), ("Top Secret", True), ("TOP SECRET", True), ("Strictly Secret", True),
    ("Confidential", True), ("Top Secret / Special Importance", True), ("Secret.", True),
    ("Personal", True), ("Secret meeting", False), ("To the CC", False),
])
def test_classifications(text, expected):
    assert is_classification(text) is expected


def test_a_wilson_page():
    page = split_page(WILSON)
    md = page.metadata
    assert page.document == "First paragraph of the document.\n\nSecond paragraph [with a bracket]."
    assert (md.date, md.date_text, md.title, md.classification) == (
        "1953-03-05", "March 5, 1953", "A Record of Conversation", "Top Secret")
    assert md.summary.startswith("This is the summary")
    assert md.authors == ["Orlov, V. N."]
    assert md.source == "AVP RF, Fond 07, Opis 28, Delo 9, Listy 12-14."
    assert md.translator == "Ann Example"
    assert md.rights == "Reuse welcome.\n\nSecond paragraph of the rights."
    assert (md.uploaded, md.language, md.record_id) == ("2020-01-15", "Russian", "900001")
    assert md.extra == {"Original Archive": "Archive of Foreign Policy",
                        "Associated People & Organizations": "Orlov, V. N.",
                        "Subjects Discussed": "Border Commission"}


def test_a_page_without_classification_or_summary():
    text = WILSON.replace("Top Secret\n\n", "").replace(
        "This is the summary of the document, written by the archive in a few sentences.\n\n", "")
    page = split_page(text)
    assert page.metadata.classification == ""
    assert page.metadata.summary == ""
    assert page.document.endswith("[with a bracket].")


def test_a_page_with_only_a_trailer():
    page = split_page("Just the document, short.\n\nDocument Information\n\nRecord ID\n\n5")
    assert page.document == "Just the document, short."
    assert page.metadata.record_id == "5"
    assert page.metadata.title == ""


def test_a_value_that_looks_like_a_label_stays_a_value():
    page = split_page("Text.\n\nDocument Information\n\nType\n\nRecord of Conversation\n\n"
                      "Record ID\n\n7")
    assert page.metadata.extra == {"Type": "Record of Conversation"}
    assert page.metadata.record_id == "7"


def test_a_plain_text_starting_with_a_date_has_no_header():
    text = "12 March 1949\n\nWent to the ministry at nine.\n\nCold."
    page = split_page(text)
    assert page.document == text
    assert page.metadata == Metadata()


def test_a_plain_bracketed_text_is_all_document():
    text = "[page 1]\n\nSome words [to the] end.\n\nThe last paragraph is long enough to be a " \
           "summary, but there is no trailer."
    page = split_page(text)
    assert page.document == text
    assert page.found == []


def test_authors_on_the_same_line():
    page = split_page("Text of the document.\n\nAuthor(s): Orlov, V. N.\n\nDocument Information")
    assert page.metadata.authors == ["Orlov, V. N."]


@pytest.mark.parametrize("value, source, translator", [
    ("GARF, Fond 5446. Translated by Gary Goldberg.", "GARF, Fond 5446.", "Gary Goldberg"),
    ("AVP RF. Obtained and translated by Ann Example for CWIHP.",
     "AVP RF. Obtained and translated by Ann Example for CWIHP.", "Ann Example"),
    ("Translated by Gary Goldberg.", "Translated by Gary Goldberg.", "Gary Goldberg"),
    ("AVP RF, Fond 07.", "AVP RF, Fond 07.", ""),
    ("APRF. Translated by Vladislav M. Zubok.", "APRF.", "Vladislav M. Zubok"),
    ("APRF. Translated from Russian by V. Zubok and J. Doe.", "APRF. Translated from Russian "
     "by V. Zubok and J. Doe.", "V. Zubok and J. Doe"),
])
def test_sources(value, source, translator):
    assert split_source(value) == (source, translator)


def test_writing_the_page_reads_back_the_same_metadata():
    page = split_page(WILSON)
    again = split_page(write_page(page.metadata, page.document))
    assert again.metadata == page.metadata
    assert again.document == page.document


def test_a_header_alone_is_written_with_a_trailer_so_that_it_reads_back():
    md = Metadata(title="A title", date="1950-01-02")
    again = split_page(write_page(md, "The document."))
    assert again.metadata == md
    assert again.document == "The document."


_line = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(
    lambda s: s and "[" not in s and "]" not in s)


@settings(max_examples=200, deadline=None)
@given(title=_line, translator=_line.filter(lambda s: "." not in s and ";" not in s),
       record=st.from_regex(r"[0-9]{1,7}", fullmatch=True),
       date=st.dates().map(lambda d: d.isoformat()).filter(lambda d: d[:4] >= "1000"),
       classification=st.sampled_from(["", "Secret", "Top Secret", "Confidential"]))
def test_metadata_round_trip(title, translator, record, date, classification):
    md = Metadata(title=title, date=date, classification=classification,
                  source="Some archive, Fond 1.", translator=translator, record_id=record)
    document = "First paragraph [to the] document.\n\nSecond."
    again = split_page(write_page(md, document))
    if again.metadata.title != title:    # a title that reads as a classification or a date
        assert is_classification(title) or parse_date(title) is not None or \
            title.rstrip().endswith((",", ";", ":"))
        return
    assert again.metadata == md
    assert again.document == document
