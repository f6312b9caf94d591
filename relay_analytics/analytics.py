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
)
from relay_analytics.periods import shift_months

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
    _require_unique(current, "consumptions")
    comparisons = current.select(*SERIES_KEY, "period", "amount", "estimated").lazy()
    frame = (
        current.lazy()
        .join(
            _shifted(comparisons, months=1, prefix="previous"),
            on=RECORD_KEY,
            how="left",
            maintain_order="left",
        )
        .join(
            _shifted(comparisons, months=12, prefix="last_year"),
            on=RECORD_KEY,
            how="left",
            maintain_order="left",
        )
        .join(_benchmark_amounts(bench), on=RECORD_KEY, how="left", maintain_order="left")
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


def _shifted(comparisons: pl.LazyFrame, *, months: int, prefix: str) -> pl.LazyFrame:
    """The records moved ``months`` later, so each lines up with the month it is compared with."""
    return comparisons.with_columns(period=shift_months(pl.col("period"), months)).rename(
        {"amount": f"{prefix}_amount", "estimated": f"{prefix}_estimated"}
    )


def _benchmark_amounts(bench: pl.DataFrame | None) -> pl.LazyFrame:
    """The benchmark amount per record key (an empty frame when there are no benchmarks)."""
    if bench is None:
        bench = pl.DataFrame(schema=BENCHMARK_SCHEMA)
    canonical = bench.select(BENCHMARK_SCHEMA.names())
    _require_unique(canonical, "benchmarks")
    return canonical.lazy().select(*RECORD_KEY, benchmark_amount="amount")


def _differences(reference: str, name: str) -> dict[str, pl.Expr]:
    """Absolute and relative difference of the month's amount to a reference column."""
    difference = pl.col("amount") - pl.col(reference)
    relative = pl.when(pl.col(reference) > 0).then(difference / pl.col(reference))
    return {f"diff_{name}": difference, f"rel_diff_{name}": relative}


def _require_unique(frame: pl.DataFrame, what: str) -> None:
    """Raise when a record key repeats: a join would then pair every copy with every other."""
    duplicated = frame.filter(pl.struct(RECORD_KEY).is_duplicated())
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
