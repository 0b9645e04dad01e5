"""Make page images for the seed's edition, and a copy of the edition that shows them.

The archive's scans of the telegram are not available here, so this script *renders*
stand-ins with Qt: the typed version as a typescript (a monospace face struck one
character at a time, unevenly inked), with the handwriting added to it in pencil
("18 September" above a caret, the authentication at the end); the handwritten version
as a draft on ruled paper (an italic face, slanted and wavering), with its insertions
above the line and its deletions crossed out.  Words the translator supplied are not on
the paper, so they are left out.  Every page says in its bottom margin that it is a
rendering, not a scan.

Because the script lays the text out itself, it knows where every character landed: it
records where each page's text starts and draws regions (TEI ``zone``) exactly around
the marked passages, linked to their annotations, plus a few linked to plain words.

Run from the project folder (writes ``samples/images/*.png`` and
``samples/mikoyan-telegram-1956-09-19-facsimile.variorum.xml``; the seed's edition is only
read; ``--screenshot [PNG]`` also renders the window, ``docs/images/facsimile.png`` by
default)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python samples/make_facsimiles.py --screenshot
"""

from __future__ import annotations

import math
import os
import random
import struct
import sys
import zlib
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QImage, QPainter,  # noqa: E402
                           QPainterPath, QPen)

from editor.formats import native  # noqa: E402
from editor.model import facsimile  # noqa: E402
from editor.model.edition import Edition  # noqa: E402

SEED = os.path.join(HERE, "mikoyan-telegram-1956-09-19.variorum.xml")
OUTPUT = os.path.join(HERE, "mikoyan-telegram-1956-09-19-facsimile.variorum.xml")
IMAGES = os.path.join(HERE, "images")

PAGE_WIDTH, PAGE_HEIGHT = 1000, 1414          # A4 proportions
PAPER = {"typed": QColor("#f3eedf"), "handwritten": QColor("#f6f3ea")}
TYPE_INK = QColor("#232323")
PENCIL = QColor("#6b6b6b")
DRAFT_INK = QColor("#1d2a5c")
RULING = QColor("#b9c7dd")
MARGIN_RULE = QColor("#d9a3a3")
FOOTER_INK = QColor(120, 120, 120)
FOOTER = "Rendered by samples/make_facsimiles.py for Variorum — not a scan of the original"


# ======================================================================================
# what each character of a witness is on the page


@dataclass
class Marks:
    """Per character of a witness: left out, added (between the lines or as a block of
    its own), deleted."""

    omitted: set[int] = field(default_factory=set)
    interlinear: set[int] = field(default_factory=set)
    block: set[int] = field(default_factory=set)
    deleted: set[int] = field(default_factory=set)


def marks_of(edition: Edition, witness: str) -> Marks:
    text = edition.witnesses[witness].text
    marks = Marks()
    for ann in edition.annotations_of(witness):
        if ann.status == "rejected" or ann.start == ann.end:
            continue
        span = range(ann.start, ann.end)
        if ann.kind == "supplied":
            marks.omitted.update(span)
        elif ann.kind == "addition":
            # a whole paragraph added by hand is written as a block; words, between lines
            starts_paragraph = ann.start == 0 or text[ann.start - 1] == "\n"
            (marks.block if starts_paragraph else marks.interlinear).update(span)
        elif ann.kind == "deletion":
            marks.deleted.update(span)
        elif ann.kind == "substitution":
            try:
                split = ann.start + int(ann.attrs.get("split", "0"))
            except ValueError:
                split = ann.start
            marks.deleted.update(range(ann.start, split))
            marks.interlinear.update(range(split, ann.end))
    return marks


# ======================================================================================
# layout


@dataclass
class Glyph:
    offset: int            # code point in the witness text
    char: str
    hand: bool             # written by hand (block additions, or the whole draft)


@dataclass
class Insertion:
    start: int
    end: int
    text: str


@dataclass
class Line:
    items: list            # Glyph and Insertion, in order
    indent: float = 0.0


