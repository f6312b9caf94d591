"""The typer application, exit codes and options shared by every command.

Command modules import polars, pandera, altair and httpx inside their commands, not at the
top, so that ``--help`` and ``relay-analytics sandbox`` start in a fraction of a second.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from relay_analytics.api import RelayClient

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


def open_client(base_url: str | None, api_key: str | None) -> RelayClient:
    """Make a RelayClient from the options, or exit with ExitCode.USAGE saying what is missing."""
    from relay_analytics.api import ConfigurationError, RelayClient

    try:
        return RelayClient(base_url or "", api_key or "")
    except ConfigurationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(ExitCode.USAGE) from None
