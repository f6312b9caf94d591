"""Domain rules as named polars expressions (domain.md, "Validation rules ... should enforce").

Each rule has a stable snake_case id, a severity and a one-line message (documented in
docs/rules.md). A rule's expression is true on a violating row. Two kinds of *work frame*
(built by :mod:`relay_analytics.validation.validate`) carry the helper columns named below:

- row rules (``record_checks``, ``reference_checks``, ``benchmark_checks``,
  ``consumption_checks``) run on the frame in its input order; they do not depend on it;
- series rules (``series_checks``, all warnings) run on a narrow copy of the consumptions sorted
  once by series and month, so that they are shifts and lookups rather than windows;
- property-month rules (``property_month_checks``, warnings) run on one row per property-month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final, Literal

import polars as pl

from relay_analytics import frames
from relay_analytics.periods import DEGREE_DAY_SHARES, first_of_month

Severity = Literal["error", "warning"]
ERROR: Final = "error"
WARNING: Final = "warning"

# Helper columns of the work frames.
POSITION: Final = "_pos"  # 0-based position in the validated frame
# ... of the series frame only (rows with a period, sorted by series and month):
SERIES: Final = "_series"  # id of (ids, msc_name, service, unit_of_measure): one monthly series
SERVICE_SERIES: Final = "_service_series"  # id of (ids, msc_name, service), any unit of measure
MONTH: Final = "_month"  # periods.month_index(period)
SERIES_MONTH: Final = "_series_month"  # (series, month) as one int, increasing down the frame
SERVICE_MONTH: Final = "_service_month"  # (service series, month) as one int, spaced alike
LAST_YEAR_AMOUNT: Final = "_last_year_amount"  # the series' amount twelve months earlier
KWH_RECORDED: Final = "_kwh_recorded"  # a KWH record exists for the service series and month
# ... of the property-month frame (one row per PROPERTY_MONTH, at its first record's POSITION):
PROPERTY_MONTH: Final = ("property_id", "msc_name", "period")
ESTIMATED_SHARE: Final = "_estimated_share"  # share of the property-month's records estimated
# ... of the row frames only:
REPEATED: Final = "_repeated"  # the row's RECORD_KEY appears more than once in its frame
HAS_BENCHMARK: Final = "_has_benchmark"  # a benchmark exists for the key and service
HAS_CONSUMPTION: Final = "_has_consumption"  # a consumption exists for the key and service
SAME_UNIT_CONSUMPTION: Final = "_same_unit_consumption"  # ... in the benchmark's unit of measure
KNOWN_UNIT: Final = "_known_unit"  # the units frame knows unit_id
KNOWN_PROPERTY: Final = "_known_property_id"  # the property of unit_id in the units frame
KNOWN_CUSTOMER: Final = "_known_customer_id"  # the customer of unit_id in the units frame


@dataclass(frozen=True)
class Thresholds:
    """Every tunable limit of the warning rules, in one place; override with ``replace``."""

    earliest_period: dt.date = dt.date(2022, 1, 1)
    estimated_streak_months: int = 3
    estimated_share_max: float = 0.25
    month_over_month_min_ratio: float = 1 / 3
    month_over_month_max_ratio: float = 3.0
    year_over_year_max_change: float = 0.5
    summer_heating_max_share: float = 0.10
    hot_water_zero_months: int = 2
    max_decimals: int = 3
    degree_day_shares: tuple[int, ...] = field(default=DEGREE_DAY_SHARES)
    summer_months: tuple[int, ...] = (6, 7, 8)
    winter_months: tuple[int, ...] = (12, 1, 2)
    cooling_off_months: tuple[int, ...] = (11, 12, 1, 2, 3)


@dataclass(frozen=True)
class Rule:
    """A validation rule: stable id, severity, the column a finding names and a message."""

    id: str
    severity: Severity
    column: str
    message: str


def _rule(id: str, severity: Severity, column: str, message: str) -> Rule:
    return Rule(id, severity, column, message)


#: Every rule, by id. Rules whose column is "*" name the offending column per finding.
RULES: Final[dict[str, Rule]] = {
    rule.id: rule
    for rule in (
        _rule("unreadable_value", ERROR, "*", "the cell cannot be read"),
        _rule("required_value_missing", ERROR, "*", "a required value is missing"),
        _rule("id_not_positive", ERROR, "*", "Relay ids are positive integers"),
        _rule("amount_negative", ERROR, "amount", "amount is negative; a month's use is >= 0"),
        _rule("amount_not_finite", ERROR, "amount", "amount is NaN or infinite"),
        _rule("duplicate_id", ERROR, "id", "the id appears more than once"),
        _rule("msc_number_length", ERROR, "msc_number", "msc_number is too long for ARGE"),
        _rule("period_incomplete", ERROR, "period",
              "period is the current, incomplete month or in the future"),
        _rule("msc_name_not_allowed", ERROR, "msc_name", "msc_name is not in the allow-list"),
        _rule("unit_of_measure_not_allowed", ERROR, "unit_of_measure",
              "this unit of measure is not allowed for the service"),
        _rule("amount_missing", ERROR, "amount", "amount is missing although errors is false"),
        _rule("amount_with_errors", ERROR, "amount", "amount must be empty when errors is true"),
        _rule("converted_not_kwh", ERROR, "converted", "converted is true but the unit is not KWH"),
        _rule("remark_code_unknown", ERROR, "remark_codes", "unknown ARGE remark code"),
        _rule("duplicate_record", ERROR, "service",
              "the key, service and unit of measure appear more than once"),
        _rule("benchmark_unit_mismatch", ERROR, "unit_of_measure",
              "the benchmark's unit differs from the consumption's for this service"),
        _rule("benchmark_zero", ERROR, "amount",
              "benchmark is 0 (allowed only for HEATING in summer)"),
        _rule("unit_unknown", ERROR, "unit_id", "Relay does not know this unit"),
        _rule("unit_property_mismatch", ERROR, "property_id",
              "the unit belongs to another property in Relay"),
        _rule("unit_customer_mismatch", ERROR, "customer_id",
              "the unit belongs to another customer in Relay"),
        _rule("period_before_start", WARNING, "period",
              "period is before the monthly-information duty started"),
        _rule("benchmark_missing", WARNING, "service",
              "no benchmark for this HEATING/HOT_WATER consumption"),
        _rule("benchmark_without_consumption", WARNING, "service",
              "benchmark without a consumption for its key and service"),
        _rule("kwh_missing", WARNING, "unit_of_measure",
              "HEATING/HOT_WATER has no KWH value for this key"),
        _rule("unit_of_measure_changed", WARNING, "unit_of_measure",
              "the unit of measure of this service changed within the series"),
        _rule("series_gap", WARNING, "period", "months are missing before this period"),
        _rule("estimated_streak", WARNING, "estimated",
              "estimated for several consecutive months; check the device"),
        _rule("estimated_share_high", WARNING, "estimated",
              "a high share of this property-month is estimated"),
        _rule("month_over_month_jump", WARNING, "amount",
              "change from the previous month is outside the season-adjusted band"),
        _rule("year_over_year_jump", WARNING, "amount",
              "deviation from the same month last year is large"),
        _rule("summer_heating_high", WARNING, "amount",
              "summer heating is a large share of the trailing year"),
        _rule("winter_heating_zero", WARNING, "amount", "zero heating in winter"),
        _rule("hot_water_zero_streak", WARNING, "amount", "zero hot water for several months"),
        _rule("cooling_in_winter", WARNING, "amount", "cooling consumption in the cold season"),
        _rule("amount_precision", WARNING, "amount",
              "unusual decimals for the unit (HCU whole, KWH/M3 few decimals): unit mix-up?"),
    )
}  # fmt: skip

#: pandera check name -> rule id (checks named after a rule map to themselves).
PANDERA_CHECKS: Final[dict[str, str]] = {
    "not_nullable": "required_value_missing",
    "field_uniqueness": "duplicate_id",
}


def record_checks(
    thresholds: Thresholds, as_of: dt.date, msc_allow_list: Collection[str] | None
) -> dict[str, pl.Expr]:
    """Row rules shared by consumptions and benchmarks (need the REPEATED helper column)."""
    allowed_pair = pl.lit(False)
    for service, units in frames.ALLOWED_UNITS.items():
        allowed_pair = allowed_pair | (
            (pl.col("service") == service) & pl.col("unit_of_measure").is_in(units)
        )
    checks = {
        "period_incomplete": pl.col("period") >= first_of_month(as_of),
        "period_before_start": pl.col("period") < thresholds.earliest_period,
        "unit_of_measure_not_allowed": ~allowed_pair,
        "duplicate_record": pl.col(REPEATED),
        "amount_precision": _excess_precision(thresholds.max_decimals),
    }
    if msc_allow_list is not None:
        checks["msc_name_not_allowed"] = ~pl.col("msc_name").is_in(list(msc_allow_list))
    return checks


def reference_checks() -> dict[str, pl.Expr]:
    """Rules against a Relay units frame (needs KNOWN_* helper columns)."""
    return {
        "unit_unknown": pl.col("unit_id").is_not_null() & ~pl.col(KNOWN_UNIT),
        "unit_property_mismatch": pl.col(KNOWN_PROPERTY) != pl.col("property_id"),
        "unit_customer_mismatch": pl.col(KNOWN_CUSTOMER) != pl.col("customer_id"),
    }


def benchmark_checks(thresholds: Thresholds) -> dict[str, pl.Expr]:
    """Rules of benchmark rows against the consumptions (needs HAS_/SAME_ helper columns)."""
    summer_heating = (pl.col("service") == "HEATING") & _in_months(thresholds.summer_months)
    return {
        "benchmark_zero": (pl.col("amount") == 0) & ~summer_heating,
        "benchmark_unit_mismatch": pl.col(HAS_CONSUMPTION) & ~pl.col(SAME_UNIT_CONSUMPTION),
        "benchmark_without_consumption": ~pl.col(HAS_CONSUMPTION),
    }


def consumption_checks(thresholds: Thresholds, *, with_benchmarks: bool) -> dict[str, pl.Expr]:
    """Row rules of consumption rows (any row order; needs HAS_BENCHMARK with benchmarks)."""
    t = thresholds
    amount, service = pl.col("amount"), pl.col("service")
    checks = {
        "amount_missing": ~pl.col("errors") & amount.is_null(),
        "amount_with_errors": pl.col("errors") & amount.is_not_null(),
        "converted_not_kwh": pl.col("converted") & (pl.col("unit_of_measure") != "KWH"),
        "remark_code_unknown": pl.col("remark_codes")
        .list.eval(~pl.element().is_in(frames.REMARK_CODES))
        .list.any(),
        "winter_heating_zero": (service == "HEATING") & (amount == 0) & _in_months(t.winter_months),
        "cooling_in_winter": (service == "COOLING")
        & (amount > 0)
        & _in_months(t.cooling_off_months),
    }
    if with_benchmarks:
        checks["benchmark_missing"] = _heating_or_hot_water() & ~pl.col(HAS_BENCHMARK)
    return checks


def property_month_checks(thresholds: Thresholds) -> dict[str, pl.Expr]:
    """Rules over property-months (needs the property-month frame); all warnings."""
    return {"estimated_share_high": pl.col(ESTIMATED_SHARE) > thresholds.estimated_share_max}


def series_lookups() -> dict[str, pl.Expr]:
    """Helper columns of the series frame found by binary search, computed once before the rules.

    Needs SERIES_MONTH and SERVICE_MONTH; the series rules read the columns it adds.
    """
    return {LAST_YEAR_AMOUNT: _last_year_amount(), KWH_RECORDED: _kwh_recorded()}


def series_checks(thresholds: Thresholds) -> dict[str, pl.Expr]:
    """Rules over a consumption's monthly series (needs the sorted series frame); all warnings."""
    t = thresholds
    amount, last_year = pl.col("amount"), pl.col(LAST_YEAR_AMOUNT)
    return {
        "kwh_missing": _heating_or_hot_water()
        & (pl.col("unit_of_measure") != "KWH")
        & ~pl.col(KWH_RECORDED),
        # The first month of a unit of measure is later than the service's first month.
        "unit_of_measure_changed": (pl.col(SERIES) != pl.col(SERIES).shift(1))
        & (pl.col(MONTH) > pl.col(MONTH).min().over(SERVICE_SERIES)),
        "series_gap": _same_series(1) & (pl.col(MONTH) - pl.col(MONTH).shift(1) > 1),
        "estimated_streak": _streak(pl.col("estimated"), t.estimated_streak_months),
        "month_over_month_jump": _month_over_month_jump(t),
        "year_over_year_jump": _usable(amount)
        & _usable(last_year)
        & (last_year > 0)
        & ((amount / last_year - 1).abs() > t.year_over_year_max_change),
        "summer_heating_high": _summer_heating_high(t),
        "hot_water_zero_streak": (pl.col("service") == "HOT_WATER")
        & _streak(amount == 0, t.hot_water_zero_months),
    }


