"""Review of what moved: the "Moved annotations" dock and Edit ▸ Replace Witness Text….

**The dock** lists every annotation of the edition whose ``anchoring`` is set: *fuzzy*
ones (placed on the best match for their old words, to be checked) and *orphaned* ones
(their words are gone; collapsed to their last place, keeping their last quote).  For each
it shows the old words, with the old text around them when this session's re-anchoring
report knows it, and where the annotation is now (for a fuzzy one: the words it covers and
its score).  Choosing a row shows the annotation in its pane (an orphan: the cursor at its
last place).  Three decisions, each one undo step, by button or key:

* **Accept the new place** (Ctrl+Shift+Return): ``operations.settle_anchoring``.  For an
  orphan only when its kind may be a point (a note, a gap): other marks must cover words.
* **Use the selection** (Ctrl+Shift+P): select the right words in the pane showing the
  annotation's witness, then ``operations.update_annotation(start=, end=)``.
* **Delete** (Delete in the list): ``operations.remove_annotations``.

F8 / Shift+F8 step through the list from anywhere in the window.  The list follows every
``doc.changed`` and ``doc.reset``; a permanent button in the status bar says how many
annotations await review and opens the dock.  When a file is opened with annotations to
review (re-anchored on load by ``native.from_tree``/``repair_on_load``, or saved as such),
the dock opens by itself and the status bar says how many.

**Replacing a witness's text** (:meth:`ReanchorFeature.replace_witness_text`, behind the
Edit menu's action, which chooses a witness and a text file or the clipboard) runs
:func:`editor.anchor.reanchor.reanchor`, pushes its change as one undo step and opens the
dock with the report's counts.

Why the work runs in a worker thread, on a private deep copy of the edition, every time:

* ``reanchor`` mutates the edition it is given, in its last phase, and the views read
  the live edition whenever they paint.  Mutating the live edition from another thread
  would let a pane paint half-applied annotations; so the worker never touches it.  It
  copies it (``copy.deepcopy``, about 1 s of processor time for 50,000 annotations, so the
  copy is made in the worker too) and re-anchors the copy.
* While the worker runs, a window-modal, cancellable ``QProgressDialog`` keeps the user
  from editing, and a local event loop keeps the window painting: the interface thread
  only polls the worker's counters every 40 ms.  The worker is pure Python (diff,
  ``match_main``, scoring), so it gives the interpreter lock back every few milliseconds.
* Size does not predict cost: two unrelated 19,000-character texts take diff-match-patch
  seconds to compare (measured 4.7 s), so even a short text is not run on the interface
  thread; for the sample's edition the copy costs about a millisecond.
* Cancelling stops the worker (``should_stop``) and returns at once: the copy is thrown
  away, the edition was never touched.
* The result is adopted on the interface thread, in one go, only if nothing changed the
  edition meanwhile (no ``doc.changed``/``doc.reset`` since the copy, the same edition
  object, the same old text): the change is then replayed on the live edition with
  ``operations.redo``, which checks the old text once more, and pushed as one undo step.
  Otherwise nothing is changed and the user is told to try again.  The person recorded
  in the history is declared in the copy and then, identically, in the live edition
  (``person_for`` is deterministic on equal people).
* The cyclic garbage collector is paused while the job runs (and resumed after): with two
  copies of a large edition in memory its full passes stopped every thread, the
  interface's included, for up to a third of a second at a time.  The objects made are
  freed by reference counting; whatever cycles remain are collected afterwards.

Measured (2-core machine, busy; a 10 ms timer on the interface thread): with 50,000
annotations in a 600,000-character witness the worker takes 3 to 5 s while the timer's
gaps stay at 20 ms (95th percentile), 180 ms at worst (during the copy); adopting the
result takes 1.4 s of processor time on the interface thread, half ``operations.redo``
(a deep copy per field of every shifted annotation), half the views redrawing.  With
5,000 annotations in 60,000 characters: 66 ms at worst while working, 0.12 s to adopt.

Positions are code points, half-open ``[start, end)``, as everywhere in the model; the
panes convert to Qt's units.
"""

from __future__ import annotations

import copy
import gc
import html
import os
import threading
from itertools import chain

from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QEventLoop, QModelIndex,
                            QObject, Qt, QTimer, Signal)
from PySide6.QtGui import QAction, QBrush, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox,
                               QDockWidget, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QProgressDialog, QPushButton,
                               QRadioButton, QSplitter, QTableView, QTextBrowser, QToolButton,
                               QVBoxLayout, QWidget)

from editor.anchor.reanchor import REPORT_CONTEXT, reanchor
from editor.anchor.report import AnchorResult, ReanchorReport
from editor.errors import VariorumError
from editor.io.textfile import read_text_file
from editor.model import operations as ops
from editor.model.annotation import Annotation
from editor.model.edition import Edition
from editor.model.kinds import spec
from editor.model.text import normalise_newlines
from editor.ui import settings
from editor.ui.tables import make_list_table

#: the keys of this feature (the README lists them)
SHORTCUTS = {
    "replace": "Ctrl+Shift+T",
    "accept": "Ctrl+Shift+Return",
    "use_selection": "Ctrl+Shift+P",      # (Ctrl+Shift+U starts Unicode input on Linux)
    "next": "F8",
    "previous": "Shift+F8",
    "delete": "Del",          # in the dock's list only (Delete is a text key elsewhere)
}

#: code points of text shown on each side of an annotation in the details
CONTEXT = 40
#: how often the interface thread looks at the worker (milliseconds)
POLL_MS = 40
#: the progress dialog appears only when the work lasts longer than this (milliseconds)
SHOW_PROGRESS_AFTER_MS = 400

COLUMNS = ("State", "Kind", "Version", "Was", "Now", "Score")
ID_ROLE = Qt.ItemDataRole.UserRole + 1

ORPHAN_COLOUR = QColor("#b00020")
FUZZY_COLOUR = QColor("#a15c00")


def needs_review(annotation: Annotation) -> bool:
    """A fuzzy or orphaned annotation (its ``anchoring`` is set)."""
    return annotation.anchoring is not None


def flagged_annotations(edition: Edition) -> list[Annotation]:
    """Every annotation awaiting review of its place, in document order."""
    order = {w: i for i, w in enumerate(edition.witnesses)}
    found = [a for a in edition.annotations.values() if a.anchoring is not None]
    found.sort(key=lambda a: (order.get(a.witness, len(order)), a.start, -a.end, a.id))
    return found


def text_for_witness(text: str, old_text: str) -> str:
    """``text`` normalised for the model, without the final line break most editors add
    when the witness has none (as ``variorum apply-text`` does)."""
    text = normalise_newlines(text)
    if text.endswith("\n") and not old_text.endswith("\n"):
        text = text[:-1]
    return text


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def review_counts(edition: Edition) -> tuple[int, int]:
    """(fuzzy, orphaned) annotations of the edition."""
    fuzzy = orphaned = 0
    for ann in edition.annotations.values():
        if ann.anchoring is not None:
            if ann.anchoring.state == "orphaned":
                orphaned += 1
            else:
                fuzzy += 1
    return fuzzy, orphaned


def describe_counts(fuzzy: int, orphaned: int) -> str:
    """``3 annotations need review (2 fuzzy, 1 orphaned)``."""
    total = fuzzy + orphaned
    verb = "needs" if total == 1 else "need"
    return f"{_plural(total, 'annotation')} {verb} review ({fuzzy} fuzzy, {orphaned} orphaned)"


# ======================================================================================
# the work, off the interface thread


class ReanchorJob:
    """Re-anchors a private deep copy of an edition in a worker thread.

    The live edition is only read (by the copy, at the start).  The interface thread
    polls ``phase``, ``done`` and ``total`` (plain attributes: each assignment is atomic)
    and, once ``finished`` is set, takes ``report`` (whose change applies to an edition
    equal to the one copied), ``error`` or ``cancelled``.
    """

    def __init__(self, edition: Edition, witness_id: str, text: str, who: str = "",
                 declare: tuple[str, str] | None = None):
        self._source = edition
        self.witness_id = witness_id
        self.text = text
        self.who = who
        self.declare = declare            # (name, initials) of a person to declare first
        self.phase = "copying"            # copying, comparing, placing, done
        self.done = 0
        self.total = 0
        self.report: ReanchorReport | None = None
        self.error: BaseException | None = None
        self.cancelled = False
        self.generation = 0               # the document's change count when it was copied
        self.stop = threading.Event()
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="variorum-reanchor",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)

    def _progress(self, done: int, total: int) -> None:
        self.phase = "placing"
        self.done, self.total = done, total

    def _run(self) -> None:
        try:
            scratch = copy.deepcopy(self._source)
            self._source = None           # the live edition is not needed any more
            if self.stop.is_set():
                raise InterruptedError("re-anchoring cancelled")
            if self.declare is not None:
                # the same person the interface will declare in the live edition
                name, initials = self.declare
                self.who = scratch.person_for(name, "editor", initials).id
            self.phase = "comparing"
            self.report = reanchor(scratch, self.witness_id, self.text, who=self.who,
                                   progress=self._progress, should_stop=self.stop.is_set)
            self.phase = "done"
        except InterruptedError:
            self.cancelled = True
        except BaseException as exc:      # reported on the interface thread
            self.error = exc
        finally:
            self.finished.set()


# ======================================================================================
# the list


