"""The ``relay-analytics`` command line: typer commands over the public API."""

# Importing a command module registers its command on the app.
from relay_analytics.cli import demo, fetch, report, sandbox, submit, validate  # noqa: F401
from relay_analytics.cli._app import app

__all__ = ["app"]
