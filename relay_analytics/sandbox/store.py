"""The sandbox's state in SQLite (stdlib ``sqlite3``): JSON records per collection, EED upserts.

Each collection is a table of ``(id, parent_id, body)`` where ``body`` is the record in its
wire shape (compact JSON); the contract's objects are documents, and storing them as such
keeps the store small. List operations answer the stored texts joined as they are, without
decoding them. EED records get their own table keyed by the submission key, so the upsert
and its revision counter are one SQL statement.

Pages are cut from an ordered list of ids kept per collection and filter, built on the first
page after a change of the collection: SQL's ``OFFSET`` steps over every skipped row (and a
filter such as "has an MSC number" reads every skipped body), which made the last pages of
100,000 units cost 5-90 ms each; a slice of the list costs nothing. The store is the only
writer of its database, so its own writes are all the changes there are.

One connection serves every thread (uvicorn's loop, the test thread reading received
records), guarded by a lock: SQLite in memory cannot be shared between connections.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from relay_analytics.api.endpoints import EED_KEY_FIELDS, ID_FIELD

COLLECTIONS: Final = (
    "addresses",
    "customers",
    "properties",
    "units",
    "orders",
    "order_comments",
    "order_fields",
    "order_contact_persons",
    "order_attachments",
    "appointments",
    "documents",
    "document_attachments",
)

_EED_KEY_WIRE: Final = tuple(EED_KEY_FIELDS.values())

_EED_TABLE: Final = """
CREATE TABLE IF NOT EXISTS eed (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    property_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    period TEXT NOT NULL,
    msc_name TEXT NOT NULL,
    revision INTEGER NOT NULL,
    payload TEXT NOT NULL,
    UNIQUE (property_id, unit_id, customer_id, period, msc_name)
)
"""

_EED_UPSERT: Final = """
INSERT INTO eed (property_id, unit_id, customer_id, period, msc_name, revision, payload)
VALUES (?, ?, ?, ?, ?, 1, ?)
ON CONFLICT (property_id, unit_id, customer_id, period, msc_name)
DO UPDATE SET revision = revision + 1, payload = excluded.payload
RETURNING id, revision
"""


class Store:
    """Thread-safe SQLite storage of the sandbox's records (in memory unless ``db`` is given)."""

    def __init__(self, db: str | Path | None = None) -> None:
        self._lock = threading.RLock()
        #: Ordered ids by collection and filter field (None: all), see ``_ordered_ids``.
        self._ids: dict[str, dict[str | None, list[int]]] = {}
        self._conn = sqlite3.connect(
            ":memory:" if db is None else str(db), check_same_thread=False, isolation_level=None
        )
        with self._locked() as conn:
            for name in COLLECTIONS:
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} ("
                    "id INTEGER PRIMARY KEY AUTOINCREMENT, parent_id INTEGER, body TEXT NOT NULL)"
                )
            conn.execute(_EED_TABLE)

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    @contextmanager
    def _writing(self, kind: str) -> Iterator[sqlite3.Connection]:
        """The connection, to change ``kind``: its cached ids are forgotten."""
        _check_kind(kind)
        with self._locked() as conn:
            self._ids.pop(kind, None)
            yield conn

    def close(self) -> None:
        """Close the database connection."""
        with self._locked() as conn:
            conn.close()

    def is_empty(self) -> bool:
        """True when no record of any collection exists (a fresh database)."""
        with self._locked() as conn:
            return all(
                conn.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone() is None
                for name in COLLECTIONS
            )

    def insert(
        self,
        kind: str,
        body: dict[str, Any],
        *,
        parent_id: int | None = None,
        record_id: int | None = None,
    ) -> dict[str, Any]:
        """Store a new record (with ``record_id`` or the next id); return it with its ``id``."""
        with self._writing(kind) as conn, _transaction(conn):
            if record_id is None:
                record_id = conn.execute(
                    f"INSERT INTO {kind} (parent_id, body) VALUES (?, '{{}}') RETURNING id",
                    (parent_id,),
                ).fetchone()[0]
            else:
                conn.execute(
                    f"INSERT INTO {kind} (id, parent_id, body) VALUES (?, ?, '{{}}')",
                    (record_id, parent_id),
                )
            record = _with_id(body, record_id)
            conn.execute(f"UPDATE {kind} SET body = ? WHERE id = ?", (_dump(record), record_id))
        return record

    def insert_many(
        self, kind: str, records: Iterable[Mapping[str, Any]], *, parent_field: str | None = None
    ) -> int:
        """Store records that carry their own ``id`` in one transaction; return how many.

        ``parent_field`` names the wire field holding each record's parent id (e.g. a unit's
        property). Seeding uses this: one commit instead of one per record.
        """
        rows = (
            (
                record[ID_FIELD],
                None if parent_field is None else record[parent_field],
                _dump(_with_id(record, record[ID_FIELD])),
            )
            for record in records
        )
        with self._writing(kind) as conn, _transaction(conn):
            sql = f"INSERT INTO {kind} (id, parent_id, body) VALUES (?, ?, ?)"
            return conn.executemany(sql, rows).rowcount

    def get(self, kind: str, record_id: int) -> dict[str, Any] | None:
        """The record with this id, or None."""
        _check_kind(kind)
        with self._locked() as conn:
            row = conn.execute(f"SELECT body FROM {kind} WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else _load(row[0])

    def replace(self, kind: str, record: dict[str, Any]) -> None:
        """Overwrite the stored record that has ``record["id"]``."""
        with self._writing(kind) as conn:
            conn.execute(f"UPDATE {kind} SET body = ? WHERE id = ?", (_dump(record), record["id"]))

    def delete(self, kind: str, record_id: int) -> None:
        """Remove the record with this id (nothing happens when it does not exist)."""
        with self._writing(kind) as conn:
            conn.execute(f"DELETE FROM {kind} WHERE id = ?", (record_id,))

    def delete_children(self, kind: str, parent_id: int) -> None:
        """Remove every record of ``kind`` under ``parent_id``."""
        with self._writing(kind) as conn:
            conn.execute(f"DELETE FROM {kind} WHERE parent_id = ?", (parent_id,))

    def all(self, kind: str, *, parent_id: int | None = None) -> list[dict[str, Any]]:
        """Every record of ``kind`` (under ``parent_id`` when given), ordered by id."""
        _check_kind(kind)
        sql = f"SELECT body FROM {kind}"
        params: tuple[int, ...] = ()
        if parent_id is not None:
            sql += " WHERE parent_id = ?"
            params = (parent_id,)
        with self._locked() as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        return [_load(body) for (body,) in rows]

    def page_json(
        self, kind: str, *, limit: int, offset: int, with_field: str | None = None
    ) -> list[str]:
        """One page of ``kind`` ordered by id, as stored JSON texts (not decoded).

        With ``with_field``, only the records whose wire field ``with_field`` is set.
        """
        _check_kind(kind)
        with self._locked() as conn:
            ids = self._ordered_ids(conn, kind, with_field)[offset : offset + limit]
            if not ids:
                return []
            rows = conn.execute(
                f"SELECT id, body FROM {kind} WHERE id BETWEEN ? AND ? ORDER BY id",
                (ids[0], ids[-1]),
            ).fetchall()
        if with_field is None:
            return [body for _record_id, body in rows]
        wanted = set(ids)
        return [body for record_id, body in rows if record_id in wanted]

    def _ordered_ids(
        self, conn: sqlite3.Connection, kind: str, with_field: str | None
    ) -> list[int]:
        """The ids of ``kind`` in order (those with ``with_field`` set, if given); cached."""
        by_filter = self._ids.setdefault(kind, {})
        ids = by_filter.get(with_field)
        if ids is None:
            sql = f"SELECT id FROM {kind}"
            params: tuple[str, ...] = ()
            if with_field is not None:
                sql += " WHERE json_extract(body, ?) IS NOT NULL"
                params = (f"$.{with_field}",)
            rows = conn.execute(sql + " ORDER BY id", params)
            ids = by_filter[with_field] = [record_id for (record_id,) in rows]
        return ids

    def find(self, kind: str, field: str, value: object) -> dict[str, Any] | None:
        """The first record (by id) whose wire field ``field`` equals ``value``."""
        _check_kind(kind)
        with self._locked() as conn:
            row = conn.execute(
                f"SELECT body FROM {kind} WHERE json_extract(body, ?) = ? ORDER BY id LIMIT 1",
                (f"$.{field}", value),
            ).fetchone()
        return None if row is None else _load(row[0])

    def upsert_eed(self, payload: dict[str, Any]) -> tuple[int, int]:
        """Insert or replace the EED record of the payload's submission key; (id, revision)."""
        key = tuple(payload[name] for name in _EED_KEY_WIRE)
        with self._locked() as conn:
            record_id, revision = conn.execute(_EED_UPSERT, (*key, json.dumps(payload))).fetchone()
        return int(record_id), int(revision)

    def eed_records(self) -> list[dict[str, Any]]:
        """Every received EED record: ``{"key": {...}, "revision": n, "payload": {...}}``."""
        with self._locked() as conn:
            rows = conn.execute(
                "SELECT property_id, unit_id, customer_id, period, msc_name, revision, payload "
                "FROM eed ORDER BY id"
            ).fetchall()
        return [
            {
                "key": dict(zip(_EED_KEY_WIRE, row[:5], strict=True)),
                "revision": row[5],
                "payload": _load(row[6]),
            }
            for row in rows
        ]

    def clear_eed(self) -> None:
        """Forget every received EED record."""
        with self._locked() as conn:
            conn.execute("DELETE FROM eed")


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One transaction: committed at the end, rolled back on any error."""
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _check_kind(kind: str) -> None:
    # Table names cannot be SQL parameters; only the fixed collection names reach the SQL.
    if kind not in COLLECTIONS:
        raise ValueError(f"unknown sandbox collection {kind!r}; expected one of {COLLECTIONS}")


def _with_id(body: Mapping[str, Any], record_id: int) -> dict[str, Any]:
    """The record with ``id`` first, as the API writes it."""
    return {ID_FIELD: record_id, **{k: v for k, v in body.items() if k != ID_FIELD}}


def _dump(record: Mapping[str, Any]) -> str:
    """Compact JSON, byte for byte as starlette's ``JSONResponse`` encodes it."""
    return json.dumps(record, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _load(body: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(body)
    return record
