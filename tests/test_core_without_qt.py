"""The pure core imports and works with PySide6 made unimportable (as napari enforces)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT

CORE_PACKAGES = ("model", "align", "anchor", "formats", "io", "review", "cli")


def core_modules() -> list[str]:
    """Every module of the core packages (found on disk, so new ones are checked too)."""
    names = []
    for package in CORE_PACKAGES:
        for path in sorted((ROOT / "editor" / package).glob("*.py")):
            stem = path.stem
            names.append(f"editor.{package}" if stem == "__init__" else f"editor.{package}.{stem}")
    return names


CORE_MODULES = core_modules()


def test_core_imports_and_runs_without_qt(tmp_path):
    script = textwrap.dedent(f"""
        import importlib, sys
        sys.modules["PySide6"] = None          # any import of PySide6 now fails
        for name in {CORE_MODULES!r}:
            importlib.import_module(name)
        from editor.model import Edition, Witness
        from editor.model import operations as ops
        from editor.formats import native
        e = Edition()
        e.add_witness(Witness("typed", text="Hello world"))
        ops.add_annotation(e, "typed", 0, 5, "addition")
        ops.edit_text(e, "typed", 0, 0, "Oh, ")
        assert native.from_bytes(native.to_bytes(e)).edition == e
        assert not any(m == "PySide6" or m.startswith("PySide6.") for m in sys.modules
                       if sys.modules[m] is not None)
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_core_packages_never_import_qt_in_source():
    import re
    offenders = []
    for package in CORE_PACKAGES:
        for path in (ROOT / "editor" / package).rglob("*.py"):
            if re.search(r"^\s*(from|import)\s+PySide6", path.read_text(), re.M):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
