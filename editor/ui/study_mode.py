"""Study mode: a read-only way into an edition for students.

``install(window)`` adds a Study menu and toolbar; Study ▸ Study Mode (Ctrl+Alt+S, or
``variorum --study FILE``) turns the window into a reading room:

* nothing can be changed by accident: the document is read-only, the panes and the
  inspector too, marking, deleting, replacing and undoing are disabled and the mark
  toolbar is hidden (leaving study mode gives everything back as it was);
* **layers**: one version or both side by side; marks of deletions, additions, supplied
  words and notes shown or hidden; a *diplomatic* reading (the editor's drawing:
  deletions struck through, additions raised) or a *clean* one (struck-out words vanish,
  with a small ⟦⟧ where they were; additions read as plain text; supplied words keep
  their brackets);
* the **Differences** dock: the variant table of :mod:`editor.align.variants`, sortable,
  filterable by kind and hand, searchable; choosing a row selects the place in both panes;
* an **overview bar** beside the panes: a heat map of how much each paragraph differs,
  with a tick per difference; clicking it goes there;
* the **Figures** dock: differences by kind, by hand and by paragraph, drawn as bars;
* the **Guide** dock: a glossary for first-year students and the legend.

Hiding words never touches the model: a clean reading gives the struck-out words a
zero-size, transparent character format in the pane's highlighter, so the texts, the
offsets and every annotation stay exactly as they are.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (QAction, QActionGroup, QBrush, QColor, QFont, QPainter, QPen, QTextCharFormat, QTextCursor)
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QLabel, QScrollArea, QToolBar,
    QToolTip, QWidget)

from editor.align.variants import (KIND_LABELS, ParagraphVariance, Variant, choose_pair,
    counts, variance_by_paragraph, variant_table)
from editor.errors import VariorumError
from editor.formats.readings import is_orphaned, substitution_split
from editor.ui import style
from editor.ui.glossary import GuideView
from editor.ui.witness_view import AnnotationHighlighter
from editor.ui.study_widgets import FiguresChart, OverviewBar, VariantTable
from editor.ui.richtext import escape, shorten
from editor.ui.actions import make_action

STUDY_SHORTCUT = "Ctrl+Alt+S"

#: pixels kept open where struck-out words vanished, for the ⟦⟧ drawn there
ELISION_GAP = 13

#: layer -> (menu text, annotation kinds whose marks it shows)
LAYERS = {
    "deletions": ("Deletions", ("deletion",)),
    "additions": ("Additions", ("addition",)),
    "supplied": ("Supplied Words", ("supplied",)),
    "notes": ("Notes", ("note", "remark")),
}

#: marks the clean reading does not draw: their words read as plain text (additions,
#: variants) or vanish (deletions, the struck-out part of a substitution)
CLEAN_HIDDEN = frozenset({"deletion", "addition", "substitution", "variant", "remark"})

#: texts longer than this (both witnesses) wait for the window's alignment instead of
#: being aligned on the interface thread
SYNC_ALIGN_LIMIT = 60_000

# ======================================================================================
# the clean reading: a highlighter that lets struck-out words vanish


def _vanishing_format(gap: int = 0) -> QTextCharFormat:
    """Zero-size, transparent characters: laid out with no width (``gap`` pixels after
    each, for the first character of a hidden passage), drawn as nothing."""
    fmt = QTextCharFormat()
    fmt.setFontPointSize(0.01)
    fmt.setForeground(QBrush(Qt.GlobalColor.transparent))
    fmt.setFontStrikeOut(False)
    fmt.setFontUnderline(False)
    if gap:
        fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
        fmt.setFontLetterSpacing(gap)
    return fmt


class CleanReadingHighlighter(AnnotationHighlighter):
    """The pane's own highlighter, plus the clean reading: after the usual formats, the
    ranges :meth:`StudyMode.vanished` gives are made to vanish."""

    VANISH = None
    GAP = None

    def __init__(self, pane, study: "StudyMode"):
        self.study = study
        if CleanReadingHighlighter.VANISH is None:
            CleanReadingHighlighter.VANISH = _vanishing_format()
            CleanReadingHighlighter.GAP = _vanishing_format(ELISION_GAP)
        super().__init__(pane)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().highlightBlock(text)
        if not (self.study.active and self.study.reading == "clean"):
            return
        pane = self.pane
        block = self.currentBlock()
        qt_start = block.position()
        cp_start = pane.pmap.to_model(qt_start)
        cp_end = cp_start + len(text)
        ranges = self.study.vanished(pane.witness_id)
        i = max(0, bisect.bisect_right(ranges, (cp_start, cp_start)) - 1)
        for s, e in ranges[i:]:
            if s >= cp_end + 1:
                break
            lo, hi = max(s, cp_start), min(e, cp_end)
            if hi <= lo:
                continue
            u_lo = pane.pmap.to_qt(lo) - qt_start
            u_hi = pane.pmap.to_qt(hi) - qt_start
            self.setFormat(u_lo, u_hi - u_lo, self.VANISH)
            if lo == s:          # where the passage begins, room for its ⟦⟧
                self.setFormat(u_lo, 1, self.GAP)


class ElisionMarks(QWidget):
    """Drawn over a pane's text in the clean reading: a small ⟦⟧ where struck-out words
    vanished (hover it to read them).  A child of the text widget laid exactly over its
    viewport, so it is not scrolled with the viewport's contents."""

    def __init__(self, pane, study: "StudyMode"):
        super().__init__(pane.editor)
        self.pane = pane
        self.study = study
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        pane.editor.viewport().installEventFilter(self)
        pane.editor.updateRequest.connect(lambda *_: self.update())
        self.setGeometry(pane.editor.viewport().geometry())

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.pane.editor.viewport().geometry())
        elif event.type() == QEvent.Type.ToolTip and self.isVisible():
            hit = self._mark_at(event.pos())
            if hit is not None:
                s, e = hit
                text = self.pane.edition.witnesses[self.pane.witness_id].text[s:e]
                QToolTip.showText(event.globalPos(),
                                  f"<b>Struck out here</b> (hidden in the clean reading):"
                                  f"<br>“{escape(shorten(text, 200))}”", self.pane.editor)
                return True
        return False

    def marks(self) -> list[tuple[QRectF, tuple[int, int]]]:
        """The visible marks: (rectangle in viewport pixels, vanished range)."""
        pane = self.pane
        if not pane.witness_id or not (self.study.active and self.study.reading == "clean"):
            return []
        edit = pane.editor
        first = edit.cursorForPosition(self.rect().topLeft()).position()
        last = edit.cursorForPosition(self.rect().bottomRight()).position()
        lo, hi = pane.pmap.to_model(first), pane.pmap.to_model(last) + 1
        ranges = self.study.vanished(pane.witness_id)
        length = edit.document().characterCount() - 1
        out = []
        for s, e in ranges[max(0, bisect.bisect_left(ranges, (lo, lo)) - 1):]:
            if s > hi:
                break
            if e < lo:
                continue
            cursor = QTextCursor(edit.document())
            cursor.setPosition(min(pane.pmap.to_qt(s), length))
            caret = edit.cursorRect(cursor)
            # the mark sits in the gap the first hidden character keeps open
            height = caret.height()
            out.append((QRectF(caret.left() + 2, caret.top() + height * 0.22,
                               ELISION_GAP - 4, height * 0.56), (s, e)))
        return out

    def _mark_at(self, pos):
        for rect, rng in self.marks():
            if rect.adjusted(-3, -3, 3, 3).contains(QPointF(pos)):
                return rng
        return None

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        marks = self.marks()
        if not marks:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(style.DELETION_COLOUR)
        colour.setAlpha(190)
        painter.setPen(QPen(colour, 1.1))
        for rect, _rng in marks:
            # a small ⟦⟧, drawn (fonts may lack the glyph): two square brackets, doubled
            for x, side in ((rect.left(), 1), (rect.right(), -1)):
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
                painter.drawLine(QPointF(x + 1.6 * side, rect.top()),
                                 QPointF(x + 1.6 * side, rect.bottom()))
                painter.drawLine(QPointF(x, rect.top()), QPointF(x + 2.8 * side, rect.top()))
                painter.drawLine(QPointF(x, rect.bottom()),
                                 QPointF(x + 2.8 * side, rect.bottom()))
        painter.end()


