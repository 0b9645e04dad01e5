"""The ``safety_figures`` fixture: the safety tests report how many cases they ran.

Fuzz and fault-injection tests add one line each (``safety_figures.add(...)``); the lines
are printed in a "safety: cases run" section at the end of the test session, even with
``-q``.  Test modules import the fixture from here.  (This module holds no tests.)
"""

from __future__ import annotations

import pytest

PLUGIN_NAME = "variorum-safety-figures"


class SafetyFigures:
    def __init__(self):
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.lines:
            terminalreporter.section("safety: cases run")
            for line in self.lines:
                terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def safety_figures(pytestconfig) -> SafetyFigures:
    manager = pytestconfig.pluginmanager
    plugin = manager.get_plugin(PLUGIN_NAME)
    if plugin is None:
        plugin = SafetyFigures()
        manager.register(plugin, PLUGIN_NAME)
    return plugin
