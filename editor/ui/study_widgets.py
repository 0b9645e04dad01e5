"""The widgets of study mode: the variant table, the overview bar and the figures chart.

They show what :mod:`editor.align.variants` computes; :mod:`editor.ui.study_mode` builds
them into the window.
"""

from __future__ import annotations

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPointF, QRectF, QSize,
    QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QTableView, QToolTip, QVBoxLayout, QWidget)

from editor.align.variants import (KIND_DESCRIPTIONS, KIND_LABELS, KIND_PLURALS,
    VARIANT_KINDS, ParagraphVariance, Variant)
from editor.ui import style
from editor.ui.richtext import escape, shorten
from editor.ui.tables import make_list_table

#: colour and brush pattern of each kind of difference (never colour alone)
KIND_COLOURS = {
    "addition": style.DEFAULT_ADDITION,
    "deletion": style.DELETION_COLOUR,
    "cancelled-addition": "#6b3fa0",
    "substitution": "#8a5a00",
    "variant": "#00727a",
}
KIND_PATTERNS = {
    "addition": Qt.BrushStyle.SolidPattern,
    "deletion": Qt.BrushStyle.BDiagPattern,
    "cancelled-addition": Qt.BrushStyle.DiagCrossPattern,
    "substitution": Qt.BrushStyle.HorPattern,
    "variant": Qt.BrushStyle.Dense4Pattern,
}

VARIANT_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


def fill_kind(painter: QPainter, rect: QRectF, kind: str) -> None:
    """A swatch of ``kind``: a light ground with the kind's pattern in its colour."""
    colour = QColor(KIND_COLOURS.get(kind, "#555555"))
    painter.fillRect(rect, colour.lighter(175))
    painter.fillRect(rect, QBrush(colour, KIND_PATTERNS.get(kind, Qt.BrushStyle.SolidPattern)))
    painter.setPen(QPen(colour.darker(115), 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))


def kind_icon(kind: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    fill_kind(painter, QRectF(1, 1, 12, 12), kind)
    painter.end()
    return QIcon(pixmap)


# ======================================================================================
# the variant table


class VariantTableModel(QAbstractTableModel):
    """The variants as rows: number, kind, the reading of each witness, hand, note,
    paragraph."""

    HEADERS = ("#", "Kind", "A", "B", "Hand", "Note", "¶")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.variants: list[Variant] = []
        self.pair: tuple[str, str] = ("", "")
        self.labels: dict[str, str] = {}
        self._icons = {k: kind_icon(k) for k in VARIANT_KINDS}

    def set_variants(self, variants: list[Variant], pair, labels: dict[str, str]) -> None:
        self.beginResetModel()
        self.variants = list(variants)
        self.pair = tuple(pair)
        self.labels = dict(labels)
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.variants)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section in (2, 3) and self.pair[0]:
            wid = self.pair[section - 2]
            return self.labels.get(wid, wid)
        return self.HEADERS[section]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.variants)):
            return None
        v = self.variants[index.row()]
        column = index.column()
        if role == VARIANT_ROLE:
            return v
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return self._icons.get(v.kind)
        if role == Qt.ItemDataRole.ForegroundRole and column in (2, 3):
            if not v.readings[self.pair[column - 2]]:
                return QBrush(QColor("#8a8a8a"))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(v)
        if role == SORT_ROLE:
            if column == 0:
                return v.number
            if column == 1:
                return f"{VARIANT_KINDS.index(v.kind) if v.kind in VARIANT_KINDS else 9}" \
                       f"{v.number:08d}"
            if column in (2, 3):
                return " ".join(v.readings[self.pair[column - 2]].split()).lower() or "\uffff"
            if column == 4:
                return (v.hand_label or "\uffff").lower()
            if column == 5:
                return (v.note or "\uffff").lower()
            return v.paragraph * 100_000 + v.number
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return str(v.number)
        if column == 1:     # which version: the other one's reading says "not in it"
            return KIND_LABELS.get(v.kind, v.kind)
        if column in (2, 3):
            reading = v.readings[self.pair[column - 2]]
            return shorten(reading, 90) if reading.strip() else "— (not in this version)"
        if column == 4:
            return v.hand_label
        if column == 5:
            return shorten(v.note, 90)
        return str(v.paragraph)

    def _tooltip(self, v: Variant) -> str:
        lines = [f"<b>{escape(KIND_LABELS.get(v.kind, v.kind))}</b>: "
                 f"{escape(KIND_DESCRIPTIONS.get(v.kind, ''))}"]
        for wid in self.pair:
            before, after = v.context.get(wid, ("", ""))
            reading = v.readings.get(wid, "")
            shown = f"<b>{escape(shorten(reading, 120))}</b>" if reading.strip() else \
                "<span style='color:#a00'>‸</span>"
            lines.append(f"<i>{escape(self.labels.get(wid, wid))}</i>: {escape(before)}"
                         f"{shown}{escape(after)}")
        if v.hand_label:
            lines.append(f"Hand: {escape(v.hand_label)}")
        if v.note:
            lines.append(f"Note: {escape(shorten(v.note, 400))}")
        return "<br>".join(lines)