class StudyMode(QObject):
    """Study mode's state and wiring (``window.features["study_mode"]``)."""

    #: entered (True) or left (False)
    toggled = Signal(bool)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.active = False
        self.reading = "diplomatic"
        self.layers = {key: True for key in LAYERS}
        self.versions = "both"
        self.variants: list[Variant] = []
        self.pair: tuple[str, str] | None = None
        self._saved: dict = {}
        self._start_pending = False
        self._vanished: dict[str, list[tuple[int, int]]] = {}
        self._highlighters: dict[int, object] = {}
        self._overlays: dict[int, ElisionMarks] = {}

        self._build_docks()
        self._build_overview()
        self._build_actions()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh_variants)

        window.aligner.aligned.connect(self._aligned)
        window.editionShown.connect(self._edition_shown)
        self.doc.changed.connect(self._doc_changed)
        self.doc.reset.connect(self._vanished.clear)
        window.act_third.toggled.connect(lambda _on: self.active and self._apply_all())
        window.act_rejected.toggled.connect(lambda _on: self._rejected_toggled())
        for pane in window.panes[:2]:
            pane.witnessChosen.connect(lambda *_: self.active and self._witness_changed())
        window.panes[0].scrolled.connect(lambda _p: self._update_view_frame())
        window.enter_study_mode = self.enter
        window.leave_study_mode = self.leave

    # ------------------------------------------------------------------ construction
    def _build_docks(self) -> None:
        w = self.window
        self.table = VariantTable()
        self.table.variantChosen.connect(self.go_to_variant)
        self.table_dock = self._dock("Variant Table", self.table,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.figures = FiguresChart()
        self.figures.paragraphChosen.connect(self.go_to_paragraph)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.figures)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.figures_dock = self._dock("Figures", scroll, Qt.DockWidgetArea.RightDockWidgetArea)
        self.guide = GuideView()
        self.guide_dock = self._dock("Guide", self.guide, Qt.DockWidgetArea.RightDockWidgetArea)
        for dock in (self.table_dock, self.figures_dock, self.guide_dock):
            dock.hide()
        del w

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(f"Study{title.replace(' ', '')}Dock")
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        return dock

    def _build_overview(self) -> None:
        """The overview bar goes right of the panes, inside the central widget."""
        w = self.window
        self.overview = OverviewBar()
        self.overview.paragraphChosen.connect(self._overview_clicked)
        self.overview.hide()
        central = w.centralWidget()
        layout = central.layout() if central is not None else None
        index = layout.indexOf(w.splitter) if layout is not None else -1
        if index < 0:         # an unexpected layout: a narrow dock will do
            self.overview_dock = self._dock("Overview", self.overview,
                                            Qt.DockWidgetArea.LeftDockWidgetArea)
            self.overview_dock.hide()
            return
        self.overview_dock = None
        stretch = layout.stretch(index)
        layout.removeWidget(w.splitter)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(w.splitter, 1)
        row.addWidget(self.overview)
        layout.insertLayout(index, row, stretch or 1)

    def _build_actions(self) -> None:
        w = self.window
        menu = w.menu("study", "&Study")
        self.menu = menu

        def action(text, slot=None, key=None, tip="", checkable=False, checked=False,
                   group=None):
            return make_action(w, text, slot, key, tip, checkable, checked, group=group)

        self.act_study = action("Study &Mode", self.set_active, STUDY_SHORTCUT,
                                "Read and compare the versions without changing anything",
                                checkable=True)
        menu.addAction(self.act_study)
        menu.addSeparator()

        versions = menu.addMenu("&Versions")
        self.version_group = QActionGroup(w)
        self.version_group.setExclusive(True)
        self.version_actions = {}
        for key, text, tip in (("a", "First Version Only", "Show only the left version"),
                               ("both", "Both Side by Side", "Show both versions"),
                               ("b", "Second Version Only", "Show only the right version")):
            act = action(text, tip=tip, checkable=True, checked=key == "both",
                         group=self.version_group)
            act.toggled.connect(lambda on, k=key: on and self.set_versions(k))
            self.version_actions[key] = act
            versions.addAction(act)

        self.layer_actions = {}
        layers = menu.addMenu("&Show Marks")
        for key, (text, _kinds) in LAYERS.items():
            act = action(text, lambda on, k=key: self.set_layer(k, on),
                         tip=f"Show or hide the marks of {text.lower()}", checkable=True,
                         checked=True)
            self.layer_actions[key] = act
            layers.addAction(act)

        reading = menu.addMenu("&Reading")
        self.reading_group = QActionGroup(w)
        self.reading_group.setExclusive(True)
        self.act_diplomatic = action(
            "&Diplomatic", tip="The page with its changes: deletions struck through, additions "
                               "raised", checkable=True, checked=True, group=self.reading_group)
        self.act_clean = action(
            "&Clean", tip="The text as finally meant: struck-out words left out, additions in "
                          "place, supplied words in brackets", checkable=True,
            group=self.reading_group)
        self.act_diplomatic.toggled.connect(lambda on: on and self.set_reading("diplomatic"))
        self.act_clean.toggled.connect(lambda on: on and self.set_reading("clean"))
        reading.addAction(self.act_diplomatic)
        reading.addAction(self.act_clean)
        menu.addSeparator()
        for dock in (self.table_dock, self.figures_dock, self.guide_dock):
            menu.addAction(dock.toggleViewAction())
        self.act_overview = action("&Overview Bar", lambda on: self.overview.setVisible(
            on and self.active), tip="The map of differences beside the panes",
            checkable=True, checked=True)
        menu.addAction(self.act_overview)

        # the toolbar shown in study mode
        bar = QToolBar("Study")
        bar.setObjectName("StudyToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addWidget(_bar_label("Versions:"))
        for key in ("a", "both", "b"):
            bar.addAction(self.version_actions[key])
        bar.addSeparator()
        bar.addWidget(_bar_label("Show:"))
        for act in self.layer_actions.values():
            bar.addAction(act)
        bar.addSeparator()
        bar.addWidget(_bar_label("Reading:"))
        bar.addAction(self.act_diplomatic)
        bar.addAction(self.act_clean)
        bar.addSeparator()
        self.act_leave = action("Leave Study Mode", lambda: self.set_active(False),
                                tip="Back to editing")
        bar.addAction(self.act_leave)
        w.addToolBar(bar)
        bar.hide()
        self.toolbar = bar
        # (the docks' own show/hide actions too: outside study mode they have nothing
        # to show)
        self.study_actions = [*self.version_actions.values(), *self.layer_actions.values(),
                              self.act_diplomatic, self.act_clean, self.act_leave,
                              self.act_overview,
                              *(d.toggleViewAction() for d in (self.table_dock, self.figures_dock,
                                                               self.guide_dock))]
        for act in self.study_actions:
            act.setEnabled(False)

    # ------------------------------------------------------------------ entering and leaving
    def set_active(self, on: bool) -> None:
        if on:
            self.enter()
        else:
            self.leave()

    def enter(self) -> None:
        """Enter study mode (``window.enter_study_mode``; also ``variorum --study``)."""
        if self.active:
            return
        w = self.window
        inspector = w.inspector
        inspector.show_annotation(inspector.annotation)     # keep a note being typed
        self._saved = {
            "read_only": self.doc.read_only,
            "hidden_kinds": set(w.options.hidden_kinds),
            "reading": getattr(w.options, "reading", "diplomatic"),
            "mark_toolbar": w.mark_toolbar.isVisible(),
            # other features' docks and toolbars are editing tools: out of the way
            "docks": {d: d.isVisible() for d in w.findChildren(QDockWidget)
                      if d not in self._own_docks() and d is not w.inspector_dock},
            "toolbars": {t: t.isVisible() for t in w.findChildren(QToolBar)
                         if t is not self.toolbar},
            "corner": w.corner(Qt.Corner.BottomRightCorner),
            "enabled": {act: act.isEnabled() for act in self._editing_actions()},
        }
        self.active = True
        self._start_pending = True       # the first refresh shows the difference in view
        self._set_checked(self.act_study, True)
        if w.find_bar.isVisible():
            w.find_bar.open(replace=False)
        for bar in self._saved["toolbars"]:
            bar.hide()
        self.toolbar.show()
        for act in self.study_actions:
            act.setEnabled(True)
        self._apply_read_only()
        self._show_docks()
        self._apply_all()
        self.refresh_variants()
        w.statusBar().showMessage("Study mode: nothing can be changed. Choose a row of the "
                                  f"Differences table, or leave with {STUDY_SHORTCUT}.", 8000)
        self.toggled.emit(True)

    def leave(self) -> None:
        if not self.active:
            return
        w = self.window
        saved = self._saved
        self.active = False
        self._set_checked(self.act_study, False)
        self.doc.read_only = saved.get("read_only", False)
        for act, enabled in saved.get("enabled", {}).items():
            act.setEnabled(enabled)
        w.act_undo.setEnabled(self.doc.undo_stack.canUndo())
        w.act_redo.setEnabled(self.doc.undo_stack.canRedo())
        for pane in w.panes:
            pane.editor.setReadOnly(self.doc.read_only or not pane.witness_id)
            pane.setVisible(True)
            self._restore_highlighter(pane)
        w.options.hidden_kinds.clear()
        w.options.hidden_kinds.update(saved.get("hidden_kinds", set()))
        w.options.reading = saved.get("reading", "diplomatic")
        for pane in w.panes:
            pane.counterpart = None
            pane.refresh_all()
        self._restore_pane_differences()
        w.mark_toolbar.setVisible(saved.get("mark_toolbar", True))
        for bar, visible in saved.get("toolbars", {}).items():
            bar.setVisible(visible)
        self.toolbar.hide()
        for act in self.study_actions:
            act.setEnabled(False)
        for dock in self._own_docks():
            dock.hide()
        for dock, visible in saved.get("docks", {}).items():
            dock.setVisible(visible)
        if "corner" in saved:
            w.setCorner(Qt.Corner.BottomRightCorner, saved["corner"])
        w.inspector_dock.raise_()
        self.overview.hide()
        if self.overview_dock is not None:
            self.overview_dock.hide()
        w.inspector.show_annotation(w.inspector.annotation)
        self.doc.fileStateChanged.emit()          # the title loses "(read-only)"
        self._saved = {}
        self.toggled.emit(False)

    def _own_docks(self) -> list[QDockWidget]:
        docks = [self.table_dock, self.figures_dock, self.guide_dock]
        return docks + ([self.overview_dock] if self.overview_dock is not None else [])

    def _editing_actions(self) -> list[QAction]:
        w = self.window
        acts = list(w.mark_actions.values())
        for name in ("act_delete_annotation", "act_replace", "act_undo", "act_redo"):
            act = getattr(w, name, None)
            if act is not None:
                acts.append(act)
        return acts

    def _apply_read_only(self) -> None:
        """Everything that could change the edition is off (again, after an edition was
        opened while studying: opening resets the document's read-only flag)."""
        w = self.window
        self.doc.read_only = True
        for act in self._editing_actions():
            act.setEnabled(False)
        for pane in w.panes:
            pane.editor.setReadOnly(True)
        w.mark_toolbar.hide()
        w.inspector.show_annotation(w.inspector.annotation)
        self.doc.fileStateChanged.emit()          # the title says "(read-only)"

    def _show_docks(self) -> None:
        w = self.window
        for dock in self._saved.get("docks", {}):
            dock.hide()
        self.table_dock.show()
        self.figures_dock.show()
        self.guide_dock.show()
        # the right column runs down to the status bar, the table under the panes only;
        # in it the figures (with the inspector behind them) above, the guide below
        w.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        inspector_hidden = w.inspector_dock.isHidden()
        right = Qt.DockWidgetArea.RightDockWidgetArea
        w.addDockWidget(right, self.figures_dock)     # (again: out of any old tab group)
        w.addDockWidget(right, self.guide_dock)
        w.splitDockWidget(self.figures_dock, self.guide_dock, Qt.Orientation.Vertical)
        w.tabifyDockWidget(self.figures_dock, w.inspector_dock)
        self.figures_dock.show()
        self.guide_dock.show()
        w.inspector_dock.setHidden(inspector_hidden)
        self.figures_dock.raise_()
        self._size_docks()
        QTimer.singleShot(0, self._size_docks)    # again once the window has its size
        if self.overview_dock is not None:
            self.overview_dock.setVisible(self.act_overview.isChecked())
        self.overview.setVisible(self.act_overview.isChecked())

    def _size_docks(self) -> None:
        """The table a quarter of the window high; the figures as tall as they need, the
        guide the rest."""
        w = self.window
        if not self.active:
            return
        w.resizeDocks([self.table_dock], [max(200, w.height() // 4)], Qt.Orientation.Vertical)
        w.resizeDocks([self.figures_dock], [360], Qt.Orientation.Horizontal)
        figures = min(self.figures.sizeHint().height() + 8, int(w.height() * 0.5))
        w.resizeDocks([self.figures_dock, self.guide_dock], [figures, w.height() - figures],
                      Qt.Orientation.Vertical)

    @staticmethod
    def _set_checked(act: QAction, on: bool) -> None:
        act.blockSignals(True)
        act.setChecked(on)
        act.blockSignals(False)

    # ------------------------------------------------------------------ layers
    def set_versions(self, which: str) -> None:
        """``"a"`` (the left pane's version only), ``"b"`` (the right one's) or ``"both"``."""
        self.versions = which
        self._set_checked(self.version_actions[which], True)
        if self.active:
            self._apply_versions()

    def set_layer(self, layer: str, on: bool) -> None:
        """Show (``on``) or hide the marks of one layer (see :data:`LAYERS`)."""
        self.layers[layer] = on
        self._set_checked(self.layer_actions[layer], on)
        if self.active:
            self._apply_layers()

    def set_reading(self, reading: str) -> None:
        """``"diplomatic"`` or ``"clean"``."""
        if reading not in ("diplomatic", "clean"):
            raise ValueError(f"unknown reading {reading!r}")
        self.reading = reading
        self._set_checked(self.act_clean if reading == "clean" else self.act_diplomatic, True)
        if self.active:
            self._apply_layers()

    def hidden_kinds(self) -> set[str]:
        """The kinds whose marks are not drawn, given the layers and the reading."""
        hidden = set(self._saved.get("hidden_kinds", set()))
        for key, on in self.layers.items():
            if not on:
                hidden.update(LAYERS[key][1])
        if not self.layers["deletions"] and not self.layers["additions"]:
            hidden.add("substitution")
        if self.reading == "clean":
            hidden |= CLEAN_HIDDEN
        return hidden

    def _apply_all(self) -> None:
        self._apply_versions()
        self._apply_layers()
        if self.active:
            for pane in self.window.panes:
                pane.editor.setReadOnly(True)

    def _apply_versions(self) -> None:
        panes = self.window.panes
        if len(panes) < 2:
            return
        panes[0].setVisible(self.versions in ("a", "both"))
        panes[1].setVisible(self.versions in ("b", "both"))
        for pane in panes[2:]:
            pane.setVisible(self.versions == "both")
        self._name_versions()

    def _name_versions(self) -> None:
        panes = self.window.panes
        edition = self.doc.edition
        for key, pane in (("a", panes[0]), ("b", panes[1])):
            witness = edition.witnesses.get(pane.witness_id)
            label = (witness.label or witness.id) if witness else "One Version"
            self.version_actions[key].setText(f"{label} Only")

    def _apply_layers(self) -> None:
        w = self.window
        hidden = self.hidden_kinds()
        w.options.hidden_kinds.clear()
        w.options.hidden_kinds.update(hidden)
        w.options.reading = self.reading
        clean = self.reading == "clean"
        for key in ("deletions", "additions"):
            self.layer_actions[key].setEnabled(self.active and not clean)
            self.layer_actions[key].setToolTip(
                "In the clean reading these marks are not drawn" if clean
                else f"Show or hide the marks of {key}")
        self._vanished.clear()
        for pane in w.panes:
            self._install_highlighter(pane)
            pane.refresh_all()
            overlay = self._overlays.get(id(pane))
            if overlay is not None:
                overlay.setVisible(self.active and clean)
                overlay.raise_()
                overlay.update()

    def _install_highlighter(self, pane) -> None:
        if isinstance(pane.highlighter, CleanReadingHighlighter):
            return
        self._highlighters[id(pane)] = pane.highlighter
        pane.highlighter.setDocument(None)
        pane.highlighter = CleanReadingHighlighter(pane, self)
        if id(pane) not in self._overlays:
            self._overlays[id(pane)] = ElisionMarks(pane, self)
            pane.destroyed.connect(lambda *_a, key=id(pane): self._overlays.pop(key, None))

    def _restore_highlighter(self, pane) -> None:
        ours = pane.highlighter
        original = self._highlighters.pop(id(pane), None)
        if not isinstance(ours, CleanReadingHighlighter) or original is None:
            return
        ours.setDocument(None)
        original.setDocument(pane.editor.document())
        pane.highlighter = original
        overlay = self._overlays.get(id(pane))
        if overlay is not None:
            overlay.hide()

    def vanished(self, witness_id: str) -> list[tuple[int, int]]:
        """Ranges of ``witness_id`` the clean reading hides, sorted and disjoint (code
        points): deletions and the struck-out part of substitutions, each with one space
        beside it where hiding it would leave two, or a space before punctuation."""
        cached = self._vanished.get(witness_id)
        if cached is not None:
            return cached
        edition = self.doc.edition
        witness = edition.witnesses.get(witness_id)
        if witness is None:
            return []
        text = witness.text
        show_rejected = self.window.options.show_rejected
        ranges = []
        for ann in edition.annotations_of(witness_id):
            if ann.kind not in ("deletion", "substitution") or is_orphaned(ann):
                continue
            if ann.status == "rejected" and not show_rejected:
                continue
            start = max(0, min(ann.start, len(text)))
            end = max(start, min(ann.end if ann.kind == "deletion"
                                 else ann.start + substitution_split(ann), len(text)))
            if end > start:
                ranges.append((start, end))
        merged: list[tuple[int, int]] = []
        for s, e in sorted(ranges):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        tidy = []
        for s, e in merged:
            before = text[s - 1] if s > 0 else "\n"
            after = text[e] if e < len(text) else "\n"
            if before == " " and after in " \n,.;:!?)]»”’…":
                s -= 1
            elif after == " " and before in " \n([«“‘":
                e += 1
            tidy.append((s, e))
        self._vanished[witness_id] = tidy
        return tidy

    # ------------------------------------------------------------------ the variants
    def _pair(self) -> tuple[str, str]:
        panes = self.window.panes
        a, b = panes[0].witness_id, panes[1].witness_id
        if a and b and a != b:
            return a, b
        return choose_pair(self.doc.edition)

    def refresh_variants(self) -> None:
        """Recompute the variant table of the two panes' versions and show it in the
        table, the overview and the figures."""
        self._refresh_timer.stop()
        if not self.active:
            return
        edition = self.doc.edition
        try:
            pair = self._pair()
        except VariorumError as exc:
            self._show_variants([], None, str(exc))
            return
        aligner = self.window.aligner
        alignment = aligner.alignment if aligner.alignment is not None and \
            set(aligner.pair or ()) == set(pair) else None
        if alignment is None and \
                len(edition.text(pair[0])) + len(edition.text(pair[1])) > SYNC_ALIGN_LIMIT:
            self._show_variants([], pair, "Aligning the versions…")
            return                          # the aligner's signal brings us back
        try:
            variants = variant_table(edition, pair, alignment,
                                     include_rejected=self.window.options.show_rejected)
        except VariorumError as exc:
            self._show_variants([], pair, str(exc))
            return
        self._show_variants(variants, pair)

    def _show_variants(self, variants: list[Variant], pair, message: str = "") -> None:
        self.variants = variants
        self.pair = pair
        edition = self.doc.edition
        labels = {w.id: w.label or w.id for w in edition.witnesses.values()}
        hand_labels = {h: edition.hand_label(h) for h in edition.hands}
        for v in variants:
            for h in v.hands:
                hand_labels.setdefault(h, h)
        current = self.table.current()
        self.table.set_variants(variants, pair or ("", ""), labels, hand_labels)
        if current is not None:        # the same place stays current (without moving)
            self.table.keep_current(current)
        if message:
            self.table.summary.setText(message)
        first = pair[0] if pair else ""
        text = edition.text(first) if first in edition.witnesses else ""
        rows = variance_by_paragraph(text, variants, first) if first else []
        self.overview.set_data(len(text), rows, variants, first)
        self.figures.set_figures(counts(variants), hand_labels, len(rows))
        self._name_versions()
        self._show_differences_in_panes()
        self._update_view_frame()
        if variants and self._start_pending:
            self._start_pending = False
            self._select_first_in_view()

    def _show_differences_in_panes(self) -> None:
        """The panes highlight the table's places (slid to the marks' edges), so that
        what is highlighted and what is listed agree."""
        if not self.pair:
            return
        for pane in self.window.panes:
            if pane.witness_id in self.pair:
                pane.differences = sorted(v.ranges[pane.witness_id] for v in self.variants)
                pane.editor.viewport().update()

    def _restore_pane_differences(self) -> None:
        """The alignment's differences, as the window shows them outside study mode."""
        alignment = self.window.aligner.alignment
        for pane in self.window.panes:
            pane.differences = []
            if alignment is not None:
                if pane.witness_id == alignment.a:
                    pane.differences = [(d.a_start, d.a_end) for d in alignment.differences]
                elif pane.witness_id == alignment.b:
                    pane.differences = [(d.b_start, d.b_end) for d in alignment.differences]
            pane.editor.viewport().update()

    def _select_first_in_view(self) -> None:
        """Make current the first difference at or after the top of the first pane (so
        that the arrow keys walk through the table from where the reader is)."""
        pane = self.window.panes[0]
        top = pane.top_position() if pane.witness_id == self.pair[0] else 0
        first = next((v for v in self.variants if v.ranges[self.pair[0]][1] >= top),
                     self.variants[0])
        self.choose_variant(first)

    def _aligned(self, *_args) -> None:
        if self.active:
            self.refresh_variants()

    def _doc_changed(self, change, _undo, _origin) -> None:
        self._vanished.clear()
        if self.active:
            self._refresh_timer.start()

    def _edition_shown(self) -> None:
        self._vanished.clear()
        if self.active:
            self._apply_read_only()
            self._apply_all()
            self.refresh_variants()

    def _rejected_toggled(self) -> None:
        """Rejected marks shown or not: they count, or not, in the table and the reading."""
        self._vanished.clear()
        if self.active:
            self._apply_layers()
            self.refresh_variants()

    def _witness_changed(self) -> None:
        self._vanished.clear()
        self._apply_all()
        self.refresh_variants()

    # ------------------------------------------------------------------ going places
    def go_to_variant(self, variant: Variant) -> None:
        """Select the variant's range in every pane showing one of its versions (a point
        where a version lacks the words is marked with a bar)."""
        w = self.window
        for pane in w.panes:
            rng = variant.ranges.get(pane.witness_id)
            if rng is None:
                continue
            start, end = rng
            pane.select_range(start, end)
            if self.reading == "clean" and any(
                    s <= start and end <= e for s, e in self.vanished(pane.witness_id)):
                pane.counterpart = (start, start)   # hidden words: a bar at their place
            else:
                pane.counterpart = (start, end)
            pane.editor.viewport().update()
        w.statusBar().showMessage(
            f"{variant.number}. {KIND_LABELS.get(variant.kind, variant.kind)}: "
            + " | ".join(f"{wid}: “{shorten(r, 50)}”" if r.strip() else f"{wid}: —"
                         for wid, r in variant.readings.items()), 8000)
        self._update_view_frame()

    def choose_variant(self, variant: Variant) -> None:
        """Go to ``variant`` through the table (its row becomes current)."""
        if not self.table.select_variant(variant):
            self.go_to_variant(variant)

    def go_to_paragraph(self, number: int) -> None:
        """The first difference of paragraph ``number`` (1-based, first version)."""
        for v in self.variants:
            if v.paragraph == number:
                self.choose_variant(v)
                return

    def _overview_clicked(self, row: ParagraphVariance) -> None:
        if row.first is not None:
            self.choose_variant(row.first)
            return
        pane = self.window.panes[0]
        pane.select_range(row.start, row.start)
        self._update_view_frame()

    def _update_view_frame(self) -> None:
        if not self.active or not self.overview.isVisible():
            return
        pane = self.window.panes[0]
        length = max(1, len(self.doc.edition.text(pane.witness_id))
                     if pane.witness_id in self.doc.edition.witnesses else 1)
        edit = pane.editor
        viewport = edit.viewport().rect()
        top = pane.pmap.to_model(edit.cursorForPosition(viewport.topLeft()).position())
        bottom = pane.pmap.to_model(edit.cursorForPosition(viewport.bottomRight()).position())
        self.overview.set_view(min(1.0, top / length), min(1.0, bottom / length))


def _bar_label(text: str) -> QLabel:
    label = QLabel(f" {text} ")
    label.setStyleSheet("color:#555")
    return label


def install(window) -> StudyMode:
    """Add study mode to ``window`` (see the module documentation)."""
    return StudyMode(window)
