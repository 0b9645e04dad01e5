"""What the TEI import and the inline TEI export share: element classes, the mapping of
one TEI element to the fields of an annotation, and the inline element an annotation
stands for.

Vocabulary used by :mod:`editor.formats.tei_import`, :mod:`editor.formats.tei_walk` and
:mod:`editor.formats.tei_inline`:

* **stream**: the text that becomes a witness.  Most elements contribute their content
  to it; *non-stream* elements (``note``, ``desc``, the ``corr`` of a ``choice``...) do
  not: they are kept whole.
* **level**: ``block`` elements (``p``, ``div``, ``lg``, ``zone``...) are separated from
  what surrounds them by a paragraph break (``"\\n\\n"``) in the witness text, ``line``
  elements (``l``, ``line``, ``speaker``...) by a line break (``"\\n"``); ``phrase``
  elements produce no break.
* **shell**: an element as inline TEI writes it around its text, without that text.
  A shell is an lxml element; where the text goes (the *slot*) is either the shell
  itself or, for shells such as ``choice`` whose text sits in a child, the element that
  holds a ``<?variorum-slot?>`` processing instruction.  A shell of a zero-length
  element is written whole.
* **markup remark**: a ``remark`` annotation (``attrs["type"]`` ``tei-markup`` or
  ``tei-attributes``) whose note holds a shell serialised as XML; see
  :func:`serialise_shell`.

Nothing here imports Qt.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from lxml import etree

from editor.errors import FileFormatError
from editor.formats.xmlsafe import parse_bytes
from editor.model.annotation import CERTAINTIES, Annotation
from editor.model.kinds import normalise_attrs

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
SLOT = "variorum-slot"

#: remark types carrying TEI markup in their note
MARKUP = "tei-markup"           # an element Variorum has no kind for
ATTRIBUTES = "tei-attributes"   # what an element's annotation cannot hold
MARKUP_TYPES = (MARKUP, ATTRIBUTES)
#: suffix of the id of the ``tei-attributes`` remark completing annotation ``X``
COMPLETION_SUFFIX = "-markup"

BLOCK = frozenset({
    "TEI", "text", "front", "body", "back", "group", "div", "div1", "div2", "div3", "div4",
    "div5", "div6", "div7", "p", "ab", "lg", "sp", "spGrp", "head", "opener", "closer",
    "postscript", "trailer", "byline", "docTitle", "titlePage", "epigraph", "argument",
    "table", "list", "listApp", "figure", "floatingText", "sourceDoc", "surface",
    "surfaceGrp", "zone", "castList", "u",
})
LINE = frozenset({
    "l", "line", "speaker", "dateline", "salute", "signed", "item", "row", "docImprint",
    "docDate", "docAuthor", "titlePart", "addrLine",
})
#: elements whose content is not part of the witness text: kept whole
NON_STREAM = frozenset({
    "note", "noteGrp", "desc", "figDesc", "interp", "interpGrp", "fs", "fLib", "link",
    "linkGrp", "join", "joinGrp", "spanGrp", "span", "listPerson", "listPlace", "listOrg",
    "listEvent", "listRelation", "listNym", "listBibl", "person", "personGrp", "place",
    "org", "event", "witDetail", "certainty", "precision", "respons", "alt", "altGrp",
    "index", "graphic", "media", "binaryObject", "standOff", "teiHeader", "facsimile",
    "listAnnotation", "annotation",
})
#: elements whose whitespace-only text is insignificant (TEI content is element-only)
ELEMENT_ONLY = frozenset({"choice", "app", "rdgGrp", "listApp", "listWit"})
#: the "as written" member of a ``choice``: it stays in the witness text
CHOICE_STREAM = ("sic", "abbr", "orig")
#: elements that become points in a span (``spanTo``) rather than wrapping text
SPAN_ELEMENTS = frozenset({"addSpan", "delSpan"})

#: attributes each kind holds, as the native file keeps them (see native._phenomenon)
KIND_ATTRS: dict[str, tuple[str, ...]] = {
    "addition": ("hand", "place", "rend", "type"),
    "deletion": ("hand", "rend", "type", "extent"),
    "substitution": ("hand", "rend"),
    "supplied": ("reason", "resp", "source", "evidence", "rend"),
    "sic": ("rend",),
    "unclear": ("reason", "agent", "extent", "rend"),
    "gap": ("reason", "extent", "unit", "quantity", "agent"),
    "note": ("type", "place", "rend", "resp"),
    "expansion": ("rend",),
    "variant": ("type",),
}
#: TEI element of each kind (choice-based kinds are written as ``choice``)
KIND_ELEMENT = {
    "addition": "add", "deletion": "del", "substitution": "subst", "supplied": "supplied",
    "sic": "sic", "unclear": "unclear", "gap": "gap", "note": "note", "expansion": "abbr",
    "variant": "app", "remark": "seg",
}
_POINTER_ATTRS = ("hand", "resp", "source")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_WS = re.compile(r"[ \t\r\n]+")


# ======================================================================================
# names


def local_name(node) -> str:
    """The local name of an element ("" for comments and processing instructions)."""
    if not isinstance(node.tag, str):
        return ""
    return etree.QName(node).localname


def namespace(node) -> str | None:
    if not isinstance(node.tag, str):
        return None
    return etree.QName(node).namespace


def is_tei(node) -> bool:
    return isinstance(node.tag, str) and node.tag.startswith(T)


def display_name(node) -> str:
    """``add`` for TEI elements, ``f:overw`` (its prefix) for others, ``#comment``..."""
    if isinstance(node, etree._Comment):
        return "#comment"
    if isinstance(node, etree._ProcessingInstruction):
        return f"?{node.target}"
    qname = etree.QName(node)
    if qname.namespace == TEI_NS:
        return qname.localname
    prefix = node.prefix
    if prefix:
        return f"{prefix}:{qname.localname}"
    return f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname


