"""Charts: what each one draws (marks, encodings, layers) and how many rows it embeds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import polars as pl
import pytest
import vl_convert

from relay_analytics import charts
from relay_analytics.analytics import period_over_period
from relay_analytics.frames import BENCHMARK_SCHEMA, CONSUMPTION_SCHEMA

FIRST = dt.date(2023, 1, 1)


def synthetic_consumptions(units: int, months: int, properties: int = 1) -> pl.DataFrame:
    """HEATING kWh and HOT_WATER m³ per unit and month; some estimated, errors and gaps."""
    periods = pl.date_range(FIRST, dt.date(2100, 1, 1), "1mo", eager=True).head(months)
    grid = (
        pl.DataFrame({"unit_id": pl.int_range(1, units + 1, eager=True)})
        .join(pl.DataFrame({"period": periods}), how="cross")
        .join(
            pl.DataFrame({"service": ["HEATING", "HOT_WATER"], "unit_of_measure": ["KWH", "M3"]}),
            how="cross",
        )
    )
    noise = pl.struct("unit_id", "period", "service").hash(seed=1)
    frame = grid.with_columns(
        property_id=pl.col("unit_id") % properties + 1,
        customer_id=pl.col("unit_id") * 10,
        msc_name=pl.lit("ista"),
        amount=(noise % 1000).cast(pl.Float64) / 10 + 5,
        converted=False,
        estimated=noise % 17 == 0,
        errors=noise % 53 == 0,
        remark_codes=pl.lit([], dtype=pl.List(pl.String)),
    ).filter(noise % 31 != 0)
    frame = frame.with_columns(amount=pl.when(~pl.col("errors")).then("amount"))
    return frame.select(pl.col(name).cast(dtype) for name, dtype in CONSUMPTION_SCHEMA.items())


def benchmarks_for(cons: pl.DataFrame) -> pl.DataFrame:
    """A benchmark 10 % above each measured consumption."""
    measured = cons.filter(~pl.col("errors"))
    return measured.with_columns(amount=pl.col("amount") * 1.1).select(BENCHMARK_SCHEMA.names())


def embedded_rows(chart: alt.TopLevelMixin) -> int:
    """How many data rows the chart's spec carries."""
    spec = chart.to_dict()
    return sum(len(values) for values in spec.get("datasets", {}).values())


def marks(spec: dict[str, Any]) -> list[str]:
    """The mark type of each layer (or of the single view)."""
    views = spec.get("layer", [spec])
    return [view["mark"]["type"] for view in views]


@pytest.fixture(scope="module")
def cons() -> pl.DataFrame:
    return synthetic_consumptions(units=12, months=30, properties=2)


@pytest.fixture(scope="module")
def pop(cons: pl.DataFrame) -> pl.DataFrame:
    return period_over_period(cons, benchmarks_for(cons))


def test_unit_history_has_13_months_bars_last_year_line_benchmark_ticks_and_markers(
    pop: pl.DataFrame,
) -> None:
    chart = charts.unit_history(pop, 3, end="2024-12")
    spec = chart.to_dict()
    assert marks(spec) == ["bar", "line", "tick", "text"]
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"][0] == "2023-12"
    assert len(spec["layer"][0]["encoding"]["x"]["scale"]["domain"]) == 13
    assert spec["layer"][0]["encoding"]["opacity"]["condition"][0]["test"] == "datum.estimated"
    assert embedded_rows(chart) == 13


def test_unit_history_keeps_missing_months_on_the_axis_with_a_dash() -> None:
    cons = synthetic_consumptions(units=1, months=13).filter(
        pl.col("period") != dt.date(2023, 6, 1)
    )
    chart = charts.unit_history(period_over_period(cons), 1)
    rows = next(iter(chart.to_dict()["datasets"].values()))
    june = next(row for row in rows if row["month"] == "2023-06")
    assert june["amount"] is None
    assert june["marker"] == "\u2013"
    assert june["status"] == "missing"


def test_series_keep_their_colours_in_every_language(pop: pl.DataFrame) -> None:
    english = charts.unit_history(pop, 3).to_dict()["layer"][1]["encoding"]["color"]["scale"]
    german = charts.unit_history(pop, 3, lang="de").to_dict()["layer"][1]["encoding"]["color"]
    assert english["range"] == german["scale"]["range"]
    assert english["domain"] == ["Consumption", "Previous year", "Average user"]
    assert german["scale"]["domain"] == ["Verbrauch", "Vorjahr", "Durchschnittsnutzer"]