class Style:
    """Fonts and measures of one kind of page."""

    def __init__(self, witness_kind: str):
        self.kind = witness_kind
        if witness_kind == "typed":
            self.main = QFont("Liberation Mono")
            self.main.setPixelSize(17)
            self.hand = QFont("DejaVu Serif")
            self.hand.setItalic(True)
            self.hand.setPixelSize(21)
            self.small_hand = QFont(self.hand)
            self.small_hand.setPixelSize(19)
            self.line_height = 29.0
            self.paragraph_gap = 1.0     # a blank line between paragraphs
            self.first_indent = 5        # characters
            self.left, self.right, self.top, self.bottom = 125.0, 105.0, 120.0, 130.0
        else:
            self.main = QFont("DejaVu Serif")
            self.main.setItalic(True)
            self.main.setPixelSize(23)
            self.main.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 94)
            self.hand = self.main
            self.small_hand = QFont(self.main)
            self.small_hand.setPixelSize(18)
            self.line_height = 42.0
            self.paragraph_gap = 0.0     # paragraphs start on a new line, indented
            self.first_indent = 3
            self.left, self.right, self.top, self.bottom = 110.0, 80.0, 126.0, 126.0
        self.main_metrics = QFontMetricsF(self.main)
        self.hand_metrics = QFontMetricsF(self.hand)
        self.small_metrics = QFontMetricsF(self.small_hand)

    @property
    def width(self) -> float:
        return PAGE_WIDTH - self.left - self.right

    def advance(self, glyph: Glyph) -> float:
        metrics = self.hand_metrics if glyph.hand else self.main_metrics
        return metrics.horizontalAdvance(glyph.char)

    def indent(self) -> float:
        return self.main_metrics.horizontalAdvance(" ") * self.first_indent


