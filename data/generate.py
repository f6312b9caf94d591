"""Generate the sample data in this directory (fixed seed: the output never changes).

Run from the repository root: ``uv run python data/generate.py``. It writes the master data
the sandbox serves (customers.json, properties.json, units.json, in the API's wire format),
24 months of EED consumptions and benchmarks in the canonical CSV format, and an upload
with planted mistakes (see README.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path
from typing import Any

from relay_analytics.api.endpoints import (
    ADDRESS_FIELDS,
    ADDRESS_KEY,
    CUSTOMER_FIELDS,
    PROPERTY_FIELDS,
    UNIT_FIELDS,
)
from relay_analytics.frames import BENCHMARK_SCHEMA, CONSUMPTION_SCHEMA
from relay_analytics.periods import DEGREE_DAY_SHARES, add_months, format_period

SEED = 20261031
HERE = Path(__file__).parent
FIRST_PERIOD = dt.date(2024, 11, 1)
MONTHS = 24  # 2024-11 .. 2026-10
UPLOAD_PERIOD = dt.date(2026, 11, 1)
CREATED_AT = "2024-09-02T08:00:00Z"
ACCOUNT_ID = 1
HOT_WATER_KWH_PER_M3 = 57.0

CUSTOMERS = [
    (11, "WEG Schönhauser Allee 112", "Schönhauser Allee 112", "10439", "Berlin"),
    (12, "Nordlicht Immobilien GmbH", "Mittelweg 17", "20148", "Hamburg"),
    (13, "Familie Huber Grundbesitz GbR", "Maximilianstraße 35", "80539", "München"),
]
#: id, name, street, postal code, city, MSC billing-unit number, customer, MSC, units,
#: heating measured in HCU (then also converted to KWH).
PROPERTIES = [
    (101, "Schönhauser Allee 112", "Schönhauser Allee 112", "10439", "Berlin", "400123456", 11,
     "ista", 12, False),
    (102, "Eppendorfer Weg 57", "Eppendorfer Weg 57", "20259", "Hamburg", "7051234", 12,
     "Techem", 10, True),
    (103, "Leopoldstraße 88", "Leopoldstraße 88", "80802", "München", "91827", 13,
     "Brunata-Metrona", 10, False),
    (104, "Karl-Liebknecht-Straße 41", "Karl-Liebknecht-Straße 41", "04275", "Leipzig", "3305",
     12, "Minol", 8, True),
]  # fmt: skip
#: Units the MSC has no number for (not yet fitted with radio meters): no EED data.
UNITS_WITHOUT_MSC = {1012, 1022, 1040}
FLOORS = [f"{floor} {side}" for floor in ("EG", "1. OG", "2. OG", "3. OG", "4. OG", "DG")
          for side in ("links", "rechts")]  # fmt: skip


def wire(record: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """Rename snake_case keys to the API's wire names."""
    return {fields[key]: value for key, value in record.items()}


def address(address_id: int, street: str, postal_code: str, city: str) -> dict[str, Any]:
    """A wire-format address in Germany."""
    return wire(
        {"id": address_id, "account_id": ACCOUNT_ID, "street_address": street,
         "postal_code": postal_code, "locality": city, "country": "DE", "additional_info": None},
        ADDRESS_FIELDS,
    )  # fmt: skip


def customers() -> list[dict[str, Any]]:
    """The sample customers (the property manager's clients)."""
    out = []
    for index, (cid, name, street, postal_code, city) in enumerate(CUSTOMERS):
        record = dict.fromkeys(CUSTOMER_FIELDS, None) | {
            "id": cid, "account_id": ACCOUNT_ID, "name": name, "status": "ACTIVE",
            "internal_id": f"K-{cid:04d}", "address_id": 601 + index, "origin": "IMPORT",
            "email_address": f"verwaltung{cid}@example.de",
        }  # fmt: skip
        out.append(
            wire(record, CUSTOMER_FIELDS)
            | {ADDRESS_KEY: address(601 + index, street, postal_code, city)}
        )
    return out


def properties() -> list[dict[str, Any]]:
    """The sample properties with their MSC billing-unit numbers."""
    out = []
    for index, (pid, name, street, postal_code, city, msc_number, cid, *_rest) in enumerate(
        PROPERTIES
    ):
        record = {
            "id": pid, "name": name, "external_id": 9000 + pid, "customer_id": cid,
            "origin": "IMPORT", "msc_number": msc_number, "created_at": CREATED_AT,
            "updated_at": CREATED_AT,
        }  # fmt: skip
        out.append(
            wire(record, PROPERTY_FIELDS)
            | {ADDRESS_KEY: address(501 + index, street, postal_code, city)}
        )
    return out


