"""``relay-analytics validate``: exit codes, text and JSON output, HTML report."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.validation.builders import (
    clean_benchmarks,
    clean_consumptions,
    clean_units,
    consumptions,
    record,
)
from typer.testing import CliRunner

from relay_analytics.cli import app
from relay_analytics.io import write_benchmarks, write_consumptions
from relay_analytics.validation import RULES

AS_OF = ["--as-of", "2025-01-15"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *args])
    return result.exit_code, result.output


def clean_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    cons, bench, units = tmp_path / "c.csv", tmp_path / "b.parquet", tmp_path / "units.parquet"
    write_consumptions(clean_consumptions(), cons)
    write_benchmarks(clean_benchmarks(), bench)
    clean_units().write_parquet(units)
    return cons, bench, units


def test_clean_files_exit_zero(tmp_path: Path) -> None:
    cons, bench, units = clean_files(tmp_path)
    code, output = run(str(cons), "--benchmarks", str(bench), "--units", str(units), *AS_OF)
    assert code == 0
    assert "OK" in output


def test_warnings_only_exit_zero(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    write_consumptions(consumptions([record(amount=80.1234)]), path)
    code, output = run(str(path), *AS_OF)
    assert code == 0
    assert "amount_precision" in output


def test_errors_exit_one_and_show_rule_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    write_consumptions(consumptions([record(), record(unit_id=4, amount=-1.0)]), path)
    code, output = run(str(path), *AS_OF)
    assert code == 1
    message = RULES["amount_negative"].message
    assert f"{path}:2: error: amount_negative: amount '-1.0': {message}" in output.splitlines()
    assert "FAILED: 2 rows, 1 errors, 0 warnings." in output


def test_json_output_is_the_full_report(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    write_consumptions(consumptions([record(unit_id=4, amount=-1.0)]), path)
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "json", *AS_OF])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["counts"] == {"rows": 1, "errors": 1, "warnings": 0}
    assert document["errors"][0]["row"] == 1
    assert document["errors"][0]["file"] == str(path)


def test_html_report_is_written(tmp_path: Path) -> None:
    cons, _, _ = clean_files(tmp_path)
    report = tmp_path / "findings.html"
    code, _ = run(str(cons), "--report", str(report), *AS_OF)
    assert code == 0
    assert "<!DOCTYPE html>" in report.read_text("utf-8")


def test_unreadable_input_exits_two_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    code, output = run(str(missing))
    assert code == 2
    assert "missing.csv" in output
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, output = run(str(empty))
    assert (code, "empty file" in output) == (2, True)


def test_bad_usage_exits_two(tmp_path: Path) -> None:
    cons, _, _ = clean_files(tmp_path)
    assert run(str(cons), "--as-of", "15.01.2025")[0] == 2
    assert run(str(cons), "--format", "xml")[0] == 2
