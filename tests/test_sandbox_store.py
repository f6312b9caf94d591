"""The sandbox store: bulk inserts, pages of stored JSON cut by offset, kept current by writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.responses import JSONResponse

from relay_analytics.api.endpoints import UNIT_FIELDS
from relay_analytics.sandbox.handlers_records import page_response
from relay_analytics.sandbox.store import Store

MSC = UNIT_FIELDS["msc_number"]
PROPERTY = UNIT_FIELDS["property_id"]


def units(count: int) -> list[dict[str, Any]]:
    """Units 1..count; every third has no MSC number, names need escaping in JSON."""
    return [
        {"id": i, PROPERTY: 1 + i // 10, "name": f'Wohnung "{i}" ü', MSC: None if i % 3 else str(i)}
        for i in range(1, count + 1)
    ]


def page(store: Store, offset: int, limit: int = 10, **kwargs: Any) -> list[dict[str, Any]]:
    """One page of units, decoded."""
    return [
        json.loads(body) for body in store.page_json("units", limit=limit, offset=offset, **kwargs)
    ]


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store()
    assert store.insert_many("units", units(95), parent_field=PROPERTY) == 95
    yield store
    store.close()


def test_pages_slice_the_records_in_id_order(store: Store) -> None:
    every = units(95)
    for offset in (0, 10, 90, 95, 200):
        assert page(store, offset) == every[offset : offset + 10]
    with_msc = [u for u in every if u[MSC] is not None]
    for offset in (0, 10, 30, 31, 40):
        assert page(store, offset, with_field=MSC) == with_msc[offset : offset + 10]


def test_a_bulk_insert_keeps_the_parent_and_puts_the_id_first(store: Store) -> None:
    assert store.all("units", parent_id=2)[0] == units(95)[9]
    assert next(iter(page(store, 0, 1)[0])) == "id"


def test_pages_follow_every_write(store: Store) -> None:
    assert page(store, 90) == units(95)[90:]
    store.insert("units", {"name": "new", MSC: None}, record_id=96)
    assert [u["id"] for u in page(store, 90)] == [91, 92, 93, 94, 95, 96]
    store.delete("units", 91)
    assert [u["id"] for u in page(store, 90)] == [92, 93, 94, 95, 96]
    assert [u["id"] for u in page(store, 30, with_field=MSC)] == [93]
    store.replace("units", {"id": 96, "name": "new", MSC: "96"})
    assert [u["id"] for u in page(store, 30, with_field=MSC)] == [93, 96]
    store.delete_children("units", 10)
    assert [u["id"] for u in page(store, 85)] == [86, 87, 88, 89, 96]


def test_a_failed_bulk_insert_stores_nothing(store: Store) -> None:
    with pytest.raises(KeyError):
        store.insert_many("units", [{"id": 200}, {"name": "no id"}])
    assert store.get("units", 200) is None


def test_a_page_response_is_byte_for_byte_what_json_response_sends(store: Store) -> None:
    bodies = store.page_json("units", limit=5, offset=0)
    expected = JSONResponse({"units": [json.loads(body) for body in bodies]}).body
    assert page_response("get_units", bodies).body == expected
    assert page_response("get_units", []).body == JSONResponse({"units": []}).body


def test_a_database_file_is_paged_after_reopening(tmp_path: Path) -> None:
    first = Store(tmp_path / "sandbox.sqlite")
    first.insert_many("units", units(12), parent_field=PROPERTY)
    first.close()
    again = Store(tmp_path / "sandbox.sqlite")
    assert page(again, 10) == units(12)[10:]
    again.close()
