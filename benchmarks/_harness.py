"""What every benchmark script shares: options, medians of timed runs, peak memory, the table.

Peak memory is measured in a fresh subprocess per case: polars allocates in Rust, which
``tracemalloc`` does not see, so the child reads the kernel's resident-set high-water mark
(``VmHWM``), reset to the current size right before the case runs (``/proc/self/clear_refs``).
Where that reset is not possible the child falls back to ``ru_maxrss``, which then also counts
what loading the data cost (the table says so).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PROC_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")
_MEMORY_MARK = "BENCH-MEMORY "


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of each run and their median."""

    runs: list[float]

    @property
    def median(self) -> float:
        """The median of the runs, in seconds."""
        return statistics.median(self.runs)


def options(description: str, *, rows: int, repeat: int) -> argparse.ArgumentParser:
    """The common options: --rows, --repeat, --json (and the hidden memory-child options)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=rows, help=f"data size (default {rows:,})")
    parser.add_argument(
        "--repeat", type=int, default=repeat, help=f"timed runs per case (default {repeat})"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--memory-case", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    return parser


def timed(run: Callable[[], Any], repeat: int) -> Timing:
    """Run ``run`` ``repeat`` times (garbage collected before each) and time each run."""
    runs = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        runs.append(time.perf_counter() - started)
    return Timing(runs)


def _status_kib(field: str) -> int:
    for line in _PROC_STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in {_PROC_STATUS}")


def report_peak_memory(run: Callable[[], Any]) -> None:
    """In a memory child: run once and print the peak resident memory the run added."""
    import resource

    gc.collect()
    try:
        _CLEAR_REFS.write_text("5")  # reset VmHWM to the current resident size
        baseline = _status_kib("VmRSS")
        run()
        peak, method = _status_kib("VmHWM"), "VmHWM"
    except OSError:
        baseline = 0
        run()
        peak, method = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "ru_maxrss"
    result = {"peak_bytes": peak * 1024, "added_bytes": (peak - baseline) * 1024, "method": method}
    print(_MEMORY_MARK + json.dumps(result), flush=True)


def peak_memory(script: str, case: str, data: Path, extra: Sequence[str] = ()) -> dict[str, Any]:
    """Run ``case`` of ``script`` on the file ``data`` in a fresh interpreter; its peak memory."""
    command = [sys.executable, script, "--memory-case", case, "--data", str(data), *extra]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(_MEMORY_MARK):
            result: dict[str, Any] = json.loads(line.removeprefix(_MEMORY_MARK))
            return result
    raise RuntimeError(f"memory child {case} failed ({done.returncode}):\n{done.stderr[-2000:]}")


def mib(size: float) -> str:
    """Bytes as MiB with one decimal."""
    return f"{size / 2**20:,.1f}"


def print_table(title: str, rows: list[dict[str, Any]], *, as_json: bool) -> None:
    """Print ``rows`` as a Markdown table under ``title``, or as one line of JSON."""
    if as_json:
        print(json.dumps({"title": title, "rows": rows}, default=str), flush=True)
        return
    columns = list(dict.fromkeys(column for row in rows for column in row))
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print(f"\n## {title}\n", flush=True)
    print("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row_cells in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row_cells, widths, strict=True)) + " |")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def goal(ratio: float, target: float, *, at_least: bool) -> str:
    """``met`` or ``missed`` for a ratio against its goal, with the goal spelled out."""
    ok = ratio >= target if at_least else ratio <= target
    sign = ">=" if at_least else "<="
    return f"{'met' if ok else 'MISSED'} ({sign} {target:g}x)"
