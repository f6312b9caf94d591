"""The public API of ``relay_analytics`` resolves lazily and completely."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fixtures.imports import loaded_by

import relay_analytics as ra

INIT = Path(ra.__file__)


def type_checking_imports() -> set[str]:
    """Names imported under ``if TYPE_CHECKING:`` in the package's __init__."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If))
    return {
        alias.asname or alias.name
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_type_checking_imports_match_the_lazy_table() -> None:
    assert type_checking_imports() == set(ra.__all__)


@pytest.mark.parametrize("name", ra.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(ra, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = ra.no_such_thing  # type: ignore[attr-defined]


def test_importing_the_package_loads_no_heavy_library() -> None:
    assert loaded_by("relay_analytics", ["polars", "altair", "pandera", "httpx"]) == []


def test_all_lists_exactly_the_lazy_names() -> None:
    assert set(ra.__all__) == set(ra._MODULE_OF) | set(ra._SUBMODULES)
