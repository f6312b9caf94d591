"""The canonical column schemas shared by io, loaders, validation, analytics and submission."""

from __future__ import annotations

from typing import Final

import polars as pl

from relay_analytics.api.endpoints import EED_REMARK_CODES, EED_SERVICES, EED_UNITS_OF_MEASURE

#: The values of the enum columns, as on the wire (the one list is in ``api.endpoints``).
SERVICES: Final = EED_SERVICES
UNITS_OF_MEASURE: Final = EED_UNITS_OF_MEASURE
REMARK_CODES: Final = EED_REMARK_CODES

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

#: A benchmark record: the normed average user's amount for a record key.
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

#: A consumption record: the benchmark's columns plus the MSC's flags and remark codes.
CONSUMPTION_SCHEMA: Final = pl.Schema(
    {
        **BENCHMARK_SCHEMA,
        "converted": pl.Boolean(),
        "estimated": pl.Boolean(),
        "errors": pl.Boolean(),
        "remark_codes": pl.List(pl.String()),
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

# --- Provenance columns that readers add to canonical frames ---------------------------

#: Source file of each row (the path as given by the caller).
FILE_COLUMN: Final = "_file"
#: 1-based position of the record in its input (first CSV data line = 1).
ROW_COLUMN: Final = "_row"
#: Cells of the row that could not be read: column, raw text and why.
UNREADABLE_COLUMN: Final = "_unreadable"
UNREADABLE_DTYPE: Final = pl.List(
    pl.Struct({"column": pl.String(), "value": pl.String(), "reason": pl.String()})
)

# --- Relay objects as loaded from the API (column names from api.endpoints) -------------

UTC_DATETIME: Final = pl.Datetime("us", "UTC")

ADDRESS_SCHEMA: Final = pl.Schema(
    {
        "address_id": pl.Int64(),
        "address_account_id": pl.Int64(),
        "address_street_address": pl.String(),
        "address_postal_code": pl.String(),
        "address_locality": pl.String(),
        "address_country": pl.String(),
        "address_additional_info": pl.String(),
    }
)

UNIT_SCHEMA: Final = pl.Schema(
    {
        "id": pl.Int64(),
        "property_id": pl.Int64(),
        "customer_id": pl.Int64(),
        "name": pl.String(),
        "external_id": pl.String(),
        "msc_number": pl.String(),
        "living_area": pl.Float64(),
        "created_at": UTC_DATETIME,
        "updated_at": UTC_DATETIME,
    }
)

PROPERTY_SCHEMA: Final = pl.Schema(
    {
        "id": pl.Int64(),
        "name": pl.String(),
        "external_id": pl.Int64(),
        "customer_id": pl.Int64(),
        "origin": pl.String(),
        "msc_number": pl.String(),
        "created_at": UTC_DATETIME,
        "updated_at": UTC_DATETIME,
        **ADDRESS_SCHEMA,
    }
)

CUSTOMER_SCHEMA: Final = pl.Schema(
    {
        "id": pl.Int64(),
        "account_id": pl.Int64(),
        "casavi_tenant_id": pl.Int64(),
        "casavi_contact_id": pl.Int64(),
        "internal_id": pl.String(),
        "external_id": pl.String(),
        "name": pl.String(),
        "status": pl.String(),
        "status_updated_at": UTC_DATETIME,
        "telephone": pl.String(),
        "address_id": pl.Int64(),  # the customer's addressId, or else address.id
        "origin": pl.String(),
        "techem_id": pl.String(),
        "oasis_id": pl.String(),
        "email_address": pl.String(),
        "assfinet_id": pl.String(),
        "auto_assign_user_id": pl.Int64(),
        **ADDRESS_SCHEMA,
    }
)

ORDER_SCHEMA: Final = pl.Schema(
    {
        "id": pl.Int64(),
        "title": pl.String(),
        "status": pl.String(),
        "due_date": UTC_DATETIME,
        "follow_up_date": UTC_DATETIME,
        "created_at": UTC_DATETIME,
        "updated_at": UTC_DATETIME,
        "internal_id": pl.String(),
        "is_internal": pl.Boolean(),
        "type": pl.String(),
        "task_id": pl.String(),
        "property_id": pl.Int64(),
        "casavi_order_id": pl.Int64(),
        "casavi_ticket_id": pl.Int64(),
        "customer_id": pl.Int64(),
        **ADDRESS_SCHEMA,
    }
)


def empty_consumptions() -> pl.DataFrame:
    """Return an empty consumptions frame with the canonical schema."""
    return pl.DataFrame(schema=CONSUMPTION_SCHEMA)


def empty_benchmarks() -> pl.DataFrame:
    """Return an empty benchmarks frame with the canonical schema."""
    return pl.DataFrame(schema=BENCHMARK_SCHEMA)


def empty_findings() -> pl.DataFrame:
    """Return an empty findings frame."""
    return pl.DataFrame(schema=FINDING_SCHEMA)
