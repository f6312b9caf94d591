"""Readers and writers: canonical CSV, German CSV, Parquet, ARGE JSON and unreadable input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from fixtures.validation.builders import AS_OF, clean_consumptions, clean_units
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from relay_analytics import frames
from relay_analytics.io import (
    InputError,
    read_benchmarks,
    read_consumptions,
    write_benchmarks,
    write_consumptions,
)
from relay_analytics.validation import validate_eed

HEADER = ",".join(frames.CONSUMPTION_SCHEMA.names())
GOOD_LINE = "1,10,100,2024-11,ista,HEATING,KWH,612.5,true,false,false,"


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(frames.CONSUMPTION_SCHEMA.names())


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_canonical_csv_with_provenance(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "c.csv", f"{HEADER}\n{GOOD_LINE}\n{GOOD_LINE.replace('10', '11')}\n"
    )
    frame = read_consumptions(path)
    assert frame.columns[:12] == frames.CONSUMPTION_SCHEMA.names()
    assert frame.schema == {**frames.CONSUMPTION_SCHEMA, **frame.select("^_.*$").schema}
    assert frame["_file"].to_list() == [str(path)] * 2
    assert frame["_row"].to_list() == [1, 2]
    assert frame["_unreadable"].to_list() == [[], []]
    assert frame.row(0)[:12] == (
        1,
        10,
        100,
        dt.date(2024, 11, 1),
        "ista",
        "HEATING",
        "KWH",
        612.5,
        True,
        False,
        False,
        [],
    )


def test_reads_german_excel_csv(tmp_path: Path) -> None:
    german = (
        "\ufeff" + HEADER.replace(",", ";") + "\r\n"
        "1;10;100;2024-11;ista;HEATING;KWH;612,5;TRUE;0;False;PARTLY_ESTIMATED|INCOMPLETE\r\n"
        "1;10;100;2024-11;ista;HOT_WATER;M3;2.31;0;1;false;\r\n"
    )
    frame = canonical(read_consumptions(write_text(tmp_path / "de.csv", german)))
    assert frame["amount"].to_list() == [612.5, 2.31]
    assert frame["converted"].to_list() == [True, False]
    assert frame["estimated"].to_list() == [False, True]
    assert frame["remark_codes"].to_list() == [["PARTLY_ESTIMATED", "INCOMPLETE"], []]


def test_ambiguous_decimal_marks_are_findings_not_guesses(tmp_path: Path) -> None:
    german = HEADER.replace(",", ";") + "\n" + "1;10;100;2024-11;ista;HEATING;KWH;1.234,5;0;0;0;\n"
    english = f'{HEADER}\n1,10,100,2024-11,ista,HEATING,KWH,"38,0",0,0,0,\n'
    for name, text in (("de.csv", german), ("en.csv", english)):
        frame = read_consumptions(write_text(tmp_path / name, text))
        assert frame["amount"].to_list() == [None]
        assert [cell["column"] for cell in frame["_unreadable"][0]] == ["amount"]


def test_unreadable_cells_are_reported_with_file_row_and_column(tmp_path: Path) -> None:
    bad = "1,x10,100,2024-1,ista,HEATNG,KWH,abc,yes,false,false,"
    path = write_text(tmp_path / "c.csv", f"{HEADER}\n{GOOD_LINE}\n{bad}\n")
    errors = validate_eed(read_consumptions(path), as_of=AS_OF).errors
    assert errors.select("file", "row", "column", "rule", "value").rows() == [
        (str(path), 2, column, "unreadable_value", value)
        for column, value in sorted(
            [
                ("unit_id", "x10"),
                ("period", "2024-1"),
                ("service", "HEATNG"),
                ("amount", "abc"),
                ("converted", "yes"),
            ]
        )
    ]


def test_missing_optional_remark_codes_column_reads_as_empty(tmp_path: Path) -> None:
    header = HEADER.removesuffix(",remark_codes")
    path = write_text(tmp_path / "c.csv", f"{header}\n{GOOD_LINE.removesuffix(',')}\n")
    assert read_consumptions(path)["remark_codes"].to_list() == [[]]


def test_extra_columns_are_refused_unless_ignored(tmp_path: Path) -> None:
    path = write_text(tmp_path / "c.csv", f"{HEADER},note\n{GOOD_LINE},hello\n")
    with pytest.raises(InputError, match=r"c\.csv: unexpected column\(s\): note"):
        read_consumptions(path)
    assert read_consumptions(path, ignore_extra_columns=True).height == 1


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.csv", b"", "empty file"),
        ("blank.csv", b"\n\n", "empty file"),
        (
            "latin1.csv",
            f"{HEADER}\n{GOOD_LINE.replace('ista', 'Brünata')}\n".encode("cp1252"),
            "not UTF-8",
        ),
        (
            "missing.csv",
            HEADER.replace("amount,", "").encode(),
            r"missing required column\(s\): amount",
        ),
        ("ragged.csv", f"{HEADER}\n{GOOD_LINE},1,2,3\n".encode(), "malformed CSV"),
        ("broken.parquet", b"PAR1 not really", "not a readable Parquet file"),
        ("data.xlsx", b"PK", "unknown file type"),
    ],
)
def test_unreadable_files_raise_input_error_naming_the_file(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as raised:
        read_consumptions(path)
    assert str(path) in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_missing_file_and_directory_raise_input_error(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.csv", tmp_path):
        with pytest.raises(InputError, match="no such file"):
            read_consumptions(path / "x.csv" if path == tmp_path else path)


def test_header_only_file_is_an_empty_frame(tmp_path: Path) -> None:
    frame = read_consumptions(write_text(tmp_path / "c.csv", HEADER + "\n"))
    assert frame.is_empty()
    assert validate_eed(frame, as_of=AS_OF).ok


def test_parquet_with_text_columns_is_read_like_csv(tmp_path: Path) -> None:
    text = (
        clean_consumptions()
        .head(3)
        .with_columns(pl.col("period").dt.strftime("%Y-%m"), pl.col("amount").cast(pl.String))
    )
    text = text.with_columns(amount=pl.Series(["1.5", "oops", None]))
    text.write_parquet(tmp_path / "c.parquet")
    frame = read_consumptions(tmp_path / "c.parquet")
    assert frame["amount"].to_list() == [1.5, None, None]
    assert [len(cells) for cells in frame["_unreadable"]] == [0, 1, 0]


def test_a_parquet_file_in_row_groups_reads_with_aligned_chunks(tmp_path: Path) -> None:
    # Row numbers in one piece beside columns in row groups would make polars copy the whole
    # frame before every eager operation; they follow the columns' chunks instead.
    path = tmp_path / "c.parquet"
    pl.concat([clean_consumptions()] * 4).write_parquet(path, row_group_size=100)
    cons = read_consumptions(path)
    chunks = cons.drop("_file", "_unreadable").n_chunks("all")
    assert len(set(chunks)) == 1
    assert chunks[0] > 1
    assert cons["_row"].to_list() == list(range(1, cons.height + 1))


def test_benchmarks_round_trip(tmp_path: Path) -> None:
    bench = clean_consumptions().head(4).select(frames.BENCHMARK_SCHEMA.names())
    for name in ("b.csv", "b.parquet"):
        write_benchmarks(bench, tmp_path / name)
        assert_frame_equal(read_benchmarks(tmp_path / name).select(bench.columns), bench)


# ---- ARGE HeiWaKo EED JSON -------------------------------------------------------------------

ARGE_MONTH = {
    "billingunit": {
        "reference": {"mscnumber": "400123456", "pmnumber": "HV-0815"},
        "period": "2024-11",
        "residentialunits": [
            {
                "reference": {"mscnumber": "0001"},
                "consumptions": [
                    {
                        "service": "HEATING",
                        "unitofmeasure": "HCU",
                        "amount": 41,
                        "converted": False,
                        "estimated": False,
                        "errors": False,
                    },
                    {
                        "service": "HEATING",
                        "unitofmeasure": "KWH",
                        "amount": 612.5,
                        "converted": True,
                        "estimated": False,
                        "errors": False,
                    },
                    {
                        "service": "HOT_WATER",
                        "unitofmeasure": "M3",
                        "amount": 2.31,
                        "converted": False,
                        "estimated": True,
                        "errors": False,
                        "remarkcodes": ["PARTLY_ESTIMATED"],
                    },
                ],
                "benchmarks": [{"service": "HEATING", "unitofmeasure": "KWH", "amount": 540.0}],
            },
            {
                "reference": {"mscnumber": "0099"},
                "consumptions": [
                    {
                        "service": "COLD_WATER",
                        "unitofmeasure": "M3",
                        "converted": False,
                        "estimated": False,
                        "errors": True,
                    }
                ],
            },
        ],
    }
}
PROPERTIES = pl.DataFrame({"id": [1], "msc_number": ["400123456"]})


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), "utf-8")
    return path


def test_reads_arge_json_and_resolves_relay_ids(tmp_path: Path) -> None:
    path = write_json(tmp_path / "eed.json", ARGE_MONTH)
    frame = read_consumptions(path, units=clean_units(), properties=PROPERTIES, msc_name="ista")
    rows = canonical(frame).rows()
    assert rows[0] == (
        1,
        1,
        100,
        dt.date(2024, 11, 1),
        "ista",
        "HEATING",
        "HCU",
        41.0,
        False,
        False,
        False,
        [],
    )
    assert rows[2][-1] == ["PARTLY_ESTIMATED"]
    assert frame["_row"].to_list() == [1, 2, 3, 4]
    bench = read_benchmarks(path, units=clean_units(), properties={"400123456": 1}, msc_name="ista")
    assert canonical_bench(bench) == [
        (1, 1, 100, dt.date(2024, 11, 1), "ista", "HEATING", "KWH", 540.0)
    ]


def canonical_bench(frame: pl.DataFrame) -> list[tuple[object, ...]]:
    return frame.select(frames.BENCHMARK_SCHEMA.names()).rows()


def test_unknown_arge_unit_is_a_finding_at_its_record(tmp_path: Path) -> None:
    path = write_json(tmp_path / "eed.json", [ARGE_MONTH])
    frame = read_consumptions(path, units=clean_units(), properties=PROPERTIES, msc_name="ista")
    errors = validate_eed(frame, as_of=AS_OF).errors
    assert errors.select("file", "row", "column", "rule", "value").rows() == [
        (str(path), 4, "unit_id", "unreadable_value", "400123456/0099")
    ]


@pytest.mark.parametrize(
    ("document", "problem"),
    [("{not json", "not readable JSON"), ({"billing": {}}, "not an ARGE EED document")],
)
def test_malformed_arge_json_raises_input_error(
    tmp_path: Path, document: object, problem: str
) -> None:
    path = tmp_path / "eed.json"
    if isinstance(document, str):
        path.write_text(document)
    else:
        write_json(path, document)
    with pytest.raises(InputError, match=problem):
        read_consumptions(path, units=clean_units(), properties=PROPERTIES, msc_name="ista")


def test_arge_json_needs_the_id_resolution(tmp_path: Path) -> None:
    path = write_json(tmp_path / "eed.json", ARGE_MONTH)
    with pytest.raises(InputError, match="needs units=, properties= and msc_name="):
        read_consumptions(path)
    with pytest.raises(InputError, match="ARGE JSON files only"):
        read_consumptions(tmp_path / "c.csv", msc_name="ista")


# ---- properties --------------------------------------------------------------------------------

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
record_strategy = st.fixed_dictionaries(
    {
        "customer_id": st.integers(1, 2**40),
        "period": st.dates(dt.date(2022, 1, 1), dt.date(2024, 12, 1)).map(
            lambda d: d.replace(day=1)
        ),
        "msc_name": st.sampled_from(
            ["ista", "Techem", "Brunata-Metrona", "Minol", "KALO", 'Ä;ö,"x']
        ),
        "service": st.sampled_from(["HEATING", "COLD_WATER", "COOLING"]),
        "amount": st.floats(0, 1e9, allow_nan=False, allow_infinity=False) | st.none(),
        "estimated": st.booleans(),
        "remark_codes": st.lists(st.sampled_from(frames.REMARK_CODES), max_size=2, unique=True),
    }
)
UNITS = {"HEATING": "KWH", "COLD_WATER": "M3", "COOLING": "KWH"}


def valid_frame(records: list[dict[str, object]]) -> pl.DataFrame:
    """Distinct units per record make every key unique; errors is set from the amount."""
    rows = [
        {
            **r,
            "property_id": 7,
            "unit_id": i + 1,
            "unit_of_measure": UNITS[str(r["service"])],
            "converted": False,
            "errors": r["amount"] is None,
        }
        for i, r in enumerate(records)
    ]
    return pl.DataFrame(rows, schema=frames.CONSUMPTION_SCHEMA, orient="row")


@SETTINGS
@given(
    records=st.lists(record_strategy, min_size=1, max_size=8),
    name=st.sampled_from(["c.csv", "c.parquet", "semicolon.csv"]),
)
def test_valid_frames_stay_valid_after_a_round_trip(
    tmp_path: Path, records: list[dict[str, object]], name: str
) -> None:
    frame = valid_frame(records)
    assert validate_eed(frame, as_of=AS_OF).errors.is_empty()
    path = tmp_path / name
    write_consumptions(frame, path, separator=";" if name.startswith("semicolon") else ",")
    again = read_consumptions(path)
    assert_frame_equal(canonical(again), frame)
    assert validate_eed(again, as_of=AS_OF).errors.is_empty()


CORRUPTIBLE = [
    "property_id",
    "unit_id",
    "customer_id",
    "period",
    "service",
    "unit_of_measure",
    "amount",
    "converted",
    "estimated",
    "errors",
]


@SETTINGS
@given(
    records=st.lists(record_strategy, min_size=1, max_size=8),
    data=st.data(),
    column=st.sampled_from(CORRUPTIBLE),
    garbage=st.sampled_from(["#REF!", "n/a", "1e", "12 kWh", "--", "2024-13", "0x1F"]),
)
def test_a_corrupted_cell_is_reported_at_its_row(
    tmp_path: Path,
    records: list[dict[str, object]],
    data: st.DataObject,
    column: str,
    garbage: str,
) -> None:
    frame = valid_frame(records)
    target = data.draw(st.integers(0, frame.height - 1))
    path = tmp_path / "c.csv"
    write_consumptions(frame, path)
    text = pl.read_csv(path, infer_schema=False)
    hit = pl.int_range(pl.len()) == target
    text.with_columns(pl.when(hit).then(pl.lit(garbage)).otherwise(column).alias(column)).write_csv(
        path
    )
    errors = validate_eed(read_consumptions(path), as_of=AS_OF).errors
    assert (target + 1, column, "unreadable_value", garbage) in errors.select(
        "row", "column", "rule", "value"
    ).rows()


def test_padded_and_differently_cased_cells_read_like_clean_ones(tmp_path: Path) -> None:
    # Clean cells take the fast parse, padded or cased ones the exact one: same values either way.
    untidy = " 1 , 10,100 , 2024-11 ,ista, heating ,kwh, 612.5 ,TRUE, False ,0, "
    rows = [GOOD_LINE, untidy, GOOD_LINE.replace("612.5", "abc")]
    frame = read_consumptions(write_text(tmp_path / "c.csv", "\n".join([HEADER, *rows]) + "\n"))
    clean, padded, bad = canonical(frame).iter_rows()
    assert padded == clean
    assert frame["_row"].to_list() == [1, 2, 3]
    assert frame["_unreadable"].to_list()[:2] == [[], []]
    assert bad[7] is None
    assert frame["_unreadable"][2].to_list() == [
        {"column": "amount", "value": "abc", "reason": frame["_unreadable"][2][0]["reason"]}
    ]
