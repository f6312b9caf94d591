"""Every rule: a fixture that breaks only that rule is reported at its row with its severity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fixtures.validation.builders import (
    AS_OF,
    benchmark,
    benchmark_position,
    clean_benchmarks,
    clean_consumptions,
    clean_units,
    consumption_position,
    consumptions,
    record,
)

from relay_analytics.validation import RULES, Thresholds, validate_eed

Frames = tuple[pl.DataFrame, pl.DataFrame | None, pl.DataFrame | None]
NEW_ROW = 145  # a record appended to the 144 clean ones
DECEMBER = 23  # month index of 2024-12
LENIENT_JUMPS = Thresholds(
    year_over_year_max_change=100.0, month_over_month_min_ratio=0.01, month_over_month_max_ratio=100
)


@dataclasses.dataclass(frozen=True)
class Case:
    """A broken fixture and where the rule must report it."""

    rule: str
    rows: tuple[int, ...]
    breaks: Callable[[pl.DataFrame, pl.DataFrame, pl.DataFrame], Frames]
    file: str = "consumptions"
    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)


def append(**overrides: Any) -> Callable[[pl.DataFrame, pl.DataFrame, pl.DataFrame], Frames]:
    """Append one record of a new unit 3 (no benchmarks, no units)."""
    return lambda cons, bench, units: (
        pl.concat([cons, consumptions([record(**overrides)])]),
        None,
        None,
    )


def set_cells(
    position: int, with_bench: bool = False, **values: Any
) -> Callable[[pl.DataFrame, pl.DataFrame, pl.DataFrame], Frames]:
    """Change cells of one consumption record."""

    def breaks(cons: pl.DataFrame, bench: pl.DataFrame, units: pl.DataFrame) -> Frames:
        is_target = pl.int_range(pl.len()) == position
        changed = cons.with_columns(
            pl.when(is_target).then(pl.lit(v, dtype=cons.schema[k])).otherwise(pl.col(k)).alias(k)
            for k, v in values.items()
        )
        return changed, bench if with_bench else None, None

    return breaks


def set_bench(position: int, **values: Any) -> Callable[..., Frames]:
    """Change cells of one benchmark record."""

    def breaks(cons: pl.DataFrame, bench: pl.DataFrame, units: pl.DataFrame) -> Frames:
        is_target = pl.int_range(pl.len()) == position
        return (
            cons,
            bench.with_columns(
                pl.when(is_target)
                .then(pl.lit(v, dtype=bench.schema[k]))
                .otherwise(pl.col(k))
                .alias(k)
                for k, v in values.items()
            ),
            None,
        )

    return breaks


def drop_row(position: int, *, from_bench: bool = False) -> Callable[..., Frames]:
    """Remove one record."""

    def breaks(cons: pl.DataFrame, bench: pl.DataFrame, units: pl.DataFrame) -> Frames:
        keep = pl.int_range(pl.len()) != position
        return (cons, bench.filter(keep), None) if from_bench else (cons.filter(keep), None, None)

    return breaks


def with_units(**unit: Any) -> Callable[..., Frames]:
    """Append a unit 3 record and give a units frame that knows unit 3 as ``unit`` says."""

    def breaks(cons: pl.DataFrame, bench: pl.DataFrame, units: pl.DataFrame) -> Frames:
        known = pl.concat([units, pl.DataFrame([unit], schema=units.schema, orient="row")])
        return pl.concat([cons, consumptions([record()])]), None, known

    return breaks


HEATING_DEC = consumption_position(0, DECEMBER, 0)  # row 70
HOT_WATER_DEC = consumption_position(0, DECEMBER, 1)  # row 71
BENCH_HEATING_DEC = benchmark_position(0, DECEMBER, 0)  # row 47


def duplicate_consumption(cons: pl.DataFrame, bench: pl.DataFrame, units: pl.DataFrame) -> Frames:
    """Append a copy of the December heating record of unit 1."""
    return pl.concat([cons, cons[HEATING_DEC]]), None, None


def duplicate_benchmark(cons: pl.DataFrame, bench: pl.DataFrame, units: pl.DataFrame) -> Frames:
    """Append a copy of the December heating benchmark of unit 1."""
    return cons, pl.concat([bench, bench[BENCH_HEATING_DEC]]), None


def estimated_months(*months: int, services: tuple[int, ...] = (0,)) -> Callable[..., Frames]:
    """Mark unit 1's records of ``months`` and ``services`` estimated."""
    targets = [consumption_position(0, m, s) for m in months for s in services]

    def breaks(cons: pl.DataFrame, bench: pl.DataFrame, units: pl.DataFrame) -> Frames:
        hit = pl.int_range(pl.len()).is_in(targets)
        return cons.with_columns(estimated=pl.col("estimated") | hit), None, None

    return breaks


