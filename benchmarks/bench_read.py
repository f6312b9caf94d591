"""Reading uploads: ``read_consumptions`` against plain ``pl.read_csv`` / ``pl.read_parquet``.

The files are written by ``write_consumptions`` from generated data. Peak memory is measured
in a fresh subprocess per case.

    uv run python benchmarks/bench_read.py --rows 10000000 --repeat 3
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

import _data
import _harness

from relay_analytics.io import read_consumptions, write_consumptions

#: case -> (file suffix, reader); the plain readers are the references.
CASES: dict[str, tuple[str, Callable[[Path], Any]]] = {
    "pl.read_csv (reference)": (".csv", pl.read_csv),
    "ra.read_consumptions, CSV": (".csv", read_consumptions),
    "pl.read_parquet (reference)": (".parquet", pl.read_parquet),
    "ra.read_consumptions, Parquet": (".parquet", read_consumptions),
}


def main() -> None:
    """Write the files, time and measure each reader, print the table."""
    parser = _harness.options(__doc__ or "", rows=1_000_000, repeat=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    args = parser.parse_args()
    if args.memory_case:
        _, reader = CASES[args.memory_case]
        _harness.report_peak_memory(lambda: reader(Path(args.data)))
        return

    cons = _data.consumptions(args.rows, bad_share=0.0)
    size, rows_read = cons.estimated_size(), cons.height
    with tempfile.TemporaryDirectory() as folder:
        files = {suffix: Path(folder) / f"consumptions{suffix}" for suffix in (".csv", ".parquet")}
        for path in files.values():
            write_consumptions(cons, path)
        del cons
        rows: list[dict[str, Any]] = []
        reference = 0.0
        for case, (suffix, reader) in CASES.items():
            path = files[suffix]
            timing = _harness.timed(partial(reader, path), args.repeat)
            reference = timing.median if "reference" in case else reference
            row: dict[str, Any] = {
                "case": case,
                "file MiB": _harness.mib(path.stat().st_size),
                "median s": timing.median,
                "ratio": timing.median / reference,
            }
            if not args.no_memory:
                memory = _harness.peak_memory(__file__, case, path)
                row["peak MiB"] = _harness.mib(memory["added_bytes"])
                row["x frame size"] = memory["added_bytes"] / size
            rows.append(row)
    _harness.print_table(
        f"Reading {rows_read:,} consumption rows (frame {_harness.mib(size)} MiB in memory), "
        f"median of {args.repeat}",
        rows,
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
