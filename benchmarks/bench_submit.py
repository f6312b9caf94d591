"""Submission: ``submit_eed`` against a sequential loop of ``client.eed``, and raw throughput.

1. ``--latency-ms`` per request (a remote round trip), in-process sandbox: ``submit_eed`` of
   ``--rows`` keys against a sequential loop over ``--reference-keys`` keys (compared per key:
   the loop is bound by the latency, one request at a time, so its rate does not depend on the
   number of keys). Every run is checked: every key received exactly once more.
2. The same under injected faults (500s, 429s, dropped connections): zero lost or duplicated keys.
3. No latency, the sandbox in a subprocess (so ``time.process_time`` counts the client only):
   requests per second and client CPU per request.

    uv run python benchmarks/bench_submit.py --rows 5000 --repeat 3
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import _data
import _harness
import _sandbox
import polars as pl

from relay_analytics.api import RelayClient, endpoints
from relay_analytics.sandbox import DEFAULT_API_KEY, Faults, SandboxServer
from relay_analytics.sandbox.app import INSPECT_EED_PATH
from relay_analytics.submit import EedPayload, build_eed_payloads, submit_eed

GOAL = 10.0
FAULTS = Faults(fail_rate=0.05, throttle_rate=0.02, retry_after_s=0, drop_rate=0.02)
_KEY_WIRE = tuple(endpoints.EED_KEY_FIELDS.values())


def received_records(url: str) -> list[tuple[tuple[Any, ...], int]]:
    """(submission key, revision) of each stored record, from the read-only inspection route."""
    with urllib.request.urlopen(url + INSPECT_EED_PATH) as answer:
        records = json.load(answer)
    return [(tuple(r["key"][name] for name in _KEY_WIRE), r["revision"]) for r in records]


def received_revisions(url: str) -> dict[tuple[Any, ...], int]:
    """Submission key -> revision of the records the sandbox holds."""
    return dict(received_records(url))


def check_once_more(
    url: str, payloads: list[EedPayload], before: dict[tuple[Any, ...], int]
) -> dict[str, int]:
    """Every key received, none twice as a record; revisions that rose by more than one."""
    records = received_records(url)
    after = dict(records)
    expected = {tuple(p.key) for p in payloads}
    lost = [k for k in expected if after.get(k, 0) <= before.get(k, 0)]
    unexpected = set(after) - expected - set(before)
    if lost or unexpected:
        raise SystemExit(f"{len(lost)} keys lost, {len(unexpected)} unexpected keys received")
    resent = sum(1 for k in expected if after[k] - before.get(k, 0) > 1)
    return {
        "received": len(expected),
        "lost": 0,
        "duplicated": len(records) - len(after),
        "applied twice (idempotent upsert)": resent,
    }


def submit_once(client: RelayClient, cons: pl.DataFrame, folder: Path, concurrency: int) -> None:
    """One full submission with a fresh journal (so every key is sent)."""
    journal = Path(tempfile.mkstemp(suffix=".sqlite", dir=folder)[1])
    journal.unlink()
    submit_eed(client, cons, journal=journal, concurrency=concurrency, as_of=_data.AS_OF)


def sequential_loop(client: RelayClient, payloads: list[EedPayload]) -> None:
    """The reference: one request after another."""
    for payload in payloads:
        client.eed(payload.body)


def pooled(client: RelayClient, payloads: list[EedPayload], concurrency: int) -> None:
    """Raw client throughput: ``client.eed`` from a thread pool, nothing else."""
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda p: client.eed(p.body), payloads))


def cpu_and_wall(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median process CPU seconds over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2]


def with_latency(args: Any, cons: pl.DataFrame, payloads: list[EedPayload], folder: Path) -> None:
    """Cases 1 and 2: in-process sandbox with latency, then with faults."""
    reference_payloads = payloads[: args.reference_keys]
    rows: list[dict[str, Any]] = []
    with (
        SandboxServer(sample_data=False, faults=Faults(latency_ms=args.latency_ms)) as server,
        RelayClient(server.url, server.api_key) as client,
    ):
        reference = _harness.timed(lambda: sequential_loop(client, reference_payloads), args.repeat)
        per_key = reference.median / len(reference_payloads)
        rows.append(
            {
                "case": f"sequential client.eed loop ({len(reference_payloads):,} keys)",
                "median s": reference.median,
                "keys/s": 1 / per_key,
                "speed-up": 1.0,
            }
        )
        checks: dict[str, int] = {}
        for concurrency in args.concurrency:

            def run(concurrency: int = concurrency) -> None:
                before = received_revisions(server.url)
                submit_once(client, cons, folder, concurrency)
                checks.update(check_once_more(server.url, payloads, before))

            timing = _harness.timed(run, args.repeat)
            speed_up = per_key * len(payloads) / timing.median
            rows.append(
                {
                    "case": f"submit_eed, concurrency {concurrency} ({len(payloads):,} keys)",
                    "median s": timing.median,
                    "keys/s": len(payloads) / timing.median,
                    "speed-up": speed_up,
                    "goal": _harness.goal(speed_up, GOAL, at_least=True),
                    **checks,
                }
            )

        server.set_faults(_with_latency(FAULTS, args.latency_ms))
        concurrency = max(args.concurrency)
        before = received_revisions(server.url)
        started = time.perf_counter()
        submit_once(client, cons, folder, concurrency)
        seconds = time.perf_counter() - started
        checks = check_once_more(server.url, payloads, before)
        rows.append(
            {
                "case": f"submit_eed, concurrency {concurrency}, faults {_describe(FAULTS)}",
                "median s": seconds,
                "keys/s": len(payloads) / seconds,
                **checks,
            }
        )
    _harness.print_table(
        f"Submission of {len(payloads):,} keys, {args.latency_ms:g} ms per request, "
        f"median of {args.repeat}",
        rows,
        as_json=args.json,
    )


def _with_latency(faults: Faults, latency_ms: float) -> Faults:
    return Faults(
        fail_rate=faults.fail_rate,
        throttle_rate=faults.throttle_rate,
        retry_after_s=faults.retry_after_s,
        drop_rate=faults.drop_rate,
        latency_ms=latency_ms,
    )


def _describe(faults: Faults) -> str:
    return (
        f"500 {faults.fail_rate:.0%} / 429 {faults.throttle_rate:.0%} / drop {faults.drop_rate:.0%}"
    )


def throughput(args: Any, cons: pl.DataFrame, payloads: list[EedPayload], folder: Path) -> None:
    """Case 3: no added latency; the server in its own process, client CPU measured alone."""
    rows: list[dict[str, Any]] = []
    with (
        _sandbox.sandbox_process("--no-sample-data") as url,
        RelayClient(url, DEFAULT_API_KEY) as client,
    ):
        sequential_loop(client, payloads[:50])  # warm up connections and imports
        cases: dict[str, Callable[[], Any]] = {
            "sequential client.eed loop": partial(sequential_loop, client, payloads)
        }
        for c in args.concurrency:
            cases[f"client.eed from {c} threads"] = partial(pooled, client, payloads, c)
            cases[f"submit_eed, concurrency {c}"] = partial(submit_once, client, cons, folder, c)
        for name, run in cases.items():
            before = received_revisions(url)
            wall, cpu = cpu_and_wall(run, args.repeat)
            after = received_revisions(url)
            assert all(after[tuple(p.key)] > before.get(tuple(p.key), 0) for p in payloads)
            rows.append(
                {
                    "case": name,
                    "median s": wall,
                    "requests/s": len(payloads) / wall,
                    "client CPU ms/request": cpu / len(payloads) * 1000,
                }
            )
    _harness.print_table(
        f"Throughput without added latency, {len(payloads):,} keys, sandbox in a subprocess, "
        f"median of {args.repeat}",
        rows,
        as_json=args.json,
    )


def main() -> None:
    """Build the payloads, run the three parts, print the tables."""
    parser = _harness.options(__doc__ or "", rows=5_000, repeat=3)
    parser.add_argument("--latency-ms", type=float, default=30.0, help="added per request")
    parser.add_argument(
        "--reference-keys", type=int, default=1_000, help="keys of the sequential reference"
    )
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[16, 32], help="submit_eed concurrency"
    )
    args = parser.parse_args()
    cons = _data.submission_consumptions(args.rows)
    payloads = build_eed_payloads(cons)
    with tempfile.TemporaryDirectory() as folder:
        with_latency(args, cons, payloads, Path(folder))
        throughput(args, cons, payloads, Path(folder))


if __name__ == "__main__":
    main()
