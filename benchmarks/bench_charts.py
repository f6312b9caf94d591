"""Charts: ``period_over_period`` and the charts over it, on a million rows.

Build time (the chart function, then ``to_dict``), the JSON size and the rows embedded. The
reference is what altair does with the raw rows: it refuses them (``MaxRowsError``).

    uv run python benchmarks/bench_charts.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

import _data
import _harness

from relay_analytics import charts
from relay_analytics.analytics import period_over_period

PERIOD = dt.date(2024, 11, 1)


def embedded_rows(spec: dict[str, Any]) -> int:
    """Rows of data a Vega-Lite spec carries (named datasets and inline values)."""
    rows = sum(len(values) for values in spec.get("datasets", {}).values())

    def inline(node: Any) -> int:
        if isinstance(node, dict):
            values = node.get("values") if isinstance(node.get("values"), list) else []
            return len(values) + sum(inline(v) for k, v in node.items() if k != "values")
        if isinstance(node, list):
            return sum(inline(v) for v in node)
        return 0

    return rows + inline({k: v for k, v in spec.items() if k != "datasets"})


def raw_chart(pop: pl.DataFrame) -> str:
    """The reference: a scatter of the raw rows, as altair would embed them."""
    chart = alt.Chart(pop.select("rel_diff_previous", "rel_diff_last_year")).mark_point()
    try:
        chart.to_dict()
    except alt.MaxRowsError:
        return "refused: MaxRowsError"
    return "embedded"


def main() -> None:
    """Build the frame, time each chart, print the table."""
    args = _harness.options(__doc__ or "", rows=1_000_000, repeat=3).parse_args()
    cons = _data.consumptions(args.rows, bad_share=0.0)
    pop_timing = _harness.timed(lambda: period_over_period(cons), args.repeat)
    pop = period_over_period(cons)
    builders: dict[str, Callable[[], alt.TopLevelMixin]] = {
        "unit_history": lambda: charts.unit_history(pop, unit_id=1),
        "three_bar_comparison": lambda: charts.three_bar_comparison(pop, 1, PERIOD),
        "benchmark_comparison": lambda: charts.benchmark_comparison(pop, 1, PERIOD),
        "season_cumulative": lambda: charts.season_cumulative(pop, 1, end=PERIOD),
        "outlier_scatter": lambda: charts.outlier_scatter(pop, PERIOD),
        "completeness_heatmap (all properties)": lambda: charts.completeness_heatmap(cons),
    }
    rows: list[dict[str, Any]] = [
        {"step": f"period_over_period ({cons.height:,} rows)", "median s": pop_timing.median}
    ]
    for name, build in builders.items():
        timing = _harness.timed(lambda: build().to_dict(), args.repeat)  # noqa: B023 (runs now)
        spec = build().to_dict()
        rows.append(
            {
                "step": f"chart {name} + to_dict",
                "median s": timing.median,
                "JSON KiB": len(json.dumps(spec).encode()) / 1024,
                "embedded rows": embedded_rows(spec),
            }
        )
    rows.append({"step": "reference: altair on the raw rows", "result": raw_chart(pop)})
    _harness.print_table(
        f"Charts over {cons.height:,} consumption rows, median of {args.repeat}",
        rows,
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
