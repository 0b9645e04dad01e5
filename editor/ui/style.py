"""How each kind of annotation looks: the conventions editors know, never colour alone.

Each kind differs in *shape* (raised, struck through, bracketed, wavy, dotted, a marker)
as well as colour, so the view works for colour-blind readers and in print.  Character
formats are applied by the highlighter; markers (carets, brackets, note flags) are painted
over the text by the witness view.  The legend is generated from :data:`LEGEND`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QTextCharFormat

from editor.model.annotation import Annotation

#: colours for hands, in order of declaration (distinguishable under common colour-blindness)
HAND_COLOURS = ["#0b5cad", "#b3306b", "#1d7a3a", "#8a5a00", "#6b3fa0", "#00727a", "#a63603"]
DEFAULT_ADDITION = "#0b5cad"
DELETION_COLOUR = "#8b1a1a"
SUPPLIED_COLOUR = "#6d6d6d"
SIC_COLOUR = "#c0392b"
UNCLEAR_COLOUR = "#555555"
NOTE_COLOUR = "#a15c00"
VARIANT_COLOUR = "#3b6fb6"
DIFF_FILL = QColor(255, 170, 40, 70)          # differences between the versions
COUNTERPART_FILL = QColor(60, 130, 230, 60)    # the counterpart of the clicked word
CURRENT_OUTLINE = QColor(20, 20, 20, 200)
FUZZY_FILL = QColor(230, 60, 60, 45)

#: kind -> (symbol shown in the legend, how it looks, what it means)
LEGEND = {
    "addition": ("‸abc", "raised, in the hand's colour, a caret below its start",
                 "words added (above the line, in the margin...)"),
    "deletion": ("a̶b̶c̶", "struck through, dark red", "words struck out or erased"),
    "substitution": ("a̶b̶ ‸cd", "the deleted part struck through, the added part raised",
                     "words replaced by others"),
    "supplied": ("[abc]", "grey italic between drawn brackets",
                 "words the editor or translator supplies"),
    "sic": ("abc﹏", "wavy red underline", "reproduced as written although wrong"),
    "unclear": ("a·b·c", "dotted underline, grey", "hard to read; the reading is uncertain"),
    "gap": ("⟨…⟩", "a bracketed gap marker", "text left out: illegible, damaged, omitted"),
    "note": ("✱", "a note flag (hover it); a noted passage has a dashed underline",
             "a note by the translator, editor or author"),
    "variant": ("≈", "dash-dotted blue underline", "reads differently in the other version"),
    "expansion": ("abc̅", "overlined", "an abbreviation and its expansion"),
    "remark": ("¶", "a remark marker; a passage has a dash-dot-dot underline",
               "an editorial bracket kept word for word"),
}


def hand_colour(hand_id: str, hand_order: list[str]) -> QColor:
    if hand_id and hand_id in hand_order:
        return QColor(HAND_COLOURS[hand_order.index(hand_id) % len(HAND_COLOURS)])
    return QColor(DEFAULT_ADDITION)


_FORMATS: dict[tuple, QTextCharFormat] = {}


def char_format(annotation: Annotation, hand_order: list[str], part: str = "") -> QTextCharFormat:
    """The character format for (a part of) an annotation's text (cached: formats depend
    only on kind, hand, status and anchoring, and highlighting asks for thousands).

    ``part`` is ``"del"`` or ``"add"`` for the two halves of a substitution.
    """
    hand = annotation.attrs.get("hand", "")
    key = (annotation.kind, part, hand_order.index(hand) if hand in hand_order else -1,
           annotation.status == "rejected",
           annotation.anchoring is not None and annotation.anchoring.state == "fuzzy")
    fmt = _FORMATS.get(key)
    if fmt is None:
        fmt = _FORMATS[key] = _make_format(annotation, hand_order, part)
    return fmt


def _make_format(annotation: Annotation, hand_order: list[str], part: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    kind = annotation.kind
    if kind == "substitution":
        kind = "deletion" if part == "del" else "addition"
    if kind == "addition":
        fmt.setForeground(QBrush(hand_colour(annotation.attrs.get("hand", ""), hand_order)))
        fmt.setBaselineOffset(22)
        fmt.setFontUnderline(False)
    elif kind == "deletion":
        fmt.setFontStrikeOut(True)
        fmt.setForeground(QBrush(QColor(DELETION_COLOUR)))
    elif kind == "supplied":
        fmt.setForeground(QBrush(QColor(SUPPLIED_COLOUR)))
        fmt.setFontItalic(True)
    elif kind == "sic":
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor(SIC_COLOUR))
    elif kind == "unclear":
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(QColor(UNCLEAR_COLOUR))
        fmt.setForeground(QBrush(QColor(UNCLEAR_COLOUR)))
    elif kind == "gap":
        fmt.setForeground(QBrush(QColor(SUPPLIED_COLOUR)))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
    elif kind == "note":
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
        fmt.setUnderlineColor(QColor(NOTE_COLOUR))
    elif kind == "variant":
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashDotLine)
        fmt.setUnderlineColor(QColor(VARIANT_COLOUR))
    elif kind == "expansion":
        fmt.setFontOverline(True)
    else:   # remark
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashDotDotLine)
        fmt.setUnderlineColor(QColor(NOTE_COLOUR))
    if annotation.status == "rejected":
        fmt.setForeground(QBrush(QColor("#9a9a9a")))
    if annotation.anchoring is not None and annotation.anchoring.state == "fuzzy":
        fmt.setBackground(QBrush(FUZZY_FILL))
    return fmt


def text_font(size: int = 12) -> QFont:
    font = QFont("DejaVu Serif")
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSize(size)
    return font


def marker_pen_colour(kind: str) -> QColor:
    return QColor({"note": NOTE_COLOUR, "gap": SUPPLIED_COLOUR, "variant": VARIANT_COLOUR,
                   "supplied": SUPPLIED_COLOUR, "remark": NOTE_COLOUR}.get(kind, "#333333"))


ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft
