"""Review mode, the differences turned into proposals, and merging another copy.

Installed into the window by :func:`install` (see ``main_window.FEATURES``):

* a **Review** menu; **Review Mode** (Ctrl+Shift+R, or ``variorum FILE --review``) makes
  the panes read-only so that single keys decide: ``A`` accept, ``R`` reject, ``Q`` query
  (type the question, Enter), ``Shift+A``/``Shift+R`` accept/reject with a comment, ``N``/
  ``P`` next/previous unreviewed, ``Shift+N``/``Shift+P`` next/previous of any status.
  The walk follows the annotation list's filters (kind, version, hand, status, text, and
  the author and reviewer filters this module adds), in reading order; the panes show
  each annotation in both versions (``window.go_to_annotation``);
* a **Review** dock: progress (reviewed / total), the annotation under review and its
  latest history, the comment field;
* a **Differences** dock: the differences of the alignment no annotation explains; keys
  in its list: ``Enter`` proposes the fitting kind, ``V``/``A``/``D`` a variant, addition
  or deletion, ``E`` marks the difference explained, ``U`` not explained;
* **Merge Another Copy…**: combines another copy's annotations and decisions into the
  open edition as one undo step and lists the conflicts.

The logic lives in :mod:`editor.review`; this module only maps keys and clicks to it.
"""

from __future__ import annotations

import html
import os

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox,
                               QDockWidget, QFileDialog, QFrame, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton,
                               QScrollArea, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from editor.errors import VariorumError
from editor.formats import native
from editor.model import operations as ops
from editor.model.kinds import spec
from editor.review import proposals as props
from editor.review.merge import change_to, check_same_texts, merge_editions
from editor.review.state import acceptance_refusal, document_order, is_unreviewed, progress, \
    step_through
from editor.ui import settings
from editor.ui.actions import make_action
from editor.ui.tables import make_list_table

#: the setting: authors may not accept their own annotations without saying so
FORBID_OWN_SETTING = "review/forbid_own_acceptance"

#: review keys (the README and docs/review.md list them)
REVIEW_KEYS = {
    "mode": "Ctrl+Shift+R",
    "accept": "A",
    "reject": "R",
    "query": "Q",
    "accept_comment": "Shift+A",
    "reject_comment": "Shift+R",
    "next": "N",
    "previous": "P",
    "next_any": "Shift+N",
    "previous_any": "Shift+P",
}

#: keys of the differences list (handled by the list itself, so they win over review keys)
DIFFERENCE_KEYS = {
    Qt.Key.Key_Return: None, Qt.Key.Key_Enter: None,      # the fitting kind
    Qt.Key.Key_V: "variant", Qt.Key.Key_A: "addition", Qt.Key.Key_D: "deletion",
    Qt.Key.Key_E: "explained", Qt.Key.Key_U: "unexplained",
}


def install(window) -> "ReviewMode":
    mode = ReviewMode(window)
    window.enter_review_mode = mode.enter
    window.leave_review_mode = mode.leave
    return mode


# ======================================================================================
# review mode


