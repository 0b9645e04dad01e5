"""The window's safety net: autosave and recovery, edit locks, files changed on disk.

``install(window)`` (called by the main window at start-up) returns a :class:`Safety`
that

* **autosaves**: while the edition has unsaved changes, writes it to a recovery file
  (:mod:`editor.io.recovery`) every :data:`AUTOSAVE_SECONDS` and whenever the window or the
  application loses focus; a save or a clean close removes the file;
* **offers recovery**: at start-up (and when a file is opened) a recovery left by a
  crashed or killed Variorum is offered, with the file, the time and a summary of what it
  changes; accepting shows it as unsaved changes to that file;
* **locks**: opening an edition takes its lock (:mod:`editor.io.lock`); when another
  window or process already holds it, the user is told who and chooses read-only or
  editing anyway; the lock is refreshed every :data:`editor.io.lock.HEARTBEAT` seconds
  and released on close;
* **watches the file**: a ``QFileSystemWatcher`` (and a check whenever the window is
  activated) notices when another program changes or deletes the edition's file; the user
  chooses to reload it or keep their version, and Save then asks before overwriting.

Every question goes through ``window.question`` so that tests can answer.  Intervals
come from ``VARIORUM_AUTOSAVE_SECONDS`` (tests shorten it) or :meth:`Safety.set_interval`.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QFileSystemWatcher, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from editor.errors import VariorumError
from editor.io import lock as locks
from editor.io import recovery
from editor.io.filestamp import FileStamp

AUTOSAVE_SECONDS = 60.0
#: how long to wait for a burst of file-system events to settle (milliseconds)
SETTLE_MS = 250

Yes = QMessageBox.StandardButton.Yes
No = QMessageBox.StandardButton.No
Cancel = QMessageBox.StandardButton.Cancel
Ok = QMessageBox.StandardButton.Ok


def _interval_seconds() -> float:
    try:
        return float(os.environ.get("VARIORUM_AUTOSAVE_SECONDS", AUTOSAVE_SECONDS))
    except ValueError:
        return AUTOSAVE_SECONDS


class Safety(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.store = recovery.RecoveryStore()
        self.lock: locks.EditLock | None = None
        #: the recovery key this window writes; changes with the document's path
        self.key = self._key_for(self.doc.path)
        self.generation = 0              # bumped by every change, undo and redo
        self.saved_generation = 0        # the generation last written to the recovery file
        self.recovery_written = False
        self.path = self.doc.path        # the path the lock and the watcher are for
        self._busy = False               # a question of ours is open: no re-entry
        self.closed = False              # after a clean close nothing is written any more
        self._recovering = False
        self._pending_external = False
        self._declined_sha = ""          # the disk version the user chose to keep theirs over
        self._deleted_told = False
        self._offered: set[str] = set()  # recoveries asked about in this session
        self.holder: locks.LockInfo | None = None
        self.last_autosave_error = ""
        #: what the status bar was told (the status bar forgets; tests and users may not)
        self.notices: list[str] = []

        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(self.autosave)
        self.set_interval(_interval_seconds())
        self.heartbeat_timer = QTimer(self)
        self.heartbeat_timer.setInterval(int(locks.HEARTBEAT * 1000))
        self.heartbeat_timer.timeout.connect(self.heartbeat)
        self.heartbeat_timer.start()

        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_event)
        self.watcher.directoryChanged.connect(self._file_event)
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self.check_external_change)
        # deferred work runs on timers owned by this object, so that nothing fires after
        # the window is gone
        self.activated = QTimer(self)
        self.activated.setSingleShot(True)
        self.activated.setInterval(0)
        self.activated.timeout.connect(self.check_external_change)
        self.offer_timer = QTimer(self)
        self.offer_timer.setSingleShot(True)
        self.offer_timer.setInterval(0)
        self.offer_timer.timeout.connect(self._deferred_offer)
        self._offer_only: str | None = None

        self.doc.changed.connect(self._changed)
        self.doc.fileStateChanged.connect(self._file_state_changed)
        self.doc.reset.connect(self._reset)
        window.fileOpened.connect(self._opened)
        window.fileSaved.connect(self._saved)
        window.closing.connect(self._closing)
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.applicationStateChanged.connect(self._application_state)
        # after the constructor: the window (and a test's answers) must be ready first
        self.offer_timer.start()

    # ------------------------------------------------------------------ settings
    def set_interval(self, seconds: float) -> None:
        """Autosave every ``seconds`` (0 turns the timer off; focus loss still saves)."""
        self.autosave_timer.stop()
        if seconds > 0:
            self.autosave_timer.setInterval(max(1, int(seconds * 1000)))
            self.autosave_timer.start()

    @staticmethod
    def _key_for(path: str) -> str:
        return recovery.window_key(path)

    # ------------------------------------------------------------------ autosave
    def _changed(self, *_args) -> None:
        self.generation += 1

    def autosave(self) -> bool:
        """Write the unsaved changes to the recovery file; True when something was written."""
        if self.closed or not self.doc.modified or (self.generation == self.saved_generation
                                                    and self.recovery_written):
            return False
        try:
            self.store.write(self.key, self.doc.edition, self.doc.path, self.doc.stamp)
        except VariorumError as exc:
            # never a dialog from a timer: the status bar says it, once per reason
            message = f"Could not keep a recovery copy: {exc}"
            if message != self.last_autosave_error:
                self._notice(message, 10000)
            self.last_autosave_error = message
            return False
        self.last_autosave_error = ""
        self.saved_generation = self.generation
        self.recovery_written = True
        return True

    def _file_state_changed(self) -> None:
        if not self.doc.modified and not self._recovering:
            self._drop_recovery()

    def _drop_recovery(self) -> None:
        self.store.remove(self.key)
        self.recovery_written = False
        self.saved_generation = self.generation

    def heartbeat(self) -> None:
        if self.lock is not None and self.lock.owned and not self.lock.refresh():
            self._notice(
                f"Another Variorum window took over {os.path.basename(self.lock.edition_path)} "
                "(this one was inactive for a long time); save with care.", 15000)
        if self.recovery_written:
            self.store.touch(self.key)

    # ------------------------------------------------------------------ focus
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.window:
            kind = event.type()
            if kind == QEvent.Type.WindowDeactivate:
                self.autosave()
            elif kind == QEvent.Type.WindowActivate:
                self.activated.start()
        return False

    def _application_state(self, state) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.autosave()

    # ------------------------------------------------------------------ path changes
    def _reset(self) -> None:
        """A new edition replaced the old one (open, new, import, reload, recovery): the
        old one's recovery is no longer wanted (its changes were saved or discarded)."""
        if self._recovering:
            return
        self._drop_recovery()
        self.generation = self.saved_generation = 0
        self._follow_path(self.doc.path)

    def _follow_path(self, path: str) -> None:
        """Move the recovery key, the lock and the watcher to ``path``."""
        if path == self.path:
            return
        self.store.release(self.key)
        self.key = self._key_for(path)
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        self._unwatch()
        self.path = path
        self._declined_sha = ""
        self._deleted_told = False
        if path:
            self._watch(path)

    def _opened(self, path: str) -> None:
        if self._recovering:
            return
        self._follow_path(self.doc.path)
        self._take_lock(self.doc.path)
        if not self.offer_timer.isActive():     # the start-up offer covers every file
            self._offer_only = self.doc.path
            self.offer_timer.start()

    def _deferred_offer(self) -> None:
        only, self._offer_only = self._offer_only, None
        self.offer_recovery(only=only)

    def _saved(self, path: str) -> None:
        self._drop_recovery()
        self._follow_path(self.doc.path)
        if self.lock is None and self.doc.path:
            self._take_lock(self.doc.path, ask=False)

    def _closing(self) -> None:
        """A clean close: the user saved or chose to discard; nothing is left behind."""
        self.closed = True
        self.window.removeEventFilter(self)
        self._drop_recovery()
        self.store.release(self.key)
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        for timer in (self.autosave_timer, self.heartbeat_timer, self.settle, self.activated,
                      self.offer_timer):
            timer.stop()
        self._unwatch()

    # ------------------------------------------------------------------ locks
    def _take_lock(self, path: str, ask: bool = True) -> None:
        if not path:
            return
        if self.lock is not None and self.lock.edition_path != os.path.abspath(path):
            self.lock.release()
            self.lock = None
        if self.lock is None:
            self.lock = locks.EditLock(path, os.path.join(recovery.config_dir(), "locks"))
        try:
            holder = self.lock.acquire()
        except OSError as exc:
            self._notice(f"Could not lock the edition: {exc.strerror}", 8000)
            return
        if holder is None:
            if self.lock.took_over:
                self._notice(
                    f"An old lock on {os.path.basename(path)} was taken over: "
                    f"{self.lock.took_over}.", 8000)
            return
        self.holder = holder
        if not ask or self.doc.read_only:
            return
        answer = self._ask(
            f"{os.path.basename(path)} is already open in Variorum: {holder.describe()}.\n\n"
            "If you both change it, one of you will overwrite the other's work.\n\n"
            "Open it read-only? (No: edit it anyway.)", Yes | No, Yes, warning=True)
        if answer == Yes:
            self.set_read_only()

    def set_read_only(self) -> None:
        self.doc.read_only = True
        for pane in self.window.panes:
            pane.editor.setReadOnly(True)
        self.window._update_title()
        self.doc.fileStateChanged.emit()

    # ------------------------------------------------------------------ recovery
    def offer_recovery(self, only: str | None = None) -> bool:
        """Offer the recoveries a crash left (those of ``only`` when given, a path);
        True when one was taken into the window."""
        if self._busy or (only is not None and not only):
            return False
        target = os.path.realpath(only) if only else None
        for info in self.store.orphaned():
            if info.key in self._offered:
                continue
            if target is not None and (not info.source
                                       or os.path.realpath(info.source) != target):
                continue
            self._offered.add(info.key)
            try:
                edition, diffs = recovery.describe(self.store, info)
            except VariorumError as exc:
                self._notice(f"A recovery file was unreadable: {exc}",
                                                    10000)
                self.store.discard(info)
                continue
            name = info.source or "an untitled edition"
            lines = "\n".join("• " + line for line in diffs.lines())
            changed = ""
            base = info.base_stamp
            if info.source and base is not None and base.changed(info.source):
                changed = ("\n\nThe file on disk was changed since; saving will ask before "
                           "overwriting it.")
            answer = self._ask(
                f"Variorum was not closed properly. Unsaved work on {name}, kept at "
                f"{info.describe_time()}, can be recovered:\n\n{lines}{changed}\n\n"
                "Recover it? (No: discard it; Cancel: decide next time.)",
                Yes | No | Cancel, Yes)
            if answer == Yes:
                if not self.window.confirm_discard():
                    return False
                self._adopt(info, edition)
                return True
            if answer == No:
                self.store.discard(info)
        return False

    def _adopt(self, info: recovery.RecoveryInfo, edition) -> None:
        """Show a recovered edition as unsaved changes to its file (or untitled work)."""
        path = info.source
        self._recovering = True
        try:
            self.doc.read_only = False
            self.doc.replace_edition(edition, path, info.base_stamp if path else None)
            self.doc.undo_stack.resetClean()       # recovered work is unsaved work
            self.window.show_edition()
        finally:
            self._recovering = False
        self._drop_recovery()       # the current key's file, if any: it held other work
        self._follow_path(path)
        self.generation, self.saved_generation = 1, 0
        if path:
            self._take_lock(path)
        # write our own copy before letting go of the old one: a crash now loses nothing
        self.autosave()
        if self.recovery_written:
            self.store.remove(info.key)
        self._notice(
            f"Recovered unsaved work from {info.describe_time()}; save it to keep it.", 10000)

    # ------------------------------------------------------------------ external changes
    def _watch(self, path: str) -> None:
        if os.path.exists(path) and path not in self.watcher.files():
            self.watcher.addPath(path)
        folder = os.path.dirname(path)
        if os.path.isdir(folder) and folder not in self.watcher.directories():
            self.watcher.addPath(folder)

    def _unwatch(self) -> None:
        for paths in (self.watcher.files(), self.watcher.directories()):
            if paths:
                self.watcher.removePaths(paths)

    def _file_event(self, _path: str) -> None:
        self.settle.start()

    def check_external_change(self) -> None:
        """Ask what to do when the edition's file changed on disk behind our back."""
        path, stamp = self.doc.path, self.doc.stamp
        if not path or stamp is None or self._busy or path != self.path:
            return
        self._watch(path)           # a file replaced by a rename drops out of the watcher
        if not stamp.changed(path):
            self._pending_external = False
            return
        if not self.window.isActiveWindow():
            self._pending_external = True      # asked when the user comes back
            return
        self._pending_external = False
        name = os.path.basename(path)
        if not os.path.exists(path):
            if self._deleted_told:
                return
            self._deleted_told = True
            # unsaved now, so that closing asks to save instead of losing the edition
            self.doc.undo_stack.resetClean()
            self._ask(f"{name} was deleted or moved by another program. Your version is "
                      "still open; save it to keep it.", Ok, Ok, warning=True)
            return
        self._deleted_told = False
        current = FileStamp.of(path)
        if current is None or current.sha256 == self._declined_sha:
            return
        if self.doc.modified:
            text = (f"{name} was changed on disk by another program, and you have unsaved "
                    "changes.\n\nReload it from disk and lose your changes? (No: keep your "
                    "version; saving will ask before overwriting the file on disk.)")
            default = No
        else:
            text = (f"{name} was changed on disk by another program.\n\nReload it? (No: keep "
                    "the version shown; saving will ask before overwriting the file on disk.)")
            default = Yes
        answer = self._ask(text, Yes | No, default, warning=self.doc.modified)
        if answer == Yes:
            # open_path replaces the edition (dropping its recovery) only when it succeeds
            if not self.window.open_path(path, confirm=False):
                self._declined_sha = current.sha256
        else:
            self._declined_sha = current.sha256

    # ------------------------------------------------------------------ messages
    def _notice(self, message: str, milliseconds: int = 10000) -> None:
        self.notices.append(message)
        del self.notices[:-20]
        self.window.statusBar().showMessage(message, milliseconds)

    def _can_ask(self) -> bool:
        """False when a question would be a modal dialog nobody can see or answer (an
        off-screen run such as ``--screenshot``, unless a test answers questions)."""
        replaced = "question" in vars(self.window)
        return replaced or QApplication.platformName() != "offscreen"

    def _ask(self, text: str, buttons, default, warning: bool = False):
        if not self._can_ask():
            self._notice(text.split("\n")[0], 10000)
            # nobody can answer: decide nothing that cannot be decided again later
            return Cancel if buttons & Cancel else default
        self._busy = True
        try:
            return self.window.question(text, buttons, default, warning=warning)
        finally:
            self._busy = False


def install(window) -> Safety:
    return Safety(window)