def paragraphs(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for para in text.split("\n\n"):
        out.append((pos, para))
        pos += len(para) + 2
    return out


def lay_out(edition: Edition, witness: str, style: Style) -> list[list[Line | None]]:
    """Pages of lines (``None`` is a blank line between paragraphs)."""
    text = edition.witnesses[witness].text
    marks = marks_of(edition, witness)
    handwritten = style.kind != "typed"
    lines: list[Line | None] = []
    for p0, para in paragraphs(text):
        items: list = []
        i = 0
        while i < len(para):
            pos = p0 + i
            if pos in marks.omitted:
                i += 1
                continue
            if pos in marks.interlinear:
                j = i
                while j < len(para) and p0 + j in marks.interlinear:
                    j += 1
                items.append(Insertion(pos, p0 + j, para[i:j]))
                i = j
                continue
            ch = para[i]
            previous = next((it for it in reversed(items) if isinstance(it, Glyph)), None)
            if ch == " " and (previous is None or previous.char in (" ", "\n")):
                i += 1   # a supplied word left out leaves no double space
                continue
            items.append(Glyph(pos, ch, handwritten or pos in marks.block))
            i += 1
        if not items:
            continue
        # words: runs between spaces (an insertion travels with the word it touches)
        words, current = [], []
        for item in items:
            if isinstance(item, Glyph) and item.char in (" ", "\n"):
                if current:
                    words.append(current)
                words.append([item])
                current = []
            else:
                current.append(item)
        if current:
            words.append(current)
        block_para = all(not isinstance(it, Glyph) or it.hand for it in items)
        indent = 0.0 if block_para and not handwritten else style.indent()
        line = Line([], indent)
        x = indent
        for word in words:
            if len(word) == 1 and isinstance(word[0], Glyph) and word[0].char == "\n":
                lines.append(line)
                line, x = Line([], 0.0), 0.0
                continue
            width = sum(style.advance(it) for it in word if isinstance(it, Glyph))
            is_space = len(word) == 1 and isinstance(word[0], Glyph) and word[0].char == " "
            if is_space and not line.items:
                continue
            if not is_space and x + width > style.width and line.items:
                while line.items and isinstance(line.items[-1], Glyph) and \
                        line.items[-1].char == " ":
                    line.items.pop()
                lines.append(line)
                line, x = Line([], 0.0), 0.0
            line.items.extend(word)
            x += width
        if line.items:
            lines.append(line)
        for _ in range(int(style.paragraph_gap)):
            lines.append(None)
    per_page = int((PAGE_HEIGHT - style.top - style.bottom) // style.line_height)
    pages, page = [], []
    for line in lines:
        if line is None and not page:
            continue
        page.append(line)
        if len(page) == per_page:
            pages.append(page)
            page = []
    if any(line is not None for line in page):
        pages.append(page)
    return pages


# ======================================================================================
# drawing


class PageRenderer:
    def __init__(self, style: Style, deleted: set[int], seed: int):
        self.style = style
        self.deleted = deleted
        self.random = random.Random(seed)
        self.boxes: dict[int, QRectF] = {}     # code point -> where it was drawn

    def render(self, lines: list[Line | None]) -> QImage:
        style = self.style
        image = QImage(PAGE_WIDTH, PAGE_HEIGHT, QImage.Format.Format_RGB32)
        image.fill(PAPER[style.kind])
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if style.kind != "typed":
            self._ruling(painter)
        self._fold(painter)
        for index, line in enumerate(lines):
            if line is None:
                continue
            baseline = style.top + (index + 1) * style.line_height - style.line_height * 0.28
            self._line(painter, line, baseline)
        self._footer(painter)
        painter.end()
        return image

    # -- paper -----------------------------------------------------------------------------
    def _ruling(self, painter: QPainter) -> None:
        style = self.style
        painter.setPen(QPen(RULING, 1.0))
        y = style.top + style.line_height
        while y < PAGE_HEIGHT - style.bottom + 4:
            painter.drawLine(QPointF(40, y), QPointF(PAGE_WIDTH - 40, y))
            y += style.line_height
        painter.setPen(QPen(MARGIN_RULE, 1.2))
        painter.drawLine(QPointF(style.left - 18, 0), QPointF(style.left - 18, PAGE_HEIGHT))

    def _fold(self, painter: QPainter) -> None:
        # the telegram was folded in three: two faint creases
        for y in (PAGE_HEIGHT / 3, PAGE_HEIGHT * 2 / 3):
            painter.setPen(QPen(QColor(0, 0, 0, 16), 2.0))
            painter.drawLine(QPointF(0, y), QPointF(PAGE_WIDTH, y + 3))
            painter.setPen(QPen(QColor(255, 255, 255, 60), 1.0))
            painter.drawLine(QPointF(0, y + 2), QPointF(PAGE_WIDTH, y + 5))

    def _footer(self, painter: QPainter) -> None:
        font = QFont("DejaVu Sans")
        font.setPixelSize(11)
        painter.setFont(font)
        painter.setPen(FOOTER_INK)
        painter.drawText(QRectF(0, PAGE_HEIGHT - 40, PAGE_WIDTH, 20),
                         int(Qt.AlignmentFlag.AlignCenter), FOOTER)

    # -- text ------------------------------------------------------------------------------
    def _line(self, painter: QPainter, line: Line, baseline: float) -> None:
        style = self.style
        rnd = self.random
        typed = style.kind == "typed"
        x = style.left + line.indent
        slope = 0.0 if typed else rnd.uniform(-0.006, 0.006)
        wave = rnd.uniform(0, math.tau)
        struck: list[list[QRectF]] = []   # runs of deleted glyphs, struck through at the end
        run: list[QRectF] = []
        for item in line.items:
            if isinstance(item, Insertion):
                self._insertion(painter, item, x, baseline + slope * (x - style.left))
                continue
            y = baseline + slope * (x - style.left)
            if not typed or item.hand:
                y += 1.6 * math.sin(wave + x / 83.0)
            advance = style.advance(item)
            box = self._glyph(painter, item, x, y)
            self.boxes[item.offset] = box
            if item.offset in self.deleted and not item.char.isspace():
                run.append(box)
            elif run and not item.char.isspace():
                struck.append(run)
                run = []
            x += advance
        if run:
            struck.append(run)
        for boxes in struck:
            self._strike(painter, boxes, DRAFT_INK if not typed else PENCIL)

    def _glyph(self, painter: QPainter, glyph: Glyph, x: float, y: float) -> QRectF:
        style = self.style
        rnd = self.random
        if style.kind == "typed" and not glyph.hand:
            font, metrics = style.main, style.main_metrics
            ink = QColor(TYPE_INK)
            ink.setAlpha(rnd.randint(175, 255))           # an unevenly struck ribbon
            dy = rnd.uniform(-0.7, 0.7)
            angle = rnd.uniform(-0.8, 0.8)
            size, slant = 1.0, 0.0
        else:
            font, metrics = style.hand, style.hand_metrics
            ink = QColor(PENCIL if style.kind == "typed" else DRAFT_INK)
            ink.setAlpha(rnd.randint(200, 245))
            dy = rnd.uniform(-0.9, 0.9)
            angle = rnd.uniform(-3.0, 3.0)
            size, slant = rnd.uniform(0.95, 1.06), -0.14   # a hand leans and wavers
        advance = metrics.horizontalAdvance(glyph.char)
        if not glyph.char.isspace():
            painter.save()
            painter.translate(x + advance / 2, y + dy)
            painter.rotate(angle)
            painter.shear(slant, 0.0)
            painter.scale(size, size)
            painter.setFont(font)
            painter.setPen(ink)
            painter.drawText(QPointF(-advance / 2, 0), glyph.char)
            painter.restore()
        return QRectF(x, y - metrics.ascent(), advance, metrics.ascent() + metrics.descent())

    def _insertion(self, painter: QPainter, insertion: Insertion, x: float,
                   baseline: float) -> None:
        """Words written above the line, a caret below the place they belong."""
        style = self.style
        rnd = self.random
        ink = QColor(PENCIL if style.kind == "typed" else DRAFT_INK)
        caret = QPainterPath(QPointF(x - 5, baseline + 7))
        caret.lineTo(QPointF(x, baseline - 4))
        caret.lineTo(QPointF(x + 5, baseline + 7))
        painter.setPen(QPen(ink, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(caret)
        metrics = style.small_metrics
        width = metrics.horizontalAdvance(insertion.text)
        # from a little before the caret, kept on the paper
        left = min(max(x - min(width / 2, 36.0), 30.0), PAGE_WIDTH - 30.0 - width)
        y = baseline - style.line_height * 0.52
        painter.setFont(style.small_hand)
        boxes = []
        cx = left
        for i, ch in enumerate(insertion.text):
            advance = metrics.horizontalAdvance(ch)
            colour = QColor(ink)
            colour.setAlpha(rnd.randint(190, 240))
            painter.setPen(colour)
            dy = 1.2 * math.sin(cx / 40.0) + rnd.uniform(-0.6, 0.6)
            painter.drawText(QPointF(cx, y + dy), ch)
            box = QRectF(cx, y + dy - metrics.ascent(), advance,
                         metrics.ascent() + metrics.descent())
            self.boxes[insertion.start + i] = box
            if not ch.isspace():
                boxes.append(box)
            cx += advance
        # the caret belongs to the insertion's region
        first = self.boxes[insertion.start]
        self.boxes[insertion.start] = first.united(QRectF(x - 6, baseline - 5, 12, 13))
        if insertion.start in self.deleted:
            self._strike(painter, boxes, ink, strokes=1)

    def _strike(self, painter: QPainter, boxes: list[QRectF], ink: QColor,
                strokes: int = 2) -> None:
        """Cross out: hasty strokes through the words, thinner for smaller writing."""
        if not boxes:
            return
        rnd = self.random
        left = boxes[0].left() - 2
        right = boxes[-1].right() + 2
        middle = sum(b.center().y() for b in boxes) / len(boxes) + boxes[0].height() * 0.08
        colour = QColor(ink)
        colour.setAlpha(225)
        width = max(1.1, boxes[0].height() * 0.055)
        for k in range(strokes):
            path = QPainterPath(QPointF(left, middle + rnd.uniform(-3, 3)))
            steps = max(2, int((right - left) / 60))
            for s in range(1, steps + 1):
                px = left + (right - left) * s / steps
                path.lineTo(QPointF(px, middle + rnd.uniform(-2.5, 2.5) + (k - 0.5) * 3))
            painter.setPen(QPen(colour, width + 0.3 * k, Qt.PenStyle.SolidLine,
                                Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            painter.drawPath(path)


# ======================================================================================
# the edition


def render_witness(edition: Edition, witness: str) -> tuple[list[str], list[int],
                                                           dict[int, tuple[int, QRectF]]]:
    """Render the pages of ``witness``: their files, text starts, and where each code
    point landed (page index, box)."""
    kind = "typed" if edition.witnesses[witness].kind == "typed" else "handwritten"
    style = Style(kind)
    pages = lay_out(edition, witness, style)
    marks = marks_of(edition, witness)
    files, starts, where = [], [], {}
    for number, lines in enumerate(pages, start=1):
        # a fixed seed per page: the same images every run
        renderer = PageRenderer(style, marks.deleted, seed=sum(map(ord, witness)) * 100 + number)
        image = renderer.render(lines)
        path = os.path.join(IMAGES, f"{witness}-{number}.png")
        save_small(image, path, kind)
        files.append(path)
        first = min(renderer.boxes) if renderer.boxes else 0
        starts.append(0 if number == 1 else first)
        for offset, box in renderer.boxes.items():
            where[offset] = (number - 1, box)
    return files, starts, where


def palette(kind: str) -> list[QColor]:
    """Sixteen colours at most: the paper, shades of each ink on it, the rulings."""
    paper = PAPER[kind]
    if kind == "typed":
        inks = [(TYPE_INK, 3), (PENCIL, 2), (FOOTER_INK, 1), (QColor(255, 255, 255), 1)]
    else:
        inks = [(DRAFT_INK, 3), (RULING, 1), (MARGIN_RULE, 1), (FOOTER_INK, 1)]
    colours = [paper]
    for ink, steps in inks:
        for k in range(1, steps + 1):
            t = k / steps
            colours.append(QColor(round(paper.red() + (ink.red() - paper.red()) * t),
                                  round(paper.green() + (ink.green() - paper.green()) * t),
                                  round(paper.blue() + (ink.blue() - paper.blue()) * t)))
    return colours[:16]


def save_small(image: QImage, path: str, kind: str) -> None:
    """A 16-colour PNG (4 bits a pixel), a few dozen kilobytes a page.  Qt writes
    palette images with 8 bits a pixel, so the file is put together here."""
    colours = palette(kind)
    indexed = image.convertToFormat(QImage.Format.Format_Indexed8, [c.rgb() for c in colours],
                                    Qt.ImageConversionFlag.ThresholdDither
                                    | Qt.ImageConversionFlag.AvoidDither)
    width, height = indexed.width(), indexed.height()
    bits = bytes(indexed.constBits())
    stride = indexed.bytesPerLine()
    rows = bytearray()
    for y in range(height):
        row = bits[y * stride: y * stride + width] + b"\x00"
        rows.append(0)   # no filter: best for a palette image
        rows += bytes((row[i] << 4) | row[i + 1] for i in range(0, width, 2))

    def chunk(kind_: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind_ + data
                + struct.pack(">I", zlib.crc32(kind_ + data) & 0xFFFFFFFF))
    plte = b"".join(bytes((c.red(), c.green(), c.blue())) for c in colours)
    data = (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 4, 3, 0, 0, 0))
            + chunk(b"PLTE", plte)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
            + chunk(b"IEND", b""))
    with open(path, "wb") as handle:
        handle.write(data)


def region_of(where: dict, start: int, end: int) -> tuple[int, list[tuple[float, float]]] | None:
    """The page and corners of the rectangle around ``[start, end)`` (first page only)."""
    boxes = [where[o] for o in range(start, end) if o in where]
    if not boxes:
        return None
    page = boxes[0][0]
    rect = QRectF(boxes[0][1])
    for p, box in boxes:
        if p == page:
            rect = rect.united(box)
    rect = rect.adjusted(-4, -3, 4, 3)
    return page, facsimile.rectangle(math.floor(rect.left()), math.floor(rect.top()),
                                     math.ceil(rect.right()), math.ceil(rect.bottom()))


def build() -> Edition:
    result = native.load(SEED)
    edition = result.edition
    edition.surfaces.clear()
    os.makedirs(IMAGES, exist_ok=True)
    for old in os.listdir(IMAGES):
        if old.endswith(".png"):
            os.remove(os.path.join(IMAGES, old))
    for witness in edition.witnesses:
        files, starts, where = render_witness(edition, witness)
        images = [(path, facsimile.read_pages(path)) for path in files]
        facsimile.add_pages(edition, witness, images, OUTPUT, text_starts=starts)
        pages = facsimile.pages_of(edition, witness)
        # regions around what was marked on the page, each tied to its annotation
        for ann in edition.annotations_of(witness):
            if ann.kind not in ("addition", "deletion", "substitution", "sic", "variant") \
                    or ann.start == ann.end:
                continue
            if any(z.annotation and edition.annotations[z.annotation].start == ann.start
                   and edition.annotations[z.annotation].end == ann.end
                   for p in pages for z in p.zones if z.annotation in edition.annotations):
                continue   # one region for words both added and deleted
            found = region_of(where, ann.start, ann.end)
            if found:
                page, points = found
                facsimile.add_zone(edition, pages[page].id, points, annotation=ann.id)
        # and a few tied to plain words: the date and the signature
        text = edition.witnesses[witness].text
        for words in ("19 September 1956", "A. MIKOYAN"):
            start = text.rfind(words)
            found = region_of(where, start, start + len(words)) if start >= 0 else None
            if found:
                page, points = found
                facsimile.add_zone(edition, pages[page].id, points, witness, start,
                                   start + len(words))
    edition.metadata.extra["facsimile"] = (
        "The page images are renderings made by samples/make_facsimiles.py (the archive's "
        "scans are not available here); they are not scans of the original.")
    return edition


def screenshot(path: str, width: int = 1920, height: int = 1080) -> None:
    """The editor with texts and facsimiles side by side (``docs/images/facsimile.png``):
    the cursor in the pencilled "18 September" lights its region on the typescript,
    zoomed in; the mouse over a region of the draft lights its word in the text."""
    import tempfile

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QDockWidget

    os.environ["VARIORUM_CONFIG_DIR"] = tempfile.mkdtemp(prefix="variorum-shot-")
    os.environ["VARIORUM_NO_MODAL"] = "1"
    from editor.ui.main_window import MainWindow

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    window = MainWindow()
    window.resize(width, height)
    window.show()
    if not window.open_path(OUTPUT, confirm=False):
        raise SystemExit(f"cannot open {OUTPUT}")
    for dock in window.findChildren(QDockWidget):   # the lists below: room for the pages
        if window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea:
            dock.hide()
    wait(400)
    window.aligner.realign()
    wait(300)
    edition = window.doc.edition
    feature = window.features["facsimile_view"]
    typed_panel, draft_panel = feature.panels
    typed_pane = window.panes[0]
    date = next(a for a in edition.annotations_of("typed") if edition.quote(a) == "18 September")
    typed_pane.select_range(date.start + 3, date.start + 3)
    typed_pane.editor.setFocus()
    wait(200)
    zone = next(z for z in typed_panel.page().zones if z.annotation == date.id)
    # near enough to read the typescript, from the left margin to the pencilled date
    x0, y0, x1, y1 = zone.bounds
    visible = typed_panel.view.viewport().width()
    typed_panel.view.zoom_by(visible / (x1 + 40 - 100) / typed_panel.view.scale_factor)
    typed_panel.view.centerOn(QPointF((100 + x1 + 40) / 2, y1 + 330))
    draft = next(z for s in edition.surfaces for z in s.zones if z.annotation
                 and edition.quote(edition.annotations[z.annotation]) == "absolutely")
    x0, y0, x1, y1 = draft.bounds
    view = draft_panel.view
    QTest.mouseMove(view.viewport(), view.mapFromScene(QPointF((x0 + x1) / 2, (y0 + y1) / 2)))
    wait(400)
    if not window.grab().save(path, "PNG", 0):   # 0: the smallest file
        raise SystemExit(f"cannot write {path}")
    print(f"wrote {path}")


def main() -> int:
    shot = None
    if "--screenshot" in sys.argv:
        index = sys.argv.index("--screenshot")
        shot = sys.argv[index + 1] if index + 1 < len(sys.argv) else \
            os.path.join(os.path.dirname(HERE), "docs", "images", "facsimile.png")
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    edition = build()
    native.save(edition, OUTPUT, backup=False)
    total = sum(os.path.getsize(os.path.join(IMAGES, f)) for f in os.listdir(IMAGES))
    zones = sum(len(s.zones) for s in edition.surfaces)
    print(f"wrote {len(edition.surfaces)} page images ({total // 1024} KB) to {IMAGES}")
    print(f"wrote {OUTPUT} with {zones} regions")
    if shot:
        screenshot(shot)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
