"""ValidationReport: findings frames, summary, split by submission key, JSON and HTML; schemas."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from fixtures.validation.builders import (
    AS_OF,
    clean_benchmarks,
    clean_consumptions,
    consumption_position,
    consumptions,
    record,
)
from polars.testing import assert_frame_equal

from relay_analytics import frames
from relay_analytics.io import InputError, read_consumptions
from relay_analytics.samples import sample_path
from relay_analytics.validation import (
    RULES,
    PropertyModel,
    UnitModel,
    finding_line,
    validate,
    validate_eed,
)
from relay_analytics.validation.rules import PANDERA_CHECKS
from relay_analytics.validation.schemas import failure_cases

BROKEN_KEY = {"unit_id": 1, "customer_id": 100, "period": dt.date(2024, 12, 1)}


def broken_report() -> pl.DataFrame:
    """Clean data plus: a negative amount for unit 1 in 2024-12, an old period for unit 3."""
    cons = clean_consumptions()
    target = pl.int_range(pl.len()) == consumption_position(0, 23, 2)
    cons = cons.with_columns(amount=pl.when(target).then(-5.0).otherwise("amount"))
    return pl.concat(
        [
            cons,
            consumptions(
                [record(period=dt.date(2021, 6, 1), service="COLD_WATER", unit_of_measure="M3")]
            ),
        ]
    )


def test_errors_and_warnings_are_finding_frames() -> None:
    report = validate_eed(broken_report(), clean_benchmarks(), as_of=AS_OF)
    assert not report.ok
    assert report.errors.schema == frames.FINDING_SCHEMA
    assert report.errors.select("row", "rule", "column", "value").rows() == [
        (72, "amount_negative", "amount", "-5.0")
    ]
    assert report.warnings.select("row", "rule").rows() == [(145, "period_before_start")]
    assert report.findings.height == 2


def test_a_key_with_an_error_is_held_back_as_a_whole() -> None:
    report = validate_eed(broken_report(), clean_benchmarks(), as_of=AS_OF)
    invalid = report.invalid_consumptions
    assert invalid.select("unit_id", "period").unique().rows() == [(1, dt.date(2024, 12, 1))]
    assert invalid["_row"].to_list() == [70, 71, 72]
    assert report.valid_consumptions.height == 145 - 3
    assert report.valid_consumptions.columns == frames.CONSUMPTION_SCHEMA.names()
    assert report.valid_benchmarks.height == 96 - 2  # both benchmarks of the held-back key
    keys = report.invalid_keys
    assert keys.select(*BROKEN_KEY).rows() == [tuple(BROKEN_KEY.values())]
    assert keys["rules"].to_list() == [["amount_negative"]]


def test_a_key_with_a_missing_part_is_held_back_with_all_its_rows() -> None:
    incomplete = {"customer_id": None}
    cons = consumptions(
        [record(**incomplete), record(**incomplete, service="HOT_WATER"), record(unit_id=4)]
    )
    report = validate_eed(cons, as_of=AS_OF)
    assert report.invalid_consumptions["_row"].to_list() == [1, 2]
    assert report.valid_consumptions["unit_id"].to_list() == [4]


def test_rows_of_a_chunked_frame_are_split_and_located_like_a_whole_one() -> None:
    broken = broken_report()
    chunked = pl.concat(
        [broken.slice(0, 50), broken.slice(50, 50), broken.slice(100)], rechunk=False
    )
    whole, split = validate_eed(broken, as_of=AS_OF), validate_eed(chunked, as_of=AS_OF)
    assert_frame_equal(split.findings, whole.findings)
    assert_frame_equal(split.invalid_consumptions, whole.invalid_consumptions)
    assert_frame_equal(split.valid_consumptions, whole.valid_consumptions)


def test_series_rules_find_the_same_in_batches_as_in_one_sort(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cons = read_consumptions(sample_path("consumptions.csv"))
    cons = pl.concat([cons, cons.slice(100, 30)])  # repeated records too
    whole = validate_eed(cons, as_of=AS_OF)
    monkeypatch.setattr(validate, "_SERIES_BATCH_MIN_ROWS", 1)
    batched = validate_eed(cons, as_of=AS_OF)
    assert whole.warnings.height > 100
    assert_frame_equal(batched.findings, whole.findings)


def test_summary_counts_per_rule_errors_first() -> None:
    summary = validate_eed(broken_report(), as_of=AS_OF).summary()
    assert summary.rows() == [
        ("amount_negative", "error", 1),
        ("period_before_start", "warning", 1),
    ]


def test_to_dict_has_the_json_shape_of_the_cli() -> None:
    report = validate_eed(broken_report(), clean_benchmarks(), as_of=AS_OF)
    document = json.loads(json.dumps(report.to_dict(), default=str))
    assert document["ok"] is False
    assert document["counts"] == {"rows": 145 + 96, "errors": 1, "warnings": 1}
    assert set(document["errors"][0]) == {
        "file",
        "row",
        "column",
        "rule",
        "severity",
        "value",
        "message",
    }


def test_finding_lines_name_file_row_rule_column_and_value() -> None:
    report = validate_eed(broken_report(), as_of=AS_OF)
    error, warning = report.findings.iter_rows(named=True)
    message = RULES["amount_negative"].message
    assert finding_line(error) == (
        f"consumptions:72: error: amount_negative: amount '-5.0': {message}"
    )
    assert finding_line(error, with_file=False).startswith("row 72: error: amount_negative:")
    assert finding_line(warning).startswith("consumptions:145: warning: period_before_start: ")


def test_html_is_self_contained_and_escaped() -> None:
    cons = consumptions([record(msc_name="<script>alert(1)</script>")])
    html = validate_eed(cons, as_of=AS_OF, msc_allow_list=["ista"]).to_html()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "msc_name_not_allowed" in html


def test_text_frames_are_read_like_file_cells() -> None:
    text = (
        clean_consumptions()
        .head(3)
        .with_columns(pl.col("period").dt.strftime("%Y-%m"), pl.col("remark_codes").list.join("|"))
        .cast(pl.String)
    )
    assert validate_eed(text, as_of=AS_OF).errors.is_empty()


def test_a_frame_without_canonical_columns_is_refused() -> None:
    with pytest.raises(InputError, match="consumptions frame: missing column"):
        validate_eed(clean_consumptions().drop("errors"), as_of=AS_OF)


def test_default_as_of_is_today() -> None:
    this_month = dt.date.today().replace(day=1)
    report = validate_eed(consumptions([record(period=this_month)]))
    assert report.errors["rule"].to_list() == ["period_incomplete"]


def test_unit_and_property_models_name_their_rules() -> None:
    units = pl.DataFrame(
        {
            "id": [1, 1, 2],
            "property_id": [1, 1, 0],
            "customer_id": [5, 5, 5],
            "msc_number": ["0001", "00001", None],
        }
    )
    failures = failure_cases(UnitModel, units).with_columns(pl.col("check").replace(PANDERA_CHECKS))
    assert sorted(failures.select("check", "index").rows()) == [
        ("duplicate_id", 0),
        ("duplicate_id", 1),
        ("id_not_positive", 2),
        ("msc_number_length", 1),
    ]
    properties = pl.DataFrame({"id": [1], "msc_number": ["4001234567"]})
    assert failure_cases(PropertyModel, properties)["check"].to_list() == ["msc_number_length"]


def test_warnings_false_checks_error_rules_only() -> None:
    report = validate_eed(broken_report(), clean_benchmarks(), as_of=AS_OF, warnings=False)
    assert report.findings["rule"].to_list() == ["amount_negative"]
