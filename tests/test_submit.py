"""submit_eed against the sandbox over loopback: every valid key lands exactly once."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fixtures.submission import AS_OF, eed_frames, received, with_amount

from relay_analytics.api import AuthError, RelayClient, RelayConnectionError, RetryPolicy
from relay_analytics.sandbox import Faults, SandboxServer
from relay_analytics.submit import runner
from relay_analytics.submit.journal import Journal, JournalState
from relay_analytics.submit.payloads import EedPayload, SubmissionKey, build_eed_payloads
from relay_analytics.submit.runner import (
    SubmissionAborted,
    SubmissionRefused,
    SubmitResult,
    submit_eed,
)

#: Many quick retries: a test about faults must not fail on an unlucky run of them.
PATIENT = RetryPolicy(max_attempts=12, base_delay=0.01, max_delay=0.05, total_timeout=30)


def assert_landed_once(
    server: SandboxServer, payloads: list[EedPayload], journal: Path, *, exact_revisions: bool
) -> None:
    """Each payload is on the server with exactly its content, and the journal agrees."""
    records = received(server)
    assert set(records) == {p.key for p in payloads}
    for payload in payloads:
        assert records[payload.key]["payload"] == payload.body
        if exact_revisions:
            assert records[payload.key]["revision"] == 1
    with Journal(journal, read_only=True) as book:
        entries = book.entries()
    assert set(entries) == {p.key for p in payloads}
    for payload in payloads:
        assert entries[payload.key].state is JournalState.SENT
        assert entries[payload.key].sent_hash == payload.digest


@pytest.fixture
def client(empty_sandbox: SandboxServer) -> Iterator[RelayClient]:
    """A client of the empty sandbox with a patient retry policy."""
    with RelayClient(empty_sandbox.url, empty_sandbox.api_key, retry=PATIENT) as relay:
        yield relay


def submit(client: RelayClient, cons: pl.DataFrame, bench: pl.DataFrame | None, journal: Path,
           **options: Any) -> SubmitResult:  # fmt: skip
    """submit_eed with the tests' fixed validation day."""
    return submit_eed(client, cons, bench, journal=journal, as_of=AS_OF, **options)


def test_every_key_lands_once_with_the_inputs_content(
    empty_sandbox: SandboxServer, client: RelayClient, tmp_path: Path
) -> None:
    cons, bench = eed_frames(60)
    journal = tmp_path / "eed.journal.sqlite"
    payloads = build_eed_payloads(cons, bench)
    calls: list[tuple[int, int]] = []

    result = submit(client, cons, bench, journal, progress=lambda d, t: calls.append((d, t)))

    assert result.ok
    assert result.sent == [p.key for p in payloads]
    assert result.corrected == result.skipped == result.failed == []
    assert result.held_back.is_empty()
    assert result.journal == journal
    assert result.summary() == (
        "sent 60, corrected 0, skipped 0 (already sent), held back 0 (invalid), failed 0"
    )
    assert calls[0] == (0, 60)
    assert calls[-1] == (60, 60)
    assert_landed_once(empty_sandbox, payloads, journal, exact_revisions=True)


def test_a_rerun_with_the_same_journal_sends_nothing(
    empty_sandbox: SandboxServer, client: RelayClient, tmp_path: Path
) -> None:
    cons, bench = eed_frames(20)
    journal = tmp_path / "eed.journal.sqlite"
    submit(client, cons, bench, journal)

    again = submit(client, cons, bench, journal)

    assert again.ok
    assert again.sent == again.corrected == []
    assert len(again.skipped) == 20
    assert {r["revision"] for r in empty_sandbox.received_eed()} == {1}


#: Each fault switch, the number of keys and the outcome the client's retry log must show
#: (proof that the fault was met; latency needs no retry).
FAULTS = {
    "500s": (Faults(fail_rate=0.3), 60, "-> 500;"),
    "429s": (Faults(throttle_rate=0.3, retry_after_s=1), 30, "-> 429;"),
    "latency": (Faults(latency_ms=30), 60, None),
    "drops after the write": (Faults(drop_rate=0.3), 60, "-> dropped;"),
}


