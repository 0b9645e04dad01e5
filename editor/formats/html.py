"""A self-contained HTML edition: the versions side by side, notes, variants, legend.

One file, styles inside, no script and no external resource of any kind (no fonts, no
images, no links off the page), so it can be mailed, archived or opened offline.  The
conventions are the editor's and every kind differs in *shape*, never in colour alone:

* addition: raised, coloured by hand, after a caret ``‸`` (long or multi-paragraph
  additions stay on the line, with a dashed rule above);
* deletion: struck through; a substitution is its deleted part struck and its added
  part raised;
* supplied: in ``[brackets]``, grey;
* sic: wavy underline; unclear: dotted underline; variant: double underline;
* gap: ``[…]`` in a dotted box (a gap that covers text shows it in brackets, italic);
* expansion: the abbreviation with its expansion after it, in parentheses and italic;
* note: a numbered call (superscript number) after the words, the notes listed below;
  a note on a span also tints its words; remark: a call in square brackets ``[2]``.

Everything that comes from the edition (texts, titles, notes, names, attributes) is
escaped; the style sheet is a constant with no edition content in it.  Overlapping
marks are split into properly nested elements (:func:`editor.formats.readings.nested_runs`).
Rejected annotations are left out unless ``options.include_rejected``; orphaned ones are
listed at the end with their last known words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from editor import __version__
from editor.align.alignment import align_texts
from editor.formats.readings import (
    Run, is_orphaned, nested_runs, substitution_split, visible_annotations,
)
from editor.formats.registry import ExportOptions
from editor.model.annotation import Annotation
from editor.model.edition import Edition
from editor.model.kinds import spec
from editor.model.text import PARAGRAPH_SEPARATOR

#: hand colours (text on white passes WCAG AA); the shape is what tells kinds apart
HAND_COLOURS = ("#1d4ed8", "#047857", "#7e22ce", "#b45309", "#be185d", "#0e7490")
DEFAULT_ADDITION_COLOUR = "#1d4ed8"
#: additions longer than this (code points) are not raised: a raised page is unreadable
LONG_ADDITION = 80
#: readings in the list of variants are cut after this many code points
VARIANT_PREVIEW = 240

CSS = """
:root { --ink: #1f2328; --muted: #5b6470; --rule: #d0d7de; --paper: #ffffff;
        --deleted: #9a1b1b; --supplied: #6b7280; --sic: #b45309; --note: #fff1b8; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem 2rem 3rem; color: var(--ink); background: var(--paper);
       font: 16px/1.6 Georgia, "DejaVu Serif", "Times New Roman", serif; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
.dateline { color: var(--muted); margin: 0 0 .8rem; }
.ui, .metadata, .legend, .notes, .variants, .hands, footer, .witness h2 {
  font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; font-size: .9rem; }
.edition-head { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
                gap: 0 2.5rem; align-items: start; }
.metadata { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
            margin: .5rem 0 .6rem; }
.metadata dt { font-weight: bold; color: var(--muted); }
.metadata dd { margin: 0; white-space: pre-line; }
.edition-head h2 { font-size: 1.05rem; margin-top: .5rem; }
.summary p { margin: .3rem 0; font-size: .95rem; }
.legend ul { list-style: none; padding: 0; margin: .3rem 0; columns: 2; column-gap: 1.5rem; }
.legend li { margin: .15rem 0; break-inside: avoid; }
.legend .sample { font-family: Georgia, "DejaVu Serif", serif; font-size: 1rem; }
.versions { display: grid; gap: 2rem; align-items: start; }
.witness { min-width: 0; }
.witness h2 { font-size: 1.05rem; }
.witness .kind { color: var(--muted); font-weight: normal; }
.witness-text p { margin: 0 0 .9rem; overflow-wrap: anywhere; }
.mark { text-decoration-skip-ink: none; }
.addition { vertical-align: .45em; font-size: .82em; line-height: 1; }
.addition.long { vertical-align: baseline; font-size: 1em; line-height: inherit;
                 border-top: 1px dashed currentColor; }
.caret { font-weight: bold; margin-right: .05em; }
.deletion { text-decoration-line: line-through; text-decoration-thickness: 2px;
            text-decoration-color: var(--deleted); }
.deletion { color: var(--deleted); }
.supplied { color: var(--supplied); }
.bracket { color: var(--supplied); font-weight: bold; }
.sic { text-decoration: underline wavy var(--sic); text-underline-offset: .2em; }
.unclear { text-decoration: underline dotted; text-decoration-thickness: 2px;
           text-underline-offset: .2em; }
.variant { text-decoration: underline double; text-underline-offset: .15em; }
.variant-point { font-size: .8em; vertical-align: .4em; }
.gap { border: 1px dotted var(--muted); padding: 0 .15em; color: var(--muted); }
.gap.span { border: 0; font-style: italic; }
.expansion-text { font-style: italic; color: var(--muted); }
.note-span { background: var(--note); }
.remark-span { text-decoration: underline dashed var(--muted); }
.call { font-size: .72em; vertical-align: .55em; line-height: 1;
        font-family: "Helvetica Neue", Arial, sans-serif; font-weight: bold; }
.call a { text-decoration: none; color: inherit; padding: 0 .1em; }
.call.note a { border-bottom: 1px solid currentColor; }
.var-anchor:target::before { content: "\\25B6"; color: var(--sic); }
.notes ol { padding-left: 2.2rem; }
.notes li { margin: .25rem 0; }
.notes li:target { background: var(--note); }
.notes .on { color: var(--muted); }
.notes .back { text-decoration: none; margin-left: .3rem; }
.variants table { border-collapse: collapse; width: 100%; }
.variants th, .variants td { border: 1px solid var(--rule); padding: .25rem .45rem;
                             vertical-align: top; text-align: left; }
.variants td.reading { font-family: Georgia, "DejaVu Serif", serif; font-size: .95rem;
                       white-space: pre-line; }
.variants .none { color: var(--muted); font-style: italic; }
.variants .how { color: var(--muted); }
.hands .swatch { display: inline-block; width: .9em; height: .9em; margin-right: .4em;
                 vertical-align: -.1em; border: 1px solid var(--ink); }
footer { margin-top: 2rem; color: var(--muted); border-top: 1px solid var(--rule);
         padding-top: .5rem; }
@media (max-width: 800px) { .versions, .edition-head { grid-template-columns: 1fr !important; } }
@media print { body { padding: 0; } a { color: inherit; } .versions { gap: 1rem; } }
"""


def _e(value) -> str:
    """Escape anything from the edition for text or a quoted attribute."""
    return escape(str(value), quote=True)


@dataclass
class _Note:
    number: int
    annotation: Annotation
    remark: bool


@dataclass
class _Context:
    edition: Edition
    options: ExportOptions
    hand_class: dict[str, int] = field(default_factory=dict)
    notes: list[_Note] = field(default_factory=list)
    note_numbers: dict[str, int] = field(default_factory=dict)
    #: witness -> position -> html of anchors of alignment differences
    anchors: dict[str, dict[int, list[str]]] = field(default_factory=dict)


# ======================================================================================
# one witness


def _describe(ctx: _Context, ann: Annotation) -> str:
    """The tooltip of a mark: its kind, attributes, note and responsibility."""
    parts = [spec(ann.kind).label]
    for key, value in sorted(ann.attrs.items()):
        if key == "split" or not value:
            continue
        if key == "hand":
            value = ", ".join(ctx.edition.hand_label(h) for h in value.split())
        elif key == "resp":
            value = ", ".join(ctx.edition.person_name(p) for p in value.split())
        parts.append(f"{key}: {value}")
    if ann.cert:
        parts.append(f"certainty: {ann.cert}")
    if ann.resp:
        parts.append(f"by {ctx.edition.person_name(ann.resp)}")
    if ann.status not in ("accepted", "proposed"):
        parts.append(f"status: {ann.status}")
    if ann.note and ann.kind not in ("note", "remark"):
        parts.append(ann.note)
    return " · ".join(parts)


def _hand_class(ctx: _Context, ann: Annotation) -> str:
    hands = ann.attrs.get("hand", "").split()
    if hands and hands[0] in ctx.hand_class:
        return f" hand-{ctx.hand_class[hands[0]]}"
    return ""


@dataclass
class _Piece:
    """A mark as it is drawn: one annotation, or one part of a substitution."""

    ann: Annotation
    kind: str          # the drawing kind: addition, deletion, supplied, ...
    start: int
    end: int

    @property
    def id(self) -> str:
        return f"{self.ann.id}/{self.kind}"


def _pieces(anns: list[Annotation]) -> list[_Piece]:
    out = []
    for ann in anns:
        if ann.is_point:
            continue
        if ann.kind == "substitution":
            split = ann.start + substitution_split(ann)
            if split > ann.start:
                out.append(_Piece(ann, "deletion", ann.start, split))
            if ann.end > split:
                out.append(_Piece(ann, "addition", split, ann.end))
        elif ann.kind in ("addition", "deletion", "supplied", "sic", "unclear", "variant",
                          "gap", "expansion", "note", "remark"):
            out.append(_Piece(ann, ann.kind, ann.start, ann.end))
    return out


def _open(ctx: _Context, piece: _Piece, at: int) -> str:
    ann = piece.ann
    classes = ["mark", piece.kind]
    if ann.kind == "substitution":
        classes.append("substitution")
    if piece.kind == "addition":
        if piece.end - piece.start > LONG_ADDITION or \
                PARAGRAPH_SEPARATOR in ctx.edition.text(ann.witness)[piece.start:piece.end]:
            classes.append("long")
        classes.append(_hand_class(ctx, ann).strip())
    elif piece.kind == "note":
        classes[-1] = "note-span"
    elif piece.kind == "remark":
        classes[-1] = "remark-span"
    elif piece.kind == "gap":
        classes.append("span")
    html = (f'<span class="{" ".join(c for c in classes if c)}" '
            f'title="{_e(_describe(ctx, ann))}" data-id="{_e(ann.id)}">')
    if at == piece.start:     # the first piece of a mark carries its opening sign
        if piece.kind == "addition":
            html += '<span class="caret" aria-hidden="true">‸</span>'
        elif piece.kind in ("supplied", "gap"):
            html += '<span class="bracket">[</span>'
    return html


def _close(piece: _Piece, at: int) -> str:
    html = ""
    if at == piece.end and piece.kind in ("supplied", "gap"):
        html += '<span class="bracket">]</span>'
    return html + "</span>"


def _call(ctx: _Context, ann: Annotation) -> str:
    number = ctx.note_numbers[ann.id]
    remark = ann.kind == "remark"
    label = f"[{number}]" if remark else str(number)
    kind = "remark" if remark else "note"
    return (f'<sup class="call {kind}" id="call-{number}"><a href="#note-{number}" '
            f'title="{_e(_note_heading(ctx, ann))}">{label}</a></sup>')


def _points(ctx: _Context, anns: list[Annotation], witness: str) -> dict[int, list[str]]:
    """What is inserted at a position: note calls, gaps, expansions, variant signs."""
    points: dict[int, list[str]] = {}
    for ann in anns:
        add = points.setdefault(ann.end, []).append
        if ann.id in ctx.note_numbers:
            add(_call(ctx, ann))
        elif ann.kind == "gap" and ann.is_point:
            add(f'<span class="mark gap gap-point" title="{_e(_describe(ctx, ann))}">[…]</span>')
        elif ann.kind == "expansion" and ann.attrs.get("expan"):
            add(f'<span class="expansion-text"> ({_e(ann.attrs["expan"])})</span>')
        elif ann.kind == "variant" and ann.is_point:
            add(f'<span class="mark variant-point" title="{_e(_variant_title(ctx, ann))}">'
                f'◊</span>')
    for pos, html in ctx.anchors.get(witness, {}).items():
        points.setdefault(pos, [])[0:0] = html
    return {pos: html for pos, html in points.items() if html}


def _variant_title(ctx: _Context, ann: Annotation) -> str:
    text = _describe(ctx, ann)
    cp = ann.counterpart
    if cp is not None and cp.witness in ctx.edition.witnesses:
        other = ctx.edition.witnesses[cp.witness]
        reading = other.text[cp.start:cp.end]
        text += f" · {other.label} reads: {reading or '(nothing)'}"
    return text


def _render_text(ctx: _Context, value: str) -> str:
    return _e(value).replace("\n", "<br>")


def _render_paragraph(ctx: _Context, text: str, lo: int, hi: int, pieces: list[_Piece],
                      points: dict[int, list[str]]) -> str:
    """``text[lo:hi]`` as the content of a ``<p>``, marks as properly nested spans."""
    inside = [p for p in pieces if p.end > lo and p.start < hi]
    by_id = {p.id: p for p in inside}
    proxies = [Annotation(p.id, p.ann.witness, p.start, p.end, p.kind) for p in inside]
    runs: list[Run] = nested_runs(lo, hi, proxies, cuts=[pos for pos in points if lo < pos < hi])
    out: list[str] = []
    stack: list[_Piece] = []

    def emit_points(pos: int) -> None:
        out.extend(points.get(pos, ()))

    for run in runs:
        wanted = {m.id for m in run.marks}
        # what is open stays open as long as everything beneath it is still wanted
        keep = 0
        while keep < len(stack) and stack[keep].id in wanted:
            keep += 1
        while len(stack) > keep:
            out.append(_close(stack.pop(), run.start))
        emit_points(run.start)
        # open the longest-lasting first: the outer an element, the less it is split
        opening = sorted((by_id[i] for i in wanted - {p.id for p in stack}),
                         key=lambda p: (-p.end, p.start, p.id))
        for piece in opening:
            out.append(_open(ctx, piece, run.start))
            stack.append(piece)
        out.append(_render_text(ctx, text[run.start:run.end]))
    while stack:
        out.append(_close(stack.pop(), hi))
    if not runs:
        emit_points(lo)
    if hi > lo or runs:
        emit_points(hi)
    return "".join(out)


def _render_witness(ctx: _Context, witness_id: str) -> str:
    edition = ctx.edition
    witness = edition.witnesses[witness_id]
    text = witness.text
    anns = visible_annotations(edition, witness_id, ctx.options.include_rejected)
    pieces = _pieces(anns)
    points = _points(ctx, anns, witness_id)
    paragraphs = text.split(PARAGRAPH_SEPARATOR)
    # a point in a paragraph separator belongs to the paragraph before it
    spans = []
    pos = 0
    for index, para in enumerate(paragraphs):
        spans.append((pos, pos + len(para)))
        pos += len(para) + len(PARAGRAPH_SEPARATOR)
    for p in list(points):
        for lo, hi in spans:
            if hi < p < hi + len(PARAGRAPH_SEPARATOR):
                points.setdefault(hi, []).extend(points.pop(p))
                break
    body = []
    for lo, hi in spans:
        body.append(f"<p>{_render_paragraph(ctx, text, lo, hi, pieces, points)}</p>")
    lang = f' lang="{_e(ctx.edition.metadata.language)}"' if _is_lang(
        ctx.edition.metadata.language) else ""
    return (f'<article class="witness" id="witness-{_e(witness_id)}"{lang}>\n'
            f'<h2>{_e(witness.label)} <span class="kind">({_e(witness.kind)})</span></h2>\n'
            f'<div class="witness-text">\n' + "\n".join(body) + "\n</div>\n</article>")


def _is_lang(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value or ""))


# ======================================================================================
# the page around the texts


def _metadata(edition: Edition) -> str:
    md = edition.metadata
    rows = [
        ("Date", md.date_text or md.date), ("Classification", md.classification),
        ("Authors", "; ".join(md.authors)), ("Source", md.source),
        ("Repository", md.repository), ("Translator", md.translator),
    ]
    rows += [(role.capitalize() or "Responsible", name) for role, name in md.responsible]
    rows += [("Rights", md.rights), ("Record ID", md.record_id), ("Language", md.language),
             ("Uploaded", md.uploaded), ("Publisher", md.publisher)]
    rows += list(md.extra.items())
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>\n" for k, v in rows if v)
    return f'<dl class="metadata">\n{items}</dl>\n' if items else ""


def _summary(edition: Edition) -> str:
    summary = edition.metadata.summary
    if not summary:
        return ""
    paras = "".join(f"<p>{_e(p)}</p>" for p in summary.split("\n\n"))
    return f'<section class="summary"><h2>Summary</h2>{paras}</section>\n'


LEGEND = (
    ("addition", '<span class="mark addition hand-0"><span class="caret">‸</span>added</span>',
     "added, raised, coloured by hand"),
    ("deletion", '<span class="mark deletion">deleted</span>', "struck through"),
    ("supplied", '<span class="mark supplied"><span class="bracket">[</span>supplied'
                 '<span class="bracket">]</span></span>', "supplied by the editor or translator"),
    ("sic", '<span class="mark sic">sic</span>', "so written (sic)"),
    ("unclear", '<span class="mark unclear">unclear</span>', "hard to read"),
    ("gap", '<span class="mark gap">[…]</span>', "left out: illegible or omitted"),
    ("variant", '<span class="mark variant">variant</span>', "marked variant (hover it)"),
    ("expansion", 'abbr<span class="expansion-text"> (expansion)</span>', "abbreviation expanded"),
    ("note", 'words<sup class="call note"><a>1</a></sup>', "note (listed below)"),
    ("remark", 'words<sup class="call remark"><a>[2]</a></sup>', "editorial remark"),
)


def _legend() -> str:
    items = "".join(f'<li><span class="sample">{sample}</span> — {_e(text)}</li>'
                    for _, sample, text in LEGEND)
    return (f'<section class="legend"><h2>How to read this edition</h2><ul>{items}</ul>'
            "<p>Hover a mark for its details (hand, place, who made it). Each kind differs "
            "in shape, not only in colour.</p></section>\n")


def _note_heading(ctx: _Context, ann: Annotation) -> str:
    if ann.kind == "remark":
        label = "Remark"
    else:
        kind = ann.attrs.get("type", "")
        label = f"{kind.capitalize()}'s note" if kind in ("translator", "editor", "author") \
            else (f"Note ({kind})" if kind else "Note")
    return label


def _notes(ctx: _Context) -> str:
    if not ctx.notes:
        return ""
    items = []
    for note in ctx.notes:
        ann = note.annotation
        witness = ctx.edition.witnesses[ann.witness]
        quote = " ".join(ctx.edition.text(ann.witness)[ann.start:ann.end].split())
        on = f" on “{_e(quote)}”" if quote else ""
        who = f" — {_e(ctx.edition.person_name(ann.resp))}" if ann.resp else ""
        paragraphs = "<br>".join(_e(p) for p in (ann.note or "(no text)").split("\n"))
        items.append(f'<li id="note-{note.number}"><strong>{_e(_note_heading(ctx, ann))}</strong>'
                     f' <span class="on">({_e(witness.label)}{on})</span>: {paragraphs}{who}'
                     f'<a class="back" href="#call-{note.number}" title="back to the text">↩</a>'
                     "</li>")
    return '<section class="notes"><h2>Notes</h2><ol>\n' + "\n".join(items) + "\n</ol></section>\n"


def _preview(value: str) -> str:
    value = value.strip()
    if not value:
        return '<span class="none">(not in this version)</span>'
    if len(value) > VARIANT_PREVIEW:
        value = value[:VARIANT_PREVIEW - 1] + "…"
    return _e(value)


def _paragraph_number(text: str, pos: int) -> int:
    return text.count(PARAGRAPH_SEPARATOR, 0, pos) + 1


def _variants(ctx: _Context, order: list[str]) -> str:
    """The list of variants: each difference of the alignment with the first version,
    and each variant annotation; anchors are placed in the texts for the links."""
    edition = ctx.edition
    if len(order) < 2:
        return ""
    base = order[0]
    base_text = edition.text(base)
    sections = []
    counter = 0
    for other in order[1:]:
        other_text = edition.text(other)
        how = {"delete": f"only in {edition.witnesses[base].label}",
               "insert": f"only in {edition.witnesses[other].label}",
               "replace": "reads differently"}
        rows = []
        for seg in align_texts(base_text, other_text):
            if seg.op == "equal":
                continue
            a = base_text[seg.a_start:seg.a_end]
            b = other_text[seg.b_start:seg.b_end]
            if " ".join(a.split()) == " ".join(b.split()):
                continue
            counter += 1
            ids = (f"d{counter}-{base}", f"d{counter}-{other}")
            ctx.anchors.setdefault(base, {}).setdefault(seg.a_start, []).append(
                f'<a class="var-anchor" id="{_e(ids[0])}"></a>')
            ctx.anchors.setdefault(other, {}).setdefault(seg.b_start, []).append(
                f'<a class="var-anchor" id="{_e(ids[1])}"></a>')
            rows.append(
                f"<tr><td>{counter}</td><td>¶ {_paragraph_number(base_text, seg.a_start)}</td>"
                f'<td class="reading"><a href="#{_e(ids[0])}">{_preview(a)}</a></td>'
                f'<td class="reading"><a href="#{_e(ids[1])}">{_preview(b)}</a></td>'
                f'<td class="how">{_e(how[seg.op])}</td></tr>')
        marked = []
        for wid in (base, other):
            for ann in visible_annotations(edition, wid, ctx.options.include_rejected):
                if ann.kind != "variant" or ann.counterpart is None:
                    continue
                if {ann.witness, ann.counterpart.witness} != {base, other}:
                    continue
                here = edition.text(ann.witness)[ann.start:ann.end]
                cp = ann.counterpart
                there = edition.text(cp.witness)[cp.start:cp.end]
                a, b = (here, there) if ann.witness == base else (there, here)
                note = f" — {_e(ann.note)}" if ann.note else ""
                marked.append(f'<tr><td>{_e(ann.id)}</td><td>¶ '
                              f'{_paragraph_number(edition.text(base), ann.start if ann.witness == base else cp.start)}'
                              f'</td><td class="reading">{_preview(a)}</td>'
                              f'<td class="reading">{_preview(b)}</td>'
                              f'<td class="how">marked variant{note}</td></tr>')
        head = (f"<tr><th>#</th><th>Where</th><th>{_e(edition.witnesses[base].label)}</th>"
                f"<th>{_e(edition.witnesses[other].label)}</th><th>Kind</th></tr>")
        title = f"{_e(edition.witnesses[base].label)} and {_e(edition.witnesses[other].label)}"
        if not rows and not marked:
            body = "<p>The two versions read alike.</p>"
        else:
            body = f"<table>{head}\n" + "\n".join(rows + marked) + "\n</table>"
        summary = (f"<p>{len(rows)} difference(s) found by aligning the texts word by word"
                   f"{f', {len(marked)} variant(s) marked by the editors' if marked else ''}."
                   " Click a reading to see it in its text.</p>")
        sections.append(f"<h3>{title}</h3>{summary}{body}")
    return '<section class="variants"><h2>Variants</h2>\n' + "\n".join(sections) + "</section>\n"


def _hands(ctx: _Context) -> str:
    if not ctx.edition.hands:
        return ""
    items = []
    for hid, hand in sorted(ctx.edition.hands.items()):
        number = ctx.hand_class[hid]
        details = "; ".join(_e(v) for v in (hand.scribe, hand.medium, hand.description) if v)
        items.append(f'<li><span class="swatch hand-{number}-swatch"></span>'
                     f'<span class="mark addition hand-{number}"><span class="caret">‸</span>'
                     f'{_e(hand.label or hand.id)}</span>{" — " + details if details else ""}</li>')
    return '<section class="hands"><h2>Hands</h2><ul>' + "".join(items) + "</ul></section>\n"


def _orphans(ctx: _Context, order: list[str]) -> str:
    lost = [a for a in ctx.edition.sorted_annotations()
            if a.witness in order and is_orphaned(a)
            and (ctx.options.include_rejected or a.status != "rejected")]
    if not lost:
        return ""
    items = "".join(
        f"<li>{_e(spec(a.kind).label)} ({_e(ctx.edition.witnesses[a.witness].label)}): "
        f"“{_e(a.anchoring.quote if a.anchoring else '')}”"
        f"{' — ' + _e(a.note) if a.note else ''}</li>" for a in lost)
    return (f'<section class="notes"><h2>Marks whose words were lost</h2><p>These marks no '
            f'longer match the text and await review.</p><ul>{items}</ul></section>\n')


def _style(ctx: _Context, columns: int) -> str:
    hand_rules = [f".addition.hand-0, .hand-0-swatch {{ color: {DEFAULT_ADDITION_COLOUR}; }}",
                  f".hand-0-swatch {{ background: {DEFAULT_ADDITION_COLOUR}; }}",
                  f".addition {{ color: {DEFAULT_ADDITION_COLOUR}; }}"]
    for number in sorted(set(ctx.hand_class.values())):
        colour = HAND_COLOURS[(number - 1) % len(HAND_COLOURS)]
        hand_rules.append(f".addition.hand-{number} {{ color: {colour}; }}")
        hand_rules.append(f".hand-{number}-swatch {{ background: {colour}; }}")
    layout = f".versions {{ grid-template-columns: repeat({int(columns)}, minmax(0, 1fr)); }}"
    return CSS + "\n".join(hand_rules) + "\n" + layout + "\n"


def _order(edition: Edition, options: ExportOptions) -> list[str]:
    from editor.formats.readings import choose_witness
    if options.witness:
        return [choose_witness(edition, options.witness)]
    if options.witnesses:
        return [choose_witness(edition, w) for w in options.witnesses]
    choose_witness(edition, None)   # raises for an edition without witnesses
    return list(edition.witnesses)


def export_html(edition: Edition, options: ExportOptions | None = None) -> bytes:
    """The edition as one self-contained HTML page (UTF-8 bytes)."""
    options = options or ExportOptions()
    order = _order(edition, options)
    ctx = _Context(edition, options)
    for number, hid in enumerate(sorted(edition.hands), 1):
        ctx.hand_class[hid] = number
    for wid in order:
        called = [a for a in visible_annotations(edition, wid, options.include_rejected)
                  if a.kind == "note" or (a.kind == "remark" and a.note)]
        for ann in sorted(called, key=lambda a: (a.end, a.start, a.id)):
            number = len(ctx.notes) + 1
            ctx.notes.append(_Note(number, ann, ann.kind == "remark"))
            ctx.note_numbers[ann.id] = number
    variants = _variants(ctx, order)          # places the anchors the texts will hold
    columns = "\n".join(_render_witness(ctx, wid) for wid in order)
    md = edition.metadata
    title = md.title or "Untitled edition"
    dateline = " · ".join(_e(v) for v in (md.date_text or md.date, md.classification) if v)
    lang = md.language if _is_lang(md.language) else "en"
    page = (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="Variorum {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_style(ctx, len(order))}</style>\n</head>\n<body>\n"
        f'<header class="edition-head">\n<div class="about">\n<h1>{_e(title)}</h1>\n'
        + (f'<p class="dateline">{dateline}</p>\n' if dateline else "")
        + _metadata(edition) + "</div>\n<div>\n" + _summary(edition) + _legend()
        + "</div>\n</header>\n"
        + f'<main class="versions">\n{columns}\n</main>\n'
        + _notes(ctx) + variants + _hands(ctx) + _orphans(ctx, order)
        + f"<footer>Made with Variorum {_e(__version__)}: a documentary edition with "
        "standoff annotations.</footer>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")
