"""``relay-analytics submit``: exit codes, output, and resuming after SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures.submission import AS_OF, eed_frames, received, with_amount
from typer.testing import CliRunner

from relay_analytics.cli import app
from relay_analytics.io import write_benchmarks, write_consumptions
from relay_analytics.sandbox import Faults, SandboxServer
from relay_analytics.submit.journal import Journal, JournalError, JournalState
from relay_analytics.submit.payloads import build_eed_payloads

CLI = Path(sys.executable).with_name("relay-analytics")
#: The CLI's environment without any RELAY_* settings of the machine running the tests.
CLEAN_ENV = dict.fromkeys(("RELAY_BASE_URL", "RELAY_API_KEY"))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """Consumptions and benchmarks CSV files of 20 keys."""
    cons, bench = eed_frames(20)
    write_consumptions(cons, tmp_path / "upload.csv")
    write_benchmarks(bench, tmp_path / "bench.csv")
    return tmp_path / "upload.csv", tmp_path / "bench.csv"


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    result = CliRunner(env=CLEAN_ENV).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def submit_args(server: SandboxServer, *extra: str | Path) -> list[str | Path]:
    """Options that point the CLI at ``server`` and fix the validation day."""
    return ["--base-url", server.url, "--api-key", server.api_key, "--as-of", str(AS_OF), *extra]


def test_submit_sends_everything_and_states_the_journal_beside_the_input(
    empty_sandbox: SandboxServer, files: tuple[Path, Path]
) -> None:
    cons, bench = files
    code, out, err = run("submit", cons, "--benchmarks", bench, *submit_args(empty_sandbox))

    assert code == 0, err
    journal = cons.with_name("upload.journal.sqlite")
    assert f"journal: {journal}" in out
    assert "sent 20, corrected 0, skipped 0 (already sent), held back 0 (invalid), failed 0" in out
    assert len(empty_sandbox.received_eed()) == 20
    assert empty_sandbox.api_key not in out + err

    code, out, _ = run("submit", cons, "--benchmarks", bench, *submit_args(empty_sandbox))
    assert code == 0
    assert "sent 0, corrected 0, skipped 20 (already sent)" in out


def test_a_correction_is_reported_as_such(
    empty_sandbox: SandboxServer, files: tuple[Path, Path], tmp_path: Path
) -> None:
    cons, _ = files
    journal = tmp_path / "mine.sqlite"
    run("submit", cons, "--journal", journal, *submit_args(empty_sandbox))
    frame, _ = eed_frames(20)
    write_consumptions(with_amount(frame, unit_id=2, amount=77.0), cons)

    code, out, _ = run("submit", cons, "--journal", journal, *submit_args(empty_sandbox))

    assert code == 0
    assert f"journal: {journal}" in out
    assert "sent 0, corrected 1, skipped 19 (already sent)" in out


def test_invalid_input_is_refused_with_the_findings_and_exit_1(
    empty_sandbox: SandboxServer, files: tuple[Path, Path]
) -> None:
    cons, _ = files
    frame, _ = eed_frames(20)
    write_consumptions(with_amount(frame, unit_id=4, amount=-1.0), cons)

    code, _, err = run("submit", cons, *submit_args(empty_sandbox))

    assert code == 1
    assert "amount_negative" in err
    assert "upload.csv:7: error: amount_negative: amount '-1.0'" in err  # file, row, column
    assert "--skip-invalid" in err
    assert empty_sandbox.received_eed() == []

    code, out, err = run("submit", cons, "--skip-invalid", *submit_args(empty_sandbox))
    assert code == 0
    assert "held back: property_id 1, unit_id 4" in err
    assert "sent 19, corrected 0, skipped 0 (already sent), held back 1 (invalid)" in out


def test_dry_run_needs_no_api_and_writes_nothing(files: tuple[Path, Path]) -> None:
    cons, bench = files

    code, out, _ = run("submit", cons, "--benchmarks", bench, "--dry-run", "--as-of", str(AS_OF))

    assert code == 0
    assert "would send 20" in out
    assert not cons.with_name("upload.journal.sqlite").exists()


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["missing.csv"], id="missing file"),
        pytest.param(["{cons}", "--concurrency", "0"], id="bad concurrency"),
        pytest.param(["{cons}", "--as-of", "15.06.2025"], id="bad date"),
    ],
)
def test_usage_errors_and_unreadable_input_exit_2(
    files: tuple[Path, Path], args: list[str]
) -> None:
    cons, _ = files
    code, _, _ = run("submit", *(a.format(cons=cons) for a in args), "--dry-run")
    assert code == 2


def test_a_journal_that_is_no_journal_exits_2(
    empty_sandbox: SandboxServer, files: tuple[Path, Path]
) -> None:
    cons, _ = files
    code, _, err = run("submit", cons, "--journal", cons, *submit_args(empty_sandbox))
    assert code == 2
    assert "cannot use this file as a submission journal" in err


def test_an_unreachable_api_exits_3(files: tuple[Path, Path]) -> None:
    cons, _ = files
    with SandboxServer(sample_data=False) as gone:
        url = gone.url  # free a moment ago, closed now
    code, _, err = run("submit", cons, "--base-url", url, "--api-key", "k", "--as-of", str(AS_OF))
    assert code == 3
    assert "rerun with the same journal" in err


@pytest.mark.slow
def test_a_submit_killed_mid_run_resumes_and_every_key_lands_once(
    empty_sandbox: SandboxServer, tmp_path: Path
) -> None:
    keys, concurrency = 200, 4
    cons, bench = eed_frames(keys, seed=3)
    write_consumptions(cons, tmp_path / "upload.csv")
    write_benchmarks(bench, tmp_path / "bench.csv")
    journal = tmp_path / "upload.journal.sqlite"
    empty_sandbox.set_faults(Faults(latency_ms=30))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    env["RELAY_API_KEY"] = empty_sandbox.api_key
    command = [
        str(CLI), "submit", str(tmp_path / "upload.csv"),
        "--benchmarks", str(tmp_path / "bench.csv"), "--base-url", empty_sandbox.url,
        "--as-of", str(AS_OF), "--concurrency", str(concurrency),
    ]  # fmt: skip

    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sent_at_kill = _wait_for_sent_keys(journal, at_least=20, process=first)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    with Journal(journal, read_only=True) as book:
        sent_before = sum(e.state is JournalState.SENT for e in book.entries().values())
    assert sent_at_kill <= sent_before < keys  # killed mid-run, nothing lost of what was sent

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert second.returncode == 0, second.stderr
    assert f"skipped {sent_before} (already sent)" in second.stdout
    assert empty_sandbox.api_key not in second.stdout + second.stderr
    payloads = build_eed_payloads(cons, bench)
    records = received(empty_sandbox)
    assert {k: r["payload"] for k, r in records.items()} == {p.key: p.body for p in payloads}
    # Only requests in flight when the process died may have been applied without being
    # journaled; the rerun upserts them again (same content, revision 2).
    assert sum(r["revision"] > 1 for r in records.values()) <= concurrency
    assert all(r["revision"] <= 2 for r in records.values())
    with Journal(journal, read_only=True) as book:
        entries = book.entries()
    assert {k: (e.state, e.sent_hash) for k, e in entries.items()} == {
        p.key: (JournalState.SENT, p.digest) for p in payloads
    }
    assert empty_sandbox.api_key.encode() not in journal.read_bytes()


def _wait_for_sent_keys(journal: Path, *, at_least: int, process: subprocess.Popen[bytes]) -> int:
    """Poll the journal until it records ``at_least`` sent keys; return how many it saw."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "submit ended before it could be killed"
        try:
            with Journal(journal, read_only=True) as book:
                sent = sum(e.state is JournalState.SENT for e in book.entries().values())
        except JournalError:
            sent = 0  # not created yet
        if sent >= at_least:
            return sent
        time.sleep(0.02)  # a polling interval, not a wait for an outcome
    raise AssertionError(f"{journal} never showed {at_least} sent keys")


def test_cli_default_concurrency_is_the_library_default() -> None:
    import inspect

    from relay_analytics.cli.submit import DEFAULT_CONCURRENCY
    from relay_analytics.submit import submit_eed

    assert inspect.signature(submit_eed).parameters["concurrency"].default == DEFAULT_CONCURRENCY
