"""pandera (polars backend) models of the canonical frames and of Relay units and properties.

The models check column presence, dtypes, required values and single-column value ranges.
Cross-column and cross-row rules live in :mod:`relay_analytics.validation.rules`. Checks are
named after the rule id they report (see ``rules.PANDERA_CHECKS`` for pandera's own names).
pandera passes the model class to a check, hence ``cls`` (``noqa: N805``).
Always validate a collected ``DataFrame`` with ``lazy=True``: on a LazyFrame pandera checks only
names and dtypes.
"""

from __future__ import annotations

from typing import Annotated

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from relay_analytics import frames


def _positive(column: pl.Expr) -> pl.Expr:
    return column.is_null() | (column > 0)


def _at_most_chars(column: pl.Expr, limit: int) -> pl.Expr:
    return column.is_null() | (column.str.len_chars() <= limit)


def _select(data: pa.PolarsData, check: pl.Expr) -> pl.LazyFrame:
    """The boolean frame pandera expects from a column check."""
    return data.lazyframe.select(check)


Service = Annotated[pl.Enum, frames.SERVICES]
UnitOfMeasure = Annotated[pl.Enum, frames.UNITS_OF_MEASURE]


class _RecordModel(pa.DataFrameModel):
    """The submission key, service and unit of measure shared by both record types."""

    property_id: pl.Int64
    unit_id: pl.Int64
    customer_id: pl.Int64
    period: pl.Date
    msc_name: pl.String
    service: Service
    unit_of_measure: UnitOfMeasure
    amount: pl.Float64 = pa.Field(nullable=True)

    class Config:
        """Provenance columns (``_file``, ``_row``, ...) may accompany the canonical ones."""

        strict = False

    @pa.check("property_id", "unit_id", "customer_id", name="id_not_positive")
    def _ids_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:  # noqa: N805
        return _select(data, _positive(pl.col(data.key)))

    @pa.check("msc_name", name="required_value_missing")
    def _msc_name_not_blank(cls, data: pa.PolarsData) -> pl.LazyFrame:  # noqa: N805
        text = pl.col(data.key)
        return _select(data, text.is_null() | (text.str.strip_chars().str.len_bytes() > 0))

    @pa.check("amount", name="amount_negative")
    def _amount_not_negative(cls, data: pa.PolarsData) -> pl.LazyFrame:  # noqa: N805
        # NaN compares greater than every number in polars; amount_not_finite reports it.
        return _select(data, pl.col(data.key).is_null() | (pl.col(data.key) >= 0))

    @pa.check("amount", name="amount_not_finite")
    def _amount_finite(cls, data: pa.PolarsData) -> pl.LazyFrame:  # noqa: N805
        return _select(data, pl.col(data.key).is_null() | pl.col(data.key).is_finite())


class ConsumptionModel(_RecordModel):
    """One month's consumption per submission key, service and unit of measure.

    ``amount`` may be null: it must be exactly when ``errors`` (rule ``amount_missing``).
    """

    converted: pl.Boolean
    estimated: pl.Boolean
    errors: pl.Boolean
    remark_codes: Annotated[pl.List, pl.String()] = pa.Field(nullable=True)


class BenchmarkModel(_RecordModel):
    """One benchmark (normed average user) per submission key, service and unit of measure."""

    amount: pl.Float64


class UnitModel(pa.DataFrameModel):
    """A Relay unit as loaders return it (extra columns allowed)."""

    id: pl.Int64 = pa.Field(unique=True)
    property_id: pl.Int64
    customer_id: pl.Int64
    msc_number: pl.String = pa.Field(nullable=True)

    class Config:
        """Loaders add name, living area and timestamps."""

        strict = False

    @pa.check("id", "property_id", "customer_id", name="id_not_positive")
    def _ids_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:  # noqa: N805
        return _select(data, _positive(pl.col(data.key)))

    @pa.check("msc_number", name="msc_number_length")
    def _msc_number_length(cls, data: pa.PolarsData) -> pl.LazyFrame:  # noqa: N805
        # ARGE residential-unit numbers have 1-4 characters.
        return _select(data, _at_most_chars(pl.col(data.key), 4))


class PropertyModel(pa.DataFrameModel):
    """A Relay property as loaders return it (extra columns allowed)."""

    id: pl.Int64 = pa.Field(unique=True)
    msc_number: pl.String = pa.Field(nullable=True)

    class Config:
        """Loaders add name, customer, address and timestamps."""

        strict = False

    @pa.check("id", name="id_not_positive")
    def _id_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:  # noqa: N805
        return _select(data, _positive(pl.col(data.key)))

    @pa.check("msc_number", name="msc_number_length")
    def _msc_number_length(cls, data: pa.PolarsData) -> pl.LazyFrame:  # noqa: N805
        # ARGE billing-unit numbers have 1-9 characters.
        return _select(data, _at_most_chars(pl.col(data.key), 9))


def failure_cases(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> pl.DataFrame:
    """Every failure of ``model`` on ``frame`` (pandera's ``failure_cases``; empty when valid)."""
    try:
        model.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases: pl.DataFrame = errors.failure_cases
        return cases.select("column", "check", pl.col("failure_case").alias("value"), "index")
    return pl.DataFrame(
        schema={"column": pl.String, "check": pl.String, "value": pl.String, "index": pl.Int32}
    )