def units(rng: random.Random) -> list[dict[str, Any]]:
    """About 40 units; unit MSC numbers count from "0001" within each property."""
    out = []
    unit_id = 1001
    for pid, _name, _street, _pc, _city, _msc, cid, _msc_name, count, _hcu in PROPERTIES:
        for number in range(1, count + 1):
            record = {
                "id": unit_id, "property_id": pid, "customer_id": cid,
                "name": f"WE {number:02d}, {FLOORS[number - 1]}",
                "external_id": f"{pid}-WE{number:02d}",
                "msc_number": None if unit_id in UNITS_WITHOUT_MSC else f"{number:04d}",
                "living_area": round(rng.uniform(42, 118) * 2) / 2,
                "created_at": CREATED_AT, "updated_at": CREATED_AT,
            }  # fmt: skip
            out.append(wire(record, UNIT_FIELDS))
            unit_id += 1
    return out


def _per_unit_profile(unit: dict[str, Any], rng: random.Random) -> dict[str, float]:
    area = unit[UNIT_FIELDS["living_area"]]
    return {
        "heating_kwh_year": rng.uniform(100, 130) * area,
        "kwh_per_hcu": rng.uniform(8, 14),
        "hot_water_m3_month": area * rng.uniform(0.025, 0.04),
    }


