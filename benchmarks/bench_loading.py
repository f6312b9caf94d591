"""Loading units: ``load_units`` (pages in parallel) against page-by-page sequential fetching.

The sandbox holds ``--rows`` units and adds ``--latency-ms`` to every request (a remote round
trip); it runs in its own process, like a remote server (see _sandbox.py). Both cases use the
same client and build the same frame.

    uv run python benchmarks/bench_loading.py --rows 100000 --repeat 3
"""

from __future__ import annotations

import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

import _data
import _harness
import _sandbox

from relay_analytics.api import RelayClient, endpoints
from relay_analytics.frames import UNIT_SCHEMA
from relay_analytics.loaders import DEFAULT_LOAD_CONCURRENCY, load_units, records_to_frame
from relay_analytics.sandbox import DEFAULT_API_KEY
from relay_analytics.sandbox.store import Store

GOAL = 5.0
#: tmpfs when there is one, so that writing the seed database does not wait on the disk.
_SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


def seed_units(db: Path, count: int) -> None:
    """Write ``count`` generated units into a sandbox database file."""
    store = Store(db)
    try:
        store.insert_many(
            "units", _data.unit_records(count), parent_field=endpoints.UNIT_FIELDS["property_id"]
        )
    finally:
        store.close()


def sequential_pages(client: RelayClient) -> pl.DataFrame:
    """The reference: one page after another until a short page, then the same frame."""
    records: list[dict[str, Any]] = []
    offset = 0
    while True:
        body = client.get_units(limit=endpoints.MAX_PAGE_SIZE, offset=offset)
        page = body[endpoints.COLLECTION_KEYS["get_units"]]
        records += page
        if len(page) < endpoints.MAX_PAGE_SIZE:
            break
        offset += endpoints.MAX_PAGE_SIZE
    return records_to_frame(records, endpoints.UNIT_FIELDS, UNIT_SCHEMA, source="get_units")


def main() -> None:
    """Seed the sandbox, time both cases, print the table."""
    parser = _harness.options(__doc__ or "", rows=100_000, repeat=3)
    parser.add_argument("--latency-ms", type=float, default=30.0, help="added per request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=_SCRATCH) as folder:
        db = Path(folder) / "sandbox.sqlite"
        seed_units(db, args.rows)
        latency = ("--latency-ms", str(args.latency_ms))
        with (
            _sandbox.sandbox_process("--db", str(db), "--no-sample-data", *latency) as url,
            RelayClient(url, DEFAULT_API_KEY) as client,
        ):
            expected = sequential_pages(client)
            if expected.height != args.rows or not load_units(client).equals(expected):
                raise SystemExit("load_units and the sequential pages disagree")
            reference = _harness.timed(lambda: sequential_pages(client), args.repeat)
            cases = {
                f"load_units (concurrency {c})": _harness.timed(
                    partial(load_units, client, concurrency=c), args.repeat
                )
                for c in sorted({DEFAULT_LOAD_CONCURRENCY, 32})
            }
    pages = -(-args.rows // endpoints.MAX_PAGE_SIZE)
    rows = [
        {
            "case": "page by page, sequential (reference)",
            "median s": reference.median,
            "pages/s": pages / reference.median,
            "speed-up": 1.0,
        }
    ]
    for name, timing in cases.items():
        speed_up = reference.median / timing.median
        rows.append(
            {
                "case": name,
                "median s": timing.median,
                "pages/s": pages / timing.median,
                "speed-up": speed_up,
                "goal": _harness.goal(speed_up, GOAL, at_least=True),
            }
        )
    _harness.print_table(
        f"Loading {args.rows:,} units ({pages:,} pages of {endpoints.MAX_PAGE_SIZE}), "
        f"{args.latency_ms:g} ms per request, median of {args.repeat}",
        rows,
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