@pytest.mark.parametrize(("faults", "keys", "retried"), FAULTS.values(), ids=FAULTS.keys())
def test_under_each_fault_every_key_lands_and_a_rerun_sends_nothing(
    empty_sandbox: SandboxServer,
    client: RelayClient,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    faults: Faults,
    keys: int,
    retried: str | None,
) -> None:
    cons, bench = eed_frames(keys, seed=7)
    journal = tmp_path / "eed.journal.sqlite"
    payloads = build_eed_payloads(cons, bench)
    empty_sandbox.set_faults(faults)

    with caplog.at_level(logging.INFO, logger="relay_analytics.api.client"):
        result = submit(client, cons, bench, journal, concurrency=8)

    assert result.ok, result.failed
    if retried:
        assert any(retried in record.getMessage() for record in caplog.records)
    assert len(result.sent) == keys
    # A dropped connection comes after the server applied the request, so the client's retry
    # is a second upsert of the same content: the record is the same, its revision counts it.
    assert_landed_once(empty_sandbox, payloads, journal, exact_revisions=not faults.drop_rate)
    revisions = {k: r["revision"] for k, r in received(empty_sandbox).items()}

    rerun = submit(client, cons, bench, journal)

    assert rerun.sent == rerun.corrected == []
    assert len(rerun.skipped) == keys
    assert {k: r["revision"] for k, r in received(empty_sandbox).items()} == revisions


def test_a_changed_amount_resends_exactly_that_key_as_a_correction(
    empty_sandbox: SandboxServer, client: RelayClient, tmp_path: Path
) -> None:
    cons, bench = eed_frames(30)
    journal = tmp_path / "eed.journal.sqlite"
    submit(client, cons, bench, journal)
    corrected = with_amount(cons, unit_id=17, amount=321.5)

    result = submit(client, corrected, bench, journal)

    key = SubmissionKey(2, 17, 101, "2025-01", "ista")
    assert result.corrected == [key]
    assert result.sent == []
    assert len(result.skipped) == 29
    assert "corrected 1" in result.summary()
    records = received(empty_sandbox)
    assert records[key]["revision"] == 2
    assert records[key]["payload"]["consumptions"][0]["amount"] == 321.5
    assert {r["revision"] for k, r in records.items() if k != key} == {1}


def test_invalid_input_is_refused_whole_and_nothing_reaches_the_server(
    empty_sandbox: SandboxServer, client: RelayClient, tmp_path: Path
) -> None:
    cons, bench = eed_frames(10)
    journal = tmp_path / "eed.journal.sqlite"

    with pytest.raises(SubmissionRefused, match="--skip-invalid") as refused:
        submit(client, with_amount(cons, unit_id=3, amount=-5.0), bench, journal)

    assert set(refused.value.report.errors["rule"]) == {"amount_negative"}
    assert empty_sandbox.received_eed() == []
    assert not journal.exists()


def test_skip_invalid_holds_back_whole_keys_with_errors(
    empty_sandbox: SandboxServer, client: RelayClient, tmp_path: Path
) -> None:
    cons, bench = eed_frames(10)
    journal = tmp_path / "eed.journal.sqlite"
    bad = SubmissionKey(1, 3, 100, "2025-01", "ista")

    result = submit(
        client, with_amount(cons, unit_id=3, amount=-5.0), bench, journal, skip_invalid=True
    )

    assert result.ok
    assert len(result.sent) == 9
    assert bad not in result.sent
    assert result.held_back.select("unit_id", "rules").to_dicts() == [
        {"unit_id": 3, "rules": ["amount_negative"]}
    ]
    assert bad not in received(empty_sandbox)  # its valid HOT_WATER row stays home too
    assert "held back 1 (invalid)" in result.summary()


