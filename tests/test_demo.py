"""``relay-analytics demo``: the whole path end to end in a subprocess, leaving nothing running."""

from __future__ import annotations

import csv
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relay_analytics.cli import app
from relay_analytics.io import read_benchmarks, read_consumptions
from relay_analytics.samples import sample_path
from relay_analytics.sandbox import DEFAULT_API_KEY
from relay_analytics.submit import Journal, build_eed_payloads

CLI = Path(sys.executable).with_name("relay-analytics")
#: The demo needs no settings: run it without any RELAY_* variables of this machine.
CLEAN_ENV = {name: value for name, value in os.environ.items() if not name.startswith("RELAY_")}


def write_stale_journal(path: Path) -> None:
    """A journal that says every sample key was sent already, as an earlier demo leaves it."""
    cons = read_consumptions(sample_path("consumptions.csv"))
    bench = read_benchmarks(sample_path("benchmarks.csv"))
    payloads = build_eed_payloads(cons, bench)
    with Journal(path) as journal:
        journal.mark_pending(payloads)
        journal.mark_sent((payload, "sent by an earlier demo") for payload in payloads)


@pytest.fixture(scope="module")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One demo run into a directory an earlier demo left a journal in."""
    out = tmp_path_factory.mktemp("demo") / "out"
    out.mkdir()
    write_stale_journal(out / "eed-journal.sqlite")
    completed = subprocess.run(
        [str(CLI), "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        env=CLEAN_ENV,
        timeout=240,
        check=False,
    )
    return out, completed


@pytest.mark.slow
def test_demo_exits_0_and_writes_report_pngs_findings_and_journal(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, completed = demo_run

    assert completed.returncode == 0, completed.stderr
    assert (out / "report.html").stat().st_size > 0
    assert list(out.glob("*.png"))
    assert (out / "upload-findings.html").stat().st_size > 0
    assert (out / "eed-journal.sqlite").is_file()
    assert f"{out / 'report.html'}" in completed.stdout


@pytest.mark.slow
def test_the_readme_shows_the_demo_output_as_it_is(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, completed = demo_run
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ uv run relay-analytics demo\n")[1].split("```")[0].splitlines()
    actual = {
        re.sub(
            r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line.replace(str(out), "relay-analytics-demo")
        )
        for line in completed.stdout.splitlines()
    }
    for line in shown:
        if line.strip() != "...":  # the README trims the list of findings
            assert re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line) in actual, line


@pytest.mark.slow
def test_demo_sends_everything_once_despite_an_old_journal_and_verifies_it(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, completed = demo_run

    assert "submit:   sent 888, corrected 0, skipped 0" in completed.stdout
    assert "again:    sent 0, corrected 0, skipped 888" in completed.stdout
    assert "the sandbox holds 888 EED records, each exactly as sent" in completed.stdout


@pytest.mark.slow
def test_demo_reports_every_mistake_planted_in_the_sample_upload(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, completed = demo_run
    with sample_path("upload_with_mistakes_expected.csv").open(encoding="utf-8") as expected:
        rows = {int(mistake["row"]) for mistake in csv.DictReader(expected)}

    reported = {int(row) for row in re.findall(r"^  row (\d+): ", completed.stdout, re.M)}

    assert rows <= reported


@pytest.mark.slow
def test_demo_leaves_no_server_running_and_prints_no_key(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, completed = demo_run
    match = re.search(r"started at http://127\.0\.0\.1:(\d+)", completed.stdout)
    assert match, completed.stdout

    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=5).close()
    assert DEFAULT_API_KEY not in completed.stdout + completed.stderr


def test_demo_help_names_the_out_option_and_its_default() -> None:
    result = CliRunner().invoke(app, ["demo", "--help"])

    assert result.exit_code == 0
    assert "--out" in result.stdout
    assert "relay-analytics-demo" in result.stdout