class MovedModel(QAbstractTableModel):
    """The fuzzy and orphaned annotations of the edition, in document order."""

    def __init__(self, feature: "ReanchorFeature", parent=None):
        super().__init__(parent)
        self.feature = feature
        self.ids: list[str] = []
        self.id_set: set[str] = set()

    @property
    def edition(self) -> Edition:
        return self.feature.doc.edition

    def reload(self) -> None:
        self.beginResetModel()
        self.ids = [a.id for a in flagged_annotations(self.edition)]
        self.id_set = set(self.ids)
        self.endResetModel()

    def touch_all(self) -> None:
        """Redraw every row (the text moved under them)."""
        if self.ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def annotation(self, row: int) -> Annotation | None:
        if 0 <= row < len(self.ids):
            return self.edition.annotations.get(self.ids[row])
        return None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        ann = self.annotation(index.row())
        if ann is None or ann.anchoring is None:
            return None
        column = index.column()
        orphaned = ann.anchoring.state == "orphaned"
        if role == ID_ROLE:
            return ann.id
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QBrush(ORPHAN_COLOUR if orphaned else FUZZY_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            result = self.feature.result_for(ann)
            note = f" ({result.note})" if result is not None and result.note else ""
            if orphaned:
                return (f"Orphaned{note}: its words “{_short(ann.anchoring.quote, 200)}” are "
                        "gone. Select the right words and Use Selection, or Delete.")
            return (f"Fuzzy, score {ann.anchoring.score:.2f}{note}: placed on the best match "
                    "for its old words. Accept the new place, pick other words, or Delete.")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        edition = self.edition
        if column == 0:
            return ann.anchoring.state
        if column == 1:
            return spec(ann.kind).label
        if column == 2:
            witness = edition.witnesses.get(ann.witness)
            return witness.label if witness else ann.witness
        if column == 3:
            return _short(ann.anchoring.quote, 60) or "(point)"
        if column == 4:
            if orphaned:
                return f"— (words gone; last place {ann.start})"
            words = edition.quote(ann)
            return _short(words, 60) if words else f"(point at {ann.start})"
        if column == 5:
            return "" if orphaned else f"{ann.anchoring.score:.2f}"
        return None


def _must_cover(kind: str) -> str:
    return f"A mark of this kind ({spec(kind).label.lower()}) must cover words"


def _short(text: str, limit: int) -> str:
    text = text.replace("\n", " ⏎ ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _context_html(before: str, words: str, after: str, mark: str, width: int) -> str:
    """``…before [words] after…`` as HTML, the words shown in the style ``mark``.  A
    context of ``width`` code points was cut: it starts and ends at a word boundary."""
    if len(before) >= width and " " in before:
        before = before[before.index(" ") + 1:]
    if len(after) >= width and " " in after:
        after = after[:after.rindex(" ")]

    def plain(s: str) -> str:
        return html.escape(s).replace("\n", "<span style='color:#999'>⏎</span>")
    middle = f"<span style='{mark}'>{plain(words)}</span>" if words else \
        "<span style='color:#b00020;font-weight:bold'>‸</span>"
    return (f"<span style='color:#555'>…{plain(before)}</span>{middle}"
            f"<span style='color:#555'>{plain(after)}…</span>")


class MovedPanel(QWidget):
    """The dock's contents: what the last replacement did, the list, the details of the
    chosen annotation, and the three decisions."""

    def __init__(self, feature: "ReanchorFeature", parent=None):
        super().__init__(parent)
        self.feature = feature
        self.summary = QLabel()
        self.summary.setObjectName("reanchorSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = MovedModel(feature, self)
        self.table = QTableView()
        self.table.setObjectName("movedTable")
        self.table.setModel(self.model)
        make_list_table(self.table)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 70), (1, 90), (2, 90), (5, 50)):
            self.table.setColumnWidth(column, width)
        self.details = QTextBrowser()
        self.details.setObjectName("movedDetails")
        self.details.setOpenLinks(False)
        self.details.setMinimumWidth(260)

        self.show_button = QPushButton("Show")
        self.accept_button = QPushButton("Accept New Place")
        self.use_button = QPushButton("Use Selection")
        self.delete_button = QPushButton("Delete")
        self.show_button.setToolTip("Show it in its pane and put the cursor there (Return)")
        self.accept_button.setToolTip(f"Keep it where it is now and clear the flag "
                                      f"({SHORTCUTS['accept']})")
        self.use_button.setToolTip(f"Place it on the words selected in its pane "
                                   f"({SHORTCUTS['use_selection']})")
        self.delete_button.setToolTip("Delete the annotation (Delete)")
        buttons = QHBoxLayout()
        for button in (self.show_button, self.accept_button, self.use_button,
                       self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.details, 1)
        right_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)

        self.show_button.clicked.connect(lambda: feature.show_current(focus_pane=True))
        self.accept_button.clicked.connect(feature.accept_current)
        self.use_button.clicked.connect(feature.use_selection)
        self.delete_button.clicked.connect(feature.delete_current)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(lambda _index: feature.show_current(focus_pane=True))

    # -- the current row ----------------------------------------------------------------
    def current_id(self) -> str:
        index = self.table.currentIndex()
        if not index.isValid():
            return ""
        return self.model.data(self.model.index(index.row(), 0), ID_ROLE) or ""

    def set_current_row(self, row: int, show: bool) -> None:
        """Make ``row`` current; show it in its pane only when ``show``."""
        if not 0 <= row < self.model.rowCount():
            self.update_details()
            return
        index = self.model.index(row, 0)
        selection = self.table.selectionModel()
        selection.blockSignals(not show)
        try:
            self.table.setCurrentIndex(index)
            self.table.selectRow(row)
        finally:
            selection.blockSignals(False)
        self.table.scrollTo(index)
        self.table.viewport().update()
        self.update_details()

    def _row_changed(self, current, _previous) -> None:
        self.update_details()
        if current.isValid():
            self.feature.show_current()

    def reload(self) -> None:
        """Read the list again, keeping the current row (or its place, when it left)."""
        current = self.current_id()
        row = self.table.currentIndex().row()
        self.model.reload()
        if current in self.model.id_set:
            self.set_current_row(self.model.ids.index(current), show=False)
        elif self.model.ids and row >= 0:
            self.set_current_row(min(row, len(self.model.ids) - 1), show=False)
        self.update_details()

    # -- what is shown ------------------------------------------------------------------
    def update_summary(self) -> None:
        edition = self.feature.doc.edition
        fuzzy, orphaned = review_counts(edition)
        lines = []
        report = self.feature.last_report
        if report is not None:
            witness = edition.witnesses.get(report.witness)
            label = witness.label if witness else report.witness
            counts = report.counts("annotation")
            detail = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
            lines.append(f"<b>Last text replacement</b> ({html.escape(label)}, "
                         f"{report.old_length:,} → {report.new_length:,} characters, "
                         f"{_plural(report.differences, 'difference')}): "
                         f"{_plural(sum(counts.values()), 'annotation')}: {detail}")
            rest = report.summary().split("; ", 1)
            if len(rest) > 1:
                lines.append(f"<span style='color:#555'>{html.escape(rest[1])}</span>")
        if fuzzy or orphaned:
            lines.append(f"<b>{html.escape(describe_counts(fuzzy, orphaned))}</b>. Accept "
                         f"a new place ({SHORTCUTS['accept']}), select the right words and "
                         f"Use Selection ({SHORTCUTS['use_selection']}), or Delete; "
                         f"{SHORTCUTS['next']} goes to the next.")
        else:
            lines.append("No annotation awaits review of its place.")
        self.summary.setText("<br>".join(lines))

    def update_details(self) -> None:
        feature = self.feature
        aid = self.current_id()
        ann = feature.doc.edition.annotations.get(aid) if aid else None
        enabled = ann is not None and ann.anchoring is not None and not feature.doc.read_only
        self.accept_button.setEnabled(enabled and feature.can_accept(ann))
        self.use_button.setEnabled(enabled)
        self.delete_button.setEnabled(enabled)
        self.show_button.setEnabled(ann is not None)
        if ann is None or ann.anchoring is None:
            self.details.setHtml("<p style='color:#666'>Choose an annotation in the list to "
                                 "see its old and new place.</p>" if self.model.ids else
                                 "<p style='color:#666'>Nothing to review.</p>")
            return
        self.details.setHtml(self.details_html(ann))

    def details_html(self, ann: Annotation) -> str:
        edition = self.feature.doc.edition
        anchoring = ann.anchoring
        witness = edition.witnesses.get(ann.witness)
        label = witness.label if witness else ann.witness
        text = witness.text if witness else ""
        result = self.feature.result_for(ann)
        note = f" ({html.escape(result.note)})" if result is not None and result.note else ""
        orphaned = anchoring.state == "orphaned"
        state = ("<span style='color:#b00020'><b>orphaned</b></span>" if orphaned else
                 f"<span style='color:#a15c00'><b>fuzzy</b></span>, score "
                 f"{anchoring.score:.2f}")
        parts = [f"<p><b>{html.escape(spec(ann.kind).label)}</b> "
                 f"<span style='color:#666'>{html.escape(ann.id)} · {html.escape(label)}</span>"
                 f" · {state}{note}</p>"]
        old_mark = "background:#f3d9d9;text-decoration:line-through" if orphaned else \
            "background:#f3e2c7"
        if result is not None:
            was = _context_html(result.old_before, anchoring.quote, result.old_after, old_mark,
                                REPORT_CONTEXT)
        else:
            was = (f"<span style='{old_mark}'>{html.escape(anchoring.quote)}</span>"
                   if anchoring.quote else "(a point)")
        parts.append(f"<p><b>Was:</b> {was}<br><span style='color:#888'>characters "
                     f"{anchoring.old_start}–{anchoring.old_end} of the text it was made "
                     "on</span></p>")
        start, end = min(ann.start, len(text)), min(ann.end, len(text))
        now = _context_html(text[max(0, start - CONTEXT):start],
                            "" if orphaned else text[start:end], text[end:end + CONTEXT],
                            "background:#d7ecd4", CONTEXT)
        if orphaned:
            parts.append(f"<p><b>Now:</b> its words are gone; its last place, character "
                         f"{start}:<br>{now}</p>")
        else:
            parts.append(f"<p><b>Now:</b> {now}<br><span style='color:#888'>characters "
                         f"{start}–{end}</span></p>")
        if orphaned and not self.feature.can_accept(ann):
            parts.append(f"<p style='color:#555'>{html.escape(_must_cover(ann.kind))}"
                         ": select them in its pane and Use Selection, or "
                         "Delete it.</p>")
        return "".join(parts)


