"""The notebooks run top to bottom against the sandbox and are committed without outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def code_cells(path: Path) -> list[dict[str, Any]]:
    """The code cells of a notebook file, as stored."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [cell for cell in doc["cells"] if cell["cell_type"] == "code"]


def source(cell: dict[str, Any]) -> str:
    """A cell's source as one string (stored as a string or a list of lines)."""
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["metadata"]["kernelspec"]["name"] == "python3"
    for cell in code_cells(path):
        assert cell["outputs"] == [], f"{path.name}: a code cell has outputs"
        assert cell["execution_count"] is None, f"{path.name}: a code cell has a count"
        assert "execution" not in cell.get("metadata", {}), f"{path.name}: cell timing kept"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_connects_first_and_cleans_up_last(path: Path) -> None:
    cells = code_cells(path)

    # The first cell honours RELAY_BASE_URL or starts a sandbox; the last one stops it.
    assert "RELAY_BASE_URL" in source(cells[0])
    assert "SandboxServer" in source(cells[0])
    assert "server.stop()" in source(cells[-1])
    # Sample files are found wherever the package is installed, never by a relative path.
    assert all("data/" not in source(cell) for cell in cells)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without RELAY_BASE_URL each notebook starts its own sandbox in-process.
    monkeypatch.delenv("RELAY_BASE_URL", raising=False)
    monkeypatch.delenv("RELAY_API_KEY", raising=False)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()

    assert list(tmp_path.iterdir()) == [], f"{path.name} left files in its working directory"
