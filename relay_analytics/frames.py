"""The canonical column schemas shared by io, loaders, validation, analytics and submission."""

from __future__ import annotations

from typing import Final

import polars as pl

SERVICES: Final = ("HEATING", "HOT_WATER", "COOLING", "COLD_WATER")
UNITS_OF_MEASURE: Final = ("KWH", "HCU", "M3")
REMARK_CODES: Final = (
    "PARTLY_ESTIMATED",
    "INCOMPLETE",
    "NO_RADIO_EQUIPMENT",
    "IMPLAUSIBLE_VALUES",
    "CALC_NOT_POSSIBLE",
    "ERROR",
)

Service: Final = pl.Enum(SERVICES)
UnitOfMeasure: Final = pl.Enum(UNITS_OF_MEASURE)

#: The unit-of-measure each service may be delivered in (domain.md, rule 7).
ALLOWED_UNITS: Final[dict[str, tuple[str, ...]]] = {
    "HEATING": ("KWH", "HCU"),
    "HOT_WATER": ("M3", "KWH"),
    "COOLING": ("KWH",),
    "COLD_WATER": ("M3",),
}

#: One EED request per submission key.
SUBMISSION_KEY: Final = ("property_id", "unit_id", "customer_id", "period", "msc_name")
#: One consumption or benchmark record per submission key, service and unit of measure.
RECORD_KEY: Final = (*SUBMISSION_KEY, "service", "unit_of_measure")

CONSUMPTION_SCHEMA: Final = pl.Schema(
    {
        "property_id": pl.Int64(),
        "unit_id": pl.Int64(),
        "customer_id": pl.Int64(),
        "period": pl.Date(),
        "msc_name": pl.String(),
        "service": Service,
        "unit_of_measure": UnitOfMeasure,
        "amount": pl.Float64(),
        "converted": pl.Boolean(),
        "estimated": pl.Boolean(),
        "errors": pl.Boolean(),
        "remark_codes": pl.List(pl.String()),
    }
)

BENCHMARK_SCHEMA: Final = pl.Schema(
    {
        "property_id": pl.Int64(),
        "unit_id": pl.Int64(),
        "customer_id": pl.Int64(),
        "period": pl.Date(),
        "msc_name": pl.String(),
        "service": Service,
        "unit_of_measure": UnitOfMeasure,
        "amount": pl.Float64(),
    }
)

#: Columns of a finding: one problem on one row of one input.
FINDING_SCHEMA: Final = pl.Schema(
    {
        "file": pl.String(),
        "row": pl.Int64(),
        "column": pl.String(),
        "rule": pl.String(),
        "severity": pl.String(),
        "value": pl.String(),
        "message": pl.String(),
    }
)

PERIOD_FORMAT: Final = "%Y-%m"


def empty_consumptions() -> pl.DataFrame:
    """Return an empty consumptions frame with the canonical schema."""
    return pl.DataFrame(schema=CONSUMPTION_SCHEMA)


def empty_benchmarks() -> pl.DataFrame:
    """Return an empty benchmarks frame with the canonical schema."""
    return pl.DataFrame(schema=BENCHMARK_SCHEMA)


def empty_findings() -> pl.DataFrame:
    """Return an empty findings frame."""
    return pl.DataFrame(schema=FINDING_SCHEMA)