def _msc_units(all_units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [u for u in all_units if u[UNIT_FIELDS["msc_number"]] is not None]


def _property(pid: int) -> tuple[Any, ...]:
    return next(p for p in PROPERTIES if p[0] == pid)


def month_records(
    unit: dict[str, Any], profile: dict[str, float], period: dt.date, rng: random.Random
) -> list[dict[str, Any]]:
    """The consumptions of one unit and month (before errors and estimates are planted)."""
    pid = unit[UNIT_FIELDS["property_id"]]
    _pid, *_rest, msc_name, _count, hcu = _property(pid)
    key = {
        "property_id": pid, "unit_id": unit["id"], "customer_id": unit[UNIT_FIELDS["customer_id"]],
        "period": format_period(period), "msc_name": msc_name,
    }  # fmt: skip
    flags = {"estimated": False, "errors": False, "remark_codes": []}
    kwh = profile["heating_kwh_year"] * DEGREE_DAY_SHARES[period.month - 1] / 1000
    kwh *= rng.gauss(1.0, 0.08)
    m3 = profile["hot_water_m3_month"] * rng.gauss(1.0, 0.1)
    records = []
    if hcu:
        records.append(key | flags | {"service": "HEATING", "unit_of_measure": "HCU",
                                      "amount": round(kwh / profile["kwh_per_hcu"]),
                                      "converted": False})  # fmt: skip
    records.append(key | flags | {"service": "HEATING", "unit_of_measure": "KWH",
                                  "amount": round(kwh, 1), "converted": hcu})  # fmt: skip
    records.append(key | flags | {"service": "HOT_WATER", "unit_of_measure": "M3",
                                  "amount": round(m3, 2), "converted": False})  # fmt: skip
    if pid == 101:  # ista also reports the hot water's heat, converted from m3
        records.append(key | flags | {"service": "HOT_WATER", "unit_of_measure": "KWH",
                                      "amount": round(m3 * HOT_WATER_KWH_PER_M3, 1),
                                      "converted": True})  # fmt: skip
    return records


#: (unit id, period, remark code): months in which the MSC could give no consumption.
ERROR_MONTHS = [
    (1003, "2025-02", "NO_RADIO_EQUIPMENT"),
    (1016, "2025-07", "ERROR"),
    (1027, "2025-12", "CALC_NOT_POSSIBLE"),
    (1036, "2026-03", "ERROR"),
    (1036, "2026-04", "ERROR"),
]
#: The first month after new meters were fitted: readings incomplete.
INCOMPLETE_MONTHS = [(1033, "2024-11")]


def consumptions(all_units: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """24 months of EED consumptions of every unit that has an MSC number."""
    rows = []
    for unit in _msc_units(all_units):
        profile = _per_unit_profile(unit, rng)
        for offset in range(MONTHS):
            rows.extend(month_records(unit, profile, add_months(FIRST_PERIOD, offset), rng))
    errors = {(u, p): code for u, p, code in ERROR_MONTHS}
    for row in rows:
        code = errors.get((row["unit_id"], row["period"]))
        if code is not None:
            row.update(amount=None, errors=True, remark_codes=[code])
        elif (row["unit_id"], row["period"]) in INCOMPLETE_MONTHS:
            row["remark_codes"] = ["INCOMPLETE"]
        elif rng.random() < 0.03:
            row["estimated"] = True
            if rng.random() < 0.5:
                row["remark_codes"] = ["PARTLY_ESTIMATED"]
    return rows


def benchmarks(cons: list[dict[str, Any]], all_units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per unit and month: the property's average per m2 (a normed user) times the unit's area."""
    area = {u["id"]: u[UNIT_FIELDS["living_area"]] for u in all_units}
    totals: dict[tuple[Any, ...], list[float]] = {}
    for row in cons:
        if row["errors"] or (row["service"], row["unit_of_measure"]) not in BENCHMARKED:
            continue
        group = (row["property_id"], row["period"], row["service"], row["unit_of_measure"])
        total = totals.setdefault(group, [0.0, 0.0])
        total[0] += row["amount"]
        total[1] += area[row["unit_id"]]
    out = []
    keys = {tuple(row[c] for c in KEY): row for row in cons}
    for key in keys:
        row = dict(zip(KEY, key, strict=True))
        for service, uom in BENCHMARKED:
            amount, m2 = totals[(row["property_id"], row["period"], service, uom)]
            per_m2 = amount / m2 * area[row["unit_id"]]
            digits = 1 if uom == "KWH" else 2
            out.append(row | {"service": service, "unit_of_measure": uom,
                              "amount": round(per_m2, digits)})  # fmt: skip
    return out


KEY = ("property_id", "unit_id", "customer_id", "period", "msc_name")
BENCHMARKED = (("HEATING", "KWH"), ("HOT_WATER", "M3"))


def csv_value(value: Any, *, decimal_comma: bool = False) -> str:
    """A cell as the canonical CSV writes it (German Excel: decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text.replace(".", ",") if decimal_comma and isinstance(value, float) else text


def write_csv(
    path: Path, rows: list[dict[str, Any]], columns: list[str], *, german: bool = False
) -> None:
    """Write rows with a header; German Excel style: ``;``, decimal comma, BOM, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if german else ",",
                        lineterminator="\r\n" if german else "\n")  # fmt: skip
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_value(row[c], decimal_comma=german) for c in columns])
    path.write_text(buffer.getvalue(), encoding="utf-8-sig" if german else "utf-8", newline="")


def upload_with_mistakes(
    all_units: list[dict[str, Any]], rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One month of Eppendorfer Weg 57 (Techem, HCU) with typical mistakes planted.

    Returns the rows and the answer key: one ``{row, column, mistake}`` per planted mistake,
    ``row`` 1-based over data lines, as validation reports count them.
    """
    rows: list[dict[str, Any]] = []
    for unit in _msc_units(all_units):
        if unit[UNIT_FIELDS["property_id"]] == 102:
            rows.extend(month_records(unit, _per_unit_profile(unit, rng), UPLOAD_PERIOD, rng))
    mistakes = []

    def plant(row: int, column: str, value: Any, mistake: str) -> None:
        rows[row - 1][column] = value
        mistakes.append({"row": row, "column": column, "mistake": mistake})

    plant(3, "amount", -1.85, "negative amount")
    plant(4, "amount", None, "amount missing while errors is false")
    plant(7, "unit_of_measure", "M3", "HEATING delivered in M3")
    plant(10, "converted", True, "converted is true although the unit of measure is HCU")
    plant(13, "amount", "12,3x", "text in a number column")
    plant(17, "msc_name", "Techme", "MSC name typo (Techem)")
    plant(20, "period", "2027-02", "period in the future")
    rows.append(dict(rows[22 - 1]))
    mistakes.append({"row": len(rows), "column": "", "mistake": "duplicate of row 22"})
    rows.append(rows[-2] | {"unit_id": 1099})
    mistakes.append({"row": len(rows), "column": "unit_id", "mistake": "unknown unit id 1099"})
    return rows, mistakes


def main(out: Path = HERE) -> None:
    """Write every sample file into ``out`` (this directory by default)."""
    rng = random.Random(SEED)
    all_units = units(rng)
    for name, records in (
        ("customers.json", customers()),
        ("properties.json", properties()),
        ("units.json", all_units),
    ):
        text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
        (out / name).write_text(text, encoding="utf-8")
    cons = consumptions(all_units, rng)
    write_csv(out / "consumptions.csv", cons, CONSUMPTION_SCHEMA.names())
    write_csv(out / "benchmarks.csv", benchmarks(cons, all_units), BENCHMARK_SCHEMA.names())
    upload, mistakes = upload_with_mistakes(all_units, rng)
    write_csv(out / "upload_with_mistakes.csv", upload, CONSUMPTION_SCHEMA.names(), german=True)
    write_csv(out / "upload_with_mistakes_expected.csv", mistakes, ["row", "column", "mistake"])


if __name__ == "__main__":
    main()