def attribute_name(element, name: str) -> str:
    """``hand``, ``xml:id``, ``f:revType`` (prefixed as the document declares it)."""
    qname = etree.QName(name)
    if qname.namespace is None:
        return name
    if qname.namespace == XML_NS:
        return f"xml:{qname.localname}"
    for prefix, uri in (element.nsmap or {}).items():
        if uri == qname.namespace and prefix:
            return f"{prefix}:{qname.localname}"
    return name


def level_of(node) -> str:
    """``block``, ``line`` or ``phrase`` (see the module docstring)."""
    if not is_tei(node):
        return "phrase"
    name = local_name(node)
    if name in BLOCK:
        return "block"
    if name in LINE:
        return "line"
    return "phrase"


def natural_key(ident: str) -> tuple:
    """Sort key putting ``e9`` before ``e10`` (document order of imported ids)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"(\d+)", ident) if part)


def collapse(text: str) -> str:
    """XML whitespace runs made one space, ends stripped."""
    return _WS.sub(" ", text or "").strip()


def all_text(element) -> str:
    """The text content of ``element`` (comments and PIs ignored), whitespace collapsed."""
    if element is None:
        return ""
    parts: list[str] = []

    def walk(node) -> None:
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
    walk(element)
    return collapse("".join(parts))


# ======================================================================================
# pointers


def unpointer(value: str | None) -> str:
    """``"#a #b"`` -> ``"a b"``; tokens that are not local pointers are kept as they are."""
    return " ".join(v[1:] if v.startswith("#") else v for v in (value or "").split())


def pointer(value: str, declared) -> str:
    """The inverse of :func:`unpointer`: ids declared in the edition get their ``#``."""
    return " ".join(f"#{v}" if v in declared else v for v in (value or "").split())


# ======================================================================================
# shells


