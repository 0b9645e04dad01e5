"""What TEI P5 allows where, as far as an inline export needs to know it.

For every element of the TEI namespace: the attributes it may carry, the TEI elements it
may contain, and whether it may hold text.  The exporter uses this to leave out
attributes a project's own schema added to TEI elements (``surface/@partOf``), and to
place an element where TEI lets it stand (a ``graphic`` before the ``zone``s of its
``surface``, a ``listPerson`` in ``back`` rather than in the last paragraph).  Order
inside a content model is not recorded, and neither are Schematron rules.

The table (:mod:`editor.formats.tei_schema_table`) is derived from ``tei_all.rng`` (TEI
P5, published by the TEI Consortium under CC BY and BSD-2) by :func:`build_table`;
regenerate it with ``python -m editor.formats.tei_schema PATH/tei_all.rng``.
"""

from __future__ import annotations

import sys
from functools import lru_cache

RNG_NS = "http://relaxng.org/ns/structure/1.0"
R = f"{{{RNG_NS}}}"
TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def build_table(rng_path: str) -> dict:
    """``{"elements": {name: [attribute set index, children set index, text]}, "sets":
    ["name name ...", ...]}``
    for the TEI elements of a RELAX NG schema (attributes of the XML namespace are written
    ``xml:name``; ``*`` stands for "any")."""
    from lxml import etree
    root = etree.parse(rng_path).getroot()
    defines: dict[str, list] = {}
    for define in root.iter(R + "define"):
        defines.setdefault(define.get("name"), []).append(define)

    def name_of(pattern, default_ns: str) -> tuple[str, str] | None:
        if pattern.get("name"):
            name = pattern.get("name")
            ns = pattern.get("ns", default_ns)
            if ":" in name:
                prefix, local = name.split(":", 1)
                ns = XML_NS if prefix == "xml" else pattern.nsmap.get(prefix, ns)
                name = local
            return ns, name
        for child in pattern:
            if child.tag == R + "name":
                return child.get("ns", default_ns), child.text.strip()
            if child.tag in (R + "anyName", R + "nsName"):
                return "*", "*"
        return None

    def inherited_ns(node, attribute: bool) -> str:
        if attribute:
            return ""
        while node is not None:
            if node.get("ns") is not None:
                return node.get("ns")
            node = node.getparent()
        return ""

    def collect(patterns, out, seen) -> None:
        for pattern in patterns:
            if not isinstance(pattern.tag, str) or not pattern.tag.startswith(R):
                continue
            tag = pattern.tag[len(R):]
            if tag == "element":
                found = name_of(pattern, inherited_ns(pattern, False))
                if found:
                    out["children"].add(found)
            elif tag == "attribute":
                found = name_of(pattern, "")
                if found:
                    out["attributes"].add(found)
            elif tag == "ref":
                name = pattern.get("name")
                if name not in seen:
                    seen.add(name)
                    for define in defines.get(name, ()):
                        collect(list(define), out, seen)
            elif tag in ("text", "mixed"):
                out["text"] = True
                if tag == "mixed":
                    collect(list(pattern), out, seen)
            elif tag in ("choice", "group", "interleave", "optional", "zeroOrMore", "oneOrMore"):
                collect(list(pattern), out, seen)

    table: dict[str, tuple] = {}
    for element in root.iter(R + "element"):
        found = name_of(element, inherited_ns(element, False))
        if not found or found[0] != TEI_NS:
            continue
        out = {"attributes": set(), "children": set(), "text": False}
        collect([c for c in element if c.tag not in (R + "name", R + "anyName")], out, set())
        attributes = sorted(("*" if ns == "*" else f"xml:{name}" if ns == XML_NS else
                             name if not ns else f"{{{ns}}}{name}") for ns, name in
                            out["attributes"])
        children = sorted("*" if ns == "*" else name if ns == TEI_NS else f"{{{ns}}}{name}"
                          for ns, name in out["children"])
        previous = table.get(found[1])
        if previous is not None:   # an element defined twice: allow what either allows
            attributes = sorted(set(attributes) | set(previous[0]))
            children = sorted(set(children) | set(previous[1]))
            out["text"] = out["text"] or previous[2]
        table[found[1]] = (attributes, children, out["text"])
    sets: list[list[str]] = []
    index: dict[tuple, int] = {}

    def intern(values) -> int:
        key = tuple(values)
        if key not in index:
            index[key] = len(sets)
            sets.append(list(values))
        return index[key]
    elements = {name: [intern(a), intern(c), t] for name, (a, c, t) in sorted(table.items())}
    return {"elements": elements, "sets": [" ".join(values) for values in sets]}


@lru_cache(maxsize=1)
def _table():
    from editor.formats.tei_schema_table import TABLE
    return TABLE


def known(element: str) -> bool:
    """Whether ``element`` is a TEI element."""
    return element in _table()["elements"]


@lru_cache(maxsize=None)
def attributes(element: str) -> frozenset[str]:
    entry = _table()["elements"].get(element)
    return frozenset(_table()["sets"][entry[0]].split()) if entry else frozenset()


@lru_cache(maxsize=None)
def children(element: str) -> frozenset[str]:
    entry = _table()["elements"].get(element)
    return frozenset(_table()["sets"][entry[1]].split()) if entry else frozenset()


def allows_attribute(element: str, attribute: str) -> bool:
    """``attribute`` is ``name`` or ``xml:name``."""
    allowed = attributes(element)
    return not known(element) or attribute in allowed or "*" in allowed


def allows_child(parent: str, child: str) -> bool:
    if not known(parent):
        return True
    allowed = children(parent)
    return child in allowed or "*" in allowed


def allows_text(element: str) -> bool:
    entry = _table()["elements"].get(element)
    return True if entry is None else bool(entry[2])


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m editor.formats.tei_schema PATH/tei_all.rng", file=sys.stderr)
        return 2
    import os
    import pprint
    table = build_table(argv[1])
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tei_schema_table.py")
    with open(target, "w", encoding="utf-8") as handle:
        handle.write('"""Generated by ``python -m editor.formats.tei_schema`` from the TEI P5 '
                     'tei_all.rng\n(TEI Consortium, CC BY and BSD-2): see '
                     ':mod:`editor.formats.tei_schema`.  Do not edit."""\n\n')
        handle.write("TABLE = ")
        handle.write(pprint.pformat(table, width=100, compact=True))
        handle.write("\n")
    print(f"{len(table['elements'])} elements, {len(table['sets'])} distinct sets -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
