"""``relay-analytics submit``: validate, then send each submission key once, resumably."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from relay_analytics.cli._app import ApiKeyOption, BaseUrlOption, ExitCode, app, open_client

if TYPE_CHECKING:
    from relay_analytics.submit import ProgressCallback, SubmitResult
    from relay_analytics.validation import ValidationReport

#: submit_eed's default, repeated here so the CLI starts without importing polars
#: (tests/test_cli_submit.py keeps the two equal).
DEFAULT_CONCURRENCY: Final = 8

#: Keys listed one per line in the output before the rest is counted.
MAX_LISTED_KEYS: Final = 20
JOURNAL_SUFFIX: Final = ".journal.sqlite"


def default_journal(consumptions: Path) -> Path:
    """The journal beside the input: ``upload.csv`` -> ``upload.journal.sqlite``."""
    return consumptions.with_name(consumptions.stem + JOURNAL_SUFFIX)


@app.command()
def submit(
    consumptions: Annotated[
        Path, typer.Argument(help="Consumptions file: CSV, Parquet or ARGE EED JSON.")
    ],
    benchmarks: Annotated[
        Path | None, typer.Option("--benchmarks", help="Benchmarks file sent with them.")
    ] = None,
    units: Annotated[
        Path | None, typer.Option("--units", help="Units file (from `fetch units`) to check ids.")
    ] = None,
    journal: Annotated[
        Path | None,
        typer.Option(
            "--journal",
            help="SQLite journal of what was sent \\[default: <consumptions>.journal.sqlite "
            "beside the input]. Rerun with the same journal to resume.",
            show_default=False,
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, help="Requests in flight at once.")
    ] = DEFAULT_CONCURRENCY,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Validate, report what would be sent, send nothing."),
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Send the keys without errors; list the others."),
    ] = False,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Validate as on this day (YYYY-MM-DD)."),
    ] = None,
    base_url: BaseUrlOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Validate CONSUMPTIONS, then send each submission key to Relay once (resumable)."""
    import polars as pl

    from relay_analytics.io import InputError, read_benchmarks, read_consumptions, read_units
    from relay_analytics.submit import (
        JournalError,
        SubmissionAborted,
        SubmissionRefused,
        submit_eed,
    )

    journal_path = journal or default_journal(consumptions)
    try:
        cons = read_consumptions(consumptions)
        bench = read_benchmarks(benchmarks) if benchmarks else None
        unit_frame = read_units(units) if units else None
    except (InputError, OSError, pl.exceptions.PolarsError) as exc:
        typer.echo(f"error: cannot read input: {exc}", err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    # A dry run sends nothing, so it needs neither a base URL nor a key.
    client = None if dry_run else open_client(base_url, api_key)
    typer.echo(f"journal: {journal_path}" + (" (dry run: read only)" if dry_run else ""))
    try:
        with _progress_bar() as progress:
            result = submit_eed(
                client, cons, bench, journal=journal_path, units=unit_frame,
                concurrency=concurrency, dry_run=dry_run, skip_invalid=skip_invalid,
                as_of=as_of.date() if as_of else None, progress=progress,
            )  # fmt: skip
    except SubmissionRefused as exc:
        _print_findings(exc.report)
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(ExitCode.FAILED) from None
    except SubmissionAborted as exc:
        # Only errors every key would meet abort a run: a refused key or no server.
        _print_result(exc.result)
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(ExitCode.API) from None
    except JournalError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    finally:
        if client is not None:
            client.close()
    _print_result(result)
    raise typer.Exit(ExitCode.OK if result.ok else ExitCode.FAILED)


@contextmanager
def _progress_bar() -> Iterator[ProgressCallback | None]:
    """A rich progress bar on stderr when it is a terminal; nothing in logs or pipes."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (TextColumn("sending"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("sending", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _print_findings(report: ValidationReport) -> None:
    """The first errors (file, row, column, rule, message), then the count per rule."""
    from relay_analytics.validation import finding_line

    errors = report.errors
    for row in errors.head(MAX_LISTED_KEYS).iter_rows(named=True):
        typer.echo(finding_line(row), err=True)
    _echo_more(errors.height, "errors")
    for row in report.summary().iter_rows(named=True):
        typer.echo(f"{row['count']:>6} {row['severity']:<7} {row['rule']}", err=True)


def _print_result(result: SubmitResult) -> None:
    """Held-back and failed keys (up to MAX_LISTED_KEYS each), then the summary line."""
    from relay_analytics.frames import SUBMISSION_KEY

    held = result.held_back
    for row in held.head(MAX_LISTED_KEYS).iter_rows(named=True):
        key = ", ".join(f"{name} {row[name]}" for name in SUBMISSION_KEY)
        typer.echo(f"held back: {key}: {'; '.join(row['messages'])}", err=True)
    _echo_more(held.height, "held-back keys")
    for failure in result.failed[:MAX_LISTED_KEYS]:
        typer.echo(f"failed: {failure.key}: {failure.message}", err=True)
    _echo_more(len(result.failed), "failed keys")
    typer.echo(result.summary())


def _echo_more(count: int, what: str) -> None:
    if count > MAX_LISTED_KEYS:
        typer.echo(f"... and {count - MAX_LISTED_KEYS} more {what}", err=True)
