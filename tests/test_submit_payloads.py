"""build_eed_payloads: one deterministic EED request body per submission key."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl

from relay_analytics.frames import BENCHMARK_SCHEMA, CONSUMPTION_SCHEMA
from relay_analytics.submit.payloads import SubmissionKey, build_eed_payloads, payload_digest

JAN = dt.date(2024, 1, 1)
FEB = dt.date(2024, 2, 1)


def consumption(
    unit_id: int,
    service: str,
    unit_of_measure: str,
    amount: float | None,
    *,
    period: dt.date = JAN,
    errors: bool = False,
    estimated: bool = False,
    remark_codes: list[str] | None = None,
) -> dict[str, Any]:
    """One canonical consumption row of property 10, customer 7, MSC ista."""
    return {
        "property_id": 10,
        "unit_id": unit_id,
        "customer_id": 7,
        "period": period,
        "msc_name": "ista",
        "service": service,
        "unit_of_measure": unit_of_measure,
        "amount": amount,
        "converted": False,
        "estimated": estimated,
        "errors": errors,
        "remark_codes": remark_codes,
    }


def benchmark(unit_id: int, service: str, unit_of_measure: str, amount: float) -> dict[str, Any]:
    """One canonical benchmark row of property 10, customer 7, MSC ista, January 2024."""
    return {
        "property_id": 10,
        "unit_id": unit_id,
        "customer_id": 7,
        "period": JAN,
        "msc_name": "ista",
        "service": service,
        "unit_of_measure": unit_of_measure,
        "amount": amount,
    }


def consumptions(*rows: dict[str, Any]) -> pl.DataFrame:
    """A canonical consumptions frame with a provenance column, as io.py returns them."""
    frame = pl.DataFrame(list(rows), schema=CONSUMPTION_SCHEMA)
    return frame.with_columns(pl.int_range(1, frame.height + 1).alias("_row"))


def benchmarks(*rows: dict[str, Any]) -> pl.DataFrame:
    """A canonical benchmarks frame."""
    return pl.DataFrame(list(rows), schema=BENCHMARK_SCHEMA)


CONS = consumptions(
    # Deliberately out of order: output is sorted by key, then service and unit.
    consumption(2, "HOT_WATER", "M3", 1.5, remark_codes=["PARTLY_ESTIMATED"], estimated=True),
    consumption(2, "HEATING", "KWH", None, errors=True, remark_codes=["NO_RADIO_EQUIPMENT"]),
    consumption(1, "HEATING", "KWH", 120.25),
    consumption(1, "HEATING", "KWH", 80.0, period=FEB),
)
BENCH = benchmarks(benchmark(1, "HEATING", "KWH", 100.0), benchmark(2, "HOT_WATER", "M3", 2.0))

EXPECTED_JSON = """
[
  {"propertyId": 10, "unitId": 1, "customerId": 7, "period": "2024-01", "mscName": "ista",
   "consumptions": [{"service": "HEATING", "unitOfMeasure": "KWH", "amount": 120.25,
                     "converted": false, "estimated": false, "errors": false, "remarkCodes": []}],
   "benchmarks": [{"service": "HEATING", "unitOfMeasure": "KWH", "amount": 100.0}]},
  {"propertyId": 10, "unitId": 1, "customerId": 7, "period": "2024-02", "mscName": "ista",
   "consumptions": [{"service": "HEATING", "unitOfMeasure": "KWH", "amount": 80.0,
                     "converted": false, "estimated": false, "errors": false, "remarkCodes": []}],
   "benchmarks": []},
  {"propertyId": 10, "unitId": 2, "customerId": 7, "period": "2024-01", "mscName": "ista",
   "consumptions": [{"service": "HEATING", "unitOfMeasure": "KWH",
                     "converted": false, "estimated": false, "errors": true,
                     "remarkCodes": ["NO_RADIO_EQUIPMENT"]},
                    {"service": "HOT_WATER", "unitOfMeasure": "M3", "amount": 1.5,
                     "converted": false, "estimated": true, "errors": false,
                     "remarkCodes": ["PARTLY_ESTIMATED"]}],
   "benchmarks": [{"service": "HOT_WATER", "unitOfMeasure": "M3", "amount": 2.0}]}
]
"""


def test_payloads_match_hand_written_json() -> None:
    payloads = build_eed_payloads(CONS, BENCH)
    assert [p.body for p in payloads] == json.loads(EXPECTED_JSON)
    assert [p.key for p in payloads] == [
        SubmissionKey(10, 1, 7, "2024-01", "ista"),
        SubmissionKey(10, 1, 7, "2024-02", "ista"),
        SubmissionKey(10, 2, 7, "2024-01", "ista"),
    ]


def test_wire_field_order_follows_the_contract() -> None:
    body = build_eed_payloads(CONS, BENCH)[2].body
    assert list(body) == [
        "propertyId",
        "unitId",
        "customerId",
        "period",
        "mscName",
        "consumptions",
        "benchmarks",
    ]
    assert list(body["consumptions"][1]) == [
        "service",
        "unitOfMeasure",
        "amount",
        "converted",
        "estimated",
        "errors",
        "remarkCodes",
    ]


def test_amount_is_left_out_when_errors_even_if_given() -> None:
    cons = consumptions(consumption(1, "HEATING", "KWH", 5.0, errors=True))
    (payload,) = build_eed_payloads(cons)
    assert "amount" not in payload.body["consumptions"][0]


def test_without_benchmarks_every_request_has_an_empty_list() -> None:
    payloads = build_eed_payloads(CONS)
    assert [p.body["benchmarks"] for p in payloads] == [[], [], []]


def test_a_benchmark_without_consumptions_is_not_dropped() -> None:
    bench = benchmarks(benchmark(9, "COOLING", "KWH", 3.0))
    payloads = build_eed_payloads(CONS, bench)
    orphan = [p for p in payloads if p.key.unit_id == 9]
    assert [p.body["consumptions"] for p in orphan] == [[]]
    assert [p.body["benchmarks"] for p in orphan] == [
        [{"service": "COOLING", "unitOfMeasure": "KWH", "amount": 3.0}]
    ]


def test_row_order_does_not_change_payloads_or_digests() -> None:
    forward = build_eed_payloads(CONS, BENCH)
    backward = build_eed_payloads(CONS.reverse(), BENCH.reverse())
    assert forward == backward
    assert len({p.digest for p in forward}) == len(forward)


def test_digest_is_sha256_of_canonical_json_and_ignores_key_order() -> None:
    assert payload_digest({"b": 1, "a": [1.5]}) == payload_digest({"a": [1.5], "b": 1})
    # Pinned: a change here changes every journal's hashes and resends everything.
    assert payload_digest({"a": 1}) == (
        "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
    )


def test_any_content_change_changes_the_digest() -> None:
    changed = CONS.with_columns(
        pl.when(pl.col("unit_id") == 1).then(pl.col("amount") + 0.01).otherwise("amount")
    )
    before = {p.key: p.digest for p in build_eed_payloads(CONS)}
    after = {p.key: p.digest for p in build_eed_payloads(changed)}
    assert {k for k in before if before[k] != after[k]} == {
        SubmissionKey(10, 1, 7, "2024-01", "ista"),
        SubmissionKey(10, 1, 7, "2024-02", "ista"),
    }


def test_empty_input_builds_nothing() -> None:
    assert build_eed_payloads(consumptions()) == []


def test_five_thousand_keys_build_one_request_each() -> None:
    keys = 5_000
    cons = pl.DataFrame(
        {
            "property_id": pl.int_range(keys * 2, eager=True) // 200,
            "unit_id": pl.int_range(keys * 2, eager=True) // 2,
            "customer_id": 7,
            "period": JAN,
            "msc_name": "ista",
            "service": ["HEATING", "HOT_WATER"] * keys,
            "unit_of_measure": ["KWH", "M3"] * keys,
            "amount": 1.0,
            "converted": False,
            "estimated": False,
            "errors": False,
            "remark_codes": [[]] * (keys * 2),
        }
    ).cast(dict(CONSUMPTION_SCHEMA))
    payloads = build_eed_payloads(cons)  # about 0.2 s here; no timing assertion on purpose
    assert len(payloads) == keys
    assert all(len(p.body["consumptions"]) == 2 for p in payloads)
    assert [p.key for p in payloads] == sorted(p.key for p in payloads)