def scale_amounts(factor: float, *positions: int) -> Callable[..., Frames]:
    """Multiply the amounts of some records."""

    def breaks(cons: pl.DataFrame, bench: pl.DataFrame, units: pl.DataFrame) -> Frames:
        hit = pl.int_range(pl.len()).is_in(positions)
        amount = pl.when(hit).then(pl.col("amount") * factor).otherwise(pl.col("amount"))
        return cons.with_columns(amount=amount), None, None

    return breaks


def unreadable_amount(cons: pl.DataFrame, bench: pl.DataFrame, units: pl.DataFrame) -> Frames:
    """The frame as text, as a file would deliver it, with one amount that is not a number."""
    text = cons.with_columns(
        pl.col("period").dt.strftime("%Y-%m"), pl.col("remark_codes").list.join("|")
    ).cast(pl.String)
    hit = pl.int_range(pl.len()) == HEATING_DEC
    return (
        text.with_columns(amount=pl.when(hit).then(pl.lit("12 kWh")).otherwise("amount")),
        None,
        None,
    )


CASES = [
    # errors
    Case("unreadable_value", (70,), unreadable_amount),
    Case("required_value_missing", (NEW_ROW,), append(estimated=None)),
    Case("id_not_positive", (NEW_ROW,), append(unit_id=-3)),
    Case("amount_negative", (NEW_ROW,), append(amount=-1.0)),
    Case("amount_not_finite", (NEW_ROW,), append(amount=float("inf"))),
    Case("period_incomplete", (NEW_ROW,), append(period=dt.date(2025, 1, 1))),
    Case(
        "msc_name_not_allowed",
        (NEW_ROW,),
        append(msc_name="Itsa"),
        kwargs={"msc_allow_list": ["ista", "Techem"]},
    ),
    Case(
        "unit_of_measure_not_allowed",
        (NEW_ROW,),
        append(service="COLD_WATER", unit_of_measure="KWH"),
    ),
    Case("amount_missing", (NEW_ROW,), append(amount=None)),
    Case("amount_with_errors", (NEW_ROW,), append(errors=True)),
    Case(
        "converted_not_kwh",
        (NEW_ROW,),
        append(service="COLD_WATER", unit_of_measure="M3", converted=True),
    ),
    Case("remark_code_unknown", (NEW_ROW,), append(remark_codes=["PARTLY_ESTIMATED", "FOO"])),
    Case("duplicate_record", (70, NEW_ROW), duplicate_consumption),
    Case("duplicate_record", (47, 97), duplicate_benchmark, file="benchmarks"),
    Case(
        "benchmark_unit_mismatch",
        (47,),
        set_bench(BENCH_HEATING_DEC, unit_of_measure="HCU"),
        file="benchmarks",
    ),
    Case("benchmark_zero", (47,), set_bench(BENCH_HEATING_DEC, amount=0.0), file="benchmarks"),
    Case("unit_unknown", (NEW_ROW,), with_units(id=4, property_id=1, customer_id=103)),
    Case("unit_property_mismatch", (NEW_ROW,), with_units(id=3, property_id=9, customer_id=103)),
    Case("unit_customer_mismatch", (NEW_ROW,), with_units(id=3, property_id=1, customer_id=7)),
    # warnings
    Case("period_before_start", (NEW_ROW,), append(period=dt.date(2021, 12, 1))),
    Case("benchmark_missing", (70,), drop_row(BENCH_HEATING_DEC, from_bench=True)),
    Case(
        "benchmark_without_consumption",
        (97,),
        lambda c, b, u: (
            c,
            pl.concat([b, pl.DataFrame([benchmark()], schema=b.schema, orient="row")]),
            None,
        ),
        file="benchmarks",
    ),
    Case("kwh_missing", (NEW_ROW,), append(unit_of_measure="HCU")),
    Case(
        "unit_of_measure_changed",
        (NEW_ROW,),
        append(unit_id=1, customer_id=100, period=dt.date(2024, 12, 1), unit_of_measure="HCU"),
    ),
    Case("series_gap", (54,), drop_row(consumption_position(0, 17, 0))),
    Case("estimated_streak", (70,), estimated_months(21, 22, 23)),
    Case("estimated_share_high", (49,), estimated_months(16, services=(0, 1))),
    Case(
        "month_over_month_jump",
        (43, 46),
        scale_amounts(5, consumption_position(0, 14, 0)),
        kwargs={"thresholds": Thresholds(year_over_year_max_change=10)},
    ),
    Case("year_over_year_jump", (71,), scale_amounts(2, HOT_WATER_DEC)),
    Case(
        "summer_heating_high",
        (55,),
        scale_amounts(15, consumption_position(0, 18, 0)),
        kwargs={"thresholds": LENIENT_JUMPS},
    ),
    Case(
        "winter_heating_zero",
        (70,),
        set_cells(HEATING_DEC, amount=0.0),
        kwargs={"thresholds": LENIENT_JUMPS},
    ),
    Case(
        "hot_water_zero_streak",
        (71,),
        scale_amounts(0, consumption_position(0, 22, 1), HOT_WATER_DEC),
        kwargs={"thresholds": LENIENT_JUMPS},
    ),
    Case("cooling_in_winter", (NEW_ROW,), append(service="COOLING", period=dt.date(2024, 12, 1))),
    Case("amount_precision", (NEW_ROW,), append(amount=80.1234)),
]


