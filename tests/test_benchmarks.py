"""Smoke runs of the benchmark scripts at tiny sizes, so they cannot rot.

Each script runs in a subprocess as documented (``python benchmarks/NAME.py ...``) and must
exit 0 and print its tables. No timing is asserted: the numbers belong in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

#: script -> tiny arguments and the table titles it must print.
SMOKE_RUNS = {
    "bench_validation.py": (
        # Memory children re-import pandera (seconds each); bench_read smoke-tests them.
        ["--rows", "2000", "--repeat", "1", "--pandas-rows", "500", "--no-memory"],
        ["## Validation", "## pandera: polars backend vs pandas"],
    ),
    "bench_loading.py": (
        ["--rows", "450", "--repeat", "1", "--latency-ms", "1"],
        ["## Loading 450 units"],
    ),
    "bench_submit.py": (
        [
            "--rows",
            "30",
            "--repeat",
            "1",
            "--latency-ms",
            "1",
            "--reference-keys",
            "10",
            "--concurrency",
            "4",
        ],
        ["## Submission of 30 keys", "## Throughput without added latency"],
    ),
    "bench_read.py": (["--rows", "2000", "--repeat", "1"], ["## Reading", "| peak MiB"]),
    "bench_charts.py": (["--rows", "2000", "--repeat", "1"], ["## Charts over"]),
}


def run_script(name: str, *args: str) -> str:
    """Run a benchmark script; fail with its stderr unless it exits 0; return its stdout."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / name), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=110,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize("script", sorted(SMOKE_RUNS))
def test_script_prints_its_tables(script: str) -> None:
    args, titles = SMOKE_RUNS[script]
    out = run_script(script, *args)
    for title in titles:
        assert title in out
    assert "| case" in out or "| step" in out


def test_json_output_is_one_line_per_table() -> None:
    out = run_script("bench_charts.py", "--rows", "2000", "--repeat", "1", "--json")
    (table,) = [json.loads(line) for line in out.splitlines()]
    assert table["title"].startswith("Charts over")
    assert any(row.get("embedded rows") for row in table["rows"])
