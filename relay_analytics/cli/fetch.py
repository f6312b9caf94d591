"""``relay-analytics fetch``: load units, properties, customers or orders into a file."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from relay_analytics.api import RelayClient, RelayError
from relay_analytics.cli._app import ApiKeyOption, BaseUrlOption, ExitCode, app, open_client
from relay_analytics.loaders import load_customers, load_orders, load_properties, load_units


class Collection(StrEnum):
    """What ``fetch`` can load."""

    UNITS = "units"
    MSC_UNITS = "msc-units"
    PROPERTIES = "properties"
    CUSTOMERS = "customers"
    ORDERS = "orders"


LOADERS: dict[Collection, Callable[[RelayClient], pl.DataFrame]] = {
    Collection.UNITS: load_units,
    Collection.MSC_UNITS: lambda client: load_units(client, msc_only=True),
    Collection.PROPERTIES: load_properties,
    Collection.CUSTOMERS: load_customers,
    Collection.ORDERS: load_orders,
}

WRITERS: dict[str, Callable[[pl.DataFrame, Path], None]] = {
    ".parquet": lambda frame, path: frame.write_parquet(path),
    ".csv": lambda frame, path: frame.write_csv(path),
}


@app.command()
def fetch(
    what: Annotated[Collection, typer.Argument(help="What to load from the Relay API.")],
    out: Annotated[
        Path, typer.Option("--out", help="File to write: .parquet or .csv.", dir_okay=False)
    ],
    base_url: BaseUrlOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Load units, MSC units, properties, customers or orders from the API into a file."""
    writer = WRITERS.get(out.suffix.lower())
    if writer is None:
        typer.echo(
            f"error: --out {out}: unknown file type {out.suffix or '(none)'!r}; "
            f"use one of {', '.join(WRITERS)}",
            err=True,
        )
        raise typer.Exit(ExitCode.USAGE)
    with open_client(base_url, api_key) as client:
        try:
            frame = LOADERS[what](client)
        except RelayError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(ExitCode.API) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    writer(frame, out)
    typer.echo(f"wrote {frame.height} {what.value} to {out}")