class ReviewPanel(QWidget):
    """The Review dock: progress, the annotation under review, the comment field."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress_text = QLabel()
        self.progress_text.setWordWrap(True)
        self.card = QLabel()
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        card_scroll = QScrollArea()
        card_scroll.setWidgetResizable(True)
        card_scroll.setFrameShape(QFrame.Shape.NoFrame)
        card_scroll.setWidget(self.card)
        card_scroll.setMinimumHeight(140)
        self.prompt = QLabel("Comment (optional for accept and reject; a query needs one):")
        self.prompt.setWordWrap(True)
        self.comment = QLineEdit()
        self.comment.setObjectName("reviewComment")
        self.comment.setClearButtonEnabled(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("reviewMessage")
        self.message.setStyleSheet("color: #8b1a1a")
        buttons = QHBoxLayout()
        self.buttons = {}
        for key, label in (("previous", "◀ Prev (P)"), ("next", "Next (N) ▶"),
                           ("accept", "Accept (A)"), ("reject", "Reject (R)"),
                           ("query", "Query (Q)")):
            button = QPushButton(label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # keys stay with the review
            self.buttons[key] = button
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.state)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addLayout(buttons)
        layout.addWidget(card_scroll, 1)
        layout.addWidget(self.prompt)
        layout.addWidget(self.comment)
        layout.addWidget(self.message)


class ReviewMode(QObject):
    """Review mode's state and actions (``window.features['review_mode']``)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.active = False
        self.current_id = ""
        self.pending = ""              # the status a comment being typed is for
        self._focus_before = None
        self.last_merge = None

        self.panel = ReviewPanel()
        self.dock = QDockWidget("Review", window)
        self.dock.setObjectName("ReviewDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

        self.differences = DifferencesPanel(window, self)
        self.diff_dock = QDockWidget("Differences", window)
        self.diff_dock.setObjectName("DifferencesDock")
        self.diff_dock.setWidget(self.differences)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.diff_dock)
        window.tabifyDockWidget(window.list_dock, self.diff_dock)
        window.list_dock.raise_()
        self.diff_dock.visibilityChanged.connect(
            lambda visible: visible and self.differences.refresh())
        self.dock.visibilityChanged.connect(lambda visible: visible and self.refresh())

        self.status_label = QLabel()
        window.statusBar().addPermanentWidget(self.status_label)
        self.status_label.hide()

        self._add_filters()
        self._build_actions()
        self.panel.comment.returnPressed.connect(self._comment_entered)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.panel.comment)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self._cancel_comment)
        for key, slot in (("previous", lambda: self.go(-1)), ("next", lambda: self.go(1)),
                          ("accept", self.accept), ("reject", self.reject),
                          ("query", self.query)):
            self.panel.buttons[key].clicked.connect(slot)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self._refresh_later)
        self.doc.changed.connect(self._doc_changed)
        self.doc.reset.connect(self._doc_reset)
        window.editionShown.connect(self._apply_read_only)
        for pane in window.panes:
            pane.witnessChosen.connect(lambda *_: self._apply_read_only())
        window.act_third.toggled.connect(lambda _on: self._apply_read_only())
        window.annotation_list.annotationActivated.connect(self._activated)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        for pane in window.panes:
            pane.cursorMoved.connect(lambda _pane: self.refresh_card())
        self.refresh()

    # ------------------------------------------------------------------ construction
    def _build_actions(self) -> None:
        w = self.window
        menu = w.menu("review", "&Review")
        self.menu = menu

        def action(text, slot, key, tip, checkable=False, checked=False):
            return make_action(w, text, slot, key, tip, checkable, checked, menu=menu)

        k = REVIEW_KEYS
        self.act_mode = action("Review &Mode", self._mode_toggled, k["mode"],
                               "Work through the annotations one at a time by keyboard",
                               checkable=True)
        menu.addSeparator()
        self.act_accept = action("&Accept", self.accept, k["accept"],
                                 "Accept the annotation under review")
        self.act_reject = action("&Reject", self.reject, k["reject"],
                                 "Reject it (it stays in the file, struck out in the list)")
        self.act_query = action("&Query…", self.query, k["query"],
                                "Query it: type your question, then Enter")
        self.act_accept_comment = action("Accept with Comment…",
                                         lambda: self.ask_comment("accepted"),
                                         k["accept_comment"], "Accept it with a comment")
        self.act_reject_comment = action("Reject with Comment…",
                                         lambda: self.ask_comment("rejected"),
                                         k["reject_comment"], "Reject it with a comment")
        menu.addSeparator()
        self.act_next = action("&Next Unreviewed", lambda: self.go(1), k["next"],
                               "The next proposed or orphaned annotation in the list's filter")
        self.act_previous = action("&Previous Unreviewed", lambda: self.go(-1), k["previous"],
                                   "The previous proposed or orphaned annotation")
        self.act_next_any = action("Next Annotation", lambda: self.go(1, any_status=True),
                                   k["next_any"], "The next annotation, whatever its status")
        self.act_previous_any = action("Previous Annotation",
                                       lambda: self.go(-1, any_status=True),
                                       k["previous_any"],
                                       "The previous annotation, whatever its status")
        self.review_actions = [self.act_accept, self.act_reject, self.act_query,
                               self.act_accept_comment, self.act_reject_comment, self.act_next,
                               self.act_previous, self.act_next_any, self.act_previous_any]
        self._letter_keys = {act: act.shortcut() for act in self.review_actions}
        for act in self.review_actions:
            act.setEnabled(False)
        menu.addSeparator()
        self.act_forbid_own = action(
            "Authors May Not Accept Their &Own Annotations", self._forbid_own_toggled, None,
            "When on, accepting your own annotation asks you to confirm it explicitly "
            "(turn off for a one-person project)",
            checkable=True, checked=settings.flag(FORBID_OWN_SETTING, True))
        menu.addSeparator()
        self.dock.toggleViewAction().setText("Review &Panel")
        self.diff_dock.toggleViewAction().setText("&Differences Panel")
        menu.addAction(self.dock.toggleViewAction())
        menu.addAction(self.diff_dock.toggleViewAction())
        self.act_propose_all = action(
            "Propose Annotations for All &Unexplained Differences", self.differences.propose_all,
            None, "Turn every unexplained difference into a proposed annotation (one undo step)")
        menu.addSeparator()
        self.act_merge = action("&Merge Another Copy…", self.merge_dialog, None,
                                "Combine the annotations and decisions of another copy of "
                                "this edition")

    def _add_filters(self) -> None:
        """Author and reviewer filters in the annotation list's filter row."""
        alist = self.window.annotation_list
        self.author_filter = QComboBox()
        self.author_filter.setObjectName("authorFilter")
        self.author_filter.setToolTip("Show the annotations of one author")
        self.reviewer_filter = QComboBox()
        self.reviewer_filter.setObjectName("reviewerFilter")
        self.reviewer_filter.setToolTip("Show the annotations one reviewer decided on")
        alist.add_filter_widget(self.author_filter)
        alist.add_filter_widget(self.reviewer_filter)
        self.author_filter.activated.connect(self._people_filters_changed)
        self.reviewer_filter.activated.connect(self._people_filters_changed)
        self._fill_people_filters()

    def _fill_people_filters(self) -> None:
        edition = self.doc.edition
        authors = sorted({a.author for a in edition.annotations.values() if a.author})
        reviewers = sorted({r for a in edition.annotations.values() for r in a.reviewers})
        for combo, label, ids in ((self.author_filter, "All authors", authors),
                                  (self.reviewer_filter, "All reviewers", reviewers)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(label, "")
            for pid in ids:
                combo.addItem(edition.person_name(pid), pid)
            index = combo.findData(current)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
            if current and index < 0:
                self._people_filters_changed()

    def _people_filters_changed(self, *_args) -> None:
        self.window.annotation_list.proxy.set_filter(author=self.author_filter.currentData(),
                                                     reviewer=self.reviewer_filter.currentData())
        self.refresh()

    def set_people_filter(self, author: str | None = None, reviewer: str | None = None) -> None:
        """Choose the author and/or reviewer filter by person id ("" for all)."""
        for combo, value in ((self.author_filter, author), (self.reviewer_filter, reviewer)):
            if value is not None:
                combo.setCurrentIndex(max(0, combo.findData(value)))
        self._people_filters_changed()

    # ------------------------------------------------------------------ the mode
    def _mode_toggled(self, on: bool) -> None:
        if on:
            self.enter()
        else:
            self.leave()

    def enter(self) -> None:
        """Start reviewing: read-only panes, review keys on, first unreviewed shown."""
        if self.active:
            return
        self.active = True
        self.act_mode.blockSignals(True)
        self.act_mode.setChecked(True)
        self.act_mode.blockSignals(False)
        for act in self.review_actions:
            act.setEnabled(True)
        self._focus_changed(None, QApplication.focusWidget())
        self._apply_read_only()
        self.show_docks()
        self.status_label.show()
        current = self._current()
        if current is None or not self._wanted(current.id, any_status=False):
            self.go(1)
        else:
            self.show(current.id)
        self.window.annotation_list.table.setFocus()
        self.window.statusBar().showMessage(
            "Review mode: A accept, R reject, Q query, N/P next/previous unreviewed; "
            "Ctrl+Shift+R to leave", 8000)
        self.refresh()

    def show_docks(self) -> None:
        """The Review dock (a tab beside the inspector) and the annotation list, raised and
        tall enough to see a good part of the list."""
        w = self.window
        if not w.isVisible():
            # before the window is shown (variorum FILE --review): docks arranged on a
            # hidden window lose their tab order when it appears, so wait for it
            QTimer.singleShot(50, lambda: self.active and self.show_docks())
            return
        if self.dock.isHidden() and not w.inspector_dock.isHidden() and \
                self.dock not in w.tabifiedDockWidgets(w.inspector_dock) and \
                not self.dock.isFloating():
            w.tabifyDockWidget(w.inspector_dock, self.dock)
        self.dock.show()
        self.dock.raise_()
        w.list_dock.show()
        w.list_dock.raise_()
        w.resizeDocks([w.list_dock], [max(w.list_dock.height(), w.height() // 3)],
                      Qt.Orientation.Vertical)

    def leave(self) -> None:
        if not self.active:
            return
        self.active = False
        self._cancel_comment()
        self.act_mode.blockSignals(True)
        self.act_mode.setChecked(False)
        self.act_mode.blockSignals(False)
        for act in self.review_actions:
            act.setEnabled(False)
            act.setShortcut(self._letter_keys[act])
        self._apply_read_only()
        self.status_label.hide()
        self.refresh()

    def _apply_read_only(self) -> None:
        """While reviewing, the panes are read-only (single keys are commands there)."""
        for pane in self.window.panes:
            pane.editor.setReadOnly(self.active or self.doc.read_only or not pane.witness_id)

    def _focus_changed(self, _old, new) -> None:
        """Keep the single-letter keys to the review's own surfaces (panes, annotation
        list, inspector, review and differences docks): another feature's view may use
        the same letters, and two shortcuts on one key would both be lost."""
        if not self.active:
            return
        try:
            in_scope = self._in_review_scope(new)
        except RuntimeError:        # the window is being destroyed
            return
        for act, key in self._letter_keys.items():
            wanted = key if in_scope else QKeySequence()
            if act.shortcut() != wanted:
                act.setShortcut(wanted)
        if new is not None and any(new is p.editor for p in self.window.panes) and \
                not new.isReadOnly():
            self._apply_read_only()     # another mode made it editable meanwhile

    def _in_review_scope(self, widget) -> bool:
        w = self.window
        if widget is None or widget is w:
            return True
        allowed = [w.centralWidget(), w.inspector_dock, w.list_dock, self.dock,
                   self.diff_dock, w.menuBar()]
        node = widget
        while node is not None:
            if any(node is a for a in allowed):
                return True
            if node is w:
                return False
            node = node.parentWidget()
        return False

    # ------------------------------------------------------------------ walking
    def _current(self):
        """The annotation under review: the inspector's, else the last one shown."""
        edition = self.doc.edition
        inspected = self.window.inspector.annotation
        if inspected is not None:
            return inspected
        return edition.annotations.get(self.current_id)

    def _passes_filter(self, annotation_id: str) -> bool:
        alist = self.window.annotation_list
        row = alist.model.rows.get(annotation_id)
        return row is not None and alist.proxy.filterAcceptsRow(row, QModelIndex())

    def _wanted(self, annotation_id: str, any_status: bool) -> bool:
        ann = self.doc.edition.annotations.get(annotation_id)
        if ann is None or not self._passes_filter(annotation_id):
            return False
        return any_status or is_unreviewed(ann)

    def go(self, step: int, any_status: bool = False) -> str | None:
        """Show the next (+1) or previous (-1) unreviewed annotation (or any, with
        ``any_status``) in reading order among those the list's filters let through; the
        walk wraps round once.  Returns its id, or None when there is none."""
        order = document_order(self.doc.edition)
        current = self._current()
        start = current.id if current is not None else None

        def wanted(aid):
            return self._wanted(aid, any_status)
        found = step_through(order, start, step, wanted)
        wrapped = False
        if found is None and start is not None:
            found = step_through(order, None, step, wanted)
            wrapped = found is not None and found != start
        if found is None:
            what = "annotation" if any_status else "unreviewed annotation"
            self._say(f"No {what} {'after' if step > 0 else 'before'} this one in the "
                      "list's filter." if start else f"No {what} in the list's filter.")
            self.refresh()
            return None
        self.show(found)
        if wrapped:
            self._say("Wrapped round to the " + ("beginning." if step > 0 else "end."))
        elif found == start and start is not None:
            what = "annotation" if any_status else "unreviewed annotation"
            self._say(f"No other {what} in the list's filter.")
        return found

    def show(self, annotation_id: str) -> None:
        self.current_id = annotation_id
        self.window.go_to_annotation(annotation_id)
        self._say("")
        self.refresh()

    def _activated(self, annotation_id: str) -> None:
        self.current_id = annotation_id
        self.refresh()

    # ------------------------------------------------------------------ deciding
    def accept(self) -> None:
        self.decide("accepted")

    def reject(self) -> None:
        self.decide("rejected")

    def query(self) -> None:
        self.ask_comment("queried")

    def ask_comment(self, status: str) -> None:
        """Put the keyboard in the comment field; Enter records ``status`` with it."""
        if self._current() is None:
            self._say("No annotation to review: press N for the next unreviewed one.")
            return
        self.pending = status
        verb = {"queried": "Query", "accepted": "Accept", "rejected": "Reject"}[status]
        self.panel.prompt.setText(
            f"<b>{verb}:</b> type your {'question' if status == 'queried' else 'comment'}, "
            "then Enter (Esc cancels).")
        focus = QApplication.focusWidget()
        if focus is not self.panel.comment:
            self._focus_before = focus
        self.dock.show()
        self.dock.raise_()
        self.panel.comment.setFocus()

    def _comment_entered(self) -> None:
        status = self.pending or "queried"
        text = self.panel.comment.text().strip()
        if status == "queried" and not text:
            self._say("A query needs a question: type it, then Enter.")
            return
        if self.decide(status, text):
            self.panel.comment.clear()
            self._end_comment()

    def _cancel_comment(self) -> None:
        if self.pending:
            self.panel.comment.clear()
        self._end_comment()

    def _end_comment(self) -> None:
        self.pending = ""
        self.panel.prompt.setText("Comment (optional for accept and reject; a query needs one):")
        if self.panel.comment.hasFocus():
            target = self._focus_before
            if target is None or not target.isVisible():
                target = self.window.annotation_list.table
            target.setFocus()
        self._focus_before = None

    def decide(self, status: str, comment: str = "") -> bool:
        """Record ``status`` on the annotation under review, then go to the next
        unreviewed one.  Returns False when nothing was recorded (and says why)."""
        ann = self._current()
        if ann is None:
            self._say("No annotation to review: press N for the next unreviewed one.")
            return False
        if self.doc.read_only:
            self._say("This edition is open read-only.")
            return False
        me = self.window.user_id()
        if status == "accepted":
            refusal = acceptance_refusal(ann, me, forbid_own=False)
            if refusal:
                self._say(f"Not accepted: {refusal}.")
                return False
            if me and ann.author == me:
                if self.forbid_own:
                    answer = self.window.question(
                        "You made this annotation yourself; an edition is publishable when "
                        "someone else has checked each claim. Accept your own annotation "
                        "anyway?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                        QMessageBox.StandardButton.No)
                    if answer != QMessageBox.StandardButton.Yes:
                        self._say("Not accepted: you made this annotation yourself. Someone "
                                  "else should accept it (or turn off Review ▸ Authors May "
                                  "Not Accept Their Own Annotations).")
                        return False
                comment = comment or "accepted by its own author"
        who, declared = self.window.declare_user()
        try:
            change = ops.set_status(self.doc.edition, ann.id, status, who, comment)
        except ValueError as exc:
            if declared is not None:
                self.doc.push(declared)
            self._say(str(exc))
            return False
        if declared is not None:
            change = ops.combine([declared, change], change.description)
        if change.empty:
            self._say(f"It is already {status}.")
            self.go(1)
            return True
        self.doc.push(change)
        self.current_id = ann.id
        self.window.statusBar().showMessage(f"{ann.id}: {status}", 3000)
        self.go(1)
        return True

    @property
    def forbid_own(self) -> bool:
        return self.act_forbid_own.isChecked()

    def _forbid_own_toggled(self, on: bool) -> None:
        settings.set_value(FORBID_OWN_SETTING, on)

    # ------------------------------------------------------------------ showing
    def _say(self, text: str) -> None:
        self.panel.message.setText(text)
        if text:
            self.window.statusBar().showMessage(text, 6000)

    def _doc_changed(self, change, _undo, _origin) -> None:
        if change.annotation_ids or change.header_changed:
            self._refresh_timer.start()

    def _doc_reset(self) -> None:
        self.current_id = ""
        self._apply_read_only()
        self._refresh_later()

    def _refresh_later(self) -> None:
        self._fill_people_filters()
        self.refresh()

    def refresh(self) -> None:
        """Redraw the progress and the card of the annotation under review."""
        edition = self.doc.edition
        shown = [a for a in edition.annotations.values() if self._passes_filter(a.id)]
        overall = progress(edition.annotations.values())
        here = progress(shown)
        bar = self.panel.progress
        bar.setRange(0, max(1, here.total))
        bar.setValue(here.reviewed if here.total else 1)
        bar.setFormat(f"{here.reviewed} / {here.total} reviewed")
        filtered = here.total != overall.total
        self.panel.progress_text.setText(
            (f"In the list's filter: {here.summary()}.<br>Whole edition: " if filtered else "")
            + overall.summary() + ".")
        self.status_label.setText(f"Review: {overall.reviewed}/{overall.total}")
        self.panel.state.setText(
            "<b>Review mode</b> — the panes are read-only; keys: A accept, R reject, Q query, "
            "N/P next/previous unreviewed." if self.active else
            "Review mode is off (Ctrl+Shift+R). The buttons work on the annotation shown in "
            "the inspector.")
        self.refresh_card()

    def refresh_card(self) -> None:
        """Show the annotation under review (it follows the inspector)."""
        if self.dock.isVisible():
            self.panel.card.setText(self._card())

    def _card(self) -> str:
        ann = self._current()
        if ann is None:
            return "<i>No annotation under review.</i>"
        edition = self.doc.edition
        esc = html.escape
        witness = edition.witnesses.get(ann.witness)
        quote = edition.quote(ann).replace("\n", " ⏎ ")
        if len(quote) > 200:
            quote = quote[:199] + "…"
        where = witness.label if witness else ann.witness
        lines = [f"<b>{esc(spec(ann.kind).label)}</b> in {esc(where)}"
                 f" · <span style='color:#555'>{esc(ann.id)}</span>",
                 f"“{esc(quote)}”" if quote else "<i>(at a point)</i>"]
        if ann.attrs:
            lines.append(esc(", ".join(f"{k}: {edition.hand_label(v) if k == 'hand' else v}"
                                       for k, v in sorted(ann.attrs.items()))))
        if ann.note:
            lines.append(f"Note: {esc(ann.note[:300])}")
        author = edition.person_name(ann.author) if ann.author else "unknown"
        lines.append(f"By {esc(author)} · status <b>{esc(ann.status)}</b>")
        for event in ann.history[-4:]:
            who = edition.person_name(event.who) if event.who else "?"
            text = (f"{esc(event.when[:10])} {esc(event.action)} → {esc(event.status)} "
                    f"({esc(who)})")
            if event.comment:
                text += f": <i>{esc(event.comment[:200])}</i>"
            lines.append(f"<span style='color:#444'>{text}</span>")
        return "<br>".join(lines)

    # ------------------------------------------------------------------ merging
    def merge_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Merge another copy of this edition",
            os.path.dirname(self.doc.path) if self.doc.path else os.path.expanduser("~"),
            "Variorum editions (*.xml);;All files (*)")
        if path:
            self.merge_from_path(path)

    def merge_from_path(self, path: str):
        """Merge the copy at ``path`` into the open edition (one undo step); show the
        conflicts.  Returns the :class:`~editor.review.merge.MergeResult`, or None."""
        if self.doc.read_only:
            self._say("This edition is open read-only.")
            return None
        name = os.path.basename(path)
        try:
            theirs = native.load(path).edition
            check_same_texts(self.doc.edition, theirs)   # before declaring anyone
            who, declared = self.window.declare_user()
            result = merge_editions(self.doc.edition, theirs, who=who)
        except VariorumError as exc:
            self.window.show_error(f"Could not merge {name}", str(exc))
            return None
        except OSError as exc:
            self.window.show_error(f"Could not merge {name}", exc.strerror or str(exc))
            return None
        change = change_to(self.doc.edition, result.edition, f"Merge {name}")
        if declared is not None:
            change = ops.combine([declared, change], change.description)
        self.doc.push(change)
        self.last_merge = result
        summary = f"Merged {name}: {result.summary()}"
        if result.conflicts:
            self.window.show_problems([c.line() for c in result.conflicts], summary)
        else:
            self.window.statusBar().showMessage(summary, 8000)
        self._say(summary)
        return result


# ======================================================================================
# differences as proposals


class _DifferenceTable(QTableWidget):
    """The list of differences; its keys win over the window's single-key shortcuts."""

    def __init__(self, panel: "DifferencesPanel"):
        super().__init__(0, 4)
        self.panel = panel

    def event(self, event):
        if event.type() == QEvent.Type.ShortcutOverride and \
                event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier) and \
                event.key() in DIFFERENCE_KEYS:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                 Qt.KeyboardModifier.KeypadModifier) and \
                event.key() in DIFFERENCE_KEYS:
            self.panel.act(DIFFERENCE_KEYS[event.key()])
            return
        super().keyPressEvent(event)


class DifferencesPanel(QWidget):
    """The differences of the alignment no annotation explains, and what to do with them."""

    def __init__(self, window, mode: ReviewMode):
        super().__init__()
        self.window = window
        self.doc = window.doc
        self.mode = mode
        self.items: list[props.Difference] = []
        self.explainers: dict[str, list] = {}
        self.summary = QLabel()
        self.show_explained = QCheckBox("Show explained differences too")
        self.show_explained.toggled.connect(lambda _on: self.refresh())
        self.table = _DifferenceTable(self)
        self.table.setObjectName("differencesTable")
        make_list_table(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(2, 190)
        self.table.setColumnWidth(3, 170)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_row(row))
        buttons = QHBoxLayout()
        for label, what in (("Propose (Enter)", None), ("Variant (V)", "variant"),
                            ("Addition (A)", "addition"), ("Deletion (D)", "deletion"),
                            ("Explained (E)", "explained")):
            button = QPushButton(label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, w=what: self.act(w))
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.propose_all_button = QPushButton("Propose for all unexplained")
        self.propose_all_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.propose_all_button.clicked.connect(self.propose_all)
        buttons.addWidget(self.propose_all_button)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.show_explained)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        window.aligner.aligned.connect(lambda *_: self.refresh())
        self.doc.changed.connect(self._doc_changed)

    def _doc_changed(self, change, _undo, _origin) -> None:
        if change.annotation_ids or change.header_changed:
            self._timer.start()

    @property
    def alignment(self):
        return self.window.aligner.alignment

    def refresh(self) -> None:
        """List the differences (unexplained ones, or all) of the current alignment.
        A hidden list waits: showing the dock refreshes it."""
        self._timer.stop()
        # a dock behind another's tab counts as visible to Qt but shows nothing
        if not self.isVisible() or self.visibleRegion().isEmpty():
            return
        alignment = self.alignment
        edition = self.doc.edition
        keep = self.current()
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.items, self.explainers = [], {}
        if alignment is None or alignment.a not in edition.witnesses or \
                alignment.b not in edition.witnesses:
            self.summary.setText("Aligning the versions…" if alignment is None and
                                 self.window.aligner.pair else "No two versions to compare.")
            self.table.blockSignals(False)
            return
        a_label = edition.witnesses[alignment.a].label
        b_label = edition.witnesses[alignment.b].label
        self.table.setHorizontalHeaderLabels([a_label, b_label, "Proposal", "Explained by"])
        ranges = props.AnnotationRanges(edition)
        with_rejected = None      # built when first needed, once per refresh
        every = props.differences(edition, alignment)
        unexplained = 0
        for diff in every:
            explainers = props.explaining_annotations(edition, diff, ranges=ranges)
            marked = diff.id in edition.explained
            if not explainers and not marked:
                unexplained += 1
            elif not self.show_explained.isChecked():
                continue
            self.items.append(diff)
            self.explainers[diff.id] = explainers
        self.summary.setText(f"{unexplained} unexplained of {len(every)} differences between "
                             f"{a_label} and {b_label}")
        self.table.setRowCount(len(self.items))
        for row, diff in enumerate(self.items):
            proposal = props.proposal_for(diff)
            explainers = self.explainers[diff.id]
            if diff.id in edition.explained:
                explained = "marked explained"
            elif explainers:
                explained = ", ".join(a.id for a in explainers[:4])
            else:
                explained = ""
            if not explained:
                if with_rejected is None:
                    with_rejected = props.AnnotationRanges(edition, include_rejected=True)
                turned_down = [a.id for a in props.explaining_annotations(
                    edition, diff, include_rejected=True, ranges=with_rejected)
                    if a.status == "rejected"]
                if turned_down:
                    explained = f"(rejected: {', '.join(turned_down[:3])})"
            is_explained = bool(explainers) or diff.id in edition.explained
            cells = [_words(diff.a_words), _words(diff.b_words),
                     "" if is_explained else props.describe(edition, proposal), explained]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{diff.id}: {text}")
                if is_explained:
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        if self.items:
            ids = [d.id for d in self.items]
            row = ids.index(keep.id) if keep is not None and keep.id in ids else \
                min(self._last_row, len(self.items) - 1)
            self.table.setCurrentCell(max(0, row), 0)

    _last_row = 0

    def current(self) -> props.Difference | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def select(self, difference_id: str) -> bool:
        for row, diff in enumerate(self.items):
            if diff.id == difference_id:
                self.table.setCurrentCell(row, 0)
                return True
        return False

    def _show_row(self, row: int) -> None:
        """Show the difference in both panes."""
        if not 0 <= row < len(self.items):
            return
        self._last_row = row
        diff = self.items[row]
        for pane in self.window.panes:
            if pane.witness_id in (diff.a, diff.b):
                start, end = diff.side(pane.witness_id)
                pane.select_range(start, end)

    # ------------------------------------------------------------------ acting
    def act(self, what: str | None) -> None:
        """Propose the fitting kind (None), a given kind, or mark (un)explained."""
        diff = self.current()
        if diff is None:
            self.window.statusBar().showMessage("No difference selected.", 4000)
            return
        if self.doc.read_only:
            self.window.statusBar().showMessage("This edition is open read-only.", 4000)
            return
        self._last_row = self.table.currentRow()
        if what in ("explained", "unexplained"):
            change = props.set_explained(self.doc.edition, [diff.id], what == "explained")
            if change.empty:
                self.window.statusBar().showMessage(
                    "It is already marked explained." if what == "explained" else
                    "It was not marked as explained.", 4000)
                return
            self.doc.push(change)
            self.refresh()
            return
        if self.explainers.get(diff.id):
            self.window.statusBar().showMessage(
                f"Already explained by {', '.join(a.id for a in self.explainers[diff.id])}.",
                5000)
            return
        proposal = props.proposal_for(diff, what)
        twin = props.rejected_twin(self.doc.edition, proposal)
        if twin is not None:
            self.window.statusBar().showMessage(
                f"The same {proposal.kind} was proposed and rejected ({twin.id}); mark the "
                "difference explained (E) or propose another kind.", 8000)
            return
        who, declared = self.window.declare_user()
        change = props.propose(self.doc.edition, [proposal], who)
        if declared is not None:
            change = ops.combine([declared, change], change.description)
        self.doc.push(change)
        self.window.statusBar().showMessage(
            f"Proposed: {props.describe(self.doc.edition, proposal)}", 4000)
        self.refresh()

    def propose_all(self) -> int:
        """Propose the fitting annotation for every unexplained difference, as one undo
        step.  Returns how many were proposed."""
        if self.doc.read_only:
            self.window.statusBar().showMessage("This edition is open read-only.", 4000)
            return 0
        alignment = self.alignment
        if alignment is None:
            self.window.statusBar().showMessage("The versions are still being aligned.", 4000)
            return 0
        edition = self.doc.edition
        proposals = [props.proposal_for(d) for d in props.unexplained(edition, alignment)]
        skipped = [p for p in proposals if props.rejected_twin(edition, p) is not None]
        wanted = [p for p in proposals if p not in skipped]
        if not wanted:
            self.window.statusBar().showMessage(
                "Every difference is explained." if not skipped else
                f"{len(skipped)} unexplained difference(s) had their proposal rejected "
                "before; nothing proposed.", 6000)
            return 0
        who, declared = self.window.declare_user()
        change = props.propose(edition, wanted, who,
                               f"Propose annotations for {len(wanted)} differences")
        if declared is not None:
            change = ops.combine([declared, change], change.description)
        self.doc.push(change)
        message = f"Proposed {len(wanted)} annotation(s) for the unexplained differences"
        if skipped:
            message += f"; {len(skipped)} skipped (the same proposal was rejected before)"
        self.window.statusBar().showMessage(message + ".", 8000)
        self.refresh()
        return len(wanted)


def _words(text: str) -> str:
    text = " ".join(text.split())
    return "—" if not text else text if len(text) <= 90 else text[:89] + "…"