def shell_copy(element, deep: bool) -> etree._Element:
    """A copy of ``element`` without its tail (and without its content unless ``deep``)."""
    if deep:
        clone = copy.deepcopy(element)
    elif isinstance(element.tag, str):
        clone = etree.Element(element.tag, nsmap=element.nsmap)
        for key, value in element.attrib.items():
            clone.set(key, value)
    else:
        clone = copy.deepcopy(element)
    clone.tail = None
    return clone


def slot_pi() -> etree._ProcessingInstruction:
    return etree.ProcessingInstruction(SLOT)


def find_slot(shell) -> etree._Element | None:
    """The element holding the slot PI, or ``None`` when the shell itself is the slot."""
    if not isinstance(shell.tag, str):
        return None
    for node in shell.iter(etree.ProcessingInstruction):
        if node.target == SLOT:
            return node.getparent()
    return None


def serialise_shell(shell) -> str:
    """A shell as XML text, TEI as the default namespace left undeclared for readability
    (``<add hand="#pbs" f:revType="soon" xmlns:f="..."/>``)."""
    clone = copy.deepcopy(shell)
    if isinstance(clone.tag, str):
        etree.cleanup_namespaces(clone, top_nsmap={None: TEI_NS})
    text = etree.tostring(clone, encoding="unicode", with_tail=False)
    return text.replace(f' xmlns="{TEI_NS}"', "", 1) if text.startswith("<") else text


def parse_shell(text: str):
    """The shell held in a markup remark's note; ``None`` when it is not readable XML."""
    if not text or not text.lstrip().startswith("<"):
        return None
    data = f'<variorum-shell xmlns="{TEI_NS}">{text}</variorum-shell>'.encode("utf-8")
    try:
        wrapper = parse_bytes(data).getroot()
    except FileFormatError:
        return None
    nodes = list(wrapper)
    if len(nodes) != 1 or (wrapper.text or "").strip() or (nodes[0].tail or "").strip():
        return None
    node = nodes[0]
    wrapper.remove(node)
    node.tail = None
    return node


def _canonical(node) -> tuple:
    if not isinstance(node.tag, str):
        if isinstance(node, etree._ProcessingInstruction):
            return ("?", node.target, collapse(node.text))
        return ("!", collapse(node.text))
    children = tuple(_canonical(c) for c in node)
    tails = tuple(collapse(c.tail) for c in node)
    return (node.tag, tuple(sorted(node.attrib.items())), collapse(node.text), children, tails)


def same_shell(a, b) -> bool:
    """Whether two shells are the same markup, whitespace in text aside."""
    return _canonical(a) == _canonical(b)


# ======================================================================================
# element -> annotation fields


@dataclass
class Fields:
    """What an annotation takes from one TEI element."""

    kind: str
    attrs: dict[str, str] = field(default_factory=dict)
    cert: str = ""
    resp: str = ""
    note: str = ""
    #: the hand was not written but inherited from a preceding ``handShift``
    inherited_hand: bool = False


def _valid_cert(value: str) -> str:
    value = (value or "").strip()
    if value in CERTAINTIES:
        return value
    try:
        if 0.0 <= float(value) <= 1.0:
            return value
    except ValueError:
        pass
    return ""


def choice_parts(choice) -> tuple[etree._Element | None, list]:
    """The member of a ``choice`` that stays in the text, and the others."""
    members = [c for c in choice if isinstance(c.tag, str)]
    for name in CHOICE_STREAM:
        for member in members:
            if is_tei(member) and local_name(member) == name:
                return member, [m for m in members if m is not member]
    if members:
        return members[0], members[1:]
    return None, []


def app_members(app):
    """The readings (``lem``, ``rdg``) of an ``app``, looking into ``rdgGrp``s."""
    for child in app:
        if child.tag in (T + "lem", T + "rdg"):
            yield child
        elif child.tag == T + "rdgGrp":
            yield from app_members(child)


