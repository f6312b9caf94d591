"""Seeded, vectorised data for the benchmarks: consumption frames and Relay units on the wire.

Every generator builds whole columns with numpy and polars (no Python loop over rows), so
10 million rows take seconds. The same seed gives the same data on every run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import numpy as np
import polars as pl

from relay_analytics.api.endpoints import UNIT_FIELDS
from relay_analytics.frames import CONSUMPTION_SCHEMA, UnitOfMeasure

#: Months per series: 2023-01 .. 2024-12, so year-over-year rules have something to compare.
MONTHS: Final = 24
FIRST_PERIOD: Final = dt.date(2023, 1, 1)
#: Validation date: every generated month is complete by then.
AS_OF: Final = dt.date(2025, 6, 1)
#: Each unit reports heating and hot water in kWh: two records per unit and month.
SERVICES: Final = (("HEATING", "KWH"), ("HOT_WATER", "KWH"))
UNITS_PER_PROPERTY: Final = 20
SEED: Final = 20_240_601

#: How a bad row is broken, one kind per bad row in turn: each breaks one error rule.
BAD_KINDS: Final = (
    "amount_negative",
    "amount_missing",
    "converted_not_kwh",
    "remark_code_unknown",
    "duplicate_record",
    "id_not_positive",
)


def consumptions(rows: int, *, bad_share: float = 0.0, seed: int = SEED) -> pl.DataFrame:
    """About ``rows`` canonical consumption rows (whole unit series); ``bad_share`` of them broken.

    The row count is rounded up to whole series of MONTHS months and both services.
    """
    per_unit = MONTHS * len(SERVICES)
    units = max(1, -(-rows // per_unit))
    rng = np.random.default_rng(seed)
    unit_index = np.repeat(np.arange(units, dtype=np.int64), per_unit)
    within = np.tile(np.arange(per_unit, dtype=np.int64), units)
    service_index = within // MONTHS
    month = within % MONTHS
    size = unit_index.size
    base = np.where(service_index == 0, 400.0, 150.0) * rng.uniform(0.5, 1.5, units)[unit_index]
    # Heating follows the season; hot water is flat.
    season = 1.0 + 0.8 * np.cos(2 * np.pi * (month % 12) / 12)
    amount = np.round(base * np.where(service_index == 0, season, 1.0), 3)
    estimated = rng.random(size) < 0.03
    frame = pl.DataFrame(
        {
            "property_id": unit_index // UNITS_PER_PROPERTY + 1,
            "unit_id": unit_index + 1,
            "customer_id": unit_index + 1_000_001,
            "month": month,
            "msc_name": np.full(size, "ista"),
            "service_index": service_index,
            "amount": amount,
            "estimated": estimated,
        }
    )
    services = pl.Series([s for s, _ in SERVICES])
    uoms = pl.Series([u for _, u in SERVICES])
    frame = frame.select(
        "property_id",
        "unit_id",
        "customer_id",
        pl.date(FIRST_PERIOD.year + pl.col("month") // 12, pl.col("month") % 12 + 1, 1).alias(
            "period"
        ),
        "msc_name",
        pl.col("service_index").replace_strict(range(len(SERVICES)), services),
        pl.col("service_index").replace_strict(range(len(SERVICES)), uoms).alias("uom"),
        "amount",
        pl.lit(False).alias("converted"),
        "estimated",
        pl.lit(False).alias("errors"),
        pl.when("estimated")
        .then(pl.lit(["PARTLY_ESTIMATED"]))
        .otherwise(pl.lit([], dtype=pl.List(pl.String())))
        .alias("remark_codes"),
    ).rename({"service_index": "service", "uom": "unit_of_measure"})
    frame = frame.cast(dict(CONSUMPTION_SCHEMA))  # type: ignore[arg-type]
    return _break_rows(frame, bad_share, rng) if bad_share > 0 else frame


def _break_rows(frame: pl.DataFrame, bad_share: float, rng: np.random.Generator) -> pl.DataFrame:
    """Break ``bad_share`` of the rows, cycling through BAD_KINDS."""
    count = max(1, int(frame.height * bad_share))
    # Never the first month of a series, so a duplicated period stays inside the series.
    positions = rng.choice(frame.height, size=count, replace=False)
    positions = positions[positions % MONTHS != 0]
    kinds = pl.DataFrame(
        {
            "_pos": positions.astype(np.int64),
            "_kind": np.asarray(BAD_KINDS)[np.arange(positions.size) % len(BAD_KINDS)],
        }
    )
    kind = pl.col("_kind")
    return (
        frame.with_row_index("_pos")
        .with_columns(pl.col("_pos").cast(pl.Int64))
        .join(kinds, on="_pos", how="left", maintain_order="left")
        .with_columns(
            pl.when(kind == "amount_negative")
            .then(-pl.col("amount"))
            .when(kind == "amount_missing")
            .then(None)
            .otherwise(pl.col("amount"))
            .alias("amount"),
            (pl.col("converted") | (kind == "converted_not_kwh")).fill_null(False),
            pl.when(kind == "converted_not_kwh")
            .then(pl.lit("HCU", dtype=UnitOfMeasure))
            .otherwise(pl.col("unit_of_measure"))
            .alias("unit_of_measure"),
            pl.when(kind == "remark_code_unknown")
            .then(pl.lit(["NOT_A_CODE"]))
            .otherwise(pl.col("remark_codes"))
            .alias("remark_codes"),
            pl.when(kind == "duplicate_record")
            .then(pl.col("period").dt.offset_by("-1mo"))
            .otherwise(pl.col("period"))
            .alias("period"),
            pl.when(kind == "id_not_positive")
            .then(-pl.col("unit_id"))
            .otherwise(pl.col("unit_id"))
            .alias("unit_id"),
        )
        .select(CONSUMPTION_SCHEMA.names())
    )


def submission_consumptions(keys: int, *, seed: int = SEED) -> pl.DataFrame:
    """Valid consumptions of ``keys`` submission keys: one unit each, one month (2024-11)."""
    months = consumptions(keys * MONTHS * len(SERVICES), seed=seed)
    return months.filter(pl.col("period") == dt.date(2024, 11, 1), pl.col("unit_id") <= keys)


def unit_records(count: int, *, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` Relay units in the API's wire shape, ids 1..count, for seeding a sandbox."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, count + 1, dtype=np.int64)
    wire = pl.DataFrame(
        {
            UNIT_FIELDS["id"]: ids,
            UNIT_FIELDS["property_id"]: (ids - 1) // UNITS_PER_PROPERTY + 1,
            UNIT_FIELDS["customer_id"]: ids + 1_000_000,
            UNIT_FIELDS["living_area"]: np.round(rng.uniform(30.0, 140.0, count), 1),
        }
    ).with_columns(
        pl.format("WE {}", UNIT_FIELDS["id"]).alias(UNIT_FIELDS["name"]),
        pl.format("U-{}", UNIT_FIELDS["id"]).alias(UNIT_FIELDS["external_id"]),
        (pl.col(UNIT_FIELDS["id"]) % 10_000).cast(pl.String).str.zfill(4)
        .alias(UNIT_FIELDS["msc_number"]),
        pl.lit("2024-09-02T08:00:00Z").alias(UNIT_FIELDS["created_at"]),
        pl.lit("2024-09-02T08:00:00Z").alias(UNIT_FIELDS["updated_at"]),
    )  # fmt: skip
    return wire.to_dicts()
