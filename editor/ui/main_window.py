"""The main window: all signal wiring lives here.

Widgets emit requests (a row chosen, a pane clicked); the window turns them into model
operations on the :class:`~editor.ui.document.EditionDocument`, whose change signals the
views follow.
"""

from __future__ import annotations

import importlib
import os

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QInputDialog, QLabel,
                               QMainWindow, QMessageBox, QProgressBar, QSplitter, QToolBar,
                               QVBoxLayout, QWidget)

from editor.errors import VariorumError
from editor.formats import native
from editor.formats.registry import EXPORTERS, IMPORTERS, ExportOptions, detect_format, importer
from editor.model import operations as ops
from editor.model.annotation import Span
from editor.model.kinds import KINDS, spec
from editor.model.text import is_word_char
from editor.ui import background, settings
from editor.ui.actions import make_action
from editor.ui.alignment_controller import AlignmentController
from editor.ui.annotation_list import AnnotationList
from editor.ui.background import Cancelled
from editor.ui.document import EditionDocument
from editor.ui.inspector import Inspector
from editor.ui.witness_view import ViewOptions, WitnessPane

APP_NAME = "Variorum"

#: the shortcut of each kind; the README lists them (tests check they match)
KIND_SHORTCUTS = {
    "addition": "Ctrl+1",
    "deletion": "Ctrl+2",
    "substitution": "Ctrl+3",
    "supplied": "Ctrl+4",
    "sic": "Ctrl+5",
    "unclear": "Ctrl+6",
    "gap": "Ctrl+7",
    "note": "Ctrl+8",
    "variant": "Ctrl+9",
    "expansion": "Ctrl+0",
    "remark": "Ctrl+Shift+0",
}

XML_FILTER = "Variorum editions (*.xml *.variorum.xml);;All files (*)"

#: modules of ``editor.ui`` that add a feature to the window through ``install(window)``
#: (docks, menus, modes); a module not built yet is skipped
FEATURES = ("reanchor_panel", "review_mode", "study_mode", "facsimile_view", "safety")