def app_stream(app):
    """The reading of an ``app`` that stays in the text when witnesses are not rebuilt:
    the ``lem``, else the first reading."""
    members = list(app_members(app))
    for member in members:
        if member.tag == T + "lem":
            return member
    return members[0] if members else None


def element_fields(element, current_hand: str = "", span_target: bool = False) -> Fields | None:
    """The kind and attributes of the annotation ``element`` stands for, or ``None`` when
    Variorum has no kind for it (it is then kept as a markup remark).

    ``current_hand`` is the hand set by the last ``handShift`` before the element (an
    addition without ``@hand`` is in that hand).  ``span_target`` says whether an
    ``addSpan``/``delSpan`` has its anchor.
    """
    if not is_tei(element):
        return None
    name = local_name(element)
    kind = None
    source = element
    if name in ("add", "addSpan"):
        kind = "addition"
    elif name in ("del", "delSpan"):
        kind = "deletion"
    elif name in ("subst", "supplied", "unclear", "gap", "note"):
        kind = {"subst": "substitution"}.get(name, name)
    elif name == "sic":
        kind = "sic"
    elif name == "abbr":
        kind = "expansion"
    elif name == "choice":
        stream, others = choice_parts(element)
        if stream is None or not is_tei(stream):
            return None
        if local_name(stream) == "sic":
            kind = "sic"
        elif local_name(stream) == "abbr":
            kind = "expansion"
        else:
            return None
        source = stream
    if kind is None:
        return None
    if name in SPAN_ELEMENTS and not span_target:
        return None
    fields = Fields(kind)
    raw = {}
    for attr in KIND_ATTRS.get(kind, ()):
        value = source.get(attr) if source is not element else element.get(attr)
        if value is None:
            continue
        if attr in _POINTER_ATTRS:
            value = unpointer(value)
        raw[attr] = value
    if kind == "gap" and "quantity" in raw and not _NUMBER.match(raw["quantity"].strip()):
        del raw["quantity"]   # the native file keeps numbers only; the markup keeps it
    if kind == "note" and raw.get("type", "").strip() == "comment":
        del raw["type"]       # "comment" is the native file's word for an untyped note
    fields.attrs = normalise_attrs(raw)
    fields.cert = _valid_cert(element.get("cert", ""))
    if "resp" not in KIND_ATTRS.get(kind, ()):
        fields.resp = unpointer(element.get("resp", "")).split(" ")[0] if element.get("resp") \
            else ""
    if kind == "addition" and "hand" not in fields.attrs and current_hand:
        fields.attrs["hand"] = current_hand
        fields.inherited_hand = True
    if name == "choice":
        other = [m for m in choice_parts(element)[1]
                 if is_tei(m) and local_name(m) == ("corr" if kind == "sic" else "expan")]
        if other:
            text = all_text(other[0])
            if text:
                fields.attrs["corr" if kind == "sic" else "expan"] = text
    if kind == "note":
        fields.note = all_text(element)
    return fields


# ======================================================================================
# annotation -> inline element


@dataclass
class Shell:
    """The inline TEI an annotation is written as."""

    element: etree._Element
    #: where the covered text goes (``None``: the annotation is written as a point)
    slot: etree._Element | None
    level: str = "phrase"
    #: written as an ``addSpan``/``delSpan`` (or other point) at the start of its range
    span: bool = False
    #: a markup remark's element with neither content nor slot mark: a point where its
    #: range is empty (a ``pb``), the element around the text where it is not
    bare: bool = False


def tei(tag: str, text: str | None = None, **attrs) -> etree._Element:
    """A TEI element; ``xml_id`` stands for ``xml:id``, empty attributes are left out."""
    element = etree.Element(T + tag)
    for key, value in attrs.items():
        if value:
            element.set(XML_ID if key == "xml_id" else key, value)
    if text:
        element.text = text
    return element


