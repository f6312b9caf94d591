"""The typer application, exit codes and options shared by every command."""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated

import typer

app = typer.Typer(
    name="relay-analytics",
    help="Prepare, validate, chart and submit EED monthly consumption data for the Relay API.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals could hold the API key
)


@app.callback()
def main() -> None:
    """Prepare, validate, chart and submit EED monthly consumption data for the Relay API."""


class ExitCode(IntEnum):
    """Exit codes that scripts can rely on (DESIGN.md section 4)."""

    OK = 0
    FAILED = 1  # validation errors, a refused submission or keys that failed
    USAGE = 2  # bad usage or unreadable input
    API = 3  # the API is unreachable or answered with an error


BaseUrlOption = Annotated[
    str | None,
    typer.Option("--base-url", envvar="RELAY_BASE_URL", help="Relay API base URL."),
]
ApiKeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        envvar="RELAY_API_KEY",
        help="Relay API key (prefer the RELAY_API_KEY variable).",
        show_default=False,
        show_envvar=True,
    ),
]
