"""period_over_period: each record against its previous month, last year and the benchmark."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from relay_analytics.analytics import (
    PERIOD_OVER_PERIOD_SCHEMA,
    DuplicateRecordError,
    period_over_period,
)
from relay_analytics.frames import BENCHMARK_SCHEMA, CONSUMPTION_SCHEMA


def consumptions(
    *records: tuple[str, float | None], unit_id: int = 7, **fixed: object
) -> pl.DataFrame:
    """A consumptions frame of ("YYYY-MM", amount) records for one unit's HEATING kWh series."""
    rows = [
        {
            "property_id": 1,
            "unit_id": unit_id,
            "customer_id": 70,
            "period": dt.date.fromisoformat(f"{period}-01"),
            "msc_name": "ista",
            "service": "HEATING",
            "unit_of_measure": "KWH",
            "amount": amount,
            "converted": False,
            "estimated": False,
            "errors": amount is None,
            "remark_codes": [],
            **fixed,
        }
        for period, amount in records
    ]
    return pl.DataFrame(rows, schema=CONSUMPTION_SCHEMA)


def benchmarks(*records: tuple[str, float], unit_id: int = 7) -> pl.DataFrame:
    """A benchmarks frame matching :func:`consumptions`."""
    frame = consumptions(*records, unit_id=unit_id)
    return frame.select(BENCHMARK_SCHEMA.names())


def row_for(pop: pl.DataFrame, period: str) -> dict[str, object]:
    """The single result row of one period."""
    rows = pop.filter(pl.col("period") == dt.date.fromisoformat(f"{period}-01"))
    assert rows.height == 1
    return rows.row(0, named=True)


def test_result_has_the_documented_schema_even_when_empty() -> None:
    pop = period_over_period(pl.DataFrame(schema=CONSUMPTION_SCHEMA))
    assert pop.schema == PERIOD_OVER_PERIOD_SCHEMA
    assert pop.is_empty()


def test_january_compares_with_december_and_with_last_january() -> None:
    cons = consumptions(("2023-01", 200.0), ("2023-12", 150.0), ("2024-01", 180.0))
    pop = period_over_period(cons, benchmarks(("2024-01", 160.0)))

    january = row_for(pop, "2024-01")
    assert january["previous_amount"] == 150.0
    assert january["diff_previous"] == 30.0
    assert january["rel_diff_previous"] == pytest.approx(0.2)
    assert january["last_year_amount"] == 200.0
    assert january["diff_last_year"] == -20.0
    assert january["rel_diff_last_year"] == pytest.approx(-0.1)
    assert january["benchmark_amount"] == 160.0
    assert january["diff_benchmark"] == 20.0
    assert january["rel_diff_benchmark"] == pytest.approx(0.125)
    assert not january["previous_missing"]
    assert not january["last_year_missing"]
    assert not january["benchmark_missing"]


def test_a_missing_month_is_missing_not_the_month_before_it() -> None:
    cons = consumptions(("2024-01", 100.0), ("2024-03", 80.0))
    march = row_for(period_over_period(cons), "2024-03")
    assert march["previous_missing"]
    assert march["previous_amount"] is None
    assert march["diff_previous"] is None
    assert march["rel_diff_previous"] is None
    assert march["last_year_missing"]
    assert march["benchmark_missing"]


def test_error_records_are_kept_with_null_amount_and_count_as_missing_for_the_next_month() -> None:
    cons = consumptions(("2024-01", None), ("2024-02", 90.0))
    pop = period_over_period(cons)
    january = row_for(pop, "2024-01")
    assert january["errors"]
    assert january["amount"] is None
    assert january["diff_previous"] is None
    february = row_for(pop, "2024-02")
    assert february["previous_missing"]
    assert february["diff_previous"] is None


def test_estimated_flags_travel_with_the_compared_months() -> None:
    cons = pl.concat(
        [
            consumptions(("2024-01", 100.0), estimated=True),
            consumptions(("2024-02", 90.0)),
        ]
    )
    february = row_for(period_over_period(cons), "2024-02")
    assert not february["estimated"]
    assert february["previous_estimated"]


def test_relative_difference_is_null_against_zero() -> None:
    cons = consumptions(("2024-06", 0.0), ("2024-07", 5.0))
    july = row_for(period_over_period(cons), "2024-07")
    assert july["diff_previous"] == 5.0
    assert july["rel_diff_previous"] is None


def test_series_do_not_mix_units_customers_or_units_of_measure() -> None:
    cons = pl.concat(
        [
            consumptions(("2024-01", 100.0), unit_id=1),
            consumptions(("2024-02", 90.0), unit_id=2),
            consumptions(("2024-02", 50.0), unit_id=1, customer_id=71),
            consumptions(("2024-02", 40.0), unit_id=1, unit_of_measure="HCU"),
        ]
    )
    pop = period_over_period(cons).filter(pl.col("period") == dt.date(2024, 2, 1))
    assert pop.height == 3
    assert pop["previous_missing"].all()


def test_extra_provenance_columns_are_dropped() -> None:
    cons = consumptions(("2024-01", 1.0)).with_columns(_row=pl.lit(1), _file=pl.lit("a.csv"))
    assert not any(name.startswith("_") for name in period_over_period(cons).columns)


def test_rows_keep_the_input_order() -> None:
    cons = consumptions(("2024-03", 3.0), ("2024-01", 1.0), ("2024-02", 2.0))
    assert period_over_period(cons)["amount"].to_list() == [3.0, 1.0, 2.0]


def test_duplicate_record_keys_are_refused_with_the_key() -> None:
    cons = consumptions(("2024-01", 1.0), ("2024-01", 2.0))
    with pytest.raises(DuplicateRecordError, match="unit_id=7, customer_id=70, period=2024-01-01"):
        period_over_period(cons)