class VariantFilter(QSortFilterProxyModel):
    """Rows of one kind, one hand, and matching a search (readings, context, note)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = ""
        self.hand: str | None = None     # None: all hands; "": no hand recorded
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, kind: str = "", hand: str | None = None, text: str = "") -> None:
        self.beginFilterChange()
        self.kind, self.hand, self.text = kind or "", hand, (text or "").strip().lower()
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802
        model = self.sourceModel()
        v = model.variants[row]
        if self.kind and v.kind != self.kind:
            return False
        if self.hand is not None and (self.hand not in v.hands if self.hand else v.hands):
            return False
        if self.text:
            haystack = " ".join([*v.readings.values(), v.note, v.hand_label,
                                 *(b + " " + a for b, a in v.context.values()),
                                 KIND_LABELS.get(v.kind, v.kind)]).lower()
            if self.text not in " ".join(haystack.split()):
                return False
        return True


class VariantTable(QWidget):
    """The Differences dock: filters and a search above the sortable table."""

    #: a row was chosen: the Variant
    variantChosen = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = VariantTableModel(self)
        self.proxy = VariantFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        make_list_table(self.table, row_height=24)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 40), (1, 185), (4, 200), (6, 36)):
            self.table.setColumnWidth(column, width)

        self.kind_filter = QComboBox()
        self.kind_filter.setToolTip("Show one kind of difference")
        self.hand_filter = QComboBox()
        self.hand_filter.setToolTip("Show the differences written by one hand")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the readings, their context and the notes…")
        self.search.setClearButtonEnabled(True)
        self.summary = QLabel()
        self.summary.setObjectName("variantSummary")
        filters = QHBoxLayout()
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.hand_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self.kind_filter.activated.connect(self._filters_changed)
        self.hand_filter.activated.connect(self._filters_changed)
        self.search.textChanged.connect(self._filters_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.clicked.connect(lambda index: self._row_changed(index, None))

    def set_variants(self, variants: list[Variant], pair, labels: dict[str, str],
                     hand_labels: dict[str, str]) -> None:
        self.model.set_variants(variants, pair, labels)
        kinds = [k for k in VARIANT_KINDS if any(v.kind == k for v in variants)]
        self._fill(self.kind_filter, "All kinds", "",
                   [(k, KIND_LABELS[k], kind_icon(k)) for k in kinds])
        hands = []
        for v in variants:
            for h in v.hands:
                if h not in hands:
                    hands.append(h)
        items = [(h, hand_labels.get(h, h), None) for h in hands]
        if any(not v.hands for v in variants):
            items.append(("", "No hand recorded", None))
        self._fill(self.hand_filter, "All hands", None, items)
        self._filters_changed()

    @staticmethod
    def _fill(combo: QComboBox, label: str, everything, items) -> None:
        current = combo.currentData() if combo.count() else everything
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(label, everything)
        for value, text, icon in items:
            if icon is not None:
                combo.addItem(icon, text, value)
            else:
                combo.addItem(text, value)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def _filters_changed(self, *_args) -> None:
        self.proxy.set_filter(self.kind_filter.currentData(), self.hand_filter.currentData(),
                              self.search.text())
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.summary.setText(f"{shown} of {total} shown" if shown != total else
                             f"{total} difference{'s' if total != 1 else ''}")

    def _row_changed(self, current, _previous) -> None:
        if current is None or not current.isValid():
            return
        v = self.proxy.data(self.proxy.index(current.row(), 0), VARIANT_ROLE)
        if v is not None:
            self.variantChosen.emit(v)

    def select_variant(self, variant: Variant) -> bool:
        """Make ``variant``'s row current (clearing filters that hide it); emits
        ``variantChosen``."""
        try:
            row = next(i for i, v in enumerate(self.model.variants) if v is variant)
        except StopIteration:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.kind_filter.setCurrentIndex(0)
            self.hand_filter.setCurrentIndex(0)
            self.search.clear()
            self._filters_changed()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def current(self) -> Variant | None:
        index = self.table.currentIndex()
        return self.proxy.data(index, VARIANT_ROLE) if index.isValid() else None

    def keep_current(self, old: Variant) -> None:
        """After new variants came, make current the one at ``old``'s place, quietly."""
        key = (old.kind, old.ranges)
        for row, v in enumerate(self.model.variants):
            if (v.kind, v.ranges) == key:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    selection = self.table.selectionModel()
                    selection.blockSignals(True)
                    self.table.setCurrentIndex(index)
                    self.table.selectRow(index.row())
                    selection.blockSignals(False)
                    self.table.viewport().update()
                return

    def rows(self) -> list[Variant]:
        """The variants in the order the table shows them (after filter and sort)."""
        return [self.proxy.data(self.proxy.index(r, 0), VARIANT_ROLE)
                for r in range(self.proxy.rowCount())]


