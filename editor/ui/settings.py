"""User settings: who the user is, recent files, preferences.

Stored with ``QSettings``; the environment variable ``VARIORUM_CONFIG_DIR`` moves them to
a folder of its own (tests use a temporary folder, so they never touch the user's).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

MAX_RECENT = 10


def settings() -> QSettings:
    folder = os.environ.get("VARIORUM_CONFIG_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        return QSettings(os.path.join(folder, "variorum.ini"), QSettings.Format.IniFormat)
    return QSettings("Variorum", "Variorum")


def user_identity() -> tuple[str, str]:
    s = settings()
    return str(s.value("user/name", "") or ""), str(s.value("user/initials", "") or "")


def set_user_identity(name: str, initials: str) -> None:
    s = settings()
    s.setValue("user/name", name)
    s.setValue("user/initials", initials)
    s.sync()


def recent_files() -> list[str]:
    value = settings().value("files/recent", []) or []
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in value]


def add_recent_file(path: str) -> None:
    path = os.path.abspath(path)
    files = [f for f in recent_files() if f != path]
    files.insert(0, path)
    s = settings()
    s.setValue("files/recent", files[:MAX_RECENT])
    s.sync()


def value(key: str, default=None):
    return settings().value(key, default)


def set_value(key: str, val) -> None:
    s = settings()
    s.setValue(key, val)
    s.sync()


def flag(key: str, default: bool) -> bool:
    raw = settings().value(key, default)
    if isinstance(raw, str):
        return raw.lower() in ("1", "true", "yes")
    return bool(raw)
