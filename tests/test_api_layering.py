"""The client layer stays below the data layer: api/ never imports polars; httpx stays in api/."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "relay_analytics"


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a source file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_api_never_imports_polars() -> None:
    offenders = [p.name for p in (PACKAGE / "api").glob("*.py") if "polars" in imported_modules(p)]
    assert offenders == []


def test_httpx_is_imported_only_inside_api() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "httpx" in imported_modules(p) and p.parent.name != "api"
    ]
    assert offenders == []