# ======================================================================================
# the overview bar


class OverviewBar(QWidget):
    """A narrow bar beside the panes: the first version from top to bottom, one band per
    paragraph (its height proportional to the paragraph's length), darker the more the
    versions differ there, with a tick per difference and a frame round what the pane
    shows.  Clicking a band asks to go to its first difference."""

    #: a paragraph was clicked: its ParagraphVariance
    paragraphChosen = Signal(object)

    WIDTH = 30

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFixedWidth(self.WIDTH)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Where the versions differ: darker = more differences. Click to go "
                        "there.")
        self.rows: list[ParagraphVariance] = []
        self.variants: list[Variant] = []
        self.witness = ""
        self.length = 0
        self.view = (0.0, 0.0)       # the fraction of the text the first pane shows

    def set_data(self, length: int, rows: list[ParagraphVariance], variants: list[Variant],
                 witness: str) -> None:
        self.length, self.rows, self.variants, self.witness = length, rows, variants, witness
        self.update()

    def set_view(self, top: float, bottom: float) -> None:
        if (top, bottom) != self.view:
            self.view = (top, bottom)
            self.update()

    def _y(self, position: int) -> float:
        inner = self.height() - 8
        return 4 + inner * (position / max(1, self.length))

    @staticmethod
    def heat(density: float, count: int) -> QColor:
        """White for no difference, through amber to deep red (a sequential scale)."""
        if count == 0:
            return QColor("#eef0f2")
        t = min(1.0, 0.25 + (density * 4) ** 0.5 * 0.75)
        low, high = QColor("#ffd79a"), QColor("#b2182b")
        return QColor(int(low.red() + (high.red() - low.red()) * t),
                      int(low.green() + (high.green() - low.green()) * t),
                      int(low.blue() + (high.blue() - low.blue()) * t))

    def row_at(self, y: float) -> ParagraphVariance | None:
        for row in self.rows:
            if self._y(row.start) - 1 <= y <= max(self._y(row.end), self._y(row.start) + 3) + 1:
                return row
        if not self.rows:
            return None
        position = (y - 4) / max(1, self.height() - 8) * self.length
        return min(self.rows, key=lambda r: abs((r.start + r.end) / 2 - position))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#f7f7f5"))
        painter.setPen(QPen(QColor("#d0d0cc")))
        painter.drawLine(0, 0, 0, self.height())
        left, width = 5.0, self.width() - 10.0
        for row in self.rows:
            y0, y1 = self._y(row.start), max(self._y(row.end), self._y(row.start) + 2)
            painter.fillRect(QRectF(left, y0, width, y1 - y0), self.heat(row.density, row.count))
        for v in self.variants:
            s = v.ranges.get(self.witness, (0, 0))[0]
            y = self._y(s)
            colour = QColor(KIND_COLOURS.get(v.kind, "#333333"))
            painter.fillRect(QRectF(left + width - 6, y - 1, 6, 2.5), colour)
        top, bottom = self.view
        if bottom > top:
            y0, y1 = 4 + (self.height() - 8) * top, 4 + (self.height() - 8) * bottom
            painter.setPen(QPen(QColor(30, 30, 30, 170), 1.2))
            painter.setBrush(QColor(40, 90, 200, 28))
            painter.drawRect(QRectF(1.5, y0, self.width() - 3, max(4.0, y1 - y0)))
        painter.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        row = self.row_at(event.position().y())
        if row is not None:
            self.paragraphChosen.emit(row)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        row = self.row_at(event.position().y())
        if row is None:
            return
        text = f"Paragraph {row.number}: "
        text += (f"{row.count} difference{'s' if row.count != 1 else ''}" if row.count
                 else "no difference")
        QToolTip.showText(event.globalPosition().toPoint(), text, self)


