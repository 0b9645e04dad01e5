"""The legend: what each mark looks like and what it means (one click away: F1)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from editor.model.kinds import spec
from editor.ui import style

_SAMPLE_CSS = {
    "addition": f"color:{style.DEFAULT_ADDITION}; vertical-align:super; font-size:90%",
    "deletion": f"text-decoration:line-through; color:{style.DELETION_COLOUR}",
    "substitution": f"color:{style.DELETION_COLOUR}",
    "supplied": f"color:{style.SUPPLIED_COLOUR}; font-style:italic",
    "sic": f"text-decoration:underline; color:{style.SIC_COLOUR}",
    "unclear": f"color:{style.UNCLEAR_COLOUR}; text-decoration:underline",
    "gap": f"color:{style.SUPPLIED_COLOUR}",
    "note": f"color:{style.NOTE_COLOUR}",
    "variant": f"color:{style.VARIANT_COLOUR}; text-decoration:underline",
    "expansion": "text-decoration:overline",
    "remark": f"color:{style.NOTE_COLOUR}",
}


def legend_html(glossary: bool = False) -> str:
    rows = []
    for kind, (symbol, looks, means) in style.LEGEND.items():
        explanation = spec(kind).description if glossary else means
        rows.append(
            f"<tr><td style='padding:4px 10px'><span style='{_SAMPLE_CSS[kind]}'>{symbol}"
            f"</span></td><td style='padding:4px 10px'><b>{spec(kind).label}</b></td>"
            f"<td style='padding:4px 10px'>{looks}</td>"
            f"<td style='padding:4px 10px'>{explanation}</td></tr>")
    diff = ("<tr><td style='padding:4px 10px'><span style='background:#ffd79a'>abc</span></td>"
            "<td style='padding:4px 10px'><b>Difference</b></td>"
            "<td style='padding:4px 10px'>orange background</td>"
            "<td style='padding:4px 10px'>the other version lacks these words or reads them "
            "differently</td></tr>")
    return ("<h3>How Variorum draws the marks</h3>"
            "<p>Every kind differs in shape as well as colour. Additions take the colour of "
            "their hand.</p><table>" + "".join(rows) + diff + "</table>")


class LegendDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Legend")
        self.resize(760, 520)
        browser = QTextBrowser()
        browser.setHtml(legend_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        layout.addWidget(buttons)
