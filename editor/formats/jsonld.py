"""W3C Web Annotations (JSON-LD): one ``AnnotationCollection`` with every mark.

Each annotation becomes an ``Annotation`` whose ``target`` names the witness text as its
``source`` and selects the words twice: a ``TextQuoteSelector`` (``exact`` with up to
:data:`CONTEXT` code points of ``prefix`` and ``suffix``) and a ``TextPositionSelector``
(``start``/``end`` in code points of the witness text, half-open, as the W3C model
counts them).  A ``variant`` has a second target: the corresponding words of the other
witness.  An annotation whose words are gone (orphaned) keeps only a quote selector with
its last known words, and says so (``variorum:anchoring``).

The bodies: a ``TextualBody`` with purpose ``classifying`` whose value is the kind
(``addition``, ``note``...) and which carries, in Variorum's own terms, the TEI element,
the attributes, the certainty, the review status and its history; and for a note, a
remark or a comment, a ``TextualBody`` with purpose ``commenting`` holding the text.

Sources and ids are ``urn:variorum:<edition>:<id>`` (witness, annotation and person ids
are unique across an edition), where ``<edition>`` is the record id or a name made from
the title; when ``options.extra["edition_path"]`` names the native file, they are that
file's URI with ``#<id>``, the ``xml:id`` of the witness or annotation in the file.
``options.extra["base"]`` sets the prefix outright.  The witnesses
themselves (label, kind, text) are listed under ``variorum:witnesses`` so that the
positions can be checked without the edition file.
"""

from __future__ import annotations

import json
import pathlib
import re

from editor.formats.readings import is_orphaned
from editor.formats.registry import ExportOptions
from editor.model.annotation import Annotation
from editor.model.edition import Edition, make_ncname
from editor.model.kinds import spec

#: code points of context in ``prefix`` and ``suffix``
CONTEXT = 32
VOCABULARY = "urn:variorum:vocabulary:"
CONTEXT_DOCUMENT = [
    "http://www.w3.org/ns/anno.jsonld",
    {"variorum": VOCABULARY},
]


def id_prefix(edition: Edition, options: ExportOptions) -> str:
    """The prefix of every id: ids of witnesses, annotations and people are unique across
    an edition, so one prefix serves them all."""
    extra = options.extra or {}
    if extra.get("base"):
        return str(extra["base"])
    if extra.get("edition_path"):
        return pathlib.Path(extra["edition_path"]).resolve().as_uri() + "#"
    md = edition.metadata
    key = md.record_id or (make_ncname(md.title, "edition") if md.title else "edition")
    key = re.sub(r"[^A-Za-z0-9._~\-]", "-", key)   # the name part of an URN, kept plain
    return f"urn:variorum:{key}:"


def _selectors(text: str, start: int, end: int) -> list[dict]:
    return [
        {"type": "TextQuoteSelector", "exact": text[start:end],
         "prefix": text[max(0, start - CONTEXT):start], "suffix": text[end:end + CONTEXT]},
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def _person(edition: Edition, pid: str, prefix: str) -> dict:
    person = edition.people.get(pid)
    # the W3C model tells people from programs (an importer that made the mark)
    kind = "Software" if person is not None and person.role == "software" else "Person"
    out = {"id": prefix + pid, "type": kind, "name": person.name if person else pid}
    if person is not None and person.initials:
        out["nickname"] = person.initials
    return out


def _attributes(edition: Edition, ann: Annotation) -> dict:
    attrs = dict(sorted(ann.attrs.items()))
    if "hand" in attrs:   # name the hand too: the id alone means little outside the file
        attrs["variorum:handLabel"] = " ".join(edition.hand_label(h) for h in attrs["hand"].split())
    return attrs


def annotation_json(edition: Edition, ann: Annotation, prefix: str) -> dict:
    """One ``Annotation`` for ``ann`` (see the module documentation)."""
    kind = spec(ann.kind)
    text = edition.text(ann.witness)
    classifying = {
        "type": "TextualBody", "purpose": "classifying", "value": ann.kind,
        "format": "text/plain", "variorum:kind": ann.kind, "variorum:tei": kind.tei,
        "variorum:status": ann.status,
    }
    if ann.attrs:
        classifying["variorum:attributes"] = _attributes(edition, ann)
    if ann.cert:
        classifying["variorum:certainty"] = ann.cert
    if ann.history:
        classifying["variorum:history"] = [
            {k: v for k, v in (("action", e.action), ("status", e.status), ("who", e.who),
                               ("when", e.when), ("comment", e.comment)) if v}
            for e in ann.history]
    bodies = [classifying]
    if ann.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": ann.note,
                       "format": "text/plain"})

    if is_orphaned(ann):
        quote = ann.anchoring.quote if ann.anchoring is not None else ""
        target = {"source": prefix + ann.witness,
                  "selector": {"type": "TextQuoteSelector", "exact": quote}}
        classifying["variorum:anchoring"] = "orphaned"
    else:
        start = min(max(ann.start, 0), len(text))
        end = min(max(ann.end, start), len(text))
        target = {"source": prefix + ann.witness, "selector": _selectors(text, start, end)}
        if ann.anchoring is not None:
            classifying["variorum:anchoring"] = ann.anchoring.state
    targets: list[dict] | dict = target
    cp = ann.counterpart
    if cp is not None and cp.witness in edition.witnesses:
        other = edition.text(cp.witness)
        cs = min(max(cp.start, 0), len(other))
        ce = min(max(cp.end, cs), len(other))
        targets = [target, {"source": prefix + cp.witness,
                            "selector": _selectors(other, cs, ce)}]

    out: dict = {
        "id": prefix + ann.id,
        "type": "Annotation",
        "motivation": kind.motivation,
        "body": bodies,
        "target": targets,
    }
    if ann.author:
        out["creator"] = _person(edition, ann.author, prefix)
    if ann.created:
        out["created"] = ann.created
    if ann.modified:
        out["modified"] = ann.modified
    return out


def to_json(edition: Edition, options: ExportOptions | None = None) -> dict:
    """The ``AnnotationCollection`` as a JSON-ready dict."""
    options = options or ExportOptions()
    prefix = id_prefix(edition, options)
    chosen = [options.witness] if options.witness else (options.witnesses or list(edition.witnesses))
    chosen = [w for w in chosen if w in edition.witnesses]
    items = [annotation_json(edition, ann, prefix)
             for ann in edition.sorted_annotations()
             if ann.witness in chosen
             and (options.include_rejected or ann.status != "rejected")]
    return {
        "@context": CONTEXT_DOCUMENT,
        "id": prefix + "collection",
        "type": "AnnotationCollection",
        "label": edition.metadata.title or "Variorum edition",
        "total": len(items),
        "variorum:witnesses": [
            {"id": prefix + w.id, "type": "Text", "format": "text/plain",
             "label": w.label, "variorum:kind": w.kind, "variorum:text": w.text}
            for w in (edition.witnesses[w] for w in chosen)],
        "first": {
            "id": prefix + "page-1",
            "type": "AnnotationPage",
            "partOf": prefix + "collection",
            "startIndex": 0,
            "items": items,
        },
    }


def export_jsonld(edition: Edition, options: ExportOptions | None = None) -> bytes:
    """The edition's annotations as W3C Web Annotation JSON-LD (UTF-8 bytes)."""
    document = to_json(edition, options)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
