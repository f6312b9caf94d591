"""Seed a sandbox store with the sample properties, units and customers of ``data/``."""

from __future__ import annotations

import json
from typing import Any, Final

from relay_analytics.api.endpoints import ADDRESS_KEY, UNIT_FIELDS
from relay_analytics.samples import sample_path
from relay_analytics.sandbox.store import Store

#: Sample files in the API's wire format, one JSON array each.
SEED_FILES: Final = {
    "customers": "customers.json",
    "properties": "properties.json",
    "units": "units.json",
}


def load_sample(kind: str) -> list[dict[str, Any]]:
    """The sample records of one collection (``customers``, ``properties`` or ``units``)."""
    records: list[dict[str, Any]] = json.loads(
        sample_path(SEED_FILES[kind]).read_text(encoding="utf-8")
    )
    return records


def seed_store(store: Store) -> None:
    """Insert the sample records with their own ids (units under their property)."""
    for kind in SEED_FILES:
        records = load_sample(kind)
        addresses = [r[ADDRESS_KEY] for r in records if r.get(ADDRESS_KEY) is not None]
        store.insert_many("addresses", addresses)
        parent = UNIT_FIELDS["property_id"] if kind == "units" else None
        store.insert_many(kind, records, parent_field=parent)