# ======================================================================================
# choosing what to replace


class ReplaceTextDialog(QDialog):
    """Which witness gets which new text: a text file, or the clipboard's text."""

    def __init__(self, window, witness_id: str, parent=None):
        super().__init__(parent or window)
        self.setWindowTitle("Replace Witness Text")
        self.setObjectName("replaceTextDialog")
        self.setMinimumWidth(540)
        edition = window.doc.edition
        self.witness = QComboBox()
        for w in edition.witnesses.values():
            self.witness.addItem(f"{w.label or w.id} ({len(w.text):,} characters)", w.id)
        self.witness.setCurrentIndex(max(0, self.witness.findData(witness_id)))
        self.from_file = QRadioButton("A text file:")
        self.from_clipboard = QRadioButton("The text on the clipboard")
        self.from_file.setChecked(True)
        self.path = QLineEdit()
        self.path.setPlaceholderText("the corrected text (any common encoding)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self._window = window
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        clip = QGuiApplication.clipboard().text() if QGuiApplication.clipboard() else ""
        self.from_clipboard.setText(f"The text on the clipboard ({len(clip):,} characters)")
        self.from_clipboard.setEnabled(bool(clip))
        form = QFormLayout()
        form.addRow("Version:", self.witness)
        form.addRow(self.from_file, file_row)
        form.addRow(self.from_clipboard)
        explain = QLabel("The whole text of this version is replaced. Every annotation "
                         "follows its words; those that cannot be placed exactly are listed "
                         "in “Moved annotations” for review. One undo step.")
        explain.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Replace")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(explain)
        layout.addWidget(buttons)
        self.path.textChanged.connect(lambda _t: self.from_file.setChecked(True))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The corrected text",
                                              self._window._last_folder(),
                                              "Text files (*.txt);;All files (*)")
        if path:
            self.path.setText(path)

    def witness_id(self) -> str:
        return self.witness.currentData() or ""

    def new_text(self) -> tuple[str, str]:
        """(text, where it came from); raises :class:`VariorumError` when it cannot be read."""
        if self.from_clipboard.isChecked():
            return QGuiApplication.clipboard().text(), "the clipboard"
        path = self.path.text().strip()
        if not path:
            raise VariorumError("choose the text file with the corrected text")
        text, _encoding = read_text_file(path)
        return text, os.path.basename(path)


