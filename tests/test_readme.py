"""The README's Quickstart, CLI tour, Python tour and links stay true."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import typer.main
from typer.testing import CliRunner

from relay_analytics.cli import app

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS: dict[str, click.Command] = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def section(title: str) -> str:
    """The text of the ``## title`` section, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def code_blocks(language: str) -> list[str]:
    """The bodies of the README's fenced code blocks in ``language``."""
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.M | re.S)


def shown_invocations() -> list[list[str]]:
    """Each ``relay-analytics ...`` command line of the console blocks, as argument lists."""
    invocations = []
    for block in code_blocks("console"):
        for line in block.splitlines():
            command = line.removeprefix("$ ").split("#")[0].strip().rstrip("&").strip()
            if command.startswith(("relay-analytics ", "uv run relay-analytics ")):
                arguments = shlex.split(command)
                invocations.append(arguments[arguments.index("relay-analytics") + 1 :])
    return invocations


INVOCATIONS = shown_invocations()


def test_quickstart_has_exactly_the_two_commands_and_how_to_get_uv() -> None:
    quickstart = section("Quickstart")
    block = re.findall(r"```console\n(.*?)```", quickstart, re.S)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]

    assert commands == ["uv run relay-analytics demo", "uv run pytest"]
    assert "pip install uv" in quickstart


def test_readme_shows_every_command() -> None:
    shown = {arguments[0] for arguments in INVOCATIONS}

    assert shown == set(COMMANDS)


@pytest.mark.parametrize("arguments", INVOCATIONS, ids=" ".join)
def test_each_shown_command_is_registered_and_takes_the_options_shown(
    arguments: list[str],
) -> None:
    name, *rest = arguments
    assert name in COMMANDS, f"README shows `relay-analytics {name}`, which is not a command"
    known = {opt for param in COMMANDS[name].params for opt in param.opts + param.secondary_opts}

    shown_options = {token for token in rest if token.startswith("--")}

    assert shown_options <= known, f"{name}: unknown options {shown_options - known}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_of_each_command_works(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])

    assert result.exit_code == 0, result.output


def test_the_notebook_table_lists_the_notebooks() -> None:
    listed = set(re.findall(r"`(\d\d_\w+\.ipynb)`", section("Notebooks")))

    assert listed == {path.name for path in (ROOT / "notebooks").glob("*.ipynb")}


@pytest.mark.parametrize(
    "target", sorted(set(re.findall(r"\]\(((?:docs|data)/[^)#]+)", README))), ids=str
)
def test_relative_links_point_at_files(target: str) -> None:
    assert (ROOT / target).is_file()


@pytest.mark.slow
def test_the_python_tour_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (block,) = code_blocks("python")
    # The tour writes report/ and eed-journal.sqlite into the working directory.
    monkeypatch.chdir(tmp_path)

    exec(compile(block, "README.md", "exec"), {})  # our own README, executed as documentation

    assert (tmp_path / "report" / "report.html").is_file()
    assert (tmp_path / "eed-journal.sqlite").is_file()
