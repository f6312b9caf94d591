"""Selecting and shaping the rows a chart draws, in polars, before altair sees them."""

from __future__ import annotations

import datetime as dt
from typing import cast

import polars as pl

from relay_analytics.charts._labels import STATUSES
from relay_analytics.frames import PERIOD_FORMAT
from relay_analytics.periods import add_months


class ChartDataError(ValueError):
    """The frame holds nothing the requested chart could draw."""


def as_period(period: dt.date | str) -> dt.date:
    """A period given as a date or ``YYYY-MM`` text, as the first day of its month."""
    if isinstance(period, str):
        try:
            return dt.datetime.strptime(period, PERIOD_FORMAT).date()
        except ValueError:
            raise ValueError(f"period must look like YYYY-MM, got {period!r}") from None
    return period.replace(day=1)


def month_text(period: pl.Expr) -> pl.Expr:
    """The period as ``YYYY-MM`` text, the form charts put on their axes."""
    return period.dt.strftime(PERIOD_FORMAT)


def months(first: dt.date, last: dt.date) -> pl.DataFrame:
    """Every period from ``first`` to ``last`` (both included) in a ``period`` column."""
    return pl.DataFrame(
        {"period": pl.date_range(first, last, interval="1mo", eager=True)},
        schema={"period": pl.Date()},
    )


def period_window(end: dt.date, count: int) -> tuple[dt.date, dt.date]:
    """The first and last period of the ``count`` months that end with ``end``."""
    return add_months(end, -(count - 1)), end


def unit_series(
    frame: pl.DataFrame,
    unit_id: int,
    service: str,
    unit_of_measure: str,
    customer_id: int | None,
) -> pl.DataFrame:
    """One unit's rows of one service and unit of measure, for one customer.

    Without ``customer_id`` the customer of the latest period is taken: a tenant sees only their
    own months, never the previous tenant's (domain.md item 17).
    """
    rows = frame.filter(
        pl.col("unit_id") == unit_id,
        pl.col("service").cast(pl.String) == service,
        pl.col("unit_of_measure").cast(pl.String) == unit_of_measure,
    )
    if rows.is_empty():
        raise ChartDataError(
            f"no {service} records in {unit_of_measure} for unit_id={unit_id}; "
            "check the unit id, service and unit_of_measure arguments"
        )
    if customer_id is None:
        customer_id = rows.sort("period")["customer_id"][-1]
    return rows.filter(pl.col("customer_id") == customer_id)


def latest_period(rows: pl.DataFrame) -> dt.date:
    """The latest period in ``rows`` (which must not be empty)."""
    return cast(dt.date, rows["period"].max())


def status_rank(estimated: pl.Expr, errors: pl.Expr) -> pl.Expr:
    """A record's status as its index in STATUSES, so the worst of several is the maximum."""
    return (
        pl.when(errors.is_null())
        .then(pl.lit(STATUSES.index("missing")))
        .when(errors)
        .then(pl.lit(STATUSES.index("error")))
        .when(estimated)
        .then(pl.lit(STATUSES.index("estimated")))
        .otherwise(pl.lit(STATUSES.index("measured")))
    )


def status(estimated: pl.Expr, errors: pl.Expr) -> pl.Expr:
    """measured / estimated / error / missing for a record (missing when there is none)."""
    return status_rank(estimated, errors).replace_strict(
        dict(enumerate(STATUSES)), return_dtype=pl.String
    )
