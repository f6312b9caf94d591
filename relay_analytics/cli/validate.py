"""``relay-analytics validate``: check consumption (and benchmark) files before submission."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from relay_analytics.cli._app import ExitCode, app

if TYPE_CHECKING:
    from relay_analytics.validation import ValidationReport

_SHOWN_FINDINGS = 20


@app.command()
def validate(
    consumptions: Annotated[Path, typer.Argument(help="Consumptions: .csv, .parquet or .json.")],
    benchmarks: Annotated[
        Path | None, typer.Option("--benchmarks", help="Benchmarks file (.csv or .parquet).")
    ] = None,
    units: Annotated[
        Path | None,
        typer.Option("--units", help="Relay units (from `fetch units`) to check the ids against."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="YYYY-MM-DD: months from this one on are incomplete."),
    ] = None,
    output_format: Annotated[
        Literal["text", "json"],
        typer.Option("--format", help="text: a summary; json: the full report on stdout."),
    ] = "text",
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the findings as an HTML file.")
    ] = None,
    ignore_extra_columns: Annotated[
        bool, typer.Option("--ignore-extra-columns", help="Accept columns besides the canonical.")
    ] = False,
) -> None:
    """Validate files; exit 0 without errors (warnings allowed), 1 with errors, 2 if unreadable."""
    from relay_analytics.io import InputError, read_benchmarks, read_consumptions, read_units
    from relay_analytics.validation import validate_eed

    console = Console(stderr=output_format == "json")
    try:
        day = _parse_day(as_of)
        cons = read_consumptions(consumptions, ignore_extra_columns=ignore_extra_columns)
        bench = (
            read_benchmarks(benchmarks, ignore_extra_columns=ignore_extra_columns)
            if benchmarks is not None
            else None
        )
        known_units = read_units(units) if units is not None else None
    except InputError as error:
        console.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(ExitCode.USAGE) from error
    result = validate_eed(cons, bench, known_units, as_of=day)
    if report is not None:
        report.write_text(result.to_html(title=f"Validation of {consumptions.name}"), "utf-8")
    if output_format == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    else:
        _print_text(console, result)
    raise typer.Exit(ExitCode.OK if result.ok else ExitCode.FAILED)


def _parse_day(text: str | None) -> dt.date | None:
    """``--as-of`` as a date; a malformed value is a usage error naming the option."""
    from relay_analytics.io import InputError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise InputError("--as-of", f"{text!r} is not a date in YYYY-MM-DD form") from error


def _print_text(console: Console, result: ValidationReport) -> None:
    """Counts per rule and the first findings, one line each with file and row."""
    from relay_analytics.validation import finding_line

    errors, warnings = result.errors.height, result.warnings.height
    if result.findings.is_empty():
        console.print(f"[green]OK[/green]: {result.rows} rows, no findings.")
        return
    counts = Table(title="Findings per rule")
    for name in ("rule", "severity", "count"):
        counts.add_column(name, justify="right" if name == "count" else "left")
    for rule, severity, count in result.summary().iter_rows():
        counts.add_row(rule, _styled(severity), str(count))
    console.print(counts)
    shown = result.findings.sort("severity", "file", "row").head(_SHOWN_FINDINGS)
    if shown.height < result.findings.height:
        console.print(f"First {shown.height} of {result.findings.height} findings:")
    for finding in shown.iter_rows(named=True):
        line = escape(finding_line(finding))
        console.print(_styled(finding["severity"], line), soft_wrap=True, highlight=False)
    verdict = "[green]OK[/green]" if result.ok else "[red]FAILED[/red]"
    console.print(f"{verdict}: {result.rows} rows, {errors} errors, {warnings} warnings.")


def _styled(severity: str, text: str | None = None) -> str:
    colour = "red" if severity == "error" else "yellow"
    return f"[{colour}]{text or severity}[/{colour}]"
