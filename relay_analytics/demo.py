"""The whole path on the embedded sandbox and the sample data: what ``relay-analytics demo`` runs.

Start a local Relay sandbox, load units and properties through the client, validate the sample
upload with mistakes and the clean sample, write the HTML report, submit the clean sample with a
journal (twice, to show that a rerun sends nothing again) and check that the sandbox received
exactly what was sent. Nothing is printed here; the CLI prints the returned :class:`DemoResult`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import polars as pl

from relay_analytics.api import RelayClient
from relay_analytics.io import read_benchmarks, read_consumptions
from relay_analytics.loaders import load_properties, load_units
from relay_analytics.report import ReportPaths, write_report
from relay_analytics.samples import sample_path
from relay_analytics.sandbox import SandboxServer
from relay_analytics.submit import SubmitResult, build_eed_payloads, submit_eed
from relay_analytics.validation import ValidationReport, validate_eed

DEFAULT_OUT_DIR: Final = Path("relay-analytics-demo")
JOURNAL_NAME: Final = "eed-journal.sqlite"
UPLOAD_FINDINGS_NAME: Final = "upload-findings.html"
UPLOAD_SAMPLE: Final = "upload_with_mistakes.csv"
CONSUMPTIONS_SAMPLE: Final = "consumptions.csv"
BENCHMARKS_SAMPLE: Final = "benchmarks.csv"
#: The sample upload is for November 2026: validating as on 1 December 2026 shows the same
#: findings on any day (the upload's month in the future would otherwise stop being one).
AS_OF: Final = dt.date(2026, 12, 1)
#: The MSC names the demo accepts (the large German MSCs), so that a misspelt name is found.
MSC_ALLOW_LIST: Final = ("ista", "Techem", "Brunata-Metrona", "Minol", "KALO")


class DemoError(RuntimeError):
    """The demo found that the sandbox did not receive exactly what was sent."""


@dataclass(frozen=True)
class DemoResult:
    """What each step of :func:`run_demo` produced, and the files it wrote."""

    #: The sandbox's API base URL while it ran (it is stopped when run_demo returns).
    sandbox_url: str
    msc_units: pl.DataFrame
    properties: pl.DataFrame
    #: Validation of ``data/upload_with_mistakes.csv``: real findings.
    upload_check: ValidationReport
    upload_findings: Path
    #: Validation of ``data/consumptions.csv`` with ``data/benchmarks.csv``.
    sample_check: ValidationReport
    report: ReportPaths
    submission: SubmitResult
    #: The same submission rerun with the same journal: everything is skipped.
    resubmission: SubmitResult
    #: EED records the sandbox holds after both runs; equal to what was sent (checked).
    received: int
    journal: Path


def run_demo(
    out_dir: str | Path = DEFAULT_OUT_DIR, *, on_step: Callable[[str], None] | None = None
) -> DemoResult:
    """Run the whole path against a sandbox started in-process; stop it before returning.

    ``on_step`` is called with a short description before each step (for a progress display).
    A journal left in ``out_dir`` by an earlier demo is removed first: it recorded what an
    earlier, since stopped sandbox received, and would make this run skip every key.
    """
    step = on_step or (lambda _description: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    journal = out / JOURNAL_NAME
    _remove_journal(journal)
    step("starting the sandbox")
    with SandboxServer() as server, RelayClient(server.url, server.api_key) as client:
        step("loading units and properties")
        msc_units = load_units(client, msc_only=True)
        properties = load_properties(client)
        step(f"validating {UPLOAD_SAMPLE}")
        upload = read_consumptions(sample_path(UPLOAD_SAMPLE))
        upload_check = validate_eed(
            upload, units=msc_units, as_of=AS_OF, msc_allow_list=MSC_ALLOW_LIST
        )
        upload_findings = out / UPLOAD_FINDINGS_NAME
        upload_findings.write_text(
            upload_check.to_html(title=f"Validation of {UPLOAD_SAMPLE}"), encoding="utf-8"
        )
        step(f"validating {CONSUMPTIONS_SAMPLE} and {BENCHMARKS_SAMPLE}")
        cons = read_consumptions(sample_path(CONSUMPTIONS_SAMPLE))
        bench = read_benchmarks(sample_path(BENCHMARKS_SAMPLE))
        sample_check = validate_eed(
            cons, bench, units=msc_units, as_of=AS_OF, msc_allow_list=MSC_ALLOW_LIST
        )
        step("writing the report")
        report = write_report(cons, bench, out_dir=out, validation=sample_check)
        step("submitting")
        # Keys with errors are held back rather than refusing the whole demo.
        submission = submit_eed(
            client, cons, bench, journal=journal, units=msc_units, as_of=AS_OF, skip_invalid=True
        )
        step("submitting again with the same journal")
        resubmission = submit_eed(
            client, cons, bench, journal=journal, units=msc_units, as_of=AS_OF, skip_invalid=True
        )
        step("checking what the sandbox received")
        received = server.received_eed()
        _check_received(submission, received)
        return DemoResult(
            sandbox_url=server.url,
            msc_units=msc_units,
            properties=properties,
            upload_check=upload_check,
            upload_findings=upload_findings,
            sample_check=sample_check,
            report=report,
            submission=submission,
            resubmission=resubmission,
            received=len(received),
            journal=journal,
        )


def _remove_journal(journal: Path) -> None:
    """Delete a journal and its SQLite WAL companions."""
    for path in (journal, *(journal.with_name(journal.name + s) for s in ("-wal", "-shm"))):
        path.unlink(missing_ok=True)


def _check_received(submission: SubmitResult, received: list[dict[str, Any]]) -> None:
    """Raise DemoError unless the sandbox holds exactly the request bodies that were sent."""
    report = submission.report
    sent_keys = {*submission.sent, *submission.corrected}
    sent = [
        payload.body
        for payload in build_eed_payloads(report.valid_consumptions, report.valid_benchmarks)
        if payload.key in sent_keys
    ]
    if any(record["revision"] != 1 for record in received):
        raise DemoError("the sandbox received some submission keys more than once")
    missing, unexpected = _difference(sent, [record["payload"] for record in received])
    if missing or unexpected:
        raise DemoError(
            f"the sandbox's records differ from what was sent: {missing} sent bodies are "
            f"missing there and {unexpected} bodies there were not sent"
        )


def _difference(
    sent: Iterable[dict[str, Any]], received: Iterable[dict[str, Any]]
) -> tuple[int, int]:
    """(bodies sent but not received, bodies received but not sent), compared as JSON."""
    sent_counts = Counter(json.dumps(body, sort_keys=True) for body in sent)
    received_counts = Counter(json.dumps(body, sort_keys=True) for body in received)
    return (
        (sent_counts - received_counts).total(),
        (received_counts - sent_counts).total(),
    )