def _sub(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    child = tei(tag, text, **attrs)
    parent.append(child)
    return child


def render(ann: Annotation, hands=(), people=(), current_hand: str = "",
           counterpart_text: str = "") -> Shell:
    """The inline TEI element ``ann`` stands for, as a shell.

    ``hands`` and ``people`` are the ids declared in the edition (pointers to them get a
    ``#``); ``current_hand`` is the hand of the last ``handShift`` before the annotation
    (an addition in that hand does not repeat it).  ``counterpart_text`` is the other
    reading of a variant.  A substitution is rendered as its ``subst`` wrapper only; the
    exporter adds the ``del``/``add`` when the edition does not hold them as annotations.
    """
    kind = ann.kind
    attrs = ann.attrs
    values: dict[str, str] = {}
    for name in KIND_ATTRS.get(kind, ()):
        value = attrs.get(name, "")
        if not value:
            continue
        if name == "hand":
            if kind == "addition" and value == current_hand:
                continue
            value = pointer(value, hands)
        elif name in ("resp", "source"):
            value = pointer(value, people)
        values[name] = value
    if ann.cert:
        values["cert"] = ann.cert
    if ann.resp and "resp" not in KIND_ATTRS.get(kind, ()):
        values["resp"] = pointer(ann.resp, people)
    tag = KIND_ELEMENT.get(kind, "seg")
    if kind in ("sic", "expansion"):
        other = attrs.get("corr" if kind == "sic" else "expan", "")
        inner_attrs = {k: v for k, v in values.items() if k == "rend"}
        outer_attrs = {k: v for k, v in values.items() if k != "rend"}
        if other:
            choice = tei("choice", **outer_attrs)
            member = _sub(choice, tag, **inner_attrs)
            member.append(slot_pi())
            _sub(choice, "corr" if kind == "sic" else "expan", other)
            return Shell(choice, member)
        element = tei(tag, **values)
        return Shell(element, element)
    if kind == "gap":
        return Shell(tei("gap", **values), None)
    if kind == "note":
        return Shell(tei("note", ann.note, **values), None)
    if kind == "variant":
        app = tei("app", **values)
        lem = _sub(app, "lem", wit="#" + ann.witness)
        lem.append(slot_pi())
        if ann.counterpart is not None:
            _sub(app, "rdg", counterpart_text, wit="#" + ann.counterpart.witness)
        return Shell(app, lem)
    if kind == "remark":
        element = tei("seg", type="remark", subtype="-".join(attrs.get("type", "").split()))
        return Shell(element, element)
    element = tei(tag, **values)
    return Shell(element, element)


def shell_from_template(template) -> Shell:
    """A shell for a markup remark's element (see :func:`parse_shell`)."""
    slot = find_slot(template)
    if slot is not None:
        for node in list(slot):
            if isinstance(node, etree._ProcessingInstruction) and node.target == SLOT:
                slot.remove(node)
        return Shell(template, slot, level_of(template))
    if not isinstance(template.tag, str):
        return Shell(template, None, "phrase")
    span = local_name(template) in SPAN_ELEMENTS or template.get("spanTo") is not None
    if len(template) or (template.text or "").strip():
        return Shell(template, None, level_of(template), span=span)   # kept whole
    return Shell(template, template, level_of(template), span=span, bare=True)


# ======================================================================================
# hands


class HandShifts:
    """The ``handShift``s of one witness: which hand writes at a position.

    A shift at position ``p`` applies to everything starting at ``p`` or later (an
    addition starting exactly where a ``handShift`` stands is in the new hand); shifts at
    the same position apply in document order, the last one winning.
    """

    def __init__(self, shifts: list[tuple[int, tuple, str]]):
        self._shifts = sorted(shifts)
        self._positions = [pos for pos, _, _ in self._shifts]

    def at(self, pos: int) -> str:
        import bisect
        index = bisect.bisect_right(self._positions, pos) - 1
        return self._shifts[index][2] if index >= 0 else ""
