"""Period-over-period comparisons: each month against the month before, last year and the benchmark.

HeizkostenV §6a(2) asks each monthly consumption information to compare the month with the same
user's previous month, the same month of the previous year and a normed average user. This module
computes those comparisons for every record at once, with joins on shifted periods.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from relay_analytics.frames import (
    BENCHMARK_SCHEMA,
    CONSUMPTION_SCHEMA,
    FILE_COLUMN,
    RECORD_KEY,
    ROW_COLUMN,
    SUBMISSION_KEY,
    empty_benchmarks,
)
from relay_analytics.periods import month_index

#: A record's series: the record key without the period. Comparisons stay within one customer
#: (new tenants never see the previous tenant's data, domain.md item 17) and one unit of measure
#: (a comparison across units is meaningless, domain.md rule 17).
SERIES_KEY: Final = tuple(column for column in RECORD_KEY if column != "period")

PERIOD_OVER_PERIOD_SCHEMA: Final = pl.Schema(
    {
        **{column: CONSUMPTION_SCHEMA[column] for column in RECORD_KEY},
        "amount": pl.Float64(),
        "estimated": pl.Boolean(),
        "errors": pl.Boolean(),
        "previous_amount": pl.Float64(),
        "previous_estimated": pl.Boolean(),
        "previous_missing": pl.Boolean(),
        "last_year_amount": pl.Float64(),
        "last_year_estimated": pl.Boolean(),
        "last_year_missing": pl.Boolean(),
        "benchmark_amount": pl.Float64(),
        "benchmark_missing": pl.Boolean(),
        "diff_previous": pl.Float64(),
        "rel_diff_previous": pl.Float64(),
        "diff_last_year": pl.Float64(),
        "rel_diff_last_year": pl.Float64(),
        "diff_benchmark": pl.Float64(),
        "rel_diff_benchmark": pl.Float64(),
    }
)
"""Columns of :func:`period_over_period`.

``*_missing`` is true when there is no usable comparison value: no record for that month, or a
record with ``errors`` (whose amount is null). ``diff_*`` is the month's amount minus the
comparison value; ``rel_diff_*`` is that difference as a fraction of the comparison value
(0.25 = +25 %), null when the comparison value is missing or zero.
"""


class DuplicateRecordError(ValueError):
    """Two records share a record key, so a comparison would be ambiguous."""


def period_over_period(cons: pl.DataFrame, bench: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each consumption record with its previous month, same month last year and benchmark."""
    current = cons.select(CONSUMPTION_SCHEMA.names())
    benchmarks = (empty_benchmarks() if bench is None else bench).select(BENCHMARK_SCHEMA.names())
    current_ids, benchmark_ids = _record_ids(current, benchmarks)
    _require_unique(current, current_ids, "consumptions")
    _require_unique(benchmarks, benchmark_ids, "benchmarks")
    # The joins run on narrow frames (the id and the compared values). Every right side has one
    # row per id, so each left join keeps the rows of ``current`` one to one and in order, and
    # the compared values are then placed beside ``current``.
    records = _join_ids(current_ids)
    comparisons = pl.concat(
        [records, current.lazy().select("amount", "estimated")], how="horizontal"
    )
    benchmark_amounts = pl.concat(
        [_join_ids(benchmark_ids), benchmarks.lazy().select(benchmark_amount="amount")],
        how="horizontal",
    )
    compared = (
        records.join(
            _shifted(comparisons, months=1, prefix="previous"),
            on=_JOIN_ID,
            how="left",
            maintain_order="left",
        )
        .join(
            _shifted(comparisons, months=12, prefix="last_year"),
            on=_JOIN_ID,
            how="left",
            maintain_order="left",
        )
        .join(benchmark_amounts, on=_JOIN_ID, how="left", maintain_order="left")
        .drop(_JOIN_ID)
    )
    frame = (
        pl.concat([current.lazy(), compared], how="horizontal")
        .with_columns(
            previous_missing=pl.col("previous_amount").is_null(),
            last_year_missing=pl.col("last_year_amount").is_null(),
            benchmark_missing=pl.col("benchmark_amount").is_null(),
            **_differences("previous_amount", "previous"),
            **_differences("last_year_amount", "last_year"),
            **_differences("benchmark_amount", "benchmark"),
        )
        .select(PERIOD_OVER_PERIOD_SCHEMA.names())
    )
    return frame.collect()


