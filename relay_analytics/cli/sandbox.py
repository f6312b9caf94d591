"""``relay-analytics sandbox``: run the local Relay server in the foreground."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from relay_analytics.cli._app import ExitCode, app


@app.command()
def sandbox(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on; 0 picks a free one.", min=0)] = 8765,
    db: Annotated[
        Path | None,
        typer.Option(help="SQLite file that keeps the state across restarts (default: memory)."),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="RELAY_API_KEY",
            show_envvar=True,
            show_default=False,
            help="Key the sandbox accepts (default: the local key in docs/sandbox.md).",
        ),
    ] = None,
    fail_rate: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share of API requests answered 500.")
    ] = 0.0,
    throttle_rate: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Share of API requests answered 429 with Retry-After."),
    ] = 0.0,
    retry_after: Annotated[
        int, typer.Option(min=0, help="Seconds in the Retry-After header of a 429.")
    ] = 1,
    latency_ms: Annotated[
        float, typer.Option(min=0.0, help="Latency added to every API request, in ms.")
    ] = 0.0,
    drop_rate: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Share of API requests applied and then answered by closing the connection.",
        ),
    ] = 0.0,
    seed: Annotated[
        int, typer.Option(help="Seed of the fault draws (same seed, same faults).")
    ] = 0,
    no_seed: Annotated[
        bool, typer.Option("--no-seed", help="Draw faults from fresh randomness on every run.")
    ] = False,
    no_sample_data: Annotated[
        bool, typer.Option("--no-sample-data", help="Start empty instead of with data/.")
    ] = False,
) -> None:
    """Run the local Relay server (the whole contract, sample data, fault switches).

    Prints the API base URL on the first line of stdout; stops on Ctrl+C.
    """
    # Imported here: the sandbox's dependencies are an optional extra.
    try:
        from relay_analytics.sandbox import DEFAULT_API_KEY, Faults, SandboxServer
    except ImportError as error:
        typer.echo(
            f"error: the sandbox needs its extra: pip install 'relay-analytics[sandbox]' ({error})",
            err=True,
        )
        raise typer.Exit(ExitCode.USAGE) from None
    try:
        faults = Faults(
            fail_rate=fail_rate,
            throttle_rate=throttle_rate,
            retry_after_s=retry_after,
            latency_ms=latency_ms,
            drop_rate=drop_rate,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    try:
        server = SandboxServer(
            api_key=api_key or DEFAULT_API_KEY,
            faults=faults,
            seed=None if no_seed else seed,
            db=db,
            sample_data=not no_sample_data,
            host=host,
            port=port,
        )
    except OSError as error:
        typer.echo(f"error: cannot listen on {host}:{port}: {error}", err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    with server:
        typer.echo(server.url)
        key_source = "--api-key/RELAY_API_KEY" if api_key else "the default local key"
        typer.echo(f"Relay sandbox ready; accepts {key_source}. Ctrl+C stops it.", err=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            typer.echo("stopped", err=True)
