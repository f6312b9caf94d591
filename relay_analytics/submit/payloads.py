"""EED request bodies: one per submission key, built vectorised from canonical frames."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

import polars as pl

from relay_analytics.api.endpoints import (
    EED_BENCHMARK_FIELDS,
    EED_BENCHMARKS,
    EED_CONSUMPTION_FIELDS,
    EED_CONSUMPTIONS,
    EED_KEY_FIELDS,
)
from relay_analytics.frames import (
    BENCHMARK_SCHEMA,
    CONSUMPTION_SCHEMA,
    PERIOD_FORMAT,
    SUBMISSION_KEY,
    empty_benchmarks,
)

_AMOUNT = EED_CONSUMPTION_FIELDS["amount"]


class SubmissionKey(NamedTuple):
    """The key of one EED request; ``period`` is ``YYYY-MM`` as on the wire."""

    property_id: int
    unit_id: int
    customer_id: int
    period: str
    msc_name: str

    def __str__(self) -> str:
        """A label for messages: ``property 1 / unit 2 / customer 3 / 2024-01 / ista``."""
        return (
            f"property {self.property_id} / unit {self.unit_id} / customer {self.customer_id}"
            f" / {self.period} / {self.msc_name}"
        )


@dataclass(frozen=True, slots=True)
class EedPayload:
    """One EED request body, its submission key and the sha256 of its canonical JSON."""

    key: SubmissionKey
    body: dict[str, Any]
    digest: str


def payload_digest(body: dict[str, Any]) -> str:
    """sha256 of the body's canonical JSON (sorted keys, no spaces), stable across runs."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_eed_payloads(cons: pl.DataFrame, bench: pl.DataFrame | None = None) -> list[EedPayload]:
    """One EED request per submission key, sorted by key, records sorted by service and unit.

    Every key present in either frame gets a request, so no benchmark is dropped silently;
    a key without consumptions carries ``consumptions: []`` (validation reports such keys).
    Wire shape decisions: ``amount`` is left out when ``errors`` is true (the contract says
    absent, not null), and ``remarkCodes`` is always present, ``[]`` when there are none,
    so every record has the same fields.
    """
    consumptions = _records(
        _canonical(cons, CONSUMPTION_SCHEMA).with_columns(
            pl.when(~pl.col("errors")).then(pl.col("amount")).alias("amount"),
            pl.col("remark_codes").fill_null([]),
        ),
        EED_CONSUMPTION_FIELDS,
        EED_CONSUMPTIONS,
    )
    benchmarks = _records(
        _canonical(empty_benchmarks() if bench is None else bench, BENCHMARK_SCHEMA),
        EED_BENCHMARK_FIELDS,
        EED_BENCHMARKS,
    )
    key_wire = [EED_KEY_FIELDS[c] for c in SUBMISSION_KEY]
    requests = (
        consumptions.join(benchmarks, on=list(SUBMISSION_KEY), how="full", coalesce=True)
        .sort(SUBMISSION_KEY)
        .with_columns(pl.col("period").dt.strftime(PERIOD_FORMAT))
        .select(
            *(pl.col(c).alias(EED_KEY_FIELDS[c]) for c in SUBMISSION_KEY),
            pl.col(EED_CONSUMPTIONS).fill_null([]),
            pl.col(EED_BENCHMARKS).fill_null([]),
        )
    )
    payloads = []
    for body in requests.iter_rows(named=True):
        for record in body[EED_CONSUMPTIONS]:
            if record[_AMOUNT] is None:
                del record[_AMOUNT]
        key = SubmissionKey(*(body[wire] for wire in key_wire))
        payloads.append(EedPayload(key, body, payload_digest(body)))
    return payloads


def _canonical(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """The canonical columns only (inputs may carry ``_``-prefixed provenance), typed."""
    return frame.select(schema.names()).cast(schema)


def _records(frame: pl.DataFrame, fields: dict[str, str], name: str) -> pl.DataFrame:
    """Group records into one list of wire-named structs per submission key."""
    wire = [
        # Enums become plain strings so the structs decode to JSON-ready values.
        pl.col(column).cast(pl.String).alias(field)
        if isinstance(frame.schema[column], pl.Enum)
        else pl.col(column).alias(field)
        for column, field in fields.items()
    ]
    return (
        frame.sort("service", "unit_of_measure")
        .group_by(SUBMISSION_KEY, maintain_order=True)
        .agg(pl.struct(wire).alias(name))
    )