def run(case: Case) -> pl.DataFrame:
    """Break the clean data as the case says and return all findings."""
    cons, bench, units = case.breaks(clean_consumptions(), clean_benchmarks(), clean_units())
    return validate_eed(cons, bench, units, as_of=AS_OF, **case.kwargs).findings


def test_clean_data_has_no_findings() -> None:
    report = validate_eed(
        clean_consumptions(),
        clean_benchmarks(),
        clean_units(),
        as_of=AS_OF,
        msc_allow_list=["ista"],
    )
    assert report.findings.is_empty()
    assert report.ok
    assert report.valid_consumptions.height == 144
    assert report.valid_benchmarks.height == 96
    assert report.invalid_keys.is_empty()


def test_every_rule_has_a_case() -> None:
    tested = {case.rule for case in CASES}
    # These rules guard the units/properties frames (tests/test_validation.py).
    assert set(RULES) - tested == {"duplicate_id", "msc_number_length"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_rule_reports_the_broken_row_only(case: Case) -> None:
    findings = run(case)
    hits = findings.filter(pl.col("rule") == case.rule)
    assert sorted(hits["row"].to_list()) == list(case.rows)
    assert set(hits["severity"]) == {RULES[case.rule].severity}
    assert set(hits["file"]) == {case.file}
    assert set(findings["rule"]) == {case.rule}, "the fixture breaks only this rule"


def test_thresholds_are_frozen_and_overridable() -> None:
    strict = dataclasses.replace(Thresholds(), estimated_streak_months=2)
    report = validate_eed(
        estimated_months(22, 23)(clean_consumptions(), clean_benchmarks(), clean_units())[0],
        as_of=AS_OF,
        thresholds=strict,
    )
    assert report.warnings["rule"].to_list() == ["estimated_streak"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Thresholds().estimated_share_max = 0.5  # type: ignore[misc]


def test_docs_rules_md_explains_every_rule_under_its_severity() -> None:
    text = (Path(__file__).parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    errors, warnings = text.split("\n## Errors\n")[1].split("\n## Warnings\n")
    warnings = warnings.split("\n## ")[0]
    documented = {
        "error": set(re.findall(r"^\| `([a-z_]+)`", errors, re.M)),
        "warning": set(re.findall(r"^\| `([a-z_]+)`", warnings, re.M)),
    }
    reference_rules = {"duplicate_id", "msc_number_length"}  # of the units/properties frames
    for rule in RULES.values():
        if rule.id not in reference_rules:
            assert rule.id in documented[rule.severity], rule.id
    assert documented["error"] | documented["warning"] <= set(RULES)
