"""``relay-analytics demo``: the whole path on the embedded sandbox."""

from __future__ import annotations

import typer

from relay_analytics.cli._app import app


@app.command()
def demo() -> None:
    """Run the whole path on the embedded sandbox and sample data."""
    typer.echo("demo: not implemented yet")
