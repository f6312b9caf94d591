"""Journal: one row per key, planning of new keys, corrections and keys already sent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from relay_analytics.submit.journal import Journal, JournalError, JournalState
from relay_analytics.submit.payloads import EedPayload, SubmissionKey, payload_digest


def payload(unit_id: int, amount: float) -> EedPayload:
    """A minimal payload of one key; its content only matters through its digest."""
    key = SubmissionKey(1, unit_id, 3, "2024-01", "ista")
    body = {"unitId": unit_id, "amount": amount}
    return EedPayload(key, body, payload_digest(body))


def test_a_fresh_journal_plans_everything_as_new(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        plan = journal.plan([payload(1, 1.0), payload(2, 2.0)])
    assert [p.key.unit_id for p in plan.new] == [1, 2]
    assert plan.corrections == plan.already_sent == []


def test_only_a_2xx_makes_a_key_sent(tmp_path: Path) -> None:
    sent, failed, pending = payload(1, 1.0), payload(2, 2.0), payload(3, 3.0)
    with Journal(tmp_path / "j.sqlite") as journal:
        journal.mark_pending([sent, failed, pending])
        journal.mark_sent([(sent, "accepted as record 1")])
        journal.mark_failed([(failed, 400, "amount: must be >= 0")])
        entries = journal.entries()
        plan = journal.plan([sent, failed, pending])
    assert entries[sent.key].state is JournalState.SENT
    assert entries[sent.key].sent_hash == sent.digest
    assert entries[failed.key].state is JournalState.FAILED
    assert entries[failed.key].last_message == "amount: must be >= 0"
    assert entries[pending.key].state is JournalState.PENDING
    assert [p.key for p in plan.already_sent] == [sent.key]
    assert [p.key for p in plan.new] == [failed.key, pending.key]


def test_a_changed_payload_of_a_sent_key_is_a_correction_until_acknowledged(
    tmp_path: Path,
) -> None:
    original, changed = payload(1, 1.0), payload(1, 1.5)
    path = tmp_path / "j.sqlite"
    with Journal(path) as journal:
        journal.mark_pending([original])
        journal.mark_sent([(original, "accepted")])
        journal.mark_pending([changed])  # then the process dies before the answer
    with Journal(path) as journal:
        assert journal.plan([changed]).corrections == [changed]
        journal.mark_sent([(changed, "accepted")])
        assert journal.plan([changed]).already_sent == [changed]
        assert journal.entries()[changed.key].attempts == 2


def test_state_survives_reopening_and_counts_attempts(tmp_path: Path) -> None:
    item = payload(1, 1.0)
    path = tmp_path / "j.sqlite"
    with Journal(path) as journal:
        journal.mark_pending([item])
        journal.mark_failed([(item, None, "POST /api/v1/consumptions/eed -> no response")])
    with Journal(path) as journal:
        journal.mark_pending([item])
        journal.mark_sent([(item, "accepted as record 9")])
    with Journal(path, read_only=True) as journal:
        entry = journal.entries()[item.key]
    assert (entry.state, entry.attempts, entry.last_status, entry.last_message) == (
        JournalState.SENT,
        2,
        None,
        "accepted as record 9",
    )


def test_the_journal_is_in_wal_mode_and_holds_no_secret_columns(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    Journal(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = {row[1] for row in db.execute("PRAGMA table_info(eed_journal)")}
    assert not any("key" in c.split("_") or "token" in c for c in columns)


def test_a_file_that_is_not_a_journal_is_refused_with_its_path(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(JournalError, match=r"other\.sqlite"):
        Journal(other)
    text = tmp_path / "notes.txt"
    text.write_text("not a database " * 100)
    with pytest.raises(JournalError, match=r"notes\.txt"):
        Journal(text)


def test_a_missing_journal_cannot_be_opened_read_only(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="missing"):
        Journal(tmp_path / "missing.sqlite", read_only=True)
