"""ARGE HeiWaKo / bved EED consumption JSON: flatten a billing-unit month, resolve Relay ids.

An MSC serves ``billingunit -> residentialunits -> consumptions/benchmarks`` with lowercase
field names. The billing unit's ``mscnumber`` is the Relay property's ``msc_number``, the
residential unit's ``mscnumber`` the unit's ``msc_number`` within that property.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from relay_analytics.frames import ROW_COLUMN, UNREADABLE_COLUMN, UNREADABLE_DTYPE

#: ARGE HeiWaKo record field -> canonical column.
RECORD_FIELDS: Final[dict[str, str]] = {
    "service": "service",
    "unitofmeasure": "unit_of_measure",
    "amount": "amount",
    "converted": "converted",
    "estimated": "estimated",
    "errors": "errors",
    "remarkcodes": "remark_codes",
}


class ArgeFormatError(ValueError):
    """The document does not have the shape of an ARGE EED billing-unit month."""


def flatten(document: Any, kind: str) -> list[dict[str, str | None]]:
    """Flatten billing units -> residential units -> records into text rows, in file order."""
    months = document if isinstance(document, list) else [document]
    fields = (
        RECORD_FIELDS
        if kind == "consumptions"
        else {k: v for k, v in RECORD_FIELDS.items() if k in ("service", "unitofmeasure", "amount")}
    )
    rows: list[dict[str, str | None]] = []
    try:
        for month in months:
            billing_unit = month["billingunit"]
            for unit in billing_unit.get("residentialunits", []):
                for record in unit.get(kind, []):
                    row = {
                        "billing_unit": _text(billing_unit["reference"]["mscnumber"]),
                        "residential_unit": _text(unit["reference"]["mscnumber"]),
                        "period": _text(billing_unit.get("period")),
                    }
                    row.update({column: _text(record.get(f)) for f, column in fields.items()})
                    rows.append(row)
    except (KeyError, TypeError, AttributeError) as error:
        raise ArgeFormatError(
            "not an ARGE EED document: expected billingunit.reference.mscnumber, period and "
            f"residentialunits[].reference.mscnumber ({error!r} is missing or malformed)",
        ) from error
    return rows


def _text(value: Any) -> str | None:
    """A JSON value as the text a CSV cell would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    return str(value)


def resolve_ids(
    raw: pl.DataFrame, units: pl.DataFrame, properties: pl.DataFrame | Mapping[str, int]
) -> pl.DataFrame:
    """Join ARGE references to Relay ids; an unknown reference becomes an unreadable cell."""
    if isinstance(properties, Mapping):
        property_ids = pl.DataFrame(
            {"billing_unit": list(properties), "property_id": list(properties.values())},
            schema={"billing_unit": pl.String(), "property_id": pl.Int64()},
        )
    else:
        property_ids = properties.select(
            billing_unit=pl.col("msc_number").cast(pl.String()),
            property_id=pl.col("id").cast(pl.Int64()),
        )
    unit_ids = units.select(
        property_id=pl.col("property_id").cast(pl.Int64()),
        residential_unit=pl.col("msc_number").cast(pl.String()),
        unit_id=pl.col("id").cast(pl.Int64()),
        customer_id=pl.col("customer_id").cast(pl.Int64()),
    )
    joined = (
        raw.with_row_index(ROW_COLUMN, offset=1)
        .with_columns(pl.col(ROW_COLUMN).cast(pl.Int64()))
        .join(
            property_ids.unique("billing_unit"),
            on="billing_unit",
            how="left",
            maintain_order="left",
        )
        .join(
            unit_ids.unique(["property_id", "residential_unit"]),
            on=["property_id", "residential_unit"],
            how="left",
            maintain_order="left",
        )
    )
    reference = pl.col("billing_unit") + "/" + pl.col("residential_unit")
    unknown_property = pl.struct(
        column=pl.lit("property_id"),
        value=pl.col("billing_unit"),
        reason=pl.lit("no Relay property has this ARGE billing-unit mscnumber"),
    )
    unknown_unit = pl.struct(
        column=pl.lit("unit_id"),
        value=reference,
        reason=pl.lit("no Relay unit has this ARGE residential-unit mscnumber in the property"),
    )
    return joined.with_columns(
        pl.concat_list(
            pl.when(pl.col("property_id").is_null()).then(unknown_property),
            pl.when(pl.col("property_id").is_not_null() & pl.col("unit_id").is_null()).then(
                unknown_unit
            ),
        )
        .list.drop_nulls()
        .cast(UNREADABLE_DTYPE)
        .alias(UNREADABLE_COLUMN)
    )