class MainWindow(QMainWindow):
    #: emitted after an edition was opened, created or reloaded
    editionShown = Signal()
    #: a file was opened (its path) / saved (its path) / the window is closing
    fileOpened = Signal(str)
    fileSaved = Signal(str)
    closing = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.resize(1500, 950)
        self.doc = EditionDocument(self)
        self.options = ViewOptions()
        self.options.show_rejected = settings.flag("view/show_rejected", False)
        self.sync_scrolling = True
        self._syncing = False
        self.last_pane: WitnessPane | None = None

        # -- panes -----------------------------------------------------------------------
        self.panes: list[WitnessPane] = []
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for _ in range(2):
            self._add_pane()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.splitter, 1)
        from editor.ui.find_bar import FindBar
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        layout.addWidget(self.find_bar)
        self.setCentralWidget(central)

        # -- docks ----------------------------------------------------------------------------
        self.inspector = Inspector(self.doc)
        self.inspector.user_id_provider = self.user_id
        self.inspector_dock = self._dock("Inspector", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.inspector.setMinimumWidth(300)
        self.annotation_list = AnnotationList(self.doc)
        self.list_dock = self._dock("Annotations", self.annotation_list,
                                    Qt.DockWidgetArea.BottomDockWidgetArea)

        self.aligner = AlignmentController(self.doc, self)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.statusBar().addPermanentWidget(self.progress)
        self.position_label = QLabel()
        self.statusBar().addPermanentWidget(self.position_label)

        self._build_actions()
        self._wire()
        self.features = {}
        for name in FEATURES:
            try:
                module = importlib.import_module(f"editor.ui.{name}")
            except ModuleNotFoundError as exc:
                if exc.name == f"editor.ui.{name}":
                    continue
                raise
            self.features[name] = module.install(self)
        self.show_edition()

    # ------------------------------------------------------------------ construction
    def _add_pane(self) -> WitnessPane:
        pane = WitnessPane(self.doc, self.options, self)
        pane.user_id_provider = self.user_id
        self.panes.append(pane)
        self.splitter.addWidget(pane)
        pane.cursorMoved.connect(self._cursor_moved)
        pane.clicked.connect(self._pane_clicked)
        pane.scrolled.connect(self._pane_scrolled)
        pane.witnessChosen.connect(lambda *_: self._panes_rearranged())
        return pane

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "") + "Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text: str, slot, shortcut=None, tip: str = "", checkable=False,
                checked=False) -> QAction:
        return make_action(self, text, slot, shortcut, tip, checkable, checked)

    def _build_actions(self) -> None:
        bar = self.menuBar()
        S = QKeySequence.StandardKey
        self.menus = {}
        # File
        m = bar.addMenu("&File")
        self.menus["file"] = m
        self.act_new = self._action("&New", self.new_edition, S.New, "Start a new edition")
        self.act_open = self._action("&Open…", self.open_dialog, S.Open, "Open an edition")
        self.act_save = self._action("&Save", self.save, S.Save, "Save the edition")
        self.act_save_as = self._action("Save &As…", self.save_as, S.SaveAs,
                                        "Save the edition under another name")
        m.addAction(self.act_new)
        m.addAction(self.act_open)
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addSeparator()
        m.addAction(self.act_save)
        m.addAction(self.act_save_as)
        m.addSeparator()
        import_menu = m.addMenu("&Import")
        for name, (_mod, _fn, desc) in IMPORTERS.items():
            if name == "native":
                continue
            import_menu.addAction(self._action(f"{desc[0].upper()}{desc[1:]}…",
                                               lambda n=name: self.import_dialog(n)))
        export_menu = m.addMenu("&Export")
        self.export_actions = {}
        for name, (_mod, _fn, desc) in EXPORTERS.items():
            act = self._action(f"{name}: {desc}…", lambda n=name: self.export_dialog(n))
            export_menu.addAction(act)
            self.export_actions[name] = act
        m.addSeparator()
        self.act_metadata = self._action("Edition &Metadata…", self.edit_metadata, "Ctrl+Shift+M",
                                         "Title, date, source, translator, witnesses, hands")
        m.addAction(self.act_metadata)
        m.addSeparator()
        m.addAction(self._action("&Quit", self.close, S.Quit, "Quit Variorum"))

        # Edit
        m = bar.addMenu("&Edit")
        self.menus["edit"] = m
        self.act_undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts([QKeySequence(S.Undo)])
        self.act_redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        redo_keys = [QKeySequence(S.Redo)]
        for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):
            if QKeySequence(extra) not in redo_keys:
                redo_keys.append(QKeySequence(extra))
        self.act_redo.setShortcuts(redo_keys)
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        m.addAction(self.act_undo)
        m.addAction(self.act_redo)
        m.addSeparator()
        self.act_find = self._action("&Find…", lambda: self.find_bar.open(replace=False), S.Find,
                                     "Find in both versions (regular expressions allowed)")
        self.act_replace = self._action("Find and &Replace…",
                                        lambda: self.find_bar.open(replace=True), "Ctrl+H",
                                        "Find and replace in both versions")
        self.act_find_next = self._action("Find &Next", lambda: self.find_bar.find(1), S.FindNext)
        self.act_find_prev = self._action("Find Pre&vious", lambda: self.find_bar.find(-1),
                                          S.FindPrevious)
        for a in (self.act_find, self.act_replace, self.act_find_next, self.act_find_prev):
            m.addAction(a)
        m.addSeparator()
        self.act_delete_annotation = self._action(
            "&Delete Annotation", self.delete_current_annotation, "Ctrl+Shift+Backspace",
            "Delete the annotation shown in the inspector")
        m.addAction(self.act_delete_annotation)
        m.addSeparator()
        m.addAction(self._action("Your &Name and Initials…", self.ask_identity,
                                 tip="Who you are: recorded on every annotation you make"))

        # Mark
        m = bar.addMenu("&Mark")
        self.menus["mark"] = m
        self.mark_toolbar = QToolBar("Mark")
        self.mark_toolbar.setObjectName("MarkToolbar")
        self.mark_toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.mark_toolbar)
        self.mark_actions: dict[str, QAction] = {}
        for kind, shortcut in KIND_SHORTCUTS.items():
            label = spec(kind).label
            act = self._action(f"{label}", lambda k=kind: self.mark(k), shortcut,
                               f"Mark the selection as {label.lower()}: "
                               f"{spec(kind).description}")
            self.mark_actions[kind] = act
            m.addAction(act)
            if kind != "remark":
                self.mark_toolbar.addAction(act)
        self.mark_toolbar.addSeparator()
        self.act_legend = self._action("Legend", self.show_legend, "F1",
                                       "What each mark looks like and means")
        self.mark_toolbar.addAction(self.act_legend)

        # View
        m = bar.addMenu("&View")
        self.menus["view"] = m
        self.act_sync = self._action("&Scroll Together", self._toggle_sync, "Ctrl+Shift+L",
                                     "Keep aligned passages level in both panes",
                                     checkable=True, checked=True)
        self.act_differences = self._action("Show &Differences", self._toggle_differences,
                                            "Ctrl+Shift+D",
                                            "Highlight the words one version lacks or reads "
                                            "differently", checkable=True, checked=True)
        self.act_rejected = self._action("Show &Rejected Annotations", self._toggle_rejected,
                                         tip="Draw rejected annotations in the panes",
                                         checkable=True, checked=self.options.show_rejected)
        self.act_third = self._action("&Third Pane", self._toggle_third_pane, "Ctrl+Shift+3",
                                      "Show a third version", checkable=True)
        for a in (self.act_sync, self.act_differences, self.act_rejected, self.act_third):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.inspector_dock.toggleViewAction())
        m.addAction(self.list_dock.toggleViewAction())
        self.view_menu = m
        m.addSeparator()
        self.act_bigger = self._action("Larger Text", lambda: self._zoom(1), S.ZoomIn)
        self.act_smaller = self._action("Smaller Text", lambda: self._zoom(-1), S.ZoomOut)
        m.addAction(self.act_bigger)
        m.addAction(self.act_smaller)

        # Help
        m = bar.addMenu("&Help")
        self.menus["help"] = m
        m.addAction(self._action("&Legend", self.show_legend))
        m.addAction(self._action("&Keyboard Shortcuts", self.show_shortcuts))
        m.addAction(self._action("&About Variorum", self.show_about))

    def _wire(self) -> None:
        doc = self.doc
        doc.fileStateChanged.connect(self._update_title)
        doc.reset.connect(self._panes_rearranged)
        self.annotation_list.annotationActivated.connect(self.go_to_annotation)
        self.inspector.deleteRequested.connect(lambda aid: self.delete_annotation(aid))
        self.inspector.counterpartRequested.connect(self.set_counterpart_from_selection)
        self.aligner.aligned.connect(self._aligned)
        self.aligner.busy.connect(self._busy)
        doc.changed.connect(self._doc_changed)

    def menu(self, key: str, title: str):
        """The menu ``key`` (file, edit, mark, view, help, or a new one, added before Help)."""
        if key not in self.menus:
            menu = self.menuBar().addMenu(title)
            self.menuBar().insertMenu(self.menus["help"].menuAction(), menu)
            self.menus[key] = menu
        return self.menus[key]

    # ------------------------------------------------------------------ identity
    def user_id(self) -> str:
        """The person id of the user in this edition, declared when first needed."""
        name, initials = settings.user_identity()
        if not name:
            return ""
        for person in self.doc.edition.people.values():
            if person.name == name:
                return person.id
        return ""

    def ensure_user(self) -> str:
        """The user's person id, asking who they are the first time; declares them in the
        edition as part of the caller's undo step (returns the change to combine)."""
        name, initials = settings.user_identity()
        if not name:
            self.ask_identity()
            name, initials = settings.user_identity()
        return name

    def ask_identity(self) -> None:
        name, initials = settings.user_identity()
        new_name, ok = QInputDialog.getText(
            self, "Who are you?", "Your name (recorded on every annotation you make):",
            text=name)
        if not ok or not new_name.strip():
            return
        guess = initials or "".join(part[0] for part in new_name.split() if part).upper()
        new_initials, ok = QInputDialog.getText(self, "Your initials", "Your initials:",
                                                text=guess)
        settings.set_user_identity(new_name.strip(), (new_initials or guess).strip())

    def declare_user(self) -> tuple[str, ops.Change | None]:
        """The user's id and, if they were not yet in the edition, the change declaring them."""
        name = self.ensure_user()
        if not name:
            return "", None
        pid = self.user_id()
        if pid:
            return pid, None
        _name, initials = settings.user_identity()
        holder = {}

        def declare(edition):
            holder["id"] = edition.person_for(name, "editor", initials).id
        change = ops.update_header(self.doc.edition, declare, "Declare editor")
        return holder["id"], change

    # ------------------------------------------------------------------ showing an edition
    def show_edition(self) -> None:
        edition = self.doc.edition
        ids = list(edition.witnesses)
        preferred = [w for w in ("typed", "handwritten") if w in ids]
        order = preferred + [w for w in ids if w not in preferred]
        for i, pane in enumerate(self.panes):
            wanted = order[i % len(order)] if order else ""
            if wanted != pane.witness_id:      # the document reset already loaded the others
                pane.set_witness(wanted)
        self._panes_rearranged()
        self._update_title()
        self.editionShown.emit()

    def _panes_rearranged(self) -> None:
        if len(self.panes) >= 2 and self.panes[0].witness_id and self.panes[1].witness_id:
            self.aligner.set_pair(self.panes[0].witness_id, self.panes[1].witness_id)

    def _aligned(self, a: str, b: str, alignment) -> None:
        for pane in self.panes:
            pane.differences = []
        if alignment is not None:
            diffs = alignment.differences
            for pane in self.panes:
                if pane.witness_id == a:
                    pane.differences = sorted((d.a_start, d.a_end) for d in diffs)
                elif pane.witness_id == b:
                    pane.differences = sorted((d.b_start, d.b_end) for d in diffs)
        for pane in self.panes:
            pane.editor.viewport().update()

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        if busy:
            self.statusBar().showMessage("Aligning the versions…")
        else:
            self.statusBar().clearMessage()

    def _update_title(self) -> None:
        doc = self.doc
        title = doc.edition.metadata.title
        name = doc.display_name
        suffix = " (read-only)" if doc.read_only else ""
        self.setWindowTitle(f"{name}[*]{suffix} — {title + ' — ' if title else ''}{APP_NAME}")
        self.setWindowModified(doc.modified)

    def _doc_changed(self, change, undo, origin) -> None:
        if change.header_changed:
            self._update_title()
        current = self.inspector.annotation_id
        if current and current not in self.doc.edition.annotations:
            self._set_current(None)          # it was deleted (or its creation undone)
        elif current:
            self._set_current(self.doc.edition.annotations[current])

    # ------------------------------------------------------------------ panes and cursor
    def active_pane(self) -> WitnessPane:
        for pane in self.panes:
            if pane.editor.hasFocus():
                return pane
        return self.last_pane or self.panes[0]

    def other_pane(self, pane: WitnessPane) -> WitnessPane | None:
        for other in self.panes:
            if other is not pane and other.isVisible() and other.witness_id != pane.witness_id:
                return other
        return None

    def _pane_clicked(self, pane: WitnessPane) -> None:
        self.last_pane = pane
        self._show_counterpart(pane)

    def _cursor_moved(self, pane: WitnessPane) -> None:
        if pane.editor.hasFocus() or self.last_pane is None:
            self.last_pane = pane
        if pane is not self.last_pane:
            return
        position = pane.cursor_position()
        start, end = pane.selection()
        self.position_label.setText(f"{pane.witness_id}: {position}"
                                    + (f" ({end - start} selected)" if end > start else ""))
        found = pane.annotations_at(position) if start == end else \
            [a for a in pane.annotations_at(start) if a.start <= start and a.end >= end]
        current = None
        if found:
            # the innermost (shortest) annotation at the cursor
            current = min(found, key=lambda a: (a.end - a.start, a.id))
        elif self.inspector.annotation is not None and \
                self.inspector.annotation.witness != pane.witness_id:
            current = None
        self._set_current(current)

    def _set_current(self, annotation) -> None:
        for pane in self.panes:
            old = pane.current
            pane.current = annotation if annotation is not None and \
                annotation.witness == pane.witness_id else None
            if old is not pane.current:
                pane.editor.viewport().update()
        shown = self.inspector.annotation_id
        wanted = annotation.id if annotation is not None else ""
        if wanted != shown:
            self.inspector.show_annotation(annotation)
            if annotation is not None:
                self.annotation_list.select_annotation(annotation.id)

    def _show_counterpart(self, pane: WitnessPane) -> None:
        """Highlight, in the other pane, the counterpart of the word clicked in ``pane``."""
        alignment = self.aligner.alignment
        other = self.other_pane(pane)
        for p in self.panes:
            if p.counterpart is not None:
                p.counterpart = None
                p.editor.viewport().update()
        if alignment is None or other is None:
            return
        side = "a" if pane.witness_id == alignment.a else "b" if pane.witness_id == alignment.b \
            else None
        if side is None or other.witness_id not in (alignment.a, alignment.b):
            return
        start, end = pane.selection()
        if start == end:
            start, end = self._word_at(pane, start)
        if end <= start:
            return
        cs, ce = alignment.counterpart(side, start, end)
        other.counterpart = (cs, ce)
        other.editor.viewport().update()
        if not self._visible_in(other, cs):
            self._sync_from(pane)

    @staticmethod
    def _word_at(pane: WitnessPane, position: int) -> tuple[int, int]:
        text = pane.edition.witnesses[pane.witness_id].text
        start = end = min(position, len(text))
        while start > 0 and is_word_char(text[start - 1]):
            start -= 1
        while end < len(text) and is_word_char(text[end]):
            end += 1
        return start, end

    @staticmethod
    def _visible_in(pane: WitnessPane, position: int) -> bool:
        start, end = pane._visible_range()
        return start <= position <= end

    def _pane_scrolled(self, pane: WitnessPane) -> None:
        if self.sync_scrolling and not self._syncing:
            self._sync_from(pane)

    def _sync_from(self, pane: WitnessPane) -> None:
        """Scroll the other panes so that the passage aligned with ``pane``'s top is level."""
        alignment = self.aligner.alignment
        if alignment is None:
            return
        side = "a" if pane.witness_id == alignment.a else "b" if pane.witness_id == alignment.b \
            else None
        if side is None:
            return
        top = pane.top_position()
        target, _ = alignment.counterpart(side, top, top)
        self._syncing = True
        try:
            for other in self.panes:
                if other is not pane and other.witness_id in (alignment.a, alignment.b) \
                        and other.witness_id != pane.witness_id:
                    other.scroll_to_position(target)
        finally:
            self._syncing = False

    def _toggle_sync(self, on: bool) -> None:
        self.sync_scrolling = on
        if on:
            self._sync_from(self.active_pane())

    def _toggle_differences(self, on: bool) -> None:
        self.options.show_differences = on
        for pane in self.panes:
            pane.editor.viewport().update()

    def _toggle_rejected(self, on: bool) -> None:
        self.options.show_rejected = on
        settings.set_value("view/show_rejected", on)
        for pane in self.panes:
            pane.refresh_all()

    def _toggle_third_pane(self, on: bool) -> None:
        if on and len(self.panes) < 3:
            pane = self._add_pane()
            ids = list(self.doc.edition.witnesses)
            shown = {p.witness_id for p in self.panes[:2]}
            pane.set_witness(next((w for w in ids if w not in shown), ids[0] if ids else ""))
        elif not on and len(self.panes) > 2:
            pane = self.panes.pop()
            pane.setParent(None)
            pane.deleteLater()

    def _zoom(self, step: int) -> None:
        for pane in self.panes:
            font = pane.editor.font()
            font.setPointSize(max(7, min(32, font.pointSize() + step)))
            pane.editor.setFont(font)

    # ------------------------------------------------------------------ marking
    def mark(self, kind: str) -> None:
        """Mark the selection in the active pane as ``kind`` (one undoable step)."""
        if self.doc.read_only:
            self.statusBar().showMessage("This edition is open read-only.", 4000)
            return
        pane = self.active_pane()
        if not pane.witness_id:
            return
        start, end = pane.selection()
        if start == end and not KINDS[kind].point_ok:
            self.statusBar().showMessage(f"Select the words to mark as "
                                         f"{spec(kind).label.lower()} first.", 5000)
            return
        who, declared = self.declare_user()
        attrs: dict[str, str] = {}
        counterpart = None
        if kind == "note":
            attrs["type"] = "editor"
        elif kind == "substitution":
            text = pane.edition.witnesses[pane.witness_id].text[start:end]
            first_space = text.find(" ")
            attrs["split"] = str(first_space if first_space > 0 else 0)
        elif kind == "variant":
            counterpart = self._counterpart_span(pane, start, end)
        try:
            change = ops.add_annotation(self.doc.edition, pane.witness_id, start, end, kind, attrs,
                                        who=who, counterpart=counterpart)
        except ValueError as exc:
            self.statusBar().showMessage(str(exc), 6000)
            return
        if declared is not None:
            change = ops.combine([declared, change], change.description)
        self.doc.push(change)
        new_id = next(aid for aid, after in change.after.items()
                      if after is not None and change.before.get(aid) is None
                      and aid in self.doc.edition.annotations)
        annotation = self.doc.edition.annotations[new_id]
        self._set_current(annotation)
        self.statusBar().showMessage(f"Marked {spec(kind).label.lower()}: "
                                     f"“{self.doc.edition.quote(annotation)[:60]}”", 4000)
        if kind == "note":
            self.inspector_dock.show()
            self.inspector.note.setFocus()

    def _counterpart_span(self, pane: WitnessPane, start: int, end: int) -> Span | None:
        alignment = self.aligner.alignment
        other = self.other_pane(pane)
        if alignment is None or other is None:
            return None
        side = "a" if pane.witness_id == alignment.a else "b" if pane.witness_id == alignment.b \
            else None
        if side is None:
            return None
        cs, ce = alignment.counterpart(side, start, end)
        return Span(other.witness_id, cs, ce)

    def set_counterpart_from_selection(self, annotation_id: str) -> None:
        ann = self.doc.edition.annotations.get(annotation_id)
        if ann is None:
            return
        other = next((p for p in self.panes if p.witness_id != ann.witness), None)
        if other is None:
            return
        start, end = other.selection()
        self.doc.push(ops.update_annotation(self.doc.edition, annotation_id, who=self.user_id(),
                                            counterpart=Span(other.witness_id, start, end)))

    def delete_current_annotation(self) -> None:
        ann = self.inspector.annotation
        if ann is None:
            self.statusBar().showMessage("No annotation is shown in the inspector.", 4000)
            return
        self.delete_annotation(ann.id)

    def delete_annotation(self, annotation_id: str) -> None:
        if self.doc.read_only or annotation_id not in self.doc.edition.annotations:
            return
        self.doc.push(ops.remove_annotations(self.doc.edition, [annotation_id]))
        self._set_current(None)

    def go_to_annotation(self, annotation_id: str) -> None:
        """Select an annotation's range in a pane showing its witness (and its counterpart)."""
        ann = self.doc.edition.annotations.get(annotation_id)
        if ann is None:
            return
        pane = next((p for p in self.panes if p.witness_id == ann.witness), None)
        if pane is None:
            pane = self.panes[0] if ann.witness != self.panes[1].witness_id else self.panes[1]
            pane.set_witness(ann.witness)
            self._panes_rearranged()
        self.last_pane = pane
        pane.select_range(ann.start, ann.end)
        self._set_current(ann)
        cp = ann.counterpart
        other = self.other_pane(pane)
        if other is not None:
            if cp is not None and cp.witness == other.witness_id:
                other.counterpart = (cp.start, cp.end)
                other.select_range(cp.start, cp.end)
            else:
                self._show_counterpart(pane)
            other.editor.viewport().update()

    # ------------------------------------------------------------------ files
    def confirm_discard(self) -> bool:
        """Ask what to do with unsaved changes; True when it is fine to go on."""
        if not self.doc.modified:
            return True
        answer = self.question(
            f"Save the changes to {self.doc.display_name} first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_edition(self) -> None:
        if not self.confirm_discard():
            return
        self.doc.read_only = False
        self.doc.replace_edition(EditionDocument.blank_edition())
        self.show_edition()

    def open_dialog(self) -> None:
        if not self.confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open edition", self._last_folder(),
                                              XML_FILTER)
        if path:
            self.open_path(path, confirm=False)

    def open_path(self, path: str, confirm: bool = True) -> bool:
        """Open an edition (or import another format); errors are shown, nothing is lost."""
        if confirm and not self.confirm_discard():
            return False
        path = os.path.abspath(path)
        try:
            fmt = detect_format(path)
            if fmt == "native":
                from editor.io.filestamp import FileStamp
                stamp = FileStamp.of(path)
                result = self._heavy(f"Opening {os.path.basename(path)}…", path, native.load,
                                     path)
                edition, problems = result.edition, result.problems
                shown_path = path
            else:
                answer = self.question(
                    f"{os.path.basename(path)} is not a Variorum edition but looks like "
                    f"{IMPORTERS[fmt][2]}. Import it as a new edition?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.Yes)
                if answer != QMessageBox.StandardButton.Yes:
                    return False
                result = self._heavy(f"Importing {os.path.basename(path)}…", path,
                                     importer(fmt), path)
                edition, problems, shown_path, stamp = result.edition, result.report, "", None
        except Cancelled:
            self.statusBar().showMessage(f"Opening {os.path.basename(path)} was cancelled", 5000)
            return False
        except VariorumError as exc:
            self.show_error(f"Could not open {os.path.basename(path)}", str(exc))
            return False
        except OSError as exc:
            self.show_error(f"Could not open {os.path.basename(path)}", exc.strerror or str(exc))
            return False
        self.doc.read_only = False
        self.doc.replace_edition(edition, shown_path, stamp)
        if shown_path:
            settings.add_recent_file(shown_path)
        self.show_edition()
        if shown_path:
            self.fileOpened.emit(shown_path)
        if problems:
            self.show_problems(problems, f"Opened {os.path.basename(path)} with "
                                         f"{len(problems)} problem(s)")
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def _heavy(self, label: str, path: str, function, *args):
        """Run ``function(*args)`` off the interface thread when ``path`` is large."""
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        if size > background.FILE_THRESHOLD:
            return background.run_with_progress(self, label, function, *args)
        return function(*args)

    def save(self) -> bool:
        if not self.doc.path:
            return self.save_as()
        return self.save_to(self.doc.path)

    def save_as(self) -> bool:
        start = self.doc.path or os.path.join(self._last_folder(), "edition.variorum.xml")
        path, _ = QFileDialog.getSaveFileName(self, "Save edition as", start, XML_FILTER)
        if not path:
            return False
        return self.save_to(path, new_name=True)

    def save_to(self, path: str, new_name: bool = False) -> bool:
        """Save atomically; refuse to overwrite a file changed on disk since it was opened."""
        from editor.io.filestamp import FileStamp
        path = os.path.abspath(path)
        if not new_name and self.doc.stamp is not None and os.path.exists(path) \
                and self.doc.stamp.changed(path):
            answer = self.question(
                f"{os.path.basename(path)} was changed on disk by another program since you "
                "opened it. Overwrite it with your version?\n\nChoose Save As to keep both.",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel, warning=True)
            if answer != QMessageBox.StandardButton.Save:
                return False
        try:
            if len(self.doc.edition.annotations) > background.ANNOTATION_THRESHOLD:
                background.run_with_progress(self, f"Saving {os.path.basename(path)}…",
                                             native.save, self.doc.edition, path)
            else:
                native.save(self.doc.edition, path)
        except Cancelled:
            self.statusBar().showMessage("Saving was cancelled; the file on disk is unchanged",
                                         8000)
            return False
        except VariorumError as exc:
            self.show_error("The edition was not saved", str(exc))
            return False
        self.doc.mark_saved(path, FileStamp.of(path))
        settings.add_recent_file(path)
        self.fileSaved.emit(path)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def import_dialog(self, fmt: str) -> None:
        if not self.confirm_discard():
            return
        if fmt == "texts":
            paths, _ = QFileDialog.getOpenFileNames(
                self, "Choose the plain transcriptions (typed first, then handwritten)",
                self._last_folder(), "Text files (*.txt);;All files (*)")
            if not paths:
                return
            names = ["typed", "handwritten"] + [f"witness-{i}" for i in range(3, len(paths) + 1)]
            try:
                result = importer("texts")(paths=list(zip(names, paths)))
            except VariorumError as exc:
                self.show_error("Import failed", str(exc))
                return
        else:
            path, _ = QFileDialog.getOpenFileName(self, f"Import {IMPORTERS[fmt][2]}",
                                                  self._last_folder(),
                                                  "All files (*);;Text (*.txt);;XML (*.xml)")
            if not path:
                return
            try:
                result = self._heavy(f"Importing {os.path.basename(path)}…", path,
                                     importer(fmt), path)
            except Cancelled:
                return
            except VariorumError as exc:
                self.show_error("Import failed", str(exc))
                return
        self.doc.read_only = False
        self.doc.replace_edition(result.edition)
        self.show_edition()
        self.doc.undo_stack.resetClean()   # an import is unsaved work
        if result.report:
            self.show_problems(result.report, f"Imported with {len(result.report)} note(s)")

    def export_dialog(self, fmt: str) -> None:
        suffix = {"text": "txt", "brackets": "txt", "jsonld": "jsonld", "html": "html",
                  "pdf": "pdf"}.get(fmt, "xml")
        base = os.path.splitext(self.doc.path or "edition")[0].replace(".variorum", "")
        path, _ = QFileDialog.getSaveFileName(self, f"Export as {fmt}", f"{base}.{fmt}.{suffix}")
        if path:
            self.export_to(fmt, path)

    def export_to(self, fmt: str, path: str, options: ExportOptions | None = None) -> bool:
        from editor.formats.registry import exporter
        from editor.io.atomic import atomic_write_bytes
        pane = self.active_pane()
        options = options or ExportOptions(
            witness=pane.witness_id if fmt in ("text",) else None,
            witnesses=[p.witness_id for p in self.panes], base_path=path)
        try:
            data = exporter(fmt)(self.doc.edition, options)
            atomic_write_bytes(path, data, backup=False)
        except VariorumError as exc:
            self.show_error(f"Export to {fmt} failed", str(exc))
            return False
        self.statusBar().showMessage(f"Exported {path}", 5000)
        return True

    def edit_metadata(self) -> None:
        from editor.ui.metadata_dialog import MetadataDialog
        dialog = MetadataDialog(self.doc.edition, self, read_only=self.doc.read_only)
        if dialog.exec() and not self.doc.read_only:
            change = ops.update_header(self.doc.edition, dialog.apply_to, "Edit metadata")
            self.doc.push(change)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = settings.recent_files()
        if not files:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for path in files:
            self.recent_menu.addAction(path, lambda p=path: self.open_path(p))

    def _last_folder(self) -> str:
        if self.doc.path:
            return os.path.dirname(self.doc.path)
        files = settings.recent_files()
        return os.path.dirname(files[0]) if files else os.path.expanduser("~")

    # ------------------------------------------------------------------ messages
    def question(self, text: str, buttons, default, warning: bool = False):
        """Ask the user (tests replace this method to answer for them)."""
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question
        box = QMessageBox(icon, APP_NAME, text, buttons, self)
        box.setDefaultButton(default)
        return QMessageBox.StandardButton(box.exec())

    def show_error(self, title: str, message: str) -> None:
        self.statusBar().showMessage(f"{title}: {message}", 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, title, QMessageBox.StandardButton.Ok,
                          self)
        box.setInformativeText(message)
        box.setObjectName("errorBox")
        if QApplication.platformName() == "offscreen" and os.environ.get("VARIORUM_NO_MODAL"):
            self.last_error = (title, message)
            return
        self.last_error = (title, message)
        box.exec()

    def show_problems(self, problems, title: str) -> None:
        lines = [str(p) for p in problems[:40]]
        if len(problems) > 40:
            lines.append(f"… and {len(problems) - 40} more")
        self.last_problems = problems
        self.statusBar().showMessage(title, 10000)
        if QApplication.platformName() == "offscreen" and os.environ.get("VARIORUM_NO_MODAL"):
            return
        box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, title,
                          QMessageBox.StandardButton.Ok, self)
        box.setDetailedText("\n".join(lines))
        box.exec()

    def show_legend(self) -> None:
        from editor.ui.legend import LegendDialog
        LegendDialog(self).show()

    def show_shortcuts(self) -> None:
        rows = [f"<tr><td>{spec(k).label}</td><td><b>{s}</b></td></tr>"
                for k, s in KIND_SHORTCUTS.items()]
        QMessageBox.information(self, "Keyboard shortcuts",
                                "<table>" + "".join(rows) + "</table><p>See the README for "
                                "all shortcuts.</p>")

    def show_about(self) -> None:
        from editor import __version__
        QMessageBox.about(self, "About Variorum",
                          f"<b>Variorum {__version__}</b><p>An editor for documentary "
                          "editions: typed and handwritten versions side by side, standoff "
                          "annotations saved as TEI P5.</p>")

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.confirm_discard():
            self.aligner.cancel()
            self.closing.emit()
            event.accept()
        else:
            event.ignore()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1500, 950)