def test_three_bar_comparison_labels_absolute_and_relative_differences() -> None:
    cons = synthetic_consumptions(units=1, months=13)
    cons = cons.with_columns(
        amount=pl.when(pl.col("period") == dt.date(2024, 1, 1))
        .then(120.0)
        .when(pl.col("period") == dt.date(2023, 12, 1))
        .then(100.0)
        .when(pl.col("period") == dt.date(2023, 1, 1))
        .then(150.0)
        .otherwise("amount"),
        errors=False,
    )
    chart = charts.three_bar_comparison(period_over_period(cons), 1, "2024-01", lang="de")
    spec = chart.to_dict()
    assert marks(spec) == ["bar", "text"]
    texts = [row["text"] for row in next(iter(spec["datasets"].values()))]
    assert texts == ["120,0 kWh", "+20,0 kWh (+20 %)", "-30,0 kWh (-20 %)"]


def test_benchmark_comparison_sorts_units_by_relative_difference(pop: pl.DataFrame) -> None:
    chart = charts.benchmark_comparison(pop, 1, "2024-06")
    spec = chart.to_dict()
    assert marks(spec) == ["bar", "tick"]
    rows = next(iter(spec["datasets"].values()))
    relative = [row["relative"] for row in rows if row["relative"] is not None]
    assert relative == sorted(relative, reverse=True)
    assert spec["layer"][0]["encoding"]["y"]["sort"] == [row["unit"] for row in rows]


def test_completeness_heatmap_draws_every_unit_month_including_missing(cons: pl.DataFrame) -> None:
    chart = charts.completeness_heatmap(cons, property_id=1)
    spec = chart.to_dict()
    assert marks(spec) == ["rect"]
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 6 * 30  # 6 units of property 1 x 30 months
    assert {row["status"] for row in rows} == {"measured", "estimated", "error", "missing"}


def test_completeness_heatmap_over_all_properties_draws_properties(cons: pl.DataFrame) -> None:
    assert embedded_rows(charts.completeness_heatmap(cons)) == 2 * 30


def test_outlier_scatter_highlights_flagged_records(pop: pl.DataFrame) -> None:
    flagged = pl.DataFrame(
        {"unit_id": [2], "period": [dt.date(2024, 6, 1)], "service": ["HEATING"], "rule": ["r"]}
    )
    spec = charts.outlier_scatter(pop, "2024-06", flagged).to_dict()
    assert marks(spec) == ["rule", "rule", "circle"]
    dots = spec["datasets"][spec["layer"][2]["data"]["name"]]
    assert [row["unit_id"] for row in dots if row["rules"] == "r"] == [2]


def test_season_cumulative_draws_this_season_previous_season_and_degree_day_pace(
    pop: pl.DataFrame,
) -> None:
    chart = charts.season_cumulative(pop, 3, end="2024-11")
    spec = chart.to_dict()
    assert marks(spec) == ["line"]
    rows = next(iter(spec["datasets"].values()))
    seasons = pl.DataFrame(rows).group_by("season").len().sort("season").rows()
    # Sep-Nov of this season, and 12 months each of the previous season and its pace line.
    assert seasons == [
        ("Previous season", 12),
        ("Previous season at degree-day pace", 12),
        ("This season", 3),
    ]
    assert spec["encoding"]["x"]["scale"]["domain"][0] == "Sep"


def test_charts_leave_altair_global_state_alone(pop: pl.DataFrame) -> None:
    theme, transformer = alt.theme.active, alt.data_transformers.active
    charts.unit_history(pop, 3).to_dict()
    assert (alt.theme.active, alt.data_transformers.active) == (theme, transformer)
    assert charts.THEME_NAME in alt.theme.names()


def test_a_million_rows_embed_only_what_is_drawn() -> None:
    cons = synthetic_consumptions(units=20_000, months=25, properties=40)
    assert cons.height > 900_000
    pop = period_over_period(cons)
    assert embedded_rows(charts.unit_history(pop, 7)) == 13
    assert embedded_rows(charts.completeness_heatmap(cons)) == 40 * 25
    assert embedded_rows(charts.completeness_heatmap(cons, property_id=1)) <= 4000
    scatter = charts.outlier_scatter(pop, "2024-12")
    assert embedded_rows(scatter) <= 2 + 41 * 41 + 2000


def test_a_chart_renders_to_png(pop: pl.DataFrame) -> None:
    png = vl_convert.vegalite_to_png(charts.three_bar_comparison(pop, 3, "2024-06").to_dict())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_asking_for_a_unit_without_data_names_it(pop: pl.DataFrame) -> None:
    with pytest.raises(charts.ChartDataError, match="unit_id=999"):
        charts.unit_history(pop, 999)
