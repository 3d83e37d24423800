"""Dependencies point inward: cli → io → core/rules (STYLE.md item 2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import edupoverty

PACKAGE = Path(edupoverty.__file__).parent
FORBIDDEN_IN_CORE = {
    "click",
    "rich",
    "openpyxl",
    "fastexcel",
    "xlsxwriter",
    "xlwt",
    "edupoverty.cli",
    "edupoverty.io",
}
FORBIDDEN_CALLS = {"open", "today"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                found.add(func.id)
            elif isinstance(func, ast.Attribute):
                found.add(func.attr)
    return found


def _modules(*subpackages: str) -> list[Path]:
    return sorted(p for sub in subpackages for p in (PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize(
    "path", _modules("core", "rules"), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_core_module_imports_no_io_or_terminal_library(path: Path) -> None:
    """A core or rule module imports nothing that touches files, terminals or the CLI."""
    bad = {
        name
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_CORE)
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", _modules("core", "rules"), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_core_module_does_not_open_files_or_read_the_clock(path: Path) -> None:
    """Core code neither opens files nor calls date.today(): the clock is read only in cli/."""
    bad = _calls(path) & FORBIDDEN_CALLS
    assert not bad, f"{path.name} calls {sorted(bad)}"


@pytest.mark.parametrize("path", _modules("io"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_io_module_does_not_import_the_cli(path: Path) -> None:
    """The I/O adapters never import the command-line layer."""
    bad = {name for name in _imports(path) if name.startswith(("edupoverty.cli", "click", "rich"))}
    assert not bad, f"{path.name} imports {sorted(bad)}"
