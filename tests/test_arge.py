"""ARGE EED JSON: flattening keeps file order and rejects documents of another shape."""

from __future__ import annotations

import pytest

from relay_analytics import arge

DOCUMENT = {
    "billingunit": {
        "reference": {"mscnumber": "400123456"},
        "period": "2024-11",
        "residentialunits": [
            {
                "reference": {"mscnumber": "0012"},
                "consumptions": [
                    {"service": "HEATING", "unitofmeasure": "HCU", "amount": 41,
                     "converted": False, "estimated": False, "errors": False},
                    {"service": "HOT_WATER", "unitofmeasure": "M3", "amount": 2.31,
                     "converted": False, "estimated": True, "errors": False,
                     "remarkcodes": ["PARTLY_ESTIMATED", "INCOMPLETE"]},
                ],
                "benchmarks": [{"service": "HEATING", "unitofmeasure": "KWH", "amount": 540.0}],
            }
        ],
    }
}  # fmt: skip


def test_flatten_turns_records_into_text_rows_in_file_order() -> None:
    rows = arge.flatten(DOCUMENT, "consumptions")
    assert [r["service"] for r in rows] == ["HEATING", "HOT_WATER"]
    assert rows[0] == {
        "billing_unit": "400123456",
        "residential_unit": "0012",
        "period": "2024-11",
        "service": "HEATING",
        "unit_of_measure": "HCU",
        "amount": "41",
        "converted": "false",
        "estimated": "false",
        "errors": "false",
        "remark_codes": None,
    }
    assert rows[1]["remark_codes"] == "PARTLY_ESTIMATED|INCOMPLETE"


def test_flatten_benchmarks_keeps_only_benchmark_fields() -> None:
    (row,) = arge.flatten([DOCUMENT], "benchmarks")
    assert row["amount"] == "540.0"
    assert "converted" not in row


def test_flatten_names_what_is_missing() -> None:
    with pytest.raises(arge.ArgeFormatError, match="not an ARGE EED document"):
        arge.flatten(
            {"billingunit": {"residentialunits": [{"consumptions": [{}]}]}}, "consumptions"
        )