def _heating_or_hot_water() -> pl.Expr:
    return pl.col("service").is_in(("HEATING", "HOT_WATER"))


def _usable(amount: pl.Expr) -> pl.Expr:
    """Finite and not negative: other rules report the rest, comparisons skip it."""
    return amount.is_finite() & (amount >= 0)


def _in_months(months: tuple[int, ...]) -> pl.Expr:
    return pl.col("period").dt.month().is_in(months)


def _same_series(lag: int) -> pl.Expr:
    """The row ``lag`` rows up belongs to the same series (the work frame is sorted)."""
    return pl.col(SERIES) == pl.col(SERIES).shift(lag)


def _streak(condition: pl.Expr, months: int) -> pl.Expr:
    """``condition`` held for ``months`` consecutive months of the series, ending here."""
    lag = months - 1
    window = _same_series(lag) & (pl.col(MONTH) - pl.col(MONTH).shift(lag) == lag)
    return window & (condition.cast(pl.Int32).rolling_sum(months) == months)


def _previous_month_amount() -> pl.Expr:
    consecutive = _same_series(1) & (pl.col(MONTH) - pl.col(MONTH).shift(1) == 1)
    return pl.when(consecutive).then(pl.col("amount").shift(1))


def _month_over_month_jump(t: Thresholds) -> pl.Expr:
    """Ratio to the previous month, divided by the ratio of degree-day shares for HEATING."""
    shares = t.degree_day_shares  # January first; shares[month - 2] is the previous month's
    seasonal = {month: shares[month - 1] / shares[month - 2] for month in range(1, 13)}
    expected = (
        pl.when(pl.col("service") == "HEATING")
        .then(pl.col("period").dt.month().replace_strict(seasonal, return_dtype=pl.Float64))
        .otherwise(1.0)
    )
    previous = _previous_month_amount()
    adjusted = pl.col("amount") / previous / expected
    return (
        (pl.col("service") != "COOLING")
        & _usable(previous)
        & _usable(pl.col("amount"))
        & (previous > 0)
        & (pl.col("amount") > 0)
        & ((adjusted < t.month_over_month_min_ratio) | (adjusted > t.month_over_month_max_ratio))
    )


