"""The ``relay-analytics`` command line: typer commands over the public API."""

from relay_analytics.cli import demo  # noqa: F401  (registers the command)
from relay_analytics.cli._app import app

__all__ = ["app"]
