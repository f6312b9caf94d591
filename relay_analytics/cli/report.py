"""``relay-analytics report``."""

from __future__ import annotations

import contextlib
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from relay_analytics.cli._app import ExitCode, app


class Language(StrEnum):
    """Languages of the report's text and charts."""

    EN = "en"
    DE = "de"


@app.command()
def report(
    consumptions: Annotated[
        Path, typer.Argument(help="Consumptions file (CSV, Parquet, ARGE JSON).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Directory for report.html and the PNGs.")],
    benchmarks: Annotated[
        Path | None, typer.Option("--benchmarks", help="Benchmarks file.")
    ] = None,
    units: Annotated[
        Path | None, typer.Option("--units", help="Units (Parquet or CSV from `fetch units`).")
    ] = None,
    lang: Annotated[
        Language, typer.Option("--lang", help="Chart and page language.")
    ] = Language.EN,
) -> None:
    """Validate files and write an HTML report with charts, and PNGs of the charts beside it.

    Exits 1 when validation found errors (the report is still written), 2 for unreadable input.
    """
    import polars as pl

    from relay_analytics.io import InputError, read_benchmarks, read_consumptions, read_units
    from relay_analytics.report import write_report
    from relay_analytics.validation import validate_eed

    err = Console(stderr=True)
    try:
        cons = read_consumptions(consumptions)
        bench = read_benchmarks(benchmarks) if benchmarks is not None else None
        unit_frame = read_units(units) if units is not None else None
    except (InputError, OSError, pl.exceptions.PolarsError) as error:
        err.print(f"cannot read input: {error}")
        raise typer.Exit(ExitCode.USAGE) from None
    # A progress indicator only where a person watches; pipes and CI logs stay clean.
    status = err.status("validating") if sys.stderr.isatty() else None
    with status or contextlib.nullcontext():
        validation = validate_eed(cons, bench, units=unit_frame)
        paths = write_report(
            cons,
            bench,
            out_dir=out,
            validation=validation,
            lang=lang.value,
            on_progress=status.update if status is not None else None,
        )
    typer.echo(f"wrote {paths.html} and {len(paths.pngs)} PNG files")
    if not validation.ok:
        err.print(f"validation found {validation.errors.height} errors; see {paths.html}")
        raise typer.Exit(ExitCode.FAILED)
