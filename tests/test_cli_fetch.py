"""``relay-analytics fetch`` writes Parquet or CSV, quietly, with exit codes scripts can use."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from relay_analytics.cli import app
from relay_analytics.frames import UNIT_SCHEMA
from relay_analytics.sandbox import SandboxServer

runner = CliRunner()


@pytest.mark.parametrize("what", ["units", "msc-units", "properties", "customers", "orders"])
def test_fetch_writes_parquet(sandbox: SandboxServer, tmp_path: Path, what: str) -> None:
    out = tmp_path / f"{what}.parquet"
    result = runner.invoke(
        app,
        ["fetch", what, "--out", str(out), "--base-url", sandbox.url, "--api-key", sandbox.api_key],
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_parquet(out)
    assert result.stdout == f"wrote {frame.height} {what} to {out}\n"


def test_fetch_writes_csv(sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "units.csv"
    result = runner.invoke(
        app,
        ["fetch", "units", "--out", str(out)],
        env={"RELAY_BASE_URL": sandbox.url, "RELAY_API_KEY": sandbox.api_key},
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out)
    assert frame.columns == UNIT_SCHEMA.names()
    assert frame.height > 0


def test_unknown_suffix_is_a_usage_error(sandbox: SandboxServer, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["fetch", "units", "--out", str(tmp_path / "u.xlsx"), "--base-url", sandbox.url],
        env={"RELAY_API_KEY": sandbox.api_key},
    )
    assert result.exit_code == 2
    assert "unknown file type '.xlsx'" in result.stderr
    assert not (tmp_path / "u.xlsx").exists()


def test_missing_key_is_a_usage_error(sandbox: SandboxServer, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["fetch", "units", "--out", str(tmp_path / "u.csv"), "--base-url", sandbox.url],
        env={"RELAY_API_KEY": ""},
    )
    assert result.exit_code == 2
    assert "RELAY_API_KEY" in result.stderr


def test_api_error_exits_3_without_the_key(sandbox: SandboxServer, tmp_path: Path) -> None:
    secret = "wrong-key-4f1c9a"
    out = tmp_path / "u.parquet"
    result = runner.invoke(
        app,
        ["fetch", "units", "--out", str(out), "--base-url", sandbox.url, "--api-key", secret],
    )
    assert result.exit_code == 3
    assert result.stderr.startswith("error: GET /api/v1/units -> 401 Unauthorized")
    assert secret not in result.output
    assert not out.exists()
