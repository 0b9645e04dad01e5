"""The study guide: a short glossary of the marks, written for a first-year student, with
the legend of how Variorum draws them (:func:`editor.ui.legend.legend_html`)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QTextBrowser

from editor.align.variants import KIND_LABELS
from editor.ui import style
from editor.ui.legend import legend_html

#: (term, how it looks in the reading text, what it means), in the order a reader meets them
GLOSSARY = (
    ("Version (witness)", "",
     "One copy of the document as it survives: here a typed telegram and the handwritten "
     "draft it was typed from. Editors call each copy a <i>witness</i>, because each one "
     "bears witness to the text."),
    ("Hand", "",
     "Whoever wrote something on the page, and with what: “the hand of the draft”, "
     "“pencil on the typescript”. The same person writing later in another ink can be "
     "another hand. Each hand has its own colour here."),
    (KIND_LABELS["addition"], "<span style='color:{add}; vertical-align:super'>words</span>",
     "Words written in after the first writing, between the lines or in the margin; in the "
     "table of differences also words one version simply has and the other lacks."),
    (KIND_LABELS["deletion"], "<s style='color:{dele}'>words</s>",
     "Words struck out. They are still readable on the page, but the writer cancelled "
     "them: they are not part of the text the writer meant in the end."),
    (KIND_LABELS["cancelled-addition"],
     "<s style='color:{dele}'><span style='vertical-align:super'>words</span></s>",
     "Words written in and then struck out again: the writer changed their mind twice."),
    (KIND_LABELS["substitution"],
     "<s style='color:{dele}'>old</s> <span style='color:{add}; vertical-align:super'>new"
     "</span>",
     "Words struck out and replaced by others at the same place."),
    (KIND_LABELS["variant"], "",
     "The two versions say something different at this place, without any sign on the page "
     "that one of them was corrected. Comparing readings like these is how editors work "
     "out how a text came to be."),
    ("Supplied", "<i style='color:{sup}'>[words]</i>",
     "Words the editor or the translator adds in square brackets because the document "
     "leaves them out (“[to the] CPSU CC”). They help you read; they are not in the "
     "original."),
    ("[sic]", "words [sic]",
     "Latin for “thus”: the document really says this, although it looks wrong "
     "(“19 August” in a telegram sent on 19 September). The editor did not correct it, "
     "so that you see what was written."),
    ("Unclear", "", "Words that are hard to read; the reading given is the editor's best "
                    "guess."),
    ("Gap", "[…]", "Something is missing from the transcription: illegible, damaged, or "
                   "left out."),
    ("Note", "✱", "A remark by the translator, the editor or the author. Hover the ✱ in "
                  "the text to read it."),
    ("Diplomatic reading", "",
     "The page as it is, with all its changes shown: struck-out words crossed through, "
     "added words raised."),
    ("Clean reading", "",
     "The text as the writer finally meant it: struck-out words left out (a small ⟦⟧ "
     "shows where), added words in their place, supplied words in brackets."),
)


def glossary_html(with_legend: bool = True) -> str:
    """The guide as HTML for a ``QTextBrowser``: how to use study mode, the glossary and
    (with ``with_legend``) the legend of marks."""
    colours = {"add": style.DEFAULT_ADDITION, "dele": style.DELETION_COLOUR,
               "sup": style.SUPPLIED_COLOUR}
    entries = []
    for term, sample, meaning in GLOSSARY:
        # a definition list reads well in a narrow dock, where table columns would not
        shown = f" &nbsp;&nbsp;{sample.format(**colours)}" if sample else ""
        entries.append(f"<p style='margin:6px 0'><b>{term}</b>{shown}<br>{meaning}</p>")
    intro = (
        "<h3>Reading two versions side by side</h3>"
        "<p>The document survives in two versions. Study mode shows them side by side and "
        "lists every place where they differ in the <b>Variant Table</b> below: click "
        "a row and both versions jump there. The coloured bar beside the text is a map of "
        "the whole document: the darker a band, the more the versions differ in that "
        "paragraph; click it to go there. Nothing you do here can change the edition.</p>"
        "<p>Use the <b>Study</b> toolbar to show one version or both, to hide or show "
        "kinds of marks, and to switch between the <i>diplomatic</i> reading (every change "
        "on the page) and the <i>clean</i> reading (the text as finally meant).</p>")
    glossary = "<h3>Words you will meet</h3>" + "".join(entries)
    return intro + glossary + (legend_html(glossary=True) if with_legend else "")


class GuideView(QTextBrowser):
    """The guide in a read-only browser (the study mode's Guide dock)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenExternalLinks(False)
        self.setHtml(glossary_html())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(320, 160)     # it scrolls: let the figures above it have their room
