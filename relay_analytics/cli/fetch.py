"""``relay-analytics fetch``: load units, properties, customers or orders into a file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relay_analytics.cli._app import ApiKeyOption, BaseUrlOption, ExitCode, app, open_client

if TYPE_CHECKING:
    import polars as pl

    from relay_analytics.api import RelayClient


class Collection(StrEnum):
    """What ``fetch`` can load."""

    UNITS = "units"
    MSC_UNITS = "msc-units"
    PROPERTIES = "properties"
    CUSTOMERS = "customers"
    ORDERS = "orders"


WRITERS = (".parquet", ".csv")


def _load(what: Collection, client: RelayClient) -> pl.DataFrame:
    """Load one collection (polars is imported here, so the CLI starts fast)."""
    from relay_analytics import loaders

    if what is Collection.MSC_UNITS:
        return loaders.load_units(client, msc_only=True)
    load = {
        Collection.UNITS: loaders.load_units,
        Collection.PROPERTIES: loaders.load_properties,
        Collection.CUSTOMERS: loaders.load_customers,
        Collection.ORDERS: loaders.load_orders,
    }[what]
    return load(client)


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
    suffix = out.suffix.lower()
    if suffix not in WRITERS:
        typer.echo(
            f"error: --out {out}: unknown file type {out.suffix or '(none)'!r}; "
            f"use one of {', '.join(WRITERS)}",
            err=True,
        )
        raise typer.Exit(ExitCode.USAGE)
    from relay_analytics.api import RelayError

    with open_client(base_url, api_key) as client:
        try:
            frame = _load(what, client)
        except RelayError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(ExitCode.API) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        frame.write_parquet(out)
    else:
        frame.write_csv(out)
    typer.echo(f"wrote {frame.height} {what.value} to {out}")