#: The join key column of the narrow frames (never part of the result).
_JOIN_ID: Final = "_record_id"


def _record_ids(current: pl.DataFrame, bench: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per row of each frame: ``record``, an Int64 equal exactly when record keys are equal,
    and ``complete``, whether the key has no null.

    Joining on the seven key columns (Date, String and Enum among them) took seconds at a million
    rows; one integer key joins several times faster. The id is ``series * span + slot``: series
    (the key without the period) are numbered densely over both frames, so a consumption and its
    benchmark get the same id; the slot is 0 for a null period, else 1 + months since the first
    period. ``span`` leaves 12 free slots after the last period, so a record moved up to a year
    later never reaches the next series. Periods are first days of months (periods.py), so the
    month stands for the period.
    """
    keys = pl.concat([current.select(RECORD_KEY), bench.select(RECORD_KEY)])
    month = month_index(pl.col("period"))
    first, last = keys.select(first=month.min(), last=month.max()).row(0)
    first = first or 0
    span = (last or first) - first + 14
    ids = keys.select(
        record=pl.struct(SERIES_KEY).rank("dense").cast(pl.Int64) * span
        + (month - first + 1).fill_null(0),
        complete=pl.all_horizontal(pl.col(RECORD_KEY).is_not_null()),
    )
    return ids.head(current.height), ids.tail(bench.height)


def _join_ids(ids: pl.DataFrame) -> pl.LazyFrame:
    """The ids to join on; null where the key has a null, which like a null key matches nothing."""
    return ids.lazy().select(pl.when("complete").then("record").alias(_JOIN_ID))


def _shifted(comparisons: pl.LazyFrame, *, months: int, prefix: str) -> pl.LazyFrame:
    """The records moved ``months`` later, so each lines up with the month it is compared with."""
    return comparisons.select(
        pl.col(_JOIN_ID) + months,
        pl.col("amount").alias(f"{prefix}_amount"),
        pl.col("estimated").alias(f"{prefix}_estimated"),
    )


def _differences(reference: str, name: str) -> dict[str, pl.Expr]:
    """Absolute and relative difference of the month's amount to a reference column."""
    difference = pl.col("amount") - pl.col(reference)
    relative = pl.when(pl.col(reference) > 0).then(difference / pl.col(reference))
    return {f"diff_{name}": difference, f"rel_diff_{name}": relative}


def _require_unique(frame: pl.DataFrame, ids: pl.DataFrame, what: str) -> None:
    """Raise when a record key repeats: a join would then pair every copy with every other."""
    duplicated = frame.filter(ids["record"].is_duplicated())
    if duplicated.is_empty():
        return
    first = duplicated.row(0, named=True)
    key = ", ".join(f"{column}={first[column]}" for column in (*SUBMISSION_KEY, "service"))
    raise DuplicateRecordError(
        f"{what}: {duplicated.height} rows share a record key, "
        f"e.g. {key}. Validate first and use the report's valid rows "
        "(validate_eed(...).valid_consumptions / .valid_benchmarks)."
    )


def flagged_records(cons: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """The (unit_id, period, service, rule) of each record a finding points at.

    Findings name an input row (``file``, ``row``); the reader keeps those as provenance columns
    on ``cons``, so this joins them back to records. Without provenance nothing can be matched
    and the result is empty. Feed the result to ``charts.outlier_scatter(..., flagged=...)``.
    """
    schema = {
        "unit_id": pl.Int64(),
        "period": pl.Date(),
        "service": pl.String(),
        "rule": pl.String(),
    }
    if ROW_COLUMN not in cons.columns or findings.is_empty():
        return pl.DataFrame(schema=schema)
    on = [ROW_COLUMN, FILE_COLUMN] if FILE_COLUMN in cons.columns else [ROW_COLUMN]
    located = findings.select(
        pl.col("row").alias(ROW_COLUMN), pl.col("file").alias(FILE_COLUMN), "rule"
    ).select(*on, "rule")
    return (
        cons.select(*on, "unit_id", "period", pl.col("service").cast(pl.String))
        .join(located, on=on, how="inner")
        .select(pl.col(name).cast(dtype) for name, dtype in schema.items())
        .drop_nulls(["unit_id", "period", "service"])
        .unique(maintain_order=True)
    )