def _summer_heating_high(t: Thresholds) -> pl.Expr:
    """Summer heating above a share of the complete 12 months ending with this one."""
    # Sorted frame: a complete trailing year is the 12 rows ending here, all in the series and
    # 11 months apart, so its sum is a difference of running totals.
    running = pl.col("amount").fill_null(0).cum_sum()
    trailing_sum = running - running.shift(12).fill_null(0)
    complete_year = _same_series(11) & (pl.col(MONTH) - pl.col(MONTH).shift(11) == 11)
    return (
        (pl.col("service") == "HEATING")
        & _in_months(t.summer_months)
        & complete_year
        & _usable(pl.col("amount"))
        & (pl.col("amount") > t.summer_heating_max_share * trailing_sum)
    )


def _last_year_amount() -> pl.Expr:
    """The amount of the same series twelve months earlier.

    That is the nearest record above with that month and an amount, at most twelve records up
    (repeated records, an error of their own, may hide it), as a lookup over the twelve rows
    above would find it. SERIES_MONTH increases down the sorted frame, so one binary search
    among the records with an amount finds the last one at or before (series, month - 12).
    """
    with_amount = pl.col("amount").is_not_null()
    target = pl.col(SERIES_MONTH) - 12
    keys = pl.col(SERIES_MONTH).filter(with_amount)
    # Clipped to the first record when none is that early: its key then differs from target.
    found = (keys.search_sorted(target, side="right").cast(pl.Int64) - 1).clip(0)
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    rows_up = row - row.filter(with_amount).gather(found, null_on_oob=True)
    is_last_year = (keys.gather(found, null_on_oob=True) == target) & (rows_up <= 12)
    return pl.when(is_last_year).then(
        pl.col("amount").filter(with_amount).gather(found, null_on_oob=True)
    )


def _kwh_recorded() -> pl.Expr:
    """A KWH record exists for the row's service series and month.

    In each service series the KWH records are one block sorted by month, so SERVICE_MONTH
    increases down the KWH records and one binary search finds the month (a set lookup of
    every row costs four times as much, measured).
    """
    key = pl.col(SERVICE_MONTH)
    kwh_keys = key.filter(pl.col("unit_of_measure") == "KWH")
    found = kwh_keys.search_sorted(key, side="left")
    return (kwh_keys.gather(found, null_on_oob=True) == key).fill_null(False)


def _excess_precision(max_decimals: int) -> pl.Expr:
    """HCU not whole, or more than ``max_decimals`` decimals for KWH/M3."""
    amount = pl.col("amount")
    scale = pl.when(pl.col("unit_of_measure") == "HCU").then(1.0).otherwise(10.0**max_decimals)
    scaled = amount * scale
    # Tolerance for binary floating point: 2.31 * 1000 is 2310.0000000000005.
    excess = (scaled - scaled.round()).abs() > 1e-6 * pl.max_horizontal(scaled.abs(), 1.0)
    return _usable(amount) & excess