# ======================================================================================
# the figures


class FiguresChart(QWidget):
    """Bars drawn with QPainter: differences by kind, by hand (stacked by kind) and by
    paragraph (stacked by kind).  Clicking a paragraph's bar asks to go there."""

    paragraphChosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.figures = {"by_kind": {}, "by_hand": {}, "by_paragraph": {}}
        self.hand_labels: dict[str, str] = {}
        self.paragraphs = 0
        self.total = 0
        self._paragraph_bars: list[tuple[QRectF, int]] = []
        self.setMinimumWidth(280)
        self.setMouseTracking(True)

    def set_figures(self, figures: dict, hand_labels: dict[str, str], paragraphs: int) -> None:
        self.figures = figures
        self.hand_labels = hand_labels
        self.paragraphs = paragraphs
        self.total = sum(figures["by_kind"].values())
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    def _height(self) -> int:
        return 38 + 21 * len(VARIANT_KINDS) + 34 + 30 * max(1, len(self.figures["by_hand"])) \
            + 34 + 64 + 22 + 40

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, self._height())

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        font = QFont(self.font())
        bold = QFont(font)
        bold.setBold(True)
        width = self.width() - 24
        x0 = 12
        y = 12.0
        by_kind = self.figures["by_kind"]
        painter.setFont(bold)
        painter.setPen(QColor("#222222"))
        painter.drawText(QRectF(x0, y, width, 20), int(Qt.AlignmentFlag.AlignLeft),
                         f"{self.total} difference{'s' if self.total != 1 else ''} by kind")
        y += 26
        painter.setFont(font)
        label_w = 150.0
        top = max([1, *by_kind.values()])
        for kind in VARIANT_KINDS:
            n = by_kind.get(kind, 0)
            painter.setPen(QColor("#333333"))
            label = KIND_PLURALS[kind].capitalize()
            painter.drawText(QRectF(x0, y, label_w - 6, 18),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), label)
            bar_w = (width - label_w - 30) * n / top
            if n:
                fill_kind(painter, QRectF(x0 + label_w, y + 3, max(bar_w, 3), 13), kind)
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(x0 + label_w + bar_w + 5, y, 30, 18),
                             int(Qt.AlignmentFlag.AlignVCenter), str(n))
            y += 21

        y += 10
        painter.setFont(bold)
        painter.drawText(QRectF(x0, y, width, 20), int(Qt.AlignmentFlag.AlignLeft), "By hand")
        y += 22
        painter.setFont(font)
        by_hand = self.figures["by_hand"]
        top = max([1, *(sum(r.values()) for r in by_hand.values())])
        for hand, row in sorted(by_hand.items(), key=lambda item: (item[0] == "", item[0])):
            label = self.hand_labels.get(hand, hand) if hand else "No hand recorded"
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(x0, y - 2, width, 14),
                             int(Qt.AlignmentFlag.AlignLeft), shorten(label, 48))
            x = x0 + 4.0
            total = sum(row.values())
            for kind, n in row.items():
                w = (width - 40) * n / top
                fill_kind(painter, QRectF(x, y + 13, max(w, 2), 11), kind)
                x += w
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(x + 5, y + 10, 40, 16), int(Qt.AlignmentFlag.AlignVCenter),
                             str(total))
            y += 30

        y += 8
        painter.setFont(bold)
        painter.drawText(QRectF(x0, y, width, 20), int(Qt.AlignmentFlag.AlignLeft),
                         "By paragraph")
        y += 22
        painter.setFont(font)
        by_paragraph = self.figures["by_paragraph"]
        count = max(1, self.paragraphs, *(by_paragraph or {0: 0}).keys())
        height = 60.0
        top = max([1, *(sum(r.values()) for r in by_paragraph.values())])
        slot = width / count
        self._paragraph_bars = []
        painter.setPen(QPen(QColor("#bbbbbb")))
        painter.drawLine(QPointF(x0, y + height), QPointF(x0 + width, y + height))
        for number in range(1, count + 1):
            row = by_paragraph.get(number, {})
            x = x0 + (number - 1) * slot
            bottom = y + height
            for kind, n in row.items():
                h = height * n / top
                fill_kind(painter, QRectF(x + slot * 0.12, bottom - h, max(slot * 0.76, 1.5), h),
                          kind)
                bottom -= h
            self._paragraph_bars.append((QRectF(x, y, slot, height), number))
        painter.setPen(QColor("#555555"))
        small = QFont(font)
        small.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
        painter.setFont(small)
        painter.drawText(QRectF(x0, y + height + 2, width, 14), int(Qt.AlignmentFlag.AlignLeft), "1")
        painter.drawText(QRectF(x0, y + height + 2, width, 14), int(Qt.AlignmentFlag.AlignRight),
                         f"paragraph {count}")
        painter.drawText(QRectF(x0, y - 16, width, 14), int(Qt.AlignmentFlag.AlignRight),
                         f"most: {top}")
        y += height + 22

        # the key
        x = float(x0)
        for kind in VARIANT_KINDS:
            label = KIND_LABELS[kind]
            w = painter.fontMetrics().horizontalAdvance(label) + 26
            if x + w > x0 + width:
                x, y = float(x0), y + 18
            fill_kind(painter, QRectF(x, y + 2, 11, 11), kind)
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(x + 15, y, w, 15), int(Qt.AlignmentFlag.AlignVCenter), label)
            x += w
        painter.end()

    def _paragraph_at(self, pos) -> int | None:
        for rect, number in self._paragraph_bars:
            if rect.contains(QPointF(pos)):
                return number
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        number = self._paragraph_at(event.position())
        if number is not None and self.figures["by_paragraph"].get(number):
            self.paragraphChosen.emit(number)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        number = self._paragraph_at(event.position())
        if number is None:
            return
        row = self.figures["by_paragraph"].get(number, {})
        detail = ", ".join(f"{n} {(KIND_LABELS[k] if n == 1 else KIND_PLURALS[k]).lower()}"
                           for k, n in row.items()) or "no difference"
        QToolTip.showText(event.globalPosition().toPoint(), f"Paragraph {number}: {detail}",
                          self)


# ======================================================================================
# the mode
