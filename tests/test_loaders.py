"""Loaders: typed frames with snake_case columns, one row per object, typed even when empty."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl
import pytest

from relay_analytics.api import RelayClient, RelayError, endpoints
from relay_analytics.frames import (
    ADDRESS_SCHEMA,
    CUSTOMER_SCHEMA,
    ORDER_SCHEMA,
    PROPERTY_SCHEMA,
    UNIT_SCHEMA,
)
from relay_analytics.loaders import (
    load_customers,
    load_orders,
    load_properties,
    load_units,
    records_to_frame,
)
from relay_analytics.sandbox import SandboxServer

ADDRESS_COLUMNS = ["address_" + f for f in endpoints.ADDRESS_FIELDS]


@pytest.mark.parametrize(
    ("schema", "fields", "nested_address"),
    [
        (UNIT_SCHEMA, endpoints.UNIT_FIELDS, False),
        (PROPERTY_SCHEMA, endpoints.PROPERTY_FIELDS, True),
        (CUSTOMER_SCHEMA, endpoints.CUSTOMER_FIELDS, True),
        (ORDER_SCHEMA, endpoints.ORDER_FIELDS, True),
    ],
)
def test_columns_come_from_the_endpoint_field_maps(
    schema: pl.Schema, fields: dict[str, str], nested_address: bool
) -> None:
    expected = list(fields) + [c for c in ADDRESS_COLUMNS if nested_address and c not in fields]
    assert schema.names() == expected
    assert ADDRESS_SCHEMA.names() == ADDRESS_COLUMNS


def test_units_from_the_sample_sandbox(sandbox: SandboxServer) -> None:
    with RelayClient(sandbox.url, sandbox.api_key) as client:
        wire = client.fetch_all("get_units", concurrency=1)
        units = load_units(client, concurrency=3)
        msc_units = load_units(client, msc_only=True)
    assert units.schema == UNIT_SCHEMA
    assert units.height == len(wire) > 0
    assert units["id"].is_unique().all()
    assert units["id"].to_list() == [u["id"] for u in wire]
    assert msc_units.schema == UNIT_SCHEMA
    assert msc_units["msc_number"].null_count() == 0
    assert set(msc_units["id"]) <= set(units["id"])


def test_properties_and_customers_from_the_sample_sandbox(sandbox: SandboxServer) -> None:
    with RelayClient(sandbox.url, sandbox.api_key) as client:
        properties = load_properties(client)
        customers = load_customers(client)
        wire_customers = client.get_customers()["customers"]
    assert properties.schema == PROPERTY_SCHEMA
    assert customers.schema == CUSTOMER_SCHEMA
    assert properties.height > 0
    assert properties["id"].is_unique().all()
    assert properties["address_locality"].null_count() == 0
    assert customers.height == len(wire_customers)


def test_orders_with_a_nested_address(empty_sandbox: SandboxServer) -> None:
    address = {
        "streetAddress": "Ring 2",
        "postalCode": "50667",
        "locality": "Köln",
        "country": "DE",
    }
    with RelayClient(empty_sandbox.url, empty_sandbox.api_key) as client:
        client.create_order({"title": "Zähler tauschen", "address": address})
        client.create_order({"title": "Ablesung"})
        orders = load_orders(client)
    assert orders.schema == ORDER_SCHEMA
    assert orders["title"].to_list() == ["Zähler tauschen", "Ablesung"]
    assert orders["address_locality"].to_list() == ["Köln", None]
    assert orders["created_at"].null_count() == 0


@pytest.mark.parametrize(
    ("load", "schema"),
    [
        (load_units, UNIT_SCHEMA),
        (lambda c: load_units(c, msc_only=True), UNIT_SCHEMA),
        (load_properties, PROPERTY_SCHEMA),
        (load_customers, CUSTOMER_SCHEMA),
        (load_orders, ORDER_SCHEMA),
    ],
)
def test_an_empty_server_gives_empty_typed_frames(
    empty_sandbox: SandboxServer, load: Any, schema: pl.Schema
) -> None:
    with RelayClient(empty_sandbox.url, empty_sandbox.api_key) as client:
        frame = load(client)
    assert frame.height == 0
    assert frame.schema == schema


# --- building frames from wire records ------------------------------------------------


def unit(**overrides: Any) -> dict[str, Any]:
    """A unit as the server sends it."""
    record = {
        "id": 1,
        "propertyId": 10,
        "customerId": 100,
        "name": "WE 01",
        "externalId": None,
        "mscNumber": "0001",
        "livingArea": 65,
        "createdAt": "2024-09-02T08:00:00Z",
        "updatedAt": "2024-09-02T08:00:00Z",
    }
    return record | overrides


def units_frame(records: list[dict[str, Any]]) -> pl.DataFrame:
    return records_to_frame(records, endpoints.UNIT_FIELDS, UNIT_SCHEMA, source="get_units")


def test_integers_in_a_float_column_and_missing_keys() -> None:
    record = unit(livingArea=65)
    del record["externalId"]
    frame = units_frame([record, unit(id=2, livingArea=None)])
    assert frame["living_area"].to_list() == [65.0, None]
    assert frame["external_id"].to_list() == [None, None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-09-02T08:00:00Z", datetime(2024, 9, 2, 8, tzinfo=UTC)),
        ("2024-09-02T08:00:00.250Z", datetime(2024, 9, 2, 8, 0, 0, 250000, tzinfo=UTC)),
        ("2024-09-02T10:00:00+02:00", datetime(2024, 9, 2, 8, tzinfo=UTC)),
        ("2024-09-02T08:00:00", datetime(2024, 9, 2, 8, tzinfo=UTC)),  # no offset: UTC
        (None, None),
    ],
)
def test_datetimes_are_parsed_to_utc(text: str | None, expected: datetime | None) -> None:
    frame = units_frame([unit(createdAt=text)])
    assert frame["created_at"].to_list() == [expected]


def test_offsets_may_differ_between_records() -> None:
    frame = units_frame(
        [unit(createdAt="2024-01-01T00:00:00Z"), unit(id=2, createdAt="2024-01-01T01:00:00+01:00")]
    )
    assert frame["created_at"].n_unique() == 1


@pytest.mark.parametrize(
    ("overrides", "column"),
    [
        ({"livingArea": "sixty"}, "living_area"),
        ({"id": "x1"}, "id"),
        ({"createdAt": "yesterday"}, "created_at"),
    ],
)
def test_a_value_of_the_wrong_type_names_the_request_and_column(
    overrides: dict[str, Any], column: str
) -> None:
    with pytest.raises(RelayError, match=f"GET /api/v1/units -> 200 OK: column {column} is not"):
        units_frame([unit(), unit(**({"id": 2} | overrides))])


def test_nested_address_is_flattened_and_top_level_ids_win() -> None:
    records = [
        {"id": 1, "name": "A", "addressId": 7, "address": {"id": 7, "locality": "Berlin"}},
        {"id": 2, "name": "B", "addressId": None, "address": {"id": 8, "postalCode": "10115"}},
        {"id": 3, "name": "C", "address": None},
    ]
    frame = records_to_frame(
        records, endpoints.CUSTOMER_FIELDS, CUSTOMER_SCHEMA, source="get_customers"
    )
    assert frame["address_id"].to_list() == [7, 8, None]
    assert frame["address_locality"].to_list() == ["Berlin", None, None]
    assert frame["address_postal_code"].to_list() == [None, "10115", None]
