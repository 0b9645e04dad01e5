"""Find and replace across the shown versions, with regular expressions."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QToolButton, QWidget)

from editor.model import operations as ops


class FindBar(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.find_field = QLineEdit()
        self.find_field.setPlaceholderText("Find in both versions")
        self.find_field.setClearButtonEnabled(True)
        self.replace_field = QLineEdit()
        self.replace_field.setPlaceholderText("Replace with")
        self.regex = QCheckBox("Regular expression")
        self.case = QCheckBox("Match case")
        self.prev_button = QPushButton("Previous")
        self.next_button = QPushButton("Next")
        self.replace_button = QPushButton("Replace")
        self.replace_all_button = QPushButton("Replace all")
        self.message = QLabel()
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        for widget in (QLabel("Find:"), self.find_field, self.regex, self.case, self.prev_button,
                       self.next_button, self.replace_field, self.replace_button,
                       self.replace_all_button, self.message):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(close)
        self.find_field.returnPressed.connect(lambda: self.find(1))
        self.replace_field.returnPressed.connect(self.replace_one)
        self.next_button.clicked.connect(lambda: self.find(1))
        self.prev_button.clicked.connect(lambda: self.find(-1))
        self.replace_button.clicked.connect(self.replace_one)
        self.replace_all_button.clicked.connect(self.replace_all)
        close.clicked.connect(self.close_bar)

    def open(self, replace: bool = False) -> None:
        for widget in (self.replace_field, self.replace_button, self.replace_all_button):
            widget.setVisible(replace and not self.window.doc.read_only)
        self.show()
        pane = self.window.active_pane()
        start, end = pane.selection()
        if 0 < end - start < 80:
            self.find_field.setText(pane.edition.witnesses[pane.witness_id].text[start:end])
        self.find_field.setFocus()
        self.find_field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.window.active_pane().editor.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def pattern(self) -> re.Pattern | None:
        needle = self.find_field.text()
        if not needle:
            return None
        flags = 0 if self.case.isChecked() else re.IGNORECASE
        try:
            return re.compile(needle if self.regex.isChecked() else re.escape(needle), flags)
        except re.error as exc:
            self.message.setText(f"<span style='color:#b00'>Invalid expression: {exc}</span>")
            return None

    def _matches(self, pattern: re.Pattern):
        """All matches, as (pane index, start, end), in the order of the panes."""
        for index, pane in enumerate(self.window.panes):
            if not pane.witness_id:
                continue
            text = pane.edition.witnesses[pane.witness_id].text
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    yield index, m.start(), m.end()

    def find(self, direction: int = 1) -> bool:
        """Select the next (or previous) match after the cursor; wraps round both panes."""
        pattern = self.pattern()
        if pattern is None:
            return False
        matches = list(self._matches(pattern))
        if not matches:
            self.message.setText("<span style='color:#b00'>Not found</span>")
            return False
        panes = self.window.panes
        active = self.window.active_pane()
        here = (panes.index(active), *active.selection())
        if direction > 0:
            later = [m for m in matches if (m[0], m[1]) > (here[0], here[1])
                     and m != here]
            target = later[0] if later else matches[0]
        else:
            earlier = [m for m in matches if (m[0], m[1]) < (here[0], here[1])]
            target = earlier[-1] if earlier else matches[-1]
        pane = panes[target[0]]
        self.window.last_pane = pane
        pane.select_range(target[1], target[2])
        self.message.setText(f"{matches.index(target) + 1} of {len(matches)}")
        return True

    def _replacement(self, pattern: re.Pattern, text: str) -> str:
        replacement = self.replace_field.text()
        if self.regex.isChecked():
            m = pattern.fullmatch(text)
            return m.expand(replacement) if m else replacement
        return replacement

    def replace_one(self) -> None:
        pattern = self.pattern()
        pane = self.window.active_pane()
        if pattern is None or self.window.doc.read_only:
            return
        start, end = pane.selection()
        text = pane.edition.witnesses[pane.witness_id].text
        if end > start and pattern.fullmatch(text[start:end]):
            new = self._replacement(pattern, text[start:end])
            change = ops.edit_text(pane.edition, pane.witness_id, start, end, new,
                                   who=self.window.user_id(), description="Replace")
            pane.pmap.replace(start, end, new)
            self.window.doc.push(change, origin=pane)
            pane.select_range(start, start + len(new), center=False)
        self.find(1)

    def replace_all(self) -> None:
        """Replace every match in every shown version: one undo step."""
        pattern = self.pattern()
        if pattern is None or self.window.doc.read_only:
            return
        edition = self.window.doc.edition
        done = set()
        changes = []
        for pane in self.window.panes:
            if pane.witness_id in done or not pane.witness_id:
                continue
            done.add(pane.witness_id)
            text = edition.witnesses[pane.witness_id].text
            matches = [m for m in pattern.finditer(text) if m.end() > m.start()]
            for m in reversed(matches):     # from the end, so earlier offsets stay valid
                new = m.expand(self.replace_field.text()) if self.regex.isChecked() \
                    else self.replace_field.text()
                changes.append(ops.edit_text(edition, pane.witness_id, m.start(), m.end(), new,
                                             who=self.window.user_id()))
        if not changes:
            self.message.setText("<span style='color:#b00'>Not found</span>")
            return
        self.window.doc.push(ops.combine(changes, f"Replace all ({len(changes)})"))
        self.message.setText(f"Replaced {len(changes)}")
