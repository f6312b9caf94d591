"""The SQLite journal of a submission: one row per submission key, its payload hash and state.

Crash safety: every state change (or batch of them, :meth:`Journal.batch`) is one committed
transaction in WAL mode, so a process killed at any moment (SIGKILL included) leaves the last
committed state and never a torn one.
``synchronous=NORMAL`` may lose the last commits on a power cut (not on a process kill); that
is safe because a key is marked sent only after a 2xx, and resending a key the journal forgot
is an idempotent upsert on the server. The API key is never written here.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Final, Self

from relay_analytics.submit.payloads import EedPayload, SubmissionKey

#: Bumped when the table layout changes; a journal of another version is refused.
SCHEMA_VERSION: Final = 1

_KEY_COLUMNS: Final = "property_id, unit_id, customer_id, period, msc_name"
_KEY_MATCH: Final = (
    "property_id = ? AND unit_id = ? AND customer_id = ? AND period = ? AND msc_name = ?"
)
_CREATE: Final = f"""
CREATE TABLE IF NOT EXISTS eed_journal (
    property_id  INTEGER NOT NULL,
    unit_id      INTEGER NOT NULL,
    customer_id  INTEGER NOT NULL,
    period       TEXT    NOT NULL,  -- YYYY-MM
    msc_name     TEXT    NOT NULL,
    payload_hash TEXT    NOT NULL,  -- sha256 of the payload last planned for sending
    sent_hash    TEXT,              -- sha256 of the payload the server last acknowledged (2xx)
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,  -- sends by submit_eed (each may hold client retries)
    last_status  INTEGER,           -- HTTP status of the last failure; NULL when sent or no answer
    last_message TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    sent_at      TEXT,
    PRIMARY KEY ({_KEY_COLUMNS})
) WITHOUT ROWID
"""


class JournalState(StrEnum):
    """State of one key in the journal."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class JournalError(Exception):
    """The journal file cannot be used (not a journal, another version, unreadable)."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One row of the journal."""

    key: SubmissionKey
    payload_hash: str
    sent_hash: str | None
    state: JournalState
    attempts: int
    last_status: int | None
    last_message: str | None


@dataclass(frozen=True, slots=True)
class SendPlan:
    """What a run must do with each payload, given what the journal already holds."""

    new: list[EedPayload]
    corrections: list[EedPayload]
    already_sent: list[EedPayload]

    @property
    def to_send(self) -> list[EedPayload]:
        """New keys and corrections, in key order."""
        return sorted([*self.new, *self.corrections], key=lambda p: p.key)


class Journal:
    """A submission journal backed by one SQLite file; use from one thread only."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        """Open (and create unless ``read_only``) the journal at ``path``."""
        self.path = Path(path)
        try:
            if read_only:
                self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            else:
                self._db = sqlite3.connect(self.path, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._check_version(read_only)
        except sqlite3.DatabaseError as exc:
            raise JournalError(
                f"{self.path}: cannot use this file as a submission journal ({exc}); "
                "pass another journal path or move this file away"
            ) from exc

    def _check_version(self, read_only: bool) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master")}
        if version == 0 and not tables and not read_only:
            with self._transaction():
                self._db.execute(_CREATE)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION or "eed_journal" not in tables:
            raise JournalError(
                f"{self.path}: not a relay-analytics submission journal of version "
                f"{SCHEMA_VERSION} (found version {version}); pass another journal path"
            )

    def __enter__(self) -> Self:
        """Return the open journal."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the journal."""
        self.close()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def batch(self) -> _Transaction:
        """One transaction for the writes made inside it: one commit for many answers."""
        return self._transaction()

    def _transaction(self) -> _Transaction:
        # The connection runs in autocommit mode (``with`` on a Python 3.11 connection
        # would not open a transaction), so each write opens and commits its own, or joins
        # the batch that is open.
        return _Transaction(self._db)

    def entries(self) -> dict[SubmissionKey, JournalEntry]:
        """Every row of the journal, by key."""
        rows = self._db.execute(
            f"SELECT {_KEY_COLUMNS}, payload_hash, sent_hash, state, attempts, last_status, "
            "last_message FROM eed_journal"
        )
        return {
            (key := SubmissionKey(*row[:5])): JournalEntry(
                key, row[5], row[6], JournalState(row[7]), row[8], row[9], row[10]
            )
            for row in rows
        }

    def plan(self, payloads: Iterable[EedPayload]) -> SendPlan:
        """Split payloads into new keys, corrections (changed since sent) and already sent."""
        known = self.entries()
        new, corrections, already_sent = [], [], []
        for payload in payloads:
            entry = known.get(payload.key)
            if entry is None or entry.sent_hash is None:
                new.append(payload)
            elif entry.sent_hash == payload.digest:
                already_sent.append(payload)
            else:
                corrections.append(payload)
        return SendPlan(new, corrections, already_sent)

    def mark_pending(self, payloads: Iterable[EedPayload]) -> None:
        """Record the payloads about to be sent (one transaction), keeping what was sent before."""
        now = _now()
        with self._transaction():
            self._db.executemany(
                f"INSERT INTO eed_journal ({_KEY_COLUMNS}, payload_hash, state, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) "
                f"ON CONFLICT ({_KEY_COLUMNS}) DO UPDATE SET payload_hash = excluded.payload_hash, "
                "state = 'pending', updated_at = excluded.updated_at",
                [(*p.key, p.digest, now, now) for p in payloads],
            )

    def mark_sent(self, acknowledged: Iterable[tuple[EedPayload, str]]) -> None:
        """Record payloads the server acknowledged with a 2xx, each with a note of its answer."""
        now = _now()
        self._update(
            "state = 'sent', sent_hash = ?, attempts = attempts + 1, last_status = NULL, "
            "last_message = ?, updated_at = ?, sent_at = ?",
            [(payload.digest, note, now, now, *payload.key) for payload, note in acknowledged],
        )

    def mark_failed(self, failures: Iterable[tuple[EedPayload, int | None, str]]) -> None:
        """Record payloads whose sending failed (HTTP status or None, message); rerun sends them."""
        now = _now()
        self._update(
            "state = 'failed', attempts = attempts + 1, last_status = ?, last_message = ?, "
            "updated_at = ?",
            [(status, message, now, *payload.key) for payload, status, message in failures],
        )

    def _update(self, assignments: str, rows: list[tuple[object, ...]]) -> None:
        """``UPDATE ... SET assignments`` per row: its values, then its key (one transaction)."""
        if not rows:
            return
        with self._transaction():
            self._db.executemany(f"UPDATE eed_journal SET {assignments} WHERE {_KEY_MATCH}", rows)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection.

    Inside a transaction already open it does nothing: its writes commit with the outer one.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._outermost = False

    def __enter__(self) -> None:
        self._outermost = not self._db.in_transaction
        if self._outermost:
            self._db.execute("BEGIN IMMEDIATE")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._outermost:
            self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
