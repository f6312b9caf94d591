"""Month arithmetic on the ``period`` column (a Date on the first day of its month)."""

from __future__ import annotations

import datetime as dt
from typing import Final

import polars as pl

#: VDI 2067 degree-day shares of a year's heating per mille, January to December: the split
#: HeizkostenV §9b uses for a tenant change without a reading (domain.md item 18).
DEGREE_DAY_SHARES: Final = (170, 150, 130, 80, 40, 14, 13, 13, 30, 80, 120, 160)


def month_index(period: pl.Expr) -> pl.Expr:
    """Months since year 0 (``year * 12 + month - 1``), so consecutive months differ by one."""
    return period.dt.year().cast(pl.Int64) * 12 + period.dt.month().cast(pl.Int64) - 1


def first_of_month(day: dt.date) -> dt.date:
    """The first day of the month that contains ``day``."""
    return day.replace(day=1)


def add_months(period: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``period``'s month."""
    index = period.year * 12 + period.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def last_complete_month(as_of: dt.date) -> dt.date:
    """The latest month that has ended on ``as_of`` (a UVI covers complete months only)."""
    return add_months(first_of_month(as_of), -1)


def format_period(period: dt.date) -> str:
    """``YYYY-MM`` for a period."""
    return f"{period.year:04d}-{period.month:02d}"
