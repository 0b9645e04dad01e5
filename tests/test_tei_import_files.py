"""The real TEI files of ``../shared/testdata/tei/``: import, export inline, compare.

For each file: the import, exported as inline TEI, gives back the same witness text, and
the same number of each element with the same attributes, except what the import report
says TEI cannot hold (elements and attributes of project namespaces, attributes TEI does
not allow, phrase elements holding paragraphs, which inline TEI must split).  The export
validates against TEI P5, and the imported edition is a valid native file that reads back
exactly.  Each test prints its table of figures (run ``pytest -s`` to see them).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from editor.formats import native
from editor.formats.registry import ExportOptions, detect_format, exporter, importer
from editor.formats.tei_common import MARKUP_TYPES, T, XML_NS, display_name, parse_shell
from editor.formats.tei_import import import_tei
from editor.formats.tei_inline import export_tei_inline
from editor.model.validate import validate_edition
from tests.conftest import TEI_TESTDATA

FILES = sorted(TEI_TESTDATA.glob("*.xml")) if TEI_TESTDATA.exists() else []
pytestmark = pytest.mark.skipif(not FILES, reason=f"no TEI test files in {TEI_TESTDATA}")

#: report codes saying that something cannot be written back as it was
LOSSES = ("not-tei", "not-tei-attribute", "invalid-attribute", "breaks-inside",
          "unresolved-span")
#: the elements whose counts must match exactly unless the report names them
CORE = ("add", "del", "subst", "supplied", "sic", "corr", "choice", "abbr", "expan",
        "unclear", "gap", "note", "handShift", "addSpan", "delSpan", "anchor", "lb", "pb",
        "l", "line", "lg", "zone", "p", "mod", "metamark", "app", "lem", "rdg", "seg")


def _attribute(element, name: str) -> str:
    qname = etree.QName(name)
    if qname.namespace is None:
        return name
    if qname.namespace == XML_NS:
        return f"xml:{qname.localname}"
    prefixes = {uri: prefix for prefix, uri in (element.nsmap or {}).items()}
    return f"{prefixes.get(qname.namespace, qname.namespace)}:{qname.localname}"


def transcription(tree) -> list:
    """The elements the witnesses come from: ``text``/``sourceDoc``, or the root
    fragment; a ``surface`` root comes back inside a ``sourceDoc``, whose children count."""
    root = tree.getroot()
    if root.tag in (T + "surface", T + "sourceDoc", T + "text"):
        return [root]
    parts = root.findall(T + "sourceDoc") + root.findall(T + "text")
    return parts


def figures(parts, skip_wrapper: bool = False) -> tuple[Counter, Counter]:
    """Count of elements by name, and by name with their attributes."""
    names, signatures = Counter(), Counter()
    for part in parts:
        elements = [part] if not skip_wrapper else []
        elements += [e for e in part.iterdescendants()]
        for element in elements:
            if isinstance(element, etree._Comment):
                names["#comment"] += 1
                continue
            if not isinstance(element.tag, str):
                continue
            name = display_name(element)
            names[name] += 1
            signatures[(name, tuple(sorted((_attribute(element, k), v)
                                           for k, v in element.attrib.items())))] += 1
    return names, signatures


def table(name: str, before: Counter, after: Counter) -> str:
    lines = [f"{name}", f"  {'element':<14}{'in':>6}{'out':>6}"]
    for element in sorted(set(before) | set(after)):
        mark = "" if before[element] == after[element] else "   <- differs"
        lines.append(f"  {element:<14}{before[element]:>6}{after[element]:>6}{mark}")
    return "\n".join(lines)


@pytest.fixture(scope="module", params=FILES, ids=[f.name for f in FILES])
def imported(request):
    path: Path = request.param
    result = import_tei(path)
    return path, result


def _export(edition, wid: str) -> bytes:
    return export_tei_inline(edition, ExportOptions(witness=wid, extra={"report": []}))


def test_the_registry_finds_the_tei_importer(imported):
    path, _ = imported
    assert detect_format(path) == "tei"
    assert importer("tei") is import_tei
    assert exporter("tei-inline") is export_tei_inline


def test_inline_export_gives_back_text_and_elements(imported, tmp_path, assert_valid_tei):
    path, result = imported
    edition = result.edition
    source = etree.parse(str(path))
    # the witness holding the file's transcription (a standoff collation keeps its
    # apparatus on its first witness; the others are empty)
    wid = next(iter(edition.witnesses))
    data = _export(edition, wid)
    assert_valid_tei(data)
    exported = etree.fromstring(data).getroottree()

    surface_root = source.getroot().tag == T + "surface"
    before_names, before = figures(transcription(source))
    after_names, after = figures(transcription(exported), skip_wrapper=surface_root)
    print()
    print(table(path.name, before_names, after_names))

    # the same text, read back from the export
    out = tmp_path / "export.xml"
    out.write_bytes(data)
    back = import_tei(out).edition
    assert [w.text for w in back.witnesses.values()][:1] == [edition.witnesses[wid].text]

    # every difference is one the import report announced
    losses = " ".join(p.message for p in result.report if p.code in LOSSES)
    differing = {name for (name, _), _ in (before - after).items()} | \
        {name for (name, _), _ in (after - before).items()}
    unexplained = sorted(n for n in differing if f"<{n}>" not in losses)
    assert not unexplained, (f"{path.name}: these elements differ but the report does not "
                             f"say why: {unexplained}\n" + table(path.name, before_names,
                                                                  after_names))
    for name in CORE:
        if f"<{name}>" not in losses:
            assert before_names[name] == after_names[name], table(path.name, before_names,
                                                                  after_names)


def test_export_is_stable_under_reimport(imported, tmp_path):
    path, result = imported
    wid = next(iter(result.edition.witnesses))
    first = _export(result.edition, wid)
    out = tmp_path / "first.xml"
    out.write_bytes(first)
    again = import_tei(out).edition
    assert again.metadata == result.edition.metadata
    assert again.hands == result.edition.hands
    assert _export(again, wid) == first


def test_import_is_a_valid_native_edition(imported, assert_valid_tei):
    _, result = imported
    edition = result.edition
    assert not [p for p in validate_edition(edition) if p.severity == "error"]
    data = native.to_bytes(edition)
    assert_valid_tei(data)
    back = native.from_bytes(data)
    assert back.problems == []
    assert back.edition == edition


#: the TEI elements an annotation of each kind stands for
KIND_ELEMENTS = {"addition": ["add"], "deletion": ["del"], "substitution": ["subst"],
                 "supplied": ["supplied"], "unclear": ["unclear"], "gap": ["gap"],
                 "note": ["note"]}


def test_nothing_is_dropped_silently(imported):
    """Every element of the transcription is an annotation of its kind, or is held in the
    markup of a remark (a plain ``lb`` is the line break it stands for in the text)."""
    path, result = imported
    edition = result.edition
    names, _ = figures(transcription(etree.parse(str(path))))
    kept = Counter()
    for ann in edition.annotations.values():
        if ann.kind == "remark" and ann.attrs.get("type") in MARKUP_TYPES:
            shell = parse_shell(ann.note)
            assert shell is not None, ann.id
            for node in shell.iter():
                if isinstance(node, etree._Comment):
                    kept["#comment"] += 1
                elif isinstance(node.tag, str):
                    kept[display_name(node)] += 1
        for name in KIND_ELEMENTS.get(ann.kind, ()):
            kept[name] += 1
        if ann.kind in ("sic", "expansion"):
            kept["sic" if ann.kind == "sic" else "abbr"] += 1
            if ann.attrs.get("corr") or ann.attrs.get("expan"):
                kept["choice"] += 1
                kept["corr" if ann.kind == "sic" else "expan"] += 1
    kept["lb"] += sum(w.text.count("\n") for w in edition.witnesses.values())
    missing = {name: (count, kept[name]) for name, count in names.items()
               if kept[name] < count}
    assert not missing, f"{path.name}: (in the file, kept) {missing}"


FIGURES = {
    # file: (witness id, additions, deletions)
    "02_whitman-of-the-great-poet-duk00128.xml": ("duk.00128", 13, 29),
    "03_whitman-lusty-youth-duk00032.xml": ("duk.00032", 10, 16),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_known_figures(name):
    wid, additions, deletions = FIGURES[name]
    edition = import_tei(TEI_TESTDATA / name).edition
    assert list(edition.witnesses) == [wid]
    counts = Counter(a.kind for a in edition.annotations.values())
    assert counts["addition"] == additions
    assert counts["deletion"] == deletions