# ======================================================================================
# the feature


class ReanchorFeature(QObject):
    """The dock, its actions, and the replacement of a witness's text."""

    #: a replacement finished and was applied: its report
    replaced = Signal(object)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.last_report: ReanchorReport | None = None
        self._results: dict[str, AnchorResult] = {}
        self._generation = 0              # counts doc.changed/doc.reset (see _adopt)
        self.busy = False
        self.progress_dialog: QProgressDialog | None = None
        self.job: ReanchorJob | None = None

        self.panel = MovedPanel(self)
        self.dock = QDockWidget("Moved annotations", window)
        self.dock.setObjectName("MovedAnnotationsDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.list_dock, self.dock)
        self.dock.hide()

        self.status_button = QToolButton()
        self.status_button.setObjectName("reviewCountButton")
        self.status_button.setAutoRaise(True)
        self.status_button.setStyleSheet("color:#b00020")
        self.status_button.setToolTip("Annotations whose place needs review: open the list")
        self.status_button.clicked.connect(self.open_dock)
        self.status_button.hide()
        window.statusBar().addPermanentWidget(self.status_button)

        self._build_actions()
        self.doc.changed.connect(self._doc_changed)
        self.doc.reset.connect(self._doc_reset)
        window.fileOpened.connect(self._file_opened)
        window.closing.connect(self.cancel)
        self.refresh()

    # -- actions ------------------------------------------------------------------------
    def _build_actions(self) -> None:
        w = self.window

        def action(text, slot, key=None, tip="", context=Qt.ShortcutContext.WindowShortcut,
                   widget=None) -> QAction:
            act = QAction(text, widget or w)
            if key:
                act.setShortcut(QKeySequence(key))
                act.setShortcutContext(context)
            if tip:
                act.setStatusTip(tip)
                act.setToolTip(f"{tip} ({key})" if key else tip)
            act.triggered.connect(lambda _checked=False: slot())
            (widget or w).addAction(act)
            return act

        self.act_replace = action("Replace &Witness Text…", self.replace_text_dialog,
                                  SHORTCUTS["replace"],
                                  "Replace a version's text with a corrected one; every "
                                  "annotation follows its words")
        self.act_accept = action("&Accept New Place", self.accept_current, SHORTCUTS["accept"],
                                 "Keep the chosen moved annotation where it is now")
        self.act_use = action("Place on &Selection", self.use_selection,
                              SHORTCUTS["use_selection"],
                              "Place the chosen moved annotation on the selected words")
        self.act_delete = action("&Delete Moved Annotation", self.delete_current,
                                 SHORTCUTS["delete"], "Delete the chosen moved annotation",
                                 Qt.ShortcutContext.WidgetWithChildrenShortcut,
                                 self.panel.table)
        self.act_next = action("&Next Moved Annotation", lambda: self.go(1), SHORTCUTS["next"],
                               "The next annotation whose place needs review")
        self.act_previous = action("&Previous Moved Annotation", lambda: self.go(-1),
                                   SHORTCUTS["previous"],
                                   "The previous annotation whose place needs review")
        edit = w.menu("edit", "&Edit")
        edit.addSeparator()
        edit.addAction(self.act_replace)
        review = edit.addMenu("&Moved Annotations")
        for act in (self.act_next, self.act_previous, self.act_accept, self.act_use,
                    self.act_delete):
            review.addAction(act)
        self.review_menu = review
        toggle = self.dock.toggleViewAction()
        toggle.setText("&Moved Annotations")
        w.menu("view", "&View").addAction(toggle)

    # -- following the document ----------------------------------------------------------
    def _doc_changed(self, change: ops.Change, undo: bool, _origin) -> None:
        self._generation += 1
        snapshots = chain(change.before.values(), change.after.values())
        relevant = change.header_changed or bool(change.annotation_ids & self.panel.model.id_set) \
            or any(s is not None and s.anchoring is not None for s in snapshots)
        if relevant:
            self.refresh()
        elif change.text_edits and self.panel.model.ids:
            # the words shown beside the flagged annotations may have moved
            if self.dock.isVisible():
                self.panel.model.touch_all()
                self.panel.update_details()

    def _doc_reset(self) -> None:
        self._generation += 1
        self.last_report = None
        self._results = {}
        self.refresh()

    def refresh(self) -> None:
        """Read the list again and update the status bar's count."""
        fuzzy, orphaned = review_counts(self.doc.edition)
        total = fuzzy + orphaned
        self.status_button.setText(f"⚑ {total} to review" if total else "")
        self.status_button.setToolTip(describe_counts(fuzzy, orphaned) + ": open the list")
        self.status_button.setVisible(bool(total))
        read_only = self.doc.read_only
        for act in (self.act_accept, self.act_use, self.act_delete):
            act.setEnabled(not read_only)
        self.act_replace.setEnabled(not read_only)
        self.panel.reload()
        self.panel.update_summary()

    def _file_opened(self, _path: str) -> None:
        fuzzy, orphaned = review_counts(self.doc.edition)
        if not fuzzy + orphaned:
            return
        self.open_dock()
        message = (f"{describe_counts(fuzzy, orphaned)}: their words changed or were not "
                   "found (see Moved annotations)")
        # the window shows "Opened …" after this signal: say it once that is done
        QTimer.singleShot(0, lambda: self.window.statusBar().showMessage(message, 15000))

    def open_dock(self) -> None:
        self.dock.show()
        self.dock.raise_()

    # -- what the last report knows -------------------------------------------------------
    def result_for(self, ann: Annotation) -> AnchorResult | None:
        """This session's re-anchoring result for ``ann``, when it is about its present
        anchoring (same old words, same old place)."""
        result = self._results.get(ann.id)
        if result is None or ann.anchoring is None:
            return None
        if result.quote != ann.anchoring.quote or result.old_start != ann.anchoring.old_start:
            return None
        return result

    @staticmethod
    def can_accept(ann: Annotation | None) -> bool:
        """A fuzzy place can be accepted; an orphan only when its kind may be a point."""
        if ann is None or ann.anchoring is None:
            return False
        return ann.anchoring.state != "orphaned" or spec(ann.kind).point_ok

    # -- the decisions --------------------------------------------------------------------
    def current_annotation(self) -> Annotation | None:
        aid = self.panel.current_id()
        ann = self.doc.edition.annotations.get(aid) if aid else None
        return ann if ann is not None and ann.anchoring is not None else None

    def _chosen(self) -> Annotation | None:
        """The annotation a decision applies to: the list's current row, else the
        flagged annotation shown in the inspector."""
        ann = self.current_annotation()
        if ann is None:
            shown = self.window.inspector.annotation
            if shown is not None and shown.anchoring is not None:
                ann = shown
        if ann is None:
            self._say("Choose an annotation in the Moved annotations list first.")
            return None
        if self.doc.read_only:
            self._say("This edition is open read-only.")
            return None
        return ann

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 6000)

    def _decide(self, ann: Annotation, operation) -> bool:
        """Run ``operation(who)`` (returning a change) as one undo step, with the user's
        declaration when they are new to the edition, then go on with the row that takes
        the annotation's place in the list.  False when nothing changed."""
        row = self._row_of(ann)
        who, declared = self.window.declare_user()
        try:
            change = operation(who)
        except ValueError as exc:
            if declared is not None:
                ops.undo(self.doc.edition, declared)
            self._say(str(exc))
            return False
        if change.empty:
            if declared is not None:
                ops.undo(self.doc.edition, declared)
            return False
        if declared is not None:
            change = ops.combine([declared, change], change.description)
        self.doc.push(change)
        self.open_dock()
        ids = self.panel.model.ids
        if ids:
            self.panel.set_current_row(min(row, len(ids) - 1), show=True)
        return True

    def _row_of(self, ann: Annotation) -> int:
        try:
            return self.panel.model.ids.index(ann.id)
        except ValueError:
            return 0

    def accept_current(self) -> None:
        """Keep the chosen annotation where it is (``settle_anchoring``): one undo step."""
        ann = self._chosen()
        if ann is None:
            return
        if not self.can_accept(ann):
            self._say(f"{_must_cover(ann.kind)}: select them and "
                      f"Use Selection ({SHORTCUTS['use_selection']}), or delete it.")
            return
        edition = self.doc.edition
        if self._decide(ann, lambda who: ops.settle_anchoring(edition, ann.id, who=who)):
            self._say(f"Accepted the new place of the {spec(ann.kind).label.lower()}.")

    def use_selection(self) -> None:
        """Place the chosen annotation on the words selected in the pane showing its
        witness (``update_annotation(start=, end=)``, which settles it): one undo step."""
        ann = self._chosen()
        if ann is None:
            return
        edition = self.doc.edition
        pane = self._pane_for(ann.witness)
        witness = edition.witnesses.get(ann.witness)
        label = witness.label if witness else ann.witness
        if pane is None:
            self._say(f"Show {label} in a pane and select the words first.")
            return
        start, end = pane.selection()
        if start == end and not spec(ann.kind).point_ok:
            self._say(f"Select the right words in the {label} pane first, then "
                      f"{SHORTCUTS['use_selection']}.")
            return
        if (start, end) == (ann.start, ann.end):
            # the same place: only the flag changes (an orphan becomes a point here)
            def operation(who):
                return ops.settle_anchoring(edition, ann.id, who=who)
        else:
            changes = {"start": start, "end": end}
            split = ann.attrs.get("split")
            if split is not None and split.isdigit() and int(split) > end - start:
                # a substitution's split is relative to its start: keep it inside the words
                changes["attrs"] = dict(ann.attrs, split=str(end - start))

            def operation(who):
                return ops.update_annotation(edition, ann.id, who=who,
                                             comment="placed on words chosen in review",
                                             **changes)
        words = edition.text(ann.witness)[start:end]
        if self._decide(ann, operation):
            self._say(f"Placed the {spec(ann.kind).label.lower()} on “{_short(words, 60)}”.")

    def delete_current(self) -> None:
        """Delete the chosen annotation (``remove_annotations``): one undo step."""
        ann = self._chosen()
        if ann is None:
            return
        quote = ann.anchoring.quote
        edition = self.doc.edition
        if self._decide(ann, lambda _who: ops.remove_annotations(edition, [ann.id])):
            self._say(f"Deleted the {spec(ann.kind).label.lower()} “{_short(quote, 60)}”.")

    def _pane_for(self, witness: str):
        window = self.window
        active = window.active_pane()
        if active.witness_id == witness:
            return active
        return next((p for p in window.panes if p.witness_id == witness and p.isVisible()),
                    None)

    def show_current(self, focus_pane: bool = False) -> None:
        """Show the current row's annotation in its pane: a fuzzy one selected, an orphan
        as the cursor at its last place."""
        aid = self.panel.current_id()
        if not aid or aid not in self.doc.edition.annotations:
            return
        self.window.go_to_annotation(aid)
        if focus_pane:
            pane = self._pane_for(self.doc.edition.annotations[aid].witness)
            if pane is not None:
                pane.editor.setFocus()

    def go(self, step: int) -> None:
        """The next (``step`` 1) or previous (-1) annotation to review, from the list's
        current row, round the end."""
        ids = self.panel.model.ids
        if not ids:
            self._say("No annotation awaits review of its place.")
            return
        self.open_dock()
        current = self.panel.current_id()
        if current in self.panel.model.id_set:
            row = (ids.index(current) + step) % len(ids)
        else:
            row = 0 if step > 0 else len(ids) - 1
        self.panel.set_current_row(row, show=True)

    # -- replacing a witness's text -------------------------------------------------------
    def replace_text_dialog(self) -> None:
        """Edit ▸ Replace Witness Text…: choose a version and its new text."""
        if self.doc.read_only:
            self._say("This edition is open read-only.")
            return
        dialog = ReplaceTextDialog(self.window, self.window.active_pane().witness_id)
        if not dialog.exec():
            return
        try:
            text, source = dialog.new_text()
        except VariorumError as exc:
            self.window.show_error("The text was not replaced", str(exc))
            return
        self.replace_witness_text(dialog.witness_id(), text, source)

    def replace_witness_text(self, witness_id: str, text: str,
                             source: str = "") -> ReanchorReport | None:
        """Replace the text of ``witness_id`` by ``text`` (any line endings), re-anchoring
        every annotation, counterpart and zone in it; push the change as one undo step and
        open the Moved annotations dock with the counts.  ``source`` (a file name) goes
        into the undo step's name.  Returns the report, or ``None`` when nothing was
        replaced (cancelled, refused, or failed: the user is told why).

        The work runs in a worker thread on a copy of the edition (see the module
        documentation); this method waits for it in a local event loop behind a
        cancellable progress dialog, so the window keeps painting.
        """
        window = self.window
        edition = self.doc.edition
        if self.busy:
            self._say("A text replacement is already running.")
            return None
        if self.doc.read_only:
            self._say("This edition is open read-only.")
            return None
        if witness_id not in edition.witnesses:
            window.show_error("The text was not replaced",
                              f"the edition has no version {witness_id!r}")
            return None
        witness = edition.witnesses[witness_id]
        label = witness.label or witness_id
        old_text = witness.text
        text = text_for_witness(text, old_text)
        if text == old_text:
            self._say(f"The new text of {label} is the same as the old: nothing to replace.")
            return None
        who = window.user_id()
        declare = None
        if not who:
            name = window.ensure_user()
            if name:
                declare = (name, settings.user_identity()[1])
        job = ReanchorJob(edition, witness_id, text, who, declare)
        job.generation = self._generation
        self.busy = True
        dialog = self._progress_dialog(label)
        collecting = gc.isenabled()
        gc.disable()                     # see the module documentation
        try:
            finished = self._wait_for(job, dialog, label)
            if not finished or job.cancelled:
                self._say("Replacing the text was cancelled; nothing was changed.")
                return None
            if job.error is not None:
                message = str(job.error) if isinstance(job.error, VariorumError) else \
                    f"re-anchoring failed ({type(job.error).__name__}: {job.error})"
                window.show_error("The text was not replaced", message)
                return None
            if dialog.isVisible():
                dialog.setRange(0, 0)
                dialog.setLabelText(f"Applying the new text of {label}…")
                QCoreApplication.processEvents(
                    QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
            return self._adopt(job, edition, old_text, source)
        finally:
            if collecting:
                gc.enable()
            self.busy = False
            self.job = None
            self.progress_dialog = None
            dialog.canceled.disconnect()
            dialog.close()               # (closing a progress dialog emits canceled)
            dialog.deleteLater()

    def _progress_dialog(self, label: str) -> QProgressDialog:
        dialog = QProgressDialog(f"Copying the edition to compare the text of {label}…",
                                 "Cancel", 0, 0, self.window)
        dialog.setObjectName("reanchorProgress")
        dialog.setWindowTitle("Replace Witness Text")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self.progress_dialog = dialog
        return dialog

    def _wait_for(self, job: ReanchorJob, dialog: QProgressDialog, label: str) -> bool:
        """Run ``job``, polling it from a local event loop; False when cancelled."""
        self.job = job
        loop = QEventLoop()
        outcome = {"cancelled": False}

        def cancel() -> None:
            outcome["cancelled"] = True
            job.stop.set()               # the worker stops at its next check; its copy is
            loop.quit()                  # thrown away, so there is nothing to wait for

        def poll() -> None:
            if job.finished.is_set():
                loop.quit()
                return
            if job.phase == "placing" and job.total:
                if dialog.maximum() != job.total:
                    dialog.setRange(0, job.total)
                    dialog.setLabelText(f"Placing the annotations of {label}…")
                dialog.setValue(min(job.done, job.total - 1))
            else:
                if job.phase == "comparing":
                    dialog.setLabelText(f"Comparing the old and new text of {label}…")
                dialog.setValue(0)       # lets the dialog appear after its minimum duration

        dialog.canceled.connect(cancel)
        self._cancel_current = cancel
        timer = QTimer()
        timer.setInterval(POLL_MS)
        timer.timeout.connect(poll)
        job.start()
        try:
            if not job.wait(0.05):       # a small edition is done before anyone could see
                timer.start()
                loop.exec()
                timer.stop()
        finally:
            self._cancel_current = None
        return not outcome["cancelled"]

    _cancel_current = None

    def cancel(self) -> None:
        """Stop a running replacement (the window is closing, or a test says so)."""
        if self._cancel_current is not None:
            self._cancel_current()

    def _adopt(self, job: ReanchorJob, edition: Edition, old_text: str,
               source: str) -> ReanchorReport | None:
        """Apply the copy's change to the live edition, if it is still the edition the
        copy was made from (see the module documentation)."""
        window = self.window
        report = job.report
        witness_id = job.witness_id
        live = self.doc.edition
        if (self._generation != job.generation or live is not edition
                or witness_id not in live.witnesses
                or live.witnesses[witness_id].text != old_text):
            window.show_error("The text was not replaced",
                              "the edition changed while the new text was being compared; "
                              "nothing was changed. Replace the text again.")
            return None
        change = report.change
        if change.empty:
            self._say("The new text is the same as the old: nothing to replace.")
            return report
        declared = None
        if job.declare is not None:
            who, declared = window.declare_user()
            if who != job.who:           # cannot happen with equal people; say so if it does
                if declared is not None:
                    ops.undo(live, declared)
                window.show_error("The text was not replaced",
                                  "your name could not be recorded the same way twice; "
                                  "nothing was changed")
                return None
        try:
            ops.redo(live, change)
        except ValueError as exc:        # the old text no longer matches: refuse
            if declared is not None:
                ops.undo(live, declared)
            window.show_error("The text was not replaced", str(exc))
            return None
        if declared is not None:
            change = ops.combine([declared, change], change.description)
        if source:
            change.description = f"{change.description} from {source}"
        self.last_report = report
        self._results.update({r.id: r for r in report.results
                              if r.target == "annotation" and r.needs_review})
        self.doc.push(change)
        self.refresh()
        self.open_dock()
        fuzzy = report.counts("annotation")["fuzzy"]
        orphaned = report.counts("annotation")["orphaned"]
        tail = f"; {describe_counts(fuzzy, orphaned)}" if fuzzy + orphaned else \
            "; every annotation kept its words"
        label = live.witnesses[witness_id].label or witness_id
        self._say(f"Replaced the text of {label}{tail}.")
        self.replaced.emit(report)
        return report


def install(window) -> ReanchorFeature:
    return ReanchorFeature(window)
