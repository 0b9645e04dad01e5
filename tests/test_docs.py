"""The README and docs stay true to the program."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_documents_the_two_commands_first():
    first_code = README.index("```sh")
    block = README[first_code:README.index("```", first_code + 5)]
    assert "make run" in block and "make test" in block


def test_every_local_link_and_image_exists():
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README):
        if "://" in target:
            continue
        assert (ROOT / target).exists(), f"README links to missing {target}"


def test_every_command_is_in_the_readme():
    from editor.cli import build_parser
    commands = build_parser().get_default("subparsers").choices
    for name in commands:
        assert f"variorum {name}" in README, f"README does not show `variorum {name}`"


def test_makefile_targets_in_readme_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"make (\w+)", README)):
        assert re.search(rf"^{target}:", makefile, re.M), f"no make target {target}"