def test_a_4xx_fails_that_key_with_the_servers_message_and_the_run_goes_on(
    empty_sandbox: SandboxServer,
    client: RelayClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cons, bench = eed_frames(10)
    journal = tmp_path / "eed.journal.sqlite"
    broken = SubmissionKey(1, 5, 100, "2025-01", "ista")

    def with_one_broken_body(*frames: pl.DataFrame) -> list[EedPayload]:
        # Validation cannot let such a body through, so the test breaks one after it.
        payloads = build_eed_payloads(*frames)
        return [
            dataclasses.replace(p, body={**p.body, "period": "2025-13"}) if p.key == broken else p
            for p in payloads
        ]

    monkeypatch.setattr(runner, "build_eed_payloads", with_one_broken_body)
    result = submit(client, cons, bench, journal)

    assert not result.ok
    assert [(f.key, f.status) for f in result.failed] == [(broken, 400)]
    assert "period must match" in result.failed[0].message
    assert len(result.sent) == 9
    with Journal(journal, read_only=True) as book:
        entry = book.entries()[broken]
    assert (entry.state, entry.last_status) == (JournalState.FAILED, 400)
    assert "period must match" in (entry.last_message or "")

    monkeypatch.undo()  # the input is fixed: the rerun sends the failed key only
    rerun = submit(client, cons, bench, journal)
    assert (rerun.sent, len(rerun.skipped)) == ([broken], 9)


def test_dry_run_reports_what_would_be_sent_and_writes_nothing(
    empty_sandbox: SandboxServer, client: RelayClient, tmp_path: Path
) -> None:
    cons, bench = eed_frames(10)
    journal = tmp_path / "eed.journal.sqlite"

    first = submit_eed(None, cons, bench, journal=journal, as_of=AS_OF, dry_run=True)

    assert (len(first.sent), first.dry_run) == (10, True)
    assert first.summary().startswith("would send 10, would correct 0")
    assert not journal.exists()
    submit(client, cons, bench, journal)
    before = journal.read_bytes()

    corrected = with_amount(cons, unit_id=4, amount=99.0)
    second = submit(client, corrected, bench, journal, dry_run=True)

    assert [k.unit_id for k in second.corrected] == [4]
    assert (second.sent, len(second.skipped)) == ([], 9)
    assert journal.read_bytes() == before
    assert {r["revision"] for r in empty_sandbox.received_eed()} == {1}


def test_an_unreachable_server_stops_the_run_and_keeps_the_keys_pending(
    tmp_path: Path,
) -> None:
    cons, bench = eed_frames(10)
    journal = tmp_path / "eed.journal.sqlite"
    with SandboxServer(sample_data=False) as gone:
        url = gone.url  # a port that was free a moment ago and is closed now
    quick = RetryPolicy(max_attempts=2, base_delay=0.01)
    with (
        RelayClient(url, "some-key", retry=quick) as relay,
        pytest.raises(SubmissionAborted) as aborted,
    ):
        submit(relay, cons, bench, journal, concurrency=2)

    assert isinstance(aborted.value.cause, RelayConnectionError)
    assert len(aborted.value.result.failed) == 10
    assert aborted.value.result.sent == []
    with Journal(journal, read_only=True) as book:
        states = {e.state for e in book.entries().values()}
    assert JournalState.SENT not in states


def test_a_wrong_api_key_stops_the_run_and_is_never_stored(
    empty_sandbox: SandboxServer, tmp_path: Path
) -> None:
    cons, bench = eed_frames(10)
    journal = tmp_path / "eed.journal.sqlite"
    secret = "wrong-key-4c1d"
    with RelayClient(empty_sandbox.url, secret) as relay, pytest.raises(SubmissionAborted) as err:
        submit(relay, cons, bench, journal, concurrency=1)

    assert isinstance(err.value.cause, AuthError)
    assert secret not in str(err.value)
    assert empty_sandbox.received_eed() == []
    for file in tmp_path.iterdir():
        assert secret.encode() not in file.read_bytes()


def test_concurrency_must_be_positive(client: RelayClient, tmp_path: Path) -> None:
    cons, bench = eed_frames(1)
    with pytest.raises(ValueError, match="concurrency"):
        submit(client, cons, bench, tmp_path / "j.sqlite", concurrency=0)
