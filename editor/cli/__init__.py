"""The ``variorum`` command line.

``variorum`` alone, or ``variorum FILE``, opens the editor window; sub-commands drive the
core without a window.  Each sub-command lives in its own module of this package with a
``register(subparsers)`` function; errors are one clear line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from editor import __version__
from editor.errors import VariorumError

#: modules of this package that provide sub-commands, in the order ``--help`` lists them
COMMAND_MODULES = (
    "import_cmd", "export_cmd", "validate_cmd", "stats_cmd",
    "apply_text_cmd", "variants_cmd", "review_cmd", "merge_cmd", "facsimile_cmd",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):   # usage errors exit 2 with one line, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"variorum: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="variorum",
        description="Variorum: an editor for documentary editions. Without a command, "
                    "opens the editor window (with FILE when given).",
    )
    parser.add_argument("--version", action="version", version=f"variorum {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    parser.set_defaults(subparsers=sub)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"editor.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"editor.cli.{name}":
                continue   # a command not built yet
            raise
        module.register(sub)
    return parser


def _window_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="variorum", description="Open the Variorum editor window.")
    parser.add_argument("file", nargs="?", help="an edition (.xml) or a file to import")
    parser.add_argument("--study", action="store_true", help="open read-only in study mode")
    parser.add_argument("--review", action="store_true", help="open in review mode")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="render the window off screen to a PNG and exit")
    parser.add_argument("--size", default="1600x1000", help="window size for --screenshot")
    parser.add_argument("--version", action="version", version=f"variorum {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser.get_default("subparsers").choices)
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version")):
        args = _window_parser().parse_args(argv)
        from editor.ui.app import run_window   # imported late: the core runs without Qt
        return run_window(args)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except VariorumError as exc:
        print(f"variorum: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except OSError as exc:
        name = f" {exc.filename}" if exc.filename else ""
        print(f"variorum: cannot use{name}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("variorum: interrupted", file=sys.stderr)
        return 130
