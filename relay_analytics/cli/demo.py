"""``relay-analytics demo``: the whole path on the embedded sandbox."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer
from rich.console import Console

from relay_analytics.cli._app import ExitCode, app

if TYPE_CHECKING:
    from relay_analytics.demo import DemoResult
    from relay_analytics.validation import ValidationReport

#: Warning rules named in a validation line before the rest is counted.
MAX_LISTED_RULES: Final = 3


@app.command()
def demo(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Directory for the report, the PNGs and the journal.", file_okay=False
        ),
    ] = Path("relay-analytics-demo"),
) -> None:
    """Run the whole path on a sandbox started in-process and the sample data in data/.

    Loads units and properties, validates the sample upload with mistakes and the clean sample,
    writes the HTML report with charts, submits with a journal, checks what the sandbox received
    and stops the sandbox. Needs no credentials and no network.
    """
    # Imported here: the sandbox's dependencies are an optional extra, and polars, pandera
    # and altair load only when a command needs them.
    from relay_analytics.api import RelayError
    from relay_analytics.submit import SubmissionError

    try:
        from relay_analytics.demo import DemoError, run_demo
    except ImportError as error:
        typer.echo(
            "error: the demo needs the sandbox extra: "
            f"pip install 'relay-analytics[sandbox]' ({error})",
            err=True,
        )
        raise typer.Exit(ExitCode.USAGE) from None
    # A spinner only where a person watches; pipes and CI logs get the summary alone.
    status = Console(stderr=True).status("starting") if sys.stderr.isatty() else None
    try:
        with status or contextlib.nullcontext():
            result = run_demo(out, on_step=status.update if status is not None else None)
    except DemoError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(ExitCode.FAILED) from None
    except (RelayError, SubmissionError) as error:
        # The in-process sandbox failed to answer: nothing a user's input could cause.
        typer.echo(f"error: the sandbox did not answer as expected: {error}", err=True)
        raise typer.Exit(ExitCode.API) from None
    except OSError as error:
        # The output directory cannot be written, or the sample data is missing.
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    _print_summary(result)


def _print_summary(result: DemoResult) -> None:
    """A few lines per step, with the paths written."""
    from relay_analytics.demo import BENCHMARKS_SAMPLE, CONSUMPTIONS_SAMPLE, UPLOAD_SAMPLE
    from relay_analytics.validation import finding_line

    echo = typer.echo
    echo(f"sandbox:  started at {result.sandbox_url} with the sample data")
    properties = result.properties.height
    echo(f"loaded:   {result.msc_units.height} MSC units in {properties} properties")
    echo(f"checked:  data/{UPLOAD_SAMPLE}: {_verdict(result.upload_check)}")
    for row in result.upload_check.errors.sort("row").iter_rows(named=True):
        echo(f"  {finding_line(row, with_file=False)}")
    echo(f"  all findings: {result.upload_findings}")
    samples = f"data/{CONSUMPTIONS_SAMPLE} + data/{BENCHMARKS_SAMPLE}"
    echo(f"checked:  {samples}: {_verdict(result.sample_check)}")
    echo(f"report:   {result.report.html} and {len(result.report.pngs)} PNG files beside it")
    echo(f"submit:   {result.submission.summary()}")
    echo(f"  journal: {result.journal}")
    echo(f"again:    {result.resubmission.summary()}")
    echo(f"verified: the sandbox holds {result.received} EED records, each exactly as sent")
    echo("stopped:  the sandbox; nothing is left running")


def _verdict(report: ValidationReport) -> str:
    """'29 rows, 9 errors, 13 warnings (kwh_missing 12, ...)'."""
    warnings = report.summary().filter(severity="warning")
    named = [f"{rule} {count}" for rule, _, count in warnings.head(MAX_LISTED_RULES).iter_rows()]
    if warnings.height > MAX_LISTED_RULES:
        named.append("...")
    detail = f" ({', '.join(named)})" if named else ""
    return (
        f"{report.rows} rows, {report.errors.height} errors, "
        f"{report.warnings.height} warnings{detail}"
    )
